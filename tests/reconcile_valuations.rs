//! ReconciliationService over real gRPC: the 1:5000 DPRK case, a case where
//! rate, interest and offsets all differ, and bad input. Claim conversion and
//! the reference data are in claim_conversion.rs.

mod common;

use common::reconcile::{basis, dec, dprk_request, party, rate};
use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use rust_decimal::Decimal;
use tonic::Code;

#[tokio::test]
async fn the_one_to_five_thousand_gap() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let response = client
        .reconcile_valuations(dprk_request())
        .await
        .unwrap()
        .into_inner();
    let values: Vec<_> = response
        .parties
        .iter()
        .map(|p| p.value.clone().unwrap())
        .collect();
    assert_eq!(
        values,
        [money("USD", "10960000000.00"), money("USD", "2192000.00")]
    );
    assert_eq!(response.parties[0].implied_rate, "0.6");
    assert_eq!(response.parties[1].implied_rate, "3000");
    let gap = &response.gaps[0];
    assert_eq!(
        (gap.creditor.as_str(), gap.party.as_str()),
        ("Russia", "DPRK")
    );
    assert_eq!(gap.amount, Some(money("USD", "10957808000.00")));
    assert_eq!(gap.ratio, "5000");
    assert_eq!(gap.ratio_exact, Some(true));
    // ln 5000, Python: Decimal(5000).ln() = 8.5171931914162374266...
    assert!((dec(&gap.log_ratio) - dec("8.51719319141623742665")).abs() < dec("1e-20"));
    assert_eq!(gap.contributions.len(), 1);
    assert_eq!(gap.contributions[0].dimension(), pb::Dimension::Conversion);
    assert_eq!(gap.contributions[0].amount, gap.amount);
    assert_eq!(gap.contributions[0].log_share, "1");

    let geometric = gap
        .candidates
        .iter()
        .find(|c| c.kind() == pb::CandidateKind::GeometricMidpoint)
        .expect("a geometric midpoint");
    // sqrt(10,960,000,000 x 2,192,000) = 154,997,806.436...
    assert_eq!(geometric.value, Some(money("USD", "154997806.44")));
    assert!(geometric.write_off_share.starts_with("0.98585786"));
    let arithmetic = gap
        .candidates
        .iter()
        .find(|c| c.kind() == pb::CandidateKind::ArithmeticMidpoint)
        .unwrap();
    assert_eq!(arithmetic.value, Some(money("USD", "5481096000.00")));

    let conventions = response.conventions.unwrap();
    assert_eq!(conventions.attribution_method, "SHAPLEY");
    assert_eq!(conventions.data_source, "builtin");
    assert_eq!(conventions.rounding_mode(), pb::RoundingMode::HalfEven);
}

#[tokio::test]
async fn swapping_the_parties_inverts_the_ratio() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let mut request = dprk_request();
    request.parties.reverse();
    let response = client
        .reconcile_valuations(request)
        .await
        .unwrap()
        .into_inner();
    let gap = &response.gaps[0];
    assert_eq!(gap.ratio, "0.0002");
    assert_eq!(gap.amount, Some(money("USD", "-10957808000.00")));
    assert!((dec(&gap.log_ratio) + dec("8.51719319141623742665")).abs() < dec("1e-20"));
}

/// Rate, interest recognition and offsets all differ: the contributions add
/// up to the gap exactly, in money and in logs.
#[tokio::test]
async fn components_and_offsets_are_attributed_exactly() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let components = vec![
        pb::ClaimComponent {
            kind: pb::ComponentKind::Principal as i32,
            amount: Some(money("SUR", "4000000000")),
        },
        pb::ClaimComponent {
            kind: pb::ComponentKind::ContractualInterest as i32,
            amount: Some(money("SUR", "1500000000")),
        },
        pb::ClaimComponent {
            kind: pb::ComponentKind::PenaltyInterest as i32,
            amount: Some(money("SUR", "1076000000")),
        },
    ];
    let debtor = pb::PartyMethod {
        name: "Debtor".into(),
        conversion: rate("1.8", "SUR", "USD"),
        recognised_components: vec![pb::ComponentKind::Principal as i32],
        offsets: vec![pb::Offset {
            description: "counter-claims".into(),
            amount: Some(money("USD", "150000000")),
        }],
        ..Default::default()
    };
    let request = pb::ReconcileValuationsRequest {
        claim: Some(money("SUR", "6576000000")),
        components,
        target_currency: "USD".into(),
        parties: vec![party("Creditor", basis("gosbank-settlement-rate")), debtor],
        rounding_mode: 0,
    };
    let response = client
        .reconcile_valuations(request.clone())
        .await
        .unwrap()
        .into_inner();
    // Debtor: 4,000,000,000 / 1.8 - 150,000,000 = 2,072,222,222.22...
    assert_eq!(
        response.parties[1].value,
        Some(money("USD", "2072222222.22"))
    );
    let gap = &response.gaps[0];
    assert_eq!(gap.amount, Some(money("USD", "8887777777.78")));
    let dimensions: Vec<_> = gap
        .contributions
        .iter()
        .map(|c| (c.dimension(), c.component()))
        .collect();
    assert_eq!(
        dimensions,
        [
            (pb::Dimension::Conversion, pb::ComponentKind::Unspecified),
            (
                pb::Dimension::Component,
                pb::ComponentKind::ContractualInterest
            ),
            (pb::Dimension::Component, pb::ComponentKind::PenaltyInterest),
            (pb::Dimension::Offsets, pb::ComponentKind::Unspecified),
        ]
    );
    let amounts: Decimal = gap
        .contributions
        .iter()
        .map(|c| dec(&c.amount.clone().unwrap().amount))
        .sum();
    assert_eq!(amounts, dec("8887777777.78"));
    let log_sum: Decimal = gap
        .contributions
        .iter()
        .map(|c| dec(&c.log_contribution))
        .sum();
    assert_eq!(log_sum, dec(&gap.log_ratio));
    let shares: Decimal = gap.contributions.iter().map(|c| dec(&c.log_share)).sum();
    assert_eq!(shares, Decimal::ONE);
    // Every contribution has the sign of the gap here: each difference
    // lowers the debtor's figure.
    assert!(gap
        .contributions
        .iter()
        .all(|c| dec(&c.amount.clone().unwrap().amount) > Decimal::ZERO));

    // The order in which the differences are listed does not matter.
    let mut reordered = request;
    reordered.components.reverse();
    let again = client
        .reconcile_valuations(reordered)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.gaps, response.gaps);
}

#[tokio::test]
async fn identical_methods_give_no_gap() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let response = client
        .reconcile_valuations(pb::ReconcileValuationsRequest {
            claim: Some(money("SUR", "100")),
            components: vec![],
            target_currency: "USD".into(),
            parties: vec![
                party("A", basis("gosbank-settlement-rate")),
                party("B", rate("0.6", "SUR", "USD")),
            ],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let gap = &response.gaps[0];
    assert_eq!(gap.amount, Some(money("USD", "0.00")));
    assert_eq!(gap.ratio, "1");
    assert!(gap.contributions.is_empty());
}

#[tokio::test]
async fn bad_reconciliations_name_every_field() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let status = client
        .reconcile_valuations(pb::ReconcileValuationsRequest {
            claim: Some(money("SUR", "100")),
            components: vec![],
            target_currency: "USD".into(),
            parties: vec![party("Only", basis("gosbank-settlement-rate"))],
            rounding_mode: 0,
        })
        .await
        .expect_err("one party");
    assert_eq!(violation_fields(&status), ["parties"]);
    assert_eq!(error_reason(&status), "PARTY_COUNT");

    let status = client
        .reconcile_valuations(pb::ReconcileValuationsRequest {
            claim: Some(money("SUR", "100")),
            components: vec![pb::ClaimComponent {
                kind: 1,
                amount: Some(money("SUR", "60")),
            }],
            target_currency: "USD".into(),
            parties: vec![
                party("A", basis("no-such-basis")),
                party("B", rate("0", "SUR", "USD")),
                party("A", rate("-3", "RUR", "USD")),
                party("D", rate("2.34", "DEM", "XTR")),
            ],
            rounding_mode: 0,
        })
        .await
        .expect_err("bad parties");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        [
            "components",
            "parties[0].conversion.basis_id",
            "parties[1].conversion.rate.rate",
            "parties[2].name",
            "parties[2].conversion.rate.rate",
            "parties[3].conversion",
        ]
    );
}

/// A component is a Money in the claim's currency (issue 12: it was a bare
/// decimal string); another currency, a negative amount or too many
/// decimals is named at its field path.
#[tokio::test]
async fn components_are_money_in_the_claims_currency() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let component = |kind: pb::ComponentKind, currency: &str, amount: &str| pb::ClaimComponent {
        kind: kind as i32,
        amount: Some(money(currency, amount)),
    };
    let request = |components| pb::ReconcileValuationsRequest {
        claim: Some(money("SUR", "100")),
        components,
        target_currency: "USD".into(),
        parties: vec![
            party("Creditor", basis("gosbank-settlement-rate")),
            party("Debtor", rate("3000", "SUR", "USD")),
        ],
        rounding_mode: 0,
    };
    let status = client
        .reconcile_valuations(request(vec![
            component(pb::ComponentKind::Principal, "USD", "60"),
            component(pb::ComponentKind::ContractualInterest, "SUR", "-40"),
            component(pb::ComponentKind::PenaltyInterest, "SUR", "0.001"),
            pb::ClaimComponent {
                kind: pb::ComponentKind::Arrears as i32,
                amount: None,
            },
        ]))
        .await
        .expect_err("bad components");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        [
            "components[0].amount.currency_code",
            "components[1].amount.amount",
            "components[2].amount.amount",
            "components[3].amount",
        ]
    );
    let response = client
        .reconcile_valuations(request(vec![
            component(pb::ComponentKind::Principal, "SUR", "60"),
            component(pb::ComponentKind::ContractualInterest, "SUR", "40.00"),
        ]))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.parties[0].recognised, Some(money("SUR", "100.00")));
}

/// A figure that rounds to a few cents: ratios, implied rates and midpoints
/// come from the exact figures, not from the rounded ones.
#[tokio::test]
async fn ratios_and_rates_come_from_exact_figures() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let response = client
        .reconcile_valuations(pb::ReconcileValuationsRequest {
            claim: Some(money("SUR", "1000000")),
            components: vec![],
            target_currency: "USD".into(),
            parties: vec![
                party("Creditor", basis("gosbank-settlement-rate")),
                party("Debtor", rate("46666666.7", "SUR", "USD")),
            ],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.parties[1].value, Some(money("USD", "0.02")));
    assert_eq!(response.parties[0].implied_rate, "0.6");
    assert_eq!(response.parties[1].implied_rate, "46666666.7");
    let gap = &response.gaps[0];
    // python3 (decimal, prec 60): (D(5000000) / 3) / (D(10000000) / D(466666667))
    //   = 77777777.8333333333333333333333...
    assert_eq!(gap.ratio, "77777777.83333333333333333333");
    assert_eq!(gap.ratio_exact, Some(false));
    assert_eq!(gap.amount, Some(money("USD", "1666666.65")));
    let rounded: Decimal = gap
        .contributions
        .iter()
        .map(|c| dec(&c.amount.clone().unwrap().amount))
        .sum();
    assert_eq!(rounded, dec("1666666.65"));
}
