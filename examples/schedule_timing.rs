//! Times BuildSchedule's engine on the heaviest level-payment case of issue 9
//! (finding 3) and issue 11: 1,200 monthly ACT/360 periods with a rate step
//! every period, against the same loan with a fixed rate.
//!
//! `cargo run --release --example schedule_timing` (and without `--release`).

use std::str::FromStr;
use std::time::Instant;

use chrono::NaiveDate;
use debtcalc::domain::currency::find;
use debtcalc::domain::money::Money;
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::schedule::{
    build_schedule, Amortization, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
    RateStart, RateStep, RateStepTiming,
};
use rust_decimal::Decimal;

fn terms(day_count: DayCount, stepped: bool, amortization: Amortization) -> LoanTerms {
    let steps = if stepped {
        (2..=1200u32)
            .map(|k| RateStep {
                start: RateStart::Period(k),
                annual_rate: if k % 2 == 0 {
                    Decimal::from_str("0.0585").unwrap()
                } else {
                    Decimal::from_str("0.06").unwrap()
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    LoanTerms {
        first_payment_date: NaiveDate::from_ymd_opt(2025, 2, 15).unwrap(),
        accrual_start: None,
        frequency: Frequency::Monthly,
        installment_count: 1200,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization,
        rate: InterestRate {
            initial: Decimal::from_str("0.06").unwrap(),
            steps,
            step_timing: RateStepTiming::NextPeriod,
            floating: None,
        },
        day_count,
        end_of_month: false,
        rounding: RoundingMode::HalfEven,
        business_days: Default::default(),
    }
}

fn main() {
    let principal = |amount: &str| Money {
        currency: find("USD").unwrap(),
        amount: Decimal::from_str(amount).unwrap(),
    };
    let only: Option<String> = std::env::args().nth(1);
    for amount in ["1000000", "1090000000"] {
        for (day_count, stepped, amortization) in [
            (DayCount::Periodic, false, Amortization::LevelPayment),
            (DayCount::Periodic, true, Amortization::LevelPayment),
            (DayCount::Act360, false, Amortization::LevelPayment),
            (DayCount::Act360, true, Amortization::LevelPayment),
            (DayCount::Act360, true, Amortization::EqualPrincipal),
        ] {
            if only.as_deref().is_some_and(|o| o != amount) {
                continue;
            }
            let t = terms(day_count, stepped, amortization.clone());
            let p = principal(amount);
            // The fastest of 5 runs: the machine is shared.
            let mut per_run = f64::INFINITY;
            let mut last = None;
            for _ in 0..5 {
                let start = Instant::now();
                last = Some(build_schedule(&p, &t).unwrap());
                per_run = per_run.min(start.elapsed().as_secs_f64());
            }
            let s = last.unwrap();
            println!(
                "{amount:>10} {day_count:<8} {amortization:<24} rate step every period: {stepped:<5} {:>9.4} s  first payment {}  last {}",
                per_run,
                s.installments[0].payment.amount,
                s.installments[1199].payment.amount
            );
        }
    }
}
