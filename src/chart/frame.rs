//! What every chart shares: the SVG canvas with its notes under the plot,
//! the font, and the colours of the series.

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use super::{drawing, ChartError, Size};

/// The font family written into every `<text>` (the viewer's own
/// sans-serif; no font file is read).
pub const FONT: &str = "sans-serif";

/// Font sizes: title, axis descriptions, tick labels, notes.
pub const TITLE_SIZE: u32 = 22;
pub const AXIS_SIZE: u32 = 16;
pub const LABEL_SIZE: u32 = 13;
pub const NOTE_SIZE: u32 = 14;

/// Height of one line of notes, in pixels.
const NOTE_LINE: u32 = 20;

/// Principal bars.
pub const PRINCIPAL: RGBColor = RGBColor(31, 119, 180);
/// Interest bars.
pub const INTEREST: RGBColor = RGBColor(255, 127, 14);
/// The outstanding balance line.
pub const BALANCE: RGBColor = RGBColor(44, 160, 44);
/// The grace shading.
pub const GRACE: RGBColor = RGBColor(200, 200, 200);
/// Marks of requested rates and thresholds.
pub const MARK: RGBColor = RGBColor(214, 39, 40);
/// A figure of a party (waterfall ends).
pub const FIGURE: RGBColor = RGBColor(31, 119, 180);
/// A factor that lowers the figure (waterfall steps).
pub const DECREASE: RGBColor = RGBColor(214, 39, 40);
/// A factor that raises the figure (waterfall steps).
pub const INCREASE: RGBColor = RGBColor(44, 160, 44);
/// Grey for guides and connectors.
pub const GUIDE: RGBColor = RGBColor(120, 120, 120);

/// Colours of series drawn side by side (programmes), in order; the list
/// repeats after ten.
pub const SERIES: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(255, 127, 14),
];

/// The drawing area a chart draws its plot on.
pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws an SVG document of `size`: a white background, the plot that
/// `draw` puts on the upper area, and one line per note under it.
pub fn render(
    size: Size,
    notes: &[String],
    draw: impl FnOnce(&Area) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (size.width, size.height)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let notes_height = if notes.is_empty() {
            0
        } else {
            NOTE_LINE * notes.len() as u32 + 8
        };
        let plot_height = size.height.saturating_sub(notes_height).max(1);
        let (plot, footer) = root.split_vertically(plot_height);
        draw(&plot)?;
        let style = (FONT, NOTE_SIZE).into_font().color(&BLACK);
        for (i, line) in notes.iter().enumerate() {
            let y = (NOTE_LINE * i as u32) as i32;
            footer
                .draw(&Text::new(line.clone(), (16, y), style.clone()))
                .map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// Draws the legend of `plot`'s labelled series at `position`: tick-label
/// font on a nearly opaque white box with a grey border.
pub fn legend<'a, CT: CoordTranslate>(
    plot: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    position: SeriesLabelPosition,
) -> Result<(), ChartError> {
    plot.configure_series_labels()
        .position(position)
        .label_font((FONT, LABEL_SIZE))
        .background_style(WHITE.mix(0.85))
        .border_style(GUIDE)
        .draw()
        .map_err(drawing)
}
