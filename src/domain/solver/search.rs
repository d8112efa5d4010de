//! Bracketing a target on an integer grid: the Illinois variant of regula
//! falsi, with a bisection fallback and a hard cap on evaluations.
//!
//! The unknown is an integer `x` (a count of grid steps) and `f(x)` a
//! decimal that is nearly monotone: a step function of cents, so possibly
//! flat or slightly non-monotone at the scale of one minor unit. The search
//! keeps a bracket of two grid points, `short` with `f < target` and
//! `reach` with `f >= target`, and only ever replaces an end by a point of
//! the same kind, so the bracket stays valid whatever the shape of `f`
//! (only whether a point reaches the target is compared, exactly, in
//! decimals). It stops when
//!
//! - the ends are adjacent grid points (no grid point lies between), or
//! - the caller's `settled` test says no point between can differ (two new
//!   principals one minor unit apart), or
//! - a point hits the target exactly, or
//! - `budget` evaluations have been made (then `converged` is false).
//!
//! **Steps.** A point is chosen by linear interpolation of `f - target`
//! between the ends (computed in `f64`; only the choice of the point is
//! approximate, never a reported figure), with the Illinois rule: when the
//! same end is replaced twice in a row, the other end's value is halved for
//! the next interpolation, which restores superlinear convergence. The point
//! is rounded to the grid and kept at least `min_step` from both ends:
//! `min_step` is the caller's estimate of the width of one step of `f` (the
//! share or rate that moves a figure of the schedule by one minor unit), so
//! an interpolation cannot creep along a flat step next to an end, which
//! plain regula falsi does on a step function. Once the bracket is narrower
//! than `2 x min_step`, the search bisects down to adjacent grid points.
//!
//! **Bound.** If an interpolation step leaves the bracket wider than half
//! its previous width, the next step bisects. So every two evaluations at
//! least halve the bracket (to at most `ceil(width / 2)`), and a bracket of
//! `w <= 2^k` grid steps converges within `2k` evaluations.

use num_traits::ToPrimitive;
use rust_decimal::Decimal;

use crate::domain::error::DomainError;

/// A grid point and the function's value there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Point {
    pub(crate) x: i128,
    pub(crate) f: Decimal,
}

/// The final bracket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bracketed {
    /// `f < target`.
    pub(crate) short: Point,
    /// `f >= target`: the answer.
    pub(crate) reach: Point,
    /// `f(reach) == target` exactly.
    pub(crate) exact: bool,
    /// Whether a stopping rule other than the budget was met.
    pub(crate) converged: bool,
    /// Evaluations of `f` made by the search (the ends excluded).
    pub(crate) evaluations: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Short,
    Reach,
}

/// Narrows the bracket (`short`, `reach`) around `target` (requires
/// `short.f < target < reach.f`; `short.x` and `reach.x` may be in either
/// order) with at most `budget` evaluations of `f`, interpolated steps kept
/// `min_step` (at least 1) from the ends.
pub(crate) fn bracket<F, S>(
    short: Point,
    reach: Point,
    target: Decimal,
    budget: u32,
    min_step: i128,
    mut f: F,
    mut settled: S,
) -> Result<Bracketed, DomainError>
where
    F: FnMut(i128) -> Result<Decimal, DomainError>,
    S: FnMut(i128, i128) -> Result<bool, DomainError>,
{
    let mut out = Bracketed {
        short,
        reach,
        exact: false,
        converged: false,
        evaluations: 0,
    };
    let gap = |p: &Point| (p.f - target).to_f64().unwrap_or(0.0);
    let mut g_short = gap(&short);
    let mut g_reach = gap(&reach);
    let mut last: Option<Side> = None;
    let mut bisect = false;
    loop {
        // Each evaluation builds and values a schedule: a step the caller
        // can cancel.
        crate::domain::cancel::check()?;
        let width = (out.reach.x - out.short.x).abs();
        if width <= 1 || settled(out.short.x, out.reach.x)? {
            out.converged = true;
            return Ok(out);
        }
        if out.evaluations >= budget {
            return Ok(out);
        }
        let margin = min_step.max(1);
        let step = if bisect || width <= 2 * margin {
            width / 2
        } else {
            interpolated_step(g_short, g_reach, width).clamp(margin, width - margin)
        }
        .clamp(1, width - 1);
        let direction = (out.reach.x - out.short.x).signum();
        let x = out.short.x + direction * step;
        let value = f(x)?;
        out.evaluations += 1;
        let point = Point { x, f: value };
        if value == target {
            out.reach = point;
            out.exact = true;
            out.converged = true;
            return Ok(out);
        }
        if value > target {
            out.reach = point;
            g_reach = gap(&point);
            if last == Some(Side::Reach) {
                g_short /= 2.0;
            }
            last = Some(Side::Reach);
        } else {
            out.short = point;
            g_short = gap(&point);
            if last == Some(Side::Short) {
                g_reach /= 2.0;
            }
            last = Some(Side::Short);
        }
        let new_width = (out.reach.x - out.short.x).abs();
        bisect = !bisect && new_width > width / 2;
    }
}

/// The step from the short end toward the reaching end where the straight
/// line through `(0, g_short)` and `(width, g_reach)` crosses zero; half the
/// width when that is not a finite number.
fn interpolated_step(g_short: f64, g_reach: f64, width: i128) -> i128 {
    let fraction = g_short / (g_short - g_reach);
    if !fraction.is_finite() || !(0.0..=1.0).contains(&fraction) {
        return width / 2;
    }
    let step = (fraction * width as f64).round();
    if step.is_finite() {
        step as i128
    } else {
        width / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: i128, f: impl Fn(i128) -> Decimal) -> Point {
        Point { x, f: f(x) }
    }

    /// A step function: floor(x / 1000) / 1e9, increasing.
    fn steps(x: i128) -> Decimal {
        Decimal::from_i128_with_scale(x.div_euclid(1000), 9)
    }

    #[test]
    fn a_linear_function_is_solved_in_one_step() {
        let f = |x: i128| Decimal::from_i128_with_scale(x, 12);
        let target = Decimal::new(6, 1);
        let out = bracket(
            point(0, f),
            point(1_000_000_000_000, f),
            target,
            100,
            1,
            |x| Ok(f(x)),
            |_, _| Ok(false),
        )
        .unwrap();
        assert!(out.exact && out.converged);
        assert_eq!(out.reach.x, 600_000_000_000);
        assert_eq!(out.evaluations, 1);
    }

    #[test]
    fn a_step_function_ends_on_adjacent_points() {
        let target = Decimal::new(123_456_789, 12);
        let out = bracket(
            point(0, steps),
            point(1 << 40, steps),
            target,
            100,
            1,
            |x| Ok(steps(x)),
            |_, _| Ok(false),
        )
        .unwrap();
        assert!(out.converged);
        assert_eq!(out.reach.x - out.short.x, 1);
        assert!(out.short.f < target && out.reach.f >= target);
        assert!(out.evaluations <= 80, "{}", out.evaluations);
    }

    #[test]
    fn flat_steps_next_to_an_end_are_stepped_over() {
        // Steps of 10,000 grid points, slightly below the line: the short
        // end sits on a step just under the target.
        let f = |x: i128| {
            Decimal::from_i128_with_scale(x.div_euclid(10_000) * 10_000, 12) - Decimal::new(1, 10)
        };
        let target = Decimal::new(6, 1);
        let run = |min_step| {
            bracket(
                point(0, f),
                point(1_000_000_000_000, f),
                target,
                100,
                min_step,
                |x| Ok(f(x)),
                |a, b| Ok((a.div_euclid(10_000) - b.div_euclid(10_000)).abs() <= 1),
            )
            .unwrap()
        };
        let out = run(10_000);
        assert!(out.converged);
        assert!(out.short.f < target && out.reach.f >= target);
        assert!(out.evaluations <= 4, "{}", out.evaluations);
        // Plain regula falsi creeps along the step (bisection still bounds
        // it).
        let creeping = run(1);
        assert!(creeping.converged);
        assert!(creeping.evaluations > 10, "{}", creeping.evaluations);
    }

    #[test]
    fn a_decreasing_function_with_ends_reversed() {
        // f(x) = 1 - x^3 / 1e36 on [0, 1e12], target 0.5.
        let f = |x: i128| {
            let t = Decimal::from_i128_with_scale(x, 12);
            Decimal::ONE - t * t * t
        };
        let target = Decimal::new(5, 1);
        let out = bracket(
            point(1_000_000_000_000, f),
            point(0, f),
            target,
            100,
            1,
            |x| Ok(f(x)),
            |_, _| Ok(false),
        )
        .unwrap();
        assert!(out.converged);
        assert!(out.exact || out.short.x - out.reach.x == 1);
        // 0.5^(1/3) = 0.793700525984...
        assert_eq!(out.reach.x / 1000, 793_700_525);
        assert!(out.evaluations < 20, "{}", out.evaluations);
    }

    #[test]
    fn the_budget_is_a_hard_cap() {
        let target = Decimal::new(123_456_789, 12);
        let mut calls = 0;
        let out = bracket(
            point(0, steps),
            point(1 << 40, steps),
            target,
            5,
            1,
            |x| {
                calls += 1;
                Ok(steps(x))
            },
            |_, _| Ok(false),
        )
        .unwrap();
        assert!(!out.converged);
        assert_eq!((out.evaluations, calls), (5, 5));
        assert!(out.short.f < target && out.reach.f >= target);
    }

    #[test]
    fn errors_propagate_and_settled_stops() {
        let f = |x: i128| Decimal::from_i128_with_scale(x, 12);
        let err = bracket(
            point(0, f),
            point(1000, f),
            Decimal::new(5, 10),
            100,
            1,
            |_| {
                Err(DomainError::InvalidTerms {
                    reason: "test failure",
                })
            },
            |_, _| Ok(false),
        );
        assert!(err.is_err());
        let out = bracket(
            point(0, f),
            point(1000, f),
            Decimal::new(5505, 13),
            100,
            1,
            |x| Ok(f(x)),
            |a, b| Ok((a - b).abs() < 600),
        )
        .unwrap();
        assert!(out.converged && !out.exact);
        assert_eq!(out.evaluations, 1);
    }

    #[test]
    fn a_stopped_search_ends_after_the_evaluation_in_progress() {
        use crate::domain::cancel::{scope, Cancellation};
        let flag = Cancellation::new();
        let mut calls = 0;
        let out = scope(&flag, || {
            bracket(
                point(0, steps),
                point(1 << 40, steps),
                Decimal::new(123_456_789, 12),
                100,
                1,
                |x| {
                    calls += 1;
                    if calls == 3 {
                        flag.expire();
                    }
                    Ok(steps(x))
                },
                |_, _| Ok(false),
            )
        });
        assert_eq!(out, Err(DomainError::DeadlineExceeded));
        assert_eq!(calls, 3);
    }
}
