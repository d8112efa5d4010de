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
use rust_decimal::Decimal;

use crate::domain::money::Money;
use crate::domain::schedule::LoanTerms;
use crate::domain::valuation::{DebtStream, Discounting, FaceComponents, RestructuringValuation};

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
