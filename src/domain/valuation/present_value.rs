//! Present value of a stream of cash flows, with its face, average life and
//! Macaulay duration.
//!
//! Conventions:
//! - `t` is measured from the valuation date under the discounting's
//!   [`super::basis::TimeBasis`].
//! - A flow dated on or before the valuation date counts as due at the
//!   valuation date: `t = 0`, `DF = 1`. This is how past-due amounts enter
//!   the Sturzenegger-Zettelmeyer haircut; it also makes them count with
//!   `t = 0` in the average life and duration.
//! - Amounts may be negative (a disbursement); all of them are summed.
//! - A stream whose face is zero has average life 0; one whose present
//!   value rounds to zero (at 28 decimals) has duration 0: the ratio is
//!   undefined and 0 is reported, as for a share of nothing. Average life
//!   and duration are meant for streams of one sign; for mixed signs they
//!   are computed by the same formulas (and may overflow: an error).
//! - The order of `flows` does not matter.
//!
//! Precision: see [`super::precision`]; `value` is within
//! `1e-27 * max(1, sum(|CF| * DF))` of the exact present value, `face` is
//! exact whenever it fits a `Decimal`, the average life is the exact ratio
//! rounded half-even to 28 decimals.

use chrono::NaiveDate;
use num_bigint::BigInt;
use num_traits::Zero;
use rust_decimal::Decimal;
use std::sync::OnceLock;

use super::basis::{TimeBasis, Units};
use super::discount::{Discounting, Engine};
use crate::domain::error::DomainError;
use crate::domain::numerics::big_float::BigFloat;
use crate::domain::numerics::rational::ratio_to_decimal;
use crate::domain::rounding::pow10;

/// An amount due on a date. All flows of a valuation are in one currency;
/// the API layer checks that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CashFlow {
    pub date: NaiveDate,
    pub amount: Decimal,
}

/// The valuation of a stream of cash flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentValue {
    /// `sum(CF * DF)`, unrounded: full `Decimal` precision (see the module
    /// documentation for the bound).
    pub value: Decimal,
    /// `sum(CF)`, undiscounted.
    pub face: Decimal,
    /// `sum(t * CF) / sum(CF)`, undiscounted, in years.
    pub average_life_years: Decimal,
    /// `sum(t * CF * DF) / value`, in years.
    pub macaulay_duration_years: Decimal,
}

/// Values `flows` at `valuation_date` by the exact path alone (256-bit
/// factors, exact sums): what [`super::certified::present_value`] reports
/// when its fast path does not decide, and the reference it is checked
/// against.
pub fn present_value_exact(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Result<PresentValue, DomainError> {
    let engine = Engine::new(discounting)?;
    let basis = engine.basis();
    let DatedFlows {
        order,
        units,
        matters,
    } = DatedFlows::new(flows, valuation_date, basis);
    let factors = engine.factors(&units, &matters)?;

    // Exact sums: amounts scaled to 28 decimals (integers), times scaled to
    // the common denominator of the basis; the present value is carried
    // scaled by 10^28 too.
    let mut face = BigInt::zero();
    let mut weighted_face = BigInt::zero();
    let mut value = BigFloat::zero();
    let mut weighted_value = BigFloat::zero();
    for ((&i, u), factor) in order.iter().zip(&units).zip(&factors) {
        // One flow of a long stream: a step the caller can cancel.
        crate::domain::cancel::check()?;
        let amount = flows[i].amount;
        if amount.is_zero() {
            continue;
        }
        let scaled = scaled_amount(amount);
        let t = basis.year_numerator(*u);
        weighted_face += &scaled * t;
        let term = discounted_term(&scaled, factor);
        if t != 0 {
            weighted_value = weighted_value.add(&term.mul(&BigFloat::from_bigint(t.into())));
        }
        value = value.add(&term);
        face += scaled;
    }
    let year = BigInt::from(basis.year_denominator());
    let average_life_years = if face.is_zero() {
        Decimal::ZERO
    } else {
        ratio_to_decimal(&weighted_face, &(&face * &year), "average life")?
    };
    let reported = reported_value(&value)?;
    // A present value that rounds to zero (a loan with its disbursement,
    // valued at its own rate) has no duration; 0 is reported.
    let macaulay_duration_years = if reported.is_zero() {
        Decimal::ZERO
    } else {
        weighted_value
            .div(&value)
            .and_then(|ratio| ratio.div(&BigFloat::from_bigint(year)))
            .unwrap_or_else(BigFloat::zero)
            .to_decimal("duration")?
    };
    Ok(PresentValue {
        value: reported,
        face: ratio_to_decimal(&face, &pow10(28), "face value")?,
        average_life_years,
        macaulay_duration_years,
    })
}

/// Flows in date order with their times: what a set of discount factors is
/// computed for ([`Engine::factors`]). It depends on the flows, the
/// valuation date and the time basis, never on the rate, so a sweep over
/// rates prepares it once per stream (see [`super::sweep`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatedFlows {
    /// Indices into the flows, by date (a stable sort).
    pub(crate) order: Vec<usize>,
    /// The time of each flow in `order`.
    pub(crate) units: Vec<Units>,
    /// False for a flow of zero amount (its factor may not overflow).
    pub(crate) matters: Vec<bool>,
}

impl DatedFlows {
    pub(crate) fn new(flows: &[CashFlow], valuation_date: NaiveDate, basis: TimeBasis) -> Self {
        let mut order: Vec<usize> = (0..flows.len()).collect();
        order.sort_by_key(|&i| flows[i].date);
        let units = order
            .iter()
            .map(|&i| basis.units(valuation_date, flows[i].date))
            .collect();
        let matters = order.iter().map(|&i| !flows[i].amount.is_zero()).collect();
        Self {
            order,
            units,
            matters,
        }
    }
}

/// `amount x 10^28`, an integer.
fn scaled_amount(amount: Decimal) -> BigInt {
    BigInt::from(amount.mantissa()) * power_of_ten(28 - amount.scale())
}

/// CF * 10^28 * DF: an integer times the factor, no division.
fn discounted_term(scaled: &BigInt, factor: &BigFloat) -> BigFloat {
    factor.mul(&BigFloat::from_bigint(scaled.clone()))
}

/// The reported present value of a sum of [`discounted_term`]s.
fn reported_value(value: &BigFloat) -> Result<Decimal, DomainError> {
    value
        .div(&BigFloat::from_bigint(pow10(28)))
        .unwrap_or_else(BigFloat::zero)
        .to_decimal("present value")
}

/// The present value of `flows` (`dated` from them) at `factors`
/// (`Engine::factors` of `dated`): the `value` of [`present_value`], by the
/// same terms in the same order, so it is the same figure to the last
/// digit; nothing else (face, average life, duration) is computed.
pub(crate) fn discounted_value(
    flows: &[CashFlow],
    dated: &DatedFlows,
    factors: &[BigFloat],
) -> Result<Decimal, DomainError> {
    let mut value = BigFloat::zero();
    for (&i, factor) in dated.order.iter().zip(factors) {
        let amount = flows[i].amount;
        if amount.is_zero() {
            continue;
        }
        value = value.add(&discounted_term(&scaled_amount(amount), factor));
    }
    reported_value(&value)
}

/// The weighted average life of `flows` (for a loan, its principal
/// repayments) in big integers (see [`super::certified::average_life`],
/// which tries wide integers first): `sum(t * amount) / sum(amount)` in years of `basis`,
/// undiscounted, exact and rounded half-even to 28 decimals; 0 when the
/// amounts add up to zero. Flows on or before the valuation date count with
/// `t = 0`.
pub fn average_life_exact(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    basis: TimeBasis,
) -> Result<Decimal, DomainError> {
    let mut total = BigInt::zero();
    let mut weighted = BigInt::zero();
    for flow in flows {
        let scaled = scaled_amount(flow.amount);
        weighted += &scaled * basis.year_numerator(basis.units(valuation_date, flow.date));
        total += scaled;
    }
    if total.is_zero() {
        return Ok(Decimal::ZERO);
    }
    ratio_to_decimal(
        &weighted,
        &(&total * BigInt::from(basis.year_denominator())),
        "average life",
    )
}

/// `10^k` for `k <= 28`, computed once.
fn power_of_ten(k: u32) -> &'static BigInt {
    static TABLE: OnceLock<Vec<BigInt>> = OnceLock::new();
    &TABLE.get_or_init(|| (0..=28).map(pow10).collect())[k.min(28) as usize]
}

#[cfg(test)]
#[path = "present_value_tests.rs"]
pub(crate) mod tests;
