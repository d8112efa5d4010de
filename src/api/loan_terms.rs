//! LoanTerms: validation into the domain's terms (with field paths), and the
//! echo of the terms as applied, every default filled in.

use rust_decimal::Decimal;

use super::convert::{self, unknown_enum};
use super::error::Violations;
use super::loan_conventions::{business_days, floating_rate};
use super::pb::debtcalc::v1 as pb;
use crate::domain::money::Money;
use crate::domain::schedule::{
    first_accrual_start_used, AccrualDates, Amortization, BusinessDayConvention, DayCount,
    Frequency, GraceInterest, InterestRate, LoanTerms, RateStart, RateStep, RateStepTiming,
    MAX_PERIODS,
};
use crate::domain::share::sums_to_one;

/// A loan: a positive principal at `{prefix}principal` and its terms at
/// `{prefix}terms` (prefix "" or "old_claim.loan."). Shared by every request
/// that takes a loan.
pub fn loan(
    v: &mut Violations,
    prefix: &str,
    principal: Option<&pb::Money>,
    terms: Option<&pb::LoanTerms>,
) -> Option<(Money, LoanTerms)> {
    let principal = convert::money(
        v,
        &format!("{prefix}principal"),
        principal,
        convert::Sign::Positive,
    );
    let terms = parse(v, &format!("{prefix}terms"), terms);
    Some((principal?, terms?))
}

/// Validates `terms` found at field path `field` ("terms", "new_debt.loan.terms").
pub fn parse(v: &mut Violations, field: &str, terms: Option<&pb::LoanTerms>) -> Option<LoanTerms> {
    let Some(terms) = terms else {
        v.add(field, "MISSING_FIELD", "is required");
        return None;
    };
    let at = |name: &str| format!("{field}.{name}");

    let first_payment_date = convert::date(
        v,
        &at("first_payment_date"),
        terms.first_payment_date.as_ref(),
    );
    let accrual_start = match &terms.accrual_start_date {
        None => Some(None),
        Some(date) => convert::date(v, &at("accrual_start_date"), Some(date)).map(Some),
    };
    if let (Some(first), Some(Some(start))) = (first_payment_date, accrual_start) {
        if start >= first {
            v.add(
                at("accrual_start_date"),
                "ACCRUAL_AFTER_FIRST_PAYMENT",
                format!("{start} must be before the first payment date {first}"),
            );
        }
    }
    let frequency = frequency(v, &at("frequency"), terms.frequency);

    let installment_count = terms.installment_count.unwrap_or(0);
    let grace_periods = terms.grace_periods.unwrap_or(0);
    let periods = u64::from(installment_count) + u64::from(grace_periods);
    let counts_valid = if installment_count == 0 {
        v.add(
            at("installment_count"),
            "MISSING_FIELD",
            "is required and must be at least 1",
        );
        false
    } else if periods > u64::from(MAX_PERIODS) {
        v.add(
            at("installment_count"),
            "TOO_MANY_PERIODS",
            format!(
                "grace_periods + installment_count is {periods}; at most {MAX_PERIODS} periods"
            ),
        );
        false
    } else {
        true
    };

    let grace_interest = match pb::GraceInterest::try_from(terms.grace_interest) {
        Ok(pb::GraceInterest::Unspecified | pb::GraceInterest::Paid) => Some(GraceInterest::Paid),
        Ok(pb::GraceInterest::Capitalized) => Some(GraceInterest::Capitalized),
        Err(_) => unknown_enum(
            v,
            &at("grace_interest"),
            "GraceInterest",
            terms.grace_interest,
        ),
    };

    let amortization = amortization(v, field, terms, counts_valid);
    let rate = interest_rate(v, field, terms, counts_valid.then_some(periods as u32));
    let day_count = match pb::DayCount::try_from(terms.day_count) {
        Ok(pb::DayCount::Unspecified | pb::DayCount::Periodic) => Some(DayCount::Periodic),
        Ok(pb::DayCount::Thirty360) => Some(DayCount::Thirty360),
        Ok(pb::DayCount::Act360) => Some(DayCount::Act360),
        Ok(pb::DayCount::Act365Fixed) => Some(DayCount::Act365Fixed),
        Ok(pb::DayCount::ActActIsda) => Some(DayCount::ActActIsda),
        Ok(pb::DayCount::Thirty360Us) => Some(DayCount::Thirty360Us),
        Ok(pb::DayCount::ThirtyE360) => Some(DayCount::ThirtyE360),
        Ok(pb::DayCount::ThirtyE360Isda) => Some(DayCount::ThirtyE360Isda),
        Ok(pb::DayCount::ActActIcma) => Some(DayCount::ActActIcma),
        Err(_) => unknown_enum(v, &at("day_count"), "DayCount", terms.day_count),
    };
    let rounding = convert::rounding_mode(v, &at("rounding_mode"), terms.rounding_mode);
    let business_days = business_days(v, field, terms);

    let terms = LoanTerms {
        first_payment_date: first_payment_date?,
        accrual_start: accrual_start?,
        frequency: frequency?,
        installment_count: counts_valid.then_some(installment_count)?,
        grace_periods,
        grace_interest: grace_interest?,
        amortization: amortization?,
        rate: rate?,
        day_count: day_count?,
        end_of_month: terms.end_of_month.unwrap_or(false),
        rounding: rounding?,
        business_days: business_days?,
    };
    if let Some(floating) = &terms.rate.floating {
        if let Ok(start) = first_accrual_start_used(&terms) {
            if floating.rate_on(start).is_none() {
                v.add(
                    format!("{field}.floating_rate.fixings[0].date"),
                    "NO_FIXING_AT_FIRST_ACCRUAL_START",
                    format!("no fixing is dated on or before the first accrual start {start}"),
                );
            }
        }
    }
    Some(terms)
}

/// The payment frequency; required.
pub fn frequency(v: &mut Violations, field: &str, raw: i32) -> Option<Frequency> {
    match pb::Frequency::try_from(raw) {
        Ok(pb::Frequency::Annual) => Some(Frequency::Annual),
        Ok(pb::Frequency::SemiAnnual) => Some(Frequency::SemiAnnual),
        Ok(pb::Frequency::Quarterly) => Some(Frequency::Quarterly),
        Ok(pb::Frequency::Monthly) => Some(Frequency::Monthly),
        Ok(pb::Frequency::Unspecified) => {
            v.add(
                field,
                "MISSING_FIELD",
                "is required (FREQUENCY_ANNUAL, _SEMI_ANNUAL, _QUARTERLY or _MONTHLY)",
            );
            None
        }
        Err(_) => unknown_enum(v, field, "Frequency", raw),
    }
}

fn amortization(
    v: &mut Violations,
    field: &str,
    terms: &pb::LoanTerms,
    counts_valid: bool,
) -> Option<Amortization> {
    let shares_field = format!("{field}.custom_shares");
    let kind = pb::Amortization::try_from(terms.amortization);
    if !matches!(kind, Ok(pb::Amortization::CustomShares)) && !terms.custom_shares.is_empty() {
        v.add(
            &shares_field,
            "UNEXPECTED_FIELD",
            "is only allowed with AMORTIZATION_CUSTOM_SHARES",
        );
        return None;
    }
    match kind {
        Ok(pb::Amortization::Unspecified | pb::Amortization::EqualPrincipal) => {
            Some(Amortization::EqualPrincipal)
        }
        Ok(pb::Amortization::LevelPayment) => Some(Amortization::LevelPayment),
        Ok(pb::Amortization::Bullet) => Some(Amortization::Bullet),
        Ok(pb::Amortization::CustomShares) => {
            if terms.custom_shares.len() > MAX_PERIODS as usize {
                v.add(
                    &shares_field,
                    "TOO_MANY_PERIODS",
                    format!("at most {MAX_PERIODS} shares"),
                );
                return None;
            }
            if counts_valid
                && terms.custom_shares.len() != terms.installment_count.unwrap_or(0) as usize
            {
                v.add(
                    &shares_field,
                    "SHARE_COUNT_MISMATCH",
                    format!(
                        "needs one share per instalment: {} shares for {} instalments",
                        terms.custom_shares.len(),
                        terms.installment_count.unwrap_or(0)
                    ),
                );
                return None;
            }
            let shares: Vec<Option<Decimal>> = terms
                .custom_shares
                .iter()
                .enumerate()
                .map(|(i, text)| convert::unit_interval(v, &format!("{shares_field}[{i}]"), text))
                .collect();
            let shares: Vec<Decimal> = shares.into_iter().collect::<Option<_>>()?;
            if !sums_to_one(&shares) {
                v.add(
                    &shares_field,
                    "SHARES_DO_NOT_SUM_TO_ONE",
                    "the shares must add up to exactly 1",
                );
                return None;
            }
            Some(Amortization::CustomShares(shares))
        }
        Err(_) => unknown_enum(
            v,
            &format!("{field}.amortization"),
            "Amortization",
            terms.amortization,
        ),
    }
}

fn interest_rate(
    v: &mut Violations,
    field: &str,
    terms: &pb::LoanTerms,
    periods: Option<u32>,
) -> Option<InterestRate> {
    if let Some(floating) = &terms.floating_rate {
        let floating = floating_rate(v, field, terms, floating)?;
        return Some(InterestRate {
            floating: Some(floating),
            ..InterestRate::fixed(Decimal::ZERO)
        });
    }
    let initial = if terms.annual_rate.is_empty() {
        Some(Decimal::ZERO)
    } else {
        rate(v, &format!("{field}.annual_rate"), &terms.annual_rate)
    };
    if terms.rate_steps.len() > MAX_PERIODS as usize {
        v.add(
            format!("{field}.rate_steps"),
            "TOO_MANY_STEPS",
            format!("at most {MAX_PERIODS} steps"),
        );
        return None;
    }
    let mut steps = Vec::with_capacity(terms.rate_steps.len());
    let mut valid = true;
    for (i, step) in terms.rate_steps.iter().enumerate() {
        let at = format!("{field}.rate_steps[{i}]");
        let start = match &step.start {
            None => {
                v.add(
                    format!("{at}.start_date"),
                    "MISSING_FIELD",
                    "one of start_date or start_period is required",
                );
                None
            }
            Some(pb::rate_step::Start::StartDate(date)) => {
                convert::date(v, &format!("{at}.start_date"), Some(date)).map(RateStart::Date)
            }
            Some(pb::rate_step::Start::StartPeriod(period)) => match periods {
                Some(total) if (1..=total).contains(period) => Some(RateStart::Period(*period)),
                Some(total) => {
                    v.add(
                        format!("{at}.start_period"),
                        "PERIOD_OUT_OF_RANGE",
                        format!("{period} is not a period of this schedule (1 to {total})"),
                    );
                    None
                }
                None => None,
            },
        };
        let annual_rate = rate(v, &format!("{at}.annual_rate"), &step.annual_rate);
        match (start, annual_rate) {
            (Some(start), Some(annual_rate)) => steps.push(RateStep { start, annual_rate }),
            _ => valid = false,
        }
    }
    let step_timing = match pb::RateStepTiming::try_from(terms.rate_step_timing) {
        Ok(pb::RateStepTiming::Unspecified | pb::RateStepTiming::NextPeriod) => {
            Some(RateStepTiming::NextPeriod)
        }
        Ok(pb::RateStepTiming::SplitPeriod) => Some(RateStepTiming::SplitPeriod),
        Err(_) => unknown_enum(
            v,
            &format!("{field}.rate_step_timing"),
            "RateStepTiming",
            terms.rate_step_timing,
        ),
    };
    Some(InterestRate {
        initial: initial?,
        steps: valid.then_some(steps)?,
        step_timing: step_timing?,
        floating: None,
    })
}

/// An annual rate: a decimal fraction greater than -1.
pub fn rate(v: &mut Violations, field: &str, text: &str) -> Option<Decimal> {
    let value = convert::decimal(v, field, text)?;
    if value <= Decimal::NEGATIVE_ONE {
        v.add(
            field,
            "RATE_NOT_ABOVE_MINUS_ONE",
            format!("must be greater than -1 (-100%), got {value}"),
        );
        return None;
    }
    Some(value)
}

/// The terms as applied: every default resolved, so that the echo alone
/// rebuilds the same schedule.
pub fn to_pb(terms: &LoanTerms, accrual_start: chrono::NaiveDate) -> pb::LoanTerms {
    pb::LoanTerms {
        first_payment_date: Some(convert::date_to_pb(terms.first_payment_date)),
        accrual_start_date: Some(convert::date_to_pb(accrual_start)),
        frequency: frequency_to_pb(terms.frequency) as i32,
        installment_count: Some(terms.installment_count),
        grace_periods: Some(terms.grace_periods),
        grace_interest: match terms.grace_interest {
            GraceInterest::Paid => pb::GraceInterest::Paid,
            GraceInterest::Capitalized => pb::GraceInterest::Capitalized,
        } as i32,
        amortization: amortization_to_pb(&terms.amortization) as i32,
        custom_shares: match &terms.amortization {
            Amortization::CustomShares(shares) => shares.iter().map(Decimal::to_string).collect(),
            _ => Vec::new(),
        },
        // Empty with a floating rate, which excludes it.
        annual_rate: if terms.rate.floating.is_some() {
            String::new()
        } else {
            terms.rate.initial.to_string()
        },
        floating_rate: terms
            .rate
            .floating
            .as_ref()
            .map(|floating| pb::FloatingRate {
                fixings: floating
                    .fixings
                    .iter()
                    .map(|f| pb::Fixing {
                        date: Some(convert::date_to_pb(f.date)),
                        rate: f.rate.to_string(),
                    })
                    .collect(),
                margin: floating.margin.to_string(),
            }),
        rate_steps: terms
            .rate
            .steps
            .iter()
            .map(|step| pb::RateStep {
                start: Some(match step.start {
                    RateStart::Date(date) => {
                        pb::rate_step::Start::StartDate(convert::date_to_pb(date))
                    }
                    RateStart::Period(period) => pb::rate_step::Start::StartPeriod(period),
                }),
                annual_rate: step.annual_rate.to_string(),
            })
            .collect(),
        day_count: day_count_to_pb(terms.day_count) as i32,
        end_of_month: Some(terms.end_of_month),
        rounding_mode: convert::rounding_mode_to_pb(terms.rounding) as i32,
        business_day_convention: match terms.business_days.convention {
            BusinessDayConvention::Unadjusted => pb::BusinessDayConvention::Unadjusted,
            BusinessDayConvention::Following => pb::BusinessDayConvention::Following,
            BusinessDayConvention::ModifiedFollowing => {
                pb::BusinessDayConvention::ModifiedFollowing
            }
            BusinessDayConvention::Preceding => pb::BusinessDayConvention::Preceding,
        } as i32,
        holidays: terms
            .business_days
            .holidays
            .iter()
            .map(|date| convert::date_to_pb(*date))
            .collect(),
        accrual_dates: match terms.business_days.accrual {
            AccrualDates::Adjusted => pb::AccrualDates::Adjusted,
            AccrualDates::Unadjusted => pb::AccrualDates::Unadjusted,
        } as i32,
        rate_step_timing: match terms.rate.step_timing {
            RateStepTiming::NextPeriod => pb::RateStepTiming::NextPeriod,
            RateStepTiming::SplitPeriod => pb::RateStepTiming::SplitPeriod,
        } as i32,
    }
}

/// The proto enum of a payment frequency.
pub fn frequency_to_pb(frequency: Frequency) -> pb::Frequency {
    match frequency {
        Frequency::Annual => pb::Frequency::Annual,
        Frequency::SemiAnnual => pb::Frequency::SemiAnnual,
        Frequency::Quarterly => pb::Frequency::Quarterly,
        Frequency::Monthly => pb::Frequency::Monthly,
    }
}

/// The proto enum of an amortisation profile (custom shares travel apart).
pub fn amortization_to_pb(amortization: &Amortization) -> pb::Amortization {
    match amortization {
        Amortization::EqualPrincipal => pb::Amortization::EqualPrincipal,
        Amortization::LevelPayment => pb::Amortization::LevelPayment,
        Amortization::Bullet => pb::Amortization::Bullet,
        Amortization::CustomShares(_) => pb::Amortization::CustomShares,
    }
}

/// The proto enum of a day count.
pub fn day_count_to_pb(day_count: DayCount) -> pb::DayCount {
    match day_count {
        DayCount::Periodic => pb::DayCount::Periodic,
        DayCount::Thirty360 => pb::DayCount::Thirty360,
        DayCount::Act360 => pb::DayCount::Act360,
        DayCount::Act365Fixed => pb::DayCount::Act365Fixed,
        DayCount::ActActIsda => pb::DayCount::ActActIsda,
        DayCount::Thirty360Us => pb::DayCount::Thirty360Us,
        DayCount::ThirtyE360 => pb::DayCount::ThirtyE360,
        DayCount::ThirtyE360Isda => pb::DayCount::ThirtyE360Isda,
        DayCount::ActActIcma => pb::DayCount::ActActIcma,
    }
}
