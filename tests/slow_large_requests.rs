//! Memory stays bounded while many clients send large requests slowly
//! (issue 11). In a test binary of its own: it measures the resident memory
//! of the whole process, which runs the server.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::TestServer;
use debtcalc::server::ServerConfig;
use tokio::net::TcpStream;
use tonic::Code;

const MIB: u64 = 1024 * 1024;
static CHUNK: [u8; 64 * 1024] = [0u8; 64 * 1024];

/// Resident memory of this process, in bytes (Linux `/proc/self/status`).
fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Sends one request of `size` bytes (zeros: undecodable) to SplitClaim in
/// 64 KiB chunks, `pause` apart, within flow control; the status it ends
/// with.
async fn slow_sender(addr: std::net::SocketAddr, size: usize, pause: Duration) -> tonic::Status {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.unwrap();
    let request = http::Request::builder()
        .method("POST")
        .uri(format!(
            "http://{addr}/debtcalc.v1.RestructuringService/SplitClaim"
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    let mut header = vec![0u8];
    header.extend_from_slice(&(size as u32).to_be_bytes());
    let _ = send.send_data(Bytes::from(header), false);
    // Sends until done or refused, then waits for the response.
    let body = async {
        let mut left = size;
        while left > 0 {
            let want = left.min(CHUNK.len());
            send.reserve_capacity(want);
            let granted = match std::future::poll_fn(|cx| send.poll_capacity(cx)).await {
                Some(Ok(granted)) if granted > 0 => granted.min(want),
                _ => break,
            };
            if send
                .send_data(Bytes::from_static(&CHUNK[..granted]), left == granted)
                .is_err()
            {
                break;
            }
            left -= granted;
            tokio::time::sleep(pause).await;
        }
        std::future::pending::<()>().await
    };
    let response = tokio::select! {
        response = response => response,
        _ = body => unreachable!(),
    };
    let response = match response {
        Ok(response) => response,
        Err(e) => return tonic::Status::unavailable(e.to_string()),
    };
    let (parts, mut body) = response.into_parts();
    if let Some(status) = tonic::Status::from_header_map(&parts.headers) {
        return status;
    }
    while body.data().await.is_some() {}
    match body.trailers().await {
        Ok(Some(trailers)) => tonic::Status::from_header_map(&trailers).unwrap(),
        _ => tonic::Status::unavailable("no trailers"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_while_many_clients_send_large_requests_slowly() {
    let budget = 32 * MIB;
    let server = TestServer::start_with({
        let mut config = ServerConfig::default();
        config.requests.max_inflight_request_bytes = budget as usize;
        config
    })
    .await;
    let baseline = resident();
    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(resident(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let clients = 64;
    let size = 4 * MIB as usize - 64;
    let started = Instant::now();
    let senders: Vec<_> = (0..clients)
        .map(|_| tokio::spawn(slow_sender(server.addr, size, Duration::from_millis(20))))
        .collect();
    let mut codes = std::collections::BTreeMap::new();
    for sender in senders {
        let status = sender.await.unwrap();
        *codes.entry(format!("{:?}", status.code())).or_insert(0) += 1;
        assert!(
            matches!(
                status.code(),
                Code::ResourceExhausted | Code::InvalidArgument
            ),
            "{status:?}"
        );
    }
    done.store(true, Ordering::Relaxed);
    sampler.await.unwrap();
    let growth = peak.load(Ordering::Relaxed).saturating_sub(baseline);
    eprintln!(
        "{clients} clients x {} MiB sent slowly, budget {} MiB: peak resident growth {:.1} MiB in {:?}; statuses {codes:?}",
        size as u64 / MIB + 1,
        budget / MIB,
        growth as f64 / MIB as f64,
        started.elapsed()
    );
    // Without the budget the request buffers alone are 64 x 4 MiB = 256 MiB.
    assert!(growth < 160 * MIB, "{} MiB", growth / MIB);
}
