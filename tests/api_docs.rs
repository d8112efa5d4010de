//! `docs/api.md`, the API reference, is generated from the comments of the
//! protos in `proto/debtcalc/v1/` by this file, and this test fails when the
//! checked-in file is not what the protos give. Regenerate with
//!
//! ```sh
//! scripts/api-docs
//! ```
//!
//! (which runs `DEBTCALC_WRITE_API_DOCS=1 cargo test --test api_docs`). The
//! test also fails when a service, RPC, message, field, oneof, enum or enum
//! value has no comment.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    FileDescriptorSet, ServiceDescriptorProto,
};

const DOCS: &str = "docs/api.md";
const REGENERATE: &str = "scripts/api-docs";

// Field numbers of the descriptor messages, for source-info paths.
const FILE_MESSAGE: i32 = 4;
const FILE_ENUM: i32 = 5;
const FILE_SERVICE: i32 = 6;
const MESSAGE_FIELD: i32 = 2;
const MESSAGE_NESTED: i32 = 3;
const MESSAGE_ENUM: i32 = 4;
const MESSAGE_ONEOF: i32 = 8;
const ENUM_VALUE: i32 = 2;
const SERVICE_METHOD: i32 = 2;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The debtcalc protos, compiled with their comments.
fn descriptors() -> FileDescriptorSet {
    let proto = root().join("proto");
    let mut files: Vec<PathBuf> = std::fs::read_dir(proto.join("debtcalc/v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "proto"))
        .map(|p| p.strip_prefix(&proto).unwrap().to_path_buf())
        .collect();
    files.sort();
    let mut compiler = protox::Compiler::new([&proto]).unwrap();
    compiler.include_source_info(true).include_imports(false);
    compiler.open_files(&files).unwrap();
    compiler.file_descriptor_set()
}

/// Comments by source path.
/// Comments and source text by source path.
struct Comments {
    comments: BTreeMap<Vec<i32>, String>,
    /// The declaration's source text, by path.
    text: BTreeMap<Vec<i32>, String>,
}

impl Comments {
    fn of(file: &FileDescriptorProto) -> Self {
        let source = std::fs::read_to_string(root().join("proto").join(file.name())).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        let mut comments = BTreeMap::new();
        let mut text = BTreeMap::new();
        if let Some(info) = &file.source_code_info {
            for location in &info.location {
                if let Some(comment) = location.leading_comments.as_deref() {
                    comments.insert(location.path.clone(), clean(comment));
                }
                // span: start line, start column, [end line,] end column.
                if let (Some(&start), Some(&end)) = (location.span.first(), location.span.get(2)) {
                    let end = if location.span.len() == 4 { end } else { start };
                    let declaration = lines[start as usize..=end as usize].join(" ");
                    text.insert(location.path.clone(), declaration);
                }
            }
        }
        Self { comments, text }
    }

    fn get(&self, path: &[i32]) -> &str {
        self.comments.get(path).map(String::as_str).unwrap_or("")
    }

    /// Whether the declaration at `path` is marked
    /// `[(google.api.field_behavior) = REQUIRED]`.
    fn required(&self, path: &[i32]) -> bool {
        self.text
            .get(path)
            .is_some_and(|t| t.contains("(google.api.field_behavior) = REQUIRED"))
    }
}

/// A comment as Markdown: the lines unindented, paragraphs kept.
fn clean(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    lines.join("\n").trim().to_string()
}

/// A comment inside a table cell: one line, paragraphs broken with
/// `<br><br>` and indented or list lines with `<br>`, HTML and pipes
/// escaped.
fn cell(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph_break = false;
    for line in escape(text).lines() {
        let line = line.trim_end();
        if line.is_empty() {
            paragraph_break = true;
            continue;
        }
        if !out.is_empty() {
            if paragraph_break {
                out.push_str("<br><br>");
            } else if line.starts_with("  ") || line.starts_with("- ") {
                out.push_str("<br>");
            } else {
                out.push(' ');
            }
        }
        paragraph_break = false;
        out.push_str(line.trim_start());
    }
    out.replace('|', "\\|")
}

/// Text that Markdown would read as HTML ("library:<id>") shown as is.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn short_type(name: &str) -> String {
    name.trim_start_matches('.').to_string()
}

fn type_link(name: &str) -> String {
    let full = short_type(name);
    match full.strip_prefix("debtcalc.v1.") {
        Some(local) => format!("[`{local}`](#{})", anchor(&full)),
        None => format!("`{full}`"),
    }
}

fn anchor(full: &str) -> String {
    full.to_lowercase().replace('.', "-")
}

fn field_type(field: &FieldDescriptorProto) -> String {
    match field.r#type() {
        Type::Message | Type::Enum => type_link(field.type_name()),
        other => format!(
            "`{}`",
            other
                .as_str_name()
                .trim_start_matches("TYPE_")
                .to_lowercase()
        ),
    }
}

struct Missing(Vec<String>);

impl Missing {
    fn check(&mut self, what: &str, comment: &str) {
        if comment.trim().is_empty() {
            self.0.push(what.to_string());
        }
    }
}

fn render_service(
    out: &mut String,
    package: &str,
    service: &ServiceDescriptorProto,
    path: Vec<i32>,
    comments: &Comments,
    missing: &mut Missing,
) {
    let full = format!("{package}.{}", service.name());
    let comment = comments.get(&path);
    missing.check(&full, comment);
    writeln!(
        out,
        "### <a id=\"{}\"></a>`{}`\n",
        anchor(&full),
        service.name()
    )
    .unwrap();
    writeln!(out, "{}\n", escape(comment)).unwrap();
    writeln!(out, "| RPC | Request | Response | Description |").unwrap();
    writeln!(out, "|---|---|---|---|").unwrap();
    for (i, method) in service.method.iter().enumerate() {
        let mut at = path.clone();
        at.extend([SERVICE_METHOD, i as i32]);
        let comment = comments.get(&at);
        missing.check(&format!("{full}.{}", method.name()), comment);
        writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            method.name(),
            type_link(method.input_type()),
            type_link(method.output_type()),
            cell(comment)
        )
        .unwrap();
    }
    out.push('\n');
}

fn render_enum(
    out: &mut String,
    full: &str,
    enumeration: &EnumDescriptorProto,
    path: Vec<i32>,
    comments: &Comments,
    missing: &mut Missing,
) {
    let comment = comments.get(&path);
    missing.check(full, comment);
    writeln!(
        out,
        "### <a id=\"{}\"></a>enum `{}`\n",
        anchor(full),
        short_type(full).trim_start_matches("debtcalc.v1.")
    )
    .unwrap();
    writeln!(out, "{}\n", escape(comment)).unwrap();
    writeln!(out, "| Value | Number | Description |").unwrap();
    writeln!(out, "|---|---|---|").unwrap();
    for (i, value) in enumeration.value.iter().enumerate() {
        let mut at = path.clone();
        at.extend([ENUM_VALUE, i as i32]);
        let comment = comments.get(&at);
        missing.check(&format!("{full}.{}", value.name()), comment);
        writeln!(
            out,
            "| `{}` | {} | {} |",
            value.name(),
            value.number(),
            cell(comment)
        )
        .unwrap();
    }
    if !enumeration.reserved_range.is_empty() || !enumeration.reserved_name.is_empty() {
        let mut reserved: Vec<String> = enumeration
            .reserved_range
            .iter()
            .map(|r| r.start().to_string())
            .collect();
        reserved.extend(enumeration.reserved_name.iter().map(|n| format!("`{n}`")));
        writeln!(
            out,
            "\nReserved (removed, never reused): {}.",
            reserved.join(", ")
        )
        .unwrap();
    }
    out.push('\n');
}

fn render_message(
    out: &mut String,
    full: &str,
    message: &DescriptorProto,
    path: Vec<i32>,
    comments: &Comments,
    missing: &mut Missing,
) {
    let comment = comments.get(&path);
    missing.check(full, comment);
    let local = full.trim_start_matches("debtcalc.v1.");
    writeln!(out, "### <a id=\"{}\"></a>`{local}`\n", anchor(full)).unwrap();
    writeln!(out, "{}\n", escape(comment)).unwrap();
    for (i, oneof) in message.oneof_decl.iter().enumerate() {
        let synthetic = message
            .field
            .iter()
            .any(|f| f.oneof_index == Some(i as i32) && f.proto3_optional());
        if synthetic {
            continue;
        }
        let mut at = path.clone();
        at.extend([MESSAGE_ONEOF, i as i32]);
        let comment = comments.get(&at);
        missing.check(&format!("{full}.{} (oneof)", oneof.name()), comment);
        writeln!(out, "One of `{}`: {}\n", oneof.name(), cell(comment)).unwrap();
    }
    if message.field.is_empty() {
        writeln!(out, "No fields.\n").unwrap();
    } else {
        writeln!(out, "| Field | JSON | Number | Type | Description |").unwrap();
        writeln!(out, "|---|---|---|---|---|").unwrap();
        for (i, field) in message.field.iter().enumerate() {
            let mut at = path.clone();
            at.extend([MESSAGE_FIELD, i as i32]);
            let comment = comments.get(&at);
            missing.check(&format!("{full}.{}", field.name()), comment);
            let required = if comments.required(&at) {
                "**Required.** "
            } else {
                ""
            };
            let mut kind = field_type(field);
            if field.label() == Label::Repeated {
                kind = format!("repeated {kind}");
            } else if field.proto3_optional() {
                kind = format!("optional {kind}");
            } else if let Some(index) = field.oneof_index {
                kind = format!(
                    "{kind} (one of `{}`)",
                    message.oneof_decl[index as usize].name()
                );
            }
            writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {required}{} |",
                field.name(),
                field.json_name(),
                field.number(),
                kind,
                cell(comment)
            )
            .unwrap();
        }
        out.push('\n');
    }
    if !message.reserved_range.is_empty() || !message.reserved_name.is_empty() {
        let mut reserved: Vec<String> = message
            .reserved_range
            .iter()
            .map(|r| r.start().to_string())
            .collect();
        reserved.extend(message.reserved_name.iter().map(|n| format!("`{n}`")));
        writeln!(
            out,
            "Reserved (removed, never reused): {}.\n",
            reserved.join(", ")
        )
        .unwrap();
    }
    for (i, nested) in message.enum_type.iter().enumerate() {
        let mut at = path.clone();
        at.extend([MESSAGE_ENUM, i as i32]);
        render_enum(
            out,
            &format!("{full}.{}", nested.name()),
            nested,
            at,
            comments,
            missing,
        );
    }
    for (i, nested) in message.nested_type.iter().enumerate() {
        let mut at = path.clone();
        at.extend([MESSAGE_NESTED, i as i32]);
        render_message(
            out,
            &format!("{full}.{}", nested.name()),
            nested,
            at,
            comments,
            missing,
        );
    }
}

/// The reference, and what has no comment.
fn render(set: &FileDescriptorSet) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut missing = Missing(Vec::new());
    writeln!(out, "# debtcalc API reference (`debtcalc.v1`)\n").unwrap();
    writeln!(
        out,
        "Generated from the comments of `proto/debtcalc/v1/*.proto` by `tests/api_docs.rs`; \
         do not edit by hand. Regenerate with `{REGENERATE}` (CI fails when this file is \
         not current).\n"
    )
    .unwrap();
    writeln!(
        out,
        "JSON names are those of the proto3 JSON mapping that grpcurl and the protobuf \
         libraries use. Every decimal is a string, dates are `google.type.Date` objects \
         `{{year, month, day}}`, enums are their value names, amounts are `Money` \
         `{{currencyCode, amount}}`; an `optional` field is printed whenever it is set, \
         even when it is `false` or `0` (see the README's JSON conventions).\n"
    )
    .unwrap();
    let mut files: Vec<&FileDescriptorProto> = set
        .file
        .iter()
        .filter(|f| f.package() == "debtcalc.v1")
        .collect();
    files.sort_by_key(|f| f.name().to_string());
    writeln!(out, "## Services\n").unwrap();
    for file in &files {
        let comments = Comments::of(file);
        for (i, service) in file.service.iter().enumerate() {
            render_service(
                &mut out,
                file.package(),
                service,
                vec![FILE_SERVICE, i as i32],
                &comments,
                &mut missing,
            );
        }
    }
    for file in &files {
        if file.message_type.is_empty() && file.enum_type.is_empty() {
            continue;
        }
        let comments = Comments::of(file);
        writeln!(out, "## `{}`\n", file.name()).unwrap();
        for (i, message) in file.message_type.iter().enumerate() {
            let full = format!("{}.{}", file.package(), message.name());
            render_message(
                &mut out,
                &full,
                message,
                vec![FILE_MESSAGE, i as i32],
                &comments,
                &mut missing,
            );
        }
        for (i, enumeration) in file.enum_type.iter().enumerate() {
            let full = format!("{}.{}", file.package(), enumeration.name());
            render_enum(
                &mut out,
                &full,
                enumeration,
                vec![FILE_ENUM, i as i32],
                &comments,
                &mut missing,
            );
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    (out, missing.0)
}

#[test]
fn api_reference_is_current_and_complete() {
    let (text, missing) = render(&descriptors());
    assert!(
        missing.is_empty(),
        "these have no comment in the protos (say what each means, its unit and its \
         default): {missing:#?}"
    );
    let path = root().join(DOCS);
    if std::env::var_os("DEBTCALC_WRITE_API_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == text,
        "{DOCS} is not what the protos give; run `{REGENERATE}` and commit the result{}",
        first_difference(&current, &text)
    );
}

fn first_difference(old: &str, new: &str) -> String {
    for (i, (a, b)) in old.lines().zip(new.lines()).enumerate() {
        if a != b {
            return format!(
                " (first difference at line {}:\n  file:      {a}\n  generated: {b})",
                i + 1
            );
        }
    }
    format!(
        " ({} lines in the file, {} generated)",
        old.lines().count(),
        new.lines().count()
    )
}

#[test]
fn the_docs_cover_every_debtcalc_type() {
    // Every message and enum the server serves appears in the reference
    // (the generator reads the same directory build.rs compiles).
    let (text, _) = render(&descriptors());
    let served =
        <FileDescriptorSet as prost::Message>::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET)
            .unwrap();
    for file in served.file.iter().filter(|f| f.package() == "debtcalc.v1") {
        for name in file
            .message_type
            .iter()
            .map(|m| m.name())
            .chain(file.enum_type.iter().map(|e| e.name()))
        {
            assert!(
                text.contains(&format!("id=\"debtcalc-v1-{}\"", name.to_lowercase())),
                "{name} is missing from the reference"
            );
        }
    }
    // Every field marked REQUIRED in the protos says so in the reference.
    let marked: usize = std::fs::read_dir(root().join("proto/debtcalc/v1"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| t.matches("(google.api.field_behavior) = REQUIRED").count())
        .sum();
    assert!(marked >= 40, "{marked}");
    assert_eq!(text.matches("**Required.**").count(), marked);
    assert!(Path::new(&root().join("proto/debtcalc/v1")).is_dir());
}
