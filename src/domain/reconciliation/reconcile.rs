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
        // `decimal` (getcontext().prec = 100): v(S) = the EXACT figure (a
        // fraction, unrounded) with the dimensions in S switched to the
        // debtor's choice; w(S) = |S|! (n - |S| - 1)! / n!;
        // amount_i = -sum_S w(S) (v(S + i) - v(S)) (exact fraction);
        // rounded_i = largest remainder of the amount_i in cents to the
        // rounded gap round(v(none)) - round(v(all));
        // ln(p/q) = D(p).ln() - D(q).ln();
        // log_i = -sum_S w(S) (ln v(S + i) - ln v(S));
        // share_i = log_i / (ln v(none) - ln v(all)).
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
        assert_eq!(c.dimension, Dimension::ConversionChain);
        assert_eq!(c.amount, gap.amount);
        assert_eq!(c.amount_exact.text, "10957808000");
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
        // python3: 1 - Fraction('154997806.44') / 10960000000, 20 decimals.
        assert_eq!(
            geometric.write_off_share.unwrap().value.to_string(),
            "0.98585786437591240876"
        );
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
                Dimension::ConversionChain,
                Dimension::Component(ContractualInterest),
                Dimension::Component(PenaltyInterest),
                Dimension::Offsets
            ]
        );
        // Exact Shapley values of the exact v(S) (python3 fractions,
        // amount_i above): conversion 17920000000/3, contractual
        // 5000000000/3, penalty 1e9, offsets 1.5e8. In cents the thirds have
        // remainders 1/3 and 2/3; the one cent left over goes to the larger
        // (contractual).
        let amounts: Vec<String> = gap
            .contributions
            .iter()
            .map(|c| c.amount.amount.to_string())
            .collect();
        assert_eq!(
            amounts,
            vec![
                "5973333333.33",
                "1666666666.67",
                "1000000000.00",
                "150000000.00"
            ]
        );
        assert_eq!(
            gap.contributions[0].amount_exact.fraction.to_string(),
            "17920000000/3"
        );
        assert_eq!(
            gap.contributions[0].amount_exact.text,
            "5973333333.33333333333333333333"
        );
        assert_eq!(
            gap.contributions[1].amount_exact.fraction.to_string(),
            "5000000000/3"
        );
        assert_eq!(rounded_sum(gap), gap.amount.amount);
        assert_eq!(
            exact_sum(gap),
            &r.parties[0].value_exact.fraction - &r.parties[1].value_exact.fraction
        );
        // Log attribution, python3 decimal (prec 100), log_i and share_i above:
        // contribution_i = -Shapley_i(ln v), share_i = contribution_i / ln(ratio).
        dec_close(gap.log_ratio, "1.61952511396750129253");
        let expected = [
            (
                "1.118014397504851745556210145039",
                "0.690334708528198057509974539410",
            ),
            (
                "0.289310876080090019080819274457",
                "0.178639326790887644305101398691",
            ),
            (
                "0.175296254106999809198065864427",
                "0.108239293478790379741734642102",
            ),
            (
                "0.036903586275559718697274140446",
                "0.022786671202123918443189419797",
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
        // The redenomination and the CBR rate are one conversion chain.
        // python3 (exact v(S)): chain 3100991410000000/303727 =
        // 10209798305.7153..., penalty 227799750000000/303727 =
        // 750014815.9366...; in cents the floors 1020979830571 + 75001481593
        // = 1095981312164 are one short of the rounded gap: the larger
        // remainder (penalty, .668) takes it.
        assert_eq!(amounts, vec!["10209798305.71", "750014815.94"]);
        assert_eq!(
            r.parties[1].value_exact.fraction.to_string(),
            "56760000000/303727"
        );
        // python3: Fraction(10960000000) / Fraction(56760000000, 303727).
        assert_eq!(
            gap.ratio_exact.as_ref().unwrap().to_string(),
            "83221198/1419"
        );
        assert_eq!(
            gap.ratio.unwrap().value.to_string(),
            "58647.77871740662438336857"
        );
        // python3: ln(10960000000) - (ln(56760000000) - ln(303727)).
        dec_close(gap.log_ratio, "10.979304979833397389722780506352");
        // The chain's log contribution is the sum of what the rate and the
        // redenomination were credited with as two dimensions (3.9243... +
        // 6.9077...): log contributions do not depend on the grouping.
        let expected = [
            (
                "10.832125081377314823107912226766",
                "0.986594789130421267363587102777",
            ),
            (
                "0.147179898456082566614868279585",
                "0.013405210869578732636412897223",
            ),
        ];
        for (c, (contribution, share)) in gap.contributions.iter().zip(expected) {
            dec_close(c.log_contribution, contribution);
            dec_close(c.log_share, share);
        }
        assert_eq!(
            gap.contributions[0].party_choice,
            "1000 RUR per RUB from 1998-01-01 (rub-1998), then 30.3727 RUB per USD (cbr-usd-2012-12-31)"
        );
    }

    fn exact_sum(gap: &Gap) -> BigRational {
        gap.contributions
            .iter()
            .fold(BigRational::zero(), |sum, c| sum + &c.amount_exact.fraction)
    }

    fn rounded_sum(gap: &Gap) -> Decimal {
        gap.contributions.iter().map(|c| c.amount.amount).sum()
    }

    /// The reviewer's example: 1,000,000 SUR at 0.6 SUR/USD (1,666,666.666...
    /// USD, shown 1,666,666.67) against 46,666,666.7 SUR/USD (0.0214285714...
    /// USD, shown 0.02). From the rounded figures the ratio would be
    /// 83,333,333.5, the debtor's implied rate 50,000,000, the creditor's
    /// 0.5999999988 and the geometric midpoint 182.57.
    #[test]
    fn ratios_rates_and_candidates_come_from_the_exact_figures() {
        let claim = Claim::whole(&Money {
            currency: find("SUR").unwrap(),
            amount: dec("1000000"),
        });
        let creditor = party("creditor", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        let debtor = party(
            "debtor",
            rate("46666666.7", "SUR"),
            &ComponentKind::ALL,
            None,
        );
        let r = reconcile(&claim, &[creditor, debtor], usd(), RoundingMode::HalfEven).unwrap();
        let (c, d) = (&r.parties[0], &r.parties[1]);
        assert_eq!(c.value.amount.to_string(), "1666666.67");
        assert_eq!(c.value_exact.fraction.to_string(), "5000000/3");
        assert_eq!(d.value.amount.to_string(), "0.02");
        // python3: Fraction(1000000) / Fraction('46666666.7')
        assert_eq!(d.value_exact.fraction.to_string(), "10000000/466666667");
        assert_eq!(d.value_exact.text, "0.02142857141326530613");
        // The rates the parties used, exactly.
        let implied = |p: &PartyValuation| p.implied_rate.unwrap();
        assert_eq!(implied(c).value.to_string(), "0.6");
        assert!(implied(c).exact);
        assert_eq!(implied(d).value.to_string(), "46666666.7");
        assert!(implied(d).exact);

        let gap = &r.gaps[0];
        // The money gap is between the figures as shown.
        assert_eq!(gap.amount.amount.to_string(), "1666666.65");
        // python3: Fraction(5000000, 3) / Fraction(10000000, 466666667)
        //   = 466666667/6 = Fraction('46666666.7') / Fraction('0.6')
        //   = 77777777.83333333333333333333|33...
        assert_eq!(gap.ratio_exact.as_ref().unwrap().to_string(), "466666667/6");
        let ratio = gap.ratio.unwrap();
        assert_eq!(ratio.value.to_string(), "77777777.83333333333333333333");
        assert!(!ratio.exact);
        // python3 (decimal, prec 100): D(466666667).ln() - D(6).ln()
        //   = 18.16936631638574510848|9406152...
        assert_eq!(
            gap.log_ratio.unwrap().to_string(),
            "18.16936631638574510849"
        );
        assert_eq!(gap.log_unavailable, None);

        // One difference, the rate: it explains the whole gap, rounded and
        // exact.
        assert_eq!(gap.contributions.len(), 1);
        let k = &gap.contributions[0];
        assert_eq!(k.amount, gap.amount);
        // python3: Fraction(5000000, 3) - Fraction(10000000, 466666667)
        assert_eq!(
            k.amount_exact.fraction.to_string(),
            "2333333305000000/1400000001"
        );
        assert_eq!(k.amount_exact.text, "1666666.64523809525340136053");
        assert_eq!(rounded_sum(gap), gap.amount.amount);
        assert_eq!(
            exact_sum(gap),
            &c.value_exact.fraction - &d.value_exact.fraction
        );
        assert_eq!(k.log_contribution, gap.log_ratio);
        assert_eq!(k.log_share, Some(Decimal::ONE));

        let candidate = |kind: CandidateKind| {
            gap.candidates
                .iter()
                .find(|candidate| candidate.kind == kind)
                .unwrap()
        };
        // python3 (decimal, prec 100):
        //   (D(5000000) / 3 * D(10000000) / D(466666667)).sqrt()
        //   = 188.98223643711995774891...
        let geometric = candidate(CandidateKind::GeometricMidpoint);
        assert_eq!(geometric.value.amount.to_string(), "188.98");
        assert_eq!(geometric.unrounded, "188.98223643711995774891");
        // Against the creditor's figure as reported (1,666,666.67):
        // python3: 1 - Fraction('188.98') / Fraction('1666666.67')
        //   = 166647769/166666667 = 0.99988661200022677599954...
        assert_eq!(
            geometric.write_off_share.unwrap().value.to_string(),
            "0.999886612000226776"
        );
        // python3: (Fraction(5000000, 3) + Fraction(10000000, 466666667)) / 2
        //   = 833333.34404761903996598640...
        let arithmetic = candidate(CandidateKind::ArithmeticMidpoint);
        assert_eq!(arithmetic.value.amount.to_string(), "833333.34");
        assert_eq!(arithmetic.unrounded, "833333.3440476190399659864");
        // Write-offs are taken against the creditor's figure as reported, so
        // its own figure means none, although it is 1/300 cent above the
        // exact valuation.
        let own = candidate(CandidateKind::CreditorFigure);
        assert_eq!(own.unrounded, "1666666.66666666666666666667");
        assert_eq!(own.write_off_share.unwrap().value.to_string(), "0");
    }

    /// The reviewer's example with components and an offset: the exact
    /// contributions add up to the exact gap, the rounded ones to the rounded
    /// gap, which differ. The debtor's figure, 0.004999... USD, is shown as
    /// 0.00, yet its ratio, implied rate and log attribution are defined.
    #[test]
    fn rounded_contributions_add_up_to_the_rounded_gap_exact_ones_to_the_exact_gap() {
        let claim = Claim {
            unit: find("SUR").unwrap(),
            components: vec![
                Component {
                    kind: Principal,
                    amount: dec("700000"),
                },
                Component {
                    kind: ContractualInterest,
                    amount: dec("300000"),
                },
            ],
        };
        let creditor = party("creditor", rate("0.6", "SUR"), &ComponentKind::ALL, None);
        let debtor = party(
            "debtor",
            rate("46666666.7", "SUR"),
            &[Principal],
            Some("0.01"),
        );
        let r = reconcile(&claim, &[creditor, debtor], usd(), RoundingMode::HalfEven).unwrap();
        let (c, d) = (&r.parties[0], &r.parties[1]);
        // python3: Fraction(700000) / Fraction('46666666.7') - Fraction('0.01')
        assert_eq!(d.value_exact.fraction.to_string(), "233333333/46666666700");
        assert_eq!(d.value_exact.text, "0.00499999998928571429");
        assert_eq!(d.value.amount.to_string(), "0.00");
        // python3: Fraction(1000000) / Fraction(233333333, 46666666700)
        assert_eq!(
            d.implied_rate.unwrap().value.to_string(),
            "200000000.42857142918367347026"
        );
        let gap = &r.gaps[0];
        assert_eq!(gap.amount.amount.to_string(), "1666666.67");
        // python3: Fraction(5000000, 3) - Fraction(233333333, 46666666700)
        let exact_gap = &c.value_exact.fraction - &d.value_exact.fraction;
        assert_eq!(exact_gap.to_string(), "233333332800000001/140000000100");
        assert_eq!(
            exact_gap.to_decimal_text(20).0,
            "1666666.66166666667738095237"
        );
        assert_eq!(
            gap.ratio.unwrap().value.to_string(),
            "333333334.04761904863945578377"
        );
        let dims: Vec<Dimension> = gap.contributions.iter().map(|k| k.dimension).collect();
        assert_eq!(
            dims,
            vec![
                Dimension::ConversionChain,
                Dimension::Component(ContractualInterest),
                Dimension::Offsets
            ]
        );
        // python3 (exact Shapley values of the exact v(S)):
        //   conversion 1983333309250000/1400000001 = 1416666.64845238096539...
        //   contractual 116666668250000/466666667 = 250000.00321428571198...
        //   offsets 1/100.
        // In cents the floors add up to 166666665, two short of the rounded
        // gap 166666667: the two largest remainders (.845, .321) take one each.
        let exact: Vec<String> = gap
            .contributions
            .iter()
            .map(|k| k.amount_exact.fraction.to_string())
            .collect();
        assert_eq!(
            exact,
            vec![
                "1983333309250000/1400000001",
                "116666668250000/466666667",
                "1/100"
            ]
        );
        let amounts: Vec<String> = gap
            .contributions
            .iter()
            .map(|k| k.amount.amount.to_string())
            .collect();
        assert_eq!(amounts, vec!["1416666.65", "250000.01", "0.01"]);
        assert_eq!(rounded_sum(gap), gap.amount.amount);
        assert_eq!(exact_sum(gap), exact_gap);
        assert_ne!(
            crate::domain::numerics::rational::from_decimal(gap.amount.amount),
            exact_gap
        );
        // python3 (decimal, prec 100): ln(Fraction(5000000, 3)) -
        //   ln(Fraction(233333333, 46666666700)) = 19.62465355042115860838|91...
        assert_eq!(
            gap.log_ratio.unwrap().to_string(),
            "19.62465355042115860839"
        );
        let expected = [
            (
                "18.640338519235391632753948409919",
                "0.949842934620130254692882971547",
            ),
            (
                "0.513342821050406138289003374158",
                "0.026158057757885333322764823224",
            ),
            (
                "0.470972210135360837346175051844",
                "0.023999007621984411984352205229",
            ),
        ];
        for (k, (contribution, share)) in gap.contributions.iter().zip(expected) {
            dec_close(k.log_contribution, contribution);
            dec_close(k.log_share, share);
        }
        let log_sum: Decimal = gap
            .contributions
            .iter()
            .map(|k| k.log_contribution.unwrap())
            .sum();
        assert_eq!(log_sum, gap.log_ratio.unwrap());
        let share_sum: Decimal = gap.contributions.iter().map(|k| k.log_share.unwrap()).sum();
        assert_eq!(share_sum, Decimal::ONE);
        // The geometric midpoint of the exact figures (0.00 would give none):
        // python3: (D(5000000) / 3 * D(233333333) / D(46666666700)).sqrt()
        //   = 91.28709281972008603913...
        let geometric = gap
            .candidates
            .iter()
            .find(|k| k.kind == CandidateKind::GeometricMidpoint)
            .unwrap();
        assert_eq!(geometric.value.amount.to_string(), "91.29");
        assert_eq!(geometric.unrounded, "91.28709281972008603913");
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
        assert_eq!(
            r.gaps[1].log_unavailable,
            Some(super::super::attribution::NO_GAP)
        );
        assert_eq!(r.gaps[1].log_ratio, Some(Decimal::ZERO));
        assert_eq!(r.gaps[0].log_unavailable, None);
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
