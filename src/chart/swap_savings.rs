//! A swap's savings over time: what the debtor no longer pays (a
//! development swap: the cancelled share of every flow of the debt; a
//! buyback: the old debt service, by year), what it pays instead (the
//! counterpart into the fund; the new debt service, the upfront outlay and
//! the commitments), cumulative, and the saving so far, their difference,
//! with a point at every date on which either moves.

use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::format::short;
use super::frame::{self, render, AXIS_SIZE, FONT, LABEL_SIZE, TITLE_SIZE};
use super::{drawing, ChartError, Size};

/// What the swap-savings chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct SwapSavingsChart {
    pub title: String,
    /// The currency of the debt and of the counterpart as drawn.
    pub currency: String,
    /// The debt service cancelled, by due date (unrounded: the cancelled
    /// share of each flow).
    pub cancelled: Vec<(NaiveDate, Decimal)>,
    /// The counterpart payments, by due date.
    pub counterpart: Vec<(NaiveDate, Decimal)>,
    /// Lines under the plot (exact figures).
    pub notes: Vec<String>,
    /// The legend of the three series: what `cancelled` is, what
    /// `counterpart` is, and their difference.
    pub labels: [String; 3],
}

impl SwapSavingsChart {
    /// The legend of a development swap.
    pub fn development_labels() -> [String; 3] {
        [
            "Debt service cancelled (cumulative)".into(),
            "Counterpart paid into the fund (cumulative)".into(),
            "Debtor's saving so far".into(),
        ]
    }

    /// The legend of a buyback.
    pub fn buyback_labels() -> [String; 3] {
        [
            "Old debt service avoided (cumulative)".into(),
            "New debt service, outlay and commitments (cumulative)".into(),
            "Net saving so far".into(),
        ]
    }
}

/// One date of the chart: cumulative cancelled, cumulative counterpart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SavingsPoint {
    pub date: NaiveDate,
    pub cancelled: Decimal,
    pub counterpart: Decimal,
}

impl SavingsPoint {
    /// The saving so far: cancelled less counterpart.
    pub fn saving(&self) -> Decimal {
        self.cancelled - self.counterpart
    }
}

impl SwapSavingsChart {
    /// The cumulative figures at every date on which either series moves,
    /// in date order; None on overflow.
    pub fn points(&self) -> Option<Vec<SavingsPoint>> {
        let mut dates: Vec<NaiveDate> = self
            .cancelled
            .iter()
            .chain(&self.counterpart)
            .map(|(d, _)| *d)
            .collect();
        dates.sort();
        dates.dedup();
        let up_to = |series: &[(NaiveDate, Decimal)], date: NaiveDate| {
            series
                .iter()
                .filter(|(d, _)| *d <= date)
                .try_fold(Decimal::ZERO, |sum, (_, x)| sum.checked_add(*x))
        };
        dates
            .into_iter()
            .map(|date| {
                Some(SavingsPoint {
                    date,
                    cancelled: up_to(&self.cancelled, date)?,
                    counterpart: up_to(&self.counterpart, date)?,
                })
            })
            .collect()
    }
}

/// A date as a fractional year (2017-11-08 -> 2017.85).
fn year(date: NaiveDate) -> f64 {
    let days = if date.leap_year() { 366.0 } else { 365.0 };
    date.year() as f64 + f64::from(date.ordinal0()) / days
}

/// Draws the swap-savings chart.
pub fn draw(chart: &SwapSavingsChart, size: Size) -> Result<String, ChartError> {
    let points = chart
        .points()
        .ok_or_else(|| ChartError::Empty("the cumulative amounts overflow".into()))?;
    if points.is_empty() {
        return Err(ChartError::Empty("the swap has no dated flows".into()));
    }
    let value = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let series = |f: fn(&SavingsPoint) -> Decimal| -> Vec<(f64, f64)> {
        points.iter().map(|p| (year(p.date), value(f(p)))).collect()
    };
    let cancelled = series(|p| p.cancelled);
    let counterpart = series(|p| p.counterpart);
    let saving = series(|p| p.saving());
    let all = cancelled
        .iter()
        .chain(&counterpart)
        .chain(&saving)
        .map(|p| p.1);
    let (low, high) = all.fold((0.0f64, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let pad = ((high - low) * 0.1).max(1.0);
    let first = year(points[0].date);
    let last = year(points[points.len() - 1].date);
    let x_pad = ((last - first) * 0.05).max(0.5);
    let currency = chart.currency.clone();
    // Cumulative amounts change on their dates only: draw them as steps.
    let steps = |line: &[(f64, f64)]| -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(line.len() * 2);
        for (i, p) in line.iter().enumerate() {
            if i > 0 {
                out.push((p.0, line[i - 1].1));
            }
            out.push(*p);
        }
        out
    };
    render(size, &chart.notes, |area| {
        let mut plot = ChartBuilder::on(area)
            .caption(&chart.title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(84)
            .build_cartesian_2d(
                (first - x_pad)..(last + x_pad),
                // Headroom above for the legend.
                (if low < 0.0 { low - pad } else { 0.0 })..(high + 3.0 * pad),
            )
            .map_err(drawing)?;
        plot.configure_mesh()
            .x_desc("Year (due dates)")
            .y_desc(format!("Cumulative amount ({currency})"))
            .axis_desc_style((FONT, AXIS_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| short(*y))
            .draw()
            .map_err(drawing)?;
        let lines = [
            (&cancelled, frame::PRINCIPAL, &chart.labels[0]),
            (&counterpart, frame::INTEREST, &chart.labels[1]),
            (&saving, frame::BALANCE, &chart.labels[2]),
        ];
        for (line, colour, label) in lines {
            plot.draw_series(LineSeries::new(steps(line), colour.stroke_width(2)))
                .map_err(drawing)?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], colour.stroke_width(2))
                });
            plot.draw_series(line.iter().map(|p| Circle::new(*p, 3, colour.filled())))
                .map_err(drawing)?;
        }
        frame::legend(&mut plot, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })
}
