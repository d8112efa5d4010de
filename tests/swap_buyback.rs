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
