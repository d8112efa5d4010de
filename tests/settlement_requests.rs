//! AnalyzeSettlement requests beyond the library's: overrides, a Paris Club
//! preset, bad input reported at the settlement's field paths, and
//! warnings.

mod common;

use common::{money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use tonic::Code;

fn by_id(id: &str) -> pb::AnalyzeSettlementRequest {
    pb::AnalyzeSettlementRequest {
        settlement_id: id.into(),
        ..Default::default()
    }
}

fn amount(m: &Option<pb::Money>) -> String {
    m.as_ref().expect("an amount").amount.clone()
}

/// An override replaces the library's section: the DPRK at 10% only.
#[tokio::test]
async fn override_discount_rate() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let r = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            valuation: Some(pb::SettlementValuation {
                discount_rates: vec!["0.1".into()],
                ..Default::default()
            }),
            ..by_id("dprk-2014")
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.valuations.len(), 1);
    assert_eq!(r.valuations[0].discount_rate, "0.1");
    // The other sections are the library's.
    assert_eq!(
        amount(&r.split.as_ref().unwrap().remaining),
        "1096000000.00"
    );
    assert_eq!(r.concessionality.len(), 2);
}

#[tokio::test]
async fn unknown_id_is_not_found() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let status = client
        .analyze_settlement(by_id("atlantis-1999"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("dprk-2014"));
    let status = client
        .get_settlement(pb::GetSettlementRequest {
            id: "atlantis-1999".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
}

/// A step's bad input is reported at the settlement request's field paths.
#[tokio::test]
async fn step_errors_name_settlement_fields() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let status = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            valuation: Some(pb::SettlementValuation {
                discount_rates: vec!["0.05".into(), "five".into()],
                ..Default::default()
            }),
            ..by_id("dprk-2014")
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violation_fields(&status), ["valuation.discount_rates[1]"]);

    let status = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            write_off: Some(pb::SplitClaimRequest {
                write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                    "90".into(),
                )),
                ..Default::default()
            }),
            ..by_id("dprk-2014")
        })
        .await
        .unwrap_err();
    assert_eq!(violation_fields(&status), ["write_off.write_off_share"]);

    let mut bad_basis = client
        .get_settlement(pb::GetSettlementRequest {
            id: "dprk-2014".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .settlement
        .unwrap()
        .request
        .unwrap();
    bad_basis.claim.as_mut().unwrap().parts[0].conversion = Some(pb::Conversion {
        method: Some(pb::conversion::Method::BasisId("no-such-basis".into())),
    });
    let status = client.analyze_settlement(bad_basis).await.unwrap_err();
    assert_eq!(
        violation_fields(&status),
        ["claim.parts[0].conversion.basis_id"]
    );

    let status = client
        .analyze_settlement(pb::AnalyzeSettlementRequest::default())
        .await
        .unwrap_err();
    assert_eq!(violation_fields(&status), ["claim"]);
}

/// A Paris Club preset as the repayment: its cancellation share is the
/// write-off, and the schedule is BuildSchedule of the remainder on the
/// preset's terms as resolved.
#[tokio::test]
async fn a_preset_is_the_write_off_and_the_schedule() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let mut restructuring = server.restructuring().await;
    let request = pb::AnalyzeSettlementRequest {
        claim: Some(pb::SettlementClaim {
            parts: vec![pb::ClaimPart {
                amount: Some(money("USD", "1000000000")),
                ..Default::default()
            }],
            ..Default::default()
        }),
        repayment: Some(pb::SettlementRepayment {
            terms: Some(pb::settlement_repayment::Terms::Preset(pb::PresetTerms {
                preset_id: "naples-dr".into(),
                annual_rate: "0.04".into(),
                first_payment_date: None,
            })),
        }),
        valuation: Some(pb::SettlementValuation {
            discount_rates: vec!["0.04".into()],
            valuation_date: Some(debtcalc::api::pb::google::r#type::Date {
                year: 2025,
                month: 1,
                day: 1,
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let r = client
        .analyze_settlement(request.clone())
        .await
        .expect("analyze")
        .into_inner();
    let split = r.split.as_ref().unwrap();
    assert_eq!(split.write_off_share, "0.67");
    assert_eq!(amount(&split.remaining), "330000000.00");
    assert_eq!(
        r.conventions.as_ref().unwrap().write_off_given_as,
        "preset_cancellation_share"
    );
    let schedule = r.schedule.clone().unwrap();
    let rebuilt = restructuring
        .build_schedule(pb::BuildScheduleRequest {
            principal: split.remaining.clone(),
            terms: schedule.resolved_terms.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rebuilt, schedule);

    // Without a valuation date the preset's schedule has no start.
    let mut undated = request.clone();
    undated.valuation.as_mut().unwrap().valuation_date = None;
    let status = client.analyze_settlement(undated).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["valuation.valuation_date"]);

    // A write-off besides the preset's is refused.
    let mut twice = request;
    twice.write_off = Some(pb::SplitClaimRequest {
        write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
            "0.5".into(),
        )),
        ..Default::default()
    });
    let status = client.analyze_settlement(twice).await.unwrap_err();
    assert_eq!(violation_fields(&status), ["write_off"]);
}

/// Sections that need a repayment, and write-off fields that belong
/// elsewhere, are refused with their paths.
#[tokio::test]
async fn sections_out_of_place_are_refused() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let claim = pb::SettlementClaim {
        parts: vec![pb::ClaimPart {
            amount: Some(money("USD", "100")),
            ..Default::default()
        }],
        ..Default::default()
    };
    let status = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            claim: Some(claim.clone()),
            write_off: Some(pb::SplitClaimRequest {
                claim: Some(money("USD", "100")),
                programs: vec![pb::Program {
                    name: "a".into(),
                    weight: "1".into(),
                }],
                write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                    "0.5".into(),
                )),
                rounding_mode: 0,
            }),
            reinvestment: Some(pb::Reinvestment::default()),
            concessionality_conventions: vec![pb::ConcessionalityConvention::Custom as i32],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        violation_fields(&status),
        [
            "concessionality_conventions[0]",
            "reinvestment",
            "concessionality_conventions",
            "write_off.claim",
            "write_off.programs"
        ]
    );
    // A part in another currency than the settlement's needs a conversion.
    let status = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            claim: Some(pb::SettlementClaim {
                parts: vec![pb::ClaimPart {
                    amount: Some(money("SUR", "100")),
                    ..Default::default()
                }],
                settlement_currency: "USD".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violation_fields(&status), ["claim.parts[0].conversion"]);
    // Offsets larger than the claim leave nothing.
    let status = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            claim: Some(pb::SettlementClaim {
                offsets: vec![pb::Offset {
                    description: "counter-claim".into(),
                    amount: Some(money("USD", "100")),
                }],
                ..claim
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(violation_fields(&status), ["claim.offsets"]);
}

fn warnings_of(r: &pb::AnalyzeSettlementResponse) -> Vec<(String, String)> {
    r.warnings
        .iter()
        .map(|w| (w.code.clone(), w.field.clone()))
        .collect()
}

/// The settlement's warnings: the steps' warnings at the settlement's field
/// paths, each once, and the claim date outside a basis's validity; none
/// for a request without their cause.
#[tokio::test]
async fn warnings_at_settlement_fields() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let dprk = client
        .analyze_settlement(by_id("dprk-2014"))
        .await
        .unwrap()
        .into_inner();
    assert!(dprk.warnings.is_empty(), "{:?}", dprk.warnings);

    // A discount rate of "5" meant as 5%.
    let r = client
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            valuation: Some(pb::SettlementValuation {
                discount_rates: vec!["0.05".into(), "5".into()],
                ..Default::default()
            }),
            ..by_id("dprk-2014")
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        warnings_of(&r),
        [(
            "RATE_ABOVE_ONE".into(),
            "valuation.discount_rates[1]".into()
        )]
    );

    // A loan rate of "3": read by the schedule, each valuation and each
    // convention, warned once at the repayment's field.
    let base = client
        .get_settlement(pb::GetSettlementRequest {
            id: "dprk-2014".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .settlement
        .unwrap()
        .request
        .unwrap();
    let mut high_rate = base.clone();
    if let Some(pb::settlement_repayment::Terms::LoanTerms(terms)) =
        high_rate.repayment.as_mut().unwrap().terms.as_mut()
    {
        terms.annual_rate = "3".into();
    }
    let r = client
        .analyze_settlement(high_rate)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        warnings_of(&r),
        [(
            "RATE_ABOVE_ONE".into(),
            "repayment.loan_terms.annual_rate".into()
        )]
    );

    // A valuation date after the last instalment.
    let mut late = base.clone();
    late.valuation.as_mut().unwrap().valuation_date =
        Some(debtcalc::api::pb::google::r#type::Date {
            year: 2040,
            month: 1,
            day: 1,
        });
    let r = client.analyze_settlement(late).await.unwrap().into_inner();
    assert!(warnings_of(&r)
        .iter()
        .all(|(code, field)| code == "VALUATION_DATE_AFTER_LAST_FLOW"
            && field == "valuation.valuation_date"));
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);

    // A claim dated 1985 converted by the 1961-1971 Gosbank rate; and the
    // same basis on a date it covers warns of nothing.
    let mut dated = base;
    let claim = dated.claim.as_mut().unwrap();
    claim.parts[0].conversion = Some(pb::Conversion {
        method: Some(pb::conversion::Method::BasisId("gosbank-1961-1971".into())),
    });
    claim.claim_date = Some(debtcalc::api::pb::google::r#type::Date {
        year: 1985,
        month: 6,
        day: 30,
    });
    let r = client
        .analyze_settlement(dated.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        warnings_of(&r),
        [(
            "CONVERSION_BASIS_NOT_VALID_ON_CLAIM_DATE".into(),
            "claim.parts[0].conversion.basis_id".into()
        )]
    );
    dated.claim.as_mut().unwrap().claim_date = Some(debtcalc::api::pb::google::r#type::Date {
        year: 1970,
        month: 6,
        day: 30,
    });
    let r = client.analyze_settlement(dated).await.unwrap().into_inner();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}
