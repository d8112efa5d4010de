//! The accrual of a loan's schedule: the context its day count needs (the
//! schedule's anchor, roll and maturity) and the exact year fraction of an
//! accrual period. Apart from `day_count` so that the day counts need not
//! know the loan terms.

use chrono::NaiveDate;

use super::day_count::ScheduleContext;
use super::terms::LoanTerms;
use crate::domain::error::DomainError;
use crate::domain::time::calendar::add_months;

impl ScheduleContext {
    /// The context of the schedule of `terms`: anchored at the first payment
    /// date, maturing at the last due date.
    pub fn of(terms: &LoanTerms) -> Result<Self, DomainError> {
        let periods = terms.period_count()?;
        let maturity = add_months(
            terms.first_payment_date,
            i64::from(periods - 1) * i64::from(terms.frequency.months_per_period()),
            terms.end_of_month,
            "payment date",
        )?;
        Ok(Self {
            frequency: terms.frequency,
            anchor: terms.first_payment_date,
            end_of_month: terms.end_of_month,
            maturity: Some(maturity),
        })
    }
}

/// The exact year fraction of `start..end` (an accrual period, or part of
/// one) of the schedule of `terms`, under its day count: what the engine
/// multiplies the outstanding and the rate by.
pub fn accrual_fraction(
    terms: &LoanTerms,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(i64, i64), DomainError> {
    terms
        .day_count
        .year_fraction_ratio(start, end, &ScheduleContext::of(terms)?)
}
