//! The `debtcalc.v1.BatchService` handler: EvaluateBatch, a bidirectional
//! stream of RestructuringService requests, each answered by the very
//! function its unary RPC runs (see [`super::restructuring_service`]), on
//! the compute pool, so every item's answer is the unary answer.
//!
//! # Backpressure, cancellation
//!
//! One task per stream reads items while fewer than the cap
//! ([`BatchApi::new`]'s `max_in_flight`) are in flight (read and not yet
//! answered: computing, or computed and waiting for an earlier item, since
//! answers go out in the order of the items), and stops reading otherwise: the unread items stay in the HTTP/2 flow-control window and
//! the client's sends block. Each item runs as a task of a [`JoinSet`]
//! owned by the stream's task, through [`ComputePool::run`], which sets the
//! item's cancellation flag when its future is dropped. When the client
//! cancels (the response stream is dropped, so the channel closes), the
//! stream's task returns and drops the set, which aborts the items: their
//! computations stop within one step of the domain's loops. Answers wait in
//! a channel of `max_in_flight` places, so a client that does not read its
//! answers stops the reading of items too.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::metadata::MetadataMap;
use tonic::{Request, Response, Status, Streaming};

use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::restructuring_service::{
    assess_concessionality_response, build_schedule_response, solve_terms_response,
    split_claim_response, value_restructuring_response,
};
use super::solve;
use crate::api::compute::ComputePool;
use crate::api::decode_status::classify;

use pb::evaluate_batch_request::Request as Item;
use pb::evaluate_batch_response::Result as Outcome;

/// Default cap on the items of one EvaluateBatch stream in flight.
pub const DEFAULT_MAX_BATCH_ITEMS_IN_FLIGHT: usize = 16;

/// The gauge of batch items in flight, over every stream.
pub const BATCH_ITEMS_IN_FLIGHT: &str = "debtcalc_batch_items_in_flight";

/// The most items any one stream has had in flight at once since the
/// process started (a test hook, and the `..._peak` gauge).
static PEAK_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// The most items one EvaluateBatch stream has had in flight at once since
/// the process started; never above the cap of the server that ran it.
pub fn peak_items_in_flight() -> usize {
    PEAK_IN_FLIGHT.load(Ordering::Relaxed)
}

/// Items dropped unfinished since the process started (their stream was
/// cancelled; dropping an item sets its cancellation flag, see
/// [`ComputePool::run`]). A test hook.
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

/// The number of batch items dropped before their answer was ready, since
/// the process started.
pub fn items_abandoned_total() -> usize {
    ABANDONED.load(Ordering::Relaxed)
}

/// Counts the item as abandoned unless disarmed.
struct Abandoned(bool);

impl Drop for Abandoned {
    fn drop(&mut self) {
        if self.0 {
            ABANDONED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Implements the generated BatchService trait; the items compute on the
/// compute pool shared with the unary calls.
#[derive(Debug, Clone)]
pub struct BatchApi {
    compute: ComputePool,
    provenance: Provenance,
    max_in_flight: usize,
}

impl BatchApi {
    /// Items compute on `compute`, answer with `provenance`, at most
    /// `max_in_flight` (at least 1) of one stream at once.
    pub fn new(compute: ComputePool, provenance: Provenance, max_in_flight: usize) -> Self {
        Self {
            compute,
            provenance,
            max_in_flight: max_in_flight.max(1),
        }
    }
}

impl BatchApi {
    /// Answers `items` one after the other, in order, as the stream would
    /// (the offline `debtcalc call` runs this).
    pub async fn evaluate_in_order(
        &self,
        items: Vec<pb::EvaluateBatchRequest>,
    ) -> Vec<pb::EvaluateBatchResponse> {
        let mut answers = Vec::with_capacity(items.len());
        for item in items {
            answers.push(
                evaluate(
                    self.compute.clone(),
                    self.provenance.clone(),
                    MetadataMap::new(),
                    item,
                )
                .await,
            );
        }
        answers
    }
}

/// The answers of one stream.
type Answers = Pin<Box<dyn Stream<Item = Result<pb::EvaluateBatchResponse, Status>> + Send>>;

/// The `google.rpc.Status` of a failed item: the one the unary call would
/// send (tonic carries it, details included, in the status's details).
fn item_error(status: &Status) -> tonic_types::pb::Status {
    use prost::Message;
    if !status.details().is_empty() {
        if let Ok(rpc) = tonic_types::pb::Status::decode(status.details()) {
            return rpc;
        }
    }
    tonic_types::pb::Status {
        code: status.code() as i32,
        message: status.message().to_string(),
        details: Vec::new(),
    }
}

/// Runs one item on the pool, as its unary RPC would.
async fn evaluate(
    compute: ComputePool,
    provenance: Provenance,
    metadata: MetadataMap,
    item: pb::EvaluateBatchRequest,
) -> pb::EvaluateBatchResponse {
    let mut abandoned = Abandoned(true);
    let id = item.id;
    let outcome: Result<Outcome, Status> = match item.request {
        None => {
            let mut missing = Violations::new();
            missing.add(
                "request",
                "MISSING_FIELD",
                "is required: one of value_restructuring, assess_concessionality, \
                 build_schedule, split_claim, solve_terms",
            );
            Err(Status::from(missing.into_result(()).unwrap_err()))
        }
        Some(Item::SplitClaim(r)) => {
            compute
                .run(&metadata, move || {
                    Ok(Outcome::SplitClaim(split_claim_response(&r, &provenance)?))
                })
                .await
        }
        Some(Item::BuildSchedule(r)) => {
            compute
                .run(&metadata, move || {
                    Ok(Outcome::BuildSchedule(build_schedule_response(
                        &r,
                        &provenance,
                    )?))
                })
                .await
        }
        Some(Item::ValueRestructuring(r)) => {
            compute
                .run(&metadata, move || {
                    Ok(Outcome::ValueRestructuring(value_restructuring_response(
                        &r,
                        &provenance,
                    )?))
                })
                .await
        }
        Some(Item::AssessConcessionality(r)) => {
            compute
                .run(&metadata, move || {
                    Ok(Outcome::AssessConcessionality(
                        assess_concessionality_response(&r, &provenance)?,
                    ))
                })
                .await
        }
        Some(Item::SolveTerms(r)) => match solve::parse_solve(&r) {
            Err(e) => Err(Status::from(e)),
            Ok(input) => {
                compute
                    .run(&metadata, move || {
                        Ok(Outcome::SolveTerms(solve_terms_response(
                            &r,
                            &input,
                            &provenance,
                        )?))
                    })
                    .await
            }
        },
    };
    abandoned.0 = false;
    pb::EvaluateBatchResponse {
        id,
        result: Some(outcome.unwrap_or_else(|status| Outcome::Error(item_error(&status)))),
    }
}

impl BatchApi {
    /// Reads items while fewer than the cap are in flight, answers them in
    /// the order they came; returns when the client has closed its side and
    /// every item is answered, or at once when the client is gone.
    async fn drive(
        self,
        mut inbound: Streaming<pb::EvaluateBatchRequest>,
        metadata: MetadataMap,
        answers: mpsc::Sender<Result<pb::EvaluateBatchResponse, Status>>,
    ) {
        // Computing, by sequence number.
        let mut items: JoinSet<(u64, pb::EvaluateBatchResponse)> = JoinSet::new();
        // Computed, waiting for an earlier item to be answered first.
        let mut done: BTreeMap<u64, pb::EvaluateBatchResponse> = BTreeMap::new();
        let (mut read, mut answered) = (0u64, 0u64);
        // Keeps the gauge right however this returns (the set's items are
        // aborted when it is dropped).
        let mut counted = InFlight(0);
        let mut reading = true;
        loop {
            // Items read and not yet answered: computing or waiting for
            // their turn.
            let in_flight = usize::try_from(read - answered).unwrap_or(usize::MAX);
            counted.set(in_flight);
            if !reading && in_flight == 0 {
                return;
            }
            tokio::select! {
                () = answers.closed() => return,
                Some(joined) = items.join_next(), if !items.is_empty() => {
                    let (sequence, answer) = match joined {
                        Ok(done) => done,
                        Err(e) => {
                            let status = Status::from(ApiError::Internal(format!(
                                "a batch item failed: {e}"
                            )));
                            let _ = answers.send(Err(status)).await;
                            return;
                        }
                    };
                    done.insert(sequence, answer);
                    while let Some(answer) = done.remove(&answered) {
                        if answers.send(Ok(answer)).await.is_err() {
                            return;
                        }
                        answered += 1;
                    }
                }
                next = inbound.message(), if reading && in_flight < self.max_in_flight => {
                    match next {
                        Ok(Some(item)) => {
                            let sequence = read;
                            let work = evaluate(
                                self.compute.clone(),
                                self.provenance.clone(),
                                metadata.clone(),
                                item,
                            );
                            items.spawn(async move { (sequence, work.await) });
                            read += 1;
                            let now = usize::try_from(read - answered).unwrap_or(usize::MAX);
                            PEAK_IN_FLIGHT.fetch_max(now, Ordering::Relaxed);
                        }
                        Ok(None) => reading = false,
                        // An undecodable item or a broken request stream
                        // ends the call with its status, in debtcalc's
                        // terms (INVALID_ARGUMENT, reason MALFORMED_REQUEST,
                        // as for a unary call).
                        Err(status) => {
                            let status = classify(&status).unwrap_or(status);
                            let _ = answers.send(Err(status)).await;
                            return;
                        }
                    }
                }
            }
        }
    }
}

/// The items of one stream counted in the gauge.
struct InFlight(usize);

impl InFlight {
    fn set(&mut self, now: usize) {
        metrics::gauge!(BATCH_ITEMS_IN_FLIGHT).increment(now as f64 - self.0 as f64);
        self.0 = now;
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set(0);
    }
}

#[tonic::async_trait]
impl pb::batch_service_server::BatchService for BatchApi {
    type EvaluateBatchStream = Answers;

    async fn evaluate_batch(
        &self,
        request: Request<Streaming<pb::EvaluateBatchRequest>>,
    ) -> Result<Response<Self::EvaluateBatchStream>, Status> {
        let metadata = request.metadata().clone();
        let inbound = request.into_inner();
        let (sender, receiver) = mpsc::channel(self.max_in_flight);
        tokio::spawn(self.clone().drive(inbound, metadata, sender));
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;
    use tonic::Code;

    /// The item's google.rpc.Status is the one tonic sends for the unary
    /// call: same code, message and details.
    #[test]
    fn an_item_error_keeps_the_unary_details() {
        let mut violations = Violations::new();
        violations.add("claim.amount", "INVALID_DECIMAL", "is not a number");
        let status = Status::from(violations.into_result(()).unwrap_err());
        let rpc = item_error(&status);
        assert_eq!(rpc.code, Code::InvalidArgument as i32);
        assert_eq!(rpc.message, status.message());
        assert!(!rpc.details.is_empty());
        assert_eq!(rpc.encode_to_vec(), status.details());
        let plain = item_error(&Status::cancelled("gone"));
        assert_eq!(plain.code, Code::Cancelled as i32);
        assert!(plain.details.is_empty());
    }
}
