//! What every kind of swap parses and renders alike: the local currency at
//! an agreed rate, the valuation (date and discountings), ratios and
//! present values as printed, and the swap's own reasons.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert;
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::valuation;
use crate::domain::currency::Currency;
use crate::domain::money::round_to_minor_units;
use crate::domain::rounding::RoundingMode;
use crate::domain::swap::LocalRate;
use crate::domain::valuation::Discounting;

/// The most discountings one swap is valued under.
pub const MAX_DISCOUNTINGS: usize = 20;

/// How local-currency amounts are derived (echoed).
pub const LOCAL_CONVERSION: &str = "AGREED_RATE_CUMULATIVE_HALF_EVEN";

/// The optional `LocalCurrency` at `field`: `Some(None)` when absent,
/// `None` when invalid (the violations recorded).
pub fn local_currency(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::LocalCurrency>,
) -> Option<Option<LocalRate>> {
    let Some(value) = value else {
        return Some(None);
    };
    let currency = convert::currency(v, &format!("{field}.currency_code"), &value.currency_code);
    let rate_field = format!("{field}.rate");
    let rate = if value.rate.is_empty() {
        v.add(
            &rate_field,
            "MISSING_FIELD",
            "is required: local units per one unit of the debt's currency",
        );
        None
    } else {
        convert::positive(v, &rate_field, &value.rate)
    };
    Some(Some(LocalRate {
        currency: currency?,
        rate: rate?,
    }))
}

/// A local currency that is the debt's own currency must come at the rate
/// 1 (anything else would create or destroy money): recorded at
/// `{field}.rate` as `LOCAL_RATE_NOT_ONE`.
pub fn local_against_debt(
    v: &mut Violations,
    field: &str,
    local: &Option<Option<LocalRate>>,
    debt: Option<Currency>,
) {
    if let (Some(Some(local)), Some(debt)) = (local, debt) {
        if local.currency == debt && local.rate != Decimal::ONE {
            v.add(
                format!("{field}.rate"),
                "LOCAL_RATE_NOT_ONE",
                format!(
                    "the local currency is the debt's own currency {debt}, so the rate must \
                     be 1, got {}",
                    local.rate
                ),
            );
        }
    }
}

/// The `SwapValuation` at `field`: the valuation date and 1 to
/// [`MAX_DISCOUNTINGS`] discountings.
pub fn swap_valuation(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::SwapValuation>,
) -> Option<(NaiveDate, Vec<Discounting>)> {
    let Some(value) = value else {
        v.add(
            field,
            "MISSING_FIELD",
            "is required: a valuation_date and one or more discountings",
        );
        return None;
    };
    let date = convert::date(
        v,
        &format!("{field}.valuation_date"),
        value.valuation_date.as_ref(),
    );
    let at = format!("{field}.discountings");
    if value.discountings.is_empty() {
        v.add(&at, "MISSING_FIELD", "at least one discounting is required");
        return None;
    }
    if value.discountings.len() > MAX_DISCOUNTINGS {
        v.add(
            &at,
            "TOO_MANY_DISCOUNTINGS",
            format!(
                "at most {MAX_DISCOUNTINGS}, got {}",
                value.discountings.len()
            ),
        );
        return None;
    }
    let discountings: Vec<Option<Discounting>> = value
        .discountings
        .iter()
        .enumerate()
        .map(|(i, d)| valuation::discounting(v, &format!("{at}[{i}]"), Some(d)))
        .collect();
    let discountings: Option<Vec<Discounting>> = discountings.into_iter().collect();
    Some((date?, discountings?))
}

/// A fraction at `field` in (0, 1]: a price, ratio or share that cannot
/// exceed par. `above` is the reason for a value above 1
/// (`PRICE_ABOVE_PAR`, `RATIO_ABOVE_PAR`, `OUT_OF_INTERVAL`).
pub fn fraction_of_par(
    v: &mut Violations,
    field: &str,
    text: &str,
    above: &'static str,
) -> Option<Decimal> {
    if text.is_empty() {
        v.add(field, "MISSING_FIELD", "is required, a decimal in (0, 1]");
        return None;
    }
    let value = convert::decimal(v, field, text)?;
    if value <= Decimal::ZERO {
        v.add(
            field,
            "NOT_POSITIVE",
            format!("must be greater than zero, got {value}"),
        );
        return None;
    }
    if value > Decimal::ONE {
        v.add(
            field,
            above,
            format!("must be at most 1 (par), got {value}: a fraction of face, so 15 cents on the dollar is \"0.15\""),
        );
        return None;
    }
    Some(value)
}

/// A present value as reported: rounded half-even to the minor unit, and
/// its unrounded text.
pub fn value_pair(
    currency: Currency,
    value: Decimal,
    field: &str,
) -> Result<(Option<pb::Money>, String), ApiError> {
    let rounded = round_to_minor_units(currency, value, RoundingMode::HalfEven, "present value")
        .map_err(|e| ApiError::from_domain(e, &[field]))?;
    Ok((
        Some(convert::money_to_pb(&rounded)),
        value.normalize().to_string(),
    ))
}

/// One violation as an error: a request whose inconsistency shows only
/// once its figures are computed (a schedule that does not add up).
pub fn invalid(field: &str, reason: &'static str, description: String) -> ApiError {
    ApiError::InvalidArgument(vec![super::error::Violation {
        field: field.to_string(),
        reason,
        description,
    }])
}
