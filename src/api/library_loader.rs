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
