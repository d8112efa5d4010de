//! `--health-listen`: a plaintext listener serving only grpc.health.v1, for
//! Kubernetes' native gRPC probes (which cannot speak TLS) while the main
//! port serves TLS and needs tokens (issue 13). Against the real binary.

mod binary;

use std::net::SocketAddr;

use binary::Binary;
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::debtcalc::v1::restructuring_service_client::RestructuringServiceClient;
use rcgen::{CertificateParams, KeyPair};
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// The health listener's address, from its log line (written just after
/// the "serving" line).
fn health_addr(server: &Binary) -> SocketAddr {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found = server
            .log()
            .iter()
            .find(|line| line.contains("health-only listener"))
            .and_then(|line| {
                line.split(|c: char| c.is_whitespace() || c == '"')
                    .find_map(|word| word.parse().ok())
            });
        if let Some(addr) = found {
            return addr;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the health listener's address is logged"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[tokio::test]
async fn the_health_port_answers_probes_in_plaintext_and_nothing_else() {
    let dir = std::env::temp_dir().join(format!("debtcalc-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let (cert_path, key_path) = (dir.join("tls.crt"), dir.join("tls.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let server = Binary::start(
        &[
            "--tls-cert",
            cert_path.to_str().unwrap(),
            "--tls-key",
            key_path.to_str().unwrap(),
            "--health-listen",
            "127.0.0.1:0",
        ],
        &[("DEBTCALC_TOKENS", "health-listener-token-0123456789")],
    );
    let channel = Channel::from_shared(format!("http://{}", health_addr(&server)))
        .unwrap()
        .connect()
        .await
        .expect("plaintext HTTP/2 on the health port");
    for service in ["", "debtcalc.v1.RestructuringService"] {
        let answer = HealthClient::new(channel.clone())
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health needs no token")
            .into_inner();
        assert_eq!(answer.status, ServingStatus::Serving as i32, "{service:?}");
    }
    // No calculation, reflection or anything else on it.
    let refused = RestructuringServiceClient::new(channel)
        .build_schedule(pb::BuildScheduleRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unimplemented, "{refused:?}");
    // The main port is TLS only: plaintext HTTP/2 does not get through.
    let plaintext = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await;
    if let Ok(channel) = plaintext {
        assert!(HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .is_err());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
