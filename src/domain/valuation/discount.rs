//! Discount factors for a set of dates: the hot path of every valuation.
//!
//! **Flat rate.** `DF(t) = e^(-L t)` and `t` is a whole number of basis
//! units (days, or 30/360 days) over a fixed number per year, so the factor
//! of one unit, `v = e^(-L / units_per_year)`, is computed once per valuation
//! (one `ln`, one `exp`; two factors under ActActIsda, for common and leap
//! days) and each flow's factor is `v^units`. Flows are taken in date order
//! and each factor is the previous one times `v^(units - previous units)`,
//! by exponentiation by squaring (about `2 log2(gap)` products, and the
//! powers of the last few gaps are kept, so a regular schedule costs about
//! one product per flow) and no transcendental call.
//!
//! **Curve.** The rate depends on `t`, so each flow costs one `exp` (and
//! one `ln` under linear interpolation of the given rates); see
//! [`super::curve`] for interpolation and extrapolation.
//!
//! All of it is carried at [`crate::domain::numerics::big_float::PRECISION_BITS`] bits; see
//! [`super::precision`] for the guaranteed error.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::basis::{TimeBasis, Units, LEAP_YEAR_DAYS};
use super::compounding::Compounding;
use super::curve::ZeroCurve;
use crate::domain::error::DomainError;
use crate::domain::numerics::big_float::BigFloat;
use crate::domain::numerics::rational;

/// How cash flows are discounted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Discounting {
    /// One rate for every date.
    Flat {
        rate: Decimal,
        compounding: Compounding,
        basis: TimeBasis,
    },
    /// Zero rates by tenor (in years of `basis`), under `compounding`.
    Curve {
        curve: ZeroCurve,
        compounding: Compounding,
        basis: TimeBasis,
    },
}

impl Discounting {
    pub fn basis(&self) -> TimeBasis {
        match self {
            Self::Flat { basis, .. } | Self::Curve { basis, .. } => *basis,
        }
    }

    pub fn compounding(&self) -> Compounding {
        match self {
            Self::Flat { compounding, .. } | Self::Curve { compounding, .. } => *compounding,
        }
    }
}

/// Beyond this `|L t|` a factor is flushed to zero or overflows; matches the
/// limit of [`BigFloat::exp`].
const LOG_LIMIT: f64 = 1.0e6;

/// A prepared discounting: validated, with the per-unit factors of a flat
/// rate computed.
pub(crate) enum Engine<'a> {
    Flat {
        basis: TimeBasis,
        /// `L`, for range checks.
        log_growth: f64,
        /// Factor of one primary unit, and of one leap day (ActActIsda);
        /// `None` where `e^(-L / n)` itself overflows.
        unit: Option<BigFloat>,
        leap_unit: Option<BigFloat>,
    },
    Curve {
        basis: TimeBasis,
        compounding: Compounding,
        curve: &'a ZeroCurve,
        /// The continuous rates of the curve's points.
        continuous: Vec<BigFloat>,
    },
}

impl<'a> Engine<'a> {
    pub(crate) fn new(discounting: &'a Discounting) -> Result<Self, DomainError> {
        match discounting {
            Discounting::Flat {
                rate,
                compounding,
                basis,
            } => {
                let l = compounding.log_growth(&rational::from_decimal(*rate))?;
                let per_unit = |n: u64| {
                    l.div(&BigFloat::from_bigint(n.into()))
                        .and_then(|x| x.neg().exp())
                };
                let leap_unit = if *basis == TimeBasis::ActActIsda {
                    per_unit(LEAP_YEAR_DAYS)
                } else {
                    None
                };
                Ok(Self::Flat {
                    basis: *basis,
                    log_growth: l.to_f64(),
                    unit: per_unit(basis.primary_per_year()),
                    leap_unit,
                })
            }
            Discounting::Curve {
                curve,
                compounding,
                basis,
            } => {
                compounding.validate()?;
                curve.validate()?;
                Ok(Self::Curve {
                    basis: *basis,
                    compounding: *compounding,
                    curve,
                    continuous: curve.continuous_rates(*compounding)?,
                })
            }
        }
    }

    pub(crate) fn basis(&self) -> TimeBasis {
        match self {
            Self::Flat { basis, .. } | Self::Curve { basis, .. } => *basis,
        }
    }

    /// The discount factors for `units`, best in ascending order (dates in
    /// ascending order give that; out of order costs a recomputation). `matters[i]` is false for flows
    /// of zero amount: their factor is reported as 0 and may not overflow.
    pub(crate) fn factors(
        &self,
        units: &[Units],
        matters: &[bool],
    ) -> Result<Vec<BigFloat>, DomainError> {
        match self {
            Self::Flat {
                basis,
                log_growth,
                unit,
                leap_unit,
            } => flat_factors(
                *basis,
                *log_growth,
                unit.as_ref(),
                leap_unit.as_ref(),
                units,
                matters,
            ),
            Self::Curve {
                basis,
                compounding,
                curve,
                continuous,
            } => units
                .iter()
                .zip(matters)
                .map(|(u, matters)| {
                    if *u == Units::default() {
                        return Ok(BigFloat::one());
                    }
                    let t = basis.years(*u);
                    let log_discount = curve.log_discount(&t, *compounding, continuous)?;
                    match log_discount.neg().exp() {
                        Some(df) => Ok(df),
                        None if !matters => Ok(BigFloat::zero()),
                        None => Err(overflow()),
                    }
                })
                .collect(),
        }
    }
}

fn overflow() -> DomainError {
    DomainError::Overflow {
        quantity: "discount factor",
    }
}

fn flat_factors(
    basis: TimeBasis,
    log_growth: f64,
    unit: Option<&BigFloat>,
    leap_unit: Option<&BigFloat>,
    units: &[Units],
    matters: &[bool],
) -> Result<Vec<BigFloat>, DomainError> {
    let primary_per_year = basis.primary_per_year() as f64;
    let mut out = Vec::with_capacity(units.len());
    // The running product: `current` is the factor of `at`.
    let mut at = Units::default();
    let mut current = BigFloat::one();
    let mut primary_powers = Powers::new(unit);
    let mut leap_powers = Powers::new(leap_unit);
    for (u, matters) in units.iter().zip(matters) {
        // One factor of a long stream: a step the caller can cancel.
        crate::domain::cancel::check()?;
        let years = u.primary as f64 / primary_per_year + u.leap as f64 / LEAP_YEAR_DAYS as f64;
        let exponent = -log_growth * years;
        if exponent < -LOG_LIMIT {
            // Below e^-1e6: zero at any decimal precision.
            out.push(BigFloat::zero());
            continue;
        }
        if exponent > LOG_LIMIT {
            if *matters {
                return Err(overflow());
            }
            out.push(BigFloat::zero());
            continue;
        }
        let from = if u.primary >= at.primary && u.leap >= at.leap {
            at
        } else {
            // Not reached for dates in order; recompute from the start.
            current = BigFloat::one();
            Units::default()
        };
        if let Some(step) = primary_powers.get(u.primary - from.primary)? {
            current = current.mul(step);
        }
        if let Some(step) = leap_powers.get(u.leap - from.leap)? {
            current = current.mul(step);
        }
        at = *u;
        out.push(current.clone());
    }
    Ok(out)
}

/// Powers of a per-unit factor, remembering the last few exponents: the gaps
/// between the flows of a schedule take few distinct values (181 to 184 days
/// for semi-annual flows), so most flows cost one product.
struct Powers<'a> {
    base: Option<&'a BigFloat>,
    cache: Vec<(u64, BigFloat)>,
}

impl<'a> Powers<'a> {
    const CACHE: usize = 8;

    fn new(base: Option<&'a BigFloat>) -> Self {
        Self {
            base,
            cache: Vec::with_capacity(Self::CACHE),
        }
    }

    /// `base^n`, or `None` for `n = 0` (a factor of exactly 1).
    fn get(&mut self, n: u64) -> Result<Option<&BigFloat>, DomainError> {
        if n == 0 {
            return Ok(None);
        }
        let base = self.base.ok_or_else(overflow)?;
        let index = match self.cache.iter().position(|(k, _)| *k == n) {
            Some(index) => index,
            None => {
                if self.cache.len() == Self::CACHE {
                    self.cache.remove(0);
                }
                self.cache.push((n, base.pow(n)));
                self.cache.len() - 1
            }
        };
        Ok(Some(&self.cache[index].1))
    }
}

/// The discount factor of `date` seen from `valuation_date`, rounded
/// half-even to 28 decimals (1 for dates on or before the valuation date).
pub fn discount_factor(
    valuation_date: NaiveDate,
    date: NaiveDate,
    discounting: &Discounting,
) -> Result<Decimal, DomainError> {
    let engine = Engine::new(discounting)?;
    let units = engine.basis().units(valuation_date, date);
    let factors = engine.factors(&[units], &[true])?;
    factors[0].to_decimal("discount factor")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::numerics::rational::decimal_reference;
    use crate::domain::rounding::pow10;
    use num_bigint::BigInt;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn flat(rate: &str, compounding: Compounding, basis: TimeBasis) -> Discounting {
        Discounting::Flat {
            rate: d(rate),
            compounding,
            basis,
        }
    }

    /// |approx - num/den| <= 10^-digits |num/den|, exactly.
    fn within(approx: &BigFloat, num: &BigInt, den: &BigInt, digits: u32) -> bool {
        let (a_num, a_den) = approx.to_ratio();
        (&a_num * den - num * &a_den).abs() * pow10(digits) <= (num * &a_den).abs()
    }

    use num_traits::Signed;

    /// The hot path (per-day factor, running product) against the exact
    /// rational (1 + r)^-n: dates 365 n days apart are n years under
    /// Act365Fixed, 360 n days under Act360.
    #[test]
    fn running_product_matches_exact_powers_to_1e60() {
        for (rate_text, basis) in [
            ("0.05", TimeBasis::Act365Fixed),
            ("0.0725", TimeBasis::Act360),
            ("-0.35", TimeBasis::Act365Fixed),
            ("9.5", TimeBasis::Act360),
        ] {
            let rate = d(rate_text);
            let discounting = flat(rate_text, Compounding::AnnualEffective, basis);
            let engine = Engine::new(&discounting).unwrap();
            let per_year = basis.primary_per_year();
            let years: Vec<u64> = vec![1, 2, 3, 7, 10, 25, 40, 99, 100];
            let units: Vec<Units> = years
                .iter()
                .map(|n| Units {
                    primary: n * per_year,
                    leap: 0,
                })
                .collect();
            let factors = engine.factors(&units, &[true; 9]).unwrap();
            let (num, den) = crate::domain::numerics::rational::decimal_ratio(rate);
            for (n, df) in years.iter().zip(&factors) {
                // (1 + r)^-n = den^n / (den + num)^n
                let exact_num = num_traits::pow(den.clone(), *n as usize);
                let exact_den = num_traits::pow(&den + &num, *n as usize);
                assert!(
                    within(df, &exact_num, &exact_den, 60),
                    "rate {rate_text} {basis:?} n = {n}"
                );
            }
        }
    }

    #[test]
    fn act_act_isda_whole_years_are_exact_powers() {
        // 1 Jan to 1 Jan: one year each, leap or not, so DF = 1.06^-n.
        let discounting = flat("0.06", Compounding::AnnualEffective, TimeBasis::ActActIsda);
        let engine = Engine::new(&discounting).unwrap();
        let v = date(2019, 1, 1);
        let units: Vec<Units> = (1..=12)
            .map(|n| TimeBasis::ActActIsda.units(v, date(2019 + n, 1, 1)))
            .collect();
        let factors = engine.factors(&units, &[true; 12]).unwrap();
        for (n, df) in (1..=12usize).zip(&factors) {
            let exact_num = num_traits::pow(BigInt::from(100), n);
            let exact_den = num_traits::pow(BigInt::from(106), n);
            assert!(within(df, &exact_num, &exact_den, 60), "n = {n}");
        }
    }

    #[test]
    fn continuous_and_periodic_against_python_decimal() {
        let v = date(2024, 1, 15);
        // python3: getcontext().prec = 50;
        //   (Decimal("-0.07") * Decimal(days) / Decimal(365)).exp()
        for (days, want) in [
            (100, "0.98100464722872575251939166713290295316601356986474"),
            (1000, "0.82548777749325788169134340211253661336601691180364"),
            (
                10000,
                "0.14692864485854655765050739377603251300881181383799",
            ),
        ] {
            let df = discount_factor(
                v,
                v + chrono::Days::new(days),
                &flat("0.07", Compounding::Continuous, TimeBasis::Act365Fixed),
            )
            .unwrap();
            let want = decimal_reference(want);
            assert!((df - want).abs() <= d("1e-28"), "{days}: {df} vs {want}");
        }
        // python3: getcontext().prec = 50;
        //   ((1 + Decimal("0.06") / 12).ln() * Decimal(-12 * days) / 360).exp()
        for (days, want) in [
            (45, "0.99254660309217204280877891648482019357812985928815"),
            (7300, "0.29711526999368843345601468041120590533963516386428"),
        ] {
            let df = discount_factor(
                v,
                v + chrono::Days::new(days),
                &flat(
                    "0.06",
                    Compounding::Periodic {
                        periods_per_year: 12,
                    },
                    TimeBasis::Act360,
                ),
            )
            .unwrap();
            let want = decimal_reference(want);
            assert!((df - want).abs() <= d("1e-28"), "{days}: {df} vs {want}");
        }
    }

    #[test]
    fn curve_discount_factors_against_python_decimal() {
        let curve = ZeroCurve::new(vec![
            (d("1"), d("0.02")),
            (d("2"), d("0.03")),
            (d("5"), d("0.045")),
        ])
        .unwrap();
        let discounting = Discounting::Curve {
            curve,
            compounding: Compounding::AnnualEffective,
            basis: TimeBasis::Thirty360,
        };
        let v = date(2020, 3, 10);
        // python3: getcontext().prec = 50; the rate interpolated by hand, then
        //   (1 + r) ** -t  as  ((1 + r).ln() * -t).exp()
        for (when, want) in [
            // t = 0.5 (before the first tenor): r = 0.02
            (
                date(2020, 9, 10),
                "0.99014754297667430915327312912447065790234303573330",
            ),
            // t = 1: r = 0.02
            (
                date(2021, 3, 10),
                "0.98039215686274509803921568627450980392156862745098",
            ),
            // t = 1.5: r = 0.025
            (
                date(2021, 9, 10),
                "0.96363863087764839658521843140517168753017677022467",
            ),
            // t = 3.5: r = 0.0375
            (
                date(2023, 9, 10),
                "0.87910678333363219182174929129510863300805677422377",
            ),
            // t = 30 (beyond the last tenor): r = 0.045
            (
                date(2050, 3, 10),
                "0.26700001550700206256972673384542080767740576677013",
            ),
        ] {
            let df = discount_factor(v, when, &discounting).unwrap();
            let want = decimal_reference(want);
            assert!((df - want).abs() <= d("1e-28"), "{when}: {df} vs {want}");
        }
    }

    #[test]
    fn past_and_present_dates_have_factor_one() {
        let discounting = flat("0.05", Compounding::AnnualEffective, TimeBasis::Act365Fixed);
        let v = date(2014, 5, 5);
        assert_eq!(discount_factor(v, v, &discounting).unwrap(), Decimal::ONE);
        assert_eq!(
            discount_factor(v, date(1990, 1, 1), &discounting).unwrap(),
            Decimal::ONE
        );
    }

    #[test]
    fn extreme_factors_flush_or_overflow() {
        let v = date(2000, 1, 1);
        let far = date(2100, 1, 1);
        // e^(-1e9 * 100): zero.
        let huge = flat(
            "1000000000",
            Compounding::Continuous,
            TimeBasis::Act365Fixed,
        );
        assert_eq!(discount_factor(v, far, &huge).unwrap(), Decimal::ZERO);
        // 0.0001^-100 = 1e400 does not fit a decimal.
        let negative = flat(
            "-0.9999",
            Compounding::AnnualEffective,
            TimeBasis::Act365Fixed,
        );
        assert_eq!(
            discount_factor(v, far, &negative),
            Err(DomainError::Overflow {
                quantity: "discount factor"
            })
        );
        // Beyond e^1e6 the engine itself refuses, except for a zero flow.
        // (No rate above -1 gets there before the year 9999; the guard is
        // for the internal exponent range.)
        let engine = Engine::Flat {
            basis: TimeBasis::Act365Fixed,
            log_growth: -1.0e5,
            unit: None,
            leap_unit: None,
        };
        let u = TimeBasis::Act365Fixed.units(v, far);
        assert!(engine.factors(&[u], &[false]).unwrap()[0].is_zero());
        assert_eq!(engine.factors(&[u], &[true]), Err(overflow()));
    }

    #[test]
    fn invalid_rates_are_errors() {
        let v = date(2000, 1, 1);
        let bad = flat("-1", Compounding::AnnualEffective, TimeBasis::Act365Fixed);
        assert!(matches!(
            discount_factor(v, v, &bad),
            Err(DomainError::InvalidInput {
                quantity: "discount rate",
                ..
            })
        ));
    }

    #[test]
    fn curve_rules_against_python_decimal() {
        use crate::domain::valuation::curve::{CurveExtrapolation as E, CurveInterpolation as I};
        let points = vec![
            (d("1"), d("0.02")),
            (d("2"), d("0.03")),
            (d("5"), d("0.045")),
        ];
        let v = date(2020, 3, 10);
        let check = |interpolation, extrapolation, compounding, when, want: &str| {
            let curve = ZeroCurve::new(points.clone())
                .unwrap()
                .with_rules(interpolation, extrapolation);
            let discounting = Discounting::Curve {
                curve,
                compounding,
                basis: TimeBasis::Thirty360,
            };
            let df = discount_factor(v, when, &discounting).unwrap();
            let want = decimal_reference(want);
            assert!(
                (df - want).abs() <= d("1e-28"),
                "{interpolation:?} {extrapolation:?} {when}: {df} vs {want}"
            );
        };
        let annual = Compounding::AnnualEffective;
        // python3: L_i = Decimal(1 + r_i).ln(); t = 3.5: L = (L_2 + L_5) / 2,
        //   (-L * Decimal("3.5")).exp()
        check(
            I::LinearContinuousZeroRate,
            E::FlatZero,
            annual,
            date(2023, 9, 10),
            "0.879187183547211221550847713204238974547873897935399590453114",
        );
        // t = 30: f = L_5 + 5 (L_5 - L_2) / 3, (-(5 L_5 + 25 f)).exp()
        check(
            I::LinearContinuousZeroRate,
            E::FlatForward,
            annual,
            date(2050, 3, 10),
            "0.146178515567970255153703890502627015807745347797003773015204",
        );
        // Linear in the given rates: f = L_5 + 5 (0.015 / 3) / 1.045.
        check(
            I::LinearZeroRate,
            E::FlatForward,
            annual,
            date(2050, 3, 10),
            "0.146813429275835834811379378338972618614441597388015506291074",
        );
        // Semi-annual: L(r) = 2 ln(1 + r/2), dL/dr = 1 / (1 + r/2); t = 10.
        check(
            I::LinearZeroRate,
            E::FlatForward,
            Compounding::Periodic {
                periods_per_year: 2,
            },
            date(2030, 3, 10),
            "0.567076214347184151545333849897020791671133665897727179593558",
        );
        // Before the first tenor every rule is the flat first zero rate.
        for (interpolation, extrapolation) in [
            (I::LinearZeroRate, E::FlatZero),
            (I::LinearContinuousZeroRate, E::FlatForward),
        ] {
            check(
                interpolation,
                extrapolation,
                annual,
                date(2020, 9, 10),
                "0.990147542976674309153273129124470657902343035733295386456179",
            );
        }
        // The default is the original rule: flat zero beyond the last tenor.
        check(
            I::default(),
            E::default(),
            annual,
            date(2050, 3, 10),
            "0.267000015507002062569726733845420807677405766770149180698923",
        );
    }
}
