//! The settlement library: the built-in list matches data/settlements/, an
//! operator's directory replaces it, and an invalid file stops the start
//! with an error naming it, before the server says it serves.

mod common;

use std::path::PathBuf;

use common::{temp_dir, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::settlement_library::BUILTIN;
use debtcalc::server::{self, ServerConfig};

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/settlements"))
}

#[test]
fn builtin_list_names_every_file() {
    common::assert_builtin_names_every_file("settlements", BUILTIN);
}

#[tokio::test]
async fn an_operator_directory_replaces_the_library() {
    let dir = temp_dir("settlements-ok");
    std::fs::copy(
        data_dir().join("cuba-2014.json"),
        dir.join("cuba-2014.json"),
    )
    .unwrap();
    let server = TestServer::start_with(ServerConfig {
        settlements: Some(dir.clone()),
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.settlement().await;
    let list = client
        .list_settlements(pb::ListSettlementsRequest {})
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<_> = list.settlements.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["cuba-2014"]);
    // No server-side path in a response (issue 11).
    assert_eq!(list.data_source, "operator-supplied");
    server.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each kind of invalid file stops the start, naming the file and the
/// fault.
#[test]
fn invalid_files_stop_the_start() {
    let dprk = std::fs::read_to_string(data_dir().join("dprk-2014.json")).unwrap();
    let mut unknown_field: serde_json::Value = serde_json::from_str(&dprk).unwrap();
    unknown_field["remark"] = "not a field".into();
    let mut bad_rate: serde_json::Value = serde_json::from_str(&dprk).unwrap();
    bad_rate["request"]["valuation"]["discountRates"] = serde_json::json!(["five"]);
    let mut no_source: serde_json::Value = serde_json::from_str(&dprk).unwrap();
    no_source["facts"][0]["source"] = "".into();
    let cases = [
        ("dprk-2014.json", unknown_field.to_string(), "remark"),
        (
            "dprk-2014.json",
            bad_rate.to_string(),
            "valuation.discount_rates[0]",
        ),
        ("dprk-2014.json", no_source.to_string(), "has no source"),
        (
            "other-name.json",
            dprk.clone(),
            "must be named dprk-2014.json",
        ),
        ("dprk-2014.json", "{".to_string(), "protobuf JSON"),
    ];
    for (i, (file, text, expected)) in cases.iter().enumerate() {
        let dir = temp_dir(&format!("settlements-bad-{i}"));
        std::fs::write(dir.join(file), text).unwrap();
        let error = server::load_data(&ServerConfig {
            settlements: Some(dir.clone()),
            ..ServerConfig::default()
        })
        .expect_err("an invalid library");
        let message = error.to_string();
        assert!(message.contains(file), "{message}");
        assert!(message.contains(expected), "{expected:?} not in {message}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let empty = temp_dir("settlements-empty");
    let error = server::load_data(&ServerConfig {
        settlements: Some(empty.clone()),
        ..ServerConfig::default()
    })
    .expect_err("an empty library");
    assert!(error.to_string().contains("no settlement"), "{error}");
    std::fs::remove_dir_all(&empty).unwrap();
}

/// The binary with an invalid library exits with the error and never logs
/// that it serves.
#[test]
fn the_binary_refuses_an_invalid_library_before_serving() {
    let dir = temp_dir("settlements-binary");
    std::fs::write(dir.join("broken.json"), "{}").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_debtcalc"))
        .args(["--listen", "127.0.0.1:0", "--settlements"])
        .arg(&dir)
        .output()
        .expect("run debtcalc");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(!stderr.contains("serving"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
