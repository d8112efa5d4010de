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
//!   integers (`BigRational`, see [`crate::domain::numerics::rational`]); a value is rounded once, to the minor
//!   unit of its currency, with the caller's [`RoundingMode`]. Steps show the
//!   unrounded values as fractions and as decimal text (exact when the
//!   expansion ends within 20 decimals, otherwise rounded half-even there and
//!   marked inexact).
//! - **Party value.** `V = (sum of the recognised components, in the claim's
//!   unit) / redenomination factor, converted at the party's rate, - offsets`,
//!   kept exactly (`value_exact`, a fraction) and rounded once to the
//!   target's minor unit (`value`, the figure as reported).
//! - **Exact figures, rounded money gap.** Only the money gap uses the
//!   rounded figures: `amount = creditor's value - party's value`, the gap
//!   between the figures as reported. Everything else is computed from the
//!   EXACT figures and rounded (once) only when shown: the ratio
//!   `creditor / party` (as a fraction and as a decimal) and its natural
//!   logarithm, each party's implied rate (`claim total / value_exact`: a
//!   party converting the whole claim at 0.6 gets 0.6 back exactly), the
//!   Shapley attribution and the settlement candidates. Rounding first would
//!   distort small figures: 1,000,000 SUR at 46,666,666.7 SUR per USD is
//!   0.0214285714... USD, shown as 0.02; its ratio to 1,666,666.67 (the same
//!   claim at 0.6) is 77,777,777.8333... exactly, not 83,333,333.5.
//! - **Attribution.** Shapley values over the dimensions in which the two
//!   methods differ (conversion, redenomination, each component's
//!   recognition, offsets), with `v(S)` = the EXACT value (a fraction) when
//!   the dimensions in `S` take the other party's choice and the rest the
//!   creditor's. In money: the exact Shapley values (`amount_exact`) add up
//!   exactly to the EXACT gap `creditor's value_exact - party's value_exact`;
//!   rounded to minor units by the signed largest-remainder method targeting
//!   the ROUNDED gap, the contributions (`amount`) add up exactly to the
//!   money gap `amount`. In logarithms: Shapley values of `ln v` (exact `v`,
//!   every `v(S) > 0` required), as contributions to the log ratio of the
//!   exact figures and as shares of it that add up to exactly 1. When there
//!   is no gap (the methods agree in every dimension that changes the
//!   figure) there is no attribution and `log_unavailable` says so ("no gap:
//!   the figures are equal"); when the methods differ but the exact figures
//!   are equal, the contributions are given (they add up to zero) and the
//!   log shares are not. See [`attribution`].
//! - **Settlement candidates.** Each party's figure, the arithmetic midpoint
//!   `(a + b) / 2` and the geometric midpoint `sqrt(a x b)` of the EXACT
//!   figures `a`, `b`, each rounded once (the square root exactly, from
//!   integer square roots). The write-off share is `1 - candidate /
//!   creditor` with the candidate as reported (rounded) and the creditor's
//!   EXACT figure: what share of the creditor's valuation settling at that
//!   amount gives up (0 for the creditor's own figure when it is a whole
//!   number of minor units, as in the DPRK case). See [`settlement`].
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
pub mod exact_value;
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
pub use exact_value::ExactValue;
pub use party_method::{Dimension, Offset, PartyMethod};
pub use reconcile::{reconcile, Contribution, Gap, PartyValuation, Reconciliation};
pub use reference_data::{ReferenceData, ReferenceDataError};
pub use settlement::{CandidateKind, SettlementCandidate};
