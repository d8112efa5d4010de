//! The errors of domain computations. The API layer maps each variant to a
//! gRPC status in one exhaustive `match`.

use std::fmt;

/// A computation that cannot give a correct answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// An intermediate or final figure does not fit the 96-bit decimal range
    /// (about 7.9e28 in magnitude, 28 decimals). `quantity` names it.
    Overflow { quantity: &'static str },
    /// A date falls outside 0001-01-01..=9999-12-31 (a payment date far in
    /// the future, for example). `quantity` names it.
    DateOutOfRange { quantity: &'static str },
    /// Loan terms that no schedule satisfies (no instalments, too many
    /// periods, shares that do not sum to one, ...). `reason` says which.
    InvalidTerms { reason: &'static str },
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Overflow { quantity } => {
                write!(f, "{quantity} is outside the supported decimal range")
            }
            Self::DateOutOfRange { quantity } => {
                write!(f, "{quantity} is outside 0001-01-01..=9999-12-31")
            }
            Self::InvalidTerms { reason } => write!(f, "invalid loan terms: {reason}"),
        }
    }
}

impl std::error::Error for DomainError {}
