//! Reconciling two or more valuations of the same claim.

use num_bigint::BigInt;
use num_traits::Signed;
use rust_decimal::Decimal;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::share::Share;

use super::attribution::attribute;
use super::claim::Claim;
use super::convert::{convert_exact, round_money, ConversionStep};
use super::fraction::{fitted_share, ExactValue, Fraction};
use super::party_method::{describe_choice, Dimension, PartyMethod, Resolved};
use super::settlement::{candidates, SettlementCandidate};

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
    /// unit) per one unit of the target, `claim total / value`; `None` unless
    /// the value is positive (and the rate fits the decimal range). 0.6 for the creditor of the DPRK case, 3000 for
    /// the debtor.
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
    /// In the target currency; the contributions add up to the gap amount
    /// exactly.
    pub amount: Money,
    /// The exact Shapley value, unrounded.
    pub amount_exact: ExactValue,
    /// Contribution to the log ratio (20 decimals); they add up to
    /// `log_ratio` exactly. `None` when unavailable (see
    /// [`Gap::log_unavailable`]).
    pub log_contribution: Option<Decimal>,
    /// Share of the log ratio (20 decimals); they add up to 1 exactly.
    pub log_share: Option<Decimal>,
}

/// The gap between the creditor (the first party) and one other party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub creditor: String,
    pub party: String,
    /// `creditor's figure - party's figure`.
    pub amount: Money,
    /// `creditor / party` exactly, when both figures are positive.
    pub ratio_exact: Option<Fraction>,
    /// The same as a decimal: 20 decimals (fewer for ratios above about
    /// 7.9 x 10^8), with an exactness flag; "5000" for the DPRK case.
    pub ratio: Option<Share>,
    /// `ln(creditor / party)`, 20 decimals.
    pub log_ratio: Option<Decimal>,
    /// The dimensions in which the methods differ, canonical order, with
    /// what each explains.
    pub contributions: Vec<Contribution>,
    /// Why the log contributions or shares are missing, if they are.
    pub log_unavailable: Option<&'static str>,
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
        .fold(Fraction::zero(), |sum, amount| sum.add(amount));
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
            .fold(Fraction::zero(), |sum, (_, amount)| sum.add(amount));
        let (steps, converted) = convert_exact(
            claim.unit,
            &recognised,
            &method.conversion,
            method.redenomination.as_ref(),
            target,
        )?;
        let value_exact = converted.sub(&reduced.offsets);
        let value = round_money(&value_exact, target, rounding, "party value")?;
        let value_fraction = Fraction::from_decimal(value.amount);
        let implied_rate = if value_fraction.is_positive() {
            // Informational: left out rather than failing the whole
            // reconciliation when it does not fit the decimal range.
            total
                .div(&value_fraction)
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
        let gap_minor = &attribution.creditor_minor - &attribution.party_minor;
        let (ratio_exact, ratio) =
            if attribution.creditor_minor.is_positive() && attribution.party_minor.is_positive() {
                let exact = Fraction::new(
                    attribution.creditor_minor.clone(),
                    attribution.party_minor.clone(),
                )
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
                &attribution.creditor_minor,
                &attribution.party_minor,
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
    value: &Fraction,
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
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::reconciliation::claim::{Component, ComponentKind};
    use crate::domain::reconciliation::conversion_basis::{Conversion, Rate};
    use crate::domain::reconciliation::party_method::Offset;
    use crate::domain::reconciliation::reference_data::ReferenceData;
    use crate::domain::reconciliation::settlement::CandidateKind;
    use std::collections::BTreeSet;
    use std::str::FromStr;
    use ComponentKind::*;

    fn usd() -> Currency {
        find("USD").unwrap()
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn rate(rate: &str, unit: &str) -> Conversion {
        Conversion::Rate(Rate {
            rate: dec(rate),
            unit: find(unit).unwrap(),
            per: usd(),
        })
    }

    fn party(
        name: &str,
        conversion: Conversion,
        recognised: &[ComponentKind],
        offset: Option<&str>,
    ) -> PartyMethod {
        PartyMethod {
            name: name.into(),
            conversion,
            redenomination: None,
            recognised: recognised.iter().copied().collect::<BTreeSet<_>>(),
            offsets: offset
                .map(|amount| Offset {
                    description: "counter-claim".into(),
                    amount: Money {
                        currency: usd(),
                        amount: dec(amount),
                    },
                })
                .into_iter()
                .collect(),
        }
    }

    fn dprk_claim() -> Claim {
        Claim::whole(&Money {
            currency: find("SUR").unwrap(),
            amount: dec("6576000000"),
        })
    }

    fn components_claim(order: &[ComponentKind]) -> Claim {
        let amount = |k: ComponentKind| match k {
            Principal => "3800000000",
            ContractualInterest => "1500000000",
            PenaltyInterest => "900000000",
            Arrears => "376000000",
        };
        Claim {
            unit: find("SUR").unwrap(),
            components: order
                .iter()
                .map(|&kind| Component {
                    kind,
                    amount: dec(amount(kind)),
                })
                .collect(),
        }
    }

    fn dec_close(got: Option<Decimal>, expected: &str) {
        // Within one unit of the 20th decimal of a python3-decimal reference.
        // The references below were computed with python3 `fractions` and
        // `decimal` (getcontext().prec = 100): v(S) = the figure in cents,
        // rounded half-even, with the dimensions in S switched to the
        // debtor's choice; w(S) = |S|! (n - |S| - 1)! / n!;
        // amount_i = -sum_S w(S) (v(S + i) - v(S)) (exact Fraction);
        // log_i = -sum_S w(S) (D(v(S + i)).ln() - D(v(S)).ln());
        // share_i = log_i / (D(v(none)).ln() - D(v(all)).ln()).
        let got = got.expect("value present");
        let diff = (got - dec(expected)).abs();
        assert!(diff <= dec("0.00000000000000000001"), "{got} vs {expected}");
    }

    #[test]
    fn dprk_public_case() {
        let data = ReferenceData::builtin().unwrap();
        let creditor = party(
            "Russia",
            data.conversion("gosbank-settlement-rate").unwrap(),
            &ComponentKind::ALL,
            None,
        );
        let debtor = party("DPRK", rate("3000", "RUR"), &ComponentKind::ALL, None);
        let r = reconcile(
            &dprk_claim(),
            &[creditor, debtor],
            usd(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(r.claim_total.amount.to_string(), "6576000000.00");
        assert_eq!(r.parties[0].value.amount.to_string(), "10960000000.00");
        assert_eq!(r.parties[1].value.amount.to_string(), "2192000.00");
        assert_eq!(r.parties[0].implied_rate.unwrap().value.to_string(), "0.6");
        assert_eq!(r.parties[1].implied_rate.unwrap().value.to_string(), "3000");
        assert_eq!(
            r.parties[1].steps[0].treated_as.map(|c| c.code),
            Some("RUR")
        );
        let gap = &r.gaps[0];
        assert_eq!(gap.amount.amount.to_string(), "10957808000.00");
        let ratio = gap.ratio.unwrap();
        assert_eq!(
            (ratio.value.to_string().as_str(), ratio.exact),
            ("5000", true)
        );
        assert_eq!(gap.ratio_exact.as_ref().unwrap().to_string(), "5000");
        // python3 (decimal, prec 100): D(5000).ln() = 8.51719319141623742665|47...
        assert_eq!(gap.log_ratio.unwrap().to_string(), "8.51719319141623742665");
        assert_eq!(gap.contributions.len(), 1);
        let c = &gap.contributions[0];
        assert_eq!(c.dimension, Dimension::Conversion);
        assert_eq!(c.amount, gap.amount);
        assert_eq!(c.log_share, Some(Decimal::ONE));
        assert_eq!(c.log_contribution, gap.log_ratio);
        assert_eq!(
            c.creditor_choice,
            "0.6 SUR per USD (gosbank-settlement-rate)"
        );
        assert_eq!(c.party_choice, "3000 RUR per USD");
        let geometric = gap
            .candidates
            .iter()
            .find(|k| k.kind == CandidateKind::GeometricMidpoint)
            .unwrap();
        assert_eq!(geometric.value.amount.to_string(), "154997806.44");
        assert_eq!(gap.log_unavailable, None);
    }

    /// Case B: components and offsets; the debtor converts at the 1990
    /// commercial rate (1.8), recognises principal and arrears only and
    /// deducts a USD 150 m counter-claim. Rate, interest and offsets differ.
    fn case_b(order: &[ComponentKind]) -> Reconciliation {
        let data = ReferenceData::builtin().unwrap();
        let creditor = party(
            "creditor",
            data.conversion("gosbank-settlement-rate").unwrap(),
            &ComponentKind::ALL,
            None,
        );
        let debtor = party(
            "debtor",
            data.conversion("gosbank-commercial-1990-11-01").unwrap(),
            &[Arrears, Principal],
            Some("150000000"),
        );
        reconcile(
            &components_claim(order),
            &[creditor, debtor],
            usd(),
            RoundingMode::HalfEven,
        )
        .unwrap()
    }

    #[test]
    fn components_offsets_and_rates_case() {
        let r = case_b(&ComponentKind::ALL);
        assert_eq!(r.parties[1].value.amount.to_string(), "2170000000.00");
        let gap = &r.gaps[0];
        assert_eq!(gap.amount.amount.to_string(), "8790000000.00");
        let dims: Vec<Dimension> = gap.contributions.iter().map(|c| c.dimension).collect();
        assert_eq!(
            dims,
            vec![
                Dimension::Conversion,
                Dimension::Component(ContractualInterest),
                Dimension::Component(PenaltyInterest),
                Dimension::Offsets
            ]
        );
        // Exact Shapley values (python3 fractions, amount_i above):
        // conversion 1194666666667/2 cents, contractual 333333333333/2 cents,
        // penalty 1e11 cents, offsets 1.5e10 cents. The two halves round by
        // largest remainder, the tie going to the canonically first.
        let amounts: Vec<String> = gap
            .contributions
            .iter()
            .map(|c| c.amount.amount.to_string())
            .collect();
        assert_eq!(
            amounts,
            vec![
                "5973333333.34",
                "1666666666.66",
                "1000000000.00",
                "150000000.00"
            ]
        );
        assert_eq!(gap.contributions[0].amount_exact.text, "5973333333.335");
        let sum: Decimal = gap.contributions.iter().map(|c| c.amount.amount).sum();
        assert_eq!(sum, gap.amount.amount);
        // Log attribution, python3 decimal (prec 100), log_i and share_i above:
        // contribution_i = -Shapley_i(ln v), share_i = contribution_i / ln(ratio).
        dec_close(gap.log_ratio, "1.61952511396750129253");
        let expected = [
            (
                "1.118014397505339717341972988735",
                "0.690334708528499362986224558052",
            ),
            (
                "0.289310876079569135769338824957",
                "0.178639326790566017115138043811",
            ),
            (
                "0.175296254107025065599800769207",
                "0.108239293478805974684670125099",
            ),
            (
                "0.036903586275567373821256841470",
                "0.022786671202128645213967273038",
            ),
        ];
        for (c, (contribution, share)) in gap.contributions.iter().zip(expected) {
            dec_close(c.log_contribution, contribution);
            dec_close(c.log_share, share);
        }
        let log_sum: Decimal = gap
            .contributions
            .iter()
            .map(|c| c.log_contribution.unwrap())
            .sum();
        assert_eq!(log_sum, gap.log_ratio.unwrap());
        let share_sum: Decimal = gap.contributions.iter().map(|c| c.log_share.unwrap()).sum();
        assert_eq!(share_sum, Decimal::ONE);
        assert_eq!(
            gap.ratio.unwrap().value.to_string(),
            "5.05069124423963133641"
        );
        assert!(!gap.ratio.unwrap().exact);
    }

    #[test]
    fn order_of_components_and_recognitions_does_not_matter() {
        let reference = case_b(&ComponentKind::ALL);
        let mut reversed = ComponentKind::ALL;
        reversed.reverse();
        assert_eq!(case_b(&reversed), reference);
        assert_eq!(
            case_b(&[PenaltyInterest, Principal, Arrears, ContractualInterest]),
            reference
        );
    }

    #[test]
    fn redenomination_case() {
        let data = ReferenceData::builtin().unwrap();
        let creditor = party(
            "creditor",
            data.conversion("gosbank-settlement-rate").unwrap(),
            &ComponentKind::ALL,
            None,
        );
        let mut debtor = party(
            "debtor",
            data.conversion("cbr-usd-2012-12-31").unwrap(),
            &[Principal, ContractualInterest, Arrears],
            None,
        );
        debtor.redenomination = data.redenomination("rub-1998").cloned();
        let r = reconcile(
            &components_claim(&ComponentKind::ALL),
            &[creditor, debtor],
            usd(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(r.parties[1].value.amount.to_string(), "186878.35");
        assert_eq!(r.parties[1].steps.len(), 2);
        let gap = &r.gaps[0];
        assert_eq!(gap.amount.amount.to_string(), "10959813121.65");
        let amounts: Vec<String> = gap
            .contributions
            .iter()
            .map(|c| c.amount.amount.to_string())
            .collect();
        // python3: conversion 1026313031413/2, redenomination 1064609888347/2,
        // penalty 50519852285 cents.
        assert_eq!(
            amounts,
            vec!["5131565157.07", "5323049441.73", "505198522.85"]
        );
        dec_close(gap.log_ratio, "10.97930496907846439611");
        let expected = [
            (
                "3.924369799849750276700203049802",
                "0.357433354014861456065543750396",
            ),
            (
                "6.907755276436128932176199104984",
                "0.629161435618262418635727922827",
            ),
            (
                "0.147179892792585187235991055769",
                "0.013405210366876125298728326777",
            ),
        ];
        for (c, (contribution, share)) in gap.contributions.iter().zip(expected) {
            dec_close(c.log_contribution, contribution);
            dec_close(c.log_share, share);
        }
        assert_eq!(
            gap.contributions[1].party_choice,
            "1000 RUR per RUB from 1998-01-01 (rub-1998)"
        );
    }

    #[test]
    fn log_attribution_unavailable_when_offsets_exceed_a_mix() {
        // The debtor deducts USD 5 m: at its own rate the figure is negative.
        let creditor = party("creditor", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        let debtor = party(
            "debtor",
            rate("3000", "RUR"),
            &ComponentKind::ALL,
            Some("5000000"),
        );
        let r = reconcile(
            &dprk_claim(),
            &[creditor, debtor],
            usd(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        let gap = &r.gaps[0];
        assert_eq!(r.parties[1].value.amount.to_string(), "-2808000.00");
        assert_eq!(r.parties[1].implied_rate, None);
        assert_eq!(gap.ratio, None);
        assert_eq!(gap.log_ratio, None);
        assert!(gap.log_unavailable.is_some());
        assert!(gap.contributions.iter().all(|c| c.log_share.is_none()));
        let sum: Decimal = gap.contributions.iter().map(|c| c.amount.amount).sum();
        assert_eq!(sum, gap.amount.amount);
        assert!(gap
            .candidates
            .iter()
            .all(|c| c.kind != CandidateKind::GeometricMidpoint));
    }

    #[test]
    fn equal_figures_by_different_methods_have_contributions_but_no_shares() {
        // 6576 SUR: 0.6 per USD gives 10960; 0.5 per USD gives 13152, less
        // 2192 of offsets, 10960 again.
        let claim = Claim::whole(&Money {
            currency: find("SUR").unwrap(),
            amount: dec("6576"),
        });
        let creditor = party("creditor", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        let debtor = party(
            "debtor",
            rate("0.5", "SUR"),
            &ComponentKind::ALL,
            Some("2192"),
        );
        let r = reconcile(&claim, &[creditor, debtor], usd(), RoundingMode::HalfEven).unwrap();
        let gap = &r.gaps[0];
        assert!(gap.amount.amount.is_zero());
        assert_eq!(gap.log_ratio, Some(Decimal::ZERO));
        assert_eq!(gap.contributions.len(), 2);
        assert_eq!(
            gap.log_unavailable,
            Some(super::super::attribution::LOG_RATIO_ZERO)
        );
        let log_sum: Decimal = gap
            .contributions
            .iter()
            .map(|c| c.log_contribution.unwrap())
            .sum();
        assert!(log_sum.is_zero());
        assert_eq!(gap.contributions[0].amount.amount.to_string(), "-2192.00");
        assert_eq!(gap.contributions[1].amount.amount.to_string(), "2192.00");
    }

    #[test]
    fn three_parties_give_two_gaps() {
        let creditor = party("creditor", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        let a = party("a", rate("3000", "RUR"), &ComponentKind::ALL, None);
        let b = party("b", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        let r = reconcile(
            &dprk_claim(),
            &[creditor, a, b],
            usd(),
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(r.gaps.len(), 2);
        assert_eq!(r.gaps[1].party, "b");
        assert!(r.gaps[1].contributions.is_empty());
        assert!(r.gaps[1].amount.amount.is_zero());
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let creditor = party("creditor", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        assert!(matches!(
            reconcile(
                &dprk_claim(),
                std::slice::from_ref(&creditor),
                usd(),
                RoundingMode::HalfEven
            ),
            Err(DomainError::InvalidValuation { .. })
        ));
        let eur = find("EUR").unwrap();
        let other = party("x", rate("3000", "RUR"), &ComponentKind::ALL, None);
        assert!(reconcile(
            &dprk_claim(),
            &[creditor.clone(), other],
            eur,
            RoundingMode::HalfEven
        )
        .is_err());
        let many = vec![creditor; MAX_PARTIES + 1];
        assert!(reconcile(&dprk_claim(), &many, usd(), RoundingMode::HalfEven).is_err());
    }
}
