//! Exact values as reconciliation shows them: a rational with its decimal
//! text ([`ExactValue`]), and a rational fitted to a [`Share`].
//!
//! The arithmetic itself is exact (`BigRational`, see
//! [`crate::domain::numerics::rational`]); values are rounded only here,
//! once, when shown.

use crate::domain::error::DomainError;
use crate::domain::money::decimal_from_scaled;
use crate::domain::numerics::rational::{BigRational, RationalDecimal};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::{Share, SHARE_DECIMALS};

/// The decimals of the text rendering of an exact value ([`ExactValue`]).
pub const VALUE_DECIMALS: u32 = 20;

/// An unrounded value, exactly (as a fraction) and as decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactValue {
    pub fraction: BigRational,
    /// At most [`VALUE_DECIMALS`] decimals, trailing zeros dropped.
    pub text: String,
    /// Whether `text` is the whole value (the expansion ends within
    /// [`VALUE_DECIMALS`] decimals); otherwise it is rounded half-even.
    pub exact: bool,
}

impl ExactValue {
    pub fn of(fraction: BigRational) -> Self {
        let (text, exact) = fraction.to_decimal_text(VALUE_DECIMALS);
        Self {
            fraction,
            text,
            exact,
        }
    }
}

/// A fraction (a ratio, a rate, a write-off share) as a [`Share`]: rounded
/// half-even to [`SHARE_DECIMALS`] decimals, or to fewer when its integer
/// part is so large that 20 decimals do not fit the 96-bit decimal (28-29
/// significant digits: a ratio near 3 x 10^11 keeps 17 decimals). `exact` says whether no digit was lost.
pub fn fitted_share(value: &BigRational, quantity: &'static str) -> Result<Share, DomainError> {
    for decimals in (0..=SHARE_DECIMALS).rev() {
        let scaled = value.round_to_scale(decimals, RoundingMode::HalfEven);
        if let Some(decimal) = decimal_from_scaled(&scaled, decimals) {
            return Ok(Share {
                value: decimal.normalize(),
                exact: value.terminates_within(decimals),
            });
        }
    }
    Err(DomainError::Overflow { quantity })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::numerics::rational::ratio;
    use crate::domain::rounding::pow10;
    use num_bigint::BigInt;

    fn frac(n: i64, d: i64) -> BigRational {
        ratio(BigInt::from(n), BigInt::from(d)).unwrap()
    }

    #[test]
    fn exact_values_carry_text_and_flag() {
        let third = ExactValue::of(frac(1, 3));
        assert_eq!(
            (third.text.as_str(), third.exact),
            ("0.33333333333333333333", false)
        );
        let whole = ExactValue::of(frac(10_960_000_000, 1));
        assert_eq!((whole.text.as_str(), whole.exact), ("10960000000", true));
    }

    #[test]
    fn fitted_shares_keep_as_many_decimals_as_fit() {
        let s = fitted_share(&frac(5000, 1), "ratio").unwrap();
        assert_eq!((s.value.to_string().as_str(), s.exact), ("5000", true));
        let third = fitted_share(&frac(1, 3), "ratio").unwrap();
        assert_eq!(third.value.to_string(), "0.33333333333333333333");
        assert!(!third.exact);
        let big = ratio(pow10(12), BigInt::from(3)).unwrap();
        let s = fitted_share(&big, "ratio").unwrap();
        assert!(!s.exact);
        assert_eq!(s.value.to_string(), "333333333333.33333333333333333");
        let too_big = BigRational::from_integer(pow10(30));
        assert_eq!(
            fitted_share(&too_big, "ratio"),
            Err(DomainError::Overflow { quantity: "ratio" })
        );
    }
}
