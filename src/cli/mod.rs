//! The offline command line: `debtcalc call` runs any RPC without a server,
//! through the same handlers ([`crate::api::dispatch`]), with the request
//! and the response in the proto3 JSON mapping grpcurl uses; the shortcuts
//! (`split`, `schedule`, `value`, `settlement`, `swap`, `reconcile`) build the everyday
//! requests from flags. Answers print as grpcurl's JSON, a table, CSV or an
//! XLSX workbook.
//!
//! Exit codes (see [`exit`]): 0 answered; 2 bad command line; 3 unknown
//! method; 4 the request is not the method's message in the JSON mapping;
//! 5 a file could not be read or written; 6 the data files do not load;
//! 64 + the gRPC status code when the RPC answers an error (as grpcurl:
//! 67 INVALID_ARGUMENT, 69 NOT_FOUND, 75 OUT_OF_RANGE).

pub mod call;
pub mod chart;
pub mod diagnose;
pub mod json;
pub mod sheet;
pub mod shortcuts;
pub mod table;
pub mod xlsx;

use std::path::PathBuf;

use crate::api::dispatch::Services;
use crate::server::{self, ServerConfig};

/// The process exit codes of the offline commands.
pub mod exit {
    /// The RPC answered.
    pub const OK: u8 = 0;
    /// The command line is wrong (clap's own code).
    pub const USAGE: u8 = 2;
    /// No RPC of that name.
    pub const UNKNOWN_METHOD: u8 = 3;
    /// The request is not valid JSON, or not the method's request message
    /// (an unknown field, a value of the wrong type, an unknown enum name).
    pub const BAD_REQUEST: u8 = 4;
    /// A file (`-d @file`, `--output`) could not be read or written.
    pub const IO: u8 = 5;
    /// The reference data or the settlement library does not load.
    pub const DATA: u8 = 6;
    /// The RPC answered an error: this plus its gRPC status code, as
    /// grpcurl exits.
    pub const STATUS_BASE: u8 = 64;
}

/// A failure of an offline command: what to print and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The data the offline commands answer from: the built-in data, or the
/// files `--reference-data`, `--settlements` and `--swaps` name, loaded and
/// checked as the server loads them.
pub fn services(
    reference_data: Option<PathBuf>,
    settlements: Option<PathBuf>,
    swaps: Option<PathBuf>,
) -> Result<Services, Failure> {
    let config = ServerConfig {
        reference_data,
        settlements,
        swaps,
        ..ServerConfig::default()
    };
    let data = server::load_data(&config).map_err(|e| Failure::new(exit::DATA, e.to_string()))?;
    Ok(Services::new(
        data.reference,
        &data.reference_source,
        data.settlements,
        data.swaps,
    ))
}

/// The offline commands (subcommands of `debtcalc`).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run any RPC offline: the request as grpcurl's JSON, the answer as
    /// grpcurl prints it.
    Call(call::CallArgs),
    /// Write off part of a claim and share the rest among programmes
    /// (SplitClaim).
    Split(shortcuts::SplitArgs),
    /// A repayment schedule from everyday loan terms (BuildSchedule).
    Schedule(shortcuts::ScheduleArgs),
    /// A claim due now against a new loan: present values and haircuts
    /// (ValueRestructuring).
    Value(shortcuts::ValueArgs),
    /// A settlement of the library, analysed whole (AnalyzeSettlement), or
    /// the list of them.
    Settlement(shortcuts::SettlementArgs),
    /// A debt swap of the library, evaluated (EvaluateSwap), or the list of
    /// them.
    Swap(shortcuts::SwapArgs),
    /// Two parties' valuations of one claim and the gap between them
    /// (ReconcileValuations).
    Reconcile(shortcuts::ReconcileArgs),
}

/// Runs an offline command; the process exit code (see [`exit`]).
pub fn run(
    command: Command,
    reference_data: Option<PathBuf>,
    settlements: Option<PathBuf>,
    swaps: Option<PathBuf>,
) -> u8 {
    match execute(command, reference_data, settlements, swaps) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("debtcalc: {}", failure.message);
            failure.code
        }
    }
}

fn execute(
    command: Command,
    reference_data: Option<PathBuf>,
    settlements: Option<PathBuf>,
    swaps: Option<PathBuf>,
) -> Result<u8, Failure> {
    let mut chart_job = None;
    let (method, request, output, show) = match command {
        Command::Call(args) => {
            let method = call::resolve(&args.method)?;
            let text = call::request_text(args.data.as_deref())?;
            (method, text, args.output, false)
        }
        Command::Split(args) => (
            "debtcalc.v1.RestructuringService/SplitClaim",
            shortcuts::split_request(&args)?.to_string(),
            args.output,
            args.show_request,
        ),
        Command::Schedule(args) => {
            let request = shortcuts::schedule_request(&args)?;
            if let Some(path) = &args.chart.chart {
                chart_job = Some(chart::ChartJob::new(path, "schedule", &request, None));
            }
            (
                "debtcalc.v1.RestructuringService/BuildSchedule",
                request.to_string(),
                args.output,
                args.show_request,
            )
        }
        Command::Value(args) => (
            "debtcalc.v1.RestructuringService/ValueRestructuring",
            shortcuts::value_request(&args)?.to_string(),
            args.output,
            args.show_request,
        ),
        Command::Settlement(args) => {
            let (method, request) = shortcuts::settlement_request(&args)?;
            if let Some(path) = &args.chart.chart {
                if args.id.is_none() {
                    return Err(Failure::new(
                        exit::USAGE,
                        "--chart draws one settlement: give its id",
                    ));
                }
                let kind = Some(args.chart.chart_kind.kind());
                chart_job = Some(chart::ChartJob::new(path, "settlement", &request, kind));
            }
            (method, request.to_string(), args.output, args.show_request)
        }
        Command::Swap(args) => {
            let (method, request) = shortcuts::swap_request(&args);
            if let Some(path) = &args.chart.chart {
                if args.id.is_none() {
                    return Err(Failure::new(
                        exit::USAGE,
                        "--chart draws one swap: give its id",
                    ));
                }
                let kind = Some("CHART_KIND_SWAP_SAVINGS");
                chart_job = Some(chart::ChartJob::new(path, "swap", &request, kind));
            }
            (method, request.to_string(), args.output, args.show_request)
        }
        Command::Reconcile(args) => {
            let request = shortcuts::reconcile_request(&args)?;
            if let Some(path) = &args.chart.chart {
                chart_job = Some(chart::ChartJob::new(path, "reconciliation", &request, None));
            }
            (
                "debtcalc.v1.ReconciliationService/ReconcileValuations",
                request.to_string(),
                args.output,
                args.show_request,
            )
        }
    };
    let descriptor = call::descriptor(method)?;
    if show {
        // The request as grpcurl's -d takes it (checked against the
        // method's message first).
        let message = json::parse(descriptor.input(), &request)
            .map_err(|e| Failure::new(exit::BAD_REQUEST, e))?;
        eprintln!("# the request of {method} (for debtcalc call -d @- or grpcurl -d @):");
        call::stdout(&(json::print(&message, false) + "\n"))?;
        return Ok(exit::OK);
    }
    let services = services(reference_data, settlements, swaps)?;
    match call::run(&services, &descriptor, &request)? {
        call::Outcome::Answer(answer) => {
            call::write_answer(&answer, &output)?;
            match &chart_job {
                Some(job) => chart::draw(&services, job, output.format_error),
                None => Ok(exit::OK),
            }
        }
        call::Outcome::Answers(answers) => {
            // A stream's answers, one JSON message after the other, as
            // grpcurl prints them.
            if output.format != call::Format::Json || output.output.is_some() {
                return Err(Failure::new(
                    exit::USAGE,
                    format!(
                        "{method} is a stream: its answers print as JSON to standard output only"
                    ),
                ));
            }
            let text: String = answers
                .iter()
                .map(|answer| json::print(answer, output.emit_defaults) + "\n")
                .collect();
            call::stdout(&text)?;
            Ok(exit::OK)
        }
        call::Outcome::Error(status) => {
            eprint!("{}", call::status_text(&status, output.format_error));
            Ok(call::status_exit_code(&status))
        }
    }
}
