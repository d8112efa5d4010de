//! RenderChart's own fields: the chart kind (the request's, or the
//! subject's only one) and the options (size, the grant element's rates),
//! validated with their field paths.

use rust_decimal::Decimal;

use super::convert;
use super::error::Violations;
use super::pb::debtcalc::v1 as pb;
use crate::chart::Size;

/// The most discount rates on a grant-element curve.
pub const MAX_CURVE_RATES: usize = 200;

/// How the chart is drawn, validated.
pub(super) struct Options {
    pub(super) size: Size,
    /// The rates of a grant-element curve.
    pub(super) grid: Vec<Decimal>,
}

/// The chart kind to draw: the request's, or the subject's only one.
pub(super) fn resolve_kind(
    v: &mut Violations,
    request: &pb::RenderChartRequest,
) -> Option<pb::ChartKind> {
    use pb::render_chart_request::Subject;
    use pb::ChartKind as K;
    let kind = match K::try_from(request.kind) {
        Ok(kind) => kind,
        Err(_) => return convert::unknown_enum(v, "kind", "ChartKind", request.kind),
    };
    let (name, allowed): (&str, &[K]) = match request.subject.as_ref() {
        None => {
            v.add(
                "subject",
                "MISSING_FIELD",
                "one of settlement, schedule, concessionality, reconciliation, swap is required",
            );
            return None;
        }
        Some(Subject::Settlement(_)) => (
            "settlement",
            &[
                K::Schedule,
                K::Reinvestment,
                K::GrantElement,
                K::ReconciliationWaterfall,
            ],
        ),
        Some(Subject::Schedule(_)) => ("schedule", &[K::Schedule]),
        Some(Subject::Concessionality(_)) => ("concessionality", &[K::GrantElement]),
        Some(Subject::Reconciliation(_)) => ("reconciliation", &[K::ReconciliationWaterfall]),
        Some(Subject::Swap(_)) => ("swap", &[K::SwapSavings]),
    };
    if kind == K::Unspecified {
        if allowed.len() == 1 {
            return Some(allowed[0]);
        }
        v.add(
            "kind",
            "MISSING_FIELD",
            format!("is required with a {name}"),
        );
        return None;
    }
    if !allowed.contains(&kind) {
        let names: Vec<&str> = allowed.iter().map(|k| k.as_str_name()).collect();
        v.add(
            "kind",
            "CHART_NOT_AVAILABLE",
            format!(
                "{} is not drawn from a {name} request (it draws {})",
                kind.as_str_name(),
                names.join(", ")
            ),
        );
        return None;
    }
    Some(kind)
}

pub(super) fn parse_options(
    v: &mut Violations,
    options: Option<&pb::ChartOptions>,
) -> Option<Options> {
    let default = pb::ChartOptions::default();
    let options = options.unwrap_or(&default);
    let mut side = |field: &str, value: Option<u32>, default: u32, min: u32, max: u32| {
        let value = value.unwrap_or(default);
        if value < min || value > max {
            v.add(
                field,
                "OUT_OF_BOUNDS",
                format!("{min} to {max} pixels, got {value}"),
            );
        }
        value
    };
    let width = side(
        "options.width",
        options.width,
        Size::DEFAULT.width,
        Size::MIN.width,
        Size::MAX.width,
    );
    let height = side(
        "options.height",
        options.height,
        Size::DEFAULT.height,
        Size::MIN.height,
        Size::MAX.height,
    );
    let rate = |v: &mut Violations, field: &str, text: &str, default: &str| {
        let text = if text.is_empty() { default } else { text };
        convert::decimal(v, field, text)
    };
    let min = rate(
        v,
        "options.min_discount_rate",
        &options.min_discount_rate,
        "0",
    );
    let max = rate(
        v,
        "options.max_discount_rate",
        &options.max_discount_rate,
        "0.12",
    );
    let step = rate(
        v,
        "options.discount_rate_step",
        &options.discount_rate_step,
        "0.005",
    );
    let mut grid = Vec::new();
    if let (Some(min), Some(max), Some(step)) = (min, max, step) {
        if min <= Decimal::NEGATIVE_ONE {
            v.add(
                "options.min_discount_rate",
                "OUT_OF_BOUNDS",
                "must be greater than -1",
            );
        } else if max <= min {
            v.add(
                "options.max_discount_rate",
                "OUT_OF_BOUNDS",
                "must be greater than min_discount_rate",
            );
        } else if step <= Decimal::ZERO {
            v.add(
                "options.discount_rate_step",
                "OUT_OF_BOUNDS",
                "must be greater than zero",
            );
        } else {
            let mut rate = min;
            while rate <= max && grid.len() <= MAX_CURVE_RATES {
                grid.push(rate);
                match rate.checked_add(step) {
                    Some(next) => rate = next,
                    None => break,
                }
            }
            if grid.len() < 2 {
                v.add(
                    "options.discount_rate_step",
                    "TOO_FEW_RATES",
                    "the curve needs at least 2 rates from min to max",
                );
            } else if grid.len() > MAX_CURVE_RATES {
                v.add(
                    "options.discount_rate_step",
                    "TOO_MANY_RATES",
                    format!("at most {MAX_CURVE_RATES} rates from min to max"),
                );
            }
        }
    }
    Some(Options {
        size: Size { width, height },
        grid,
    })
}
