//! Rates, named conversion bases and redenominations.
//!
//! Quoting: a [`Rate`] is "`rate` units of `unit` per one `per`". The Gosbank
//! rate is `0.6 SUR per USD` (`unit` SUR, `per` USD); the German valuation of
//! the transferable ruble is `2.34 DEM per XTR` (`unit` DEM, `per` XTR).
//! Converting into `per` divides by the rate (6,576,000,000 SUR / 0.6 =
//! 10,960,000,000 USD); converting into `unit` multiplies (1 XTR x 2.34 =
//! 2.34 DEM). A rate therefore never has to be inverted, which would make
//! 2.34 a non-terminating 0.42735...
//!
//! A [`Redenomination`] is "`old_per_new` old units per new unit" (1000 RUR
//! per RUB from 1998-01-01) and divides.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;

use crate::domain::numerics::rational::{self, BigRational};

/// `rate` units of `unit` per one `per`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    /// Positive.
    pub rate: Decimal,
    pub unit: Currency,
    pub per: Currency,
}

impl Rate {
    /// Errors unless the rate is positive and, between a unit and itself, 1.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.rate <= Decimal::ZERO {
            return Err(DomainError::InvalidValuation {
                reason: "a conversion rate must be positive",
            });
        }
        if self.unit == self.per && self.rate != Decimal::ONE {
            return Err(DomainError::InvalidValuation {
                reason: "a rate between a unit and itself must be 1",
            });
        }
        Ok(())
    }

    /// How this rate takes an amount into `target`: the factor that
    /// multiplies it (target units per source unit), the unit the rate
    /// expects the amount in, and whether it divides (true) or multiplies.
    /// Errors unless `target` is `per` or `unit`.
    pub(crate) fn towards(
        &self,
        target: Currency,
    ) -> Result<(BigRational, Currency, bool), DomainError> {
        self.validate()?;
        let rate = rational::from_decimal(self.rate);
        if self.per == target {
            let factor = rational::checked_recip(&rate).ok_or(DomainError::InvalidValuation {
                reason: "a conversion rate must be positive",
            })?;
            Ok((factor, self.unit, true))
        } else if self.unit == target {
            Ok((rate, self.per, false))
        } else {
            Err(DomainError::InvalidValuation {
                reason: "the conversion rate does not involve the target currency",
            })
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} per {}", self.rate, self.unit, self.per)
    }
}

/// A named, sourced rate from the reference data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionBasis {
    /// Lower-case letters, digits, '-' and '.': "gosbank-settlement-rate",
    /// "cbr-usd-1994-10-14".
    pub id: String,
    pub rate: Rate,
    /// The first day the rate applies, when the source gives one.
    pub valid_from: Option<NaiveDate>,
    /// The last day, when the source gives one (for an official daily rate,
    /// the same day).
    pub valid_to: Option<NaiveDate>,
    /// Where the figure comes from.
    pub source: String,
    /// Whether the figure rests on a secondary, press or uncorroborated
    /// source (the note says which).
    pub weak: bool,
}

/// A change of a currency's scale: `old_per_new` old units make one new unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redenomination {
    pub id: String,
    pub old_unit: Currency,
    pub new_unit: Currency,
    /// Positive (1000 for RUR to RUB).
    pub old_per_new: Decimal,
    pub effective: NaiveDate,
    pub source: String,
}

impl Redenomination {
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.old_per_new <= Decimal::ZERO {
            return Err(DomainError::InvalidValuation {
                reason: "a redenomination factor must be positive",
            });
        }
        if self.old_unit == self.new_unit {
            return Err(DomainError::InvalidValuation {
                reason: "a redenomination must change the unit",
            });
        }
        Ok(())
    }

    /// `1 / old_per_new`: new units per old unit.
    pub(crate) fn factor(&self) -> Result<BigRational, DomainError> {
        self.validate()?;
        rational::checked_recip(&rational::from_decimal(self.old_per_new)).ok_or(
            DomainError::InvalidValuation {
                reason: "a redenomination factor must be positive",
            },
        )
    }
}

impl fmt::Display for Redenomination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} per {} from {}",
            self.old_per_new, self.old_unit, self.new_unit, self.effective
        )
    }
}

/// How a party converts: a named basis or an explicit rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conversion {
    Basis(ConversionBasis),
    Rate(Rate),
}

impl Conversion {
    pub fn rate(&self) -> &Rate {
        match self {
            Self::Basis(basis) => &basis.rate,
            Self::Rate(rate) => rate,
        }
    }

    /// The basis id, for a named basis.
    pub fn basis_id(&self) -> Option<&str> {
        match self {
            Self::Basis(basis) => Some(&basis.id),
            Self::Rate(_) => None,
        }
    }
}

impl fmt::Display for Conversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basis(basis) => write!(f, "{} ({})", basis.rate, basis.id),
            Self::Rate(rate) => write!(f, "{rate}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use std::str::FromStr;

    fn rate(rate: &str, unit: &str, per: &str) -> Rate {
        Rate {
            rate: Decimal::from_str(rate).unwrap(),
            unit: find(unit).unwrap(),
            per: find(per).unwrap(),
        }
    }

    #[test]
    fn direction_follows_the_quote() {
        let usd = find("USD").unwrap();
        let (factor, from, divides) = rate("0.6", "SUR", "USD").towards(usd).unwrap();
        assert_eq!(factor.to_string(), "5/3");
        assert_eq!((from.code, divides), ("SUR", true));
        let dem = find("DEM").unwrap();
        let (factor, from, divides) = rate("2.34", "DEM", "XTR").towards(dem).unwrap();
        assert_eq!(factor.to_string(), "117/50");
        assert_eq!((from.code, divides), ("XTR", false));
        assert!(rate("0.6", "SUR", "USD").towards(dem).is_err());
    }

    #[test]
    fn invalid_rates_and_redenominations() {
        assert!(rate("0", "SUR", "USD").validate().is_err());
        assert!(rate("-1", "SUR", "USD").validate().is_err());
        assert!(rate("2", "USD", "USD").validate().is_err());
        assert!(rate("1", "USD", "USD").validate().is_ok());
        let r = Redenomination {
            id: "x".into(),
            old_unit: find("RUR").unwrap(),
            new_unit: find("RUB").unwrap(),
            old_per_new: Decimal::from(1000),
            effective: NaiveDate::from_ymd_opt(1998, 1, 1).unwrap(),
            source: "s".into(),
        };
        assert_eq!(r.factor().unwrap().to_string(), "1/1000");
        let zero = Redenomination {
            old_per_new: Decimal::ZERO,
            ..r.clone()
        };
        assert!(zero.factor().is_err());
        let same = Redenomination {
            new_unit: find("RUR").unwrap(),
            ..r
        };
        assert!(same.validate().is_err());
    }
}
