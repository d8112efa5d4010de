//! The write-off and reinvestment split of a claim.

use num_bigint::BigInt;
use rust_decimal::Decimal;

use super::allocation::checked_largest_remainder;
use super::currency::Currency;
use super::error::DomainError;
use super::money::{mantissa, scaled_integer_in, Money};
use super::rounding::{div_round, pow10, ExactInt, RoundingMode};
use super::share::Share;

/// How the write-off is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOff {
    /// A share of the claim in [0, 1]; the written-off amount is rounded.
    Share(Decimal),
    /// The amount that remains, in the claim's currency, in [0, claim].
    Remaining(Money),
}

/// A programme and its (positive) weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramWeight {
    pub name: String,
    pub weight: Decimal,
}

/// A validated split request. The API layer guarantees: claim > 0 with at
/// most the currency's minor units; share in [0, 1] or remaining in
/// [0, claim] in the same currency and precision; weights > 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitInput {
    pub claim: Money,
    pub write_off: WriteOff,
    pub programs: Vec<ProgramWeight>,
    pub rounding: RoundingMode,
}

/// The part of the remainder that goes to one programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramAllocation {
    pub name: String,
    pub amount: Money,
    /// amount / remaining.
    pub share: Share,
    /// weight / sum of weights.
    pub weight_share: Share,
}

/// The result of a split. `written_off + remaining == claim` and the
/// allocation amounts add up to `remaining`, exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub claim: Money,
    pub written_off: Money,
    pub remaining: Money,
    pub write_off_share: Share,
    pub allocations: Vec<ProgramAllocation>,
}

/// Splits a claim. All arithmetic is on whole minor units in exact
/// integers, so nothing is truncated on the way; the only rounding is the
/// write-off given as a share, with `input.rounding`.
///
/// The integers are `i128` when every product the split forms fits one
/// (below about 1.7e38: the claim in minor units times the share's
/// mantissa, a part times 10^20, the remainder times a weight): the DPRK
/// claim of 1.096e12 cents with a share of up to 26 digits, say. An
/// ordinary split thus allocates only its result; the moment a product
/// would overflow, the whole split runs again in `BigInt`. The two give the
/// same figures (tested), so which one ran is not visible.
pub fn split_claim(input: &SplitInput) -> Result<Split, DomainError> {
    match split_in::<i128>(input) {
        Some(result) => result,
        None => split_in::<BigInt>(input).expect("big integers do not overflow"),
    }
}

/// [`split_claim`] in `T`; `None` where an `i128` would overflow.
fn split_in<T: ExactInt>(input: &SplitInput) -> Option<Result<Split, DomainError>> {
    let currency = input.claim.currency;
    let minor = |money: &Money, quantity: &'static str| {
        match scaled_integer_in::<T>(money.amount, currency.minor_units) {
            Some(value) => Some(Ok(value)),
            // Too many decimals is the caller's error; otherwise an i128
            // overflowed.
            None if money.amount.normalize().scale() > currency.minor_units => {
                Some(Err(DomainError::Overflow { quantity }))
            }
            None => None,
        }
    };
    let claim_minor = match minor(&input.claim, "claim")? {
        Ok(value) => value,
        Err(error) => return Some(Err(error)),
    };
    let written_off_minor = match &input.write_off {
        WriteOff::Share(share) => div_round(
            &claim_minor.checked_mul(&T::from_i128(share.mantissa()))?,
            &T::pow10(share.scale())?,
            input.rounding,
        ),
        WriteOff::Remaining(remaining) => match minor(remaining, "remaining")? {
            Ok(value) => claim_minor.checked_sub(&value)?,
            Err(error) => return Some(Err(error)),
        },
    };
    let remaining_minor = claim_minor.checked_sub(&written_off_minor)?;

    let weights = common_scale_integers_in::<T>(input.programs.iter().map(|p| p.weight))?;
    let mut weight_sum = T::zero();
    for weight in &weights {
        weight_sum = weight_sum.checked_add(weight)?;
    }
    let parts = checked_largest_remainder(&remaining_minor, &weights)?;
    let mut allocations = Vec::with_capacity(input.programs.len());
    for (program, (part, weight)) in input.programs.iter().zip(parts.iter().zip(&weights)) {
        let share = Share::checked_of(part, &remaining_minor)?;
        let weight_share = Share::checked_of(weight, &weight_sum)?;
        let allocation = (|| {
            Ok(ProgramAllocation {
                name: program.name.clone(),
                amount: Money::from_minor_units(currency, part, "allocation")?,
                share: share?,
                weight_share: weight_share?,
            })
        })();
        match allocation {
            Ok(allocation) => allocations.push(allocation),
            Err(error) => return Some(Err(error)),
        }
    }
    let write_off_share = Share::checked_of(&written_off_minor, &claim_minor)?;
    Some((|| {
        Ok(Split {
            claim: Money::from_minor_units(currency, &claim_minor, "claim")?,
            written_off: Money::from_minor_units(currency, &written_off_minor, "written_off")?,
            remaining: Money::from_minor_units(currency, &remaining_minor, "remaining")?,
            write_off_share: write_off_share?,
            allocations,
        })
    })())
}

/// The principal a write-off share leaves of a face: `face x (1 - share)`,
/// exactly, rounded half-even to the minor unit once. The remainder is what
/// is rounded here (the new loan's principal, as restructuring terms state
/// it), where [`split_claim`] rounds the written-off part (half-even the two
/// can differ by a minor unit).
pub fn principal_after_write_off(
    face: Decimal,
    currency: Currency,
    share: Decimal,
) -> Result<Money, DomainError> {
    let kept = pow10(share.scale()) - mantissa(share);
    let numerator = mantissa(face) * kept * pow10(currency.minor_units);
    let denominator = pow10(face.scale() + share.scale());
    let minor = div_round(&numerator, &denominator, RoundingMode::HalfEven);
    Money::from_minor_units(currency, &minor, "new principal")
}

/// The decimals as integers over one common power of ten, so that their
/// ratios are exact.
pub(crate) fn common_scale_integers(values: impl Iterator<Item = Decimal> + Clone) -> Vec<BigInt> {
    common_scale_integers_in(values).expect("big integers do not overflow")
}

/// [`common_scale_integers`] in any [`ExactInt`]; `None` where an `i128`
/// would overflow.
fn common_scale_integers_in<T: ExactInt>(
    values: impl Iterator<Item = Decimal> + Clone,
) -> Option<Vec<T>> {
    let scale = values
        .clone()
        .map(|v| v.normalize().scale())
        .max()
        .unwrap_or(0);
    // Every value has at most `scale` decimals, so `None` is an overflow.
    // Sized up front: collecting into an Option would grow the list.
    let mut integers = Vec::with_capacity(values.size_hint().0);
    for value in values {
        integers.push(scaled_integer_in(value, scale)?);
    }
    Some(integers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use std::str::FromStr;

    fn usd(amount: &str) -> Money {
        Money {
            currency: find("USD").unwrap(),
            amount: Decimal::from_str(amount).unwrap(),
        }
    }

    fn programs(weights: &[(&str, &str)]) -> Vec<ProgramWeight> {
        weights
            .iter()
            .map(|(n, w)| ProgramWeight {
                name: n.to_string(),
                weight: Decimal::from_str(w).unwrap(),
            })
            .collect()
    }

    #[test]
    fn dprk_ninety_percent() {
        let split = split_claim(&SplitInput {
            claim: usd("10960000000"),
            write_off: WriteOff::Share(Decimal::from_str("0.9").unwrap()),
            programs: programs(&[("energy", "1"), ("education", "1"), ("health", "1")]),
            rounding: RoundingMode::HalfEven,
        })
        .unwrap();
        assert_eq!(split.claim.amount.to_string(), "10960000000.00");
        assert_eq!(split.written_off.amount.to_string(), "9864000000.00");
        assert_eq!(split.remaining.amount.to_string(), "1096000000.00");
        assert_eq!(
            split.write_off_share,
            Share {
                value: Decimal::from_str("0.9").unwrap(),
                exact: true
            }
        );
        let amounts: Vec<String> = split
            .allocations
            .iter()
            .map(|a| a.amount.amount.to_string())
            .collect();
        assert_eq!(amounts, ["365333333.34", "365333333.33", "365333333.33"]);
        assert_eq!(
            split.allocations[0].weight_share.value.to_string(),
            "0.33333333333333333333"
        );
    }

    #[test]
    fn dprk_reported_remainder() {
        let split = split_claim(&SplitInput {
            claim: usd("10960000000"),
            write_off: WriteOff::Remaining(usd("1090000000")),
            programs: vec![],
            rounding: RoundingMode::HalfEven,
        })
        .unwrap();
        assert_eq!(split.written_off.amount.to_string(), "9870000000.00");
        assert_eq!(
            split.write_off_share.value.to_string(),
            "0.90054744525547445255"
        );
        assert!(!split.write_off_share.exact);
    }

    #[test]
    fn share_rounding_follows_the_mode() {
        let at = |mode| {
            split_claim(&SplitInput {
                claim: usd("0.05"),
                write_off: WriteOff::Share(Decimal::from_str("0.5").unwrap()),
                programs: vec![],
                rounding: mode,
            })
            .unwrap()
            .written_off
            .amount
            .to_string()
        };
        assert_eq!(at(RoundingMode::HalfEven), "0.02");
        assert_eq!(at(RoundingMode::HalfUp), "0.03");
        assert_eq!(at(RoundingMode::Down), "0.02");
        assert_eq!(at(RoundingMode::Ceiling), "0.03");
    }

    #[test]
    fn principal_after_write_off_rounds_half_even_once() {
        let usd = crate::domain::currency::find("USD").unwrap();
        let p = |face: &str, share: &str| {
            principal_after_write_off(
                Decimal::from_str(face).unwrap(),
                usd,
                Decimal::from_str(share).unwrap(),
            )
            .unwrap()
            .amount
            .to_string()
        };
        assert_eq!(p("1000000.00", "0.67"), "330000.00");
        assert_eq!(p("100.00", "0.3333333333333333333333333333"), "66.67");
        assert_eq!(p("0.05", "0.5"), "0.02");
        assert_eq!(p("0.07", "0.5"), "0.04");
        assert_eq!(p("10960000000", "0.9"), "1096000000.00");
        assert_eq!(p("1.00", "1"), "0.00");
    }

    mod native {
        use super::*;
        use proptest::prelude::*;

        /// `m / 10^scale` for an `m` in [0, max].
        fn decimal(max: i64, scale: u32) -> impl Strategy<Value = Decimal> {
            (0..=max).prop_map(move |m| Decimal::new(m, scale))
        }

        fn input() -> impl Strategy<Value = SplitInput> {
            let claim = prop_oneof![
                (1i64..=i64::MAX).prop_map(|m| Decimal::new(m, 2)),
                // Up to the largest Decimal: i128 products overflow.
                (1u64..=u64::MAX, 1u32..=u32::MAX).prop_map(|(lo, hi)| {
                    Decimal::from_i128_with_scale((i128::from(hi) << 64) | i128::from(lo), 2)
                }),
            ];
            let share = prop_oneof![
                decimal(100, 2),
                (0u64..=u64::MAX).prop_map(|m| Decimal::from_i128_with_scale(
                    i128::from(m) % 10i128.pow(19) + 1,
                    19
                )
                .min(Decimal::ONE)),
            ];
            let weights = prop::collection::vec(
                prop_oneof![
                    decimal(1000, 0),
                    (1i64..=i64::MAX).prop_map(|m| Decimal::new(m, 6))
                ],
                0..6,
            );
            let modes = prop::sample::select(vec![
                RoundingMode::HalfEven,
                RoundingMode::HalfUp,
                RoundingMode::Down,
                RoundingMode::Ceiling,
            ]);
            (claim, share, weights, modes).prop_map(|(claim, share, weights, rounding)| {
                SplitInput {
                    claim: Money {
                        currency: crate::domain::currency::find("USD").unwrap(),
                        amount: claim,
                    },
                    write_off: WriteOff::Share(share),
                    programs: weights
                        .into_iter()
                        .enumerate()
                        .map(|(i, weight)| ProgramWeight {
                            name: format!("p{i}"),
                            weight: weight.max(Decimal::ONE),
                        })
                        .collect(),
                    rounding,
                }
            })
        }

        proptest! {
            /// Wherever the i128 split finishes, it gives the big-integer
            /// split's figures; where it cannot, it says so (None), never a
            /// wrong figure.
            #[test]
            fn i128_and_big_integers_agree(input in input()) {
                let big = split_in::<BigInt>(&input).unwrap();
                if let Some(native) = split_in::<i128>(&input) {
                    prop_assert_eq!(native, big.clone());
                }
                prop_assert_eq!(split_claim(&input), big);
            }
        }

        #[test]
        fn both_paths_are_taken() {
            let usd = crate::domain::currency::find("USD").unwrap();
            let at = |claim: &str, share: &str| SplitInput {
                claim: Money {
                    currency: usd,
                    amount: Decimal::from_str(claim).unwrap(),
                },
                write_off: WriteOff::Share(Decimal::from_str(share).unwrap()),
                programs: programs(&[("a", "1"), ("b", "2")]),
                rounding: RoundingMode::HalfEven,
            };
            assert!(split_in::<i128>(&at("10960000000", "0.9")).is_some());
            let huge = at(
                "792281625142643375935439503.35",
                "0.3333333333333333333333333333",
            );
            assert!(split_in::<i128>(&huge).is_none());
            assert_eq!(split_claim(&huge), split_in::<BigInt>(&huge).unwrap());
        }
    }
}
