//! Reinvestment: each programme's cumulative amount in the development
//! fund after each instalment, as bands stacked in programme order (a
//! band's thickness is the programme's amount, the top of the stack the
//! whole fund), with a point per instalment on each band's upper edge.

use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::format::{grouped, instalment_tick, short};
use super::frame::{self, render, AXIS_SIZE, FONT, LABEL_SIZE, TITLE_SIZE};
use super::{drawing, ChartError, Size};

/// One programme's cumulative amounts, one per instalment in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeSeries {
    pub name: String,
    /// The cumulative amount after each instalment (same length as
    /// [`ReinvestmentChart::instalments`]).
    pub cumulative: Vec<Decimal>,
}

/// What the reinvestment chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ReinvestmentChart {
    pub title: String,
    pub currency: String,
    /// The instalments' numbers in the schedule, in order.
    pub instalments: Vec<u32>,
    pub programmes: Vec<ProgrammeSeries>,
    /// The fund's total (the sum of the fund amounts).
    pub fund_total: Decimal,
    /// Lines under the plot, after the chart's own.
    pub notes: Vec<String>,
}

impl ReinvestmentChart {
    /// The chart's notes: each programme's total exactly, then `notes`.
    pub fn all_notes(&self) -> Vec<String> {
        let totals: Vec<String> = self
            .programmes
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p.name,
                    grouped(p.cumulative.last().copied().unwrap_or_default())
                )
            })
            .collect();
        let mut lines = vec![format!(
            "Fund total {} {} over {} instalments: {}",
            grouped(self.fund_total),
            self.currency,
            self.instalments.len(),
            totals.join(", ")
        )];
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

/// The colour of the programme at `index`.
pub fn programme_colour(index: usize) -> RGBColor {
    frame::SERIES[index % frame::SERIES.len()]
}

/// Draws the reinvestment chart.
pub fn draw(chart: &ReinvestmentChart, size: Size) -> Result<String, ChartError> {
    if chart.instalments.is_empty() || chart.programmes.is_empty() {
        return Err(ChartError::Empty(
            "the fund receives no instalment or finances no programme".into(),
        ));
    }
    if chart
        .programmes
        .iter()
        .any(|p| p.cumulative.len() != chart.instalments.len())
    {
        return Err(ChartError::Drawing(
            "a programme's amounts do not match the instalments".into(),
        ));
    }
    let value = |d: &Decimal| d.to_f64().unwrap_or(0.0);
    // The upper edge of each band: the running sum over the programmes.
    let mut edges: Vec<Vec<f64>> = Vec::with_capacity(chart.programmes.len());
    for programme in &chart.programmes {
        let below = edges.last().cloned();
        edges.push(
            programme
                .cumulative
                .iter()
                .enumerate()
                .map(|(i, c)| value(c) + below.as_ref().map_or(0.0, |b| b[i]))
                .collect(),
        );
    }
    let max = edges
        .last()
        .map_or(0.0, |top| top.iter().copied().fold(0.0, f64::max));
    let top = if max > 0.0 { max * 1.1 } else { 1.0 };
    let first = *chart.instalments.first().unwrap_or(&1) as f64;
    let last = *chart.instalments.last().unwrap_or(&1) as f64;
    let currency = chart.currency.clone();
    render(size, &chart.all_notes(), |area| {
        let mut plot = ChartBuilder::on(area)
            .caption(&chart.title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(84)
            .build_cartesian_2d((first - 0.5)..(last + 0.5), 0f64..top)
            .map_err(drawing)?;
        plot.configure_mesh()
            .x_desc("Instalment (number)")
            .y_desc(format!(
                "Cumulative amount, stacked by programme ({currency})"
            ))
            .axis_desc_style((FONT, AXIS_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .x_label_formatter(&instalment_tick)
            .y_label_formatter(&|y| short(*y))
            .draw()
            .map_err(drawing)?;
        let xs: Vec<f64> = chart.instalments.iter().map(|n| *n as f64).collect();
        for (index, programme) in chart.programmes.iter().enumerate() {
            let colour = programme_colour(index);
            let upper: Vec<(f64, f64)> = xs
                .iter()
                .copied()
                .zip(edges[index].iter().copied())
                .collect();
            let mut band = upper.clone();
            match index.checked_sub(1) {
                Some(below) => {
                    band.extend(xs.iter().copied().zip(edges[below].iter().copied()).rev())
                }
                None => band.extend(xs.iter().rev().map(|x| (*x, 0.0))),
            }
            plot.draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.35).filled(),
            )))
            .map_err(drawing)?;
            plot.draw_series(LineSeries::new(upper.clone(), colour.stroke_width(2)))
                .map_err(drawing)?
                .label(programme.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.mix(0.35).filled())
                });
            plot.draw_series(
                upper
                    .into_iter()
                    .map(|p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(drawing)?;
        }
        frame::legend(&mut plot, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    })
}
