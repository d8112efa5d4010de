//! `--http-listen`: the web page's listener serves the embedded assets with
//! their security headers, and gRPC-Web (HTTP/1.1, as a browser sends it)
//! to the same services behind the same layers as the gRPC listener: the
//! answers, the BadRequest of a bad input, the request-size limit and the
//! tokens. Plain HTTP/1.1 over a TCP socket, as a browser speaks it.

use std::collections::HashMap;

use base64::Engine;
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::server::{self, ExtraListeners, ServerConfig};
use prost::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A server with the web listener; dropping `stop` shuts it down.
struct WebServer {
    web: std::net::SocketAddr,
    _stop: oneshot::Sender<()>,
}

async fn start(config: ServerConfig) -> WebServer {
    let grpc = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let web_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let web = web_listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let data = server::load_data(&config).unwrap();
    tokio::spawn(async move {
        let extra = ExtraListeners {
            health: None,
            web: Some(web_listener),
        };
        server::serve_on(grpc, extra, &config, data, async {
            let _ = stopped.await;
        })
        .await
        .expect("server runs");
    });
    WebServer { web, _stop: stop }
}

/// An HTTP/1.1 response: status code, headers (lower-case names), body
/// (chunked transfer decoded).
struct Response {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

async fn exchange(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap().trim(), 16).unwrap();
        raw = &raw[end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

async fn get(addr: std::net::SocketAddr, path: &str) -> Response {
    let head = format!("GET {path} HTTP/1.1\r\nHost: page\r\nConnection: close\r\n\r\n");
    exchange(addr, &head, &[]).await
}

/// A gRPC-Web answer: the messages and the status with its metadata
/// (grpc-status, grpc-message, grpc-status-details-bin), from the trailer
/// frame or, for a trailers-only answer, the headers.
struct GrpcWeb {
    messages: Vec<Vec<u8>>,
    trailers: HashMap<String, String>,
}

impl GrpcWeb {
    fn code(&self) -> i32 {
        self.trailers["grpc-status"].parse().unwrap()
    }

    fn status(&self) -> tonic::Status {
        let details = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(self.trailers["grpc-status-details-bin"].trim_end_matches('='))
            .unwrap();
        tonic::Status::with_details(
            tonic::Code::from(self.code()),
            self.trailers
                .get("grpc-message")
                .cloned()
                .unwrap_or_default(),
            details.into(),
        )
    }
}

async fn grpc_web(
    addr: std::net::SocketAddr,
    method: &str,
    request: &impl Message,
    extra_headers: &str,
) -> GrpcWeb {
    let message = request.encode_to_vec();
    let mut body = vec![0u8];
    body.extend_from_slice(&(message.len() as u32).to_be_bytes());
    body.extend_from_slice(&message);
    let head = format!(
        "POST {method} HTTP/1.1\r\nHost: page\r\nContent-Type: application/grpc-web+proto\r\n\
         X-Grpc-Web: 1\r\nContent-Length: {}\r\n{extra_headers}Connection: close\r\n\r\n",
        body.len()
    );
    let response = exchange(addr, &head, &body).await;
    assert_eq!(response.status, 200);
    assert!(response.headers["content-type"].starts_with("application/grpc-web"));
    let mut messages = Vec::new();
    let mut trailers: HashMap<String, String> = response
        .headers
        .iter()
        .filter(|(k, _)| k.starts_with("grpc-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut rest = &response.body[..];
    while rest.len() >= 5 {
        let flag = rest[0];
        let len = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
        let payload = &rest[5..5 + len];
        if flag & 0x80 != 0 {
            for line in std::str::from_utf8(payload).unwrap().split("\r\n") {
                if let Some((k, v)) = line.split_once(':') {
                    trailers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                }
            }
        } else {
            messages.push(payload.to_vec());
        }
        rest = &rest[5 + len..];
    }
    GrpcWeb { messages, trailers }
}

const ANALYZE: &str = "/debtcalc.v1.SettlementService/AnalyzeSettlement";

#[tokio::test]
async fn the_page_is_served_with_its_security_headers() {
    let server = start(ServerConfig::default()).await;
    let page = get(server.web, "/").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    let policy = &page.headers["content-security-policy"];
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains(r#"<script type="module" src="/app.js">"#));
    let script = get(server.web, "/app.js").await;
    assert_eq!(script.status, 200);
    assert_eq!(
        script.headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(script.body.len() > 10_000);
    assert_eq!(get(server.web, "/missing").await.status, 404);
}

#[tokio::test]
async fn grpc_web_reaches_the_services_with_the_same_answers() {
    let server = start(ServerConfig::default()).await;
    let answer = grpc_web(
        server.web,
        ANALYZE,
        &pb::AnalyzeSettlementRequest {
            settlement_id: "dprk-2014".into(),
            ..Default::default()
        },
        "",
    )
    .await;
    assert_eq!(answer.code(), 0, "{:?}", answer.trailers);
    let response = pb::AnalyzeSettlementResponse::decode(&answer.messages[0][..]).unwrap();
    let split = response.split.unwrap();
    assert_eq!(split.written_off.unwrap().amount, "9864000000.00");
    assert_eq!(response.schedule.unwrap().installments.len(), 40);
    assert_eq!(response.reconciliation.unwrap().gaps[0].ratio, "5000");
}

#[tokio::test]
async fn a_bad_input_carries_the_bad_request_over_grpc_web() {
    let server = start(ServerConfig::default()).await;
    let answer = grpc_web(
        server.web,
        ANALYZE,
        &pb::AnalyzeSettlementRequest {
            settlement_id: "dprk-2014".into(),
            write_off: Some(pb::SplitClaimRequest {
                write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                    "1.5".into(),
                )),
                ..Default::default()
            }),
            ..Default::default()
        },
        "",
    )
    .await;
    assert_eq!(answer.code(), tonic::Code::InvalidArgument as i32);
    let status = answer.status();
    use tonic_types::StatusExt;
    let violations = status.get_details_bad_request().unwrap().field_violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, "write_off.write_off_share");
    assert!(violations[0].description.contains("between 0 and 1"));
}

#[tokio::test]
async fn the_request_limits_and_tokens_apply_as_on_the_grpc_listener() {
    let mut config = ServerConfig {
        max_request_bytes: 256,
        ..ServerConfig::default()
    };
    config.security.tokens =
        Some(debtcalc::server::security::Tokens::parse("web-listener-token-0123456789").unwrap());
    let server = start(config).await;
    let small = pb::ListSettlementsRequest {};
    let refused = grpc_web(
        server.web,
        "/debtcalc.v1.SettlementService/ListSettlements",
        &small,
        "",
    )
    .await;
    assert_eq!(refused.code(), tonic::Code::Unauthenticated as i32);
    let auth = "Authorization: Bearer web-listener-token-0123456789\r\n";
    let listed = grpc_web(
        server.web,
        "/debtcalc.v1.SettlementService/ListSettlements",
        &small,
        auth,
    )
    .await;
    assert_eq!(listed.code(), 0, "{:?}", listed.trailers);
    let list = pb::ListSettlementsResponse::decode(&listed.messages[0][..]).unwrap();
    assert!(list.settlements.iter().any(|s| s.id == "dprk-2014"));
    let large = pb::AnalyzeSettlementRequest {
        settlement_id: "x".repeat(1000),
        ..Default::default()
    };
    let too_large = grpc_web(server.web, ANALYZE, &large, auth).await;
    assert_eq!(too_large.code(), tonic::Code::ResourceExhausted as i32);
    use tonic_types::StatusExt;
    assert_eq!(
        too_large.status().get_details_error_info().unwrap().reason,
        "REQUEST_TOO_LARGE"
    );
}

/// With TLS configured, the web listener serves TLS too, with the same
/// certificate (HTTP/2, as browsers negotiate it), and a plaintext request
/// gets no page.
#[tokio::test]
async fn the_web_listener_serves_tls_when_the_server_does() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let dir = std::env::temp_dir().join(format!("debtcalc-web-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
    std::fs::write(&cert, leaf.pem()).unwrap();
    std::fs::write(&key, leaf_key.serialize_pem()).unwrap();
    let mut config = ServerConfig::default();
    config.security.tls = Some(debtcalc::server::security::TlsSettings {
        cert,
        key,
        client_ca: None,
    });
    let server = start(config).await;

    let channel = Endpoint::from_shared(format!("https://{}", server.web))
        .unwrap()
        .tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(&ca_pem))
                .domain_name("localhost"),
        )
        .unwrap()
        .connect()
        .await
        .expect("a TLS connection to the web listener");
    let list = pb::settlement_service_client::SettlementServiceClient::new(channel)
        .list_settlements(pb::ListSettlementsRequest {})
        .await
        .expect("ListSettlements over TLS on the web listener")
        .into_inner();
    assert!(list.settlements.iter().any(|s| s.id == "dprk-2014"));

    // Plaintext HTTP on the TLS port: no page (the handshake fails).
    let mut stream = TcpStream::connect(server.web).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: page\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    assert!(!raw.starts_with(b"HTTP/1.1 200"));
}

/// The call's deadline is the request-limits layer's, as on the gRPC
/// listener: DEADLINE_EXCEEDED with its ErrorInfo (tonic alone would answer
/// CANCELLED "Timeout expired").
#[tokio::test]
async fn a_client_deadline_is_enforced_by_the_same_layer() {
    let server = start(ServerConfig::default()).await;
    let answer = grpc_web(
        server.web,
        ANALYZE,
        &pb::AnalyzeSettlementRequest {
            settlement_id: "dprk-2014".into(),
            ..Default::default()
        },
        "Grpc-Timeout: 1n\r\n",
    )
    .await;
    assert_eq!(
        answer.code(),
        tonic::Code::DeadlineExceeded as i32,
        "{:?}",
        answer.trailers
    );
    use tonic_types::StatusExt;
    assert_eq!(
        answer.status().get_details_error_info().unwrap().reason,
        "DEADLINE_EXCEEDED"
    );
}
