//! The `debtcalc.v1.ReconciliationService` handlers over the reference data
//! loaded at start.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::reconciliation;
use crate::domain::reconciliation::{convert, reconcile, ReferenceData};
use crate::server::compute::ComputePool;

/// Implements the generated service trait; holds the reference data.
#[derive(Debug, Clone)]
pub struct ReconciliationApi {
    data: Arc<ReferenceData>,
    /// "builtin" or the operator's file, echoed in responses.
    source: Arc<str>,
    /// Where the computations run.
    compute: ComputePool,
}

impl ReconciliationApi {
    pub fn new(data: ReferenceData, source: impl Into<Arc<str>>) -> Self {
        Self {
            data: Arc::new(data),
            source: source.into(),
            compute: ComputePool::default(),
        }
    }

    /// The same handlers computing on `compute` (shared with the other
    /// services).
    pub fn with_compute(self, compute: ComputePool) -> Self {
        Self { compute, ..self }
    }
}

#[tonic::async_trait]
impl pb::reconciliation_service_server::ReconciliationService for ReconciliationApi {
    async fn list_conversion_bases(
        &self,
        request: Request<pb::ListConversionBasesRequest>,
    ) -> Result<Response<pb::ListConversionBasesResponse>, Status> {
        Ok(Response::new(reconciliation::list_bases(
            request.get_ref(),
            &self.data,
            &self.source,
        )?))
    }

    async fn convert_claim(
        &self,
        request: Request<pb::ConvertClaimRequest>,
    ) -> Result<Response<pb::ConvertClaimResponse>, Status> {
        let input = reconciliation::parse_convert(request.get_ref(), &self.data)?;
        let response = self
            .compute
            .run(request.metadata(), move || {
                let result = convert(
                    &input.amount,
                    &input.conversion,
                    input.redenomination.as_ref(),
                    input.target,
                    input.rounding,
                )
                .map_err(|e| ApiError::from_domain(e, &["amount", "conversion"]))?;
                Ok(reconciliation::render_convert(&result))
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn reconcile_valuations(
        &self,
        request: Request<pb::ReconcileValuationsRequest>,
    ) -> Result<Response<pb::ReconcileValuationsResponse>, Status> {
        let input = reconciliation::parse_reconcile(request.get_ref(), &self.data)?;
        let source = self.source.clone();
        let response = self
            .compute
            .run(request.metadata(), move || {
                let result = reconcile(&input.claim, &input.parties, input.target, input.rounding)
                    .map_err(|e| ApiError::from_domain(e, &["claim", "parties"]))?;
                Ok(reconciliation::render_reconcile(&input, &result, &source))
            })
            .await?;
        Ok(Response::new(response))
    }
}
