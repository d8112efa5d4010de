//! The `debtcalc.v1.ChartService` handler: resolves a settlement of the
//! library, then computes and draws on the compute pool.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::chart::{render_chart, SettlementSubject, SwapSubject};
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::settlement::ContextData;
use super::settlement_library::SettlementLibrary;
use super::settlement_service::resolve_settlement;
use super::swap_library::SwapLibrary;
use super::swap_service::resolve_swap;
use crate::api::compute::ComputePool;
use crate::domain::reconciliation::ReferenceData;

/// Implements the generated service trait; holds what the subjects need:
/// the settlement library and the reference data.
#[derive(Debug, Clone)]
pub struct ChartApi {
    library: Arc<SettlementLibrary>,
    /// The swap library (empty unless [`ChartApi::with_swaps`]).
    swaps: Arc<SwapLibrary>,
    /// The reference data and the provenance every step uses.
    shared: ContextData,
    /// Where the computations and the drawing run.
    compute: ComputePool,
}

impl ChartApi {
    pub fn new(
        library: Arc<SettlementLibrary>,
        data: Arc<ReferenceData>,
        data_source: impl Into<Arc<str>>,
        provenance: Provenance,
    ) -> Self {
        Self {
            library,
            swaps: Arc::default(),
            shared: ContextData::new(data, data_source, provenance),
            compute: ComputePool::default(),
        }
    }

    /// The same handler with the swap library `swaps` (swap ids resolve
    /// there).
    pub fn with_swaps(self, swaps: Arc<SwapLibrary>) -> Self {
        Self { swaps, ..self }
    }

    /// The same handler computing on `compute` (shared with the other
    /// services).
    pub fn with_compute(self, compute: ComputePool) -> Self {
        Self { compute, ..self }
    }
}

impl ChartApi {
    /// The swap EvaluateSwap evaluates for `request`: itself, or the
    /// library's swap of its swap_id (with the request's kind, when set, in
    /// place of the library's), as SwapService does. Unknown id: NOT_FOUND.
    fn resolve_swap(&self, request: &pb::EvaluateSwapRequest) -> Result<SwapSubject, Status> {
        let (request, source) = resolve_swap(&self.swaps, request)?;
        Ok(SwapSubject {
            request,
            source,
            library_version: self.swaps.version().to_string(),
        })
    }
}

#[tonic::async_trait]
impl pb::chart_service_server::ChartService for ChartApi {
    async fn render_chart(
        &self,
        request: Request<pb::RenderChartRequest>,
    ) -> Result<Response<pb::RenderChartResponse>, Status> {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let settlement = match request.subject.as_ref() {
            Some(pb::render_chart_request::Subject::Settlement(settlement)) => {
                let (request, source) = resolve_settlement(&self.library, settlement)?;
                Some(SettlementSubject { request, source })
            }
            _ => None,
        };
        let swap = match request.subject.as_ref() {
            Some(pb::render_chart_request::Subject::Swap(swap)) => Some(self.resolve_swap(swap)?),
            _ => None,
        };
        let shared = self.shared.clone();
        let response = self
            .compute
            .run(&metadata, move || {
                let ctx = shared.context();
                Ok(render_chart(&request, settlement, swap, &ctx)?)
            })
            .await?;
        Ok(Response::new(response))
    }
}
