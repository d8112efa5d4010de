//! The `ZeroCurve` of a discounting: its points, interpolation and
//! extrapolation, validated with field paths and echoed resolved.

use rust_decimal::Decimal;

use super::convert;
use super::error::Violations;
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::valuation::{CurveExtrapolation, CurveInterpolation, ZeroCurve};

/// The most points of a zero curve.
pub const MAX_CURVE_POINTS: usize = 200;

/// Validates a `ZeroCurve` at `field` (`discounting.curve`).
pub fn parse(v: &mut Violations, field: &str, curve: &pb::ZeroCurve) -> Option<ZeroCurve> {
    let interpolation = interpolation(v, &format!("{field}.interpolation"), curve.interpolation);
    let extrapolation = extrapolation(v, &format!("{field}.extrapolation"), curve.extrapolation);
    let at = format!("{field}.points");
    if curve.points.is_empty() || curve.points.len() > MAX_CURVE_POINTS {
        v.add(
            &at,
            "CURVE_SIZE",
            format!(
                "needs 1 to {MAX_CURVE_POINTS} points, got {}",
                curve.points.len()
            ),
        );
        return None;
    }
    let mut points = Vec::with_capacity(curve.points.len());
    let mut previous: Option<Decimal> = None;
    let mut valid = true;
    for (i, point) in curve.points.iter().enumerate() {
        let tenor_field = format!("{at}[{i}].tenor_years");
        let tenor = convert::decimal(v, &tenor_field, &point.tenor_years);
        let rate = loan_terms::rate(v, &format!("{at}[{i}].zero_rate"), &point.zero_rate);
        match (tenor, rate) {
            (Some(tenor), Some(rate)) => {
                if tenor < Decimal::ZERO || previous.is_some_and(|p| tenor <= p) {
                    v.add(
                        &tenor_field,
                        "TENORS_NOT_INCREASING",
                        "tenors must be >= 0 and strictly increasing",
                    );
                    valid = false;
                }
                previous = Some(tenor);
                points.push((tenor, rate));
            }
            _ => valid = false,
        }
    }
    valid.then_some(())?;
    let curve = match ZeroCurve::new(points) {
        Ok(curve) => curve,
        Err(e) => {
            v.add(&at, "INVALID_CURVE", e.to_string());
            return None;
        }
    };
    Some(curve.with_rules(interpolation?, extrapolation?))
}

fn interpolation(v: &mut Violations, field: &str, raw: i32) -> Option<CurveInterpolation> {
    use pb::ZeroCurveInterpolation as P;
    match P::try_from(raw) {
        Ok(P::Unspecified | P::LinearZeroRate) => Some(CurveInterpolation::LinearZeroRate),
        Ok(P::LinearContinuousZeroRate) => Some(CurveInterpolation::LinearContinuousZeroRate),
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a ZeroCurveInterpolation value"),
            );
            None
        }
    }
}

fn extrapolation(v: &mut Violations, field: &str, raw: i32) -> Option<CurveExtrapolation> {
    use pb::ZeroCurveExtrapolation as P;
    match P::try_from(raw) {
        Ok(P::Unspecified | P::FlatZero) => Some(CurveExtrapolation::FlatZero),
        Ok(P::FlatForward) => Some(CurveExtrapolation::FlatForward),
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a ZeroCurveExtrapolation value"),
            );
            None
        }
    }
}

/// The curve as applied, its rules resolved.
pub fn to_pb(curve: &ZeroCurve) -> pb::ZeroCurve {
    pb::ZeroCurve {
        points: curve
            .points
            .iter()
            .map(|(tenor, rate)| pb::ZeroCurvePoint {
                tenor_years: tenor.to_string(),
                zero_rate: rate.to_string(),
            })
            .collect(),
        interpolation: match curve.interpolation {
            CurveInterpolation::LinearZeroRate => pb::ZeroCurveInterpolation::LinearZeroRate,
            CurveInterpolation::LinearContinuousZeroRate => {
                pb::ZeroCurveInterpolation::LinearContinuousZeroRate
            }
        } as i32,
        extrapolation: match curve.extrapolation {
            CurveExtrapolation::FlatZero => pb::ZeroCurveExtrapolation::FlatZero,
            CurveExtrapolation::FlatForward => pb::ZeroCurveExtrapolation::FlatForward,
        } as i32,
    }
}
