//! Tests of [`super`]: every cell against the unary valuation, the sharing
//! of work, the cap and the cancellation flag.

use super::*;
use crate::domain::cancel::{self, Cancellation};
use crate::domain::currency::find;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::{Amortization, DayCount, Frequency, GraceInterest, InterestRate};
use crate::domain::valuation::{value_restructuring, RestructuringInput, RestructuringValuation};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn usd(amount: &str) -> Money {
    Money {
        currency: find("USD").unwrap(),
        amount: d(amount),
    }
}

fn terms(first: NaiveDate, count: u32, rate: &str, amortization: Amortization) -> LoanTerms {
    LoanTerms {
        first_payment_date: first,
        accrual_start: None,
        frequency: Frequency::SemiAnnual,
        installment_count: count,
        grace_periods: 2,
        grace_interest: GraceInterest::Paid,
        amortization,
        rate: InterestRate::fixed(d(rate)),
        day_count: DayCount::Thirty360,
        end_of_month: false,
        rounding: RoundingMode::HalfEven,
        business_days: Default::default(),
    }
}

/// An old loan valued between due dates (accrued interest, past-due
/// instalments), with past-due interest besides, against level payments.
fn input(compounding: Compounding, basis: TimeBasis) -> SweepInput {
    SweepInput {
        old_claim: DebtStream::Loan {
            principal: usd("10960000.00"),
            terms: terms(date(2020, 3, 31), 12, "0.045", Amortization::EqualPrincipal),
        },
        past_due_interest: Decimal::ZERO,
        valuation_date: date(2022, 5, 17),
        new_terms: terms(date(2022, 11, 17), 30, "0.02", Amortization::LevelPayment),
        write_off_shares: ["0", "0.5", "0.9", "0.333333", "0.99999"]
            .iter()
            .map(|s| d(s))
            .collect(),
        installment_counts: Vec::new(),
        rates: ["0.05", "0", "-0.01", "0.0725", "0.3"]
            .iter()
            .map(|s| d(s))
            .collect(),
        compounding,
        basis,
    }
}

fn unary(input: &SweepInput, share: Decimal, count: u32, rate: Decimal) -> RestructuringValuation {
    let base = input
        .old_claim
        .expand(input.valuation_date)
        .unwrap()
        .face_components
        .with_past_due_interest(input.past_due_interest)
        .unwrap()
        .total()
        .unwrap();
    let principal = principal_after_write_off(base, input.old_claim.currency(), share).unwrap();
    value_restructuring(&RestructuringInput {
        old_claim: input.old_claim.clone(),
        past_due_interest: input.past_due_interest,
        new_debt: input.new_debt(principal, count),
        valuation_date: input.valuation_date,
        discounting: input.discounting(rate),
    })
    .unwrap()
}

fn assert_cells_are_unary(input: &SweepInput) {
    let sweep = sweep_valuation(input).unwrap();
    assert_eq!(sweep.rows.len(), input.rows().len());
    assert_eq!(sweep.old_present_values.len(), input.rates.len());
    // Every present value counted once, by the path that computed it; the
    // figures below are the unary (exact path's) ones either way.
    let values = input.rates.len() * (1 + sweep.rows.len());
    assert_eq!(
        (sweep.paths.fast + sweep.paths.exact) as usize,
        values,
        "{:?}",
        sweep.paths
    );
    if input
        .rates
        .iter()
        .all(|r| !r.is_sign_negative() && *r <= Decimal::ONE)
    {
        assert!(
            sweep.paths.fast as usize * 10 >= values * 9,
            "{:?}",
            sweep.paths
        );
    }
    for row in &sweep.rows {
        assert_eq!(row.cells.len(), input.rates.len());
        for (j, cell) in row.cells.iter().enumerate() {
            let want = unary(input, row.share, row.installment_count, input.rates[j]);
            let here = format!(
                "share {} count {} rate {}",
                row.share, row.installment_count, input.rates[j]
            );
            assert_eq!(
                sweep.old_present_values[j], want.old_value.present_value.value,
                "{here}"
            );
            assert_eq!(sweep.write_off_base, want.old_face, "{here}");
            assert_eq!(row.new_face, want.new_stream.face_components, "{here}");
            assert_eq!(
                cell.new_present_value, want.new_value.present_value.value,
                "{here}"
            );
            assert_eq!(row.nominal_haircut, want.haircuts.nominal, "{here}");
            assert_eq!(
                cell.sturzenegger_zettelmeyer, want.haircuts.sturzenegger_zettelmeyer,
                "{here}"
            );
            assert_eq!(
                cell.cruces_trebesch, want.haircuts.cruces_trebesch,
                "{here}"
            );
            assert_eq!(cell.grant_element, want.grant_element, "{here}");
        }
    }
}

#[test]
fn every_cell_is_the_unary_valuation() {
    assert_cells_are_unary(&input(Compounding::AnnualEffective, TimeBasis::Months));
    assert_cells_are_unary(&input(
        Compounding::Periodic {
            periods_per_year: 2,
        },
        TimeBasis::ActActIsda,
    ));
    assert_cells_are_unary(&input(Compounding::Continuous, TimeBasis::Act365Fixed));
}

#[test]
fn maturities_multiply_the_rows() {
    let mut with = input(Compounding::AnnualEffective, TimeBasis::Months);
    with.installment_counts = vec![30, 1, 46];
    assert_cells_are_unary(&with);
    let sweep = sweep_valuation(&with).unwrap();
    let rows: Vec<(Decimal, u32)> = sweep
        .rows
        .iter()
        .map(|r| (r.share, r.installment_count))
        .collect();
    assert_eq!(rows, with.rows());
    assert_eq!(rows.len(), 15);
    assert_eq!(rows[5], (d("0.5"), 46));
    // 34 rows x 3 counts is over the cap of 100 rows.
    with.write_off_shares = vec![d("0.5"); 34];
    assert!(sweep_valuation(&with).is_err());
}

#[test]
fn past_due_interest_counts_in_the_base_and_every_cell() {
    let mut with = input(Compounding::AnnualEffective, TimeBasis::Thirty360);
    with.old_claim = DebtStream::DueAtValuation(usd("1000000.00"));
    with.past_due_interest = d("200000.00");
    assert_cells_are_unary(&with);
    let sweep = sweep_valuation(&with).unwrap();
    assert_eq!(sweep.write_off_base.total().unwrap(), d("1200000.00"));
    // 90% of 1,200,000 written off leaves 120,000 and a nominal haircut of
    // exactly 0.9.
    let row = &sweep.rows[2];
    assert_eq!(row.new_principal, usd("120000.00"));
    assert_eq!(row.nominal_haircut, d("0.9"));
}

#[test]
fn the_grid_is_capped_at_100_by_100() {
    let mut big = input(Compounding::AnnualEffective, TimeBasis::Months);
    big.rates = vec![d("0.05"); MAX_GRID_SIDE + 1];
    let error = sweep_valuation(&big).unwrap_err();
    assert!(matches!(error.error, DomainError::InvalidInput { .. }));
}

#[test]
fn a_cancelled_sweep_stops_and_says_where() {
    let flag = Cancellation::new();
    flag.cancel();
    let error = cancel::scope(&flag, || {
        sweep_valuation(&input(Compounding::AnnualEffective, TimeBasis::Months))
    })
    .unwrap_err();
    assert_eq!(error.error, DomainError::Cancelled);
}
