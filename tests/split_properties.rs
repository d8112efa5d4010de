//! Property tests of the split: for random claims, shares and weights the
//! parts conserve the claim exactly, and no input panics.

use std::str::FromStr;

use debtcalc::api::pb::debtcalc::v1::{self as pb, split_claim_request::WriteOff as PbWriteOff};
use debtcalc::api::split::parse_request;
use debtcalc::domain::currency;
use debtcalc::domain::money::Money;
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::split::{split_claim, ProgramWeight, SplitInput, WriteOff};
use proptest::prelude::*;
use rust_decimal::Decimal;

const MODES: [RoundingMode; 7] = [
    RoundingMode::HalfEven,
    RoundingMode::HalfUp,
    RoundingMode::HalfDown,
    RoundingMode::Up,
    RoundingMode::Down,
    RoundingMode::Ceiling,
    RoundingMode::Floor,
];

fn currency_strategy() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["USD", "JPY", "KWD", "SUR", "CLF"])
}

/// A claim of 1 to 10^26 minor units with the currency's decimals.
fn claim_strategy() -> impl Strategy<Value = Money> {
    (
        currency_strategy(),
        1u128..=100_000_000_000_000_000_000_000_000u128,
    )
        .prop_map(|(code, minor)| {
            let currency = currency::find(code).unwrap();
            Money {
                currency,
                amount: Decimal::from_i128_with_scale(minor as i128, currency.minor_units),
            }
        })
}

/// A share in [0, 1] with up to 28 decimals.
fn share_strategy() -> impl Strategy<Value = Decimal> {
    (0u32..=28).prop_flat_map(|scale| {
        let max = 10u128.pow(scale);
        (0..=max).prop_map(move |m| Decimal::from_i128_with_scale(m as i128, scale))
    })
}

/// A positive weight with up to 12 decimals.
fn weight_strategy() -> impl Strategy<Value = Decimal> {
    (1u64..=1_000_000_000_000_000u64, 0u32..=12).prop_map(|(m, s)| Decimal::new(m as i64, s))
}

fn sum(amounts: impl Iterator<Item = Decimal>) -> Decimal {
    amounts.fold(Decimal::ZERO, |a, b| a.checked_add(b).expect("sum fits"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn split_by_share_conserves_the_claim(
        claim in claim_strategy(),
        share in share_strategy(),
        weights in prop::collection::vec(weight_strategy(), 0..12),
        mode in prop::sample::select(MODES.to_vec()),
    ) {
        let programs: Vec<_> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| ProgramWeight { name: format!("p{i}"), weight: *w })
            .collect();
        let split = split_claim(&SplitInput { claim: claim.clone(), write_off: WriteOff::Share(share), programs, rounding: mode })
            .expect("valid input splits");
        let minor = claim.currency.minor_units;
        prop_assert_eq!(split.written_off.amount + split.remaining.amount, claim.amount);
        prop_assert_eq!(split.written_off.amount.scale(), minor);
        prop_assert!(split.written_off.amount >= Decimal::ZERO && split.remaining.amount >= Decimal::ZERO);
        // The written-off amount is within one minor unit of the exact product.
        let unit = Decimal::new(1, minor);
        let exact = claim.amount.checked_mul(share);
        if let Some(exact) = exact {
            prop_assert!((split.written_off.amount - exact).abs() < unit + Decimal::new(1, 20));
        }
        if !split.allocations.is_empty() {
            prop_assert_eq!(sum(split.allocations.iter().map(|a| a.amount.amount)), split.remaining.amount);
        }
        for a in &split.allocations {
            prop_assert!(a.amount.amount >= Decimal::ZERO);
            prop_assert_eq!(a.amount.amount.scale(), minor);
        }
    }

    #[test]
    fn split_by_remaining_conserves_the_claim(
        claim in claim_strategy(),
        fraction in share_strategy(),
        weights in prop::collection::vec(weight_strategy(), 1..8),
    ) {
        let minor = claim.currency.minor_units;
        let remaining = (claim.amount * fraction).round_dp_with_strategy(minor, rust_decimal::RoundingStrategy::ToZero);
        let remaining = Money { currency: claim.currency, amount: remaining };
        let programs: Vec<_> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| ProgramWeight { name: format!("p{i}"), weight: *w })
            .collect();
        let split = split_claim(&SplitInput {
            claim: claim.clone(),
            write_off: WriteOff::Remaining(remaining.clone()),
            programs,
            rounding: RoundingMode::HalfEven,
        })
        .expect("valid input splits");
        prop_assert_eq!(split.remaining.amount, remaining.amount);
        prop_assert_eq!(split.written_off.amount + split.remaining.amount, claim.amount);
        prop_assert_eq!(sum(split.allocations.iter().map(|a| a.amount.amount)), split.remaining.amount);
        // Largest remainder: no part is a whole minor unit or more from its quota.
        let total_weight = sum(weights.iter().copied());
        let unit = Decimal::new(1, minor);
        for (a, w) in split.allocations.iter().zip(&weights) {
            if let Some(quota) = remaining.amount.checked_mul(*w).and_then(|x| x.checked_div(total_weight)) {
                prop_assert!((a.amount.amount - quota).abs() < unit + Decimal::new(1, 18));
            }
        }
    }

    /// Arbitrary text in every field: the API conversion either validates or
    /// names fields, and a validated request always splits without panic.
    #[test]
    fn arbitrary_requests_never_panic(
        code in "[A-Z]{0,4}|USD",
        amount in "[-+0-9._eE ]{0,40}|[0-9]{1,30}(\\.[0-9]{1,30})?",
        share in "[-+0-9.]{0,32}",
        weights in prop::collection::vec("[-0-9.]{0,12}", 0..5),
        mode in -2i32..10,
    ) {
        let request = pb::SplitClaimRequest {
            claim: Some(pb::Money { currency_code: code, amount }),
            write_off: Some(PbWriteOff::WriteOffShare(share)),
            programs: weights.into_iter().enumerate().map(|(i, w)| pb::Program { name: format!("p{i}"), weight: w }).collect(),
            rounding_mode: mode,
        };
        if let Ok(input) = parse_request(&request) {
            let split = split_claim(&input).expect("validated input splits");
            prop_assert_eq!(split.written_off.amount + split.remaining.amount, split.claim.amount);
        }
    }
}

#[test]
fn the_largest_claim_splits_exactly() {
    let usd = currency::find("USD").unwrap();
    let claim = Money {
        currency: usd,
        amount: Decimal::from_str("792281625142643375935439503.35").unwrap(),
    };
    let split = split_claim(&SplitInput {
        claim: claim.clone(),
        write_off: WriteOff::Share(Decimal::from_str("0.3333333333333333333333333333").unwrap()),
        programs: vec![
            ProgramWeight {
                name: "a".into(),
                weight: Decimal::from_str("0.0000000000000000000000000001").unwrap(),
            },
            ProgramWeight {
                name: "b".into(),
                weight: Decimal::from_str("79228162514264337593543950335").unwrap(),
            },
        ],
        rounding: RoundingMode::HalfEven,
    })
    .unwrap();
    assert_eq!(
        split.written_off.amount + split.remaining.amount,
        claim.amount
    );
    assert_eq!(
        split.allocations[0].amount.amount + split.allocations[1].amount.amount,
        split.remaining.amount
    );
}
