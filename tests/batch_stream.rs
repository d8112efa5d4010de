//! BatchService/EvaluateBatch against a real server on loopback (issue 14):
//! every item's answer is the unary answer byte for byte, a bad item in the
//! middle is answered with the unary call's status and the stream goes on,
//! a stream larger than the in-flight cap is answered in full without more
//! than the cap in flight, and a cancelled stream stops its work.
//!
//! Every server of this file has the same cap ([`CAP`]), since the peak it
//! checks is process-wide.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::heavy::heavy_solve;
use common::TestServer;
use debtcalc::api::batch::{items_abandoned_total, peak_items_in_flight};
use debtcalc::api::compute::ComputeLimits;
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::server::request_limits::RequestLimits;
use debtcalc::server::ServerConfig;
use pb::batch_service_client::BatchServiceClient;
use pb::evaluate_batch_request::Request as Item;
use pb::evaluate_batch_response::Result as Outcome;
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Code;

/// The in-flight cap of every server here.
const CAP: usize = 3;

async fn server(compute: ComputeLimits) -> TestServer {
    TestServer::start_with(ServerConfig {
        max_batch_items_in_flight: CAP,
        compute,
        request_timeout: Duration::from_secs(600),
        ..ServerConfig::default()
    })
    .await
}

/// A request of the README's examples (examples/grpcurl/<name>.json).
fn example<T: prost::Message + Default>(name: &str, message: &str) -> T {
    let pool = prost_reflect::DescriptorPool::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET)
        .expect("descriptors");
    let descriptor = pool
        .get_message_by_name(&format!("debtcalc.v1.{message}"))
        .expect("message");
    let path = format!(
        "{}/examples/grpcurl/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    let mut json = serde_json::Deserializer::from_str(&text);
    prost_reflect::DynamicMessage::deserialize(descriptor, &mut json)
        .expect("example decodes")
        .transcode_to::<T>()
        .expect("transcodes")
}

fn item(id: &str, request: Item) -> pb::EvaluateBatchRequest {
    pb::EvaluateBatchRequest {
        id: id.into(),
        request: Some(request),
    }
}

/// The answers of a whole stream of `items`, by id; they come in the
/// order of the items.
async fn evaluate(
    server: &TestServer,
    items: Vec<pb::EvaluateBatchRequest>,
) -> BTreeMap<String, Outcome> {
    let mut client = BatchServiceClient::new(server.channel().await);
    let sent: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let mut order = Vec::new();
    let mut answers = client
        .evaluate_batch(tokio_stream::iter(items))
        .await
        .expect("the stream starts")
        .into_inner();
    let mut out = BTreeMap::new();
    while let Some(answer) = answers.message().await.expect("the stream goes on") {
        order.push(answer.id.clone());
        let previous = out.insert(answer.id.clone(), answer.result.expect("a result"));
        assert!(previous.is_none(), "{} answered twice", answer.id);
    }
    assert_eq!(order, sent, "the answers come in the order of the items");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_the_unary_answer_and_a_bad_item_does_not_end_the_stream() {
    let server = server(ComputeLimits::default()).await;
    let split: pb::SplitClaimRequest = example("split-claim", "SplitClaimRequest");
    let schedule: pb::BuildScheduleRequest = example("build-schedule", "BuildScheduleRequest");
    let value: pb::ValueRestructuringRequest =
        example("value-restructuring", "ValueRestructuringRequest");
    let assess: pb::AssessConcessionalityRequest =
        example("assess-concessionality", "AssessConcessionalityRequest");
    let solve: pb::SolveTermsRequest = example("solve-terms", "SolveTermsRequest");
    let mut bad = split.clone();
    bad.claim.as_mut().expect("a claim").amount = "ten".into();

    let items = vec![
        item("split", Item::SplitClaim(split.clone())),
        item("schedule", Item::BuildSchedule(schedule.clone())),
        item("bad", Item::SplitClaim(bad.clone())),
        item("empty", Item::SplitClaim(Default::default())),
        pb::EvaluateBatchRequest {
            id: "none".into(),
            request: None,
        },
        item("value", Item::ValueRestructuring(value.clone())),
        item("assess", Item::AssessConcessionality(assess.clone())),
        item("solve", Item::SolveTerms(solve.clone())),
    ];
    let answers = evaluate(&server, items).await;
    assert_eq!(answers.len(), 8, "{:?}", answers.keys());

    let mut unary = server.restructuring().await;
    let expect = |id: &str, bytes: Vec<u8>| {
        let got = match &answers[id] {
            Outcome::SplitClaim(r) => r.encode_to_vec(),
            Outcome::BuildSchedule(r) => r.encode_to_vec(),
            Outcome::ValueRestructuring(r) => r.encode_to_vec(),
            Outcome::AssessConcessionality(r) => r.encode_to_vec(),
            Outcome::SolveTerms(r) => r.encode_to_vec(),
            Outcome::Error(status) => panic!("{id} failed: {status:?}"),
        };
        assert_eq!(got, bytes, "{id}");
    };
    let r = unary.split_claim(split).await.unwrap().into_inner();
    expect("split", r.encode_to_vec());
    let r = unary.build_schedule(schedule).await.unwrap().into_inner();
    expect("schedule", r.encode_to_vec());
    let r = unary.value_restructuring(value).await.unwrap().into_inner();
    expect("value", r.encode_to_vec());
    let r = unary.assess_concessionality(assess).await.unwrap();
    expect("assess", r.into_inner().encode_to_vec());
    let r = unary.solve_terms(solve).await.unwrap().into_inner();
    expect("solve", r.encode_to_vec());

    // The bad items: the unary call's status, details and all.
    for (id, request) in [("bad", bad), ("empty", Default::default())] {
        let status = unary.split_claim(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        let Outcome::Error(error) = &answers[id] else {
            panic!("{id} did not fail");
        };
        assert_eq!(error.code, Code::InvalidArgument as i32, "{id}");
        assert_eq!(error.message, status.message(), "{id}");
        assert_eq!(error.encode_to_vec(), status.details(), "{id}");
    }
    let Outcome::Error(none) = &answers["none"] else {
        panic!("an item without a request did not fail");
    };
    assert_eq!(none.code, Code::InvalidArgument as i32);
    let none = tonic::Status::with_details(
        Code::InvalidArgument,
        none.message.clone(),
        none.encode_to_vec().into(),
    );
    assert_eq!(common::violation_fields(&none), vec!["request".to_string()]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_larger_than_the_cap_is_answered_in_full_within_the_cap() {
    let server = server(ComputeLimits::default()).await;
    let split: pb::SplitClaimRequest = example("split-claim", "SplitClaimRequest");
    let count = 20 * CAP;
    let items = (0..count)
        .map(|n| item(&format!("item-{n}"), Item::SplitClaim(split.clone())))
        .collect();
    let answers = evaluate(&server, items).await;
    assert_eq!(answers.len(), count);
    let expected = server
        .restructuring()
        .await
        .split_claim(split)
        .await
        .unwrap()
        .into_inner();
    for (id, outcome) in &answers {
        assert_eq!(outcome, &Outcome::SplitClaim(expected.clone()), "{id}");
    }
    let peak = peak_items_in_flight();
    println!("peak items in flight: {peak} (cap {CAP})");
    assert!((1..=CAP).contains(&peak), "peak {peak}, cap {CAP}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_stream_holds_the_byte_budget_of_one_message_at_a_time() {
    // A budget of 8 KiB for every request body being received, and a
    // stream of about ten times that: charged one message at a time, it
    // goes through (charged as a whole, it failed with
    // REQUEST_MEMORY_BUDGET).
    let budget = 8 * 1024;
    let server = TestServer::start_with(ServerConfig {
        max_batch_items_in_flight: CAP,
        requests: RequestLimits {
            max_inflight_request_bytes: budget,
            ..RequestLimits::default()
        },
        ..ServerConfig::default()
    })
    .await;
    let split: pb::SplitClaimRequest = example("split-claim", "SplitClaimRequest");
    let items: Vec<_> = (0..1000)
        .map(|n| item(&format!("item-{n}"), Item::SplitClaim(split.clone())))
        .collect();
    let total: usize = items.iter().map(|i| i.encoded_len() + 5).sum();
    assert!(total > 8 * budget, "{total} bytes");
    let answers = evaluate(&server, items).await;
    assert_eq!(answers.len(), 1000);
    assert!(answers
        .values()
        .all(|outcome| matches!(outcome, Outcome::SplitClaim(_))));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_stream_stops_its_work_and_frees_the_pool() {
    // One worker and a queue of two: while the stream's three items are
    // in flight, every other calculation is refused, so a successful call
    // afterwards shows that they have stopped.
    let server = server(ComputeLimits {
        workers: 1,
        max_queued: CAP - 1,
    })
    .await;
    let mut client = BatchServiceClient::new(server.channel().await);
    let (sender, receiver) = mpsc::channel(4);
    // Heavy solves as long as the stream lasts, so that items are in
    // flight whenever it is cancelled.
    let feeder = tokio::spawn(async move {
        let mut n = 0;
        while sender
            .send(item(&format!("heavy-{n}"), Item::SolveTerms(heavy_solve())))
            .await
            .is_ok()
        {
            n += 1;
        }
    });
    let answers = client
        .evaluate_batch(ReceiverStream::new(receiver))
        .await
        .expect("the stream starts")
        .into_inner();
    let split: pb::SplitClaimRequest = example("split-claim", "SplitClaimRequest");
    let mut unary = server.restructuring().await;
    // The first heavy item holds the only worker.
    let busy = Instant::now();
    loop {
        match unary.split_claim(split.clone()).await {
            Err(status) if status.code() == Code::ResourceExhausted => break,
            other => {
                assert!(busy.elapsed() < Duration::from_secs(60), "{other:?}");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    // Cancel: the client drops the call; the items in flight are dropped
    // (which sets their cancellation flags) rather than left to finish.
    let abandoned = items_abandoned_total();
    drop(answers);
    feeder.abort();
    let cancelled = Instant::now();
    while items_abandoned_total() == abandoned {
        assert!(
            cancelled.elapsed() < Duration::from_secs(60),
            "no item of the cancelled stream was dropped"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    loop {
        match unary.split_claim(split.clone()).await {
            Ok(_) => break,
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted);
                assert!(
                    cancelled.elapsed() < Duration::from_secs(60),
                    "the pool is still busy after the stream was cancelled"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    println!("pool free {:?} after the cancel", cancelled.elapsed());
    server.shutdown().await;
}
