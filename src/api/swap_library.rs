//! The swap library: one JSON file per swap (`data/swaps/<id>.json`), each
//! the protobuf JSON mapping of a `debtcalc.v1.Swap` (facts with sources,
//! a note, the EvaluateSwap request it stands for and the published
//! figures set against the response). Built into the binary, or read from
//! a directory the operator names (`--swaps DIR`), and validated at start
//! like the settlement library: every request is evaluated, every
//! published figure must name a figure of the response, and its
//! `reproduced` flag must say truly whether the computation gives it.

use std::collections::BTreeMap;
use std::fmt;

use super::library_loader::{decode_files, library_version, read_json_dir, Entry, FileError};
use super::pb::debtcalc::v1 as pb;
use super::settlement_library::message_figure;
use super::swap::{evaluate, kind_name, Context};
use crate::domain::decimal_text::parse_decimal;

/// The built-in swaps, compiled into the binary. A test
/// (tests/swap_library.rs) checks that this list names every file of
/// `data/swaps/`.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "belize-blue-bond-2021",
        include_str!("../../data/swaps/belize-blue-bond-2021.json"),
    ),
    (
        "bolivia-buyback-1988",
        include_str!("../../data/swaps/bolivia-buyback-1988.json"),
    ),
    (
        "bolivia-ci-1987",
        include_str!("../../data/swaps/bolivia-ci-1987.json"),
    ),
    (
        "ecuador-galapagos-2023",
        include_str!("../../data/swaps/ecuador-galapagos-2023.json"),
    ),
    (
        "russia-mozambique-2017",
        include_str!("../../data/swaps/russia-mozambique-2017.json"),
    ),
];

/// Why the swap library could not be loaded; names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwapLibraryError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for SwapLibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "swap library: {}: {}", self.file, self.message)
    }
}

impl std::error::Error for SwapLibraryError {}

impl From<FileError> for SwapLibraryError {
    fn from(e: FileError) -> Self {
        Self {
            file: e.file,
            message: e.message,
        }
    }
}

/// The loaded, validated swaps, by id.
#[derive(Debug, Clone, Default)]
pub struct SwapLibrary {
    swaps: BTreeMap<String, pb::Swap>,
    /// "builtin" or "operator-supplied" (never the directory's path).
    source: String,
    /// "sha256:" and the hex SHA-256 of the files, hashed as the
    /// settlement library's.
    version: String,
}

impl SwapLibrary {
    /// The built-in library, validated.
    pub fn builtin() -> Result<Self, SwapLibraryError> {
        Self::from_files(
            BUILTIN
                .iter()
                .map(|(id, text)| (format!("{id}.json"), (*text).to_string())),
        )
    }

    /// Every `*.json` file of `dir` (at least one), in place of the
    /// built-in library, validated alike; labelled "operator-supplied".
    pub fn load_dir(dir: &std::path::Path) -> Result<Self, SwapLibraryError> {
        let files = read_json_dir(dir, "swap")?;
        Ok(Self {
            source: "operator-supplied".into(),
            ..Self::from_files(files.into_iter())?
        })
    }

    /// Parses and validates files given as (file name, text).
    pub fn from_files(
        files: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, SwapLibraryError> {
        let files: Vec<(String, String)> = files.collect();
        let version = library_version(&files);
        let mut swaps = BTreeMap::new();
        decode_files(&files, "debtcalc.v1.Swap", |name, mut swap: pb::Swap| {
            validate(name, &mut swap, &version)?;
            if swaps.insert(swap.id.clone(), swap).is_some() {
                return Err("a second swap with this id".into());
            }
            Ok(())
        })?;
        Ok(Self {
            swaps,
            source: "builtin".into(),
            version,
        })
    }

    /// A swap by id.
    pub fn get(&self, id: &str) -> Option<&pb::Swap> {
        self.swaps.get(id)
    }

    /// Every swap, by id.
    pub fn all(&self) -> impl Iterator<Item = &pb::Swap> {
        self.swaps.values()
    }

    /// Where the library came from: "builtin" or "operator-supplied".
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The library's version (see [`library_version`]).
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// The figure at `path` (protobuf JSON names, `[i]` for list elements) of
/// an EvaluateSwap response, as decimal text.
pub fn response_figure(response: &pb::EvaluateSwapResponse, path: &str) -> Option<String> {
    message_figure(response, "debtcalc.v1.EvaluateSwapResponse", path)
}

/// Checks one swap, completes its sources, and evaluates its request.
fn validate(file: &str, swap: &mut pb::Swap, version: &str) -> Result<(), String> {
    let id = swap.id.clone();
    swap.sources = Entry {
        noun: "swap",
        id: &swap.id,
        title: &swap.title,
        note: &swap.note,
        note_required: "note is required (what is uncertain, assumed or not reproduced)",
        facts: &swap.facts,
        sources: &swap.sources,
    }
    .check(file)?;
    let request = swap
        .request
        .as_ref()
        .ok_or_else(|| "request is required".to_string())?;
    if !request.swap_id.is_empty() {
        return Err("request.swap_id must be empty".into());
    }
    let kind = kind_name(request).ok_or("request needs a kind of swap")?;
    if swap.kind != kind {
        return Err(format!(
            "kind {:?} is not the request's kind {kind:?}",
            swap.kind
        ));
    }
    // Answers computed here are discarded: no provenance to echo.
    let ctx = Context {
        provenance: None,
        library_version: version,
    };
    let response = evaluate(request, format!("library:{id}"), &ctx).map_err(|e| {
        let status = tonic::Status::from(e);
        format!("its request does not evaluate: {}", status.message())
    })?;
    for (i, figure) in swap.published_figures.iter().enumerate() {
        let published = parse_decimal(&figure.published).map_err(|_| {
            format!(
                "published_figures[{i}].published {:?} is not a decimal",
                figure.published
            )
        })?;
        let computed = response_figure(&response, &figure.response_field).ok_or_else(|| {
            format!(
                "published_figures[{i}].response_field {:?} names no amount or decimal of the response",
                figure.response_field
            )
        })?;
        let same = parse_decimal(&computed).is_ok_and(|c| c == published);
        match figure.reproduced {
            Some(true) if !same => {
                return Err(format!(
                    "published_figures[{i}] says reproduced, but {} is {computed}, not {}",
                    figure.response_field, figure.published
                ))
            }
            Some(false) if same => {
                return Err(format!(
                    "published_figures[{i}] says not reproduced, but {} is exactly {}",
                    figure.response_field, figure.published
                ))
            }
            None => {
                return Err(format!(
                    "published_figures[{i}].reproduced is required (true or false)"
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (That BUILTIN names every file of data/swaps/ is checked by
    /// tests/swap_library.rs.)
    #[test]
    fn builtin_swaps_validate() {
        let library = SwapLibrary::builtin().expect("the built-in swaps validate");
        assert_eq!(library.all().count(), BUILTIN.len());
        assert!(library.version().starts_with("sha256:"));
        // Sources are completed from the facts, each once.
        let bolivia = library.get("bolivia-ci-1987").unwrap();
        assert!(bolivia.sources.len() >= 2);
        let mut unique = bolivia.sources.clone();
        unique.dedup();
        assert_eq!(unique.len(), bolivia.sources.len());
    }

    /// The Bolivia file with `edit` applied to its JSON.
    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Result<SwapLibrary, SwapLibraryError> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(id, _)| *id == "bolivia-ci-1987")
            .unwrap();
        let mut json: serde_json::Value = serde_json::from_str(text).unwrap();
        edit(&mut json);
        SwapLibrary::from_files(std::iter::once((
            "bolivia-ci-1987.json".to_string(),
            json.to_string(),
        )))
    }

    #[test]
    fn dishonest_or_broken_files_are_refused() {
        assert!(edited(|_| {}).is_ok());
        // "about 15 cents" is not reproduced; claiming it is fails.
        let error = edited(|j| j["publishedFigures"][2]["reproduced"] = true.into()).unwrap_err();
        assert!(error.message.contains("says reproduced"), "{error}");
        // The face is reproduced; claiming it is not fails too.
        let error = edited(|j| j["publishedFigures"][0]["reproduced"] = false.into()).unwrap_err();
        assert!(error.message.contains("not reproduced"), "{error}");
        let error =
            edited(|j| j["publishedFigures"][0]["responseField"] = "threeParty.nope".into())
                .unwrap_err();
        assert!(error.message.contains("names no amount"), "{error}");
        let error = edited(|j| j["kind"] = "development".into()).unwrap_err();
        assert!(error.message.contains("kind"), "{error}");
        let error = edited(|j| j["facts"][0]["source"] = "".into()).unwrap_err();
        assert!(error.message.contains("no source"), "{error}");
        let error =
            edited(|j| j["request"]["threeParty"]["purchaseCost"]["amount"] = "300000".into())
                .unwrap_err();
        assert!(error.message.contains("does not evaluate"), "{error}");
        assert!(error
            .to_string()
            .starts_with("swap library: bolivia-ci-1987.json"));
        let error = edited(|j| j["id"] = "other".into()).unwrap_err();
        assert!(error.message.contains("must be named"), "{error}");
    }
}
