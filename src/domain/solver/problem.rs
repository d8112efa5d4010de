//! Running a solve ([`solve_terms`]; see [`super::solve`] for what is
//! solved and how): the old claim valued once, the reduction at a point of the grid, the
//! stopping rule of the search, and the outcome built from where the search
//! ended. The grid is the unknown in steps of 10^-[`VALUE_DECIMALS`].

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive};
use rust_decimal::Decimal;

use super::search::{bracket, Point};
use super::solve::{
    Bound, BoundSide, SolveInput, SolveOutcome, Unknown, ValuePoint, WriteOffBase, MAX_ITERATIONS,
    MAX_RATE_BOUND, VALUE_DECIMALS,
};
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::schedule::{InterestRate, LoanTerms};
use crate::domain::split::principal_after_write_off;
use crate::domain::valuation::{
    haircuts, value_restructuring, value_stream, CashFlow, DebtStream, RestructuringInput,
};

/// Solves for the unknown of `input` (see [`super::solve`] for what is solved, feasibility, tolerance and
/// the method).
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

#[cfg(test)]
#[path = "solve_tests.rs"]
pub(crate) mod tests;
