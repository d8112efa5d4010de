//! SolveTerms and ListTermPresets over real gRPC: a write-off solve checkable
//! by hand, the infeasible 0% / 33-year case, a Naples-style solve with a
//! preset re-valued independently, presets in ValueRestructuring, and bad
//! input.

mod common;

use common::solve::{claim, date, dec, flat, revalue, solve};
use common::{money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{
    self as pb, debt_stream::Stream, solve_terms_request::NewTerms,
};
use rust_decimal::Decimal;
use tonic::Code;

#[tokio::test]
async fn write_off_at_the_discount_rate_equals_the_target() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    // The rest is repaid in one year at 5%, discounted at 5%: PV(new) is its
    // principal, so the reduction is the write-off share itself.
    let terms = pb::LoanTerms {
        first_payment_date: date(2026, 1, 15),
        frequency: pb::Frequency::Annual as i32,
        installment_count: Some(1),
        annual_rate: "0.05".into(),
        day_count: pb::DayCount::Thirty360 as i32,
        ..Default::default()
    };
    let request = solve(
        NewTerms::Terms(terms),
        pb::Unknown::WriteOffShare,
        "0.6",
        "0.05",
    );
    let response = client
        .solve_terms(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.feasible, Some(true));
    assert_eq!(response.solved_value, "0.6");
    assert_eq!(response.new_principal, Some(money("USD", "400000000.00")));
    assert_eq!(response.achieved_reduction, "0.6");
    assert_eq!(revalue(&server, &request, &response).await, dec("0.6"));
    let solver = response.solver.unwrap();
    assert_eq!(solver.converged, Some(true));
    assert!(solver.iterations.unwrap() <= solver.max_iterations.unwrap());
}

#[tokio::test]
async fn zero_percent_over_33_years_cannot_reach_67_percent_at_5() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let terms = pb::LoanTerms {
        first_payment_date: date(2025, 7, 15),
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(66),
        ..Default::default()
    };
    let response = client
        .solve_terms(solve(
            NewTerms::Terms(terms),
            pb::Unknown::InterestRate,
            "0.67",
            "0.05",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.feasible, Some(false));
    let best = dec(&response.best_reachable_reduction);
    assert!(
        (best - dec("0.509")).abs() < dec("0.001"),
        "about 50.9%: {best}"
    );
    assert_eq!(
        response.achieved_reduction,
        response.best_reachable_reduction
    );
    let bound = response.binding_bound.unwrap();
    assert_eq!(
        (bound.side(), bound.value.as_str()),
        (pb::BoundSide::Lower, "0")
    );
    assert_eq!(response.solved_value, "0");
}

/// When the new terms alone already cut more than the target, no write-off
/// is needed: the target is met at the lower bound, not "infeasible".
#[tokio::test]
async fn a_target_already_exceeded_is_met_at_the_bound() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let terms = pb::LoanTerms {
        first_payment_date: date(2025, 7, 15),
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(40),
        annual_rate: "0.03".into(),
        ..Default::default()
    };
    let response = client
        .solve_terms(solve(
            NewTerms::Terms(terms.clone()),
            pb::Unknown::WriteOffShare,
            "0.2",
            "0.07",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.feasible, Some(true));
    assert_eq!(response.solved_value, "0");
    assert!(dec(&response.achieved_reduction) > dec("0.2"));
    assert_eq!(response.best_reachable_reduction, "");
    let bound = response.binding_bound.unwrap();
    assert_eq!(
        (bound.side(), bound.value.as_str()),
        (pb::BoundSide::Lower, "0")
    );

    // The same for a rate: even the highest rate allowed (2%) cuts more
    // than 1%, so the answer is that bound.
    let request = pb::SolveTermsRequest {
        max_rate: "0.02".into(),
        ..solve(
            NewTerms::Terms(terms),
            pb::Unknown::InterestRate,
            "0.01",
            "0.07",
        )
    };
    let response = client.solve_terms(request).await.unwrap().into_inner();
    assert_eq!(response.feasible, Some(true));
    assert_eq!(response.solved_value, "0.02");
    assert_eq!(response.binding_bound.unwrap().side(), pb::BoundSide::Upper);
}

#[tokio::test]
async fn naples_dsr_rate_at_ten_percent_reproduces_the_target() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = pb::SolveTermsRequest {
        target_reduction: String::new(),
        unknown: 0,
        ..solve(
            NewTerms::Preset(pb::PresetTerms {
                preset_id: "naples-dsr".into(),
                ..Default::default()
            }),
            pb::Unknown::Unspecified,
            "",
            "0.10",
        )
    };
    let response = client
        .solve_terms(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.feasible, Some(true));
    assert_eq!(
        response.unknown(),
        pb::Unknown::InterestRate,
        "the preset's own unknown"
    );
    assert_eq!(response.target_reduction, "0.67", "the preset's own target");
    let terms = response.new_terms.clone().unwrap();
    assert_eq!(
        (terms.installment_count, terms.grace_periods),
        (Some(66), Some(0))
    );
    assert_eq!(
        terms.first_payment_date,
        date(2025, 7, 15),
        "one period after the valuation date"
    );
    let rate = dec(&response.solved_value);
    assert!(rate > Decimal::ZERO && rate < dec("0.01"), "{rate}");
    // Re-valued by a separate call, the solved terms reach the target, and
    // the next rate up the grid falls short.
    let achieved = revalue(&server, &request, &response).await;
    assert_eq!(achieved, dec(&response.achieved_reduction));
    assert!(
        achieved >= dec("0.67") && achieved - dec("0.67") < dec("0.00000001"),
        "{achieved}"
    );
    assert!(dec(&response.shortfall_neighbour_reduction) < dec("0.67"));
}

#[tokio::test]
async fn naples_dr_preset_solves_the_write_off() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = solve(
        NewTerms::Preset(pb::PresetTerms {
            preset_id: "naples-dr".into(),
            annual_rate: "0.05".into(),
            ..Default::default()
        }),
        pb::Unknown::Unspecified,
        "",
        "0.05",
    );
    let response = client
        .solve_terms(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.feasible, Some(true));
    assert_eq!(response.unknown(), pb::Unknown::WriteOffShare);
    // Issue 9, finding 8: the preset's semi-annual schedule is discounted
    // with its own periodicity (the compounding was not given), so the
    // rescheduled 33% at the 5% market rate is worth its face and the
    // debt-reduction option cuts exactly its cancellation share. Before:
    // annual-effective discounting, share 0.672020874803.
    assert_eq!(response.solved_value, "0.67");
    assert_eq!(response.new_principal, Some(money("USD", "330000000.00")));
    assert_eq!(
        response.compounding_source(),
        pb::CompoundingSource::PresetScheduleFrequency
    );
    let applied = response.discounting.clone().unwrap();
    assert_eq!(applied.compounding(), pb::Compounding::Periodic);
    assert_eq!(applied.compounding_frequency, Some(2));
    let valuation = response.valuation.clone().unwrap();
    assert_eq!(valuation.nominal_haircut, "0.67");
    let preset = response.preset.clone().unwrap();
    assert_eq!(preset.id, "naples-dr");
    assert_eq!(
        preset.grace_convention(),
        pb::GraceConvention::InterestOnlyYears
    );
    // Cent rounding of the interest leaves PV(new) a little under its face.
    let achieved = dec(&response.achieved_reduction);
    assert!(achieved >= dec("0.67") && achieved < dec("0.67000000001"));
    let terms = response.new_terms.clone().unwrap();
    assert_eq!(
        (terms.grace_periods, terms.installment_count),
        (Some(12), Some(34))
    );
    assert_eq!(
        revalue(&server, &request, &response).await,
        dec(&response.achieved_reduction)
    );

    // Compounding given: it is used, and echoed as given.
    let mut annual = request.clone();
    annual.discounting = Some(pb::Discounting {
        compounding: pb::Compounding::AnnualEffective as i32,
        ..flat("0.05").unwrap()
    });
    let response = client.solve_terms(annual).await.unwrap().into_inner();
    // The share that writes off exactly what is left of 327,979,125.20
    // (the smallest grid share giving that principal was 0.672020874803).
    assert_eq!(response.solved_value, "0.6720208748");
    assert_eq!(
        response.compounding_source(),
        pb::CompoundingSource::Request
    );
}

#[tokio::test]
async fn presets_are_listed_and_usable_in_value_restructuring() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let presets = client
        .list_term_presets(pb::ListTermPresetsRequest {})
        .await
        .unwrap()
        .into_inner()
        .presets;
    let ids: Vec<_> = presets.iter().map(|p| p.id.as_str()).collect();
    for id in [
        "toronto-dr",
        "london-dr",
        "naples-dr",
        "naples-dsr",
        "cologne-dr",
        "houston",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let naples = presets.iter().find(|p| p.id == "naples-dr").unwrap();
    assert_eq!(naples.cancellation_share, "0.67");
    assert_eq!(
        (naples.maturity_years, naples.grace_years),
        (Some(23), Some(6))
    );
    assert_eq!(
        (naples.grace_periods, naples.installment_count),
        (Some(12), Some(34))
    );
    assert!(presets.iter().all(|p| !p.source.is_empty()));

    let valued = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: claim("1000000000"),
            past_due_interest: None,
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::Preset(pb::PresetStream {
                    eligible_amount: Some(money("USD", "1000000000")),
                    terms: Some(pb::PresetTerms {
                        preset_id: "cologne-dr".into(),
                        annual_rate: "0.04".into(),
                        ..Default::default()
                    }),
                })),
            }),
            valuation_date: date(2025, 1, 15),
            discounting: flat("0.04"),
        })
        .await
        .unwrap()
        .into_inner();
    let new = valued.new_debt.unwrap();
    assert_eq!(
        new.face_value,
        Some(money("USD", "100000000.00")),
        "90% cancelled"
    );
    assert_eq!(new.resolved_terms.unwrap().installment_count, Some(34));
    assert_eq!(valued.nominal_haircut, "0.9");
}

#[tokio::test]
async fn bad_solves_name_every_field() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .solve_terms(pb::SolveTermsRequest {
            old_claim: claim("100"),
            past_due_interest: None,
            valuation_date: date(2025, 1, 15),
            discounting: flat("0.05"),
            target_reduction: "1.2".into(),
            new_terms: Some(NewTerms::Preset(pb::PresetTerms {
                preset_id: "venice".into(),
                ..Default::default()
            })),
            unknown: 0,
            write_off_share: String::new(),
            min_rate: "0.2".into(),
            max_rate: "0.1".into(),
        })
        .await
        .expect_err("bad solve");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        ["preset.preset_id", "target_reduction", "max_rate"]
    );

    let missing = client
        .solve_terms(pb::SolveTermsRequest {
            old_claim: claim("100"),
            valuation_date: date(2025, 1, 15),
            discounting: flat("0.05"),
            target_reduction: "0.5".into(),
            new_terms: Some(NewTerms::Terms(pb::LoanTerms {
                first_payment_date: date(2026, 1, 15),
                frequency: 1,
                installment_count: Some(3),
                rate_steps: vec![pb::RateStep {
                    start: Some(pb::rate_step::Start::StartPeriod(2)),
                    annual_rate: "0.01".into(),
                }],
                ..Default::default()
            })),
            unknown: pb::Unknown::InterestRate as i32,
            write_off_share: "1".into(),
            ..Default::default()
        })
        .await
        .expect_err("steps with a rate unknown, share of 1");
    assert_eq!(
        violation_fields(&missing),
        ["write_off_share", "terms.rate_steps"]
    );
}

#[tokio::test]
async fn presets_run_from_the_valuation_date_even_at_a_month_end() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = pb::SolveTermsRequest {
        valuation_date: date(2025, 8, 31),
        ..solve(
            NewTerms::Preset(pb::PresetTerms {
                preset_id: "naples-dr".into(),
                annual_rate: "0.05".into(),
                ..Default::default()
            }),
            pb::Unknown::Unspecified,
            "",
            "0.05",
        )
    };
    let terms = client
        .solve_terms(request)
        .await
        .unwrap()
        .into_inner()
        .new_terms
        .unwrap();
    assert_eq!(terms.accrual_start_date, date(2025, 8, 31));
    assert_eq!(terms.first_payment_date, date(2026, 2, 28));
    assert_eq!(
        terms.end_of_month,
        Some(true),
        "due dates stay at month ends: Aug 31, Feb 28"
    );
    assert_eq!(terms.day_count(), pb::DayCount::Thirty360);
}

#[tokio::test]
async fn rate_bounds_have_at_most_twelve_decimals_and_an_unknown_preset_is_one_error() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let terms = pb::LoanTerms {
        first_payment_date: date(2025, 7, 15),
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(66),
        ..Default::default()
    };
    let request = pb::SolveTermsRequest {
        min_rate: "0.0000000000001".into(),
        ..solve(
            NewTerms::Terms(terms),
            pb::Unknown::InterestRate,
            "0.5",
            "0.05",
        )
    };
    let status = client.solve_terms(request).await.expect_err("13 decimals");
    assert_eq!(violation_fields(&status), ["min_rate"]);

    let unknown = solve(
        NewTerms::Preset(pb::PresetTerms {
            preset_id: "venice".into(),
            ..Default::default()
        }),
        pb::Unknown::Unspecified,
        "",
        "0.05",
    );
    let status = client
        .solve_terms(unknown)
        .await
        .expect_err("unknown preset");
    assert_eq!(violation_fields(&status), ["preset.preset_id"]);
}
