//! Tests of [`super`]: present values against Python decimal references,
//! par loans, past-due flows, order and empty streams, curves, overflow,
//! and properties (monotone in the rate, no panic).

use super::*;
use crate::domain::numerics::rational::decimal_reference;
use crate::domain::valuation::basis::TimeBasis;
use crate::domain::valuation::certified::present_value;
use crate::domain::valuation::compounding::Compounding;
use crate::domain::valuation::curve::ZeroCurve;
use proptest::prelude::*;
use std::str::FromStr;

pub(crate) fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn flat(rate: Decimal, compounding: Compounding, basis: TimeBasis) -> Discounting {
    Discounting::Flat {
        rate,
        compounding,
        basis,
    }
}

/// The DPRK remainder: 40 semi-annual instalments of 27,250,000.00, the
/// first six months after 2014-05-05.
pub(crate) fn dprk_flows() -> Vec<CashFlow> {
    (1..=40)
        .map(|k| CashFlow {
            date: date(2014, 5, 5)
                .checked_add_months(chrono::Months::new(6 * k))
                .unwrap(),
            amount: d("27250000.00"),
        })
        .collect()
}

#[test]
fn dprk_remainder_at_five_percent() {
    let valuation = date(2014, 5, 5);
    let discounting = flat(
        d("0.05"),
        Compounding::AnnualEffective,
        TimeBasis::Thirty360,
    );
    let pv = present_value(&dprk_flows(), valuation, &discounting).unwrap();
    // python3: getcontext().prec = 50; v = Decimal("1.05").ln();
    //   sum(27250000 * (v * -k / 2).exp() for k in 1..=40)
    // (agrees with sum(27250000 / Decimal("1.05").sqrt() ** k) to 1e-40)
    let reference = decimal_reference("687576793.93019790310680146062211120982680416996590");
    let bound = d("1e-27") * pv.value;
    assert!(
        (pv.value - reference).abs() <= bound,
        "{} vs {reference}",
        pv.value
    );
    assert_eq!(pv.face, d("1090000000"));
    assert_eq!(pv.average_life_years, d("10.25"));
    // python3: same dfs; sum(k/2 * 27250000 * df) / pv
    let duration = decimal_reference("8.6499158896830692248952571933762817292006021700374");
    assert!((pv.macaulay_duration_years - duration).abs() < d("1e-26"));

    let ge = crate::domain::valuation::grant_element::grant_element(pv.face, pv.value).unwrap();
    // python3: 1 - pv / 1090000000
    assert!(
        (ge - decimal_reference("0.36919560189890100632403535722742090841577599085697")).abs()
            < d("1e-26")
    );
    assert!((ge - d("0.3692")).abs() < d("0.0001"));
    let cut = Decimal::ONE - pv.value / d("10960000000");
    // python3: 1 - pv / Decimal("10.96e9")
    assert!(
        (cut - decimal_reference("0.93726489106476296504499986673155919618368575091552")).abs()
            < d("1e-26")
    );
    assert!((cut - d("0.9373")).abs() < d("0.0001"));

    // Act365Fixed counts actual days: about the same answer.
    let act = flat(
        d("0.05"),
        Compounding::AnnualEffective,
        TimeBasis::Act365Fixed,
    );
    let pv_act = present_value(&dprk_flows(), valuation, &act).unwrap();
    let ge_act = Decimal::ONE - pv_act.value / pv_act.face;
    assert!((ge_act - d("0.3692")).abs() < d("0.001"), "{ge_act}");
    assert_ne!(pv_act.value, pv.value);
}

/// 1000 lent at 5% with annual interest of 50 for 10 years: PV is 1000.
fn par_loan(start: NaiveDate) -> Vec<CashFlow> {
    (1..=10)
        .map(|n| CashFlow {
            date: start
                .checked_add_months(chrono::Months::new(12 * n))
                .unwrap(),
            amount: if n == 10 { d("1050") } else { d("50") },
        })
        .collect()
}

#[test]
fn a_loan_at_the_discount_rate_has_no_grant_element() {
    for (start, basis) in [
        (date(2021, 3, 17), TimeBasis::Thirty360),
        (date(2020, 1, 1), TimeBasis::ActActIsda),
    ] {
        let pv = present_value(
            &par_loan(start),
            start,
            &flat(d("0.05"), Compounding::AnnualEffective, basis),
        )
        .unwrap();
        let ge =
            crate::domain::valuation::grant_element::grant_element(d("1000"), pv.value).unwrap();
        assert!(ge.abs() < d("1e-18"), "{basis:?}: {ge}");
        assert!(
            (pv.value - d("1000")).abs() <= d("1e-24"),
            "{basis:?}: {}",
            pv.value
        );
    }
    // With the disbursement as a flow at the valuation date the stream is
    // worth exactly nothing: no duration, no spurious overflow.
    let start = date(2021, 3, 17);
    let mut with_disbursement = par_loan(start);
    with_disbursement.push(CashFlow {
        date: start,
        amount: d("-1000"),
    });
    let pv = present_value(
        &with_disbursement,
        start,
        &flat(
            d("0.05"),
            Compounding::AnnualEffective,
            TimeBasis::Thirty360,
        ),
    )
    .unwrap();
    assert_eq!(pv.value, Decimal::ZERO);
    assert_eq!(pv.macaulay_duration_years, Decimal::ZERO);
    assert_eq!(pv.face, d("500"));
    // The same loan under Act365Fixed is not exactly at par (leap days).
    let start = date(2020, 1, 1);
    let pv = present_value(
        &par_loan(start),
        start,
        &flat(
            d("0.05"),
            Compounding::AnnualEffective,
            TimeBasis::Act365Fixed,
        ),
    )
    .unwrap();
    assert!((pv.value - d("1000")).abs() > d("0.01"));
}

#[test]
fn past_due_flows_count_at_the_valuation_date() {
    let valuation = date(2014, 5, 5);
    let discounting = flat(
        d("0.05"),
        Compounding::AnnualEffective,
        TimeBasis::Thirty360,
    );
    let mut flows = vec![
        CashFlow {
            date: date(2010, 1, 1),
            amount: d("100"),
        },
        CashFlow {
            date: valuation,
            amount: d("50"),
        },
    ];
    let pv = present_value(&flows, valuation, &discounting).unwrap();
    assert_eq!(pv.value, d("150"));
    assert_eq!(pv.average_life_years, Decimal::ZERO);
    assert_eq!(pv.macaulay_duration_years, Decimal::ZERO);
    flows.push(CashFlow {
        date: date(2015, 5, 5),
        amount: d("105"),
    });
    let pv = present_value(&flows, valuation, &discounting).unwrap();
    assert_eq!(pv.value, d("250"));
    assert_eq!(pv.face, d("255"));
    // 105 * 1 / 255
    assert_eq!(pv.average_life_years, d("0.4117647058823529411764705882"));
    // 1 * 100 / 250
    assert_eq!(pv.macaulay_duration_years, d("0.4"));
}

#[test]
fn order_zero_and_empty_streams() {
    let valuation = date(2014, 5, 5);
    let discounting = flat(
        d("0.05"),
        Compounding::AnnualEffective,
        TimeBasis::Act365Fixed,
    );
    let mut flows = dprk_flows();
    let sorted = present_value(&flows, valuation, &discounting).unwrap();
    flows.reverse();
    flows.swap(3, 17);
    assert_eq!(
        present_value(&flows, valuation, &discounting).unwrap(),
        sorted
    );
    let empty = present_value(&[], valuation, &discounting).unwrap();
    assert_eq!(
        empty,
        PresentValue {
            value: Decimal::ZERO,
            face: Decimal::ZERO,
            average_life_years: Decimal::ZERO,
            macaulay_duration_years: Decimal::ZERO,
        }
    );
}

#[test]
fn curve_valuation_matches_flat_for_a_flat_curve() {
    let valuation = date(2014, 5, 5);
    let curve = ZeroCurve::new(vec![(d("0.5"), d("0.05")), (d("20"), d("0.05"))]).unwrap();
    let on_curve = Discounting::Curve {
        curve,
        compounding: Compounding::AnnualEffective,
        basis: TimeBasis::Thirty360,
    };
    let a = present_value(&dprk_flows(), valuation, &on_curve).unwrap();
    let b = present_value(
        &dprk_flows(),
        valuation,
        &flat(
            d("0.05"),
            Compounding::AnnualEffective,
            TimeBasis::Thirty360,
        ),
    )
    .unwrap();
    assert!((a.value - b.value).abs() <= d("1e-18"));
    assert_eq!(a.average_life_years, b.average_life_years);
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let valuation = date(2014, 5, 5);
    let flows = vec![
        CashFlow {
            date: date(2014, 5, 5),
            amount: Decimal::MAX,
        },
        CashFlow {
            date: date(2014, 5, 5),
            amount: Decimal::MAX,
        },
    ];
    let discounting = flat(
        d("0.05"),
        Compounding::AnnualEffective,
        TimeBasis::Act365Fixed,
    );
    assert!(matches!(
        present_value(&flows, valuation, &discounting),
        Err(DomainError::Overflow { .. })
    ));
    let growing = flat(
        d("-0.99"),
        Compounding::AnnualEffective,
        TimeBasis::Act365Fixed,
    );
    let later = vec![CashFlow {
        date: date(2044, 5, 5),
        amount: d("1000000"),
    }];
    assert!(matches!(
        present_value(&later, valuation, &growing),
        Err(DomainError::Overflow { .. })
    ));
    let bad = flat(d("-1.5"), Compounding::Continuous, TimeBasis::Act365Fixed);
    assert!(matches!(
        present_value(&later, valuation, &bad),
        Err(DomainError::InvalidInput { .. })
    ));
}

fn basis_strategy() -> impl Strategy<Value = TimeBasis> {
    prop_oneof![
        Just(TimeBasis::Act365Fixed),
        Just(TimeBasis::ActActIsda),
        Just(TimeBasis::Thirty360),
        Just(TimeBasis::Act360),
        Just(TimeBasis::Months),
    ]
}

fn compounding_strategy() -> impl Strategy<Value = Compounding> {
    prop_oneof![
        Just(Compounding::AnnualEffective),
        (1u32..=365).prop_map(|m| Compounding::Periodic {
            periods_per_year: m
        }),
        Just(Compounding::Continuous),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Positive flows in the future are worth strictly less at a higher
    /// rate. Rates in basis points and horizons up to 30 years keep the
    /// difference well above the last decimal kept.
    #[test]
    fn present_value_strictly_decreases_in_the_rate(
        low in -5000i64..10000,
        step in 1i64..2000,
        days in proptest::collection::vec(1u64..(30 * 365), 1..20),
        amounts in proptest::collection::vec(1i64..1_000_000_000, 20),
        basis in basis_strategy(),
        compounding in compounding_strategy(),
    ) {
        let valuation = date(2020, 2, 29);
        let flows: Vec<CashFlow> = days
            .iter()
            .zip(&amounts)
            .map(|(n, a)| CashFlow {
                date: valuation + chrono::Days::new(*n),
                amount: Decimal::new(*a, 2),
            })
            .collect();
        let r1 = Decimal::new(low, 4);
        let r2 = Decimal::new(low + step, 4);
        let pv1 = present_value(&flows, valuation, &flat(r1, compounding, basis)).unwrap();
        let pv2 = present_value(&flows, valuation, &flat(r2, compounding, basis)).unwrap();
        prop_assert!(pv1.value > pv2.value, "{} at {r1} vs {} at {r2}", pv1.value, pv2.value);
    }

    /// Any rate in (-0.99, 10), up to 1,200 flows within 100 years, any
    /// amounts: a result or an error, never a panic.
    #[test]
    fn no_panic_for_long_streams(
        rate in -9_899_999i64..100_000_000,
        flows in proptest::collection::vec((0u64..36_525, any::<i64>(), 0u32..=12), 0..1200),
        basis in basis_strategy(),
        compounding in compounding_strategy(),
        past in 0u64..400,
    ) {
        let valuation = date(2030, 12, 31);
        let flows: Vec<CashFlow> = flows
            .iter()
            .map(|(n, a, s)| CashFlow {
                date: valuation + chrono::Days::new(*n) - chrono::Days::new(past),
                amount: Decimal::new(*a, *s),
            })
            .collect();
        let rate = Decimal::new(rate, 7);
        let result = present_value(&flows, valuation, &flat(rate, compounding, basis));
        if let Ok(pv) = result {
            prop_assert!(pv.value.abs() <= Decimal::MAX);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The curve path computes each flow on its own: fewer cases.
    #[test]
    fn no_panic_on_a_curve(
        rates in proptest::collection::vec(-9_899i64..100_000, 1..6),
        flows in proptest::collection::vec((0u64..36_525, any::<i64>()), 0..300),
        compounding in compounding_strategy(),
    ) {
        let valuation = date(2030, 12, 31);
        let points = rates
            .iter()
            .enumerate()
            .map(|(i, r)| (Decimal::from(i as u32 * 7 + 1), Decimal::new(*r, 4)))
            .collect();
        let discounting = Discounting::Curve {
            curve: ZeroCurve::new(points).unwrap(),
            compounding,
            basis: TimeBasis::ActActIsda,
        };
        let flows: Vec<CashFlow> = flows
            .iter()
            .map(|(n, a)| CashFlow {
                date: valuation + chrono::Days::new(*n),
                amount: Decimal::new(*a, 2),
            })
            .collect();
        let _ = present_value(&flows, valuation, &discounting);
    }
}
