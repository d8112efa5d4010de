//! EvaluateSwap, three-party kind, over gRPC: figures derived by hand,
//! validation with field paths (a price above par, a redemption below the
//! purchase price, currencies that do not match), and the swap library
//! (ListSwaps, GetSwap, EvaluateSwap by id).

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use pb::evaluate_swap_request::Kind;
use pb::evaluate_swap_response::Result as Out;
use pb::three_party_swap::{Purchase, Redemption};

fn request(swap: pb::ThreePartySwap) -> pb::EvaluateSwapRequest {
    pb::EvaluateSwapRequest {
        swap_id: String::new(),
        kind: Some(Kind::ThreeParty(swap)),
    }
}

fn amount(m: &Option<pb::Money>) -> String {
    let m = m.as_ref().expect("an amount");
    format!("{} {}", m.amount, m.currency_code)
}

fn by_prices(price: &str, redemption: &str) -> pb::ThreePartySwap {
    pb::ThreePartySwap {
        face: Some(money("USD", "1000000.01")),
        purchase: Some(Purchase::PurchasePrice(price.into())),
        redemption: Some(Redemption::RedemptionPrice(redemption.into())),
        local_currency: Some(pb::LocalCurrency {
            currency_code: "BOB".into(),
            rate: "6.96".into(),
        }),
        programs: vec![
            pb::Program {
                name: "parks".into(),
                weight: "1".into(),
            },
            pb::Program {
                name: "rangers".into(),
                weight: "1".into(),
            },
            pb::Program {
                name: "science".into(),
                weight: "1".into(),
            },
        ],
        rounding_mode: 0,
    }
}

#[tokio::test]
async fn prices_to_cost_fund_premium_and_multiplier() {
    // F = 1,000,000.01 at p = 0.125: K = 125,000.00125 -> 125,000.00
    // (half-even); q = 0.4: R = 400,000.004 -> 400,000.00. Premium 0.275
    // exactly, 275,000.00 in money; multiplier 400,000 / 125,000 = 3.2;
    // the debtor saves 1,000,000.01 - 400,000.00 = 600,000.01. At 6.96
    // bolivianos per dollar the fund is 2,784,000.00 BOB, in thirds
    // 92,800,000 cents each (whole).
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let response = client
        .evaluate_swap(request(by_prices("0.125", "0.4")))
        .await
        .unwrap()
        .into_inner();
    let Some(Out::ThreeParty(r)) = response.result else {
        panic!("a three-party result");
    };
    assert_eq!(amount(&r.face), "1000000.01 USD");
    assert_eq!(amount(&r.sponsor_cost), "125000.00 USD");
    assert_eq!(
        (r.purchase_price.as_str(), r.purchase_price_exact),
        ("0.125", Some(true))
    );
    assert_eq!(amount(&r.redemption_amount), "400000.00 USD");
    assert_eq!(
        (r.redemption_price.as_str(), r.redemption_price_exact),
        ("0.4", Some(true))
    );
    assert_eq!(amount(&r.local_money), "2784000.00 BOB");
    assert_eq!(r.premium, "0.275");
    assert_eq!(amount(&r.premium_amount), "275000.00 USD");
    assert_eq!(
        (r.multiplier.as_str(), r.multiplier_exact),
        ("3.2", Some(true))
    );
    assert_eq!(amount(&r.debtor_saving), "600000.01 USD");
    let parts: Vec<_> = r.programs.iter().map(|p| amount(&p.amount)).collect();
    assert_eq!(parts, vec!["928000.00 BOB"; 3]);
    let c = response.conventions.unwrap();
    assert_eq!(c.allocation_method, "LARGEST_REMAINDER");
    assert_eq!(c.precision, "");
    assert!(response.warnings.is_empty());
}

#[tokio::test]
async fn bad_prices_and_currencies_are_named() {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    // A price above par; a redemption below the purchase price.
    let status = client
        .evaluate_swap(request(by_prices("1.05", "0.4")))
        .await
        .unwrap_err();
    assert_eq!(error_reason(&status), "PRICE_ABOVE_PAR");
    assert_eq!(violation_fields(&status), ["three_party.purchase_price"]);
    let status = client
        .evaluate_swap(request(by_prices("0.5", "0.4")))
        .await
        .unwrap_err();
    assert_eq!(error_reason(&status), "REDEMPTION_BELOW_PURCHASE_PRICE");
    assert_eq!(violation_fields(&status), ["three_party.redemption_price"]);
    // Given differently: a cost of 500.00 and a redemption price of 0.4 of
    // 1,000.00 (400.00): found once the amounts are computed.
    let mut swap = by_prices("0.5", "0.4");
    swap.face = Some(money("USD", "1000"));
    swap.purchase = Some(Purchase::PurchaseCost(money("USD", "500")));
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(error_reason(&status), "REDEMPTION_BELOW_PURCHASE_PRICE");
    assert_eq!(violation_fields(&status), ["three_party.redemption_price"]);
    // A cost in another currency, a redemption amount above the face.
    let mut swap = by_prices("0.5", "0.4");
    swap.face = Some(money("USD", "1000"));
    swap.purchase = Some(Purchase::PurchaseCost(money("EUR", "100")));
    swap.redemption = Some(Redemption::RedemptionAmount(money("USD", "1000.01")));
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(
        violation_fields(&status),
        [
            "three_party.purchase_cost.currency_code",
            "three_party.redemption_amount.amount"
        ]
    );
    // A local currency that is the face's own, at a rate other than 1.
    let mut swap = by_prices("0.5", "0.6");
    swap.local_currency = Some(pb::LocalCurrency {
        currency_code: "USD".into(),
        rate: "1.1".into(),
    });
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(error_reason(&status), "LOCAL_RATE_NOT_ONE");
    assert_eq!(
        violation_fields(&status),
        ["three_party.local_currency.rate"]
    );
    // Nothing given.
    let status = client
        .evaluate_swap(request(pb::ThreePartySwap::default()))
        .await
        .unwrap_err();
    assert_eq!(
        violation_fields(&status),
        [
            "three_party.face",
            "three_party.purchase_price",
            "three_party.redemption_price"
        ]
    );
    // Redeemed at par: valid, warned.
    let response = client
        .evaluate_swap(request(by_prices("0.5", "1")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.warnings.len(), 1);
    assert_eq!(response.warnings[0].code, "NO_NOMINAL_SAVING");
    assert_eq!(response.warnings[0].field, "three_party.redemption_price");
}

#[tokio::test]
async fn the_library_holds_sourced_swaps_runnable_by_id() {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let list = client
        .list_swaps(pb::ListSwapsRequest {})
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<_> = list
        .swaps
        .iter()
        .map(|s| (s.id.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("belize-blue-bond-2021", "buyback"),
            ("bolivia-buyback-1988", "buyback"),
            ("bolivia-ci-1987", "three_party"),
            ("ecuador-galapagos-2023", "buyback"),
            ("russia-mozambique-2017", "development")
        ]
    );
    assert!(list.swaps.iter().all(|s| !s.sources.is_empty()));
    assert_eq!(list.data_source, "builtin");
    assert!(list.swap_library_version.starts_with("sha256:"));

    // Bolivia 1987: USD 650,000 face for 100,000; a fund of 250,000.
    let response = client
        .evaluate_swap(pb::EvaluateSwapRequest {
            swap_id: "bolivia-ci-1987".into(),
            kind: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.swap_id, "bolivia-ci-1987");
    let c = response.conventions.as_ref().unwrap();
    assert_eq!(c.request_source, "library:bolivia-ci-1987");
    let Some(Out::ThreeParty(r)) = response.result else {
        panic!("three-party");
    };
    assert_eq!(r.purchase_price, "0.15384615384615384615");
    assert_eq!(r.purchase_price_exact, Some(false));
    assert_eq!(r.multiplier, "2.5");
    assert_eq!(amount(&r.debtor_saving), "400000.00 USD");

    // Mozambique 2017: USD 40 m cancelled, 40 m to school meals.
    let got = client
        .get_swap(pb::GetSwapRequest {
            id: "russia-mozambique-2017".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let swap = got.swap.unwrap();
    assert!(swap.note.contains("Assumed"));
    assert!(swap
        .published_figures
        .iter()
        .all(|f| f.reproduced == Some(true)));
    let response = client
        .evaluate_swap(pb::EvaluateSwapRequest {
            swap_id: swap.id.clone(),
            kind: None,
        })
        .await
        .unwrap()
        .into_inner();
    let Some(Out::Development(r)) = response.result else {
        panic!("development");
    };
    assert_eq!(amount(&r.face_cancelled), "40000000.00 USD");
    assert_eq!(amount(&r.fund_total), "40000000.00 USD");
    let payments: Vec<_> = r
        .counterpart_payments
        .iter()
        .map(|p| amount(&p.amount))
        .collect();
    assert_eq!(payments, vec!["8000000.00 USD"; 5]);
    assert_eq!(response.warnings.len(), 1, "{:?}", response.warnings);

    let missing = client
        .get_swap(pb::GetSwapRequest { id: "nope".into() })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
}
