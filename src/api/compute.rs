//! The compute pool: where the CPU-bound part of every calculation call
//! runs, off the async runtime, with a global cap on calls in progress and
//! on calls queued, and a deadline that stops the work.
//!
//! # Why `spawn_blocking` behind semaphores
//!
//! Work runs on tokio's blocking threads, so the runtime's worker threads
//! only ever move bytes and answer cheap calls: Health/Check stays
//! responsive whatever the calculation load. Tokio's blocking pool itself
//! is unbounded in practice (512 threads), so two semaphores bound it:
//!
//! - `workers` permits: calls computing at once (default: the number of
//!   CPUs, more would only time-slice the same cores);
//! - `workers + max_queued` admission permits: calls computing or waiting
//!   for a worker. A call that finds none left is refused at once with
//!   RESOURCE_EXHAUSTED (ErrorInfo reason `OVERLOADED`) instead of queueing
//!   without bound.
//!
//! Waiting happens in the async task, where it is cheap and where the
//! call's deadline and cancellation apply (a queued call whose client has
//! gone simply leaves the queue). A rayon pool would need its own unbounded
//! queue plus a channel back to the runtime for the same result, and one
//! more dependency.
//!
//! # Small calls run inline
//!
//! A call whose cost is bounded small by its request ([`ComputePool::run_sized`]
//! with a cost of at most [`INLINE_COST_LIMIT`]; each service defines the
//! cost from the request, e.g. SplitClaim's number of programmes,
//! ValueRestructuring's number of periods and flows) skips the
//! `spawn_blocking` hop, which costs two thread wake-ups per call: it takes
//! the same admission and worker permits (so it counts against the caps and
//! is refused the same way) and then computes on the async task. Its work is
//! bounded to a few hundred microseconds, so it holds a runtime thread no
//! longer than encoding a large response would. A call over the bound goes
//! to the blocking pool as before; [`ComputeStats`] counts both.
//!
//! # Deadlines and cancellation
//!
//! A call's deadline is the earlier of the client's `grpc-timeout` and the
//! server's request timeout. When it passes, or when the call's future is
//! dropped (the client reset the stream or went away, or tonic's own
//! timeout fired first), the call's [`Cancellation`] flag is set; the
//! domain's long loops check it once per step (see
//! [`crate::domain::cancel`]) and return, so abandoned work stops within one
//! schedule period or solver evaluation. The permits are held by the
//! blocking task itself, so a stopping computation keeps counting against
//! the caps until it has actually stopped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;
use tonic::metadata::MetadataMap;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::api::error::{ApiError, ERROR_DOMAIN};
use crate::domain::cancel::{self, Cancellation};

/// The Prometheus gauge of calls waiting for a compute slot (described and
/// exported by the server's telemetry).
pub const CALLS_QUEUED: &str = "debtcalc_calls_queued";

/// The caps of the compute pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeLimits {
    /// Calculation calls computing at once, process-wide (0: the number of
    /// CPUs).
    pub workers: usize,
    /// Calculation calls waiting for a worker, process-wide; one more is
    /// refused at once with RESOURCE_EXHAUSTED.
    pub max_queued: usize,
}

/// The largest cost (see [`ComputePool::run_sized`]) that runs inline on
/// the async task instead of on a blocking thread.
pub const INLINE_COST_LIMIT: usize = 64;

/// Default [`ComputeLimits::max_queued`].
pub const DEFAULT_MAX_QUEUED: usize = 128;

impl Default for ComputeLimits {
    fn default() -> Self {
        Self {
            workers: 0,
            max_queued: DEFAULT_MAX_QUEUED,
        }
    }
}

impl ComputeLimits {
    /// The number of workers, with 0 resolved to the number of CPUs.
    pub fn effective_workers(&self) -> usize {
        if self.workers > 0 {
            self.workers
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        }
    }
}

/// A snapshot of the pool, for gauges and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeStats {
    /// Calls holding a worker (computing, or stopping after a deadline).
    pub in_progress: usize,
    /// Calls admitted and waiting for a worker.
    pub queued: usize,
    /// Calls refused with RESOURCE_EXHAUSTED since start.
    pub shed_total: u64,
    /// Calls whose computation was stopped by a deadline or a cancellation
    /// since start.
    pub stopped_total: u64,
    /// Calls computed inline on the async task since start (cost within
    /// [`INLINE_COST_LIMIT`]).
    pub inline_total: u64,
    /// Calls computed on a blocking thread since start.
    pub pooled_total: u64,
}

/// The process-wide compute pool; clones share it.
#[derive(Debug, Clone)]
pub struct ComputePool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    workers: Arc<Semaphore>,
    admission: Arc<Semaphore>,
    worker_count: usize,
    admission_count: usize,
    request_timeout: Option<Duration>,
    shed: AtomicU64,
    stopped: Arc<AtomicU64>,
    inline: AtomicU64,
    pooled: AtomicU64,
}

impl Default for ComputePool {
    fn default() -> Self {
        Self::new(ComputeLimits::default(), None)
    }
}

impl ComputePool {
    /// A pool with `limits`; `request_timeout` bounds every call's deadline.
    pub fn new(limits: ComputeLimits, request_timeout: Option<Duration>) -> Self {
        let worker_count = limits.effective_workers();
        let admission_count = worker_count.saturating_add(limits.max_queued);
        Self {
            inner: Arc::new(Inner {
                workers: Arc::new(Semaphore::new(worker_count)),
                admission: Arc::new(Semaphore::new(admission_count)),
                worker_count,
                admission_count,
                request_timeout,
                shed: AtomicU64::new(0),
                stopped: Arc::new(AtomicU64::new(0)),
                inline: AtomicU64::new(0),
                pooled: AtomicU64::new(0),
            }),
        }
    }

    pub fn stats(&self) -> ComputeStats {
        let inner = &self.inner;
        let in_progress = inner.worker_count - inner.workers.available_permits();
        let admitted = inner.admission_count - inner.admission.available_permits();
        ComputeStats {
            in_progress,
            queued: admitted.saturating_sub(in_progress),
            shed_total: inner.shed.load(Ordering::Relaxed),
            stopped_total: inner.stopped.load(Ordering::Relaxed),
            inline_total: inner.inline.load(Ordering::Relaxed),
            pooled_total: inner.pooled.load(Ordering::Relaxed),
        }
    }

    /// Runs `work` on the pool under the deadline of the call whose metadata
    /// is `metadata`: RESOURCE_EXHAUSTED at once when the pool is full,
    /// DEADLINE_EXCEEDED when the deadline passes first (the work is told to
    /// stop), CANCELLED in effect when this future is dropped (likewise).
    pub async fn run<T, F>(&self, metadata: &MetadataMap, work: F) -> Result<T, Status>
    where
        F: FnOnce() -> Result<T, Status> + Send + 'static,
        T: Send + 'static,
    {
        self.run_sized(metadata, usize::MAX, work).await
    }

    /// As [`ComputePool::run`], for work whose cost the caller bounds by
    /// `cost` (a count of periods, flows or items read from the request):
    /// within [`INLINE_COST_LIMIT`] it runs inline on this task once it
    /// holds a worker permit, over it on a blocking thread.
    pub async fn run_sized<T, F>(
        &self,
        metadata: &MetadataMap,
        cost: usize,
        work: F,
    ) -> Result<T, Status>
    where
        F: FnOnce() -> Result<T, Status> + Send + 'static,
        T: Send + 'static,
    {
        let deadline = self.deadline(metadata);
        let cancellation = Cancellation::new();
        // Dropping this future (client gone, tonic's timeout) stops the work.
        let _stop_on_drop = StopOnDrop(cancellation.clone());
        // A free worker first: the call never queues, so the queued gauge
        // (a metrics registry look-up) is left alone. Taking the worker
        // before the admission permit never counts the call as queued.
        let (worker, admitted) = match self.inner.workers.clone().try_acquire_owned() {
            Ok(worker) => match self.inner.admission.clone().try_acquire_owned() {
                Ok(admitted) => (worker, admitted),
                Err(_) => return Err(self.shed()),
            },
            Err(_) => {
                let Ok(admitted) = self.inner.admission.clone().try_acquire_owned() else {
                    return Err(self.shed());
                };
                self.publish_queued();
                // The queued gauge follows this call leaving the queue,
                // however it leaves (a worker, the deadline, the client gone).
                let _left_queue = PublishQueued(self);
                let worker = tokio::select! {
                    permit = self.inner.workers.clone().acquire_owned() => {
                        permit.map_err(|_| Status::unavailable("the compute pool is closed"))?
                    }
                    _ = sleep_until(deadline) => return Err(deadline_exceeded()),
                };
                (worker, admitted)
            }
        };
        if cost <= INLINE_COST_LIMIT {
            let _permits = (worker, admitted);
            self.inner.inline.fetch_add(1, Ordering::Relaxed);
            if deadline.is_some_and(|d| d <= Instant::now()) {
                return Err(deadline_exceeded());
            }
            // A panic is answered INTERNAL, as from a blocking thread.
            let work = std::panic::AssertUnwindSafe(|| cancel::scope(&cancellation, work));
            return std::panic::catch_unwind(work).unwrap_or_else(|_| Err(failed(true)));
        }
        self.inner.pooled.fetch_add(1, Ordering::Relaxed);
        let flag = cancellation.clone();
        let stopped = self.inner.stopped.clone();
        let mut task = tokio::task::spawn_blocking(move || {
            let _permits = (worker, admitted);
            // A call abandoned while its task waited for a thread costs
            // nothing (and counts as stopped).
            if let Err(e) = flag.check() {
                stopped.fetch_add(1, Ordering::Relaxed);
                return Err(Status::from(ApiError::from_domain(e, &[])));
            }
            let result = cancel::scope(&flag, work);
            if flag.is_stopped() {
                stopped.fetch_add(1, Ordering::Relaxed);
            }
            result
        });
        tokio::select! {
            joined = &mut task => match joined {
                Ok(result) => result,
                Err(e) => Err(failed(e.is_panic())),
            },
            _ = sleep_until(deadline) => {
                cancellation.expire();
                Err(deadline_exceeded())
            }
        }
    }

    /// Counts and builds the refusal of a call that finds the pool full.
    fn shed(&self) -> Status {
        self.inner.shed.fetch_add(1, Ordering::Relaxed);
        overloaded(self.inner.admission_count)
    }

    /// Sets the `debtcalc_calls_queued` gauge to the calls waiting now.
    fn publish_queued(&self) {
        metrics::gauge!(CALLS_QUEUED).set(self.stats().queued as f64);
    }

    /// The call's deadline: the earlier of its `grpc-timeout` and the
    /// server's request timeout, from now.
    fn deadline(&self, metadata: &MetadataMap) -> Option<Instant> {
        let client = metadata
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        let timeout = match (client, self.inner.request_timeout) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        timeout.and_then(|t| Instant::now().checked_add(t))
    }
}

/// Updates the queued gauge when dropped.
struct PublishQueued<'a>(&'a ComputePool);

impl Drop for PublishQueued<'_> {
    fn drop(&mut self) {
        self.0.publish_queued();
    }
}

/// Sets the flag when dropped.
struct StopOnDrop(Cancellation);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// The status of a computation that panicked or was aborted.
fn failed(panicked: bool) -> Status {
    Status::from(ApiError::Internal(format!(
        "the computation failed: {}",
        if panicked {
            "it panicked"
        } else {
            "it was aborted"
        }
    )))
}

/// The status of a call refused because the pool is full.
fn overloaded(capacity: usize) -> Status {
    let mut details = ErrorDetails::new();
    details.set_error_info(
        "OVERLOADED",
        ERROR_DOMAIN,
        HashMap::from([("capacity".to_string(), capacity.to_string())]),
    );
    details.set_retry_info(Some(Duration::from_millis(100)));
    Status::with_error_details(
        Code::ResourceExhausted,
        "the server is at its limit of calculation calls in progress and queued; retry later",
        details,
    )
}

/// The status of a call whose deadline passed (ErrorInfo reason
/// `DEADLINE_EXCEEDED`).
pub(crate) fn deadline_exceeded() -> Status {
    Status::from(ApiError::from_domain(
        crate::domain::error::DomainError::DeadlineExceeded,
        &[],
    ))
}

/// Parses a `grpc-timeout` header value: at most 8 digits and a unit
/// (`H`, `M`, `S`, `m`, `u`, `n`).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.checked_mul(3600)?),
        "M" => Duration::from_secs(amount.checked_mul(60)?),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_parse() {
        assert_eq!(parse_grpc_timeout("200m"), Some(Duration::from_millis(200)));
        assert_eq!(parse_grpc_timeout("3S"), Some(Duration::from_secs(3)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("5u"), Some(Duration::from_micros(5)));
        for bad in ["", "m", "123456789m", "10x", "-1S", "1.5S"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad}");
        }
    }

    fn metadata_with_timeout(value: &str) -> MetadataMap {
        let mut metadata = MetadataMap::new();
        metadata.insert("grpc-timeout", value.parse().unwrap());
        metadata
    }

    /// Spins until told to stop, as the domain's loops do.
    fn spin() -> Result<(), Status> {
        loop {
            cancel::check().map_err(|e| Status::from(ApiError::from_domain(e, &[])))?;
            std::hint::spin_loop();
        }
    }

    #[tokio::test]
    async fn a_full_pool_refuses_at_once_and_recovers() {
        let pool = ComputePool::new(
            ComputeLimits {
                workers: 1,
                max_queued: 1,
            },
            None,
        );
        let metadata = metadata_with_timeout("300m");
        let a = tokio::spawn({
            let pool = pool.clone();
            let metadata = metadata.clone();
            async move { pool.run(&metadata, spin).await }
        });
        let b = tokio::spawn({
            let pool = pool.clone();
            let metadata = metadata.clone();
            async move { pool.run(&metadata, spin).await }
        });
        while pool.stats().in_progress + pool.stats().queued < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let refused = pool.run(&metadata, || Ok(1)).await.unwrap_err();
        assert_eq!(refused.code(), Code::ResourceExhausted);
        let info = refused.get_details_error_info().unwrap();
        assert_eq!(info.reason, "OVERLOADED");
        for call in [a, b] {
            let status = call.await.unwrap().unwrap_err();
            assert_eq!(status.code(), Code::DeadlineExceeded);
        }
        // Both spinning computations stop and give their permits back.
        let waited = std::time::Instant::now();
        while pool.stats().in_progress + pool.stats().queued > 0 {
            assert!(waited.elapsed() < Duration::from_secs(10));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(pool.run(&MetadataMap::new(), || Ok(7)).await.unwrap(), 7);
        let stats = pool.stats();
        assert_eq!(stats.shed_total, 1);
        assert!(stats.stopped_total >= 1);
    }

    #[tokio::test]
    async fn small_costs_run_inline_and_larger_ones_on_the_pool() {
        let pool = ComputePool::new(
            ComputeLimits {
                workers: 1,
                max_queued: 0,
            },
            None,
        );
        let metadata = MetadataMap::new();
        let here = std::thread::current().id();
        let small = pool
            .run_sized(&metadata, INLINE_COST_LIMIT, move || {
                Ok(std::thread::current().id())
            })
            .await
            .unwrap();
        assert_eq!(small, here);
        let large = pool
            .run_sized(&metadata, INLINE_COST_LIMIT + 1, move || {
                Ok(std::thread::current().id())
            })
            .await
            .unwrap();
        assert_ne!(large, here);
        let stats = pool.stats();
        assert_eq!((stats.inline_total, stats.pooled_total), (1, 1));
        assert_eq!(stats.in_progress, 0);
    }

    #[tokio::test]
    async fn a_panic_is_internal_inline_or_pooled() {
        let pool = ComputePool::default();
        for cost in [1, usize::MAX] {
            let status = pool
                .run_sized(&MetadataMap::new(), cost, || -> Result<(), Status> {
                    panic!("boom")
                })
                .await
                .unwrap_err();
            assert_eq!(status.code(), Code::Internal, "cost {cost}");
            assert_eq!(pool.stats().in_progress, 0);
        }
    }

    #[tokio::test]
    async fn an_inline_call_counts_against_the_caps() {
        let pool = ComputePool::new(
            ComputeLimits {
                workers: 1,
                max_queued: 0,
            },
            None,
        );
        let busy = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(&metadata_with_timeout("300m"), spin).await }
        });
        while pool.stats().in_progress == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let refused = pool
            .run_sized(&MetadataMap::new(), 1, || Ok(1))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::ResourceExhausted);
        assert_eq!(pool.stats().inline_total, 0);
        busy.await.unwrap().unwrap_err();
    }

    #[tokio::test]
    async fn dropping_the_call_stops_the_work() {
        let pool = ComputePool::new(
            ComputeLimits {
                workers: 1,
                max_queued: 0,
            },
            None,
        );
        let call = tokio::spawn({
            let pool = pool.clone();
            async move { pool.run(&MetadataMap::new(), spin).await }
        });
        while pool.stats().in_progress == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        call.abort();
        let waited = std::time::Instant::now();
        while pool.stats().in_progress > 0 {
            assert!(waited.elapsed() < Duration::from_secs(10));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(pool.stats().stopped_total, 1);
    }
}
