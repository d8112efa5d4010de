//! The growth of one period: the exact ratio by which a period multiplies
//! the outstanding (less one), shared by the schedule engine, the level
//! payment ([`super::annuity`]) and its floating-point solver
//! ([`super::level_solver`]).

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::domain::money::mantissa;
use crate::domain::numerics::rational::BigRational;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// The growth of one period, exactly: the sum of annual rate x year
/// fraction over the period's rate segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Growth {
    /// Not necessarily reduced (its denominator is positive): a growth is
    /// only ever multiplied into an amount and rounded once, and reducing
    /// each period's `rate x days / (10^scale x basis)` would cost a gcd a
    /// period for nothing.
    pub ratio: BigRational,
}

impl Growth {
    /// No growth (a zero rate).
    pub fn zero() -> Self {
        Self {
            ratio: BigRational::zero(),
        }
    }

    /// `annual_rate x numerator / denominator` (the year fraction, with a
    /// positive denominator), exactly.
    pub fn of(annual_rate: Decimal, (numerator, denominator): (i64, i64)) -> Self {
        debug_assert!(
            denominator > 0,
            "a year fraction has a positive denominator"
        );
        Self {
            ratio: BigRational::new_raw(
                mantissa(annual_rate) * BigInt::from(numerator),
                pow10(annual_rate.scale()) * BigInt::from(denominator),
            ),
        }
    }

    /// The sum of two growths, exactly.
    pub fn plus(&self, other: &Self) -> Self {
        if self.is_zero() {
            return other.clone();
        }
        if other.is_zero() {
            return self.clone();
        }
        Self {
            ratio: &self.ratio + &other.ratio,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.ratio.numer().is_zero()
    }

    /// The interest on `outstanding` minor units: `outstanding x growth`,
    /// rounded once with `mode`.
    pub fn interest(&self, outstanding: &BigInt, mode: RoundingMode) -> BigInt {
        div_round(
            &(outstanding * self.ratio.numer()),
            self.ratio.denom(),
            mode,
        )
    }

    /// The growth as an `f64`, from its numerator and denominator each
    /// converted within one ulp; `None` outside the normal range.
    pub(crate) fn estimate(&self) -> Option<f64> {
        if self.is_zero() {
            return Some(0.0);
        }
        let in_range = |x: f64| (1e-290..=1e290).contains(&x.abs());
        let numerator = self.ratio.numer().to_f64().filter(|x| in_range(*x))?;
        let denominator = self.ratio.denom().to_f64().filter(|x| in_range(*x))?;
        Some(numerator / denominator).filter(|x| in_range(*x))
    }
}
