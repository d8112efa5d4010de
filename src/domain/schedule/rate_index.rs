//! The rate steps of a loan indexed once per schedule, so that the rate of
//! a period (the LAST listed step that applies, see
//! [`InterestRate::rate_for`]) and its split segments are found in
//! O(log steps) instead of a scan of every step: with a step at each of
//! 1,200 periods the scans alone cost as much as the rest of the schedule.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::terms::{InterestRate, RateSegment, RateStart, RateStepTiming};

/// [`InterestRate::rate_for`] and [`InterestRate::segments`], indexed.
#[derive(Debug)]
pub struct RateIndex<'a> {
    rate: &'a InterestRate,
    /// The period-numbered steps by first period, each with the largest
    /// list index among the steps up to it in this order.
    by_period: Vec<(u32, usize)>,
    /// The dated steps by date, likewise.
    by_date: Vec<(NaiveDate, usize)>,
    /// The dates of the dated steps, sorted, without repeats.
    dates: Vec<NaiveDate>,
}

impl<'a> RateIndex<'a> {
    pub fn new(rate: &'a InterestRate) -> Self {
        let mut by_period: Vec<(u32, usize)> = Vec::new();
        let mut by_date: Vec<(NaiveDate, usize)> = Vec::new();
        for (index, step) in rate.steps.iter().enumerate() {
            match step.start {
                RateStart::Period(first) => by_period.push((first, index)),
                RateStart::Date(date) => by_date.push((date, index)),
            }
        }
        by_period.sort_unstable();
        by_date.sort_unstable();
        prefix_max(&mut by_period);
        prefix_max(&mut by_date);
        let mut dates: Vec<NaiveDate> = by_date.iter().map(|(date, _)| *date).collect();
        dates.dedup();
        Self {
            rate,
            by_period,
            by_date,
            dates,
        }
    }

    /// The same as [`InterestRate::rate_for`].
    pub fn rate_for(&self, period: u32, accrual_start: NaiveDate) -> Decimal {
        if let Some(floating) = &self.rate.floating {
            return floating.rate_on(accrual_start).unwrap_or(Decimal::ZERO);
        }
        let by_period = last_up_to(&self.by_period, |first| first <= period);
        let by_date = last_up_to(&self.by_date, |date| date <= accrual_start);
        match by_period.max(by_date) {
            Some(index) => self.rate.steps[index].annual_rate,
            None => self.rate.initial,
        }
    }

    /// The same as [`InterestRate::segments`].
    pub fn segments(&self, period: u32, start: NaiveDate, end: NaiveDate) -> Vec<RateSegment> {
        let cuts: &[NaiveDate] = match self.rate.step_timing {
            RateStepTiming::SplitPeriod if self.rate.floating.is_none() => {
                let from = self.dates.partition_point(|date| *date <= start);
                let to = self.dates.partition_point(|date| *date < end);
                &self.dates[from..to.max(from)]
            }
            _ => &[],
        };
        let mut segments: Vec<RateSegment> = Vec::with_capacity(cuts.len() + 1);
        let bounds = std::iter::once(start).chain(cuts.iter().copied());
        let ends = cuts.iter().copied().chain(std::iter::once(end));
        for (part_start, part_end) in bounds.zip(ends) {
            // The rate in force on the part's first day.
            let annual_rate = self.rate_for(period, part_start);
            match segments.last_mut() {
                Some(last) if last.annual_rate == annual_rate => last.end = part_end,
                _ => segments.push(RateSegment {
                    start: part_start,
                    end: part_end,
                    annual_rate,
                }),
            }
        }
        segments
    }
}

/// Replaces each list index by the largest one up to it.
fn prefix_max<K>(keyed: &mut [(K, usize)]) {
    let mut largest = 0;
    for (i, (_, index)) in keyed.iter_mut().enumerate() {
        largest = if i == 0 { *index } else { largest.max(*index) };
        *index = largest;
    }
}

/// The largest list index among the keys that satisfy `applies` (a prefix
/// of the sorted keys).
fn last_up_to<K: Copy>(keyed: &[(K, usize)], applies: impl Fn(K) -> bool) -> Option<usize> {
    let count = keyed.partition_point(|(key, _)| applies(*key));
    count.checked_sub(1).map(|last| keyed[last].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::terms::RateStep;
    use proptest::prelude::*;

    fn day(offset: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(offset)
    }

    proptest! {
        /// The index gives what the scans give, for unsorted, repeated and
        /// mixed steps under both timings.
        #[test]
        fn agrees_with_the_scans(
            steps in prop::collection::vec((any::<bool>(), 0i64..60, -50i64..50), 0..12),
            split in any::<bool>(),
            queries in prop::collection::vec((0u32..30, 0i64..60, 1i64..20), 1..20),
        ) {
            let rate = InterestRate {
                initial: Decimal::new(5, 2),
                steps: steps
                    .iter()
                    .map(|&(dated, at, bp)| RateStep {
                        start: if dated {
                            RateStart::Date(day(at))
                        } else {
                            RateStart::Period(at as u32)
                        },
                        annual_rate: Decimal::new(bp, 4),
                    })
                    .collect(),
                step_timing: if split {
                    RateStepTiming::SplitPeriod
                } else {
                    RateStepTiming::NextPeriod
                },
                floating: None,
            };
            let index = RateIndex::new(&rate);
            for (period, start, length) in queries {
                let (start, end) = (day(start), day(start + length));
                prop_assert_eq!(index.rate_for(period, start), rate.rate_for(period, start));
                prop_assert_eq!(
                    index.segments(period, start, end),
                    rate.segments(period, start, end)
                );
            }
        }
    }
}
