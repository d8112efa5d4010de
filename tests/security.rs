//! Security of the real server (issue 11): TLS and mutual TLS with
//! certificates made here (rcgen), a certificate rotated on disk picked up
//! without a restart, bearer tokens on every service but health
//! (UNAUTHENTICATED without or with a wrong token), reflection switchable off.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::TestServer;
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::debtcalc::v1::reconciliation_service_client::ReconciliationServiceClient;
use debtcalc::server::security::{SecurityConfig, TlsSettings, Tokens};
use debtcalc::server::ServerConfig;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tonic::metadata::MetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::{Code, Request};
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::ServerReflectionRequest;

/// A certificate authority made for the test.
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

    /// A leaf certificate for `names`: (certificate PEM, key PEM).
    fn leaf(&self, names: &[&str]) -> (String, String) {
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("debtcalc-security-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A TLS server with a certificate for "localhost" from `ca`.
async fn tls_server(ca: &Ca, dir: &Path, client_ca: Option<&Ca>) -> TestServer {
    let (cert, key) = ca.leaf(&["localhost"]);
    let tls = TlsSettings {
        cert: write(dir, "server.pem", &cert),
        key: write(dir, "server.key", &key),
        client_ca: client_ca.map(|ca| write(dir, "client-ca.pem", &ca.pem)),
    };
    TestServer::start_with(ServerConfig {
        security: SecurityConfig {
            tls: Some(tls),
            ..SecurityConfig::default()
        },
        ..ServerConfig::default()
    })
    .await
}

async fn tls_channel(
    server: &TestServer,
    trust: &Ca,
    identity: Option<(String, String)>,
) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&trust.pem))
        .domain_name("localhost");
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    Endpoint::from_shared(format!("https://{}", server.addr))
        .unwrap()
        .tls_config(tls)?
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
}

async fn health_ok(channel: Channel) -> Result<(), tonic::Status> {
    HealthClient::new(channel)
        .check(HealthCheckRequest::default())
        .await
        .map(|_| ())
}

async fn list_bases(channel: Channel, token: Option<&str>) -> Result<(), tonic::Status> {
    let mut request = Request::new(pb::ListConversionBasesRequest::default());
    if let Some(token) = token {
        request.metadata_mut().insert(
            "authorization",
            MetadataValue::try_from(format!("Bearer {token}")).unwrap(),
        );
    }
    ReconciliationServiceClient::new(channel)
        .list_conversion_bases(request)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn tls_handshake_and_calls() {
    let ca = Ca::new("test CA");
    let dir = temp_dir("tls");
    let server = tls_server(&ca, &dir, None).await;
    let channel = tls_channel(&server, &ca, None)
        .await
        .expect("TLS handshake");
    health_ok(channel.clone()).await.unwrap();
    list_bases(channel, None).await.unwrap();

    // A client that does not trust the server's CA is refused the handshake.
    let stranger = Ca::new("other CA");
    let refused = match tls_channel(&server, &stranger, None).await {
        Err(_) => true,
        Ok(channel) => health_ok(channel).await.is_err(),
    };
    assert!(refused);

    // Plaintext is not served on a TLS listener.
    let plain = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await;
    if let Ok(plain) = plain {
        assert!(health_ok(plain).await.is_err());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn mutual_tls_requires_a_client_certificate_from_the_client_ca() {
    let server_ca = Ca::new("server CA");
    let client_ca = Ca::new("client CA");
    let dir = temp_dir("mtls");
    let server = tls_server(&server_ca, &dir, Some(&client_ca)).await;

    let good = tls_channel(&server, &server_ca, Some(client_ca.leaf(&["client"])))
        .await
        .expect("mTLS handshake");
    health_ok(good.clone()).await.unwrap();
    list_bases(good, None).await.unwrap();

    // No client certificate: refused.
    let none = match tls_channel(&server, &server_ca, None).await {
        Err(_) => true,
        Ok(channel) => health_ok(channel).await.is_err(),
    };
    assert!(none, "a client without a certificate was served");

    // A certificate from another CA: refused.
    let rogue_ca = Ca::new("rogue CA");
    let rogue = match tls_channel(&server, &server_ca, Some(rogue_ca.leaf(&["client"]))).await {
        Err(_) => true,
        Ok(channel) => health_ok(channel).await.is_err(),
    };
    assert!(rogue, "a client certificate from the wrong CA was accepted");
    server.shutdown().await;
}

#[tokio::test]
async fn a_rotated_certificate_is_served_without_a_restart() {
    let old_ca = Ca::new("old CA");
    let dir = temp_dir("rotate");
    let server = tls_server(&old_ca, &dir, None).await;
    let channel = tls_channel(&server, &old_ca, None).await.unwrap();
    health_ok(channel).await.unwrap();

    let new_ca = Ca::new("new CA");
    let (cert, key) = new_ca.leaf(&["localhost"]);
    // Key first, then certificate: the watcher may catch the pair half
    // written, fail to load it and keep the old one until the next change.
    write(&dir, "server.key", &key);
    write(&dir, "server.pem", &cert);

    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(channel) = tls_channel(&server, &new_ca, None).await {
            if health_ok(channel).await.is_ok() {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the new certificate was never served"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    server.shutdown().await;
}

const TOKEN: &str = "s3cret-token-0123456789";

async fn token_server(reflection: bool) -> TestServer {
    TestServer::start_with(ServerConfig {
        security: SecurityConfig {
            tokens: Some(Tokens::parse(TOKEN).unwrap()),
            reflection,
            ..SecurityConfig::default()
        },
        ..ServerConfig::default()
    })
    .await
}

fn reason(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    status.get_details_error_info().expect("ErrorInfo").reason
}

#[tokio::test]
async fn tokens_guard_the_calculation_services_but_not_health() {
    let server = token_server(true).await;
    let channel = server.channel().await;

    let missing = list_bases(channel.clone(), None).await.unwrap_err();
    assert_eq!(missing.code(), Code::Unauthenticated);
    assert_eq!(reason(&missing), "MISSING_TOKEN");

    let wrong = list_bases(channel.clone(), Some("s3cret-token-0123456780"))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert_eq!(reason(&wrong), "INVALID_TOKEN");

    let short = list_bases(channel.clone(), Some("s3cret"))
        .await
        .unwrap_err();
    assert_eq!(short.code(), Code::Unauthenticated);

    list_bases(channel.clone(), Some(TOKEN)).await.unwrap();
    health_ok(channel.clone())
        .await
        .expect("health needs no token");

    // Reflection needs the token too.
    let status = list_services(channel).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    server.shutdown().await;
}

async fn list_services(channel: Channel) -> Result<Vec<String>, tonic::Status> {
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([request]))
        .await?
        .into_inner();
    let response = stream.message().await?.expect("a reflection response");
    Ok(format!("{response:?}")
        .split('"')
        .filter(|s| s.contains('.'))
        .map(str::to_string)
        .collect())
}

#[tokio::test]
async fn reflection_is_on_by_default_and_can_be_switched_off() {
    let on = TestServer::start().await;
    let services = list_services(on.channel().await).await.unwrap();
    assert!(services
        .iter()
        .any(|s| s == "debtcalc.v1.RestructuringService"));
    on.shutdown().await;

    let off = TestServer::start_with(ServerConfig {
        security: SecurityConfig {
            reflection: false,
            ..SecurityConfig::default()
        },
        ..ServerConfig::default()
    })
    .await;
    let status = list_services(off.channel().await).await.unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
    off.shutdown().await;
}
