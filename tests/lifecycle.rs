//! The lifecycle of the real binary (issue 11): reference data checked
//! before anything says "serving"; SIGTERM drains (health NOT_SERVING on
//! Check and Watch, Watch streams ended, calls in flight finished, new calls
//! refused, exit within the drain deadline); a second signal exits at once.

mod binary;

use std::time::{Duration, Instant};

use binary::Binary;
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::debtcalc::v1::restructuring_service_client::RestructuringServiceClient;
use debtcalc::api::pb::google::r#type::Date;
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// A 1,200-period level-payment loan with a rate step every period: one of
/// the heaviest schedules the API accepts, so calls are still in flight when
/// the signal arrives.
fn heavy_schedule() -> pb::BuildScheduleRequest {
    let rate_steps = (2..=1200u32)
        .map(|k| pb::RateStep {
            start: Some(pb::rate_step::Start::StartPeriod(k)),
            annual_rate: if k % 2 == 0 { "0.0585" } else { "0.06" }.into(),
        })
        .collect();
    pb::BuildScheduleRequest {
        principal: Some(pb::Money {
            currency_code: "USD".into(),
            amount: "1000000000".into(),
        }),
        terms: Some(pb::LoanTerms {
            first_payment_date: Some(Date {
                year: 2025,
                month: 2,
                day: 15,
            }),
            frequency: pb::Frequency::Monthly as i32,
            installment_count: Some(1200),
            amortization: pb::Amortization::LevelPayment as i32,
            annual_rate: "0.06".into(),
            rate_steps,
            ..Default::default()
        }),
    }
}

async fn channel(binary: &Binary) -> Channel {
    Channel::from_shared(binary.endpoint())
        .unwrap()
        .connect()
        .await
        .expect("connect")
}

fn status_of(response: &tonic_health::pb::HealthCheckResponse) -> ServingStatus {
    ServingStatus::try_from(response.status).unwrap()
}

/// The admin listener's address, from the log.
fn admin_addr(server: &Binary) -> std::net::SocketAddr {
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

/// `debtcalc_calls_in_flight` from the metrics endpoint.
fn in_flight(admin: std::net::SocketAddr) -> i64 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(admin).unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("debtcalc_calls_in_flight "))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .map(|value| value as i64)
        .expect("the in-flight gauge")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_under_load_drains_health_watch_and_calls_in_flight() {
    let drain_deadline = Duration::from_secs(20);
    let mut server = Binary::start(
        &["--drain-timeout", "20", "--admin-listen", "127.0.0.1:0"],
        &[],
    );
    let admin = admin_addr(&server);
    let channel = channel(&server).await;
    let mut health = HealthClient::new(channel.clone());

    // Watchers on the whole server and on one service, both SERVING.
    let mut watchers = Vec::new();
    for service in ["", "debtcalc.v1.RestructuringService"] {
        let mut stream = health
            .watch(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner();
        let first = stream.message().await.unwrap().unwrap();
        assert_eq!(status_of(&first), ServingStatus::Serving);
        watchers.push(stream);
    }

    // Load: heavy calls; the signal goes once the server has some of them in
    // progress (its in-flight gauge counts the two Watch streams too).
    let launched = 32;
    let calls: Vec<_> = (0..launched)
        .map(|_| {
            let mut client = RestructuringServiceClient::new(channel.clone());
            tokio::spawn(async move {
                let result = client.build_schedule(heavy_schedule()).await;
                (result, Instant::now())
            })
        })
        .collect();
    let wait = Instant::now();
    let mut in_flight_at_signal;
    loop {
        in_flight_at_signal = in_flight(admin) - 2;
        if in_flight_at_signal >= 1 {
            break;
        }
        assert!(
            wait.elapsed() < Duration::from_secs(20),
            "calls never arrived"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.signal("TERM");
    let signalled = Instant::now();

    // Every watcher sees NOT_SERVING, then its stream ends.
    for mut stream in watchers {
        let mut last = None;
        let ended = tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(message) = stream.message().await.unwrap_or(None) {
                last = Some(status_of(&message));
            }
        })
        .await;
        assert!(ended.is_ok(), "the Watch stream was not ended by the drain");
        assert_eq!(last, Some(ServingStatus::NotServing));
    }

    // New calls are refused (GOAWAY, listener closed), not served. A call
    // that races the GOAWAY (h2 sends it in two phases, and the client may
    // not have read it yet) counts as in flight and may be served, so the
    // client tries again until the refusal reaches it; it must come soon.
    let mut late = RestructuringServiceClient::new(channel.clone());
    let mut late_served = 0;
    while late.build_schedule(heavy_schedule()).await.is_ok() {
        late_served += 1;
        assert!(late_served < 20, "calls after SIGTERM are still served");
    }

    // No call in flight is lost: as many calls are answered OK after the
    // signal as the server had in progress at it; only calls it had not
    // received or started yet may fail (refused once draining: UNAVAILABLE;
    // past the GOAWAY; or still queued in the client when the connection
    // closed: CANCELLED).
    let mut answered_after_signal = 0;
    for call in calls {
        let (result, done) = call.await.unwrap();
        match result {
            Ok(response) => {
                assert_eq!(response.into_inner().installments.len(), 1200);
                if done > signalled {
                    answered_after_signal += 1;
                }
            }
            // (A stream past the GOAWAY's last stream id is reported by the
            // client as INTERNAL "GoAway".)
            Err(status) => assert!(
                matches!(
                    status.code(),
                    tonic::Code::Unavailable | tonic::Code::Cancelled
                ) || format!("{status:?}").contains("GoAway"),
                "{status:?}"
            ),
        }
    }
    assert!(
        answered_after_signal >= in_flight_at_signal,
        "{in_flight_at_signal} calls in flight at the signal, {answered_after_signal} answered"
    );

    let status = server
        .wait_exit(drain_deadline + Duration::from_secs(2))
        .expect("the process exits within the drain deadline");
    let shutdown = signalled.elapsed();
    eprintln!(
        "shutdown: {in_flight_at_signal} calls in flight at SIGTERM, \
         {answered_after_signal} answered after it; exited {:.0} ms after it",
        shutdown.as_secs_f64() * 1000.0
    );
    assert!(status.success(), "exit status {status:?}");
    assert!(shutdown < drain_deadline);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_alone_does_not_keep_the_process_alive() {
    let mut server = Binary::start(&["--drain-timeout", "30"], &[]);
    let mut health = HealthClient::new(channel(&server).await);
    let mut stream = health
        .watch(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    stream.message().await.unwrap().unwrap();
    server.signal("INT");
    let signalled = Instant::now();
    let status = server
        .wait_exit(Duration::from_secs(5))
        .expect("an open Watch stream kept the process alive");
    assert!(status.success());
    eprintln!(
        "shutdown with only a Watch open: {:.0} ms",
        signalled.elapsed().as_secs_f64() * 1000.0
    );
}

/// A request body that sends the start of a gRPC message and then stalls:
/// the call stays in flight until the drain deadline.
struct Stalled {
    sent: bool,
}

impl http_body::Body for Stalled {
    type Data = bytes::Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, tonic::Status>>> {
        if self.sent {
            return std::task::Poll::Pending;
        }
        self.sent = true;
        // Not compressed, 100 bytes announced, 3 sent.
        let start = bytes::Bytes::from_static(&[0, 0, 0, 0, 100, 10, 1, 0]);
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(start))))
    }
}

/// Starts a call whose request never finishes.
fn stalled_call(channel: &Channel, endpoint: &str) -> tokio::task::JoinHandle<()> {
    use tower_service::Service;
    let mut channel = channel.clone();
    let request = http::Request::builder()
        .method("POST")
        .uri(format!(
            "{endpoint}/debtcalc.v1.RestructuringService/BuildSchedule"
        ))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(tonic::body::Body::new(Stalled { sent: false }))
        .unwrap();
    tokio::spawn(async move {
        std::future::poll_fn(|cx| channel.poll_ready(cx))
            .await
            .unwrap();
        let _ = channel.call(request).await;
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_exits_at_once() {
    let mut server = Binary::start(
        &["--drain-timeout", "60", "--admin-listen", "127.0.0.1:0"],
        &[],
    );
    let admin = admin_addr(&server);
    let channel = channel(&server).await;
    let call = stalled_call(&channel, &server.endpoint());
    let wait = Instant::now();
    while in_flight(admin) < 1 {
        assert!(
            wait.elapsed() < Duration::from_secs(10),
            "the call never arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.signal("TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the process should be draining its call"
    );
    server.signal("TERM");
    let second = Instant::now();
    let status = server
        .wait_exit(Duration::from_secs(3))
        .expect("the second signal did not end the process");
    assert_eq!(status.code(), Some(128 + 15), "{status:?}");
    eprintln!(
        "second signal: exited {:.0} ms after it",
        second.elapsed().as_secs_f64() * 1000.0
    );
    call.abort();
}

#[test]
fn invalid_reference_data_exits_non_zero_without_saying_serving() {
    let dir = std::env::temp_dir().join(format!("debtcalc-lifecycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"format\": 1, \"bases\": [").unwrap();
    let mut server = Binary::start(&["--reference-data", bad.to_str().unwrap()], &[]);
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("the process exits");
    assert!(!status.success());
    let log = server.log().join("\n");
    assert!(!log.contains("serving"), "log says serving: {log}");
    assert!(server.addr.is_none());

    // A missing file too.
    let missing = dir.join("missing.json");
    let mut server = Binary::start(&["--reference-data", missing.to_str().unwrap()], &[]);
    let status = server.wait_exit(Duration::from_secs(10)).unwrap();
    assert!(!status.success());
    assert!(!server.log().join("\n").contains("serving"));
}

#[test]
fn a_health_port_in_use_exits_non_zero_without_saying_serving() {
    // Failed before: the health-only listener was bound after the "serving"
    // line, so the process said it served and then exited 1.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let mut server = Binary::start(&["--health-listen", &port], &[]);
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("the process exits");
    assert!(!status.success());
    let log = server.log().join("\n");
    assert!(!log.contains("serving"), "log says serving: {log}");
    assert!(
        log.contains("(health)"),
        "the error names the health listener: {log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_past_the_drain_deadline_do_not_hold_the_process() {
    let mut server = Binary::start(
        &["--drain-timeout", "0.5", "--admin-listen", "127.0.0.1:0"],
        &[],
    );
    let admin = admin_addr(&server);
    let channel = channel(&server).await;
    // One call that never finishes, then heavy load.
    let stalled = stalled_call(&channel, &server.endpoint());
    let wait = Instant::now();
    while in_flight(admin) < 1 {
        assert!(
            wait.elapsed() < Duration::from_secs(10),
            "the call never arrived"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let mut client = RestructuringServiceClient::new(channel.clone());
            tokio::spawn(async move { client.build_schedule(heavy_schedule()).await })
        })
        .collect();
    let wait = Instant::now();
    while in_flight(admin) < 2 {
        assert!(
            wait.elapsed() < Duration::from_secs(10),
            "the calls never arrived"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.signal("TERM");
    let signalled = Instant::now();
    let status = server
        .wait_exit(Duration::from_millis(1500))
        .expect("the process outlived the drain deadline by over a second");
    let elapsed = signalled.elapsed();
    eprintln!(
        "drain deadline 500 ms: exited {:.0} ms after SIGTERM",
        elapsed.as_secs_f64() * 1000.0
    );
    assert!(status.success(), "{status:?}");
    assert!(
        elapsed >= Duration::from_millis(450),
        "exited before the drain deadline with a call in flight"
    );
    stalled.abort();
    for call in calls {
        let _ = call.await;
    }
}
