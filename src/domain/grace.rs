//! Grace given in years, and the two readings of it.
//!
//! "20 years with 5 years of grace" does not say on its own how many periods
//! pay interest only and how many repay capital. Two readings are in use,
//! and they give different grant elements (issue 9, finding 6):
//!
//! - [`GraceConvention::DacIntervalToFirstRepayment`]: the OECD DAC's.
//!   Grace is the interval from disbursement to the **first repayment of
//!   capital**. In the DAC's closed-form grant element, the interest-only
//!   interval is `INT = G - 1/A` and the number of repayments `NR = A (M -
//!   INT)`, with `A` repayments a year, `M` the maturity and `G` the grace in
//!   years: 20 years, 5 of grace, semi-annual is 9 interest-only periods and
//!   31 repayments, the first at year 5.0 and the last at year 20.
//! - [`GraceConvention::InterestOnlyYears`]: grace is the years in which
//!   **only interest is due**, and capital is repaid in equal periods over
//!   the rest of the maturity: the same words are 10 interest-only periods
//!   and 30 repayments, the first at year 5.5. This is how the Paris Club
//!   describes its grace periods ("a grace period, in which only payments
//!   of interest on the consolidation are due": clubdeparis.org,
//!   "Rescheduling and cancellation") and how the presets read theirs.
//!
//! Both readings put the last repayment at `M` years: the total number of
//! periods is `A M`. Years must be whole numbers of periods (`A M` and `A
//! G` integers), so nothing is rounded.

use num_traits::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt;

use crate::domain::error::DomainError;
use crate::domain::schedule::Frequency;

/// How grace given in years becomes interest-only periods and repayments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraceConvention {
    /// OECD DAC: grace is the interval to the first repayment of capital
    /// (`INT = G - 1/A` interest-only, `A (M - G) + 1` repayments).
    DacIntervalToFirstRepayment,
    /// Grace is the years in which only interest is due (`A G`
    /// interest-only periods, `A (M - G)` repayments, the first one period
    /// after grace ends).
    InterestOnlyYears,
}

impl fmt::Display for GraceConvention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DacIntervalToFirstRepayment => "DAC interval to first repayment",
            Self::InterestOnlyYears => "interest-only years",
        })
    }
}

/// Maturity and grace in periods, resolved from years under a convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodsFromYears {
    /// Periods that pay interest only (the schedule's grace periods).
    pub interest_only_periods: u32,
    /// Principal repayments (the schedule's instalments).
    pub repayment_count: u32,
    /// Years from disbursement to the first repayment of capital:
    /// `(interest_only_periods + 1) / A`.
    pub first_repayment_years: Decimal,
}

/// `years x periods_per_year` when it is a whole number that fits in `u32`.
fn whole_periods(years: Decimal, per_year: u32) -> Option<u32> {
    let periods = years.checked_mul(Decimal::from(per_year))?;
    if periods.fract().is_zero() && periods >= Decimal::ZERO {
        periods.to_u32()
    } else {
        None
    }
}

/// Resolves `maturity_years` and `grace_years` at `frequency` under
/// `convention` (see the module documentation). Errors: a maturity that is
/// not positive, years that are not whole periods, a grace beyond the
/// maturity (or, under the DAC reading, shorter than one period: the first
/// repayment cannot fall before the end of the first period).
pub fn periods_from_years(
    maturity_years: Decimal,
    grace_years: Decimal,
    frequency: Frequency,
    convention: GraceConvention,
) -> Result<PeriodsFromYears, DomainError> {
    let per_year = frequency.periods_per_year();
    let whole = |quantity, years| {
        whole_periods(years, per_year).ok_or(DomainError::InvalidInput {
            quantity,
            requirement: "a non-negative whole number of periods (years x periods per year)",
        })
    };
    if maturity_years <= Decimal::ZERO {
        return Err(DomainError::InvalidInput {
            quantity: "maturity in years",
            requirement: "greater than zero",
        });
    }
    let total = whole("maturity in years", maturity_years)?;
    let grace = whole("grace in years", grace_years)?;
    let (interest_only_periods, repayment_count) = match convention {
        GraceConvention::DacIntervalToFirstRepayment => {
            if grace == 0 || grace > total {
                return Err(DomainError::InvalidInput {
                    quantity: "grace in years",
                    requirement: "at least one period and at most the maturity under the DAC \
                                  reading (the interval to the first repayment of capital)",
                });
            }
            (grace - 1, total - grace + 1)
        }
        GraceConvention::InterestOnlyYears => {
            if grace >= total {
                return Err(DomainError::InvalidInput {
                    quantity: "grace in years",
                    requirement: "shorter than the maturity (interest-only years leave at least \
                                  one repayment period)",
                });
            }
            (grace, total - grace)
        }
    };
    let first_repayment_years = Decimal::from(interest_only_periods + 1)
        .checked_div(Decimal::from(per_year))
        .ok_or(DomainError::Overflow {
            quantity: "first repayment in years",
        })?;
    Ok(PeriodsFromYears {
        interest_only_periods,
        repayment_count,
        first_repayment_years,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn twenty_years_five_of_grace_semi_annual() {
        let dac = periods_from_years(
            d("20"),
            d("5"),
            Frequency::SemiAnnual,
            GraceConvention::DacIntervalToFirstRepayment,
        )
        .unwrap();
        // OECD DAC: INT = 5 - 1/2 = 4.5 years (9 periods), NR = 2 (20 -
        // 4.5) = 31, the first repayment at year 5.0.
        assert_eq!(dac.interest_only_periods, 9);
        assert_eq!(dac.repayment_count, 31);
        assert_eq!(dac.first_repayment_years, d("5"));
        let paris = periods_from_years(
            d("20"),
            d("5"),
            Frequency::SemiAnnual,
            GraceConvention::InterestOnlyYears,
        )
        .unwrap();
        assert_eq!(paris.interest_only_periods, 10);
        assert_eq!(paris.repayment_count, 30);
        assert_eq!(paris.first_repayment_years, d("5.5"));
    }

    #[test]
    fn paris_club_and_dac_readings_of_23_years_with_6_of_grace() {
        let at = |c| periods_from_years(d("23"), d("6"), Frequency::SemiAnnual, c).unwrap();
        let paris = at(GraceConvention::InterestOnlyYears);
        assert_eq!(
            (paris.interest_only_periods, paris.repayment_count),
            (12, 34)
        );
        let dac = at(GraceConvention::DacIntervalToFirstRepayment);
        assert_eq!((dac.interest_only_periods, dac.repayment_count), (11, 35));
    }

    #[test]
    fn fractional_years_and_edges() {
        let dac = GraceConvention::DacIntervalToFirstRepayment;
        let io = GraceConvention::InterestOnlyYears;
        let q = Frequency::Quarterly;
        let ok = periods_from_years(d("10.25"), d("2.75"), q, dac).unwrap();
        assert_eq!((ok.interest_only_periods, ok.repayment_count), (10, 31));
        assert_eq!(ok.first_repayment_years, d("2.75"));
        // Grace equal to the maturity under the DAC reading: one repayment
        // at maturity (a bullet).
        let bullet = periods_from_years(d("5"), d("5"), Frequency::Annual, dac).unwrap();
        assert_eq!(
            (bullet.interest_only_periods, bullet.repayment_count),
            (4, 1)
        );
        // No grace: repayments from the first period.
        let none = periods_from_years(d("5"), d("0"), Frequency::Annual, io).unwrap();
        assert_eq!((none.interest_only_periods, none.repayment_count), (0, 5));
        assert_eq!(none.first_repayment_years, d("1"));
        let err = |m: &str, g: &str, f, c| periods_from_years(d(m), d(g), f, c).is_err();
        assert!(err("5", "0", Frequency::Annual, dac));
        assert!(err("5", "5", Frequency::Annual, io));
        assert!(err("5", "6", Frequency::Annual, dac));
        assert!(err("5.5", "1", Frequency::Annual, io));
        assert!(err("5", "1.25", Frequency::SemiAnnual, io));
        assert!(err("0", "0", Frequency::Annual, io));
        assert!(err("-1", "0", Frequency::Annual, io));
        assert!(err("5", "-0.5", Frequency::SemiAnnual, io));
        assert!(err(
            "79228162514264337593543950335",
            "0",
            Frequency::Monthly,
            io
        ));
    }
}
