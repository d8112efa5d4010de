//! When, for discounting, a flow of a buyback is taken to fall: on its own
//! date, or at the end or the middle of the operation year it falls in (the
//! World Bank Debt Swap Calculator discounts year t's debt service by
//! `1/(1+d)^(t-0.5)`).
//!
//! **Operation years.** Year 0 is the buyback date itself (the upfront
//! cash); year k >= 1 runs from the day after the (k-1)-th anniversary of
//! the buyback date to the k-th anniversary, inclusive. An anniversary is
//! the buyback date moved by 12k calendar months, the day clipped to the
//! month's length (29 Feb 2024 + 1 year = 28 Feb 2025).
//!
//! **Year times.** Under [`DiscountTiming::EndOfYear`] every flow of year k
//! is discounted at `t = k`, under [`DiscountTiming::MidYear`] at
//! `t = k - 1/2` (year 0 at `t = 0` under both). Both times are exact:
//! they are the times of the dates 12k and 12k - 6 calendar months after the
//! buyback date under the month-count basis ([`TimeBasis::Months`]), where
//! a date k whole months away is exactly k/12 years away, so the existing
//! discounting computes them: the fractional power `(1 + d)^-(k - 1/2)` is
//! `e^(-L (k - 1/2))` with `L = ln(1 + d)`, each factor within a relative
//! 1e-60 of the exact value and every present value within
//! `1e-27 x max(1, sum |CF| DF)` (see [`crate::domain::numerics`]).
//! Under these two timings the discounting's own time basis is therefore
//! not used (it still measures the average time to maturity).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::error::DomainError;
use crate::domain::time::calendar::add_months;
use crate::domain::valuation::{present_value, CashFlow, Discounting, TimeBasis};

/// When a flow is taken to fall for discounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DiscountTiming {
    /// On its own date, `t` measured by the discounting's time basis (as
    /// every other debtcalc valuation).
    #[default]
    Dated,
    /// At the end of its operation year: `t = k`.
    EndOfYear,
    /// In the middle of its operation year: `t = k - 1/2` (the World Bank
    /// Debt Swap Calculator).
    MidYear,
}

impl std::fmt::Display for DiscountTiming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Dated => "each flow on its own date",
            Self::EndOfYear => "end of operation year: t = k",
            Self::MidYear => "middle of operation year: t = k - 0.5",
        })
    }
}

/// The operation years from a buyback date to the last flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearGrid {
    start: NaiveDate,
    /// `ends[k - 1]`: the last day of year k.
    ends: Vec<NaiveDate>,
}

impl YearGrid {
    /// The years from `start` through the one holding `last`.
    pub fn new(start: NaiveDate, last: NaiveDate) -> Result<Self, DomainError> {
        let mut ends = Vec::new();
        let mut k: i64 = 0;
        while ends.last().is_none_or(|end| *end < last) {
            k += 1;
            ends.push(add_months(start, 12 * k, false, "operation year end")?);
        }
        if last <= start {
            ends.clear();
        }
        Ok(Self { start, ends })
    }

    /// The number of years k >= 1 (year 0 not counted).
    pub fn years(&self) -> u32 {
        self.ends.len() as u32
    }

    /// The operation year of `date`: 0 on or before the start.
    pub fn year_of(&self, date: NaiveDate) -> u32 {
        if date <= self.start {
            return 0;
        }
        (self.ends.partition_point(|end| *end < date) + 1) as u32
    }

    /// The last day of year `k` (the start for year 0).
    pub fn end_of(&self, k: u32) -> NaiveDate {
        match k {
            0 => self.start,
            k => self.ends.get(k as usize - 1).copied().unwrap_or(self.start),
        }
    }
}

/// Discounts dated flows under `timing`: the present value at the grid's
/// start, full precision (see the module documentation).
pub fn timed_present_value(
    flows: &[CashFlow],
    grid: &YearGrid,
    discounting: &Discounting,
    timing: DiscountTiming,
) -> Result<Decimal, DomainError> {
    match timing {
        DiscountTiming::Dated => Ok(present_value(flows, grid.start, discounting)?.value),
        DiscountTiming::EndOfYear | DiscountTiming::MidYear => {
            let moved = flows
                .iter()
                .map(|flow| {
                    Ok(CashFlow {
                        date: year_time_date(grid, grid.year_of(flow.date), timing)?,
                        amount: flow.amount,
                    })
                })
                .collect::<Result<Vec<_>, DomainError>>()?;
            Ok(present_value(&moved, grid.start, &on_months(discounting))?.value)
        }
    }
}

/// The discount factor of operation year `k` under a year timing (`None`
/// under [`DiscountTiming::Dated`], where each date has its own).
pub fn year_discount_factor(
    grid: &YearGrid,
    k: u32,
    discounting: &Discounting,
    timing: DiscountTiming,
) -> Result<Option<Decimal>, DomainError> {
    if timing == DiscountTiming::Dated {
        return Ok(None);
    }
    let one = [CashFlow {
        date: year_time_date(grid, k, timing)?,
        amount: Decimal::ONE,
    }];
    Ok(Some(
        present_value(&one, grid.start, &on_months(discounting))?.value,
    ))
}

/// The date whose month-count time from the start is year k's time.
fn year_time_date(
    grid: &YearGrid,
    k: u32,
    timing: DiscountTiming,
) -> Result<NaiveDate, DomainError> {
    let months = match (k, timing) {
        (0, _) => 0,
        (k, DiscountTiming::MidYear) => 12 * i64::from(k) - 6,
        (k, _) => 12 * i64::from(k),
    };
    add_months(grid.start, months, false, "discounting time")
}

/// `discounting` with its time basis replaced by the month count.
fn on_months(discounting: &Discounting) -> Discounting {
    match discounting {
        Discounting::Flat {
            rate, compounding, ..
        } => Discounting::Flat {
            rate: *rate,
            compounding: *compounding,
            basis: TimeBasis::Months,
        },
        Discounting::Curve {
            curve, compounding, ..
        } => Discounting::Curve {
            curve: curve.clone(),
            compounding: *compounding,
            basis: TimeBasis::Months,
        },
    }
}
