//! SplitClaim over real gRPC: the DPRK figures, conventions echoed, and bad
//! input rejected with every offending field named.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{self as pb, split_claim_request::WriteOff};
use tonic::Code;
use tonic_types::StatusExt;

fn program(name: &str, weight: &str) -> pb::Program {
    pb::Program {
        name: name.into(),
        weight: weight.into(),
    }
}

fn dprk_request() -> pb::SplitClaimRequest {
    pb::SplitClaimRequest {
        claim: Some(money("USD", "10960000000")),
        write_off: Some(WriteOff::WriteOffShare("0.9".into())),
        programs: vec![
            program("energy", "1"),
            program("education", "1"),
            program("health", "1"),
        ],
        rounding_mode: 0,
    }
}

#[tokio::test]
async fn dprk_split_over_grpc() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .split_claim(dprk_request())
        .await
        .expect("split")
        .into_inner();

    assert_eq!(response.claim, Some(money("USD", "10960000000.00")));
    assert_eq!(response.written_off, Some(money("USD", "9864000000.00")));
    assert_eq!(response.remaining, Some(money("USD", "1096000000.00")));
    assert_eq!(response.write_off_share, "0.9");
    assert_eq!(response.write_off_share_exact, Some(true));
    let amounts: Vec<_> = response
        .allocations
        .iter()
        .map(|a| a.amount.clone().unwrap().amount)
        .collect();
    assert_eq!(amounts, ["365333333.34", "365333333.33", "365333333.33"]);
    let names: Vec<_> = response
        .allocations
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["energy", "education", "health"]);

    let conventions = response.conventions.expect("conventions are echoed");
    assert_eq!(conventions.rounding_mode(), pb::RoundingMode::HalfEven);
    assert_eq!(conventions.currency_minor_units, Some(2));
    assert_eq!(
        conventions.allocation_method(),
        pb::AllocationMethod::LargestRemainder
    );
    assert_eq!(conventions.share_decimals, Some(20));
    assert_eq!(conventions.write_off_given_as, "write_off_share");
    server.shutdown().await;
}

#[tokio::test]
async fn reported_remainder_and_minor_units_of_other_currencies() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .split_claim(pb::SplitClaimRequest {
            claim: Some(money("USD", "10960000000")),
            write_off: Some(WriteOff::Remaining(money("USD", "1090000000"))),
            programs: vec![],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.written_off, Some(money("USD", "9870000000.00")));
    assert_eq!(response.write_off_share, "0.90054744525547445255");
    assert_eq!(response.write_off_share_exact, Some(false));
    assert_eq!(
        response.conventions.unwrap().write_off_given_as,
        "remaining"
    );

    let yen = client
        .split_claim(pb::SplitClaimRequest {
            claim: Some(money("JPY", "1001")),
            write_off: Some(WriteOff::WriteOffShare("0.5".into())),
            programs: vec![program("a", "1"), program("b", "2")],
            rounding_mode: pb::RoundingMode::HalfUp as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(yen.written_off, Some(money("JPY", "501")));
    assert_eq!(yen.remaining, Some(money("JPY", "500")));
    let amounts: Vec<_> = yen
        .allocations
        .iter()
        .map(|a| a.amount.clone().unwrap().amount)
        .collect();
    assert_eq!(amounts, ["167", "333"]);

    let dinar = client
        .split_claim(pb::SplitClaimRequest {
            claim: Some(money("KWD", "1")),
            write_off: Some(WriteOff::WriteOffShare("0.25".into())),
            programs: vec![],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(dinar.written_off, Some(money("KWD", "0.250")));
    assert_eq!(dinar.remaining, Some(money("KWD", "0.750")));
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_computed() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .split_claim(pb::SplitClaimRequest {
            claim: Some(money("usd", "1_000")),
            write_off: Some(WriteOff::WriteOffShare("1.5".into())),
            programs: vec![
                program("energy", "1"),
                program("energy", "0"),
                program("", "NaN"),
            ],
            rounding_mode: 99,
        })
        .await
        .expect_err("bad input fails");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(error_reason(&status), "INVALID_REQUEST");
    assert_eq!(
        violation_fields(&status),
        [
            "claim.currency_code",
            "claim.amount",
            "rounding_mode",
            "write_off_share",
            "programs[1].name",
            "programs[1].weight",
            "programs[2].name",
            "programs[2].weight",
        ]
    );
    let info = status.get_details_error_info().unwrap();
    assert!(info.metadata["fields"].contains("programs[2].weight"));
}

#[tokio::test]
async fn single_kind_of_violation_gives_its_own_reason() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    for (claim, remaining, field, reason) in [
        (
            money("USD", "100"),
            money("USD", "100.01"),
            "remaining.amount",
            "REMAINING_ABOVE_CLAIM",
        ),
        (
            money("USD", "100"),
            money("EUR", "1"),
            "remaining.currency_code",
            "CURRENCY_MISMATCH",
        ),
        (
            money("USD", "100"),
            money("USD", "-1"),
            "remaining.amount",
            "NEGATIVE_AMOUNT",
        ),
        (
            money("USD", "1.005"),
            money("USD", "1"),
            "claim.amount",
            "TOO_MANY_DECIMALS",
        ),
        (
            money("USD", "0"),
            money("USD", "0"),
            "claim.amount",
            "NOT_POSITIVE",
        ),
        (
            money("XYZ", "1"),
            money("USD", "1"),
            "claim.currency_code",
            "UNKNOWN_CURRENCY",
        ),
    ] {
        let status = client
            .split_claim(pb::SplitClaimRequest {
                claim: Some(claim),
                write_off: Some(WriteOff::Remaining(remaining)),
                programs: vec![],
                rounding_mode: 0,
            })
            .await
            .expect_err(field);
        assert_eq!(status.code(), Code::InvalidArgument, "{field}");
        assert_eq!(violation_fields(&status), [field], "{field}");
        assert_eq!(error_reason(&status), reason, "{field}");
    }

    let missing = client
        .split_claim(pb::SplitClaimRequest::default())
        .await
        .expect_err("empty request");
    assert_eq!(violation_fields(&missing), ["claim", "write_off_share"]);
    assert_eq!(error_reason(&missing), "MISSING_FIELD");
}

#[tokio::test]
async fn health_reports_serving_and_shutdown_is_clean() {
    use tonic_health::pb::{
        health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
    };
    let server = TestServer::start().await;
    let mut health = HealthClient::new(server.channel().await);
    for service in ["", "debtcalc.v1.RestructuringService"] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status();
        assert_eq!(status, ServingStatus::Serving, "{service:?}");
    }
    server.shutdown().await;
}
