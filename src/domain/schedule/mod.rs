//! Repayment schedules: due dates, interest and principal of every period
//! of a loan, computed exactly in the currency's minor unit.
//!
//! # Conventions
//!
//! **Periods.** A schedule has `grace_periods + installment_count` periods
//! (at most [`MAX_PERIODS`]), numbered from 1. The first `grace_periods`
//! repay no principal; the rest each repay one principal instalment.
//!
//! **Dates** ([`dates`]). Period k falls due `(k - 1) x months_per_period`
//! months after `first_payment_date`, computed from that anchor each time,
//! the day clipped to the month's length (Jan 31, Feb 28/29, Mar 31, ...).
//! With `end_of_month` and an anchor on the last day of its month, every
//! due date is the last day of its month. Dates are unadjusted (no
//! business-day calendar). Accrual period k runs from due date k - 1 (for
//! k = 1: `accrual_start`, or one period before the first payment date) to
//! due date k. Dates outside 0001-01-01..=9999-12-31 are a
//! `DomainError::DateOutOfRange`.
//!
//! **Interest.** The interest of a period is the outstanding at its start x
//! the period's annual rate x the day-count year fraction ([`DayCount`];
//! [`DayCount::Periodic`] is `1 / periods_per_year` for a regular period and
//! prorates an irregular first period against notional regular periods, as
//! ACT/ACT ICMA does), computed as an exact
//! ratio of integers and rounded once to the minor unit with
//! `terms.rounding`. The rate of a period is the initial rate or that of the
//! last listed [`RateStep`] that applies to it (by period number, or by the
//! period's accrual start date). With [`RateStepTiming::SplitPeriod`] a
//! dated step strictly inside an accrual period splits it: each part accrues
//! at its own rate on its own day-count year fraction (under the periodic
//! count, `1 / periods_per_year` x the part's share of the period's actual
//! days), and the period's interest is the exact sum, rounded once.
//!
//! **Grace.** In a grace period with [`GraceInterest::Paid`] the payment is
//! the interest; with [`GraceInterest::Capitalized`] the payment is zero and
//! the interest is added to the outstanding, so the instalments repay the
//! principal plus the capitalised interest: `total_principal = principal +
//! total_capitalized_interest`.
//!
//! **Principal.** The amount to repay is the outstanding at the end of
//! grace. Equal principal: each instalment is amount / n rounded with
//! `terms.rounding`. Custom shares: instalment i is share_i x amount,
//! rounded. Bullet: shares (0, ..., 0, 1), the earlier instalment periods
//! paying interest only. Level payment (annuity): the payment P that leaves
//! nothing after the last period when each remaining period multiplies the
//! outstanding by `1 + rate x its day-count year fraction` (the periods'
//! ACTUAL fractions, so the payment is level under ACT/360, ACT/365F and
//! ACT/ACT too; with [`DayCount::Periodic`] this is the textbook `O i / (1 -
//! (1 + i)^-m)`, `i = annual rate / periods_per_year`), the current rate
//! held for the later periods, O the outstanding; exact then rounded once
//! ([`annuity`], which states the precision of its fast path); `O / m` at
//! 0%; re-solved from the current outstanding
//! whenever the rate changes; principal = payment - the period's interest.
//! In every profile an instalment is limited to [0, outstanding] (rounding up
//! can exhaust the amount before the end). A period whose interest exceeds
//! the level payment (a 31-day month late in a long ACT/360 loan) repays no
//! principal and capitalises the shortfall (negative amortisation), so the
//! payment stays level as the solved payment assumes. The LAST instalment repays
//! exactly what is outstanding, absorbing every residue. So the outstanding
//! is never negative and ends at exactly zero.
//!
//! **Payment.** `payment = principal + interest - capitalized_interest`.
//!
//! The engine assumes validated input (see [`LoanTerms::check`], which it
//! runs); anything else is a `DomainError`, never a panic.

pub mod accrual;
pub mod annuity;
pub mod business_days;
pub mod dates;
pub mod day_count;
pub mod engine;
pub mod frequency;
pub mod growth;
pub mod level_solver;
pub mod rate_index;
pub mod terms;

pub use annuity::{level_payment, level_payment_on_fractions, LevelPaymentSolver};
pub use business_days::{AccrualDates, BusinessDayConvention, BusinessDays, MAX_HOLIDAYS};
pub use dates::{add_months, first_accrual_start, payment_dates, MAX_DATE, MIN_DATE};
pub use day_count::DayCount;
pub use engine::{build_schedule, first_accrual_start_used, Installment, Schedule};
pub use frequency::Frequency;
pub use growth::Growth;
pub use terms::{
    Amortization, Fixing, FloatingRate, GraceInterest, InterestRate, LoanTerms, RateSegment,
    RateStart, RateStep, RateStepTiming, MAX_PERIODS,
};
