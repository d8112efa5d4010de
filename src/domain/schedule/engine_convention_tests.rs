//! Engine tests of the conventions added for issue 9: level payments on
//! actual fractions, rate steps inside a period, business days, floating
//! rates.

use super::super::day_count::DayCount;
use super::super::frequency::Frequency;
use super::super::terms::{sample_terms, InterestRate, RateStart, RateStep, RateStepTiming};
use super::tests::{column, d, dec, minor, text, usd};
use super::*;

/// Issue 9, finding 3: 1,000,000 at 6% over 360 months, interest by actual
/// days. Before the fix the payment used 6% / 12 (5,995.51 for 359 months)
/// while the interest used ACT/360, so the last payment was 62,466.93. The
/// level payment is now solved on the actual fractions: every payment but
/// the last is the same, and the last differs from it by no more than the
/// compounded rounding residue (at most a cent a period: half for the
/// payment, half for the interest).
#[test]
fn level_payment_is_level_under_actual_day_counts() {
    for (day_count, first, last) in [
        // Checked against exact rationals in Python (fractions.Fraction).
        (DayCount::Act360, "6050.79", "6048.55"),
        (DayCount::Act365Fixed, "5997.08", "6000.76"),
        (DayCount::ActActIsda, "5994.79", "5996.78"),
    ] {
        let mut terms = sample_terms();
        terms.frequency = Frequency::Monthly;
        terms.installment_count = 360;
        terms.first_payment_date = d("2025-02-15");
        terms.amortization = Amortization::LevelPayment;
        terms.rate = InterestRate::fixed(dec("0.06"));
        terms.day_count = day_count;
        let s = build_schedule(&usd("1000000"), &terms).unwrap();
        let payments = column(&s, |i| &i.payment);
        assert!(
            payments[..359].iter().all(|p| *p == payments[0]),
            "{day_count}: {payments:?}"
        );
        assert_eq!(
            (payments[0].as_str(), payments[359].as_str()),
            (first, last),
            "{day_count}"
        );
        // The residue bound: sum over k of the product of the later factors
        // 1 + 0.06 x fraction, in cents.
        let mut bound = 0.0f64;
        for i in s.installments.iter().rev() {
            let (n, den) =
                super::super::accrual::accrual_fraction(&terms, i.accrual_start, i.due_date)
                    .unwrap();
            bound = 1.0 + bound * (1.0 + 0.06 * n as f64 / den as f64);
        }
        let gap = (minor(&s.installments[359].payment) - minor(&s.installments[0].payment))
            .to_string()
            .parse::<f64>()
            .unwrap();
        assert!(
            gap.abs() <= bound,
            "{day_count}: last - level = {gap} cents > {bound}"
        );
        assert!(s.installments[359].outstanding_after.amount.is_zero());
    }
}

/// Under the periodic count the solved payment is the textbook annuity, as
/// before the fix.
#[test]
fn level_payment_under_the_periodic_count_is_unchanged() {
    let mut terms = sample_terms();
    terms.frequency = Frequency::Monthly;
    terms.installment_count = 360;
    terms.amortization = Amortization::LevelPayment;
    terms.rate = InterestRate::fixed(dec("0.06"));
    terms.day_count = DayCount::Periodic;
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    // 1e6 x 0.005 / (1 - 1.005^-360) = 5995.505251...
    assert_eq!(text(&s.installments[0].payment), "5995.51");
    assert_eq!(text(&s.installments[358].payment), "5995.51");
}

/// Issue 9: a rate step dated inside an accrual period. 1,000,000 at ACT/360
/// accruing 2025-01-15 -> 2025-07-15, 4% stepping to 6% on 2025-04-01:
/// by default (NEXT_PERIOD) the step applies from the next period; with
/// SPLIT_PERIOD the period accrues 1,000,000 x (0.04 x 76/360 + 0.06 x
/// 105/360) = 25,944.44.
#[test]
fn a_step_inside_a_period_splits_it_when_asked() {
    let mut terms = sample_terms();
    terms.first_payment_date = d("2025-07-15");
    terms.installment_count = 2;
    terms.amortization = Amortization::Bullet;
    terms.day_count = DayCount::Act360;
    terms.rate = InterestRate {
        initial: dec("0.04"),
        steps: vec![RateStep {
            start: RateStart::Date(d("2025-04-01")),
            annual_rate: dec("0.06"),
        }],
        step_timing: RateStepTiming::NextPeriod,
        floating: None,
    };
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    // 1e6 x 0.04 x 181/360 = 20,111.11; then 6% for 184 days = 30,666.67.
    assert_eq!(column(&s, |i| &i.interest), ["20111.11", "30666.67"]);
    assert_eq!(s.installments[0].segments.len(), 1);

    terms.rate.step_timing = RateStepTiming::SplitPeriod;
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    assert_eq!(column(&s, |i| &i.interest), ["25944.44", "30666.67"]);
    let first = &s.installments[0];
    assert_eq!(first.rate, dec("0.04"));
    assert_eq!(
        first
            .segments
            .iter()
            .map(|p| (p.start, p.end, p.annual_rate))
            .collect::<Vec<_>>(),
        [
            (d("2025-01-15"), d("2025-04-01"), dec("0.04")),
            (d("2025-04-01"), d("2025-07-15"), dec("0.06")),
        ]
    );
    // Under the periodic count the parts share the half year by days:
    // 1e6 x (0.04 x 76 + 0.06 x 105) / (2 x 181) = 25,801.10...
    terms.day_count = DayCount::Periodic;
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    assert_eq!(text(&s.installments[0].interest), "25801.10");
}

/// A level payment re-solves in the split period (on its split growth) and
/// holds the new rate afterwards: payments before the split period are
/// level, and from the next period on again level.
#[test]
fn level_payment_across_a_split_period() {
    let mut terms = sample_terms();
    terms.frequency = Frequency::Monthly;
    terms.first_payment_date = d("2025-02-15");
    terms.installment_count = 24;
    terms.amortization = Amortization::LevelPayment;
    terms.day_count = DayCount::Act360;
    terms.rate = InterestRate {
        initial: dec("0.04"),
        steps: vec![RateStep {
            start: RateStart::Date(d("2025-06-01")),
            annual_rate: dec("0.06"),
        }],
        step_timing: RateStepTiming::SplitPeriod,
        floating: None,
    };
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    let payments = column(&s, |i| &i.payment);
    assert!(payments[..4].iter().all(|p| *p == payments[0]));
    // Period 5 (05-15 -> 06-15) is split; its payment is re-solved, and the
    // same payment holds at 6% to the end.
    assert_eq!(s.installments[4].segments.len(), 2);
    assert!(payments[4..23].iter().all(|p| *p == payments[4]));
    assert_ne!(payments[4], payments[0]);
    assert!(s.installments[23].outstanding_after.amount.is_zero());
}

/// Business-day adjustment: due dates move, and interest accrues between the
/// adjusted dates (default) or the unadjusted ones.
#[test]
fn business_day_adjustment_moves_due_dates_and_accrual() {
    use super::super::business_days::{AccrualDates, BusinessDayConvention, BusinessDays};
    let mut terms = sample_terms();
    terms.frequency = Frequency::Monthly;
    // 2025-05-31 is a Saturday; accrual starts 2025-04-30 (a Wednesday).
    terms.first_payment_date = d("2025-05-31");
    terms.end_of_month = true;
    terms.installment_count = 3;
    terms.amortization = Amortization::Bullet;
    terms.day_count = DayCount::Act360;
    terms.rate = InterestRate::fixed(dec("0.06"));
    let run = |convention, accrual, holidays: &[&str]| {
        let mut t = terms.clone();
        t.business_days = BusinessDays {
            convention,
            holidays: holidays.iter().map(|h| d(h)).collect(),
            accrual,
        };
        let s = build_schedule(&usd("1000000"), &t).unwrap();
        let dates: Vec<String> = s
            .installments
            .iter()
            .map(|i| i.due_date.to_string())
            .collect();
        (dates, column(&s, |i| &i.interest))
    };
    use BusinessDayConvention::*;
    assert_eq!(
        run(Following, AccrualDates::Adjusted, &[]),
        (
            vec![
                "2025-06-02".into(),
                "2025-06-30".into(),
                "2025-07-31".into()
            ],
            vec!["5500.00".into(), "4666.67".into(), "5166.67".into()]
        )
    );
    assert_eq!(
        run(Following, AccrualDates::Unadjusted, &[]).1,
        ["5166.67", "5000.00", "5166.67"]
    );
    // Modified following stays in May: Friday 2025-05-30.
    assert_eq!(
        run(ModifiedFollowing, AccrualDates::Adjusted, &[]),
        (
            vec![
                "2025-05-30".into(),
                "2025-06-30".into(),
                "2025-07-31".into()
            ],
            vec!["5000.00".into(), "5166.67".into(), "5166.67".into()]
        )
    );
    // A holiday on Friday 2025-05-30 pushes preceding back to Thursday.
    assert_eq!(
        run(Preceding, AccrualDates::Adjusted, &["2025-05-30"]).0[0],
        "2025-05-29"
    );
    assert_eq!(
        run(Unadjusted, AccrualDates::Adjusted, &[]).0[0],
        "2025-05-31"
    );
    // Holidays that swallow a whole period are an error, not a schedule
    // with two payments on one day.
    let month: Vec<String> = (1..=30).map(|k| format!("2025-06-{k:02}")).collect();
    let month: Vec<&str> = month.iter().map(String::as_str).collect();
    let mut t = terms.clone();
    t.business_days = BusinessDays {
        convention: Preceding,
        holidays: month.iter().map(|h| d(h)).collect(),
        accrual: AccrualDates::Adjusted,
    };
    assert!(matches!(
        build_schedule(&usd("1000000"), &t),
        Err(DomainError::InvalidTerms { .. })
    ));
}

/// Floating-rate coupons: each period's rate is the fixing in force at its
/// accrual start (the last fixing dated on or before it) plus the margin.
/// Hand-computed: 1,000,000, quarterly ACT/360 from 2025-01-15, margin 1.25%,
/// fixings 3.10% (2025-01-10), 3.40% (2025-04-15), 2.95% (2025-06-01),
/// 2.80% (2025-10-20):
/// - Q1 2025-01-15 -> 04-15 (90 days) at 3.10 + 1.25 = 4.35%: 10,875.00
/// - Q2 04-15 -> 07-15 (91 days) at 3.40 + 1.25 = 4.65%: 11,754.17
/// - Q3 07-15 -> 10-15 (92 days) at 2.95 + 1.25 = 4.20%: 10,733.33
/// - Q4 10-15 -> 2026-01-15 (92 days) still 2.95% (10-20 is after the
///   start): 10,733.33.
#[test]
fn floating_rate_coupons_by_hand() {
    use super::super::terms::{Fixing, FloatingRate};
    let mut terms = sample_terms();
    terms.frequency = Frequency::Quarterly;
    terms.first_payment_date = d("2025-04-15");
    terms.installment_count = 4;
    terms.amortization = Amortization::Bullet;
    terms.day_count = DayCount::Act360;
    let fixing = |date: &str, rate: &str| Fixing {
        date: d(date),
        rate: dec(rate),
    };
    terms.rate = InterestRate {
        floating: Some(FloatingRate {
            fixings: vec![
                fixing("2025-01-10", "0.031"),
                fixing("2025-04-15", "0.034"),
                fixing("2025-06-01", "0.0295"),
                fixing("2025-10-20", "0.028"),
            ],
            margin: dec("0.0125"),
        }),
        ..InterestRate::fixed(Decimal::ZERO)
    };
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    assert_eq!(
        column(&s, |i| &i.interest),
        ["10875.00", "11754.17", "10733.33", "10733.33"]
    );
    let rates: Vec<Decimal> = s.installments.iter().map(|i| i.rate).collect();
    assert_eq!(
        rates,
        [dec("0.0435"), dec("0.0465"), dec("0.042"), dec("0.042")]
    );
    // No fixing in force at the first accrual start: refused.
    let mut late = terms.clone();
    if let Some(f) = late.rate.floating.as_mut() {
        f.fixings.remove(0);
    }
    assert!(matches!(
        build_schedule(&usd("1000000"), &late),
        Err(DomainError::InvalidTerms { .. })
    ));
    // A level payment re-solves when the floating rate changes.
    terms.amortization = Amortization::LevelPayment;
    let s = build_schedule(&usd("1000000"), &terms).unwrap();
    let payments = column(&s, |i| &i.payment);
    assert_ne!(payments[0], payments[1]);
    assert!(s.installments[3].outstanding_after.amount.is_zero());
}

mod properties {
    use super::super::super::business_days::{AccrualDates, BusinessDayConvention, BusinessDays};
    use super::super::super::terms::{Fixing, FloatingRate};
    use super::*;
    use num_traits::Zero;
    use proptest::prelude::*;

    prop_compose! {
        fn conventional_loan()(
            cents in 1u64..=10_000_000_000_000,
            count in 1u32..=60,
            grace in 0u32..=4,
            level: bool,
            day_count in prop::sample::select(vec![DayCount::Act360, DayCount::Act365Fixed, DayCount::ActActIsda, DayCount::Periodic, DayCount::Thirty360]),
            frequency in prop::sample::select(vec![Frequency::Monthly, Frequency::Quarterly, Frequency::SemiAnnual]),
            first_day in 0u64..20_000,
            convention in prop::sample::select(vec![BusinessDayConvention::Unadjusted, BusinessDayConvention::Following, BusinessDayConvention::ModifiedFollowing, BusinessDayConvention::Preceding]),
            unadjusted_accrual: bool,
            holidays in prop::collection::vec(0u64..2_000, 0..40),
            steps in prop::collection::vec((0u64..2_000, 0i64..1500), 0..6),
            split: bool,
            floating in prop::option::of((prop::collection::vec((0u64..2_000, 0i64..900), 1..10), -100i64..300)),
        ) -> (Money, LoanTerms) {
            let first = d("1990-01-01") + chrono::Days::new(first_day);
            let base = first - chrono::Days::new(400);
            let day = |offset: u64| base + chrono::Days::new(offset);
            let mut holidays: Vec<NaiveDate> = holidays.into_iter().map(day).collect();
            holidays.sort_unstable();
            holidays.dedup();
            let mut terms = sample_terms();
            terms.first_payment_date = first;
            terms.frequency = frequency;
            terms.installment_count = count;
            terms.grace_periods = grace;
            terms.day_count = day_count;
            terms.amortization = if level { Amortization::LevelPayment } else { Amortization::EqualPrincipal };
            terms.rate = InterestRate {
                initial: dec("0.05"),
                steps: steps.into_iter().map(|(offset, bp)| RateStep { start: RateStart::Date(day(offset)), annual_rate: Decimal::new(bp, 4) }).collect(),
                step_timing: if split { RateStepTiming::SplitPeriod } else { RateStepTiming::NextPeriod },
                floating: None,
            };
            if let Some((fixings, margin)) = floating {
                let mut fixings: Vec<Fixing> = fixings.into_iter().map(|(offset, bp)| Fixing { date: day(offset), rate: Decimal::new(bp, 4) }).collect();
                fixings.sort_by_key(|f| f.date);
                fixings.dedup_by_key(|f| f.date);
                // A fixing in force from well before the first accrual start.
                fixings.insert(0, Fixing { date: base - chrono::Days::new(400), rate: dec("0.03") });
                terms.rate = InterestRate {
                    floating: Some(FloatingRate { fixings, margin: Decimal::new(margin, 4) }),
                    ..InterestRate::fixed(Decimal::ZERO)
                };
            }
            terms.business_days = BusinessDays {
                convention,
                holidays,
                accrual: if unadjusted_accrual { AccrualDates::Unadjusted } else { AccrualDates::Adjusted },
            };
            let principal = Money::from_minor_units(crate::domain::currency::find("USD").unwrap(), &BigInt::from(cents), "p").unwrap();
            (principal, terms)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// With business days, split periods and floating rates the
        /// schedule still conserves principal, dates stay ordered, accrual
        /// periods chain, and split parts tile their period.
        #[test]
        fn conventions_keep_the_schedule_consistent((principal, terms) in conventional_loan()) {
            let s = match build_schedule(&principal, &terms) {
                Ok(s) => s,
                // Holidays may swallow a period: refused, never a panic.
                Err(DomainError::InvalidTerms { .. }) => return Ok(()),
                Err(other) => return Err(TestCaseError::fail(format!("{other:?}"))),
            };
            let mut outstanding = minor(&principal);
            let mut previous_due: Option<NaiveDate> = None;
            let mut previous_end: Option<NaiveDate> = None;
            for i in &s.installments {
                prop_assert!(previous_due.is_none_or(|p| p < i.due_date));
                prop_assert!(previous_end.is_none_or(|p| p == i.accrual_start));
                prop_assert!(i.accrual_start < i.accrual_end);
                if terms.business_days.convention != BusinessDayConvention::Unadjusted {
                    prop_assert!(terms.business_days.is_business_day(i.due_date));
                }
                prop_assert_eq!(i.segments.first().map(|p| p.start), Some(i.accrual_start));
                prop_assert_eq!(i.segments.last().map(|p| p.end), Some(i.accrual_end));
                prop_assert!(i.segments.windows(2).all(|w| w[0].end == w[1].start && w[0].annual_rate != w[1].annual_rate));
                let (p, cap) = (minor(&i.principal), minor(&i.capitalized_interest));
                prop_assert_eq!(minor(&i.payment), &p + minor(&i.interest) - &cap);
                outstanding = outstanding + cap - p;
                prop_assert_eq!(&minor(&i.outstanding_after), &outstanding);
                previous_due = Some(i.due_date);
                previous_end = Some(i.accrual_end);
            }
            prop_assert!(outstanding.is_zero());
        }
    }
}
