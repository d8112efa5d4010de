//! RenderChart: the answer of an RPC (BuildSchedule, AssessConcessionality,
//! ReconcileValuations, AnalyzeSettlement, EvaluateSwap) computed by that
//! RPC's own parse, compute and render function, read into the plain
//! figures of [`crate::chart`] ([`super::chart_figures`]) and drawn as SVG.
//! Errors of the subject are reported at this request's field paths (the
//! subject's paths under its field name, `settlement.claim`).
//!
//! This file dispatches by subject and draws a settlement's charts;
//! `chart_request` validates the kind and options, `chart_draw` draws the
//! single RPCs' charts, `chart_swap` a swap's, and `chart_drawn` holds what
//! they share (the chart drawn, the field paths under the subject).

use rust_decimal::prelude::ToPrimitive;

use super::chart_draw::{draw_grant_element, draw_schedule, draw_waterfall};
use super::chart_drawn::{chart_error, prefixed, prefixed_warnings, unavailable, Drawn};
use super::chart_figures::{self as figures, decimal, money};
pub use super::chart_request::MAX_CURVE_RATES;
use super::chart_request::{parse_options, resolve_kind, Options};
use super::chart_swap::draw_swap;
pub use super::chart_swap::SwapSubject;
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::reconciliation_service::reconcile_valuations_response;
use super::restructuring_service::build_schedule_response;
use super::settlement::{analyze, Context};
use crate::chart;
use crate::chart::format::{grouped, percent, short};

/// The settlement to draw, resolved from the library by the handler.
pub struct SettlementSubject {
    /// The request analysed (the library's with the caller's sections).
    pub request: pb::AnalyzeSettlementRequest,
    /// "request" or "library:<id>".
    pub source: String,
}

/// RenderChart: validate, compute the subject's answer, draw.
/// `settlement` and `swap` are the resolved subject when it is one.
pub(crate) fn render_chart(
    request: &pb::RenderChartRequest,
    settlement: Option<SettlementSubject>,
    swap: Option<SwapSubject>,
    ctx: &Context,
) -> Result<pb::RenderChartResponse, ApiError> {
    use pb::render_chart_request::Subject;
    let mut v = Violations::new();
    let kind = resolve_kind(&mut v, request);
    let options = parse_options(&mut v, request.options.as_ref());
    let (kind, options) = v.finish(|| Some((kind?, options?)))?;
    let mut warnings = Vec::new();
    let drawn = match (request.subject.as_ref(), settlement) {
        (Some(Subject::Settlement(_)), Some(subject)) => {
            draw_settlement(kind, &subject, &options, ctx, &mut warnings)?
        }
        (Some(Subject::Schedule(schedule)), _) => {
            let response = build_schedule_response(schedule, ctx.provenance)
                .map_err(|e| prefixed("schedule", e))?;
            warnings.extend(prefixed_warnings("schedule", &response.warnings));
            draw_schedule(&response, None, Vec::new(), options.size)?
        }
        (Some(Subject::Concessionality(base)), _) => {
            let requested = [base.convention];
            draw_grant_element(
                base,
                &requested,
                Vec::new(),
                &options,
                "concessionality",
                ctx,
                &mut warnings,
                None,
                Vec::new(),
            )?
        }
        (Some(Subject::Reconciliation(reconciliation)), _) => {
            let response = reconcile_valuations_response(
                reconciliation,
                ctx.data,
                ctx.data_source,
                ctx.provenance,
            )
            .map_err(|e| prefixed("reconciliation", e))?;
            draw_waterfall(&response, None, options.size)?
        }
        (Some(Subject::Swap(_)), _) => {
            let subject =
                swap.ok_or_else(|| ApiError::Internal("a swap subject was not resolved".into()))?;
            draw_swap(&subject, options.size, ctx, &mut warnings)?
        }
        _ => {
            return Err(ApiError::Internal(
                "a settlement subject was not resolved".into(),
            ))
        }
    };
    Ok(pb::RenderChartResponse {
        svg: drawn.svg.into_bytes(),
        content_type: chart::CONTENT_TYPE.to_string(),
        kind: kind as i32,
        conventions: Some(pb::ChartConventions {
            width: Some(options.size.width),
            height: Some(options.size.height),
            title: drawn.title,
            currency: drawn.currency,
            number_format: chart::NUMBER_FORMAT.to_string(),
            value_scale: drawn.value_scale.to_string(),
            source_rpc: drawn.source_rpc.to_string(),
            grace: drawn.grace.to_string(),
            curve_discount_rates: drawn
                .curve_rates
                .iter()
                .map(|r| r.normalize().to_string())
                .collect(),
            points: Some(drawn.points as u32),
            notes: drawn.notes,
            provenance: ctx.provenance.to_pb(),
        }),
        warnings,
    })
}

/// The settlement's name on its charts: its library id, or "settlement".
fn settlement_name(request: &pb::AnalyzeSettlementRequest) -> String {
    if request.settlement_id.is_empty() {
        "settlement".to_string()
    } else {
        request.settlement_id.clone()
    }
}

/// The settlement's claim and write-off, exactly.
fn settlement_notes(response: &pb::AnalyzeSettlementResponse) -> Result<Vec<String>, ApiError> {
    let Some(split) = response.split.as_ref() else {
        return Ok(Vec::new());
    };
    let (claim, currency) = money(split.claim.as_ref(), "claim")?;
    let (written_off, _) = money(split.written_off.as_ref(), "written off")?;
    let (remaining, _) = money(split.remaining.as_ref(), "remaining")?;
    let share = decimal(&split.write_off_share, "write-off share")?;
    Ok(vec![format!(
        "Claim {} {currency}; written off {} {currency} ({}); remaining {} {currency}",
        grouped(claim),
        grouped(written_off),
        percent(share.to_f64().unwrap_or(0.0), 4),
        grouped(remaining),
    )])
}

fn draw_settlement(
    kind: pb::ChartKind,
    subject: &SettlementSubject,
    options: &Options,
    ctx: &Context,
    warnings: &mut Vec<pb::Warning>,
) -> Result<Drawn, ApiError> {
    use pb::ChartKind as K;
    let response = analyze(&subject.request, ctx, subject.source.clone())
        .map_err(|e| prefixed("settlement", e))?;
    warnings.extend(prefixed_warnings("settlement", &response.warnings));
    let name = settlement_name(&subject.request);
    let notes = settlement_notes(&response)?;
    let no_repayment = || unavailable("the settlement has no repayment (no schedule)");
    match kind {
        K::Schedule => {
            let schedule = response.schedule.as_ref().ok_or_else(no_repayment)?;
            draw_schedule(schedule, Some(&name), notes, options.size)
        }
        K::Reinvestment => {
            let fund = response
                .reinvestment
                .as_ref()
                .ok_or_else(|| unavailable("the settlement has no reinvestment"))?;
            let (total, currency) = money(fund.fund_total.as_ref(), "fund total")?;
            let title = format!(
                "{name}: development fund, {} {currency} by programme",
                short(total.to_f64().unwrap_or(0.0))
            );
            let chart = figures::reinvestment(fund, title, notes)?;
            let svg = chart::reinvestment::draw(&chart, options.size).map_err(chart_error)?;
            Ok(Drawn {
                svg,
                title: chart.title.clone(),
                currency: chart.currency.clone(),
                notes: chart.all_notes(),
                points: chart.instalments.len(),
                value_scale: "LINEAR",
                source_rpc: "debtcalc.v1.SettlementService/AnalyzeSettlement",
                grace: "",
                curve_rates: Vec::new(),
            })
        }
        K::GrantElement => {
            let schedule = response.schedule.as_ref().ok_or_else(no_repayment)?;
            let valuation = subject.request.valuation.as_ref();
            let conventions = if subject.request.concessionality_conventions.is_empty() {
                vec![pb::ConcessionalityConvention::ImfWorldBank as i32]
            } else {
                subject.request.concessionality_conventions.clone()
            };
            let base = pb::AssessConcessionalityRequest {
                principal: schedule.principal.clone(),
                terms: schedule.resolved_terms.clone(),
                convention: conventions[0],
                time_basis: valuation.map_or(0, |val| val.time_basis),
                ..Default::default()
            };
            let rates = valuation
                .map(|val| {
                    val.discount_rates
                        .iter()
                        .map(|r| decimal(r, "discount rate"))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default();
            // The request was analysed whole above: an error here is the
            // repayment's, at the settlement's repayment.
            draw_grant_element(
                &base,
                &conventions,
                rates,
                options,
                "settlement.repayment",
                ctx,
                &mut Vec::new(),
                Some(&name),
                notes,
            )
        }
        K::ReconciliationWaterfall => {
            let reconciliation = response.reconciliation.as_ref().ok_or_else(|| {
                unavailable("the settlement has no reconciliation (no debtor's figure)")
            })?;
            draw_waterfall(reconciliation, Some(&name), options.size)
        }
        K::SwapSavings | K::Unspecified => Err(ApiError::Internal("not a settlement chart".into())),
    }
}
