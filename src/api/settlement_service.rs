//! The `debtcalc.v1.SettlementService` handlers over the settlement library
//! and the reference data loaded at start.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::settlement::{analyze, with_overrides, ContextData};
use super::settlement_library::SettlementLibrary;
use crate::api::compute::ComputePool;
use crate::domain::reconciliation::ReferenceData;

/// Implements the generated service trait; holds the library and the
/// reference data.
#[derive(Debug, Clone)]
pub struct SettlementApi {
    library: Arc<SettlementLibrary>,
    /// The reference data and the provenance every step uses.
    shared: ContextData,
    /// Where the computations run.
    compute: ComputePool,
}

impl SettlementApi {
    pub fn new(
        library: SettlementLibrary,
        data: Arc<ReferenceData>,
        data_source: impl Into<Arc<str>>,
        provenance: Provenance,
    ) -> Self {
        Self {
            library: Arc::new(library),
            shared: ContextData::new(data, data_source, provenance),
            compute: ComputePool::default(),
        }
    }

    /// The same handlers computing on `compute` (shared with the other
    /// services).
    pub fn with_compute(self, compute: ComputePool) -> Self {
        Self { compute, ..self }
    }

    /// The settlement library (shared with RenderChart).
    pub fn library(&self) -> Arc<SettlementLibrary> {
        self.library.clone()
    }
}

/// The request AnalyzeSettlement analyses: `request` itself, or the
/// library's request of its settlement_id with its sections in place; and
/// where it came from ("request" or "library:<id>"). Unknown id: NOT_FOUND.
pub(crate) fn resolve_settlement(
    library: &SettlementLibrary,
    request: &pb::AnalyzeSettlementRequest,
) -> Result<(pb::AnalyzeSettlementRequest, String), Status> {
    if request.settlement_id.is_empty() {
        return Ok((request.clone(), "request".to_string()));
    }
    let settlement = library
        .get(&request.settlement_id)
        .ok_or_else(|| not_found(library, &request.settlement_id))?;
    let base = settlement.request.clone().unwrap_or_default();
    Ok((
        with_overrides(&base, request),
        format!("library:{}", settlement.id),
    ))
}

fn not_found(library: &SettlementLibrary, id: &str) -> Status {
    let known: Vec<_> = library.all().map(|s| s.id.as_str()).collect();
    Status::not_found(format!(
        "no settlement {:?} in the library (known: {})",
        super::convert::truncate(id),
        known.join(", ")
    ))
}

#[tonic::async_trait]
impl pb::settlement_service_server::SettlementService for SettlementApi {
    async fn analyze_settlement(
        &self,
        request: Request<pb::AnalyzeSettlementRequest>,
    ) -> Result<Response<pb::AnalyzeSettlementResponse>, Status> {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let (effective, source) = resolve_settlement(&self.library, &request)?;
        let shared = self.shared.clone();
        let response = self
            .compute
            .run(&metadata, move || {
                let ctx = shared.context();
                Ok(analyze(&effective, &ctx, source)?)
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn list_settlements(
        &self,
        _request: Request<pb::ListSettlementsRequest>,
    ) -> Result<Response<pb::ListSettlementsResponse>, Status> {
        Ok(Response::new(pb::ListSettlementsResponse {
            settlements: self
                .library
                .all()
                .map(|s| pb::SettlementSummary {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    sources: s.sources.clone(),
                })
                .collect(),
            data_source: self.library.source().to_string(),
            provenance: self.shared.provenance.to_pb(),
        }))
    }

    async fn get_settlement(
        &self,
        request: Request<pb::GetSettlementRequest>,
    ) -> Result<Response<pb::GetSettlementResponse>, Status> {
        let id = &request.get_ref().id;
        let settlement = self
            .library
            .get(id)
            .ok_or_else(|| not_found(&self.library, id))?;
        Ok(Response::new(pb::GetSettlementResponse {
            settlement: Some(settlement.clone()),
            data_source: self.library.source().to_string(),
            provenance: self.shared.provenance.to_pb(),
        }))
    }
}
