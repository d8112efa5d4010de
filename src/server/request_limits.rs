//! A layer over every call: counts it as in progress on its connection
//! (for the idle timeout, see [`super::connections`]), bounds the memory of
//! request bodies being received, and gives undecodable requests
//! debtcalc's statuses (see [`super::decode_errors`]).
//!
//! # The in-flight byte budget
//!
//! tonic refuses one message over `max_request_bytes`, but nothing bounds
//! the sum: a thousand clients each sending a 4 MiB message slowly hold
//! 4 GiB. Every request body is wrapped so that the bytes it delivers are
//! charged to one process-wide budget (`max_inflight_request_bytes`),
//! released when tonic drops the body (after decoding a unary message).
//! On the first chunk the whole message is reserved at once, from the
//! length in its gRPC frame header (capped at the message limit), so the
//! budget is handed out whole messages at a time and calls cannot each hold
//! half of it waiting for the rest. A call that finds the budget spent fails
//! at once with RESOURCE_EXHAUSTED (ErrorInfo reason
//! `REQUEST_MEMORY_BUDGET`) rather than waiting, so no set of slow senders
//! can deadlock the budget.
//!
//! A stream of request messages (a client-streaming method, as the served
//! services' descriptors say: BatchService/EvaluateBatch, reflection's
//! ServerReflectionInfo) is charged one
//! message at a time: the latest message's reservation is released when
//! the next message's header arrives, so a long stream holds no more of the
//! budget than a unary call (its decoded items are bounded by the stream's
//! in-flight cap instead).
//!
//! Bytes hyper has received but the call has not read yet are bounded by
//! HTTP/2 flow control: at most one connection window (hyper's default,
//! 1 MiB) per connection, so the total is at most
//! `max_inflight_request_bytes + max_connections x 1 MiB` plus decoded
//! messages.
//!
//! # The call's deadline
//!
//! A call's deadline is the earlier of the client's `grpc-timeout` and the
//! server's request timeout. When it passes before the handler has
//! answered, the handler's future is dropped (which stops a calculation,
//! see [`crate::api::compute`]) and the call is answered DEADLINE_EXCEEDED with
//! an ErrorInfo (reason `DEADLINE_EXCEEDED`), the same status the compute
//! pool gives. tonic runs a timer of its own on `grpc-timeout`, outside every
//! layer, which would answer CANCELLED "Timeout expired": this layer's timer
//! is started before tonic's and, for a client deadline, 1 ms shorter, so it
//! always fires first. (tonic's server-side request timeout is not used.)
//! As with tonic's, the deadline bounds the wait for the response's headers:
//! a streaming response (Health/Watch, reflection) is not cut.
//!
//! # Calls arriving while the server drains
//!
//! Once the drain has started (SIGTERM), calls that still reach a handler
//! (sent on a connection before its client saw the GOAWAY) are served, like
//! every call in flight, within the drain deadline; they are not refused.
//! A refusal at this point (a gRPC UNAVAILABLE, or even a stream reset with
//! REFUSED_STREAM) is a failed call behind nginx, which streams request
//! bodies to the replica and so cannot send a call to another replica once
//! its body is sent. Calls after the GOAWAY are refused by HTTP/2 itself
//! (clients and proxies retry those elsewhere), and the listener is closed.
//!
//! # The body timeout
//!
//! A debtcalc call whose client stops sending in the middle of its request
//! (or never ends the stream) fails with DEADLINE_EXCEEDED (reason
//! `REQUEST_BODY_TIMEOUT`) after `request_body_timeout` without a frame,
//! instead of holding its buffer until the request timeout. Streaming
//! services (reflection, health) are not subject to it.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tonic::body::Body;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use super::connections::{CallGuard, ConnectionRegistry};
use crate::api::error::ERROR_DOMAIN;

/// Limits on the requests being received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// Total bytes of request bodies being received at once, process-wide.
    pub max_inflight_request_bytes: usize,
    /// Longest wait for the next frame of a debtcalc request's body.
    pub request_body_timeout: Duration,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_inflight_request_bytes: 256 * 1024 * 1024,
            request_body_timeout: Duration::from_secs(10),
        }
    }
}

/// The layer; built once, so its budget is process-wide.
#[derive(Debug, Clone)]
pub struct RequestLimitsLayer {
    registry: ConnectionRegistry,
    budget: Arc<Semaphore>,
    max_message: usize,
    body_timeout: Duration,
    request_timeout: Option<Duration>,
    /// The paths of client-streaming methods (see the module documentation).
    streamed_methods: Arc<HashSet<String>>,
}

impl RequestLimitsLayer {
    /// `request_timeout`: the server's bound on every call's deadline;
    /// `streamed_methods`: the paths of the client-streaming methods.
    pub fn new(
        limits: RequestLimits,
        streamed_methods: Vec<String>,
        max_message: usize,
        request_timeout: Option<Duration>,
        registry: ConnectionRegistry,
    ) -> Self {
        Self {
            registry,
            budget: Arc::new(Semaphore::new(
                limits
                    .max_inflight_request_bytes
                    .min(Semaphore::MAX_PERMITS),
            )),
            max_message,
            body_timeout: limits.request_body_timeout,
            request_timeout,
            streamed_methods: Arc::new(streamed_methods.into_iter().collect()),
        }
    }
}

/// Errors of the layer's service.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S> tower::Layer<S> for RequestLimitsLayer {
    type Service = RequestLimitsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLimitsService {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RequestLimitsService<S> {
    inner: S,
    layer: RequestLimitsLayer,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S> tower::Service<http::Request<Body>> for RequestLimitsService<S>
where
    S: tower::Service<http::Request<Body>, Response = http::Response<Body>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        // The peer over plain TCP or TLS (TlsConnectInfo wraps the TCP one).
        let guard = super::telemetry::peer(request.extensions())
            .and_then(|peer| self.layer.registry.start_call(peer));
        let deadline = call_deadline(request.headers(), self.layer.request_timeout);
        let timed = request.uri().path().starts_with("/debtcalc.");
        let streamed = self.layer.streamed_methods.contains(request.uri().path());
        let layer = self.layer.clone();
        let request = request.map(|body| {
            Body::new(BudgetedBody {
                inner: body,
                budget: layer.budget,
                held: None,
                received: 0,
                stream: streamed.then(StreamCursor::default),
                reserved: 0,
                max_message: layer.max_message,
                timeout: timed.then_some(layer.body_timeout),
                timer: None,
                failed: false,
            })
        });
        // The clone that was made ready is the one called.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let response = inner.call(request);
        Box::pin(async move {
            let response = match deadline {
                Some(deadline) => match tokio::time::timeout_at(deadline, response).await {
                    Ok(response) => super::decode_errors::rewrite(response.map_err(Into::into)?),
                    Err(_) => crate::api::compute::deadline_exceeded().into_http(),
                },
                None => super::decode_errors::rewrite(response.await.map_err(Into::into)?),
            };
            Ok(response.map(|body| {
                Body::new(GuardedBody {
                    inner: body,
                    _guard: guard,
                })
            }))
        })
    }
}

/// The margin by which a client's deadline is enforced early, so that this
/// layer's timer fires before tonic's (see the module documentation).
const CLIENT_DEADLINE_MARGIN: Duration = Duration::from_millis(1);

/// When a call arriving now must be answered: the earlier of its
/// `grpc-timeout` (less [`CLIENT_DEADLINE_MARGIN`]) and `request_timeout`.
fn call_deadline(
    headers: &http::HeaderMap,
    request_timeout: Option<Duration>,
) -> Option<tokio::time::Instant> {
    let client = headers
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(crate::api::compute::parse_grpc_timeout)
        .map(|t| t.saturating_sub(CLIENT_DEADLINE_MARGIN));
    let timeout = match (client, request_timeout) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    timeout.and_then(|t| tokio::time::Instant::now().checked_add(t))
}

/// A response body that keeps its call counted until it is finished.
struct GuardedBody {
    inner: Body,
    _guard: Option<CallGuard>,
}

impl HttpBody for GuardedBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body charged to the byte budget (see the module
/// documentation).
struct BudgetedBody {
    inner: Body,
    budget: Arc<Semaphore>,
    held: Option<OwnedSemaphorePermit>,
    received: usize,
    reserved: usize,
    /// For a stream of request messages (EvaluateBatch): where the body is
    /// in its gRPC frames. Such a body is charged one message at a time
    /// (see [`BudgetedBody::charge_stream`]).
    stream: Option<StreamCursor>,
    max_message: usize,
    timeout: Option<Duration>,
    timer: Option<Pin<Box<Sleep>>>,
    failed: bool,
}

/// The gRPC frame header: 1 byte of flags, 4 of length.
const FRAME_HEADER: usize = 5;

/// The position in the gRPC frames of a streamed request body.
#[derive(Debug, Default)]
struct StreamCursor {
    /// The bytes of the current frame header received so far.
    header: Vec<u8>,
    /// Bytes of the current message still to come.
    body_left: usize,
}

impl BudgetedBody {
    /// Charges `chunk`, the next bytes of a streamed body: the reservation
    /// is that of the latest message (its header's length, capped at the
    /// message limit), released when the next message's header arrives. So
    /// a long stream holds the budget of one message at a time, as a unary
    /// call does; the messages handed to the handler are bounded by its own
    /// in-flight cap.
    fn charge_stream(&mut self, mut chunk: &[u8]) -> Result<(), Status> {
        while !chunk.is_empty() {
            let Some(cursor) = self.stream.as_mut() else {
                return Ok(());
            };
            if cursor.body_left > 0 {
                let take = cursor.body_left.min(chunk.len());
                cursor.body_left -= take;
                chunk = &chunk[take..];
                continue;
            }
            let take = (FRAME_HEADER - cursor.header.len()).min(chunk.len());
            cursor.header.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if cursor.header.len() < FRAME_HEADER {
                continue;
            }
            let h = &cursor.header;
            let declared = u32::from_be_bytes([h[1], h[2], h[3], h[4]]) as usize;
            cursor.header.clear();
            cursor.body_left = declared;
            // A new message: the previous one has been handed on.
            self.held = None;
            self.reserved = 0;
            let wanted = FRAME_HEADER + declared.min(self.max_message);
            let more = u32::try_from(wanted).map_err(|_| over_budget())?;
            self.held = Some(
                self.budget
                    .clone()
                    .try_acquire_many_owned(more)
                    .map_err(|_| over_budget())?,
            );
            self.reserved = wanted;
        }
        Ok(())
    }

    /// Charges `chunk` (the next bytes of the body) to the budget.
    fn charge(&mut self, chunk: &[u8]) -> Result<(), Status> {
        if self.stream.is_some() {
            return self.charge_stream(chunk);
        }
        let first = self.received == 0;
        self.received = self.received.saturating_add(chunk.len());
        let mut wanted = self.received;
        if first && chunk.len() >= FRAME_HEADER {
            let declared = u32::from_be_bytes([chunk[1], chunk[2], chunk[3], chunk[4]]) as usize;
            wanted = wanted.max(FRAME_HEADER + declared.min(self.max_message));
        }
        if wanted <= self.reserved {
            return Ok(());
        }
        let more = u32::try_from(wanted - self.reserved).map_err(|_| over_budget())?;
        let permit = self
            .budget
            .clone()
            .try_acquire_many_owned(more)
            .map_err(|_| over_budget())?;
        match &mut self.held {
            Some(held) => held.merge(permit),
            None => self.held = Some(permit),
        }
        self.reserved = wanted;
        Ok(())
    }
}

impl HttpBody for BudgetedBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    if let Err(status) = this.charge(data) {
                        this.failed = true;
                        this.held = None;
                        return Poll::Ready(Some(Err(status)));
                    }
                }
                this.timer = None;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                let Some(timeout) = this.timeout else {
                    return Poll::Pending;
                };
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if timer.as_mut().poll(cx).is_ready() {
                    this.failed = true;
                    this.held = None;
                    return Poll::Ready(Some(Err(body_timeout(timeout))));
                }
                Poll::Pending
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn over_budget() -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info("REQUEST_MEMORY_BUDGET", ERROR_DOMAIN, HashMap::new());
    details.set_retry_info(Some(Duration::from_millis(100)));
    Status::with_error_details(
        Code::ResourceExhausted,
        "the server is receiving as many request bytes as it allows at once; retry later",
        details,
    )
}

fn body_timeout(timeout: Duration) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(
        "REQUEST_BODY_TIMEOUT",
        ERROR_DOMAIN,
        HashMap::from([("timeout_ms".to_string(), timeout.as_millis().to_string())]),
    );
    Status::with_error_details(
        Code::DeadlineExceeded,
        "the request body stopped arriving before it was complete",
        details,
    )
}
