//! The month count: time in whole calendar months, each 1/12 year, the
//! rest counted 30E/360.
//!
//! From `start` to a later `end`, with `k = 12 (Y2 - Y1) + (M2 - M1)`:
//!
//! - the dates are *whole months apart*, and the count is exactly `30 k`
//!   days of 1/360 year (`t = k/12`), when their days of the month are
//!   equal, or the date with the smaller day of the month is the last day of
//!   its month (2024-08-31 and 2025-02-28, 2025-02-28 and 2025-08-30,
//!   2024-01-29 and 2024-02-29);
//! - otherwise the count is 30E/360 (ISDA 2006 §4.16(g)):
//!   `30 k + min(D2, 30) - min(D1, 30)`.
//!
//! Any two due dates of a schedule made by the month arithmetic of
//! [`crate::domain::schedule::dates`] (the same day of the month, clipped to
//! a shorter month, or rolled on month ends), and its default accrual start,
//! are whole months apart: a flow k months after such a date is exactly k/12
//! years away. No single day count of the 30/360 family does this for every
//! such schedule: Bond Basis counts 2024-08-31 to 2025-02-28 as 178 days,
//! 30E/360 ISDA counts 2025-01-29 to 2025-02-28 as 31.
//!
//! The count never decreases as `end` moves later (it stays flat over the
//! days that are whole months from a month-end `start`, 2025-08-28 to
//! 2025-08-31 from 2025-02-28), and from a later to an earlier date it is
//! the negative of the count the other way.

use chrono::{Datelike, NaiveDate};

use super::calendar::is_month_end;
use super::thirty_360::Thirty360;

/// Whether `a` and `b` are a whole number of calendar months apart in the
/// sense of the module documentation.
pub fn whole_months_apart(a: NaiveDate, b: NaiveDate) -> bool {
    let (day_a, day_b) = (a.day(), b.day());
    day_a == day_b || (day_b < day_a && is_month_end(b)) || (day_a < day_b && is_month_end(a))
}

/// The month count from `start` to `end` in days of 1/360 year.
pub fn month_count_days(start: NaiveDate, end: NaiveDate) -> i64 {
    if end < start {
        return -month_count_days(end, start);
    }
    if whole_months_apart(start, end) {
        let years = i64::from(end.year()) - i64::from(start.year());
        let months = i64::from(end.month()) - i64::from(start.month());
        30 * (12 * years + months)
    } else {
        Thirty360::European.days(start, end, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::calendar::add_months;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ends_of_february() {
        let m = |a, b| month_count_days(d(a), d(b));
        // Issue 9, finding 5: six months are half a year, leap or not.
        assert_eq!(m("2024-08-31", "2025-02-28"), 180);
        assert_eq!(m("2023-08-31", "2024-02-29"), 180);
        assert_eq!(m("2024-02-29", "2024-08-31"), 180);
        assert_eq!(m("2025-02-28", "2025-08-31"), 180);
        // Clipped days: a 29th or 30th schedule in February.
        assert_eq!(m("2025-01-29", "2025-02-28"), 30);
        assert_eq!(m("2025-02-28", "2025-03-29"), 30);
        assert_eq!(m("2025-01-30", "2025-02-28"), 30);
        assert_eq!(m("2025-02-28", "2025-08-30"), 180);
        // A 28th schedule: 2024-02-28 is not a month end, 2025-02-28 is.
        assert_eq!(m("2024-02-28", "2024-03-28"), 30);
        assert_eq!(m("2025-01-28", "2025-02-28"), 30);
        assert_eq!(m("2025-02-28", "2026-02-28"), 360);
        // Leap day to leap day, and to the non-leap end of February.
        assert_eq!(m("2024-02-29", "2028-02-29"), 1440);
        assert_eq!(m("2024-02-29", "2025-02-28"), 360);
        // Not whole months apart: 30E/360 days.
        assert_eq!(m("2025-02-27", "2025-08-31"), 183);
        assert_eq!(m("2025-01-15", "2025-03-01"), 46);
        assert_eq!(m("2025-02-28", "2025-03-27"), 29);
        assert_eq!(m("2025-08-31", "2025-02-28"), -180);
        assert_eq!(m("2025-05-05", "2025-05-05"), 0);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1i32..=3_652_059).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    proptest! {
        #[test]
        fn schedule_dates_are_whole_months_apart(
            anchor in any_date(), eom: bool,
            step in prop_oneof![Just(1i64), Just(3), Just(6), Just(12)],
            i in -30i64..30, j in -30i64..30,
        ) {
            let at = |k: i64| add_months(anchor, k * step, eom, "date");
            if let (Ok(a), Ok(b)) = (at(i), at(j)) {
                prop_assert_eq!(month_count_days(a, b), 30 * step * (j - i));
            }
        }

        #[test]
        fn never_decreases(a in any_date(), b in any_date()) {
            let next = b.succ_opt().unwrap();
            prop_assert!(month_count_days(a, next) >= month_count_days(a, b));
            prop_assert_eq!(month_count_days(a, b), -month_count_days(b, a));
        }
    }
}
