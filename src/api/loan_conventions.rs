//! The parts of LoanTerms added for issue 9: the business-day rule and a
//! floating rate, validated with field paths.

use rust_decimal::Decimal;

use super::convert::{self, unknown_enum};
use super::error::Violations;
use super::pb::debtcalc::v1 as pb;
use crate::domain::schedule::{
    AccrualDates, BusinessDayConvention, BusinessDays, Fixing, FloatingRate, MAX_HOLIDAYS,
};

/// The most fixings a floating rate may list.
pub const MAX_FIXINGS: usize = 20_000;

/// A floating rate at `{field}.floating_rate`, exclusive of a fixed rate and
/// rate steps.
pub(super) fn floating_rate(
    v: &mut Violations,
    field: &str,
    terms: &pb::LoanTerms,
    floating: &pb::FloatingRate,
) -> Option<FloatingRate> {
    let at = format!("{field}.floating_rate");
    let mut valid = true;
    for (name, present) in [
        ("annual_rate", !terms.annual_rate.is_empty()),
        ("rate_steps", !terms.rate_steps.is_empty()),
    ] {
        if present {
            v.add(
                format!("{field}.{name}"),
                "CONFLICTING_FIELDS",
                "is not allowed with floating_rate",
            );
            valid = false;
        }
    }
    let margin = if floating.margin.is_empty() {
        Some(Decimal::ZERO)
    } else {
        convert::decimal(v, &format!("{at}.margin"), &floating.margin)
    };
    if floating.fixings.is_empty() {
        v.add(
            format!("{at}.fixings"),
            "MISSING_FIELD",
            "at least one fixing is required",
        );
        return None;
    }
    if floating.fixings.len() > MAX_FIXINGS {
        v.add(
            format!("{at}.fixings"),
            "TOO_MANY_FIXINGS",
            format!(
                "at most {MAX_FIXINGS} fixings, got {}",
                floating.fixings.len()
            ),
        );
        return None;
    }
    let mut fixings = Vec::with_capacity(floating.fixings.len());
    let mut previous: Option<chrono::NaiveDate> = None;
    for (i, fixing) in floating.fixings.iter().enumerate() {
        let here = format!("{at}.fixings[{i}]");
        let date = convert::date(v, &format!("{here}.date"), fixing.date.as_ref());
        let rate = convert::decimal(v, &format!("{here}.rate"), &fixing.rate);
        if let (Some(date), Some(before)) = (date, previous) {
            if date <= before {
                v.add(
                    format!("{here}.date"),
                    "FIXINGS_NOT_ASCENDING",
                    format!("{date} is not after the previous fixing's date {before}"),
                );
                valid = false;
            }
        }
        if let (Some(rate), Some(margin)) = (rate, margin) {
            if rate
                .checked_add(margin)
                .is_none_or(|r| r <= Decimal::NEGATIVE_ONE)
            {
                v.add(
                    format!("{here}.rate"),
                    "RATE_NOT_ABOVE_MINUS_ONE",
                    format!(
                        "the fixing plus the margin must be greater than -1, got {rate} + {margin}"
                    ),
                );
                valid = false;
            }
        }
        previous = date.or(previous);
        match (date, rate) {
            (Some(date), Some(rate)) => fixings.push(Fixing { date, rate }),
            _ => valid = false,
        }
    }
    valid.then_some(FloatingRate {
        fixings,
        margin: margin?,
    })
}

/// The business-day rule: convention, holidays (bounded, each a valid date,
/// only with an adjusting convention) and accrual dates.
pub(super) fn business_days(
    v: &mut Violations,
    field: &str,
    terms: &pb::LoanTerms,
) -> Option<BusinessDays> {
    let convention = match pb::BusinessDayConvention::try_from(terms.business_day_convention) {
        Ok(pb::BusinessDayConvention::Unspecified | pb::BusinessDayConvention::Unadjusted) => {
            Some(BusinessDayConvention::Unadjusted)
        }
        Ok(pb::BusinessDayConvention::Following) => Some(BusinessDayConvention::Following),
        Ok(pb::BusinessDayConvention::ModifiedFollowing) => {
            Some(BusinessDayConvention::ModifiedFollowing)
        }
        Ok(pb::BusinessDayConvention::Preceding) => Some(BusinessDayConvention::Preceding),
        Err(_) => unknown_enum(
            v,
            &format!("{field}.business_day_convention"),
            "BusinessDayConvention",
            terms.business_day_convention,
        ),
    };
    let accrual = match pb::AccrualDates::try_from(terms.accrual_dates) {
        Ok(pb::AccrualDates::Unspecified | pb::AccrualDates::Adjusted) => {
            Some(AccrualDates::Adjusted)
        }
        Ok(pb::AccrualDates::Unadjusted) => Some(AccrualDates::Unadjusted),
        Err(_) => unknown_enum(
            v,
            &format!("{field}.accrual_dates"),
            "AccrualDates",
            terms.accrual_dates,
        ),
    };
    let holidays_field = format!("{field}.holidays");
    let holidays = if terms.holidays.len() > MAX_HOLIDAYS {
        v.add(
            &holidays_field,
            "TOO_MANY_HOLIDAYS",
            format!(
                "at most {MAX_HOLIDAYS} holidays, got {}",
                terms.holidays.len()
            ),
        );
        None
    } else if !terms.holidays.is_empty()
        && matches!(convention, Some(BusinessDayConvention::Unadjusted))
    {
        v.add(
            &holidays_field,
            "UNEXPECTED_FIELD",
            "holidays need a business_day_convention other than UNADJUSTED",
        );
        None
    } else {
        let dates: Vec<Option<chrono::NaiveDate>> = terms
            .holidays
            .iter()
            .enumerate()
            .map(|(i, date)| convert::date(v, &format!("{holidays_field}[{i}]"), Some(date)))
            .collect();
        let mut dates: Vec<chrono::NaiveDate> = dates.into_iter().collect::<Option<_>>()?;
        dates.sort_unstable();
        dates.dedup();
        Some(dates)
    };
    Some(BusinessDays {
        convention: convention?,
        holidays: holidays?,
        accrual: accrual?,
    })
}
