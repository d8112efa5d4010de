//! The preset form of loan terms and of a debt stream (`PresetTerms`,
//! `PresetStream`): validation with field paths. Shared by SolveTerms
//! (`solve`) and the debt-stream parser (`debt_stream`), so neither imports
//! the other's handler module.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::Violations;
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::dates::is_month_end;
use crate::domain::schedule::{add_months, LoanTerms};
use crate::domain::solver::{all_presets, find_preset, preset_terms, TermPreset};
use crate::domain::split::principal_after_write_off;
use crate::domain::valuation::DebtStream;

/// A preset with the parameters it leaves open, resolved.
pub struct ResolvedPreset {
    pub preset: &'static TermPreset,
    pub terms: LoanTerms,
}

/// Validates `PresetTerms` at `field`; the first payment defaults to one
/// period after `valuation_date`.
pub fn preset_terms_field(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::PresetTerms>,
    valuation_date: Option<NaiveDate>,
) -> Option<ResolvedPreset> {
    let Some(value) = value else {
        v.add(field, "MISSING_FIELD", "is required");
        return None;
    };
    let preset = find_preset(&value.preset_id);
    if preset.is_none() {
        let known: Vec<_> = all_presets().iter().map(|p| p.id).collect();
        v.add(
            format!("{field}.preset_id"),
            "UNKNOWN_PRESET",
            format!(
                "{:?} is not a term preset (known: {})",
                convert::truncate(&value.preset_id),
                known.join(", ")
            ),
        );
    }
    let rate = if value.annual_rate.is_empty() {
        Some(Decimal::ZERO)
    } else {
        loan_terms::rate(v, &format!("{field}.annual_rate"), &value.annual_rate)
    };
    let first_field = format!("{field}.first_payment_date");
    let first_given = value
        .first_payment_date
        .as_ref()
        .map(|date| convert::date(v, &first_field, Some(date)));
    let (preset, rate) = (preset?, rate?);
    if let Some(first) = first_given {
        return Some(ResolvedPreset {
            preset,
            terms: preset_terms(preset, first?, rate, RoundingMode::HalfEven),
        });
    }
    // By default the schedule runs from the valuation date: interest accrues
    // from it, the first payment falls one period later, and a valuation on
    // the last day of a month keeps every due date at a month end.
    let start = valuation_date?;
    let end_of_month = is_month_end(start);
    let months = preset.frequency.months_per_period() as i64;
    let first = match add_months(start, months, end_of_month, "first payment date") {
        Ok(date) => date,
        Err(e) => {
            v.add(&first_field, "DATE_OUT_OF_RANGE", e.to_string());
            return None;
        }
    };
    let mut terms = preset_terms(preset, first, rate, RoundingMode::HalfEven);
    terms.accrual_start = Some(start);
    terms.end_of_month = end_of_month;
    Some(ResolvedPreset { preset, terms })
}

/// The preset form of a debt stream: the eligible amount less the preset's
/// cancellation, on the preset's schedule.
pub fn preset_stream(
    v: &mut Violations,
    field: &str,
    stream: &pb::PresetStream,
    valuation_date: Option<NaiveDate>,
) -> Option<DebtStream> {
    let amount_field = format!("{field}.eligible_amount");
    let eligible = convert::money(
        v,
        &amount_field,
        stream.eligible_amount.as_ref(),
        Sign::Positive,
    );
    let resolved = preset_terms_field(
        v,
        &format!("{field}.terms"),
        stream.terms.as_ref(),
        valuation_date,
    );
    let (eligible, resolved) = (eligible?, resolved?);
    match principal_after_write_off(
        eligible.amount,
        eligible.currency,
        resolved.preset.cancellation_share,
    ) {
        Ok(principal) if !principal.amount.is_zero() => Some(DebtStream::Loan {
            principal,
            terms: resolved.terms,
        }),
        Ok(_) | Err(_) => {
            v.add(
                amount_field,
                "NOTHING_LEFT",
                "the preset's cancellation leaves no principal to reschedule",
            );
            None
        }
    }
}
