//! The gRPC server: the service stack (debtcalc, health, reflection), the
//! layers, and a lifecycle with graceful shutdown. `main` and the
//! integration tests build the very same router from here.

pub mod compute;
pub mod config;
pub mod connections;
pub mod decode_errors;
pub mod limit_args;
pub mod request_limits;

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tonic::transport::server::Router;
use tonic::transport::Server;
use tower::layer::util::{Identity, Stack};

use crate::api::pb::debtcalc::v1::reconciliation_service_server::ReconciliationServiceServer;
use crate::api::pb::debtcalc::v1::restructuring_service_server::RestructuringServiceServer;
use crate::api::{pb, ReconciliationApi, RestructuringApi};
use crate::domain::reconciliation::ReferenceData;
pub use config::ServerConfig;
use connections::{ConnectionRegistry, LimitedIncoming};
use request_limits::RequestLimitsLayer;

/// The router with debtcalc's layers.
pub type ServerRouter = Router<Stack<RequestLimitsLayer, Identity>>;

/// Errors of starting or running the server.
pub type ServeError = Box<dyn std::error::Error + Send + Sync>;

/// Builds the router: debtcalc's services, the standard health service
/// (SERVING for "" and each debtcalc service) and reflection v1 and v1alpha
/// with the descriptors of debtcalc, health and the error details, so that
/// grpcurl needs no .proto file.
/// `connections` is the registry of the connections the router will serve
/// (see [`connections`]).
pub async fn router(
    config: &ServerConfig,
    connections: &ConnectionRegistry,
) -> Result<ServerRouter, ServeError> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
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
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;

    // One compute pool for every calculation, so its caps are process-wide.
    let compute = compute::ComputePool::new(config.compute, Some(config.request_timeout));
    let restructuring = RestructuringServiceServer::new(RestructuringApi::new(compute.clone()))
        .max_decoding_message_size(config.max_request_bytes);
    let (data, source) = reference_data(config)?;
    let reconciliation = ReconciliationServiceServer::new(
        ReconciliationApi::new(data, source).with_compute(compute),
    )
    .max_decoding_message_size(config.max_request_bytes);

    Ok(Server::builder()
        .timeout(config.request_timeout)
        .concurrency_limit_per_connection(config.concurrency_per_connection)
        .max_concurrent_streams(config.connections.max_concurrent_streams)
        .http2_keepalive_interval(config.connections.keepalive_interval)
        .http2_keepalive_timeout(Some(config.connections.keepalive_timeout))
        .layer(RequestLimitsLayer::new(
            config.requests,
            config.max_request_bytes,
            connections.clone(),
        ))
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(restructuring)
        .add_service(reconciliation))
}

/// The reference data the server answers from: the operator's file when
/// configured, else the built-in data. Invalid data stops the start.
pub fn reference_data(config: &ServerConfig) -> Result<(ReferenceData, String), ServeError> {
    Ok(match &config.reference_data {
        Some(path) => (ReferenceData::load(path)?, path.display().to_string()),
        None => (ReferenceData::builtin()?, "builtin".to_string()),
    })
}

/// Binds the configured address.
pub async fn bind(config: &ServerConfig) -> Result<TcpListener, ServeError> {
    TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen).into())
}

/// Serves on an already bound listener until `shutdown` completes, then
/// stops accepting, lets calls in flight finish and returns.
pub async fn serve(
    listener: TcpListener,
    config: &ServerConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let connections = ConnectionRegistry::default();
    let router = router(config, &connections).await?;
    // The accept loop caps and tracks connections, and sets TCP_NODELAY
    // (see [`connections`]).
    let incoming = LimitedIncoming::new(listener, config.connections, connections);
    router
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await?;
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

/// The address a listener is bound to, for the one start-up log line.
pub fn local_addr(listener: &TcpListener) -> Result<SocketAddr, ServeError> {
    Ok(listener.local_addr()?)
}
