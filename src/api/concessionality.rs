//! The loan of an AssessConcessionality request (spelled-out terms, or terms
//! in years with the reading of their grace) and the figures the response
//! adds to the grant element: the expansion of terms in years and the grant
//! equivalent.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert;
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::grace::{periods_from_years, GraceConvention, PeriodsFromYears};
use crate::domain::money::round_to_minor_units;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::dates::is_month_end;
use crate::domain::schedule::{
    add_months, Amortization, DayCount, GraceInterest, InterestRate, LoanTerms, MAX_PERIODS,
};

/// Terms in years as given and as expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearsResolution {
    pub convention: GraceConvention,
    pub maturity_years: Decimal,
    pub grace_years: Decimal,
    pub periods: PeriodsFromYears,
}

/// A grace convention; required (there is no safe default).
pub fn grace_convention(v: &mut Violations, field: &str, raw: i32) -> Option<GraceConvention> {
    match pb::GraceConvention::try_from(raw) {
        Ok(pb::GraceConvention::DacIntervalToFirstRepayment) => {
            Some(GraceConvention::DacIntervalToFirstRepayment)
        }
        Ok(pb::GraceConvention::InterestOnlyYears) => Some(GraceConvention::InterestOnlyYears),
        Ok(pb::GraceConvention::Unspecified) => {
            v.add(
                field,
                "MISSING_FIELD",
                "is required: GRACE_CONVENTION_DAC_INTERVAL_TO_FIRST_REPAYMENT (grace is the \
                 time to the first repayment of capital) or GRACE_CONVENTION_INTEREST_ONLY_YEARS \
                 (grace is the years in which only interest is due)",
            );
            None
        }
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a GraceConvention value"),
            );
            None
        }
    }
}

/// The proto value of a grace convention.
pub fn grace_convention_to_pb(convention: GraceConvention) -> pb::GraceConvention {
    match convention {
        GraceConvention::DacIntervalToFirstRepayment => {
            pb::GraceConvention::DacIntervalToFirstRepayment
        }
        GraceConvention::InterestOnlyYears => pb::GraceConvention::InterestOnlyYears,
    }
}

/// The loan of an AssessConcessionality request: a positive `principal`
/// with exactly one of `terms` and `terms_in_years` (expanded from the
/// request's `valuation_date`, which that form requires; an invalid date is
/// reported where the request's date is parsed, not here).
pub fn loan(
    v: &mut Violations,
    request: &pb::AssessConcessionalityRequest,
) -> Option<(Money, LoanTerms, Option<YearsResolution>)> {
    let principal = convert::money(
        v,
        "principal",
        request.principal.as_ref(),
        convert::Sign::Positive,
    );
    match (&request.terms, &request.terms_in_years) {
        (Some(_), Some(_)) => {
            v.add(
                "terms_in_years",
                "CONFLICTING_FIELDS",
                "give either terms or terms_in_years, not both",
            );
            None
        }
        (None, Some(years)) => {
            let mut scratch = Violations::new();
            let start = request
                .valuation_date
                .as_ref()
                .and_then(|date| convert::date(&mut scratch, "valuation_date", Some(date)));
            if request.valuation_date.is_none() {
                v.add(
                    "valuation_date",
                    "MISSING_FIELD",
                    "is required with terms_in_years (the disbursement date)",
                );
            }
            let (terms, resolution) = terms_in_years(v, years, start)?;
            Some((principal?, terms, Some(resolution)))
        }
        (None, None) => {
            v.add(
                "terms",
                "MISSING_FIELD",
                "one of terms or terms_in_years is required",
            );
            None
        }
        (Some(terms), None) => {
            let terms = loan_terms::parse(v, "terms", Some(terms));
            Some((principal?, terms?, None))
        }
    }
}

/// Expands `terms_in_years` from the disbursement date `start`.
fn terms_in_years(
    v: &mut Violations,
    years: &pb::TermsInYears,
    start: Option<NaiveDate>,
) -> Option<(LoanTerms, YearsResolution)> {
    const FIELD: &str = "terms_in_years";
    let at = |name: &str| format!("{FIELD}.{name}");
    let frequency = loan_terms::frequency(v, &at("frequency"), years.frequency);
    let maturity = if years.maturity_years.is_empty() {
        v.add(at("maturity_years"), "MISSING_FIELD", "is required");
        None
    } else {
        convert::decimal(v, &at("maturity_years"), &years.maturity_years)
    };
    let grace = if years.grace_years.is_empty() {
        Some(Decimal::ZERO)
    } else {
        convert::decimal(v, &at("grace_years"), &years.grace_years)
    };
    let convention = grace_convention(v, &at("grace_convention"), years.grace_convention);
    let rate = if years.annual_rate.is_empty() {
        Some(Decimal::ZERO)
    } else {
        loan_terms::rate(v, &at("annual_rate"), &years.annual_rate)
    };
    let amortization = match pb::Amortization::try_from(years.amortization) {
        Ok(pb::Amortization::Unspecified | pb::Amortization::EqualPrincipal) => {
            Some(Amortization::EqualPrincipal)
        }
        Ok(pb::Amortization::LevelPayment) => Some(Amortization::LevelPayment),
        _ => {
            v.add(
                at("amortization"),
                "UNSUPPORTED_AMORTIZATION",
                "terms in years take AMORTIZATION_EQUAL_PRINCIPAL or AMORTIZATION_LEVEL_PAYMENT",
            );
            None
        }
    };
    let (frequency, maturity, grace, convention) = (frequency?, maturity?, grace?, convention?);
    let periods = match periods_from_years(maturity, grace, frequency, convention) {
        Ok(periods) => periods,
        Err(DomainError::InvalidInput {
            quantity,
            requirement,
        }) => {
            let field = if quantity.starts_with("maturity") {
                at("maturity_years")
            } else {
                at("grace_years")
            };
            v.add(
                field,
                "INVALID_YEARS",
                format!("{quantity} must be {requirement}"),
            );
            return None;
        }
        Err(other) => {
            v.add(at("maturity_years"), "INVALID_YEARS", other.to_string());
            return None;
        }
    };
    let total = periods
        .interest_only_periods
        .checked_add(periods.repayment_count);
    if total.is_none_or(|total| total > MAX_PERIODS) {
        v.add(
            at("maturity_years"),
            "TOO_MANY_PERIODS",
            format!("maturity x periods per year must be at most {MAX_PERIODS}"),
        );
        return None;
    }
    let (rate, amortization, start) = (rate?, amortization?, start?);
    let end_of_month = is_month_end(start);
    let months = i64::from(frequency.months_per_period());
    let first = match add_months(start, months, end_of_month, "first payment date") {
        Ok(first) => first,
        Err(e) => {
            v.add("valuation_date", "DATE_OUT_OF_RANGE", e.to_string());
            return None;
        }
    };
    let terms = LoanTerms {
        first_payment_date: first,
        accrual_start: Some(start),
        frequency,
        installment_count: periods.repayment_count,
        grace_periods: periods.interest_only_periods,
        grace_interest: GraceInterest::Paid,
        amortization,
        rate: InterestRate::fixed(rate),
        day_count: DayCount::Periodic,
        end_of_month,
        rounding: RoundingMode::HalfEven,
        business_days: Default::default(),
    };
    Some((
        terms,
        YearsResolution {
            convention,
            maturity_years: maturity,
            grace_years: grace,
            periods,
        },
    ))
}

/// The echo of terms in years as expanded.
pub fn years_to_pb(years: &YearsResolution) -> pb::TermsInYearsResolution {
    pb::TermsInYearsResolution {
        grace_convention: grace_convention_to_pb(years.convention) as i32,
        maturity_years: years.maturity_years.normalize().to_string(),
        grace_years: years.grace_years.normalize().to_string(),
        interest_only_periods: Some(years.periods.interest_only_periods),
        repayment_count: Some(years.periods.repayment_count),
        first_repayment_years: years.periods.first_repayment_years.normalize().to_string(),
    }
}

/// The grant equivalent `face - PV(debt service)` (= face x grant element),
/// from the unrounded present value, rounded half-even once to the minor
/// unit.
pub fn grant_equivalent(
    currency: Currency,
    face: Decimal,
    pv_debt_service: Decimal,
) -> Result<pb::Money, ApiError> {
    let overflow = DomainError::Overflow {
        quantity: "grant equivalent",
    };
    let amount = face
        .checked_sub(pv_debt_service)
        .ok_or_else(|| ApiError::from_domain(overflow.clone(), &["principal.amount"]))?;
    round_to_minor_units(currency, amount, RoundingMode::HalfEven, "grant equivalent")
        .map(|m| convert::money_to_pb(&m))
        .map_err(|e| ApiError::from_domain(e, &["principal.amount"]))
}
