//! Connection and request limits against a real server on loopback: the
//! handshake and idle timeouts close connections, an open stream keeps its
//! connection, the connection cap, the in-flight byte budget and the body
//! timeout (issue 11).

mod common;

use std::time::{Duration, Instant};

use common::{error_reason, raw, TestServer};
use debtcalc::server::ServerConfig;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tonic::Code;
use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};

/// Server-side sockets of this process in state ESTABLISHED on `port`
/// (Linux `/proc/net/tcp`).
fn established_on(port: u16) -> usize {
    let mut count = 0;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields[1].rsplit(':').next().unwrap();
            if u16::from_str_radix(local_port, 16) == Ok(port) && fields[3] == "01" {
                count += 1;
            }
        }
    }
    count
}

async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

fn config(edit: impl FnOnce(&mut ServerConfig)) -> ServerConfig {
    let mut config = ServerConfig::default();
    edit(&mut config);
    config
}

/// Reads until end of stream or error; how long that took.
async fn time_to_close(mut stream: TcpStream) -> Duration {
    let start = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was not closed within 20 s"),
        }
    }
}

#[tokio::test]
async fn a_silent_connection_is_closed_after_the_handshake_timeout() {
    let server = TestServer::start_with(config(|c| {
        c.connections.handshake_timeout = Duration::from_millis(300);
    }))
    .await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let closed = time_to_close(stream).await;
    assert!(closed >= Duration::from_millis(250), "{closed:?}");
    eprintln!("silent connection closed after {closed:?}");
}

#[tokio::test]
async fn an_idle_connection_is_closed_and_the_client_reconnects() {
    let server = TestServer::start_with(config(|c| {
        c.connections.idle_timeout = Duration::from_millis(500);
    }))
    .await;
    let port = server.addr.port();
    let mut health = HealthClient::new(server.channel().await);
    health
        .check(HealthCheckRequest::default())
        .await
        .expect("check");
    assert_eq!(established_on(port), 1);
    let closed = wait_until(Duration::from_secs(10), || established_on(port) == 0).await;
    eprintln!("idle connection closed after {closed:?} more");
    // The channel reconnects for the next call. The idle close ends the
    // socket without an HTTP/2 GOAWAY, so a call the client sends before it
    // has seen the end of the old connection fails with CANCELLED or
    // UNAVAILABLE ("connection closed"; seen once in CI); a client retries
    // such a call, as this one does once, and the retry must succeed.
    let first = health.check(HealthCheckRequest::default()).await;
    if let Err(status) = &first {
        assert!(
            matches!(status.code(), Code::Cancelled | Code::Unavailable),
            "{status:?}"
        );
        health
            .check(HealthCheckRequest::default())
            .await
            .expect("check after reconnecting");
    }
}

#[tokio::test]
async fn an_open_watch_stream_keeps_its_connection() {
    let server = TestServer::start_with(config(|c| {
        c.connections.idle_timeout = Duration::from_millis(300);
    }))
    .await;
    let port = server.addr.port();
    let mut health = HealthClient::new(server.channel().await);
    let mut watch = health
        .watch(HealthCheckRequest::default())
        .await
        .expect("watch")
        .into_inner();
    watch
        .message()
        .await
        .expect("first status")
        .expect("a status");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(established_on(port), 1);
    drop(watch);
    // Once the stream ends the connection is idle, and closed.
    wait_until(Duration::from_secs(10), || established_on(port) == 0).await;
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let server = TestServer::start_with(config(|c| {
        c.connections.max_connections = 2;
        c.connections.handshake_timeout = Duration::from_secs(60);
    }))
    .await;
    let first = TcpStream::connect(server.addr).await.unwrap();
    let second = TcpStream::connect(server.addr).await.unwrap();
    let third = TcpStream::connect(server.addr).await.unwrap();
    let closed = time_to_close(third).await;
    assert!(closed < Duration::from_secs(10), "{closed:?}");
    // Closing one makes room for another, which is served.
    drop(first);
    wait_until(Duration::from_secs(10), || {
        established_on(server.addr.port()) == 1
    })
    .await;
    let mut health = HealthClient::new(server.channel().await);
    health
        .check(HealthCheckRequest::default())
        .await
        .expect("check");
    drop(second);
}

const SPLIT: &str = "/debtcalc.v1.RestructuringService/SplitClaim";

#[tokio::test]
async fn a_request_beyond_the_byte_budget_is_refused_and_the_budget_recovers() {
    let server = TestServer::start_with(config(|c| {
        c.requests.max_inflight_request_bytes = 10_000;
    }))
    .await;
    // 20,000 bytes declared: more than the whole budget.
    let status = raw::call(server.addr, SPLIT, raw::frame(&[0u8; 20_000]), true).await;
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(error_reason(&status), "REQUEST_MEMORY_BUDGET");
    // A small request afterwards is decoded (and fails validation: the
    // budget was given back).
    let status = raw::call(server.addr, SPLIT, raw::frame(&[]), true).await;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
}

#[tokio::test]
async fn a_request_body_that_stops_half_way_times_out() {
    let server = TestServer::start_with(config(|c| {
        c.requests.request_body_timeout = Duration::from_millis(300);
    }))
    .await;
    // A frame that declares 100 bytes and brings 10.
    let mut partial = raw::frame(&[0u8; 100]);
    partial.truncate(15);
    let start = Instant::now();
    let status = raw::call(server.addr, SPLIT, partial, false).await;
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert_eq!(error_reason(&status), "REQUEST_BODY_TIMEOUT");
    assert!(start.elapsed() < Duration::from_secs(20));
}
