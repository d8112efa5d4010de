//! Solving for terms: the write-off share, or the interest rate of the new
//! debt, that reaches a target NPV reduction.
//!
//! # What is solved
//!
//! The **reduction** is the Sturzenegger-Zettelmeyer haircut of exchanging
//! the old claim for the new debt, `1 - PV(new) / PV(old)`, both at the
//! input's discounting, past-due interest counted in `PV(old)` as due at
//! the valuation date: exactly what
//! [`crate::domain::valuation::value_restructuring`] reports.
//!
//! The **new debt** is `DebtStream::Loan { principal, terms }` with
//! `principal = face(old) x (1 - write-off share)`, computed exactly and
//! rounded half-even to the currency's minor unit once. `face(old)` is the
//! old claim's face value (a loan's principal, the sum of explicit flows,
//! an amount due); past-due interest is not part of it (it only enters
//! `PV(old)`).
//!
//! - [`Unknown::WriteOffShare`]: the share in [0, 1]; the terms are
//!   `new_terms` as given. The reduction increases with the share. A share
//!   whose principal rounds to zero leaves no new debt: its reduction is 1
//!   by definition and it has no valuation.
//! - [`Unknown::InterestRate`]: the fixed annual rate of `new_terms`
//!   (`rate.initial`; rate steps are refused) within `rate_bounds`, the
//!   write-off share fixed at `write_off_share`. The reduction decreases as
//!   the rate rises.
//!
//! # Feasibility
//!
//! Both ends of the interval are valued first. The answer is the least
//! favourable value for the debtor that still reaches the target: the
//! smallest write-off share, or the highest rate, whose reduction is at
//! least the target.
//!
//! - When even the end that gives the least reduction reaches the target
//!   (the new terms alone, without a write-off, already cut more; or even
//!   the highest rate allowed still cuts enough), the target is **met at
//!   that bound**: feasible, the answer is the bound, `binding_bound` names
//!   it and the achieved reduction exceeds the target.
//! - When even the end that gives the most reduction falls short, the
//!   target is **infeasible**: the outcome reports that end (its value, its
//!   reduction as `best_reachable_reduction`, and `binding_bound`) and
//!   values the terms there.
//!
//! # Tolerance
//!
//! The unknown is solved on a grid of [`TOLERANCE`] = 1e-12
//! ([`VALUE_DECIMALS`] = 12 decimals): every value tried and reported is a
//! multiple of it, so the reported value is exactly the one valued; nothing
//! is rounded afterwards. When feasible, the answer is a grid value that
//! **reaches** the target, next to one that does not:
//!
//! - `achieved_reduction >= target` (equal when a value hits it exactly);
//! - otherwise `shortfall_neighbour` is a value that falls short of the
//!   target and is adjacent to the answer: `TOLERANCE` apart, or, for the
//!   write-off share, giving new principals one minor unit apart (so no
//!   share between them gives another reduction). The target lies in
//!   `(neighbour.reduction, achieved_reduction]`.
//!
//! So the achieved reduction exceeds the target by at most the reduction's
//! own step at the answer: the effect of moving the unknown by 1e-12 or the
//! principal by one minor unit. The reduction is a step function of cents
//! (every instalment and interest amount is rounded), so no method can do
//! better than that step. It is at most about `minor unit x number of
//! payments / PV(old)` (6.6e-7 for a claim of 1,000,000.00 and 66
//! payments), usually far less (measured: 6e-9 for the level-payment
//! example of the tests, 5e-10 for the Naples DSR rate), larger when a rounded level payment or
//! capitalised interest carries a cent forward at the loan rate into the
//! last instalment (a factor of up to `(1 + rate per period)^periods`), and
//! for claims above 1e10 units, where 1e-12 of the share is more than a
//! cent of principal.
//!
//! The write-off share is the smallest share (to the resolution above)
//! that reaches the target; the rate is the highest such rate.
//!
//! # Method, iterations, time
//!
//! Regula falsi with the Illinois modification and a bisection fallback on
//! the grid (the `search` module). For the write-off share the first step,
//! interpolating between share 0 and share 1 (reduction 1), is the
//! near-closed form `s = 1 - (1 - target) / (1 - reduction at share 0)`
//! (PV(new) is nearly proportional to the principal); the later steps
//! correct for cent rounding. An **iteration** is one evaluation of the
//! reduction at a candidate value (one schedule built and valued, except
//! for a share whose principal rounds to zero, which costs nothing),
//! including the two ends. There are at most [`MAX_ITERATIONS`] = 100: every
//! two evaluations at least halve the bracket, which is at most 1e12 grid
//! steps for the share (40 halvings) and 1.1e13 for a rate in (-1, 10]
//! (44 halvings), so the cap is never the reason to stop
//! (`converged` says so). Interpolated steps keep at least one minor unit
//! of principal or interest away from the ends, so they do not creep along
//! a flat step of cents. Measured on random cases: 4 to 8 evaluations for
//! the share (at most about 15), 17 to 31 for the rate (the last 15 or so
//! bisect down to adjacent grid values, inside one step of cents); a
//! schedule of 66 semi-annual payments costs about 0.1 ms per evaluation
//! in a release build, 1,200 monthly payments about 2 ms (a rate solve on
//! such a schedule: 33 evaluations, 63 ms). The old claim is valued once;
//! the answer is valued once more, in full, by `value_restructuring`, which gives
//! `achieved_reduction` and `valuation`. Each evaluation builds at most
//! [`crate::domain::schedule::MAX_PERIODS`] periods, so the time is bounded
//! by the iteration cap; no clock is read, so the answer does not depend on
//! the machine's speed.

use chrono::NaiveDate;
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive};
use rust_decimal::Decimal;

use super::search::{bracket, Point};
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::{mantissa, Money};
use crate::domain::rounding::{div_round, pow10, RoundingMode};
use crate::domain::schedule::{InterestRate, LoanTerms};
use crate::domain::valuation::{
    haircuts, value_restructuring, value_stream, CashFlow, DebtStream, Discounting,
    RestructuringInput, RestructuringValuation,
};

/// Decimals of the grid on which the unknown is solved.
pub const VALUE_DECIMALS: u32 = 12;

/// The grid step of the unknown, 1e-12 (see the module documentation).
pub const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, VALUE_DECIMALS);

/// The most evaluations of the reduction in one solve, the two ends
/// included.
pub const MAX_ITERATIONS: u32 = 100;

/// The highest upper bound accepted for a rate search: 10 (1,000% a year).
pub const MAX_RATE_BOUND: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

/// What is solved for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unknown {
    /// The share of the old claim's face value written off, in [0, 1].
    WriteOffShare,
    /// The fixed annual interest rate of the new debt, within the bounds.
    InterestRate,
}

/// Which end of the interval of the unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoundSide {
    Lower,
    Upper,
}

/// The end of the interval of the unknown that keeps an infeasible target
/// out of reach, and its value: for the write-off share, `Lower` at 0 (the
/// new terms alone cut more than the target); for the rate, `Lower` (even
/// the lowest rate cuts less than the target) or `Upper` (even the highest
/// rate cuts more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bound {
    pub side: BoundSide,
    pub value: Decimal,
}

/// A value of the unknown and the reduction it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValuePoint {
    pub value: Decimal,
    pub reduction: Decimal,
}

/// A solve: the old claim and its valuation, the target, and the new terms
/// with one unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveInput {
    pub old_claim: DebtStream,
    /// Interest past due on the old claim, counted as due at the valuation
    /// date (zero when none).
    pub past_due_interest: Decimal,
    pub valuation_date: NaiveDate,
    pub discounting: Discounting,
    /// The reduction `1 - PV(new) / PV(old)` to reach, in [0, 1).
    pub target_reduction: Decimal,
    /// The new debt's terms. When solving the rate, `rate.initial` is
    /// replaced by each candidate and `rate.steps` must be empty.
    pub new_terms: LoanTerms,
    pub unknown: Unknown,
    /// The write-off share when solving the rate, in [0, 1) (0 for a debt
    /// service reduction); ignored when solving the share.
    pub write_off_share: Decimal,
    /// The interval searched for the rate: lower > -1, upper <= 10, lower <
    /// upper, each with at most 12 decimals; ignored when solving the share.
    pub rate_bounds: (Decimal, Decimal),
}

/// The answer of a solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveOutcome {
    pub unknown: Unknown,
    /// Whether some value in the interval reaches the target (to the
    /// tolerance).
    pub feasible: bool,
    /// The solved share or rate (normalized, at most 12 decimals); when
    /// infeasible, the value at the binding bound.
    pub solved_value: Decimal,
    /// The reduction at `solved_value`, recomputed by `value_restructuring`
    /// (1 when no new debt is left).
    pub achieved_reduction: Decimal,
    /// When infeasible: the reduction closest to the target that the
    /// interval allows (equal to `achieved_reduction`).
    pub best_reachable_reduction: Option<Decimal>,
    /// The bound the answer sits at: the end that falls short (infeasible)
    /// or the end that already exceeds the target (met at the bound).
    pub binding_bound: Option<Bound>,
    /// When feasible and not hit exactly: the adjacent value that falls
    /// short of the target, and its reduction.
    pub shortfall_neighbour: Option<ValuePoint>,
    /// False only if the search ran out of iterations (it cannot within the
    /// documented bounds; see the module documentation).
    pub converged: bool,
    /// Evaluations of the reduction, the ends of the interval included.
    pub iterations: u32,
    /// The new debt's principal at `solved_value`.
    pub new_principal: Money,
    /// The new debt's terms at `solved_value` (with the solved rate).
    pub new_terms: LoanTerms,
    /// The full valuation of the old claim against the new debt at
    /// `solved_value`; `None` only when the new principal is zero (all of
    /// the claim written off), where there is no new debt to value.
    pub valuation: Option<RestructuringValuation>,
}

/// Solves for the unknown of `input` (see the module documentation).
pub fn solve_terms(input: &SolveInput) -> Result<SolveOutcome, DomainError> {
    let target = input.target_reduction;
    if target < Decimal::ZERO || target >= Decimal::ONE {
        return Err(DomainError::InvalidInput {
            quantity: "target NPV reduction",
            requirement: "in [0, 1)",
        });
    }
    let problem = Problem::new(input)?;
    // The reduction rises with the share and falls as the rate rises: the
    // end that gives the least reduction, then the one that gives the most.
    let (least_x, most_x, least_side, most_side) = match input.unknown {
        Unknown::WriteOffShare => (0, grid_one(), BoundSide::Lower, BoundSide::Upper),
        Unknown::InterestRate => (
            problem.rate_bounds.1,
            problem.rate_bounds.0,
            BoundSide::Upper,
            BoundSide::Lower,
        ),
    };
    let least = problem.point(least_x)?;
    if least.f > target {
        return problem.finish(Finish::MetAtBound(least, least_side), 1);
    }
    if least.f == target {
        return problem.finish(Finish::Solved(least, None, true), 1);
    }
    let most = problem.point(most_x)?;
    if most.f < target {
        return problem.finish(Finish::Infeasible(most, most_side), 2);
    }
    if most.f == target {
        return problem.finish(Finish::Solved(most, None, true), 2);
    }
    let found = bracket(
        least,
        most,
        target,
        MAX_ITERATIONS - 2,
        problem.min_step(),
        |x| problem.reduction(x),
        |a, b| problem.settled(a, b),
    )?;
    let neighbour = (!found.exact).then_some(found.short);
    problem.finish(
        Finish::Solved(found.reach, neighbour, found.converged),
        2 + found.evaluations,
    )
}

/// How a solve ends: an answer (with the neighbour that falls short, and
/// whether it converged), a target already exceeded at a bound, or an
/// infeasible target stopped at a bound.
enum Finish {
    Solved(Point, Option<Point>, bool),
    MetAtBound(Point, BoundSide),
    Infeasible(Point, BoundSide),
}

/// A solve under way: the input, the old claim's figures (valued once) and
/// the interval of the unknown in grid steps.
struct Problem<'a> {
    input: &'a SolveInput,
    currency: Currency,
    face_old: Decimal,
    pv_old: Decimal,
    /// The fixed principal of a rate solve.
    fixed_principal: Option<Money>,
    /// The rate interval in grid steps (a rate solve).
    rate_bounds: (i128, i128),
}

impl<'a> Problem<'a> {
    fn new(input: &'a SolveInput) -> Result<Self, DomainError> {
        let old_stream = input.old_claim.expand(input.valuation_date)?;
        let old_value = value_stream(
            &old_stream,
            &past_due(input),
            input.valuation_date,
            &input.discounting,
        )?;
        let face_old = old_value.face;
        let pv_old = old_value.present_value.value;
        // The checks of the haircut itself: a positive face, present value
        // and claim.
        haircuts(face_old, pv_old, face_old, pv_old, input.past_due_interest)?;
        let currency = old_stream.currency;
        let mut problem = Self {
            input,
            currency,
            face_old,
            pv_old,
            fixed_principal: None,
            rate_bounds: (0, 0),
        };
        if input.unknown == Unknown::InterestRate {
            if !input.new_terms.rate.steps.is_empty() {
                return Err(DomainError::InvalidTerms {
                    reason: "a solved interest rate is fixed: rate steps are not allowed",
                });
            }
            problem.rate_bounds = rate_bounds(input.rate_bounds)?;
            let share = input.write_off_share;
            if share < Decimal::ZERO || share >= Decimal::ONE {
                return Err(DomainError::InvalidInput {
                    quantity: "write-off share",
                    requirement: "in [0, 1) when solving the rate",
                });
            }
            let principal = principal_after_write_off(face_old, currency, share)?;
            if principal.amount.is_zero() {
                return Err(DomainError::InvalidInput {
                    quantity: "write-off share",
                    requirement: "low enough to leave a new principal of at least one minor unit",
                });
            }
            problem.fixed_principal = Some(principal);
        }
        Ok(problem)
    }

    /// The new principal and terms at grid value `x`.
    fn candidate(&self, x: i128) -> Result<(Money, LoanTerms), DomainError> {
        let value = grid_value(x)?;
        match (&self.fixed_principal, self.input.unknown) {
            (Some(principal), Unknown::InterestRate) => {
                let mut terms = self.input.new_terms.clone();
                terms.rate = InterestRate::fixed(value);
                Ok((principal.clone(), terms))
            }
            _ => Ok((
                principal_after_write_off(self.face_old, self.currency, value)?,
                self.input.new_terms.clone(),
            )),
        }
    }

    /// The reduction at grid value `x`: 1 when no new debt is left.
    fn reduction(&self, x: i128) -> Result<Decimal, DomainError> {
        let (principal, terms) = self.candidate(x)?;
        if principal.amount.is_zero() {
            return Ok(Decimal::ONE);
        }
        let input = self.input;
        let stream = DebtStream::Loan { principal, terms }.expand(input.valuation_date)?;
        let value = value_stream(&stream, &[], input.valuation_date, &input.discounting)?;
        let cut = haircuts(
            self.face_old,
            self.pv_old,
            value.face,
            value.present_value.value,
            input.past_due_interest,
        )?;
        Ok(cut.sturzenegger_zettelmeyer)
    }

    fn point(&self, x: i128) -> Result<Point, DomainError> {
        Ok(Point {
            x,
            f: self.reduction(x)?,
        })
    }

    /// About how many grid steps of the unknown move a figure of the new
    /// schedule by one minor unit: for the share, one minor unit of
    /// principal (`10^12 x minor unit / face`); for the rate, one minor unit
    /// of a period's interest on the whole principal (`10^12 x minor unit x
    /// periods per year / principal`). At least 1; only a step size for
    /// the search, never a reported figure.
    fn min_step(&self) -> i128 {
        let unit = 10f64.powi(VALUE_DECIMALS as i32 - self.currency.minor_units as i32);
        let steps = match &self.fixed_principal {
            Some(principal) => {
                let per_year = f64::from(self.input.new_terms.frequency.periods_per_year());
                unit * per_year / principal.amount.to_f64().unwrap_or(f64::INFINITY)
            }
            None => unit / self.face_old.to_f64().unwrap_or(f64::INFINITY),
        };
        if steps.is_finite() && steps >= 1.0 {
            steps.min(1e12).ceil() as i128
        } else {
            1
        }
    }

    /// Whether no value between `a` and `b` can give another reduction:
    /// write-off shares whose principals are at most one minor unit apart.
    fn settled(&self, a: i128, b: i128) -> Result<bool, DomainError> {
        if self.input.unknown != Unknown::WriteOffShare {
            return Ok(false);
        }
        let minor = |x| -> Result<BigInt, DomainError> {
            let principal =
                principal_after_write_off(self.face_old, self.currency, grid_value(x)?)?;
            principal.to_minor_units().ok_or(DomainError::Overflow {
                quantity: "new principal",
            })
        };
        Ok((minor(a)? - minor(b)?).abs() <= BigInt::one())
    }

    /// Values the answer in full and reports it.
    fn finish(&self, end: Finish, iterations: u32) -> Result<SolveOutcome, DomainError> {
        let (point, neighbour, converged, bound, feasible) = match end {
            Finish::Solved(point, neighbour, converged) => {
                (point, neighbour, converged, None, true)
            }
            Finish::MetAtBound(point, side) => (point, None, true, Some(side), true),
            Finish::Infeasible(point, side) => (point, None, true, Some(side), false),
        };
        let (new_principal, new_terms) = self.candidate(point.x)?;
        let input = self.input;
        let valuation = if new_principal.amount.is_zero() {
            None
        } else {
            Some(value_restructuring(&RestructuringInput {
                old_claim: input.old_claim.clone(),
                past_due_interest: input.past_due_interest,
                new_debt: DebtStream::Loan {
                    principal: new_principal.clone(),
                    terms: new_terms.clone(),
                },
                valuation_date: input.valuation_date,
                discounting: input.discounting.clone(),
            })?)
        };
        let achieved_reduction = valuation
            .as_ref()
            .map_or(Decimal::ONE, |v| v.haircuts.sturzenegger_zettelmeyer);
        let solved_value = grid_value(point.x)?;
        let shortfall_neighbour = match neighbour {
            Some(short) => Some(ValuePoint {
                value: grid_value(short.x)?,
                reduction: short.f,
            }),
            None => None,
        };
        Ok(SolveOutcome {
            unknown: input.unknown,
            feasible,
            solved_value,
            achieved_reduction,
            best_reachable_reduction: (!feasible).then_some(achieved_reduction),
            binding_bound: bound.map(|side| Bound {
                side,
                value: solved_value,
            }),
            shortfall_neighbour,
            converged,
            iterations,
            new_principal,
            new_terms,
            valuation,
        })
    }
}

/// The past-due interest as a flow at the valuation date (none when zero),
/// as `value_restructuring` adds it.
fn past_due(input: &SolveInput) -> Vec<CashFlow> {
    if input.past_due_interest.is_zero() {
        Vec::new()
    } else {
        vec![CashFlow {
            date: input.valuation_date,
            amount: input.past_due_interest,
        }]
    }
}

/// 1 in grid steps: 10^12.
fn grid_one() -> i128 {
    10i128.pow(VALUE_DECIMALS)
}

/// `x` grid steps as a decimal, normalized.
fn grid_value(x: i128) -> Result<Decimal, DomainError> {
    Decimal::try_from_i128_with_scale(x, VALUE_DECIMALS)
        .map(|d| d.normalize())
        .map_err(|_| DomainError::Overflow {
            quantity: "solved value",
        })
}

/// A decimal with at most 12 decimals as grid steps.
fn to_grid(value: Decimal) -> Option<i128> {
    let value = value.normalize();
    let scale = value.scale();
    if scale > VALUE_DECIMALS {
        return None;
    }
    value
        .mantissa()
        .checked_mul(10i128.pow(VALUE_DECIMALS - scale))
}

/// The rate interval in grid steps, checked.
fn rate_bounds((lower, upper): (Decimal, Decimal)) -> Result<(i128, i128), DomainError> {
    let error = DomainError::InvalidInput {
        quantity: "interest rate bounds",
        requirement: "lower > -1, lower < upper <= 10, each with at most 12 decimals",
    };
    if lower <= Decimal::NEGATIVE_ONE || lower >= upper || upper > MAX_RATE_BOUND {
        return Err(error);
    }
    match (to_grid(lower), to_grid(upper)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(error),
    }
}

/// `face x (1 - share)`, exactly, rounded half-even to the minor unit once.
pub fn principal_after_write_off(
    face: Decimal,
    currency: Currency,
    share: Decimal,
) -> Result<Money, DomainError> {
    let kept = pow10(share.scale()) - mantissa(share);
    let numerator = mantissa(face) * kept * pow10(currency.minor_units);
    let denominator = pow10(face.scale() + share.scale());
    let minor = div_round(&numerator, &denominator, RoundingMode::HalfEven);
    Money::from_minor_units(currency, &minor, "new principal")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::schedule::{
        add_months, Amortization, DayCount, Frequency, GraceInterest, RateStart, RateStep,
    };
    use crate::domain::solver::presets::{find_preset, preset_terms};
    use crate::domain::valuation::{Compounding, TimeBasis};
    use std::str::FromStr;

    pub(crate) fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    pub(crate) fn date(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn usd(amount: &str) -> Money {
        Money {
            currency: find("USD").unwrap(),
            amount: d(amount),
        }
    }

    fn flat(rate: &str) -> Discounting {
        Discounting::Flat {
            rate: d(rate),
            compounding: Compounding::AnnualEffective,
            basis: TimeBasis::Thirty360,
        }
    }

    fn valuation_date() -> NaiveDate {
        date(2024, 1, 15)
    }

    /// Annual payments at 5% on 30/360 from a year after the valuation date.
    fn annual_at_five(amortization: Amortization, count: u32) -> LoanTerms {
        LoanTerms {
            first_payment_date: date(2025, 1, 15),
            accrual_start: None,
            frequency: Frequency::Annual,
            installment_count: count,
            grace_periods: 0,
            grace_interest: GraceInterest::Paid,
            amortization,
            rate: InterestRate::fixed(d("0.05")),
            day_count: DayCount::Thirty360,
            end_of_month: false,
            rounding: RoundingMode::HalfEven,
            business_days: Default::default(),
        }
    }

    fn input(unknown: Unknown, target: &str, terms: LoanTerms, discount: &str) -> SolveInput {
        SolveInput {
            old_claim: DebtStream::DueAtValuation(usd("1000000.00")),
            past_due_interest: Decimal::ZERO,
            valuation_date: valuation_date(),
            discounting: flat(discount),
            target_reduction: d(target),
            new_terms: terms,
            unknown,
            write_off_share: Decimal::ZERO,
            rate_bounds: (Decimal::ZERO, Decimal::ONE),
        }
    }

    fn naples_dsr_terms() -> LoanTerms {
        let first = add_months(valuation_date(), 6, false, "first payment").unwrap();
        preset_terms(
            find_preset("naples-dsr").unwrap(),
            first,
            Decimal::ZERO,
            RoundingMode::HalfEven,
        )
    }

    #[test]
    fn write_off_at_the_discount_rate_equals_the_target_exactly() {
        // A one-year bullet at 5% discounted at 5%: PV(new) = principal, so
        // the reduction is the write-off share itself.
        let solve = input(
            Unknown::WriteOffShare,
            "0.6",
            annual_at_five(Amortization::Bullet, 1),
            "0.05",
        );
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible && out.converged);
        assert_eq!(out.solved_value, d("0.6"));
        assert_eq!(out.achieved_reduction, d("0.6"));
        assert_eq!(out.new_principal, usd("400000.00"));
        assert_eq!(out.shortfall_neighbour, None);
        // Share 0 and share 1 (free), then the interpolated guess is exact.
        assert_eq!(out.iterations, 3);
        let valuation = out.valuation.unwrap();
        assert_eq!(valuation.new_value.present_value.value, d("400000"));
        assert_eq!(valuation.haircuts.nominal, d("0.6"));
    }

    #[test]
    fn write_off_with_level_payments_within_the_tolerance() {
        // Ten annual level payments at 5%, discounted at 5%: PV(new) is the
        // principal up to the cent rounding of the payments.
        let solve = input(
            Unknown::WriteOffShare,
            "0.6",
            annual_at_five(Amortization::LevelPayment, 10),
            "0.05",
        );
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible && out.converged);
        assert!(
            (out.solved_value - d("0.6")).abs() <= d("0.00000002"),
            "{}",
            out.solved_value
        );
        assert!(out.achieved_reduction >= d("0.6"));
        assert!(out.achieved_reduction - d("0.6") < d("1e-8"));
        assert!((out.new_principal.amount - d("400000")).abs() <= d("0.02"));
        if let Some(short) = out.shortfall_neighbour {
            assert!(short.reduction < d("0.6"));
            let a =
                principal_after_write_off(d("1000000.00"), out.new_principal.currency, short.value)
                    .unwrap();
            assert!((a.amount - out.new_principal.amount).abs() <= d("0.01"));
        }
        assert!(out.iterations <= 6, "{}", out.iterations);
    }

    #[test]
    fn zero_rate_over_33_years_cannot_reach_67_percent_at_5_percent() {
        let solve = input(Unknown::InterestRate, "0.67", naples_dsr_terms(), "0.05");
        let out = solve_terms(&solve).unwrap();
        assert!(!out.feasible);
        // python3 (decimal, 60 digits): 66 instalments, 65 of 15151.52 and a
        // last of 15151.20, at t = k/2 years; 1 - sum(a_k 1.05^(-k/2)) / 1e6
        let expected = d("0.5090865342249195101457400941");
        assert!(
            (out.achieved_reduction - expected).abs() < d("1e-25"),
            "{}",
            out.achieved_reduction
        );
        assert_eq!(out.best_reachable_reduction, Some(out.achieved_reduction));
        assert_eq!(
            out.binding_bound,
            Some(Bound {
                side: BoundSide::Lower,
                value: Decimal::ZERO
            })
        );
        assert_eq!(out.solved_value, Decimal::ZERO);
        assert_eq!(out.iterations, 2);
        let valuation = out.valuation.unwrap();
        assert_eq!(valuation.new_value.flow_count, 66);
        assert_eq!(out.new_terms.rate, InterestRate::fixed(Decimal::ZERO));
    }

    #[test]
    fn zero_rate_over_33_years_reaches_67_percent_near_a_discount_rate_of_8_8_percent() {
        // domain.md: "roughly 8.8% or more".
        let at = |rate| {
            solve_terms(&input(
                Unknown::InterestRate,
                "0.67",
                naples_dsr_terms(),
                rate,
            ))
            .unwrap()
        };
        // python3: at 8.8% the best is 0.669983..., at 8.81% 0.670283...
        assert!(!at("0.088").feasible);
        assert!(at("0.0881").feasible);
    }

    #[test]
    fn naples_dsr_rate_at_a_ten_percent_discount_rate() {
        let solve = input(Unknown::InterestRate, "0.67", naples_dsr_terms(), "0.10");
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible && out.converged);
        // python3 (decimal, 60 digits, interest = outstanding x r / 2
        // rounded half-even to the cent): the reduction falls through 0.67
        // between 0.004574430085 and 0.004574430086.
        assert_eq!(out.solved_value, d("0.004574430085"));
        let reached = d("0.6700000005159618028222847723");
        assert!((out.achieved_reduction - reached).abs() < d("1e-25"));
        let short = out.shortfall_neighbour.unwrap();
        assert_eq!(short.value, d("0.004574430086"));
        let missed = d("0.6699999973296536257187166122");
        assert!((short.reduction - missed).abs() < d("1e-25"));
        assert!(out.iterations <= MAX_ITERATIONS);
        // Re-valuing the solved terms reproduces the figure.
        let again = value_restructuring(&RestructuringInput {
            old_claim: solve.old_claim.clone(),
            past_due_interest: Decimal::ZERO,
            new_debt: DebtStream::Loan {
                principal: usd("1000000.00"),
                terms: out.new_terms.clone(),
            },
            valuation_date: valuation_date(),
            discounting: flat("0.10"),
        })
        .unwrap();
        assert_eq!(
            again.haircuts.sturzenegger_zettelmeyer,
            out.achieved_reduction
        );
        assert_eq!(out.new_terms.rate.initial, d("0.004574430085"));
    }

    #[test]
    fn rate_above_the_range_and_exact_ends() {
        // At 60% a year or more the new debt is worth more than the claim
        // (a negative reduction): a target of 0 is stopped at the lower
        // bound...
        let mut solve = input(Unknown::InterestRate, "0", naples_dsr_terms(), "0.05");
        solve.rate_bounds = (d("0.6"), d("1"));
        let out = solve_terms(&solve).unwrap();
        assert!(!out.feasible);
        assert_eq!(
            out.binding_bound,
            Some(Bound {
                side: BoundSide::Lower,
                value: d("0.6")
            })
        );
        // ... and a target of 0.3 with bounds [0, 0.001] is met at the upper
        // bound: even the highest rate allowed cuts more than 30%.
        let mut solve = input(Unknown::InterestRate, "0.3", naples_dsr_terms(), "0.05");
        solve.rate_bounds = (d("0"), d("0.001"));
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible);
        assert_eq!(out.best_reachable_reduction, None);
        assert_eq!(
            out.binding_bound,
            Some(Bound {
                side: BoundSide::Upper,
                value: d("0.001")
            })
        );
        assert!(out.achieved_reduction > d("0.3"));
        // A target of exactly the reduction at share 0 is solved by share 0.
        let solve = input(
            Unknown::WriteOffShare,
            "0",
            annual_at_five(Amortization::Bullet, 1),
            "0.05",
        );
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible);
        assert_eq!(out.solved_value, Decimal::ZERO);
        assert_eq!(out.iterations, 1);
    }

    #[test]
    fn terms_that_already_cut_enough_need_no_write_off() {
        // 0% over 33 years at 10% already cuts 70.3%: a 50% target is met
        // at the lower bound, with no write-off.
        let solve = input(Unknown::WriteOffShare, "0.5", naples_dsr_terms(), "0.10");
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible);
        assert_eq!(out.best_reachable_reduction, None);
        assert!(out.achieved_reduction > d("0.5"));
        assert_eq!(
            out.binding_bound,
            Some(Bound {
                side: BoundSide::Lower,
                value: Decimal::ZERO
            })
        );
        // python3: 1 - sum(a_k 1.1^(-k/2)) / 1e6 = 0.70294025682949...
        assert!((out.achieved_reduction - d("0.702940256829492397736")).abs() < d("1e-20"));
        assert_eq!(out.new_principal, usd("1000000.00"));
    }

    #[test]
    fn a_write_off_of_everything_leaves_nothing_to_value() {
        // 1.00 owed: one cent of new debt still cuts less than 99.9999%, so
        // only a full write-off reaches the target.
        let mut solve = input(
            Unknown::WriteOffShare,
            "0.999999",
            annual_at_five(Amortization::Bullet, 1),
            "0.05",
        );
        solve.old_claim = DebtStream::DueAtValuation(usd("1.00"));
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible && out.converged);
        assert_eq!(out.achieved_reduction, Decimal::ONE);
        assert!(out.new_principal.amount.is_zero());
        assert!(out.valuation.is_none());
        let short = out.shortfall_neighbour.unwrap();
        assert_eq!(
            principal_after_write_off(d("1.00"), out.new_principal.currency, short.value).unwrap(),
            usd("0.01")
        );
        // One cent at t = 1: 1 - 0.01 / 1.05.
        assert!(short.reduction > d("0.9904") && short.reduction < d("0.9905"));
    }

    #[test]
    fn a_large_claim_with_compounding_level_payments() {
        // 44.9 bn owed; 64 annual level payments at 11.71% discounted at
        // 1.01%: a cent of a rounded payment grows at 11.71% for 63 years
        // into the last instalment, so the reduction moves in steps of
        // about 4e-10, and 1e-12 of the share is 4.5 cents of principal.
        let mut terms = annual_at_five(Amortization::LevelPayment, 64);
        terms.rate = InterestRate::fixed(d("0.1171"));
        terms.first_payment_date = date(2024, 8, 31);
        terms.end_of_month = true;
        let mut solve = input(Unknown::WriteOffShare, "0.3222", terms, "0.0101");
        solve.old_claim = DebtStream::DueAtValuation(usd("44923374889.68"));
        solve.past_due_interest = d("817028.40");
        solve.discounting = Discounting::Flat {
            rate: d("0.0101"),
            compounding: Compounding::Periodic {
                periods_per_year: 2,
            },
            basis: TimeBasis::ActActIsda,
        };
        let out = solve_terms(&solve).unwrap();
        assert!(out.feasible && out.converged);
        assert!(out.achieved_reduction >= d("0.3222"));
        assert!(out.achieved_reduction - d("0.3222") < d("1e-8"));
        let short = out.shortfall_neighbour.unwrap();
        assert!(short.reduction < d("0.3222"));
        assert_eq!(out.solved_value - short.value, TOLERANCE);
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let base = input(Unknown::InterestRate, "0.67", naples_dsr_terms(), "0.05");
        let with = |f: &dyn Fn(&mut SolveInput)| {
            let mut s = base.clone();
            f(&mut s);
            solve_terms(&s)
        };
        for target in ["1", "-0.01", "1.5"] {
            assert!(matches!(
                with(&|s| s.target_reduction = d(target)),
                Err(DomainError::InvalidInput {
                    quantity: "target NPV reduction",
                    ..
                })
            ));
        }
        for bounds in [
            ("0.5", "0.5"),
            ("1", "0"),
            ("-1", "0.1"),
            ("0", "11"),
            ("0", "0.0000000000001"),
        ] {
            assert!(matches!(
                with(&|s| s.rate_bounds = (d(bounds.0), d(bounds.1))),
                Err(DomainError::InvalidInput {
                    quantity: "interest rate bounds",
                    ..
                })
            ));
        }
        for share in ["1", "-0.1", "0.9999999999"] {
            assert!(matches!(
                with(&|s| s.write_off_share = d(share)),
                Err(DomainError::InvalidInput {
                    quantity: "write-off share",
                    ..
                })
            ));
        }
        assert!(matches!(
            with(&|s| s.new_terms.rate.steps = vec![RateStep {
                start: RateStart::Period(3),
                annual_rate: d("0.01")
            }]),
            Err(DomainError::InvalidTerms { .. })
        ));
        assert!(matches!(
            with(&|s| s.old_claim = DebtStream::DueAtValuation(usd("0"))),
            Err(DomainError::InvalidInput { .. })
        ));
        assert!(matches!(
            with(&|s| s.new_terms.installment_count = 0),
            Err(DomainError::InvalidTerms { .. })
        ));
        // The share solve ignores the rate inputs.
        assert!(with(&|s| {
            s.unknown = Unknown::WriteOffShare;
            s.rate_bounds = (d("5"), d("1"));
            s.write_off_share = d("7");
        })
        .is_ok());
    }

    #[test]
    fn principal_after_write_off_rounds_half_even_once() {
        let usd = find("USD").unwrap();
        let p = |face: &str, share: &str| {
            principal_after_write_off(d(face), usd, d(share))
                .unwrap()
                .amount
                .to_string()
        };
        assert_eq!(p("1000000.00", "0.67"), "330000.00");
        assert_eq!(p("100.00", "0.3333333333333333333333333333"), "66.67");
        assert_eq!(p("0.05", "0.5"), "0.02");
        assert_eq!(p("0.07", "0.5"), "0.04");
        assert_eq!(p("10960000000", "0.9"), "1096000000.00");
        assert_eq!(p("1.00", "1"), "0.00");
    }

    /// The longest schedule: 1200 monthly level payments at 3%.
    fn monthly(unknown: Unknown) -> SolveInput {
        let mut terms = naples_dsr_terms();
        terms.frequency = Frequency::Monthly;
        terms.installment_count = 1200;
        terms.amortization = Amortization::LevelPayment;
        terms.rate = InterestRate::fixed(d("0.03"));
        input(unknown, "0.5", terms, "0.05")
    }

    /// Evaluation counts and times of typical solves (run with
    /// `--ignored --nocapture`).
    #[test]
    #[ignore]
    fn measure() {
        let cases = [
            (
                "share, level payment",
                input(
                    Unknown::WriteOffShare,
                    "0.6",
                    annual_at_five(Amortization::LevelPayment, 10),
                    "0.05",
                ),
            ),
            ("share, naples-dr at 5%", {
                let first = add_months(valuation_date(), 6, false, "first").unwrap();
                let terms = preset_terms(
                    find_preset("naples-dr").unwrap(),
                    first,
                    d("0.05"),
                    RoundingMode::HalfEven,
                );
                input(Unknown::WriteOffShare, "0.67", terms, "0.05")
            }),
            (
                "rate, naples-dsr at 10%",
                input(Unknown::InterestRate, "0.67", naples_dsr_terms(), "0.10"),
            ),
            (
                "rate, infeasible at 5%",
                input(Unknown::InterestRate, "0.67", naples_dsr_terms(), "0.05"),
            ),
            (
                "rate, 1200 monthly instalments",
                monthly(Unknown::InterestRate),
            ),
            (
                "share, 1200 monthly instalments",
                monthly(Unknown::WriteOffShare),
            ),
        ];
        for (name, case) in cases {
            let start = std::time::Instant::now();
            let out = solve_terms(&case).unwrap();
            eprintln!(
                "{name}: value {} reduction {} iterations {} in {:?}",
                out.solved_value,
                out.achieved_reduction,
                out.iterations,
                start.elapsed()
            );
        }
    }
}
