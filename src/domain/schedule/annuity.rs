//! The level payment of an annuity on the periods' actual year fractions.
//!
//! Period l multiplies the outstanding by `f_l = 1 + g_l`, where the growth
//! `g_l` is the sum of rate x day-count year fraction over the period (one
//! term, or one per rate when a rate step splits the period). The level
//! payment P over periods `j..=n` is the one that leaves nothing after the
//! last: `O f_j ... f_n - P (1 + f_n + f_n f_(n-1) + ... + f_n ... f_(j+1))
//! = 0`, that is `P = O / A` with the annuity factor
//! `A = sum over k of 1 / (f_j ... f_k)`, computed backwards as `S = (1 + S)
//! / f_l` from `S = 0`. With a constant fraction `1 / periods_per_year` this
//! is the textbook `O i / (1 - (1 + i)^-m)`.
//!
//! # Precision
//!
//! P is rounded ONCE to the minor unit, and the rounded value is always the
//! rounding of the exact rational P. It is found in two stages:
//!
//! 1. A floating-point estimate `P~` in `f64`, `P = O f / (1 + alpha)` with
//!    f the current period's factor and alpha the annuity factor of the
//!    later periods, taken from the schedule's [`AnnuityTree`] (which
//!    shares the runs of equal year fractions and memoises them per rate,
//!    so a re-solve costs a bounded number of operations, not one per
//!    remaining period). It comes with the a-priori bound `|P~ - P| <=
//!    gamma_K P`, `gamma_K = K u / (1 - K u)`, `u = 2^-53`, `K = 12 m` for
//!    m periods (below 1.6e-12 for m = 1,200), proven in
//!    [`super::level_solver`] by the standard rounding-error analysis of
//!    sums and products of positive numbers (Higham, *Accuracy and
//!    Stability of Numerical Algorithms*, 2nd ed., lemmas 3.1 and 3.3).
//!    The stage is used only when every factor is at least 1/2, every
//!    intermediate stays within `1e-290 ..= 1e290` (no underflow or
//!    overflow) and `P~ < 2^50`. When no rounding boundary of the mode (a
//!    half-integer for the half modes, an integer for the directed ones)
//!    lies within twice that bound of `P~`, the exact P rounds as `P~`
//!    does: done.
//! 2. Otherwise (the exact P lies near a boundary, is a tie, or a condition
//!    of stage 1 fails), P is computed in exact rational arithmetic on big
//!    integers and rounded with [`div_round`]: O(m) big-integer steps, the
//!    only part whose cost grows with the periods left; for ordinary
//!    amounts it is taken about once in `1 / (4 gamma_K P)` solves.
//!
//! The tests check the bound against exact rationals, and that both stages
//! agree whenever the first decides.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use super::growth::Growth;
use super::level_solver::{estimate_once, AnnuityTree};
use crate::domain::error::DomainError;
use crate::domain::money::mantissa;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// The level payments of one schedule: its periods' year fractions and
/// their [`AnnuityTree`], shared by every re-solve.
#[derive(Debug)]
pub struct LevelPaymentSolver<'a> {
    fractions: &'a [(i64, i64)],
    /// Built at the second solve: a schedule that solves once (a fixed
    /// rate) composes its periods one by one instead.
    tree: Option<AnnuityTree>,
    solved: bool,
}

impl<'a> LevelPaymentSolver<'a> {
    /// The solver of the periods with year fractions `fractions`
    /// (`(numerator, denominator)`, denominator positive), in order.
    pub fn new(fractions: &'a [(i64, i64)]) -> Self {
        Self {
            fractions,
            tree: None,
            solved: false,
        }
    }

    /// The level payment, in minor units, that repays `outstanding` over
    /// the current period (growth `current`) and the periods `from..` (each
    /// accruing at `held_rate`), rounded once with `mode`. See the module
    /// documentation for the method and its precision. A zero growth
    /// throughout gives `outstanding / m`.
    pub fn solve(
        &mut self,
        outstanding: &BigInt,
        current: &Growth,
        held_rate: Decimal,
        from: usize,
        mode: RoundingMode,
    ) -> Result<BigInt, DomainError> {
        let later = self
            .fractions
            .get(from..)
            .ok_or(DomainError::InvalidTerms {
                reason: "the later periods lie within the schedule",
            })?;
        if current.is_zero() && held_rate.is_zero() {
            return Ok(div_round(outstanding, &BigInt::from(later.len() + 1), mode));
        }
        let estimate = if self.solved {
            self.tree().estimate(outstanding, current, held_rate, from)
        } else {
            self.solved = true;
            estimate_once(outstanding, current, held_rate, later)
        };
        if let Some(payment) = estimate.and_then(|(estimate, bound)| decide(estimate, bound, mode))
        {
            return Ok(payment);
        }
        exact_level_payment(outstanding, current, held_rate, later, mode)
    }

    /// The tree (built now if not yet), for the re-solves and for tests of
    /// its estimate and cost.
    pub fn tree(&mut self) -> &mut AnnuityTree {
        self.tree
            .get_or_insert_with(|| AnnuityTree::new(self.fractions))
    }
}

/// The level payment, in minor units, that repays `outstanding` over the
/// current period (growth `current`) and one period per entry of `later`
/// (year fractions `(numerator, denominator)`, each accruing at
/// `held_rate`), rounded once with `mode`: one solve of a
/// [`LevelPaymentSolver`] (a schedule that re-solves keeps one).
pub fn level_payment_on_fractions(
    outstanding: &BigInt,
    current: &Growth,
    held_rate: Decimal,
    later: &[(i64, i64)],
    mode: RoundingMode,
) -> Result<BigInt, DomainError> {
    LevelPaymentSolver::new(later).solve(outstanding, current, held_rate, 0, mode)
}

/// The level payment of the textbook annuity: `remaining` periods of the
/// same year fraction `1 / periods_per_year`, that is `O i / (1 - (1 +
/// i)^-m)` with `i = annual_rate / periods_per_year`, or `O / m` at 0%.
/// Zero periods left means the whole outstanding is due.
pub fn level_payment(
    outstanding: &BigInt,
    annual_rate: Decimal,
    periods_per_year: u32,
    remaining: u32,
    mode: RoundingMode,
) -> Result<BigInt, DomainError> {
    if remaining == 0 {
        return Ok(outstanding.clone());
    }
    let fraction = (1, i64::from(periods_per_year.max(1)));
    let later = vec![fraction; remaining as usize - 1];
    level_payment_on_fractions(
        outstanding,
        &Growth::of(annual_rate, fraction),
        annual_rate,
        &later,
        mode,
    )
}

/// The rounding with `mode` of every point within `relative_bound` of
/// `estimate` (positive, below 2^50), if they all round alike (no rounding
/// boundary in between); `None` otherwise.
fn decide(estimate: f64, relative_bound: f64, mode: RoundingMode) -> Option<BigInt> {
    // Twice the bound, to cover the rounding of these two products too.
    let radius = estimate * relative_bound * 2.0;
    let (lo, hi) = (estimate - radius, estimate + radius);
    // Below 2^50 the bounds have at least two fractional bits, so x + 0.5
    // and n +- 0.5 below are exact.
    if !(lo > 0.0 && hi < (1u64 << 50) as f64) {
        return None;
    }
    let value = match mode {
        RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown => {
            let nearest = (lo + 0.5).floor();
            (lo > nearest - 0.5 && hi < nearest + 0.5).then_some(nearest)?
        }
        RoundingMode::Floor | RoundingMode::Down => {
            let floor = lo.floor();
            (lo > floor && hi < floor + 1.0).then_some(floor)?
        }
        RoundingMode::Ceiling | RoundingMode::Up => {
            let floor = lo.floor();
            (lo > floor && hi < floor + 1.0).then_some(floor + 1.0)?
        }
    };
    value.to_i64().map(BigInt::from)
}

/// The level payment in exact rational arithmetic: with `S = u / v` and
/// `f_l = N_l / D_l`, `S <- (1 + S) / f_l` is `u <- (u + v) D_l`,
/// `v <- v N_l`; then `P = O v / u`.
pub(crate) fn exact_level_payment(
    outstanding: &BigInt,
    current: &Growth,
    held_rate: Decimal,
    later: &[(i64, i64)],
    mode: RoundingMode,
) -> Result<BigInt, DomainError> {
    let rate_numerator = mantissa(held_rate);
    let rate_denominator = pow10(held_rate.scale());
    let mut u = BigInt::zero();
    let mut v = BigInt::from(1u8);
    let mut step = |growth_numerator: BigInt, growth_denominator: BigInt| {
        u = (&u + &v) * &growth_denominator;
        v = &v * (growth_denominator + growth_numerator);
    };
    for &(numerator, denominator) in later.iter().rev() {
        step(&rate_numerator * numerator, &rate_denominator * denominator);
    }
    step(current.ratio.numer().clone(), current.ratio.denom().clone());
    if u.is_zero() {
        return Err(DomainError::InvalidTerms {
            reason: "the annuity factor is undefined",
        });
    }
    let (mut numerator, mut denominator) = (outstanding * v, u);
    if denominator.is_negative() {
        numerator = -numerator;
        denominator = -denominator;
    }
    Ok(div_round(&numerator, &denominator, mode))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::schedule::level_solver::estimate_bound;
    use proptest::prelude::*;
    use std::str::FromStr;

    /// Stage 1 on a fresh tree of `later`.
    fn estimate(
        o: &BigInt,
        current: &Growth,
        rate: Decimal,
        later: &[(i64, i64)],
    ) -> Option<(f64, f64)> {
        AnnuityTree::new(later).estimate(o, current, rate, 0)
    }

    fn pay(o: i64, rate: &str, ppy: u32, m: u32, mode: RoundingMode) -> i64 {
        let p = level_payment(
            &BigInt::from(o),
            Decimal::from_str(rate).unwrap(),
            ppy,
            m,
            mode,
        )
        .unwrap();
        i64::try_from(p).unwrap()
    }

    #[test]
    fn hand_computed_payments() {
        let he = RoundingMode::HalfEven;
        // 1000.00 at 12%/12 over 12 months: 88.84878867... -> 88.85.
        assert_eq!(pay(100_000, "0.12", 12, 12, he), 8_885);
        assert_eq!(pay(100_000, "0.12", 12, 12, RoundingMode::Down), 8_884);
        // 1,000,000.00 at 5% annual over 10 years: 129,504.57496... -> 129,504.57.
        assert_eq!(pay(100_000_000, "0.05", 1, 10, he), 12_950_457);
        // -1% over two years: 10000 x -0.01 / (1 - 0.99^-2) = 4925.1256...
        assert_eq!(pay(10_000, "-0.01", 1, 2, he), 4_925);
        // Zero rate: O / m.
        assert_eq!(pay(100, "0", 12, 3, he), 33);
        assert_eq!(pay(100, "0.000", 12, 3, RoundingMode::Up), 34);
        // Nothing left to spread: the whole outstanding.
        assert_eq!(pay(123, "0.1", 1, 0, he), 123);
    }

    #[test]
    fn exact_ties_follow_the_mode() {
        // One period at 1%: 50 x 1.01 = 50.5 exactly (decided exactly: the
        // estimate lies on the boundary).
        assert_eq!(pay(50, "0.01", 1, 1, RoundingMode::HalfEven), 50);
        assert_eq!(pay(50, "0.01", 1, 1, RoundingMode::HalfUp), 51);
        assert_eq!(pay(50, "0.01", 1, 1, RoundingMode::HalfDown), 50);
        // 100 x 1.01 = 101 exactly, an integer: a boundary of the directed
        // modes.
        assert_eq!(pay(100, "0.01", 1, 1, RoundingMode::Up), 101);
        assert_eq!(pay(100, "0.01", 1, 1, RoundingMode::Down), 101);
        // Zero rate: 3 / 2 = 1.5.
        assert_eq!(pay(3, "0", 1, 2, RoundingMode::HalfEven), 2);
        assert_eq!(pay(3, "0", 1, 2, RoundingMode::HalfDown), 1);
    }

    #[test]
    fn long_and_fine_rates_do_not_overflow() {
        let p = level_payment(
            &BigInt::from(109_000_000_000i64),
            Decimal::from_str("0.0585000000000000000000000001").unwrap(),
            12,
            1200,
            RoundingMode::HalfEven,
        )
        .unwrap();
        // 1,090,000,000.00 at 5.85%/12 over 100 years: interest 5,313,750.00
        // a month plus a little principal.
        assert!(p > BigInt::from(531_375_000i64) && p < BigInt::from(533_000_000i64));
        // 1000% a month for 100 years: factors beyond the f64 range.
        let huge = level_payment(
            &BigInt::from(100_000),
            Decimal::from(120),
            12,
            1200,
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(huge, BigInt::from(1_000_000));
    }

    /// Actual 30- and 31-day months at ACT/360: the factors differ period
    /// by period.
    fn act_360_months(m: usize) -> Vec<(i64, i64)> {
        (0..m)
            .map(|k| (if k % 2 == 0 { 31 } else { 30 }, 360))
            .collect()
    }

    /// The exact payment of `o` minor units over the current period and
    /// `later`, as an `f64` (to 30 decimals first, from exact rationals);
    /// shared with the level solver's tests.
    pub(in crate::domain::schedule) fn exact_value(
        o: &BigInt,
        current: &Growth,
        rate: Decimal,
        later: &[(i64, i64)],
    ) -> f64 {
        let scale = pow10(30);
        let scaled =
            exact_level_payment(&(o * &scale), current, rate, later, RoundingMode::Floor).unwrap();
        scaled.to_f64().unwrap() / 1e30
    }

    #[test]
    fn the_estimate_is_within_the_stated_bound() {
        assert!(estimate_bound(1200) < 1.6e-12);
        for rate in ["0.06", "-0.3", "1.5", "0.0585000000000000000000000001"] {
            let rate = Decimal::from_str(rate).unwrap();
            for m in [1usize, 2, 12, 360, 1200] {
                let fractions = act_360_months(m);
                let current = Growth::of(rate, fractions[0]);
                let o = BigInt::from(109_000_000_000i64);
                let exact = exact_value(&o, &current, rate, &fractions[1..]);
                // Through the tree and composed one by one.
                for (p, bound) in [
                    estimate(&o, &current, rate, &fractions[1..]).unwrap(),
                    estimate_once(&o, &current, rate, &fractions[1..]).unwrap(),
                ] {
                    assert!(
                        ((p - exact) / exact).abs() <= bound,
                        "{rate} x {m}: {p} vs {exact}, bound {bound}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_exact_stage_decides_what_the_estimate_cannot() {
        // The estimate decides an ordinary payment...
        let rate = Decimal::from_str("0.06").unwrap();
        let fractions = act_360_months(360);
        let later = &fractions[1..];
        let current = Growth::of(rate, fractions[0]);
        let o = BigInt::from(100_000_000);
        let (p, bound) = estimate(&o, &current, rate, later).unwrap();
        let slow = exact_level_payment(&o, &current, rate, &fractions[1..], RoundingMode::HalfEven)
            .unwrap();
        assert_eq!(decide(p, bound, RoundingMode::HalfEven), Some(slow));
        // ...but not one too large for its error to stay below a cent.
        let o = BigInt::from(10).pow(24);
        let (p, bound) = estimate(&o, &current, rate, later).unwrap_or((0.0, 0.0));
        assert_eq!(decide(p, bound, RoundingMode::HalfEven), None);
        assert!(
            level_payment_on_fractions(&o, &current, rate, later, RoundingMode::HalfEven).is_ok()
        );
        // A point estimate exactly on a boundary is never decided.
        assert_eq!(decide(2.5, 0.0, RoundingMode::HalfEven), None);
        assert_eq!(decide(2.0, 0.0, RoundingMode::Up), None);
        assert_eq!(
            decide(2.4, 0.0, RoundingMode::HalfEven),
            Some(BigInt::from(2))
        );
        assert_eq!(decide(2.4, 0.0, RoundingMode::Up), Some(BigInt::from(3)));
        // A factor 1 + r x fraction below 1/2 (-99% over 366/360 of a year
        // makes it negative) is left to the exact stage.
        let current = Growth::of(Decimal::from_str("-0.99").unwrap(), (366, 360));
        assert_eq!(
            estimate(&BigInt::from(1000), &current, Decimal::ZERO, &[]),
            None
        );
        let p = level_payment_on_fractions(
            &BigInt::from(1000),
            &current,
            Decimal::ZERO,
            &[],
            RoundingMode::HalfEven,
        )
        .unwrap();
        // 1000 x (1 - 0.99 x 366 / 360) = -6.5 -> -6 (half-even).
        assert_eq!(p, BigInt::from(-6));
    }

    proptest! {
        #[test]
        fn agrees_with_floating_point(
            o in 1i64..1_000_000_000_000, bp in -500i64..3000, ppy in prop::sample::select(vec![1u32, 2, 4, 12]), m in 1u32..400
        ) {
            let rate = Decimal::new(bp, 4);
            let exact = level_payment(&BigInt::from(o), rate, ppy, m, RoundingMode::HalfEven).unwrap();
            let i = bp as f64 / 10_000.0 / f64::from(ppy);
            let float = if bp == 0 { o as f64 / f64::from(m) } else {
                o as f64 * i / (1.0 - (1.0 + i).powi(-(m as i32)))
            };
            let exact = exact.to_string().parse::<f64>().unwrap();
            prop_assert!((exact - float).abs() <= 0.5 + float.abs() * 1e-9, "{exact} vs {float}");
        }

        /// The two stages agree whenever the first one decides, on uneven
        /// fractions, split current periods and every rounding mode.
        #[test]
        fn stages_agree(
            o in 1i64..10_000_000_000_000,
            bp in -9_000i64..30_000,
            split_bp in -9_000i64..30_000,
            days in prop::collection::vec(28i64..=31, 1..60),
            split in 0i64..28,
            mode in prop::sample::select(vec![
                RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown,
                RoundingMode::Up, RoundingMode::Down, RoundingMode::Ceiling, RoundingMode::Floor,
            ]),
        ) {
            let rate = Decimal::new(bp, 4);
            let fractions: Vec<(i64, i64)> = days.iter().map(|d| (*d, 360)).collect();
            let current = Growth::of(Decimal::new(split_bp, 4), (split, 365))
                .plus(&Growth::of(rate, (days[0] - split, 365)));
            let o = BigInt::from(o);
            let slow = exact_level_payment(&o, &current, rate, &fractions[1..], mode).unwrap();
            let tree = estimate(&o, &current, rate, &fractions[1..]);
            let once = estimate_once(&o, &current, rate, &fractions[1..]);
            for (p, bound) in tree.into_iter().chain(once) {
                let exact = exact_value(&o, &current, rate, &fractions[1..]);
                prop_assert!(((p - exact) / exact).abs() <= bound);
                if let Some(fast) = decide(p, bound, mode) {
                    prop_assert_eq!(fast, slow.clone());
                }
            }
        }
    }
}
