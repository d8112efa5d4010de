//! The charts of single RPCs' responses: a BuildSchedule response's
//! schedule, a ReconcileValuations response's waterfall, and the grant
//! element of an AssessConcessionality request's loan over a grid of rates.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::chart_drawn::{chart_error, prefixed, prefixed_warnings, unavailable, Drawn};
use super::chart_figures::{self as figures, decimal, money};
use super::chart_request::Options;
use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::restructuring_service::assess_concessionality_response;
use super::settlement::Context;
use crate::chart::format::{percent, short};
use crate::chart::grant_element::{CurvePoint, GrantElementChart, Threshold};
use crate::chart::{self, Size};
use crate::domain::valuation::{ConcessionalityConvention, Dac2018Group};

/// The standard conventions, their names for people, and their rates and
/// thresholds as the domain defines them.
pub(super) fn standard_conventions() -> [(
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

pub(super) fn draw_schedule(
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

pub(super) fn draw_waterfall(
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
pub(super) fn draw_grant_element(
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
