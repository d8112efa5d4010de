//! Nothing a response says vanishes from grpcurl's default output (issue 12).
//!
//! grpcurl, like every proto3 JSON printer, leaves out a field that holds
//! its type's zero value unless the field has explicit presence. So a
//! verdict "not concessional" (`false`), `exact: false`, zero grace periods
//! or a JPY claim's zero minor units would simply be absent. The contract's
//! rule, checked here on the descriptors the server serves:
//!
//! - every bool or numeric scalar field of every debtcalc.v1 message
//!   (requests too: LoanTerms, Discounting and the settlement request are
//!   echoed in responses) is `optional` (explicit presence), or a member of
//!   a oneof (which has presence), or listed in [`ALLOWED`] with a reason;
//! - every enum's zero value is `*_UNSPECIFIED`, never a real answer, so an
//!   enum that is absent always means "not set" and a real answer is always
//!   printed.
//!
//! Strings are not listed: a decimal is printed as a non-empty string even
//! when it is zero ("0", "0.00"), and an empty string only ever means "not
//! given" (documented per field). Messages (Money, Date) have presence.

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::FileDescriptorSet;

/// Scalar fields allowed without explicit presence, with the reason. Empty:
/// every such field has presence; add an entry only with a reason why a zero
/// can never be an answer.
const ALLOWED: &[(&str, &str)] = &[];

fn debtcalc_files() -> Vec<prost_types::FileDescriptorProto> {
    let set = FileDescriptorSet::decode(debtcalc::api::pb::FILE_DESCRIPTOR_SET).unwrap();
    let files: Vec<_> = set
        .file
        .into_iter()
        .filter(|f| f.package() == "debtcalc.v1")
        .collect();
    assert!(files.len() >= 10, "debtcalc.v1 files: {}", files.len());
    files
}

fn is_scalar_with_zero(kind: Type) -> bool {
    !matches!(
        kind,
        Type::String | Type::Bytes | Type::Message | Type::Group | Type::Enum
    )
}

#[test]
fn every_bool_and_number_has_explicit_presence() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in debtcalc_files() {
        let mut stack: Vec<(String, &prost_types::DescriptorProto)> = file
            .message_type
            .iter()
            .map(|m| (m.name().to_string(), m))
            .collect();
        while let Some((name, message)) = stack.pop() {
            stack.extend(
                message
                    .nested_type
                    .iter()
                    .map(|m| (format!("{name}.{}", m.name()), m)),
            );
            for field in &message.field {
                if field.label() == Label::Repeated || !is_scalar_with_zero(field.r#type()) {
                    continue;
                }
                checked += 1;
                let path = format!("{name}.{}", field.name());
                let in_real_oneof = field.oneof_index.is_some() && !field.proto3_optional();
                if field.proto3_optional() || in_real_oneof {
                    continue;
                }
                if ALLOWED.iter().any(|(allowed, _)| *allowed == path) {
                    continue;
                }
                missing.push(path);
            }
        }
    }
    // 33 bools and counts today (the DPRK verdicts, exact flags, grace and
    // instalment counts, decimals, iterations); a drop means the walk broke.
    assert!(checked >= 30, "only {checked} scalar fields seen");
    assert!(
        missing.is_empty(),
        "these fields print nothing in grpcurl's default output when false or \
         zero; declare them `optional` (or add them to ALLOWED with a reason): {missing:#?}"
    );
}

#[test]
fn every_enum_zero_is_unspecified() {
    let mut wrong = Vec::new();
    for file in debtcalc_files() {
        let nested = file.message_type.iter().flat_map(|m| m.enum_type.iter());
        for enumeration in file.enum_type.iter().chain(nested) {
            let zero = enumeration.value.iter().find(|v| v.number() == 0);
            match zero {
                Some(value) if value.name().ends_with("_UNSPECIFIED") => {}
                other => wrong.push(format!(
                    "{}: zero value {:?}",
                    enumeration.name(),
                    other.map(|v| v.name())
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "an enum whose zero is a real answer vanishes from grpcurl's output: {wrong:#?}"
    );
}

#[test]
fn allowed_entries_name_real_fields() {
    // An allow-list entry for a field that no longer exists hides nothing
    // and would go stale silently.
    let files = debtcalc_files();
    for (path, reason) in ALLOWED {
        assert!(!reason.is_empty(), "{path}: no reason");
        let (message, field) = path.rsplit_once('.').unwrap();
        let found = files.iter().any(|f| {
            f.message_type
                .iter()
                .any(|m| m.name() == message && m.field.iter().any(|x| x.name() == field))
        });
        assert!(found, "ALLOWED names {path}, which does not exist");
    }
}

#[test]
fn every_response_carries_provenance() {
    // The debtcalc version and the data versions (issue 12): in the
    // response's conventions message, or top level where it has none.
    let files = debtcalc_files();
    let message = |name: &str| {
        files
            .iter()
            .flat_map(|f| f.message_type.iter())
            .find(|m| format!(".debtcalc.v1.{}", m.name()) == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let is_provenance = |f: &prost_types::FieldDescriptorProto| {
        f.type_name() == ".debtcalc.v1.Provenance" && f.label() != Label::Repeated
    };
    let mut rpcs = 0;
    for file in &files {
        for service in &file.service {
            for method in &service.method {
                rpcs += 1;
                let response = message(method.output_type());
                if method.client_streaming() && method.server_streaming() {
                    // A batch stream (EvaluateBatch): each answer carries a
                    // unary RPC's response, checked as that RPC's, or the
                    // error (google.rpc.Status) of the item.
                    let unary_outputs: Vec<&str> = files
                        .iter()
                        .flat_map(|f| f.service.iter())
                        .flat_map(|s| s.method.iter())
                        .filter(|m| !m.client_streaming() && !m.server_streaming())
                        .map(|m| m.output_type())
                        .collect();
                    for field in &response.field {
                        let carried = field.type_name();
                        assert!(
                            field.r#type() != prost_types::field_descriptor_proto::Type::Message
                                || carried == ".google.rpc.Status"
                                || unary_outputs.contains(&carried),
                            "{}.{}: neither a unary response nor the item's error",
                            method.name(),
                            field.name()
                        );
                    }
                    continue;
                }
                let top = response.field.iter().any(is_provenance);
                let in_conventions = response.field.iter().any(|f| {
                    (f.name() == "conventions" || f.name() == "solver")
                        && message(f.type_name()).field.iter().any(is_provenance)
                });
                assert!(
                    top != in_conventions,
                    "{}: provenance must be in exactly one place (top level {top}, \
                     conventions {in_conventions})",
                    method.name()
                );
            }
        }
    }
    assert!(rpcs >= 12, "{rpcs} RPCs");
}

#[test]
fn swap_flags_and_counts_have_presence() {
    // The swap answers whose false or zero is a real answer (issue 15): an
    // inexact implied price, a payment numbered, the share decimals.
    let files = debtcalc_files();
    let field = |message: &str, name: &str| {
        files
            .iter()
            .flat_map(|f| f.message_type.iter())
            .find(|m| m.name() == message)
            .and_then(|m| m.field.iter().find(|f| f.name() == name))
            .unwrap_or_else(|| panic!("{message}.{name}"))
            .clone()
    };
    for (message, name) in [
        ("ThreePartySwapResult", "purchase_price_exact"),
        ("ThreePartySwapResult", "redemption_price_exact"),
        ("ThreePartySwapResult", "multiplier_exact"),
        ("CounterpartPayment", "number"),
        ("SwapConventions", "share_decimals"),
        ("BuybackSwapResult", "saves_in_present_value"),
        ("BuybackSwapResult", "saves_after_commitments"),
        ("BuybackYear", "year"),
        ("HorizonSaving", "years"),
    ] {
        assert!(field(message, name).proto3_optional(), "{message}.{name}");
    }
}
