//! The claim step of AnalyzeSettlement: each part converted by ConvertClaim
//! (the RPC's own code), summed, less the offsets.

use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::reconciliation;
use super::reconciliation_service::convert_claim_response;
use super::settlement_step::{invalid, remap, response_money, Context};
use crate::domain::money::Money;

/// The most claim parts one settlement may have.
pub const MAX_PARTS: usize = 16;
/// The most offsets one settlement may deduct.
pub const MAX_OFFSETS: usize = 100;

/// The claim: each part converted by ConvertClaim, summed, less offsets.
pub(crate) struct ClaimOutcome {
    pub conversions: Vec<pb::ConvertClaimResponse>,
    pub currency_code: String,
    pub total: Money,
    pub offsets: Money,
    pub net: Money,
}

pub(crate) fn run_claim(
    claim: &pb::SettlementClaim,
    ctx: &Context,
) -> Result<ClaimOutcome, ApiError> {
    let mut v = Violations::new();
    if claim.parts.is_empty() || claim.parts.len() > MAX_PARTS {
        v.add(
            "claim.parts",
            "PART_COUNT",
            format!("1 to {MAX_PARTS} parts, got {}", claim.parts.len()),
        );
    }
    if claim.offsets.len() > MAX_OFFSETS {
        v.add(
            "claim.offsets",
            "TOO_MANY_OFFSETS",
            format!("at most {MAX_OFFSETS}, got {}", claim.offsets.len()),
        );
    }
    let currency_code = if claim.settlement_currency.is_empty() {
        claim
            .parts
            .first()
            .and_then(|p| p.amount.as_ref())
            .map(|m| m.currency_code.clone())
            .unwrap_or_default()
    } else {
        claim.settlement_currency.clone()
    };
    let currency = convert::currency(&mut v, "claim.settlement_currency", &currency_code);
    if let Some(date) = claim.claim_date.as_ref() {
        convert::date(&mut v, "claim.claim_date", Some(date));
    }
    convert::rounding_mode(&mut v, "claim.rounding_mode", claim.rounding_mode);
    for (i, part) in claim.parts.iter().enumerate() {
        let at = format!("claim.parts[{i}]");
        // The components follow ReconcileValuations' rule, checked by its
        // own parser.
        let as_reconcile = pb::ReconcileValuationsRequest {
            claim: part.amount.clone(),
            components: part.components.clone(),
            ..Default::default()
        };
        let mut part_v = Violations::new();
        reconciliation::claim(&mut part_v, &as_reconcile);
        if let Err(e) = part_v.into_result(()) {
            return Err(remap(
                e,
                &[
                    ("claim", &format!("{at}.amount")),
                    ("components", &format!("{at}.components")),
                ],
                &at,
            ));
        }
        let unit = part.amount.as_ref().map(|m| m.currency_code.as_str());
        if part.conversion.is_none() {
            if !part.redenomination_id.is_empty() {
                v.add(
                    format!("{at}.redenomination_id"),
                    "REDENOMINATION_WITHOUT_CONVERSION",
                    "a redenomination needs a conversion of the part",
                );
            } else if unit != Some(currency_code.as_str()) && currency.is_some() {
                v.add(
                    format!("{at}.conversion"),
                    "MISSING_FIELD",
                    format!(
                        "the part is in {}, not in the settlement currency {currency_code}: give a conversion",
                        unit.unwrap_or("")
                    ),
                );
            }
        }
    }
    v.into_result(())?;
    let currency = currency.ok_or_else(|| ApiError::Internal("currency".into()))?;

    let mut conversions = Vec::new();
    let mut total = Decimal::ZERO;
    for (i, part) in claim.parts.iter().enumerate() {
        let at = format!("claim.parts[{i}]");
        let converted = match &part.conversion {
            Some(conversion) => {
                let request = pb::ConvertClaimRequest {
                    amount: part.amount.clone(),
                    target_currency: currency_code.clone(),
                    conversion: Some(conversion.clone()),
                    redenomination_id: part.redenomination_id.clone(),
                    rounding_mode: claim.rounding_mode,
                };
                let response =
                    convert_claim_response(&request, ctx.data, ctx.provenance).map_err(|e| {
                        remap(
                            e,
                            &[
                                ("amount", &format!("{at}.amount")),
                                ("conversion", &format!("{at}.conversion")),
                                ("redenomination_id", &format!("{at}.redenomination_id")),
                                ("target_currency", "claim.settlement_currency"),
                                ("rounding_mode", "claim.rounding_mode"),
                            ],
                            &at,
                        )
                    })?;
                let result = response_money(response.result.as_ref())?;
                conversions.push(response);
                result
            }
            None => response_money(part.amount.as_ref())?,
        };
        total = total
            .checked_add(converted.amount)
            .ok_or_else(|| ApiError::OutOfRange {
                reason: "ARITHMETIC_OVERFLOW",
                message: "the claim parts add up beyond the supported range".into(),
                fields: vec!["claim.parts".into()],
            })?;
    }

    let mut v = Violations::new();
    let mut offsets = Decimal::ZERO;
    for (i, offset) in claim.offsets.iter().enumerate() {
        let field = format!("claim.offsets[{i}].amount");
        if let Some(amount) =
            convert::money(&mut v, &field, offset.amount.as_ref(), Sign::NonNegative)
        {
            if amount.currency != currency {
                v.add(
                    format!("{field}.currency_code"),
                    "CURRENCY_MISMATCH",
                    format!("must be the settlement currency {currency_code}"),
                );
            } else {
                offsets = offsets.checked_add(amount.amount).unwrap_or(Decimal::MAX);
            }
        }
    }
    v.into_result(())?;
    let net = total.checked_sub(offsets).unwrap_or(Decimal::MIN);
    if net <= Decimal::ZERO {
        return Err(invalid(
            "claim.offsets",
            "OFFSETS_EXCEED_CLAIM",
            format!("the offsets {offsets} leave nothing of the claim {total}"),
        ));
    }
    Ok(ClaimOutcome {
        conversions,
        currency_code,
        total: in_minor_units(currency, total),
        offsets: in_minor_units(currency, offsets),
        net: in_minor_units(currency, net),
    })
}

/// An amount with exactly the currency's minor units as decimals, as
/// responses print money (the sums here are exact in minor units already).
fn in_minor_units(currency: crate::domain::currency::Currency, amount: Decimal) -> Money {
    let mut amount = amount;
    amount.rescale(currency.minor_units);
    Money { currency, amount }
}
