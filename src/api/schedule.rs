//! BuildSchedule: request validation and response rendering.

use super::convert;
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::money::Money;
use crate::domain::schedule::{DayCount, Installment, LoanTerms, Schedule, MAX_PERIODS};

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
        conventions: Some(conventions(&input.terms)),
        warnings: Vec::new(), // filled in by the handler (api::warnings)
    }
}

/// How a level payment is solved, echoed in the conventions.
pub const LEVEL_PAYMENT_METHOD: &str = "P with nothing outstanding after the last period, each \
remaining period growing by 1 + rate x its day-count year fraction (the current rate held for \
later periods; re-solved when the rate changes, and after a period whose interest exceeds the \
payment when the rounding residue has moved the solved payment by more than 1%); the rounding of the exact P to the minor unit, \
decided from an f64 estimate with a proven relative error below (16 m + 16) 2^-53 for m periods \
or, when a rounding boundary lies within that error, in exact rational arithmetic";

/// The conventions every schedule follows beyond its terms.
pub fn conventions(terms: &LoanTerms) -> pb::ScheduleConventions {
    pb::ScheduleConventions {
        provenance: None, // set by the RPC's handler (see api::provenance)
        business_day_adjustment: terms.business_days.convention.to_string(),
        weekend: "SATURDAY_SUNDAY".into(),
        fixing_rule: if terms.rate.floating.is_some() {
            "LAST_FIXING_ON_OR_BEFORE_ACCRUAL_START_PLUS_MARGIN".into()
        } else {
            String::new()
        },
        principal_residue: "LAST_INSTALLMENT".into(),
        level_payment_rate: "ANNUAL_RATE_TIMES_PERIOD_YEAR_FRACTION".into(),
        max_periods: Some(MAX_PERIODS),
        level_payment_method: LEVEL_PAYMENT_METHOD.into(),
        irregular_periods: match terms.day_count {
            DayCount::Periodic | DayCount::ActActIcma => {
                "PRORATED_AGAINST_NOTIONAL_REGULAR_PERIODS"
            }
            _ => "DAY_COUNT_OF_ITS_DATES",
        }
        .into(),
    }
}

fn installment_to_pb(installment: &Installment) -> pb::Installment {
    pb::Installment {
        number: Some(installment.number),
        due_date: Some(convert::date_to_pb(installment.due_date)),
        accrual_start_date: Some(convert::date_to_pb(installment.accrual_start)),
        accrual_end_date: Some(convert::date_to_pb(installment.accrual_end)),
        annual_rate: installment.rate.to_string(),
        principal: Some(convert::money_to_pb(&installment.principal)),
        interest: Some(convert::money_to_pb(&installment.interest)),
        capitalized_interest: Some(convert::money_to_pb(&installment.capitalized_interest)),
        payment: Some(convert::money_to_pb(&installment.payment)),
        outstanding_after: Some(convert::money_to_pb(&installment.outstanding_after)),
        rate_segments: if installment.segments.len() > 1 {
            installment
                .segments
                .iter()
                .map(|part| pb::RateSegment {
                    start_date: Some(convert::date_to_pb(part.start)),
                    end_date: Some(convert::date_to_pb(part.end)),
                    annual_rate: part.annual_rate.to_string(),
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}
