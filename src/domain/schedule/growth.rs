//! The growth of one period: the exact ratio by which a period multiplies
//! the outstanding (less one), shared by the schedule engine, the level
//! payment ([`super::annuity`]) and its floating-point solver
//! ([`super::level_solver`]).

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::domain::money::mantissa;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// The growth of one period as an exact ratio: `numerator / denominator`
/// (denominator > 0) = the sum of annual rate x year fraction over the
/// period's rate segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    pub numerator: BigInt,
    pub denominator: BigInt,
}

impl Growth {
    /// No growth (a zero rate).
    pub fn zero() -> Self {
        Self {
            numerator: BigInt::zero(),
            denominator: BigInt::from(1u8),
        }
    }

    /// `annual_rate x numerator / denominator` (the year fraction, with a
    /// positive denominator), exactly.
    pub fn of(annual_rate: Decimal, (numerator, denominator): (i64, i64)) -> Self {
        Self {
            numerator: mantissa(annual_rate) * BigInt::from(numerator),
            denominator: pow10(annual_rate.scale()) * BigInt::from(denominator),
        }
    }

    /// The sum of two growths, exactly.
    pub fn plus(&self, other: &Self) -> Self {
        if self.numerator.is_zero() {
            return other.clone();
        }
        if other.numerator.is_zero() {
            return self.clone();
        }
        Self {
            numerator: &self.numerator * &other.denominator + &other.numerator * &self.denominator,
            denominator: &self.denominator * &other.denominator,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.numerator.is_zero()
    }

    /// The interest on `outstanding` minor units: `outstanding x growth`,
    /// rounded once with `mode`.
    pub fn interest(&self, outstanding: &BigInt, mode: RoundingMode) -> BigInt {
        div_round(&(outstanding * &self.numerator), &self.denominator, mode)
    }

    /// The growth as an `f64`, from its numerator and denominator each
    /// converted within one ulp; `None` outside the normal range.
    pub(crate) fn estimate(&self) -> Option<f64> {
        if self.numerator.is_zero() {
            return Some(0.0);
        }
        let in_range = |x: f64| (1e-290..=1e290).contains(&x.abs());
        let numerator = self.numerator.to_f64().filter(|x| in_range(*x))?;
        let denominator = self.denominator.to_f64().filter(|x| in_range(*x))?;
        Some(numerator / denominator).filter(|x| in_range(*x))
    }
}
