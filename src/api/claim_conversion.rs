//! ConvertClaim and ListConversionBases: a claim's conversion validated
//! against the reference data (bases, rates, redenominations, the chain
//! they form), and the rendering of conversion steps and bases. Also the
//! conversion parsing ReconcileValuations uses for each party.

use chrono::NaiveDate;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use crate::domain::currency::Currency;
use crate::domain::money::Money;
use crate::domain::reconciliation::units::taken_at_par;
use crate::domain::reconciliation::{
    Conversion, ConversionBasis, ConversionStep, ExactValue, Rate, Redenomination, ReferenceData,
    StepKind,
};
use crate::domain::rounding::RoundingMode;

/// A required currency code field that is not inside a Money.
pub(super) fn currency_code(v: &mut Violations, field: &str, code: &str) -> Option<Currency> {
    convert::currency(v, field, code)
}

/// A `Conversion` at `field`, resolved against the reference data.
pub fn conversion(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::Conversion>,
    data: &ReferenceData,
) -> Option<Conversion> {
    use pb::conversion::Method;
    match value.and_then(|c| c.method.as_ref()) {
        None => {
            v.add(field, "MISSING_FIELD", "is required: basis_id or rate");
            None
        }
        Some(Method::BasisId(id)) => {
            let found = data.conversion(id);
            if found.is_none() {
                v.add(
                    format!("{field}.basis_id"),
                    "UNKNOWN_BASIS",
                    format!(
                        "{:?} is not a conversion basis; ListConversionBases lists them",
                        convert::truncate(id)
                    ),
                );
            }
            found
        }
        Some(Method::Rate(rate)) => {
            let at = format!("{field}.rate");
            let value = convert::positive(v, &format!("{at}.rate"), &rate.rate);
            let unit = currency_code(v, &format!("{at}.unit"), &rate.unit);
            let per = currency_code(v, &format!("{at}.per"), &rate.per);
            let (value, unit, per) = (value?, unit?, per?);
            if unit == per && value != rust_decimal::Decimal::ONE {
                v.add(
                    format!("{at}.per"),
                    "SAME_UNIT",
                    "a rate between a unit and itself must be 1",
                );
                return None;
            }
            Some(Conversion::Rate(Rate {
                rate: value,
                unit,
                per,
            }))
        }
    }
}

/// The rate behind a conversion.
fn rate_of(conversion: &Conversion) -> &Rate {
    match conversion {
        Conversion::Basis(basis) => &basis.rate,
        Conversion::Rate(rate) => rate,
    }
}

/// Checks that `conversion`, after `redenomination`, takes an amount in
/// `unit` into `target`: the rate involves the target, the redenomination
/// applies to the unit, and the rate is quoted for the unit (or one at par
/// with it: only SUR and RUR). `at` prefixes the field paths ("" or
/// "parties[1].").
pub(super) fn check_chain(
    v: &mut Violations,
    at: &str,
    unit: Option<Currency>,
    redenomination: Option<&Redenomination>,
    conversion: &Conversion,
    target: Currency,
    data: &ReferenceData,
) -> bool {
    let conversion_field = format!("{at}conversion");
    let rate = rate_of(conversion);
    if rate.unit != target && rate.per != target {
        v.add(
            conversion_field,
            "RATE_DOES_NOT_REACH_TARGET",
            format!("the rate {rate} does not involve the target currency {target}"),
        );
        return false;
    }
    // Without a valid amount (already reported) there is no unit to check.
    let Some(mut current) = unit else {
        return true;
    };
    if let Some(r) = redenomination {
        if !taken_at_par(current, r.old_unit) {
            v.add(
                format!("{at}redenomination_id"),
                "REDENOMINATION_DOES_NOT_APPLY",
                format!(
                    "{} converts {} into {}; the amount is in {current}",
                    r.id, r.old_unit, r.new_unit
                ),
            );
            return false;
        }
        current = r.new_unit;
    }
    let quoted_for = if rate.per == target {
        rate.unit
    } else {
        rate.per
    };
    if !taken_at_par(current, quoted_for) {
        let hint = data
            .redenominations()
            .iter()
            .find(|r| taken_at_par(current, r.old_unit) && r.new_unit == quoted_for)
            .map(|r| format!("; apply redenomination_id {:?} first", r.id))
            .unwrap_or_default();
        v.add(
            conversion_field,
            "UNIT_MISMATCH",
            format!(
                "the rate {rate} is quoted for {quoted_for}, but the amount is in {current}{hint}"
            ),
        );
        return false;
    }
    true
}

/// An optional redenomination id.
pub(super) fn redenomination(
    v: &mut Violations,
    field: &str,
    id: &str,
    data: &ReferenceData,
) -> Option<Option<Redenomination>> {
    if id.is_empty() {
        return Some(None);
    }
    match data.redenomination(id) {
        Some(found) => Some(Some(found.clone())),
        None => {
            let known: Vec<_> = data
                .redenominations()
                .iter()
                .map(|r| r.id.as_str())
                .collect();
            v.add(
                field,
                "UNKNOWN_REDENOMINATION",
                format!(
                    "{:?} is not a redenomination (known: {})",
                    convert::truncate(id),
                    known.join(", ")
                ),
            );
            None
        }
    }
}

/// A validated ConvertClaim request.
pub struct ConvertInput {
    pub amount: Money,
    pub target: Currency,
    pub conversion: Conversion,
    pub redenomination: Option<Redenomination>,
    pub rounding: RoundingMode,
}

/// Validates a ConvertClaim request.
pub fn parse_convert(
    request: &pb::ConvertClaimRequest,
    data: &ReferenceData,
) -> Result<ConvertInput, ApiError> {
    let mut v = Violations::new();
    let amount = convert::money(&mut v, "amount", request.amount.as_ref(), Sign::NonNegative);
    let target = currency_code(&mut v, "target_currency", &request.target_currency);
    let conversion = conversion(&mut v, "conversion", request.conversion.as_ref(), data);
    let redenomination = redenomination(
        &mut v,
        "redenomination_id",
        &request.redenomination_id,
        data,
    );
    let rounding = convert::rounding_mode(&mut v, "rounding_mode", request.rounding_mode);
    if let (Some(conversion), Some(target), Some(redenomination)) =
        (&conversion, target, &redenomination)
    {
        let unit = amount.as_ref().map(|a| a.currency);
        check_chain(
            &mut v,
            "",
            unit,
            redenomination.as_ref(),
            conversion,
            target,
            data,
        );
    }
    v.finish(|| {
        Some(ConvertInput {
            amount: amount?,
            target: target?,
            conversion: conversion?,
            redenomination: redenomination?,
            rounding: rounding?,
        })
    })
}

pub(super) fn exact_to_pb(value: &ExactValue) -> pb::ExactValue {
    pb::ExactValue {
        value: value.text.clone(),
        exact: Some(value.exact),
        numerator: value.fraction.numer().to_string(),
        denominator: value.fraction.denom().to_string(),
    }
}

pub(super) fn step_to_pb(step: &ConversionStep) -> pb::ConversionStep {
    pb::ConversionStep {
        kind: match step.kind {
            StepKind::Redenominate => pb::StepKind::Redenominate,
            StepKind::DivideByRate => pb::StepKind::DivideByRate,
            StepKind::MultiplyByRate => pb::StepKind::MultiplyByRate,
        } as i32,
        reference_id: step.id.clone().unwrap_or_default(),
        from_unit: step.from.code.to_string(),
        treated_as_unit: step
            .treated_as
            .map(|c| c.code.to_string())
            .unwrap_or_default(),
        to_unit: step.to.code.to_string(),
        factor: step.factor.to_string(),
        quote: step.quote.clone(),
        input: Some(exact_to_pb(&step.input)),
        output: Some(exact_to_pb(&step.output)),
        description: step.description.clone(),
    }
}

/// Renders a conversion.
pub fn render_convert(
    result: &crate::domain::reconciliation::ConversionResult,
) -> pb::ConvertClaimResponse {
    pb::ConvertClaimResponse {
        provenance: None, // set by the RPC's handler (see api::provenance)
        source: Some(convert::money_to_pb(&result.source)),
        steps: result.steps.iter().map(step_to_pb).collect(),
        exact_result: Some(exact_to_pb(&result.exact)),
        result: Some(convert::money_to_pb(&result.result)),
        rounding_mode: convert::rounding_mode_to_pb(result.rounding) as i32,
    }
}

fn date_opt(date: Option<NaiveDate>) -> Option<crate::api::pb::google::r#type::Date> {
    date.map(convert::date_to_pb)
}

fn rate_to_pb(rate: &Rate) -> pb::ConversionRate {
    pb::ConversionRate {
        rate: rate.rate.to_string(),
        unit: rate.unit.code.into(),
        per: rate.per.code.into(),
    }
}

fn basis_to_pb(basis: &ConversionBasis) -> pb::ConversionBasis {
    pb::ConversionBasis {
        id: basis.id.clone(),
        rate: Some(rate_to_pb(&basis.rate)),
        valid_from: date_opt(basis.valid_from),
        valid_to: date_opt(basis.valid_to),
        weak: Some(basis.weak),
        source: basis.source.clone(),
    }
}

/// Validates ListConversionBases and lists the matching reference data.
pub fn list_bases(
    request: &pb::ListConversionBasesRequest,
    data: &ReferenceData,
    data_source: &str,
) -> Result<pb::ListConversionBasesResponse, ApiError> {
    let mut v = Violations::new();
    let unit = if request.unit.is_empty() {
        None
    } else {
        currency_code(&mut v, "unit", &request.unit)
    };
    let valid_on = match &request.valid_on {
        None => None,
        Some(day) => convert::date(&mut v, "valid_on", Some(day)),
    };
    v.into_result(())?;
    let bases = data
        .bases()
        .iter()
        .filter(|b| unit.is_none_or(|u| b.rate.unit == u || b.rate.per == u))
        .filter(|b| {
            valid_on.is_none_or(|day| {
                b.valid_from.is_none_or(|f| f <= day) && b.valid_to.is_none_or(|t| day <= t)
            })
        })
        .map(basis_to_pb)
        .collect();
    Ok(pb::ListConversionBasesResponse {
        provenance: None, // set by the RPC's handler (see api::provenance)
        bases,
        redenominations: data
            .redenominations()
            .iter()
            .map(|r| pb::Redenomination {
                id: r.id.clone(),
                old_unit: r.old_unit.code.into(),
                new_unit: r.new_unit.code.into(),
                old_per_new: r.old_per_new.to_string(),
                effective_date: Some(convert::date_to_pb(r.effective)),
                source: r.source.clone(),
            })
            .collect(),
        units: data
            .units()
            .iter()
            .map(|u| pb::LegacyUnit {
                code: u.currency.code.into(),
                name: u.name.clone(),
                iso_4217: Some(u.iso_4217),
                note: u.note.clone(),
            })
            .collect(),
        data_source: data_source.into(),
    })
}
