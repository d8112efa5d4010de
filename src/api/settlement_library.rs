//! The settlement library: one JSON file per settlement
//! (`data/settlements/<id>.json`), each the protobuf JSON mapping of a
//! `debtcalc.v1.Settlement` (facts with sources, a note, and the
//! AnalyzeSettlement request it stands for). Built in, or read from a
//! directory the operator names. Every file is validated at start, its
//! request run through AnalyzeSettlement: an invalid file stops the start.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use prost::Message;
use prost_reflect::{DynamicMessage, SerializeOptions};

use super::library_loader::{decode_files, library_version, pool, read_json_dir, Entry, FileError};
use super::pb::debtcalc::v1;
use super::provenance::Provenance;
use super::settlement::{analyze, Context};
use crate::domain::reconciliation::ReferenceData;

/// The built-in settlements, compiled into the binary. A test checks that
/// this list names every file of `data/settlements/`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "afghanistan-2007",
        include_str!("../../data/settlements/afghanistan-2007.json"),
    ),
    (
        "cuba-2014",
        include_str!("../../data/settlements/cuba-2014.json"),
    ),
    (
        "dprk-2014",
        include_str!("../../data/settlements/dprk-2014.json"),
    ),
    (
        "gdr-transferable-ruble-2002",
        include_str!("../../data/settlements/gdr-transferable-ruble-2002.json"),
    ),
    (
        "iraq-2008",
        include_str!("../../data/settlements/iraq-2008.json"),
    ),
    (
        "kyrgyzstan-2012",
        include_str!("../../data/settlements/kyrgyzstan-2012.json"),
    ),
    (
        "laos-2003",
        include_str!("../../data/settlements/laos-2003.json"),
    ),
    (
        "mongolia-2010",
        include_str!("../../data/settlements/mongolia-2010.json"),
    ),
    (
        "syria-2005",
        include_str!("../../data/settlements/syria-2005.json"),
    ),
    (
        "vietnam-2000",
        include_str!("../../data/settlements/vietnam-2000.json"),
    ),
];

/// Why a library could not be loaded; names the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryError {
    /// The file (or directory) at fault.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "settlement library: {}: {}", self.file, self.message)
    }
}

impl std::error::Error for LibraryError {}

impl From<FileError> for LibraryError {
    fn from(e: FileError) -> Self {
        Self {
            file: e.file,
            message: e.message,
        }
    }
}

/// The loaded, validated settlements, by id.
#[derive(Debug, Clone, Default)]
pub struct SettlementLibrary {
    settlements: BTreeMap<String, v1::Settlement>,
    source: String,
    /// "sha256:" and the hex SHA-256 of the files (see [`Self::version`]).
    version: String,
}

impl SettlementLibrary {
    /// The built-in library.
    pub fn builtin(data: &ReferenceData, data_source: &str) -> Result<Self, LibraryError> {
        let files = BUILTIN
            .iter()
            .map(|(id, text)| (format!("{id}.json"), (*text).to_string()));
        Self::from_files(files, data, data_source, "builtin")
    }

    /// Every `*.json` file of `dir` (at least one), in place of the
    /// built-in library.
    pub fn load_dir(
        dir: &Path,
        data: &ReferenceData,
        data_source: &str,
    ) -> Result<Self, LibraryError> {
        let files = read_json_dir(dir, "settlement")?;
        // Responses name the library "operator-supplied", never the
        // server-side directory (issue 11).
        Self::from_files(files.into_iter(), data, data_source, "operator-supplied")
    }

    /// Parses and validates files given as (file name, text).
    pub fn from_files(
        files: impl Iterator<Item = (String, String)>,
        data: &ReferenceData,
        data_source: &str,
        source: &str,
    ) -> Result<Self, LibraryError> {
        let files: Vec<(String, String)> = files.collect();
        let version = library_version(&files);
        let provenance = Provenance::without_library(data, data_source);
        let mut settlements = BTreeMap::new();
        decode_files(
            &files,
            "debtcalc.v1.Settlement",
            |name, mut settlement: v1::Settlement| {
                validate(name, &mut settlement, data, data_source, &provenance)?;
                settlements.insert(settlement.id.clone(), settlement);
                Ok(())
            },
        )?;
        Ok(Self {
            settlements,
            source: source.to_string(),
            version,
        })
    }

    /// A settlement by id.
    pub fn get(&self, id: &str) -> Option<&v1::Settlement> {
        self.settlements.get(id)
    }

    /// Every settlement, by id.
    pub fn all(&self) -> impl Iterator<Item = &v1::Settlement> {
        self.settlements.values()
    }

    /// "builtin" or the operator's directory.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The library's version: "sha256:" and the lower-case hex SHA-256 of
    /// its files in file-name order, each hashed as its name, a NUL byte,
    /// its length in bytes in decimal, a NUL byte and its bytes (computed
    /// once on load; the built-in library hashes like a directory holding
    /// the same files).
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// Checks one settlement and completes its source list (the file's sources
/// and every fact's, each once, in order).
fn validate(
    file: &str,
    settlement: &mut v1::Settlement,
    data: &ReferenceData,
    data_source: &str,
    provenance: &Provenance,
) -> Result<(), String> {
    let id = &settlement.id;
    settlement.sources = Entry {
        noun: "settlement",
        id: &settlement.id,
        title: &settlement.title,
        note: &settlement.note,
        note_required: "note is required (what is uncertain or assumed)",
        facts: &settlement.facts,
        sources: &settlement.sources,
    }
    .check(file)?;
    let request = settlement
        .request
        .as_ref()
        .ok_or_else(|| "request is required".to_string())?;
    if !request.settlement_id.is_empty() {
        return Err(
            "request.settlement_id must be empty (a library request names no other settlement)"
                .into(),
        );
    }
    let ctx = Context {
        data,
        data_source,
        provenance,
    };
    let response = analyze(request, &ctx, format!("library:{id}")).map_err(|e| {
        let status = tonic::Status::from(e);
        format!(
            "its request does not run against the reference data in use ({data_source}): {}",
            status.message()
        )
    })?;
    for (i, figure) in settlement.published_figures.iter().enumerate() {
        if crate::domain::decimal_text::parse_decimal(&figure.published).is_err() {
            return Err(format!(
                "published_figures[{i}].published {:?} is not a decimal",
                figure.published
            ));
        }
        if response_figure(&response, &figure.response_field).is_none() {
            return Err(format!(
                "published_figures[{i}].response_field {:?} names no amount or decimal of the response",
                figure.response_field
            ));
        }
    }
    Ok(())
}

/// The figure at `path` of a response, as decimal text: a path of protobuf
/// JSON names with `[index]` for list elements ("split.remaining",
/// "schedule.installments[0].payment"), naming a Money (its amount) or a
/// decimal string. `None` when the path names nothing of the kind.
pub fn response_figure(response: &v1::AnalyzeSettlementResponse, path: &str) -> Option<String> {
    message_figure(response, "debtcalc.v1.AnalyzeSettlementResponse", path)
}

/// [`response_figure`] of any debtcalc message `message` whose full name is
/// `name` (an EvaluateSwapResponse for the swap library).
pub(crate) fn message_figure(message: &impl Message, name: &str, path: &str) -> Option<String> {
    let descriptor = pool()?.get_message_by_name(name)?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice()).ok()?;
    let options = SerializeOptions::new().skip_default_fields(false);
    let json = dynamic
        .serialize_with_options(serde_json::value::Serializer, &options)
        .ok()?;
    let mut node = &json;
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, Some(rest.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (segment, None),
        };
        node = node.get(name)?;
        if let Some(index) = index {
            node = node.get(index)?;
        }
    }
    let text = match node {
        serde_json::Value::Object(money) => money.get("amount")?.as_str()?,
        serde_json::Value::String(text) => text.as_str(),
        _ => return None,
    };
    crate::domain::decimal_text::parse_decimal(text).ok()?;
    Some(text.to_string())
}
