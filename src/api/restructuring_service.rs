//! The `debtcalc.v1.RestructuringService` handlers: parse, compute, render.

use tonic::{Request, Response, Status};

use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::{schedule, solve, split, valuation};
use crate::domain::error::DomainError;
use crate::domain::schedule::{build_schedule, first_accrual_start};
use crate::domain::solver::solve_terms;
use crate::domain::split::split_claim;
use crate::domain::valuation::{assess_concessionality, value_restructuring, DebtStream};
use crate::server::compute::ComputePool;

/// Maps a domain error of a loan (a principal with its terms) to the fields
/// that drive it: dates run out of range from the first payment date, sums
/// overflow with the principal and the rate.
fn loan_error(error: DomainError) -> ApiError {
    let fields: &[&str] = match error {
        DomainError::DateOutOfRange { .. } => &["terms.first_payment_date"],
        DomainError::Overflow { .. } => &["principal.amount", "terms.annual_rate"],
        _ => &["terms"],
    };
    ApiError::from_domain(error, fields)
}

/// Implements the generated service trait over the domain functions; the
/// computations run on the compute pool.
#[derive(Debug, Default, Clone)]
pub struct RestructuringApi {
    compute: ComputePool,
}

impl RestructuringApi {
    /// Handlers that compute on `compute` (shared with the other services).
    pub fn new(compute: ComputePool) -> Self {
        Self { compute }
    }
}

#[tonic::async_trait]
impl pb::restructuring_service_server::RestructuringService for RestructuringApi {
    async fn split_claim(
        &self,
        request: Request<pb::SplitClaimRequest>,
    ) -> Result<Response<pb::SplitClaimResponse>, Status> {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let input = split::parse_request(&request)?;
        let response = self
            .compute
            .run(&metadata, move || {
                let result =
                    split_claim(&input).map_err(|e| ApiError::from_domain(e, &["claim.amount"]))?;
                Ok(split::render_response(&request, &input, &result))
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn build_schedule(
        &self,
        request: Request<pb::BuildScheduleRequest>,
    ) -> Result<Response<pb::BuildScheduleResponse>, Status> {
        let input = schedule::parse_request(request.get_ref())?;
        let response = self
            .compute
            .run(request.metadata(), move || {
                let result = build_schedule(&input.principal, &input.terms).map_err(loan_error)?;
                Ok(schedule::render_response(&input, &result))
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn value_restructuring(
        &self,
        request: Request<pb::ValueRestructuringRequest>,
    ) -> Result<Response<pb::ValueRestructuringResponse>, Status> {
        let input = valuation::parse_restructuring(request.get_ref())?;
        let response = self
            .compute
            .run(request.metadata(), move || {
                let result = value_restructuring(&input).map_err(valuation::valuation_error)?;
                Ok(valuation::render_restructuring(&input, &result)?)
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn assess_concessionality(
        &self,
        request: Request<pb::AssessConcessionalityRequest>,
    ) -> Result<Response<pb::AssessConcessionalityResponse>, Status> {
        let input = valuation::parse_concessionality(request.get_ref())?;
        let response = self
            .compute
            .run(request.metadata(), move || {
                let to_status = loan_error;
                let valuation_date = match input.valuation_date {
                    Some(date) => date,
                    None => first_accrual_start(&input.terms).map_err(to_status)?,
                };
                let loan = DebtStream::Loan {
                    principal: input.principal.clone(),
                    terms: input.terms.clone(),
                };
                let stream = loan.expand(valuation_date).map_err(to_status)?;
                let result = assess_concessionality(
                    input.principal.amount,
                    &stream.flows,
                    valuation_date,
                    &input.convention,
                    input.basis,
                )
                .map_err(to_status)?;
                Ok(valuation::render_concessionality(
                    &input,
                    valuation_date,
                    &result,
                )?)
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn solve_terms(
        &self,
        request: Request<pb::SolveTermsRequest>,
    ) -> Result<Response<pb::SolveTermsResponse>, Status> {
        let input = solve::parse_solve(request.get_ref())?;
        let response = self
            .compute
            .run(request.metadata(), move || {
                let outcome = solve_terms(&input.input).map_err(|e| {
                    ApiError::from_domain(
                        e,
                        &["old_claim", "terms", "target_reduction", "discounting"],
                    )
                })?;
                Ok(solve::render_solve(&input, &outcome)?)
            })
            .await?;
        Ok(Response::new(response))
    }

    async fn list_term_presets(
        &self,
        _request: Request<pb::ListTermPresetsRequest>,
    ) -> Result<Response<pb::ListTermPresetsResponse>, Status> {
        Ok(Response::new(solve::list_presets()))
    }
}
