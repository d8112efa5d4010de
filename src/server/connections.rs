//! Connection limits: a cap on open connections, an idle-connection
//! timeout and a handshake timeout, enforced on the accepted sockets.
//!
//! tonic and hyper offer keepalive pings, a per-connection stream limit and
//! a maximum connection age, but no cap on connections and no idle timeout
//! (an HTTP/2 connection with keepalive pings is never silent, and one that
//! never sends a byte is never noticed). So:
//!
//! - [`LimitedIncoming`] accepts connections itself: at most
//!   `max_connections` are open at once; one more is accepted and closed at
//!   once (the client sees the connection reset and can go elsewhere, rather
//!   than waiting in the kernel's backlog), and counted.
//! - Every accepted socket is a [`TrackedIo`], which ends the connection
//!   (reports end of stream to hyper) when it has had **no call in
//!   progress** for `idle_timeout`, or when **no call has started** within
//!   `handshake_timeout` of the accept (a client that connects and sends
//!   nothing, or never completes the HTTP/2 preface and a request's
//!   headers). "A call in progress" is counted by [`ActivityLayer`]: from
//!   the arrival of its headers to the end of its response body, so a
//!   Health/Watch stream or a long calculation keeps its connection.
//!
//! The layer finds its connection by the peer address (unique among open
//! TCP connections) in a shared registry, because tonic puts only the
//! `TcpConnectInfo` of a connection in the requests' extensions.
//!
//! A request that arrives in the very instant a connection is closed as
//! idle fails with UNAVAILABLE on the client; gRPC clients reconnect.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tonic::transport::server::{Connected, TcpConnectInfo};

/// The connection limits (see the module documentation and README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections at most; one more is closed at once.
    pub max_connections: usize,
    /// HTTP/2 streams (calls) one connection may have open at once,
    /// advertised in SETTINGS_MAX_CONCURRENT_STREAMS.
    pub max_concurrent_streams: u32,
    /// Interval of HTTP/2 keepalive pings on a connection (`None`: none).
    pub keepalive_interval: Option<Duration>,
    /// How long a keepalive ping may go unanswered before the connection is
    /// closed.
    pub keepalive_timeout: Duration,
    /// A connection with no call in progress for this long is closed.
    pub idle_timeout: Duration,
    /// A connection on which no call has started this long after it was
    /// accepted is closed (covers the TLS and HTTP/2 handshakes and the
    /// first request's headers).
    pub handshake_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            max_concurrent_streams: 256,
            keepalive_interval: Some(Duration::from_secs(60)),
            keepalive_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(300),
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// What is known of one connection's calls.
#[derive(Debug)]
struct Activity {
    /// Calls in progress.
    active: AtomicUsize,
    /// Whether any call has started.
    started: AtomicUsize,
    /// Milliseconds since `epoch` of the last start or end of a call.
    last_change: AtomicU64,
    epoch: Instant,
}

impl Activity {
    fn new() -> Self {
        Self {
            active: AtomicUsize::new(0),
            started: AtomicUsize::new(0),
            last_change: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    fn touch(&self) {
        let millis = self.epoch.elapsed().as_millis() as u64;
        self.last_change.store(millis, Ordering::Relaxed);
    }

    fn start(self: &Arc<Self>) -> CallGuard {
        self.active.fetch_add(1, Ordering::Relaxed);
        self.started.store(1, Ordering::Relaxed);
        self.touch();
        CallGuard(self.clone())
    }

    /// When the connection may be closed, if no call is in progress.
    fn idle_deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        if self.active.load(Ordering::Relaxed) > 0 {
            return None;
        }
        let last = self.epoch + Duration::from_millis(self.last_change.load(Ordering::Relaxed));
        let timeout = if self.started.load(Ordering::Relaxed) > 0 {
            limits.idle_timeout
        } else {
            limits.handshake_timeout
        };
        Some(last + timeout)
    }
}

/// Held by a call in progress; its drop ends the call.
#[derive(Debug)]
pub struct CallGuard(Arc<Activity>);

impl Drop for CallGuard {
    fn drop(&mut self) {
        self.0.touch();
        self.0.active.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Open connections by peer address, shared by the accept loop and the
/// layer; and counters.
#[derive(Debug, Clone, Default)]
pub struct ConnectionRegistry {
    inner: Arc<RegistryInner>,
}

#[derive(Debug, Default)]
struct RegistryInner {
    open: Mutex<HashMap<SocketAddr, Arc<Activity>>>,
    refused: AtomicU64,
    idle_closed: AtomicU64,
}

/// A snapshot of the connections, for gauges and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionStats {
    pub open: usize,
    /// Connections closed at once because `max_connections` were open.
    pub refused_total: u64,
    /// Connections closed by the idle or handshake timeout.
    pub idle_closed_total: u64,
}

impl ConnectionRegistry {
    pub fn stats(&self) -> ConnectionStats {
        ConnectionStats {
            open: self.inner.open.lock().map_or(0, |open| open.len()),
            refused_total: self.inner.refused.load(Ordering::Relaxed),
            idle_closed_total: self.inner.idle_closed.load(Ordering::Relaxed),
        }
    }

    /// Marks the start of a call from `peer`; `None` for a peer that is not
    /// a tracked connection.
    pub fn start_call(&self, peer: SocketAddr) -> Option<CallGuard> {
        let open = self.inner.open.lock().ok()?;
        open.get(&peer).map(|activity| activity.start())
    }

    fn register(&self, peer: SocketAddr) -> Arc<Activity> {
        let activity = Arc::new(Activity::new());
        if let Ok(mut open) = self.inner.open.lock() {
            open.insert(peer, activity.clone());
        }
        activity
    }

    fn unregister(&self, peer: SocketAddr, activity: &Arc<Activity>) {
        if let Ok(mut open) = self.inner.open.lock() {
            if open.get(&peer).is_some_and(|a| Arc::ptr_eq(a, activity)) {
                open.remove(&peer);
            }
        }
    }
}

/// The accept loop as a stream of [`TrackedIo`], at most
/// `max_connections` open at once.
pub struct LimitedIncoming {
    listener: TcpListener,
    permits: Arc<Semaphore>,
    limits: ConnectionLimits,
    registry: ConnectionRegistry,
    /// After an accept error (out of file descriptors, say), a pause before
    /// the next accept, so the loop does not spin.
    backoff: Option<Pin<Box<Sleep>>>,
}

/// The pause after an accept error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

impl LimitedIncoming {
    pub fn new(
        listener: TcpListener,
        limits: ConnectionLimits,
        registry: ConnectionRegistry,
    ) -> Self {
        Self {
            listener,
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            limits,
            registry,
            backoff: None,
        }
    }
}

impl tokio_stream::Stream for LimitedIncoming {
    type Item = io::Result<TrackedIo>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(backoff) = &mut this.backoff {
            if backoff.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.backoff = None;
        }
        loop {
            let (stream, peer) = match this.listener.poll_accept(cx) {
                Poll::Ready(Ok(accepted)) => accepted,
                Poll::Ready(Err(e)) => {
                    this.backoff = Some(Box::pin(tokio::time::sleep(ACCEPT_BACKOFF)));
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Pending => return Poll::Pending,
            };
            let Ok(permit) = this.permits.clone().try_acquire_owned() else {
                this.registry.inner.refused.fetch_add(1, Ordering::Relaxed);
                drop(stream);
                continue;
            };
            // TCP_NODELAY: without it Nagle's algorithm holds a response's
            // trailers until the client's delayed ACK, about 40 ms a call.
            let _ = stream.set_nodelay(true);
            let activity = this.registry.register(peer);
            return Poll::Ready(Some(Ok(TrackedIo {
                inner: stream,
                peer,
                activity,
                limits: this.limits,
                registry: this.registry.clone(),
                timer: Box::pin(tokio::time::sleep(this.limits.handshake_timeout)),
                closed: false,
                _permit: permit,
            })));
        }
    }
}

/// An accepted socket that ends itself when idle (see the module
/// documentation).
pub struct TrackedIo {
    inner: TcpStream,
    peer: SocketAddr,
    activity: Arc<Activity>,
    limits: ConnectionLimits,
    registry: ConnectionRegistry,
    timer: Pin<Box<Sleep>>,
    closed: bool,
    _permit: OwnedSemaphorePermit,
}

impl TrackedIo {
    /// Whether the connection has been idle past its timeout; otherwise
    /// arms the timer (registering `cx`) for the next time it may be.
    fn idle_expired(&mut self, cx: &mut Context<'_>) -> bool {
        loop {
            let now = Instant::now();
            let armed = self.timer.deadline();
            match self.activity.idle_deadline(&self.limits) {
                Some(deadline) if deadline <= now => return true,
                Some(deadline) if deadline != armed => self.timer.as_mut().reset(deadline),
                // A call in progress: look again at most one idle period
                // from now, so that the timer never fires later than the
                // idle deadline of the call's end.
                None if armed <= now || armed > now + self.limits.idle_timeout => {
                    self.timer.as_mut().reset(now + self.limits.idle_timeout)
                }
                _ => {}
            }
            if self.timer.as_mut().poll(cx).is_pending() {
                return false;
            }
        }
    }
}

impl Drop for TrackedIo {
    fn drop(&mut self) {
        self.registry.unregister(self.peer, &self.activity);
    }
}

impl Connected for TrackedIo {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

impl AsyncRead for TrackedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.closed {
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Pending => {
                if this.idle_expired(cx) {
                    // End of stream: hyper closes the connection.
                    this.closed = true;
                    this.registry
                        .inner
                        .idle_closed
                        .fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(peer = %this.peer, "closing an idle connection");
                    return Poll::Ready(Ok(()));
                }
                Poll::Pending
            }
            ready => ready,
        }
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
