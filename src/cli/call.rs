//! `debtcalc call METHOD`: any RPC, offline, with the request in the proto3
//! JSON mapping (as grpcurl's `-d`) and the answer printed as grpcurl prints
//! it, so the two compare byte for byte. Errors print as grpcurl prints a
//! status (code name, message, the ErrorInfo and BadRequest details) and
//! exit with 64 + the gRPC code, as grpcurl does.

use std::io::Read;
use std::path::{Path, PathBuf};

use prost::Message;
use prost_reflect::{DynamicMessage, MethodDescriptor};
use tonic::{Code, Status};

use super::{exit, json, sheet, table, xlsx, Failure};
use crate::api::dispatch::{Services, METHODS, STREAM_METHODS};

/// How an answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The proto3 JSON mapping, exactly as grpcurl prints it.
    Json,
    /// Aligned text tables, one per part of the answer.
    Table,
    /// CSV: one table per part (to stdout one after another, or one file
    /// per part into the `--output` directory).
    Csv,
    /// An Excel workbook (needs `--output FILE.xlsx`): one sheet per part,
    /// numbers as numbers, dates as dates, the conventions on their own
    /// sheet.
    Xlsx,
}

/// Where and how to write an answer.
#[derive(Debug, Clone, clap::Args)]
pub struct OutputArgs {
    /// json (grpcurl's JSON), table, csv or xlsx.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,

    /// Write to this file (json, table, xlsx) or directory (csv: one file
    /// per part) instead of standard output; needed for xlsx.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,

    /// JSON: print fields at their default values too, as grpcurl's
    /// -emit-defaults does.
    #[arg(long)]
    pub emit_defaults: bool,

    /// Print an error status as JSON (google.rpc.Status), as grpcurl's
    /// -format-error does.
    #[arg(long)]
    pub format_error: bool,
}

/// The full name (`debtcalc.v1.Service/Method`) of the RPC `name` names:
/// the full name, `Service/Method` (or with a dot), or `Method` alone.
pub fn resolve(name: &str) -> Result<&'static str, Failure> {
    let wanted = name.trim_start_matches('/');
    let matches = |full: &&'static str| {
        let (service, method) = full.split_once('/').unwrap_or((full, ""));
        let short_service = service.rsplit('.').next().unwrap_or(service);
        [
            full.to_string(),
            format!("{service}.{method}"),
            format!("{short_service}/{method}"),
            format!("{short_service}.{method}"),
            method.to_string(),
        ]
        .iter()
        .any(|candidate| candidate == wanted)
    };
    let found: Vec<&'static str> = METHODS
        .iter()
        .chain(STREAM_METHODS)
        .copied()
        .filter(|m| matches(m))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::new(
            exit::UNKNOWN_METHOD,
            format!(
                "unknown method {name:?}; the methods are:\n  {}",
                [METHODS, STREAM_METHODS].concat().join("\n  ")
            ),
        )),
        several => Err(Failure::new(
            exit::UNKNOWN_METHOD,
            format!("method {name:?} is ambiguous: {}", several.join(", ")),
        )),
    }
}

/// The method's descriptor (request and response types).
pub fn descriptor(full_name: &str) -> Result<MethodDescriptor, Failure> {
    let pool = json::pool().map_err(|e| Failure::new(exit::DATA, e))?;
    let (service, method) = full_name.split_once('/').unwrap_or((full_name, ""));
    pool.get_service_by_name(service)
        .and_then(|s| s.methods().find(|m| m.name() == method))
        .ok_or_else(|| {
            Failure::new(
                exit::UNKNOWN_METHOD,
                format!("{full_name} is not in the descriptors"),
            )
        })
}

/// The request text `-d` gives: JSON itself, `@file`, or `@-` (standard
/// input); `{}` (the empty request, as grpcurl sends) without `-d`.
pub fn request_text(data: Option<&str>) -> Result<String, Failure> {
    match data {
        None => Ok("{}".into()),
        Some("@-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::new(exit::IO, format!("cannot read standard input: {e}")))?;
            Ok(text)
        }
        Some(data) => match data.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| Failure::new(exit::IO, format!("cannot read {path}: {e}"))),
            None => Ok(data.to_string()),
        },
    }
}

/// The outcome of one RPC: the response, or the status it answered.
pub enum Outcome {
    Answer(DynamicMessage),
    /// The answers of a stream (EvaluateBatch), in order.
    Answers(Vec<DynamicMessage>),
    Error(Status),
}

/// Runs `method` on `request_json` through `services`. A request that is
/// not the method's message is a [`Failure`] (exit 4), as is one the
/// runtime cannot start; an error status is an [`Outcome::Error`].
pub fn run(
    services: &Services,
    method: &MethodDescriptor,
    request_json: &str,
) -> Result<Outcome, Failure> {
    let input = method.input();
    if method.is_client_streaming() {
        return run_stream(services, method, request_json);
    }
    let request = json::parse(input.clone(), request_json).map_err(|e| {
        Failure::new(
            exit::BAD_REQUEST,
            format!(
                "the request is not a {} in the proto3 JSON mapping: {e}",
                input.full_name()
            ),
        )
    })?;
    let full_name = format!("{}/{}", method.parent_service().full_name(), method.name());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(exit::DATA, format!("cannot start the runtime: {e}")))?;
    let result = runtime.block_on(services.call(&full_name, &request.encode_to_vec()));
    match result {
        Ok(bytes) => DynamicMessage::decode(method.output(), bytes.as_slice())
            .map(Outcome::Answer)
            .map_err(|e| Failure::new(exit::DATA, format!("the response does not decode: {e}"))),
        Err(status) => Ok(Outcome::Error(status)),
    }
}

/// [`run`] for a stream: `request_json` holds the request messages one
/// after the other (as grpcurl's `-d` takes them).
fn run_stream(
    services: &Services,
    method: &MethodDescriptor,
    request_json: &str,
) -> Result<Outcome, Failure> {
    let input = method.input();
    let bad = |e: String| {
        Failure::new(
            exit::BAD_REQUEST,
            format!(
                "the request is not a sequence of {} in the proto3 JSON mapping: {e}",
                input.full_name()
            ),
        )
    };
    let mut requests = Vec::new();
    for value in serde_json::Deserializer::from_str(request_json).into_iter::<serde_json::Value>() {
        let value = value.map_err(|e| bad(e.to_string()))?;
        let message = json::parse(input.clone(), &value.to_string()).map_err(bad)?;
        requests.push(message.encode_to_vec());
    }
    let full_name = format!("{}/{}", method.parent_service().full_name(), method.name());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(exit::DATA, format!("cannot start the runtime: {e}")))?;
    match runtime.block_on(services.call_stream(&full_name, &requests)) {
        Ok(answers) => answers
            .iter()
            .map(|bytes| DynamicMessage::decode(method.output(), bytes.as_slice()))
            .collect::<Result<Vec<_>, _>>()
            .map(Outcome::Answers)
            .map_err(|e| Failure::new(exit::DATA, format!("the response does not decode: {e}"))),
        Err(status) => Ok(Outcome::Error(status)),
    }
}

/// Writes `text` to standard output; a reader that stopped reading (`| head`)
/// is no error.
pub fn stdout(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::new(
            exit::IO,
            format!("cannot write the answer: {e}"),
        )),
    }
}

/// Writes an answer as `output` asks; `Err` when a file cannot be written.
pub fn write_answer(answer: &DynamicMessage, output: &OutputArgs) -> Result<(), Failure> {
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes)
            .map_err(|e| Failure::new(exit::IO, format!("cannot write {}: {e}", path.display())))
    };
    match output.format {
        Format::Json => {
            let text = json::print(answer, output.emit_defaults) + "\n";
            match &output.output {
                Some(path) => write(path, text.as_bytes()),
                None => stdout(&text),
            }
        }
        Format::Table => {
            let text = table::render(&sheet::workbook(answer));
            match &output.output {
                Some(path) => write(path, text.as_bytes()),
                None => stdout(&text),
            }
        }
        Format::Csv => {
            let book = sheet::workbook(answer);
            match &output.output {
                Some(dir) => {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        Failure::new(exit::IO, format!("cannot create {}: {e}", dir.display()))
                    })?;
                    for (name, text) in table::csv_files(&book) {
                        write(&dir.join(name), text.as_bytes())?;
                    }
                    Ok(())
                }
                None => stdout(&table::csv_all(&book)),
            }
        }
        Format::Xlsx => {
            let Some(path) = &output.output else {
                return Err(Failure::new(
                    exit::USAGE,
                    "--format xlsx needs --output FILE.xlsx",
                ));
            };
            let bytes = xlsx::write(&sheet::workbook(answer))
                .map_err(|e| Failure::new(exit::IO, format!("cannot build the workbook: {e}")))?;
            write(path, &bytes)
        }
    }
}

/// Go's name of a gRPC code, as grpcurl prints it.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "Canceled",
        Code::Unknown => "Unknown",
        Code::InvalidArgument => "InvalidArgument",
        Code::DeadlineExceeded => "DeadlineExceeded",
        Code::NotFound => "NotFound",
        Code::AlreadyExists => "AlreadyExists",
        Code::PermissionDenied => "PermissionDenied",
        Code::ResourceExhausted => "ResourceExhausted",
        Code::FailedPrecondition => "FailedPrecondition",
        Code::Aborted => "Aborted",
        Code::OutOfRange => "OutOfRange",
        Code::Unimplemented => "Unimplemented",
        Code::Internal => "Internal",
        Code::Unavailable => "Unavailable",
        Code::DataLoss => "DataLoss",
        Code::Unauthenticated => "Unauthenticated",
    }
}

/// The details of a status (the `Any`s of its google.rpc.Status).
fn details(status: &Status) -> Vec<DynamicMessage> {
    json::pool()
        .ok()
        .and_then(|pool| {
            let descriptor = pool.get_message_by_name("google.rpc.Status")?;
            let decoded = DynamicMessage::decode(descriptor, status.details()).ok()?;
            let list = decoded.get_field_by_name("details")?;
            Some(
                list.as_list()?
                    .iter()
                    .filter_map(|v| v.as_message().cloned())
                    .collect(),
            )
        })
        .unwrap_or_default()
}

/// A status as grpcurl prints it: without `-format-error`, code name,
/// message, then each detail (ErrorInfo, BadRequest) as one line of JSON;
/// with it, the google.rpc.Status as JSON (no final newline, as grpcurl).
pub fn status_text(status: &Status, format_error: bool) -> String {
    let details = details(status);
    if format_error {
        return json::print_status(status.code() as i32, status.message(), &details);
    }
    let mut out = format!(
        "ERROR:\n  Code: {}\n  Message: {}\n",
        code_name(status.code()),
        status.message()
    );
    if !details.is_empty() {
        out.push_str("  Details:\n");
        for (index, any) in details.iter().enumerate() {
            out.push_str(&format!(
                "  {})\t{}\n",
                index + 1,
                json::print_detail(any, false)
            ));
        }
    }
    out
}

/// The exit code of an error status: 64 + its code, as grpcurl exits.
pub fn status_exit_code(status: &Status) -> u8 {
    exit::STATUS_BASE + status.code() as u8
}

/// `debtcalc call METHOD`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
METHOD is `debtcalc.v1.RestructuringService/SplitClaim`, `RestructuringService/SplitClaim` or
`SplitClaim`. The request is the JSON grpcurl's -d takes; the answer is printed as grpcurl prints
it, byte for byte.

Examples:
  debtcalc call SplitClaim -d '{\"claim\": {\"currencyCode\": \"USD\", \"amount\": \"10960000000\"},
    \"writeOffShare\": \"0.9\", \"programs\": [{\"name\": \"energy\", \"weight\": \"1\"}]}'
  debtcalc call debtcalc.v1.SettlementService/AnalyzeSettlement -d '{\"settlementId\": \"dprk-2014\"}'
  debtcalc call BuildSchedule -d @examples/grpcurl/build-schedule.json --format xlsx -o schedule.xlsx
  echo '{}' | debtcalc call ListSettlements -d @-

Exit codes: 0 answered; 2 bad command line; 3 unknown method; 4 the request is not the method's
message in the JSON mapping (bad JSON, unknown field, wrong type); 5 a file cannot be read or
written; 6 the data files do not load; 64 + the gRPC code when the RPC answers an error, as
grpcurl exits (67 INVALID_ARGUMENT, 69 NOT_FOUND, 75 OUT_OF_RANGE), with the status printed
as grpcurl prints it.")]
pub struct CallArgs {
    /// The RPC: `debtcalc.v1.Service/Method`, `Service/Method` or `Method`.
    pub method: String,
    /// The request in the proto3 JSON mapping: the JSON itself, `@FILE`, or
    /// `@-` for standard input. Default: `{}`.
    #[arg(short = 'd', long = "data")]
    pub data: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}
