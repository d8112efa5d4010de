//! The exact path's high-precision float: debtcalc's own `BigFloat`
//! (`src/domain/numerics/big_float.rs`, a `num-bigint` mantissa) against
//! `dashu-float`'s `FBig` (a maintained arbitrary-precision float with
//! correctly rounded `exp` and `ln`), at the same 256-bit precision, on the
//! present-value kernel of a flat rate:
//!
//! - `L = ln(1.05)`, the factor of one 30/360 day `v = e^(-L / 360)`;
//! - the DPRK remainder's 40 semi-annual flows of 27,250,000.00 (180 days
//!   apart, the first 180 days out): each factor the previous one times
//!   `v^gap`, each flow times its factor, summed;
//! - the sum rendered as a `Decimal` (half-even, 28 decimals).
//!
//! The two sums are checked to agree within 1e-70 relative before anything
//! is timed. The kernel is also timed on 1,200 monthly flows (30 days
//! apart), where the running products dominate.
//!
//! Run: `cargo bench --bench float_backend`. The decision it informed is in
//! `src/domain/numerics/mod.rs` ("Float backend") and BENCHMARKS.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use dashu_float::round::mode::Zero as TowardZero;
use dashu_float::FBig;
use dashu_int::IBig;
use debtcalc::domain::numerics::big_float::BigFloat;
use debtcalc::domain::numerics::rational::ratio_to_decimal;
use num_bigint::BigInt;
use rust_decimal::Decimal;

/// A binary float rounding toward zero, like `BigFloat`'s truncation.
type Dashu = FBig<TowardZero, 2>;

const BITS: usize = 256;

/// Day counts (30/360) of `count` flows `gap` days apart, the first `gap`
/// days out, each of 27,250,000.00 (in cents).
fn flows(count: u64, gap: u64) -> Vec<(u64, i128)> {
    (1..=count).map(|k| (k * gap, 2_725_000_000)).collect()
}

fn big_float_pv(flows: &[(u64, i128)]) -> BigFloat {
    let l = BigFloat::from_ratio(&BigInt::from(105), &BigInt::from(100))
        .ln()
        .unwrap();
    let unit = l
        .div(&BigFloat::from_bigint(BigInt::from(360)))
        .unwrap()
        .neg()
        .exp()
        .unwrap();
    let hundred = BigFloat::from_bigint(BigInt::from(100));
    let mut factor = BigFloat::one();
    let mut at = 0;
    let mut sum = BigFloat::zero();
    for &(days, cents) in flows {
        factor = factor.mul(&unit.pow(days - at));
        at = days;
        let amount = BigFloat::from_bigint(BigInt::from(cents))
            .div(&hundred)
            .unwrap();
        sum = sum.add(&amount.mul(&factor));
    }
    sum
}

fn dashu(value: i128) -> Dashu {
    Dashu::from(IBig::from(value)).with_precision(BITS).value()
}

fn dashu_pv(flows: &[(u64, i128)]) -> Dashu {
    let l = (dashu(105) / dashu(100)).ln();
    let unit = (-(l / dashu(360))).exp();
    let hundred = dashu(100);
    let mut factor = dashu(1);
    let mut at = 0;
    let mut sum = dashu(0);
    for &(days, cents) in flows {
        factor *= unit.powi(IBig::from(days - at));
        at = days;
        sum += dashu(cents) / &hundred * &factor;
    }
    sum
}

/// `dashu`'s value as the exact ratio `(num, den)`.
fn dashu_ratio(value: &Dashu) -> (BigInt, BigInt) {
    let repr = value.repr();
    let (sign, magnitude) = repr.significand().clone().into_parts();
    let sign = match sign {
        dashu_base::Sign::Positive => num_bigint::Sign::Plus,
        dashu_base::Sign::Negative => num_bigint::Sign::Minus,
    };
    let significand = BigInt::from_bytes_le(sign, &magnitude.to_le_bytes());
    let exponent = repr.exponent();
    if exponent >= 0 {
        (significand << exponent as usize, BigInt::from(1))
    } else {
        (significand, BigInt::from(1) << exponent.unsigned_abs())
    }
}

fn dashu_decimal(value: &Dashu) -> Decimal {
    let (num, den) = dashu_ratio(value);
    ratio_to_decimal(&num, &den, "present value").unwrap()
}

/// |a - b| <= 1e-70 |b|, exactly.
fn agree(a: &BigFloat, b: &Dashu) -> bool {
    let (an, ad) = a.to_ratio();
    let (bn, bd) = dashu_ratio(b);
    let diff = (&an * &bd - &bn * &ad) * num_traits::pow(BigInt::from(10), 70);
    diff.magnitude() <= (&bn * &ad).magnitude()
}

fn kernel(c: &mut Criterion) {
    for (name, list) in [
        ("40_flows", flows(40, 180)),
        ("1200_flows", flows(1200, 30)),
    ] {
        let ours = big_float_pv(&list);
        let theirs = dashu_pv(&list);
        assert!(agree(&ours, &theirs), "{name}: the backends disagree");
        assert_eq!(
            ours.to_decimal("present value").unwrap(),
            dashu_decimal(&theirs),
            "{name}: the rounded figures differ"
        );
        let mut group = c.benchmark_group(format!("float_backend/pv_kernel_{name}"));
        group.bench_function("big_float", |b| {
            b.iter(|| {
                big_float_pv(black_box(&list))
                    .to_decimal("present value")
                    .unwrap()
            })
        });
        group.bench_function("dashu_float", |b| {
            b.iter(|| dashu_decimal(&dashu_pv(black_box(&list))))
        });
        group.finish();
    }
    // The transcendental calls alone (one each per flat valuation).
    let mut group = c.benchmark_group("float_backend/ln_exp");
    group.bench_function("big_float", |b| {
        b.iter(|| {
            let l = BigFloat::from_ratio(&BigInt::from(105), &BigInt::from(100))
                .ln()
                .unwrap();
            l.div(&BigFloat::from_bigint(BigInt::from(360)))
                .unwrap()
                .neg()
                .exp()
                .unwrap()
        })
    });
    group.bench_function("dashu_float", |b| {
        b.iter(|| (-((dashu(105) / dashu(100)).ln() / dashu(360))).exp())
    });
    group.finish();
}

criterion_group!(float_backend, kernel);
criterion_main!(float_backend);
