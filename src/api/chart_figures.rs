//! Reads the responses of the RPCs a chart draws (BuildSchedule,
//! AnalyzeSettlement's reinvestment, AssessConcessionality,
//! ReconcileValuations) into the plain figures of [`crate::chart`], so the
//! charts never see a protobuf type and show exactly the responses'
//! numbers.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::pb::google::r#type::Date as GDate;
use crate::chart::format::{grouped, percent};
use crate::chart::reinvestment::{ProgrammeSeries, ReinvestmentChart};
use crate::chart::schedule::{Instalment, ScheduleChart};
use crate::chart::waterfall::{PartyFigure, Step, WaterfallChart};

/// A decimal of a response (always well formed).
pub(crate) fn decimal(text: &str, what: &str) -> Result<Decimal, ApiError> {
    Decimal::from_str(text)
        .map_err(|_| ApiError::Internal(format!("a response's {what} is not a decimal: {text:?}")))
}

/// A money amount of a response and its currency.
pub(crate) fn money(value: Option<&pb::Money>, what: &str) -> Result<(Decimal, String), ApiError> {
    let money = value.ok_or_else(|| ApiError::Internal(format!("a response has no {what}")))?;
    Ok((decimal(&money.amount, what)?, money.currency_code.clone()))
}

fn date(value: Option<&GDate>) -> Option<NaiveDate> {
    let d = value?;
    NaiveDate::from_ymd_opt(d.year, d.month as u32, d.day as u32)
}

/// The schedule chart of a BuildSchedule response.
pub(crate) fn schedule(
    response: &pb::BuildScheduleResponse,
    title: String,
    notes: Vec<String>,
) -> Result<ScheduleChart, ApiError> {
    let (principal, currency) = money(response.principal.as_ref(), "principal")?;
    let instalments = response
        .installments
        .iter()
        .enumerate()
        .map(|(i, inst)| {
            Ok(Instalment {
                number: inst.number.unwrap_or(i as u32 + 1),
                due_date: date(inst.due_date.as_ref()),
                principal: money(inst.principal.as_ref(), "principal")?.0,
                interest: money(inst.interest.as_ref(), "interest")?.0,
                outstanding_after: money(inst.outstanding_after.as_ref(), "outstanding")?.0,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(ScheduleChart {
        title,
        currency,
        principal,
        instalments,
        notes,
    })
}

/// The reinvestment chart of AnalyzeSettlement's fund.
pub(crate) fn reinvestment(
    fund: &pb::ReinvestmentSchedule,
    title: String,
    notes: Vec<String>,
) -> Result<ReinvestmentChart, ApiError> {
    let (fund_total, currency) = money(fund.fund_total.as_ref(), "fund total")?;
    let mut programmes: Vec<ProgrammeSeries> = fund
        .programs
        .iter()
        .map(|p| ProgrammeSeries {
            name: p.name.clone(),
            cumulative: Vec::with_capacity(fund.installments.len()),
        })
        .collect();
    let mut instalments = Vec::with_capacity(fund.installments.len());
    for (i, inst) in fund.installments.iter().enumerate() {
        instalments.push(inst.number.unwrap_or(i as u32 + 1));
        if inst.programs.len() != programmes.len() {
            return Err(ApiError::Internal(
                "an instalment of the fund does not list every programme".into(),
            ));
        }
        for (series, amount) in programmes.iter_mut().zip(&inst.programs) {
            series
                .cumulative
                .push(money(amount.cumulative.as_ref(), "cumulative amount")?.0);
        }
    }
    Ok(ReinvestmentChart {
        title,
        currency,
        instalments,
        programmes,
        fund_total,
        notes,
    })
}

/// A difference in method, for people.
fn contribution_label(c: &pb::Contribution) -> String {
    match pb::Dimension::try_from(c.dimension) {
        Ok(pb::Dimension::Conversion) => "conversion".to_string(),
        Ok(pb::Dimension::Component) => match pb::ComponentKind::try_from(c.component) {
            Ok(kind) => kind
                .as_str_name()
                .trim_start_matches("COMPONENT_KIND_")
                .to_lowercase()
                .replace('_', " "),
            Err(_) => "component".to_string(),
        },
        Ok(pb::Dimension::Offsets) => "offsets".to_string(),
        _ => "difference".to_string(),
    }
}

/// The waterfall of the first gap of a ReconcileValuations response; the
/// reason it cannot be drawn (for the `kind` field) otherwise.
pub(crate) fn waterfall(
    response: &pb::ReconcileValuationsResponse,
    title: impl FnOnce(&str, &str) -> String,
    notes: Vec<String>,
) -> Result<Result<WaterfallChart, String>, ApiError> {
    let Some(gap) = response.gaps.first() else {
        return Ok(Err("the reconciliation has no second party".into()));
    };
    let party = |name: &str| {
        response
            .parties
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ApiError::Internal(format!("no valuation of party {name:?}")))
    };
    let (creditor, debtor) = (party(&gap.creditor)?, party(&gap.party)?);
    let (creditor_value, currency) = money(creditor.value.as_ref(), "creditor's figure")?;
    let (debtor_value, _) = money(debtor.value.as_ref(), "party's figure")?;
    if gap.ratio.is_empty() || !gap.log_attribution_unavailable.is_empty() {
        let why = if gap.log_attribution_unavailable.is_empty() {
            "the debtor's figure is not positive".to_string()
        } else {
            gap.log_attribution_unavailable.clone()
        };
        return Ok(Err(format!(
            "a waterfall on a logarithmic axis needs the ratio of the figures and its log attribution: {why}"
        )));
    }
    let ratio = decimal(&gap.ratio, "ratio")?;
    let mut steps = Vec::with_capacity(gap.contributions.len());
    let mut lines = Vec::new();
    for c in &gap.contributions {
        let log = decimal(&c.log_contribution, "log contribution")?;
        let label = contribution_label(c);
        lines.push(format!(
            "{label}: {} vs {}; log contribution {} ({} of the log gap), {} {currency}",
            c.creditor_choice,
            c.party_choice,
            c.log_contribution,
            if c.log_share.is_empty() {
                "-".to_string()
            } else {
                percent(decimal(&c.log_share, "share")?.to_f64().unwrap_or(0.0), 2)
            },
            c.amount
                .as_ref()
                .map(|m| decimal(&m.amount, "contribution").map(grouped))
                .transpose()?
                .unwrap_or_default(),
        ));
        steps.push(Step {
            label,
            log_contribution: log.to_f64().unwrap_or(0.0),
        });
    }
    lines.extend(notes);
    Ok(Ok(WaterfallChart {
        title: title(&gap.creditor, &gap.party),
        currency,
        creditor: PartyFigure {
            name: creditor.name.clone(),
            value: creditor_value,
        },
        debtor: PartyFigure {
            name: debtor.name.clone(),
            value: debtor_value,
        },
        ratio: ratio.to_f64().unwrap_or(0.0),
        steps,
        notes: lines,
    }))
}
