//! The gRPC server: the service stack (debtcalc, health, reflection), the
//! layers, and a lifecycle with graceful shutdown. `main` and the
//! integration tests build the very same router from here.

pub mod config;
pub mod lifecycle;
pub mod ops_args;
pub mod security;
pub mod telemetry;
pub mod tls;

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tonic::transport::server::{Router, TcpIncoming};
use tonic::transport::Server;

use crate::api::pb::debtcalc::v1::reconciliation_service_server::ReconciliationServiceServer;
use crate::api::pb::debtcalc::v1::restructuring_service_server::RestructuringServiceServer;
use crate::api::{pb, ReconciliationApi, RestructuringApi};
use crate::domain::reconciliation::ReferenceData;
pub use config::ServerConfig;
use telemetry::observe;

/// Errors of starting or running the server.
pub type ServeError = Box<dyn std::error::Error + Send + Sync>;

/// Builds the router: debtcalc's services, the standard health service
/// (SERVING for "" and each debtcalc service) and reflection v1 and v1alpha
/// with the descriptors of debtcalc, health and the error details, so that
/// grpcurl needs no .proto file.
/// Health follows `drain` (NOT_SERVING and Watch streams ended once it
/// starts).
pub async fn router(
    config: &ServerConfig,
    drain: lifecycle::DrainSignal,
) -> Result<Router, ServeError> {
    let health_reporter = tonic_health::server::HealthReporter::new();
    let health_service =
        tonic_health::pb::health_server::HealthServer::new(lifecycle::DrainingHealth::new(
            tonic_health::server::HealthService::from_health_reporter(health_reporter.clone()),
            drain,
        ));
    health_reporter
        .set_serving::<RestructuringServiceServer<RestructuringApi>>()
        .await;
    health_reporter
        .set_serving::<ReconciliationServiceServer<ReconciliationApi>>()
        .await;

    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
    };
    // Every service but health needs the token, when tokens are configured.
    let auth = security::TokenCheck::new(config.security.tokens.clone());

    let restructuring = RestructuringServiceServer::new(RestructuringApi)
        .max_decoding_message_size(config.max_request_bytes);
    let (data, source) = reference_data(config)?;
    let reconciliation = ReconciliationServiceServer::new(ReconciliationApi::new(data, source))
        .max_decoding_message_size(config.max_request_bytes);

    let mut router = Server::builder()
        .timeout(config.request_timeout)
        .concurrency_limit_per_connection(config.concurrency_per_connection)
        .add_service(observe(health_service))
        .add_service(observe(auth.wrap(restructuring)))
        .add_service(observe(auth.wrap(reconciliation)));
    if config.security.reflection {
        router = router
            .add_service(observe(auth.wrap(reflection().build_v1()?)))
            .add_service(observe(auth.wrap(reflection().build_v1alpha()?)));
    }
    Ok(router)
}

/// The reference data the server answers from: the operator's file when
/// configured, else the built-in data. Invalid data stops the start. The
/// label sent to clients (`dataSource`) never names a server-side path.
pub fn reference_data(config: &ServerConfig) -> Result<(ReferenceData, String), ServeError> {
    Ok(match &config.reference_data {
        Some(path) => (ReferenceData::load(path)?, OPERATOR_DATA_LABEL.to_string()),
        None => (ReferenceData::builtin()?, "builtin".to_string()),
    })
}

/// `dataSource` when the operator supplied the reference data.
pub const OPERATOR_DATA_LABEL: &str = "operator-supplied";

/// Everything that can stop the start, checked before the listener is
/// bound: the reference data (and so any operator file) and the TLS files.
pub fn check(config: &ServerConfig) -> Result<(), ServeError> {
    reference_data(config)?;
    if let Some(settings) = &config.security.tls {
        tls::load(settings)?;
    }
    Ok(())
}

/// Binds the configured address.
pub async fn bind(config: &ServerConfig) -> Result<TcpListener, ServeError> {
    TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen).into())
}

/// Serves on an already bound listener until `shutdown` completes, then
/// drains (see [`lifecycle`]): health NOT_SERVING, Watch streams ended, new
/// calls refused, calls in flight given up to `config.drain_timeout`.
pub async fn serve(
    listener: TcpListener,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let drain = lifecycle::Drain::new();
    let router = router(config, drain.signal()).await?;
    if let Some(settings) = &config.security.tls {
        let tls = tls::Reloadable::new(settings.clone())?;
        let watcher = tls.spawn_watcher();
        let incoming = tls::incoming(listener, tls);
        let result = lifecycle::run_until_drained(
            |stop| router.serve_with_incoming_shutdown(incoming, stop),
            shutdown,
            drain,
            config.drain_timeout,
        )
        .await;
        watcher.abort();
        result?;
        return Ok(());
    }
    // TCP_NODELAY on every accepted connection: without it Nagle's algorithm
    // holds a response's trailers until the client's delayed ACK, about 40 ms
    // a call. (Server::tcp_nodelay applies only to listeners tonic binds
    // itself, not to an incoming stream like this one.)
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    lifecycle::run_until_drained(
        |stop| router.serve_with_incoming_shutdown(incoming, stop),
        shutdown,
        drain,
        config.drain_timeout,
    )
    .await?;
    Ok(())
}

/// Completes on the first SIGINT or SIGTERM; a second one exits at once, so
/// does the passing of the drain deadline.
pub async fn shutdown_signal(config: &ServerConfig) {
    lifecycle::shutdown_signal(config.drain_timeout).await
}

/// The address a listener is bound to, for the one start-up log line.
pub fn local_addr(listener: &TcpListener) -> Result<SocketAddr, ServeError> {
    Ok(listener.local_addr()?)
}
