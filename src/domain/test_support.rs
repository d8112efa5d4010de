//! Helpers the domain's unit tests share.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::currency::find;
use super::money::Money;

/// The decimal written `s`.
pub(crate) fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// `s` US dollars.
pub(crate) fn usd(s: &str) -> Money {
    Money {
        currency: find("USD").unwrap(),
        amount: d(s),
    }
}
