//! Buybacks derived by hand: every expected figure below is worked out in
//! the comments from the terms, not taken from the code.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, MathematicalOps};
use std::str::FromStr;

use super::*;
use crate::domain::currency::find;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::{
    Amortization, BusinessDays, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
};
use crate::domain::valuation::{Compounding, Discounting, TimeBasis};

pub(super) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub(super) fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn usd(text: &str) -> Money {
    Money {
        currency: find("USD").unwrap(),
        amount: d(text),
    }
}

/// Annual terms from `start` (accrual start), first payment a year later.
pub(super) fn annual(
    start: NaiveDate,
    count: u32,
    rate: &str,
    amortization: Amortization,
) -> LoanTerms {
    LoanTerms {
        first_payment_date: add_year(start),
        accrual_start: Some(start),
        frequency: Frequency::Annual,
        installment_count: count,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization,
        rate: InterestRate::fixed(d(rate)),
        day_count: DayCount::Periodic,
        end_of_month: false,
        rounding: RoundingMode::HalfEven,
        business_days: BusinessDays::default(),
    }
}

fn add_year(start: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(start.year() + 1, start.month(), start.day()).unwrap()
}

pub(super) fn flat(rate: &str) -> Discounting {
    Discounting::Flat {
        rate: d(rate),
        compounding: Compounding::AnnualEffective,
        basis: TimeBasis::Months,
    }
}

const START: (i32, u32, u32) = (2024, 1, 1);

fn start() -> NaiveDate {
    date(START.0, START.1, START.2)
}

/// The worked case: a 100 m loan at par (5 equal-principal annual
/// instalments at 6%) and a 50 m bullet bond (8% annual coupon, 5 years) at
/// 80, bought back on the day both start accruing, financed by a 140 m
/// 5-year bullet at 4% with a 1% upfront fee.
pub(super) fn worked_case(timing: DiscountTiming) -> BuybackInput {
    BuybackInput {
        buyback_date: start(),
        instruments: vec![
            RetiredInstrument {
                label: "loan".into(),
                kind: InstrumentKind::Loan,
                principal: usd("100000000.00"),
                terms: annual(start(), 5, "0.06", Amortization::EqualPrincipal),
                price: Decimal::ONE,
            },
            RetiredInstrument {
                label: "bond".into(),
                kind: InstrumentKind::Bond,
                principal: usd("50000000.00"),
                terms: annual(start(), 5, "0.08", Amortization::Bullet),
                price: d("0.80"),
            },
        ],
        financing: Some(NewFinancing {
            principal: usd("140000000.00"),
            terms: annual(start(), 5, "0.04", Amortization::Bullet),
        }),
        fees: vec![UpfrontFee {
            label: "arrangement".into(),
            amount: FeeAmount::ShareOfNewPrincipal(d("0.01")),
        }],
        grants: None,
        commitments: vec![
            Commitment {
                label: "endowment".into(),
                kind: CommitmentKind::Endowment,
                payments: vec![(start(), usd("5000000.00"))],
            },
            Commitment {
                label: "annual".into(),
                kind: CommitmentKind::Annual,
                payments: (1..=5)
                    .map(|k| (date(2024 + k, 1, 1), usd("2000000.00")))
                    .collect(),
            },
        ],
        discounting: flat("0.05"),
        investor_discounting: Some(flat("0.08")),
        timing,
        horizons_years: DEFAULT_HORIZONS_YEARS.to_vec(),
    }
}

#[test]
fn the_worked_case_nominal_figures() {
    let e = evaluate_buyback(&worked_case(DiscountTiming::EndOfYear)).unwrap();
    // Loan: 20 m a year + 6% on 100, 80, 60, 40, 20 m: 26, 24.8, 23.6,
    // 22.4, 21.2 m (118 m). Bond: 4 m coupons, 54 m in year 5 (70 m).
    assert_eq!(e.instruments[0].debt_service, d("118000000.00"));
    assert_eq!(e.instruments[1].debt_service, d("70000000.00"));
    // Cost: 100 m at par + 0.80 x 50 m = 140 m; no accrued interest.
    assert_eq!(e.instruments[1].clean_cost, d("40000000.00"));
    assert_eq!(e.instruments[1].discount_captured, d("10000000.00"));
    assert_eq!(e.buyback_cost, d("140000000.00"));
    assert_eq!(e.average_price, d("140") / d("150"));
    // Fee 1% of 140 m = 1.4 m; outlay 140 + 1.4 - 140 = 1.4 m.
    assert_eq!(e.total_fees, d("1400000.00"));
    assert_eq!(e.upfront_outlay, d("1400000.00"));
    // New: 5.6 m interest a year, 145.6 m in year 5 (168 m).
    assert_eq!(e.new_debt_service, d("168000000.00"));
    // Savings by year: -1.4; 30 - 5.6 = 24.4; 28.8 - 5.6 = 23.2; 22.0;
    // 20.8; 75.2 - 145.6 = -70.4 (m).
    let savings: Vec<Decimal> = e.years.iter().map(|r| r.saving).collect();
    let want: Vec<Decimal> = ["-1.4", "24.4", "23.2", "22.0", "20.8", "-70.4"]
        .iter()
        .map(|m| d(m) * d("1000000"))
        .collect();
    assert_eq!(savings, want);
    // Horizons 1, 2, 3, 5 years: 23.0, 46.2, 68.2, 18.6 m; whole life 18.6.
    let horizons: Vec<(u32, Decimal)> = e.horizons.iter().map(|h| (h.years, h.saving)).collect();
    assert_eq!(
        horizons,
        vec![
            (1, d("23000000.0")),
            (2, d("46200000.0")),
            (3, d("68200000.0")),
            (5, d("18600000.0"))
        ]
    );
    assert_eq!(e.nominal_saving, d("18600000.00"));
    // Face reduction 150 - 140 = 10 m.
    assert_eq!(e.face_reduction, d("10000000.00"));
    // Commitments 5 m + 5 x 2 m = 15 m; net 18.6 - 15 = 3.6 m.
    assert_eq!(e.commitments_nominal, d("15000000.00"));
    assert_eq!(e.net_nominal_saving, d("3600000.00"));
    // ATM before: (20 m x (1+2+3+4+5) + 50 m x 5) / 150 m = 550/150;
    // after: 5 years.
    assert_eq!(
        e.average_time_to_maturity_before_years,
        d("3.6666666666666666666666666667")
    );
    assert_eq!(e.average_time_to_maturity_after_years, d("5"));
    assert_eq!(e.instruments[0].average_time_to_maturity_years, d("3"));
}

/// `sum CF_k / 1.05^k` (end of year) in decimal arithmetic: each power of
/// 1.05 is exact, each quotient good to 28 significant digits.
fn end_of_year_pv(flows: &[Decimal]) -> Decimal {
    let mut power = Decimal::ONE;
    let mut total = Decimal::ZERO;
    for (k, cf) in flows.iter().enumerate() {
        if k > 0 {
            power *= d("1.05");
        }
        total += cf / power;
    }
    total
}

fn close(a: Decimal, b: Decimal, tolerance: &str) -> bool {
    (a - b).abs() <= d(tolerance)
}

#[test]
fn the_worked_case_present_values_end_and_middle_of_year() {
    let m = d("1000000");
    let old: Vec<Decimal> = ["0", "30", "28.8", "27.6", "26.4", "75.2"]
        .iter()
        .map(|x| d(x) * m)
        .collect();
    let new: Vec<Decimal> = ["0", "5.6", "5.6", "5.6", "5.6", "145.6"]
        .iter()
        .map(|x| d(x) * m)
        .collect();
    let end = evaluate_buyback(&worked_case(DiscountTiming::EndOfYear)).unwrap();
    assert!(close(end.old_present_value, end_of_year_pv(&old), "1e-16"));
    assert!(close(end.new_present_value, end_of_year_pv(&new), "1e-16"));
    let want_saving = end_of_year_pv(&old) - end_of_year_pv(&new) - d("1400000");
    assert!(close(end.present_value_saving, want_saving, "1e-16"));
    // Each flow on its own date under the month basis: every flow falls on
    // an anniversary, so the same figures.
    let dated = evaluate_buyback(&worked_case(DiscountTiming::Dated)).unwrap();
    assert!(close(
        dated.old_present_value,
        end.old_present_value,
        "1e-18"
    ));
    // Mid-year: year k at k - 1/2, i.e. the end-of-year value times
    // sqrt(1.05) for every flow after year 0.
    let mid = evaluate_buyback(&worked_case(DiscountTiming::MidYear)).unwrap();
    let root = d("1.05").sqrt().unwrap();
    assert!(close(
        mid.old_present_value,
        end_of_year_pv(&old) * root,
        "1e-14"
    ));
    // Commitments: 5 m now + 2 m a year at mid-year.
    let annual: Decimal = (1..=5).map(|k| d("2000000") / d("1.05").powi(k)).sum();
    assert!(close(
        mid.commitments_present_value,
        d("5000000") + annual * root,
        "1e-14"
    ));
    assert_eq!(
        mid.net_fiscal_saving,
        mid.present_value_saving - mid.commitments_present_value
    );
    // PV reduction is old PV - new PV; saving subtracts the outlay.
    assert_eq!(
        mid.present_value_saving,
        mid.present_value_reduction - d("1400000.00")
    );
}

/// The precision of the fractional power: the mid-year factor of year 1 is
/// `(1.05)^-0.5`, so its square times 1.05 is 1 to within the reported
/// precision (28 decimals, so the square is within about 2e-28).
#[test]
fn the_half_year_factor_is_the_square_root() {
    let mid = evaluate_buyback(&worked_case(DiscountTiming::MidYear)).unwrap();
    for row in &mid.years {
        let factor = row.discount_factor.unwrap();
        if row.year == 0 {
            assert_eq!(factor, Decimal::ONE);
            continue;
        }
        // DF_k^2 x 1.05^(2k - 1) = 1.
        let product = factor * factor * d("1.05").powi(2 * i64::from(row.year) - 1);
        assert!(close(product, Decimal::ONE, "1e-26"), "{row:?}: {product}");
    }
    // Against rust_decimal's own square root, 1/sqrt(1.05) =
    // 0.9759000729485331...
    let first = mid.years[1].discount_factor.unwrap();
    assert!(close(
        first,
        Decimal::ONE / d("1.05").sqrt().unwrap(),
        "1e-26"
    ));
    assert_eq!(&first.to_string()[..18], "0.9759000729485331");
}

#[test]
fn the_investor_view_at_eight_percent() {
    let e = evaluate_buyback(&worked_case(DiscountTiming::EndOfYear)).unwrap();
    // At their own 8% coupon the bond is worth par to its holders: 50 m.
    // The loan at 8%: 26/1.08 + 24.8/1.08^2 + ... computed below.
    let mut loan = Decimal::ZERO;
    for (k, cf) in ["26", "24.8", "23.6", "22.4", "21.2"].iter().enumerate() {
        loan += d(cf) * d("1000000") / d("1.08").powi(k as i64 + 1);
    }
    let want = loan + d("50000000");
    assert!(close(e.investor.retired_present_value, want, "1e-15"));
    assert_eq!(e.investor.cash_received, d("140000000.00"));
    assert_eq!(
        e.investor.gain,
        d("140000000.00") - e.investor.retired_present_value
    );
    assert!(e.instruments[1].investor_present_value - d("50000000") < d("1e-18"));
}

/// Bolivia 1988: US$308 m of commercial bank debt bought back for US$34 m,
/// about 11 cents on the dollar, paid with donor grants (no new debt). The
/// old terms are illustrative (the debt was in arrears; a 308 m bullet at
/// 8% due in 5 years stands in for it): the face figures do not depend
/// on them.
#[test]
fn bolivia_1988() {
    // 34 / 308 = 0.11038961038...; to 10 decimals 0.1103896104, which
    // gives 308 m x 0.1103896104 = 34,000,000.0032 -> 34,000,000.00.
    let input = BuybackInput {
        buyback_date: date(1988, 3, 1),
        instruments: vec![RetiredInstrument {
            label: "commercial bank debt".into(),
            kind: InstrumentKind::Loan,
            principal: usd("308000000.00"),
            terms: annual(date(1988, 3, 1), 5, "0.08", Amortization::Bullet),
            price: d("0.1103896104"),
        }],
        financing: None,
        fees: vec![],
        grants: Some(usd("34000000.00")),
        commitments: vec![],
        discounting: flat("0.10"),
        investor_discounting: None,
        timing: DiscountTiming::Dated,
        horizons_years: DEFAULT_HORIZONS_YEARS.to_vec(),
    };
    let e = evaluate_buyback(&input).unwrap();
    assert_eq!(e.buyback_cost, d("34000000.00"));
    assert_eq!(e.retired_face, d("308000000.00"));
    // 274 m of face retired for nothing the debtor pays.
    assert_eq!(e.face_reduction, d("308000000.00"));
    assert_eq!(e.instruments[0].discount_captured, d("274000000.00"));
    assert_eq!(e.upfront_outlay, d("0.00"));
    // About 11 cents on the dollar.
    assert_eq!(e.average_price.round_dp(2), d("0.11"));
    // Every payment is saved: 308 m + 5 x 24.64 m of interest.
    assert_eq!(e.nominal_saving, d("431200000.00"));
    assert_eq!(e.average_time_to_maturity_after_years, Decimal::ZERO);
}

#[test]
fn bad_input_names_every_field() {
    let mut input = worked_case(DiscountTiming::MidYear);
    input.instruments[1].price = d("1.02");
    input.instruments[0].principal.currency = find("EUR").unwrap();
    input.fees.push(UpfrontFee {
        label: "x".into(),
        amount: FeeAmount::ShareOfNewPrincipal(d("1")),
    });
    input.commitments[0].payments[0].0 = date(2023, 12, 31);
    input.horizons_years.push(0);
    let Err(BuybackError::Invalid(problems)) = evaluate_buyback(&input) else {
        panic!("expected invalid input");
    };
    let got: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.path.as_str(), p.reason))
        .collect();
    // instruments[0] sets the currency (EUR): everything in USD mismatches.
    assert!(got.contains(&("instruments[1].principal", "CURRENCY_MISMATCH")));
    assert!(got.contains(&("instruments[1].price", "PRICE_ABOVE_PAR")));
    assert!(got.contains(&("financing.principal", "CURRENCY_MISMATCH")));
    assert!(got.contains(&("fees[1].share_of_new_principal", "OUT_OF_RANGE")));
    assert!(got.contains(&("commitments[0].payments[0].date", "BEFORE_BUYBACK_DATE")));
    assert!(got.contains(&("horizons_years[4]", "OUT_OF_RANGE")));
}

#[test]
fn a_matured_instrument_and_an_early_new_loan_are_refused() {
    let mut input = worked_case(DiscountTiming::Dated);
    input.buyback_date = date(2029, 1, 1);
    let problems = check(&input);
    assert!(problems
        .iter()
        .any(|p| p.path == "financing.terms.first_payment_date"));
    input.financing = None;
    input.fees.clear();
    input.commitments.clear();
    let Err(BuybackError::Invalid(problems)) = evaluate_buyback(&input) else {
        panic!("expected invalid input");
    };
    assert_eq!(problems[0].path, "instruments[0].terms");
    assert_eq!(problems[0].reason, "NOTHING_OUTSTANDING");
}

#[test]
fn a_buyback_mid_period_pays_accrued_interest_and_skips_paid_instalments() {
    // Bought on 2025-07-01, half-way through year 2 (periodic count: the
    // accrued share is the share of actual days, 181 of 365).
    let mut input = worked_case(DiscountTiming::Dated);
    input.buyback_date = date(2025, 7, 1);
    input.financing = None;
    input.fees.clear();
    input.commitments.clear();
    let e = evaluate_buyback(&input).unwrap();
    // Loan: 80 m outstanding after the first instalment; 6% x 80 m x
    // 181/365 (2025-01-01..2025-07-01 is 181 days of the 365-day period
    // 2025-01-01..2026-01-01) = 2,380,273.9726... -> 2,380,273.97.
    assert_eq!(e.instruments[0].outstanding_principal, d("80000000.00"));
    assert_eq!(e.instruments[0].accrued_interest, d("2380273.97"));
    assert_eq!(e.instruments[0].cash_paid, d("82380273.97"));
    // Remaining debt service: 24.8 + 23.6 + 22.4 + 21.2 = 92 m.
    assert_eq!(e.instruments[0].debt_service, d("92000000.00"));
}

/// A zero curve that is flat at 5% gives the flat rate's figures, under
/// every timing (the curve is read at t = k - 1/2 at mid-year).
#[test]
fn a_flat_curve_gives_the_flat_rate() {
    use crate::domain::valuation::ZeroCurve;
    for timing in [
        DiscountTiming::Dated,
        DiscountTiming::EndOfYear,
        DiscountTiming::MidYear,
    ] {
        let flat_rate = evaluate_buyback(&worked_case(timing)).unwrap();
        let mut input = worked_case(timing);
        input.discounting = Discounting::Curve {
            curve: ZeroCurve::new(vec![(d("1"), d("0.05")), (d("10"), d("0.05"))]).unwrap(),
            compounding: Compounding::AnnualEffective,
            basis: TimeBasis::Months,
        };
        let curve = evaluate_buyback(&input).unwrap();
        for (a, b) in [
            (curve.old_present_value, flat_rate.old_present_value),
            (curve.new_present_value, flat_rate.new_present_value),
            (
                curve.commitments_present_value,
                flat_rate.commitments_present_value,
            ),
        ] {
            assert!(close(a, b, "1e-18"), "{timing:?}: {a} against {b}");
        }
    }
    // A rising curve: year 1 at mid-year reads the 1-year rate (flat
    // before the first tenor), year 5 at 4.5 years the interpolated 5.5%.
    let mut input = worked_case(DiscountTiming::MidYear);
    input.discounting = Discounting::Curve {
        curve: ZeroCurve::new(vec![(d("1"), d("0.04")), (d("6"), d("0.06"))]).unwrap(),
        compounding: Compounding::AnnualEffective,
        basis: TimeBasis::Months,
    };
    let e = evaluate_buyback(&input).unwrap();
    let first = e.years[1].discount_factor.unwrap();
    assert!(close(first * first * d("1.04"), Decimal::ONE, "1e-26"));
    // 4.5 years: 4% + (4.5 - 1) / 5 x 2% = 5.4%; DF^2 = 1.054^-9.
    let fifth = e.years[5].discount_factor.unwrap();
    assert!(close(
        fifth * fifth * d("1.054").powi(9),
        Decimal::ONE,
        "1e-26"
    ));
}
