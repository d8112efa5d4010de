//! Property tests of reconciliation: swapping the parties inverts the ratio,
//! identical methods give no gap, the attribution always adds up and does
//! not depend on order, and nothing panics for any valid input.

use num_bigint::BigInt;
use num_traits::{CheckedDiv, One, Signed, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

use crate::domain::currency::{find, Currency};
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;

use super::attribution::{attribute, NO_GAP};
use super::claim::{Claim, Component, ComponentKind};
use super::conversion_basis::{Conversion, Rate, Redenomination};
use super::convert::convert;
use super::party_method::{Offset, PartyMethod, Resolved};
use super::reconcile::{reconcile, Reconciliation};
use super::settlement::CandidateKind;
use super::shapley::{factorial, shapley_numerators};
use crate::domain::numerics::rational::{self, BigRational, RationalDecimal};

fn usd() -> Currency {
    find("USD").unwrap()
}

fn rounding_mode() -> impl Strategy<Value = RoundingMode> {
    prop_oneof![
        Just(RoundingMode::HalfEven),
        Just(RoundingMode::HalfUp),
        Just(RoundingMode::HalfDown),
        Just(RoundingMode::Up),
        Just(RoundingMode::Down),
        Just(RoundingMode::Ceiling),
        Just(RoundingMode::Floor),
    ]
}

/// A positive decimal: mantissa 1..10^12, 0..=8 decimals.
fn positive_decimal() -> impl Strategy<Value = Decimal> {
    (1u64..1_000_000_000_000, 0u32..=8).prop_map(|(m, s)| Decimal::new(m as i64, s))
}

fn component_kind() -> impl Strategy<Value = ComponentKind> {
    prop::sample::select(ComponentKind::ALL.to_vec())
}

fn claim() -> impl Strategy<Value = Claim> {
    prop::collection::btree_map(
        component_kind(),
        (0u64..10_000_000_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m as i64, s)),
        1..=4,
    )
    .prop_map(|map| Claim {
        unit: find("SUR").unwrap(),
        components: map
            .into_iter()
            .map(|(kind, amount)| Component { kind, amount })
            .collect(),
    })
}

fn conversion() -> impl Strategy<Value = Conversion> {
    (
        positive_decimal(),
        any::<bool>(),
        prop::sample::select(vec!["SUR", "RUR", "RUB", "XTR"]),
    )
        .prop_map(|(rate, divide, code)| {
            let other = find(code).unwrap();
            let (unit, per) = if divide {
                (other, usd())
            } else {
                (usd(), other)
            };
            Conversion::Rate(Rate { rate, unit, per })
        })
}

/// A rate a SUR claim can meet: quoted in RUB after the redenomination, in
/// SUR or RUR (at par) without it.
fn consistent(conversion: Conversion, redenominated: bool) -> Conversion {
    let Conversion::Rate(mut rate) = conversion else {
        return conversion;
    };
    let side = if rate.per == usd() {
        &mut rate.unit
    } else {
        &mut rate.per
    };
    *side = match (redenominated, side.code) {
        (true, _) => find("RUB").unwrap(),
        (false, "RUB" | "XTR") => find("RUR").unwrap(),
        (false, _) => *side,
    };
    Conversion::Rate(rate)
}

fn redenomination() -> impl Strategy<Value = Option<Redenomination>> {
    prop_oneof![
        Just(None),
        Just(Some(Redenomination {
            id: "rub-1998".into(),
            old_unit: find("RUR").unwrap(),
            new_unit: find("RUB").unwrap(),
            old_per_new: Decimal::from(1000),
            effective: chrono::NaiveDate::from_ymd_opt(1998, 1, 1).unwrap(),
            source: "test".into(),
        })),
    ]
}

fn party() -> impl Strategy<Value = PartyMethod> {
    (
        conversion(),
        redenomination(),
        prop::collection::btree_set(component_kind(), 0..=4),
        prop::collection::vec(0u64..100_000_000_000_000, 0..=2),
    )
        .prop_map(
            |(conversion, redenomination, recognised, offsets)| PartyMethod {
                name: "party".into(),
                conversion: consistent(conversion, redenomination.is_some()),
                redenomination,
                recognised,
                offsets: offsets
                    .into_iter()
                    .map(|cents| Offset {
                        description: "offset".into(),
                        amount: Money {
                            currency: usd(),
                            amount: Decimal::new(cents as i64, 2),
                        },
                    })
                    .collect(),
            },
        )
}

/// Every attribution adds up: rounded money to the rounded gap, exact money
/// to the exact gap, log contributions to the log ratio, log shares to 1;
/// the ratio is that of the exact figures.
fn check_adds_up(r: &Reconciliation) {
    for (index, gap) in r.gaps.iter().enumerate() {
        let (creditor, party) = (&r.parties[0], &r.parties[index + 1]);
        assert_eq!(
            gap.amount.amount,
            creditor.value.amount - party.value.amount
        );
        let sum: Decimal = gap.contributions.iter().map(|c| c.amount.amount).sum();
        assert_eq!(sum, gap.amount.amount);
        let exact = gap
            .contributions
            .iter()
            .fold(BigRational::zero(), |s, c| s + &c.amount_exact.fraction);
        let exact_gap = &creditor.value_exact.fraction - &party.value_exact.fraction;
        assert_eq!(exact, exact_gap);
        let (a, b) = (&creditor.value_exact.fraction, &party.value_exact.fraction);
        if a.is_positive() && b.is_positive() {
            assert_eq!(gap.ratio_exact, a.checked_div(b));
        } else {
            assert_eq!(gap.ratio_exact, None);
        }
        check_candidates(r, gap, a, b);
        if gap
            .contributions
            .iter()
            .all(|c| c.log_contribution.is_some())
            && !gap.contributions.is_empty()
        {
            let logs: Decimal = gap
                .contributions
                .iter()
                .map(|c| c.log_contribution.unwrap())
                .sum();
            assert_eq!(Some(logs), gap.log_ratio);
        }
        if gap.contributions.iter().all(|c| c.log_share.is_some()) && !gap.contributions.is_empty()
        {
            let shares: Decimal = gap.contributions.iter().map(|c| c.log_share.unwrap()).sum();
            assert_eq!(shares, Decimal::ONE);
        }
    }
}

/// The candidates are those of the exact figures `a` and `b`, rounded once:
/// the midpoint is `(a + b) / 2` rounded with the reconciliation's mode, the
/// geometric midpoint `g` (in minor units) is within one unit of
/// `sqrt(a b)`, and within half a unit for the half-way modes.
fn check_candidates(
    r: &Reconciliation,
    gap: &super::reconcile::Gap,
    a: &BigRational,
    b: &BigRational,
) {
    let minor = r.target.minor_units;
    let find = |kind: CandidateKind| gap.candidates.iter().find(|c| c.kind == kind);
    let midpoint = (a + b) * rational::from_scaled(BigInt::from(5), 1);
    let arithmetic = find(CandidateKind::ArithmeticMidpoint).unwrap();
    assert_eq!(
        rational::from_decimal(arithmetic.value.amount),
        rational::from_scaled(midpoint.round_to_scale(minor, r.rounding), minor)
    );
    match find(CandidateKind::GeometricMidpoint) {
        Some(geometric) => {
            assert!(a.is_positive() && b.is_positive());
            let g = rational::from_decimal(geometric.value.amount);
            // (g - d)^2 <= a b <= (g + d)^2 with d one unit, half a unit for
            // the half-way modes.
            let unit = rational::from_scaled(BigInt::from(1), minor);
            let half_way = matches!(
                r.rounding,
                RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown
            );
            let d = if half_way {
                unit * rational::from_scaled(BigInt::from(5), 1)
            } else {
                unit
            };
            let product = a * b;
            let low = &g - &d;
            let high = &g + &d;
            assert!(low.is_negative() || &low * &low <= product);
            assert!(product <= &high * &high);
        }
        None => assert!(!(a.is_positive() && b.is_positive())),
    }
    let creditor = find(CandidateKind::CreditorFigure).unwrap();
    assert_eq!(creditor.unrounded, a.to_decimal_text(20).0);
    // Write-offs are taken against the creditor's figure as reported: its
    // own figure means exactly none.
    if rational::from_decimal(creditor.value.amount).is_positive() {
        assert_eq!(creditor.write_off_share.unwrap().value, Decimal::ZERO);
    } else {
        assert!(creditor.write_off_share.is_none());
    }
}

fn ok_or_overflow(result: Result<Reconciliation, DomainError>) -> Option<Reconciliation> {
    match result {
        Ok(r) => Some(r),
        Err(DomainError::Overflow { .. }) => None,
        Err(e) => panic!("valid input rejected: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn attribution_always_adds_up(
        claim in claim(),
        parties in prop::collection::vec(party(), 2..=3),
        mode in rounding_mode(),
    ) {
        if let Some(r) = ok_or_overflow(reconcile(&claim, &parties, usd(), mode)) {
            check_adds_up(&r);
            prop_assert_eq!(r.gaps.len(), parties.len() - 1);
        }
    }

    #[test]
    fn swapping_the_parties_inverts_the_ratio(
        claim in claim(),
        a in party(),
        b in party(),
        mode in rounding_mode(),
    ) {
        let forward = ok_or_overflow(reconcile(&claim, &[a.clone(), b.clone()], usd(), mode));
        let backward = ok_or_overflow(reconcile(&claim, &[b, a], usd(), mode));
        if let (Some(f), Some(g)) = (forward, backward) {
            let (f, g) = (&f.gaps[0], &g.gaps[0]);
            prop_assert_eq!(f.amount.amount, -g.amount.amount);
            match (&f.ratio_exact, &g.ratio_exact) {
                (Some(x), Some(y)) => prop_assert_eq!(x * y, BigRational::one()),
                (None, None) => {}
                _ => prop_assert!(false, "ratio present one way only"),
            }
            prop_assert_eq!(f.log_ratio, g.log_ratio.map(|l| -l));
            // Shapley values of the complementary game are the negatives;
            // rounded amounts may differ by the tie-break, at most a unit.
            prop_assert_eq!(f.contributions.len(), g.contributions.len());
            for (x, y) in f.contributions.iter().zip(&g.contributions) {
                prop_assert_eq!(x.dimension, y.dimension);
                prop_assert_eq!(
                    &x.amount_exact.fraction + &y.amount_exact.fraction,
                    BigRational::zero()
                );
                prop_assert!((x.amount.amount + y.amount.amount).abs() <= Decimal::new(1, 2));
            }
        }
    }

    #[test]
    fn identical_methods_give_no_gap(
        claim in claim(),
        p in party(),
        mode in rounding_mode(),
    ) {
        if let Some(r) = ok_or_overflow(reconcile(&claim, &[p.clone(), p], usd(), mode)) {
            let gap = &r.gaps[0];
            prop_assert!(gap.amount.amount.is_zero());
            prop_assert!(gap.contributions.is_empty());
            prop_assert_eq!(gap.log_unavailable, Some(NO_GAP));
            if r.parties[0].value_exact.fraction.is_positive() {
                prop_assert_eq!(gap.ratio_exact.clone(), Some(BigRational::one()));
                prop_assert_eq!(gap.log_ratio, Some(Decimal::ZERO));
            }
        }
    }

    #[test]
    fn attribution_does_not_depend_on_the_order_of_dimensions(
        claim in claim(),
        a in party(),
        b in party(),
        seed in any::<u64>(),
        mode in rounding_mode(),
    ) {
        let components = claim.by_kind().unwrap();
        let (ra, rb) = (Resolved::of(&a, usd()).unwrap(), Resolved::of(&b, usd()).unwrap());
        let dims = ra.differences(&rb);
        let mut shuffled = dims.clone();
        // A seeded Fisher-Yates shuffle.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (state >> 33) as usize % (i + 1);
            shuffled.swap(i, j);
        }
        let first = attribute(&ra, &rb, &dims, &components, usd(), mode);
        let second = attribute(&ra, &rb, &shuffled, &components, usd(), mode);
        prop_assert_eq!(first, second);
    }

    #[test]
    fn shapley_is_order_independent_and_efficient(
        n in 0usize..=5,
        values in prop::collection::vec(-1_000_000i64..1_000_000, 32),
        seed in any::<u64>(),
    ) {
        let size = 1usize << n;
        let v: Vec<BigInt> = values[..size].iter().map(|&x| BigInt::from(x)).collect();
        let phi = shapley_numerators(n, &v).unwrap();
        let total: BigInt = phi.iter().sum();
        prop_assert_eq!(total, factorial(n) * (&v[size - 1] - &v[0]));
        // Relabel the players by a permutation and compare.
        let mut perm: Vec<usize> = (0..n).collect();
        let mut state = seed;
        for i in (1..n).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (state >> 33) as usize % (i + 1));
        }
        let relabel = |mask: usize| -> usize {
            (0..n).filter(|&i| mask & (1 << i) != 0).map(|i| 1 << perm[i]).sum()
        };
        let mut w = vec![BigInt::from(0); size];
        for (mask, value) in v.iter().enumerate() {
            w[relabel(mask)] = value.clone();
        }
        let psi = shapley_numerators(n, &w).unwrap();
        for i in 0..n {
            prop_assert_eq!(&psi[perm[i]], &phi[i]);
        }
    }

    #[test]
    fn conversion_never_panics(
        mantissa in any::<i64>(),
        scale in 0u32..=28,
        conversion in conversion(),
        redenomination in redenomination(),
        mode in rounding_mode(),
    ) {
        let amount = Money { currency: find("SUR").unwrap(), amount: Decimal::new(mantissa, scale) };
        let conversion = consistent(conversion, redenomination.is_some());
        match convert(&amount, &conversion, redenomination.as_ref(), usd(), mode) {
            Ok(result) => {
                let rounded = rational::from_decimal(result.result.amount);
                let unit = rational::ratio(BigInt::from(1), BigInt::from(100)).unwrap();
                let diff = rounded - &result.exact.fraction;
                prop_assert!(diff < unit && -diff < unit);
            }
            Err(DomainError::Overflow { .. }) => {}
            Err(e) => prop_assert!(false, "{}", e),
        }
    }

    #[test]
    fn recognised_set_order_is_irrelevant(
        claim in claim(),
        kinds in prop::collection::vec(component_kind(), 0..=6),
    ) {
        let make = |recognised: BTreeSet<ComponentKind>| PartyMethod {
            name: "p".into(),
            conversion: Conversion::Rate(Rate { rate: Decimal::from(3), unit: find("SUR").unwrap(), per: usd() }),
            redenomination: None,
            recognised,
            offsets: vec![],
        };
        let creditor = make(ComponentKind::ALL.into_iter().collect());
        let forward = make(kinds.iter().copied().collect());
        let backward = make(kinds.iter().rev().copied().collect());
        let x = reconcile(&claim, &[creditor.clone(), forward], usd(), RoundingMode::HalfEven).unwrap();
        let y = reconcile(&claim, &[creditor, backward], usd(), RoundingMode::HalfEven).unwrap();
        prop_assert_eq!(x, y);
    }
}
