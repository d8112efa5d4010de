//! The level payment of an annuity, computed exactly.
//!
//! With a periodic rate `i = a / D` (`a / 10^s` the annual rate, `D = 10^s x
//! periods_per_year`) and `1 + i = N / D`, reduced to `n / d`,
//! `O i / (1 - (1 + i)^-m) = O a n^m / (D (n^m - d^m))`: a ratio of big
//! integers, with `n^m` and `d^m` raised by repeated squaring. The payment is
//! therefore exact before its one rounding to the minor unit; no annuity
//! factor is ever truncated.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};
use rust_decimal::Decimal;

use crate::domain::error::DomainError;
use crate::domain::money::mantissa;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// The level payment, in minor units, that repays `outstanding` minor units
/// over `remaining` periods at `annual_rate / periods_per_year` a period:
/// `O i / (1 - (1 + i)^-m)`, or `O / m` at a zero rate, rounded once with
/// `mode`. Zero periods left means the whole outstanding is due.
pub fn level_payment(
    outstanding: &BigInt,
    annual_rate: Decimal,
    periods_per_year: u32,
    remaining: u32,
    mode: RoundingMode,
) -> Result<BigInt, DomainError> {
    if remaining == 0 {
        return Ok(outstanding.clone());
    }
    let rate = annual_rate.normalize();
    let a = mantissa(rate);
    if a.is_zero() {
        return Ok(div_round(outstanding, &BigInt::from(remaining), mode));
    }
    let big_d = pow10(rate.scale()) * BigInt::from(periods_per_year.max(1));
    let big_n = &big_d + &a;
    if !big_n.is_positive() {
        return Err(DomainError::InvalidTerms {
            reason: "the periodic rate must be greater than -1",
        });
    }
    let g = big_n.gcd(&big_d);
    let (n, d) = (&big_n / &g, &big_d / &g);
    let n_m = num_traits::pow(n, remaining as usize);
    let d_m = num_traits::pow(d, remaining as usize);
    let mut numerator = outstanding * a * &n_m;
    let mut denominator = big_d * (n_m - d_m);
    if denominator.is_negative() {
        numerator = -numerator;
        denominator = -denominator;
    }
    if denominator.is_zero() {
        // Only a zero rate makes n^m = d^m, and it was handled above.
        return Err(DomainError::InvalidTerms {
            reason: "the annuity factor is undefined",
        });
    }
    Ok(div_round(&numerator, &denominator, mode))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn pay(o: i64, rate: &str, ppy: u32, m: u32, mode: RoundingMode) -> i64 {
        let p = level_payment(
            &BigInt::from(o),
            Decimal::from_str(rate).unwrap(),
            ppy,
            m,
            mode,
        )
        .unwrap();
        i64::try_from(p).unwrap()
    }

    #[test]
    fn hand_computed_payments() {
        let he = RoundingMode::HalfEven;
        // 1000.00 at 12%/12 over 12 months: 88.84878867... -> 88.85.
        assert_eq!(pay(100_000, "0.12", 12, 12, he), 8_885);
        assert_eq!(pay(100_000, "0.12", 12, 12, RoundingMode::Down), 8_884);
        // 1,000,000.00 at 5% annual over 10 years: 129,504.57496... -> 129,504.57.
        assert_eq!(pay(100_000_000, "0.05", 1, 10, he), 12_950_457);
        // -1% over two years: 10000 x -0.01 / (1 - 0.99^-2) = 4925.1256...
        assert_eq!(pay(10_000, "-0.01", 1, 2, he), 4_925);
        // Zero rate: O / m.
        assert_eq!(pay(100, "0", 12, 3, he), 33);
        assert_eq!(pay(100, "0.000", 12, 3, RoundingMode::Up), 34);
        // Nothing left to spread: the whole outstanding.
        assert_eq!(pay(123, "0.1", 1, 0, he), 123);
    }

    #[test]
    fn exact_ties_follow_the_mode() {
        // One period at 1%: 50 x 1.01 = 50.5 exactly.
        assert_eq!(pay(50, "0.01", 1, 1, RoundingMode::HalfEven), 50);
        assert_eq!(pay(50, "0.01", 1, 1, RoundingMode::HalfUp), 51);
        assert_eq!(pay(50, "0.01", 1, 1, RoundingMode::HalfDown), 50);
        // Zero rate: 3 / 2 = 1.5.
        assert_eq!(pay(3, "0", 1, 2, RoundingMode::HalfEven), 2);
        assert_eq!(pay(3, "0", 1, 2, RoundingMode::HalfDown), 1);
    }

    #[test]
    fn long_and_fine_rates_do_not_overflow() {
        let p = level_payment(
            &BigInt::from(109_000_000_000i64),
            Decimal::from_str("0.0585000000000000000000000001").unwrap(),
            12,
            1200,
            RoundingMode::HalfEven,
        )
        .unwrap();
        // 1,090,000,000.00 at 5.85%/12 over 100 years: interest 5,313,750.00
        // a month plus a little principal.
        assert!(p > BigInt::from(531_375_000i64) && p < BigInt::from(533_000_000i64));
    }

    proptest! {
        #[test]
        fn agrees_with_floating_point(
            o in 1i64..1_000_000_000_000, bp in -500i64..3000, ppy in prop::sample::select(vec![1u32, 2, 4, 12]), m in 1u32..400
        ) {
            let rate = Decimal::new(bp, 4);
            let exact = level_payment(&BigInt::from(o), rate, ppy, m, RoundingMode::HalfEven).unwrap();
            let i = bp as f64 / 10_000.0 / f64::from(ppy);
            let float = if bp == 0 { o as f64 / f64::from(m) } else {
                o as f64 * i / (1.0 - (1.0 + i).powi(-(m as i32)))
            };
            let exact = exact.to_string().parse::<f64>().unwrap();
            prop_assert!((exact - float).abs() <= 0.5 + float.abs() * 1e-9, "{exact} vs {float}");
        }
    }
}
