//! Worked cases of a reconciliation (the DPRK public case, components
//! with offsets and rates, a redenomination), checked against Python's
//! `decimal`, and the helpers the other test modules share. The properties
//! of the figures are in `reconcile_figure_tests.rs`.

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

pub(super) fn usd() -> Currency {
    find("USD").unwrap()
}

pub(super) fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub(super) fn rate(rate: &str, unit: &str) -> Conversion {
    Conversion::Rate(Rate {
        rate: dec(rate),
        unit: find(unit).unwrap(),
        per: usd(),
    })
}

pub(super) fn party(
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

pub(super) fn dprk_claim() -> Claim {
    Claim::whole(&Money {
        currency: find("SUR").unwrap(),
        amount: dec("6576000000"),
    })
}

pub(super) fn components_claim(order: &[ComponentKind]) -> Claim {
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

pub(super) fn dec_close(got: Option<Decimal>, expected: &str) {
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

pub(super) fn exact_sum(gap: &Gap) -> BigRational {
    gap.contributions
        .iter()
        .fold(BigRational::zero(), |sum, c| sum + &c.amount_exact.fraction)
}

pub(super) fn rounded_sum(gap: &Gap) -> Decimal {
    gap.contributions.iter().map(|c| c.amount.amount).sum()
}
