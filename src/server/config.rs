//! Server configuration: what `debtcalc serve` can be told, with defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::connections::ConnectionLimits;
use super::request_limits::RequestLimits;
use crate::api::compute::ComputeLimits;

/// The default listening address: loopback only, so nothing is exposed by
/// accident.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:50051";

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind (port 0 picks a free port; the bound address is
    /// logged).
    pub listen: SocketAddr,
    /// The largest request message accepted, in bytes; larger ones are
    /// refused with RESOURCE_EXHAUSTED (ErrorInfo reason `REQUEST_TOO_LARGE`)
    /// before decoding.
    pub max_request_bytes: usize,
    /// Upper bound on the time one call may take; the client's shorter
    /// `grpc-timeout` wins. On expiry the call is answered DEADLINE_EXCEEDED
    /// and a calculation is stopped (see [`super::request_limits`] and
    /// [`crate::api::compute`]).
    pub request_timeout: Duration,
    /// Concurrent requests served per connection.
    pub concurrency_per_connection: usize,
    /// A reference-data file (conversion bases) that replaces the built-in
    /// `data/conversion-bases.json`; `None` for the built-in data.
    pub reference_data: Option<PathBuf>,
    /// The compute pool's caps: calculation calls in progress and queued,
    /// process-wide (see [`crate::api::compute`]).
    pub compute: ComputeLimits,
    /// Items of one `BatchService/EvaluateBatch` stream evaluated at once
    /// (at least 1; default
    /// [`crate::api::batch::DEFAULT_MAX_BATCH_ITEMS_IN_FLIGHT`]); while that
    /// many are in flight the server stops reading the stream.
    pub max_batch_items_in_flight: usize,
    /// Connections: how many, HTTP/2 streams and keepalive, idle and
    /// handshake timeouts (see [`super::connections`]).
    pub connections: ConnectionLimits,
    /// Request bodies: the process-wide in-flight byte budget and the body
    /// timeout (see [`super::request_limits`]).
    pub requests: RequestLimits,
    /// A directory of settlement files (`<id>.json`, the format of
    /// `data/settlements/`) that replaces the built-in settlement library;
    /// `None` for the built-in library.
    pub settlements: Option<PathBuf>,
    /// A directory of swap files (`<id>.json`, the format of `data/swaps/`)
    /// that replaces the built-in swap library; `None` for the built-in one.
    pub swaps: Option<PathBuf>,
    /// On SIGTERM/SIGINT, how long calls in flight get to finish before the
    /// process exits anyway.
    pub drain_timeout: Duration,
    /// TLS, tokens and reflection.
    pub security: super::security::SecurityConfig,
    /// A plaintext listener serving only the health service (for probes
    /// that cannot speak TLS); `None` for none.
    pub health_listen: Option<SocketAddr>,
    /// An HTTP listener serving the web page (its assets, embedded in the
    /// binary) and gRPC-Web to the same services; `None` (the default) for
    /// none. See [`super::web`].
    pub http_listen: Option<SocketAddr>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN.parse().expect("the default address parses"),
            max_request_bytes: 4 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            concurrency_per_connection: 256,
            reference_data: None,
            compute: ComputeLimits::default(),
            max_batch_items_in_flight: crate::api::batch::DEFAULT_MAX_BATCH_ITEMS_IN_FLIGHT,
            connections: ConnectionLimits::default(),
            requests: RequestLimits::default(),
            settlements: None,
            swaps: None,
            drain_timeout: Duration::from_secs(10),
            security: Default::default(),
            health_listen: None,
            http_listen: None,
        }
    }
}
