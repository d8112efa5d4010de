//! Property tests of the reinvestment over time (issue 10): conservation to
//! the minor unit, the running-total bound at every instalment for any
//! weights and schedule, and equal programmes within one unit. The checks
//! are exact integer comparisons, independent of the allocation code.

use debtcalc::domain::currency::{find, Currency};
use debtcalc::domain::money::{scaled_integer, Money};
use debtcalc::domain::reinvestment::reinvest;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn minor(m: &Money) -> BigInt {
    m.to_minor_units()
        .expect("reported with the currency's minor units")
}

fn currency_strategy() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just(find("USD").unwrap()),
        Just(find("JPY").unwrap()),
        Just(find("KWD").unwrap()),
    ]
}

/// Instalments in minor units: tiny ones (below a unit per programme) as
/// often as large ones, and zeros.
fn instalments_strategy() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(
        prop_oneof![0i64..4, 0i64..1_000, 0i64..1_000_000_000_000],
        1..40,
    )
}

/// Weights with up to 6 decimals; small integers as well, so equal weights
/// occur often.
fn weights_strategy() -> impl Strategy<Value = Vec<Decimal>> {
    proptest::collection::vec(
        prop_oneof![
            (1i64..4).prop_map(Decimal::from),
            (1i64..1_000_000_000, 0u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        ],
        1..9,
    )
}

fn share_strategy() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::ONE),
        Just(Decimal::ZERO),
        (0i64..=10_000).prop_map(|m| Decimal::new(m, 4)),
        (0i64..=1_000_000_000_000).prop_map(|m| Decimal::new(m, 12)),
    ]
}

fn scaled(d: Decimal) -> BigInt {
    scaled_integer(d, 28).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn conservation_and_the_running_bound(
        currency in currency_strategy(),
        raw in instalments_strategy(),
        weights in weights_strategy(),
        share in share_strategy(),
    ) {
        let instalments: Vec<Money> = raw
            .iter()
            .map(|m| Money::from_minor_units(currency, &BigInt::from(*m), "t").unwrap())
            .collect();
        let r = reinvest(&instalments, share, &weights).unwrap();
        let w: Vec<BigInt> = weights.iter().map(|x| scaled(*x)).collect();
        let w_sum: BigInt = w.iter().sum();
        let s = scaled(share);
        let unit = scaled(Decimal::ONE);

        let mut paid = BigInt::zero();
        let mut fund = BigInt::zero();
        let mut held = vec![BigInt::zero(); w.len()];
        for (row, m) in r.instalments.iter().zip(&raw) {
            let f = minor(&row.fund);
            prop_assert!(!f.is_negative() && f <= BigInt::from(*m));
            paid += BigInt::from(*m);
            fund += &f;
            // The cumulative fund is within half a unit of share x paid.
            let gap: BigInt = &fund * &unit - &s * &paid;
            prop_assert!(BigInt::from(2) * gap.abs() <= unit, "fund {fund} paid {paid}");
            // The instalment's fund part is divided exactly.
            let parts: Vec<BigInt> = row.programmes.iter().map(minor).collect();
            prop_assert_eq!(parts.iter().sum::<BigInt>(), f.clone());
            for (j, part) in parts.iter().enumerate() {
                held[j] += part;
                // |held - w_j F / W| < 1 unit, in integers.
                let gap: BigInt = &held[j] * &w_sum - &w[j] * &fund;
                prop_assert!(gap.abs() < w_sum, "programme {j} holds {} of {fund}", held[j]);
                // Never below -1 unit; never negative when the programme's
                // exact share of the instalment is at least one unit.
                prop_assert!(*part >= BigInt::from(-1));
                if &w[j] * &f >= w_sum {
                    prop_assert!(!part.is_negative(), "programme {j} part {part}");
                }
            }
        }
        prop_assert_eq!(minor(&r.fund_total), fund.clone());
        let totals: Vec<BigInt> = r.programme_totals.iter().map(minor).collect();
        prop_assert_eq!(&totals, &held);
        prop_assert_eq!(totals.iter().sum::<BigInt>(), fund);
    }

    #[test]
    fn equal_programmes_differ_by_at_most_one_unit(
        raw in instalments_strategy(),
        others in weights_strategy(),
        weight in (1i64..1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        copies in 2usize..5,
        share in share_strategy(),
    ) {
        let usd = find("USD").unwrap();
        let instalments: Vec<Money> = raw
            .iter()
            .map(|m| Money::from_minor_units(usd, &BigInt::from(*m), "t").unwrap())
            .collect();
        // The equal programmes interleaved with the others.
        let mut weights = Vec::new();
        let mut equal = Vec::new();
        for k in 0..copies.max(others.len()) {
            if k < copies {
                equal.push(weights.len());
                weights.push(weight);
            }
            if let Some(o) = others.get(k) {
                weights.push(*o);
            }
        }
        let r = reinvest(&instalments, share, &weights).unwrap();
        let mut held = vec![BigInt::zero(); weights.len()];
        for row in &r.instalments {
            let parts: Vec<BigInt> = row.programmes.iter().map(minor).collect();
            for pair in equal.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                prop_assert!((&parts[a] - &parts[b]).abs() <= BigInt::from(1));
            }
            for (h, p) in held.iter_mut().zip(&parts) {
                *h += p;
            }
            for pair in equal.windows(2) {
                // The one listed first never holds less, and at most one more.
                let diff = &held[pair[0]] - &held[pair[1]];
                prop_assert!(diff >= BigInt::zero() && diff <= BigInt::from(1), "{diff}");
            }
        }
    }
}
