//! ReconciliationService over real gRPC: the 1:5000 DPRK case, a case where
//! rate, interest and offsets all differ, conversion steps, the reference
//! data, and bad input.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{self as pb, conversion::Method};
use rust_decimal::Decimal;
use std::str::FromStr;
use tonic::Code;

fn basis(id: &str) -> Option<pb::Conversion> {
    Some(pb::Conversion {
        method: Some(Method::BasisId(id.into())),
    })
}

fn rate(rate: &str, unit: &str, per: &str) -> Option<pb::Conversion> {
    Some(pb::Conversion {
        method: Some(Method::Rate(pb::ConversionRate {
            rate: rate.into(),
            unit: unit.into(),
            per: per.into(),
        })),
    })
}

fn party(name: &str, conversion: Option<pb::Conversion>) -> pb::PartyMethod {
    pb::PartyMethod {
        name: name.into(),
        conversion,
        ..Default::default()
    }
}

fn dprk_request() -> pb::ReconcileValuationsRequest {
    pb::ReconcileValuationsRequest {
        claim: Some(money("SUR", "6576000000")),
        components: vec![],
        target_currency: "USD".into(),
        parties: vec![
            party("Russia", basis("gosbank-settlement-rate")),
            party("DPRK", rate("3000", "RUR", "USD")),
        ],
        rounding_mode: 0,
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

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
async fn convert_claim_shows_each_step() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let response = client
        .convert_claim(pb::ConvertClaimRequest {
            amount: Some(money("RUR", "6576000000")),
            target_currency: "USD".into(),
            conversion: basis("cbr-usd-2012-12-31"),
            redenomination_id: "rub-1998".into(),
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let kinds: Vec<_> = response.steps.iter().map(|s| s.kind()).collect();
    assert_eq!(
        kinds,
        [pb::StepKind::Redenominate, pb::StepKind::DivideByRate]
    );
    assert_eq!(response.steps[0].output.clone().unwrap().value, "6576000");
    // 6,576,000 RUB / 30.3727 RUB per USD = 216,510.2213...
    assert_eq!(response.result, Some(money("USD", "216510.22")));
    assert_eq!(response.exact_result.unwrap().exact, Some(false));

    let gdr = client
        .convert_claim(pb::ConvertClaimRequest {
            amount: Some(money("XTR", "6400000000")),
            target_currency: "DEM".into(),
            conversion: basis("xtr-dem-gdr-1990"),
            ..Default::default()
        })
        .await;
    match gdr {
        Ok(response) => assert_eq!(
            response.into_inner().result,
            Some(money("DEM", "14976000000.00"))
        ),
        Err(status) => panic!("GDR conversion: {status:?}"),
    }
}

#[tokio::test]
async fn reference_data_lists_sourced_bases() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let all = client
        .list_conversion_bases(pb::ListConversionBasesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(all.bases.iter().all(|b| !b.source.is_empty()));
    let gosbank = all
        .bases
        .iter()
        .find(|b| b.id == "gosbank-settlement-rate")
        .unwrap();
    assert_eq!(
        gosbank.rate,
        Some(pb::ConversionRate {
            rate: "0.6".into(),
            unit: "SUR".into(),
            per: "USD".into()
        })
    );
    assert!(all
        .redenominations
        .iter()
        .any(|r| r.id == "rub-1998" && r.old_per_new == "1000"));
    assert!(all
        .units
        .iter()
        .any(|u| u.code == "XTR" && u.iso_4217 == Some(false)));
    assert_eq!(all.data_source, "builtin");

    let year_ends: Vec<_> = all
        .bases
        .iter()
        .filter(|b| b.id.starts_with("cbr-usd-"))
        .collect();
    assert!(
        year_ends.len() >= 23,
        "CBR year-ends 1992-2014: {}",
        year_ends.len()
    );

    let october_1994 = client
        .list_conversion_bases(pb::ListConversionBasesRequest {
            unit: "RUR".into(),
            valid_on: Some(debtcalc::api::pb::google::r#type::Date {
                year: 1994,
                month: 10,
                day: 14,
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(october_1994
        .bases
        .iter()
        .any(|b| b.rate.as_ref().unwrap().rate == "2994"));
    assert!(october_1994
        .bases
        .iter()
        .all(|b| b.rate.as_ref().unwrap().unit == "RUR" || b.rate.as_ref().unwrap().per == "RUR"));
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

#[tokio::test]
async fn an_operator_file_replaces_the_builtin_data() {
    use debtcalc::server::{self, ServerConfig};
    let dir = std::env::temp_dir().join(format!("debtcalc-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/conversion-bases.json"
    ))
    .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&builtin).unwrap();
    json["bases"] = serde_json::json!([{
        "id": "operator-rate", "rate": "2", "unit": "SUR", "per": "USD",
        "valid_from": null, "valid_to": null, "weak": false, "source": "operator test"
    }]);
    let path = dir.join("bases.json");
    std::fs::write(&path, json.to_string()).unwrap();

    // The built-in settlement library converts by the built-in bases, so an
    // operator who replaces them names a library that fits (issue 10): here
    // the Cuba settlement, which converts nothing.
    let settlements = dir.join("settlements");
    std::fs::create_dir_all(&settlements).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/settlements/cuba-2014.json"
        ),
        settlements.join("cuba-2014.json"),
    )
    .unwrap();
    let config = ServerConfig {
        reference_data: Some(path.clone()),
        settlements: Some(settlements),
        ..ServerConfig::default()
    };
    let server = TestServer::start_with(config).await;
    let mut client = server.reconciliation().await;
    let listed = client
        .list_conversion_bases(pb::ListConversionBasesRequest::default())
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<_> = listed.bases.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["operator-rate"]);
    // No server-side path in a response (issue 11).
    assert_eq!(listed.data_source, "operator-supplied");
    assert!(!listed.data_source.contains(dir.to_str().unwrap()));
    server.shutdown().await;

    // Invalid data stops the start with a clear error.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"format": 1, "units": [], "bases": [{"id": "x"}], "redenominations": []}"#,
    )
    .unwrap();
    let error = server::reference_data(&ServerConfig {
        reference_data: Some(bad),
        ..ServerConfig::default()
    })
    .expect_err("invalid reference data");
    assert!(error.to_string().contains("reference data"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// RUR and RUB differ by the 1998 redenomination (1000 to 1): one is never
/// taken for the other; only the Soviet and the pre-1998 Russian ruble are
/// at par.
#[tokio::test]
async fn rubles_across_the_1998_redenomination_are_not_confused() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let convert =
        |amount: pb::Money, basis_id: &str, redenomination: &str| pb::ConvertClaimRequest {
            amount: Some(amount),
            target_currency: "USD".into(),
            conversion: basis(basis_id),
            redenomination_id: redenomination.into(),
            rounding_mode: 0,
        };
    let status = client
        .convert_claim(convert(money("RUR", "1000000"), "cbr-usd-1998-12-31", ""))
        .await
        .expect_err("RUR at a RUB rate");
    assert_eq!(violation_fields(&status), ["conversion"]);
    assert_eq!(error_reason(&status), "UNIT_MISMATCH");
    assert!(
        status
            .message()
            .contains("apply redenomination_id \"rub-1998\" first"),
        "{}",
        status.message()
    );

    let fine = client
        .convert_claim(convert(
            money("RUR", "1000000"),
            "cbr-usd-1998-12-31",
            "rub-1998",
        ))
        .await
        .unwrap()
        .into_inner();
    // 1,000,000 RUR = 1,000 RUB; / 20.65 = 48.43 USD.
    assert_eq!(fine.result, Some(money("USD", "48.43")));

    let status = client
        .convert_claim(convert(money("RUB", "1000"), "cbr-usd-1994-10-14", ""))
        .await
        .expect_err("RUB at a RUR rate");
    assert_eq!(error_reason(&status), "UNIT_MISMATCH");
    let status = client
        .convert_claim(convert(
            money("RUB", "1000"),
            "cbr-usd-1998-12-31",
            "rub-1998",
        ))
        .await
        .expect_err("redenominating new rubles");
    assert_eq!(violation_fields(&status), ["redenomination_id"]);
    assert_eq!(error_reason(&status), "REDENOMINATION_DOES_NOT_APPLY");

    // A debtor's party method gets the same check, at its own path.
    let mut request = dprk_request();
    request.parties[1].conversion = basis("cbr-usd-2012-12-31");
    let status = client
        .reconcile_valuations(request)
        .await
        .expect_err("SUR at a RUB rate");
    assert_eq!(violation_fields(&status), ["parties[1].conversion"]);
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

/// Issue 9, finding 12: a redenomination and the rate quoted after it are
/// one conversion chain. Mixing the creditor's rate (SUR per USD) with the
/// debtor's redenomination (RUR to RUB) would value the claim in units that
/// do not exist, so the chain is one difference, explained as a whole, and
/// the response says which measure does not depend on how differences are
/// grouped.
#[tokio::test]
async fn a_redenomination_and_its_rate_are_one_conversion_chain() {
    let server = TestServer::start().await;
    let mut client = server.reconciliation().await;
    let mut debtor = party("DPRK", rate("30", "RUB", "USD"));
    debtor.redenomination_id = "rub-1998".into();
    let response = client
        .reconcile_valuations(pb::ReconcileValuationsRequest {
            claim: Some(money("SUR", "6576000000")),
            components: vec![],
            target_currency: "USD".into(),
            parties: vec![party("Russia", basis("gosbank-settlement-rate")), debtor],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    // 6,576,000,000 SUR / 1000 / 30 = 219,200.00 USD.
    assert_eq!(response.parties[1].value, Some(money("USD", "219200.00")));
    let gap = &response.gaps[0];
    assert_eq!(gap.ratio, "50000");
    let dimensions: Vec<_> = gap.contributions.iter().map(|c| c.dimension()).collect();
    assert_eq!(dimensions, [pb::Dimension::Conversion]);
    let chain = &gap.contributions[0];
    assert_eq!(chain.amount, gap.amount);
    assert_eq!(chain.log_share, "1");
    assert_eq!(
        chain.creditor_choice,
        "0.6 SUR per USD (gosbank-settlement-rate)"
    );
    assert_eq!(
        chain.party_choice,
        "1000 RUR per RUB from 1998-01-01 (rub-1998), then 30 RUB per USD"
    );
    let note = &response.conventions.unwrap().attribution_note;
    assert!(note.contains("log contributions"), "{note}");
}
