//! Debt swaps: debt cancelled in exchange for money that reaches
//! programmes in the debtor country.
//!
//! - [`development`]: debt-for-development (bilateral): the creditor
//!   cancels a face F, the debtor pays a counterpart `ratio x F` over a
//!   schedule into a fund divided among programmes; the debtor's saving,
//!   the creditor's cost, the programmes' money and the leverage.
//! - [`three_party`]: a sponsor buys face F at a secondary-market price p,
//!   the debtor redeems it at q into a local-currency fund; the sponsor's
//!   cost, the local money, the premium and the multiplier.
//! - [`buyback`]: a buyback with new financing (debt-for-nature): loans
//!   and bonds bought back below par with new debt, fees and commitments;
//!   savings by year and over horizons, present values, debt reduction,
//!   average time to maturity and the investors' view.
//! - [`local`]: amounts converted to a local currency at an agreed rate,
//!   cumulatively, so the parts add up to the converted total.
//! - [`error`]: what a swap can fail with beyond a [`DomainError`].
//!
//! Nothing here re-implements the settlement arithmetic: faces and
//! write-offs are [`crate::domain::split`], schedules
//! [`crate::domain::schedule`], present values [`crate::domain::valuation`]
//! and the division of a fund among programmes
//! [`crate::domain::reinvestment`] (a schedule of payments) or
//! [`crate::domain::split`]'s largest remainder (one amount).
//!
//! [`DomainError`]: crate::domain::error::DomainError

pub mod buyback;
pub mod development;
pub mod error;
pub mod local;
pub mod three_party;

pub use development::{
    evaluate_development, CounterpartFlow, CounterpartSchedule, DevelopmentInput,
    DevelopmentOutcome, DevelopmentValuation,
};
pub use error::SwapError;
pub use local::{convert_cumulative, LocalRate};
pub use three_party::{
    evaluate_three_party, Purchase, Redemption, ThreePartyInput, ThreePartyOutcome,
};
