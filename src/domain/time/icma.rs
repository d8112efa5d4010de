//! ACT/ACT ICMA (ICMA Rule 251; ISDA 2006 §4.16(c)) on notional regular
//! periods, as QuantLib's `ActualActual(ICMA, schedule)` computes it.
//!
//! The regular periods of a schedule are the intervals between the
//! notional dates `anchor` moved by `k x months` for every integer `k`
//! (day clipped to the month's length, or the month's last day with the
//! end-of-month roll, exactly as the schedule's due dates are made; see
//! [`crate::domain::schedule::dates`]). A day of an accrual interval counts
//! `1 / (f x L)` years, where `f` is the number of periods a year and `L`
//! the number of days of the notional period it falls in. So a regular
//! period is exactly `1/f`, a short first period of `n` days inside a
//! notional period of `L` days is `n / (f L)`, and a long first period is
//! its part in the earlier notional period prorated the same way, plus
//! `1/f` for every whole notional period.

use chrono::{Datelike, NaiveDate};

use super::calendar::{days_in_month, is_month_end};

/// The notional regular periods through `anchor`, `months` months long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotionalPeriods {
    anchor: NaiveDate,
    months: u32,
    end_of_month: bool,
}

impl NotionalPeriods {
    /// Periods of `months` months (1, 3, 6 or 12) through `anchor`, rolling
    /// on month ends when `end_of_month` and `anchor` is a month end.
    pub fn new(anchor: NaiveDate, months: u32, end_of_month: bool) -> Self {
        Self {
            anchor,
            months: months.max(1),
            end_of_month,
        }
    }

    /// Periods a year, `12 / months`.
    fn per_year(&self) -> i64 {
        (12 / i64::from(self.months)).max(1)
    }

    /// The notional date `k` periods after the anchor (`None` beyond the
    /// calendar's range).
    pub fn date(&self, k: i64) -> Option<NaiveDate> {
        let index = i64::from(self.anchor.year()) * 12 + i64::from(self.anchor.month0());
        let target = index.checked_add(k.checked_mul(i64::from(self.months))?)?;
        let year = i32::try_from(target.div_euclid(12)).ok()?;
        let month = u32::try_from(target.rem_euclid(12)).ok()? + 1;
        let last = days_in_month(year, month);
        let day = if self.end_of_month && is_month_end(self.anchor) {
            last
        } else {
            self.anchor.day().min(last)
        };
        NaiveDate::from_ymd_opt(year, month, day)
    }

    /// The largest `k` with `date(k) <= date`.
    fn index_on_or_before(&self, date: NaiveDate) -> Option<i64> {
        let months = (i64::from(date.year()) - i64::from(self.anchor.year())) * 12
            + i64::from(date.month0())
            - i64::from(self.anchor.month0());
        let mut k = months.div_euclid(i64::from(self.months));
        while self.date(k)? > date {
            k -= 1;
        }
        while self.date(k + 1)? <= date {
            k += 1;
        }
        Some(k)
    }

    /// The ACT/ACT ICMA year fraction from `start` to `end` as an exact
    /// `(numerator, denominator)`, the denominator positive and the ratio
    /// in lowest terms; negative when `end` is before `start`. `None` only
    /// for dates whose notional periods leave the calendar's range.
    pub fn year_fraction(&self, start: NaiveDate, end: NaiveDate) -> Option<(i64, i64)> {
        if end < start {
            let (n, d) = self.year_fraction(end, start)?;
            return Some((-n, d));
        }
        if end == start {
            return Some((0, 1));
        }
        let days = |a: NaiveDate, b: NaiveDate| (b - a).num_days();
        let f = self.per_year();
        // start lies in notional period a, the day before end in period b.
        let a = self.index_on_or_before(start)?;
        let b = self.index_on_or_before(end.pred_opt()?)?;
        let (a_start, a_end) = (self.date(a)?, self.date(a + 1)?);
        let length_a = days(a_start, a_end);
        let (numerator, denominator) = if a == b {
            (days(start, end), f * length_a)
        } else {
            let (b_start, b_end) = (self.date(b)?, self.date(b + 1)?);
            let length_b = days(b_start, b_end);
            let whole = b - a - 1;
            (
                days(start, a_end) * length_b
                    + whole * length_a * length_b
                    + days(b_start, end) * length_a,
                f * length_a * length_b,
            )
        };
        let g = gcd(numerator, denominator);
        Some((numerator / g, denominator / g))
    }
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn semi(anchor: &str) -> NotionalPeriods {
        NotionalPeriods::new(d(anchor), 6, false)
    }

    #[test]
    fn regular_short_and_long_first_periods() {
        let p = semi("2025-07-15");
        // A regular period is exactly half a year, whatever its length.
        assert_eq!(
            p.year_fraction(d("2025-01-15"), d("2025-07-15")),
            Some((1, 2))
        );
        assert_eq!(
            p.year_fraction(d("2025-07-15"), d("2026-01-15")),
            Some((1, 2))
        );
        // Short first period: 30 days of the 181-day notional period
        // 2025-01-15..2025-07-15, 30 / 362 in lowest terms.
        assert_eq!(
            p.year_fraction(d("2025-06-15"), d("2025-07-15")),
            Some((15, 181))
        );
        // Long first period: 2024-12-15 to 2025-01-15 is 31 of the 184 days
        // of 2024-07-15..2025-01-15, then a whole period.
        assert_eq!(
            p.year_fraction(d("2024-12-15"), d("2025-07-15")),
            Some((31 + 184, 2 * 184))
        );
        // Two partial periods (184 and 181 days) around two whole ones.
        let (n, den) = p.year_fraction(d("2024-12-15"), d("2026-02-15")).unwrap();
        assert_eq!(
            n * 2 * 184 * 181,
            (31 * 181 + 2 * 184 * 181 + 31 * 184) * den
        );
        // Reversed dates give the negative fraction.
        assert_eq!(
            p.year_fraction(d("2025-07-15"), d("2025-06-15")),
            Some((-15, 181))
        );
    }

    #[test]
    fn month_ends_roll_like_the_schedule() {
        // Anchor 2025-02-28 with the end-of-month roll: 2024-08-31 to
        // 2025-02-28 is one regular period.
        let p = NotionalPeriods::new(d("2025-02-28"), 6, true);
        assert_eq!(p.date(-1), Some(d("2024-08-31")));
        assert_eq!(
            p.year_fraction(d("2024-08-31"), d("2025-02-28")),
            Some((1, 2))
        );
        // Without the roll the notional date before is 2024-08-28.
        let q = NotionalPeriods::new(d("2025-02-28"), 6, false);
        assert_eq!(q.date(-1), Some(d("2024-08-28")));
        // Clipped days come back: anchor Jan 31 monthly, Feb 28, Mar 31.
        let m = NotionalPeriods::new(d("2025-01-31"), 1, false);
        assert_eq!(m.date(1), Some(d("2025-02-28")));
        assert_eq!(m.date(2), Some(d("2025-03-31")));
        assert_eq!(
            m.year_fraction(d("2025-02-28"), d("2025-03-31")),
            Some((1, 12))
        );
        // Half of the period 2025-01-31..2025-02-28 (14 of 28 days) is 1/24
        // year.
        assert_eq!(
            m.year_fraction(d("2025-01-31"), d("2025-02-14")),
            Some((1, 24))
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1i32..=3_652_059).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    proptest! {
        #[test]
        fn additive_and_whole_periods_exact(
            anchor in any_date(), a in any_date(), b in any_date(), c in any_date(),
            months in prop_oneof![Just(1u32), Just(3), Just(6), Just(12)],
            eom: bool, k in -50i64..50, n in 1i64..30,
        ) {
            let p = NotionalPeriods::new(anchor, months, eom);
            let mut v = [a, b, c];
            v.sort();
            let [a, b, c] = v;
            let (n1, d1) = p.year_fraction(a, b).unwrap();
            let (n2, d2) = p.year_fraction(b, c).unwrap();
            let (n3, d3) = p.year_fraction(a, c).unwrap();
            // n1/d1 + n2/d2 == n3/d3, in i128 to avoid overflow.
            prop_assert_eq!(
                (i128::from(n1) * i128::from(d2) + i128::from(n2) * i128::from(d1)) * i128::from(d3),
                i128::from(n3) * i128::from(d1) * i128::from(d2)
            );
            // n whole notional periods are exactly n / f years.
            if let (Some(x), Some(y)) = (p.date(k), p.date(k + n)) {
                let f = 12 / i64::from(months);
                let (num, den) = p.year_fraction(x, y).unwrap();
                prop_assert_eq!(num * f, n * den);
            }
        }
    }
}
