//! The server's lifecycle after start-up: the drain on SIGTERM/SIGINT.
//!
//! On the first signal the server drains: every health answer (Check and
//! Watch, for every service name, "" included) turns NOT_SERVING, open
//! Health/Watch streams send that last status and end, the listener stops
//! accepting and every connection is sent an HTTP/2 GOAWAY (so new calls are
//! refused and clients retry elsewhere), and the calls in flight get up to
//! the drain deadline to finish. The serve future then returns, whatever is
//! still open. A second signal exits the process at once.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::watch;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::Health;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};
use tonic_health::server::HealthService;

/// Starts the drain; cloned [`DrainSignal`]s see it.
#[derive(Debug)]
pub struct Drain {
    tx: watch::Sender<bool>,
}

/// Tells whether the server is draining, and waits for it.
#[derive(Debug, Clone)]
pub struct DrainSignal {
    rx: watch::Receiver<bool>,
}

impl Drain {
    pub fn new() -> Self {
        Self {
            tx: watch::channel(false).0,
        }
    }

    pub fn signal(&self) -> DrainSignal {
        DrainSignal {
            rx: self.tx.subscribe(),
        }
    }

    /// Starts draining (idempotent).
    pub fn start(&self) {
        self.tx.send_replace(true);
    }
}

impl Default for Drain {
    fn default() -> Self {
        Self::new()
    }
}

impl DrainSignal {
    pub fn is_draining(&self) -> bool {
        *self.rx.borrow()
    }

    /// Completes once draining has started.
    pub async fn started(mut self) {
        // An error means the `Drain` is gone: the server is going away too.
        let _ = self.rx.wait_for(|draining| *draining).await;
    }
}

/// The standard health service, made to follow the drain: while draining
/// every known service name answers NOT_SERVING, and Watch streams send
/// NOT_SERVING and end (an open stream would otherwise keep the process
/// alive past the drain).
pub struct DrainingHealth {
    inner: HealthService,
    drain: DrainSignal,
}

impl DrainingHealth {
    pub fn new(inner: HealthService, drain: DrainSignal) -> Self {
        Self { inner, drain }
    }
}

fn not_serving() -> HealthCheckResponse {
    HealthCheckResponse {
        status: ServingStatus::NotServing as i32,
    }
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<HealthCheckResponse, Status>> + Send>>;

#[tonic::async_trait]
impl Health for DrainingHealth {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let answer = self.inner.check(request).await?;
        if self.drain.is_draining() {
            return Ok(Response::new(not_serving()));
        }
        Ok(answer)
    }

    type WatchStream = WatchStream;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let inner = self.inner.watch(request).await?.into_inner();
        if self.drain.is_draining() {
            let last = tokio_stream::once(Ok(not_serving()));
            return Ok(Response::new(Box::pin(last)));
        }
        let stream = UntilDrain {
            inner: Box::pin(inner),
            drain: Box::pin(self.drain.clone().started()),
        }
        .chain(tokio_stream::once(Ok(not_serving())));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// A stream that ends when the drain starts.
struct UntilDrain<S> {
    inner: Pin<Box<S>>,
    drain: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl<S: Stream> Stream for UntilDrain<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.drain.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        self.inner.as_mut().poll_next(cx)
    }
}

/// Runs `server` (a serve future that stops accepting and drains its
/// connections once `graceful` fires) until `shutdown` completes, then
/// drains: starts `drain`, fires the graceful stop and waits at most
/// `deadline` for the server to finish.
pub async fn run_until_drained<S, E>(
    server: impl FnOnce(Pin<Box<dyn Future<Output = ()> + Send>>) -> S,
    shutdown: impl Future<Output = ()> + Send,
    drain: Drain,
    deadline: Duration,
) -> Result<(), E>
where
    S: Future<Output = Result<(), E>>,
{
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server(Box::pin(async {
        let _ = stopped.await;
    }));
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        () = shutdown => {}
    }
    tracing::info!(
        drain_deadline_ms = deadline.as_millis() as u64,
        "debtcalc draining: health NOT_SERVING, new calls refused, calls in flight finishing"
    );
    drain.start();
    let _ = stop.send(());
    match tokio::time::timeout(deadline, &mut server).await {
        Ok(result) => {
            tracing::info!("debtcalc drained");
            result
        }
        Err(_) => {
            tracing::warn!("debtcalc drain deadline passed with calls still open; stopping");
            Ok(())
        }
    }
}

/// Installs the signal handling now and returns a future that completes
/// on the first SIGINT or SIGTERM; from then on a second one exits the
/// process at once (status 128 + the signal number), and so does the
/// passing of `drain_deadline` (status 0, as a drain that ran out of time),
/// should the server not have finished draining by then.
///
/// The signals are watched on a thread of their own, with its own small
/// runtime, so that they, and the deadline, are seen at once even when every
/// worker of the server's runtime is busy. This returns once the handlers
/// are installed (call it before saying "serving"); if they cannot be, the
/// future never completes and the signals keep their default action.
pub fn shutdown_signal(drain_deadline: Duration) -> impl Future<Output = ()> + Send {
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<bool>();
    let spawned = std::thread::Builder::new()
        .name("debtcalc-signals".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("debtcalc: cannot watch signals: {e}");
                    let _ = ready_tx.send(false);
                    return;
                }
            };
            runtime.block_on(async move {
                let mut signals = match Signals::new() {
                    Ok(signals) => signals,
                    Err(e) => {
                        eprintln!("debtcalc: cannot install the signal handlers: {e}");
                        let _ = ready_tx.send(false);
                        return;
                    }
                };
                let _ = ready_tx.send(true);
                signals.next().await;
                let _ = first_tx.send(());
                let backstop = drain_deadline + Duration::from_millis(100);
                tokio::select! {
                    code = signals.next() => {
                        eprintln!("debtcalc: second signal, exiting at once");
                        std::process::exit(code);
                    }
                    () = tokio::time::sleep(backstop) => {
                        eprintln!("debtcalc: drain deadline passed, exiting");
                        std::process::exit(0);
                    }
                }
            });
        });
    let installed = match spawned {
        Ok(_) => ready_rx.recv().unwrap_or(false),
        Err(e) => {
            eprintln!("debtcalc: cannot start the signal thread: {e}");
            false
        }
    };
    async move {
        if !installed || first_rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// SIGTERM and SIGINT (only Ctrl-C off Unix).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for the next signal; returns the exit status it calls for.
    async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => 128 + 15,
                _ = self.int.recv() => 128 + 2,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            130
        }
    }
}
