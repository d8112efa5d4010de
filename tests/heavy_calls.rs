//! Heavy calculations against a real server on loopback: they do not delay
//! Health/Check, a call whose deadline passes stops consuming CPU, and
//! overload beyond the caps gives RESOURCE_EXHAUSTED at once, after which
//! the server recovers (issue 11). Time bounds are generous (a loaded
//! 2-core machine, a debug build); the measured figures are printed (run
//! with `--nocapture`).

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{error_reason, money, TestServer};
use debtcalc::api::pb::debtcalc::v1::{
    self as pb, debt_stream::Stream, discounting::Rate, rate_step::Start,
    solve_terms_request::NewTerms,
};
use debtcalc::api::pb::google::r#type::Date;
use debtcalc::server::compute::ComputeLimits;
use debtcalc::server::ServerConfig;
use tonic::Code;
use tonic_health::pb::{health_client::HealthClient, HealthCheckRequest};

/// SolveTerms for the write-off share of a 1,200-period monthly
/// level-payment loan whose rate steps every period (5% and 6% in turn):
/// about 2 s in a release build before the fix, far more in a debug build.
fn heavy_solve() -> pb::SolveTermsRequest {
    let rate_steps = (2..=1200)
        .map(|period| pb::RateStep {
            start: Some(Start::StartPeriod(period)),
            annual_rate: if period % 2 == 0 { "0.06" } else { "0.05" }.into(),
        })
        .collect();
    let terms = pb::LoanTerms {
        first_payment_date: Some(Date {
            year: 2025,
            month: 2,
            day: 15,
        }),
        frequency: pb::Frequency::Monthly as i32,
        installment_count: 1200,
        amortization: pb::Amortization::LevelPayment as i32,
        annual_rate: "0.05".into(),
        rate_steps,
        ..Default::default()
    };
    pb::SolveTermsRequest {
        old_claim: Some(pb::DebtStream {
            stream: Some(Stream::DueAtValuation(money("USD", "1000000000"))),
        }),
        valuation_date: Some(Date {
            year: 2025,
            month: 1,
            day: 15,
        }),
        discounting: Some(pb::Discounting {
            rate: Some(Rate::FlatRate("0.08".into())),
            ..Default::default()
        }),
        target_reduction: "0.5".into(),
        new_terms: Some(NewTerms::Terms(terms)),
        unknown: pb::Unknown::WriteOffShare as i32,
        ..Default::default()
    }
}

fn with_deadline<T>(message: T, deadline: Duration) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(deadline);
    request
}

/// CPU time (user + system) of this process, which runs the server.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13
    // after the name.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // Linux reports them in USER_HZ, 100 a second.
    let per_second = 100u64;
    Duration::from_millis(ticks * 1000 / per_second)
}

/// Starts `count` heavy solves at once, each on its own connection with
/// `deadline`; each task returns how long its call took and its result.
async fn start_heavy(
    server: &TestServer,
    count: usize,
    deadline: Duration,
) -> Vec<tokio::task::JoinHandle<(Duration, Result<(), tonic::Status>)>> {
    let mut calls = Vec::new();
    for _ in 0..count {
        let mut client = server.restructuring().await;
        calls.push(tokio::spawn(async move {
            let started = Instant::now();
            let result = client
                .solve_terms(with_deadline(heavy_solve(), deadline))
                .await
                .map(|_| ());
            (started.elapsed(), result)
        }));
    }
    calls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavy_solves_do_not_delay_health_checks() {
    let server = TestServer::start().await;
    // The checks run on a thread and runtime of their own, as a separate
    // client would, so that only the server's responsiveness is measured.
    let done = Arc::new(AtomicBool::new(false));
    let (ready, connected) = std::sync::mpsc::channel::<()>();
    let checker = {
        let done = done.clone();
        let endpoint = server.endpoint();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let channel = tonic::transport::Channel::from_shared(endpoint)
                    .unwrap()
                    .connect()
                    .await
                    .unwrap();
                let mut health = HealthClient::new(channel);
                health
                    .check(HealthCheckRequest::default())
                    .await
                    .expect("check");
                ready.send(()).unwrap();
                tokio::time::sleep(Duration::from_millis(100)).await;
                let mut latencies = Vec::new();
                while latencies.len() < 200 && !done.load(Ordering::Relaxed) {
                    let asked = Instant::now();
                    health
                        .check(HealthCheckRequest::default())
                        .await
                        .expect("check");
                    latencies.push(asked.elapsed());
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                latencies
            })
        })
    };
    connected.recv().unwrap();
    let started = Instant::now();
    let calls = start_heavy(&server, 16, Duration::from_secs(60)).await;
    while !calls.iter().all(|c| c.is_finished()) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done.store(true, Ordering::Relaxed);
    let mut latencies = checker.join().unwrap();
    let mut heavy = Vec::new();
    for call in calls {
        let (took, result) = call.await.unwrap();
        result.expect("the heavy solve succeeds");
        heavy.push(took);
    }
    latencies.sort();
    let worst = *latencies
        .last()
        .expect("at least one check during the load");
    eprintln!(
        "Health/Check during 16 heavy SolveTerms ({:?} in all, slowest call {:?}): {} checks, median {:?}, worst {worst:?}",
        started.elapsed(),
        heavy.iter().max().unwrap(),
        latencies.len(),
        latencies[latencies.len() / 2],
    );
    // Before the compute pool: median 270 ms, worst 690 ms on this machine.
    let median = latencies[latencies.len() / 2];
    assert!(median < Duration::from_millis(100), "{median:?}");
    assert!(worst < Duration::from_millis(1000), "{worst:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_past_their_deadline_stop_consuming_cpu() {
    let server = TestServer::start().await;
    // Alone, one heavy solve takes 0.2-0.5 s here (debug build); eight of
    // them on two cores keep the process busy for seconds if they are not
    // stopped.
    let calls = start_heavy(&server, 8, Duration::from_millis(100)).await;
    for call in calls {
        let (took, result) = call.await.unwrap();
        let status = result.expect_err("the deadline passes first");
        assert!(
            matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
            "{status:?}"
        );
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    // Give the computations a generous moment to notice, then measure.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = process_cpu();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = process_cpu() - before;
    eprintln!("CPU used in the 2 s from 0.3 s after the last deadline: {used:?}");
    assert!(used < Duration::from_millis(400), "{used:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_refused_at_once_and_the_server_recovers() {
    let server = TestServer::start_with(ServerConfig {
        compute: ComputeLimits {
            workers: 1,
            max_queued: 1,
        },
        ..ServerConfig::default()
    })
    .await;
    // Ten at once against room for two (one computing, one queued).
    let calls = start_heavy(&server, 10, Duration::from_secs(60)).await;
    let (mut served, mut refused) = (0, Vec::new());
    for call in calls {
        let (took, result) = call.await.unwrap();
        match result {
            Ok(()) => served += 1,
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                assert_eq!(error_reason(&status), "OVERLOADED");
                refused.push(took);
            }
        }
    }
    refused.sort();
    eprintln!(
        "{served} served, {} refused (slowest refusal {:?})",
        refused.len(),
        refused.last()
    );
    assert!(served >= 2, "{served}");
    assert!(!refused.is_empty());
    assert!(*refused.last().unwrap() < Duration::from_secs(1));
    // Once the heavy calls have ended, calculations are served again.
    let mut client = server.restructuring().await;
    client
        .split_claim(pb::SplitClaimRequest {
            claim: Some(money("USD", "100")),
            write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                "0.5".into(),
            )),
            ..Default::default()
        })
        .await
        .expect("served after the overload");
    let mut health = HealthClient::new(server.channel().await);
    health
        .check(HealthCheckRequest::default())
        .await
        .expect("check");
}
