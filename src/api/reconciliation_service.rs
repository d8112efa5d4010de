//! The `debtcalc.v1.ReconciliationService` handlers over the reference data
//! loaded at start.

use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::claim_conversion;
use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::reconciliation;
use crate::api::compute::ComputePool;
use crate::domain::reconciliation::{convert, reconcile, ReferenceData};

/// ConvertClaim: parse, compute, render. The RPC and AnalyzeSettlement's
/// conversions both run this, so their figures are the same by
/// construction.
pub(crate) fn convert_claim_response(
    request: &pb::ConvertClaimRequest,
    data: &ReferenceData,
    provenance: &Provenance,
) -> Result<pb::ConvertClaimResponse, ApiError> {
    let input = claim_conversion::parse_convert(request, data)?;
    let result = convert(
        &input.amount,
        &input.conversion,
        input.redenomination.as_ref(),
        input.target,
        input.rounding,
    )
    .map_err(|e| ApiError::from_domain(e, &["amount", "conversion"]))?;
    let mut response = claim_conversion::render_convert(&result);
    response.provenance = provenance.to_pb();
    Ok(response)
}

/// ReconcileValuations: parse, compute, render (shared with
/// AnalyzeSettlement).
pub(crate) fn reconcile_valuations_response(
    request: &pb::ReconcileValuationsRequest,
    data: &ReferenceData,
    data_source: &str,
    provenance: &Provenance,
) -> Result<pb::ReconcileValuationsResponse, ApiError> {
    let input = reconciliation::parse_reconcile(request, data)?;
    let result = reconcile(&input.claim, &input.parties, input.target, input.rounding)
        .map_err(|e| ApiError::from_domain(e, &["claim", "parties"]))?;
    let mut response = reconciliation::render_reconcile(&input, &result, data_source);
    if let Some(conventions) = response.conventions.as_mut() {
        conventions.provenance = provenance.to_pb();
    }
    Ok(response)
}

/// Implements the generated service trait; holds the reference data.
#[derive(Debug, Clone)]
pub struct ReconciliationApi {
    data: Arc<ReferenceData>,
    /// "builtin" or the operator's file, echoed in responses.
    source: Arc<str>,
    /// Where the computations run.
    compute: ComputePool,
    /// Echoed in every response.
    provenance: Provenance,
}

impl ReconciliationApi {
    pub fn new(data: ReferenceData, source: impl Into<Arc<str>>, provenance: Provenance) -> Self {
        Self {
            data: Arc::new(data),
            source: source.into(),
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

#[tonic::async_trait]
impl pb::reconciliation_service_server::ReconciliationService for ReconciliationApi {
    async fn list_conversion_bases(
        &self,
        request: Request<pb::ListConversionBasesRequest>,
    ) -> Result<Response<pb::ListConversionBasesResponse>, Status> {
        let mut response =
            claim_conversion::list_bases(request.get_ref(), &self.data, &self.source)?;
        response.provenance = self.provenance.to_pb();
        Ok(Response::new(response))
    }

    async fn convert_claim(
        &self,
        request: Request<pb::ConvertClaimRequest>,
    ) -> Result<Response<pb::ConvertClaimResponse>, Status> {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let (data, provenance) = (self.data.clone(), self.provenance.clone());
        let response = self
            .compute
            .run(&metadata, move || {
                Ok(convert_claim_response(&request, &data, &provenance)?)
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn reconcile_valuations(
        &self,
        request: Request<pb::ReconcileValuationsRequest>,
    ) -> Result<Response<pb::ReconcileValuationsResponse>, Status> {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let (data, source) = (self.data.clone(), self.source.clone());
        let provenance = self.provenance.clone();
        let response = self
            .compute
            .run(&metadata, move || {
                Ok(reconcile_valuations_response(
                    &request,
                    &data,
                    &source,
                    &provenance,
                )?)
            })
            .await?;
        Ok(Response::new(response))
    }
}
