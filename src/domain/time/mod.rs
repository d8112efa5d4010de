//! Calendar arithmetic shared by the schedule's dates, the day counts of
//! interest accrual ([`crate::domain::schedule::DayCount`]) and the time
//! bases of valuation ([`crate::domain::valuation::TimeBasis`]): the
//! calendar's rules and month arithmetic, the 30/360 family, ACT/ACT ICMA's
//! notional periods and the month count. It knows nothing of loan terms, so
//! the schedule imports it and never the other way round.

pub mod calendar;
pub mod icma;
pub mod month_count;
pub mod thirty_360;

pub use icma::NotionalPeriods;
pub use month_count::month_count_days;
pub use thirty_360::Thirty360;
