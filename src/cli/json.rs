//! The proto3 JSON mapping as grpcurl reads and prints it, built from the
//! descriptor set the build produces (prost-reflect), not by hand.
//!
//! Requests are parsed with prost-reflect's serde support (unknown fields
//! refused, both `lowerCamel` and `original_name` keys accepted, like
//! grpcurl). Responses are printed byte for byte as grpcurl 1.8.6 prints
//! them: it formats its dynamic messages (jhump/protoreflect) with two-space
//! indentation, fields in field-number order, only fields that are present
//! (set with presence, non-zero, or non-empty) unless `-emit-defaults`,
//! enum names, strings escaped as Go's `encoding/json` escapes them (`<`,
//! `>`, `&` as `\u003c`...), map keys sorted. Error details (`Any`) print
//! compact with their top-level keys sorted, as grpcurl's jsonpb prints a
//! message it resolved dynamically.

use std::fmt::Write as _;

use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor,
    ReflectMessage, Value,
};

use crate::api::pb;

/// debtcalc's descriptors plus the error details' (`google.rpc.*`), decoded
/// once.
pub fn pool() -> Result<&'static DescriptorPool, String> {
    static POOL: std::sync::OnceLock<Result<DescriptorPool, String>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let mut pool = DescriptorPool::decode(pb::FILE_DESCRIPTOR_SET)
            .map_err(|e| format!("debtcalc's descriptor set does not decode: {e}"))?;
        pool.decode_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
            .map_err(|e| format!("the error details' descriptor set does not decode: {e}"))?;
        Ok(pool)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Parses `text`, the proto3 JSON mapping of a `descriptor` message. An
/// error names the field at fault and what the mapping expects there when
/// [`super::diagnose`] finds it, then the parser's own words.
pub fn parse(descriptor: MessageDescriptor, text: &str) -> Result<DynamicMessage, String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = DynamicMessage::deserialize(descriptor.clone(), &mut deserializer)
        .and_then(|message| deserializer.end().map(|()| message));
    parsed.map_err(|e| {
        let diagnosis = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|value| super::diagnose::diagnose(&descriptor, &value));
        match diagnosis {
            Some(problem) => format!("{problem} ({e})"),
            None => e.to_string(),
        }
    })
}

/// A JSON value before printing; scalars are already encoded tokens.
enum Node {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    Token(String),
}

/// `message` as grpcurl prints it (without the final newline);
/// `emit_defaults` as grpcurl's `-emit-defaults`.
pub fn print(message: &DynamicMessage, emit_defaults: bool) -> String {
    let mut out = String::new();
    write_pretty(&mut out, &message_node(message, emit_defaults), 0);
    out
}

/// An error detail (an `Any`) as grpcurl prints it: one compact line, the
/// packed message's top-level keys sorted, `@type` among them.
pub fn print_detail(any: &DynamicMessage, emit_defaults: bool) -> String {
    let mut node = any_node(any, emit_defaults);
    if let Node::Object(entries) = &mut node {
        entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    }
    let mut out = String::new();
    write_compact(&mut out, &node);
    out
}

/// A status as grpcurl's `-format-error` prints it (google.rpc.Status:
/// code, message, details), without a final newline.
pub fn print_status(code: i32, message: &str, details: &[DynamicMessage]) -> String {
    let mut entries = Vec::new();
    if code != 0 {
        entries.push(("code".to_string(), Node::Token(code.to_string())));
    }
    if !message.is_empty() {
        entries.push(("message".to_string(), Node::Token(go_string(message))));
    }
    if !details.is_empty() {
        entries.push((
            "details".to_string(),
            Node::Array(
                details
                    .iter()
                    .map(|d| Node::Token(print_detail(d, false)))
                    .collect(),
            ),
        ));
    }
    let mut out = String::new();
    write_pretty(&mut out, &Node::Object(entries), 0);
    out
}

/// jhump/protoreflect's indent buffer: every `{`/`[` opens a line one level
/// deeper and its end a line one level back, so an empty object is
/// `{`, a line of the inner indentation, `}`.
fn write_pretty(out: &mut String, node: &Node, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match node {
        Node::Token(token) => out.push_str(token),
        Node::Object(entries) => {
            out.push('{');
            newline(out, depth + 1);
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                    newline(out, depth + 1);
                }
                out.push_str(&go_string(key));
                out.push_str(": ");
                write_pretty(out, value, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
        Node::Array(items) => {
            out.push('[');
            newline(out, depth + 1);
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                    newline(out, depth + 1);
                }
                write_pretty(out, item, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
    }
}

fn write_compact(out: &mut String, node: &Node) {
    match node {
        Node::Token(token) => out.push_str(token),
        Node::Object(entries) => {
            out.push('{');
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&go_string(key));
                out.push(':');
                write_compact(out, value);
            }
            out.push('}');
        }
        Node::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_compact(out, item);
            }
            out.push(']');
        }
    }
}

/// The fields of `message` in field-number order, present ones only (every
/// field outside a oneof with `emit_defaults`: an unset message as `null`).
fn message_node(message: &DynamicMessage, emit_defaults: bool) -> Node {
    let descriptor = message.descriptor();
    if descriptor.full_name() == "google.protobuf.Any" {
        return any_node(message, emit_defaults);
    }
    let mut entries = Vec::new();
    for field in descriptor.fields() {
        let present = message.has_field(&field);
        if !present && (!emit_defaults || field.containing_oneof().is_some()) {
            continue;
        }
        let node = if !present
            && !field.is_list()
            && !field.is_map()
            && field.kind().as_message().is_some()
        {
            Node::Token("null".into())
        } else {
            field_node(&field, &message.get_field(&field), emit_defaults)
        };
        entries.push((field.json_name().to_string(), node));
    }
    Node::Object(entries)
}

fn field_node(field: &FieldDescriptor, value: &Value, emit_defaults: bool) -> Node {
    match value {
        Value::List(items) => Node::Array(
            items
                .iter()
                .map(|item| scalar_node(&field.kind(), item, emit_defaults))
                .collect(),
        ),
        Value::Map(map) => {
            let Kind::Message(entry) = field.kind() else {
                return Node::Object(Vec::new());
            };
            let value_kind = entry.map_entry_value_field().kind();
            let mut entries: Vec<(&MapKey, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Node::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| {
                        (map_key(key), scalar_node(&value_kind, value, emit_defaults))
                    })
                    .collect(),
            )
        }
        other => scalar_node(&field.kind(), other, emit_defaults),
    }
}

fn map_key(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn scalar_node(kind: &Kind, value: &Value, emit_defaults: bool) -> Node {
    let token = match value {
        Value::Message(message) => return message_node(message, emit_defaults),
        Value::Bool(b) => b.to_string(),
        Value::I32(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::I64(n) => format!("\"{n}\""),
        Value::U64(n) => format!("\"{n}\""),
        Value::F32(x) => go_float(f64::from(*x), true),
        Value::F64(x) => go_float(*x, false),
        Value::String(s) => go_string(s),
        Value::Bytes(bytes) => format!("\"{}\"", base64(bytes)),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(e) => match e.get_value(*number) {
                Some(v) => go_string(v.name()),
                None => number.to_string(),
            },
            _ => number.to_string(),
        },
        Value::List(_) | Value::Map(_) => "null".into(),
    };
    Node::Token(token)
}

/// An `Any`: the packed message with `@type` first, when its type is known.
fn any_node(any: &DynamicMessage, emit_defaults: bool) -> Node {
    let url = any
        .get_field_by_name("type_url")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let bytes = any
        .get_field_by_name("value")
        .and_then(|v| v.as_bytes().cloned())
        .unwrap_or_default();
    let name = url.rsplit('/').next().unwrap_or_default();
    let packed = pool()
        .ok()
        .and_then(|pool| pool.get_message_by_name(name))
        .and_then(|descriptor| DynamicMessage::decode(descriptor, bytes.as_ref()).ok());
    let mut entries = vec![("@type".to_string(), Node::Token(go_string(&url)))];
    match packed.map(|m| message_node(&m, emit_defaults)) {
        Some(Node::Object(fields)) => entries.extend(fields),
        _ => entries.push((
            "value".into(),
            Node::Token(format!("\"{}\"", base64(&bytes))),
        )),
    }
    Node::Object(entries)
}

/// A string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and
/// U+2029 escaped as `\u....`, control characters other than `\n`, `\r`
/// and `\t` as `\u00xx`.
pub fn go_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float as jhump/protoreflect writes it: NaN and infinities as strings,
/// otherwise Go's `strconv.FormatFloat(x, 'g', -1, bits)` (shortest digits,
/// exponent form below 1e-4 and from 1e6 on, exponents of two digits or
/// more: `1e+06`).
fn go_float(x: f64, single: bool) -> String {
    if x.is_nan() {
        return "\"NaN\"".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "\"Infinity\""
        } else {
            "\"-Infinity\""
        }
        .into();
    }
    let scientific = if single {
        format!("{:e}", x as f32)
    } else {
        format!("{x:e}")
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if x != 0.0 && !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    if single {
        format!("{}", x as f32)
    } else {
        format!("{x}")
    }
}

/// Standard base64 with padding (Go's encoding of `[]byte`).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_as_go_does() {
        assert_eq!(go_string("a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(go_string("q\"\\\n\u{1}"), r#""q\"\\\n\u0001""#);
        assert_eq!(go_string("Kč €"), "\"Kč €\"");
    }

    #[test]
    fn floats_and_bytes_as_go_writes_them() {
        assert_eq!(go_float(1.5, false), "1.5");
        assert_eq!(go_float(123456.0, false), "123456");
        assert_eq!(go_float(1e6, false), "1e+06");
        assert_eq!(go_float(1e21, false), "1e+21");
        assert_eq!(go_float(1.5e-7, false), "1.5e-07");
        assert_eq!(go_float(f64::NAN, false), "\"NaN\"");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn prints_number_order_and_skips_zero_values() {
        let pool = pool().expect("pool");
        let descriptor = pool
            .get_message_by_name("debtcalc.v1.SplitClaimRequest")
            .expect("message");
        let message = parse(
            descriptor,
            r#"{"programs": [{"name": "a<b", "weight": "1"}], "claim": {"currencyCode": "USD", "amount": "1"}, "roundingMode": "ROUNDING_MODE_UNSPECIFIED"}"#,
        )
        .expect("parses");
        assert_eq!(
            print(&message, false),
            "{\n  \"claim\": {\n    \"currencyCode\": \"USD\",\n    \"amount\": \"1\"\n  },\n  \"programs\": [\n    {\n      \"name\": \"a\\u003cb\",\n      \"weight\": \"1\"\n    }\n  ]\n}"
        );
    }

    #[test]
    fn empty_messages_print_as_jhump_does() {
        let pool = pool().expect("pool");
        let descriptor = pool
            .get_message_by_name("debtcalc.v1.ListSettlementsRequest")
            .expect("message");
        let message = parse(descriptor, "{}").expect("parses");
        assert_eq!(print(&message, false), "{\n  \n}");
    }

    #[test]
    fn refuses_unknown_fields_and_bad_json() {
        let pool = pool().expect("pool");
        let descriptor = pool
            .get_message_by_name("debtcalc.v1.SplitClaimRequest")
            .expect("message");
        let unknown = parse(descriptor.clone(), r#"{"claimm": {}}"#).expect_err("unknown");
        assert!(unknown.contains("claimm"), "{unknown}");
        assert!(parse(descriptor, r#"{"claim": "#).is_err());
    }
}
