//! Bearer tokens from a file are read again on SIGHUP (issue 11), as the
//! TLS files are: the file is replaced with its old modification time kept,
//! so only the signal can be what reloads it; a file that no longer holds a
//! valid token keeps the previous tokens. Against the real binary.

mod binary;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use binary::{replace_keeping_mtime, Binary};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::debtcalc::v1::restructuring_service_client::RestructuringServiceClient;
use tonic::transport::Channel;
use tonic::Code;

const OLD: &str = "old-token-for-reload-0123456789";
const NEW: &str = "new-token-for-reload-0123456789";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("debtcalc-tokens-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The code of an (invalid, so cheap) BuildSchedule call with `token`:
/// INVALID_ARGUMENT once past the token check, else UNAUTHENTICATED.
async fn code_with(server: &Binary, token: &str) -> Code {
    let channel = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = RestructuringServiceClient::new(channel);
    let mut request = tonic::Request::new(pb::BuildScheduleRequest::default());
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    client.build_schedule(request).await.unwrap_err().code()
}

#[tokio::test]
async fn sighup_reloads_the_tokens_file() {
    let dir = temp_dir("hup");
    let path = dir.join("tokens");
    std::fs::write(&path, format!("{OLD}\n")).unwrap();
    let mut server = Binary::start(&["--tokens-file", path.to_str().unwrap()], &[]);
    assert_eq!(code_with(&server, OLD).await, Code::InvalidArgument);
    assert_eq!(code_with(&server, NEW).await, Code::Unauthenticated);

    replace_keeping_mtime(&path, &format!("# rotated\n{NEW}\n"));
    // Longer than the 2 s file check: unchanged time, so no reload yet.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(code_with(&server, OLD).await, Code::InvalidArgument);

    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(15);
    while code_with(&server, NEW).await != Code::InvalidArgument {
        assert!(
            Instant::now() < deadline,
            "SIGHUP did not reload the tokens"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(code_with(&server, OLD).await, Code::Unauthenticated);

    // A file without a valid token keeps the tokens in force.
    replace_keeping_mtime(&path, "short\n");
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !server
        .log()
        .iter()
        .any(|line| line.contains("tokens reload failed"))
    {
        assert!(Instant::now() < deadline, "the failed reload is not logged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(code_with(&server, NEW).await, Code::InvalidArgument);
    assert!(server.child.try_wait().unwrap().is_none(), "still running");
    let _ = std::fs::remove_dir_all(&dir);
}
