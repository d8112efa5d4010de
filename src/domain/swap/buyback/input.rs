//! What a buyback with new financing is given: the instruments retired, the
//! new debt that pays for them, its fees, grants and the spending the debtor
//! commits to.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::timing::DiscountTiming;
use crate::domain::money::Money;
use crate::domain::schedule::LoanTerms;
use crate::domain::valuation::Discounting;

/// What kind of debt an instrument is. Both are described by loan terms;
/// the kind is echoed and decides nothing in the arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstrumentKind {
    Loan,
    Bond,
}

/// An existing instrument bought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredInstrument {
    pub label: String,
    pub kind: InstrumentKind,
    /// The original principal the terms repay (not the outstanding: that is
    /// what the schedule leaves after the instalments due on or before the
    /// buyback date).
    pub principal: Money,
    pub terms: LoanTerms,
    /// The clean buyback price as a share of par, in [0, 1]: 1 for a loan
    /// prepaid at par, 0.55 for Belize's superbond.
    pub price: Decimal,
}

/// How an upfront fee is stated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeeAmount {
    /// An amount in the operation's currency.
    Fixed(Money),
    /// A share of the new principal in [0, 1), rounded half-even to the
    /// minor unit.
    ShareOfNewPrincipal(Decimal),
}

/// A fee paid once, at the buyback date (arrangement, guarantee or
/// insurance premium, advisers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpfrontFee {
    pub label: String,
    pub amount: FeeAmount,
}

/// The new debt that finances the buyback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinancing {
    pub principal: Money,
    /// Its first payment (and any explicit accrual start) must fall after
    /// the buyback date.
    pub terms: LoanTerms,
}

/// What kind of spending a commitment is (echoed; the arithmetic is the
/// same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommitmentKind {
    /// A lump sum paid into a fund (an endowment).
    Endowment,
    /// Amounts paid year after year into a programme.
    Annual,
}

/// A conservation or development spending commitment: dated amounts, each
/// on or after the buyback date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub label: String,
    pub kind: CommitmentKind,
    pub payments: Vec<(NaiveDate, Money)>,
}

/// A buyback with new financing (the debt-for-nature swaps of Belize 2021,
/// Ecuador 2023, Gabon 2023). See [`super`] for the conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuybackInput {
    /// When the instruments are bought back and the new debt disbursed; also
    /// the valuation date.
    pub buyback_date: NaiveDate,
    pub instruments: Vec<RetiredInstrument>,
    /// `None`: the buyback is paid in cash (own resources or grants).
    pub financing: Option<NewFinancing>,
    pub fees: Vec<UpfrontFee>,
    /// Grants towards the cost (Bolivia 1988's donors): money the debtor
    /// neither pays nor repays. `None` for none.
    pub grants: Option<Money>,
    pub commitments: Vec<Commitment>,
    /// The debtor's discounting.
    pub discounting: Discounting,
    /// The investors' discounting for their view of the retired flows;
    /// `None`: the same as the debtor's.
    pub investor_discounting: Option<Discounting>,
    pub timing: DiscountTiming,
    /// The horizons, in whole years, over which the nominal savings are
    /// summed (the World Bank calculator's 1, 2, 3 and 5).
    pub horizons_years: Vec<u32>,
}

/// The horizons the World Bank Debt Swap Calculator reports.
pub const DEFAULT_HORIZONS_YEARS: [u32; 4] = [1, 2, 3, 5];

/// The longest horizon accepted, in years.
pub const MAX_HORIZON_YEARS: u32 = 100;

/// The most instruments, fees, commitments or commitment payments one
/// operation may list.
pub const MAX_ITEMS: usize = 1000;
