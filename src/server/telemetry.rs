//! Observability: one structured log line per call and Prometheus metrics
//! served on a separate admin listener.
//!
//! [`ObserveLayer`] is the outermost of debtcalc's layers, so every call is
//! seen, routed or not: refused by the request limits (byte budget, body
//! timeout, deadline), by the token check, by the overload protection, or
//! for an unknown method. It records, when the response ends (its gRPC
//! status known, from the trailers or the headers of a trailers-only
//! answer, after debtcalc's rewriting of tonic's statuses): the log line
//! (method, code, latency, peer; no request or response content, so no
//! amounts, at info level), `debtcalc_calls_total{method,code}`,
//! `debtcalc_call_duration_seconds{method}` (a histogram) and
//! `debtcalc_calls_in_flight`. A path that is no method of the server is
//! labelled `unknown` (so clients cannot grow the label set); the log line
//! also gives the path, cut to 100 characters. Calls shed by the overload
//! protection or the request byte budget are counted in
//! `debtcalc_shed_calls_total`, queued calls by the compute pool ([`CALLS_QUEUED`]).

use std::collections::HashSet;
use std::future::Future;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::Frame;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tonic::body::Body;
use tonic::transport::server::TcpConnectInfo;

use super::ServeError;

/// Calls answered, by `method` and `code`.
pub const CALLS_TOTAL: &str = "debtcalc_calls_total";
/// Call latency in seconds, by `method` (histogram).
pub const CALL_DURATION: &str = "debtcalc_call_duration_seconds";
/// Calls in progress.
pub const CALLS_IN_FLIGHT: &str = "debtcalc_calls_in_flight";
/// Calls waiting for a compute slot (set by the compute pool).
pub use crate::api::compute::CALLS_QUEUED;
/// Calls refused because the server was overloaded, by `method`.
pub const SHED_CALLS_TOTAL: &str = "debtcalc_shed_calls_total";

/// The log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event (colours only on a terminal).
    Human,
    /// One JSON object per line.
    Json,
}

/// Sets up logging to stderr: `DEBTCALC_LOG` filters (default `info`);
/// colour codes only when stderr is a terminal. Lines are written by a
/// thread of their own through a bounded queue, so a log reader that stalls
/// drops lines instead of stalling the calls; keep the returned guard alive
/// until the end (dropping it flushes the queue).
pub fn init_logging(format: LogFormat) -> tracing_appender::non_blocking::WorkerGuard {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DEBTCALC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal();
    let (writer, guard) = tracing_appender::non_blocking(std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    match format {
        LogFormat::Human => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
    guard
}

/// The process-wide metrics recorder (installed on first use).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            30.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(CALL_DURATION.into()), &buckets)
            .expect("non-empty buckets");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder (a test's) may be installed already: then these
        // metrics go there, and this handle renders nothing.
        let _ = metrics::set_global_recorder(recorder);
        describe();
        handle
    })
}

fn describe() {
    metrics::describe_counter!(
        CALLS_TOTAL,
        "gRPC calls answered, by method and status code"
    );
    metrics::describe_histogram!(
        CALL_DURATION,
        metrics::Unit::Seconds,
        "gRPC call latency, by method"
    );
    metrics::describe_gauge!(CALLS_IN_FLIGHT, "gRPC calls in progress");
    metrics::gauge!(CALLS_IN_FLIGHT).increment(0.0);
    metrics::describe_gauge!(CALLS_QUEUED, "gRPC calls waiting for a compute slot");
    metrics::gauge!(CALLS_QUEUED).set(0.0);
    metrics::describe_gauge!(
        crate::api::batch::BATCH_ITEMS_IN_FLIGHT,
        "EvaluateBatch items read and not yet answered, over every stream"
    );
    metrics::gauge!(crate::api::batch::BATCH_ITEMS_IN_FLIGHT).increment(0.0);
    metrics::describe_counter!(
        SHED_CALLS_TOTAL,
        "gRPC calls refused with RESOURCE_EXHAUSTED because the server was overloaded \
         (compute pool full, or request byte budget spent)"
    );
}

/// Counts one call shed by the overload protection (`method` is the gRPC
/// path, `/package.Service/Method`).
pub fn record_shed(method: &str) {
    metrics::counter!(SHED_CALLS_TOTAL, "method" => method.to_string()).increment(1);
}

/// Binds the admin listener and serves `GET /metrics` on it (Prometheus
/// text format) until the process ends. Returns the bound address.
pub async fn start_admin(listen: SocketAddr) -> Result<SocketAddr, ServeError> {
    let handle = metrics_handle();
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen} (admin): {e}"))?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(10), answer(stream, handle)).await;
            });
        }
    });
    Ok(addr)
}

/// One HTTP/1 exchange: `GET /metrics` or 404; the connection is closed.
async fn answer(
    mut stream: tokio::net::TcpStream,
    handle: &PrometheusHandle,
) -> std::io::Result<()> {
    let mut request = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await?;
        if n == 0 || request.len() > 16 * 1024 {
            return Ok(());
        }
        request.extend_from_slice(&buffer[..n]);
    }
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let (status, content_type, body) = if line.starts_with(b"GET /metrics ") {
        (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            handle.render(),
        )
    } else {
        ("404 Not Found", "text/plain", "not found\n".to_string())
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// The layer that logs and measures every call (see the module
/// documentation).
#[derive(Clone, Debug)]
pub struct ObserveLayer {
    methods: std::sync::Arc<HashSet<String>>,
}

impl ObserveLayer {
    /// `methods`: the paths (`/package.Service/Method`) the server serves;
    /// any other is labelled `unknown`.
    pub fn new(methods: impl IntoIterator<Item = String>) -> Self {
        metrics_handle();
        Self {
            methods: std::sync::Arc::new(methods.into_iter().collect()),
        }
    }
}

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            methods: self.methods.clone(),
        }
    }
}

/// The gRPC paths of every method of the services in `descriptor_set` (an
/// encoded `FileDescriptorSet`).
pub fn methods_of(descriptor_set: &[u8]) -> Vec<String> {
    described_methods(descriptor_set)
        .into_iter()
        .map(|method| method.path)
        .collect()
}

/// The gRPC paths of the methods in `descriptor_set` whose client sends a
/// stream of messages (the request body is charged one message at a time,
/// see [`super::request_limits`]).
pub fn client_streaming_methods_of(descriptor_set: &[u8]) -> Vec<String> {
    described_methods(descriptor_set)
        .into_iter()
        .filter(|method| method.client_streaming)
        .map(|method| method.path)
        .collect()
}

/// A method as its descriptor describes it.
struct DescribedMethod {
    path: String,
    client_streaming: bool,
}

/// Every method of the services in `descriptor_set`; none when the set does
/// not decode (the sets are compiled in, so a test checks they decode).
fn described_methods(descriptor_set: &[u8]) -> Vec<DescribedMethod> {
    use prost::Message;
    let Ok(set) = prost_types::FileDescriptorSet::decode(descriptor_set) else {
        return Vec::new();
    };
    let mut methods = Vec::new();
    for file in &set.file {
        let package = file.package();
        for service in &file.service {
            let service_name = if package.is_empty() {
                service.name().to_string()
            } else {
                format!("{package}.{}", service.name())
            };
            for method in &service.method {
                methods.push(DescribedMethod {
                    path: format!("/{service_name}/{}", method.name()),
                    client_streaming: method.client_streaming(),
                });
            }
        }
    }
    methods
}

/// The label of unknown paths.
pub const UNKNOWN_METHOD: &str = "unknown";

/// See [`ObserveLayer`].
#[derive(Clone, Debug)]
pub struct Observe<S> {
    inner: S,
    methods: std::sync::Arc<HashSet<String>>,
}

/// What is known of a call when it starts.
struct CallInfo {
    method: String,
    /// The path asked for, when it is no method of the server.
    unknown_path: Option<String>,
    peer: Option<SocketAddr>,
    started: Instant,
}

/// The client's address of a request, over plain TCP or TLS.
pub(crate) fn peer(extensions: &http::Extensions) -> Option<SocketAddr> {
    if let Some(info) = extensions.get::<TcpConnectInfo>() {
        return info.remote_addr();
    }
    extensions
        .get::<tonic::transport::server::TlsConnectInfo<TcpConnectInfo>>()
        .and_then(|info| info.get_ref().remote_addr())
}

/// Whether a trailers-only answer is a refusal for overload:
/// RESOURCE_EXHAUSTED with ErrorInfo reason `OVERLOADED` (the compute pool
/// is full) or `REQUEST_MEMORY_BUDGET` (the request byte budget is spent).
fn is_shed(headers: &http::HeaderMap) -> bool {
    use tonic_types::StatusExt;
    if grpc_code(headers) != Some(tonic::Code::ResourceExhausted) {
        return false;
    }
    tonic::Status::from_header_map(headers)
        .and_then(|status| status.get_details_error_info())
        .is_some_and(|info| matches!(info.reason.as_str(), "OVERLOADED" | "REQUEST_MEMORY_BUDGET"))
}

fn grpc_code(headers: &http::HeaderMap) -> Option<tonic::Code> {
    headers
        .get("grpc-status")
        .map(|value| tonic::Code::from_bytes(value.as_bytes()))
}

/// The canonical name of a gRPC code ("OK", "INVALID_ARGUMENT", ...).
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}

impl CallInfo {
    /// Records the call's end: the log line and the metrics.
    fn finish(self, code: tonic::Code) {
        let latency = self.started.elapsed();
        let code_name = code_name(code);
        metrics::gauge!(CALLS_IN_FLIGHT).decrement(1.0);
        metrics::counter!(CALLS_TOTAL, "method" => self.method.clone(), "code" => code_name)
            .increment(1);
        metrics::histogram!(CALL_DURATION, "method" => self.method.clone())
            .record(latency.as_secs_f64());
        let peer = self
            .peer
            .map(|p| p.to_string())
            .unwrap_or_else(|| "unknown".into());
        let latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3;
        match &self.unknown_path {
            None => tracing::info!(
                target: "debtcalc::call",
                method = %self.method,
                code = %code_name,
                latency_ms,
                peer = %peer,
                "call"
            ),
            Some(path) => tracing::info!(
                target: "debtcalc::call",
                method = %self.method,
                path = %path,
                code = %code_name,
                latency_ms,
                peer = %peer,
                "call"
            ),
        }
    }
}

impl<S, B> tower_service::Service<http::Request<Body>> for Observe<S>
where
    S: tower_service::Service<http::Request<Body>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let path = request.uri().path();
        let known = self.methods.contains(path);
        let info = CallInfo {
            method: if known {
                path.to_string()
            } else {
                UNKNOWN_METHOD.to_string()
            },
            unknown_path: (!known).then(|| path.chars().take(100).collect()),
            peer: peer(request.extensions()),
            started: Instant::now(),
        };
        metrics::gauge!(CALLS_IN_FLIGHT).increment(1.0);
        // The call counts as in flight until its response body ends (or is
        // dropped: the client went away).
        let mut guard = Finish(Some(info));
        // The clone that was made ready is the one called.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let future = inner.call(request);
        Box::pin(async move {
            let response = match future.await {
                Ok(response) => response,
                Err(e) => {
                    // The call's stream is reset: clients see UNAVAILABLE.
                    guard.done(tonic::Code::Unavailable);
                    return Err(e);
                }
            };
            if let Some(code) = grpc_code(response.headers()) {
                // Trailers-only answer (an error): the call is over.
                if let Some(info) = guard.0.as_ref().filter(|_| is_shed(response.headers())) {
                    record_shed(&info.method);
                }
                guard.done(code);
                return Ok(response.map(Body::new));
            }
            let (parts, body) = response.into_parts();
            Ok(http::Response::from_parts(
                parts,
                Body::new(ObservedBody {
                    inner: body,
                    finish: guard,
                }),
            ))
        })
    }
}

/// Records the call once; a call dropped before its status is known (the
/// client went away) counts as CANCELLED.
struct Finish(Option<CallInfo>);

impl Finish {
    fn done(&mut self, code: tonic::Code) {
        if let Some(info) = self.0.take() {
            info.finish(code);
        }
    }
}

impl Drop for Finish {
    fn drop(&mut self) {
        self.done(tonic::Code::Cancelled);
    }
}

/// A response body that records the call when its trailers pass.
struct ObservedBody<B> {
    inner: B,
    finish: Finish,
}

impl<B: http_body::Body<Data = Bytes> + Unpin> http_body::Body for ObservedBody<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    let code = grpc_code(trailers).unwrap_or(tonic::Code::Unknown);
                    self.finish.done(code);
                }
            }
            Poll::Ready(Some(Err(_))) => self.finish.done(tonic::Code::Unknown),
            Poll::Ready(None) => self.finish.done(tonic::Code::Unknown),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
