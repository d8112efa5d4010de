//! Discount factors in 128-bit fixed point with a running, proven error
//! bound: [`Fx`] is `m / 2^F` (F = [`F`] = 126 fractional bits) together
//! with a bound `e` such that the exact quantity it stands for lies in
//! `[(m - e) / 2^F, (m + e) / 2^F]` ("within `e` ulps"). Every operation
//! below states how it moves the bound (see the module documentation of
//! [`super`] for the proof sketch); the tests check each against exact
//! rationals.
//!
//! Covered: a flat rate `0 <= r <= 1` under annual-effective, periodic
//! (`m` from 1 to 12) and continuous compounding, on every time basis.

use rust_decimal::Decimal;

use super::wide::{mul_shr, mul_shr_ceil};
use crate::domain::valuation::basis::{TimeBasis, Units, LEAP_YEAR_DAYS};
use crate::domain::valuation::Compounding;

/// Fractional bits of a factor.
pub(crate) const F: u32 = 126;
/// 1 in fixed point.
pub(crate) const ONE: u128 = 1 << F;
/// Error bounds stay below this (so that products of bounds stay exact);
/// past it a computation gives up (`None`).
const MAX_ERROR: u128 = 1 << 64;

/// A non-negative fixed-point value below 4 and its error bound, in ulps of
/// 2^-126.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fx {
    pub(crate) m: u128,
    pub(crate) e: u128,
}

impl Fx {
    pub(crate) const ONE: Self = Self { m: ONE, e: 0 };

    fn checked(m: u128, e: u128) -> Option<Self> {
        (e < MAX_ERROR).then_some(Self { m, e })
    }

    /// `p / q` for `p / q < 4` and `q < 2^100`: `floor(p 2^F / q)`, within
    /// 1 ulp (the discarded fraction).
    pub(crate) fn ratio(p: u128, q: u128) -> Option<Self> {
        if q == 0 || q >> 100 != 0 {
            return None;
        }
        let whole = p / q;
        if whole >= 4 {
            return None;
        }
        // Long division, as many bits at a time as keep `rem << step`
        // within 128 bits (rem < q < 2^100: at least 27 bits a step).
        let mut rem = p % q;
        let mut m = whole;
        let chunk = 127 - (128 - q.leading_zeros());
        let mut left = F;
        while left > 0 {
            let step = chunk.min(left);
            rem <<= step;
            m = (m << step) | (rem / q);
            rem %= q;
            left -= step;
        }
        let inexact = u128::from(rem != 0);
        Some(Self { m, e: inexact })
    }

    /// The product: `floor(a.m b.m / 2^F)`, within
    /// `ceil(a.e (b.m + b.e) / 2^F) + ceil(a.m b.e / 2^F) + 1` ulps. With
    /// `a = a.m + α`, `b = b.m + β` (|α| <= a.e, |β| <= b.e):
    /// `ab = a.m b.m + a.m β + α (b.m + β)`, and the floor discards less
    /// than one ulp.
    pub(crate) fn mul(self, other: Self) -> Option<Self> {
        let m = mul_shr(self.m, other.m, F)?;
        let e = mul_shr_ceil(self.e, other.m.checked_add(other.e)?, F)?
            .checked_add(mul_shr_ceil(self.m, other.e, F)?)?
            .checked_add(1)?;
        Self::checked(m, e)
    }

    /// `self / k`: `floor(m / k)`, within `ceil(e / k) + 1` ulps.
    pub(crate) fn div_small(self, k: u64) -> Option<Self> {
        if k == 0 {
            return None;
        }
        let k = u128::from(k);
        Self::checked(self.m / k, self.e.div_ceil(k) + 1)
    }

    /// `self x k`, exactly: within `e k` ulps.
    pub(crate) fn mul_small(self, k: u64) -> Option<Self> {
        let m = self.m.checked_mul(u128::from(k))?;
        Self::checked(m, self.e.checked_mul(u128::from(k))?)
    }

    /// `self^n` by squaring (`n >= 1`), each product bounded by [`Fx::mul`].
    pub(crate) fn pow(self, mut n: u64) -> Option<Self> {
        let mut result = Self::ONE;
        let mut base = self;
        while n > 0 {
            if n & 1 == 1 {
                result = result.mul(base)?;
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(base)?;
            }
        }
        Some(result)
    }
}

/// `atanh(z) = sum z^(2k+1) / (2k+1)` for `0 <= z <= 1/3`, from `z` within
/// its own bound. Each term is a product and a small division (bounded by
/// those rules); the series stops at the first power whose fixed-point
/// value is 0: the true power is then at most its bound `e_K`, and the
/// tail `sum_(j >= K) z^(2j+1) / (2j+1) <= e_K / (1 - z^2) <= 2 e_K` is
/// added to the bound.
pub(crate) fn atanh(z: Fx) -> Option<Fx> {
    if z.m > ONE / 3 + 1 {
        return None;
    }
    let z2 = z.mul(z)?;
    let mut power = z;
    let mut sum = Fx { m: 0, e: 0 };
    let mut k = 0u64;
    loop {
        if power.m == 0 {
            return Fx::checked(sum.m, sum.e.checked_add(power.e.checked_mul(2)?)?);
        }
        let term = power.div_small(2 * k + 1)?;
        sum = Fx::checked(sum.m.checked_add(term.m)?, sum.e.checked_add(term.e)?)?;
        power = power.mul(z2)?;
        k += 1;
        if k > 200 {
            return None;
        }
    }
}

/// `e^-x` for `0 <= x <= 1/64`: `sum (-x)^k / k!`, each term
/// `T_k = T_(k-1) x / k` bounded by [`Fx::mul`] and [`Fx::div_small`]; the
/// series alternates with decreasing terms, so once a computed term is 0
/// the tail is at most that term's bound, which is added.
pub(crate) fn exp_neg(x: Fx) -> Option<Fx> {
    if x.m > ONE / 64 {
        return None;
    }
    let mut term = Fx::ONE;
    let (mut plus, mut minus, mut e) = (ONE, 0u128, 0u128);
    let mut k = 0u64;
    loop {
        k += 1;
        term = term.mul(x)?.div_small(k)?;
        e = e.checked_add(term.e)?;
        if term.m == 0 {
            break;
        }
        if k % 2 == 1 {
            minus += term.m;
        } else {
            plus += term.m;
        }
        if k > 100 {
            return None;
        }
    }
    Fx::checked(plus.checked_sub(minus)?, e)
}

/// `L / n`, the continuously compounded rate per unit of `1/n` year, with
/// `L` the log growth of `rate` under `compounding`: `2 m atanh(z)` with
/// `z = (r/m) / (2 + r/m)` (annual effective: `m = 1`), or `r` itself
/// (continuous). `None` outside the covered rates.
pub(crate) fn log_growth_per_unit(rate: Decimal, compounding: Compounding, n: u64) -> Option<Fx> {
    if rate.is_sign_negative() && !rate.is_zero() || rate > Decimal::ONE {
        return None;
    }
    let p = u128::try_from(rate.mantissa()).ok()?;
    let den = 10u128.pow(rate.scale());
    match compounding {
        Compounding::Continuous => Fx::ratio(p, den.checked_mul(u128::from(n))?),
        Compounding::AnnualEffective => per_unit_of_periodic(p, den, 1, n),
        Compounding::Periodic { periods_per_year } if (1..=12).contains(&periods_per_year) => {
            per_unit_of_periodic(p, den, u64::from(periods_per_year), n)
        }
        Compounding::Periodic { .. } => None,
    }
}

/// `m ln(1 + p / (den m)) / n = (2m / n) atanh(p / (2 den m + p))`.
fn per_unit_of_periodic(p: u128, den: u128, m: u64, n: u64) -> Option<Fx> {
    let q = den.checked_mul(2 * u128::from(m))?.checked_add(p)?;
    let z = Fx::ratio(p, q)?;
    atanh(z)?.div_small(n)?.mul_small(2 * m)
}

/// The factor of one unit of a basis (and of one leap day under
/// ActActIsda), with the powers of the last few gaps between flows.
pub(crate) struct UnitFactors {
    primary: Powers,
    leap: Option<Powers>,
}

impl UnitFactors {
    pub(crate) fn new(rate: Decimal, compounding: Compounding, basis: TimeBasis) -> Option<Self> {
        let unit = |n: u64| exp_neg(log_growth_per_unit(rate, compounding, n)?);
        let leap = match basis {
            TimeBasis::ActActIsda => Some(Powers::new(unit(LEAP_YEAR_DAYS)?)),
            _ => None,
        };
        Some(Self {
            primary: Powers::new(unit(basis.primary_per_year())?),
            leap,
        })
    }

    /// The factor `from` times the steps to `to` (`to >= from` in both
    /// parts).
    pub(crate) fn advance(&mut self, factor: Fx, from: Units, to: Units) -> Option<Fx> {
        let mut out = factor;
        if to.primary > from.primary {
            out = out.mul(self.primary.get(to.primary - from.primary)?)?;
        }
        if to.leap > from.leap {
            out = out.mul(self.leap.as_mut()?.get(to.leap - from.leap)?)?;
        }
        Some(out)
    }
}

/// Powers of a unit factor, remembering the last few exponents (the gaps
/// of a schedule take few values).
struct Powers {
    base: Fx,
    cache: [(u64, Fx); 4],
    next: usize,
}

impl Powers {
    fn new(base: Fx) -> Self {
        Self {
            base,
            cache: [(0, Fx::ONE); 4],
            next: 0,
        }
    }

    fn get(&mut self, n: u64) -> Option<Fx> {
        if let Some((_, f)) = self.cache.iter().find(|(k, _)| *k == n) {
            return Some(*f);
        }
        let f = self.base.pow(n)?;
        self.cache[self.next] = (n, f);
        self.next = (self.next + 1) % self.cache.len();
        Some(f)
    }
}
