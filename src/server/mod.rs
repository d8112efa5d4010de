//! The gRPC server: the service stack (debtcalc, health, reflection), the
//! layers, and a lifecycle with graceful shutdown. `main` and the
//! integration tests build the very same router from here.

pub mod config;
pub mod config_file;
pub mod connections;
pub mod decode_errors;
pub mod file_reload;
pub mod lifecycle;
pub mod limit_args;
pub mod ops_args;
pub mod request_limits;
pub mod security;
pub mod telemetry;
pub mod tls;
pub mod web;
pub mod web_assets;

use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::server::Router;
use tonic::transport::Server;
use tower::layer::util::{Identity, Stack};

use crate::api::pb::debtcalc::v1::batch_service_server::BatchServiceServer;
use crate::api::pb::debtcalc::v1::chart_service_server::ChartServiceServer;
use crate::api::pb::debtcalc::v1::reconciliation_service_server::ReconciliationServiceServer;
use crate::api::pb::debtcalc::v1::restructuring_service_server::RestructuringServiceServer;
use crate::api::pb::debtcalc::v1::settlement_service_server::SettlementServiceServer;
use crate::api::pb::debtcalc::v1::swap_service_server::SwapServiceServer;
use crate::api::provenance::Provenance;
use crate::api::settlement_library::SettlementLibrary;
use crate::api::swap_library::SwapLibrary;
use crate::api::{
    pb, BatchApi, ChartApi, ReconciliationApi, RestructuringApi, SettlementApi, SwapApi,
};
use crate::domain::reconciliation::ReferenceData;
pub use config::ServerConfig;
use connections::{ConnectionRegistry, LimitedIncoming};
use request_limits::RequestLimitsLayer;
use telemetry::ObserveLayer;

/// The router with debtcalc's layers (outermost first: observation, then
/// the request limits).
pub type ServerRouter = Router<Stack<RequestLimitsLayer, Stack<ObserveLayer, Identity>>>;

/// Errors of starting or running the server.
pub type ServeError = Box<dyn std::error::Error + Send + Sync>;

/// The data the server answers from, loaded and validated before it serves:
/// the reference data (conversion bases), the settlement library and the
/// swap library (built in).
#[derive(Debug, Clone)]
pub struct LoadedData {
    pub reference: ReferenceData,
    /// "builtin" or "operator-supplied" (never the file's path).
    pub reference_source: String,
    pub settlements: SettlementLibrary,
    pub swaps: SwapLibrary,
}

impl LoadedData {
    /// What every response echoes: the debtcalc version and the versions
    /// (content hashes, computed once on load) of this data.
    pub fn provenance(&self) -> Provenance {
        Provenance::new(
            &self.reference,
            &self.reference_source,
            self.settlements.version(),
            self.settlements.source(),
        )
    }
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
    let swaps = match &config.swaps {
        Some(dir) => SwapLibrary::load_dir(dir)?,
        None => SwapLibrary::builtin()?,
    };
    Ok(LoadedData {
        reference,
        reference_source,
        settlements,
        swaps,
    })
}

/// Everything that can stop the start, checked before the listener is
/// bound: the data files (see [`load_data`]) and the TLS files.
pub fn check(config: &ServerConfig) -> Result<LoadedData, ServeError> {
    let data = load_data(config)?;
    if let Some(settings) = &config.security.tls {
        tls::load(settings)?;
    }
    Ok(data)
}

/// Builds the router after loading the data the configuration names;
/// health follows `drain`. `connections` is the registry of the connections
/// the router will serve (see [`connections`]).
pub async fn router(
    config: &ServerConfig,
    drain: lifecycle::DrainSignal,
    connections: &ConnectionRegistry,
) -> Result<ServerRouter, ServeError> {
    let data = load_data(config)?;
    router_with(config, data, drain, connections).await
}

/// Builds the router: debtcalc's services, the standard health service
/// (SERVING for "" and each debtcalc service; NOT_SERVING and Watch streams
/// ended once `drain` starts) and, unless switched off, reflection v1 and
/// v1alpha with the descriptors of debtcalc, health and the error details,
/// so that grpcurl needs no .proto file. Every call is observed (log line
/// and metrics), routed or not; every service but health needs the token
/// when tokens are configured. Requests pass the request-limits layer, which
/// tracks calls per connection in `connections` and enforces deadlines.
pub async fn router_with(
    config: &ServerConfig,
    data: LoadedData,
    drain: lifecycle::DrainSignal,
    connections: &ConnectionRegistry,
) -> Result<ServerRouter, ServeError> {
    Ok(router_and_health(config, data, drain, connections).await?.0)
}

/// The health service as the router serves it (the same statuses).
type HealthServer = tonic_health::pb::health_server::HealthServer<lifecycle::DrainingHealth>;

/// [`router_with`], and its health service, for the health-only listener.
async fn router_and_health(
    config: &ServerConfig,
    data: LoadedData,
    drain: lifecycle::DrainSignal,
    connections: &ConnectionRegistry,
) -> Result<(ServerRouter, HealthServer), ServeError> {
    let (routes, health) = services(config, data, drain).await?;
    let layers = CallLayers::new(config, connections);
    Ok((grpc_router(config, routes, &layers), health))
}

/// The layers every call passes, outermost first: observation (log line
/// and metrics), then the request limits (byte budget, deadline, calls per
/// connection). Built once and cloned onto each listener, so that the byte
/// budget is process-wide.
#[derive(Clone, Debug)]
pub struct CallLayers {
    observe: ObserveLayer,
    limits: RequestLimitsLayer,
}

impl CallLayers {
    /// The layers of `config`; `connections` is the registry of the
    /// connections the listeners serve.
    pub fn new(config: &ServerConfig, connections: &ConnectionRegistry) -> Self {
        Self {
            observe: ObserveLayer::new(served_methods(config.security.reflection)),
            limits: RequestLimitsLayer::new(
                config.requests,
                client_streaming_methods(config.security.reflection),
                config.max_request_bytes,
                Some(config.request_timeout),
                connections.clone(),
            ),
        }
    }
}

/// The gRPC listener's router: `routes` (see [`services`]) behind the
/// call layers, with the connection settings of `config`.
fn grpc_router(config: &ServerConfig, routes: Routes, layers: &CallLayers) -> ServerRouter {
    Server::builder()
        .concurrency_limit_per_connection(config.concurrency_per_connection)
        .max_concurrent_streams(config.connections.max_concurrent_streams)
        .http2_keepalive_interval(config.connections.keepalive_interval)
        .http2_keepalive_timeout(Some(config.connections.keepalive_timeout))
        .layer(layers.observe.clone())
        .layer(layers.limits.clone())
        .add_routes(routes)
}

/// Builds the services, once for every listener (the gRPC one and the web
/// page's, see [`web`]), so that they share one compute pool: debtcalc's
/// services, the standard health service (SERVING for "" and each debtcalc
/// service; NOT_SERVING and Watch streams ended once `drain` starts) and,
/// unless switched off, reflection v1 and v1alpha with the descriptors of
/// debtcalc, health and the error details, so that grpcurl needs no .proto
/// file. Every service but health needs the token when tokens are
/// configured. Returns the routes and, apart, the health service (for the
/// health-only listener).
async fn services(
    config: &ServerConfig,
    data: LoadedData,
    drain: lifecycle::DrainSignal,
) -> Result<(Routes, HealthServer), ServeError> {
    let health_reporter = tonic_health::server::HealthReporter::new();
    let health_service =
        tonic_health::pb::health_server::HealthServer::new(lifecycle::DrainingHealth::new(
            tonic_health::server::HealthService::from_health_reporter(health_reporter.clone()),
            drain.clone(),
        ));
    health_reporter
        .set_serving::<RestructuringServiceServer<RestructuringApi>>()
        .await;
    health_reporter
        .set_serving::<ReconciliationServiceServer<ReconciliationApi>>()
        .await;
    health_reporter
        .set_serving::<SettlementServiceServer<SettlementApi>>()
        .await;
    health_reporter
        .set_serving::<SwapServiceServer<SwapApi>>()
        .await;
    health_reporter
        .set_serving::<BatchServiceServer<BatchApi>>()
        .await;
    health_reporter
        .set_serving::<ChartServiceServer<ChartApi>>()
        .await;

    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
    };
    // Every service but health needs the token when tokens are configured.
    let auth = security::TokenCheck::new(config.security.tokens.clone());

    // One compute pool for every calculation, so its caps are process-wide.
    let compute =
        crate::api::compute::ComputePool::new(config.compute, Some(config.request_timeout));
    let provenance = data.provenance();
    let restructuring =
        RestructuringServiceServer::new(RestructuringApi::new(compute.clone(), provenance.clone()))
            .max_decoding_message_size(config.max_request_bytes);
    let batch = BatchServiceServer::new(BatchApi::new(
        compute.clone(),
        provenance.clone(),
        config.max_batch_items_in_flight,
    ))
    .max_decoding_message_size(config.max_request_bytes);
    let LoadedData {
        reference,
        reference_source,
        settlements,
        swaps,
    } = data;
    let swaps = std::sync::Arc::new(swaps);
    let swap = SwapServiceServer::new(
        SwapApi::new((*swaps).clone(), provenance.clone()).with_compute(compute.clone()),
    )
    .max_decoding_message_size(config.max_request_bytes);
    let reference_data = std::sync::Arc::new(reference.clone());
    let settlement_api = SettlementApi::new(
        settlements,
        reference_data.clone(),
        reference_source.clone(),
        provenance.clone(),
    )
    .with_compute(compute.clone());
    let chart = ChartServiceServer::new(
        ChartApi::new(
            settlement_api.library(),
            reference_data,
            reference_source.clone(),
            provenance.clone(),
        )
        .with_swaps(swaps)
        .with_compute(compute.clone()),
    )
    .max_decoding_message_size(config.max_request_bytes);
    let settlement = SettlementServiceServer::new(settlement_api)
        .max_decoding_message_size(config.max_request_bytes);
    let reconciliation = ReconciliationServiceServer::new(
        ReconciliationApi::new(reference, reference_source, provenance).with_compute(compute),
    )
    .max_decoding_message_size(config.max_request_bytes);

    let mut routes = Routes::new(health_service.clone())
        .add_service(auth.wrap(restructuring))
        .add_service(auth.wrap(reconciliation))
        .add_service(auth.wrap(settlement))
        .add_service(auth.wrap(swap))
        .add_service(auth.wrap(chart))
        .add_service(auth.wrap(batch));
    if config.security.reflection {
        routes = routes
            .add_service(auth.wrap(reflection().build_v1()?))
            .add_service(auth.wrap(reflection().build_v1alpha()?));
    }
    Ok((routes, health_service))
}

/// The gRPC paths the router serves: debtcalc's and health's methods, and
/// reflection's when it is on (the labels of the per-call metrics).
pub fn served_methods(reflection: bool) -> Vec<String> {
    served_descriptor_sets(reflection)
        .into_iter()
        .flat_map(telemetry::methods_of)
        .collect()
}

/// The gRPC paths the router serves whose client streams its messages
/// (EvaluateBatch, reflection's ServerReflectionInfo): their request bodies
/// are charged to the byte budget one message at a time.
pub fn client_streaming_methods(reflection: bool) -> Vec<String> {
    served_descriptor_sets(reflection)
        .into_iter()
        .flat_map(telemetry::client_streaming_methods_of)
        .collect()
}

/// The descriptor sets of the services the router serves.
fn served_descriptor_sets(reflection: bool) -> Vec<&'static [u8]> {
    let mut sets = vec![
        pb::FILE_DESCRIPTOR_SET,
        tonic_health::pb::FILE_DESCRIPTOR_SET,
    ];
    if reflection {
        sets.push(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET);
        sets.push(tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET);
    }
    sets
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
    let extra = bind_extra(config).await?;
    serve_on(listener, extra, config, data, shutdown).await
}

/// The optional listeners besides the gRPC one, bound before the start-up
/// line is logged.
#[derive(Debug, Default)]
pub struct ExtraListeners {
    /// The health-only listener (`--health-listen`).
    pub health: Option<TcpListener>,
    /// The web page's listener (`--http-listen`, see [`web`]).
    pub web: Option<TcpListener>,
}

/// Binds the health-only address (`--health-listen`) and the web page's
/// (`--http-listen`) when configured, so that the start-up line is logged
/// only once every listener is bound.
pub async fn bind_extra(config: &ServerConfig) -> Result<ExtraListeners, ServeError> {
    async fn bind_named(
        addr: Option<SocketAddr>,
        what: &str,
    ) -> Result<Option<TcpListener>, ServeError> {
        match addr {
            Some(addr) => {
                Ok(Some(TcpListener::bind(addr).await.map_err(|e| {
                    format!("cannot listen on {addr} ({what}): {e}")
                })?))
            }
            None => Ok(None),
        }
    }
    Ok(ExtraListeners {
        health: bind_named(config.health_listen, "health").await?,
        web: bind_named(config.http_listen, "web page").await?,
    })
}

/// Like [`serve_with`], on listeners already bound (by [`bind`] and
/// [`bind_extra`]). The web page's listener, when there is one, serves the
/// same service instances behind the same layers (see [`web`]) and stops
/// accepting when the drain starts.
pub async fn serve_on(
    listener: TcpListener,
    extra: ExtraListeners,
    config: &ServerConfig,
    data: LoadedData,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let drain = lifecycle::Drain::new();
    let connections = ConnectionRegistry::default();
    let (routes, health) = services(config, data, drain.signal()).await?;
    let layers = CallLayers::new(config, &connections);
    let _health_listener = AbortOnDrop(match extra.health {
        Some(listener) => Some(serve_health(listener, health)?),
        None => None,
    });
    // Tokens from a file are read again on SIGHUP and when it changes.
    let _tokens_watcher = AbortOnDrop(
        config
            .security
            .tokens
            .as_ref()
            .and_then(security::Tokens::spawn_watcher),
    );
    let tls = match &config.security.tls {
        Some(settings) => Some(tls::Reloadable::new(settings.clone())?),
        None => None,
    };
    let _tls_watcher = AbortOnDrop(tls.as_ref().map(tls::Reloadable::spawn_watcher));
    let _web_listener = AbortOnDrop(match extra.web {
        Some(listener) => Some(web::spawn(web::WebListener {
            listener,
            config,
            routes: routes.clone(),
            layers: &layers,
            connections: &connections,
            tls: tls.clone(),
            stop: drain.signal(),
        })?),
        None => None,
    });
    let router = grpc_router(config, routes, &layers);
    // The accept loop caps and tracks connections, and sets TCP_NODELAY
    // (see [`connections`]); TLS, when configured, handshakes on top of it.
    let incoming = LimitedIncoming::new(listener, config.connections, connections);
    if let Some(tls) = tls {
        let incoming = tls::incoming(incoming, tls);
        lifecycle::run_until_drained(
            |stop| router.serve_with_incoming_shutdown(incoming, stop),
            shutdown,
            drain,
            config.drain_timeout,
        )
        .await?;
        return Ok(());
    }
    lifecycle::run_until_drained(
        |stop| router.serve_with_incoming_shutdown(incoming, stop),
        shutdown,
        drain,
        config.drain_timeout,
    )
    .await?;
    Ok(())
}

/// Serves only `health` on `listener`, in plaintext, until the
/// returned task is aborted (after the main server has drained, so probes
/// see NOT_SERVING during the drain).
fn serve_health(
    listener: TcpListener,
    health: HealthServer,
) -> Result<tokio::task::JoinHandle<()>, ServeError> {
    let bound = listener.local_addr()?;
    tracing::info!("health-only listener (plaintext grpc.health.v1) on {bound}");
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    Ok(tokio::spawn(async move {
        let served = Server::builder()
            .add_service(health)
            .serve_with_incoming(incoming)
            .await;
        if let Err(e) = served {
            tracing::warn!("health listener stopped: {e}");
        }
    }))
}

/// Aborts a background task when dropped.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = &self.0 {
            task.abort();
        }
    }
}

/// Installs the signal handling now; the future completes on the first
/// SIGINT or SIGTERM. A second one exits at once, so does the passing of the
/// drain deadline.
pub fn shutdown_signal(config: &ServerConfig) -> impl Future<Output = ()> + Send {
    lifecycle::shutdown_signal(config.drain_timeout)
}

/// The address a listener is bound to, for the one start-up log line.
pub fn local_addr(listener: &TcpListener) -> Result<SocketAddr, ServeError> {
    Ok(listener.local_addr()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The methods whose bodies are charged message by message come from the
    /// descriptors: every client-streaming method served, and only those.
    #[test]
    fn client_streaming_methods_come_from_the_descriptors() {
        let mut with_reflection = client_streaming_methods(true);
        with_reflection.sort();
        assert_eq!(
            with_reflection,
            [
                "/debtcalc.v1.BatchService/EvaluateBatch",
                "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            ]
        );
        assert_eq!(
            client_streaming_methods(false),
            ["/debtcalc.v1.BatchService/EvaluateBatch"]
        );
    }

    #[test]
    fn served_methods_include_reflection_only_when_it_is_on() {
        let reflection = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
        assert!(served_methods(true).iter().any(|m| m == reflection));
        assert!(!served_methods(false).iter().any(|m| m == reflection));
        assert!(served_methods(false)
            .iter()
            .any(|m| m == "/grpc.health.v1.Health/Check"));
        assert!(served_methods(false)
            .iter()
            .any(|m| m == "/debtcalc.v1.RestructuringService/SplitClaim"));
    }
}
