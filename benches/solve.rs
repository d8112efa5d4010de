//! SolveTerms in the domain, measured with criterion: the typical solves
//! whose evaluation counts src/domain/solver/solve.rs documents (a write-off
//! share on a level-payment loan and on Naples DR terms, a rate on Naples
//! DSR terms, an infeasible rate, and both on 1,200 monthly instalments).
//! The evaluation counts themselves are asserted by the solver's tests;
//! this only times them.
//!
//! Run: `cargo bench --bench solve`. Figures are for comparison with a
//! baseline run side by side on the same machine, never assertions.

use std::hint::black_box;
use std::str::FromStr;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use debtcalc::domain::currency;
use debtcalc::domain::money::Money;
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::schedule::{
    add_months, Amortization, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
};
use debtcalc::domain::solver::{find_preset, preset_terms, solve_terms, SolveInput, Unknown};
use debtcalc::domain::valuation::{Compounding, DebtStream, Discounting, TimeBasis};
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn valuation_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()
}

/// A claim of USD 1,000,000.00 due at the valuation date, to be reduced by
/// `target` in present value at `discount` (annual effective, 30/360).
fn input(unknown: Unknown, target: &str, terms: LoanTerms, discount: &str) -> SolveInput {
    SolveInput {
        old_claim: DebtStream::DueAtValuation(Money {
            currency: currency::find("USD").unwrap(),
            amount: d("1000000.00"),
        }),
        past_due_interest: Decimal::ZERO,
        valuation_date: valuation_date(),
        discounting: Discounting::Flat {
            rate: d(discount),
            compounding: Compounding::AnnualEffective,
            basis: TimeBasis::Thirty360,
        },
        target_reduction: d(target),
        new_terms: terms,
        unknown,
        write_off_share: Decimal::ZERO,
        rate_bounds: (Decimal::ZERO, Decimal::ONE),
    }
}

/// Ten annual level payments at 5% on 30/360 from a year after the
/// valuation date.
fn level_payment_at_five() -> LoanTerms {
    LoanTerms {
        first_payment_date: NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
        accrual_start: None,
        frequency: Frequency::Annual,
        installment_count: 10,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization: Amortization::LevelPayment,
        rate: InterestRate::fixed(d("0.05")),
        day_count: DayCount::Thirty360,
        end_of_month: false,
        rounding: RoundingMode::HalfEven,
        business_days: Default::default(),
    }
}

fn preset(id: &str, rate: &str) -> LoanTerms {
    let first = add_months(valuation_date(), 6, false, "first payment").unwrap();
    preset_terms(
        find_preset(id).unwrap(),
        first,
        d(rate),
        RoundingMode::HalfEven,
    )
}

/// Naples DSR terms on 1,200 monthly level payments at 3%.
fn monthly() -> LoanTerms {
    let mut terms = preset("naples-dsr", "0");
    terms.frequency = Frequency::Monthly;
    terms.installment_count = 1200;
    terms.amortization = Amortization::LevelPayment;
    terms.rate = InterestRate::fixed(d("0.03"));
    terms
}

fn solves(c: &mut Criterion) {
    let cases = [
        (
            "share, level payment",
            input(
                Unknown::WriteOffShare,
                "0.6",
                level_payment_at_five(),
                "0.05",
            ),
        ),
        (
            "share, naples-dr at 5%",
            input(
                Unknown::WriteOffShare,
                "0.67",
                preset("naples-dr", "0.05"),
                "0.05",
            ),
        ),
        (
            "rate, naples-dsr at 10%",
            input(
                Unknown::InterestRate,
                "0.67",
                preset("naples-dsr", "0"),
                "0.10",
            ),
        ),
        (
            "rate, infeasible at 5%",
            input(
                Unknown::InterestRate,
                "0.67",
                preset("naples-dsr", "0"),
                "0.05",
            ),
        ),
        (
            "rate, 1200 monthly instalments",
            input(Unknown::InterestRate, "0.5", monthly(), "0.05"),
        ),
        (
            "share, 1200 monthly instalments",
            input(Unknown::WriteOffShare, "0.5", monthly(), "0.05"),
        ),
    ];
    let mut group = c.benchmark_group("solve_terms");
    group.sample_size(10);
    for (name, case) in &cases {
        group.bench_function(*name, |b| b.iter(|| solve_terms(black_box(case)).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, solves);
criterion_main!(benches);
