//! ValueRestructuring and AssessConcessionality over real gRPC: the DPRK
//! remainder against its claim, a par loan, and bad input.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{self as pb, debt_stream::Stream, discounting::Rate};
use debtcalc::api::pb::google::r#type::Date;
use rust_decimal::Decimal;
use std::str::FromStr;
use tonic::Code;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn dprk_remainder() -> pb::DebtStream {
    pb::DebtStream {
        stream: Some(Stream::Loan(pb::LoanStream {
            principal: Some(money("USD", "1090000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2014, 11, 5),
                frequency: pb::Frequency::SemiAnnual as i32,
                installment_count: Some(40),
                ..Default::default()
            }),
        })),
    }
}

fn flat(rate: &str) -> Option<pb::Discounting> {
    Some(pb::Discounting {
        rate: Some(Rate::FlatRate(rate.into())),
        ..Default::default()
    })
}

fn claim(amount: &str) -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::DueAtValuation(money("USD", amount))),
    })
}

// Independent reference: Python, sum(27.25e6 * 1.05 ** (-k / 2) for k in
// range(1, 41)) in 50-digit decimal arithmetic.
const DPRK_PV_AT_5: &str = "687576793.93019790310680146062";

#[tokio::test]
async fn dprk_remainder_against_the_claim_at_five_percent() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: claim("10960000000"),
            past_due_interest: None,
            new_debt: Some(dprk_remainder()),
            valuation_date: date(2014, 5, 5),
            discounting: flat("0.05"),
        })
        .await
        .unwrap()
        .into_inner();
    let new = response.new_debt.unwrap();
    let pv = dec(&new.present_value_exact);
    assert!(
        (pv - dec(DPRK_PV_AT_5)).abs() < dec("0.000000000000001"),
        "{pv}"
    );
    assert_eq!(new.present_value, Some(money("USD", "687576793.93")));
    assert_eq!(new.face_value, Some(money("USD", "1090000000.00")));
    assert_eq!(new.average_life_years, "10.25");
    assert_eq!(new.flow_count, Some(40));
    // About 36.92% and 93.73%, as the issue states; exactly 1 - PV / face.
    let ge = dec(&response.grant_element_at_discount_rate);
    assert!((ge - (Decimal::ONE - dec(DPRK_PV_AT_5) / dec("1090000000"))).abs() < dec("1e-18"));
    assert_eq!(&response.grant_element_at_discount_rate[..6], "0.3691");
    let sz = dec(&response.sz_haircut);
    assert!((sz - (Decimal::ONE - dec(DPRK_PV_AT_5) / dec("10960000000"))).abs() < dec("1e-18"));
    assert_eq!(&response.sz_haircut[..6], "0.9372");
    assert_eq!(
        response.ct_haircut, response.sz_haircut,
        "the claim is all due now"
    );
    assert_eq!(response.nominal_haircut, "0.90054744525547445255");
    let old = response.old_claim.unwrap();
    assert_eq!(old.present_value, Some(money("USD", "10960000000.00")));
    assert_eq!(old.average_life_years, "0");

    let conventions = response.conventions.unwrap();
    let discounting = conventions.discounting.unwrap();
    assert_eq!(discounting.compounding(), pb::Compounding::AnnualEffective);
    assert_eq!(discounting.time_basis(), pb::TimeBasis::Months);
    assert_eq!(conventions.past_flows, "DUE_AT_VALUATION_DATE");
    assert_eq!(conventions.share_decimals, Some(20));
    // Issue 14: both present values (old claim, new debt) by the certified
    // fast path, whose figures are the exact path's.
    assert_eq!(conventions.fast_path_valuations, Some(2));
    assert_eq!(conventions.exact_fallbacks, Some(0));
}

#[tokio::test]
async fn past_due_interest_enters_face_and_present_value_alike() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let flow = |amount: &str, kind: pb::CashFlowKind| pb::CashFlow {
        date: date(2025, 5, 5),
        amount: Some(money("USD", amount)),
        kind: kind as i32,
    };
    let old = pb::DebtStream {
        stream: Some(Stream::CashFlows(pb::CashFlowList {
            flows: vec![
                flow("1000", pb::CashFlowKind::Principal),
                flow("50", pb::CashFlowKind::Interest),
            ],
        })),
    };
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: Some(old),
            past_due_interest: Some(money("USD", "100")),
            new_debt: claim("500"),
            valuation_date: date(2024, 5, 5),
            discounting: flat("0.05"),
        })
        .await
        .unwrap()
        .into_inner();
    // PV(old) = 1050 / 1.05 + 100 = 1100 = face (1000 principal + 100
    // past-due interest): all three haircuts are 1 - 500/1100. Before issue
    // 9 the face was 1050 (the sum of the flows): CT 0.5652, nominal 0.5238.
    let old = response.old_claim.unwrap();
    assert_eq!(old.present_value, Some(money("USD", "1100.00")));
    assert_eq!(old.face_value, Some(money("USD", "1100.00")));
    let parts = old.face_components.unwrap();
    assert_eq!(parts.outstanding_principal, Some(money("USD", "1000.00")));
    assert_eq!(parts.past_due_principal, Some(money("USD", "0.00")));
    assert_eq!(parts.past_due_interest, Some(money("USD", "100.00")));
    assert_eq!(response.sz_haircut, "0.54545454545454545455");
    assert_eq!(response.ct_haircut, "0.54545454545454545455");
    assert_eq!(response.nominal_haircut, "0.54545454545454545455");
}

#[tokio::test]
async fn a_loan_at_the_discount_rate_has_no_grant_element() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    for amortization in [
        pb::Amortization::Bullet,
        pb::Amortization::LevelPayment,
        pb::Amortization::EqualPrincipal,
    ] {
        let response = client
            .assess_concessionality(pb::AssessConcessionalityRequest {
                principal: Some(money("USD", "1000")),
                terms: Some(pb::LoanTerms {
                    first_payment_date: date(2021, 1, 1),
                    frequency: pb::Frequency::Annual as i32,
                    installment_count: Some(10),
                    annual_rate: "0.05".into(),
                    amortization: amortization as i32,
                    ..Default::default()
                }),
                convention: pb::ConcessionalityConvention::ImfWorldBank as i32,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        // Rounding interest to cents moves the PV by far less than a cent.
        let ge = dec(&response.grant_element);
        assert!(ge.abs() < dec("0.00001"), "{amortization:?}: {ge}");
        assert_eq!(response.concessional, Some(false));
        assert_eq!(response.threshold, "0.35");
        assert_eq!(response.discount_rate, "0.05");
        assert_eq!(
            response.conventions.unwrap().valuation_date,
            date(2020, 1, 1)
        );
    }
    // The bullet loan's flows are exact (50.00 a year), so its grant element
    // is exactly zero.
    let bullet = client
        .assess_concessionality(pb::AssessConcessionalityRequest {
            principal: Some(money("USD", "1000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2021, 1, 1),
                frequency: pb::Frequency::Annual as i32,
                installment_count: Some(1),
                grace_periods: Some(9),
                annual_rate: "0.05".into(),
                ..Default::default()
            }),
            convention: pb::ConcessionalityConvention::ImfWorldBank as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bullet.grant_element, "0");
}

#[tokio::test]
async fn dac_2018_and_custom_conventions() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let loan = |convention: pb::ConcessionalityConvention, rate: &str, threshold: &str| {
        pb::AssessConcessionalityRequest {
            principal: Some(money("USD", "1090000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2014, 11, 5),
                frequency: pb::Frequency::SemiAnnual as i32,
                installment_count: Some(40),
                ..Default::default()
            }),
            convention: convention as i32,
            custom_discount_rate: rate.into(),
            custom_threshold: threshold.into(),
            ..Default::default()
        }
    };
    let ldc = client
        .assess_concessionality(loan(pb::ConcessionalityConvention::Dac2018LdcLic, "", ""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (ldc.discount_rate.as_str(), ldc.threshold.as_str()),
        ("0.09", "0.45")
    );
    assert_eq!(
        ldc.concessional,
        Some(true),
        "a 0% loan over 20 years at 9%: {}",
        ldc.grant_element
    );
    let custom = client
        .assess_concessionality(loan(pb::ConcessionalityConvention::Custom, "0.05", "0.4"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(custom.concessional, Some(false), "36.9% < 40%");
    let missing = client
        .assess_concessionality(loan(pb::ConcessionalityConvention::Custom, "", ""))
        .await
        .expect_err("custom needs its rate and threshold");
    assert_eq!(
        violation_fields(&missing),
        ["custom_discount_rate", "custom_threshold"]
    );
    let stray = client
        .assess_concessionality(loan(pb::ConcessionalityConvention::OecdDac, "0.05", ""))
        .await
        .expect_err("a custom rate with a standard convention");
    assert_eq!(violation_fields(&stray), ["custom_discount_rate"]);
}

#[tokio::test]
async fn bad_valuations_name_every_field() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: Some(pb::DebtStream {
                stream: Some(Stream::CashFlows(pb::CashFlowList { flows: vec![] })),
            }),
            past_due_interest: Some(money("USD", "-1")),
            new_debt: Some(pb::DebtStream::default()),
            valuation_date: None,
            discounting: Some(pb::Discounting {
                rate: Some(Rate::FlatRate("-1.5".into())),
                compounding: pb::Compounding::Periodic as i32,
                compounding_frequency: Some(3),
                time_basis: 0,
            }),
        })
        .await
        .expect_err("bad valuation");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        [
            // The valuation date is read first: a preset stream needs it.
            "valuation_date",
            "old_claim.cash_flows.flows",
            "new_debt",
            "past_due_interest.amount",
            "discounting.compounding_frequency",
            "discounting.flat_rate",
        ]
    );

    let mixed = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: claim("100"),
            past_due_interest: Some(money("EUR", "1")),
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::DueAtValuation(money("JPY", "5"))),
            }),
            valuation_date: date(2020, 1, 1),
            discounting: flat("0.05"),
        })
        .await
        .expect_err("mixed currencies");
    assert_eq!(
        violation_fields(&mixed),
        [
            "new_debt.due_at_valuation.currency_code",
            "past_due_interest.currency_code"
        ]
    );
    assert_eq!(error_reason(&mixed), "CURRENCY_MISMATCH");

    let curve = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: claim("100"),
            past_due_interest: None,
            new_debt: claim("50"),
            valuation_date: date(2020, 1, 1),
            discounting: Some(pb::Discounting {
                rate: Some(Rate::Curve(pb::ZeroCurve {
                    points: vec![
                        pb::ZeroCurvePoint {
                            tenor_years: "5".into(),
                            zero_rate: "0.04".into(),
                        },
                        pb::ZeroCurvePoint {
                            tenor_years: "2".into(),
                            zero_rate: "0.03".into(),
                        },
                    ],
                    ..Default::default()
                })),
                ..Default::default()
            }),
        })
        .await
        .expect_err("unsorted curve");
    assert_eq!(
        violation_fields(&curve),
        ["discounting.curve.points[1].tenor_years"]
    );
}

#[tokio::test]
async fn curve_and_continuous_discounting_are_echoed() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: claim("1000"),
            past_due_interest: None,
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::CashFlows(pb::CashFlowList {
                    flows: vec![pb::CashFlow {
                        date: date(2022, 1, 1),
                        amount: Some(money("USD", "1000")),
                        kind: pb::CashFlowKind::Principal as i32,
                    }],
                })),
            }),
            valuation_date: date(2020, 1, 1),
            discounting: Some(pb::Discounting {
                rate: Some(Rate::Curve(pb::ZeroCurve {
                    points: vec![
                        pb::ZeroCurvePoint {
                            tenor_years: "1".into(),
                            zero_rate: "0.02".into(),
                        },
                        pb::ZeroCurvePoint {
                            tenor_years: "3".into(),
                            zero_rate: "0.04".into(),
                        },
                    ],
                    ..Default::default()
                })),
                compounding: pb::Compounding::Continuous as i32,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    // t = 2 years (30/360), zero rate 3% interpolated, DF = e^-0.06.
    // Python: Decimal(1000) * (Decimal(-0.06)).exp() at 50 digits.
    let pv = dec(&response.new_debt.unwrap().present_value_exact);
    assert!(
        (pv - dec("941.76453358424870953715278327")).abs() < dec("1e-24"),
        "{pv}"
    );
    let conventions = response.conventions.unwrap();
    // A curve is not covered by the fast path: both by the exact path.
    assert_eq!(conventions.fast_path_valuations, Some(0));
    assert_eq!(conventions.exact_fallbacks, Some(2));
    let discounting = conventions.discounting.unwrap();
    assert_eq!(discounting.compounding(), pb::Compounding::Continuous);
    let Some(Rate::Curve(curve)) = discounting.rate else {
        panic!("the curve is echoed");
    };
    assert_eq!(curve.points.len(), 2);
    // The rules applied are echoed, resolved (issue 9, finding 10).
    assert_eq!(
        curve.interpolation(),
        pb::ZeroCurveInterpolation::LinearZeroRate
    );
    assert_eq!(curve.extrapolation(), pb::ZeroCurveExtrapolation::FlatZero);
}

#[tokio::test]
async fn concessionality_is_valued_at_disbursement() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .assess_concessionality(pb::AssessConcessionalityRequest {
            principal: Some(money("USD", "1000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2021, 1, 1),
                frequency: pb::Frequency::Annual as i32,
                installment_count: Some(10),
                ..Default::default()
            }),
            convention: pb::ConcessionalityConvention::ImfWorldBank as i32,
            valuation_date: date(2040, 1, 1),
            ..Default::default()
        })
        .await
        .expect_err("valued after the payments");
    assert_eq!(violation_fields(&status), ["valuation_date"]);
    assert_eq!(error_reason(&status), "VALUATION_AFTER_FIRST_PAYMENT");
}

/// Issue 9, finding 9: the grant element of ValueRestructuring is at the
/// request's discount rate, not a concessionality convention's; its name
/// says so, and at another rate it differs from the IMF figure.
#[tokio::test]
async fn the_restructuring_grant_element_is_at_the_discount_rate_not_the_imf_figure() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let restructuring = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: claim("10960000000"),
            past_due_interest: None,
            new_debt: Some(dprk_remainder()),
            valuation_date: date(2014, 5, 5),
            discounting: flat("0.08"),
        })
        .await
        .unwrap()
        .into_inner();
    let imf = client
        .assess_concessionality(pb::AssessConcessionalityRequest {
            principal: Some(money("USD", "1090000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2014, 11, 5),
                frequency: pb::Frequency::SemiAnnual as i32,
                installment_count: Some(40),
                ..Default::default()
            }),
            convention: pb::ConcessionalityConvention::ImfWorldBank as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let at_eight = dec(&restructuring.grant_element_at_discount_rate);
    let at_five = dec(&imf.grant_element);
    assert_eq!(&imf.grant_element[..6], "0.3691");
    assert_eq!(&restructuring.grant_element_at_discount_rate[..6], "0.4994");
    assert_ne!(at_eight, at_five);
    // The old name is gone from the contract (reserved), so no client reads
    // this figure as the convention's.
    let descriptor = response_field_names();
    assert!(!descriptor.contains(&"grant_element".to_string()));
    assert!(descriptor.contains(&"grant_element_at_discount_rate".to_string()));
}

/// The field names of ValueRestructuringResponse in the served descriptor.
fn response_field_names() -> Vec<String> {
    use prost::Message;
    let set = prost_types::FileDescriptorSet::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET)
        .expect("descriptor set");
    set.file
        .iter()
        .flat_map(|f| f.message_type.iter())
        .filter(|m| m.name() == "ValueRestructuringResponse")
        .flat_map(|m| m.field.iter().map(|f| f.name().to_string()))
        .collect()
}
