//! Natural logarithms.
//!
//! - [`BigFloat::ln`]: the logarithm of a discount rate's growth, at
//!   [`PRECISION_BITS`] bits, good to about 1e-72 relative (tested against
//!   80-digit Python `decimal` values): `x = y 2^k` with `y` in [0.7, 1.4),
//!   `ln y = 2 atanh((y - 1) / (y + 1))`.
//! - [`ln_scaled`]: the logarithm of a positive integer in fixed point, for
//!   the log-ratio attribution of a reconciliation (below).
//!
//! `rust_decimal`'s `ln` works in 28 significant digits; the attribution of a
//! log ratio divides by that ratio, which can be as small as 10^-29 (two
//! large figures one cent apart), so more digits are needed. [`ln_scaled`]
//! computes `ln x` for a positive integer `x` as an integer scaled by
//! 10^[`LN_DECIMALS`], with [`GUARD_DIGITS`] extra digits inside:
//!
//! `x = m x 2^k` with `m` in [1, 2); `ln x = k ln 2 + ln m`;
//! `ln m = 2 atanh((m - 1) / (m + 1))`, `ln 2 = 2 atanh(1/3)`, each series
//! summed until its terms vanish at the working precision.
//!
//! Every truncation is below one unit of 10^-(LN_DECIMALS + GUARD_DIGITS);
//! with at most a few hundred such truncations (series terms, and `k` copies
//! of the error of ln 2 for `x` below 2^400), the result is within one unit of
//! 10^-LN_DECIMALS of the true value. Tests compare it with Python's
//! `decimal` at 100 digits.

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use std::sync::OnceLock;

use super::big_float::{BigFloat, PRECISION_BITS};
use crate::domain::rounding::{div_round, pow10, RoundingMode};

impl BigFloat {
    /// The natural logarithm, or `None` unless `self > 0`.
    pub fn ln(&self) -> Option<Self> {
        if !self.mant.is_positive() {
            return None;
        }
        // self = y * 2^k with y in [0.7, 1.4).
        let bits = self.mant.bits() as i64;
        let mut k = self.exp.saturating_add(bits);
        let mut y = Self {
            mant: self.mant.clone(),
            exp: -bits,
        };
        let below = &self.mant * BigInt::from(10u8) < BigInt::from(7u8) << (bits as u64);
        if below {
            y.exp += 1;
            k = k.saturating_sub(1);
        }
        let one = Self::one();
        let z = y.sub(&one).div(&y.add(&one))?;
        let ln_y = atanh_series(&z).mul_pow2(1);
        Some(ln_y.add(&ln2().mul(&Self::from_bigint(BigInt::from(k)))))
    }
}

/// `sum z^(2n+1) / (2n+1)` = atanh(z), for `|z| <= 1/3`.
fn atanh_series(z: &BigFloat) -> BigFloat {
    if z.is_zero() {
        return BigFloat::zero();
    }
    let z2 = z.mul(z);
    let stop = -(PRECISION_BITS as i64 + 8);
    let mut sum = z.clone();
    let mut power = z.clone();
    let mut n = 1u64;
    loop {
        power = power.mul(&z2);
        n += 2;
        let term = power
            .div(&BigFloat::from_bigint(BigInt::from(n)))
            .unwrap_or_else(BigFloat::zero);
        if term.is_zero() || term.top() < stop {
            break;
        }
        sum = sum.add(&term);
    }
    sum
}

/// ln 2 = 2 atanh(1/3), computed once.
pub(super) fn ln2() -> &'static BigFloat {
    static LN2: OnceLock<BigFloat> = OnceLock::new();
    LN2.get_or_init(|| {
        let third = BigFloat::from_ratio(&BigInt::one(), &BigInt::from(3u8));
        atanh_series(&third).mul_pow2(1)
    })
}

/// Decimals of the fixed-point logarithm.
pub const LN_DECIMALS: u32 = 80;
/// Extra working digits.
pub const GUARD_DIGITS: u32 = 12;

/// `round(ln(x) x 10^LN_DECIMALS)` (within one unit), or `None` unless
/// `x > 0`.
pub fn ln_scaled(x: &BigInt) -> Option<BigInt> {
    if !x.is_positive() {
        return None;
    }
    let working = LN_DECIMALS + GUARD_DIGITS;
    let one = pow10(working);
    let k = x.bits() - 1;
    // m = x / 2^k in [1, 2), as a fixed-point integer.
    let m: BigInt = (x * &one) >> k;
    let z = ((&m - &one) * &one) / (&m + &one);
    let ln_m = twice_atanh(&z, &one);
    let ln_x = if k == 0 {
        ln_m
    } else {
        let ln2 = twice_atanh(&(&one / BigInt::from(3u8)), &one);
        ln2 * BigInt::from(k) + ln_m
    };
    Some(div_round(
        &ln_x,
        &pow10(GUARD_DIGITS),
        RoundingMode::HalfEven,
    ))
}

/// `2 atanh(z)` for a fixed-point `0 <= z < 1/2` with unit `one`:
/// `2 (z + z^3/3 + z^5/5 + ...)`.
fn twice_atanh(z: &BigInt, one: &BigInt) -> BigInt {
    let z_squared = (z * z) / one;
    let mut power = z.clone();
    let mut sum = BigInt::zero();
    let mut odd = 1u32;
    loop {
        let term = &power / BigInt::from(odd);
        if term.is_zero() {
            break;
        }
        sum += term;
        power = (&power * &z_squared) / one;
        odd += 2;
    }
    sum * 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::numerics::big_float::tests::close_to_ratio;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn ln2_matches_python_to_74_digits() {
        // python3: decimal.getcontext().prec = 110; Decimal(2).ln()
        let text = "0.69314718055994530941723212145817656807550013436025525412068000949339362196969471560586332699641868754200148102";
        let digits = text.len() as u32 - 2;
        let num = BigInt::from_str(&text[2..]).unwrap();
        let den = pow10(digits);
        assert!(close_to_ratio(ln2(), &num, &den, 74));
    }

    #[test]
    fn ln_against_python_references() {
        // python3: getcontext().prec = 80; Decimal("1.05").ln()
        let l105 =
            "0.048790164169432003065374404223164658607973664415582410040076573114107924323631039";
        let z = BigFloat::from_decimal(dec("1.05")).ln().unwrap();
        let num = BigInt::from_str(&l105[2..]).unwrap();
        assert!(close_to_ratio(&z, &num, &pow10(l105.len() as u32 - 2), 70));
        // A value far from 1: python3: getcontext().prec = 80; Decimal("0.0001").ln()
        let l1em4 =
            "-9.2103403719761827360719658187374568304044059545150919041333116038702904387094099";
        let w = BigFloat::from_decimal(dec("0.0001")).ln().unwrap();
        let num = BigInt::from_str(&l1em4.replace('.', "")).unwrap();
        assert!(close_to_ratio(&w, &num, &pow10(79), 70));
    }

    #[test]
    fn ln_is_undefined_for_zero_and_negatives() {
        assert_eq!(BigFloat::zero().ln(), None);
        assert_eq!(BigFloat::from_decimal(dec("-2")).ln(), None);
    }
}

#[cfg(test)]
mod fixed_point_tests {
    use super::*;
    use std::str::FromStr;

    /// The first 40 decimals of a fixed-point logarithm.
    fn ln40(x: i64) -> String {
        let scaled = ln_scaled(&BigInt::from(x)).unwrap();
        let rounded = div_round(&scaled, &pow10(LN_DECIMALS - 40), RoundingMode::HalfEven);
        crate::domain::numerics::rational::scaled_to_text(&rounded, 40)
    }

    #[test]
    fn matches_python_decimal() {
        // python3: from decimal import *; getcontext().prec = 100
        //          D(x).ln().quantize(D(10) ** -40)
        assert_eq!(ln40(5000), "8.5171931914162374266547336972792802623289");
        assert_eq!(ln40(2), "0.6931471805599453094172321214581765680755");
        assert_eq!(ln40(10), "2.3025850929940456840179914546843642076011");
        assert_eq!(ln40(3), "1.0986122886681096913952452369225257046475");
        assert_eq!(ln40(1), "0");
    }

    #[test]
    fn full_precision_of_ln_5000() {
        // python3 (prec 100): D(5000).ln() to 80 decimals:
        // 8.51719319141623742665473369727928026232890582015483665001263159437689681673971521
        let expected = BigInt::from_str(
            "851719319141623742665473369727928026232890582015483665001263159437689681673971521",
        )
        .unwrap();
        let got = ln_scaled(&BigInt::from(5000)).unwrap();
        assert!((got - expected).abs() <= BigInt::from(1));
    }

    #[test]
    fn products_add_up_to_one_unit() {
        // ln(a b) = ln a + ln b, each within one unit.
        let a = BigInt::from(1_096_000_000_000i64);
        let b = BigInt::from(219_200_000i64);
        let sum = ln_scaled(&a).unwrap() + ln_scaled(&b).unwrap();
        let product = ln_scaled(&(&a * &b)).unwrap();
        assert!((sum - product).abs() <= BigInt::from(2));
    }

    #[test]
    fn undefined_for_zero_and_negatives() {
        assert!(ln_scaled(&BigInt::zero()).is_none());
        assert!(ln_scaled(&BigInt::from(-5)).is_none());
    }
}
