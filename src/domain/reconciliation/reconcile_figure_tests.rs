//! Properties of a reconciliation's figures: ratios, rates and candidates
//! from the exact figures, rounded contributions that add up, a log
//! attribution that is unavailable or has no shares, several parties, and
//! invalid inputs. The worked cases are in `reconcile_tests.rs`.

use super::*;
use crate::domain::currency::find;
use crate::domain::reconciliation::claim::{Component, ComponentKind};
use crate::domain::reconciliation::settlement::CandidateKind;
use ComponentKind::*;

use super::tests::*;

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
