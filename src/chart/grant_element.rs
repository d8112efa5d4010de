//! The grant element of a loan against the discount rate: the curve at a
//! grid of rates, the concessionality thresholds as markers at their
//! conventions' rates (a loan is concessional under a convention when the
//! curve passes on or above its marker), and the requested rates as
//! vertical lines.

use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::format::{grouped, percent};
use super::frame::{self, render, AXIS_SIZE, FONT, LABEL_SIZE, TITLE_SIZE};
use super::{drawing, ChartError, Size};

/// The grant element at one discount rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// The annual discount rate, a decimal fraction.
    pub rate: Decimal,
    /// The grant element, a decimal fraction.
    pub grant_element: Decimal,
}

/// A convention's threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The convention, for people ("IMF / World Bank").
    pub label: String,
    /// Its discount rate and minimum grant element, decimal fractions.
    pub rate: Decimal,
    pub threshold: Decimal,
    /// Whether the request asked for this convention (drawn in the mark
    /// colour; the others in grey).
    pub requested: bool,
}

/// What the grant-element chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantElementChart {
    pub title: String,
    pub currency: String,
    /// The loan's face value.
    pub face_value: Decimal,
    /// The curve, by increasing rate.
    pub curve: Vec<CurvePoint>,
    pub thresholds: Vec<Threshold>,
    /// The rates the request asked for (vertical lines).
    pub requested_rates: Vec<Decimal>,
    /// Lines under the plot, after the chart's own.
    pub notes: Vec<String>,
}

impl GrantElementChart {
    /// The chart's notes: the face value and the rates of the curve, then
    /// `notes`.
    pub fn all_notes(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let (Some(first), Some(last)) = (self.curve.first(), self.curve.last()) {
            lines.push(format!(
                "Face value {} {}; grant element = (face - PV of debt service) / face, annual effective, at {} rates from {} to {}",
                grouped(self.face_value),
                self.currency,
                self.curve.len(),
                percent(f(first.rate), 3),
                percent(f(last.rate), 3),
            ));
        }
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

fn f(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Draws the grant-element chart.
pub fn draw(chart: &GrantElementChart, size: Size) -> Result<String, ChartError> {
    if chart.curve.len() < 2 {
        return Err(ChartError::Empty(
            "the curve needs at least two discount rates".into(),
        ));
    }
    let pct = |d: Decimal| f(d) * 100.0;
    let rates = chart
        .curve
        .iter()
        .map(|p| pct(p.rate))
        .chain(chart.thresholds.iter().map(|t| pct(t.rate)))
        .chain(chart.requested_rates.iter().map(|r| pct(*r)));
    let (x_min, x_max) = rates.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let values = chart
        .curve
        .iter()
        .map(|p| pct(p.grant_element))
        .chain(chart.thresholds.iter().map(|t| pct(t.threshold)));
    let (y_min, y_max) = values.fold((0.0f64, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let pad = ((y_max - y_min) * 0.08).max(1.0);
    let x_pad = ((x_max - x_min) * 0.02).max(0.1);
    let currency = chart.currency.clone();
    render(size, &chart.all_notes(), |area| {
        let mut plot = ChartBuilder::on(area)
            .caption(&chart.title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(
                (x_min - x_pad)..(x_max + x_pad),
                (y_min - pad)..(y_max + pad),
            )
            .map_err(drawing)?;
        plot.configure_mesh()
            .x_desc("Annual discount rate (%, annual effective)")
            .y_desc(format!("Grant element (% of the face value in {currency})"))
            .axis_desc_style((FONT, AXIS_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .x_label_formatter(&|x| format!("{}%", trim(*x)))
            .y_label_formatter(&|y| format!("{}%", trim(*y)))
            .draw()
            .map_err(drawing)?;
        let points: Vec<(f64, f64)> = chart
            .curve
            .iter()
            .map(|p| (pct(p.rate), pct(p.grant_element)))
            .collect();
        plot.draw_series(LineSeries::new(
            points.clone(),
            frame::PRINCIPAL.stroke_width(2),
        ))
        .map_err(drawing)?
        .label("Grant element of the loan")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 14, y)], frame::PRINCIPAL.stroke_width(2))
        });
        plot.draw_series(
            points
                .iter()
                .map(|p| Circle::new(*p, 3, frame::PRINCIPAL.filled())),
        )
        .map_err(drawing)?;
        for rate in &chart.requested_rates {
            let x = pct(*rate);
            plot.draw_series(DashedLineSeries::new(
                [(x, y_min - pad), (x, y_max + pad)],
                6,
                4,
                frame::MARK.stroke_width(1),
            ))
            .map_err(drawing)?;
            plot.draw_series(std::iter::once(Text::new(
                format!("requested {}", percent(f(*rate), 3)),
                (x, y_max + pad),
                (FONT, LABEL_SIZE).into_font().color(&frame::MARK),
            )))
            .map_err(drawing)?;
        }
        for threshold in &chart.thresholds {
            let colour = if threshold.requested {
                frame::MARK
            } else {
                frame::GUIDE
            };
            let at = (pct(threshold.rate), pct(threshold.threshold));
            plot.draw_series(std::iter::once(TriangleMarker::new(at, 7, colour.filled())))
                .map_err(drawing)?;
            plot.draw_series(std::iter::once(Text::new(
                format!(
                    "{}: {} at {}",
                    threshold.label,
                    percent(f(threshold.threshold), 2),
                    percent(f(threshold.rate), 3)
                ),
                at,
                (FONT, LABEL_SIZE).into_font().color(&colour),
            )))
            .map_err(drawing)?;
        }
        frame::legend(&mut plot, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

/// A tick value with at most 2 decimals, trailing zeros dropped.
fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}
