//! The valuation of a restructuring: the old claim against the new debt.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::grant_element::grant_element;
use super::haircut::{haircuts, Haircuts};
use super::present_value::CashFlow;
use super::stream::{value_stream, DebtStream, ExpandedStream, FaceComponents, StreamValue};
use super::Discounting;
use crate::domain::error::DomainError;

/// What is compared. The API layer guarantees one currency throughout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestructuringInput {
    pub old_claim: DebtStream,
    /// Interest past due on the old claim, counted as due at the valuation
    /// date (zero when none).
    pub past_due_interest: Decimal,
    pub new_debt: DebtStream,
    pub valuation_date: NaiveDate,
    pub discounting: Discounting,
}

/// Both streams valued, and the measures of what the creditor gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestructuringValuation {
    pub old_stream: ExpandedStream,
    pub new_stream: ExpandedStream,
    /// The old claim's value, past-due interest included in its present value.
    pub old_value: StreamValue,
    pub new_value: StreamValue,
    /// The old claim's face: its stream's face with the past-due interest
    /// given besides it.
    pub old_face: FaceComponents,
    pub haircuts: Haircuts,
    /// Grant element of the new debt at the valuation's own discounting
    /// (not a concessionality convention's rate): (face - PV) / face.
    pub grant_element: Decimal,
}

/// Values the old claim and the new debt at the same discounting.
pub fn value_restructuring(
    input: &RestructuringInput,
) -> Result<RestructuringValuation, DomainError> {
    let old_stream = input.old_claim.expand(input.valuation_date)?;
    let new_stream = input.new_debt.expand(input.valuation_date)?;
    let past_due: Vec<CashFlow> = if input.past_due_interest.is_zero() {
        Vec::new()
    } else {
        vec![CashFlow {
            date: input.valuation_date,
            amount: input.past_due_interest,
        }]
    };
    let old_value = value_stream(
        &old_stream,
        &past_due,
        input.valuation_date,
        &input.discounting,
    )?;
    let new_value = value_stream(&new_stream, &[], input.valuation_date, &input.discounting)?;
    let haircuts = haircuts(
        old_value.face,
        old_value.present_value.value,
        new_value.face,
        new_value.present_value.value,
        input.past_due_interest,
    )?;
    let grant_element = grant_element(new_value.face, new_value.present_value.value)?;
    let old_face = old_stream
        .face_components
        .with_past_due_interest(input.past_due_interest)?;
    Ok(RestructuringValuation {
        old_face,
        old_stream,
        new_stream,
        old_value,
        new_value,
        haircuts,
        grant_element,
    })
}
