//! The level payment under rate changes: a 1,200-period monthly schedule
//! (ACT/360, so the periods' year fractions differ month by month) at a
//! fixed rate, with the rate alternating every period, and with a new rate
//! every period; the last two again with business-day adjusted dates
//! (irregular fractions, the worst case of the shared runs).
//!
//! Run: `cargo bench --bench level_payment`. Report the ratios to the
//! fixed-rate schedule of the same run, never absolute times as assertions.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use debtcalc::domain::currency;
use debtcalc::domain::money::Money;
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::schedule::{
    build_schedule, Amortization, BusinessDayConvention, BusinessDays, DayCount, Frequency,
    GraceInterest, InterestRate, LoanTerms, RateStart, RateStep,
};
use rust_decimal::Decimal;

const PERIODS: u32 = 1200;

fn terms(rate: InterestRate, adjusted: bool) -> LoanTerms {
    LoanTerms {
        first_payment_date: NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
        accrual_start: None,
        frequency: Frequency::Monthly,
        installment_count: PERIODS,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization: Amortization::LevelPayment,
        rate,
        day_count: DayCount::Act360,
        end_of_month: true,
        rounding: RoundingMode::HalfEven,
        business_days: BusinessDays {
            convention: if adjusted {
                BusinessDayConvention::ModifiedFollowing
            } else {
                BusinessDayConvention::Unadjusted
            },
            ..Default::default()
        },
    }
}

/// 5% with a step at every period from the second on, to the rate
/// `rate(period)`.
fn stepped(rate: impl Fn(u32) -> Decimal) -> InterestRate {
    InterestRate {
        steps: (2..=PERIODS)
            .map(|period| RateStep {
                start: RateStart::Period(period),
                annual_rate: rate(period),
            })
            .collect(),
        ..InterestRate::fixed(Decimal::new(5, 2))
    }
}

fn benches(c: &mut Criterion) {
    let principal = Money {
        currency: currency::find("USD").unwrap(),
        amount: Decimal::new(100_000_000, 2),
    };
    let fixed = InterestRate::fixed(Decimal::new(5, 2));
    // 5% and 6% in turn.
    let alternating = stepped(|period| Decimal::new(if period % 2 == 0 { 6 } else { 5 }, 2));
    // 5% + period x 0.001%: a rate never seen before at every period.
    let distinct = stepped(|period| Decimal::new(50_000 + i64::from(period), 6));
    let mut group = c.benchmark_group("level_payment_1200");
    group.sample_size(30);
    for (name, rate, adjusted) in [
        ("fixed", &fixed, false),
        ("alternating", &alternating, false),
        ("distinct", &distinct, false),
        ("adjusted_fixed", &fixed, true),
        ("adjusted_alternating", &alternating, true),
        ("adjusted_distinct", &distinct, true),
    ] {
        let terms = terms(rate.clone(), adjusted);
        group.bench_function(name, |b| {
            b.iter(|| build_schedule(black_box(&principal), black_box(&terms)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(level_payment, benches);
criterion_main!(level_payment);
