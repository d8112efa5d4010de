//! Amounts converted to a local currency at an agreed rate.
//!
//! Rule: with `D_k` the cumulative amounts (in the debt's currency) after
//! payment `k` and `r` the rate (local units per unit of the debt's
//! currency), the cumulative local amount is `L_k = round_half_even(r x
//! D_k)` in whole local minor units, and payment `k` is `L_k - L_(k-1)`.
//! So the local payments add up to the converted total exactly, each
//! cumulative amount is within half a local minor unit of the exact one,
//! and (rounding being monotone) no local payment is negative when no
//! payment is. All arithmetic is on integers.

use num_bigint::BigInt;
use rust_decimal::Decimal;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::{mantissa, Money};
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// A local currency and the agreed rate (local units per one unit of the
/// debt's currency, greater than zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRate {
    pub currency: Currency,
    pub rate: Decimal,
}

impl LocalRate {
    /// One amount converted, rounded half-even to the local minor unit.
    pub fn convert(&self, amount: &Money) -> Result<Money, DomainError> {
        Ok(convert_cumulative(std::slice::from_ref(amount), self)?
            .pop()
            .unwrap_or(Money {
                currency: self.currency,
                amount: Decimal::ZERO,
            }))
    }
}

fn invalid(quantity: &'static str, requirement: &'static str) -> DomainError {
    DomainError::InvalidInput {
        quantity,
        requirement,
    }
}

/// Converts `amounts` (one currency, each with at most its minor units) by
/// the rule of the module documentation.
pub fn convert_cumulative(amounts: &[Money], to: &LocalRate) -> Result<Vec<Money>, DomainError> {
    if to.rate <= Decimal::ZERO {
        return Err(invalid("local rate", "greater than zero"));
    }
    let Some(first) = amounts.first() else {
        return Ok(Vec::new());
    };
    let from = first.currency;
    // r x D = mantissa(r) x minor(D) x 10^local_minor / (10^scale(r) x 10^debt_minor).
    let numerator_factor = mantissa(to.rate) * pow10(to.currency.minor_units);
    let denominator = pow10(to.rate.scale() + from.minor_units);
    let mut cumulative = BigInt::from(0);
    let mut converted = BigInt::from(0);
    let mut out = Vec::with_capacity(amounts.len());
    for amount in amounts {
        if amount.currency != from {
            return Err(invalid(
                "amount currency",
                "the currency of the first amount",
            ));
        }
        let minor = amount.to_minor_units().ok_or(invalid(
            "amount",
            "an amount with at most the currency's minor units",
        ))?;
        cumulative += minor;
        let now = div_round(
            &(&cumulative * &numerator_factor),
            &denominator,
            RoundingMode::HalfEven,
        );
        out.push(Money::from_minor_units(
            to.currency,
            &(&now - &converted),
            "local amount",
        )?);
        converted = now;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use std::str::FromStr;

    fn m(code: &str, amount: &str) -> Money {
        Money {
            currency: find(code).unwrap(),
            amount: Decimal::from_str(amount).unwrap(),
        }
    }

    #[test]
    fn cumulative_rounding_adds_up() {
        // 0.01 USD x 0.5 local per USD three times: exact cumulative 0.005,
        // 0.010, 0.015 -> half-even 0.00, 0.01, 0.02 -> 0.00, 0.01, 0.01.
        let rate = LocalRate {
            currency: find("EUR").unwrap(),
            rate: Decimal::from_str("0.5").unwrap(),
        };
        let parts = convert_cumulative(&vec![m("USD", "0.01"); 3], &rate).unwrap();
        let text: Vec<_> = parts.iter().map(|p| p.amount.to_string()).collect();
        assert_eq!(text, ["0.00", "0.01", "0.01"]);
        // Into a currency without minor units (JPY): 1.50 USD x 100.5 =
        // 150.75 -> 151.
        let yen = LocalRate {
            currency: find("JPY").unwrap(),
            rate: Decimal::from_str("100.5").unwrap(),
        };
        assert_eq!(yen.convert(&m("USD", "1.50")).unwrap(), m("JPY", "151"));
    }

    #[test]
    fn bad_inputs_are_errors() {
        let rate = LocalRate {
            currency: find("EUR").unwrap(),
            rate: Decimal::ZERO,
        };
        assert!(convert_cumulative(&[m("USD", "1")], &rate).is_err());
        let rate = LocalRate {
            rate: Decimal::ONE,
            ..rate
        };
        assert!(convert_cumulative(&[m("USD", "1"), m("EUR", "1")], &rate).is_err());
        assert!(convert_cumulative(&[m("USD", "1.001")], &rate).is_err());
    }
}
