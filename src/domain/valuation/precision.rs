//! The high-precision arithmetic behind discounting, and the precision
//! debtcalc guarantees for it.
//!
//! `rust_decimal`'s `powd`, `exp` and `ln` are series approximations good to
//! about 1e-20 relative, and raising a per-day factor to a power of 36,500
//! days multiplies that error by 36,500. Discount factors are therefore
//! computed here, in binary floating point with a [`PRECISION_BITS`]-bit
//! mantissa held in a `BigInt`, with `ln` and `exp` written for that
//! precision. Only final figures are rounded to `Decimal`, once.
//!
//! # Guarantee
//!
//! - Each discount factor is computed with a relative error below
//!   [`DISCOUNT_FACTOR_RELATIVE_ERROR`] = 1e-60. Why: `ln` and `exp` are good
//!   to about 1e-72 relative (tested against 80-digit Python `decimal`
//!   values); a flat rate's per-unit factor raised to `u` units carries
//!   `u` times that, and `u` stays below 1e8 (days over the whole range of
//!   dates), so below 1e-64; every product adds 2^-256 (~1e-77). The tests
//!   check 1e-60 against the exact rationals `(1 + r)^-n` over 100 years
//!   (they pass at 1e-70).
//! - A reported figure (a present value, a discount factor, a duration) is
//!   that internal value rounded half-even to the finest `Decimal` that holds
//!   it: 28 decimals when it fits, otherwise 28 or 29 significant digits.
//!   Hence for a present value,
//!   `|value - PV| <= 5e-28 * |PV| + 5e-29 + 1e-60 * sum(|CF_i| * DF_i)`,
//!   which is within `1e-27 * max(1, sum(|CF_i| * DF_i))`; a discount factor
//!   (at most 1 for a rate >= 0) is within 1e-28 of the exact value.
//! - A discount factor below `e^-1,000,000` is taken as 0 (no cash flow can
//!   make it visible at 28 decimals); one above `e^1,000,000` is an overflow
//!   error (no rate above -1 gets there within 9999 years). A factor or
//!   present value beyond `Decimal::MAX` is an overflow error when reported.
//!
//! Ratios of decimals (haircuts, grant elements, curve rates) are computed
//! exactly as integer quotients and rounded once the same way.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::sync::OnceLock;

use crate::domain::error::DomainError;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// Bits of mantissa kept by every internal floating-point operation
/// (about 77 significant decimal digits).
pub const PRECISION_BITS: u64 = 256;

/// The guaranteed bound on the relative error of each internal discount
/// factor, as text (it is far below what a `Decimal` can hold): 1e-60.
pub const DISCOUNT_FACTOR_RELATIVE_ERROR: &str = "1e-60";

/// Arguments of `exp` beyond this magnitude underflow to 0 (negative) or
/// overflow (positive).
const EXP_ARGUMENT_LIMIT: f64 = 1.0e6;

/// The largest `Decimal` mantissa, 2^96 - 1.
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// `mant * 2^exp`, with at most [`PRECISION_BITS`] bits of mantissa.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BigFloat {
    mant: BigInt,
    exp: i64,
}

impl BigFloat {
    pub(crate) fn zero() -> Self {
        Self {
            mant: BigInt::zero(),
            exp: 0,
        }
    }

    pub(crate) fn one() -> Self {
        Self {
            mant: BigInt::one(),
            exp: 0,
        }
    }

    pub(crate) fn from_bigint(n: BigInt) -> Self {
        Self { mant: n, exp: 0 }.normalized()
    }

    /// `num / den` (`den` non-zero), correct to the last bit kept.
    pub(crate) fn from_ratio(num: &BigInt, den: &BigInt) -> Self {
        let (num, den) = if den.is_negative() {
            (-num, -den)
        } else {
            (num.clone(), den.clone())
        };
        if num.is_zero() || den.is_zero() {
            return Self::zero();
        }
        let shift = PRECISION_BITS as i64 + 2 + den.bits() as i64 - num.bits() as i64;
        let quotient = if shift >= 0 {
            (num << shift as u64) / den
        } else {
            num / (den << shift.unsigned_abs())
        };
        Self {
            mant: quotient,
            exp: -shift,
        }
        .normalized()
    }

    /// The exact value of a decimal (up to the last bit kept).
    #[cfg(test)]
    pub(crate) fn from_decimal(value: Decimal) -> Self {
        let (num, den) = decimal_ratio(value);
        Self::from_ratio(&num, &den)
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    /// `log2` of an upper bound of the magnitude: `|self| < 2^top`.
    fn top(&self) -> i64 {
        self.exp.saturating_add(self.mant.bits() as i64)
    }

    fn normalized(mut self) -> Self {
        if self.mant.is_zero() {
            self.exp = 0;
            return self;
        }
        let bits = self.mant.bits();
        if bits > PRECISION_BITS {
            // Truncation toward minus infinity: an error below one unit of
            // the last kept bit.
            let shift = bits - PRECISION_BITS;
            self.mant >>= shift;
            self.exp = self.exp.saturating_add(shift as i64);
        }
        self
    }

    pub(crate) fn neg(&self) -> Self {
        Self {
            mant: -&self.mant,
            exp: self.exp,
        }
    }

    pub(crate) fn mul(&self, other: &Self) -> Self {
        Self {
            mant: &self.mant * &other.mant,
            exp: self.exp.saturating_add(other.exp),
        }
        .normalized()
    }

    /// `self * 2^k`, exactly.
    pub(crate) fn mul_pow2(&self, k: i64) -> Self {
        if self.is_zero() {
            return Self::zero();
        }
        Self {
            mant: self.mant.clone(),
            exp: self.exp.saturating_add(k),
        }
    }

    pub(crate) fn add(&self, other: &Self) -> Self {
        if self.is_zero() {
            return other.clone();
        }
        if other.is_zero() {
            return self.clone();
        }
        // A term more than PRECISION_BITS + 4 binary places below the other
        // cannot change the kept bits (up to rounding of the last one).
        let gap = PRECISION_BITS as i64 + 4;
        if other.top() < self.top().saturating_sub(gap) {
            return self.clone();
        }
        if self.top() < other.top().saturating_sub(gap) {
            return other.clone();
        }
        let (hi, lo) = if self.exp >= other.exp {
            (self, other)
        } else {
            (other, self)
        };
        let shift = (hi.exp - lo.exp) as u64;
        Self {
            mant: (&hi.mant << shift) + &lo.mant,
            exp: lo.exp,
        }
        .normalized()
    }

    pub(crate) fn sub(&self, other: &Self) -> Self {
        self.add(&other.neg())
    }

    /// `self / other`, or `None` when `other` is zero.
    pub(crate) fn div(&self, other: &Self) -> Option<Self> {
        if other.is_zero() {
            return None;
        }
        if self.is_zero() {
            return Some(Self::zero());
        }
        let shift = PRECISION_BITS as i64 + 2 + other.mant.bits() as i64 - self.mant.bits() as i64;
        let shift = shift.max(0) as u64;
        let quotient = (&self.mant << shift) / &other.mant;
        Some(
            Self {
                mant: quotient,
                exp: self
                    .exp
                    .saturating_sub(other.exp)
                    .saturating_sub(shift as i64),
            }
            .normalized(),
        )
    }

    /// `self^n` by exponentiation by squaring: about `2 log2 n` products.
    pub(crate) fn pow(&self, mut n: u64) -> Self {
        let mut result = Self::one();
        let mut base = self.clone();
        while n > 0 {
            if n & 1 == 1 {
                result = result.mul(&base);
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base);
            }
        }
        result
    }

    /// An `f64` near the value (for range checks only); may be infinite or 0.
    pub(crate) fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let bits = self.mant.bits();
        let keep = bits.min(60);
        let top = (self.mant.abs() >> (bits - keep))
            .to_u64()
            .unwrap_or(u64::MAX) as f64;
        let exp = self.exp.saturating_add((bits - keep) as i64);
        let exp = exp.clamp(-5000, 5000) as i32;
        let magnitude = top * 2f64.powi(exp);
        if self.mant.is_negative() {
            -magnitude
        } else {
            magnitude
        }
    }

    /// `e^self`. `Some(0)` when `self < -1e6`, `None` (overflow) when
    /// `self > 1e6`.
    pub(crate) fn exp(&self) -> Option<Self> {
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

    /// The natural logarithm, or `None` unless `self > 0`.
    pub(crate) fn ln(&self) -> Option<Self> {
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

    /// The exact rational value `(num, den)`, `den > 0` a power of two.
    pub(crate) fn to_ratio(&self) -> (BigInt, BigInt) {
        if self.exp >= 0 {
            (&self.mant << self.exp as u64, BigInt::one())
        } else {
            (self.mant.clone(), BigInt::one() << self.exp.unsigned_abs())
        }
    }

    /// The value rounded half-even to the finest `Decimal` that holds it.
    pub(crate) fn to_decimal(&self, quantity: &'static str) -> Result<Decimal, DomainError> {
        if self.is_zero() {
            return Ok(Decimal::ZERO);
        }
        let top = self.top();
        // |self| >= 2^(top - 1) >= 2^96 > Decimal::MAX.
        if top > 96 {
            return Err(DomainError::Overflow { quantity });
        }
        // |self| < 2^-100 < 0.5e-28 rounds to zero at 28 decimals.
        if top < -100 {
            return Ok(Decimal::ZERO);
        }
        let (num, den) = self.to_ratio();
        ratio_to_decimal(&num, &den, quantity)
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
fn ln2() -> &'static BigFloat {
    static LN2: OnceLock<BigFloat> = OnceLock::new();
    LN2.get_or_init(|| {
        let third = BigFloat::from_ratio(&BigInt::one(), &BigInt::from(3u8));
        atanh_series(&third).mul_pow2(1)
    })
}

/// A decimal as the exact fraction `(mantissa, 10^scale)`.
pub(crate) fn decimal_ratio(value: Decimal) -> (BigInt, BigInt) {
    (BigInt::from(value.mantissa()), pow10(value.scale()))
}

/// An exact fraction of big integers, denominator positive. Used for times,
/// curve rates and the ratios of haircuts; never rounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ratio {
    pub(crate) num: BigInt,
    pub(crate) den: BigInt,
}

impl Ratio {
    pub(crate) fn new(num: BigInt, den: BigInt) -> Self {
        if den.is_negative() {
            Self {
                num: -num,
                den: -den,
            }
        } else {
            Self { num, den }
        }
    }

    pub(crate) fn from_decimal(value: Decimal) -> Self {
        let (num, den) = decimal_ratio(value);
        Self { num, den }
    }

    pub(crate) fn from_int(value: i64) -> Self {
        Self {
            num: BigInt::from(value),
            den: BigInt::one(),
        }
    }

    fn reduced(self) -> Self {
        let g = self.num.gcd(&self.den);
        if g.is_zero() || g.is_one() {
            return self;
        }
        Self {
            num: self.num / &g,
            den: self.den / g,
        }
    }

    pub(crate) fn add(&self, other: &Self) -> Self {
        Self {
            num: &self.num * &other.den + &other.num * &self.den,
            den: &self.den * &other.den,
        }
        .reduced()
    }

    pub(crate) fn sub(&self, other: &Self) -> Self {
        Self {
            num: &self.num * &other.den - &other.num * &self.den,
            den: &self.den * &other.den,
        }
        .reduced()
    }

    pub(crate) fn mul(&self, other: &Self) -> Self {
        Self {
            num: &self.num * &other.num,
            den: &self.den * &other.den,
        }
        .reduced()
    }

    /// `self / other`, or `None` when `other` is zero.
    pub(crate) fn div(&self, other: &Self) -> Option<Self> {
        if other.num.is_zero() {
            return None;
        }
        Some(Self::new(&self.num * &other.den, &self.den * &other.num).reduced())
    }

    pub(crate) fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }

    pub(crate) fn to_float(&self) -> BigFloat {
        BigFloat::from_ratio(&self.num, &self.den)
    }

    pub(crate) fn to_decimal(&self, quantity: &'static str) -> Result<Decimal, DomainError> {
        ratio_to_decimal(&self.num, &self.den, quantity)
    }
}

/// `num / den` (`den > 0`) rounded half-even to the finest `Decimal` that
/// holds it (28 decimals when it fits), without trailing zeros; an overflow
/// error when its magnitude exceeds `Decimal::MAX`.
pub(crate) fn ratio_to_decimal(
    num: &BigInt,
    den: &BigInt,
    quantity: &'static str,
) -> Result<Decimal, DomainError> {
    let ratio = Ratio::new(num.clone(), den.clone());
    if ratio.den.is_zero() {
        return Err(DomainError::Overflow { quantity });
    }
    let integer = ratio.num.abs() / &ratio.den;
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
        let scaled = div_round(
            &(&ratio.num * pow10(scale)),
            &ratio.den,
            RoundingMode::HalfEven,
        );
        if scaled.magnitude() <= &num_bigint::BigUint::from(MAX_MANTISSA) {
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
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// |approx - num/den| <= 10^-digits * |num/den|, checked exactly.
    pub(crate) fn close_to_ratio(
        approx: &BigFloat,
        num: &BigInt,
        den: &BigInt,
        digits: u32,
    ) -> bool {
        let (a_num, a_den) = approx.to_ratio();
        // |a_num/a_den - num/den| * 10^digits <= |num/den|
        let diff = (&a_num * den - num * &a_den).abs() * pow10(digits);
        diff <= (num * &a_den).abs()
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
    fn exp_and_ln_against_python_references() {
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
        assert_eq!(BigFloat::zero().ln(), None);
        assert_eq!(BigFloat::from_decimal(dec("-2")).ln(), None);
    }

    #[test]
    fn pow_is_exact_for_small_integers() {
        let three = BigFloat::from_bigint(BigInt::from(3u8));
        let (num, den) = three.pow(150).to_ratio();
        assert_eq!(num / den, num_traits::pow(BigInt::from(3u8), 150));
    }

    #[test]
    fn decimal_rounding_of_ratios() {
        let r = |n: i64, d: i64| ratio_to_decimal(&BigInt::from(n), &BigInt::from(d), "x").unwrap();
        assert_eq!(r(1, 3).to_string(), "0.3333333333333333333333333333");
        assert_eq!(r(-2, 3).to_string(), "-0.6666666666666666666666666667");
        assert_eq!(r(10, 4).to_string(), "2.5");
        assert_eq!(r(0, 7).to_string(), "0");
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
    }

    #[test]
    fn float_to_decimal_limits() {
        let tiny = BigFloat::one().mul_pow2(-200);
        assert_eq!(tiny.to_decimal("x"), Ok(Decimal::ZERO));
        let huge = BigFloat::one().mul_pow2(200);
        assert_eq!(
            huge.to_decimal("x"),
            Err(DomainError::Overflow { quantity: "x" })
        );
        let half = BigFloat::one().mul_pow2(-1);
        assert_eq!(half.to_decimal("x").unwrap().to_string(), "0.5");
        let third = BigFloat::from_ratio(&BigInt::one(), &BigInt::from(3));
        assert_eq!(
            third.to_decimal("x").unwrap().to_string(),
            "0.3333333333333333333333333333"
        );
    }
}
