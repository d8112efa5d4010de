//! The `debtcalc.v1.RestructuringService` handlers: parse, compute, render.

use tonic::{Request, Response, Status};

use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::{schedule, solve, split, sweep, valuation, warnings};
use crate::api::compute::ComputePool;
use crate::domain::error::DomainError;
use crate::domain::schedule::{build_schedule, first_accrual_start};
use crate::domain::solver::solve_terms;
use crate::domain::split::split_claim;
use crate::domain::valuation::{assess_concessionality, value_restructuring, DebtStream};

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

/// SplitClaim: parse, compute, render. The RPC and AnalyzeSettlement's
/// split both run this, so their figures are the same by construction.
pub(crate) fn split_claim_response(
    request: &pb::SplitClaimRequest,
    provenance: &Provenance,
) -> Result<pb::SplitClaimResponse, ApiError> {
    let input = split::parse_request(request)?;
    let result = split_claim(&input).map_err(|e| ApiError::from_domain(e, &["claim.amount"]))?;
    let mut response = split::render_response(request, &input, &result);
    if let Some(conventions) = response.conventions.as_mut() {
        conventions.provenance = provenance.to_pb();
    }
    Ok(response)
}

/// The cost bound of a SplitClaim (see
/// [`ComputePool::run_sized`](crate::api::compute::ComputePool::run_sized)):
/// its work grows with the number of programmes.
pub fn split_cost(request: &pb::SplitClaimRequest) -> usize {
    request.programs.len()
}

/// The cost bound of a ValueRestructuring: the periods and flows of both
/// streams plus the points of a zero curve. A preset stream's size is not
/// read from the request, so it always counts as large.
pub fn value_restructuring_cost(request: &pb::ValueRestructuringRequest) -> usize {
    let curve = match request.discounting.as_ref().and_then(|d| d.rate.as_ref()) {
        Some(pb::discounting::Rate::Curve(curve)) => curve.points.len(),
        _ => 0,
    };
    stream_cost(request.old_claim.as_ref())
        .saturating_add(stream_cost(request.new_debt.as_ref()))
        .saturating_add(curve)
}

fn stream_cost(stream: Option<&pb::DebtStream>) -> usize {
    use pb::debt_stream::Stream;
    match stream.and_then(|s| s.stream.as_ref()) {
        None | Some(Stream::DueAtValuation(_)) => 1,
        Some(Stream::CashFlows(list)) => list.flows.len(),
        Some(Stream::Loan(loan)) => loan.terms.as_ref().map_or(1, |t| {
            [
                t.installment_count.unwrap_or(0) as usize,
                t.grace_periods.unwrap_or(0) as usize,
                t.rate_steps.len(),
                t.holidays.len(),
                t.custom_shares.len(),
            ]
            .into_iter()
            .fold(1, usize::saturating_add)
        }),
        Some(Stream::Preset(_)) => usize::MAX,
    }
}

/// BuildSchedule: parse, compute, render (shared with AnalyzeSettlement).
pub(crate) fn build_schedule_response(
    request: &pb::BuildScheduleRequest,
    provenance: &Provenance,
) -> Result<pb::BuildScheduleResponse, ApiError> {
    let input = schedule::parse_request(request)?;
    let result = build_schedule(&input.principal, &input.terms).map_err(loan_error)?;
    let mut response = schedule::render_response(&input, &result);
    if let Some(conventions) = response.conventions.as_mut() {
        conventions.provenance = provenance.to_pb();
    }
    response.warnings = warnings::build_schedule(request);
    Ok(response)
}

/// ValueRestructuring: parse, compute, render (shared with
/// AnalyzeSettlement).
pub(crate) fn value_restructuring_response(
    request: &pb::ValueRestructuringRequest,
    provenance: &Provenance,
) -> Result<pb::ValueRestructuringResponse, ApiError> {
    let input = valuation::parse_restructuring(request)?;
    let result = value_restructuring(&input).map_err(valuation::valuation_error)?;
    let mut response = valuation::render_restructuring(&input, &result)?;
    if let Some(conventions) = response.conventions.as_mut() {
        conventions.provenance = provenance.to_pb();
    }
    response.warnings = warnings::value_restructuring(request, &input);
    Ok(response)
}

/// AssessConcessionality: parse, compute, render (shared with
/// AnalyzeSettlement).
pub(crate) fn assess_concessionality_response(
    request: &pb::AssessConcessionalityRequest,
    provenance: &Provenance,
) -> Result<pb::AssessConcessionalityResponse, ApiError> {
    let input = valuation::parse_concessionality(request)?;
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
    let mut response = valuation::render_concessionality(&input, valuation_date, &result)?;
    if let Some(conventions) = response.conventions.as_mut() {
        conventions.provenance = provenance.to_pb();
    }
    response.warnings = warnings::assess_concessionality(request);
    Ok(response)
}

/// Implements the generated service trait over the domain functions; the
/// computations run on the compute pool.
#[derive(Debug, Clone)]
pub struct RestructuringApi {
    compute: ComputePool,
    /// Echoed in every response.
    provenance: Provenance,
}

impl RestructuringApi {
    /// Handlers that compute on `compute` (shared with the other services)
    /// and answer with `provenance`.
    pub fn new(compute: ComputePool, provenance: Provenance) -> Self {
        Self {
            compute,
            provenance,
        }
    }

    /// The one shape of every calculation handler: `work` renders the
    /// request with this service's provenance on the compute pool (inline
    /// when `cost`, read from the request, is within the pool's inline
    /// bound), under the call's deadline and cancellation.
    async fn computed<Req, Resp, F>(
        &self,
        request: Request<Req>,
        cost: usize,
        work: F,
    ) -> Result<Response<Resp>, Status>
    where
        Req: Send + 'static,
        Resp: Send + 'static,
        F: FnOnce(&Req, &Provenance) -> Result<Resp, Status> + Send + 'static,
    {
        let metadata = request.metadata().clone();
        let request = request.into_inner();
        let provenance = self.provenance.clone();
        let response = self
            .compute
            .run_sized(&metadata, cost, move || work(&request, &provenance))
            .await?;
        Ok(Response::new(response))
    }
}

/// SolveTerms: compute and render a parsed request (the handler parses it
/// before the compute pool).
pub(crate) fn solve_terms_response(
    request: &pb::SolveTermsRequest,
    input: &solve::SolveRequestInput,
    provenance: &Provenance,
) -> Result<pb::SolveTermsResponse, ApiError> {
    let outcome = solve_terms(&input.input).map_err(|e| {
        ApiError::from_domain(
            e,
            &["old_claim", "terms", "target_reduction", "discounting"],
        )
    })?;
    let mut response = solve::render_solve(input, &outcome)?;
    response.warnings = warnings::solve_terms(request, &input.input);
    if let Some(solver) = response.solver.as_mut() {
        solver.provenance = provenance.to_pb();
    }
    if let Some(conventions) = response
        .valuation
        .as_mut()
        .and_then(|v| v.conventions.as_mut())
    {
        conventions.provenance = provenance.to_pb();
    }
    Ok(response)
}

#[tonic::async_trait]
impl pb::restructuring_service_server::RestructuringService for RestructuringApi {
    async fn split_claim(
        &self,
        request: Request<pb::SplitClaimRequest>,
    ) -> Result<Response<pb::SplitClaimResponse>, Status> {
        let cost = split_cost(request.get_ref());
        self.computed(request, cost, |request, provenance| {
            Ok(split_claim_response(request, provenance)?)
        })
        .await
    }

    async fn build_schedule(
        &self,
        request: Request<pb::BuildScheduleRequest>,
    ) -> Result<Response<pb::BuildScheduleResponse>, Status> {
        self.computed(request, usize::MAX, |request, provenance| {
            Ok(build_schedule_response(request, provenance)?)
        })
        .await
    }

    async fn value_restructuring(
        &self,
        request: Request<pb::ValueRestructuringRequest>,
    ) -> Result<Response<pb::ValueRestructuringResponse>, Status> {
        let cost = value_restructuring_cost(request.get_ref());
        self.computed(request, cost, |request, provenance| {
            Ok(value_restructuring_response(request, provenance)?)
        })
        .await
    }

    async fn assess_concessionality(
        &self,
        request: Request<pb::AssessConcessionalityRequest>,
    ) -> Result<Response<pb::AssessConcessionalityResponse>, Status> {
        self.computed(request, usize::MAX, |request, provenance| {
            Ok(assess_concessionality_response(request, provenance)?)
        })
        .await
    }

    async fn solve_terms(
        &self,
        request: Request<pb::SolveTermsRequest>,
    ) -> Result<Response<pb::SolveTermsResponse>, Status> {
        let input = solve::parse_solve(request.get_ref())?;
        self.computed(request, usize::MAX, move |request, provenance| {
            Ok(solve_terms_response(request, &input, provenance)?)
        })
        .await
    }

    async fn sweep_valuation(
        &self,
        request: Request<pb::SweepValuationRequest>,
    ) -> Result<Response<pb::SweepValuationResponse>, Status> {
        // Validation (which expands the old claim) and the whole grid run as
        // one call on the bounded compute pool; the domain checks the
        // call's cancellation flag once per cell.
        self.computed(request, usize::MAX, |request, provenance| {
            Ok(sweep::sweep_valuation_response(request, provenance)?)
        })
        .await
    }

    async fn list_term_presets(
        &self,
        _request: Request<pb::ListTermPresetsRequest>,
    ) -> Result<Response<pb::ListTermPresetsResponse>, Status> {
        let mut response = solve::list_presets();
        response.provenance = self.provenance.to_pb();
        Ok(Response::new(response))
    }
}
