//! Charts of debtcalc's answers as SVG, drawn with `plotters` and its SVG
//! backend (text is written as `<text>`, so no font files are read).
//!
//! This layer sits between the API and the domain: each chart takes plain
//! figures (the domain's decimals, dates and names, never protobuf or tonic
//! types) in a struct of its own, and returns the SVG document. The API
//! (`crate::api::chart`) reads a response of the RPC whose answer is drawn
//! into those structs, so a chart shows exactly the service's numbers.
//!
//! Every chart has a title, axes labelled with their units and currency,
//! and numbers in a short scale (`10.96 bn`, see [`format`]); exact figures
//! (`9,864,000,000.00`) are in the notes under the plot.
//!
//! - [`schedule`]: principal and interest per instalment as stacked bars,
//!   the outstanding balance as a line (right axis), grace shaded;
//! - [`reinvestment`]: each programme's cumulative amount over the
//!   instalments;
//! - [`grant_element`]: the grant element against the discount rate, with
//!   the concessionality thresholds and the requested rates marked;
//! - [`waterfall`]: the reconciliation gap on a logarithmic axis, from the
//!   creditor's figure through each difference's factor to the debtor's;
//! - [`swap_savings`]: a debt-for-development swap's cancelled debt service,
//!   counterpart and the debtor's saving, cumulative over time.

pub mod format;
pub mod frame;
pub mod grant_element;
pub mod reinvestment;
pub mod schedule;
pub mod swap_savings;
pub mod waterfall;

use std::fmt;

/// The media type of every chart.
pub const CONTENT_TYPE: &str = "image/svg+xml";

/// How the numbers on the axes are written (echoed by RenderChart).
pub const NUMBER_FORMAT: &str =
    "SHORT_SCALE: at most 4 significant digits with k (1e3), m (1e6), bn (1e9), tn (1e12); \
     exact figures in the notes with thousands separators";

/// The size of a chart in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    /// 960 x 540.
    pub const DEFAULT: Size = Size {
        width: 960,
        height: 540,
    };
    /// The smallest size a chart is drawn at (smaller is refused by the API).
    pub const MIN: Size = Size {
        width: 480,
        height: 320,
    };
    /// The largest size.
    pub const MAX: Size = Size {
        width: 4000,
        height: 3000,
    };
}

/// A chart could not be drawn: nothing to draw (no instalments, no
/// positive figure on a logarithmic axis) or the backend failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartError {
    /// The figures cannot be drawn as this chart; the text says why.
    Empty(String),
    /// plotters failed (not expected: the SVG backend writes to a string).
    Drawing(String),
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Empty(why) => write!(f, "nothing to draw: {why}"),
            ChartError::Drawing(why) => write!(f, "the chart could not be drawn: {why}"),
        }
    }
}

impl std::error::Error for ChartError {}

#[cfg(test)]
mod edge_tests;

/// Maps a plotters error.
pub(crate) fn drawing<E: fmt::Display>(error: E) -> ChartError {
    ChartError::Drawing(error.to_string())
}
