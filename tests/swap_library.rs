//! The swap library: an operator's directory (`--swaps DIR`) replaces the
//! built-in one and is labelled "operator-supplied"; an invalid file stops
//! the start with an error naming it, before the server serves.

mod common;

use common::{temp_dir, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::swap_library::BUILTIN;
use debtcalc::server::{self, ServerConfig};

#[test]
fn builtin_list_names_every_file() {
    common::assert_builtin_names_every_file("swaps", BUILTIN);
}

fn bolivia() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/swaps/bolivia-ci-1987.json"
    ))
    .unwrap()
}

#[tokio::test]
async fn an_operator_directory_replaces_the_library() {
    let dir = temp_dir("swaps-one");
    std::fs::write(dir.join("bolivia-ci-1987.json"), bolivia()).unwrap();
    let server = TestServer::start_with(ServerConfig {
        swaps: Some(dir.clone()),
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.swap().await;
    let list = client
        .list_swaps(pb::ListSwapsRequest {})
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<_> = list.swaps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["bolivia-ci-1987"]);
    assert_eq!(list.data_source, "operator-supplied");
    let missing = client
        .evaluate_swap(pb::EvaluateSwapRequest {
            swap_id: "russia-mozambique-2017".into(),
            kind: None,
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
    assert!(missing.message().contains("bolivia-ci-1987"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn invalid_files_stop_the_start() {
    let check = |files: &[(&str, String)]| {
        let dir = temp_dir("swaps-bad");
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let result = server::load_data(&ServerConfig {
            swaps: Some(dir.clone()),
            ..ServerConfig::default()
        });
        std::fs::remove_dir_all(dir).unwrap();
        result.err().map(|e| e.to_string()).unwrap_or_default()
    };
    let empty = check(&[]);
    assert!(empty.contains("holds no swap"), "{empty}");
    let claimed = bolivia().replace(
        "\"published\": \"0.15\",\n      \"reproduced\": false",
        "\"published\": \"0.15\",\n      \"reproduced\": true",
    );
    assert_ne!(claimed, bolivia(), "the edit applies");
    let error = check(&[("bolivia-ci-1987.json", claimed)]);
    assert!(
        error.starts_with("swap library: bolivia-ci-1987.json"),
        "{error}"
    );
    assert!(error.contains("says reproduced"), "{error}");
    let error = check(&[("other.json", bolivia())]);
    assert!(
        error.contains("must be named bolivia-ci-1987.json"),
        "{error}"
    );
    let error = check(&[("bolivia-ci-1987.json", "{\"id\": 3}".into())]);
    assert!(error.contains("not a debtcalc.v1.Swap"), "{error}");
}
