//! Streams of payments owed, as a restructuring compares them: a loan
//! expanded into its schedule, explicit dated flows, or an amount due now.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::present_value::{average_life, present_value, CashFlow, PresentValue};
use super::Discounting;
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::schedule::{build_schedule, LoanTerms, Schedule};

/// A stream of payments owed, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebtStream {
    /// A principal repaid under loan terms. Face value: the principal.
    Loan { principal: Money, terms: LoanTerms },
    /// Explicit dated amounts in one currency. Face value: their sum.
    CashFlows {
        currency: Currency,
        flows: Vec<CashFlow>,
    },
    /// One amount due at the valuation date. Face value: the amount.
    DueAtValuation(Money),
}

/// A stream expanded into dated flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedStream {
    pub currency: Currency,
    /// The face (nominal) value.
    pub face: Decimal,
    /// Debt service: every payment, principal and interest.
    pub flows: Vec<CashFlow>,
    /// What the average life weighs: the principal repayments of a loan, the
    /// flows themselves otherwise.
    pub principal_flows: Vec<CashFlow>,
    /// The schedule, for a loan.
    pub schedule: Option<Schedule>,
}

impl DebtStream {
    pub fn currency(&self) -> Currency {
        match self {
            Self::Loan { principal, .. } => principal.currency,
            Self::CashFlows { currency, .. } => *currency,
            Self::DueAtValuation(amount) => amount.currency,
        }
    }

    /// The dated flows of the stream; an amount due now falls on
    /// `valuation_date`.
    pub fn expand(&self, valuation_date: NaiveDate) -> Result<ExpandedStream, DomainError> {
        match self {
            Self::Loan { principal, terms } => {
                let schedule = build_schedule(principal, terms)?;
                let dated = |pick: fn(&crate::domain::schedule::Installment) -> &Money| {
                    schedule
                        .installments
                        .iter()
                        .filter(|i| !pick(i).amount.is_zero())
                        .map(|i| CashFlow {
                            date: i.due_date,
                            amount: pick(i).amount,
                        })
                        .collect::<Vec<_>>()
                };
                let flows = dated(|i| &i.payment);
                let principal_flows = dated(|i| &i.principal);
                Ok(ExpandedStream {
                    currency: principal.currency,
                    face: principal.amount,
                    flows,
                    principal_flows,
                    schedule: Some(schedule),
                })
            }
            Self::CashFlows { currency, flows } => Ok(ExpandedStream {
                currency: *currency,
                face: sum(flows.iter().map(|f| f.amount))?,
                flows: flows.clone(),
                principal_flows: flows.clone(),
                schedule: None,
            }),
            Self::DueAtValuation(amount) => {
                let flow = CashFlow {
                    date: valuation_date,
                    amount: amount.amount,
                };
                Ok(ExpandedStream {
                    currency: amount.currency,
                    face: amount.amount,
                    flows: vec![flow],
                    principal_flows: vec![flow],
                    schedule: None,
                })
            }
        }
    }
}

/// The valuation of one expanded stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamValue {
    pub face: Decimal,
    pub present_value: PresentValue,
    /// Weighted average life of the principal (see [`ExpandedStream`]).
    pub average_life_years: Decimal,
    /// The undiscounted sum of all flows.
    pub total_debt_service: Decimal,
    pub flow_count: usize,
}

/// Values an expanded stream, with `extra` flows (past-due interest) added
/// to its debt service.
pub fn value_stream(
    stream: &ExpandedStream,
    extra: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Result<StreamValue, DomainError> {
    let mut flows = stream.flows.clone();
    flows.extend_from_slice(extra);
    let present_value = present_value(&flows, valuation_date, discounting)?;
    Ok(StreamValue {
        face: stream.face,
        average_life_years: average_life(
            &stream.principal_flows,
            valuation_date,
            discounting.basis(),
        )?,
        total_debt_service: present_value.face,
        present_value,
        flow_count: flows.len(),
    })
}

fn sum(mut values: impl Iterator<Item = Decimal>) -> Result<Decimal, DomainError> {
    values.try_fold(Decimal::ZERO, |acc, v| {
        acc.checked_add(v).ok_or(DomainError::Overflow {
            quantity: "face value",
        })
    })
}
