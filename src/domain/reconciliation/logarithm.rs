//! Natural logarithms in fixed point, for the log-ratio attribution.
//!
//! `rust_decimal`'s `ln` works in 28 significant digits; the attribution of a
//! log ratio divides by that ratio, which can be as small as 10^-29 (two
//! large figures one cent apart), so more digits are needed. This module
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
use num_traits::{Signed, Zero};

use crate::domain::rounding::{div_round, pow10, RoundingMode};

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
    use std::str::FromStr;

    /// The first 40 decimals of a fixed-point logarithm.
    fn ln40(x: i64) -> String {
        let scaled = ln_scaled(&BigInt::from(x)).unwrap();
        let rounded = div_round(&scaled, &pow10(LN_DECIMALS - 40), RoundingMode::HalfEven);
        crate::domain::reconciliation::fraction::scaled_to_text(&rounded, 40)
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
