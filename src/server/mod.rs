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
use crate::api::pb::debtcalc::v1::settlement_service_server::SettlementServiceServer;
use crate::api::settlement_library::SettlementLibrary;
use crate::api::{pb, ReconciliationApi, RestructuringApi, SettlementApi};
use crate::domain::reconciliation::ReferenceData;
pub use config::ServerConfig;
use connections::{ConnectionRegistry, LimitedIncoming};
use request_limits::RequestLimitsLayer;

/// The router with debtcalc's layers.
pub type ServerRouter = Router<Stack<RequestLimitsLayer, Identity>>;

/// Errors of starting or running the server.
pub type ServeError = Box<dyn std::error::Error + Send + Sync>;

/// The data the server answers from, loaded and validated before it serves:
/// the reference data (conversion bases) and the settlement library.
#[derive(Debug, Clone)]
pub struct LoadedData {
    pub reference: ReferenceData,
    /// "builtin" or the operator's reference-data file.
    pub reference_source: String,
    pub settlements: SettlementLibrary,
}

/// Loads and validates everything the configuration names (the built-in
/// data otherwise). Any invalid file is an error that names it: `main`
/// calls this before it logs that it serves.
pub fn load_data(config: &ServerConfig) -> Result<LoadedData, ServeError> {
    let (reference, reference_source) = reference_data(config)?;
    let settlements = match &config.settlements {
        Some(dir) => SettlementLibrary::load_dir(dir, &reference, &reference_source)?,
        None => SettlementLibrary::builtin(&reference, &reference_source).map_err(|e| {
            if config.reference_data.is_some() {
                format!(
                    "{e} (the built-in settlements need the built-in conversion bases: with \
                     other reference data, name a settlement directory with --settlements)"
                )
            } else {
                e.to_string()
            }
        })?,
    };
    Ok(LoadedData {
        reference,
        reference_source,
        settlements,
    })
}

/// Builds the router after loading the data the configuration names.
/// `connections` is the registry of the connections the router will serve
/// (see [`connections`]).
pub async fn router(
    config: &ServerConfig,
    connections: &ConnectionRegistry,
) -> Result<ServerRouter, ServeError> {
    let data = load_data(config)?;
    router_with(config, data, connections).await
}

/// Builds the router: debtcalc's services, the standard health service
/// (SERVING for "" and each debtcalc service) and reflection v1 and v1alpha
/// with the descriptors of debtcalc, health and the error details, so that
/// grpcurl needs no .proto file.
pub async fn router_with(
    config: &ServerConfig,
    data: LoadedData,
    connections: &ConnectionRegistry,
) -> Result<ServerRouter, ServeError> {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<RestructuringServiceServer<RestructuringApi>>()
        .await;
    health_reporter
        .set_serving::<ReconciliationServiceServer<ReconciliationApi>>()
        .await;
    health_reporter
        .set_serving::<SettlementServiceServer<SettlementApi>>()
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
    let LoadedData {
        reference,
        reference_source,
        settlements,
    } = data;
    let settlement = SettlementServiceServer::new(
        SettlementApi::new(
            settlements,
            std::sync::Arc::new(reference.clone()),
            reference_source.clone(),
        )
        .with_compute(compute.clone()),
    )
    .max_decoding_message_size(config.max_request_bytes);
    let reconciliation = ReconciliationServiceServer::new(
        ReconciliationApi::new(reference, reference_source).with_compute(compute),
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
        .add_service(reconciliation)
        .add_service(settlement))
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
    let data = load_data(config)?;
    serve_with(listener, config, data, shutdown).await
}

/// Like [`serve`], with the data already loaded (by [`load_data`]).
pub async fn serve_with(
    listener: TcpListener,
    config: &ServerConfig,
    data: LoadedData,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let connections = ConnectionRegistry::default();
    let router = router_with(config, data, &connections).await?;
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
