//! TLS of the real binary (issue 11): a certificate replaced on disk is
//! served after SIGHUP (the files are given their old modification times
//! back, so only the signal can be what reloads them), and invalid TLS files
//! stop the start before anything says "serving".

mod binary;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use binary::{replace_keeping_mtime, Binary};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let pem = params.self_signed(&key).unwrap().pem();
        Self {
            issuer: Issuer::new(params, key),
            pem,
        }
    }

    fn leaf(&self) -> (String, String) {
        let params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("debtcalc-tls-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn trusted_by(server: &Binary, ca: &Ca) -> bool {
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&ca.pem))
        .domain_name("localhost");
    let Ok(endpoint) = Endpoint::from_shared(format!("https://{}", server.addr.unwrap()))
        .unwrap()
        .tls_config(tls)
    else {
        return false;
    };
    match endpoint.connect().await {
        Ok(channel) => HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .is_ok(),
        Err(_) => false,
    }
}

#[tokio::test]
async fn sighup_reloads_the_certificate() {
    let dir = temp_dir("hup");
    let old = Ca::new("old CA");
    let (cert, key) = old.leaf();
    let cert_path = dir.join("server.pem");
    let key_path = dir.join("server.key");
    std::fs::write(&cert_path, cert).unwrap();
    std::fs::write(&key_path, key).unwrap();
    let server = Binary::start(
        &[
            "--tls-cert",
            cert_path.to_str().unwrap(),
            "--tls-key",
            key_path.to_str().unwrap(),
        ],
        &[],
    );
    assert!(trusted_by(&server, &old).await);

    let new = Ca::new("new CA");
    let (cert, key) = new.leaf();
    replace_keeping_mtime(&key_path, &key);
    replace_keeping_mtime(&cert_path, &cert);
    // Longer than the 2 s file check: unchanged times, so no reload yet.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(trusted_by(&server, &old).await, "reloaded without a signal");

    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !trusted_by(&server, &new).await {
        assert!(
            Instant::now() < deadline,
            "SIGHUP did not reload the certificate"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The log writer is non-blocking: the line may follow a moment later.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .log()
        .iter()
        .any(|line| line.contains("TLS configuration reloaded"))
    {
        assert!(Instant::now() < deadline, "no reload line in the log");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn invalid_tls_files_stop_the_start_before_serving() {
    let dir = temp_dir("bad");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "not a key").unwrap();
    for args in [
        vec![
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        vec![
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ],
    ] {
        let mut server = Binary::start(&args, &[]);
        let status = server.wait_exit(Duration::from_secs(10)).expect("exits");
        assert!(!status.success());
        let log = server.log().join("\n");
        assert!(!log.contains("serving"), "{log}");
        assert!(log.contains("TLS"), "the error names TLS: {log}");
    }
}

/// The connection limits see the calls of TLS connections too: a call in
/// progress over TLS keeps its connection open past the handshake timeout
/// (the request-limits layer found the peer only in plain-TCP connection
/// info, so every TLS connection was closed `--handshake-timeout` after it
/// was accepted, calls in progress or not).
#[tokio::test]
async fn tls_calls_keep_their_connection_past_the_handshake_timeout() {
    let dir = temp_dir("limits");
    let ca = Ca::new("limits CA");
    let (cert, key) = ca.leaf();
    let cert_path = dir.join("server.pem");
    let key_path = dir.join("server.key");
    std::fs::write(&cert_path, cert).unwrap();
    std::fs::write(&key_path, key).unwrap();
    let server = Binary::start(
        &[
            "--tls-cert",
            cert_path.to_str().unwrap(),
            "--tls-key",
            key_path.to_str().unwrap(),
            "--handshake-timeout",
            "1",
        ],
        &[],
    );
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&ca.pem))
        .domain_name("localhost");
    let channel = Endpoint::from_shared(format!("https://{}", server.addr.unwrap()))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut watch = HealthClient::new(channel)
        .watch(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    // The first message: SERVING.
    assert!(watch.message().await.unwrap().is_some());
    // Past the 1 s handshake timeout the stream is still open: no message,
    // no error, no end.
    let next = tokio::time::timeout(Duration::from_millis(2500), watch.message()).await;
    assert!(
        next.is_err(),
        "the Watch stream ended past the handshake timeout: {next:?}"
    );
}
