//! Exact rational numbers (`num-rational`'s [`BigRational`]: a reduced
//! fraction of big integers with a positive denominator) and their decimal
//! renderings.
//!
//! Dividing by 0.6 or by 3 gives values that no decimal holds exactly, so
//! conversion chains, valuations of claims, times, curve rates and ratios
//! are kept as rationals and rounded only at the end, once, by the
//! functions here: to a number of decimals ([`RationalDecimal`]), or to the
//! finest `Decimal` that holds the value ([`ratio_to_decimal`]).

use num_bigint::{BigInt, BigUint};
pub use num_rational::BigRational;
use num_traits::{Signed, Zero};
use rust_decimal::Decimal;

use crate::domain::error::DomainError;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// The largest `Decimal` mantissa, 2^96 - 1.
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// `numerator / denominator`, reduced; `None` for a zero denominator.
pub fn ratio(numerator: BigInt, denominator: BigInt) -> Option<BigRational> {
    if denominator.is_zero() {
        return None;
    }
    Some(BigRational::new(numerator, denominator))
}

/// The exact value of a decimal.
pub fn from_decimal(value: Decimal) -> BigRational {
    BigRational::new(BigInt::from(value.mantissa()), pow10(value.scale()))
}

/// `minor / 10^scale`: an amount given in minor units.
pub fn from_scaled(minor: BigInt, scale: u32) -> BigRational {
    BigRational::new(minor, pow10(scale))
}

/// The whole number `value`.
pub fn from_int(value: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(value))
}

/// `1 / value`; `None` for zero.
pub fn checked_recip(value: &BigRational) -> Option<BigRational> {
    if value.is_zero() {
        None
    } else {
        Some(value.recip())
    }
}

/// A decimal as the exact fraction `(mantissa, 10^scale)` (not reduced).
pub fn decimal_ratio(value: Decimal) -> (BigInt, BigInt) {
    (BigInt::from(value.mantissa()), pow10(value.scale()))
}

/// The decimal renderings of a rational, each rounded once.
pub trait RationalDecimal {
    /// `self x 10^scale` rounded to an integer with `mode`: the value in
    /// minor units of a currency with `scale` decimals.
    fn round_to_scale(&self, scale: u32, mode: RoundingMode) -> BigInt;

    /// Whether `self x 10^scale` is a whole number.
    fn terminates_within(&self, scale: u32) -> bool;

    /// Decimal text with at most `decimals` decimals: exact (trailing zeros
    /// dropped) when the expansion ends within `decimals`, otherwise rounded
    /// half-even there. The flag says whether the text is exact.
    fn to_decimal_text(&self, decimals: u32) -> (String, bool);

    /// The value rounded half-even to the finest `Decimal` that holds it
    /// (see [`ratio_to_decimal`]).
    fn to_decimal(&self, quantity: &'static str) -> Result<Decimal, DomainError>;
}

impl RationalDecimal for BigRational {
    fn round_to_scale(&self, scale: u32, mode: RoundingMode) -> BigInt {
        div_round(&(self.numer() * pow10(scale)), self.denom(), mode)
    }

    fn terminates_within(&self, scale: u32) -> bool {
        use num_integer::Integer;
        (self.numer() * pow10(scale))
            .mod_floor(self.denom())
            .is_zero()
    }

    fn to_decimal_text(&self, decimals: u32) -> (String, bool) {
        let exact = self.terminates_within(decimals);
        let scaled = self.round_to_scale(decimals, RoundingMode::HalfEven);
        (scaled_to_text(&scaled, decimals), exact)
    }

    fn to_decimal(&self, quantity: &'static str) -> Result<Decimal, DomainError> {
        ratio_to_decimal(self.numer(), self.denom(), quantity)
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

/// `num / den` (`den` non-zero) rounded half-even to the finest `Decimal`
/// that holds it (28 decimals when it fits), without trailing zeros; an
/// overflow error when its magnitude exceeds `Decimal::MAX` (or `den` is
/// zero).
pub fn ratio_to_decimal(
    num: &BigInt,
    den: &BigInt,
    quantity: &'static str,
) -> Result<Decimal, DomainError> {
    if den.is_zero() {
        return Err(DomainError::Overflow { quantity });
    }
    let (num, den) = if den.is_negative() {
        (-num, -den)
    } else {
        (num.clone(), den.clone())
    };
    let integer = num.abs() / &den;
    if integer.bits() > 96 {
        return Err(DomainError::Overflow { quantity });
    }
    let digits = if integer.is_zero() {
        0
    } else {
        integer.to_string().len() as u32
    };
    // value * 10^scale must stay below 2^96 ~ 7.9e28 (29 digits).
    let mut scale = 28u32.min(29u32.saturating_sub(digits));
    loop {
        let scaled = div_round(&(&num * pow10(scale)), &den, RoundingMode::HalfEven);
        if scaled.magnitude() <= &BigUint::from(MAX_MANTISSA) {
            let mantissa =
                i128::try_from(&scaled).map_err(|_| DomainError::Overflow { quantity })?;
            return Decimal::try_from_i128_with_scale(mantissa, scale)
                .map(|d| d.normalize())
                .map_err(|_| DomainError::Overflow { quantity });
        }
        if scale == 0 {
            return Err(DomainError::Overflow { quantity });
        }
        scale -= 1;
    }
}

/// A long decimal reference (such as a 50-digit Python `decimal` result)
/// rounded half-even to the nearest `Decimal`: for comparing with figures
/// that are rounded the same way.
#[cfg(test)]
pub(crate) fn decimal_reference(text: &str) -> Decimal {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let num: BigInt = format!("{int}{frac}").parse().unwrap();
    ratio_to_decimal(&num, &pow10(frac.len() as u32), "reference").unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::{CheckedDiv, One};
    use std::str::FromStr;

    fn frac(n: i64, d: i64) -> BigRational {
        ratio(BigInt::from(n), BigInt::from(d)).unwrap()
    }

    #[test]
    fn reduces_and_normalises_sign() {
        let f = frac(6, -4);
        assert_eq!(
            (f.numer().clone(), f.denom().clone()),
            (BigInt::from(-3), BigInt::from(2))
        );
        assert_eq!(frac(0, -7), BigRational::zero());
        assert!(ratio(BigInt::one(), BigInt::zero()).is_none());
        assert_eq!(&frac(1, 3) + &frac(1, 6), frac(1, 2));
        assert_eq!(&frac(1, 3) - &frac(1, 2), frac(-1, 6));
        assert_eq!(&frac(2, 3) * &frac(3, 4), frac(1, 2));
        assert_eq!(frac(1, 2).checked_div(&frac(1, 4)), Some(frac(2, 1)));
        assert_eq!(frac(1, 2).checked_div(&BigRational::zero()), None);
        assert_eq!(checked_recip(&frac(-2, 3)), Some(frac(-3, 2)));
        assert_eq!(checked_recip(&BigRational::zero()), None);
        assert!(frac(1, 3) < frac(1, 2) && frac(-1, 2) < frac(-1, 3));
        // Display: "n" for whole numbers, "n/d" otherwise (the API's
        // ratio_fraction relies on it).
        assert_eq!(frac(10, 2).to_string(), "5");
        assert_eq!(frac(-6, 4).to_string(), "-3/2");
    }

    #[test]
    fn decimals_convert_exactly() {
        let f = from_decimal(Decimal::from_str("0.6").unwrap());
        assert_eq!(f, frac(3, 5));
        let amount = from_decimal(Decimal::from(6_576_000_000i64));
        assert_eq!(
            amount.checked_div(&f).unwrap(),
            BigRational::from_integer(BigInt::from(10_960_000_000i64))
        );
        assert_eq!(from_scaled(BigInt::from(-150), 2), frac(-3, 2));
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
    fn decimal_rounding_of_ratios() {
        let r = |n: i64, d: i64| ratio_to_decimal(&BigInt::from(n), &BigInt::from(d), "x").unwrap();
        assert_eq!(r(1, 3).to_string(), "0.3333333333333333333333333333");
        assert_eq!(r(-2, 3).to_string(), "-0.6666666666666666666666666667");
        assert_eq!(r(2, -3).to_string(), "-0.6666666666666666666666666667");
        assert_eq!(r(10, 4).to_string(), "2.5");
        assert_eq!(r(0, 7).to_string(), "0");
        assert_eq!(frac(1, 3).to_decimal("x"), Ok(r(1, 3)));
        // 29 significant digits when the leading digits allow it.
        let big = ratio_to_decimal(
            &(pow10(28) * BigInt::from(7) + BigInt::one()),
            &BigInt::one(),
            "x",
        );
        assert_eq!(big.unwrap().to_string(), "70000000000000000000000000001");
        let too_big = ratio_to_decimal(&pow10(29), &BigInt::one(), "x");
        assert_eq!(too_big, Err(DomainError::Overflow { quantity: "x" }));
        let third_of_big = ratio_to_decimal(&pow10(28), &BigInt::from(3), "x").unwrap();
        assert_eq!(third_of_big.to_string(), "3333333333333333333333333333.3");
        let no_denominator = ratio_to_decimal(&BigInt::one(), &BigInt::zero(), "x");
        assert_eq!(no_denominator, Err(DomainError::Overflow { quantity: "x" }));
    }
}
