//! Domain code: money, rounding and the arithmetic of restructurings. Pure
//! functions on domain types; nothing here knows about gRPC, so the server,
//! the command line and the tests share it.

pub mod allocation;
pub mod cancel;
pub mod currency;
pub mod decimal_text;
pub mod error;
pub mod grace;
pub mod money;
pub mod numerics;
pub mod reconciliation;
pub mod reinvestment;
pub mod rounding;
pub mod schedule;
pub mod share;
pub mod solver;
pub mod split;
pub mod swap;
#[cfg(test)]
pub(crate) mod test_support;
pub mod time;
pub mod valuation;
