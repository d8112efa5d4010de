//! Exact amounts of money in one currency, and their conversion to and from
//! whole minor units (cents), where all money arithmetic happens.

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt;

use super::currency::Currency;
use super::error::DomainError;
use super::rounding::{div_round, pow10, ExactInt, RoundingMode};

/// An exact amount in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub currency: Currency,
    pub amount: Decimal,
}

impl Money {
    /// Builds an amount from a count of minor units (cents for USD), printed
    /// with exactly the currency's minor units.
    pub fn from_minor_units<T: ToPrimitive>(
        currency: Currency,
        minor: &T,
        quantity: &'static str,
    ) -> Result<Self, DomainError> {
        let amount = decimal_from_scaled(minor, currency.minor_units)
            .ok_or(DomainError::Overflow { quantity })?;
        Ok(Self { currency, amount })
    }

    /// The amount as a count of minor units, or `None` when it has more
    /// decimals than the currency's minor unit.
    pub fn to_minor_units(&self) -> Option<BigInt> {
        scaled_integer(self.amount, self.currency.minor_units)
    }

    /// Whether the amount has no more decimals than the currency allows
    /// (trailing zeros do not count: "1.500" USD is fine).
    pub fn fits_minor_units(&self) -> bool {
        self.to_minor_units().is_some()
    }
}

/// Rounds an exact (or full-precision) decimal amount to the currency's
/// minor unit with `mode`, once.
pub fn round_to_minor_units(
    currency: Currency,
    value: Decimal,
    mode: RoundingMode,
    quantity: &'static str,
) -> Result<Money, DomainError> {
    let minor = div_round(
        &(mantissa(value) * pow10(currency.minor_units)),
        &pow10(value.scale()),
        mode,
    );
    Money::from_minor_units(currency, &minor, quantity)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// The integer `mantissa` of `value` with exactly `scale` decimals
/// (`value x 10^scale`), or `None` if `value` has more significant decimals.
pub fn scaled_integer(value: Decimal, scale: u32) -> Option<BigInt> {
    scaled_integer_in(value, scale)
}

/// [`scaled_integer`] in any [`ExactInt`]: `None` also where an `i128`
/// would overflow.
pub fn scaled_integer_in<T: ExactInt>(value: Decimal, scale: u32) -> Option<T> {
    let normalized = value.normalize();
    let own_scale = normalized.scale();
    if own_scale > scale {
        return None;
    }
    T::from_i128(normalized.mantissa()).checked_mul(&T::pow10(scale - own_scale)?)
}

/// `integer / 10^scale` as a decimal with exactly that scale, or `None` if it
/// does not fit the 96-bit mantissa or the 28-decimal scale.
pub fn decimal_from_scaled<T: ToPrimitive>(integer: &T, scale: u32) -> Option<Decimal> {
    let mantissa = integer.to_i128()?;
    Decimal::try_from_i128_with_scale(mantissa, scale).ok()
}

/// The exact integer numerator of `value` over `10^value.scale()`.
pub fn mantissa(value: Decimal) -> BigInt {
    BigInt::from(value.mantissa())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use std::str::FromStr;

    #[test]
    fn minor_units_round_trip_with_fixed_decimals() {
        let usd = find("USD").unwrap();
        let m = Money::from_minor_units(usd, &BigInt::from(986_400_000_000i64), "x").unwrap();
        assert_eq!(m.amount.to_string(), "9864000000.00");
        assert_eq!(m.to_minor_units(), Some(BigInt::from(986_400_000_000i64)));
        let jpy = find("JPY").unwrap();
        let y = Money::from_minor_units(jpy, &BigInt::from(1000), "x").unwrap();
        assert_eq!(y.amount.to_string(), "1000");
        let kwd = find("KWD").unwrap();
        let k = Money::from_minor_units(kwd, &BigInt::from(1500), "x").unwrap();
        assert_eq!(k.amount.to_string(), "1.500");
    }

    #[test]
    fn too_many_decimals_are_detected() {
        let usd = find("USD").unwrap();
        let fine = Money {
            currency: usd,
            amount: Decimal::from_str("1.500").unwrap(),
        };
        assert!(fine.fits_minor_units());
        let bad = Money {
            currency: usd,
            amount: Decimal::from_str("1.005").unwrap(),
        };
        assert!(!bad.fits_minor_units());
    }

    #[test]
    fn rounding_to_minor_units_is_done_once() {
        let usd = find("USD").unwrap();
        let jpy = find("JPY").unwrap();
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let r = |c, v, m| {
            round_to_minor_units(c, d(v), m, "x")
                .unwrap()
                .amount
                .to_string()
        };
        assert_eq!(
            r(usd, "687576793.93019790314", RoundingMode::HalfEven),
            "687576793.93"
        );
        assert_eq!(r(usd, "0.125", RoundingMode::HalfEven), "0.12");
        assert_eq!(r(usd, "0.125", RoundingMode::HalfUp), "0.13");
        assert_eq!(r(usd, "-0.125", RoundingMode::HalfUp), "-0.13");
        assert_eq!(r(jpy, "1000.5", RoundingMode::HalfEven), "1000");
        assert_eq!(r(usd, "7", RoundingMode::HalfEven), "7.00");
    }

    #[test]
    fn overflow_is_an_error() {
        let usd = find("USD").unwrap();
        let huge = pow10(40);
        assert_eq!(
            Money::from_minor_units(usd, &huge, "claim"),
            Err(DomainError::Overflow { quantity: "claim" })
        );
    }
}
