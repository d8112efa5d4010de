//! A heavy SolveTerms and a way to start many at once, for the tests of
//! the compute pool.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use super::{money, TestServer};
use debtcalc::api::pb::debtcalc::v1::{
    self as pb, debt_stream::Stream, discounting::Rate, rate_step::Start,
    solve_terms_request::NewTerms,
};
use debtcalc::api::pb::google::r#type::Date;

/// SolveTerms for the write-off share of a 1,200-period monthly
/// level-payment loan whose rate steps every period (5% and 6% in turn):
/// about 2 s in a release build before the fix, far more in a debug build.
pub fn heavy_solve() -> pb::SolveTermsRequest {
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
        installment_count: Some(1200),
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

pub fn with_deadline<T>(message: T, deadline: Duration) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(deadline);
    request
}

/// Starts `count` heavy solves at once, each on its own connection with
/// `deadline`; each task returns how long its call took and its result.
pub async fn start_heavy(
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

/// CPU time (user + system) of this process, which runs the server.
pub fn process_cpu() -> Duration {
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
