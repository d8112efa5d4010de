//! The write-off and reinvestment split of a claim.

use num_bigint::BigInt;
use rust_decimal::Decimal;

use super::allocation::largest_remainder;
use super::currency::Currency;
use super::error::DomainError;
use super::money::{mantissa, scaled_integer, Money};
use super::rounding::{div_round, pow10, RoundingMode};
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

/// Splits a claim. All arithmetic is on whole minor units in big integers,
/// so nothing is truncated on the way; the only rounding is the write-off
/// given as a share, with `input.rounding`.
pub fn split_claim(input: &SplitInput) -> Result<Split, DomainError> {
    let currency = input.claim.currency;
    let claim_minor = input
        .claim
        .to_minor_units()
        .ok_or(DomainError::Overflow { quantity: "claim" })?;
    let written_off_minor = match &input.write_off {
        WriteOff::Share(share) => div_round(
            &(&claim_minor * mantissa(*share)),
            &pow10(share.scale()),
            input.rounding,
        ),
        WriteOff::Remaining(remaining) => {
            let remaining_minor = remaining.to_minor_units().ok_or(DomainError::Overflow {
                quantity: "remaining",
            })?;
            &claim_minor - remaining_minor
        }
    };
    let remaining_minor = &claim_minor - &written_off_minor;

    let weights = common_scale_integers(input.programs.iter().map(|p| p.weight));
    let weight_sum: BigInt = weights.iter().sum();
    let parts = largest_remainder(&remaining_minor, &weights);
    let allocations = input
        .programs
        .iter()
        .zip(parts.iter().zip(&weights))
        .map(|(program, (part, weight))| {
            Ok(ProgramAllocation {
                name: program.name.clone(),
                amount: Money::from_minor_units(currency, part, "allocation")?,
                share: Share::of(part, &remaining_minor)?,
                weight_share: Share::of(weight, &weight_sum)?,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;

    Ok(Split {
        claim: Money::from_minor_units(currency, &claim_minor, "claim")?,
        written_off: Money::from_minor_units(currency, &written_off_minor, "written_off")?,
        remaining: Money::from_minor_units(currency, &remaining_minor, "remaining")?,
        write_off_share: Share::of(&written_off_minor, &claim_minor)?,
        allocations,
    })
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
    let scale = values
        .clone()
        .map(|v| v.normalize().scale())
        .max()
        .unwrap_or(0);
    values
        .map(|v| scaled_integer(v, scale).expect("the common scale covers every value"))
        .collect()
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
}
