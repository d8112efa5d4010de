//! The `debtcalc.v1.RestructuringService` handlers: parse, compute, render.

use tonic::{Request, Response, Status};

use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::{schedule, split};
use crate::domain::schedule::build_schedule;
use crate::domain::split::split_claim;

/// Implements the generated service trait over the domain functions.
#[derive(Debug, Default, Clone)]
pub struct RestructuringApi;

#[tonic::async_trait]
impl pb::restructuring_service_server::RestructuringService for RestructuringApi {
    async fn split_claim(
        &self,
        request: Request<pb::SplitClaimRequest>,
    ) -> Result<Response<pb::SplitClaimResponse>, Status> {
        let request = request.into_inner();
        let input = split::parse_request(&request)?;
        let result =
            split_claim(&input).map_err(|e| ApiError::from_domain(e, &["claim.amount"]))?;
        Ok(Response::new(split::render_response(
            &request, &input, &result,
        )))
    }

    async fn build_schedule(
        &self,
        request: Request<pb::BuildScheduleRequest>,
    ) -> Result<Response<pb::BuildScheduleResponse>, Status> {
        let input = schedule::parse_request(request.get_ref())?;
        let result = build_schedule(&input.principal, &input.terms)
            .map_err(|e| ApiError::from_domain(e, &["principal.amount", "terms"]))?;
        Ok(Response::new(schedule::render_response(&input, &result)))
    }
}
