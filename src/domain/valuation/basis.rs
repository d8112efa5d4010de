//! How the time `t` in years from the valuation date to a cash flow is
//! measured.
//!
//! Every basis counts whole units from the valuation date, so `t` is an exact
//! fraction and the discount factor of a flow is a per-unit factor raised to
//! an integer power:
//!
//! | basis | unit | `t` |
//! |---|---|---|
//! | `Months` (default) | 1/360 year | (30 x whole calendar months + remaining 30E/360 days) / 360 |
//! | `Thirty360` | 30/360 day (Bond Basis) | 30/360 days / 360 |
//! | `Act365Fixed` | actual day | days / 365 |
//! | `Act360` | actual day | days / 360 |
//! | `ActActIsda` | actual day | days in non-leap years / 365 + days in leap years / 366 |
//!
//! `Thirty360` is the ISDA 2006 §4.16(f) "30/360" (Bond Basis): with
//! `D1`, `D2` the days of month of the valuation and flow dates, `D1 = 31`
//! becomes 30, and `D2 = 31` becomes 30 when `D1` is then 30; the count is
//! `360 (Y2 - Y1) + 30 (M2 - M1) + (D2 - D1)`.
//!
//! `Months` is the month count of [`crate::domain::time::month_count`]: a
//! flow that is k whole months after the valuation date (the same day of
//! the month, or the date with the smaller day of the month is the last day
//! of its month) is exactly k/12 years away, so every due date of a schedule
//! (same day of the month, clipped to month end, or end-of-month roll) is
//! k/12 years from the schedule's accrual start; other dates count their
//! remaining days 30E/360 (ISDA 2006 §4.16(g)).
//!
//! A flow dated on or before the valuation date has `t = 0` (see
//! [`super::present_value`]).

use chrono::{Datelike, NaiveDate};
use num_bigint::BigInt;
use rust_decimal::Decimal;

use crate::domain::error::DomainError;
use crate::domain::numerics::rational::{BigRational, RationalDecimal};
use crate::domain::time::{month_count_days, Thirty360};

/// How `t` in years is measured from the valuation date. The default (what
/// an unspecified `TimeBasis` in the API means) is `Months`: a flow k whole
/// months after the valuation date is exactly k/12 years away, as when
/// periods are counted (the IMF and World Bank grant-element calculators
/// count periods, not days: a payment k periods away is k / frequency
/// years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimeBasis {
    /// Actual days / 365.
    Act365Fixed,
    /// Actual days, each year counted by its own length (ISDA 2006 §4.16(b)).
    ActActIsda,
    /// 30/360 Bond Basis (ISDA 2006 §4.16(f)) days / 360.
    Thirty360,
    /// Actual days / 360.
    Act360,
    /// Whole calendar months / 12, the remaining days 30E/360 (the default;
    /// see the module documentation).
    #[default]
    Months,
}

/// The time from the valuation date to a date, in whole units of the basis:
/// `primary` units of `1 / primary_per_year()` year, plus (ActActIsda only)
/// `leap` days of 1/366 year. Both are zero for dates on or before the
/// valuation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Units {
    pub(crate) primary: u64,
    pub(crate) leap: u64,
}

/// Days in a leap year: the ActActIsda unit for leap days.
pub(crate) const LEAP_YEAR_DAYS: u64 = 366;

impl TimeBasis {
    /// Primary units per year: 365 (actual days of non-leap years under
    /// ActActIsda) or 360.
    pub(crate) fn primary_per_year(self) -> u64 {
        match self {
            Self::Act365Fixed | Self::ActActIsda => 365,
            Self::Thirty360 | Self::Act360 | Self::Months => 360,
        }
    }

    /// The units from `valuation_date` to `date`, zero if `date` is not
    /// after it.
    pub(crate) fn units(self, valuation_date: NaiveDate, date: NaiveDate) -> Units {
        if date <= valuation_date {
            return Units::default();
        }
        let days = (date - valuation_date).num_days().max(0) as u64;
        match self {
            Self::Act365Fixed | Self::Act360 => Units {
                primary: days,
                leap: 0,
            },
            Self::ActActIsda => {
                let leap =
                    (leap_days_before(date) - leap_days_before(valuation_date)).max(0) as u64;
                Units {
                    primary: days.saturating_sub(leap),
                    leap,
                }
            }
            Self::Thirty360 => Units {
                primary: Thirty360::BondBasis.days(valuation_date, date, None).max(0) as u64,
                leap: 0,
            },
            Self::Months => Units {
                primary: month_count_days(valuation_date, date).max(0) as u64,
                leap: 0,
            },
        }
    }

    /// The common denominator of `t` in years for every date:
    /// `primary_per_year() * 366`.
    pub(crate) fn year_denominator(self) -> u64 {
        self.primary_per_year() * LEAP_YEAR_DAYS
    }

    /// `t * year_denominator()` for `units`: an exact integer.
    pub(crate) fn year_numerator(self, units: Units) -> u128 {
        u128::from(units.primary) * u128::from(LEAP_YEAR_DAYS)
            + u128::from(units.leap) * u128::from(self.primary_per_year())
    }

    /// `t` in years for `units`, as an exact fraction.
    pub(crate) fn years(self, units: Units) -> BigRational {
        let per_year = self.primary_per_year();
        if units.leap == 0 {
            return BigRational::new(BigInt::from(units.primary), BigInt::from(per_year));
        }
        BigRational::new(
            BigInt::from(units.primary) * LEAP_YEAR_DAYS + BigInt::from(units.leap) * per_year,
            BigInt::from(per_year * LEAP_YEAR_DAYS),
        )
    }

    /// `t` in years from `valuation_date` to `date` under this basis, rounded
    /// half-even to 28 decimals; 0 when `date` is not after `valuation_date`.
    pub fn year_fraction(
        self,
        valuation_date: NaiveDate,
        date: NaiveDate,
    ) -> Result<Decimal, DomainError> {
        self.years(self.units(valuation_date, date))
            .to_decimal("year fraction")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days falling in leap years between a fixed epoch and
/// `date` (exclusive). Differences of two calls count leap days in between.
fn leap_days_before(date: NaiveDate) -> i64 {
    let year = i64::from(date.year());
    // Leap years in [1, year - 1], extended to all integers by floor division
    // so that consecutive years differ by 1 exactly when the earlier is leap.
    let y = year - 1;
    let leap_years = y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    let within = if is_leap(date.year()) {
        i64::from(date.ordinal0())
    } else {
        0
    };
    leap_years * LEAP_YEAR_DAYS as i64 + within
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn years(basis: TimeBasis, from: NaiveDate, to: NaiveDate) -> BigRational {
        basis.years(basis.units(from, to))
    }

    #[test]
    fn act_act_isda_splits_leap_and_common_years() {
        let r = years(TimeBasis::ActActIsda, date(2019, 7, 1), date(2020, 7, 1));
        // 184 days of 2019 / 365 + 182 days of 2020 / 366.
        let want = BigRational::new(BigInt::from(184), BigInt::from(365))
            + BigRational::new(BigInt::from(182), BigInt::from(366));
        assert_eq!(r, want);
        // Whole calendar years are whole years, leap or not.
        for (a, b, n) in [
            (2020, 2021, 1),
            (2019, 2029, 10),
            (1999, 2001, 2),
            (2100, 2101, 1),
        ] {
            let r = years(TimeBasis::ActActIsda, date(a, 1, 1), date(b, 1, 1));
            let whole = crate::domain::numerics::rational::from_int(n);
            assert_eq!(r, whole, "{a}-{b}");
        }
        // 2000 is leap, 1900 and 2100 are not.
        let u = TimeBasis::ActActIsda.units(date(1899, 12, 31), date(1901, 1, 1));
        assert_eq!(
            u,
            Units {
                primary: 366,
                leap: 0
            }
        );
        let u = TimeBasis::ActActIsda.units(date(1999, 12, 31), date(2001, 1, 1));
        assert_eq!(
            u,
            Units {
                primary: 1,
                leap: 366
            }
        );
        // Negative years (proleptic Gregorian) work the same.
        let u = TimeBasis::ActActIsda.units(date(-4, 1, 1), date(-3, 1, 1));
        assert_eq!(
            u,
            Units {
                primary: 0,
                leap: 366
            }
        );
    }

    #[test]
    fn the_default_is_the_documented_one() {
        // Issue 9, finding 11: the domain said ACT/365F, the API 30/360.
        assert_eq!(TimeBasis::default(), TimeBasis::Months);
        let v = date(2014, 5, 5);
        assert_eq!(
            TimeBasis::default()
                .year_fraction(v, date(2015, 11, 5))
                .unwrap(),
            Decimal::from_str("1.5").unwrap()
        );
    }

    #[test]
    fn the_default_keeps_k_months_at_k_twelfths_through_february() {
        // Issue 9, finding 5: Bond Basis gave 178/360 = 0.4944...
        let half = Decimal::from_str("0.5").unwrap();
        let t = |basis: TimeBasis, a, b| basis.year_fraction(a, b).unwrap();
        assert_eq!(
            t(TimeBasis::Thirty360, date(2024, 8, 31), date(2025, 2, 28)),
            Decimal::from_str("0.4944444444444444444444444444").unwrap()
        );
        for (a, b) in [
            (date(2024, 8, 31), date(2025, 2, 28)),
            (date(2023, 8, 31), date(2024, 2, 29)),
            (date(2024, 2, 29), date(2024, 8, 31)),
            (date(2025, 2, 28), date(2025, 8, 31)),
            (date(2024, 8, 29), date(2025, 2, 28)),
            (date(2024, 8, 30), date(2025, 2, 28)),
            (date(2024, 8, 28), date(2025, 2, 28)),
        ] {
            assert_eq!(t(TimeBasis::Months, a, b), half, "{a} {b}");
        }
        // 40 semi-annual month-end flows from 2024-08-31: flow k at k/2.
        for k in 1..=40u32 {
            let flow = crate::domain::schedule::add_months(
                date(2024, 8, 31),
                i64::from(6 * k),
                true,
                "flow",
            )
            .unwrap();
            assert_eq!(
                TimeBasis::Months.units(date(2024, 8, 31), flow),
                Units {
                    primary: u64::from(180 * k),
                    leap: 0
                }
            );
        }
    }

    #[test]
    fn thirty_360_bond_basis_examples() {
        let d = |a: NaiveDate, b: NaiveDate| TimeBasis::Thirty360.units(a, b).primary;
        assert_eq!(d(date(2014, 5, 5), date(2014, 11, 5)), 180);
        assert_eq!(d(date(2021, 1, 31), date(2021, 3, 31)), 60);
        assert_eq!(d(date(2021, 1, 30), date(2021, 3, 31)), 60);
        assert_eq!(d(date(2021, 1, 29), date(2021, 3, 31)), 62);
        assert_eq!(d(date(2021, 2, 28), date(2021, 3, 1)), 3);
        assert_eq!(d(date(2021, 1, 31), date(2021, 2, 1)), 1);
        assert_eq!(d(date(2020, 1, 1), date(2030, 1, 1)), 3600);
    }

    #[test]
    fn day_bases_and_past_dates() {
        let v = date(2024, 1, 1);
        assert_eq!(
            TimeBasis::Act360
                .year_fraction(v, date(2024, 6, 29))
                .unwrap(),
            Decimal::from_str("0.5").unwrap()
        );
        assert_eq!(
            TimeBasis::Act365Fixed
                .year_fraction(v, date(2025, 1, 1))
                .unwrap(),
            Decimal::from_str("1.0027397260273972602739726027").unwrap()
        );
        for basis in [
            TimeBasis::Act365Fixed,
            TimeBasis::ActActIsda,
            TimeBasis::Thirty360,
            TimeBasis::Act360,
            TimeBasis::Months,
        ] {
            assert_eq!(basis.units(v, date(2023, 6, 1)), Units::default());
            assert_eq!(basis.units(v, v), Units::default());
            assert_eq!(
                basis.year_fraction(v, date(2000, 1, 1)).unwrap(),
                Decimal::ZERO
            );
        }
    }
}
