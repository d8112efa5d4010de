//! The debtcalc side of the batch benchmark of issue 14 (run by
//! `scripts/bench-batch`, which also starts the server and runs the Python
//! baselines): N generated loans valued over one EvaluateBatch stream.
//!
//! Loan k (k = 0..N-1): 40 semi-annual instalments of 250,000.00 + k x
//! 1,234.57 USD (equal principal, no interest, first due 2014-11-05), valued
//! at 2014-05-05 at a flat 5% annual effective on 30/360, so every flow sits
//! at a whole number of half-years: `scripts/bench/batch_baseline.py`
//! generates the same loans.
//!
//! `cargo run --release --example batch_bench -- ADDR N ROUNDS OUT`: sends
//! the N items ROUNDS times (a fresh stream each round), checks that every
//! answer is a ValueRestructuring response with the item's id (a
//! `google.rpc.Status` or a gRPC error fails the run), prints valuations per
//! second of each round, and writes `id present_value present_value_exact`
//! of the last round to OUT. The items are built and encoded before the
//! clock starts; a round is timed from the first send to the last answer.

use std::io::Write;
use std::time::Instant;

use debtcalc::api::pb::debtcalc::v1 as pb;
use pb::batch_service_client::BatchServiceClient;
use pb::evaluate_batch_request::Request as Item;
use pb::evaluate_batch_response::Result as Outcome;

/// The instalment of loan `k`, in cents (the Python side uses the same).
fn instalment_cents(k: u64) -> u64 {
    25_000_000 + k * 123_457
}

fn cents(value: u64) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

fn request(k: u64) -> pb::ValueRestructuringRequest {
    let principal = cents(40 * instalment_cents(k));
    let json = format!(
        r#"{{
  "oldClaim": {{"dueAtValuation": {{"currencyCode": "USD", "amount": "{principal}"}}}},
  "newDebt": {{"loan": {{
    "principal": {{"currencyCode": "USD", "amount": "{principal}"}},
    "terms": {{
      "firstPaymentDate": {{"year": 2014, "month": 11, "day": 5}},
      "frequency": "FREQUENCY_SEMI_ANNUAL",
      "installmentCount": 40,
      "amortization": "AMORTIZATION_EQUAL_PRINCIPAL"
    }}
  }}}},
  "valuationDate": {{"year": 2014, "month": 5, "day": 5}},
  "discounting": {{
    "flatRate": "0.05",
    "compounding": "COMPOUNDING_ANNUAL_EFFECTIVE",
    "timeBasis": "TIME_BASIS_THIRTY_360"
  }}
}}"#
    );
    let pool = prost_reflect::DescriptorPool::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET)
        .expect("descriptors");
    let descriptor = pool
        .get_message_by_name("debtcalc.v1.ValueRestructuringRequest")
        .expect("message");
    let mut de = serde_json::Deserializer::from_str(&json);
    prost_reflect::DynamicMessage::deserialize(descriptor, &mut de)
        .expect("request decodes")
        .transcode_to()
        .expect("transcodes")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: batch_bench ADDR N ROUNDS OUT");
        std::process::exit(2);
    }
    let addr = format!("http://{}", args[1]);
    let n: u64 = args[2].parse().expect("N is a count");
    let rounds: u32 = args[3].parse().expect("ROUNDS is a count");
    let items: Vec<pb::EvaluateBatchRequest> = (0..n)
        .map(|k| pb::EvaluateBatchRequest {
            id: format!("loan-{k}"),
            request: Some(Item::ValueRestructuring(request(k))),
        })
        .collect();
    let channel = tonic::transport::Endpoint::from_shared(addr)
        .expect("address")
        .connect()
        .await
        .expect("connects");
    let mut client = BatchServiceClient::new(channel);
    let mut last = Vec::new();
    for round in 1..=rounds {
        let batch = items.clone();
        let start = Instant::now();
        let mut answers = client
            .evaluate_batch(tokio_stream::iter(batch))
            .await
            .expect("the stream starts")
            .into_inner();
        let mut got = Vec::with_capacity(items.len());
        while let Some(answer) = answers.message().await.expect("the stream goes on") {
            got.push(answer);
        }
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!(got.len(), items.len(), "every item is answered");
        last.clear();
        for (answer, item) in got.iter().zip(&items) {
            assert_eq!(answer.id, item.id, "answers in the order of the items");
            match &answer.result {
                Some(Outcome::ValueRestructuring(r)) => {
                    let new = r.new_debt.as_ref().expect("new debt");
                    let pv = new.present_value.as_ref().expect("present value");
                    last.push(format!(
                        "{} {} {}",
                        answer.id, pv.amount, new.present_value_exact
                    ));
                }
                other => panic!("{}: not a valuation: {other:?}", answer.id),
            }
        }
        println!(
            "debtcalc_batch round {round}: {n} valuations in {elapsed:.4} s, {:.1} valuations/s",
            n as f64 / elapsed
        );
    }
    let mut out = std::fs::File::create(&args[4]).expect("output file");
    for line in last {
        writeln!(out, "{line}").expect("writes");
    }
}
