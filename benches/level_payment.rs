//! The level payment under rate changes: a 1,200-period monthly schedule
//! at a fixed rate, with the rate alternating every period, and with a new
//! rate every period; under the periodic count (equal fractions: the fixed
//! rate solves once), under ACT/360 (fractions differ month by month; at
//! 5% over 100 years a 31-day month's interest exceeds the level payment,
//! so even the fixed rate re-solves after each shortfall), and under
//! ACT/360 with business-day adjusted dates (irregular fractions, the
//! worst case of the shared runs).
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

fn terms(rate: InterestRate, day_count: DayCount, adjusted: bool) -> LoanTerms {
    LoanTerms {
        first_payment_date: NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
        accrual_start: None,
        frequency: Frequency::Monthly,
        installment_count: PERIODS,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization: Amortization::LevelPayment,
        rate,
        day_count,
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
    let rates = [
        ("fixed", &fixed),
        ("alternating", &alternating),
        ("distinct", &distinct),
    ];
    let counts = [
        ("periodic", DayCount::Periodic, false),
        ("act360", DayCount::Act360, false),
        ("act360_adjusted", DayCount::Act360, true),
    ];
    for (count, day_count, adjusted) in counts {
        for (name, rate) in rates {
            let terms = terms(rate.clone(), day_count, adjusted);
            group.bench_function(format!("{count}/{name}"), |b| {
                b.iter(|| build_schedule(black_box(&principal), black_box(&terms)).unwrap())
            });
        }
    }
    group.finish();
}

criterion_group!(level_payment, benches);
criterion_main!(level_payment);
