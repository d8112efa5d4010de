//! SolveTerms conventions added for issue 9 over real gRPC: the write-off
//! base (finding 7), the compounding of preset solves (finding 8), and the
//! Paris Club options added to the presets.

mod common;

use common::solve::{claim, date, dec, revalue, solve};
use common::{money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{
    self as pb, debt_stream::Stream, discounting::Rate, solve_terms_request::NewTerms,
};
use rust_decimal::Decimal;

#[tokio::test]
async fn the_write_off_base_includes_past_due_interest() {
    // Issue 9, finding 7: face 1,000,000 with 200,000 past-due interest,
    // target 67%, the rest at the discount rate. Before: share 0.604 of the
    // principal alone (new principal 396,000, the past-due interest
    // forgiven silently, nominal haircut 60.4% against CT 67%). Now the
    // share applies to the whole claim treated: 0.67 of 1,200,000.
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let terms = pb::LoanTerms {
        first_payment_date: date(2026, 1, 15),
        frequency: pb::Frequency::Annual as i32,
        installment_count: Some(1),
        annual_rate: "0.05".into(),
        day_count: pb::DayCount::Thirty360 as i32,
        ..Default::default()
    };
    let mut request = solve(
        NewTerms::Terms(terms),
        pb::Unknown::WriteOffShare,
        "0.67",
        "0.05",
    );
    request.old_claim = claim("1000000");
    request.past_due_interest = Some(money("USD", "200000"));
    let response = client
        .solve_terms(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.solved_value, "0.67");
    assert_eq!(response.new_principal, Some(money("USD", "396000.00")));
    let base = response.write_off_base.clone().unwrap();
    assert_eq!(base.total, Some(money("USD", "1200000.00")));
    let parts = base.components.unwrap();
    assert_eq!(parts.past_due_principal, Some(money("USD", "1000000.00")));
    assert_eq!(parts.past_due_interest, Some(money("USD", "200000.00")));
    assert_eq!(parts.outstanding_principal, Some(money("USD", "0.00")));
    let valuation = response.valuation.unwrap();
    assert_eq!(valuation.nominal_haircut, "0.67");
    assert_eq!(valuation.ct_haircut, "0.67");
    assert_eq!(valuation.sz_haircut, "0.67");
}

#[tokio::test]
async fn the_added_paris_club_options_solve() {
    // Issue 9: Lyon, Naples at 50%, Toronto's and London's reduced-rate,
    // commercial and moratorium-interest-capitalisation options.
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let listed = client
        .list_term_presets(pb::ListTermPresetsRequest {})
        .await
        .unwrap()
        .into_inner()
        .presets;
    let ids: Vec<&str> = listed.iter().map(|p| p.id.as_str()).collect();
    for id in [
        "lyon-dr",
        "lyon-oda",
        "naples50-dr",
        "toronto-dsr",
        "toronto-commercial",
        "london-dsr",
        "london-mic",
        "london-commercial",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    let mic = listed.iter().find(|p| p.id == "london-mic").unwrap();
    assert_eq!(
        mic.option(),
        pb::PresetOption::MoratoriumInterestCapitalisation
    );
    assert_eq!(mic.grace_interest(), pb::GraceInterest::Capitalized);
    assert_eq!(mic.rate(), pb::PresetRate::SolvedForTarget);
    assert!(mic.source.contains("london-terms"));

    let preset = |id: &str, rate: &str| {
        NewTerms::Preset(pb::PresetTerms {
            preset_id: id.into(),
            annual_rate: rate.into(),
            ..Default::default()
        })
    };
    // The reduced-rate options solve the rate for the preset's target at a
    // 10% market (discount) rate; the moratorium interest is capitalised.
    for (id, target, grace_interest) in [
        ("london-mic", "0.5", pb::GraceInterest::Capitalized),
        ("london-dsr", "0.5", pb::GraceInterest::Paid),
        (
            "toronto-dsr",
            "0.3333333333333333333333333333",
            pb::GraceInterest::Paid,
        ),
    ] {
        let request = solve(preset(id, ""), pb::Unknown::Unspecified, "", "0.10");
        let response = client
            .solve_terms(request.clone())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.feasible, Some(true), "{id}");
        assert_eq!(response.unknown(), pb::Unknown::InterestRate, "{id}");
        assert_eq!(response.target_reduction, target, "{id}");
        let terms = response.new_terms.clone().unwrap();
        assert_eq!(terms.grace_interest(), grace_interest, "{id}");
        let rate = dec(&response.solved_value);
        assert!(rate > Decimal::ZERO && rate < dec("0.1"), "{id}: {rate}");
        assert_eq!(
            revalue(&server, &request, &response).await,
            dec(&response.achieved_reduction),
            "{id}"
        );
    }
    // Lyon cancels 80%, Naples at 50% half: at the market rate, with the
    // schedule's compounding, the share is the cancellation itself, up to
    // the cent rounding of the interest (lyon-dr: 0.80000000001, one cent
    // of 1e9 more than 0.8).
    for (id, share) in [("lyon-dr", "0.8"), ("naples50-dr", "0.5")] {
        let request = solve(preset(id, "0.05"), pb::Unknown::Unspecified, "", "0.05");
        let response = client.solve_terms(request).await.unwrap().into_inner();
        let solved = dec(&response.solved_value);
        assert!(
            (solved - dec(share)).abs() <= dec("0.00000000001"),
            "{id}: {solved}"
        );
        assert_eq!(response.target_reduction, share, "{id}");
    }
    // A commercial option has no target of its own.
    let request = solve(
        preset("london-commercial", "0.05"),
        pb::Unknown::Unspecified,
        "",
        "0.05",
    );
    let status = client.solve_terms(request).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["target_reduction"]);
}

#[tokio::test]
#[allow(clippy::needless_update)]
async fn compounding_defaults_are_echoed() {
    // Spelled-out terms, and a preset discounted on a curve, keep the
    // annual-effective default; only a preset with a flat rate takes its
    // schedule's periodicity (issue 9, finding 8).
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let terms = NewTerms::Terms(pb::LoanTerms {
        first_payment_date: date(2026, 1, 15),
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(4),
        annual_rate: "0.05".into(),
        ..Default::default()
    });
    let response = client
        .solve_terms(solve(terms, pb::Unknown::WriteOffShare, "0.5", "0.05"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        response.compounding_source(),
        pb::CompoundingSource::DefaultAnnualEffective
    );
    assert_eq!(
        response.discounting.unwrap().compounding(),
        pb::Compounding::AnnualEffective
    );
    assert!(response.preset.is_none());

    let mut on_curve = solve(
        NewTerms::Preset(pb::PresetTerms {
            preset_id: "naples-dr".into(),
            annual_rate: "0.05".into(),
            ..Default::default()
        }),
        pb::Unknown::Unspecified,
        "",
        "0.05",
    );
    let curve = pb::ZeroCurve {
        points: vec![pb::ZeroCurvePoint {
            tenor_years: "1".into(),
            zero_rate: "0.05".into(),
        }],
        // Other fields (a curve may gain interpolation options) keep their
        // defaults.
        ..Default::default()
    };
    on_curve.discounting = Some(pb::Discounting {
        rate: Some(Rate::Curve(curve)),
        ..Default::default()
    });
    let response = client.solve_terms(on_curve).await.unwrap().into_inner();
    assert_eq!(
        response.compounding_source(),
        pb::CompoundingSource::DefaultAnnualEffective
    );
    // Annual-effective 5% against a semi-annual 5% schedule: a little more
    // than 67% is written off, as before the change.
    assert_eq!(response.solved_value, "0.6720208748");
}

#[tokio::test]
async fn past_due_interest_counts_once_in_the_write_off_base() {
    // Interest the old claim shows past due is part of the base already;
    // giving past_due_interest as well is refused, naming both.
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let flow = |year, amount: &str, kind: pb::CashFlowKind| pb::CashFlow {
        date: date(year, 1, 15),
        amount: Some(money("USD", amount)),
        kind: kind as i32,
    };
    let old_claim = Some(pb::DebtStream {
        stream: Some(Stream::CashFlows(pb::CashFlowList {
            flows: vec![
                flow(2024, "80000", pb::CashFlowKind::Interest),
                flow(2026, "1000000", pb::CashFlowKind::Principal),
            ],
        })),
    });
    let terms = NewTerms::Terms(pb::LoanTerms {
        first_payment_date: date(2026, 1, 15),
        frequency: pb::Frequency::Annual as i32,
        installment_count: Some(1),
        annual_rate: "0.05".into(),
        ..Default::default()
    });
    let mut request = solve(terms, pb::Unknown::WriteOffShare, "0.5", "0.05");
    request.old_claim = old_claim;
    let response = client
        .solve_terms(request.clone())
        .await
        .unwrap()
        .into_inner();
    let base = response.write_off_base.unwrap();
    assert_eq!(base.total, Some(money("USD", "1080000.00")));
    let parts = base.components.unwrap();
    assert_eq!(parts.past_due_interest, Some(money("USD", "80000.00")));
    assert_eq!(
        parts.outstanding_principal,
        Some(money("USD", "1000000.00"))
    );

    request.past_due_interest = Some(money("USD", "80000"));
    let status = client.solve_terms(request).await.unwrap_err();
    assert_eq!(
        violation_fields(&status),
        ["past_due_interest", "old_claim.cash_flows.flows[0]"]
    );
}
