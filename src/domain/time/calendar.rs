//! The proleptic Gregorian calendar's rules and month arithmetic, shared by
//! the schedule's dates, business days and the day counts (it knows nothing
//! of loan terms).

use chrono::{Datelike, NaiveDate};

use crate::domain::error::DomainError;

/// Whether `year` is a leap year of the proleptic Gregorian calendar.
pub fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// The earliest date a schedule may contain.
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// The latest date a schedule may contain.
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

/// Days in `month` (1-12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(i64::from(year)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `date` is the last day of its month.
pub fn is_month_end(date: NaiveDate) -> bool {
    date.day() == days_in_month(date.year(), date.month())
}

/// `anchor` moved by `months` calendar months (negative moves back), the day
/// clipped to the month's length; with `end_of_month` and an anchor on the
/// last day of its month, the last day of the target month. `quantity` names
/// the date in the error when the result (or the anchor) is outside
/// [`MIN_DATE`]..=[`MAX_DATE`].
pub fn add_months(
    anchor: NaiveDate,
    months: i64,
    end_of_month: bool,
    quantity: &'static str,
) -> Result<NaiveDate, DomainError> {
    let out_of_range = DomainError::DateOutOfRange { quantity };
    if !(MIN_DATE..=MAX_DATE).contains(&anchor) {
        return Err(out_of_range);
    }
    let index = i64::from(anchor.year()) * 12 + i64::from(anchor.month0());
    let target = index.checked_add(months).ok_or(out_of_range.clone())?;
    let year = target.div_euclid(12);
    if !(1..=9999).contains(&year) {
        return Err(out_of_range);
    }
    let year = i32::try_from(year).map_err(|_| out_of_range.clone())?;
    let month = u32::try_from(target.rem_euclid(12)).map_err(|_| out_of_range.clone())? + 1;
    let last = days_in_month(year, month);
    let day = if end_of_month && is_month_end(anchor) {
        last
    } else {
        anchor.day().min(last)
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or(out_of_range)
}
