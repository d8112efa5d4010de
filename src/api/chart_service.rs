//! The `debtcalc.v1.ChartService` handler: resolves a settlement of the
//! library, then computes and draws on the compute pool.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::chart::{render_chart, SettlementSubject};
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::settlement::Context;
use super::settlement_library::SettlementLibrary;
use super::settlement_service::resolve_settlement;
use crate::api::compute::ComputePool;
use crate::domain::reconciliation::ReferenceData;

/// Implements the generated service trait; holds what the subjects need:
/// the settlement library and the reference data.
#[derive(Debug, Clone)]
pub struct ChartApi {
    library: Arc<SettlementLibrary>,
    data: Arc<ReferenceData>,
    data_source: Arc<str>,
    /// Where the computations and the drawing run.
    compute: ComputePool,
    /// Echoed in every response.
    provenance: Provenance,
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
            data,
            data_source: data_source.into(),
            compute: ComputePool::default(),
            provenance,
        }
    }

    /// The same handler computing on `compute` (shared with the other
    /// services).
    pub fn with_compute(self, compute: ComputePool) -> Self {
        Self { compute, ..self }
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
        let (data, data_source) = (self.data.clone(), self.data_source.clone());
        let provenance = self.provenance.clone();
        let response = self
            .compute
            .run(&metadata, move || {
                let ctx = Context {
                    data: &data,
                    data_source: &data_source,
                    provenance: &provenance,
                };
                Ok(render_chart(&request, settlement, &ctx)?)
            })
            .await?;
        Ok(Response::new(response))
    }
}
