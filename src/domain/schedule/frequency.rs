//! How often payments fall due.

use std::fmt;

/// The payment frequency of a loan: one period is 12, 6, 3 or 1 calendar
/// months long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    Annual,
    SemiAnnual,
    Quarterly,
    Monthly,
}

impl Frequency {
    /// Calendar months in one period: 12, 6, 3 or 1.
    pub fn months_per_period(self) -> u32 {
        match self {
            Self::Annual => 12,
            Self::SemiAnnual => 6,
            Self::Quarterly => 3,
            Self::Monthly => 1,
        }
    }

    /// Periods in one year: 1, 2, 4 or 12 (`12 / months_per_period`).
    pub fn periods_per_year(self) -> u32 {
        match self {
            Self::Annual => 1,
            Self::SemiAnnual => 2,
            Self::Quarterly => 4,
            Self::Monthly => 12,
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Annual => "annual",
            Self::SemiAnnual => "semi-annual",
            Self::Quarterly => "quarterly",
            Self::Monthly => "monthly",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_periods_make_a_year() {
        let all = [
            (Frequency::Annual, 12, 1),
            (Frequency::SemiAnnual, 6, 2),
            (Frequency::Quarterly, 3, 4),
            (Frequency::Monthly, 1, 12),
        ];
        for (frequency, months, periods) in all {
            assert_eq!(frequency.months_per_period(), months, "{frequency}");
            assert_eq!(frequency.periods_per_year(), periods, "{frequency}");
            assert_eq!(months * periods, 12);
        }
    }
}
