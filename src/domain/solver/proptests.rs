//! Property tests of the solver: random claims, discount rates of 1% to
//! 15%, targets in (0.05, 0.95), both unknowns.

use chrono::{Days, Months, NaiveDate};
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::problem::solve_terms;
use super::solve::{BoundSide, SolveInput, SolveOutcome, Unknown, MAX_ITERATIONS, TOLERANCE};
use crate::domain::currency::find;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::{
    Amortization, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
};
use crate::domain::split::principal_after_write_off;
use crate::domain::valuation::{
    value_restructuring, Compounding, DebtStream, Discounting, FlowKind, KindedFlow,
    RestructuringInput, TimeBasis,
};

fn valuation_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 31).unwrap_or_default()
}

fn usd(cents: i64) -> Money {
    Money::from_minor_units(find("USD").unwrap(), &BigInt::from(cents), "test").unwrap()
}

prop_compose! {
    /// An amount due now, or dated flows (some past due, some over ten
    /// years).
    fn claim()(
        cents in 100_000i64..10_000_000_000_000,
        flows in prop::collection::vec((0u64..3650, 1i64..1_000_000_000_000), 0..6),
        past_days in 0u64..400,
    ) -> DebtStream {
        if flows.is_empty() {
            DebtStream::DueAtValuation(usd(cents))
        } else {
            DebtStream::CashFlows {
                currency: find("USD").unwrap(),
                flows: flows
                    .iter()
                    .map(|(days, amount)| KindedFlow {
                        date: valuation_date() + Days::new(*days) - Days::new(past_days),
                        amount: Decimal::new(*amount, 2),
                        kind: FlowKind::Principal,
                    })
                    .collect(),
            }
        }
    }
}

prop_compose! {
    fn discounting()(
        bp in 100i64..=1500,
        compounding in prop_oneof![
            Just(Compounding::AnnualEffective),
            Just(Compounding::Periodic { periods_per_year: 2 }),
            Just(Compounding::Continuous),
        ],
        basis in prop_oneof![
            Just(TimeBasis::Thirty360),
            Just(TimeBasis::Act365Fixed),
            Just(TimeBasis::ActActIsda),
            Just(TimeBasis::Act360),
        ],
    ) -> Discounting {
        Discounting::Flat { rate: Decimal::new(bp, 4), compounding, basis }
    }
}

prop_compose! {
    fn terms()(
        annual: bool,
        grace in 0u32..=12,
        count in 1u32..=66,
        amortization in prop_oneof![
            Just(Amortization::EqualPrincipal),
            Just(Amortization::LevelPayment),
            Just(Amortization::Bullet),
        ],
        capitalized: bool,
        rate_bp in 0i64..=1500,
        day_count in prop_oneof![Just(DayCount::Thirty360), Just(DayCount::Act365Fixed)],
        months in 1u32..=24,
    ) -> LoanTerms {
        LoanTerms {
            first_payment_date: valuation_date() + Months::new(months),
            accrual_start: None,
            frequency: if annual { Frequency::Annual } else { Frequency::SemiAnnual },
            installment_count: count,
            grace_periods: grace,
            grace_interest: if capitalized { GraceInterest::Capitalized } else { GraceInterest::Paid },
            amortization,
            rate: InterestRate::fixed(Decimal::new(rate_bp, 4)),
            day_count,
            end_of_month: true,
            rounding: RoundingMode::HalfEven,
            business_days: Default::default(),
        }
    }
}

/// The checks every outcome passes.
fn check(input: &SolveInput, out: &SolveOutcome) -> Result<(), TestCaseError> {
    let target = input.target_reduction;
    prop_assert!(out.iterations <= MAX_ITERATIONS);
    prop_assert!(out.converged);
    prop_assert_eq!(out.unknown, input.unknown);
    // The reported value is on the grid.
    prop_assert!(out.solved_value.normalize().scale() <= 12);
    match input.unknown {
        Unknown::WriteOffShare => {
            prop_assert!(out.solved_value >= Decimal::ZERO && out.solved_value <= Decimal::ONE);
        }
        Unknown::InterestRate => {
            prop_assert!(out.solved_value >= input.rate_bounds.0);
            prop_assert!(out.solved_value <= input.rate_bounds.1);
            prop_assert_eq!(out.new_terms.rate.initial, out.solved_value);
        }
    }
    // Re-valuing the reported terms reproduces the reported reduction.
    match &out.valuation {
        Some(valuation) => {
            let again = value_restructuring(&RestructuringInput {
                old_claim: input.old_claim.clone(),
                past_due_interest: input.past_due_interest,
                new_debt: DebtStream::Loan {
                    principal: out.new_principal.clone(),
                    terms: out.new_terms.clone(),
                },
                valuation_date: input.valuation_date,
                discounting: input.discounting.clone(),
            })
            .unwrap();
            prop_assert_eq!(&again, valuation);
            prop_assert_eq!(
                again.haircuts.sturzenegger_zettelmeyer,
                out.achieved_reduction
            );
        }
        None => {
            prop_assert!(out.new_principal.amount.is_zero());
            prop_assert_eq!(out.achieved_reduction, Decimal::ONE);
        }
    }
    if let Some(bound) = out.binding_bound {
        prop_assert_eq!(bound.value, out.solved_value);
        prop_assert!(out.shortfall_neighbour.is_none());
        // Met at a bound: the end least favourable to the debtor already
        // exceeds the target. Infeasible: the most favourable falls short.
        match (input.unknown, bound.side) {
            (Unknown::WriteOffShare, BoundSide::Lower) => {
                prop_assert!(out.feasible);
                prop_assert_eq!(out.solved_value, Decimal::ZERO);
                prop_assert!(out.achieved_reduction > target);
            }
            (Unknown::InterestRate, BoundSide::Lower) => {
                prop_assert!(!out.feasible);
                prop_assert_eq!(out.solved_value, input.rate_bounds.0);
                prop_assert!(out.achieved_reduction < target);
            }
            (Unknown::InterestRate, BoundSide::Upper) => {
                prop_assert!(out.feasible);
                prop_assert_eq!(out.solved_value, input.rate_bounds.1);
                prop_assert!(out.achieved_reduction > target);
            }
            (Unknown::WriteOffShare, BoundSide::Upper) => {
                prop_assert!(false, "a target below 1 is never out of reach of share 1");
            }
        }
        let reported = (!out.feasible).then_some(out.achieved_reduction);
        prop_assert_eq!(out.best_reachable_reduction, reported);
        return Ok(());
    }
    prop_assert!(out.feasible && out.best_reachable_reduction.is_none());
    // Feasible: the answer reaches the target...
    prop_assert!(out.achieved_reduction >= target);
    let Some(short) = out.shortfall_neighbour else {
        prop_assert_eq!(out.achieved_reduction, target);
        return Ok(());
    };
    // ... and its neighbour, adjacent on the grid or one minor unit of
    // principal away, falls short.
    prop_assert!(short.reduction < target);
    let gap = (out.solved_value - short.value).abs();
    let adjacent = gap == TOLERANCE
        || (input.unknown == Unknown::WriteOffShare && {
            // The share applies to the whole claim treated, past-due
            // interest included.
            let base = out.write_off_base.total;
            let face = input.old_claim.expand(input.valuation_date).unwrap().face;
            prop_assert_eq!(base, face + input.past_due_interest);
            let other =
                principal_after_write_off(base, out.new_principal.currency, short.value).unwrap();
            (other.amount - out.new_principal.amount).abs() <= Decimal::new(1, 2)
        });
    prop_assert!(adjacent, "{} vs {}", out.solved_value, short.value);
    // The achieved reduction is within the reduction's resolution of the
    // target. Bound (in f64, only a test bound): three minor units per
    // payment, times the minor units one grid step moves (a share of a
    // claim above 1e10 moves the principal by several cents), compounded at
    // the loan rate over the schedule (a rounded level payment or
    // capitalised interest carries its cent to the last instalment),
    // relative to PV(old); plus 1e-10 for the slope over one grid step.
    if let Some(valuation) = &out.valuation {
        let f = |d: Decimal| d.to_f64().unwrap_or(f64::INFINITY);
        let terms = &out.new_terms;
        let per_period = f(terms.rate.initial) / f64::from(terms.frequency.periods_per_year());
        let periods = (terms.grace_periods + terms.installment_count) as i32;
        let carried = (1.0 + per_period.max(0.0)).powi(periods);
        let per_unit =
            (f(valuation.new_value.present_value.value) / f(valuation.new_value.face)).max(1.0);
        let cents_per_step =
            (f(valuation.new_value.face.max(valuation.old_value.face)) * 1e-10).max(1.0);
        let flows = valuation.new_value.flow_count as f64 + 1.0;
        let pv_old = f(valuation.old_value.present_value.value);
        let resolution = 1e-10 + 0.03 * flows * cents_per_step * per_unit * carried / pv_old;
        let excess = f(out.achieved_reduction - target);
        prop_assert!(
            excess <= resolution,
            "achieved {} target {} resolution {}",
            out.achieved_reduction,
            target,
            resolution
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn solved_write_off_shares_reproduce_the_target(
        claim in claim(),
        past_due in 0i64..1_000_000_000,
        discounting in discounting(),
        target_bp in 501i64..9500,
        terms in terms(),
    ) {
        let input = SolveInput {
            old_claim: claim,
            past_due_interest: Decimal::new(past_due, 2),
            valuation_date: valuation_date(),
            discounting,
            target_reduction: Decimal::new(target_bp, 4),
            new_terms: terms,
            unknown: Unknown::WriteOffShare,
            write_off_share: Decimal::ZERO,
            rate_bounds: (Decimal::ZERO, Decimal::ONE),
        };
        let out = solve_terms(&input).unwrap();
        check(&input, &out)?;
    }

    #[test]
    fn solved_rates_reproduce_the_target(
        claim in claim(),
        discounting in discounting(),
        target_bp in 501i64..9500,
        terms in terms(),
        share_bp in 0i64..9000,
        upper_bp in prop_oneof![Just(10_000i64), 100i64..30_000],
    ) {
        let input = SolveInput {
            old_claim: claim,
            past_due_interest: Decimal::ZERO,
            valuation_date: valuation_date(),
            discounting,
            target_reduction: Decimal::new(target_bp, 4),
            new_terms: terms,
            unknown: Unknown::InterestRate,
            write_off_share: Decimal::new(share_bp, 4),
            rate_bounds: (Decimal::ZERO, Decimal::new(upper_bp, 4)),
        };
        let out = solve_terms(&input).unwrap();
        check(&input, &out)?;
    }
}
