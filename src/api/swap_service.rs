//! The `debtcalc.v1.SwapService` handlers over the swap library.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::swap::{evaluate, kind_name, Context};
use super::swap_library::SwapLibrary;
use crate::api::compute::ComputePool;

/// Implements the generated service trait; holds the library.
#[derive(Debug, Clone)]
pub struct SwapApi {
    library: Arc<SwapLibrary>,
    /// Where the computations run.
    compute: ComputePool,
    /// Echoed in every response.
    provenance: Provenance,
}

impl SwapApi {
    pub fn new(library: SwapLibrary, provenance: Provenance) -> Self {
        Self {
            library: Arc::new(library),
            compute: ComputePool::default(),
            provenance,
        }
    }

    /// The same handlers computing on `compute` (shared with the other
    /// services).
    pub fn with_compute(self, compute: ComputePool) -> Self {
        Self { compute, ..self }
    }
}

/// The swap EvaluateSwap evaluates for `request`, and where it comes from:
/// the request itself, or the library's swap of its `swap_id` with the
/// request's kind, when set, in place of the library's. Unknown id:
/// NOT_FOUND naming the known ones. Shared by SwapService and ChartService.
pub(crate) fn resolve_swap(
    library: &SwapLibrary,
    request: &pb::EvaluateSwapRequest,
) -> Result<(pb::EvaluateSwapRequest, String), Status> {
    if request.swap_id.is_empty() {
        return Ok((request.clone(), "request".to_string()));
    }
    let swap = library
        .get(&request.swap_id)
        .ok_or_else(|| not_found(library, &request.swap_id))?;
    let mut base = swap.request.clone().unwrap_or_default();
    if request.kind.is_some() {
        base.kind = request.kind.clone();
    }
    base.swap_id = swap.id.clone();
    Ok((base, format!("library:{}", swap.id)))
}

fn not_found(library: &SwapLibrary, id: &str) -> Status {
    let known: Vec<_> = library.all().map(|s| s.id.as_str()).collect();
    Status::not_found(format!(
        "no swap {:?} in the library (known: {})",
        super::convert::truncate(id),
        known.join(", ")
    ))
}

#[tonic::async_trait]
impl pb::swap_service_server::SwapService for SwapApi {
    async fn evaluate_swap(
        &self,
        request: Request<pb::EvaluateSwapRequest>,
    ) -> Result<Response<pb::EvaluateSwapResponse>, Status> {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let (effective, source) = resolve_swap(&self.library, &request)?;
        let library = self.library.clone();
        let provenance = self.provenance.clone();
        let response = self
            .compute
            .run(&metadata, move || {
                let ctx = Context {
                    provenance: Some(&provenance),
                    library_version: library.version(),
                };
                Ok(evaluate(&effective, source, &ctx)?)
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn list_swaps(
        &self,
        _request: Request<pb::ListSwapsRequest>,
    ) -> Result<Response<pb::ListSwapsResponse>, Status> {
        Ok(Response::new(pb::ListSwapsResponse {
            swaps: self
                .library
                .all()
                .map(|s| pb::SwapSummary {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    kind: s
                        .request
                        .as_ref()
                        .and_then(kind_name)
                        .unwrap_or_default()
                        .to_string(),
                    sources: s.sources.clone(),
                })
                .collect(),
            data_source: self.library.source().to_string(),
            swap_library_version: self.library.version().to_string(),
            provenance: self.provenance.to_pb(),
        }))
    }

    async fn get_swap(
        &self,
        request: Request<pb::GetSwapRequest>,
    ) -> Result<Response<pb::GetSwapResponse>, Status> {
        let id = &request.get_ref().id;
        let swap = self
            .library
            .get(id)
            .ok_or_else(|| not_found(&self.library, id))?;
        Ok(Response::new(pb::GetSwapResponse {
            swap: Some(swap.clone()),
            data_source: self.library.source().to_string(),
            swap_library_version: self.library.version().to_string(),
            provenance: self.provenance.to_pb(),
        }))
    }
}
