//! SweepValuation: validation of the grid with field paths, the mapping of
//! a failing cell to the fields it stems from, and the rendering of the
//! matrix (each figure rendered as ValueRestructuring renders it).

use rust_decimal::Decimal;

use super::convert;
use super::debt_stream::{debt_stream_with, past_due_interest};
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use super::provenance::Provenance;
use super::valuation;
use super::warnings;
use crate::domain::money::round_to_minor_units;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::MAX_PERIODS;
use crate::domain::solver::WriteOffBase;
use crate::domain::valuation::{
    sweep_valuation, Sweep, SweepError, SweepInput, SweepPoint, MAX_GRID_SIDE,
};

/// How the work is shared across the grid (echoed; see
/// [`crate::domain::valuation::sweep`]).
pub const WORK_SHARING: &str =
    "ONE_SCHEDULE_PER_WRITE_OFF_SHARE_ONE_SET_OF_DISCOUNT_FACTORS_PER_RATE";

/// Validates one axis of the grid: 1 to [`MAX_GRID_SIDE`] values at
/// `field[i]`, each parsed by `parse`.
fn axis(
    v: &mut Violations,
    field: &str,
    values: &[String],
    parse: impl Fn(&mut Violations, &str, &str) -> Option<Decimal>,
) -> Option<Vec<Decimal>> {
    if values.is_empty() {
        v.add(field, "MISSING_FIELD", "is required: 1 to 100 values");
        return None;
    }
    if values.len() > MAX_GRID_SIDE {
        v.add(
            field,
            "GRID_TOO_LARGE",
            format!("at most {MAX_GRID_SIDE} values, got {}", values.len()),
        );
        return None;
    }
    let parsed: Vec<Option<Decimal>> = values
        .iter()
        .enumerate()
        .map(|(i, text)| parse(v, &format!("{field}[{i}]"), text))
        .collect();
    parsed.into_iter().collect()
}

fn share(v: &mut Violations, field: &str, text: &str) -> Option<Decimal> {
    let share = convert::decimal(v, field, text)?;
    if share < Decimal::ZERO || share >= Decimal::ONE {
        v.add(
            field,
            "OUT_OF_INTERVAL",
            format!("must be in [0, 1), got {share}"),
        );
        return None;
    }
    Some(share)
}

/// Validates `installment_counts`: each at least 1 and within the period
/// cap with the new terms' grace, at most [`MAX_GRID_SIDE`] rows with the
/// shares.
fn installment_counts(
    v: &mut Violations,
    request: &pb::SweepValuationRequest,
    terms: Option<&crate::domain::schedule::LoanTerms>,
    shares: Option<&Vec<Decimal>>,
) -> Option<Vec<u32>> {
    let counts = &request.installment_counts;
    let rows = request.write_off_shares.len() * counts.len().max(1);
    if counts.len() > 1 && rows > MAX_GRID_SIDE && shares.is_some() {
        v.add(
            "installment_counts",
            "GRID_TOO_LARGE",
            format!(
                "write_off_shares x installment_counts is {} x {} = {rows} rows; at most {MAX_GRID_SIDE}",
                request.write_off_shares.len(),
                counts.len()
            ),
        );
        return None;
    }
    let grace = terms.map_or(0, |t| t.grace_periods);
    let mut valid = true;
    for (k, count) in counts.iter().enumerate() {
        if *count == 0 || u64::from(*count) + u64::from(grace) > u64::from(MAX_PERIODS) {
            v.add(
                format!("installment_counts[{k}]"),
                "OUT_OF_INTERVAL",
                format!(
                    "must be 1 to {} (1,200 periods with {grace} of grace), got {count}",
                    MAX_PERIODS.saturating_sub(grace)
                ),
            );
            valid = false;
        }
    }
    valid.then(|| counts.clone())
}

/// Validates a SweepValuation request.
pub fn parse_sweep(request: &pb::SweepValuationRequest) -> Result<SweepInput, ApiError> {
    let mut v = Violations::new();
    let valuation_date = convert::date(&mut v, "valuation_date", request.valuation_date.as_ref());
    let old = debt_stream_with(
        &mut v,
        "old_claim",
        request.old_claim.as_ref(),
        valuation_date,
    );
    let past_due = past_due_interest(&mut v, request.past_due_interest.as_ref(), old.as_ref());
    let new_terms = loan_terms::parse(&mut v, "new_terms", request.new_terms.as_ref());
    let shares = axis(&mut v, "write_off_shares", &request.write_off_shares, share);
    let rates = axis(
        &mut v,
        "discount_rates",
        &request.discount_rates,
        loan_terms::rate,
    );
    let compounding = valuation::compounding_at(
        &mut v,
        "compounding",
        "compounding_frequency",
        request.compounding,
        request.compounding_frequency,
    );
    let basis = valuation::time_basis(&mut v, "time_basis", request.time_basis);
    let counts = installment_counts(&mut v, request, new_terms.as_ref(), shares.as_ref());
    v.finish(|| {
        Some(SweepInput {
            old_claim: old?.stream,
            past_due_interest: past_due?,
            valuation_date: valuation_date?,
            new_terms: new_terms?,
            write_off_shares: shares?,
            installment_counts: counts?,
            rates: rates?,
            compounding: compounding?,
            basis: basis?,
        })
    })
}

/// Maps a failure to the fields it stems from: the old claim's to the
/// old claim (as ValueRestructuring does), a row's to its share (and
/// instalment count) and the new terms, a column's to its rate and the old
/// claim, a cell's to its row's fields and rate.
pub fn sweep_error(error: SweepError, input: &SweepInput) -> ApiError {
    // Row r is share r / counts, count r % counts.
    let counts = input.installment_counts.len();
    let row = |r: usize| -> Vec<String> {
        match (r.checked_div(counts), r.checked_rem(counts)) {
            (Some(share), Some(count)) => vec![
                format!("write_off_shares[{share}]"),
                format!("installment_counts[{count}]"),
            ],
            _ => vec![format!("write_off_shares[{r}]")],
        }
    };
    let fields: Vec<String> = match error.at {
        SweepPoint::OldClaim => return valuation::valuation_error(error.error),
        SweepPoint::Share(r) => {
            let mut fields = row(r);
            fields.push("new_terms".into());
            fields
        }
        SweepPoint::Rate(j) => vec![format!("discount_rates[{j}]"), "old_claim".into()],
        SweepPoint::Cell { share, rate } => {
            let mut fields = row(share);
            fields.push(format!("discount_rates[{rate}]"));
            fields
        }
    };
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    ApiError::from_domain(error.error, &fields)
}

/// Renders the grid.
pub fn render_sweep(
    input: &SweepInput,
    sweep: &Sweep,
    provenance: &Provenance,
) -> Result<pb::SweepValuationResponse, ApiError> {
    let currency = input.old_claim.currency();
    let money = |value: Decimal, quantity: &'static str| -> Result<pb::Money, ApiError> {
        round_to_minor_units(currency, value, RoundingMode::HalfEven, quantity)
            .map(|m| convert::money_to_pb(&m))
            .map_err(valuation::valuation_error)
    };
    let rates = input
        .rates
        .iter()
        .zip(&sweep.old_present_values)
        .map(|(rate, pv)| {
            Ok(pb::SweepRateColumn {
                discount_rate: rate.normalize().to_string(),
                old_present_value: Some(money(*pv, "present value")?),
                old_present_value_exact: pv.normalize().to_string(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let mut rows = Vec::with_capacity(sweep.rows.len());
    for row in &sweep.rows {
        let cells = input
            .rates
            .iter()
            .zip(&row.cells)
            .map(|(rate, cell)| {
                Ok(pb::SweepCell {
                    discount_rate: rate.normalize().to_string(),
                    new_present_value: Some(money(cell.new_present_value, "present value")?),
                    new_present_value_exact: cell.new_present_value.normalize().to_string(),
                    sz_haircut: convert::reported_decimal(cell.sturzenegger_zettelmeyer),
                    ct_haircut: convert::reported_decimal(cell.cruces_trebesch),
                    grant_element_at_discount_rate: convert::reported_decimal(cell.grant_element),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let face = row.new_face.total().map_err(valuation::valuation_error)?;
        rows.push(pb::SweepShareRow {
            write_off_share: row.share.normalize().to_string(),
            new_principal: Some(convert::money_to_pb(&row.new_principal)),
            new_face_value: Some(money(face, "face value")?),
            nominal_haircut: convert::reported_decimal(row.nominal_haircut),
            cells,
            installment_count: Some(row.installment_count),
        });
    }
    let base = WriteOffBase {
        total: sweep
            .write_off_base
            .total()
            .map_err(valuation::valuation_error)?,
        components: sweep.write_off_base,
    };
    // The discounting as applied, its rate left to the columns.
    let mut conventions =
        valuation::conventions(input.valuation_date, &input.discounting(Decimal::ZERO));
    if let Some(discounting) = conventions.discounting.as_mut() {
        discounting.rate = None;
    }
    conventions.face_value = super::debt_stream::FACE_VALUE.into();
    conventions.provenance = provenance.to_pb();
    conventions.fast_path_valuations = Some(sweep.paths.fast);
    conventions.exact_fallbacks = Some(sweep.paths.exact);
    Ok(pb::SweepValuationResponse {
        write_off_base: Some(super::solve::write_off_base_to_pb(currency, &base)?),
        rates,
        rows,
        resolved_new_terms: Some(loan_terms::to_pb(
            &input.new_terms,
            crate::domain::schedule::first_accrual_start(&input.new_terms)
                .map_err(|e| ApiError::from_domain(e, &["new_terms"]))?,
        )),
        conventions: Some(conventions),
        work_sharing: WORK_SHARING.into(),
        warnings: Vec::new(), // filled in by sweep_valuation_response
    })
}

/// SweepValuation: parse, compute, render (on the compute pool; the
/// domain checks the cancellation flag once per cell).
pub(crate) fn sweep_valuation_response(
    request: &pb::SweepValuationRequest,
    provenance: &Provenance,
) -> Result<pb::SweepValuationResponse, ApiError> {
    let input = parse_sweep(request)?;
    let sweep = sweep_valuation(&input).map_err(|e| sweep_error(e, &input))?;
    let mut response = render_sweep(&input, &sweep, provenance)?;
    response.warnings = sweep_warnings(request, &input, &sweep);
    Ok(response)
}

/// The warnings of ValueRestructuring, at the sweep's fields: rates above 1
/// (old claim, new terms, each discount rate) and a valuation date after
/// the last flow of either stream (the new debt's dates are those of its
/// terms, whatever the share).
fn sweep_warnings(
    request: &pb::SweepValuationRequest,
    input: &SweepInput,
    sweep: &Sweep,
) -> Vec<pb::Warning> {
    let mut out = Vec::new();
    warnings::debt_stream_rates(&mut out, "old_claim", request.old_claim.as_ref());
    warnings::loan_terms_rates(&mut out, "new_terms", request.new_terms.as_ref());
    for (j, rate) in input.rates.iter().enumerate() {
        out.extend(warnings::rate_above_one(
            &format!("discount_rates[{j}]"),
            *rate,
        ));
    }
    let date = input.valuation_date;
    warnings::stream_after_last_flow(
        &mut out,
        "valuation_date",
        date,
        "old_claim",
        &input.old_claim,
    );
    // The longest maturity's last payment is the last of all rows.
    if let Some(row) = sweep.rows.iter().max_by_key(|r| r.installment_count) {
        let new_debt = input.new_debt(row.new_principal.clone(), row.installment_count);
        warnings::stream_after_last_flow(&mut out, "valuation_date", date, "new_terms", &new_debt);
    }
    out
}
