//! The errors of swap computations: a [`DomainError`] of the code a swap
//! reuses, or a swap's own inconsistency, which the API layer names by the
//! request field it stems from.

use std::fmt;

use crate::domain::error::DomainError;
use crate::domain::money::Money;

/// Why a swap cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwapError {
    /// An error of the schedule, split, valuation or reinvestment code.
    Domain(DomainError),
    /// The face cancelled rounds to zero: nothing is cancelled.
    NothingCancelled,
    /// Counterpart instalments given as amounts do not add up to the
    /// counterpart (ratio x face cancelled).
    CounterpartDoesNotAddUp { given: Money, counterpart: Money },
    /// The redemption amount is below the sponsor's cost (both derived
    /// from what was given).
    RedemptionBelowPurchase { redemption: Money, cost: Money },
}

impl From<DomainError> for SwapError {
    fn from(error: DomainError) -> Self {
        Self::Domain(error)
    }
}

impl fmt::Display for SwapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(error) => error.fmt(f),
            Self::NothingCancelled => write!(f, "the face cancelled rounds to zero"),
            Self::CounterpartDoesNotAddUp { given, counterpart } => write!(
                f,
                "the instalments add up to {given}, not to the counterpart {counterpart} \
                 (conversion ratio x face cancelled)"
            ),
            Self::RedemptionBelowPurchase { redemption, cost } => write!(
                f,
                "the redemption amount {redemption} is below the sponsor's cost {cost}"
            ),
        }
    }
}

impl std::error::Error for SwapError {}
