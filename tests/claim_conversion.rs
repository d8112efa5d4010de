//! ConvertClaim, the reference data and conversion chains over real gRPC:
//! each conversion step, the sourced bases, an operator's data file, and the
//! 1998 redenomination.

mod common;

use common::reconcile::{basis, dprk_request, party, rate};
use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;

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
