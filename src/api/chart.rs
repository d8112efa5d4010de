//! RenderChart: the answer of an RPC (BuildSchedule, AssessConcessionality,
//! ReconcileValuations, AnalyzeSettlement) computed by that RPC's own
//! parse, compute and render function, read into the plain figures of
//! [`crate::chart`] ([`super::chart_figures`]) and drawn as SVG. Errors of
//! the subject are reported at this request's field paths (the subject's
//! paths under its field name, `settlement.claim`).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::chart_figures::{self as figures, decimal, money};
use super::convert;
use super::error::{ApiError, Violation, Violations};
use super::pb::debtcalc::v1 as pb;
use super::reconciliation_service::reconcile_valuations_response;
use super::restructuring_service::{assess_concessionality_response, build_schedule_response};
use super::settlement::{analyze, Context};
use super::{swap, swap_development};
use crate::chart::format::{grouped, percent, short};
use crate::chart::grant_element::{CurvePoint, GrantElementChart, Threshold};
use crate::chart::swap_savings::SwapSavingsChart;
use crate::chart::{self, ChartError, Size};
use crate::domain::valuation::{ConcessionalityConvention, Dac2018Group};

/// The most discount rates on a grant-element curve.
pub const MAX_CURVE_RATES: usize = 200;

/// The settlement to draw, resolved from the library by the handler.
pub struct SettlementSubject {
    /// The request analysed (the library's with the caller's sections).
    pub request: pb::AnalyzeSettlementRequest,
    /// "request" or "library:<id>".
    pub source: String,
}

/// The swap to draw, resolved from the swap library by the handler.
pub struct SwapSubject {
    /// The request evaluated (the library's, when it named one).
    pub request: pb::EvaluateSwapRequest,
    /// "request" or "library:<id>".
    pub source: String,
    /// The swap library's version, echoed by EvaluateSwap.
    pub library_version: String,
}

/// How the chart is drawn, validated.
struct Options {
    size: Size,
    /// The rates of a grant-element curve.
    grid: Vec<Decimal>,
}

/// A chart drawn, with what it assumed.
struct Drawn {
    svg: String,
    title: String,
    currency: String,
    notes: Vec<String>,
    points: usize,
    value_scale: &'static str,
    source_rpc: &'static str,
    grace: &'static str,
    curve_rates: Vec<Decimal>,
}

/// The standard conventions, their names for people, and their rates and
/// thresholds as the domain defines them.
fn standard_conventions() -> [(
    pb::ConcessionalityConvention,
    &'static str,
    ConcessionalityConvention,
); 7] {
    use pb::ConcessionalityConvention as P;
    use ConcessionalityConvention as D;
    [
        (P::ImfWorldBank, "IMF / World Bank", D::ImfWorldBank),
        (P::OecdDac, "OECD DAC (old)", D::OecdDac),
        (
            P::Dac2018LdcLic,
            "DAC 2018 LDC/LIC",
            D::Dac2018 {
                group: Dac2018Group::LdcLic,
            },
        ),
        (
            P::Dac2018Lmic,
            "DAC 2018 LMIC",
            D::Dac2018 {
                group: Dac2018Group::Lmic,
            },
        ),
        (
            P::Dac2018Umic,
            "DAC 2018 UMIC",
            D::Dac2018 {
                group: Dac2018Group::Umic,
            },
        ),
        (
            P::Dac2018MultilateralGlobalOrMdb,
            "DAC 2018 multilateral (global, MDB)",
            D::Dac2018 {
                group: Dac2018Group::MultilateralGlobalOrMdb,
            },
        ),
        (
            P::Dac2018MultilateralOther,
            "DAC 2018 multilateral (other)",
            D::Dac2018 {
                group: Dac2018Group::MultilateralOther,
            },
        ),
    ]
}

/// `field` of the subject at this request's path.
fn under(prefix: &str, field: &str) -> String {
    if field.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}.{field}")
    }
}

/// A subject's error at this request's field paths.
fn prefixed(prefix: &str, error: ApiError) -> ApiError {
    match error {
        ApiError::InvalidArgument(violations) => ApiError::InvalidArgument(
            violations
                .into_iter()
                .map(|v| Violation {
                    field: under(prefix, &v.field),
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
            fields: fields.iter().map(|f| under(prefix, f)).collect(),
        },
        other => other,
    }
}

/// A subject's warnings at this request's field paths.
fn prefixed_warnings(prefix: &str, warnings: &[pb::Warning]) -> Vec<pb::Warning> {
    warnings
        .iter()
        .map(|w| pb::Warning {
            field: under(prefix, &w.field),
            ..w.clone()
        })
        .collect()
}

/// The chart is not available for this subject: INVALID_ARGUMENT at `kind`.
fn unavailable(description: impl Into<String>) -> ApiError {
    ApiError::InvalidArgument(vec![Violation {
        field: "kind".to_string(),
        reason: "CHART_NOT_AVAILABLE",
        description: description.into(),
    }])
}

fn chart_error(error: ChartError) -> ApiError {
    match error {
        ChartError::Empty(why) => unavailable(why),
        ChartError::Drawing(why) => ApiError::Internal(why),
    }
}

/// The chart kind to draw: the request's, or the subject's only one.
fn resolve_kind(v: &mut Violations, request: &pb::RenderChartRequest) -> Option<pb::ChartKind> {
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

fn parse_options(v: &mut Violations, options: Option<&pb::ChartOptions>) -> Option<Options> {
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

fn draw_schedule(
    response: &pb::BuildScheduleResponse,
    name: Option<&str>,
    notes: Vec<String>,
    size: Size,
) -> Result<Drawn, ApiError> {
    let (principal, currency) = money(response.principal.as_ref(), "principal")?;
    let title = format!(
        "{}repayment of {} {currency} in {} instalments",
        name.map(|n| format!("{n}: ")).unwrap_or_default(),
        short(principal.to_f64().unwrap_or(0.0)),
        response.installments.len()
    );
    let chart = figures::schedule(response, title, notes)?;
    let svg = chart::schedule::draw(&chart, size).map_err(chart_error)?;
    Ok(Drawn {
        svg,
        title: chart.title.clone(),
        currency: chart.currency.clone(),
        notes: chart.all_notes(),
        points: chart.instalments.len(),
        value_scale: "LINEAR",
        source_rpc: "debtcalc.v1.RestructuringService/BuildSchedule",
        grace: "LEADING_INSTALLMENTS_WITHOUT_PRINCIPAL",
        curve_rates: Vec::new(),
    })
}

fn draw_waterfall(
    response: &pb::ReconcileValuationsResponse,
    name: Option<&str>,
    size: Size,
) -> Result<Drawn, ApiError> {
    let title = |creditor: &str, party: &str| {
        format!(
            "{}valuation gap, {creditor} against {party}",
            name.map(|n| format!("{n}: ")).unwrap_or_default()
        )
    };
    let chart = figures::waterfall(response, title, Vec::new())?.map_err(unavailable)?;
    let svg = chart::waterfall::draw(&chart, size).map_err(chart_error)?;
    Ok(Drawn {
        svg,
        title: chart.title.clone(),
        currency: chart.currency.clone(),
        notes: chart.all_notes(),
        points: chart.steps.len() + 2,
        value_scale: "LOG10",
        source_rpc: "debtcalc.v1.ReconciliationService/ReconcileValuations",
        grace: "",
        curve_rates: Vec::new(),
    })
}

/// The grant element of `base`'s loan at each rate of the grid (its
/// convention set to CUSTOM at that rate) and under each requested
/// convention. `prefix` is where `base`'s errors are reported; `notes`
/// come before the chart's own.
#[allow(clippy::too_many_arguments)]
fn draw_grant_element(
    base: &pb::AssessConcessionalityRequest,
    requested: &[i32],
    mut requested_rates: Vec<Decimal>,
    options: &Options,
    prefix: &str,
    ctx: &Context,
    warnings: &mut Vec<pb::Warning>,
    name: Option<&str>,
    mut notes: Vec<String>,
) -> Result<Drawn, ApiError> {
    let assess = |request: &pb::AssessConcessionalityRequest| {
        assess_concessionality_response(request, ctx.provenance).map_err(|e| prefixed(prefix, e))
    };
    let mut thresholds = Vec::new();
    let mut face = None;
    let mut convention_rates = Vec::new();
    for (i, convention) in requested.iter().enumerate() {
        let request = pb::AssessConcessionalityRequest {
            convention: *convention,
            ..base.clone()
        };
        let response = assess(&request)?;
        if i == 0 {
            warnings.extend(prefixed_warnings(prefix, &response.warnings));
        }
        face = Some(money(response.face_value.as_ref(), "face value")?);
        let rate = decimal(&response.discount_rate, "discount rate")?;
        let threshold = decimal(&response.threshold, "threshold")?;
        let ge = decimal(&response.grant_element, "grant element")?;
        let label = standard_conventions()
            .iter()
            .find(|(p, _, _)| *p as i32 == *convention)
            .map_or("custom", |(_, label, _)| label);
        notes.push(format!(
            "{label}: grant element {} at {} (threshold {}): {}",
            percent(ge.to_f64().unwrap_or(0.0), 4),
            percent(rate.to_f64().unwrap_or(0.0), 3),
            percent(threshold.to_f64().unwrap_or(0.0), 2),
            if response.concessional == Some(true) {
                "concessional"
            } else {
                "not concessional"
            }
        ));
        if *convention == pb::ConcessionalityConvention::Custom as i32 {
            thresholds.push(Threshold {
                label: "custom".into(),
                rate,
                threshold,
                requested: true,
            });
        }
        if !convention_rates.contains(&rate) {
            convention_rates.push(rate);
        }
    }
    if requested_rates.is_empty() {
        requested_rates = convention_rates;
    }
    // The conventions for sovereign borrowers always; those for loans to
    // multilateral institutions when asked for.
    for (convention, label, domain) in standard_conventions() {
        let is_requested = requested.contains(&(convention as i32));
        if is_requested
            || !matches!(domain, ConcessionalityConvention::Dac2018 { group } if matches!(group, Dac2018Group::MultilateralGlobalOrMdb | Dac2018Group::MultilateralOther))
        {
            thresholds.push(Threshold {
                label: label.to_string(),
                rate: domain.discount_rate(),
                threshold: domain.threshold(),
                requested: is_requested,
            });
        }
    }
    let mut curve = Vec::with_capacity(options.grid.len());
    for rate in &options.grid {
        let request = pb::AssessConcessionalityRequest {
            convention: pb::ConcessionalityConvention::Custom as i32,
            custom_discount_rate: rate.normalize().to_string(),
            custom_threshold: "0".to_string(),
            ..base.clone()
        };
        let response = assess(&request)?;
        curve.push(CurvePoint {
            rate: *rate,
            grant_element: decimal(&response.grant_element, "grant element")?,
        });
    }
    let (face_value, currency) = face.ok_or_else(|| ApiError::Internal("no convention".into()))?;
    let title = format!(
        "{}grant element of {} {currency} against the discount rate",
        name.map(|n| format!("{n}: ")).unwrap_or_default(),
        short(face_value.to_f64().unwrap_or(0.0)),
    );
    let chart = GrantElementChart {
        title,
        currency,
        face_value,
        curve,
        thresholds,
        requested_rates,
        notes,
    };
    let svg = chart::grant_element::draw(&chart, options.size).map_err(chart_error)?;
    Ok(Drawn {
        svg,
        title: chart.title.clone(),
        currency: chart.currency.clone(),
        notes: chart.all_notes(),
        points: chart.curve.len(),
        value_scale: "LINEAR",
        source_rpc: "debtcalc.v1.RestructuringService/AssessConcessionality",
        grace: "",
        curve_rates: options.grid.clone(),
    })
}

/// The savings over time of a development swap: EvaluateSwap's response,
/// and the cancelled share of each flow of the debt (the flows
/// EvaluateSwap sums into `debt_service_cancelled`).
fn draw_swap(
    subject: &SwapSubject,
    size: Size,
    ctx: &Context,
    warnings: &mut Vec<pb::Warning>,
) -> Result<Drawn, ApiError> {
    use pb::evaluate_swap_request::Kind;
    use pb::evaluate_swap_response::Result as Out;
    let swap_ctx = swap::Context {
        provenance: Some(ctx.provenance),
        library_version: &subject.library_version,
    };
    let response = swap::evaluate(&subject.request, subject.source.clone(), &swap_ctx)
        .map_err(|e| prefixed("swap", e))?;
    warnings.extend(prefixed_warnings("swap", &response.warnings));
    let (Some(Kind::Development(request)), Some(Out::Development(result))) =
        (subject.request.kind.as_ref(), response.result.as_ref())
    else {
        return Err(unavailable(
            "a three-party swap is settled at once: it has no savings over time",
        ));
    };
    let input =
        swap_development::parse("swap.development", request).map_err(|e| prefixed("swap", e))?;
    let expanded = input
        .debt
        .expand(input.valuation_date)
        .map_err(|e| ApiError::from_domain(e, &["swap.development.debt"]))?;
    let overflow = || ApiError::Internal("the cancelled debt service overflows".into());
    let cancelled = expanded
        .flows
        .iter()
        .map(|f| {
            f.amount
                .checked_mul(input.cancelled_share)
                .map(|x| (f.date, x))
                .ok_or_else(overflow)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut counterpart = Vec::with_capacity(result.counterpart_payments.len());
    for payment in &result.counterpart_payments {
        let date = payment
            .due_date
            .as_ref()
            .and_then(|d| chrono::NaiveDate::from_ymd_opt(d.year, d.month as u32, d.day as u32))
            .ok_or_else(|| ApiError::Internal("a counterpart payment has no date".into()))?;
        counterpart.push((
            date,
            money(payment.amount.as_ref(), "counterpart payment")?.0,
        ));
    }
    let (cancelled_total, currency) = money(
        result.debt_service_cancelled.as_ref(),
        "debt service cancelled",
    )?;
    let (paid, _) = money(result.counterpart_paid.as_ref(), "counterpart paid")?;
    let (saving, _) = money(result.nominal_saving.as_ref(), "nominal saving")?;
    let mut notes = vec![format!(
        "Debt service cancelled {} {currency}; counterpart paid {} {currency}; nominal saving {} {currency}",
        grouped(cancelled_total),
        grouped(paid),
        grouped(saving),
    )];
    for valuation in &result.valuations {
        let rate = match valuation.discounting.as_ref().and_then(|d| d.rate.as_ref()) {
            Some(pb::discounting::Rate::FlatRate(rate)) => {
                percent(decimal(rate, "discount rate")?.to_f64().unwrap_or(0.0), 3)
            }
            _ => "the curve".to_string(),
        };
        let (pv_saving, _) = money(valuation.debtor_saving.as_ref(), "debtor's saving")?;
        notes.push(format!(
            "At {rate}: the debtor's saving in present value {} {currency}",
            grouped(pv_saving)
        ));
    }
    let name = if response.swap_id.is_empty() {
        "swap".to_string()
    } else {
        response.swap_id.clone()
    };
    let chart = SwapSavingsChart {
        title: format!("{name}: the debtor's savings over time"),
        currency,
        cancelled,
        counterpart,
        notes,
    };
    let points = chart
        .points()
        .ok_or_else(|| ApiError::Internal("the cumulative amounts overflow".into()))?
        .len();
    let svg = chart::swap_savings::draw(&chart, size).map_err(chart_error)?;
    Ok(Drawn {
        svg,
        title: chart.title.clone(),
        currency: chart.currency.clone(),
        notes: chart.notes.clone(),
        points,
        value_scale: "LINEAR",
        source_rpc: "debtcalc.v1.SwapService/EvaluateSwap",
        grace: "",
        curve_rates: Vec::new(),
    })
}
