//! Shares (fractions such as a write-off share) reported as decimals.

use num_bigint::BigInt;
use rust_decimal::Decimal;

use super::error::DomainError;
use super::money::{decimal_from_scaled, scaled_integer};
use super::rounding::{div_round, pow10, ExactInt, RoundingMode};

/// The number of decimal places to which an inexact share is rounded
/// (half-even). Exact shares are printed without trailing zeros.
pub const SHARE_DECIMALS: u32 = 20;

/// A fraction as a decimal, and whether that decimal is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub value: Decimal,
    /// True when `value` is exactly the fraction; false when the fraction does
    /// not terminate within [`SHARE_DECIMALS`] places and was rounded.
    pub exact: bool,
}

impl Share {
    /// `numerator / denominator` (denominator positive). A zero denominator
    /// gives the share 0, exact: the share of nothing.
    pub fn of(numerator: &BigInt, denominator: &BigInt) -> Result<Self, DomainError> {
        Self::checked_of(numerator, denominator).expect("big integers do not overflow")
    }

    /// [`Share::of`] in any [`ExactInt`]; `None` where an `i128` would
    /// overflow.
    pub fn checked_of<T: ExactInt>(
        numerator: &T,
        denominator: &T,
    ) -> Option<Result<Self, DomainError>> {
        if denominator.is_zero() {
            return Some(Ok(Self {
                value: Decimal::ZERO,
                exact: true,
            }));
        }
        let scaled = numerator.checked_mul(&T::pow10(SHARE_DECIMALS)?)?;
        let exact = scaled.mod_floor(denominator).is_zero();
        let rounded = div_round(&scaled, denominator, RoundingMode::HalfEven);
        let value = decimal_from_scaled(&rounded, SHARE_DECIMALS)
            .ok_or(DomainError::Overflow { quantity: "share" })
            .map(|value| Self {
                value: value.normalize(),
                exact,
            });
        Some(value)
    }
}

/// Whether decimal shares add up to exactly 1, compared on the finest decimal
/// scale (10^-28), so no sum is rounded.
pub fn sums_to_one(shares: &[Decimal]) -> bool {
    let sum: BigInt = shares.iter().filter_map(|s| scaled_integer(*s, 28)).sum();
    sum == pow10(28)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The share in big integers, checked equal to the native one.
    fn share(n: i64, d: i64) -> Share {
        let big = Share::of(&BigInt::from(n), &BigInt::from(d)).unwrap();
        let native = Share::checked_of(&i128::from(n), &i128::from(d));
        assert_eq!(native, Some(Ok(big)));
        big
    }

    #[test]
    fn exact_and_rounded_shares() {
        let s = share(9, 10);
        assert_eq!((s.value.to_string().as_str(), s.exact), ("0.9", true));
        let third = share(1, 3);
        assert_eq!(third.value.to_string(), "0.33333333333333333333");
        assert!(!third.exact);
        let two_thirds = share(2, 3);
        assert_eq!(two_thirds.value.to_string(), "0.66666666666666666667");
        assert_eq!(share(5, 5).value.to_string(), "1");
        assert_eq!(share(0, 5).value.to_string(), "0");
        assert_eq!(
            share(0, 0),
            Share {
                value: Decimal::ZERO,
                exact: true
            }
        );
    }
}
