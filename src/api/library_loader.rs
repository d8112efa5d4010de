//! What the settlement and swap libraries share: reading a directory of
//! `*.json` files, decoding each file as the protobuf JSON mapping of one
//! debtcalc message, and the library's version. Each library validates its
//! own messages and names itself in its own error type.

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage};

use super::pb;
use crate::domain::reconciliation::reference_data::content_version;

/// debtcalc's descriptors, decoded once, for the protobuf JSON mapping.
pub(crate) fn pool() -> Option<&'static DescriptorPool> {
    static POOL: std::sync::OnceLock<Option<DescriptorPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET).ok())
        .as_ref()
}

/// A file (or directory) of a library at fault, and what is wrong; each
/// library turns it into its own error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileError {
    pub file: String,
    pub message: String,
}

fn file_error(file: impl Into<String>, message: impl Into<String>) -> FileError {
    FileError {
        file: file.into(),
        message: message.into(),
    }
}

/// Every `*.json` file of `dir` as (file name, text), sorted; at least one
/// (else "holds no `noun` (*.json) file").
pub(crate) fn read_json_dir(
    dir: &std::path::Path,
    noun: &str,
) -> Result<Vec<(String, String)>, FileError> {
    let io = |file: &std::path::Path, e: std::io::Error| {
        file_error(file.display().to_string(), e.to_string())
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            files.push((name, text));
        }
    }
    if files.is_empty() {
        return Err(file_error(
            dir.display().to_string(),
            format!("holds no {noun} (*.json) file"),
        ));
    }
    files.sort();
    Ok(files)
}

/// Decodes each of `files` (file name, text) as the protobuf JSON mapping
/// of the message `name` (full name, e.g. "debtcalc.v1.Swap"), and hands it
/// with its file name to `accept`, file by file: the first file that does
/// not decode, or that `accept` refuses, stops the load.
pub(crate) fn decode_files<M: Message + Default>(
    files: &[(String, String)],
    name: &str,
    mut accept: impl FnMut(&str, M) -> Result<(), String>,
) -> Result<(), FileError> {
    let descriptor = pool()
        .ok_or_else(|| file_error("descriptors", "debtcalc's descriptor set does not decode"))?
        .get_message_by_name(name)
        .ok_or_else(|| file_error("descriptors", format!("{name} is not in the descriptors")))?;
    for (file, text) in files {
        let fail = |message: String| file_error(file.as_str(), message);
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let dynamic = DynamicMessage::deserialize(descriptor.clone(), &mut deserializer)
            .map_err(|e| fail(format!("not a {name} in protobuf JSON: {e}")))?;
        deserializer
            .end()
            .map_err(|e| fail(format!("trailing characters: {e}")))?;
        let message =
            M::decode(dynamic.encode_to_vec().as_slice()).map_err(|e| fail(e.to_string()))?;
        accept(file, message).map_err(fail)?;
    }
    Ok(())
}

/// A library's version: "sha256:" and the lower-case hex SHA-256 of its
/// files in file-name order, each hashed as its name, a NUL byte, its
/// length in bytes in decimal, a NUL byte and its bytes (the built-in
/// library hashes like a directory holding the same files).
pub(crate) fn library_version(files: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut bytes = Vec::new();
    for (name, text) in sorted {
        bytes.extend_from_slice(name.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(text.len().to_string().as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(text.as_bytes());
    }
    content_version(&bytes)
}

/// What every library entry (a settlement, a swap) is checked for, before
/// its own checks.
pub(crate) struct Entry<'a> {
    /// "settlement" or "swap", for the messages.
    pub noun: &'static str,
    pub id: &'a str,
    pub title: &'a str,
    pub note: &'a str,
    /// The message when the note is empty.
    pub note_required: &'static str,
    pub facts: &'a [pb::debtcalc::v1::SettlementFact],
    pub sources: &'a [String],
}

impl Entry<'_> {
    /// Checks the entry of file `file`: an id of lower-case letters, digits
    /// and hyphens naming the file, a title, a note, and at least one fact,
    /// each with a name, a value and a source. Returns its completed source
    /// list: the entry's sources and every fact's, each once, in order.
    pub(crate) fn check(&self, file: &str) -> Result<Vec<String>, String> {
        let id = self.id;
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!(
                "id {id:?} must be lower-case letters, digits and hyphens"
            ));
        }
        if file != format!("{id}.json") {
            return Err(format!(
                "the file of {} {id:?} must be named {id}.json",
                self.noun
            ));
        }
        if self.title.trim().is_empty() {
            return Err("title is required".into());
        }
        if self.note.trim().is_empty() {
            return Err(self.note_required.into());
        }
        if self.facts.is_empty() {
            return Err("at least one fact is required".into());
        }
        for (i, fact) in self.facts.iter().enumerate() {
            if fact.name.trim().is_empty() || fact.value.trim().is_empty() {
                return Err(format!("facts[{i}] needs a name and a value"));
            }
            if fact.source.trim().is_empty() {
                return Err(format!("facts[{i}] ({}) has no source", fact.name));
            }
        }
        let mut sources: Vec<String> = Vec::new();
        for source in self
            .sources
            .iter()
            .chain(self.facts.iter().map(|f| &f.source))
        {
            if !sources.contains(source) {
                sources.push(source.clone());
            }
        }
        Ok(sources)
    }
}
