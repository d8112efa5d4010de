//! A repayment schedule: principal and interest per instalment as stacked
//! bars (left axis), the outstanding balance after each instalment as a
//! line (right axis), and the grace (the leading instalments that repay no
//! principal) shaded.

use chrono::NaiveDate;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::format::{grouped, instalment_tick, short};
use super::frame::{self, render, AXIS_SIZE, FONT, LABEL_SIZE, TITLE_SIZE};
use super::{drawing, ChartError, Size};

/// One instalment of the schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Instalment {
    /// Its number in the schedule (1, 2, ...).
    pub number: u32,
    /// Its due date.
    pub due_date: Option<NaiveDate>,
    pub principal: Decimal,
    pub interest: Decimal,
    /// Principal outstanding after it is paid.
    pub outstanding_after: Decimal,
}

/// What the schedule chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleChart {
    pub title: String,
    /// The currency code of every amount ("USD").
    pub currency: String,
    /// The principal repaid (the loan's face).
    pub principal: Decimal,
    pub instalments: Vec<Instalment>,
    /// Lines under the plot (exact figures), after the chart's own.
    pub notes: Vec<String>,
}

impl ScheduleChart {
    /// The number of leading instalments that repay no principal (the
    /// grace shaded on the chart).
    pub fn grace_instalments(&self) -> usize {
        self.instalments
            .iter()
            .take_while(|i| i.principal.is_zero())
            .count()
    }

    /// The chart's notes: the totals exactly, then `notes`.
    pub fn all_notes(&self) -> Vec<String> {
        let total = |f: fn(&Instalment) -> Decimal| {
            self.instalments
                .iter()
                .map(f)
                .try_fold(Decimal::ZERO, |sum, x| sum.checked_add(x))
        };
        let mut lines = Vec::new();
        let dates = match (
            self.instalments.first().and_then(|i| i.due_date),
            self.instalments.last().and_then(|i| i.due_date),
        ) {
            (Some(first), Some(last)) => format!(", due {first} to {last}"),
            _ => String::new(),
        };
        lines.push(format!(
            "{} instalments{dates}; principal {} {}",
            self.instalments.len(),
            grouped(self.principal),
            self.currency
        ));
        if let (Some(principal), Some(interest)) = (total(|i| i.principal), total(|i| i.interest)) {
            lines.push(format!(
                "Total principal {} {cur}, total interest {} {cur}; grace: {} instalments without principal (shaded)",
                grouped(principal),
                grouped(interest),
                self.grace_instalments(),
                cur = self.currency
            ));
        }
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

fn f(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Draws the schedule chart.
pub fn draw(chart: &ScheduleChart, size: Size) -> Result<String, ChartError> {
    if chart.instalments.is_empty() {
        return Err(ChartError::Empty("the schedule has no instalments".into()));
    }
    let n = chart.instalments.len();
    let payment_max = chart
        .instalments
        .iter()
        .map(|i| f(i.principal) + f(i.interest))
        .fold(0.0, f64::max);
    let balance_max = chart
        .instalments
        .iter()
        .map(|i| f(i.outstanding_after))
        .fold(f(chart.principal), f64::max);
    // Headroom above the tallest bar for the legend.
    let top = |max: f64| if max > 0.0 { max * 1.35 } else { 1.0 };
    let x_range = 0.5..(n as f64 + 0.5);
    let grace = chart.grace_instalments();
    let currency = chart.currency.clone();
    let notes = chart.all_notes();
    render(size, &notes, |area| {
        let mut plot = ChartBuilder::on(area)
            .caption(&chart.title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(84)
            .right_y_label_area_size(84)
            .build_cartesian_2d(x_range.clone(), 0f64..top(payment_max))
            .map_err(drawing)?
            .set_secondary_coord(x_range.clone(), 0f64..top(balance_max));
        plot.configure_mesh()
            .disable_x_mesh()
            .x_desc("Instalment (number)")
            .y_desc(format!("Payment per instalment ({currency})"))
            .axis_desc_style((FONT, AXIS_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .x_labels(n.min(20))
            .x_label_formatter(&instalment_tick)
            .y_label_formatter(&|y| short(*y))
            .draw()
            .map_err(drawing)?;
        plot.configure_secondary_axes()
            .y_desc(format!("Outstanding after the instalment ({currency})"))
            .axis_desc_style((FONT, AXIS_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .y_label_formatter(&|y| short(*y))
            .draw()
            .map_err(drawing)?;
        if grace > 0 {
            let height = top(payment_max);
            plot.draw_series(std::iter::once(Rectangle::new(
                [(0.5, 0.0), (grace as f64 + 0.5, height)],
                frame::GRACE.mix(0.45).filled(),
            )))
            .map_err(drawing)?
            .label(format!("Grace ({grace} instalments without principal)"))
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], frame::GRACE.filled()));
        }
        let bar = |i: &Instalment, low: f64, high: f64, colour: RGBColor| {
            let x = i.number as f64;
            let mut rect = Rectangle::new([(x - 0.4, low), (x + 0.4, high)], colour.filled());
            rect.set_margin(0, 0, 1, 1);
            rect
        };
        plot.draw_series(
            chart
                .instalments
                .iter()
                .map(|i| bar(i, 0.0, f(i.principal), frame::PRINCIPAL)),
        )
        .map_err(drawing)?
        .label("Principal")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], frame::PRINCIPAL.filled()));
        plot.draw_series(chart.instalments.iter().map(|i| {
            let low = f(i.principal);
            bar(i, low, low + f(i.interest), frame::INTEREST)
        }))
        .map_err(drawing)?
        .label("Interest")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], frame::INTEREST.filled()));
        plot.draw_secondary_series(LineSeries::new(
            chart
                .instalments
                .iter()
                .map(|i| (i.number as f64, f(i.outstanding_after))),
            frame::BALANCE.stroke_width(2),
        ))
        .map_err(drawing)?
        .label("Outstanding (right axis)")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 14, y)], frame::BALANCE.stroke_width(2))
        });
        frame::legend(&mut plot, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })
}
