//! What every RenderChart subject shares: the chart drawn with what it
//! assumed, and the subject's errors and warnings at RenderChart's field
//! paths (`schedule.principal.amount`).

use rust_decimal::Decimal;

use super::error::{ApiError, Violation};
use super::pb::debtcalc::v1 as pb;
use crate::chart::ChartError;

/// A chart drawn, with what it assumed.
pub(super) struct Drawn {
    pub(super) svg: String,
    pub(super) title: String,
    pub(super) currency: String,
    pub(super) notes: Vec<String>,
    pub(super) points: usize,
    pub(super) value_scale: &'static str,
    pub(super) source_rpc: &'static str,
    pub(super) grace: &'static str,
    pub(super) curve_rates: Vec<Decimal>,
}

/// `field` of the subject at this request's path.
pub(super) fn under(prefix: &str, field: &str) -> String {
    if field.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

/// A subject's error at this request's field paths.
pub(super) fn prefixed(prefix: &str, error: ApiError) -> ApiError {
    error.map_fields(|field| under(prefix, field))
}

/// A subject's warnings at this request's field paths.
pub(super) fn prefixed_warnings(prefix: &str, warnings: &[pb::Warning]) -> Vec<pb::Warning> {
    warnings
        .iter()
        .map(|w| pb::Warning {
            field: under(prefix, &w.field),
            ..w.clone()
        })
        .collect()
}

/// The chart is not available for this subject: INVALID_ARGUMENT at `kind`.
pub(super) fn unavailable(description: impl Into<String>) -> ApiError {
    ApiError::InvalidArgument(vec![Violation {
        field: "kind".to_string(),
        reason: "CHART_NOT_AVAILABLE",
        description: description.into(),
    }])
}

pub(super) fn chart_error(error: ChartError) -> ApiError {
    match error {
        ChartError::Empty(why) => unavailable(why),
        ChartError::Drawing(why) => ApiError::Internal(why),
    }
}
