//! Due dates and accrual dates of a schedule.
//!
//! Conventions:
//! - Period k (1-based) falls due `(k - 1) x months_per_period` calendar
//!   months after the first payment date, each date computed from that anchor
//!   (never from the previous date), its day clipped to the length of the
//!   month: an anchor of Jan 31 gives Feb 28 (29 in leap years), then Mar 31.
//! - With `end_of_month` and an anchor on the last day of its month, every
//!   date is the last day of its month (Feb 28 gives Mar 31, Apr 30, ...).
//! - Dates are unadjusted: no business-day calendar is applied.
//! - The first accrual period starts at `accrual_start`, or, if that is not
//!   given, one period before the first payment date by the same rules;
//!   accrual period k runs from due date k - 1 to due date k.
//! - Every date lies in 0001-01-01..=9999-12-31; a date outside is a
//!   [`DomainError::DateOutOfRange`].

use chrono::NaiveDate;

use super::terms::LoanTerms;
use crate::domain::error::DomainError;
pub use crate::domain::time::calendar::{
    add_months, days_in_month, is_month_end, MAX_DATE, MIN_DATE,
};

/// The unadjusted due dates of all `grace_periods + installment_count`
/// periods, in order.
pub fn payment_dates(terms: &LoanTerms) -> Result<Vec<NaiveDate>, DomainError> {
    let periods = terms.period_count()?;
    let step = i64::from(terms.frequency.months_per_period());
    (0..i64::from(periods))
        .map(|k| {
            add_months(
                terms.first_payment_date,
                k * step,
                terms.end_of_month,
                "payment date",
            )
        })
        .collect()
}

/// The start of the first accrual period: `terms.accrual_start`, or one
/// period before the first payment date. It must be before the first payment
/// date.
pub fn first_accrual_start(terms: &LoanTerms) -> Result<NaiveDate, DomainError> {
    let start = match terms.accrual_start {
        Some(date) if (MIN_DATE..=MAX_DATE).contains(&date) => date,
        Some(_) => {
            return Err(DomainError::DateOutOfRange {
                quantity: "accrual start",
            })
        }
        None => add_months(
            terms.first_payment_date,
            -i64::from(terms.frequency.months_per_period()),
            terms.end_of_month,
            "accrual start",
        )?,
    };
    if start >= terms.first_payment_date {
        return Err(DomainError::InvalidTerms {
            reason: "accrual start must be before the first payment date",
        });
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::super::frequency::Frequency;
    use super::super::terms::sample_terms;
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn monthly_from(anchor: &str, eom: bool, n: u32) -> Vec<String> {
        let mut t = sample_terms();
        t.first_payment_date = d(anchor);
        t.frequency = Frequency::Monthly;
        t.installment_count = n;
        t.end_of_month = eom;
        payment_dates(&t)
            .unwrap()
            .iter()
            .map(|x| x.to_string())
            .collect()
    }

    #[test]
    fn january_31_is_clipped_not_drifting() {
        assert_eq!(
            monthly_from("2023-01-31", false, 5),
            [
                "2023-01-31",
                "2023-02-28",
                "2023-03-31",
                "2023-04-30",
                "2023-05-31"
            ]
        );
        assert_eq!(
            monthly_from("2024-01-31", false, 3),
            ["2024-01-31", "2024-02-29", "2024-03-31"]
        );
        // The end-of-month flag changes nothing for a month-end anchor on the 31st.
        assert_eq!(
            monthly_from("2024-01-31", true, 3),
            ["2024-01-31", "2024-02-29", "2024-03-31"]
        );
    }

    #[test]
    fn end_of_month_rule() {
        // Without the rule, Feb 28 stays on the 28th.
        assert_eq!(
            monthly_from("2023-02-28", false, 4),
            ["2023-02-28", "2023-03-28", "2023-04-28", "2023-05-28"]
        );
        // With it, every date is a month end.
        assert_eq!(
            monthly_from("2023-02-28", true, 4),
            ["2023-02-28", "2023-03-31", "2023-04-30", "2023-05-31"]
        );
        // An anchor that is not a month end is unaffected.
        assert_eq!(
            monthly_from("2023-02-27", true, 2),
            ["2023-02-27", "2023-03-27"]
        );
        // Semi-annual from Aug 31 (EOM): Feb 28/29 then Aug 31.
        let mut t = sample_terms();
        t.first_payment_date = d("2023-08-31");
        t.installment_count = 3;
        t.end_of_month = true;
        assert_eq!(
            payment_dates(&t).unwrap(),
            [d("2023-08-31"), d("2024-02-29"), d("2024-08-31")]
        );
        assert_eq!(first_accrual_start(&t), Ok(d("2023-02-28")));
        t.first_payment_date = d("2024-02-29");
        assert_eq!(first_accrual_start(&t), Ok(d("2023-08-31")));
        t.end_of_month = false;
        assert_eq!(first_accrual_start(&t), Ok(d("2023-08-29")));
    }

    #[test]
    fn cuba_semi_annual_dates() {
        let mut t = sample_terms();
        t.first_payment_date = d("2014-10-25");
        t.installment_count = 20;
        let dates = payment_dates(&t).unwrap();
        assert_eq!(dates.len(), 20);
        assert_eq!(dates[1], d("2015-04-25"));
        assert_eq!(dates[19], d("2024-04-25"));
        assert_eq!(first_accrual_start(&t), Ok(d("2014-04-25")));
    }

    #[test]
    fn dates_beyond_9999_are_errors() {
        let mut t = sample_terms();
        t.first_payment_date = d("9990-01-15");
        t.frequency = Frequency::Annual;
        t.installment_count = 10;
        assert_eq!(payment_dates(&t).unwrap().last(), Some(&d("9999-01-15")));
        t.installment_count = 11;
        assert_eq!(
            payment_dates(&t),
            Err(DomainError::DateOutOfRange {
                quantity: "payment date"
            })
        );
        t.first_payment_date = d("0001-03-01");
        assert_eq!(
            first_accrual_start(&t),
            Err(DomainError::DateOutOfRange {
                quantity: "accrual start"
            })
        );
        t.first_payment_date = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
        t.installment_count = 1;
        assert!(payment_dates(&t).is_err());
        assert_eq!(add_months(d("2000-01-01"), i64::MAX, false, "x").ok(), None);
    }

    #[test]
    fn explicit_accrual_start_must_precede_first_payment() {
        let mut t = sample_terms();
        t.accrual_start = Some(d("2014-12-01"));
        assert_eq!(first_accrual_start(&t), Ok(d("2014-12-01")));
        t.accrual_start = Some(t.first_payment_date);
        assert!(matches!(
            first_accrual_start(&t),
            Err(DomainError::InvalidTerms { .. })
        ));
    }

    proptest! {
        #[test]
        fn dates_increase_and_keep_the_anchor_day(
            day in 0i64..3_000_000, months in 1i64..=12, n in 1i64..300, eom: bool
        ) {
            let anchor = MIN_DATE + chrono::Days::new(day as u64);
            let mut previous = None;
            for k in 0..n {
                let Ok(date) = add_months(anchor, k * months, eom, "x") else {
                    // Only the upper bound can be passed.
                    prop_assert!(anchor.year() + ((k * months) / 12) as i32 >= 9998);
                    break;
                };
                if let Some(p) = previous {
                    prop_assert!(date > p);
                }
                if eom && is_month_end(anchor) {
                    prop_assert!(is_month_end(date));
                } else {
                    prop_assert_eq!(date.day(), anchor.day().min(days_in_month(date.year(), date.month())));
                }
                previous = Some(date);
            }
        }
    }
}
