//! The grant element of a loan: the share of its face that is a gift.
//!
//! `GE = (face - PV(all debt service)) / face`, with the debt service
//! (principal and interest) discounted at the convention's rate from the
//! disbursement date (see [`super::concessionality`]). A loan priced
//! exactly at the discount rate has GE = 0; a grant has GE = 1.

use rust_decimal::Decimal;

use crate::domain::error::DomainError;
use crate::domain::numerics::rational::{self, RationalDecimal};
use num_traits::CheckedDiv;

/// `(face - pv_debt_service) / face`, computed exactly and rounded half-even
/// to 28 decimals. `face` must be positive. Negative values (debt service
/// worth more than the loan) are returned as they are.
pub fn grant_element(face: Decimal, pv_debt_service: Decimal) -> Result<Decimal, DomainError> {
    if face <= Decimal::ZERO {
        return Err(DomainError::InvalidInput {
            quantity: "face value",
            requirement: "positive for a grant element",
        });
    }
    one_minus_ratio(pv_debt_service, face, "grant element")
}

/// `1 - numerator / denominator` exactly, rounded once; `denominator > 0`.
pub(crate) fn one_minus_ratio(
    numerator: Decimal,
    denominator: Decimal,
    quantity: &'static str,
) -> Result<Decimal, DomainError> {
    let n = rational::from_decimal(numerator);
    let d = rational::from_decimal(denominator);
    // (d - n) / d
    let share = (&d - &n).checked_div(&d).ok_or(DomainError::InvalidInput {
        quantity,
        requirement: "defined (a zero denominator)",
    })?;
    share.to_decimal(quantity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn grant_elements() {
        assert_eq!(grant_element(d("1000"), d("1000")).unwrap(), Decimal::ZERO);
        assert_eq!(grant_element(d("1000"), d("0")).unwrap(), Decimal::ONE);
        assert_eq!(grant_element(d("1000"), d("650")).unwrap(), d("0.35"));
        assert_eq!(grant_element(d("1000"), d("1100")).unwrap(), d("-0.1"));
        assert_eq!(
            grant_element(d("3"), d("2")).unwrap(),
            d("0.3333333333333333333333333333")
        );
        // Exact even where the decimal quotient would need more digits.
        assert_eq!(
            grant_element(
                d("79228162514264337593543950335"),
                d("79228162514264337593543950334")
            )
            .unwrap(),
            d("0.0000000000000000000000000000")
        );
        assert_eq!(
            grant_element(d("0.0000000000000000000000000001"), d("0")).unwrap(),
            Decimal::ONE
        );
    }

    #[test]
    fn a_face_of_zero_or_less_is_an_error() {
        for face in ["0", "-5"] {
            assert!(matches!(
                grant_element(d(face), d("1")),
                Err(DomainError::InvalidInput {
                    quantity: "face value",
                    ..
                })
            ));
        }
    }
}
