//! ReconcileValuations: the claim and the parties validated against the
//! reference data (each party's conversion parsed by
//! [`super::claim_conversion`]), and the rendering of gaps, attributions and
//! candidates.

use std::collections::{BTreeSet, HashSet};

use super::claim_conversion::{
    check_chain, conversion, currency_code, exact_to_pb, redenomination, step_to_pb,
};
use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use crate::domain::currency::Currency;
use crate::domain::reconciliation::{
    CandidateKind, Claim, Component, ComponentKind, Contribution, Dimension, Gap, Offset,
    PartyMethod, PartyValuation, Reconciliation, ReferenceData, SettlementCandidate,
};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::SHARE_DECIMALS;

/// The most parties of one reconciliation.
pub const MAX_PARTIES: usize = crate::domain::reconciliation::reconcile::MAX_PARTIES;

/// The most offsets of one party.
pub const MAX_OFFSETS: usize = 100;

/// The longest party name or offset description, in characters.
pub const MAX_NAME_CHARS: usize = 200;

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
