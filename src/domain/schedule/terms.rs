//! The terms of a loan that a repayment schedule is built from.

use chrono::NaiveDate;
use num_bigint::BigInt;
use rust_decimal::Decimal;
use std::fmt;

use super::business_days::BusinessDays;
use super::day_count::DayCount;
use super::frequency::Frequency;
use crate::domain::error::DomainError;
use crate::domain::money::scaled_integer;
use crate::domain::rounding::{pow10, RoundingMode};

/// The most periods (grace periods plus principal instalments) a schedule
/// may have: 100 years of monthly payments.
pub const MAX_PERIODS: u32 = 1200;

/// How the principal is repaid over the `installment_count` instalment
/// periods that follow the grace periods. "The amount" below is the
/// outstanding at the end of grace: the principal plus any capitalised
/// grace interest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Amortization {
    /// Each instalment is the amount / n, rounded to the minor unit with the
    /// terms' rounding mode; the last instalment repays what is left, so the
    /// instalments add up to the amount exactly.
    EqualPrincipal,
    /// Annuity: a level payment (principal plus interest) P that leaves
    /// nothing after the last period when each remaining period multiplies
    /// the outstanding by `1 + rate x the period's day-count year fraction`
    /// (its actual fraction under an actual-day count; `1 / periods per
    /// year` under the periodic count, which gives `O i / (1 - (1 + i)^-m)`),
    /// the current rate held for later periods; computed exactly (see
    /// [`super::annuity`]) and rounded once to the minor unit; re-solved
    /// from the current outstanding whenever the rate changes. The principal
    /// part is the payment less the period's interest; the last instalment
    /// repays what is left.
    LevelPayment,
    /// The whole amount is repaid at the last instalment period; the
    /// instalment periods before it pay interest only. Equivalent to custom
    /// shares (0, ..., 0, 1); `installment_count` = 1 is the usual bullet.
    Bullet,
    /// One share per instalment, each in [0, 1], adding up to exactly 1:
    /// instalment i is share_i x the amount, rounded to the minor unit with
    /// the terms' rounding mode; the last instalment repays what is left.
    CustomShares(Vec<Decimal>),
}

impl fmt::Display for Amortization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EqualPrincipal => "equal principal",
            Self::LevelPayment => "level payment (annuity)",
            Self::Bullet => "bullet",
            Self::CustomShares(_) => "custom shares",
        })
    }
}

/// What happens to the interest of the grace periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraceInterest {
    /// Interest is paid when due: the payment of a grace period is its
    /// interest.
    Paid,
    /// Interest is added to the outstanding: the payment of a grace period is
    /// zero and the instalments then repay the principal plus the
    /// capitalised interest.
    Capitalized,
}

impl fmt::Display for GraceInterest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Paid => "paid",
            Self::Capitalized => "capitalized",
        })
    }
}

/// Where a rate step starts to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateStart {
    /// To every period whose accrual start date is on or after this date.
    Date(NaiveDate),
    /// To period N and later (1-based; grace periods count).
    Period(u32),
}

/// An annual rate that applies from `start` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateStep {
    pub start: RateStart,
    pub annual_rate: Decimal,
}

/// When a rate step dated inside an accrual period takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RateStepTiming {
    /// From the first period whose accrual START is on or after the step's
    /// date: a step dated inside a period applies from the next period.
    #[default]
    NextPeriod,
    /// From the step's date itself: a period that a dated step falls inside
    /// accrues piecewise, each rate on its own day-count year fraction (see
    /// [`InterestRate::segments`]).
    SplitPeriod,
}

impl fmt::Display for RateStepTiming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NextPeriod => "next period",
            Self::SplitPeriod => "split period",
        })
    }
}

/// A part of an accrual period at one rate: `start..end` at `annual_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateSegment {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub annual_rate: Decimal,
}

/// A fixing of a reference rate: `rate` (annual, decimal) from `date` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fixing {
    pub date: NaiveDate,
    pub rate: Decimal,
}

/// A floating rate: a reference-rate path plus a margin. The rate of a period
/// is the fixing in force at its accrual start (the last fixing dated on or
/// before it: fixed in advance, no lag) plus `margin`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FloatingRate {
    /// Fixings in strictly ascending date order.
    pub fixings: Vec<Fixing>,
    pub margin: Decimal,
}

impl FloatingRate {
    /// The fixing in force on `date`, plus the margin; `None` before the
    /// first fixing (or if the sum leaves the decimal range).
    pub fn rate_on(&self, date: NaiveDate) -> Option<Decimal> {
        let after = self.fixings.partition_point(|f| f.date <= date);
        let fixing = self.fixings.get(after.checked_sub(1)?)?;
        fixing.rate.checked_add(self.margin)
    }
}

/// A nominal annual interest rate (0.0585 for 5.85%), fixed or stepped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InterestRate {
    /// The rate of the periods that no step applies to.
    pub initial: Decimal,
    /// Rate changes; none for a fixed rate.
    pub steps: Vec<RateStep>,
    /// When a dated step that falls inside a period takes effect.
    pub step_timing: RateStepTiming,
    /// A floating rate; when present, `initial` and `steps` are unused (and
    /// must be zero and empty).
    pub floating: Option<FloatingRate>,
}

impl InterestRate {
    /// A rate that never changes.
    pub fn fixed(annual_rate: Decimal) -> Self {
        Self {
            initial: annual_rate,
            steps: Vec::new(),
            step_timing: RateStepTiming::NextPeriod,
            floating: None,
        }
    }

    /// The rate segments of period `period`, accruing `start..end`. With
    /// [`RateStepTiming::NextPeriod`] one segment at [`Self::rate_for`] the
    /// accrual start. With [`RateStepTiming::SplitPeriod`] the period is cut
    /// at every dated step strictly inside it, each part at the rate in
    /// force on its first day; adjacent parts at the same rate are merged.
    pub fn segments(&self, period: u32, start: NaiveDate, end: NaiveDate) -> Vec<RateSegment> {
        let mut cuts: Vec<NaiveDate> = match self.step_timing {
            RateStepTiming::NextPeriod => Vec::new(),
            RateStepTiming::SplitPeriod if self.floating.is_some() => Vec::new(),
            RateStepTiming::SplitPeriod => self
                .steps
                .iter()
                .filter_map(|step| match step.start {
                    RateStart::Date(date) if start < date && date < end => Some(date),
                    _ => None,
                })
                .collect(),
        };
        cuts.sort_unstable();
        cuts.dedup();
        let bounds: Vec<NaiveDate> = std::iter::once(start)
            .chain(cuts)
            .chain(std::iter::once(end))
            .collect();
        let mut segments: Vec<RateSegment> = Vec::with_capacity(bounds.len() - 1);
        for pair in bounds.windows(2) {
            // The rate in force on the part's first day.
            let annual_rate = self.rate_for(period, pair[0]);
            match segments.last_mut() {
                Some(last) if last.annual_rate == annual_rate => last.end = pair[1],
                _ => segments.push(RateSegment {
                    start: pair[0],
                    end: pair[1],
                    annual_rate,
                }),
            }
        }
        segments
    }

    /// The annual rate of period `period` (1-based), whose interest accrues
    /// from `accrual_start`: the rate of the LAST step in the list that
    /// applies to it, or the initial rate if none does. Listing steps in
    /// chronological order therefore gives the usual step-up profile.
    pub fn rate_for(&self, period: u32, accrual_start: NaiveDate) -> Decimal {
        if let Some(floating) = &self.floating {
            // Checked by LoanTerms::check: a fixing is in force at every
            // accrual start and the sums are in range.
            return floating.rate_on(accrual_start).unwrap_or(Decimal::ZERO);
        }
        self.steps
            .iter()
            .rev()
            .find(|step| match step.start {
                RateStart::Date(date) => accrual_start >= date,
                RateStart::Period(first) => period >= first,
            })
            .map_or(self.initial, |step| step.annual_rate)
    }

    /// Every rate the terms can apply; `None` when a fixing plus the margin
    /// leaves the decimal range.
    fn all_rates(&self) -> Option<Vec<Decimal>> {
        match &self.floating {
            Some(floating) => floating
                .fixings
                .iter()
                .map(|f| f.rate.checked_add(floating.margin))
                .collect(),
            None => Some(
                std::iter::once(self.initial)
                    .chain(self.steps.iter().map(|s| s.annual_rate))
                    .collect(),
            ),
        }
    }
}

/// The terms of a loan. See the module documentation of
/// [`super`] for the conventions every field follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoanTerms {
    /// Due date of the first scheduled payment (interest or principal);
    /// later payments fall due every period after it.
    pub first_payment_date: NaiveDate,
    /// Interest accrues from here; `None` = one period before
    /// `first_payment_date` (by the same month arithmetic as the due dates).
    pub accrual_start: Option<NaiveDate>,
    pub frequency: Frequency,
    /// Number of principal instalments (at least 1).
    pub installment_count: u32,
    /// Periods before the first principal instalment.
    pub grace_periods: u32,
    pub grace_interest: GraceInterest,
    pub amortization: Amortization,
    pub rate: InterestRate,
    pub day_count: DayCount,
    /// Whether due dates follow the end of the month when the first payment
    /// date is the last day of its month.
    pub end_of_month: bool,
    /// How interest, instalments and level payments are rounded to the minor
    /// unit.
    pub rounding: RoundingMode,
    /// Business-day adjustment of the due dates (default: none).
    pub business_days: BusinessDays,
}

impl LoanTerms {
    /// The number of periods, `grace_periods + installment_count`, or an
    /// error when there is no instalment or more than [`MAX_PERIODS`].
    pub fn period_count(&self) -> Result<u32, DomainError> {
        if self.installment_count == 0 {
            return Err(DomainError::InvalidTerms {
                reason: "installment_count must be at least 1",
            });
        }
        match self.grace_periods.checked_add(self.installment_count) {
            Some(total) if total <= MAX_PERIODS => Ok(total),
            _ => Err(DomainError::InvalidTerms {
                reason: "grace_periods + installment_count exceeds the maximum number of periods",
            }),
        }
    }

    /// Checks what the engine relies on beyond [`Self::period_count`]:
    /// every rate > -1, and custom shares (one per instalment, each in
    /// [0, 1]) adding up to exactly 1.
    pub fn check(&self) -> Result<u32, DomainError> {
        let periods = self.period_count()?;
        let rates = self.rate.all_rates().ok_or(DomainError::Overflow {
            quantity: "fixing plus margin",
        })?;
        if rates.iter().any(|r| *r <= Decimal::NEGATIVE_ONE) {
            return Err(DomainError::InvalidTerms {
                reason: "every annual rate must be greater than -1",
            });
        }
        if let Some(floating) = &self.rate.floating {
            if floating.fixings.is_empty()
                || floating.fixings.windows(2).any(|w| w[0].date >= w[1].date)
            {
                return Err(DomainError::InvalidTerms {
                    reason: "fixings must be given in strictly ascending date order",
                });
            }
            if !self.rate.steps.is_empty() || !self.rate.initial.is_zero() {
                return Err(DomainError::InvalidTerms {
                    reason: "a floating rate excludes a fixed rate and rate steps",
                });
            }
        }
        if let Amortization::CustomShares(shares) = &self.amortization {
            if shares.len() != self.installment_count as usize {
                return Err(DomainError::InvalidTerms {
                    reason: "custom shares must number installment_count",
                });
            }
            if shares
                .iter()
                .any(|s| *s < Decimal::ZERO || *s > Decimal::ONE)
            {
                return Err(DomainError::InvalidTerms {
                    reason: "every custom share must be in [0, 1]",
                });
            }
            // Exactly, on a common scale of 10^28 (the finest decimal scale).
            let sum: BigInt = shares.iter().filter_map(|s| scaled_integer(*s, 28)).sum();
            if sum != pow10(28) {
                return Err(DomainError::InvalidTerms {
                    reason: "custom shares must add up to exactly 1",
                });
            }
        }
        Ok(periods)
    }
}

/// Terms for tests: 40 semi-annual equal-principal instalments at 0% from
/// 2015-03-17, 30/360, no grace, half-even rounding.
#[cfg(test)]
pub(crate) fn sample_terms() -> LoanTerms {
    LoanTerms {
        first_payment_date: NaiveDate::from_ymd_opt(2015, 3, 17).unwrap_or_default(),
        accrual_start: None,
        frequency: Frequency::SemiAnnual,
        installment_count: 40,
        grace_periods: 0,
        grace_interest: GraceInterest::Paid,
        amortization: Amortization::EqualPrincipal,
        rate: InterestRate::fixed(Decimal::ZERO),
        day_count: DayCount::Thirty360,
        end_of_month: false,
        rounding: RoundingMode::HalfEven,
        business_days: BusinessDays::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn last_applicable_step_wins() {
        let rate = InterestRate {
            initial: dec("0.0225"),
            steps: vec![
                RateStep {
                    start: RateStart::Period(3),
                    annual_rate: dec("0.04"),
                },
                RateStep {
                    start: RateStart::Date(d("2020-01-01")),
                    annual_rate: dec("0.0585"),
                },
            ],
            step_timing: RateStepTiming::NextPeriod,
            floating: None,
        };
        assert_eq!(rate.rate_for(1, d("2015-01-01")), dec("0.0225"));
        assert_eq!(rate.rate_for(2, d("2015-07-01")), dec("0.0225"));
        assert_eq!(rate.rate_for(3, d("2016-01-01")), dec("0.04"));
        assert_eq!(rate.rate_for(10, d("2019-12-31")), dec("0.04"));
        assert_eq!(rate.rate_for(11, d("2020-01-01")), dec("0.0585"));
        // A date step applies by date even to early period numbers.
        assert_eq!(rate.rate_for(1, d("2021-01-01")), dec("0.0585"));
        assert_eq!(
            InterestRate::fixed(dec("0.05")).rate_for(99, d("2099-01-01")),
            dec("0.05")
        );
    }

    #[test]
    fn split_periods_cut_at_dated_steps_inside_them() {
        let mut rate = InterestRate {
            initial: dec("0.04"),
            steps: vec![
                RateStep {
                    start: RateStart::Date(d("2025-04-01")),
                    annual_rate: dec("0.06"),
                },
                RateStep {
                    start: RateStart::Date(d("2025-05-01")),
                    annual_rate: dec("0.06"),
                },
                RateStep {
                    start: RateStart::Period(3),
                    annual_rate: dec("0.07"),
                },
            ],
            step_timing: RateStepTiming::NextPeriod,
            floating: None,
        };
        let (start, end) = (d("2025-01-15"), d("2025-07-15"));
        let one = |r: &str| RateSegment {
            start,
            end,
            annual_rate: dec(r),
        };
        assert_eq!(rate.segments(2, start, end), [one("0.04")]);
        rate.step_timing = RateStepTiming::SplitPeriod;
        // The 2025-05-01 step repeats 6%: merged.
        assert_eq!(
            rate.segments(2, start, end),
            [
                RateSegment {
                    start,
                    end: d("2025-04-01"),
                    annual_rate: dec("0.04")
                },
                RateSegment {
                    start: d("2025-04-01"),
                    end,
                    annual_rate: dec("0.06")
                },
            ]
        );
        // From period 3 the period step, listed last, wins on every day.
        assert_eq!(rate.segments(3, start, end), [one("0.07")]);
        // A step on the accrual start or end does not split.
        let on_start = rate.segments(2, d("2025-04-01"), d("2025-10-01"));
        assert_eq!(on_start.len(), 1);
        assert_eq!(on_start[0].annual_rate, dec("0.06"));
        assert_eq!(rate.segments(2, d("2024-10-01"), d("2025-04-01")).len(), 1);
    }

    #[test]
    fn period_count_limits() {
        let mut t = sample_terms();
        assert_eq!(t.period_count(), Ok(40));
        t.grace_periods = 1160;
        assert_eq!(t.period_count(), Ok(MAX_PERIODS));
        t.grace_periods = 1161;
        assert!(matches!(
            t.period_count(),
            Err(DomainError::InvalidTerms { .. })
        ));
        t.grace_periods = u32::MAX;
        assert!(matches!(
            t.period_count(),
            Err(DomainError::InvalidTerms { .. })
        ));
        t.grace_periods = 0;
        t.installment_count = 0;
        assert!(matches!(
            t.period_count(),
            Err(DomainError::InvalidTerms { .. })
        ));
    }

    #[test]
    fn shares_and_rates_are_checked() {
        let mut t = sample_terms();
        t.installment_count = 3;
        t.amortization = Amortization::CustomShares(vec![dec("0.2"), dec("0.3"), dec("0.5")]);
        assert_eq!(t.check(), Ok(3));
        t.amortization = Amortization::CustomShares(vec![
            dec("0.3333333333333333333333333333"),
            dec("0.3333333333333333333333333333"),
            dec("0.3333333333333333333333333334"),
        ]);
        assert_eq!(t.check(), Ok(3));
        t.amortization = Amortization::CustomShares(vec![
            dec("0.3333333333333333333333333333"),
            dec("0.3333333333333333333333333333"),
            dec("0.3333333333333333333333333333"),
        ]);
        assert!(t.check().is_err());
        t.amortization = Amortization::CustomShares(vec![dec("0.5"), dec("0.5")]);
        assert!(t.check().is_err());
        t.amortization = Amortization::CustomShares(vec![dec("1.5"), dec("-0.5"), dec("0")]);
        assert!(t.check().is_err());
        t.amortization = Amortization::EqualPrincipal;
        t.rate = InterestRate::fixed(dec("-1"));
        assert!(t.check().is_err());
        t.rate = InterestRate::fixed(dec("-0.99"));
        assert_eq!(t.check(), Ok(3));
    }
}
