//! The certified fast path of a present value: 128-bit fixed-point
//! discount factors and wide integer sums with a proven error bound, and
//! the exact path ([`super::present_value::present_value_exact`]) only when
//! the bound does not decide a reported figure (the filtered-exact design
//! of exact geometry libraries).
//!
//! # What is reported, and from where
//!
//! Every field of [`PresentValue`] (the value at full `Decimal` precision,
//! which the API reports as `presentValueExact` and rounds to the minor
//! unit as `presentValue`; the face; the average life; the Macaulay
//! duration) is identical, digit for digit, to what the exact path reports
//! for the same input: a figure comes from this path only when the whole
//! interval its error bound allows rounds to one and the same `Decimal`
//! (half-even, finest `Decimal` that holds it, as
//! [`crate::domain::numerics::rational::ratio_to_decimal`] rounds). If any
//! figure of a present value is undecided, the whole present value is
//! computed by the exact path. So there is nothing for a caller to opt into
//! or out of, and no field is less exact than before; responses say how
//! many present values took each path (`ValuationConventions`
//! `fast_path_valuations`, `exact_fallbacks`).
//!
//! # Covered (anything else takes the exact path)
//!
//! - A flat rate `0 <= r <= 1` (0% to 100%) under annual-effective,
//!   periodic (1 to 12 periods a year) or continuous compounding, on every
//!   time basis ([`super::TimeBasis`]; ActActIsda with its leap-day
//!   factor). Not covered: zero curves, negative rates, rates above 100%,
//!   a continuous rate with 28 decimals (its per-unit divisor exceeds
//!   2^100).
//! - At most 2^20 flows; each amount, scaled to the largest number of
//!   decimals among the amounts, below 2^96 in magnitude; times below 2^40
//!   in the basis's year numerator (every date chrono can hold).
//! - A face (sum of the amounts) that fits a `Decimal` at that scale; a
//!   duration only when the weighted sum and the value each keep one sign
//!   over their intervals (a stream of one sign always does).
//!
//! # The bound (proof sketch)
//!
//! A factor is `m / 2^126` with a bound `e` in ulps of 2^-126 (see
//! [`factors::Fx`]); the exact quantity lies within `e` ulps. Per
//! operation, with the exact operands within their bounds:
//!
//! - `p / q` by long division: the floor discards under 1 ulp: `e = 1`.
//! - product `a b`: `ab - a.m b.m = a.m β + α (b.m + β)` with `|α| <= a.e`,
//!   `|β| <= b.e`, and the floor of `a.m b.m / 2^126` discards under 1:
//!   `e = ceil(a.e (b.m + b.e) / 2^126) + ceil(a.m b.e / 2^126) + 1`. For
//!   factors at most 1 this is about `a.e + b.e + 1`: the bound of a
//!   running product grows linearly with the number of steps.
//! - `a / k` (small integer): `ceil(a.e / k) + 1`; `a k`: `a.e k`.
//! - `atanh(z)` for `z <= 1/3`: the sum of the terms' bounds, plus twice the
//!   bound of the first power that is 0 in fixed point (the true tail is at
//!   most that power over `1 - z^2`). `ln(1 + x) = 2 atanh(x / (2 + x))`.
//! - `e^-x` for `x <= 1/64` by its Taylor series: alternating with
//!   decreasing terms, so the tail after the first term that is 0 in fixed
//!   point is at most that term's bound; the terms' bounds are added.
//! - The per-unit factor is `e^(-L/n)` (`n` units a year), each flow's
//!   factor the previous one times a power of it (by squaring), every
//!   product bounded as above.
//! - The sums `X = sum M_i m_i` (amounts `M_i` scaled to integers) are exact
//!   wide integers, so their error is at most `sum |M_i| e_i` (in units of
//!   `10^-S 2^-126`); the same for the time-weighted sum with
//!   `t_i |M_i| e_i`.
//! - The exact path is itself within `1e-60` (about 2^-199) of the true
//!   value relative to the sum of the magnitudes of its terms, plus
//!   truncations of 2^-255 per operation (see
//!   [`crate::domain::numerics`]). Its internal value is therefore within
//!   `2^-180 x sum |M_i| DF_i` (+1 unit) of the true one, and that slack is
//!   added to every interval here, so the exact path's own figure lies
//!   inside the interval too: when both ends round to `R`, so does the
//!   exact path's value (see [`rounding`]). The duration's two divisions
//!   (2^-255 relative each) are covered by another 2^-180 relative slack on
//!   the weighted sum.
//!
//! Typical sizes: a per-day factor is within about 20 ulps; a 40-flow
//! semi-annual schedule's last factor within about 10^5 ulps (2^-109
//! absolute); a `Decimal` needs 2^-93 relative at most, so a figure is
//! undecided only when it lies within about 10^-5 of its last digit's
//! rounding boundary (a half unit).

pub(crate) mod factors;
pub(crate) mod rounding;
pub(crate) mod wide;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use self::factors::{Fx, UnitFactors, F};
use self::rounding::{decide, decide_ratio, finest};
use self::wide::{mul_wide, Signed384, U384};
use super::basis::{TimeBasis, Units};
use super::discount::Discounting;
use super::present_value::{average_life_exact, present_value_exact, CashFlow, PresentValue};
use crate::domain::error::DomainError;

/// Which path computed a present value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValuationPath {
    /// The certified fast path decided every figure.
    Fast,
    /// The exact path computed it (not covered, or a figure undecided).
    Exact,
}

/// The most flows the fast path takes.
const MAX_FLOWS: usize = 1 << 20;
/// Times (year numerators) the fast path takes: below 2^40.
const MAX_TIME_BITS: u32 = 40;

/// `amount x 10^scale` as an integer below 2^96 in magnitude, or `None`.
fn scaled(amount: Decimal, scale: u32) -> Option<i128> {
    let m = amount
        .mantissa()
        .checked_mul(10i128.checked_pow(scale - amount.scale())?)?;
    (m.unsigned_abs() >> 96 == 0).then_some(m)
}

fn common_scale(flows: &[CashFlow]) -> u32 {
    flows.iter().map(|f| f.amount.scale()).max().unwrap_or(0)
}

/// The exact path's slack for a sum of magnitude-sum `abs` (see the module
/// documentation): `abs / 2^180`, plus 1 unit when `abs` is not zero.
fn slack(abs: U384) -> Option<U384> {
    if abs.is_zero() {
        return Some(U384::ZERO);
    }
    abs.shr(180).add(U384::from_u128(1))
}

/// Sums of signed wide terms, kept as their positive and negative parts.
#[derive(Default, Clone, Copy)]
struct Sum {
    positive: U384,
    negative: U384,
}

impl Sum {
    fn add(&mut self, negative: bool, term: U384) -> Option<()> {
        if negative {
            self.negative = self.negative.add(term)?;
        } else {
            self.positive = self.positive.add(term)?;
        }
        Some(())
    }

    fn value(&self) -> Signed384 {
        Signed384::difference(self.positive, self.negative)
    }

    fn magnitudes(&self) -> Option<U384> {
        self.positive.add(self.negative)
    }
}

/// The exact average life `sum t M / (sum M x year)`, from the sums.
fn average_life_of(weighted: &Sum, face: i128, basis: TimeBasis) -> Option<Decimal> {
    if face == 0 {
        return Some(Decimal::ZERO);
    }
    let num = weighted.value();
    let den = U384::from_u128(face.unsigned_abs()).mul_u64(basis.year_denominator())?;
    Some(finest(num.negative != (face < 0), num.magnitude, den)?.value)
}

/// The sums of a present value, exact wide integers in units of
/// `10^-scale 2^-126` (times the year numerator for the weighted ones),
/// with the bounds of the two discounted sums.
struct Sums {
    basis: TimeBasis,
    scale: u32,
    value: Sum,
    weighted_value: Sum,
    weighted_face: Sum,
    /// `sum |M_i| e_i` and `sum t_i |M_i| e_i`.
    value_error: U384,
    weighted_error: U384,
    face: i128,
}

impl Sums {
    fn of(
        flows: &[CashFlow],
        valuation_date: NaiveDate,
        discounting: &Discounting,
    ) -> Option<Self> {
        Self::with(flows, valuation_date, &mut FlatFactors::new(discounting)?)
    }

    fn with(flows: &[CashFlow], valuation_date: NaiveDate, flat: &mut FlatFactors) -> Option<Self> {
        if flows.len() > MAX_FLOWS {
            return None;
        }
        let basis = flat.basis;
        let scale = common_scale(flows);
        let factors = &mut flat.factors;
        let mut at = Units::default();
        let mut current = Fx::ONE;
        let mut sums = Self {
            basis,
            scale,
            value: Sum::default(),
            weighted_value: Sum::default(),
            weighted_face: Sum::default(),
            value_error: U384::ZERO,
            weighted_error: U384::ZERO,
            face: 0,
        };
        for flow in flows {
            if flow.amount.is_zero() {
                continue;
            }
            let m = scaled(flow.amount, scale)?;
            let negative = m < 0;
            let magnitude = m.unsigned_abs();
            let u = basis.units(valuation_date, flow.date);
            let t = basis.year_numerator(u);
            if t >> MAX_TIME_BITS != 0 {
                return None;
            }
            let factor = if u == Units::default() {
                Fx::ONE
            } else {
                if u.primary < at.primary || u.leap < at.leap {
                    // Out of date order: start again from t = 0.
                    at = Units::default();
                    current = Fx::ONE;
                }
                current = factors.advance(current, at, u)?;
                at = u;
                current
            };
            let term = U384::from_wide(mul_wide(magnitude, factor.m));
            sums.value.add(negative, term)?;
            if factor.e != 0 {
                let term_error = U384::from_wide(mul_wide(magnitude, factor.e));
                sums.value_error = sums.value_error.add(term_error)?;
                sums.weighted_error = sums.weighted_error.add(term_error.mul_u64(t as u64)?)?;
            }
            if t != 0 {
                sums.weighted_value.add(negative, term.mul_u64(t as u64)?)?;
                sums.weighted_face
                    .add(negative, U384::from_wide(mul_wide(magnitude, t)))?;
            }
            sums.face = sums.face.checked_add(m)?;
        }
        Some(sums)
    }

    /// The bound of the value, the exact path's slack included.
    fn value_error(&self) -> Option<U384> {
        self.value_error.add(slack(self.value.magnitudes()?)?)
    }

    /// The reported value, when its interval decides it.
    fn reported_value(&self) -> Option<Decimal> {
        let error = self.value_error()?;
        let lo = Signed384::difference(self.value.positive, self.value.negative.add(error)?);
        let hi = Signed384::difference(self.value.positive.add(error)?, self.value.negative);
        let unit = U384::pow10(self.scale).shl(F)?;
        decide(lo, hi, unit)
    }

    /// The reported Macaulay duration (0 when the reported value is 0), when
    /// its interval decides it.
    fn duration(&self, reported: Decimal) -> Option<Decimal> {
        if reported.is_zero() {
            return Some(Decimal::ZERO);
        }
        let w = self.weighted_value.value();
        let w_error = self
            .weighted_error
            .add(slack(self.weighted_value.magnitudes()?)?)?
            .add(w.magnitude.shr(180))?;
        if w.magnitude.is_zero() && w_error.is_zero() {
            return Some(Decimal::ZERO);
        }
        let x = self.value.value();
        let error = self.value_error()?;
        decide_ratio(
            w.negative != x.negative,
            w.magnitude.sub(w_error)?,
            w.magnitude.add(w_error)?,
            x.magnitude.sub(error)?,
            x.magnitude.add(error)?,
            self.basis.year_denominator(),
        )
    }
}

/// Values `flows` at `valuation_date`: by the certified fast path when it
/// decides every figure, otherwise by the exact path
/// ([`present_value_exact`]); the figures are the same either way.
pub fn present_value(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Result<PresentValue, DomainError> {
    present_value_on_path(flows, valuation_date, discounting).map(|(value, _)| value)
}

/// [`present_value`], and which path computed it.
pub fn present_value_on_path(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Result<(PresentValue, ValuationPath), DomainError> {
    if let Some(value) = fast_present_value(flows, valuation_date, discounting) {
        return Ok((value, ValuationPath::Fast));
    }
    present_value_exact(flows, valuation_date, discounting).map(|v| (v, ValuationPath::Exact))
}

/// The weighted average life of `flows` (for a loan, its principal
/// repayments): `sum(t * amount) / sum(amount)` in years of `basis`,
/// undiscounted, exact and rounded half-even to 28 decimals; 0 when the
/// amounts add up to zero. Flows on or before the valuation date count with
/// `t = 0`. In wide integers, or big integers when an amount does not fit
/// ([`average_life_exact`]): exact either way.
pub fn average_life(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    basis: TimeBasis,
) -> Result<Decimal, DomainError> {
    match wide_average_life(flows, valuation_date, basis) {
        Some(life) => Ok(life),
        None => average_life_exact(flows, valuation_date, basis),
    }
}

/// The certified present value of `flows`, or `None` when the fast path
/// does not cover the input or does not decide every figure (the caller
/// then runs the exact path). Every figure returned equals the exact
/// path's.
pub(crate) fn fast_present_value(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Option<PresentValue> {
    let sums = Sums::of(flows, valuation_date, discounting)?;
    if sums.face.unsigned_abs() >> 96 != 0 {
        return None;
    }
    let face = Decimal::try_from_i128_with_scale(sums.face, sums.scale)
        .ok()?
        .normalize();
    let average_life_years = average_life_of(&sums.weighted_face, sums.face, sums.basis)?;
    let value = sums.reported_value()?;
    let macaulay_duration_years = sums.duration(value)?;
    Some(PresentValue {
        value,
        face,
        average_life_years,
        macaulay_duration_years,
    })
}

/// The fixed-point unit factors of a flat discounting, made once and reused
/// by every stream valued at it (a sweep's column of cells): making them
/// costs a logarithm and an exponential, valuing a stream with them only
/// products. The powers they remember are exact functions of the factors,
/// so reuse changes no bit of any figure.
pub(crate) struct FlatFactors {
    basis: TimeBasis,
    factors: UnitFactors,
}

impl FlatFactors {
    /// `None` when the fast path does not cover `discounting` (a zero
    /// curve, a rate outside its range).
    pub(crate) fn new(discounting: &Discounting) -> Option<Self> {
        let Discounting::Flat {
            rate,
            compounding,
            basis,
        } = discounting
        else {
            return None;
        };
        Some(Self {
            basis: *basis,
            factors: UnitFactors::new(*rate, *compounding, *basis)?,
        })
    }
}

/// The `value` of [`present_value`] alone (a sweep's cells need nothing
/// else), with the discounting's unit factors made beforehand, or `None` as
/// there.
pub(crate) fn value_only(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    flat: &mut FlatFactors,
) -> Option<Decimal> {
    Sums::with(flows, valuation_date, flat)?.reported_value()
}

/// The exact weighted average life of `flows` (see [`average_life`]) in
/// wide integers, or `None` when an amount or a sum does not fit (the
/// caller then computes it with big integers). Exact either way: no bound
/// is involved.
fn wide_average_life(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    basis: TimeBasis,
) -> Option<Decimal> {
    if flows.len() > MAX_FLOWS {
        return None;
    }
    let scale = common_scale(flows);
    let mut weighted = Sum::default();
    let mut total = 0i128;
    for flow in flows {
        let m = scaled(flow.amount, scale)?;
        let t = basis.year_numerator(basis.units(valuation_date, flow.date));
        if t >> MAX_TIME_BITS != 0 {
            return None;
        }
        weighted.add(m < 0, U384::from_wide(mul_wide(m.unsigned_abs(), t)))?;
        total = total.checked_add(m)?;
    }
    average_life_of(&weighted, total, basis)
}
