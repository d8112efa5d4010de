//! Natural logarithms: one series, [`ln_fixed`], and two renderings of it.
//!
//! **The series.** For `x = mant x 2^exp > 0`, write `x = m x 2^k` with `m`
//! in [0.7, 1.4) and `k` an integer; then
//! `ln x = k ln 2 + 2 atanh(z)`, `z = (m - 1) / (m + 1)`, `|z| < 0.18`, and
//! `atanh z = z + z^3/3 + z^5/5 + ...` gains at least 4.9 bits a term.
//! Everything is done in binary fixed point: integers scaled by `2^W`, with
//! `W` the requested bits plus [`GUARD_BITS`]. `z` is formed from exact
//! integers and truncated once; each series step truncates once (at most
//! one unit of `2^-W` per product or quotient, about `W / 4.9` steps); `ln 2`
//! comes from one cached value (`2 atanh(1/3)`, [`LN2_CACHED_BITS`] bits)
//! taken 64 bits finer than `W`, so `k` copies of its error stay below one
//! unit for any `|k| < 2^63`. Below 2,000 working bits all of that is under
//! `2^12` units of `2^-W`, so after rounding off the guard bits
//! **[`ln_fixed`]`(x, w)` is within one unit of `2^-w` of `ln x`.**
//!
//! **The renderings.**
//! - [`BigFloat::ln`]: the logarithm of a discount rate's growth, with a
//!   relative error below `2^-254` (about 3.5e-77; tested against 80-digit
//!   Python `decimal` values, and at 1 + 1e-25 where an absolute bound
//!   would not do). The working bits grow with `-log2 |ln x|` (known from
//!   `z` before the series is summed), so the bound is relative however
//!   close `x` is to 1.
//! - [`ln_scaled`]: the logarithm of a positive integer in decimal fixed
//!   point, `round(ln x x 10^LN_DECIMALS)` within one unit, for the
//!   log-ratio attribution of a reconciliation: `rust_decimal`'s `ln` works
//!   in 28 significant digits, and that attribution divides by a log ratio
//!   that can be as small as 10^-29 (two large figures one cent apart), so
//!   it needs more. It is [`ln_fixed`] at `ceil(80 log2 10) + 8` bits,
//!   rescaled to `10^-80` with one more rounding (within 0.51 units in
//!   all). Tests compare it with Python's `decimal` at 100 digits.

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use std::sync::OnceLock;

use super::big_float::{BigFloat, PRECISION_BITS};
use super::rational::BigRational;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// Extra working bits of [`ln_fixed`] beyond the bits requested.
pub const GUARD_BITS: u64 = 24;

/// Bits of the cached `ln 2`; [`ln_fixed`] computes it afresh when it needs
/// more (above about 480 requested bits).
pub const LN2_CACHED_BITS: u64 = 576;

/// Decimals of the decimal fixed-point logarithm [`ln_scaled`].
pub const LN_DECIMALS: u32 = 80;

/// Bits of [`ln_fixed`] behind [`ln_scaled`]: `2^-274 < 10^-80 / 250`.
const LN_SCALED_BITS: u64 = 274;

/// `x = mant x 2^exp = m x 2^k`, `m = (1 + z) / (1 - z)` in [0.7, 1.4),
/// with `z` exact (not reduced: its denominator is `mant + 2^s`).
struct Reduced {
    k: i64,
    z: BigRational,
}

impl Reduced {
    /// `None` unless `mant > 0`.
    fn of(mant: &BigInt, exp: i64) -> Option<Self> {
        if !mant.is_positive() {
            return None;
        }
        let bits = mant.bits();
        // m = mant / 2^s with s = bits - 1 puts m in [1, 2); when m >= 1.4,
        // s = bits halves it into [0.7, 1).
        let mut s = bits - 1;
        if mant * BigInt::from(5u8) >= BigInt::from(7u8) << s {
            s = bits;
        }
        let k = exp.saturating_add(s as i64);
        let unit = BigInt::one() << s;
        Some(Self {
            k,
            z: BigRational::new_raw(mant - &unit, mant + unit),
        })
    }

    /// `e` with `|ln m| >= 2^-e` (for `z != 0`): `|ln m| >= 2 |z|` and
    /// `|z| >= 2^(bits(numer) - 1 - bits(denom))`.
    fn smallness(&self) -> u64 {
        self.z.denom().bits().saturating_sub(self.z.numer().bits())
    }
}

/// `ln x` for `x = mant x 2^exp > 0`, as the integer `L` nearest to
/// `ln x x 2^w` within one unit (see the module docs for the bound); `None`
/// unless `mant > 0`.
pub fn ln_fixed(mant: &BigInt, exp: i64, w: u64) -> Option<BigInt> {
    Reduced::of(mant, exp).map(|reduced| ln_reduced(&reduced, w))
}

fn ln_reduced(reduced: &Reduced, w: u64) -> BigInt {
    let working = w + GUARD_BITS;
    let z = (reduced.z.numer() << working) / reduced.z.denom();
    let mut sum = twice_atanh(&z, working);
    if reduced.k != 0 {
        // k ln 2 with ln 2 taken 64 bits finer: |k| < 2^63 copies of its
        // error (one unit there) stay below one unit here.
        let ln2 = ln2_fixed(working + 64);
        sum += (ln2 * BigInt::from(reduced.k)) >> 64u32;
    }
    round_off_bits(&sum, GUARD_BITS)
}

/// `round(value / 2^bits)`, ties upward.
fn round_off_bits(value: &BigInt, bits: u64) -> BigInt {
    (value + (BigInt::one() << (bits - 1))) >> bits
}

/// `2 atanh(z)` for a fixed-point `|z| < 1/2` with `bits` fractional bits:
/// `2 (z + z^3/3 + z^5/5 + ...)`, summed until a term vanishes.
fn twice_atanh(z: &BigInt, bits: u64) -> BigInt {
    let z_squared = (z * z) >> bits;
    let mut power = z.clone();
    let mut sum = BigInt::zero();
    let mut odd = 1u32;
    loop {
        let term = &power / odd;
        if term.is_zero() {
            break;
        }
        sum += term;
        power = (&power * &z_squared) >> bits;
        odd += 2;
    }
    sum << 1u32
}

/// `ln 2 x 2^bits` (floor of the cached value, or computed afresh beyond
/// it), within one unit.
fn ln2_fixed(bits: u64) -> BigInt {
    static CACHED: OnceLock<BigInt> = OnceLock::new();
    // 2 atanh(1/3) at LN2_CACHED_BITS + 16 bits: fewer than 2^10 units of
    // error there (about 190 terms), so below one unit at any `bits` up to
    // LN2_CACHED_BITS.
    let compute = |bits: u64| {
        let working = bits + 16;
        let third = (BigInt::one() << working) / BigInt::from(3u8);
        twice_atanh(&third, working) >> 16u32
    };
    if bits > LN2_CACHED_BITS {
        return compute(bits);
    }
    let cached = CACHED.get_or_init(|| compute(LN2_CACHED_BITS));
    cached >> (LN2_CACHED_BITS - bits)
}

impl BigFloat {
    /// The natural logarithm, or `None` unless `self > 0`; relative error
    /// below `2^-254`.
    pub fn ln(&self) -> Option<Self> {
        let reduced = Reduced::of(&self.mant, self.exp)?;
        if reduced.k == 0 && reduced.z.is_zero() {
            return Some(Self::zero());
        }
        // |ln x| >= 2^-e: e = smallness for k = 0; for k != 0,
        // |ln x| >= ln 2 - ln(1 / 0.7) > 1/4.
        let e = if reduced.k == 0 {
            reduced.smallness()
        } else {
            2
        };
        // One unit of 2^-w is 2^-(PRECISION_BITS + 8) of |ln x|; the
        // truncation to PRECISION_BITS adds 2^-(PRECISION_BITS - 1).
        let w = PRECISION_BITS + 8 + e;
        let value = ln_reduced(&reduced, w);
        Some(
            Self {
                mant: value,
                exp: -(w as i64),
            }
            .normalized(),
        )
    }
}

/// `ln 2` as a [`BigFloat`], computed once.
pub(super) fn ln2() -> &'static BigFloat {
    static LN2: OnceLock<BigFloat> = OnceLock::new();
    LN2.get_or_init(|| {
        let bits = PRECISION_BITS + 8;
        BigFloat {
            mant: ln2_fixed(bits),
            exp: -(bits as i64),
        }
        .normalized()
    })
}

/// `round(ln(x) x 10^LN_DECIMALS)` (within one unit), or `None` unless
/// `x > 0`.
pub fn ln_scaled(x: &BigInt) -> Option<BigInt> {
    let binary = ln_fixed(x, 0, LN_SCALED_BITS)?;
    Some(div_round(
        &(binary * pow10(LN_DECIMALS)),
        &(BigInt::one() << LN_SCALED_BITS),
        RoundingMode::HalfEven,
    ))
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

    /// `digits E exponent` (Python's notation) as `(num, den)`.
    fn scientific(mantissa: &str, exponent: i32) -> (BigInt, BigInt) {
        let (int, frac) = mantissa.split_once('.').unwrap();
        let num = BigInt::from_str(&format!("{int}{frac}")).unwrap();
        let shift = frac.len() as i32 - exponent;
        assert!(shift >= 0);
        (num, pow10(shift as u32))
    }

    #[test]
    fn ln_is_relative_near_one() {
        // An absolute bound would lose every digit here: ln x ~ 1e-25. The
        // inputs are exact binary floats (a decimal such as 1 + 1e-25 is
        // itself rounded at 2^-256, which moves its logarithm by 1e-52
        // relative).
        let one = BigFloat::one();
        // python3: getcontext().prec = 110; (1 + Decimal(2) ** -83).ln()
        let (num, den) = scientific("1.0339757656912845935892608116321593651133522158153729745481125973257692294088684220839132642066287272073438601", -25);
        let above = one.add(&one.mul_pow2(-83));
        assert!(close_to_ratio(&above.ln().unwrap(), &num, &den, 76));
        // From below: python3 (prec 110): (1 - Decimal(2) ** -93).ln()
        let (num, den) = scientific("1.0097419586828951109270125636129453151379427098044736188379555140885606983782564359369386918649039217163708698", -28);
        let below = one.sub(&one.mul_pow2(-93));
        assert!(close_to_ratio(&below.ln().unwrap(), &-num, &den, 76));
        assert_eq!(one.ln(), Some(BigFloat::zero()));
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
    fn a_large_integer() {
        // python3 (prec 120): (D(10) ** 200).ln().quantize(D(10) ** -80)
        let expected = BigInt::from_str(
            "46051701859880913680359829093687284152022029772575459520666558019351452193547049605",
        )
        .unwrap();
        let got = ln_scaled(&pow10(200)).unwrap();
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
