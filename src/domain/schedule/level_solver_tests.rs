//! Tests of the annuity tree: its bound against exact rationals, its
//! memo, its cost in operations, and adversarial payments near a rounding
//! boundary.

use super::*;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::annuity::tests::exact_value;
use crate::domain::schedule::annuity::{exact_level_payment, LevelPaymentSolver};
use proptest::prelude::*;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Actual month lengths over 360 from January 2025, for `m` months.
fn act_360_months(m: usize) -> Vec<(i64, i64)> {
    let mut date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    (0..m)
        .map(|_| {
            let next = date.checked_add_months(chrono::Months::new(1)).unwrap();
            let days = (next - date).num_days();
            date = next;
            (days, 360)
        })
        .collect()
}

#[test]
fn equal_and_monthly_fractions_share_their_runs() {
    // 1,200 equal fractions: one node per level and the cut ones.
    let equal = AnnuityTree::new(&vec![(1, 12); 1200]);
    assert!(
        equal.distinct_nodes() <= 2 * 12,
        "{}",
        equal.distinct_nodes()
    );
    // 100 years of actual months (one century year, 2100).
    let months = AnnuityTree::new(&act_360_months(1200));
    assert!(months.distinct_nodes() < 200, "{}", months.distinct_nodes());
}

#[test]
fn every_tail_is_within_the_bound_at_alternating_rates() {
    let fractions = act_360_months(1200);
    let mut tree = AnnuityTree::new(&fractions);
    let o = BigInt::from(100_000_000i64);
    let rates = [dec("0.05"), dec("0.06"), dec("-0.3"), dec("1.5")];
    for from in (1..=1200).step_by(37).chain([1199, 1200]) {
        for (i, rate) in rates.iter().enumerate() {
            let current = Growth::of(rates[(i + 1) % 4], fractions[from - 1]);
            let later = &fractions[from..];
            let (p, bound) = tree.estimate(&o, &current, *rate, from).unwrap();
            let exact = exact_value(&o, &current, *rate, later);
            assert!(
                ((p - exact) / exact).abs() <= bound,
                "{rate} from {from}: {p} vs {exact}, bound {bound}"
            );
            // The memo gives what a fresh tree's nodes give, bit for bit (a
            // short tail at a new rate is composed one by one, so the fresh
            // tree is asked twice: the second time through its nodes).
            let mut fresh = AnnuityTree::new(&fractions);
            fresh.estimate(&o, &current, *rate, from);
            let fresh = fresh.estimate(&o, &current, *rate, from);
            assert_eq!(fresh.map(|(p, _)| p.to_bits()), Some(p.to_bits()));
        }
    }
}

#[test]
fn a_rate_change_costs_a_bounded_number_of_evaluations() {
    let fractions = act_360_months(1200);
    let mut solver = LevelPaymentSolver::new(&fractions);
    let o = BigInt::from(100_000_000i64);
    let nodes = solver.tree().distinct_nodes() as u64;
    // Alternating: every node is evaluated at most once per rate.
    for from in 1..1200 {
        let rate = if from % 2 == 0 {
            dec("0.05")
        } else {
            dec("0.06")
        };
        let current = Growth::of(rate, fractions[from - 1]);
        solver
            .solve(&o, &current, rate, from, RoundingMode::HalfEven)
            .unwrap();
    }
    let work = solver.tree().work();
    assert!(work.evaluations <= 2 * nodes, "{work:?}, {nodes} nodes");
    assert!(work.compositions <= 1199 * 11, "{work:?}");
    // A new rate every period: at most the distinct nodes per solve,
    // far fewer than the periods left.
    let mut solver = LevelPaymentSolver::new(&fractions);
    for from in 1..1200 {
        let rate = Decimal::new(50_000 + from as i64, 6);
        let current = Growth::of(rate, fractions[from - 1]);
        solver
            .solve(&o, &current, rate, from, RoundingMode::HalfEven)
            .unwrap();
    }
    let work = solver.tree().work();
    assert!(work.evaluations <= 1199 * nodes, "{work:?}");
    // The old re-solve took one step per period left: 719,400 in all.
    assert!(work.evaluations * 10 < 1199 * 1200 / 2, "{work:?}");
}

#[test]
fn irregular_fractions_cost_no_more_than_one_step_per_period() {
    // Day counts from a linear congruential sequence: runs above a few
    // periods rarely repeat.
    let mut seed = 12_345u64;
    let fractions: Vec<(i64, i64)> = (0..1200)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (27 + (seed >> 60) as i64 % 8, 365)
        })
        .collect();
    let o = BigInt::from(100_000_000i64);
    let mut solver = LevelPaymentSolver::new(&fractions);
    let nodes = solver.tree().distinct_nodes() as u64;
    assert!(nodes > 600, "{nodes}");
    let rates = [dec("0.05"), dec("0.06")];
    for from in 1..1200 {
        let rate = rates[from % 2];
        let current = Growth::of(rate, fractions[from - 1]);
        let paid = solver
            .solve(&o, &current, rate, from, RoundingMode::HalfEven)
            .unwrap();
        if from % 97 == 1 {
            let later = &fractions[from..];
            let (p, bound) = solver.tree().estimate(&o, &current, rate, from).unwrap();
            let exact = exact_value(&o, &current, rate, later);
            assert!(((p - exact) / exact).abs() <= bound, "from {from}");
            let slow =
                exact_level_payment(&o, &current, rate, later, RoundingMode::HalfEven).unwrap();
            assert_eq!(paid, slow, "from {from}");
        }
    }
    // Each rate composed one by one once, then memoised (each node once).
    let work = solver.tree().work();
    assert!(work.evaluations <= 2 * 1200 + 2 * nodes, "{work:?}");
    // A new rate every period: one step per period left, as before the
    // tree, never the up to two per period of the nodes.
    let mut solver = LevelPaymentSolver::new(&fractions);
    for from in 1..1200 {
        let rate = Decimal::new(50_000 + from as i64, 6);
        let current = Growth::of(rate, fractions[from - 1]);
        solver
            .solve(&o, &current, rate, from, RoundingMode::HalfEven)
            .unwrap();
    }
    assert!(solver.tree().work().evaluations <= 1199 * 1200 / 2);
}

#[test]
fn a_tie_over_1200_periods_is_left_to_the_exact_stage() {
    // 1% on the current period, 0% held over 1,199 later ones: 60,000 x
    // 1.01 / 1,200 = 50.5 exactly.
    let later = vec![(31, 360); 1199];
    let current = Growth::of(dec("0.01"), (1, 1));
    let o = BigInt::from(60_000);
    let mut solver = LevelPaymentSolver::new(&later);
    let (p, bound) = solver
        .tree()
        .estimate(&o, &current, Decimal::ZERO, 0)
        .unwrap();
    assert!((p - 50.5).abs() <= 50.5 * bound);
    for (mode, expected) in [
        (RoundingMode::HalfEven, 50),
        (RoundingMode::HalfUp, 51),
        (RoundingMode::HalfDown, 50),
    ] {
        let paid = solver.solve(&o, &current, Decimal::ZERO, 0, mode).unwrap();
        assert_eq!(paid, BigInt::from(expected), "{mode:?}");
    }
}

#[test]
fn payments_near_a_rounding_boundary_fall_back_and_are_exact() {
    // Large payments over 24 actual months: the estimate's radius is a
    // few thousandths of a unit, so some lie within it of a half.
    let fractions = act_360_months(25);
    let rate = dec("0.0735");
    let current = Growth::of(rate, fractions[0]);
    let mut solver = LevelPaymentSolver::new(&fractions[1..]);
    let mut near = 0;
    for k in 0..20_000i64 {
        let o = BigInt::from(1_000_000_000_000i64 + k * 7_919);
        let (p, bound) = solver.tree().estimate(&o, &current, rate, 0).unwrap();
        let radius = p * bound * 2.0;
        if ((p - p.floor()) - 0.5).abs() > radius {
            continue;
        }
        near += 1;
        let exact = exact_value(&o, &current, rate, &fractions[1..]);
        assert!((p - exact).abs() <= p * bound, "{o}: {p} vs {exact}");
        for mode in [
            RoundingMode::HalfEven,
            RoundingMode::HalfUp,
            RoundingMode::HalfDown,
        ] {
            let paid = solver.solve(&o, &current, rate, 0, mode).unwrap();
            let slow = exact_level_payment(&o, &current, rate, &fractions[1..], mode).unwrap();
            assert_eq!(paid, slow, "{o} {mode:?}");
        }
    }
    assert!(near > 0, "no payment near a boundary in the scan");
}

proptest! {
    /// Any sequence of re-solves, at rates that recur (memo hits, the
    /// least recently used rate replaced) or not, on irregular
    /// fractions, gives the exact stage's payment.
    #[test]
    fn re_solves_agree_with_the_exact_stage(
        days in prop::collection::vec(25i64..=35, 1..80),
        basis in prop::sample::select(vec![360i64, 365]),
        solves in prop::collection::vec(
            (0usize..80, 0usize..6, 1i64..1_000_000_000_000, 0usize..7), 1..25),
    ) {
        let rates = ["0.05", "0.06", "-0.2", "2.4", "0.0001", "0"].map(dec);
        let modes = [
            RoundingMode::HalfEven, RoundingMode::HalfUp, RoundingMode::HalfDown,
            RoundingMode::Up, RoundingMode::Down, RoundingMode::Ceiling, RoundingMode::Floor,
        ];
        let fractions: Vec<(i64, i64)> = days.iter().map(|d| (*d, basis)).collect();
        let mut solver = LevelPaymentSolver::new(&fractions[1..]);
        for (from, rate, o, mode) in solves {
            let from = from % fractions.len();
            let rate = rates[rate];
            let current = Growth::of(rates[(from + 1) % 6], fractions[from]);
            let o = BigInt::from(o);
            let paid = solver.solve(&o, &current, rate, from, modes[mode]).unwrap();
            let slow = exact_level_payment(
                &o, &current, rate, &fractions[1 + from..], modes[mode]).unwrap();
            prop_assert_eq!(paid, slow);
        }
    }
}

/// In a whole schedule (1,200 ACT/360 months, the rate 5% and 6% in turn,
/// so the payment is re-solved at every period through the memoised tree),
/// each payment is the exact stage's payment on that period's outstanding,
/// growth and later fractions.
#[test]
fn a_schedule_with_a_rate_change_every_period_pays_the_exact_payments() {
    use crate::domain::currency::find;
    use crate::domain::money::Money;
    use crate::domain::schedule::accrual::accrual_fraction;
    use crate::domain::schedule::engine::build_schedule;
    use crate::domain::schedule::terms::{sample_terms, InterestRate, RateStart, RateStep};
    use crate::domain::schedule::{Amortization, DayCount, Frequency};

    let mut terms = sample_terms();
    terms.installment_count = 1200;
    terms.frequency = Frequency::Monthly;
    terms.day_count = DayCount::Act360;
    terms.amortization = Amortization::LevelPayment;
    terms.rate = InterestRate {
        steps: (2..=1200)
            .map(|period| RateStep {
                start: RateStart::Period(period),
                annual_rate: if period % 2 == 0 {
                    dec("0.06")
                } else {
                    dec("0.05")
                },
            })
            .collect(),
        ..InterestRate::fixed(dec("0.05"))
    };
    let principal = Money {
        currency: find("USD").unwrap(),
        amount: dec("1000000.00"),
    };
    let schedule = build_schedule(&principal, &terms).unwrap();
    let fractions: Vec<(i64, i64)> = schedule
        .installments
        .iter()
        .map(|i| accrual_fraction(&terms, i.accrual_start, i.accrual_end).unwrap())
        .collect();
    let mut outstanding = principal.to_minor_units().unwrap();
    for (index, period) in schedule.installments.iter().enumerate() {
        if index % 53 == 0 && index + 1 < fractions.len() {
            let growth = Growth::of(period.rate, fractions[index]);
            let exact = exact_level_payment(
                &outstanding,
                &growth,
                period.rate,
                &fractions[index + 1..],
                terms.rounding,
            )
            .unwrap();
            assert_eq!(
                period.payment.to_minor_units().unwrap(),
                exact,
                "period {}",
                period.number
            );
        }
        outstanding = period.outstanding_after.to_minor_units().unwrap();
    }
}
