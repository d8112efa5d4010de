//! Property tests of buybacks: at par with new debt on the old terms
//! nothing is saved; the lower the price, the larger the savings.

use num_bigint::BigInt;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::tests::{date, flat};
use super::*;
use crate::domain::currency::find;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::{
    Amortization, BusinessDays, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
};

fn usd(cents: i64) -> Money {
    Money::from_minor_units(find("USD").unwrap(), &BigInt::from(cents), "test").unwrap()
}

fn frequency() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        Just(Frequency::Annual),
        Just(Frequency::SemiAnnual),
        Just(Frequency::Quarterly),
    ]
}

fn amortization() -> impl Strategy<Value = Amortization> {
    prop_oneof![
        Just(Amortization::EqualPrincipal),
        Just(Amortization::LevelPayment),
        Just(Amortization::Bullet),
    ]
}

fn timing() -> impl Strategy<Value = DiscountTiming> {
    prop_oneof![
        Just(DiscountTiming::Dated),
        Just(DiscountTiming::EndOfYear),
        Just(DiscountTiming::MidYear),
    ]
}

prop_compose! {
    /// Terms that start accruing on 2024-03-31 (the buyback date).
    fn terms()(
        frequency in frequency(),
        amortization in amortization(),
        count in 1u32..40,
        grace in 0u32..6,
        rate_bp in 0i64..1500,
        day_count in prop_oneof![Just(DayCount::Periodic), Just(DayCount::Act365Fixed), Just(DayCount::Thirty360)],
    ) -> LoanTerms {
        let months = frequency.months_per_period();
        LoanTerms {
            first_payment_date: date(2024, 3, 31)
                .checked_add_months(chrono::Months::new(months))
                .unwrap(),
            accrual_start: Some(date(2024, 3, 31)),
            frequency,
            installment_count: count,
            grace_periods: grace,
            grace_interest: GraceInterest::Paid,
            amortization,
            rate: InterestRate::fixed(Decimal::new(rate_bp, 4)),
            day_count,
            end_of_month: true,
            rounding: RoundingMode::HalfEven,
            business_days: BusinessDays::default(),
        }
    }
}

fn input(
    principal: Money,
    terms: LoanTerms,
    price: Decimal,
    financing: Option<NewFinancing>,
    timing: DiscountTiming,
    rate: &str,
) -> BuybackInput {
    BuybackInput {
        buyback_date: date(2024, 3, 31),
        instruments: vec![RetiredInstrument {
            label: "bond".into(),
            kind: InstrumentKind::Bond,
            principal,
            terms,
            price,
        }],
        financing,
        fees: vec![],
        grants: None,
        commitments: vec![],
        discounting: flat(rate),
        investor_discounting: None,
        timing,
        horizons_years: DEFAULT_HORIZONS_YEARS.to_vec(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Bought at par on the day it starts accruing and refinanced by the
    /// same principal on the same terms: the flows are the same, so every
    /// saving is exactly zero, in every year and at any rate and timing.
    #[test]
    fn par_on_the_old_terms_saves_nothing(
        cents in 100_000i64..1_000_000_000_000,
        terms in terms(),
        timing in timing(),
        rate_bp in 0i64..2000,
    ) {
        let principal = usd(cents);
        let financing = NewFinancing { principal: principal.clone(), terms: terms.clone() };
        let rate = Decimal::new(rate_bp, 4).to_string();
        let e = evaluate_buyback(&input(principal, terms, Decimal::ONE, Some(financing), timing, &rate)).unwrap();
        prop_assert_eq!(e.upfront_outlay, Decimal::ZERO);
        prop_assert_eq!(e.nominal_saving, Decimal::ZERO);
        prop_assert_eq!(e.present_value_saving, Decimal::ZERO);
        prop_assert_eq!(e.face_reduction, Decimal::ZERO);
        prop_assert!(e.years.iter().all(|r| r.saving.is_zero()));
        prop_assert!(e.horizons.iter().all(|h| h.saving.is_zero()));
        prop_assert_eq!(e.average_time_to_maturity_before_years, e.average_time_to_maturity_after_years);
    }

    /// The new debt is exactly the cost, as a bullet (whose every flow
    /// grows with its principal): a lower price never saves less, nominally
    /// or in present value, and strictly more when the cost is lower.
    #[test]
    fn savings_grow_as_the_price_falls(
        cents in 100_000i64..1_000_000_000_000,
        terms in terms(),
        timing in timing(),
        low in 0i64..=10_000,
        high in 0i64..=10_000,
        new_bp in 0i64..1200,
        years in 1u32..30,
    ) {
        let (low, high) = (low.min(high), low.max(high));
        let evaluate = |price_bp: i64| {
            let price = Decimal::new(price_bp, 4);
            let principal = usd(cents);
            let cost = (price * principal.amount).round_dp(2);
            let financing = (cost > Decimal::ZERO).then(|| NewFinancing {
                principal: Money { currency: principal.currency, amount: cost },
                terms: LoanTerms {
                    frequency: Frequency::Annual,
                    first_payment_date: date(2025, 3, 31),
                    installment_count: years,
                    grace_periods: 0,
                    amortization: Amortization::Bullet,
                    rate: InterestRate::fixed(Decimal::new(new_bp, 4)),
                    ..terms.clone()
                },
            });
            evaluate_buyback(&input(principal, terms.clone(), price, financing, timing, "0.07")).unwrap()
        };
        let (cheap, dear) = (evaluate(low), evaluate(high));
        prop_assert!(cheap.nominal_saving >= dear.nominal_saving);
        prop_assert!(cheap.present_value_saving >= dear.present_value_saving);
        prop_assert!(cheap.face_reduction >= dear.face_reduction);
        if cheap.buyback_cost < dear.buyback_cost {
            prop_assert!(cheap.nominal_saving > dear.nominal_saving);
            prop_assert!(cheap.present_value_saving > dear.present_value_saving);
        }
    }
}
