//! Starts the real server (the same router and layers as `debtcalc serve`)
//! on an ephemeral loopback port, and connects generated clients to it.

#![allow(dead_code)]

pub mod chart;
pub mod solve;

use std::net::SocketAddr;

use debtcalc::api::pb::debtcalc::v1::chart_service_client::ChartServiceClient;
use debtcalc::api::pb::debtcalc::v1::reconciliation_service_client::ReconciliationServiceClient;
use debtcalc::api::pb::debtcalc::v1::restructuring_service_client::RestructuringServiceClient;
use debtcalc::api::pb::debtcalc::v1::settlement_service_client::SettlementServiceClient;
use debtcalc::api::pb::debtcalc::v1::swap_service_client::SwapServiceClient;
use debtcalc::server::{self, ServerConfig};
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// A running server; dropping it shuts the server down.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(ServerConfig::default()).await
    }

    /// Starts with `config`, on an ephemeral port whatever it says.
    pub async fn start_with(config: ServerConfig) -> Self {
        let config = ServerConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..config
        };
        let listener = server::bind(&config).await.expect("bind an ephemeral port");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            server::serve(listener, &config, async {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
        });
        Self {
            addr,
            stop: Some(stop),
            handle: Some(handle),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.endpoint())
            .unwrap()
            .connect()
            .await
            .expect("connect")
    }

    pub async fn restructuring(&self) -> RestructuringServiceClient<Channel> {
        RestructuringServiceClient::new(self.channel().await)
    }

    pub async fn reconciliation(&self) -> ReconciliationServiceClient<Channel> {
        ReconciliationServiceClient::new(self.channel().await)
    }

    pub async fn settlement(&self) -> SettlementServiceClient<Channel> {
        SettlementServiceClient::new(self.channel().await)
    }

    pub async fn chart(&self) -> ChartServiceClient<Channel> {
        ChartServiceClient::new(self.channel().await)
    }

    pub async fn swap(&self) -> SwapServiceClient<Channel> {
        SwapServiceClient::new(self.channel().await)
    }

    /// Stops accepting and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.expect("server task ends cleanly");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The field paths of a status's BadRequest, in order.
pub fn violation_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .expect("a BadRequest detail")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// The ErrorInfo reason of a status, checking its domain.
pub fn error_reason(status: &tonic::Status) -> String {
    use tonic_types::StatusExt;
    let info = status
        .get_details_error_info()
        .expect("an ErrorInfo detail");
    assert_eq!(info.domain, "debtcalc");
    info.reason
}

pub fn money(currency: &str, amount: &str) -> debtcalc::api::pb::debtcalc::v1::Money {
    debtcalc::api::pb::debtcalc::v1::Money {
        currency_code: currency.into(),
        amount: amount.into(),
    }
}
pub mod heavy;
pub mod raw;
pub mod reconcile;

/// A fresh, empty directory under the system's temporary directory, named
/// after `name` and this process.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("debtcalc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Checks that a library's built-in list (id, text) names every `*.json`
/// file of `data/<folder>/`, each with the text on disk.
pub fn assert_builtin_names_every_file(folder: &str, builtin: &[(&str, &str)]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(folder);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = builtin.iter().map(|(id, _)| format!("{id}.json")).collect();
    listed.sort();
    assert_eq!(files, listed, "data/{folder}");
    for (id, text) in builtin {
        let on_disk = std::fs::read_to_string(dir.join(format!("{id}.json"))).unwrap();
        assert_eq!(*text, on_disk, "data/{folder}/{id}.json");
    }
}
