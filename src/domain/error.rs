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
    /// An input outside the domain where a valuation is defined (a discount
    /// rate of -100% or less, a zero face value, an unsorted discount curve).
    /// `quantity` names the input, `requirement` says what it must satisfy.
    InvalidInput {
        quantity: &'static str,
        requirement: &'static str,
    },
    /// A conversion or valuation that cannot be computed as asked (a rate
    /// that does not price the target currency, an offset in another
    /// currency, fewer than two parties, ...). `reason` says which.
    InvalidValuation { reason: &'static str },
    /// The computation was stopped before it finished because its caller
    /// went away (see [`crate::domain::cancel`]).
    Cancelled,
    /// The computation was stopped before it finished because its deadline
    /// passed (see [`crate::domain::cancel`]).
    DeadlineExceeded,
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Overflow { quantity } => {
                write!(f, "{quantity} is outside the supported decimal range")
            }
            Self::DateOutOfRange { quantity } => {
                write!(
                    f,
                    "{quantity} is outside the dates 0001-01-01 to 9999-12-31"
                )
            }
            Self::InvalidTerms { reason } => write!(f, "invalid loan terms: {reason}"),
            Self::InvalidInput {
                quantity,
                requirement,
            } => write!(f, "{quantity} must be {requirement}"),
            Self::InvalidValuation { reason } => write!(f, "invalid valuation: {reason}"),
            Self::Cancelled => write!(f, "the computation was cancelled"),
            Self::DeadlineExceeded => {
                write!(f, "the deadline passed before the computation finished")
            }
        }
    }
}

impl std::error::Error for DomainError {}
