//! Reconciling two or more valuations of the same claim.

use num_bigint::BigInt;
use rust_decimal::Decimal;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::share::Share;

use super::attribution::attribute;
use super::claim::Claim;
use super::convert::{convert_exact, round_money, ConversionStep};
use super::exact_value::{fitted_share, ExactValue};
use super::party_method::{describe_choice, Dimension, PartyMethod, Resolved};
use super::settlement::{candidates, SettlementCandidate};
use crate::domain::numerics::rational::{BigRational, RationalDecimal};
use num_traits::{CheckedDiv, Signed, Zero};

/// The most parties one reconciliation takes.
pub const MAX_PARTIES: usize = 16;

/// One party's figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyValuation {
    pub name: String,
    /// The sum of the components the party recognises, in the claim's unit.
    pub recognised: Money,
    /// The conversion of `recognised` into the target, step by step, exact.
    pub steps: Vec<ConversionStep>,
    /// `recognised` converted, before offsets, unrounded.
    pub converted: ExactValue,
    /// The total of the party's offsets, in the target currency.
    pub offsets: Money,
    /// `converted - offsets`, unrounded.
    pub value_exact: ExactValue,
    /// `converted - offsets`, rounded once to the target's minor unit.
    pub value: Money,
    /// The rate the figure implies: the whole claim (all components, in its
    /// unit) per one unit of the target, `claim total / value_exact` (the
    /// EXACT figure, so a party converting the whole claim at a rate gets
    /// that rate back exactly); `None` unless the exact value is positive (and
    /// the rate fits the decimal range). 0.6 for the creditor of the DPRK
    /// case, 3000 for the debtor.
    pub implied_rate: Option<Share>,
}

/// How much of a gap one methodological difference explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub dimension: Dimension,
    /// The creditor's choice in this dimension, in words.
    pub creditor_choice: String,
    /// The other party's choice, in words.
    pub party_choice: String,
    /// In the target currency: `amount_exact` rounded to the minor unit by
    /// the signed largest-remainder method so that the contributions add up
    /// to the (rounded) gap amount exactly.
    pub amount: Money,
    /// The exact Shapley value of the exact figures `v(S)`, unrounded; the
    /// contributions add up exactly to the EXACT gap, `creditor's
    /// value_exact - party's value_exact`.
    pub amount_exact: ExactValue,
    /// Contribution to the log ratio (20 decimals): the Shapley value of
    /// `ln v(S)`, exact `v(S)`; they add up to `log_ratio` exactly. `None`
    /// when unavailable (see [`Gap::log_unavailable`]).
    pub log_contribution: Option<Decimal>,
    /// Share of the log ratio (20 decimals); they add up to 1 exactly.
    pub log_share: Option<Decimal>,
}

/// The gap between the creditor (the first party) and one other party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub creditor: String,
    pub party: String,
    /// `creditor's figure - party's figure`, both ROUNDED (the money gap
    /// between the figures as reported).
    pub amount: Money,
    /// `creditor / party` exactly, from the EXACT figures (`value_exact`),
    /// when both are positive.
    pub ratio_exact: Option<BigRational>,
    /// The same as a decimal: 20 decimals (fewer for ratios above about
    /// 7.9 x 10^8), with an exactness flag; "5000" for the DPRK case.
    pub ratio: Option<Share>,
    /// `ln(creditor / party)` of the EXACT figures, 20 decimals, when both
    /// are positive.
    pub log_ratio: Option<Decimal>,
    /// The dimensions in which the methods differ, canonical order, with
    /// what each explains.
    pub contributions: Vec<Contribution>,
    /// Why the log contributions or shares are missing, if they are; also
    /// set ("no gap: ...") when there is no gap to attribute.
    pub log_unavailable: Option<&'static str>,
    /// From the EXACT figures, each rounded once (see [`super::settlement`]).
    pub candidates: Vec<SettlementCandidate>,
}

/// The result of a reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub target: Currency,
    pub rounding: RoundingMode,
    /// The whole claim, all components, in its unit.
    pub claim_total: Money,
    /// One per party, in input order.
    pub parties: Vec<PartyValuation>,
    /// One per party after the first, in input order.
    pub gaps: Vec<Gap>,
}

/// Values `claim` by each party's method and reconciles every other party
/// with the first (the creditor).
///
/// Errors: fewer than two or more than [`MAX_PARTIES`] parties; an invalid
/// claim (no components, a kind twice, a negative amount); an invalid method
/// (a rate that is not positive or does not involve `target`, an invalid
/// redenomination, an offset in another currency or negative); a figure
/// beyond the decimal range.
pub fn reconcile(
    claim: &Claim,
    parties: &[PartyMethod],
    target: Currency,
    rounding: RoundingMode,
) -> Result<Reconciliation, DomainError> {
    if parties.len() < 2 {
        return Err(DomainError::InvalidValuation {
            reason: "a reconciliation needs at least two parties",
        });
    }
    if parties.len() > MAX_PARTIES {
        return Err(DomainError::InvalidValuation {
            reason: "a reconciliation takes at most 16 parties",
        });
    }
    let components = claim.by_kind()?;
    let total = components
        .values()
        .fold(BigRational::zero(), |sum, amount| sum + amount);
    let claim_total = exact_money(&total, claim.unit, "claim total")?;
    let resolved: Vec<Resolved> = parties
        .iter()
        .map(|p| Resolved::of(p, target))
        .collect::<Result<_, _>>()?;

    let mut valuations = Vec::with_capacity(parties.len());
    for (method, reduced) in parties.iter().zip(&resolved) {
        let recognised = components
            .iter()
            .filter(|(kind, _)| reduced.recognised.contains(kind))
            .fold(BigRational::zero(), |sum, (_, amount)| sum + amount);
        let (steps, converted) = convert_exact(
            claim.unit,
            &recognised,
            &method.conversion,
            method.redenomination.as_ref(),
            target,
        )?;
        let value_exact = &converted - &reduced.offsets;
        let value = round_money(&value_exact, target, rounding, "party value")?;
        let implied_rate = if value_exact.is_positive() {
            // Informational: left out rather than failing the whole
            // reconciliation when it does not fit the decimal range.
            total
                .checked_div(&value_exact)
                .and_then(|rate| fitted_share(&rate, "implied rate").ok())
        } else {
            None
        };
        valuations.push(PartyValuation {
            name: method.name.clone(),
            recognised: exact_money(&recognised, claim.unit, "recognised claim")?,
            steps,
            converted: ExactValue::of(converted),
            offsets: exact_money(&reduced.offsets, target, "offsets")?,
            value_exact: ExactValue::of(value_exact),
            value,
            implied_rate,
        });
    }

    let creditor = &parties[0];
    let mut gaps = Vec::with_capacity(parties.len() - 1);
    for (index, party) in parties.iter().enumerate().skip(1) {
        // A component the claim does not carry (zero) changes no figure:
        // it is a null player, so it is not reported as a difference.
        let dimensions: Vec<Dimension> = resolved[0]
            .differences(&resolved[index])
            .into_iter()
            .filter(|dimension| match dimension {
                Dimension::Component(kind) => {
                    components.get(kind).is_some_and(|amount| !amount.is_zero())
                }
                _ => true,
            })
            .collect();
        let attribution = attribute(
            &resolved[0],
            &resolved[index],
            &dimensions,
            &components,
            target,
            rounding,
        )?;
        // The money gap is between the rounded figures; everything else is
        // computed from the exact ones.
        let gap_minor = &attribution.creditor_minor - &attribution.party_minor;
        let (ratio_exact, ratio) =
            if attribution.creditor_exact.is_positive() && attribution.party_exact.is_positive() {
                let exact = attribution
                    .creditor_exact
                    .checked_div(&attribution.party_exact)
                    .ok_or(DomainError::Overflow { quantity: "ratio" })?;
                let shown = fitted_share(&exact, "ratio")?;
                (Some(exact), Some(shown))
            } else {
                (None, None)
            };
        let contributions = attribution
            .parts
            .iter()
            .map(|part| {
                Ok(Contribution {
                    dimension: part.dimension,
                    creditor_choice: describe_choice(creditor, part.dimension),
                    party_choice: describe_choice(party, part.dimension),
                    amount: Money::from_minor_units(target, &part.amount_minor, "contribution")?,
                    amount_exact: ExactValue::of(part.amount_exact.clone()),
                    log_contribution: part.log_contribution,
                    log_share: part.log_share,
                })
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        gaps.push(Gap {
            creditor: creditor.name.clone(),
            party: party.name.clone(),
            amount: Money::from_minor_units(target, &gap_minor, "gap")?,
            ratio_exact,
            ratio,
            log_ratio: attribution.log_ratio,
            contributions,
            log_unavailable: attribution.log_unavailable,
            candidates: candidates(
                &attribution.creditor_exact,
                &attribution.party_exact,
                target,
                rounding,
            )?,
        });
    }
    Ok(Reconciliation {
        target,
        rounding,
        claim_total,
        parties: valuations,
        gaps,
    })
}

/// A fraction known to be a terminating decimal (a sum of decimals) as
/// money, at its own scale; `Overflow` if it does not fit.
fn exact_money(
    value: &BigRational,
    currency: Currency,
    quantity: &'static str,
) -> Result<Money, DomainError> {
    for scale in currency.minor_units..=28 {
        if value.terminates_within(scale) {
            let scaled: BigInt = value.round_to_scale(scale, RoundingMode::HalfEven);
            let amount = crate::domain::money::decimal_from_scaled(&scaled, scale)
                .ok_or(DomainError::Overflow { quantity })?;
            return Ok(Money { currency, amount });
        }
    }
    Err(DomainError::Overflow { quantity })
}
#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "reconcile_figure_tests.rs"]
mod figure_tests;
