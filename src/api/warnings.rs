//! Warnings: inputs that are valid, and are used as given, but are almost
//! surely a mistake (see `debtcalc.v1.Warning`). They are computed after a
//! request has been parsed without error, from the request (for the field
//! paths) and the parsed domain values, and never change a figure.
//!
//! The checks, reusable by every RPC:
//! - [`rate_above_one`]: an interest or discount rate above 1 (100%);
//!   [`loan_terms_rates`], [`debt_stream_rates`], [`discounting_rates`]
//!   apply it to every rate of those messages.
//! - [`share_above_one`]: a share above 1 where a fraction is meant. No
//!   existing RPC needs it: every share they take (SplitClaim and SolveTerms
//!   `write_off_share`, `target_reduction`, `custom_shares`,
//!   `custom_threshold`) is refused above 1 with INVALID_ARGUMENT.
//! - [`valuation_after_last_flow`] / [`stream_after_last_flow`]: a
//!   valuation date after the last cash flow of a stream.
//! - [`basis_not_valid_on_claim_date`]: a conversion basis whose validity
//!   dates do not include the claim date. No existing RPC takes a claim
//!   date (ConvertClaim and ReconcileValuations do not), so only a request
//!   that has one (AnalyzeSettlement) can raise it.
//!
//! Which RPC raises what: BuildSchedule and AssessConcessionality, rates
//! (AssessConcessionality's valuation date is on or before the first
//! payment, so never after the last); ValueRestructuring and SolveTerms,
//! rates and the valuation date against each stream. SolveTerms' `min_rate`
//! and `max_rate` are bounds of a search (up to 10 by design), not rates,
//! and the rate of its new terms is not checked when it is the unknown.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::pb::debtcalc::v1 as pb;
use crate::domain::reconciliation::conversion_basis::ConversionBasis;
use crate::domain::schedule::dates::payment_dates;
use crate::domain::solver::{SolveInput, Unknown};
use crate::domain::valuation::{DebtStream, RestructuringInput};

/// Code of [`rate_above_one`].
pub const RATE_ABOVE_ONE: &str = "RATE_ABOVE_ONE";
/// Code of [`share_above_one`].
pub const SHARE_ABOVE_ONE: &str = "SHARE_ABOVE_ONE";
/// Code of [`valuation_after_last_flow`].
pub const VALUATION_DATE_AFTER_LAST_FLOW: &str = "VALUATION_DATE_AFTER_LAST_FLOW";
/// Code of [`basis_not_valid_on_claim_date`].
pub const CONVERSION_BASIS_NOT_VALID_ON_CLAIM_DATE: &str =
    "CONVERSION_BASIS_NOT_VALID_ON_CLAIM_DATE";

fn warning(code: &str, field: &str, message: String) -> pb::Warning {
    pb::Warning {
        code: code.to_string(),
        field: field.to_string(),
        message,
    }
}

/// `value` x 100, as a percentage to print.
fn percent_of(value: Decimal) -> Decimal {
    value
        .checked_mul(Decimal::ONE_HUNDRED)
        .unwrap_or(value)
        .normalize()
}

/// `value` / 100: the fraction a percentage stands for.
fn fraction_of(value: Decimal) -> Decimal {
    value
        .checked_div(Decimal::ONE_HUNDRED)
        .unwrap_or(value)
        .normalize()
}

/// The rate at `field` above 1: "5" meant as 5% reads as 500%.
pub fn rate_above_one(field: &str, rate: Decimal) -> Option<pb::Warning> {
    (rate > Decimal::ONE).then(|| {
        let percent = percent_of(rate);
        warning(
            RATE_ABOVE_ONE,
            field,
            format!(
                "{rate} is read as {percent}% a year: rates are fractions, so 5% is \"0.05\" \
                 (if {rate}% was meant, give \"{}\")",
                fraction_of(rate)
            ),
        )
    })
}

/// The share at `field` above 1 where a fraction is meant ("90" for 90%),
/// for a share input that accepts values above 1.
pub fn share_above_one(field: &str, share: Decimal) -> Option<pb::Warning> {
    (share > Decimal::ONE).then(|| {
        warning(
            SHARE_ABOVE_ONE,
            field,
            format!(
                "{share} is more than the whole: shares are fractions, so 90% is \"0.9\" \
                 (if {share}% was meant, give \"{}\")",
                fraction_of(share)
            ),
        )
    })
}

/// The valuation date (at `field`) after `last_flow`, the last cash flow of
/// the stream at `stream_field`: every flow then counts as due at the
/// valuation date, at face, and nothing is discounted.
pub fn valuation_after_last_flow(
    field: &str,
    valuation_date: NaiveDate,
    stream_field: &str,
    last_flow: NaiveDate,
) -> Option<pb::Warning> {
    (valuation_date > last_flow).then(|| {
        warning(
            VALUATION_DATE_AFTER_LAST_FLOW,
            field,
            format!(
                "{valuation_date} is after the last cash flow of {stream_field} ({last_flow}): \
                 every flow of it counts as past due at face and nothing is discounted; \
                 unless all of it is meant to be in arrears, the valuation date or the \
                 stream's dates are wrong"
            ),
        )
    })
}

/// The date of the last cash flow of a stream: the last flow of a list, the
/// last due date of a loan (`None` for an amount due at the valuation date,
/// or terms without a schedule, which parsing refuses anyway).
pub fn last_flow_date(stream: &DebtStream) -> Option<NaiveDate> {
    match stream {
        DebtStream::CashFlows { flows, .. } => flows.iter().map(|f| f.date).max(),
        DebtStream::Loan { terms, .. } => payment_dates(terms).ok()?.last().copied(),
        DebtStream::DueAtValuation(_) => None,
    }
}

/// [`valuation_after_last_flow`] for a parsed stream.
pub fn stream_after_last_flow(
    out: &mut Vec<pb::Warning>,
    field: &str,
    valuation_date: NaiveDate,
    stream_field: &str,
    stream: &DebtStream,
) {
    if let Some(last) = last_flow_date(stream) {
        out.extend(valuation_after_last_flow(
            field,
            valuation_date,
            stream_field,
            last,
        ));
    }
}

/// The conversion basis (at `field`) whose validity dates do not include
/// `claim_date` (an undated side is open).
pub fn basis_not_valid_on_claim_date(
    field: &str,
    basis: &ConversionBasis,
    claim_date: NaiveDate,
) -> Option<pb::Warning> {
    let before = basis.valid_from.is_some_and(|from| claim_date < from);
    let after = basis.valid_to.is_some_and(|to| claim_date > to);
    (before || after).then(|| {
        let show = |d: Option<NaiveDate>| d.map_or("open".to_string(), |d| d.to_string());
        warning(
            CONVERSION_BASIS_NOT_VALID_ON_CLAIM_DATE,
            field,
            format!(
                "the basis {:?} is valid from {} to {}, which does not include the claim \
                 date {claim_date}: a rate of another date converts the claim",
                basis.id,
                show(basis.valid_from),
                show(basis.valid_to)
            ),
        )
    })
}

/// A rate text that parsing accepted; empty (the default 0) gives nothing.
fn rate_text(out: &mut Vec<pb::Warning>, field: &str, text: &str) {
    if let Ok(rate) = Decimal::from_str(text) {
        out.extend(rate_above_one(field, rate));
    }
}

/// The rates of `LoanTerms` at `field`: `annual_rate`, each rate step's,
/// and a floating rate's fixings and margin.
pub fn loan_terms_rates(out: &mut Vec<pb::Warning>, field: &str, terms: Option<&pb::LoanTerms>) {
    let Some(terms) = terms else { return };
    rate_text(out, &format!("{field}.annual_rate"), &terms.annual_rate);
    for (i, step) in terms.rate_steps.iter().enumerate() {
        rate_text(
            out,
            &format!("{field}.rate_steps[{i}].annual_rate"),
            &step.annual_rate,
        );
    }
    if let Some(floating) = &terms.floating_rate {
        let at = format!("{field}.floating_rate");
        for (i, fixing) in floating.fixings.iter().enumerate() {
            rate_text(out, &format!("{at}.fixings[{i}].rate"), &fixing.rate);
        }
        rate_text(out, &format!("{at}.margin"), &floating.margin);
    }
}

/// The rates of a `DebtStream` at `field` (a loan's terms, a preset's rate).
pub fn debt_stream_rates(out: &mut Vec<pb::Warning>, field: &str, stream: Option<&pb::DebtStream>) {
    use pb::debt_stream::Stream;
    match stream.and_then(|s| s.stream.as_ref()) {
        Some(Stream::Loan(loan)) => {
            loan_terms_rates(out, &format!("{field}.loan.terms"), loan.terms.as_ref())
        }
        Some(Stream::Preset(preset)) => {
            if let Some(terms) = &preset.terms {
                rate_text(
                    out,
                    &format!("{field}.preset.terms.annual_rate"),
                    &terms.annual_rate,
                );
            }
        }
        Some(Stream::CashFlows(_) | Stream::DueAtValuation(_)) | None => {}
    }
}

/// The rates of a `Discounting` at `field`: the flat rate or each zero rate.
pub fn discounting_rates(out: &mut Vec<pb::Warning>, field: &str, value: Option<&pb::Discounting>) {
    use pb::discounting::Rate;
    match value.and_then(|d| d.rate.as_ref()) {
        Some(Rate::FlatRate(text)) => rate_text(out, &format!("{field}.flat_rate"), text),
        Some(Rate::Curve(curve)) => {
            for (i, point) in curve.points.iter().enumerate() {
                rate_text(
                    out,
                    &format!("{field}.curve.points[{i}].zero_rate"),
                    &point.zero_rate,
                );
            }
        }
        None => {}
    }
}

/// The warnings of a BuildSchedule request that parsed.
pub fn build_schedule(request: &pb::BuildScheduleRequest) -> Vec<pb::Warning> {
    let mut out = Vec::new();
    loan_terms_rates(&mut out, "terms", request.terms.as_ref());
    out
}

/// The warnings of an AssessConcessionality request that parsed.
pub fn assess_concessionality(request: &pb::AssessConcessionalityRequest) -> Vec<pb::Warning> {
    let mut out = Vec::new();
    loan_terms_rates(&mut out, "terms", request.terms.as_ref());
    if let Some(years) = &request.terms_in_years {
        rate_text(&mut out, "terms_in_years.annual_rate", &years.annual_rate);
    }
    rate_text(
        &mut out,
        "custom_discount_rate",
        &request.custom_discount_rate,
    );
    out
}

/// The warnings of a ValueRestructuring request that parsed into `input`.
pub fn value_restructuring(
    request: &pb::ValueRestructuringRequest,
    input: &RestructuringInput,
) -> Vec<pb::Warning> {
    let mut out = Vec::new();
    debt_stream_rates(&mut out, "old_claim", request.old_claim.as_ref());
    debt_stream_rates(&mut out, "new_debt", request.new_debt.as_ref());
    discounting_rates(&mut out, "discounting", request.discounting.as_ref());
    let date = input.valuation_date;
    stream_after_last_flow(
        &mut out,
        "valuation_date",
        date,
        "old_claim",
        &input.old_claim,
    );
    stream_after_last_flow(
        &mut out,
        "valuation_date",
        date,
        "new_debt",
        &input.new_debt,
    );
    out
}

/// The warnings of a SolveTerms request that parsed into `input` (the new
/// terms' dates do not depend on the unknown).
pub fn solve_terms(request: &pb::SolveTermsRequest, input: &SolveInput) -> Vec<pb::Warning> {
    use pb::solve_terms_request::NewTerms;
    let mut out = Vec::new();
    debt_stream_rates(&mut out, "old_claim", request.old_claim.as_ref());
    discounting_rates(&mut out, "discounting", request.discounting.as_ref());
    if input.unknown != Unknown::InterestRate {
        match &request.new_terms {
            Some(NewTerms::Terms(terms)) => loan_terms_rates(&mut out, "terms", Some(terms)),
            Some(NewTerms::Preset(preset)) => {
                rate_text(&mut out, "preset.annual_rate", &preset.annual_rate)
            }
            None => {}
        }
    }
    let date = input.valuation_date;
    stream_after_last_flow(
        &mut out,
        "valuation_date",
        date,
        "old_claim",
        &input.old_claim,
    );
    let new_field = match &request.new_terms {
        Some(NewTerms::Preset(_)) => "preset",
        _ => "terms",
    };
    if let Some(last) = payment_dates(&input.new_terms)
        .ok()
        .and_then(|d| d.last().copied())
    {
        out.extend(valuation_after_last_flow(
            "valuation_date",
            date,
            new_field,
            last,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn rates_and_shares_above_one() {
        let w = rate_above_one("discounting.flat_rate", d("5")).unwrap();
        assert_eq!(w.code, "RATE_ABOVE_ONE");
        assert_eq!(w.field, "discounting.flat_rate");
        assert!(w.message.contains("500%"), "{}", w.message);
        assert!(w.message.contains("\"0.05\""), "{}", w.message);
        let w = rate_above_one("r", d("1.50")).unwrap();
        assert!(
            w.message.starts_with("1.50 is read as 150% a year"),
            "{}",
            w.message
        );
        assert!(w.message.contains("\"0.015\""), "{}", w.message);
        assert_eq!(rate_above_one("r", d("1")), None);
        assert_eq!(rate_above_one("r", d("0.05")), None);
        assert_eq!(rate_above_one("r", d("-0.5")), None);
        let s = share_above_one("write_off_share", d("90")).unwrap();
        assert_eq!(s.code, "SHARE_ABOVE_ONE");
        assert!(s.message.contains("\"0.9\""), "{}", s.message);
        assert_eq!(share_above_one("s", d("1")), None);
        assert_eq!(share_above_one("s", d("0.9")), None);
    }

    #[test]
    fn valuation_date_against_the_last_flow() {
        let w = valuation_after_last_flow(
            "valuation_date",
            date(2030, 1, 1),
            "new_debt",
            date(2029, 12, 31),
        )
        .unwrap();
        assert_eq!(w.code, "VALUATION_DATE_AFTER_LAST_FLOW");
        assert!(w.message.contains("2029-12-31"));
        // On the last flow's date: due at the valuation date, no warning.
        assert_eq!(
            valuation_after_last_flow("v", date(2030, 1, 1), "s", date(2030, 1, 1)),
            None
        );
    }

    #[test]
    fn conversion_basis_validity() {
        use crate::domain::currency::find;
        use crate::domain::reconciliation::conversion_basis::Rate;
        let mut basis = ConversionBasis {
            id: "gosbank-settlement-rate".into(),
            rate: Rate {
                rate: d("0.6"),
                unit: find("SUR").unwrap(),
                per: find("USD").unwrap(),
            },
            valid_from: None,
            valid_to: None,
            source: "test".into(),
            weak: false,
        };
        basis.valid_from = Some(date(1990, 11, 1));
        basis.valid_to = Some(date(1990, 12, 31));
        let inside = date(1990, 11, 30);
        assert_eq!(basis_not_valid_on_claim_date("b", &basis, inside), None);
        let w =
            basis_not_valid_on_claim_date("conversion.basis_id", &basis, date(2014, 5, 5)).unwrap();
        assert_eq!(w.code, "CONVERSION_BASIS_NOT_VALID_ON_CLAIM_DATE");
        assert!(w.message.contains("1990-11-01") && w.message.contains("2014-05-05"));
        assert!(basis_not_valid_on_claim_date("b", &basis, date(1990, 10, 31)).is_some());
        // Undated sides are open.
        basis.valid_from = None;
        basis.valid_to = None;
        assert_eq!(
            basis_not_valid_on_claim_date("b", &basis, date(2014, 5, 5)),
            None
        );
        basis.valid_to = Some(date(1990, 12, 31));
        assert!(basis_not_valid_on_claim_date("b", &basis, date(1991, 1, 1)).is_some());
        assert_eq!(
            basis_not_valid_on_claim_date("b", &basis, date(1900, 1, 1)),
            None
        );
    }
}
