//! A party's valuation method, the dimensions in which two methods differ,
//! and the value of a claim under a mix of two methods.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;

use super::claim::ComponentKind;
use super::conversion_basis::{Conversion, Redenomination};
use crate::domain::numerics::rational::{self, BigRational, RationalDecimal};
use num_traits::{One, Signed, Zero};

/// An offset or counter-claim a party deducts from its figure, in the
/// target currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offset {
    pub description: String,
    /// Non-negative, in the target currency.
    pub amount: Money,
}

/// How one party values the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyMethod {
    pub name: String,
    /// The rate, by basis or explicitly; it must involve the target currency.
    pub conversion: Conversion,
    /// A redenomination applied to the claim before the rate, or none.
    pub redenomination: Option<Redenomination>,
    /// The component kinds the party counts; the others count as zero.
    pub recognised: BTreeSet<ComponentKind>,
    /// Deducted at the end, after conversion.
    pub offsets: Vec<Offset>,
}

/// A methodological dimension in which two parties may differ. The order of
/// the variants is the canonical order of reports and of tie-breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// The conversion chain: the redenomination applied first (if any) and
    /// the rate quoted in the unit it leaves, compared by their combined
    /// effect (target units per unit of the claim). One dimension, not two:
    /// a rate is quoted in the unit its own party's redenomination leaves
    /// (RUB after rub-1998, SUR or RUR without it), so the creditor's rate
    /// applied after the debtor's redenomination would value the claim in
    /// units that exist in neither method.
    ConversionChain,
    /// Whether a component is recognised.
    Component(ComponentKind),
    /// The total of offsets and counter-claims deducted.
    Offsets,
}

impl Dimension {
    /// Every dimension, in canonical order.
    pub fn all() -> Vec<Self> {
        let mut all = vec![Self::ConversionChain];
        all.extend(ComponentKind::ALL.iter().map(|&k| Self::Component(k)));
        all.push(Self::Offsets);
        all
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConversionChain => f.write_str("conversion (redenomination and rate)"),
            Self::Component(kind) => write!(f, "recognition of {kind}"),
            Self::Offsets => f.write_str("offsets and counter-claims"),
        }
    }
}

/// A method reduced to the numbers that value a claim in `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// Target units per unit of the claim (after any redenomination).
    pub conversion: BigRational,
    /// New units per old unit; 1 without a redenomination.
    pub redenomination: BigRational,
    pub recognised: BTreeSet<ComponentKind>,
    /// The total deducted, in the target currency.
    pub offsets: BigRational,
}

impl Resolved {
    /// Validates `method` against `target` and reduces it.
    pub fn of(method: &PartyMethod, target: Currency) -> Result<Self, DomainError> {
        let (conversion, _, _) = method.conversion.rate().towards(target)?;
        let redenomination = match &method.redenomination {
            Some(r) => r.factor()?,
            None => BigRational::one(),
        };
        let mut offsets = BigRational::zero();
        for offset in &method.offsets {
            if offset.amount.currency != target {
                return Err(DomainError::InvalidValuation {
                    reason: "offsets must be in the target currency",
                });
            }
            let amount = rational::from_decimal(offset.amount.amount);
            if amount.is_negative() {
                return Err(DomainError::InvalidValuation {
                    reason: "offsets must not be negative",
                });
            }
            offsets += amount;
        }
        Ok(Self {
            conversion,
            redenomination,
            recognised: method.recognised.clone(),
            offsets,
        })
    }

    /// Whether the two methods make different choices in `dimension`.
    pub fn differs(&self, other: &Self, dimension: Dimension) -> bool {
        match dimension {
            Dimension::ConversionChain => self.chain() != other.chain(),
            Dimension::Component(kind) => {
                self.recognised.contains(&kind) != other.recognised.contains(&kind)
            }
            Dimension::Offsets => self.offsets != other.offsets,
        }
    }

    /// The dimensions in which the methods differ, in canonical order.
    pub fn differences(&self, other: &Self) -> Vec<Dimension> {
        Dimension::all()
            .into_iter()
            .filter(|&d| self.differs(other, d))
            .collect()
    }

    /// The exact value of `components` when the dimensions in `switched`
    /// take `other`'s choice and every other dimension takes `self`'s.
    pub fn value_mixed(
        &self,
        other: &Self,
        switched: &[Dimension],
        components: &BTreeMap<ComponentKind, BigRational>,
    ) -> BigRational {
        let pick = |d: Dimension| if switched.contains(&d) { other } else { self };
        let recognised = components
            .iter()
            .filter(|(&kind, _)| pick(Dimension::Component(kind)).recognised.contains(&kind))
            .fold(BigRational::zero(), |sum, (_, amount)| sum + amount);
        recognised * pick(Dimension::ConversionChain).chain() - &pick(Dimension::Offsets).offsets
    }

    /// Target units per unit of the claim: the redenomination and the rate
    /// together, always taken from the same party.
    fn chain(&self) -> BigRational {
        &self.redenomination * &self.conversion
    }

    /// The exact value of `components` under this method alone.
    #[cfg(test)]
    pub fn value(&self, components: &BTreeMap<ComponentKind, BigRational>) -> BigRational {
        self.value_mixed(self, &[], components)
    }
}

/// How `method` chooses in `dimension`, in words.
pub(crate) fn describe_choice(method: &PartyMethod, dimension: Dimension) -> String {
    match dimension {
        Dimension::ConversionChain => match &method.redenomination {
            Some(r) => format!("{} ({}), then {}", r, r.id, method.conversion),
            None => method.conversion.to_string(),
        },
        Dimension::Component(kind) => {
            if method.recognised.contains(&kind) {
                "recognised".to_owned()
            } else {
                "not recognised".to_owned()
            }
        }
        Dimension::Offsets => {
            let currency = method.offsets.first().map(|o| o.amount.currency);
            let total = method.offsets.iter().fold(BigRational::zero(), |sum, o| {
                sum + rational::from_decimal(o.amount.amount)
            });
            let (text, _) = total.to_decimal_text(28);
            match currency {
                Some(c) => format!("{text} {c} deducted"),
                None => "none".to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::reconciliation::conversion_basis::Rate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn method(rate: &str, recognised: &[ComponentKind], offset: &str) -> PartyMethod {
        let usd = find("USD").unwrap();
        PartyMethod {
            name: "p".into(),
            conversion: Conversion::Rate(Rate {
                rate: Decimal::from_str(rate).unwrap(),
                unit: find("SUR").unwrap(),
                per: usd,
            }),
            redenomination: None,
            recognised: recognised.iter().copied().collect(),
            offsets: vec![Offset {
                description: "o".into(),
                amount: Money {
                    currency: usd,
                    amount: Decimal::from_str(offset).unwrap(),
                },
            }],
        }
    }

    #[test]
    fn differences_and_mixed_values() {
        use ComponentKind::*;
        let usd = find("USD").unwrap();
        let a = Resolved::of(&method("0.6", &ComponentKind::ALL, "0"), usd).unwrap();
        let b = Resolved::of(&method("1.8", &[Principal, Arrears], "150"), usd).unwrap();
        assert_eq!(
            a.differences(&b),
            vec![
                Dimension::ConversionChain,
                Dimension::Component(ContractualInterest),
                Dimension::Component(PenaltyInterest),
                Dimension::Offsets
            ]
        );
        assert!(a.differences(&a).is_empty());
        let components: BTreeMap<ComponentKind, BigRational> = [
            (Principal, 3800),
            (ContractualInterest, 1500),
            (PenaltyInterest, 900),
            (Arrears, 376),
        ]
        .into_iter()
        .map(|(k, v)| (k, BigRational::from_integer(v.into())))
        .collect();
        assert_eq!(a.value(&components).to_string(), "10960");
        // Only the rate switched: 6576 / 1.8.
        assert_eq!(
            a.value_mixed(&b, &[Dimension::ConversionChain], &components)
                .to_string(),
            "10960/3"
        );
        assert_eq!(
            a.value_mixed(&b, &a.differences(&b), &components),
            b.value(&components)
        );
    }

    #[test]
    fn offsets_must_be_in_the_target_and_non_negative() {
        let eur = find("EUR").unwrap();
        let m = method("0.6", &ComponentKind::ALL, "1");
        assert!(Resolved::of(&m, eur).is_err());
        let usd = find("USD").unwrap();
        assert!(Resolved::of(&method("0.6", &ComponentKind::ALL, "-1"), usd).is_err());
        assert_eq!(describe_choice(&m, Dimension::Offsets), "1 USD deducted");
        assert_eq!(
            describe_choice(&m, Dimension::ConversionChain),
            "0.6 SUR per USD"
        );
    }
}
