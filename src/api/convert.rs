//! Field parsers shared by all request conversions. Each records a
//! violation with its field path and returns `None` on bad input, so a
//! conversion can check every field and report them all at once.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::error::Violations;
use super::pb::debtcalc::v1 as pb;
use super::pb::google::r#type::Date as GDate;
use crate::domain::currency::{self, Currency};
use crate::domain::decimal_text::parse_decimal;
use crate::domain::money::{scaled_integer_in, Money};
use crate::domain::rounding::RoundingMode;

/// A decimal string field (`claim.amount`, `write_off_share`).
pub fn decimal(v: &mut Violations, field: &str, text: &str) -> Option<Decimal> {
    match parse_decimal(text) {
        Ok(value) => Some(value),
        Err(error) => {
            v.add(
                field,
                "INVALID_DECIMAL",
                format!("{:?} {error}", truncate(text)),
            );
            None
        }
    }
}

/// A decimal in the closed interval [0, 1].
pub fn unit_interval(v: &mut Violations, field: &str, text: &str) -> Option<Decimal> {
    let value = decimal(v, field, text)?;
    if value < Decimal::ZERO || value > Decimal::ONE {
        v.add(
            field,
            "OUT_OF_INTERVAL",
            format!("must be between 0 and 1 inclusive, got {value}"),
        );
        return None;
    }
    Some(value)
}

/// A decimal greater than zero.
pub fn positive(v: &mut Violations, field: &str, text: &str) -> Option<Decimal> {
    let value = decimal(v, field, text)?;
    if value <= Decimal::ZERO {
        v.add(
            field,
            "NOT_POSITIVE",
            format!("must be greater than zero, got {value}"),
        );
        return None;
    }
    Some(value)
}

/// A currency code field.
pub fn currency(v: &mut Violations, field: &str, code: &str) -> Option<Currency> {
    if code.is_empty() {
        v.add(
            field,
            "MISSING_FIELD",
            "is required (an ISO 4217 code such as \"USD\")",
        );
        return None;
    }
    let found = currency::find(code);
    if found.is_none() {
        v.add(
            field,
            "UNKNOWN_CURRENCY",
            format!("{:?} is not an ISO 4217 code or historical unit known to debtcalc (codes are upper case, e.g. \"USD\", \"SUR\")", truncate(code)),
        );
    }
    found
}

/// What a money field must satisfy beyond its grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Positive,
    NonNegative,
}

/// A required `Money` field at `field`, with at most the currency's minor
/// units as decimals. Reports `field.currency_code` and `field.amount`.
pub fn money(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::Money>,
    sign: Sign,
) -> Option<Money> {
    let Some(value) = value else {
        v.add(field, "MISSING_FIELD", "is required");
        return None;
    };
    // Field paths are built only for a violation: a valid amount allocates
    // nothing here.
    let currency = currency::find(&value.currency_code)
        .or_else(|| currency(v, &format!("{field}.currency_code"), &value.currency_code));
    let amount_field = || format!("{field}.amount");
    let amount = match parse_decimal(&value.amount) {
        Ok(amount) => amount,
        // Reported (and parsed again) with its field path.
        Err(_) => return decimal(v, &amount_field(), &value.amount).and(None),
    };
    match sign {
        Sign::Positive if amount <= Decimal::ZERO => {
            v.add(
                amount_field(),
                "NOT_POSITIVE",
                format!("must be greater than zero, got {amount}"),
            );
            return None;
        }
        Sign::NonNegative if amount < Decimal::ZERO => {
            v.add(
                amount_field(),
                "NEGATIVE_AMOUNT",
                format!("must not be negative, got {amount}"),
            );
            return None;
        }
        _ => {}
    }
    let money = Money {
        currency: currency?,
        amount,
    };
    // In i128 (no allocation): a 96-bit mantissa times 10^minor_units fits
    // for up to 9 minor digits, more than any currency has.
    let Some(minor) = scaled_integer_in::<i128>(money.amount, money.currency.minor_units) else {
        v.add(
            amount_field(),
            "TOO_MANY_DECIMALS",
            format!(
                "{amount} has more decimals than the minor unit of {} ({} decimals)",
                money.currency, money.currency.minor_units
            ),
        );
        return None;
    };
    // Canonical form: exactly the currency's minor units, so that echoes
    // print "10960000000.00" whatever the request wrote.
    match Money::from_minor_units(money.currency, &minor, "amount") {
        Ok(canonical) => Some(canonical),
        Err(_) => {
            v.add(
                amount_field(),
                "AMOUNT_TOO_LARGE",
                format!(
                    "{amount} {} does not fit 29 significant digits with its minor units",
                    money.currency
                ),
            );
            None
        }
    }
}

/// The rounding-mode enum; unspecified means half-even.
pub fn rounding_mode(v: &mut Violations, field: &str, raw: i32) -> Option<RoundingMode> {
    let mode = match pb::RoundingMode::try_from(raw) {
        Ok(pb::RoundingMode::Unspecified | pb::RoundingMode::HalfEven) => RoundingMode::HalfEven,
        Ok(pb::RoundingMode::HalfUp) => RoundingMode::HalfUp,
        Ok(pb::RoundingMode::HalfDown) => RoundingMode::HalfDown,
        Ok(pb::RoundingMode::Up) => RoundingMode::Up,
        Ok(pb::RoundingMode::Down) => RoundingMode::Down,
        Ok(pb::RoundingMode::Ceiling) => RoundingMode::Ceiling,
        Ok(pb::RoundingMode::Floor) => RoundingMode::Floor,
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a RoundingMode value"),
            );
            return None;
        }
    };
    Some(mode)
}

/// The proto enum of a rounding mode, for echoing conventions.
pub fn rounding_mode_to_pb(mode: RoundingMode) -> pb::RoundingMode {
    match mode {
        RoundingMode::HalfEven => pb::RoundingMode::HalfEven,
        RoundingMode::HalfUp => pb::RoundingMode::HalfUp,
        RoundingMode::HalfDown => pb::RoundingMode::HalfDown,
        RoundingMode::Up => pb::RoundingMode::Up,
        RoundingMode::Down => pb::RoundingMode::Down,
        RoundingMode::Ceiling => pb::RoundingMode::Ceiling,
        RoundingMode::Floor => pb::RoundingMode::Floor,
    }
}

/// A `Money` message with the amount printed with the currency's minor units.
pub fn money_to_pb(money: &Money) -> pb::Money {
    pb::Money {
        currency_code: money.currency.code.to_string(),
        amount: money.amount.to_string(),
    }
}

/// Echoed user text is cut to a readable length, so that no error message
/// grows with the request.
pub fn truncate(text: &str) -> String {
    const MAX: usize = 70;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(MAX).collect::<String>())
    }
}

/// A required `google.type.Date` field: a full date from 0001-01-01 to
/// 9999-12-31 (no partial dates).
pub fn date(v: &mut Violations, field: &str, value: Option<&GDate>) -> Option<NaiveDate> {
    let Some(value) = value else {
        v.add(
            field,
            "MISSING_FIELD",
            "is required (a full date: year, month and day)",
        );
        return None;
    };
    let parsed = (1..=9999)
        .contains(&value.year)
        .then(|| {
            NaiveDate::from_ymd_opt(
                value.year,
                u32::try_from(value.month).ok()?,
                u32::try_from(value.day).ok()?,
            )
        })
        .flatten();
    if parsed.is_none() {
        v.add(
            field,
            "INVALID_DATE",
            format!(
                "{:04}-{:02}-{:02} is not a calendar date between 0001-01-01 and 9999-12-31",
                value.year, value.month, value.day
            ),
        );
    }
    parsed
}

/// A date as a `google.type.Date`.
pub fn date_to_pb(date: NaiveDate) -> GDate {
    GDate {
        year: date.year(),
        month: date.month() as i32,
        day: date.day() as i32,
    }
}

/// The number of decimals to which reported fractions (haircuts, grant
/// elements) and year figures are rounded, half-even; trailing zeros are
/// dropped.
pub const REPORTED_DECIMALS: u32 = 20;

/// A fraction or year figure as reported: rounded half-even to
/// [`REPORTED_DECIMALS`] places, without trailing zeros.
pub fn reported_decimal(value: Decimal) -> String {
    value
        .round_dp_with_strategy(
            REPORTED_DECIMALS,
            rust_decimal::RoundingStrategy::MidpointNearestEven,
        )
        .normalize()
        .to_string()
}

/// Records that `raw` is not a value of the enum `name` at `field`
/// (UNKNOWN_ENUM_VALUE); shared by the parsers of every enum.
pub(super) fn unknown_enum<T>(v: &mut Violations, field: &str, name: &str, raw: i32) -> Option<T> {
    v.add(
        field,
        "UNKNOWN_ENUM_VALUE",
        format!("{raw} is not a {name} value"),
    );
    None
}
