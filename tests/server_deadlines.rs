//! A call whose deadline passes on the server is answered
//! DEADLINE_EXCEEDED with an ErrorInfo (reason DEADLINE_EXCEEDED), whether
//! the deadline is the client's (`grpc-timeout`) or the server's own request
//! timeout; tonic's own timer used to answer CANCELLED "Timeout expired".
//! The calls are raw HTTP/2, so that no client-side timer answers first.

mod common;

use std::time::Duration;

use common::heavy::heavy_solve;
use common::raw::{call_with_headers, frame};
use common::{error_reason, TestServer};
use debtcalc::server::ServerConfig;
use prost::Message;
use tonic::Code;

const SOLVE: &str = "/debtcalc.v1.RestructuringService/SolveTerms";

fn heavy_body() -> Vec<u8> {
    frame(&heavy_solve().encode_to_vec())
}

fn assert_deadline_exceeded(status: &tonic::Status) {
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert_eq!(error_reason(status), "DEADLINE_EXCEEDED", "{status:?}");
}

#[tokio::test]
async fn a_passed_client_deadline_is_deadline_exceeded() {
    let server = TestServer::start().await;
    // One heavy solve takes 0.2-0.5 s in a debug build, far past 30 ms.
    for timeout in ["30m", "1m", "60000u"] {
        let status = call_with_headers(
            server.addr,
            SOLVE,
            heavy_body(),
            true,
            &[("grpc-timeout", timeout)],
        )
        .await;
        assert_deadline_exceeded(&status);
    }
}

#[tokio::test]
async fn a_passed_server_request_timeout_is_deadline_exceeded() {
    let server = TestServer::start_with(ServerConfig {
        request_timeout: Duration::from_millis(30),
        ..ServerConfig::default()
    })
    .await;
    let status = call_with_headers(server.addr, SOLVE, heavy_body(), true, &[]).await;
    assert_deadline_exceeded(&status);
    // The shorter of the two wins: the client's 20 s does not lift it.
    let status = call_with_headers(
        server.addr,
        SOLVE,
        heavy_body(),
        true,
        &[("grpc-timeout", "20S")],
    )
    .await;
    assert_deadline_exceeded(&status);
}

#[tokio::test]
async fn a_call_within_its_deadline_is_answered() {
    let server = TestServer::start().await;
    let status = call_with_headers(
        server.addr,
        "/grpc.health.v1.Health/Check",
        frame(&[]),
        true,
        &[("grpc-timeout", "10S")],
    )
    .await;
    assert_eq!(status.code(), Code::Ok, "{status:?}");
}
