//! RenderChart of a swap: a development swap's savings over time, from
//! EvaluateSwap's response and the flows of its debt.

use rust_decimal::prelude::ToPrimitive;

use super::chart_drawn::{chart_error, prefixed, prefixed_warnings, unavailable, Drawn};
use super::chart_figures::{decimal, money};
use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::settlement::Context;
use super::{swap, swap_development};
use crate::chart::format::{grouped, percent};
use crate::chart::swap_savings::SwapSavingsChart;
use crate::chart::{self, Size};

/// The swap to draw, resolved from the swap library by the handler.
pub struct SwapSubject {
    /// The request evaluated (the library's, when it named one).
    pub request: pb::EvaluateSwapRequest,
    /// "request" or "library:<id>".
    pub source: String,
    /// The swap library's version, echoed by EvaluateSwap.
    pub library_version: String,
}

/// The savings over time of a development swap: EvaluateSwap's response,
/// and the cancelled share of each flow of the debt (the flows
/// EvaluateSwap sums into `debt_service_cancelled`).
pub(super) fn draw_swap(
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
    let name = if response.swap_id.is_empty() {
        "swap".to_string()
    } else {
        response.swap_id.clone()
    };
    let (request, result) = match (subject.request.kind.as_ref(), response.result.as_ref()) {
        (Some(Kind::Development(request)), Some(Out::Development(result))) => (request, result),
        (_, Some(Out::Buyback(result))) => return draw_buyback(result, name, size),
        _ => {
            return Err(unavailable(
                "a three-party swap is settled at once: it has no savings over time",
            ))
        }
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
    let chart = SwapSavingsChart {
        title: format!("{name}: the debtor's savings over time"),
        currency,
        cancelled,
        counterpart,
        notes,
        labels: SwapSavingsChart::development_labels(),
    };
    drawn(chart, size)
}

/// A buyback's savings by operation year, from EvaluateSwap's years: the
/// old debt service avoided against the new debt service, the upfront
/// outlay and the commitments; the saving so far is the response's
/// cumulative net saving.
fn draw_buyback(
    result: &pb::BuybackSwapResult,
    name: String,
    size: Size,
) -> Result<Drawn, ApiError> {
    let mut old = Vec::with_capacity(result.years.len());
    let mut new = Vec::with_capacity(result.years.len());
    let mut currency = String::new();
    for year in &result.years {
        let date = year
            .end_date
            .as_ref()
            .and_then(|d| chrono::NaiveDate::from_ymd_opt(d.year, d.month as u32, d.day as u32))
            .ok_or_else(|| ApiError::Internal("a buyback year has no end date".into()))?;
        let (avoided, code) = money(year.old_debt_service.as_ref(), "old debt service")?;
        currency = code;
        let mut paid = money(year.new_debt_service.as_ref(), "new debt service")?.0;
        for extra in [year.upfront_outlay.as_ref(), year.commitments.as_ref()]
            .into_iter()
            .flatten()
        {
            paid = paid
                .checked_add(money(Some(extra), "outlay")?.0)
                .ok_or_else(|| ApiError::Internal("a buyback year overflows".into()))?;
        }
        old.push((date, avoided));
        new.push((date, paid));
    }
    let last = result
        .years
        .last()
        .ok_or_else(|| unavailable("the buyback has no years"))?;
    let (net, _) = money(last.cumulative_net_saving.as_ref(), "cumulative net saving")?;
    let (gross, _) = money(last.cumulative_saving.as_ref(), "cumulative saving")?;
    let chart = SwapSavingsChart {
        title: format!("{name}: the debtor's savings over time"),
        currency: currency.clone(),
        cancelled: old,
        counterpart: new,
        notes: vec![format!(
            "Over years 0 to {}: saving {} {currency}, net of commitments {} {currency} (EvaluateSwap's years)",
            last.year.unwrap_or(0),
            grouped(gross),
            grouped(net),
        )],
        labels: SwapSavingsChart::buyback_labels(),
    };
    drawn(chart, size)
}

fn drawn(chart: SwapSavingsChart, size: Size) -> Result<Drawn, ApiError> {
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
