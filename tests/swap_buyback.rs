//! EvaluateSwap, buyback kind, over gRPC: Bolivia 1988 (US$308 m of
//! commercial bank debt bought back at 11 cents), validation with field
//! paths, warnings, and the library's buybacks by id.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use pb::evaluate_swap_request::Kind;
use pb::evaluate_swap_response::Result as Out;

fn date(year: i32, month: i32, day: i32) -> Option<debtcalc::api::pb::google::r#type::Date> {
    Some(debtcalc::api::pb::google::r#type::Date { year, month, day })
}

fn request(swap: pb::BuybackSwap) -> pb::EvaluateSwapRequest {
    pb::EvaluateSwapRequest {
        swap_id: String::new(),
        kind: Some(Kind::Buyback(swap)),
    }
}

fn amount(m: &Option<pb::Money>) -> &str {
    &m.as_ref().expect("an amount").amount
}

/// US$308 m bought at 11 cents, paid with donors' grants; the old debt as
/// a bullet in 25 years without interest (the debt was in moratorium).
fn bolivia() -> pb::BuybackSwap {
    pb::BuybackSwap {
        buyback_date: date(1988, 3, 17),
        instruments: vec![pb::RetiredInstrument {
            label: "commercial bank loans".into(),
            kind: pb::InstrumentKind::Loan as i32,
            principal: Some(money("USD", "308000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(1989, 3, 17),
                accrual_start_date: date(1988, 3, 17),
                frequency: pb::Frequency::Annual as i32,
                installment_count: Some(1),
                grace_periods: Some(24),
                amortization: pb::Amortization::Bullet as i32,
                annual_rate: "0".into(),
                ..Default::default()
            }),
            price: "0.11".into(),
        }],
        grants: Some(money("USD", "33880000")),
        discounting: Some(pb::Discounting {
            rate: Some(pb::discounting::Rate::FlatRate("0.10".into())),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn bolivia_1988_at_eleven_cents() {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let response = client
        .evaluate_swap(request(bolivia()))
        .await
        .unwrap()
        .into_inner();
    let Some(Out::Buyback(r)) = response.result else {
        panic!("a buyback result");
    };
    // 308 m x 0.11 = 33.88 m ("about US$34 m"), all of it from grants.
    assert_eq!(amount(&r.buyback_cost), "33880000.00");
    assert_eq!(amount(&r.retired_face), "308000000.00");
    assert_eq!(r.average_price, "0.11");
    assert_eq!(amount(&r.instruments[0].discount_captured), "274120000.00");
    assert_eq!(amount(&r.upfront_outlay), "0.00");
    assert_eq!(amount(&r.face_reduction), "308000000.00");
    assert_eq!(amount(&r.nominal_saving), "308000000.00");
    // 308 m / 1.1^25 = 28,427,167.44 (each flow on its own date: 25 whole
    // years on the month basis).
    assert_eq!(amount(&r.old_present_value), "28427167.44");
    assert_eq!(r.saves_in_present_value, Some(true));
    assert_eq!(r.average_time_to_maturity_before_years, "25");
    // The banks sold at 11 cents what was worth 9.23 cents to them at 10%.
    assert_eq!(amount(&r.investor.as_ref().unwrap().gain), "5452832.56");
    let c = r.conventions.as_ref().unwrap();
    assert_eq!(c.timing, pb::DiscountTiming::Dated as i32);
    assert_eq!(c.horizons_years, [1, 2, 3, 5]);
    assert_eq!(c.currency_code, "USD");
    assert_eq!(c.past_flows, "PAID_BEFORE_BUYBACK");
    assert!(response.warnings.is_empty());
}

#[tokio::test]
async fn bad_buybacks_name_their_fields() {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    // A price above par.
    let mut swap = bolivia();
    swap.instruments[0].price = "1.2".into();
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(error_reason(&status), "PRICE_ABOVE_PAR");
    assert_eq!(violation_fields(&status), ["buyback.instruments[0].price"]);
    // Grants in another currency; a new loan paying on the buyback date; a
    // commitment before it.
    let mut swap = bolivia();
    swap.grants = Some(money("EUR", "1"));
    swap.financing = Some(pb::NewFinancing {
        principal: Some(money("USD", "100")),
        terms: swap.instruments[0].terms.clone().map(|t| pb::LoanTerms {
            first_payment_date: date(1988, 3, 17),
            accrual_start_date: None,
            ..t
        }),
    });
    swap.commitments = vec![pb::Commitment {
        label: "parks".into(),
        kind: 0,
        payments: vec![pb::CommitmentPayment {
            date: date(1988, 1, 1),
            amount: Some(money("USD", "5")),
        }],
    }];
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(
        violation_fields(&status),
        [
            "buyback.financing.terms.first_payment_date",
            "buyback.grants.currency_code",
            "buyback.commitments[0].payments[0].date"
        ]
    );
    // A new loan accruing before the buyback date.
    let mut swap = bolivia();
    swap.financing = Some(pb::NewFinancing {
        principal: Some(money("USD", "100")),
        terms: swap.instruments[0].terms.clone().map(|t| pb::LoanTerms {
            accrual_start_date: date(1988, 1, 1),
            ..t
        }),
    });
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(error_reason(&status), "BEFORE_BUYBACK_DATE");
    assert_eq!(
        violation_fields(&status),
        ["buyback.financing.terms.accrual_start_date"]
    );
    // Nothing given: the required fields.
    let status = client
        .evaluate_swap(request(pb::BuybackSwap::default()))
        .await
        .unwrap_err();
    assert_eq!(
        violation_fields(&status),
        ["buyback.buyback_date", "buyback.discounting"]
    );
    // A valid buyback at a price of 0 and a discount rate of 10 (1000%):
    // answered and warned.
    let mut swap = bolivia();
    swap.instruments[0].price = "0".into();
    swap.discounting = Some(pb::Discounting {
        rate: Some(pb::discounting::Rate::FlatRate("10".into())),
        ..Default::default()
    });
    let response = client
        .evaluate_swap(request(swap))
        .await
        .unwrap()
        .into_inner();
    let codes: Vec<(&str, &str)> = response
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.field.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("RATE_ABOVE_ONE", "buyback.discounting.flat_rate"),
            ("PRICE_ZERO", "buyback.instruments[0].price")
        ]
    );
}

#[tokio::test]
async fn the_library_buybacks_run_by_id() {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    for (id, face, cost) in [
        ("bolivia-buyback-1988", "308000000.00", "33880000.00"),
        ("belize-blue-bond-2021", "553000000.00", "304150000.00"),
        ("ecuador-galapagos-2023", "1628690000.00", "644279200.00"),
    ] {
        let response = client
            .evaluate_swap(pb::EvaluateSwapRequest {
                swap_id: id.into(),
                kind: None,
            })
            .await
            .unwrap()
            .into_inner();
        let Some(Out::Buyback(r)) = response.result else {
            panic!("{id}: a buyback result");
        };
        assert_eq!(amount(&r.retired_face), face, "{id}");
        assert_eq!(amount(&r.buyback_cost), cost, "{id}");
        let swap = client
            .get_swap(pb::GetSwapRequest { id: id.into() })
            .await
            .unwrap()
            .into_inner()
            .swap
            .unwrap();
        assert_eq!(swap.kind, "buyback");
        assert!(swap
            .published_figures
            .iter()
            .any(|f| f.reproduced == Some(false)));
    }
}

mod hostile {
    use super::*;
    use debtcalc::api::error::ApiError;
    use debtcalc::api::swap::{evaluate, Context};
    use proptest::prelude::*;

    /// Decimal strings a client may send, plausible and hostile.
    fn text() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "0",
            "1",
            "0.55",
            "0.0001",
            "1.0000000000000000000000000001",
            "2",
            "-0.5",
            "1e3",
            "1_000",
            "",
            " 1",
            "0.0000000000000000000000000001",
            "79228162514264337593543950335",
            "99999999999999999999999999",
            "0.33333333333333333333333333333",
        ])
        .prop_map(str::to_string)
    }

    fn code() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["USD", "JPY", "KWD", "", "usd", "XXQ"])
    }

    fn terms(rate: String, year: i32, count: u32, grace: u32) -> Option<pb::LoanTerms> {
        Some(pb::LoanTerms {
            first_payment_date: date(year, 1, 31),
            frequency: pb::Frequency::SemiAnnual as i32,
            installment_count: Some(count),
            grace_periods: Some(grace),
            annual_rate: rate,
            ..Default::default()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any values in the buyback's fields: an answer or a status
        /// naming fields, never INTERNAL and never a panic.
        #[test]
        fn hostile_values_never_give_internal(
            face in text(), price in text(), rate in text(), new_face in text(),
            new_rate in text(), fee in text(), share in text(), discount in text(),
            commitment in text(), codes in (code(), code(), code()),
            years in (1990i32..2100, 1990i32..2100, 1990i32..2100),
            counts in (0u32..1300, 0u32..1300, 0u32..50),
            timing in 0i32..5, horizon in 0u32..200,
        ) {
            let swap = pb::BuybackSwap {
                buyback_date: date(years.0, 6, 30),
                instruments: vec![pb::RetiredInstrument {
                    label: "x".into(),
                    kind: 2,
                    principal: Some(money(codes.0, &face)),
                    terms: terms(rate, years.1, counts.0, counts.2),
                    price,
                }],
                financing: Some(pb::NewFinancing {
                    principal: Some(money(codes.1, &new_face)),
                    terms: terms(new_rate, years.2, counts.1, 0),
                }),
                fees: vec![
                    pb::UpfrontFee { label: "f".into(), amount: Some(pb::upfront_fee::Amount::Fixed(money(codes.2, &fee))) },
                    pb::UpfrontFee { label: "s".into(), amount: Some(pb::upfront_fee::Amount::ShareOfNewPrincipal(share)) },
                ],
                grants: None,
                commitments: vec![pb::Commitment {
                    label: "c".into(),
                    kind: 1,
                    payments: vec![pb::CommitmentPayment { date: date(years.2, 12, 31), amount: Some(money(codes.0, &commitment)) }],
                }],
                discounting: Some(pb::Discounting {
                    rate: Some(pb::discounting::Rate::FlatRate(discount)),
                    ..Default::default()
                }),
                investor_discounting: None,
                timing,
                horizons_years: vec![horizon],
            };
            let ctx = Context { provenance: None, library_version: "" };
            match evaluate(&request(swap), "request".into(), &ctx) {
                Ok(_) => {}
                Err(ApiError::InvalidArgument(violations)) => {
                    prop_assert!(!violations.is_empty());
                    prop_assert!(violations.iter().all(|v| v.field.starts_with("buyback")), "{violations:?}");
                }
                Err(ApiError::OutOfRange { fields, .. }) => prop_assert!(!fields.is_empty()),
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
