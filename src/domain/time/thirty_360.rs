//! The 30/360 family: every month counts 30 days and a year 360, and the
//! conventions differ only in how the day of month of each date is adjusted
//! before `360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)` is taken.
//!
//! | variant | source | D1 | D2 |
//! |---|---|---|---|
//! | [`Thirty360::BondBasis`] | ISDA 2006 §4.16(f) "30/360, 360/360, Bond Basis"; QuantLib `Thirty360::BondBasis` | 31 → 30 | 31 → 30 if D1 (adjusted) is 30 |
//! | [`Thirty360::Us`] | SIA rule "30/360 US"; QuantLib `Thirty360::USA` | last day of February → 30; 31 → 30 | 31 → 30 if D1 (adjusted) is 30; last day of February → 30 if D1 was also the last day of February |
//! | [`Thirty360::European`] | ISDA 2006 §4.16(g) "30E/360, Eurobond Basis"; QuantLib `Thirty360::European` | 31 → 30 | 31 → 30 |
//! | [`Thirty360::EuropeanIsda`] | ISDA 2006 §4.16(h) "30E/360 (ISDA)"; QuantLib `Thirty360::German` | 31 → 30; last day of February → 30 | 31 → 30; last day of February → 30 unless it is the termination (maturity) date |
//!
//! The US rules apply in this order: (1) both dates the last day of
//! February: D2 = 30; (2) D1 the last day of February: D1 = 30; (3) D2 = 31
//! and D1 30 or 31: D2 = 30; (4) D1 = 31: D1 = 30.
//!
//! A count from a later to an earlier date is the negative of the count
//! the other way, so every variant is antisymmetric.

use chrono::{Datelike, NaiveDate};
use std::fmt;

use super::calendar::is_month_end;

/// A member of the 30/360 family (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Thirty360 {
    /// ISDA 2006 §4.16(f) Bond Basis: no end-of-February rule.
    BondBasis,
    /// 30/360 US (SIA): Bond Basis plus the end-of-February rules.
    Us,
    /// ISDA 2006 §4.16(g) 30E/360 (Eurobond Basis): every 31 is 30.
    European,
    /// ISDA 2006 §4.16(h) 30E/360 (ISDA): every 31 and every last day of
    /// February is 30, except a last day of February that is the
    /// termination date when it is the later date.
    EuropeanIsda,
}

impl Thirty360 {
    /// The 30/360 days from `start` to `end`; `maturity` is the termination
    /// date of the schedule, used by [`Thirty360::EuropeanIsda`] only (with
    /// `None`, every last day of February counts as 30).
    pub fn days(self, start: NaiveDate, end: NaiveDate, maturity: Option<NaiveDate>) -> i64 {
        if end < start {
            return -self.days(end, start, maturity);
        }
        let mut d1 = i64::from(start.day());
        let mut d2 = i64::from(end.day());
        match self {
            Self::BondBasis => {
                if d1 == 31 {
                    d1 = 30;
                }
                if d2 == 31 && d1 == 30 {
                    d2 = 30;
                }
            }
            Self::Us => {
                let february_end_1 = is_last_of_february(start);
                if february_end_1 && is_last_of_february(end) {
                    d2 = 30;
                }
                if february_end_1 {
                    d1 = 30;
                }
                if d2 == 31 && d1 >= 30 {
                    d2 = 30;
                }
                if d1 == 31 {
                    d1 = 30;
                }
            }
            Self::European => {
                d1 = d1.min(30);
                d2 = d2.min(30);
            }
            Self::EuropeanIsda => {
                if d1 == 31 || is_last_of_february(start) {
                    d1 = 30;
                }
                if d2 == 31 || (is_last_of_february(end) && Some(end) != maturity) {
                    d2 = 30;
                }
            }
        }
        let years = i64::from(end.year()) - i64::from(start.year());
        let months = i64::from(end.month()) - i64::from(start.month());
        360 * years + 30 * months + (d2 - d1)
    }
}

impl fmt::Display for Thirty360 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BondBasis => "30/360 Bond Basis (ISDA 2006 4.16(f))",
            Self::Us => "30/360 US (SIA end-of-February rules)",
            Self::European => "30E/360 (ISDA 2006 4.16(g))",
            Self::EuropeanIsda => "30E/360 ISDA (ISDA 2006 4.16(h))",
        })
    }
}

/// Whether `date` is February 28 of a common year or February 29.
pub(crate) fn is_last_of_february(date: NaiveDate) -> bool {
    date.month() == 2 && is_month_end(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Days under (BondBasis, Us, European, EuropeanIsda) with no maturity.
    fn all(a: &str, b: &str) -> [i64; 4] {
        [
            Thirty360::BondBasis,
            Thirty360::Us,
            Thirty360::European,
            Thirty360::EuropeanIsda,
        ]
        .map(|c| c.days(d(a), d(b), None))
    }

    #[test]
    fn ends_of_february_in_common_and_leap_years() {
        // Common year: Feb 28 is the last day of February.
        assert_eq!(all("2007-02-28", "2007-03-31"), [33, 30, 32, 30]);
        assert_eq!(all("2007-01-31", "2007-02-28"), [28, 28, 28, 30]);
        assert_eq!(all("2007-02-28", "2007-08-31"), [183, 180, 182, 180]);
        assert_eq!(all("2007-02-28", "2008-02-29"), [361, 360, 361, 360]);
        // Leap year: Feb 28 is an ordinary day, Feb 29 the last day.
        assert_eq!(all("2008-02-28", "2008-03-31"), [33, 33, 32, 32]);
        assert_eq!(all("2008-02-29", "2008-03-31"), [32, 30, 31, 30]);
        assert_eq!(all("2008-02-29", "2009-02-28"), [359, 360, 359, 360]);
        assert_eq!(all("2007-02-28", "2008-02-28"), [360, 358, 360, 358]);
        // A month end rolled into February (issue 9, finding 5).
        assert_eq!(all("2024-08-31", "2025-02-28"), [178, 178, 178, 180]);
        assert_eq!(all("2024-08-31", "2024-02-29"), [-182, -180, -181, -180]);
        // The 31st: Bond Basis keeps D2 = 31 when D1 < 30, the E rules never.
        assert_eq!(all("2007-01-15", "2007-07-31"), [196, 196, 195, 195]);
        assert_eq!(all("2007-01-30", "2007-03-31"), [60, 60, 60, 60]);
        assert_eq!(all("2007-01-29", "2007-03-31"), [62, 62, 61, 61]);
    }

    #[test]
    fn isda_keeps_a_february_maturity() {
        let maturity = Some(d("2009-02-28"));
        let c = Thirty360::EuropeanIsda;
        // The termination date keeps its 28 as the later date ...
        assert_eq!(c.days(d("2008-08-31"), d("2009-02-28"), maturity), 178);
        assert_eq!(c.days(d("2008-08-31"), d("2009-02-28"), None), 180);
        // ... but not as the earlier one, and other Februaries still count 30.
        assert_eq!(c.days(d("2009-02-28"), d("2009-03-31"), maturity), 30);
        assert_eq!(c.days(d("2008-08-31"), d("2008-02-29"), maturity), -180);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1i32..=3_652_059).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    proptest! {
        #[test]
        fn antisymmetric_and_close_to_actual(a in any_date(), b in any_date()) {
            for c in [Thirty360::BondBasis, Thirty360::Us, Thirty360::European,
                      Thirty360::EuropeanIsda] {
                prop_assert_eq!(c.days(a, b, None), -c.days(b, a, None));
                // Within 6 days plus about 6 days a year of the actual days.
                let actual = (b - a).num_days();
                let n = c.days(a, b, None);
                prop_assert!((n - actual).abs() <= 6 + actual.abs() / 60);
            }
        }
    }
}
