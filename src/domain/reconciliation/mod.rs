//! Valuation reconciliation: the same legacy claim valued by each party with
//! its own method, the gap between the figures, how much of the gap each
//! methodological difference explains, and settlement candidates.
//!
//! Conventions (each one changes an answer, so each is fixed here):
//!
//! - **Quoting.** A rate is "`rate` units of `unit` per one `per`" (the
//!   Gosbank rate is 0.6 SUR per USD). Converting into `per` divides by the
//!   rate; converting into `unit` multiplies (2.34 DEM per XTR takes XTR to
//!   DEM by multiplying). A redenomination is "`old_per_new` old units per new
//!   unit" (1000 RUR per RUB) and divides.
//! - **Exactness.** Every intermediate value is an exact fraction of big
//!   integers ([`fraction::Fraction`]); a value is rounded once, to the minor
//!   unit of its currency, with the caller's [`RoundingMode`]. Steps show the
//!   unrounded values as fractions and as decimal text (exact when the
//!   expansion ends within 20 decimals, otherwise rounded half-even there and
//!   marked inexact).
//! - **Party value.** `V = (sum of the recognised components, in the claim's
//!   unit) / redenomination factor, converted at the party's rate, - offsets`,
//!   rounded to the target's minor unit at the end only.
//! - **Gap.** Between the first party (the creditor) and each other party:
//!   `creditor - party` as money, `creditor / party` as a ratio and its natural
//!   logarithm, all computed from the rounded figures.
//! - **Attribution.** Shapley values over the dimensions in which the two
//!   methods differ (conversion, redenomination, each component's
//!   recognition, offsets), with `v(S)` = the rounded value when the
//!   dimensions in `S` take the other party's choice and the rest the
//!   creditor's. In money: exact Shapley values of `v`, rounded to minor units
//!   by the largest-remainder method so that they add up to the gap exactly.
//!   In logarithms: Shapley values of `ln v`, as contributions to the log ratio
//!   and as shares of it that add up to exactly 1. See [`attribution`].
//! - **Settlement candidates.** Each party's figure, the arithmetic midpoint
//!   and the geometric midpoint `sqrt(creditor x party)` (exact integer square
//!   root, rounded once), each with the write-off share `1 - candidate /
//!   creditor`.
//!
//! Reference data (conversion bases and redenominations with their sources)
//! ships in `data/conversion-bases.json`; see [`reference_data`].
//!
//! [`RoundingMode`]: crate::domain::rounding::RoundingMode

pub mod apportion;
pub mod attribution;
pub mod claim;
pub mod conversion_basis;
pub mod convert;
pub mod fraction;
pub mod logarithm;
pub mod party_method;
pub mod reconcile;
pub mod reference_data;
pub mod settlement;
pub mod shapley;
pub mod units;

#[cfg(test)]
mod proptests;

pub use claim::{Claim, Component, ComponentKind};
pub use conversion_basis::{Conversion, ConversionBasis, Rate, Redenomination};
pub use convert::{convert, ConversionResult, ConversionStep, StepKind};
pub use fraction::{ExactValue, Fraction};
pub use party_method::{Dimension, Offset, PartyMethod};
pub use reconcile::{reconcile, Contribution, Gap, PartyValuation, Reconciliation};
pub use reference_data::{ReferenceData, ReferenceDataError};
pub use settlement::{CandidateKind, SettlementCandidate};
