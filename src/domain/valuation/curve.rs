//! A discount curve of zero rates by tenor.
//!
//! Rates are given under the compounding the curve is used with (see
//! [`super::discount::Discounting::Curve`]); `L(r)` is the continuously
//! compounded equivalent of a rate `r` ([`Compounding::log_growth`]), so
//! `DF(t) = e^(-L(t) t)`.
//!
//! **Interpolation** between neighbouring tenors ([`CurveInterpolation`]):
//! - `LinearZeroRate` (the default, debtcalc's original rule): linear in the
//!   zero rate as given (under the curve's compounding), then converted.
//! - `LinearContinuousZeroRate`: each point converted to its continuous
//!   rate `L_i`, then linear in `L`: QuantLib's `ZeroCurve`
//!   (`InterpolatedZeroCurve<Linear>`), which converts compounded rates to
//!   continuous ones at its nodes and interpolates those. Under continuous
//!   compounding the two rules agree.
//!
//! **Extrapolation** ([`CurveExtrapolation`]): before the first tenor the
//! first point's zero rate applies (a flat zero rate from 0 is also a flat
//! forward rate, so both rules agree there). After the last tenor `T`:
//! - `FlatZero` (the default): the last zero rate.
//! - `FlatForward`: the instantaneous forward rate at `T` (from the last
//!   segment, `f = L(T) + T L'(T-)`) is held, `-ln DF(t) = L(T) T + f (t - T)`:
//!   QuantLib's extrapolation of an interpolated zero curve. A single-point
//!   curve has `L' = 0`, so both rules agree.
//!
//! Interpolation weights are exact fractions; `ln` and `exp` are the 256-bit
//! ones of [`super::precision`] (about 1e-72 relative), so a curve discount
//! factor has the relative error bound of a flat one, 1e-60.

use rust_decimal::Decimal;

use super::compounding::Compounding;
use crate::domain::error::DomainError;
use crate::domain::numerics::big_float::BigFloat;
use crate::domain::numerics::rational::{self, BigRational, RationalDecimal};
use num_traits::{CheckedDiv, One, Zero};

/// What is linear between the tenors of a curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CurveInterpolation {
    /// The zero rate under the curve's compounding.
    #[default]
    LinearZeroRate,
    /// The continuously compounded zero rate (QuantLib's `ZeroCurve`).
    LinearContinuousZeroRate,
}

/// What a curve assumes after its last tenor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CurveExtrapolation {
    /// The last zero rate.
    #[default]
    FlatZero,
    /// The instantaneous forward rate at the last tenor (QuantLib).
    FlatForward,
}

/// Zero rates by tenor: `points[i] = (tenor in years, zero rate)`, tenors
/// non-negative and strictly increasing, at least one point.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ZeroCurve {
    pub points: Vec<(Decimal, Decimal)>,
    pub interpolation: CurveInterpolation,
    pub extrapolation: CurveExtrapolation,
}

impl ZeroCurve {
    /// A checked curve with the default interpolation and extrapolation.
    pub fn new(points: Vec<(Decimal, Decimal)>) -> Result<Self, DomainError> {
        let curve = Self {
            points,
            ..Self::default()
        };
        curve.validate()?;
        Ok(curve)
    }

    /// This curve with the given interpolation and extrapolation.
    pub fn with_rules(
        self,
        interpolation: CurveInterpolation,
        extrapolation: CurveExtrapolation,
    ) -> Self {
        Self {
            interpolation,
            extrapolation,
            ..self
        }
    }

    /// At least one point; tenors non-negative and strictly increasing;
    /// rates greater than -1.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.points.is_empty() {
            return Err(DomainError::InvalidInput {
                quantity: "discount curve",
                requirement: "non-empty",
            });
        }
        if self
            .points
            .iter()
            .any(|(tenor, _)| tenor.is_sign_negative() && !tenor.is_zero())
        {
            return Err(DomainError::InvalidInput {
                quantity: "curve tenor",
                requirement: "non-negative",
            });
        }
        if self.points.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(DomainError::InvalidInput {
                quantity: "curve tenors",
                requirement: "strictly increasing",
            });
        }
        if self
            .points
            .iter()
            .any(|(_, rate)| *rate <= Decimal::NEGATIVE_ONE)
        {
            return Err(super::compounding::rate_error());
        }
        Ok(())
    }

    /// The zero rate at `years` under [`CurveInterpolation::LinearZeroRate`]
    /// with flat ends, rounded half-even to 28 decimals.
    pub fn rate_at(&self, years: Decimal) -> Result<Decimal, DomainError> {
        self.validate()?;
        self.rate_at_ratio(&rational::from_decimal(years))
            .to_decimal("interpolated zero rate")
    }

    /// The segment of `t`: `Inside(i)` for `t` in `(t_{i-1}, t_i]`, or
    /// before the first tenor or after the last one.
    fn locate(&self, t: &BigRational) -> Segment {
        // First point with tenor >= t.
        let after = self
            .points
            .partition_point(|(tenor, _)| rational::from_decimal(*tenor) < *t);
        if after == 0 {
            Segment::Before
        } else if after == self.points.len() {
            Segment::After
        } else {
            Segment::Inside(after)
        }
    }

    /// The weight of `t` between the tenors of points `i - 1` and `i`.
    fn weight(&self, i: usize, t: &BigRational) -> BigRational {
        let t0 = rational::from_decimal(self.points[i - 1].0);
        let t1 = rational::from_decimal(self.points[i].0);
        (t - &t0)
            .checked_div(&(&t1 - &t0))
            .unwrap_or_else(BigRational::zero)
    }

    /// The exact zero rate at `t` years, linear in the given rates with flat
    /// ends; the curve must be valid.
    pub(crate) fn rate_at_ratio(&self, t: &BigRational) -> BigRational {
        let rate = |i: usize| rational::from_decimal(self.points[i].1);
        match self.locate(t) {
            Segment::Before => rate(0),
            Segment::After => rate(self.points.len() - 1),
            Segment::Inside(i) => {
                let (r0, r1) = (rate(i - 1), rate(i));
                &r0 + (&r1 - &r0) * self.weight(i, t)
            }
        }
    }

    /// The continuously compounded rates of the points under `compounding`.
    pub(crate) fn continuous_rates(
        &self,
        compounding: Compounding,
    ) -> Result<Vec<BigFloat>, DomainError> {
        self.points
            .iter()
            .map(|(_, r)| compounding.log_growth(&rational::from_decimal(*r)))
            .collect()
    }

    /// `-ln DF(t) = L(t) t` for `t > 0` years under `compounding`, with
    /// `continuous` the points' continuous rates
    /// ([`Self::continuous_rates`]).
    pub(crate) fn log_discount(
        &self,
        t: &BigRational,
        compounding: Compounding,
        continuous: &[BigFloat],
    ) -> Result<BigFloat, DomainError> {
        let segment = self.locate(t);
        let last = self.points.len() - 1;
        if segment == Segment::After && self.extrapolation == CurveExtrapolation::FlatForward {
            let big_t = rational::from_decimal(self.points[last].0);
            let forward = self.forward_at_last(compounding, continuous)?;
            let beyond = BigFloat::from_rational(&(t - &big_t));
            return Ok(continuous[last]
                .mul(&BigFloat::from_rational(&big_t))
                .add(&forward.mul(&beyond)));
        }
        let rate = match (self.interpolation, segment) {
            (_, Segment::Before) => continuous[0].clone(),
            (_, Segment::After) => continuous[last].clone(),
            (CurveInterpolation::LinearZeroRate, Segment::Inside(_)) => {
                compounding.log_growth(&self.rate_at_ratio(t))?
            }
            (CurveInterpolation::LinearContinuousZeroRate, Segment::Inside(i)) => {
                let (l0, l1) = (&continuous[i - 1], &continuous[i]);
                l0.add(&l1.sub(l0).mul(&BigFloat::from_rational(&self.weight(i, t))))
            }
        };
        Ok(rate.mul(&BigFloat::from_rational(t)))
    }

    /// The instantaneous forward rate at the last tenor `T`, from the left:
    /// `L(T) + T L'(T-)`, with `L'` the slope of the last segment in
    /// continuous rates (`LinearContinuousZeroRate`) or the slope in given
    /// rates times `dL/dr` (`LinearZeroRate`: `1 / (1 + r)`,
    /// `1 / (1 + r/m)` or 1). 0 slope for a single point.
    fn forward_at_last(
        &self,
        compounding: Compounding,
        continuous: &[BigFloat],
    ) -> Result<BigFloat, DomainError> {
        let last = self.points.len() - 1;
        if last == 0 {
            return Ok(continuous[0].clone());
        }
        let (t0, r0) = self.points[last - 1];
        let (t1, r1) = self.points[last];
        let span = rational::from_decimal(t1) - rational::from_decimal(t0);
        let slope = match self.interpolation {
            CurveInterpolation::LinearContinuousZeroRate => continuous[last]
                .sub(&continuous[last - 1])
                .div(&BigFloat::from_rational(&span)),
            CurveInterpolation::LinearZeroRate => {
                let rate_slope =
                    (rational::from_decimal(r1) - rational::from_decimal(r0)).checked_div(&span);
                let per_period = match compounding {
                    Compounding::AnnualEffective => Some(rational::from_int(1)),
                    Compounding::Periodic { periods_per_year } => {
                        Some(rational::from_int(i64::from(periods_per_year)))
                    }
                    Compounding::Continuous => None,
                };
                // dL/dr = 1 / (1 + r/m) for m periods a year, 1 if continuous.
                let dl_dr = match per_period {
                    Some(m) => rational::from_decimal(r1)
                        .checked_div(&m)
                        .map(|x| x + BigRational::one())
                        .and_then(|base| rational::checked_recip(&base)),
                    None => Some(BigRational::one()),
                };
                rate_slope
                    .and_then(|s| dl_dr.map(|d| s * d))
                    .map(|x| BigFloat::from_rational(&x))
            }
        }
        .ok_or_else(super::compounding::rate_error)?;
        Ok(continuous[last].add(&slope.mul(&BigFloat::from_decimal(t1))))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    Before,
    Inside(usize),
    After,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn curve() -> ZeroCurve {
        ZeroCurve::new(vec![
            (d("1"), d("0.02")),
            (d("2"), d("0.03")),
            (d("5"), d("0.045")),
        ])
        .unwrap()
    }

    #[test]
    fn interpolates_at_between_and_beyond_tenors() {
        let c = curve();
        for (t, want) in [
            ("0", "0.02"),
            ("0.5", "0.02"),
            ("1", "0.02"),
            ("1.5", "0.025"),
            ("2", "0.03"),
            ("3", "0.035"),
            ("4.5", "0.0425"),
            ("5", "0.045"),
            ("40", "0.045"),
        ] {
            assert_eq!(c.rate_at(d(t)).unwrap(), d(want), "t = {t}");
        }
        // A third of the way from 2 to 5 years: exactly 0.03 + 0.015/3 + ...
        let r = c.rate_at_ratio(&BigRational::new(10.into(), 3.into()));
        assert!(r > rational::from_decimal(d("0.0366666666666666666666666666")));
        assert_eq!(r, BigRational::new(11.into(), 300.into()));
    }

    /// Issue 9, finding 10: the QuantLib rules (linear in continuous rates,
    /// flat forward beyond the last tenor) and flat-forward extrapolation of
    /// the original rule, against Python `decimal` at 60 digits; the 256-bit
    /// `ln` and `exp` put each factor within 1e-28 (the `Decimal` grid) of
    /// the reference, as the precision guarantee states.
    #[test]
    fn a_single_point_is_flat() {
        let c = ZeroCurve::new(vec![(d("3"), d("0.05"))]).unwrap();
        for t in ["0", "1", "3", "100"] {
            assert_eq!(c.rate_at(d(t)).unwrap(), d("0.05"));
        }
    }

    #[test]
    fn invalid_curves_are_rejected() {
        let bad = |points: Vec<(Decimal, Decimal)>| ZeroCurve::new(points).unwrap_err();
        assert!(matches!(
            bad(vec![]),
            DomainError::InvalidInput {
                quantity: "discount curve",
                ..
            }
        ));
        assert!(matches!(
            bad(vec![(d("2"), d("0.01")), (d("1"), d("0.02"))]),
            DomainError::InvalidInput {
                quantity: "curve tenors",
                ..
            }
        ));
        assert!(matches!(
            bad(vec![(d("1"), d("0.01")), (d("1.0"), d("0.02"))]),
            DomainError::InvalidInput {
                quantity: "curve tenors",
                ..
            }
        ));
        assert!(matches!(
            bad(vec![(d("-1"), d("0.01"))]),
            DomainError::InvalidInput {
                quantity: "curve tenor",
                ..
            }
        ));
        assert!(matches!(
            bad(vec![(d("1"), d("-1"))]),
            DomainError::InvalidInput {
                quantity: "discount rate",
                ..
            }
        ));
    }
}
