//! Fixed-width unsigned integers of the certified path, without allocation:
//! the 256-bit product of two `u128` ([`mul_wide`]) for fixed-point
//! factors, and [`U384`] (six 64-bit limbs) for the sums of a present value
//! and the exact rounding of their ratios ([`U384::div_rem`]).
//!
//! Every operation is exact; one whose result does not fit returns `None`,
//! and the caller then leaves the figure to the exact path.

use std::cmp::Ordering;

const LOW: u128 = u64::MAX as u128;

/// `a * b` as its (high, low) 128-bit halves: exact.
#[inline]
pub(crate) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let (a1, a0) = (a >> 64, a & LOW);
    let (b1, b0) = (b >> 64, b & LOW);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // Below 3 x 2^64: no overflow.
    let mid = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    let lo = (p00 & LOW) | ((mid & LOW) << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// `floor(a * b / 2^k)` for `1 <= k <= 127`, or `None` when it does not fit
/// a `u128`.
#[inline]
pub(crate) fn mul_shr(a: u128, b: u128, k: u32) -> Option<u128> {
    let (hi, lo) = mul_wide(a, b);
    if hi >> k != 0 {
        return None;
    }
    Some((hi << (128 - k)) | (lo >> k))
}

/// `ceil(a * b / 2^k)` for `1 <= k <= 127`, or `None` when it does not fit.
#[inline]
pub(crate) fn mul_shr_ceil(a: u128, b: u128, k: u32) -> Option<u128> {
    let (hi, lo) = mul_wide(a, b);
    if hi >> k != 0 {
        return None;
    }
    let floor = (hi << (128 - k)) | (lo >> k);
    let inexact = lo & ((1u128 << k) - 1) != 0;
    floor.checked_add(u128::from(inexact))
}

/// An unsigned 384-bit integer, little-endian 64-bit limbs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct U384(pub(crate) [u64; 6]);

impl U384 {
    pub(crate) const ZERO: Self = Self([0; 6]);

    pub(crate) fn from_u128(x: u128) -> Self {
        Self([x as u64, (x >> 64) as u64, 0, 0, 0, 0])
    }

    /// The 256-bit number with the given (high, low) halves.
    pub(crate) fn from_wide((hi, lo): (u128, u128)) -> Self {
        Self([
            lo as u64,
            (lo >> 64) as u64,
            hi as u64,
            (hi >> 64) as u64,
            0,
            0,
        ])
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    /// The value, if it fits a `u128`.
    pub(crate) fn to_u128(self) -> Option<u128> {
        if self.0[2..].iter().any(|&l| l != 0) {
            return None;
        }
        Some(u128::from(self.0[0]) | (u128::from(self.0[1]) << 64))
    }

    /// The number of significant bits (0 for zero).
    pub(crate) fn bits(&self) -> u32 {
        for i in (0..6).rev() {
            if self.0[i] != 0 {
                return 64 * i as u32 + 64 - self.0[i].leading_zeros();
            }
        }
        0
    }

    pub(crate) fn add(self, other: Self) -> Option<Self> {
        let mut out = [0u64; 6];
        let mut carry = false;
        for (i, slot) in out.iter_mut().enumerate() {
            let (s, c1) = self.0[i].overflowing_add(other.0[i]);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *slot = s;
            carry = c1 || c2;
        }
        (!carry).then_some(Self(out))
    }

    /// `self - other`, or `None` when `other > self`.
    pub(crate) fn sub(self, other: Self) -> Option<Self> {
        let mut out = [0u64; 6];
        let mut borrow = false;
        for (i, slot) in out.iter_mut().enumerate() {
            let (s, b1) = self.0[i].overflowing_sub(other.0[i]);
            let (s, b2) = s.overflowing_sub(u64::from(borrow));
            *slot = s;
            borrow = b1 || b2;
        }
        (!borrow).then_some(Self(out))
    }

    pub(crate) fn mul_u64(self, x: u64) -> Option<Self> {
        let mut out = [0u64; 6];
        let mut carry = 0u128;
        for (i, slot) in out.iter_mut().enumerate() {
            let p = u128::from(self.0[i]) * u128::from(x) + carry;
            *slot = p as u64;
            carry = p >> 64;
        }
        (carry == 0).then_some(Self(out))
    }

    pub(crate) fn mul_u128(self, x: u128) -> Option<Self> {
        let low = self.mul_u64(x as u64)?;
        let high = self.mul_u64((x >> 64) as u64)?.shl(64)?;
        low.add(high)
    }

    /// `self * 2^k`, or `None` on overflow.
    pub(crate) fn shl(self, k: u32) -> Option<Self> {
        if k == 0 {
            return Some(self);
        }
        if self.bits() + k > 384 {
            return None;
        }
        let (limbs, bits) = ((k / 64) as usize, k % 64);
        let mut out = [0u64; 6];
        for i in (limbs..6).rev() {
            let src = i - limbs;
            let mut v = self.0[src] << bits;
            if bits > 0 && src > 0 {
                v |= self.0[src - 1] >> (64 - bits);
            }
            out[i] = v;
        }
        Some(Self(out))
    }

    /// `floor(self / 2^k)`.
    pub(crate) fn shr(self, k: u32) -> Self {
        if k >= 384 {
            return Self::ZERO;
        }
        let (limbs, bits) = ((k / 64) as usize, k % 64);
        let mut out = [0u64; 6];
        for (i, slot) in out.iter_mut().enumerate().take(6 - limbs) {
            let src = i + limbs;
            let mut v = self.0[src] >> bits;
            if bits > 0 && src + 1 < 6 {
                v |= self.0[src + 1] << (64 - bits);
            }
            *slot = v;
        }
        Self(out)
    }

    /// An approximation for estimates only: relative error below 2^-52.
    pub(crate) fn to_f64(self) -> f64 {
        let bits = self.bits();
        if bits <= 64 {
            return self.0[0] as f64;
        }
        let top = self.shr(bits - 64).0[0];
        top as f64 * 2f64.powi((bits - 64) as i32)
    }

    /// `10^k`, `k <= 115`.
    pub(crate) fn pow10(k: u32) -> Self {
        const E19: u64 = 10_000_000_000_000_000_000;
        let mut out = Self::from_u128(1);
        let mut left = k;
        while left >= 19 {
            out = out.mul_u64(E19).expect("10^k fits 384 bits for k <= 115");
            left -= 19;
        }
        out.mul_u64(10u64.pow(left))
            .expect("10^k fits 384 bits for k <= 115")
    }

    /// `(floor(self / d), self mod d)` for a quotient below 2^120, or
    /// `None` (a zero divisor, a larger quotient, or an estimate that did
    /// not settle: never a wrong answer). The quotient is estimated in
    /// floating point and corrected until `0 <= self - q d < d` holds
    /// exactly.
    pub(crate) fn div_rem(self, d: Self) -> Option<(u128, Self)> {
        if d.is_zero() {
            return None;
        }
        if self < d {
            return Some((0, self));
        }
        let df = d.to_f64();
        let estimate = self.to_f64() / df;
        if estimate.is_nan() || estimate >= 2f64.powi(120) {
            return None;
        }
        let mut q = estimate as u128;
        for _ in 0..8 {
            let product = d.mul_u128(q)?;
            if product <= self {
                let r = self.sub(product)?;
                if r < d {
                    return Some((q, r));
                }
                let step = (r.to_f64() / df) as u128;
                q = q.checked_add(step.max(1))?;
            } else {
                let over = product.sub(self)?;
                let step = (over.to_f64() / df).ceil() as u128;
                q = q.checked_sub(step.max(1))?;
            }
        }
        None
    }
}

impl Ord for U384 {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in (0..6).rev() {
            match self.0[i].cmp(&other.0[i]) {
                Ordering::Equal => continue,
                unequal => return unequal,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for U384 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A signed 384-bit integer as sign and magnitude (zero is never
/// negative).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Signed384 {
    pub(crate) negative: bool,
    pub(crate) magnitude: U384,
}

impl Signed384 {
    /// `a - b`.
    pub(crate) fn difference(a: U384, b: U384) -> Self {
        match a.sub(b) {
            Some(magnitude) => Self {
                negative: false,
                magnitude,
            },
            None => Self {
                negative: true,
                magnitude: b.sub(a).unwrap_or(U384::ZERO),
            },
        }
    }
}
