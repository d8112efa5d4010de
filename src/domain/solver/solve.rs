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
//! `principal = base x (1 - write-off share)`, computed exactly and
//! rounded half-even to the currency's minor unit once. The **write-off
//! base** ([`WriteOffBase`]) is the whole claim treated, as Paris Club
//! cancellation percentages apply: outstanding principal + past-due
//! principal + past-due interest (the old claim's own, and the input's
//! `past_due_interest`, which the API refuses alongside interest the claim
//! itself shows past due, so nothing counts twice). It is the old face
//! value of the valuation, so the nominal haircut of a write-off alone is
//! the share itself, and no past-due interest is forgiven silently.
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
//! that reaches the target; the rate is the highest such rate. Grid shares
//! that leave the same new principal (to the minor unit) give the same
//! reduction: of those, the answer is the share that writes off exactly
//! `base - principal` when that share is on the grid (0.67 for a new
//! principal of exactly 33% of the base, not the smallest grid share that
//! rounds to it, 0.669999999998).
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
//! such a schedule: 33 evaluations, 63 ms; `cargo bench --bench solve`
//! times these cases). The old claim is valued once;
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
    haircuts, value_restructuring, value_stream, CashFlow, DebtStream, Discounting, FaceComponents,
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
    /// What the write-off share applies to.
    pub write_off_base: WriteOffBase,
}

/// The amount a write-off share applies to: the whole claim treated, its
/// outstanding principal, past-due principal and past-due interest (the
/// old claim's own and the input's `past_due_interest`), which is the old
/// face value of the valuation (the nominal and Cruces-Trebesch haircuts
/// divide by the same amount).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOffBase {
    /// The sum of the components.
    pub total: Decimal,
    pub components: FaceComponents,
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
    /// What a write-off share applies to: the whole claim treated.
    base: WriteOffBase,
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
        let components = old_stream
            .face_components
            .with_past_due_interest(input.past_due_interest)?;
        let base = WriteOffBase {
            total: components.total()?,
            components,
        };
        // The checks of the haircut itself: a positive face, present value
        // and claim.
        haircuts(face_old, pv_old, face_old, pv_old, input.past_due_interest)?;
        let currency = old_stream.currency;
        let mut problem = Self {
            input,
            currency,
            face_old,
            base,
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
            let principal = principal_after_write_off(problem.base.total, currency, share)?;
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
                principal_after_write_off(self.base.total, self.currency, value)?,
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
            None => unit / self.base.total.to_f64().unwrap_or(f64::INFINITY),
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
                principal_after_write_off(self.base.total, self.currency, grid_value(x)?)?;
            principal.to_minor_units().ok_or(DomainError::Overflow {
                quantity: "new principal",
            })
        };
        Ok((minor(a)? - minor(b)?).abs() <= BigInt::one())
    }

    /// For a write-off share: among the grid shares that leave the same new
    /// principal (they give the same reduction), the one that writes off
    /// exactly `base - principal`, `1 - principal / base`, when it is on the
    /// grid (0.67 rather than 0.669999999998 for a principal of exactly 33%
    /// of the base). Otherwise, and for a rate, `point` unchanged.
    fn exact_share(&self, point: Point) -> Result<Point, DomainError> {
        if self.input.unknown != Unknown::WriteOffShare {
            return Ok(point);
        }
        let (principal, _) = self.candidate(point.x)?;
        let exact = self
            .base
            .total
            .checked_sub(principal.amount)
            .and_then(|off| off.checked_div(self.base.total));
        let Some(x) = exact.and_then(to_grid) else {
            return Ok(point);
        };
        if x == point.x || self.candidate(x)?.0 != principal {
            return Ok(point);
        }
        Ok(Point { x, f: point.f })
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
        let point = match bound {
            None => self.exact_share(point)?,
            Some(_) => point,
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
            write_off_base: self.base,
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
#[path = "solve_tests.rs"]
pub(crate) mod tests;
