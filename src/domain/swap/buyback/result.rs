//! What the evaluation of a buyback gives. Amounts of money are exact in the
//! currency's minor unit unless said otherwise; present values are at full
//! precision (see [`super::timing`] for their bound) and rounded only when
//! rendered.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::check::InputProblem;
use super::input::{CommitmentKind, InstrumentKind};
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;

/// One instrument bought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredValue {
    pub label: String,
    pub kind: InstrumentKind,
    pub price: Decimal,
    /// Principal outstanding after the instalments due on or before the
    /// buyback date (which are taken as paid).
    pub outstanding_principal: Decimal,
    /// Interest accrued from the start of the running period to the
    /// buyback date, paid at par on top of the price.
    pub accrued_interest: Decimal,
    /// `price x outstanding`, rounded half-even to the minor unit.
    pub clean_cost: Decimal,
    /// `clean_cost + accrued_interest`: what the holders receive.
    pub cash_paid: Decimal,
    /// `outstanding - clean_cost`: the discount captured on the face.
    pub discount_captured: Decimal,
    /// Debt service due after the buyback date, undiscounted.
    pub debt_service: Decimal,
    /// Its present value at the debtor's discounting.
    pub present_value: Decimal,
    /// Its present value at the investors' discounting.
    pub investor_present_value: Decimal,
    /// Weighted average time to maturity of its principal, in years.
    pub average_time_to_maturity_years: Decimal,
}

/// A fee as paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeePaid {
    pub label: String,
    pub amount: Decimal,
}

/// One operation year (see [`super::timing`]): year 0 is the buyback date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRow {
    pub year: u32,
    /// The last day of the year (the buyback date for year 0).
    pub end_date: NaiveDate,
    /// Debt service of the retired instruments falling in the year.
    pub old_debt_service: Decimal,
    /// Debt service of the new financing falling in the year.
    pub new_debt_service: Decimal,
    /// The debtor's own cash at the buyback date (year 0 only):
    /// `cost + fees - new principal - grants`, negative when money is left.
    pub upfront_outlay: Decimal,
    /// `old - new - upfront`.
    pub saving: Decimal,
    /// Commitment payments falling in the year.
    pub commitments: Decimal,
    /// `saving - commitments`.
    pub net_saving: Decimal,
    /// Savings of years 0 to this one.
    pub cumulative_saving: Decimal,
    /// Net savings of years 0 to this one.
    pub cumulative_net_saving: Decimal,
    /// The discount factor of the year under a year timing.
    pub discount_factor: Option<Decimal>,
}

/// Nominal savings from the buyback date through the end of a horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HorizonSaving {
    pub years: u32,
    /// Savings net of fees over years 0 to `years`.
    pub saving: Decimal,
    /// The same after commitments.
    pub net_saving: Decimal,
}

/// One commitment's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentValue {
    pub label: String,
    pub kind: CommitmentKind,
    pub nominal: Decimal,
    pub present_value: Decimal,
}

/// How the investors fare: what their retired flows were worth to them
/// against the cash they received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestorView {
    /// Present value of the retired flows at the investors' discounting.
    pub retired_present_value: Decimal,
    /// The cash paid to them (`cost`).
    pub cash_received: Decimal,
    /// `cash_received - retired_present_value`: positive, they gained.
    pub gain: Decimal,
    /// `cash_received / retired_present_value`, 28 decimals; `None` when
    /// the present value is zero.
    pub cash_per_unit_value: Option<Decimal>,
}

/// The evaluation of a buyback with new financing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuybackEvaluation {
    pub currency: Currency,
    pub instruments: Vec<RetiredValue>,
    /// Outstanding principal retired (sum over the instruments).
    pub retired_face: Decimal,
    /// Accrued interest paid (sum).
    pub accrued_interest: Decimal,
    /// The buyback cost: cash paid to the holders (sum).
    pub buyback_cost: Decimal,
    /// `buyback_cost - accrued_interest` over `retired_face`: the average
    /// clean price, 28 decimals.
    pub average_price: Decimal,
    pub fees: Vec<FeePaid>,
    pub total_fees: Decimal,
    /// Zero without new financing.
    pub new_principal: Decimal,
    pub grants: Decimal,
    /// `cost + fees - new principal - grants`.
    pub upfront_outlay: Decimal,
    pub years: Vec<YearRow>,
    pub horizons: Vec<HorizonSaving>,
    pub old_debt_service: Decimal,
    pub new_debt_service: Decimal,
    /// Whole life: `old - new - upfront`.
    pub nominal_saving: Decimal,
    pub old_present_value: Decimal,
    pub new_present_value: Decimal,
    /// `old PV - new PV - upfront outlay`.
    pub present_value_saving: Decimal,
    /// `retired_face - new_principal`.
    pub face_reduction: Decimal,
    /// `old PV - new PV`.
    pub present_value_reduction: Decimal,
    pub commitments: Vec<CommitmentValue>,
    pub commitments_nominal: Decimal,
    pub commitments_present_value: Decimal,
    /// `nominal_saving - commitments_nominal`.
    pub net_nominal_saving: Decimal,
    /// `present_value_saving - commitments_present_value`: the net fiscal
    /// saving.
    pub net_fiscal_saving: Decimal,
    /// Of the retired principal, in years from the buyback date.
    pub average_time_to_maturity_before_years: Decimal,
    /// Of the new principal (0 without new financing).
    pub average_time_to_maturity_after_years: Decimal,
    pub investor: InvestorView,
}

/// Why a buyback could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuybackError {
    /// Input that fails [`super::check::check`], or an instrument with
    /// nothing left to buy back.
    Invalid(Vec<InputProblem>),
    /// A computation that failed, and the path of the input it failed on.
    Domain { error: DomainError, path: String },
}
