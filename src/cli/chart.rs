//! `--chart FILE.svg` on `schedule`, `settlement`, `swap` and `reconcile`: after the
//! answer, the same request is drawn by ChartService/RenderChart (through
//! the same handlers, offline) and the SVG document written to FILE.

use std::path::{Path, PathBuf};

use prost_reflect::Value as PbValue;
use serde_json::{json, Value};

use super::call::{self, Outcome};
use super::{exit, Failure};
use crate::api::dispatch::Services;

/// The RPC that draws the charts.
pub const RENDER_CHART: &str = "debtcalc.v1.ChartService/RenderChart";

/// `--chart` of a subcommand with one chart.
#[derive(Debug, clap::Args)]
pub struct ChartArgs {
    /// Also draw the answer as an SVG chart (ChartService/RenderChart on the
    /// same request) into this file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

/// The charts of a settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SettlementChart {
    /// Principal and interest per instalment, the outstanding balance.
    Schedule,
    /// Each programme's cumulative amount in the fund.
    Reinvestment,
    /// The grant element against the discount rate, with the thresholds.
    GrantElement,
    /// The reconciliation gap as a waterfall on a logarithmic axis.
    Waterfall,
}

impl SettlementChart {
    /// The ChartKind name.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Schedule => "CHART_KIND_SCHEDULE",
            Self::Reinvestment => "CHART_KIND_REINVESTMENT",
            Self::GrantElement => "CHART_KIND_GRANT_ELEMENT",
            Self::Waterfall => "CHART_KIND_RECONCILIATION_WATERFALL",
        }
    }
}

/// `--chart` and `--chart-kind` of `settlement`.
#[derive(Debug, clap::Args)]
pub struct SettlementChartArgs {
    /// Also draw the settlement as an SVG chart (ChartService/RenderChart)
    /// into this file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Which chart of the settlement `--chart` draws.
    #[arg(long, value_enum, default_value = "schedule")]
    pub chart_kind: SettlementChart,
}

/// A chart to draw after the answer: the file and the RenderChart request.
#[derive(Debug)]
pub struct ChartJob {
    pub path: PathBuf,
    pub request: Value,
}

impl ChartJob {
    /// The RenderChart request of `subject` ("schedule", "settlement",
    /// "reconciliation") set to `request`, drawing `kind` (or the subject's
    /// only chart).
    pub fn new(path: &Path, subject: &str, request: &Value, kind: Option<&str>) -> Self {
        let mut render = json!({ subject: request });
        if let Some(kind) = kind {
            render["kind"] = json!(kind);
        }
        Self {
            path: path.to_path_buf(),
            request: render,
        }
    }
}

/// Draws the chart and writes it; the exit code (an error status prints
/// as the answer's would, and exits 64 + its code).
pub fn draw(services: &Services, job: &ChartJob, format_error: bool) -> Result<u8, Failure> {
    let method = call::descriptor(RENDER_CHART)?;
    match call::run(services, &method, &job.request.to_string())? {
        Outcome::Answer(answer) => {
            let svg = match answer.get_field_by_name("svg").as_deref() {
                Some(PbValue::Bytes(bytes)) => bytes.clone(),
                _ => {
                    return Err(Failure::new(
                        exit::DATA,
                        "RenderChart answered without an svg",
                    ))
                }
            };
            std::fs::write(&job.path, &svg).map_err(|e| {
                Failure::new(
                    exit::IO,
                    format!("cannot write {}: {e}", job.path.display()),
                )
            })?;
            eprintln!("debtcalc: chart written to {}", job.path.display());
            Ok(exit::OK)
        }
        Outcome::Answers(_) => Err(Failure::new(exit::DATA, "RenderChart is not a stream")),
        Outcome::Error(status) => {
            eprint!("{}", call::status_text(&status, format_error));
            Ok(call::status_exit_code(&status))
        }
    }
}
