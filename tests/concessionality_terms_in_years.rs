//! AssessConcessionality with terms in years over real gRPC: the reading of
//! grace is required and echoed, and bad years are named by field (issue 9,
//! finding 6). The figures against the DAC closed forms are checked in
//! tests/e2e/test_concessionality_dac.py with a Python decimal oracle.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::google::r#type::Date;
use tonic::Code;

fn request(grace_convention: pb::GraceConvention) -> pb::AssessConcessionalityRequest {
    pb::AssessConcessionalityRequest {
        principal: Some(money("USD", "930000000")),
        terms_in_years: Some(pb::TermsInYears {
            frequency: pb::Frequency::SemiAnnual as i32,
            maturity_years: "20".into(),
            grace_years: "5".into(),
            grace_convention: grace_convention as i32,
            annual_rate: "0.01".into(),
            ..Default::default()
        }),
        convention: pb::ConcessionalityConvention::ImfWorldBank as i32,
        valuation_date: Some(Date {
            year: 2025,
            month: 1,
            day: 15,
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_two_readings_of_five_years_grace() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let dac = client
        .assess_concessionality(request(pb::GraceConvention::DacIntervalToFirstRepayment))
        .await
        .unwrap()
        .into_inner();
    // Python decimal, OECD DAC closed form (equal principal, INT = 4.5, NR =
    // 31, d = 1.05^0.5 - 1): 0.35374768586394688541510...
    assert!(
        dac.grant_element.starts_with("0.353747685863946885"),
        "{}",
        dac.grant_element
    );
    let years = dac.terms_in_years.unwrap();
    assert_eq!(
        (years.interest_only_periods, years.repayment_count),
        (Some(9), Some(31))
    );
    assert_eq!(years.first_repayment_years, "5");
    let terms = dac.resolved_terms.unwrap();
    assert_eq!(
        terms.first_payment_date,
        Some(Date {
            year: 2025,
            month: 7,
            day: 15
        })
    );
    assert_eq!(terms.day_count, pb::DayCount::Periodic as i32);

    let io = client
        .assess_concessionality(request(pb::GraceConvention::InterestOnlyYears))
        .await
        .unwrap()
        .into_inner();
    // 10 interest-only periods, 30 repayments from year 5.5: 35.98%.
    assert!(
        io.grant_element.starts_with("0.359784459291570963"),
        "{}",
        io.grant_element
    );
    let years = io.terms_in_years.unwrap();
    assert_eq!(
        (years.interest_only_periods, years.repayment_count),
        (Some(10), Some(30))
    );
    assert_eq!(
        years.grace_convention,
        pb::GraceConvention::InterestOnlyYears as i32
    );
    // face - PV, rounded once: 930,000,000 x 0.3537476858... = 328,985,347.85
    assert_eq!(dac.grant_equivalent.unwrap().amount, "328985347.85");
}

#[tokio::test]
async fn the_reading_is_required_and_bad_years_are_named() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .assess_concessionality(request(pb::GraceConvention::Unspecified))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        ["terms_in_years.grace_convention"]
    );

    let mut both = request(pb::GraceConvention::InterestOnlyYears);
    both.terms = Some(pb::LoanTerms::default());
    let status = client.assess_concessionality(both).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["terms_in_years"]);

    let mut neither = request(pb::GraceConvention::InterestOnlyYears);
    neither.terms_in_years = None;
    let status = client.assess_concessionality(neither).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["terms"]);
    assert!(
        status.message().contains("terms_in_years"),
        "{}",
        status.message()
    );

    let mut undated = request(pb::GraceConvention::InterestOnlyYears);
    undated.valuation_date = None;
    let status = client.assess_concessionality(undated).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["valuation_date"]);

    for (maturity, grace, convention, field) in [
        (
            "20.25",
            "5",
            pb::GraceConvention::InterestOnlyYears,
            "terms_in_years.maturity_years",
        ),
        (
            "20",
            "20",
            pb::GraceConvention::InterestOnlyYears,
            "terms_in_years.grace_years",
        ),
        (
            "20",
            "0",
            pb::GraceConvention::DacIntervalToFirstRepayment,
            "terms_in_years.grace_years",
        ),
        (
            "0",
            "0",
            pb::GraceConvention::InterestOnlyYears,
            "terms_in_years.maturity_years",
        ),
        (
            "601",
            "0",
            pb::GraceConvention::InterestOnlyYears,
            "terms_in_years.maturity_years",
        ),
    ] {
        let mut bad = request(convention);
        let years = bad.terms_in_years.as_mut().unwrap();
        years.maturity_years = maturity.into();
        years.grace_years = grace.into();
        let status = client.assess_concessionality(bad).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{maturity} {grace}");
        assert_eq!(violation_fields(&status), [field], "{maturity} {grace}");
    }

    let mut bullet = request(pb::GraceConvention::InterestOnlyYears);
    bullet.terms_in_years.as_mut().unwrap().amortization = pb::Amortization::Bullet as i32;
    let status = client.assess_concessionality(bullet).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["terms_in_years.amortization"]);
    assert_eq!(error_reason(&status), "UNSUPPORTED_AMORTIZATION");
}

#[tokio::test]
async fn presets_echo_their_reading_of_grace() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let presets = client
        .list_term_presets(pb::ListTermPresetsRequest {})
        .await
        .unwrap()
        .into_inner()
        .presets;
    for preset in &presets {
        assert_eq!(
            preset.grace_convention,
            pb::GraceConvention::InterestOnlyYears as i32,
            "{}",
            preset.id
        );
        assert_eq!(
            preset.grace_periods.unwrap() + preset.installment_count.unwrap(),
            2 * preset.maturity_years.unwrap(),
            "{}",
            preset.id
        );
    }
    let naples = presets.iter().find(|p| p.id == "naples-dr").unwrap();
    assert_eq!(
        (naples.grace_periods, naples.installment_count),
        (Some(12), Some(34))
    );
}
