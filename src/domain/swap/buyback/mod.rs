//! Buyback with new financing (the debt-for-nature swaps of Belize 2021,
//! Ecuador 2023 and Gabon 2023; Bolivia's 1988 cash buyback): existing loans
//! and bonds are bought back below or at par, paid for with new, cheaper
//! debt (plus upfront fees) or cash, and the debtor commits to conservation
//! or development spending. The figures are those of the World Bank Debt
//! Swap Calculator (buyback cost, old and new debt service, nominal and
//! present-value savings, average time to maturity) and more.
//!
//! # Conventions
//!
//! - **Buyback date.** The day the instruments are bought and the new debt
//!   disbursed; every present value is taken there. Instalments of an
//!   instrument due on or before it are taken as paid (not retired); an
//!   instrument with nothing due after it is refused.
//! - **Cost.** Each instrument's holders receive `price x outstanding
//!   principal`, rounded half-even to the minor unit (the clean price), plus
//!   the interest accrued to the buyback date at par (the stream
//!   convention of [`crate::domain::valuation::stream`]), as bond buybacks
//!   settle. The price is a share of par in [0, 1].
//! - **Upfront outlay.** `cost + fees - new principal - grants`, at the
//!   buyback date: the debtor's own cash (negative when the new debt
//!   leaves money over). Fees stated as a share of the new principal are
//!   rounded half-even to the minor unit.
//! - **Savings.** `old debt service - new debt service - upfront outlay`,
//!   so savings are net of fees (when the new principal equals the cost,
//!   the outlay is the fees). Nominal savings are summed by operation year
//!   ([`timing`]) over years 0 to h for each horizon h and over the whole
//!   life; present-value savings discount every flow with the debtor's
//!   discounting under the chosen [`DiscountTiming`].
//! - **Debt reduction.** In face: outstanding principal retired less the
//!   new principal. In present value: PV of the retired flows less PV of
//!   the new flows.
//! - **Commitments** (endowments, annual amounts) are discounted like the
//!   debt; the net fiscal saving is the PV saving less their PV.
//! - **Average time to maturity.** `sum(t x principal) / sum(principal)`
//!   over the principal repaid after the buyback date, `t` in years of the
//!   discounting's time basis from the buyback date (dated, whatever the
//!   timing): before over the retired instruments, after over the new debt.
//! - **Investors' view.** PV of the retired flows at the investors'
//!   discounting (the debtor's unless given) against the cash they receive.
//! - **Currency.** One currency for the whole operation, that of the first
//!   instrument; anything else is refused ([`check`]).

pub mod check;
pub mod evaluate;
pub mod input;
pub mod result;
pub mod timing;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use check::{check, InputProblem};
pub use evaluate::evaluate_buyback;
pub use input::{
    BuybackInput, Commitment, CommitmentKind, FeeAmount, InstrumentKind, NewFinancing,
    RetiredInstrument, UpfrontFee, DEFAULT_HORIZONS_YEARS, MAX_HORIZON_YEARS,
};
pub use result::{
    BuybackError, BuybackEvaluation, CommitmentValue, FeePaid, HorizonSaving, InvestorView,
    RetiredValue, YearRow,
};
pub use timing::{DiscountTiming, YearGrid};
