//! Present value of a stream of cash flows, with its face, average life and
//! Macaulay duration.
//!
//! Conventions:
//! - `t` is measured from the valuation date under the discounting's
//!   [`super::basis::TimeBasis`].
//! - A flow dated on or before the valuation date counts as due at the
//!   valuation date: `t = 0`, `DF = 1`. This is how past-due amounts enter
//!   the Sturzenegger-Zettelmeyer haircut; it also makes them count with
//!   `t = 0` in the average life and duration.
//! - Amounts may be negative (a disbursement); all of them are summed.
//! - A stream whose face is zero has average life 0; one whose present
//!   value rounds to zero (at 28 decimals) has duration 0: the ratio is
//!   undefined and 0 is reported, as for a share of nothing. Average life
//!   and duration are meant for streams of one sign; for mixed signs they
//!   are computed by the same formulas (and may overflow: an error).
//! - The order of `flows` does not matter.
//!
//! Precision: see [`super::precision`]; `value` is within
//! `1e-27 * max(1, sum(|CF| * DF))` of the exact present value, `face` is
//! exact whenever it fits a `Decimal`, the average life is the exact ratio
//! rounded half-even to 28 decimals.

use chrono::NaiveDate;
use num_bigint::BigInt;
use num_traits::Zero;
use rust_decimal::Decimal;
use std::sync::OnceLock;

use super::basis::{TimeBasis, Units};
use super::discount::{Discounting, Engine};
use super::precision::{ratio_to_decimal, BigFloat};
use crate::domain::error::DomainError;
use crate::domain::rounding::pow10;

/// An amount due on a date. All flows of a valuation are in one currency;
/// the API layer checks that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CashFlow {
    pub date: NaiveDate,
    pub amount: Decimal,
}

/// The valuation of a stream of cash flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentValue {
    /// `sum(CF * DF)`, unrounded: full `Decimal` precision (see the module
    /// documentation for the bound).
    pub value: Decimal,
    /// `sum(CF)`, undiscounted.
    pub face: Decimal,
    /// `sum(t * CF) / sum(CF)`, undiscounted, in years.
    pub average_life_years: Decimal,
    /// `sum(t * CF * DF) / value`, in years.
    pub macaulay_duration_years: Decimal,
}

/// Values `flows` at `valuation_date`.
pub fn present_value(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Result<PresentValue, DomainError> {
    let engine = Engine::new(discounting)?;
    let basis = engine.basis();
    let DatedFlows {
        order,
        units,
        matters,
    } = DatedFlows::new(flows, valuation_date, basis);
    let factors = engine.factors(&units, &matters)?;

    // Exact sums: amounts scaled to 28 decimals (integers), times scaled to
    // the common denominator of the basis; the present value is carried
    // scaled by 10^28 too.
    let mut face = BigInt::zero();
    let mut weighted_face = BigInt::zero();
    let mut value = BigFloat::zero();
    let mut weighted_value = BigFloat::zero();
    for ((&i, u), factor) in order.iter().zip(&units).zip(&factors) {
        // One flow of a long stream: a step the caller can cancel.
        crate::domain::cancel::check()?;
        let amount = flows[i].amount;
        if amount.is_zero() {
            continue;
        }
        let scaled = scaled_amount(amount);
        let t = basis.year_numerator(*u);
        weighted_face += &scaled * t;
        let term = discounted_term(&scaled, factor);
        if t != 0 {
            weighted_value = weighted_value.add(&term.mul(&BigFloat::from_bigint(t.into())));
        }
        value = value.add(&term);
        face += scaled;
    }
    let year = BigInt::from(basis.year_denominator());
    let average_life_years = if face.is_zero() {
        Decimal::ZERO
    } else {
        ratio_to_decimal(&weighted_face, &(&face * &year), "average life")?
    };
    let reported = reported_value(&value)?;
    // A present value that rounds to zero (a loan with its disbursement,
    // valued at its own rate) has no duration; 0 is reported.
    let macaulay_duration_years = if reported.is_zero() {
        Decimal::ZERO
    } else {
        weighted_value
            .div(&value)
            .and_then(|ratio| ratio.div(&BigFloat::from_bigint(year)))
            .unwrap_or_else(BigFloat::zero)
            .to_decimal("duration")?
    };
    Ok(PresentValue {
        value: reported,
        face: ratio_to_decimal(&face, &pow10(28), "face value")?,
        average_life_years,
        macaulay_duration_years,
    })
}

/// Flows in date order with their times: what a set of discount factors is
/// computed for ([`Engine::factors`]). It depends on the flows, the
/// valuation date and the time basis, never on the rate, so a sweep over
/// rates prepares it once per stream (see [`super::sweep`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatedFlows {
    /// Indices into the flows, by date (a stable sort).
    pub(crate) order: Vec<usize>,
    /// The time of each flow in `order`.
    pub(crate) units: Vec<Units>,
    /// False for a flow of zero amount (its factor may not overflow).
    pub(crate) matters: Vec<bool>,
}

impl DatedFlows {
    pub(crate) fn new(flows: &[CashFlow], valuation_date: NaiveDate, basis: TimeBasis) -> Self {
        let mut order: Vec<usize> = (0..flows.len()).collect();
        order.sort_by_key(|&i| flows[i].date);
        let units = order
            .iter()
            .map(|&i| basis.units(valuation_date, flows[i].date))
            .collect();
        let matters = order.iter().map(|&i| !flows[i].amount.is_zero()).collect();
        Self {
            order,
            units,
            matters,
        }
    }
}

/// `amount x 10^28`, an integer.
fn scaled_amount(amount: Decimal) -> BigInt {
    BigInt::from(amount.mantissa()) * power_of_ten(28 - amount.scale())
}

/// CF * 10^28 * DF: an integer times the factor, no division.
fn discounted_term(scaled: &BigInt, factor: &BigFloat) -> BigFloat {
    factor.mul(&BigFloat::from_bigint(scaled.clone()))
}

/// The reported present value of a sum of [`discounted_term`]s.
fn reported_value(value: &BigFloat) -> Result<Decimal, DomainError> {
    value
        .div(&BigFloat::from_bigint(pow10(28)))
        .unwrap_or_else(BigFloat::zero)
        .to_decimal("present value")
}

/// The present value of `flows` (`dated` from them) at `factors`
/// (`Engine::factors` of `dated`): the `value` of [`present_value`], by the
/// same terms in the same order, so it is the same figure to the last
/// digit; nothing else (face, average life, duration) is computed.
pub(crate) fn discounted_value(
    flows: &[CashFlow],
    dated: &DatedFlows,
    factors: &[BigFloat],
) -> Result<Decimal, DomainError> {
    let mut value = BigFloat::zero();
    for (&i, factor) in dated.order.iter().zip(factors) {
        let amount = flows[i].amount;
        if amount.is_zero() {
            continue;
        }
        value = value.add(&discounted_term(&scaled_amount(amount), factor));
    }
    reported_value(&value)
}

/// The weighted average life of `flows` (for a loan, its principal
/// repayments): `sum(t * amount) / sum(amount)` in years of `basis`,
/// undiscounted, exact and rounded half-even to 28 decimals; 0 when the
/// amounts add up to zero. Flows on or before the valuation date count with
/// `t = 0`.
pub fn average_life(
    flows: &[CashFlow],
    valuation_date: NaiveDate,
    basis: TimeBasis,
) -> Result<Decimal, DomainError> {
    let mut total = BigInt::zero();
    let mut weighted = BigInt::zero();
    for flow in flows {
        let scaled = scaled_amount(flow.amount);
        weighted += &scaled * basis.year_numerator(basis.units(valuation_date, flow.date));
        total += scaled;
    }
    if total.is_zero() {
        return Ok(Decimal::ZERO);
    }
    ratio_to_decimal(
        &weighted,
        &(&total * BigInt::from(basis.year_denominator())),
        "average life",
    )
}

/// `10^k` for `k <= 28`, computed once.
fn power_of_ten(k: u32) -> &'static BigInt {
    static TABLE: OnceLock<Vec<BigInt>> = OnceLock::new();
    &TABLE.get_or_init(|| (0..=28).map(pow10).collect())[k.min(28) as usize]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::valuation::basis::TimeBasis;
    use crate::domain::valuation::compounding::Compounding;
    use crate::domain::valuation::curve::ZeroCurve;
    use crate::domain::valuation::precision::decimal_reference;
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
            let ge = crate::domain::valuation::grant_element::grant_element(d("1000"), pv.value)
                .unwrap();
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
}
