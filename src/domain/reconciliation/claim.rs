//! A claim in its original unit, optionally broken into components.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;

use crate::domain::numerics::rational::{self, BigRational};
use num_traits::Zero;

/// The parts a claim may be broken into. The order of the variants is the
/// canonical order of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    Principal,
    ContractualInterest,
    PenaltyInterest,
    Arrears,
}

impl ComponentKind {
    pub const ALL: [Self; 4] = [
        Self::Principal,
        Self::ContractualInterest,
        Self::PenaltyInterest,
        Self::Arrears,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Principal => "principal",
            Self::ContractualInterest => "contractual interest",
            Self::PenaltyInterest => "penalty interest",
            Self::Arrears => "arrears",
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One component of a claim, in the claim's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub kind: ComponentKind,
    /// Non-negative.
    pub amount: Decimal,
}

/// A claim as the creditor states it: a unit and its components, each kind
/// at most once. A kind not listed counts as zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub unit: Currency,
    pub components: Vec<Component>,
}

impl Claim {
    /// A claim not broken into components: the whole amount is principal.
    pub fn whole(amount: &Money) -> Self {
        Self {
            unit: amount.currency,
            components: vec![Component {
                kind: ComponentKind::Principal,
                amount: amount.amount,
            }],
        }
    }

    /// The components by kind, exactly; every kind present (zero when not
    /// listed). Errors: no components, a kind listed twice, a negative
    /// amount.
    pub(crate) fn by_kind(&self) -> Result<BTreeMap<ComponentKind, BigRational>, DomainError> {
        if self.components.is_empty() {
            return Err(DomainError::InvalidValuation {
                reason: "the claim has no components",
            });
        }
        let mut map: BTreeMap<ComponentKind, BigRational> = ComponentKind::ALL
            .iter()
            .map(|&kind| (kind, BigRational::zero()))
            .collect();
        let mut seen = Vec::with_capacity(self.components.len());
        for component in &self.components {
            if seen.contains(&component.kind) {
                return Err(DomainError::InvalidValuation {
                    reason: "a claim component kind is listed twice",
                });
            }
            seen.push(component.kind);
            if component.amount.is_sign_negative() && !component.amount.is_zero() {
                return Err(DomainError::InvalidValuation {
                    reason: "claim components must not be negative",
                });
            }
            map.insert(component.kind, rational::from_decimal(component.amount));
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use std::str::FromStr;

    fn component(kind: ComponentKind, amount: &str) -> Component {
        Component {
            kind,
            amount: Decimal::from_str(amount).unwrap(),
        }
    }

    #[test]
    fn whole_claims_are_principal_and_missing_kinds_are_zero() {
        let sur = find("SUR").unwrap();
        let claim = Claim::whole(&Money {
            currency: sur,
            amount: Decimal::from(6_576_000_000i64),
        });
        let map = claim.by_kind().unwrap();
        assert_eq!(map.len(), 4);
        assert_eq!(
            map[&ComponentKind::Principal],
            rational::from_decimal(Decimal::from(6_576_000_000i64))
        );
        assert!(map[&ComponentKind::Arrears].is_zero());
    }

    #[test]
    fn rejects_empty_duplicate_and_negative() {
        let sur = find("SUR").unwrap();
        let empty = Claim {
            unit: sur,
            components: vec![],
        };
        assert!(empty.by_kind().is_err());
        let twice = Claim {
            unit: sur,
            components: vec![
                component(ComponentKind::Arrears, "1"),
                component(ComponentKind::Arrears, "2"),
            ],
        };
        assert!(twice.by_kind().is_err());
        let negative = Claim {
            unit: sur,
            components: vec![component(ComponentKind::Principal, "-1")],
        };
        assert!(negative.by_kind().is_err());
        let negative_zero = Claim {
            unit: sur,
            components: vec![component(ComponentKind::Principal, "-0.00")],
        };
        assert!(negative_zero.by_kind().is_ok());
    }
}
