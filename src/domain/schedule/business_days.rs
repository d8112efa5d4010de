//! Business-day adjustment of due dates: Saturday and Sunday are never
//! business days, nor is any date of a caller-supplied holiday list.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::fmt;

use crate::domain::error::DomainError;
use crate::domain::time::calendar::{MAX_DATE, MIN_DATE};

/// The most holidays a schedule may list.
pub const MAX_HOLIDAYS: usize = 5_000;

/// How a due date that is not a business day moves (ISDA 2006 section 4.12;
/// QuantLib's `BusinessDayConvention` of the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BusinessDayConvention {
    /// Not moved.
    #[default]
    Unadjusted,
    /// To the next business day.
    Following,
    /// To the next business day, unless that falls in the next calendar
    /// month: then to the previous business day.
    ModifiedFollowing,
    /// To the previous business day.
    Preceding,
}

impl fmt::Display for BusinessDayConvention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unadjusted => "UNADJUSTED",
            Self::Following => "FOLLOWING",
            Self::ModifiedFollowing => "MODIFIED_FOLLOWING",
            Self::Preceding => "PRECEDING",
        })
    }
}

/// Which dates bound the accrual periods when due dates are adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AccrualDates {
    /// The adjusted due dates (QuantLib's fixed-rate bonds, most loan
    /// agreements): interest runs to the day the payment is due.
    #[default]
    Adjusted,
    /// The unadjusted (scheduled) dates: every period accrues its regular
    /// length whatever day the payment moves to (most bond markets'
    /// "unadjusted" coupons).
    Unadjusted,
}

/// The business-day rule of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BusinessDays {
    pub convention: BusinessDayConvention,
    /// Holidays, sorted ascending, without repeats.
    pub holidays: Vec<NaiveDate>,
    pub accrual: AccrualDates,
}

impl BusinessDays {
    /// Whether `date` is a business day: not a Saturday, Sunday or holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            && self.holidays.binary_search(&date).is_err()
    }

    /// `date` moved by the convention. A move past 0001-01-01 or
    /// 9999-12-31 is a [`DomainError::DateOutOfRange`].
    pub fn adjust(&self, date: NaiveDate) -> Result<NaiveDate, DomainError> {
        match self.convention {
            BusinessDayConvention::Unadjusted => Ok(date),
            BusinessDayConvention::Following => self.roll(date, true),
            BusinessDayConvention::Preceding => self.roll(date, false),
            BusinessDayConvention::ModifiedFollowing => {
                let following = self.roll(date, true);
                match following {
                    Ok(next) if next.month() == date.month() => Ok(next),
                    _ => self.roll(date, false),
                }
            }
        }
    }

    /// The first business day on or after (`forward`) or on or before
    /// `date`. Terminates: every run of non-business days is at most the
    /// holidays plus the weekends among them long.
    fn roll(&self, mut date: NaiveDate, forward: bool) -> Result<NaiveDate, DomainError> {
        let out_of_range = DomainError::DateOutOfRange {
            quantity: "adjusted payment date",
        };
        while !self.is_business_day(date) {
            date = if forward {
                date.checked_add_days(Days::new(1))
            } else {
                date.checked_sub_days(Days::new(1))
            }
            .filter(|d| (MIN_DATE..=MAX_DATE).contains(d))
            .ok_or(out_of_range.clone())?;
        }
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn rule(convention: BusinessDayConvention, holidays: &[&str]) -> BusinessDays {
        BusinessDays {
            convention,
            holidays: holidays.iter().map(|h| d(h)).collect(),
            accrual: AccrualDates::Adjusted,
        }
    }

    #[test]
    fn conventions_move_weekends_and_holidays() {
        use BusinessDayConvention::*;
        // 2025-05-31 is a Saturday; 2025-06-02 (Monday) a holiday here.
        let holidays = ["2025-06-02", "2025-12-25", "2025-12-26"];
        let cases = [
            ("2025-05-31", Unadjusted, "2025-05-31"),
            ("2025-05-31", Following, "2025-06-03"),
            ("2025-05-31", ModifiedFollowing, "2025-05-30"),
            ("2025-05-31", Preceding, "2025-05-30"),
            ("2025-06-01", ModifiedFollowing, "2025-06-03"),
            ("2025-12-25", Following, "2025-12-29"),
            ("2025-12-25", Preceding, "2025-12-24"),
            ("2025-06-04", Following, "2025-06-04"),
        ];
        for (date, convention, expected) in cases {
            assert_eq!(
                rule(convention, &holidays).adjust(d(date)),
                Ok(d(expected)),
                "{date} {convention}"
            );
        }
    }

    #[test]
    fn the_ends_of_the_calendar_are_errors() {
        let r = rule(BusinessDayConvention::Following, &["9999-12-31"]);
        // 9999-12-31 is a Friday, made a holiday: nothing follows it.
        assert!(matches!(
            r.adjust(d("9999-12-31")),
            Err(DomainError::DateOutOfRange { .. })
        ));
        let r = rule(BusinessDayConvention::Preceding, &[]);
        // 0001-01-01 is a Monday.
        assert_eq!(r.adjust(d("0001-01-01")), Ok(d("0001-01-01")));
    }
}
