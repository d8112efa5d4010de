//! The web page's listener (`--http-listen`, off by default): a browser
//! opens `http://host:port/` and gets the page (see [`super::web_assets`]),
//! whose script calls the services with gRPC-Web on the same origin.
//!
//! gRPC-Web is translated to gRPC by `tonic-web` and reaches the very
//! service instances the gRPC listener serves (one compute pool), behind
//! the same layers, in the same order: observation (log line and metrics
//! per call), then the request limits (the process-wide byte budget, the
//! deadline, calls counted per connection); the tokens, when configured,
//! are checked by the services as on the gRPC listener. The connections
//! are capped and tracked like the gRPC listener's (the same limits, with
//! a cap of their own), and TLS, when configured, is served here too with
//! the same certificate (HTTP/2 only, as browsers negotiate it). No CORS:
//! only the page's own origin can read the answers.
//!
//! Layers, outermost first: the assets (`GET`/`HEAD`), then gRPC-Web to
//! gRPC, then [`super::CallLayers`], then the routes.

use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::Server;

use super::connections::{ConnectionRegistry, LimitedIncoming};
use super::lifecycle::DrainSignal;
use super::web_assets::WebAssetsLayer;
use super::{tls, CallLayers, ServeError, ServerConfig};

/// What the web listener is made of.
pub struct WebListener<'a> {
    /// The bound listener.
    pub listener: TcpListener,
    /// The server's configuration (connection settings).
    pub config: &'a ServerConfig,
    /// The services, shared with the gRPC listener.
    pub routes: Routes,
    /// The call layers, shared with the gRPC listener.
    pub layers: &'a CallLayers,
    /// The registry the connections are tracked in.
    pub connections: &'a ConnectionRegistry,
    /// TLS, when the server is configured with it.
    pub tls: Option<tls::Reloadable>,
    /// The listener stops accepting when the drain starts.
    pub stop: DrainSignal,
}

/// Serves the page and gRPC-Web on the listener in a task of its own,
/// until the drain starts (the task ends once its connections are done)
/// or the returned task is aborted.
pub fn spawn(web: WebListener<'_>) -> Result<tokio::task::JoinHandle<()>, ServeError> {
    let bound = web.listener.local_addr()?;
    let config = web.config;
    let router = Server::builder()
        .accept_http1(true)
        .concurrency_limit_per_connection(config.concurrency_per_connection)
        .max_concurrent_streams(config.connections.max_concurrent_streams)
        .http2_keepalive_interval(config.connections.keepalive_interval)
        .http2_keepalive_timeout(Some(config.connections.keepalive_timeout))
        .layer(WebAssetsLayer::new(web.connections.clone()))
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(web.layers.observe.clone())
        .layer(web.layers.limits.clone())
        .add_routes(web.routes);
    let incoming = LimitedIncoming::new(web.listener, config.connections, web.connections.clone());
    let stop = web.stop.started();
    let scheme = if web.tls.is_some() { "https" } else { "http" };
    tracing::info!("debtcalc web page at {scheme}://{bound}/ (gRPC-Web on the same address)");
    Ok(tokio::spawn(async move {
        let served = match web.tls {
            Some(tls) => {
                router
                    .serve_with_incoming_shutdown(tls::incoming(incoming, tls), stop)
                    .await
            }
            None => router.serve_with_incoming_shutdown(incoming, stop).await,
        };
        if let Err(e) = served {
            tracing::warn!("web listener stopped: {e}");
        }
    }))
}
