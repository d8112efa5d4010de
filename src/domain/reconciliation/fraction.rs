//! Exact rational numbers for conversion chains and valuations, and their
//! decimal renderings.
//!
//! Dividing by 0.6 or by 3 gives values that no decimal holds exactly, so
//! reconciliation keeps every intermediate value as a reduced fraction of
//! big integers and rounds only at the end.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

use crate::domain::error::DomainError;
use crate::domain::money::{decimal_from_scaled, mantissa};
use crate::domain::rounding::{div_round, pow10, RoundingMode};
use crate::domain::share::{Share, SHARE_DECIMALS};

/// The decimals of the text rendering of an exact value ([`ExactValue`]).
pub const VALUE_DECIMALS: u32 = 20;

/// A reduced fraction `numerator / denominator` with `denominator > 0`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fraction {
    numerator: BigInt,
    denominator: BigInt,
}

impl Fraction {
    /// `numerator / denominator`, reduced; `None` for a zero denominator.
    pub fn new(numerator: BigInt, denominator: BigInt) -> Option<Self> {
        if denominator.is_zero() {
            return None;
        }
        if denominator.is_negative() {
            Some(Self::reduced(-numerator, -denominator))
        } else {
            Some(Self::reduced(numerator, denominator))
        }
    }

    /// Reduces a fraction whose denominator is known to be positive.
    fn reduced(numerator: BigInt, denominator: BigInt) -> Self {
        let divisor = numerator.gcd(&denominator);
        if divisor.is_zero() || divisor.is_one() {
            return Self {
                numerator,
                denominator,
            };
        }
        Self {
            numerator: numerator / &divisor,
            denominator: denominator / &divisor,
        }
    }

    /// The whole number `value`.
    pub fn integer(value: BigInt) -> Self {
        Self {
            numerator: value,
            denominator: BigInt::one(),
        }
    }

    pub fn zero() -> Self {
        Self::integer(BigInt::zero())
    }

    pub fn one() -> Self {
        Self::integer(BigInt::one())
    }

    /// The exact value of a decimal.
    pub fn from_decimal(value: Decimal) -> Self {
        Self::reduced(mantissa(value), pow10(value.scale()))
    }

    /// `minor / 10^scale`: an amount given in minor units.
    pub fn from_scaled(minor: BigInt, scale: u32) -> Self {
        Self::reduced(minor, pow10(scale))
    }

    pub fn numerator(&self) -> &BigInt {
        &self.numerator
    }

    /// Always positive.
    pub fn denominator(&self) -> &BigInt {
        &self.denominator
    }

    pub fn is_zero(&self) -> bool {
        self.numerator.is_zero()
    }

    pub fn is_positive(&self) -> bool {
        self.numerator.is_positive()
    }

    pub fn is_negative(&self) -> bool {
        self.numerator.is_negative()
    }

    pub fn add(&self, other: &Self) -> Self {
        Self::reduced(
            &self.numerator * &other.denominator + &other.numerator * &self.denominator,
            &self.denominator * &other.denominator,
        )
    }

    pub fn sub(&self, other: &Self) -> Self {
        Self::reduced(
            &self.numerator * &other.denominator - &other.numerator * &self.denominator,
            &self.denominator * &other.denominator,
        )
    }

    pub fn mul(&self, other: &Self) -> Self {
        Self::reduced(
            &self.numerator * &other.numerator,
            &self.denominator * &other.denominator,
        )
    }

    /// `self / other`; `None` when `other` is zero.
    pub fn div(&self, other: &Self) -> Option<Self> {
        Self::new(
            &self.numerator * &other.denominator,
            &self.denominator * &other.numerator,
        )
    }

    /// `1 / self`; `None` for zero.
    pub fn recip(&self) -> Option<Self> {
        Self::new(self.denominator.clone(), self.numerator.clone())
    }

    /// `self x 10^scale` rounded to an integer with `mode`: the value in
    /// minor units of a currency with `scale` decimals.
    pub fn round_to_scale(&self, scale: u32, mode: RoundingMode) -> BigInt {
        div_round(&(&self.numerator * pow10(scale)), &self.denominator, mode)
    }

    /// Whether `self x 10^scale` is a whole number.
    pub fn terminates_within(&self, scale: u32) -> bool {
        (&self.numerator * pow10(scale))
            .mod_floor(&self.denominator)
            .is_zero()
    }

    /// Decimal text with at most `decimals` decimals: exact (trailing zeros
    /// dropped) when the expansion ends within `decimals`, otherwise rounded
    /// half-even there. The flag says whether the text is exact.
    pub fn to_decimal_text(&self, decimals: u32) -> (String, bool) {
        let exact = self.terminates_within(decimals);
        let scaled = self.round_to_scale(decimals, RoundingMode::HalfEven);
        (scaled_to_text(&scaled, decimals), exact)
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive, so cross-multiplying keeps the order.
        (&self.numerator * &other.denominator).cmp(&(&other.numerator * &self.denominator))
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator.is_one() {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

/// `scaled / 10^decimals` as decimal text, trailing zeros (and a bare point)
/// dropped: `1096000000000, 2` gives "10960000000", `-15, 1` gives "-1.5".
pub fn scaled_to_text(scaled: &BigInt, decimals: u32) -> String {
    let negative = scaled.is_negative();
    let digits = scaled.abs().to_string();
    let width = decimals as usize;
    let padded = if digits.len() <= width {
        format!("{}{}", "0".repeat(width + 1 - digits.len()), digits)
    } else {
        digits
    };
    let (integer, fraction) = padded.split_at(padded.len() - width);
    let fraction = fraction.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction}")
    }
}

/// An unrounded value, exactly (as a fraction) and as decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactValue {
    pub fraction: Fraction,
    /// At most [`VALUE_DECIMALS`] decimals, trailing zeros dropped.
    pub text: String,
    /// Whether `text` is the whole value (the expansion ends within
    /// [`VALUE_DECIMALS`] decimals); otherwise it is rounded half-even.
    pub exact: bool,
}

impl ExactValue {
    pub fn of(fraction: Fraction) -> Self {
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
pub fn fitted_share(value: &Fraction, quantity: &'static str) -> Result<Share, DomainError> {
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
    use std::str::FromStr;

    fn frac(n: i64, d: i64) -> Fraction {
        Fraction::new(BigInt::from(n), BigInt::from(d)).unwrap()
    }

    #[test]
    fn reduces_and_normalises_sign() {
        let f = frac(6, -4);
        assert_eq!(
            (f.numerator().clone(), f.denominator().clone()),
            (BigInt::from(-3), BigInt::from(2))
        );
        assert_eq!(frac(0, -7), Fraction::zero());
        assert!(Fraction::new(BigInt::one(), BigInt::zero()).is_none());
        assert_eq!(frac(1, 3).add(&frac(1, 6)), frac(1, 2));
        assert_eq!(frac(1, 3).sub(&frac(1, 2)), frac(-1, 6));
        assert_eq!(frac(2, 3).mul(&frac(3, 4)), frac(1, 2));
        assert_eq!(frac(1, 2).div(&frac(1, 4)), Some(frac(2, 1)));
        assert_eq!(frac(1, 2).div(&Fraction::zero()), None);
        assert!(frac(1, 3) < frac(1, 2) && frac(-1, 2) < frac(-1, 3));
    }

    #[test]
    fn decimals_convert_exactly() {
        let f = Fraction::from_decimal(Decimal::from_str("0.6").unwrap());
        assert_eq!(f, frac(3, 5));
        let amount = Fraction::from_decimal(Decimal::from(6_576_000_000i64));
        assert_eq!(
            amount.div(&f).unwrap(),
            Fraction::integer(BigInt::from(10_960_000_000i64))
        );
    }

    #[test]
    fn text_is_exact_or_rounded_and_flagged() {
        assert_eq!(
            frac(10_960_000_000, 1).to_decimal_text(20),
            ("10960000000".into(), true)
        );
        assert_eq!(frac(-3, 2).to_decimal_text(20), ("-1.5".into(), true));
        assert_eq!(
            frac(1, 3).to_decimal_text(20),
            ("0.33333333333333333333".into(), false)
        );
        assert_eq!(
            frac(-2, 3).to_decimal_text(20),
            ("-0.66666666666666666667".into(), false)
        );
        assert_eq!(frac(1, 1000).to_decimal_text(2), ("0".into(), false));
        assert_eq!(scaled_to_text(&BigInt::from(5), 3), "0.005");
        assert_eq!(scaled_to_text(&BigInt::from(-5), 3), "-0.005");
        assert_eq!(scaled_to_text(&BigInt::zero(), 2), "0");
    }

    #[test]
    fn fitted_shares_keep_as_many_decimals_as_fit() {
        let s = fitted_share(&frac(5000, 1), "ratio").unwrap();
        assert_eq!((s.value.to_string().as_str(), s.exact), ("5000", true));
        let third = fitted_share(&frac(1, 3), "ratio").unwrap();
        assert_eq!(third.value.to_string(), "0.33333333333333333333");
        assert!(!third.exact);
        let big = Fraction::new(pow10(12), BigInt::from(3)).unwrap();
        let s = fitted_share(&big, "ratio").unwrap();
        assert!(!s.exact);
        assert_eq!(s.value.to_string(), "333333333333.33333333333333333");
        let too_big = Fraction::integer(pow10(30));
        assert_eq!(
            fitted_share(&too_big, "ratio"),
            Err(DomainError::Overflow { quantity: "ratio" })
        );
    }
}
