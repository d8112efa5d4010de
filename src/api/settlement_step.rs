//! What every step of AnalyzeSettlement shares: the reference data it runs
//! on, and the reporting of a step's errors at the field paths of the
//! settlement request (not of the step's own request).

use std::sync::Arc;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use crate::domain::money::Money;
use crate::domain::reconciliation::ReferenceData;

/// The reference data the conversion and reconciliation steps use, and the
/// provenance every step's response carries.
pub struct Context<'a> {
    pub data: &'a ReferenceData,
    pub data_source: &'a str,
    pub provenance: &'a Provenance,
}

/// What a [`Context`] borrows, owned and cheap to clone: the services that
/// run settlement steps on the compute pool hold one and move a clone into
/// the job.
#[derive(Debug, Clone)]
pub struct ContextData {
    pub data: Arc<ReferenceData>,
    pub data_source: Arc<str>,
    pub provenance: Provenance,
}

impl ContextData {
    pub fn new(
        data: Arc<ReferenceData>,
        data_source: impl Into<Arc<str>>,
        provenance: Provenance,
    ) -> Self {
        Self {
            data,
            data_source: data_source.into(),
            provenance,
        }
    }

    /// The context borrowing these.
    pub fn context(&self) -> Context<'_> {
        Context {
            data: &self.data,
            data_source: &self.data_source,
            provenance: &self.provenance,
        }
    }
}

/// Moves a step's field paths to the settlement request's: the first rule
/// whose `from` is the field or a prefix of it (at a `.` or `[`) replaces
/// that prefix with `to`; a field no rule matches is reported at
/// `fallback`.
pub(crate) fn remap(error: ApiError, rules: &[(&str, &str)], fallback: &str) -> ApiError {
    error.map_fields(|field| map_field(field, rules, fallback))
}

/// A step's field path at the settlement request's (see [`remap`]).
pub(crate) fn map_field(field: &str, rules: &[(&str, &str)], fallback: &str) -> String {
    for (from, to) in rules {
        if field == *from {
            return to.to_string();
        }
        if let Some(rest) = field.strip_prefix(from) {
            if rest.starts_with('.') || rest.starts_with('[') {
                return format!("{to}{rest}");
            }
        }
    }
    fallback.to_string()
}

/// A step's warnings at the settlement request's field paths, added to
/// `out` unless the same code already warns about the same field (the
/// repayment's rate warns once, not once per step that reads it).
pub(crate) fn lift_warnings(
    out: &mut Vec<pb::Warning>,
    warnings: &[pb::Warning],
    rules: &[(&str, &str)],
    fallback: &str,
) {
    for warning in warnings {
        let lifted = pb::Warning {
            field: map_field(&warning.field, rules, fallback),
            ..warning.clone()
        };
        if !out
            .iter()
            .any(|w| w.code == lifted.code && w.field == lifted.field)
        {
            out.push(lifted);
        }
    }
}

/// Parses a money field of a step's response (always well formed).
pub(crate) fn response_money(value: Option<&pb::Money>) -> Result<Money, ApiError> {
    let mut v = Violations::new();
    let money = convert::money(&mut v, "response", value, Sign::NonNegative);
    v.finish(|| money)
        .map_err(|_| ApiError::Internal("a step answered with an unreadable amount".into()))
}

pub(crate) fn invalid(
    field: impl Into<String>,
    reason: &'static str,
    description: impl Into<String>,
) -> ApiError {
    let mut v = Violations::new();
    v.add(field, reason, description);
    v.into_result(()).unwrap_err()
}
