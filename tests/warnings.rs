//! Warnings over real gRPC (issue 10): each cause raises its warning with
//! its code and field path, and the same request without the cause has
//! none. (A share above 1 is refused wherever a share is taken, so
//! SHARE_ABOVE_ONE has no RPC case; the conversion-basis warning needs a
//! claim date, which only AnalyzeSettlement has. Both are unit-tested in
//! src/api/warnings.rs.)

mod common;

use common::{money, TestServer};
use debtcalc::api::pb::debtcalc::v1::{
    self as pb, debt_stream::Stream, discounting::Rate, rate_step::Start,
    solve_terms_request::NewTerms,
};
use debtcalc::api::pb::google::r#type::Date;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

/// (code, field) of each warning.
fn codes(warnings: &[pb::Warning]) -> Vec<(&str, &str)> {
    warnings
        .iter()
        .map(|w| (w.code.as_str(), w.field.as_str()))
        .collect()
}

fn flat(rate: &str) -> Option<pb::Discounting> {
    Some(pb::Discounting {
        rate: Some(Rate::FlatRate(rate.into())),
        ..Default::default()
    })
}

fn due(amount: &str) -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::DueAtValuation(money("USD", amount))),
    })
}

/// The DPRK remainder: 1,090,000,000 in 40 semi-annual instalments from
/// 2014-11-05, at `rate`.
fn dprk_loan(rate: &str) -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::Loan(pb::LoanStream {
            principal: Some(money("USD", "1090000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2014, 11, 5),
                frequency: pb::Frequency::SemiAnnual as i32,
                installment_count: Some(40),
                annual_rate: rate.into(),
                ..Default::default()
            }),
        })),
    })
}

fn valuation(new_debt: Option<pb::DebtStream>, discount: &str) -> pb::ValueRestructuringRequest {
    pb::ValueRestructuringRequest {
        old_claim: due("10960000000"),
        past_due_interest: None,
        new_debt,
        valuation_date: date(2014, 5, 5),
        discounting: flat(discount),
    }
}

#[tokio::test]
async fn value_restructuring_rates_above_one() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let clean = client
        .value_restructuring(valuation(dprk_loan(""), "0.05"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&clean.warnings), []);

    let response = client
        .value_restructuring(valuation(dprk_loan("2"), "5"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [
            ("RATE_ABOVE_ONE", "new_debt.loan.terms.annual_rate"),
            ("RATE_ABOVE_ONE", "discounting.flat_rate"),
        ]
    );
    assert!(response.warnings[1].message.contains("500%"));
    // The figures are those asked for: a warning changes nothing.
    assert_eq!(
        response.new_debt.unwrap().face_value,
        Some(money("USD", "1090000000.00"))
    );

    // A zero curve: each point's rate; a preset stream: its rate.
    let mut request = valuation(
        Some(pb::DebtStream {
            stream: Some(Stream::Preset(pb::PresetStream {
                eligible_amount: Some(money("USD", "1000000")),
                terms: Some(pb::PresetTerms {
                    preset_id: "naples-dr".into(),
                    annual_rate: "3".into(),
                    first_payment_date: None,
                }),
            })),
        }),
        "0.05",
    );
    request.discounting = Some(pb::Discounting {
        rate: Some(Rate::Curve(pb::ZeroCurve {
            points: vec![
                pb::ZeroCurvePoint {
                    tenor_years: "1".into(),
                    zero_rate: "0.04".into(),
                },
                pb::ZeroCurvePoint {
                    tenor_years: "10".into(),
                    zero_rate: "6".into(),
                },
            ],
            ..Default::default()
        })),
        ..Default::default()
    });
    let response = client
        .value_restructuring(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [
            ("RATE_ABOVE_ONE", "new_debt.preset.terms.annual_rate"),
            ("RATE_ABOVE_ONE", "discounting.curve.points[1].zero_rate"),
        ]
    );
}

#[tokio::test]
async fn value_restructuring_valuation_date_after_the_last_flow() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    // The DPRK remainder valued in 2035: its last instalment is 2034-05-05.
    let mut request = valuation(dprk_loan(""), "0.05");
    request.valuation_date = date(2035, 1, 1);
    let response = client
        .value_restructuring(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [("VALUATION_DATE_AFTER_LAST_FLOW", "valuation_date")]
    );
    let message = &response.warnings[0].message;
    assert!(
        message.contains("new_debt") && message.contains("2034-05-05"),
        "{message}"
    );
    // On the last instalment's date: due then, no warning.
    request.valuation_date = date(2034, 5, 5);
    let response = client
        .value_restructuring(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&response.warnings), []);

    // An old claim of cash flows that all fell due before the valuation.
    let flows = |year| pb::CashFlow {
        date: date(year, 1, 1),
        amount: Some(money("USD", "100")),
        kind: pb::CashFlowKind::Principal as i32,
    };
    let mut request = valuation(dprk_loan(""), "0.05");
    request.old_claim = Some(pb::DebtStream {
        stream: Some(Stream::CashFlows(pb::CashFlowList {
            flows: vec![flows(2010), flows(2012)],
        })),
    });
    let response = client
        .value_restructuring(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [("VALUATION_DATE_AFTER_LAST_FLOW", "valuation_date")]
    );
    assert!(response.warnings[0].message.contains("old_claim"));
    // One flow after the valuation date: none.
    if let Some(Stream::CashFlows(list)) =
        request.old_claim.as_mut().and_then(|s| s.stream.as_mut())
    {
        list.flows.push(flows(2015));
    }
    let response = client
        .value_restructuring(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&response.warnings), []);
}

fn terms(rate: &str) -> pb::LoanTerms {
    pb::LoanTerms {
        first_payment_date: date(2026, 1, 15),
        frequency: pb::Frequency::Annual as i32,
        installment_count: Some(10),
        annual_rate: rate.into(),
        ..Default::default()
    }
}

fn solve(new_terms: NewTerms, unknown: pb::Unknown, discount: &str) -> pb::SolveTermsRequest {
    pb::SolveTermsRequest {
        old_claim: due("1000000000"),
        valuation_date: date(2025, 1, 15),
        discounting: flat(discount),
        target_reduction: "0.5".into(),
        new_terms: Some(new_terms),
        unknown: unknown as i32,
        ..Default::default()
    }
}

#[tokio::test]
async fn solve_terms_warnings() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let write_off = pb::Unknown::WriteOffShare;
    let clean = client
        .solve_terms(solve(NewTerms::Terms(terms("0.03")), write_off, "0.07"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&clean.warnings), []);

    let response = client
        .solve_terms(solve(NewTerms::Terms(terms("3")), write_off, "7"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [
            ("RATE_ABOVE_ONE", "discounting.flat_rate"),
            ("RATE_ABOVE_ONE", "terms.annual_rate"),
        ]
    );

    // Solving the rate: the rate given in the terms is ignored, so it is
    // not checked.
    let response = client
        .solve_terms(solve(
            NewTerms::Terms(terms("3")),
            pb::Unknown::InterestRate,
            "0.07",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&response.warnings), []);

    // A preset's rate.
    let preset = NewTerms::Preset(pb::PresetTerms {
        preset_id: "naples-dr".into(),
        annual_rate: "4".into(),
        first_payment_date: None,
    });
    let response = client
        .solve_terms(solve(preset, pb::Unknown::Unspecified, "0.05"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [("RATE_ABOVE_ONE", "preset.annual_rate")]
    );

    // New terms that end before the valuation date.
    let mut early = terms("0.03");
    early.first_payment_date = date(2010, 1, 15);
    early.installment_count = Some(2);
    let response = client
        .solve_terms(solve(NewTerms::Terms(early), write_off, "0.07"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [("VALUATION_DATE_AFTER_LAST_FLOW", "valuation_date")]
    );
    assert!(response.warnings[0].message.contains("terms (2011-01-15)"));
}

#[tokio::test]
async fn build_schedule_and_concessionality_rates() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    // Laos-like steps, the second written as a percentage.
    let mut stepped = terms("0.0225");
    stepped.rate_steps = vec![
        pb::RateStep {
            start: Some(Start::StartPeriod(3)),
            annual_rate: "0.04".into(),
        },
        pb::RateStep {
            start: Some(Start::StartPeriod(6)),
            annual_rate: "5.85".into(),
        },
    ];
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(stepped.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [("RATE_ABOVE_ONE", "terms.rate_steps[1].annual_rate")]
    );
    stepped.rate_steps[1].annual_rate = "0.0585".into();
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(stepped),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&response.warnings), []);

    // A floating rate: each fixing and the margin.
    let mut floating = terms("");
    floating.floating_rate = Some(pb::FloatingRate {
        fixings: vec![
            pb::Fixing {
                date: date(2025, 1, 1),
                rate: "0.0431".into(),
            },
            pb::Fixing {
                date: date(2028, 1, 1),
                rate: "4.5".into(),
            },
        ],
        margin: "1.25".into(),
    });
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(floating.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [
            ("RATE_ABOVE_ONE", "terms.floating_rate.fixings[1].rate"),
            ("RATE_ABOVE_ONE", "terms.floating_rate.margin"),
        ]
    );
    let fixed = floating.floating_rate.as_mut().unwrap();
    fixed.fixings[1].rate = "0.045".into();
    fixed.margin = "0.0125".into();
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(floating),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&response.warnings), []);

    let assess = |rate: &str, discount: &str| pb::AssessConcessionalityRequest {
        principal: Some(money("USD", "930000000")),
        terms_in_years: Some(pb::TermsInYears {
            frequency: pb::Frequency::SemiAnnual as i32,
            maturity_years: "20".into(),
            grace_years: "5".into(),
            grace_convention: pb::GraceConvention::InterestOnlyYears as i32,
            annual_rate: rate.into(),
            ..Default::default()
        }),
        convention: pb::ConcessionalityConvention::Custom as i32,
        custom_discount_rate: discount.into(),
        custom_threshold: "0.35".into(),
        valuation_date: date(2025, 1, 15),
        ..Default::default()
    };
    let response = client
        .assess_concessionality(assess("0.01", "0.05"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(codes(&response.warnings), []);
    let response = client
        .assess_concessionality(assess("1.5", "10"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&response.warnings),
        [
            ("RATE_ABOVE_ONE", "terms_in_years.annual_rate"),
            ("RATE_ABOVE_ONE", "custom_discount_rate"),
        ]
    );
}
