//! Observability of the real binary (issue 11): one log line per call
//! (method, code, latency, peer), JSON or human, no colour codes when the
//! output is not a terminal; Prometheus metrics on the admin listener.

mod binary;
mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use binary::Binary;
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::debtcalc::v1::restructuring_service_client::RestructuringServiceClient;
use debtcalc::api::pb::google::r#type::Date;
use tonic::transport::Channel;

fn small_schedule() -> pb::BuildScheduleRequest {
    pb::BuildScheduleRequest {
        principal: Some(pb::Money {
            currency_code: "USD".into(),
            amount: "1000".into(),
        }),
        terms: Some(pb::LoanTerms {
            first_payment_date: Some(Date {
                year: 2025,
                month: 6,
                day: 30,
            }),
            frequency: pb::Frequency::SemiAnnual as i32,
            installment_count: Some(4),
            ..Default::default()
        }),
    }
}

const BUILD: &str = "/debtcalc.v1.RestructuringService/BuildSchedule";

async fn two_calls(server: &Binary) {
    let channel = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = RestructuringServiceClient::new(channel);
    client.build_schedule(small_schedule()).await.unwrap();
    let bad = client
        .build_schedule(pb::BuildScheduleRequest::default())
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    // The log line is written when the response ends.
    tokio::time::sleep(Duration::from_millis(200)).await;
}

fn admin_addr(server: &Binary) -> SocketAddr {
    server
        .log()
        .iter()
        .find(|line| line.contains("/metrics"))
        .and_then(|line| {
            line.split(|c: char| c.is_whitespace() || c == '"' || c == '/')
                .find_map(|word| word.parse().ok())
        })
        .expect("the admin address is logged")
}

fn http_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[tokio::test]
async fn json_log_has_one_line_per_call_and_metrics_count_them() {
    let server = Binary::start(
        &["--log-format", "json", "--admin-listen", "127.0.0.1:0"],
        &[],
    );
    two_calls(&server).await;

    let calls: Vec<serde_json::Value> = server
        .log()
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|event| event["method"] == BUILD)
        .collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0]["code"], "OK");
    assert_eq!(calls[1]["code"], "INVALID_ARGUMENT");
    for call in &calls {
        assert_eq!(call["level"], "INFO");
        assert!(call["latency_ms"].as_f64().unwrap() >= 0.0);
        assert!(call["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
        // No amounts (nor any request content) at info level.
        assert!(!call.to_string().contains("1000"));
    }

    let metrics = http_get(admin_addr(&server), "/metrics");
    assert!(metrics.starts_with("HTTP/1.1 200 OK"), "{metrics}");
    for expected in [
        format!("debtcalc_calls_total{{method=\"{BUILD}\",code=\"OK\"}} 1"),
        format!("debtcalc_calls_total{{method=\"{BUILD}\",code=\"INVALID_ARGUMENT\"}} 1"),
        format!("debtcalc_call_duration_seconds_count{{method=\"{BUILD}\"}} 2"),
        format!("debtcalc_call_duration_seconds_bucket{{method=\"{BUILD}\",le=\"+Inf\"}} 2"),
        "debtcalc_calls_in_flight 0".to_string(),
    ] {
        assert!(
            metrics.contains(&expected),
            "missing {expected} in\n{metrics}"
        );
    }
    assert!(http_get(admin_addr(&server), "/other").starts_with("HTTP/1.1 404"));
}

#[tokio::test]
async fn human_log_has_no_colour_codes_off_a_terminal() {
    let server = Binary::start(&[], &[]);
    two_calls(&server).await;
    let log = server.log();
    let calls: Vec<_> = log.iter().filter(|line| line.contains(BUILD)).collect();
    assert_eq!(calls.len(), 2, "{log:?}");
    assert!(calls[0].contains("code=OK"), "{}", calls[0]);
    assert!(calls[1].contains("code=INVALID_ARGUMENT"));
    assert!(calls[0].contains("peer=127.0.0.1:"));
    assert!(
        log.iter().all(|line| !line.contains('\u{1b}')),
        "colour codes in a piped log: {log:?}"
    );
}

/// A log reader that stops reading must not stall the calls: the log is
/// written through a bounded queue that drops lines when full. (With the log
/// written straight to a pipe nobody reads, calls stop after about 500.)
#[tokio::test]
async fn a_stalled_log_reader_does_not_stall_calls() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_debtcalc"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env_remove("DEBTCALC_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped()) // never read
        .spawn()
        .unwrap();
    let endpoint = format!("http://127.0.0.1:{port}");
    let mut channel = None;
    for _ in 0..100 {
        if let Ok(c) = Channel::from_shared(endpoint.clone())
            .unwrap()
            .connect()
            .await
        {
            channel = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut health =
        tonic_health::pb::health_client::HealthClient::new(channel.expect("server up"));
    let done = tokio::time::timeout(Duration::from_secs(30), async {
        for _ in 0..3000 {
            health
                .check(tonic_health::pb::HealthCheckRequest::default())
                .await
                .unwrap();
        }
    })
    .await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(done.is_ok(), "calls stalled behind an unread log");
}

/// Calls the compute pool refuses as overloaded are counted by method in
/// `debtcalc_shed_calls_total`, and the queued gauge is kept current.
#[tokio::test]
async fn shed_calls_are_counted_by_method() {
    let server = Binary::start(
        &[
            "--admin-listen",
            "127.0.0.1:0",
            "--max-calls-in-progress",
            "1",
            "--max-queued-calls",
            "0",
        ],
        &[],
    );
    let channel = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let mut client = RestructuringServiceClient::new(channel.clone());
            tokio::spawn(async move {
                client
                    .solve_terms(common::heavy::with_deadline(
                        common::heavy::heavy_solve(),
                        Duration::from_secs(2),
                    ))
                    .await
            })
        })
        .collect();
    let mut shed = 0;
    for call in calls {
        if let Err(status) = call.await.unwrap() {
            if status.code() == tonic::Code::ResourceExhausted {
                shed += 1;
            }
        }
    }
    assert!(shed >= 1, "no call was shed");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let metrics = http_get(admin_addr(&server), "/metrics");
    for expected in [
        format!(
            "debtcalc_shed_calls_total{{method=\"/debtcalc.v1.RestructuringService/SolveTerms\"}} {shed}"
        ),
        "debtcalc_calls_queued 0".to_string(),
        // Exposed from the start (issue 14), no stream open here.
        "debtcalc_batch_items_in_flight 0".to_string(),
    ] {
        assert!(
            metrics.contains(&expected),
            "missing {expected} in\n{metrics}"
        );
    }
}
