//! Which calculation calls skip the blocking-thread hop (issue 14): a call
//! whose cost, read from the request, is within
//! `compute::INLINE_COST_LIMIT` runs inline on the async task; one over it
//! (or of a size the request does not state, a preset) still goes to the
//! compute pool. Observed through the pool's counters, no timing.

mod common;

use common::money;
use debtcalc::api::compute::{ComputeLimits, ComputePool, INLINE_COST_LIMIT};
use debtcalc::api::pb::debtcalc::v1::restructuring_service_server::RestructuringService;
use debtcalc::api::pb::debtcalc::v1::{self as pb, split_claim_request::WriteOff};
use debtcalc::api::pb::google::r#type::Date;
use debtcalc::api::provenance::Provenance;
use debtcalc::api::restructuring_service::{split_cost, value_restructuring_cost};
use debtcalc::api::RestructuringApi;
use debtcalc::domain::reconciliation::ReferenceData;
use tonic::Request;

fn api() -> (RestructuringApi, ComputePool) {
    let pool = ComputePool::new(ComputeLimits::default(), None);
    let reference = ReferenceData::builtin().unwrap();
    let provenance = Provenance::new(&reference, "builtin", "", "");
    (RestructuringApi::new(pool.clone(), provenance), pool)
}

fn split(programs: usize) -> pb::SplitClaimRequest {
    pb::SplitClaimRequest {
        claim: Some(money("USD", "10960000000")),
        write_off: Some(WriteOff::WriteOffShare("0.9".into())),
        programs: (0..programs)
            .map(|i| pb::Program {
                name: format!("p{i}"),
                weight: "1".into(),
            })
            .collect(),
        ..Default::default()
    }
}

fn value(installments: u32) -> pb::ValueRestructuringRequest {
    pb::ValueRestructuringRequest {
        old_claim: Some(pb::DebtStream {
            stream: Some(pb::debt_stream::Stream::DueAtValuation(money(
                "USD",
                "10960000000",
            ))),
        }),
        new_debt: Some(pb::DebtStream {
            stream: Some(pb::debt_stream::Stream::Loan(pb::LoanStream {
                principal: Some(money("USD", "1090000000")),
                terms: Some(pb::LoanTerms {
                    first_payment_date: Some(Date {
                        year: 2014,
                        month: 11,
                        day: 5,
                    }),
                    frequency: pb::Frequency::SemiAnnual as i32,
                    installment_count: Some(installments),
                    ..Default::default()
                }),
            })),
        }),
        valuation_date: Some(Date {
            year: 2014,
            month: 5,
            day: 5,
        }),
        discounting: Some(pb::Discounting {
            rate: Some(pb::discounting::Rate::FlatRate("0.05".into())),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn counts(pool: &ComputePool) -> (u64, u64) {
    let stats = pool.stats();
    (stats.inline_total, stats.pooled_total)
}

#[tokio::test]
async fn a_split_over_the_bound_goes_to_the_pool() {
    let (api, pool) = api();
    let small = split(3);
    assert!(split_cost(&small) <= INLINE_COST_LIMIT);
    let small = api.split_claim(Request::new(small)).await.unwrap();
    assert_eq!(counts(&pool), (1, 0));
    let large = split(INLINE_COST_LIMIT + 1);
    assert!(split_cost(&large) > INLINE_COST_LIMIT);
    let large = api.split_claim(Request::new(large)).await.unwrap();
    assert_eq!(counts(&pool), (1, 1));
    // The same answers either way.
    assert_eq!(
        small.into_inner().written_off,
        large.into_inner().written_off
    );
}

#[tokio::test]
async fn a_valuation_over_the_bound_goes_to_the_pool() {
    let (api, pool) = api();
    // The DPRK valuation of scripts/bench-unary: 40 instalments, inline.
    let small = value(40);
    assert!(value_restructuring_cost(&small) <= INLINE_COST_LIMIT);
    let answer = api.value_restructuring(Request::new(small)).await.unwrap();
    assert_eq!(
        answer
            .into_inner()
            .new_debt
            .unwrap()
            .present_value
            .unwrap()
            .amount,
        "687576793.93"
    );
    assert_eq!(counts(&pool), (1, 0));
    let large = value(INLINE_COST_LIMIT as u32);
    assert!(value_restructuring_cost(&large) > INLINE_COST_LIMIT);
    api.value_restructuring(Request::new(large)).await.unwrap();
    assert_eq!(counts(&pool), (1, 1));
    // A preset's size is not in the request: always the pool.
    let mut preset = value(1);
    preset.new_debt = Some(pb::DebtStream {
        stream: Some(pb::debt_stream::Stream::Preset(Default::default())),
    });
    assert_eq!(value_restructuring_cost(&preset), usize::MAX);
}
