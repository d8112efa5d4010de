//! The repayment-schedule engine: from a principal and loan terms to every
//! period's principal, interest, payment and outstanding.

use chrono::NaiveDate;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use rust_decimal::Decimal;

use super::accrual::accrual_fraction;
use super::annuity::LevelPaymentSolver;
use super::business_days::AccrualDates;
use super::dates::{first_accrual_start, payment_dates};
use super::day_count::DayCount;
use super::growth::Growth;
use super::rate_index::RateIndex;
use super::terms::{Amortization, GraceInterest, LoanTerms, RateSegment};
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::{mantissa, Money};
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// One period of a schedule (a grace period or a principal instalment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installment {
    /// Period number, 1-based; grace periods count.
    pub number: u32,
    /// Due date, adjusted by the terms' business-day convention.
    pub due_date: NaiveDate,
    /// Start of the accrual period (the previous period's accrual end, or
    /// the first accrual start for period 1).
    pub accrual_start: NaiveDate,
    /// End of the accrual period: the due date, or the unadjusted due date
    /// with [`AccrualDates::Unadjusted`].
    pub accrual_end: NaiveDate,
    /// Annual rate applied to the period (at its accrual start, when a rate
    /// step splits it).
    pub rate: Decimal,
    /// The parts of the accrual period at one rate each: one segment, or
    /// more when a dated step splits the period
    /// ([`super::terms::RateStepTiming::SplitPeriod`]).
    pub segments: Vec<RateSegment>,
    /// Principal repaid in the period.
    pub principal: Money,
    /// Interest accrued over the period (capitalised or paid).
    pub interest: Money,
    /// The part of `interest` added to the outstanding instead of paid: all
    /// of it in a capitalised grace period, the part above a level payment
    /// (negative amortisation), otherwise zero.
    pub capitalized_interest: Money,
    /// Amount due: `principal + interest - capitalized_interest`.
    pub payment: Money,
    /// Outstanding after the period: before it, plus capitalised interest,
    /// less principal.
    pub outstanding_after: Money,
}

/// A complete schedule and its column totals (each the exact sum of its
/// column; `total_payment = total_principal + total_interest -
/// total_capitalized_interest` and `total_principal = principal +
/// total_capitalized_interest`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub installments: Vec<Installment>,
    pub total_principal: Money,
    pub total_interest: Money,
    pub total_payment: Money,
    pub total_capitalized_interest: Money,
}

/// Builds the schedule of a loan of `principal` on `terms`.
///
/// All amounts are whole minor units of the principal's currency held in big
/// integers, so nothing overflows or is truncated on the way; each figure
/// that is rounded (interest, an instalment, a level payment) is rounded
/// once from its exact value with `terms.rounding`. A figure outside the
/// decimal range is a [`DomainError::Overflow`]. See the module
/// documentation of [`super`] for the conventions.
pub fn build_schedule(principal: &Money, terms: &LoanTerms) -> Result<Schedule, DomainError> {
    let periods = terms.check()?;
    let currency = principal.currency;
    let mut outstanding = principal.to_minor_units().ok_or(DomainError::Overflow {
        quantity: "principal",
    })?;
    if outstanding.is_negative() {
        return Err(DomainError::InvalidTerms {
            reason: "principal must not be negative",
        });
    }
    let (dates, starts, ends) = period_dates(terms)?;
    if let Some(floating) = &terms.rate.floating {
        if starts.first().and_then(|s| floating.rate_on(*s)).is_none() {
            return Err(DomainError::InvalidTerms {
                reason: "no fixing is dated on or before the first accrual start",
            });
        }
    }
    // The year fraction of every accrual period, known up front so that a
    // level payment can be solved on the fractions of the periods to come.
    let fractions: Vec<(i64, i64)> = starts
        .iter()
        .zip(&ends)
        .map(|(start, end)| accrual_fraction(terms, *start, *end))
        .collect::<Result<_, _>>()?;
    // Shared by every re-solve: the runs of equal fractions, memoised per
    // rate, so that a rate change costs a bounded number of operations.
    let mut solver = LevelPaymentSolver::new(&fractions);
    let rates = RateIndex::new(&terms.rate);
    let grace = terms.grace_periods;
    let count = terms.installment_count;
    let mut end_of_grace_amount: Option<BigInt> = None;
    // The rate a level payment was last solved at, and the payment.
    let mut level: Option<(Decimal, BigInt)> = None;
    // Whether the last level payment fell short of its period's interest.
    let mut short = false;
    let mut totals = Totals::default();
    let mut installments = Vec::with_capacity(periods as usize);

    for (index, (number, due_date)) in (1..=periods).zip(dates.iter().copied()).enumerate() {
        // A period may re-solve the level payment: a step the caller can
        // cancel.
        crate::domain::cancel::check()?;
        let accrual_start = starts[index];
        let accrual_end = ends[index];
        let segments = rates.segments(number, accrual_start, accrual_end);
        let rate = segments
            .first()
            .map_or(terms.rate.initial, |s| s.annual_rate);
        // The rate in force at the end of the period, held for later ones.
        let held = segments.last().map_or(rate, |s| s.annual_rate);
        let growth = match segments.as_slice() {
            [single] => Growth::of(single.annual_rate, fractions[index]),
            parts => parts.iter().try_fold(Growth::zero(), |sum, part| {
                Ok::<_, DomainError>(sum.plus(&Growth::of(
                    part.annual_rate,
                    part_fraction(terms, part, accrual_start, accrual_end, fractions[index])?,
                )))
            })?,
        };
        let interest = growth.interest(&outstanding, terms.rounding);
        let (principal_part, capitalized) = if number <= grace {
            let capitalized = match terms.grace_interest {
                GraceInterest::Paid => BigInt::zero(),
                GraceInterest::Capitalized => interest.clone(),
            };
            (BigInt::zero(), capitalized)
        } else {
            // j-th principal instalment, 1..=count.
            let j = number - grace;
            if j == count {
                (outstanding.clone(), BigInt::zero())
            } else if let Amortization::LevelPayment = terms.amortization {
                let payment = match &level {
                    Some((solved_at, payment))
                        if segments.len() == 1 && *solved_at == rate && !short =>
                    {
                        payment.clone()
                    }
                    _ => {
                        // Solved on the actual fractions of this period and
                        // of every later one, at the current rate.
                        let fresh =
                            solver.solve(&outstanding, &growth, held, index + 1, terms.rounding)?;
                        // After a shortfall at an unchanged rate, the payment
                        // stays level unless the rounding residue has grown
                        // to move the solved payment by more than 1% (only
                        // at extreme rates over long terms does it).
                        let payment = match &level {
                            Some((solved_at, old))
                                if short
                                    && *solved_at == held
                                    && (&fresh - old).abs() * 100 <= old.abs() =>
                            {
                                old.clone()
                            }
                            _ => fresh,
                        };
                        level = Some((held, payment.clone()));
                        payment
                    }
                };
                let split = level_split(&payment, &interest, &outstanding);
                // The payment fell short of the interest: the shortfall is
                // capitalised, and the payment is checked against one solved
                // afresh on the new outstanding in the next period. Without
                // this, a rounding residue of half a minor unit grows by
                // every later period's factor, which at high rates over long
                // terms is beyond any amount (3.49^55 at 249% a year).
                short = !split.1.is_zero();
                split
            } else {
                let amount = end_of_grace_amount.get_or_insert_with(|| outstanding.clone());
                let scheduled =
                    scheduled_principal(amount, &terms.amortization, count, j, terms.rounding);
                (clamp(scheduled, &outstanding), BigInt::zero())
            }
        };
        let payment = &principal_part + &interest - &capitalized;
        outstanding = outstanding + &capitalized - &principal_part;
        if outstanding.is_negative() {
            return Err(DomainError::InvalidTerms {
                reason: "capitalised negative interest exceeds the outstanding",
            });
        }
        let money = |minor: &BigInt, quantity| Money::from_minor_units(currency, minor, quantity);
        installments.push(Installment {
            number,
            due_date,
            accrual_start,
            accrual_end,
            rate,
            segments,
            principal: money(&principal_part, "principal instalment")?,
            interest: money(&interest, "interest")?,
            capitalized_interest: money(&capitalized, "capitalized interest")?,
            payment: money(&payment, "payment")?,
            outstanding_after: money(&outstanding, "outstanding")?,
        });
        totals.principal += principal_part;
        totals.interest += interest;
        totals.capitalized += capitalized;
        totals.payment += payment;
    }
    totals.into_schedule(currency, installments)
}

/// The due dates (adjusted) and the accrual starts and ends of every period.
/// Accrual follows the adjusted due dates (and a first accrual start derived
/// from the first payment date is adjusted too; a given one is used as
/// given), or with [`AccrualDates::Unadjusted`] the unadjusted dates. Due
/// dates must stay strictly increasing and every accrual period non-empty,
/// or the holidays have swallowed a period: [`DomainError::InvalidTerms`].
#[allow(clippy::type_complexity)]
fn period_dates(
    terms: &LoanTerms,
) -> Result<(Vec<NaiveDate>, Vec<NaiveDate>, Vec<NaiveDate>), DomainError> {
    let rule = &terms.business_days;
    let unadjusted = payment_dates(terms)?;
    let first_start = first_accrual_start(terms)?;
    let dates = unadjusted
        .iter()
        .map(|date| rule.adjust(*date))
        .collect::<Result<Vec<_>, _>>()?;
    let (first_start, ends) = match rule.accrual {
        AccrualDates::Adjusted if terms.accrual_start.is_none() => {
            (rule.adjust(first_start)?, dates.clone())
        }
        AccrualDates::Adjusted => (first_start, dates.clone()),
        AccrualDates::Unadjusted => (first_start, unadjusted),
    };
    let starts: Vec<NaiveDate> = std::iter::once(first_start)
        .chain(ends.iter().copied())
        .take(ends.len())
        .collect();
    let increasing = dates.windows(2).all(|pair| pair[0] < pair[1])
        && starts.iter().zip(&ends).all(|(start, end)| start < end);
    if !increasing {
        return Err(DomainError::InvalidTerms {
            reason: "business-day adjustment makes two due dates meet or an accrual period empty",
        });
    }
    Ok((dates, starts, ends))
}

/// The start of the first accrual period as the schedule uses it (adjusted
/// when accrual follows adjusted dates and the start is derived).
pub fn first_accrual_start_used(terms: &LoanTerms) -> Result<NaiveDate, DomainError> {
    let (_, starts, _) = period_dates(terms)?;
    starts.first().copied().ok_or(DomainError::InvalidTerms {
        reason: "a schedule has at least one period",
    })
}

/// The year fraction of `part` of the accrual period `start..end`, whose
/// whole fraction is `period_fraction`: its own day-count fraction, or under
/// the periodic count the period's fraction x the part's share of the
/// period's actual days (the parts then add up to the period's fraction,
/// irregular periods included).
pub(crate) fn part_fraction(
    terms: &LoanTerms,
    part: &RateSegment,
    start: NaiveDate,
    end: NaiveDate,
    period_fraction: (i64, i64),
) -> Result<(i64, i64), DomainError> {
    match terms.day_count {
        DayCount::Periodic => {
            let days = |a: NaiveDate, b: NaiveDate| (b - a).num_days();
            let overflow = DomainError::Overflow {
                quantity: "rate segment fraction",
            };
            let numerator = period_fraction
                .0
                .checked_mul(days(part.start, part.end))
                .ok_or(overflow.clone())?;
            let denominator = period_fraction
                .1
                .checked_mul(days(start, end))
                .ok_or(overflow)?;
            Ok((numerator, denominator))
        }
        _ => accrual_fraction(terms, part.start, part.end),
    }
}

/// The principal instalment `j` (1-based, not the last) of an
/// equal-principal, bullet or custom-share profile on `amount`, the
/// outstanding at the end of grace.
fn scheduled_principal(
    amount: &BigInt,
    amortization: &Amortization,
    count: u32,
    j: u32,
    mode: RoundingMode,
) -> BigInt {
    match amortization {
        Amortization::EqualPrincipal => div_round(amount, &BigInt::from(count), mode),
        Amortization::CustomShares(shares) => match shares.get(j as usize - 1) {
            Some(share) => div_round(&(amount * mantissa(*share)), &pow10(share.scale()), mode),
            None => BigInt::zero(),
        },
        Amortization::Bullet | Amortization::LevelPayment => BigInt::zero(),
    }
}

/// The principal and capitalised parts of a level payment against the
/// period's interest: principal = payment - interest, limited to
/// `[0, outstanding]`; when the payment is below a positive interest (a long
/// period under an actual-day count, late in a long loan), the shortfall is
/// capitalised (negative amortisation) so that the payment stays level, as
/// the solved payment assumes.
fn level_split(payment: &BigInt, interest: &BigInt, outstanding: &BigInt) -> (BigInt, BigInt) {
    let principal = payment - interest;
    if principal.is_negative() && interest.is_positive() {
        let shortfall = -principal;
        let capitalized = if &shortfall > interest {
            interest.clone()
        } else {
            shortfall
        };
        (BigInt::zero(), capitalized)
    } else {
        (clamp(principal, outstanding), BigInt::zero())
    }
}

/// `value` limited to `[0, outstanding]`: an instalment never repays more
/// than is owed, nor lends more.
fn clamp(value: BigInt, outstanding: &BigInt) -> BigInt {
    if value.is_negative() {
        BigInt::zero()
    } else if &value > outstanding {
        outstanding.clone()
    } else {
        value
    }
}

#[derive(Default)]
struct Totals {
    principal: BigInt,
    interest: BigInt,
    capitalized: BigInt,
    payment: BigInt,
}

impl Totals {
    fn into_schedule(
        self,
        currency: Currency,
        installments: Vec<Installment>,
    ) -> Result<Schedule, DomainError> {
        Ok(Schedule {
            installments,
            total_principal: Money::from_minor_units(currency, &self.principal, "total principal")?,
            total_interest: Money::from_minor_units(currency, &self.interest, "total interest")?,
            total_payment: Money::from_minor_units(currency, &self.payment, "total payment")?,
            total_capitalized_interest: Money::from_minor_units(
                currency,
                &self.capitalized,
                "total capitalized interest",
            )?,
        })
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "engine_convention_tests.rs"]
mod convention_tests;

#[cfg(test)]
#[path = "engine_proptests.rs"]
mod proptests;
