//! ConvertClaim and ReconcileValuations: validation against the reference
//! data, and the rendering of steps, gaps, attributions and candidates.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use crate::domain::currency::Currency;
use crate::domain::money::Money;
use crate::domain::reconciliation::units::taken_at_par;
use crate::domain::reconciliation::{
    CandidateKind, Claim, Component, ComponentKind, Contribution, Conversion, ConversionBasis,
    ConversionStep, Dimension, ExactValue, Gap, Offset, PartyMethod, PartyValuation, Rate,
    Reconciliation, Redenomination, ReferenceData, SettlementCandidate, StepKind,
};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::SHARE_DECIMALS;

/// The most parties of one reconciliation.
pub const MAX_PARTIES: usize = crate::domain::reconciliation::reconcile::MAX_PARTIES;
/// The most offsets of one party.
pub const MAX_OFFSETS: usize = 100;
/// The longest party name or offset description, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A required currency code field that is not inside a Money.
fn currency_code(v: &mut Violations, field: &str, code: &str) -> Option<Currency> {
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
fn check_chain(
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
fn redenomination(
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

/// A validated ReconcileValuations request.
pub struct ReconcileInput {
    pub claim: Claim,
    pub target: Currency,
    pub parties: Vec<PartyMethod>,
    pub rounding: RoundingMode,
}

fn component_kind(v: &mut Violations, field: &str, raw: i32) -> Option<ComponentKind> {
    match pb::ComponentKind::try_from(raw) {
        Ok(pb::ComponentKind::Principal) => Some(ComponentKind::Principal),
        Ok(pb::ComponentKind::ContractualInterest) => Some(ComponentKind::ContractualInterest),
        Ok(pb::ComponentKind::PenaltyInterest) => Some(ComponentKind::PenaltyInterest),
        Ok(pb::ComponentKind::Arrears) => Some(ComponentKind::Arrears),
        Ok(pb::ComponentKind::Unspecified) => {
            v.add(
                field,
                "MISSING_FIELD",
                "is required (COMPONENT_KIND_PRINCIPAL, ...)",
            );
            None
        }
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a ComponentKind value"),
            );
            None
        }
    }
}

fn component_kind_to_pb(kind: ComponentKind) -> pb::ComponentKind {
    match kind {
        ComponentKind::Principal => pb::ComponentKind::Principal,
        ComponentKind::ContractualInterest => pb::ComponentKind::ContractualInterest,
        ComponentKind::PenaltyInterest => pb::ComponentKind::PenaltyInterest,
        ComponentKind::Arrears => pb::ComponentKind::Arrears,
    }
}

pub(crate) fn claim(v: &mut Violations, request: &pb::ReconcileValuationsRequest) -> Option<Claim> {
    let total = convert::money(v, "claim", request.claim.as_ref(), Sign::Positive);
    if request.components.is_empty() {
        return total.map(|t| Claim::whole(&t));
    }
    let mut seen = HashSet::new();
    let mut components = Vec::with_capacity(request.components.len());
    let mut valid = true;
    for (i, component) in request.components.iter().enumerate() {
        let kind_field = format!("components[{i}].kind");
        let kind = component_kind(v, &kind_field, component.kind);
        if let Some(kind) = kind {
            if !seen.insert(kind) {
                v.add(
                    &kind_field,
                    "DUPLICATE_COMPONENT",
                    format!("{kind} is listed more than once"),
                );
                valid = false;
            }
        }
        let amount_field = format!("components[{i}].amount");
        let amount = convert::money(
            v,
            &amount_field,
            component.amount.as_ref(),
            Sign::NonNegative,
        );
        let amount = match (amount, &total) {
            (Some(amount), Some(total)) if amount.currency != total.currency => {
                v.add(
                    format!("{amount_field}.currency_code"),
                    "CURRENCY_MISMATCH",
                    format!(
                        "a component is in the claim's currency {}, got {}",
                        total.currency, amount.currency
                    ),
                );
                valid = false;
                None
            }
            (amount, _) => amount.map(|a| a.amount),
        };
        match (kind, amount) {
            (Some(kind), Some(amount)) => components.push(Component { kind, amount }),
            _ => valid = false,
        }
    }
    let total = total?;
    if !valid {
        return None;
    }
    let sum = components
        .iter()
        .try_fold(rust_decimal::Decimal::ZERO, |acc, c| {
            acc.checked_add(c.amount)
        });
    if sum != Some(total.amount) {
        v.add(
            "components",
            "COMPONENTS_DO_NOT_ADD_UP",
            format!(
                "the components add up to {}, not to the claim {}",
                sum.map_or("more than the range".into(), |s| s.to_string()),
                total.amount
            ),
        );
        return None;
    }
    Some(Claim {
        unit: total.currency,
        components,
    })
}

fn party(
    v: &mut Violations,
    index: usize,
    party: &pb::PartyMethod,
    target: Option<Currency>,
    unit: Option<Currency>,
    data: &ReferenceData,
) -> Option<PartyMethod> {
    let at = format!("parties[{index}]");
    let name = party.name.trim();
    let name_ok = if name.is_empty() {
        v.add(format!("{at}.name"), "MISSING_FIELD", "is required");
        false
    } else if party.name.chars().count() > MAX_NAME_CHARS {
        v.add(
            format!("{at}.name"),
            "NAME_TOO_LONG",
            format!("at most {MAX_NAME_CHARS} characters"),
        );
        false
    } else {
        true
    };
    let conversion = conversion(
        v,
        &format!("{at}.conversion"),
        party.conversion.as_ref(),
        data,
    );
    let redenomination = redenomination(
        v,
        &format!("{at}.redenomination_id"),
        &party.redenomination_id,
        data,
    );
    let conversion_ok = match (&conversion, target, &redenomination) {
        (Some(c), Some(t), Some(r)) => {
            check_chain(v, &format!("{at}."), unit, r.as_ref(), c, t, data)
        }
        _ => true,
    };
    let mut recognised = BTreeSet::new();
    let mut recognised_ok = true;
    for (i, raw) in party.recognised_components.iter().enumerate() {
        let field = format!("{at}.recognised_components[{i}]");
        match component_kind(v, &field, *raw) {
            Some(kind) if !recognised.insert(kind) => {
                v.add(
                    &field,
                    "DUPLICATE_COMPONENT",
                    format!("{kind} is listed more than once"),
                );
                recognised_ok = false;
            }
            Some(_) => {}
            None => recognised_ok = false,
        }
    }
    if recognised.is_empty() {
        recognised = ComponentKind::ALL.into_iter().collect();
    }
    if party.offsets.len() > MAX_OFFSETS {
        v.add(
            format!("{at}.offsets"),
            "TOO_MANY_OFFSETS",
            format!("at most {MAX_OFFSETS} offsets"),
        );
        return None;
    }
    let mut offsets = Vec::with_capacity(party.offsets.len());
    let mut offsets_ok = true;
    for (i, offset) in party.offsets.iter().enumerate() {
        let field = format!("{at}.offsets[{i}].amount");
        match convert::money(v, &field, offset.amount.as_ref(), Sign::NonNegative) {
            Some(amount) => {
                if target.is_some_and(|t| t != amount.currency) {
                    v.add(
                        format!("{field}.currency_code"),
                        "CURRENCY_MISMATCH",
                        format!(
                            "offsets are in the target currency {}, got {}",
                            target.map_or("", |t| t.code),
                            amount.currency
                        ),
                    );
                    offsets_ok = false;
                }
                offsets.push(Offset {
                    description: offset.description.clone(),
                    amount,
                });
            }
            None => offsets_ok = false,
        }
    }
    (name_ok && conversion_ok && recognised_ok && offsets_ok).then_some(())?;
    Some(PartyMethod {
        name: party.name.clone(),
        conversion: conversion?,
        redenomination: redenomination?,
        recognised,
        offsets,
    })
}

/// Validates a ReconcileValuations request.
pub fn parse_reconcile(
    request: &pb::ReconcileValuationsRequest,
    data: &ReferenceData,
) -> Result<ReconcileInput, ApiError> {
    let mut v = Violations::new();
    let claim = claim(&mut v, request);
    let target = currency_code(&mut v, "target_currency", &request.target_currency);
    let rounding = convert::rounding_mode(&mut v, "rounding_mode", request.rounding_mode);
    let count = request.parties.len();
    let mut parties = None;
    if !(2..=MAX_PARTIES).contains(&count) {
        v.add(
            "parties",
            "PARTY_COUNT",
            format!("needs 2 to {MAX_PARTIES} parties (the first is the creditor), got {count}"),
        );
    } else {
        let mut names = HashSet::new();
        let mut parsed = Vec::with_capacity(count);
        let mut valid = true;
        for (i, p) in request.parties.iter().enumerate() {
            if !p.name.trim().is_empty() && !names.insert(p.name.as_str()) {
                v.add(
                    format!("parties[{i}].name"),
                    "DUPLICATE_NAME",
                    format!(
                        "{:?} names an earlier party too",
                        convert::truncate(&p.name)
                    ),
                );
                valid = false;
            }
            match party(&mut v, i, p, target, claim.as_ref().map(|c| c.unit), data) {
                Some(p) => parsed.push(p),
                None => valid = false,
            }
        }
        parties = valid.then_some(parsed);
    }
    v.finish(|| {
        Some(ReconcileInput {
            claim: claim?,
            target: target?,
            parties: parties?,
            rounding: rounding?,
        })
    })
}

fn exact_to_pb(value: &ExactValue) -> pb::ExactValue {
    pb::ExactValue {
        value: value.text.clone(),
        exact: Some(value.exact),
        numerator: value.fraction.numer().to_string(),
        denominator: value.fraction.denom().to_string(),
    }
}

fn step_to_pb(step: &ConversionStep) -> pb::ConversionStep {
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

fn party_to_pb(party: &PartyValuation, method: &PartyMethod) -> pb::PartyValuation {
    pb::PartyValuation {
        name: party.name.clone(),
        recognised: Some(convert::money_to_pb(&party.recognised)),
        steps: party.steps.iter().map(step_to_pb).collect(),
        converted: Some(exact_to_pb(&party.converted)),
        offsets: Some(convert::money_to_pb(&party.offsets)),
        value_exact: Some(exact_to_pb(&party.value_exact)),
        value: Some(convert::money_to_pb(&party.value)),
        implied_rate: party
            .implied_rate
            .map(|s| s.value.to_string())
            .unwrap_or_default(),
        recognised_components: method
            .recognised
            .iter()
            .map(|k| component_kind_to_pb(*k) as i32)
            .collect(),
    }
}

fn contribution_to_pb(c: &Contribution) -> pb::Contribution {
    let (dimension, component) = match c.dimension {
        Dimension::ConversionChain => (pb::Dimension::Conversion, pb::ComponentKind::Unspecified),
        Dimension::Component(kind) => (pb::Dimension::Component, component_kind_to_pb(kind)),
        Dimension::Offsets => (pb::Dimension::Offsets, pb::ComponentKind::Unspecified),
    };
    pb::Contribution {
        dimension: dimension as i32,
        component: component as i32,
        creditor_choice: c.creditor_choice.clone(),
        party_choice: c.party_choice.clone(),
        amount: Some(convert::money_to_pb(&c.amount)),
        amount_exact: Some(exact_to_pb(&c.amount_exact)),
        log_contribution: c
            .log_contribution
            .map(|d| d.to_string())
            .unwrap_or_default(),
        log_share: c.log_share.map(|d| d.to_string()).unwrap_or_default(),
    }
}

fn candidate_to_pb(c: &SettlementCandidate) -> pb::SettlementCandidate {
    pb::SettlementCandidate {
        kind: match c.kind {
            CandidateKind::CreditorFigure => pb::CandidateKind::CreditorFigure,
            CandidateKind::PartyFigure => pb::CandidateKind::PartyFigure,
            CandidateKind::ArithmeticMidpoint => pb::CandidateKind::ArithmeticMidpoint,
            CandidateKind::GeometricMidpoint => pb::CandidateKind::GeometricMidpoint,
        } as i32,
        value: Some(convert::money_to_pb(&c.value)),
        unrounded: c.unrounded.clone(),
        unrounded_exact: Some(c.unrounded_exact),
        write_off_share: c
            .write_off_share
            .map(|s| s.value.to_string())
            .unwrap_or_default(),
    }
}

fn gap_to_pb(gap: &Gap) -> pb::Gap {
    pb::Gap {
        creditor: gap.creditor.clone(),
        party: gap.party.clone(),
        amount: Some(convert::money_to_pb(&gap.amount)),
        ratio: gap.ratio.map(|s| s.value.to_string()).unwrap_or_default(),
        ratio_exact: gap.ratio.map(|s| s.exact),
        ratio_fraction: gap
            .ratio_exact
            .as_ref()
            .map(|f| format!("{}/{}", f.numer(), f.denom()))
            .unwrap_or_default(),
        log_ratio: gap.log_ratio.map(|d| d.to_string()).unwrap_or_default(),
        contributions: gap.contributions.iter().map(contribution_to_pb).collect(),
        log_attribution_unavailable: gap.log_unavailable.unwrap_or_default().to_string(),
        candidates: gap.candidates.iter().map(candidate_to_pb).collect(),
    }
}

/// Renders a reconciliation with its conventions.
pub fn render_reconcile(
    input: &ReconcileInput,
    result: &Reconciliation,
    data_source: &str,
) -> pb::ReconcileValuationsResponse {
    pb::ReconcileValuationsResponse {
        claim_total: Some(convert::money_to_pb(&result.claim_total)),
        parties: result
            .parties
            .iter()
            .zip(&input.parties)
            .map(|(p, m)| party_to_pb(p, m))
            .collect(),
        gaps: result.gaps.iter().map(gap_to_pb).collect(),
        conventions: Some(pb::ReconciliationConventions {
            provenance: None, // set by the RPC's handler (see api::provenance)
            rounding_mode: convert::rounding_mode_to_pb(result.rounding) as i32,
            attribution_method: "SHAPLEY".into(),
            attribution_note: crate::domain::reconciliation::attribution::ATTRIBUTION_NOTE.into(),
            share_decimals: Some(SHARE_DECIMALS),
            data_source: data_source.into(),
        }),
    }
}
