//! The three-party kind of EvaluateSwap: validation with field paths
//! (under `three_party.`), the domain's evaluation
//! (`domain::swap::three_party`), and rendering.

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::split;
use super::swap_common::{fraction_of_par, invalid, local_against_debt, local_currency};
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::swap::{evaluate_three_party, Purchase, Redemption, SwapError, ThreePartyInput};

/// How the local money is divided among the programmes (echoed).
pub const ALLOCATION_METHOD: &str = "LARGEST_REMAINDER";

/// Warning code: the debtor pays as much as is retired (shared with the
/// development kind).
pub const NO_NOMINAL_SAVING: &str = super::swap_development::NO_NOMINAL_SAVING;

/// A three-party swap evaluated and rendered.
pub struct Evaluated {
    pub result: pb::ThreePartySwapResult,
    pub warnings: Vec<pb::Warning>,
    pub rounding: RoundingMode,
}

/// Parses the swap at `at` ("three_party"), naming every bad field.
pub fn parse(at: &str, swap: &pb::ThreePartySwap) -> Result<ThreePartyInput, ApiError> {
    use pb::three_party_swap::{Purchase as P, Redemption as R};
    let mut v = Violations::new();
    let f = |name: &str| format!("{at}.{name}");
    let face = convert::money(&mut v, &f("face"), swap.face.as_ref(), Sign::Positive);
    let same_currency = |v: &mut Violations, field: &str, m: &Money| -> bool {
        match &face {
            Some(face) if face.currency != m.currency => {
                v.add(
                    format!("{field}.currency_code"),
                    "CURRENCY_MISMATCH",
                    format!(
                        "must be the face's currency {}, got {}",
                        face.currency, m.currency
                    ),
                );
                false
            }
            _ => true,
        }
    };
    let at_most_face = |v: &mut Violations, field: &str, m: &Money| -> bool {
        match &face {
            Some(face) if face.currency == m.currency && m.amount > face.amount => {
                v.add(
                    format!("{field}.amount"),
                    "AMOUNT_ABOVE_FACE",
                    format!("{} must not exceed the face {}", m.amount, face.amount),
                );
                false
            }
            _ => true,
        }
    };
    let purchase = match &swap.purchase {
        None => {
            v.add(
                f("purchase_price"),
                "MISSING_FIELD",
                "one of purchase_price or purchase_cost is required",
            );
            None
        }
        Some(P::PurchasePrice(text)) => {
            fraction_of_par(&mut v, &f("purchase_price"), text, "PRICE_ABOVE_PAR")
                .map(Purchase::Price)
        }
        Some(P::PurchaseCost(cost)) => {
            let field = f("purchase_cost");
            convert::money(&mut v, &field, Some(cost), Sign::Positive)
                .filter(|m| same_currency(&mut v, &field, m) && at_most_face(&mut v, &field, m))
                .map(Purchase::Cost)
        }
    };
    let redemption = match &swap.redemption {
        None => {
            v.add(
                f("redemption_price"),
                "MISSING_FIELD",
                "one of redemption_price or redemption_amount is required",
            );
            None
        }
        Some(R::RedemptionPrice(text)) => {
            fraction_of_par(&mut v, &f("redemption_price"), text, "PRICE_ABOVE_PAR")
                .map(Redemption::Price)
        }
        Some(R::RedemptionAmount(amount)) => {
            let field = f("redemption_amount");
            convert::money(&mut v, &field, Some(amount), Sign::Positive)
                .filter(|m| same_currency(&mut v, &field, m) && at_most_face(&mut v, &field, m))
                .map(Redemption::Amount)
        }
    };
    // The redemption below the purchase, when both are given alike (the
    // evaluation checks the amounts however they are given).
    match (&purchase, &redemption) {
        (Some(Purchase::Price(p)), Some(Redemption::Price(q))) if q < p => v.add(
            f("redemption_price"),
            "REDEMPTION_BELOW_PURCHASE_PRICE",
            format!("{q} is below the purchase price {p}"),
        ),
        (Some(Purchase::Cost(k)), Some(Redemption::Amount(r))) if r.amount < k.amount => v.add(
            f("redemption_amount.amount"),
            "REDEMPTION_BELOW_PURCHASE_PRICE",
            format!("{} is below the purchase cost {}", r.amount, k.amount),
        ),
        _ => {}
    }
    let local = local_currency(&mut v, &f("local_currency"), swap.local_currency.as_ref());
    local_against_debt(
        &mut v,
        &f("local_currency"),
        &local,
        face.as_ref().map(|m| m.currency),
    );
    let programmes = split::parse_programs_at(&mut v, &f("programs"), &swap.programs);
    let rounding = convert::rounding_mode(&mut v, &f("rounding_mode"), swap.rounding_mode);
    v.finish(|| {
        Some(ThreePartyInput {
            face: face?,
            purchase: purchase?,
            redemption: redemption?,
            local: local?,
            programmes: programmes?,
            rounding: rounding?,
        })
    })
}

/// Maps an error of the evaluation to the fields of the swap at `at`.
pub fn swap_error(at: &str, swap: &pb::ThreePartySwap, error: SwapError) -> ApiError {
    use pb::three_party_swap::Redemption as R;
    let redemption_field = match swap.redemption {
        Some(R::RedemptionAmount(_)) => format!("{at}.redemption_amount.amount"),
        _ => format!("{at}.redemption_price"),
    };
    match error {
        SwapError::Domain(e @ DomainError::Overflow { .. }) => {
            ApiError::from_domain(e, &[format!("{at}.face.amount").as_str()])
        }
        SwapError::Domain(e) => ApiError::from_domain(e, &[at]),
        SwapError::RedemptionBelowPurchase { .. } => invalid(
            &redemption_field,
            "REDEMPTION_BELOW_PURCHASE_PRICE",
            error.to_string(),
        ),
        SwapError::NothingCancelled | SwapError::CounterpartDoesNotAddUp { .. } => {
            ApiError::Internal(format!(
                "a three-party swap failed as a development one: {error}"
            ))
        }
    }
}

/// Parses, evaluates and renders the swap at `at`.
pub fn run(at: &str, swap: &pb::ThreePartySwap) -> Result<Evaluated, ApiError> {
    let input = parse(at, swap)?;
    let out = evaluate_three_party(&input).map_err(|e| swap_error(at, swap, e))?;
    let money = |m: &Money| Some(convert::money_to_pb(m));
    let mut warnings = Vec::new();
    if out.redemption_amount == out.face {
        warnings.push(pb::Warning {
            code: NO_NOMINAL_SAVING.into(),
            field: match swap.redemption {
                Some(pb::three_party_swap::Redemption::RedemptionAmount(_)) => {
                    format!("{at}.redemption_amount.amount")
                }
                _ => format!("{at}.redemption_price"),
            },
            message: "the debt is redeemed at par: the debtor pays into the fund all it is \
                      relieved of and saves nothing (if a discount was meant, give a \
                      redemption price below 1)"
                .into(),
        });
    }
    let result = pb::ThreePartySwapResult {
        face: money(&out.face),
        sponsor_cost: money(&out.sponsor_cost),
        purchase_price: out.purchase_price.value.to_string(),
        purchase_price_exact: Some(out.purchase_price.exact),
        redemption_amount: money(&out.redemption_amount),
        redemption_price: out.redemption_price.value.to_string(),
        redemption_price_exact: Some(out.redemption_price.exact),
        local_money: money(&out.local_money),
        premium: out.premium.value.to_string(),
        premium_amount: money(&out.premium_amount),
        multiplier: out.multiplier.value.to_string(),
        multiplier_exact: Some(out.multiplier.exact),
        debtor_saving: money(&out.debtor_saving),
        programs: out
            .allocations
            .iter()
            .map(|a| pb::Allocation {
                name: a.name.clone(),
                amount: money(&a.amount),
                share: a.share.value.to_string(),
                weight_share: a.weight_share.value.to_string(),
            })
            .collect(),
    };
    Ok(Evaluated {
        result,
        warnings,
        rounding: input.rounding,
    })
}
