//! Property tests of the schedule engine: random terms of every
//! amortization, day count, rounding mode and frequency conserve the
//! principal and keep their instalments consistent. The hand-checked
//! examples are in `engine_tests.rs`; this module shares its helpers.

use super::super::day_count::DayCount;
use super::super::frequency::Frequency;
use super::super::terms::{InterestRate, RateStart, RateStep, RateStepTiming};
use super::tests::{d, minor};
use super::*;
use crate::domain::currency::find;
use proptest::prelude::*;

fn amortization() -> impl Strategy<Value = Amortization> {
    prop_oneof![
        Just(Amortization::EqualPrincipal),
        Just(Amortization::LevelPayment),
        Just(Amortization::Bullet),
        Just(Amortization::CustomShares(Vec::new())),
    ]
}

/// Shares for `n` instalments from random weights: each rounded down to
/// 6 decimals, the last one the rest.
fn shares(n: u32, seed: &[u32]) -> Vec<Decimal> {
    let weights: Vec<i64> = (0..n as usize)
        .map(|i| i64::from(seed[i % seed.len()] % 100))
        .collect();
    let total: i64 = weights.iter().sum::<i64>().max(1);
    let mut out: Vec<Decimal> = weights
        .iter()
        .map(|w| Decimal::new(w * 1_000_000 / total, 6))
        .collect();
    let rest = Decimal::ONE - out[..out.len() - 1].iter().sum::<Decimal>();
    *out.last_mut().unwrap() = rest;
    out
}

fn day_count() -> impl Strategy<Value = DayCount> {
    prop::sample::select(vec![
        DayCount::Thirty360,
        DayCount::Act360,
        DayCount::Act365Fixed,
        DayCount::ActActIsda,
        DayCount::Periodic,
    ])
}

fn rounding() -> impl Strategy<Value = RoundingMode> {
    prop::sample::select(vec![
        RoundingMode::HalfEven,
        RoundingMode::HalfUp,
        RoundingMode::HalfDown,
        RoundingMode::Up,
        RoundingMode::Down,
        RoundingMode::Ceiling,
        RoundingMode::Floor,
    ])
}

fn frequency() -> impl Strategy<Value = Frequency> {
    prop::sample::select(vec![
        Frequency::Annual,
        Frequency::SemiAnnual,
        Frequency::Quarterly,
        Frequency::Monthly,
    ])
}

prop_compose! {
    fn loan()(
        cents in 1u64..=100_000_000_000_000,
        count in 1u32..=120,
        grace in 0u32..=20,
        rate_bp in 0i64..2000,
        steps in prop::collection::vec((1u32..150, 0i64..2000), 0..3),
        capitalized: bool,
        amortization in amortization(),
        seed in prop::collection::vec(any::<u32>(), 1..8),
        day_count in day_count(),
        rounding in rounding(),
        frequency in frequency(),
        first_day in 0u64..36_500,
        explicit_start in prop::option::of(1u64..400),
        eom: bool,
    ) -> (Money, LoanTerms) {
        let first_payment_date = d("1990-01-01") + chrono::Days::new(first_day);
        let amortization = match amortization {
            Amortization::CustomShares(_) => Amortization::CustomShares(shares(count, &seed)),
            other => other,
        };
        let terms = LoanTerms {
            first_payment_date,
            accrual_start: explicit_start.map(|days| first_payment_date - chrono::Days::new(days)),
            frequency,
            installment_count: count,
            grace_periods: grace,
            grace_interest: if capitalized { GraceInterest::Capitalized } else { GraceInterest::Paid },
            amortization,
            rate: InterestRate {
                initial: Decimal::new(rate_bp, 4),
                steps: steps
                    .into_iter()
                    .map(|(period, bp)| RateStep { start: RateStart::Period(period), annual_rate: Decimal::new(bp, 4) })
                    .collect(),
                step_timing: RateStepTiming::NextPeriod,
                floating: None,
            },
            day_count,
            end_of_month: eom,
            rounding,
            business_days: Default::default(),
        };
        let principal = Money::from_minor_units(find("USD").unwrap(), &BigInt::from(cents), "p").unwrap();
        (principal, terms)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn schedules_conserve_principal((principal, terms) in loan()) {
        let s = build_schedule(&principal, &terms).unwrap();
        let n = s.installments.len();
        prop_assert_eq!(n as u32, terms.grace_periods + terms.installment_count);
        let zero = BigInt::zero();
        let mut previous = s.installments[0].accrual_start;
        let mut outstanding = minor(&principal);
        for (k, i) in s.installments.iter().enumerate() {
            prop_assert_eq!(i.number as usize, k + 1);
            prop_assert!(i.due_date > previous);
            prop_assert_eq!(i.accrual_start, previous);
            previous = i.due_date;
            let (p, int, cap, pay, after) = (
                minor(&i.principal), minor(&i.interest), minor(&i.capitalized_interest),
                minor(&i.payment), minor(&i.outstanding_after),
            );
            prop_assert!(p >= zero && p <= &outstanding + &cap);
            prop_assert!(int >= zero && cap >= zero);
            prop_assert_eq!(&pay, &(&p + &int - &cap));
            prop_assert_eq!(&after, &(&outstanding + &cap - &p));
            prop_assert!(after >= zero);
            if (i.number) <= terms.grace_periods {
                prop_assert_eq!(&p, &zero);
            } else if terms.amortization != Amortization::LevelPayment {
                prop_assert_eq!(&cap, &zero);
            }
            if terms.grace_interest == GraceInterest::Paid
                && (i.number <= terms.grace_periods || terms.amortization != Amortization::LevelPayment)
            {
                prop_assert_eq!(&cap, &zero);
            }
            if i.number > terms.grace_periods && cap > zero {
                // A level payment below the interest: the shortfall is
                // capitalised, the payment stays level.
                prop_assert_eq!(&terms.amortization, &Amortization::LevelPayment);
                prop_assert_eq!(&p, &zero);
            }
            outstanding = after;
        }
        prop_assert_eq!(&outstanding, &zero);
        let total_cap = minor(&s.total_capitalized_interest);
        prop_assert_eq!(minor(&s.total_principal), minor(&principal) + &total_cap);
        prop_assert_eq!(
            minor(&s.total_payment),
            minor(&s.total_principal) + minor(&s.total_interest) - &total_cap
        );
        let sum = |f: fn(&Installment) -> &Money| s.installments.iter().map(|i| minor(f(i))).sum::<BigInt>();
        prop_assert_eq!(sum(|i| &i.principal), minor(&s.total_principal));
        prop_assert_eq!(sum(|i| &i.interest), minor(&s.total_interest));
        prop_assert_eq!(sum(|i| &i.payment), minor(&s.total_payment));
        // Level payment at one rate: all payments but the last are equal
        // (under every day count), until rounding up exhausts the amount.
        if terms.amortization == Amortization::LevelPayment
            && terms.rate.steps.is_empty()
            && terms.installment_count > 1
        {
            let g = terms.grace_periods as usize;
            let level = minor(&s.installments[g].payment);
            prop_assert!(s.installments[g..n - 1].iter().all(|i| minor(&i.payment) == level
                || minor(&i.outstanding_after) == zero
                || minor(&s.installments[i.number as usize - 2].outstanding_after) == zero));
        }
        // Equal principal: all instalments but the last are equal.
        if terms.amortization == Amortization::EqualPrincipal && terms.installment_count > 1 {
            let g = terms.grace_periods as usize;
            let first = minor(&s.installments[g].principal);
            // (or, once rounding up has exhausted the amount, what is left)
            prop_assert!(s.installments[g..n - 1]
                .iter()
                .all(|i| minor(&i.principal) == first || minor(&i.outstanding_after) == zero));
        }
    }

    #[test]
    fn wild_terms_never_panic(
        (principal, mut terms) in loan(),
        rate_millis in -999i64..100_000,
        day in 0u64..3_700_000,
    ) {
        terms.rate.initial = Decimal::new(rate_millis, 3);
        // From about 0001-01-01 minus 1000 days to past 9999-12-31.
        let Some(date) = NaiveDate::from_num_days_from_ce_opt(day as i32 - 1000) else {
            return Ok(());
        };
        terms.first_payment_date = date;
        terms.accrual_start = None;
        let _ = build_schedule(&principal, &terms);
    }
}
