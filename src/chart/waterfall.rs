//! The reconciliation gap as a waterfall on a logarithmic axis: the
//! creditor's figure, then one floating bar per methodological difference
//! spanning the factor by which it moves the figure (its share of the log
//! ratio, so the factors multiply to the whole ratio whatever their
//! order), then the debtor's figure. On a log axis a 1:5000 gap is a bar
//! 3.7 decades long, not a sliver beside a 10.96 bn one.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::format::{factor, grouped, ratio, short};
use super::frame::{self, render, AXIS_SIZE, FONT, LABEL_SIZE, TITLE_SIZE};
use super::{drawing, ChartError, Size};

/// A party's figure.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyFigure {
    pub name: String,
    /// The figure as reported (rounded to the minor unit).
    pub value: Decimal,
}

/// One methodological difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The difference, for people ("conversion: 0.6 SUR/USD vs 3000 RUR/USD").
    pub label: String,
    /// Its share of ln(creditor / debtor): the figure is divided by
    /// e^log_contribution across this step.
    pub log_contribution: f64,
}

/// What the waterfall draws.
#[derive(Debug, Clone, PartialEq)]
pub struct WaterfallChart {
    pub title: String,
    pub currency: String,
    pub creditor: PartyFigure,
    pub debtor: PartyFigure,
    /// creditor / debtor from the exact figures.
    pub ratio: f64,
    pub steps: Vec<Step>,
    /// Lines under the plot, after the chart's own.
    pub notes: Vec<String>,
}

impl WaterfallChart {
    /// The ratio as people read it ("1:5000").
    pub fn ratio_text(&self) -> String {
        ratio(self.ratio)
    }

    /// The chart's notes: both figures exactly and the ratio, then `notes`.
    pub fn all_notes(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{} {} {cur}; {} {} {cur}; ratio {} (log scale: each step's factor is its share of ln of the ratio)",
            self.creditor.name,
            grouped(self.creditor.value),
            self.debtor.name,
            grouped(self.debtor.value),
            self.ratio_text(),
            cur = self.currency,
        )];
        lines.extend(self.notes.iter().cloned());
        lines
    }

    /// The figure before and after each step, from the creditor's figure.
    pub fn levels(&self) -> Vec<(f64, f64)> {
        let mut level = self.creditor.value.to_f64().unwrap_or(0.0);
        self.steps
            .iter()
            .map(|step| {
                let next = level / step.log_contribution.exp();
                let span = (level, next);
                level = next;
                span
            })
            .collect()
    }
}

/// Draws the waterfall.
pub fn draw(chart: &WaterfallChart, size: Size) -> Result<String, ChartError> {
    let creditor = chart.creditor.value.to_f64().unwrap_or(0.0);
    let debtor = chart.debtor.value.to_f64().unwrap_or(0.0);
    if creditor <= 0.0 || debtor <= 0.0 || !chart.ratio.is_finite() || chart.ratio <= 0.0 {
        return Err(ChartError::Empty(
            "a logarithmic axis needs both figures greater than zero".into(),
        ));
    }
    let levels = chart.levels();
    if levels
        .iter()
        .any(|(a, b)| !(a.is_finite() && b.is_finite() && *a > 0.0 && *b > 0.0))
    {
        return Err(ChartError::Empty(
            "a step's factor is beyond the range of the chart".into(),
        ));
    }
    let all = levels
        .iter()
        .flat_map(|(a, b)| [*a, *b])
        .chain([creditor, debtor]);
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (bottom, top) = (lo / 10.0, hi * 10.0);
    let labels: Vec<String> = std::iter::once(chart.creditor.name.clone())
        .chain(chart.steps.iter().map(|s| s.label.clone()))
        .chain(std::iter::once(chart.debtor.name.clone()))
        .collect();
    let count = labels.len() as u32;
    let currency = chart.currency.clone();
    let ratio_text = chart.ratio_text();
    render(size, &chart.all_notes(), |area| {
        let mut plot = ChartBuilder::on(area)
            .caption(&chart.title, (FONT, TITLE_SIZE))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(84)
            .build_cartesian_2d((0..count - 1).into_segmented(), (bottom..top).log_scale())
            .map_err(drawing)?;
        plot.configure_mesh()
            .disable_x_mesh()
            .x_desc("Creditor's figure, each difference in method, debtor's figure")
            .y_desc(format!(
                "Value of the claim ({currency}, logarithmic scale)"
            ))
            .axis_desc_style((FONT, AXIS_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .x_labels(labels.len())
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| short(*y))
            .draw()
            .map_err(drawing)?;
        let bar = |i: u32, from: f64, to: f64, colour: RGBColor| {
            let mut rect = Rectangle::new(
                [
                    (SegmentValue::Exact(i), from.max(to)),
                    (SegmentValue::Exact(i + 1), from.min(to)),
                ],
                colour.filled(),
            );
            rect.set_margin(0, 0, 18, 18);
            rect
        };
        let above = |text: String, i: u32, y: f64, colour: RGBColor| {
            Text::new(
                text,
                (SegmentValue::CenterOf(i), y),
                (FONT, AXIS_SIZE)
                    .into_font()
                    .color(&colour)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        };
        // The two figures stand on the axis.
        plot.draw_series([
            bar(0, bottom, creditor, frame::FIGURE),
            bar(count - 1, bottom, debtor, frame::FIGURE),
        ])
        .map_err(drawing)?;
        plot.draw_series([
            above(short(creditor), 0, creditor, BLACK),
            above(short(debtor), count - 1, debtor, BLACK),
        ])
        .map_err(drawing)?;
        for (k, (from, to)) in levels.iter().enumerate() {
            let i = k as u32 + 1;
            let colour = if to <= from {
                frame::DECREASE
            } else {
                frame::INCREASE
            };
            plot.draw_series([bar(i, *from, *to, colour)])
                .map_err(drawing)?;
            plot.draw_series([above(factor(to / from), i, from.max(*to), colour)])
                .map_err(drawing)?;
        }
        // Connectors at each level between neighbouring bars.
        let mut level = creditor;
        for i in 0..count - 1 {
            plot.draw_series(DashedLineSeries::new(
                [
                    (SegmentValue::CenterOf(i), level),
                    (SegmentValue::CenterOf(i + 1), level),
                ],
                4,
                3,
                frame::GUIDE.stroke_width(1),
            ))
            .map_err(drawing)?;
            if let Some((_, to)) = levels.get(i as usize) {
                level = *to;
            }
        }
        // The ratio, large, where the eye lands first.
        plot.draw_series([Text::new(
            format!("gap {ratio_text}"),
            (SegmentValue::CenterOf(count / 2), top / 2.0),
            (FONT, TITLE_SIZE + 6)
                .into_font()
                .color(&frame::DECREASE)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        )])
        .map_err(drawing)?;
        Ok(())
    })
}
