//! Errors of the API layer and their one mapping to `tonic::Status`
//! (AIP-193): every error carries exactly one `google.rpc.ErrorInfo` with
//! domain `debtcalc`, and bad input also one `google.rpc.BadRequest` listing
//! every offending field path.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

use crate::domain::error::DomainError;

/// The `ErrorInfo.domain` of every debtcalc error.
pub const ERROR_DOMAIN: &str = "debtcalc";

/// One bad field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field path as named in the request: `claim.amount`,
    /// `programs[1].weight`.
    pub field: String,
    /// UPPER_SNAKE reason, e.g. `INVALID_DECIMAL`.
    pub reason: &'static str,
    /// What is wrong, for a person.
    pub description: String,
}

/// Collects the violations of one request, so that a response names every
/// bad field at once rather than the first only.
#[derive(Debug, Default)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(
        &mut self,
        field: impl Into<String>,
        reason: &'static str,
        description: impl Into<String>,
    ) {
        self.0.push(Violation {
            field: field.into(),
            reason,
            description: description.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` if no violation was recorded, the collected error
    /// otherwise. Nothing is computed from a request with any violation.
    pub fn into_result<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::InvalidArgument(self.0))
        }
    }

    /// Like [`Self::into_result`] for a value built only when the request is
    /// valid.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        if !self.0.is_empty() {
            return Err(ApiError::InvalidArgument(self.0));
        }
        build().ok_or_else(|| ApiError::Internal("a validated request could not be built".into()))
    }
}

/// Everything a handler can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Bad input: INVALID_ARGUMENT.
    InvalidArgument(Vec<Violation>),
    /// Valid input whose result does not fit the supported range:
    /// OUT_OF_RANGE. `fields` are the inputs that drive the size.
    OutOfRange {
        reason: &'static str,
        message: String,
        fields: Vec<String>,
    },
    /// A call the server did not compute to the end, for reasons of its
    /// own or of the call's lifetime rather than of the input: overload
    /// (RESOURCE_EXHAUSTED, reason `OVERLOADED`), a passed deadline
    /// (DEADLINE_EXCEEDED) or a client gone (CANCELLED). `reason` is the
    /// ErrorInfo reason.
    NotComputed {
        code: Code,
        reason: &'static str,
        message: String,
    },
    /// A bug: INTERNAL. Never expected.
    Internal(String),
}

impl ApiError {
    /// The same error with every field path it names (the violations' and
    /// OUT_OF_RANGE's) replaced by `map` of it; other errors name none.
    pub(crate) fn map_fields(self, map: impl Fn(&str) -> String) -> ApiError {
        match self {
            ApiError::InvalidArgument(violations) => ApiError::InvalidArgument(
                violations
                    .into_iter()
                    .map(|v| Violation {
                        field: map(&v.field),
                        ..v
                    })
                    .collect(),
            ),
            ApiError::OutOfRange {
                reason,
                message,
                fields,
            } => ApiError::OutOfRange {
                reason,
                message,
                fields: fields.iter().map(|f| map(f)).collect(),
            },
            other => other,
        }
    }

    /// Maps a domain error, naming the request fields it stems from. One
    /// exhaustive match: a new domain error does not compile until it has a
    /// status.
    pub fn from_domain(error: DomainError, fields: &[&str]) -> Self {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let message = error.to_string();
        let out_of_range = |reason| ApiError::OutOfRange {
            reason,
            message: message.clone(),
            fields: fields.clone(),
        };
        // The API layer validates input before computing, so the invalid-*
        // variants are a second line of defence; they are still the caller's
        // input, hence INVALID_ARGUMENT.
        let invalid = |reason| {
            ApiError::InvalidArgument(
                fields
                    .iter()
                    .map(|field| Violation {
                        field: field.clone(),
                        reason,
                        description: message.clone(),
                    })
                    .collect(),
            )
        };
        match error {
            DomainError::Overflow { .. } => out_of_range("ARITHMETIC_OVERFLOW"),
            DomainError::DateOutOfRange { .. } => out_of_range("DATE_OUT_OF_RANGE"),
            DomainError::InvalidTerms { .. } => invalid("INVALID_TERMS"),
            DomainError::InvalidInput { .. } => invalid("INVALID_INPUT"),
            DomainError::InvalidValuation { .. } => invalid("INVALID_VALUATION"),
            DomainError::Cancelled => ApiError::NotComputed {
                code: Code::Cancelled,
                reason: "CANCELLED",
                message,
            },
            DomainError::DeadlineExceeded => ApiError::NotComputed {
                code: Code::DeadlineExceeded,
                reason: "DEADLINE_EXCEEDED",
                message,
            },
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::InvalidArgument(violations) => {
                let reason = common_reason(&violations);
                let violations = capped(violations);
                let shown = violations.len().min(MESSAGE_VIOLATIONS);
                let mut message = format!(
                    "invalid request: {}",
                    violations[..shown]
                        .iter()
                        .map(|v| format!("{}: {}", v.field, v.description))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                if violations.len() > shown {
                    message.push_str("; more in the BadRequest details");
                }
                let fields = violations
                    .iter()
                    .map(|v| v.field.as_str())
                    .collect::<Vec<_>>()
                    .join(",");
                let mut details = ErrorDetails::new();
                details.set_error_info(
                    reason,
                    ERROR_DOMAIN,
                    HashMap::from([("fields".to_string(), fields)]),
                );
                details.set_bad_request(
                    violations
                        .into_iter()
                        .map(|v| FieldViolation {
                            field: v.field,
                            description: v.description,
                            reason: v.reason.to_string(),
                            localized_message: None,
                        })
                        .collect::<Vec<_>>(),
                );
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            ApiError::OutOfRange {
                reason,
                message,
                fields,
            } => {
                let mut details = ErrorDetails::new();
                details.set_error_info(
                    reason,
                    ERROR_DOMAIN,
                    HashMap::from([("fields".to_string(), fields.join(","))]),
                );
                details.set_bad_request(
                    fields
                        .iter()
                        .map(|f| FieldViolation {
                            field: f.clone(),
                            description: message.clone(),
                            reason: reason.to_string(),
                            localized_message: None,
                        })
                        .collect::<Vec<_>>(),
                );
                Status::with_error_details(Code::OutOfRange, message, details)
            }
            ApiError::NotComputed {
                code,
                reason,
                message,
            } => {
                let mut details = ErrorDetails::new();
                details.set_error_info(reason, ERROR_DOMAIN, HashMap::new());
                Status::with_error_details(code, message, details)
            }
            ApiError::Internal(message) => {
                let mut details = ErrorDetails::new();
                details.set_error_info("INTERNAL", ERROR_DOMAIN, HashMap::new());
                Status::with_error_details(Code::Internal, message, details)
            }
        }
    }
}

/// The most field violations one error lists. Status details travel in
/// HTTP/2 trailers, and common clients refuse trailers beyond 8-16 KiB
/// (grpcio's default limit is 8 KiB), so a request with thousands of bad
/// fields gets the first ones and a count of the rest.
pub const MAX_VIOLATIONS: usize = 20;

/// How many violations the status message spells out.
const MESSAGE_VIOLATIONS: usize = 3;

/// At most [`MAX_VIOLATIONS`]: the first ones, then one entry (on the field
/// of the first left out, reason `MORE_VIOLATIONS`) that counts the rest.
fn capped(mut violations: Vec<Violation>) -> Vec<Violation> {
    if violations.len() <= MAX_VIOLATIONS {
        return violations;
    }
    let total = violations.len();
    let rest = violations.split_off(MAX_VIOLATIONS - 1);
    violations.push(Violation {
        field: rest[0].field.clone(),
        reason: "MORE_VIOLATIONS",
        description: format!(
            "and {} more violations ({total} in all); only the first {} are listed",
            rest.len(),
            MAX_VIOLATIONS - 1
        ),
    });
    violations
}

/// The reason shared by all violations, or `INVALID_REQUEST` when they
/// differ.
fn common_reason(violations: &[Violation]) -> &'static str {
    match violations.first() {
        Some(first) if violations.iter().all(|v| v.reason == first.reason) => first.reason,
        _ => "INVALID_REQUEST",
    }
}

#[cfg(test)]
mod map_fields_tests {
    use super::*;

    #[test]
    fn every_field_path_is_mapped_and_the_rest_kept() {
        let under = |f: &str| format!("settlement.{f}");
        let invalid = ApiError::InvalidArgument(vec![
            Violation {
                field: "principal.amount".into(),
                reason: "NEGATIVE",
                description: "d".into(),
            },
            Violation {
                field: "rate".into(),
                reason: "R",
                description: "e".into(),
            },
        ])
        .map_fields(under);
        let ApiError::InvalidArgument(violations) = invalid else {
            panic!("still INVALID_ARGUMENT")
        };
        let fields: Vec<_> = violations.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["settlement.principal.amount", "settlement.rate"]);
        assert_eq!(violations[0].reason, "NEGATIVE");
        assert_eq!(violations[1].description, "e");

        let range = ApiError::OutOfRange {
            reason: "TOO_MANY",
            message: "m".into(),
            fields: vec!["term_years".into()],
        }
        .map_fields(under);
        let ApiError::OutOfRange {
            reason,
            message,
            fields,
        } = range
        else {
            panic!("still OUT_OF_RANGE")
        };
        assert_eq!((reason, message.as_str()), ("TOO_MANY", "m"));
        assert_eq!(fields, ["settlement.term_years"]);

        let internal = ApiError::Internal("bug".into()).map_fields(under);
        assert!(matches!(internal, ApiError::Internal(m) if m == "bug"));
    }
}
