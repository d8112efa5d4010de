//! [`BigFloat`]: binary floating point with a [`PRECISION_BITS`]-bit
//! mantissa held in a `BigInt`, the arithmetic of discount factors and
//! present values. Every operation truncates once, toward minus infinity,
//! to [`PRECISION_BITS`] bits (an error below one unit of the last kept
//! bit, 2^-255 relative); `exp` is in [`super::exponential`], `ln` in
//! [`super::logarithm`].

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use super::rational::{decimal_ratio, ratio_to_decimal, BigRational};
use crate::domain::error::DomainError;

/// Bits of mantissa kept by every internal floating-point operation
/// (about 77 significant decimal digits).
pub const PRECISION_BITS: u64 = 256;

/// `mant * 2^exp`, with at most [`PRECISION_BITS`] bits of mantissa.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigFloat {
    pub(super) mant: BigInt,
    pub(super) exp: i64,
}

impl BigFloat {
    pub fn zero() -> Self {
        Self {
            mant: BigInt::zero(),
            exp: 0,
        }
    }

    pub fn one() -> Self {
        Self {
            mant: BigInt::one(),
            exp: 0,
        }
    }

    pub fn from_bigint(n: BigInt) -> Self {
        Self { mant: n, exp: 0 }.normalized()
    }

    /// `num / den` (`den` non-zero), correct to the last bit kept.
    pub fn from_ratio(num: &BigInt, den: &BigInt) -> Self {
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

    /// A rational, correct to the last bit kept.
    pub fn from_rational(value: &BigRational) -> Self {
        Self::from_ratio(value.numer(), value.denom())
    }

    /// The value of a decimal (up to the last bit kept).
    pub fn from_decimal(value: Decimal) -> Self {
        let (num, den) = decimal_ratio(value);
        Self::from_ratio(&num, &den)
    }

    pub fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    /// `log2` of an upper bound of the magnitude: `|self| < 2^top`.
    pub(super) fn top(&self) -> i64 {
        self.exp.saturating_add(self.mant.bits() as i64)
    }

    pub(super) fn normalized(mut self) -> Self {
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

    pub fn neg(&self) -> Self {
        Self {
            mant: -&self.mant,
            exp: self.exp,
        }
    }

    pub fn mul(&self, other: &Self) -> Self {
        Self {
            mant: &self.mant * &other.mant,
            exp: self.exp.saturating_add(other.exp),
        }
        .normalized()
    }

    /// `self * 2^k`, exactly.
    pub fn mul_pow2(&self, k: i64) -> Self {
        if self.is_zero() {
            return Self::zero();
        }
        Self {
            mant: self.mant.clone(),
            exp: self.exp.saturating_add(k),
        }
    }

    pub fn add(&self, other: &Self) -> Self {
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

    pub fn sub(&self, other: &Self) -> Self {
        self.add(&other.neg())
    }

    /// `self / other`, or `None` when `other` is zero.
    pub fn div(&self, other: &Self) -> Option<Self> {
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
    pub fn pow(&self, mut n: u64) -> Self {
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
    pub fn to_f64(&self) -> f64 {
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

    /// The exact rational value `(num, den)`, `den > 0` a power of two.
    pub fn to_ratio(&self) -> (BigInt, BigInt) {
        if self.exp >= 0 {
            (&self.mant << self.exp as u64, BigInt::one())
        } else {
            (self.mant.clone(), BigInt::one() << self.exp.unsigned_abs())
        }
    }

    /// The value rounded half-even to the finest `Decimal` that holds it.
    pub fn to_decimal(&self, quantity: &'static str) -> Result<Decimal, DomainError> {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::rounding::pow10;

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
    fn pow_is_exact_for_small_integers() {
        let three = BigFloat::from_bigint(BigInt::from(3u8));
        let (num, den) = three.pow(150).to_ratio();
        assert_eq!(num / den, num_traits::pow(BigInt::from(3u8), 150));
    }

    #[test]
    fn ratios_are_correct_to_the_last_bit() {
        let third = BigFloat::from_rational(&BigRational::new(1.into(), 3.into()));
        assert!(close_to_ratio(&third, &BigInt::one(), &BigInt::from(3), 76));
        let neg = BigFloat::from_ratio(&BigInt::from(2), &BigInt::from(-3));
        assert!(close_to_ratio(
            &neg,
            &BigInt::from(-2),
            &BigInt::from(3),
            76
        ));
        assert!(BigFloat::from_ratio(&BigInt::one(), &BigInt::zero()).is_zero());
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
