//! BuildSchedule: request validation and response rendering.

use super::convert;
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::money::Money;
use crate::domain::schedule::{Installment, LoanTerms, Schedule, MAX_PERIODS};

/// A validated BuildSchedule request.
pub struct ScheduleInput {
    pub principal: Money,
    pub terms: LoanTerms,
}

/// Validates a request into the domain input, naming every bad field.
pub fn parse_request(request: &pb::BuildScheduleRequest) -> Result<ScheduleInput, ApiError> {
    let mut v = Violations::new();
    let loan = loan_terms::loan(
        &mut v,
        "",
        request.principal.as_ref(),
        request.terms.as_ref(),
    );
    v.finish(|| loan.map(|(principal, terms)| ScheduleInput { principal, terms }))
}

/// Renders a schedule with the terms as applied and its conventions.
pub fn render_response(input: &ScheduleInput, schedule: &Schedule) -> pb::BuildScheduleResponse {
    let accrual_start = schedule
        .installments
        .first()
        .map_or(input.terms.first_payment_date, |first| first.accrual_start);
    pb::BuildScheduleResponse {
        principal: Some(convert::money_to_pb(&input.principal)),
        installments: schedule
            .installments
            .iter()
            .map(installment_to_pb)
            .collect(),
        total_principal: Some(convert::money_to_pb(&schedule.total_principal)),
        total_interest: Some(convert::money_to_pb(&schedule.total_interest)),
        total_payment: Some(convert::money_to_pb(&schedule.total_payment)),
        total_capitalized_interest: Some(convert::money_to_pb(
            &schedule.total_capitalized_interest,
        )),
        resolved_terms: Some(loan_terms::to_pb(&input.terms, accrual_start)),
        conventions: Some(conventions()),
        warnings: Vec::new(), // filled in by the handler (api::warnings)
    }
}

/// The conventions every schedule follows beyond its terms.
pub fn conventions() -> pb::ScheduleConventions {
    pb::ScheduleConventions {
        business_day_adjustment: "UNADJUSTED".into(),
        principal_residue: "LAST_INSTALLMENT".into(),
        level_payment_rate: "ANNUAL_RATE_DIVIDED_BY_FREQUENCY".into(),
        max_periods: MAX_PERIODS,
    }
}

fn installment_to_pb(installment: &Installment) -> pb::Installment {
    pb::Installment {
        number: installment.number,
        due_date: Some(convert::date_to_pb(installment.due_date)),
        accrual_start_date: Some(convert::date_to_pb(installment.accrual_start)),
        annual_rate: installment.rate.to_string(),
        principal: Some(convert::money_to_pb(&installment.principal)),
        interest: Some(convert::money_to_pb(&installment.interest)),
        capitalized_interest: Some(convert::money_to_pb(&installment.capitalized_interest)),
        payment: Some(convert::money_to_pb(&installment.payment)),
        outstanding_after: Some(convert::money_to_pb(&installment.outstanding_after)),
    }
}
