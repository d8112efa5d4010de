//! `e^x` for a [`BigFloat`], good to about 1e-72 relative (tested against
//! 80-digit Python `decimal` values): argument reduction by multiples of
//! ln 2, halvings until the Taylor series gains 12 bits a term, and as many
//! squarings back.

use num_bigint::BigInt;

use super::big_float::{BigFloat, PRECISION_BITS};
use super::logarithm::ln2;

/// Arguments of `exp` beyond this magnitude underflow to 0 (negative) or
/// overflow (positive).
const EXP_ARGUMENT_LIMIT: f64 = 1.0e6;

impl BigFloat {
    /// `e^self`. `Some(0)` when `self < -1e6`, `None` (overflow) when
    /// `self > 1e6`.
    pub fn exp(&self) -> Option<Self> {
        if self.is_zero() {
            return Some(Self::one());
        }
        let approx = self.to_f64();
        if approx < -EXP_ARGUMENT_LIMIT {
            return Some(Self::zero());
        }
        if approx > EXP_ARGUMENT_LIMIT {
            return None;
        }
        // self = k ln 2 + w with |w| <= ln 2 / 2 (k need not be exact).
        let k = (approx / std::f64::consts::LN_2).round() as i64;
        let w = self.sub(&ln2().mul(&Self::from_bigint(BigInt::from(k))));
        // e^w = (e^(w / 2^h))^(2^h), with h chosen so that |w / 2^h| < 2^-12:
        // the Taylor series then gains at least 12 bits per term, and the h
        // squarings (none for a per-day factor) cost few bits.
        let halvings = w.top().saturating_add(12).clamp(0, 64);
        let r = w.mul_pow2(-halvings);
        let stop = -(PRECISION_BITS as i64 + 8);
        let mut sum = Self::one();
        let mut term = Self::one();
        let mut n = 1u64;
        loop {
            term = term
                .mul(&r)
                .div(&Self::from_bigint(BigInt::from(n)))
                .unwrap_or_else(Self::zero);
            if term.is_zero() || term.top() < stop {
                break;
            }
            sum = sum.add(&term);
            n += 1;
        }
        for _ in 0..halvings {
            sum = sum.mul(&sum);
        }
        Some(sum.mul_pow2(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::numerics::big_float::tests::close_to_ratio;
    use crate::domain::numerics::rational::decimal_ratio;
    use crate::domain::rounding::pow10;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn exp_against_python_references() {
        // python3: getcontext().prec = 80; Decimal("0.07").exp()
        let e007 =
            "1.0725081812542164790531039498891146055749589730930136313685819963841846638728701";
        let x = BigFloat::from_decimal(dec("0.07")).exp().unwrap();
        let num = BigInt::from_str(&e007.replace('.', "")).unwrap();
        assert!(close_to_ratio(&x, &num, &pow10(79), 70));
        // python3: getcontext().prec = 80; Decimal("-12.5").exp()
        let em125 = "0.0000037266531720786709929248514759504261803374818839698470146404523359814127279800882";
        let y = BigFloat::from_decimal(dec("-12.5")).exp().unwrap();
        let num = BigInt::from_str(&em125[2..]).unwrap();
        assert!(close_to_ratio(&y, &num, &pow10(em125.len() as u32 - 2), 70));
    }

    #[test]
    fn exp_of_ln_round_trips_and_limits() {
        let x = BigFloat::from_decimal(dec("123456.789"));
        let back = x.ln().unwrap().exp().unwrap();
        let (num, den) = decimal_ratio(dec("123456.789"));
        assert!(close_to_ratio(&back, &num, &den, 70));
        assert_eq!(
            BigFloat::from_decimal(dec("-1000001")).exp(),
            Some(BigFloat::zero())
        );
        assert_eq!(BigFloat::from_decimal(dec("1000001")).exp(), None);
        assert_eq!(BigFloat::zero().exp(), Some(BigFloat::one()));
    }
}
