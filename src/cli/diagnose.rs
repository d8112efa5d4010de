//! Why a JSON request is not the method's message, said with the field's
//! path (in the server's field-path form, `claim.amount`,
//! `programs[1].weight`) and what the JSON mapping expects there: a decimal
//! written as a JSON number, an enum name that does not exist (with the
//! valid names), a date written as a string, an unknown field (with the
//! message's fields). grpcurl says none of this; the parser's own message
//! is kept as the fallback.

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde_json::Value;

/// The first problem of `value` as a `descriptor` message, if one is found.
pub fn diagnose(descriptor: &MessageDescriptor, value: &Value) -> Option<String> {
    message(descriptor, value, "")
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn message(descriptor: &MessageDescriptor, value: &Value, path: &str) -> Option<String> {
    let Value::Object(entries) = value else {
        if value.is_null() {
            return None;
        }
        let shown = if path.is_empty() { "the request" } else { path };
        return Some(format!(
            "{shown}: expected a JSON object (a {}), got {}",
            descriptor.full_name(),
            kind_of(value)
        ));
    };
    for (key, item) in entries {
        let field = descriptor
            .get_field_by_json_name(key)
            .or_else(|| descriptor.get_field_by_name(key));
        let Some(field) = field else {
            let names: Vec<String> = descriptor
                .fields()
                .map(|f| f.json_name().to_string())
                .collect();
            return Some(format!(
                "{}: no such field in {}; its fields are {}",
                join(path, key),
                descriptor.full_name(),
                names.join(", ")
            ));
        };
        let path = join(path, field.name());
        if let Some(problem) = field_value(&field, item, &path) {
            return Some(problem);
        }
    }
    None
}

fn field_value(field: &FieldDescriptor, value: &Value, path: &str) -> Option<String> {
    if value.is_null() {
        return None;
    }
    if field.is_map() {
        let Value::Object(entries) = value else {
            return Some(format!(
                "{path}: expected a JSON object (a map), got {}",
                kind_of(value)
            ));
        };
        let Kind::Message(entry) = field.kind() else {
            return None;
        };
        let value_field = entry.map_entry_value_field();
        return entries.iter().find_map(|(key, item)| {
            single(&value_field.kind(), item, &format!("{path}[{key:?}]"))
        });
    }
    if field.is_list() {
        let Value::Array(items) = value else {
            return Some(format!(
                "{path}: expected a JSON array (a repeated field), got {}",
                kind_of(value)
            ));
        };
        return items
            .iter()
            .enumerate()
            .find_map(|(index, item)| single(&field.kind(), item, &format!("{path}[{index}]")));
    }
    single(&field.kind(), value, path)
}

fn single(kind: &Kind, value: &Value, path: &str) -> Option<String> {
    match kind {
        Kind::Message(descriptor) => {
            if descriptor.full_name() == "google.type.Date" && value.is_string() {
                return Some(format!(
                    "{path}: a date is an object {{\"year\": 2015, \"month\": 3, \"day\": 17}}, not the string {value}"
                ));
            }
            if descriptor.full_name().starts_with("google.protobuf.") {
                return None;
            }
            message(descriptor, value, path)
        }
        Kind::String => match value {
            Value::String(_) => None,
            Value::Number(n) => Some(format!(
                "{path}: decimals and other text are JSON strings: write \"{n}\", not {n}"
            )),
            other => Some(format!(
                "{path}: expected a JSON string, got {}",
                kind_of(other)
            )),
        },
        Kind::Enum(descriptor) => {
            let known = match value {
                Value::String(name) => descriptor.get_value_by_name(name).is_some(),
                Value::Number(n) => n.as_i64().is_some(),
                _ => false,
            };
            if known {
                return None;
            }
            let names: Vec<String> = descriptor.values().map(|v| v.name().to_string()).collect();
            Some(format!(
                "{path}: {value} is not a value of {}; the values are {}",
                descriptor.full_name(),
                names.join(", ")
            ))
        }
        Kind::Bool => (!value.is_boolean())
            .then(|| format!("{path}: expected true or false, got {}", kind_of(value))),
        Kind::Bytes => (!value.is_string()).then(|| {
            format!(
                "{path}: expected a base64 JSON string, got {}",
                kind_of(value)
            )
        }),
        Kind::Double | Kind::Float => (!value.is_number() && !value.is_string())
            .then(|| format!("{path}: expected a number, got {}", kind_of(value))),
        _ => {
            // Integers: a JSON number or a string of digits.
            let integral = match value {
                Value::Number(n) => n.is_i64() || n.is_u64(),
                Value::String(s) => s.parse::<i128>().is_ok(),
                _ => false,
            };
            (!integral).then(|| format!("{path}: expected a whole number, got {value}"))
        }
    }
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(message: &str, json: &str) -> Option<String> {
        // debtcalc's own descriptors are enough for its messages (the
        // error details that json::pool adds are not diagnosed).
        let pool = prost_reflect::DescriptorPool::decode(crate::api::pb::FILE_DESCRIPTOR_SET)
            .expect("debtcalc's descriptor set decodes");
        let descriptor = pool.get_message_by_name(message).expect("message");
        diagnose(&descriptor, &serde_json::from_str(json).expect("json"))
    }

    #[test]
    fn names_the_field_and_what_is_expected() {
        let number = problem(
            "debtcalc.v1.SplitClaimRequest",
            r#"{"claim": {"currencyCode": "USD", "amount": 5}}"#,
        )
        .expect("a problem");
        assert_eq!(
            number,
            "claim.amount: decimals and other text are JSON strings: write \"5\", not 5"
        );
        let weight = problem(
            "debtcalc.v1.SplitClaimRequest",
            r#"{"programs": [{"name": "a", "weight": "1"}, {"name": "b", "weight": 2}]}"#,
        )
        .expect("a problem");
        assert!(weight.starts_with("programs[1].weight: "), "{weight}");
        let date = problem(
            "debtcalc.v1.BuildScheduleRequest",
            r#"{"terms": {"firstPaymentDate": "2015-03-17"}}"#,
        )
        .expect("a problem");
        assert!(
            date.starts_with("terms.first_payment_date: a date is an object"),
            "{date}"
        );
        let frequency = problem(
            "debtcalc.v1.BuildScheduleRequest",
            r#"{"terms": {"frequency": "SEMI_ANNUAL"}}"#,
        )
        .expect("a problem");
        assert!(
            frequency.starts_with(
                "terms.frequency: \"SEMI_ANNUAL\" is not a value of debtcalc.v1.Frequency"
            ),
            "{frequency}"
        );
        assert!(frequency.contains("FREQUENCY_SEMI_ANNUAL"), "{frequency}");
        let unknown = problem(
            "debtcalc.v1.SplitClaimRequest",
            r#"{"writeOfShare": "0.9"}"#,
        )
        .expect("a problem");
        assert!(
            unknown.starts_with("writeOfShare: no such field"),
            "{unknown}"
        );
        assert!(unknown.contains("writeOffShare"), "{unknown}");
    }

    #[test]
    fn a_valid_request_has_no_problem() {
        assert_eq!(
            problem(
                "debtcalc.v1.BuildScheduleRequest",
                r#"{"principal": {"currencyCode": "USD", "amount": "1"},
                    "terms": {"firstPaymentDate": {"year": 2015, "month": 3, "day": 17},
                              "frequency": "FREQUENCY_SEMI_ANNUAL", "installmentCount": 40,
                              "grace_periods": "2", "endOfMonth": true}}"#
            ),
            None
        );
    }
}
