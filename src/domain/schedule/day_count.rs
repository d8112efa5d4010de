//! Day-count conventions: the fraction of a year that an accrual period
//! counts for when interest is computed.
//!
//! Every fraction is an exact ratio of two integers
//! ([`DayCount::year_fraction_ratio`]); interest is computed from that ratio,
//! never from a rounded decimal.

use chrono::{Datelike, NaiveDate};
use num_bigint::BigInt;
use rust_decimal::Decimal;
use std::fmt;

use super::frequency::Frequency;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

/// How the days of an accrual period are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// 30/360 US, bond basis (ISDA 2006 Definitions 4.16(f)):
    /// `(360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)) / 360`, where D1 = 31
    /// becomes 30, and D2 = 31 becomes 30 when D1 (after that change) is 30.
    /// The SIA end-of-February rule is not applied.
    Thirty360,
    /// Actual days / 360.
    Act360,
    /// Actual days / 365, leap years included.
    Act365Fixed,
    /// ACT/ACT ISDA (ISDA 2006 4.16(b)): days falling in a non-leap year /
    /// 365 plus days falling in a leap year / 366.
    ActActIsda,
    /// `1 / periods_per_year` for every period, whatever its length: the
    /// periodic rate is the annual rate divided by the number of periods in
    /// a year.
    Periodic,
}

impl DayCount {
    /// The exact year fraction from `start` (included) to `end` (excluded)
    /// as `(numerator, denominator)` with a positive denominator. Negative
    /// when `end` is before `start` (except for [`DayCount::Periodic`],
    /// which ignores the dates).
    pub fn year_fraction_ratio(
        self,
        start: NaiveDate,
        end: NaiveDate,
        frequency: Frequency,
    ) -> (i64, i64) {
        match self {
            Self::Thirty360 => (thirty_360_days(start, end), 360),
            Self::Act360 => (actual_days(start, end), 360),
            Self::Act365Fixed => (actual_days(start, end), 365),
            Self::ActActIsda => {
                let (common, leap) = if start <= end {
                    split_days(start, end)
                } else {
                    let (common, leap) = split_days(end, start);
                    (-common, -leap)
                };
                (common * 366 + leap * 365, 365 * 366)
            }
            Self::Periodic => (1, i64::from(frequency.periods_per_year())),
        }
    }

    /// The year fraction as a decimal: exact when it has a finite decimal
    /// expansion within 28 decimals (30/360, ACT/360, Periodic for 1, 2 and 4
    /// periods a year), otherwise rounded half-even to the most decimals that
    /// fit (28 for fractions below 7.9, as for ACT/ACT ISDA
    /// 61/365 + 121/366 = 0.4977243805674077401003069092).
    pub fn year_fraction(self, start: NaiveDate, end: NaiveDate, frequency: Frequency) -> Decimal {
        let (numerator, denominator) = self.year_fraction_ratio(start, end, frequency);
        ratio_to_decimal(numerator, denominator)
    }
}

impl fmt::Display for DayCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Thirty360 => "30/360 US (bond basis)",
            Self::Act360 => "ACT/360",
            Self::Act365Fixed => "ACT/365F",
            Self::ActActIsda => "ACT/ACT ISDA",
            Self::Periodic => "periodic (1 / periods per year)",
        })
    }
}

/// `numerator / denominator` (denominator > 0) with as many decimals as fit
/// the 96-bit mantissa, at most 28, rounded half-even, trailing zeros removed.
fn ratio_to_decimal(numerator: i64, denominator: i64) -> Decimal {
    let numerator = BigInt::from(numerator);
    let denominator = BigInt::from(denominator);
    for scale in (0..=28u32).rev() {
        let scaled = div_round(
            &(&numerator * pow10(scale)),
            &denominator,
            RoundingMode::HalfEven,
        );
        let fits = i128::try_from(&scaled)
            .ok()
            .and_then(|m| Decimal::try_from_i128_with_scale(m, scale).ok());
        if let Some(value) = fits {
            return value.normalize();
        }
    }
    // Unreachable for i64 inputs: |numerator| < 2^63 always fits at scale 0.
    Decimal::MAX
}

/// Calendar days from `start` to `end` (negative if `end` is earlier).
fn actual_days(start: NaiveDate, end: NaiveDate) -> i64 {
    i64::from(end.num_days_from_ce()) - i64::from(start.num_days_from_ce())
}

/// The 30/360 US (bond basis) day count of ISDA 2006 4.16(f). Shared with
/// the valuation time basis, so interest and discounting count alike.
pub(crate) fn thirty_360_days(start: NaiveDate, end: NaiveDate) -> i64 {
    let mut d1 = i64::from(start.day());
    let mut d2 = i64::from(end.day());
    if d1 == 31 {
        d1 = 30;
    }
    if d2 == 31 && d1 == 30 {
        d2 = 30;
    }
    let years = i64::from(end.year()) - i64::from(start.year());
    let months = i64::from(end.month()) - i64::from(start.month());
    360 * years + 30 * months + (d2 - d1)
}

/// Whether `year` is a leap year of the proleptic Gregorian calendar.
pub(crate) fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// The day number (as `NaiveDate::num_days_from_ce`) of January 1 of `year`.
fn january_first(year: i64) -> i64 {
    let before = year - 1;
    365 * before + before.div_euclid(4) - before.div_euclid(100) + before.div_euclid(400) + 1
}

/// Days in `[start, end)` (start <= end) that fall in non-leap years and
/// in leap years.
fn split_days(start: NaiveDate, end: NaiveDate) -> (i64, i64) {
    let from = i64::from(start.num_days_from_ce());
    let to = i64::from(end.num_days_from_ce());
    let (mut common, mut leap) = (0i64, 0i64);
    for year in i64::from(start.year())..=i64::from(end.year()) {
        let lo = from.max(january_first(year));
        let hi = to.min(january_first(year + 1));
        if hi > lo {
            if is_leap_year(year) {
                leap += hi - lo;
            } else {
                common += hi - lo;
            }
        }
    }
    (common, leap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    const SEMI: Frequency = Frequency::SemiAnnual;

    #[test]
    fn act_act_isda_known_pairs() {
        let f = |a, b| DayCount::ActActIsda.year_fraction_ratio(d(a), d(b), SEMI);
        // ISDA's example: 61 days in 2003, 121 days in 2004 (leap).
        assert_eq!(
            f("2003-11-01", "2004-05-01"),
            (61 * 366 + 121 * 365, 365 * 366)
        );
        assert_eq!(
            DayCount::ActActIsda.year_fraction(d("2003-11-01"), d("2004-05-01"), SEMI),
            dec("0.4977243805674077401003069092")
        );
        // 155 days in 1999, 29 days in 2000.
        assert_eq!(
            f("1999-07-30", "2000-01-30"),
            (155 * 366 + 29 * 365, 365 * 366)
        );
        // Within one leap year and one common year.
        assert_eq!(f("2000-01-30", "2000-06-30"), (152 * 365, 365 * 366));
        assert_eq!(f("1999-02-01", "1999-07-01"), (150 * 366, 365 * 366));
        // A whole leap year and a whole common year are each exactly one.
        assert_eq!(
            DayCount::ActActIsda.year_fraction(d("2004-01-01"), d("2005-01-01"), SEMI),
            Decimal::ONE
        );
        assert_eq!(
            DayCount::ActActIsda.year_fraction(d("2003-01-01"), d("2004-01-01"), SEMI),
            Decimal::ONE
        );
        // Three calendar years, one of them leap: exactly three.
        assert_eq!(
            DayCount::ActActIsda.year_fraction(d("2003-01-01"), d("2006-01-01"), SEMI),
            dec("3")
        );
    }

    #[test]
    fn thirty_360_bond_basis() {
        let f = |a, b| DayCount::Thirty360.year_fraction_ratio(d(a), d(b), SEMI);
        // D2 = 31 stays 31 when D1 < 30.
        assert_eq!(f("2007-01-15", "2007-07-31"), (196, 360));
        assert_eq!(
            DayCount::Thirty360.year_fraction(d("2007-01-15"), d("2007-07-31"), SEMI),
            dec("0.5444444444444444444444444444")
        );
        // D1 = 31 becomes 30; then D2 = 31 becomes 30.
        assert_eq!(f("2007-01-31", "2007-03-31"), (60, 360));
        assert_eq!(f("2007-01-30", "2007-03-31"), (60, 360));
        // D1 = 29 is not greater than 29: D2 = 31 stays.
        assert_eq!(f("2007-01-29", "2007-03-31"), (62, 360));
        // No end-of-February adjustment in 4.16(f).
        assert_eq!(f("2007-01-31", "2007-02-28"), (28, 360));
        assert_eq!(f("2007-02-28", "2007-08-28"), (180, 360));
        assert_eq!(f("2007-02-28", "2007-08-31"), (183, 360));
        // A whole semi-annual period is exactly one half.
        assert_eq!(
            DayCount::Thirty360.year_fraction(d("2015-03-17"), d("2015-09-17"), SEMI),
            dec("0.5")
        );
    }

    #[test]
    fn actual_and_periodic() {
        let (a, b) = (d("2024-01-01"), d("2024-03-01"));
        assert_eq!(DayCount::Act360.year_fraction_ratio(a, b, SEMI), (60, 360));
        assert_eq!(
            DayCount::Act365Fixed.year_fraction_ratio(a, b, SEMI),
            (60, 365)
        );
        assert_eq!(
            DayCount::Act360.year_fraction(a, b, SEMI),
            dec("0.1666666666666666666666666667")
        );
        assert_eq!(DayCount::Periodic.year_fraction(a, b, SEMI), dec("0.5"));
        assert_eq!(
            DayCount::Periodic.year_fraction(a, b, Frequency::Quarterly),
            dec("0.25")
        );
        assert_eq!(
            DayCount::Periodic.year_fraction_ratio(a, b, Frequency::Monthly),
            (1, 12)
        );
        assert_eq!(
            DayCount::Periodic.year_fraction(a, b, Frequency::Monthly),
            dec("0.0833333333333333333333333333")
        );
        // Reversed dates give the negative fraction.
        assert_eq!(DayCount::Act360.year_fraction_ratio(b, a, SEMI), (-60, 360));
        assert_eq!(
            DayCount::ActActIsda.year_fraction_ratio(d("2004-05-01"), d("2003-11-01"), SEMI),
            (-(61 * 366 + 121 * 365), 365 * 366)
        );
    }

    #[test]
    fn january_first_matches_chrono() {
        for year in [-400, -1, 0, 1, 2, 100, 1600, 1900, 2000, 2024, 9999, 10000] {
            let date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            assert_eq!(
                january_first(i64::from(year)),
                i64::from(date.num_days_from_ce()),
                "{year}"
            );
        }
        assert!(is_leap_year(2000) && is_leap_year(2024) && is_leap_year(0));
        assert!(!is_leap_year(1900) && !is_leap_year(2023));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1i32..=3_652_059).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    proptest! {
        #[test]
        fn act_act_is_additive_and_agrees_with_actual_days(
            a in any_date(), b in any_date(), c in any_date()
        ) {
            let mut v = [a, b, c];
            v.sort();
            let [a, b, c] = v;
            let (n1, d1) = DayCount::ActActIsda.year_fraction_ratio(a, b, SEMI);
            let (n2, _) = DayCount::ActActIsda.year_fraction_ratio(b, c, SEMI);
            let (n3, _) = DayCount::ActActIsda.year_fraction_ratio(a, c, SEMI);
            prop_assert_eq!(d1, 365 * 366);
            prop_assert_eq!(n1 + n2, n3);
            // Every day counts as 1/366 or 1/365 of a year.
            let days = actual_days(a, c);
            prop_assert!(n3 >= days * 365 && n3 <= days * 366);
        }

        #[test]
        fn decimal_is_the_ratio_to_28_digits(a in any_date(), b in any_date()) {
            for dc in [DayCount::Thirty360, DayCount::Act360, DayCount::Act365Fixed,
                       DayCount::ActActIsda, DayCount::Periodic] {
                let (n, den) = dc.year_fraction_ratio(a, b, Frequency::Monthly);
                let value = dc.year_fraction(a, b, Frequency::Monthly);
                // |value x den - n| <= den / 2 x 10^-scale
                let scaled = BigInt::from(value.mantissa()) * BigInt::from(den);
                let exact = BigInt::from(n) * pow10(value.scale());
                let err: BigInt = scaled - exact;
                let twice = &err * 2;
                prop_assert!(twice <= BigInt::from(den) && twice >= -BigInt::from(den));
                // Exact, or at least 22 decimals (fractions below 10^6 years).
                prop_assert!(err == BigInt::from(0) || value.scale() >= 22);
            }
        }
    }
}
