//! How a discount rate turns into a discount factor `DF(t)`, `t` in years.
//!
//! | compounding | `DF(t)` |
//! |---|---|
//! | `AnnualEffective` (default; IMF/OECD) | `(1 + r)^-t` |
//! | `Periodic { m }` | `(1 + r/m)^-(m t)` |
//! | `Continuous` | `e^(-r t)` |
//!
//! Each is `e^(-L t)` with `L` the continuously compounded equivalent of the
//! rate ([`Compounding::log_growth`]), which is how they are computed.
//! Rates must be greater than -1 under every convention.

use num_bigint::BigInt;
use num_traits::Signed;

use crate::domain::error::DomainError;
use crate::domain::numerics::big_float::BigFloat;
use crate::domain::numerics::rational::BigRational;

/// How a rate compounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compounding {
    /// `DF(t) = (1 + r)^-t`.
    #[default]
    AnnualEffective,
    /// Nominal rate compounded `periods_per_year` times a year:
    /// `DF(t) = (1 + r/m)^-(m t)`; `periods_per_year` must be at least 1.
    Periodic { periods_per_year: u32 },
    /// `DF(t) = e^(-r t)`.
    Continuous,
}

/// The error for a rate of -1 or less.
pub(crate) fn rate_error() -> DomainError {
    DomainError::InvalidInput {
        quantity: "discount rate",
        requirement: "greater than -1",
    }
}

impl Compounding {
    /// Checks the convention itself (a periodic one needs at least one
    /// period a year).
    pub(crate) fn validate(self) -> Result<(), DomainError> {
        match self {
            Self::Periodic {
                periods_per_year: 0,
            } => Err(DomainError::InvalidInput {
                quantity: "periods per year",
                requirement: "at least 1",
            }),
            _ => Ok(()),
        }
    }

    /// `L` with `DF(t) = e^(-L t)`: `ln(1 + r)`, `m ln(1 + r/m)` or `r`, to
    /// [`crate::domain::numerics::big_float::PRECISION_BITS`] bits. An error
    /// unless `r > -1`.
    pub(crate) fn log_growth(self, rate: &BigRational) -> Result<BigFloat, DomainError> {
        self.validate()?;
        // r > -1  <=>  num + den > 0 (den > 0).
        let (num, den) = (rate.numer(), rate.denom());
        if !(num + den).is_positive() {
            return Err(rate_error());
        }
        match self {
            Self::AnnualEffective => {
                let base = BigFloat::from_ratio(&(num + den), den);
                base.ln().ok_or_else(rate_error)
            }
            Self::Periodic { periods_per_year } => {
                let m = BigInt::from(periods_per_year);
                let per_period_den = den * &m;
                let base = BigFloat::from_ratio(&(num + &per_period_den), &per_period_den);
                Ok(base
                    .ln()
                    .ok_or_else(rate_error)?
                    .mul(&BigFloat::from_bigint(m)))
            }
            Self::Continuous => Ok(BigFloat::from_rational(rate)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn ratio(s: &str) -> BigRational {
        crate::domain::numerics::rational::from_decimal(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn log_growth_matches_the_definitions() {
        // (1 + 0.12/12)^12 = e^L exactly: compare e^L with the exact power.
        let l = Compounding::Periodic {
            periods_per_year: 12,
        }
        .log_growth(&ratio("0.12"))
        .unwrap();
        let growth = l.exp().unwrap();
        let exact = BigFloat::from_decimal(Decimal::from_str("1.01").unwrap()).pow(12);
        let diff = growth.sub(&exact).div(&exact).unwrap();
        assert!(diff.to_f64().abs() < 1e-70, "{}", diff.to_f64());
        let c = Compounding::Continuous.log_growth(&ratio("0.07")).unwrap();
        assert_eq!(
            c,
            BigFloat::from_decimal(Decimal::from_str("0.07").unwrap())
        );
        let a = Compounding::AnnualEffective
            .log_growth(&ratio("0"))
            .unwrap();
        assert!(a.is_zero());
    }

    #[test]
    fn rates_of_minus_one_or_less_and_zero_periods_are_errors() {
        for compounding in [
            Compounding::AnnualEffective,
            Compounding::Periodic {
                periods_per_year: 2,
            },
            Compounding::Continuous,
        ] {
            assert_eq!(compounding.log_growth(&ratio("-1")), Err(rate_error()));
            assert_eq!(compounding.log_growth(&ratio("-7.5")), Err(rate_error()));
            assert!(compounding.log_growth(&ratio("-0.9999")).is_ok());
        }
        assert!(matches!(
            Compounding::Periodic {
                periods_per_year: 0
            }
            .log_growth(&ratio("0.05")),
            Err(DomainError::InvalidInput {
                quantity: "periods per year",
                ..
            })
        ));
    }
}
