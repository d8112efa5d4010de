//! A discount curve of zero rates by tenor.
//!
//! Interpolation is linear in the zero rate between neighbouring tenors and
//! flat beyond the ends: before the first tenor the first rate applies, after
//! the last the last rate. Rates are under the compounding the curve is used
//! with (see [`super::discount::Discounting::Curve`]). The interpolated rate
//! is an exact fraction; nothing is rounded before discounting.

use rust_decimal::Decimal;
use std::cmp::Ordering;

use super::precision::Ratio;
use crate::domain::error::DomainError;

/// Zero rates by tenor: `points[i] = (tenor in years, zero rate)`, tenors
/// non-negative and strictly increasing, at least one point.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ZeroCurve {
    pub points: Vec<(Decimal, Decimal)>,
}

impl ZeroCurve {
    /// A checked curve.
    pub fn new(points: Vec<(Decimal, Decimal)>) -> Result<Self, DomainError> {
        let curve = Self { points };
        curve.validate()?;
        Ok(curve)
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

    /// The zero rate at `years`, rounded half-even to 28 decimals.
    pub fn rate_at(&self, years: Decimal) -> Result<Decimal, DomainError> {
        self.validate()?;
        self.rate_at_ratio(&Ratio::from_decimal(years))
            .to_decimal("interpolated zero rate")
    }

    /// The exact zero rate at `t` years; the curve must be valid.
    pub(crate) fn rate_at_ratio(&self, t: &Ratio) -> Ratio {
        // First point with tenor >= t.
        let after = self
            .points
            .partition_point(|(tenor, _)| Ratio::from_decimal(*tenor).cmp(t) == Ordering::Less);
        if after == 0 {
            return Ratio::from_decimal(self.points[0].1);
        }
        if after == self.points.len() {
            return Ratio::from_decimal(self.points[after - 1].1);
        }
        let (t0, r0) = self.points[after - 1];
        let (t1, r1) = self.points[after];
        let (t0, r0) = (Ratio::from_decimal(t0), Ratio::from_decimal(r0));
        let (t1, r1) = (Ratio::from_decimal(t1), Ratio::from_decimal(r1));
        let weight = t
            .sub(&t0)
            .div(&t1.sub(&t0))
            .unwrap_or_else(|| Ratio::from_int(0));
        r0.add(&r1.sub(&r0).mul(&weight))
    }
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
        let r = c.rate_at_ratio(&Ratio::new(10.into(), 3.into()));
        assert_eq!(
            r.cmp(&Ratio::from_decimal(d("0.0366666666666666666666666666"))),
            Ordering::Greater
        );
        assert_eq!(r.cmp(&Ratio::new(11.into(), 300.into())), Ordering::Equal);
    }

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
