//! The standard Paris Club treatments, as presets of loan terms.
//!
//! Source: the Paris Club's terms pages (clubdeparis.org), summarised in
//! `shared/domain.md`, section 3 ("Paris Club terms"). Each preset gives the
//! cancellation share of the non-aid (non-ODA) claims, the repayment period
//! (maturity) and the grace period of what is rescheduled, and, for the
//! reduction options, the NPV reduction the treatment aims at.
//!
//! Decisions, where the sources leave room:
//!
//! - **Profile.** Paris Club agreements repay on progressive tables (the
//!   standard tables "A1", "A3", ...) that vary by agreement and are not
//!   published as formulas. Every preset uses equal principal instalments,
//!   semi-annually, as the documented approximation; a caller with the
//!   actual table can replace `amortization` with
//!   [`Amortization::CustomShares`].
//! - **Periods.** `grace_years` are years of interest-only periods and the
//!   principal is repaid over the `maturity_years - grace_years` years after
//!   them: [`preset_terms`] gives `2 x grace_years` grace periods and
//!   `2 x (maturity_years - grace_years)` semi-annual instalments. With the
//!   first payment six months after the consolidation (valuation) date the
//!   last instalment falls exactly `maturity_years` after it (23 years with
//!   6 years grace: 12 grace periods + 34 instalments; 33 years without
//!   grace: 66 instalments).
//! - **Toronto.** The cancellation is one third of the claims (published as
//!   "33.33%"); it is held as 1/3 to 28 decimals, so that any amount in the
//!   decimal range is cut to the cent exactly as one third would cut it.
//! - **Naples DSR.** The Paris Club describes it as 33 years with
//!   progressive payments (standard table "A3") and states no grace period:
//!   the preset has none.
//! - **Houston.** "About 15 years, 2-3 years grace": the preset takes 2
//!   years (the lower end; the instalments then start earlier, which is the
//!   less concessional reading).
//! - **Classic terms** are left out: their rate is the market rate and their
//!   profile is set case by case, so there is no standard maturity or grace
//!   to preset.
//! - **ODA (aid) loans** are rescheduled, not cancelled, at a concessional
//!   rate at least as favourable as the original one: cancellation 0, no
//!   NPV target, the rate left to the caller.
//! - **Interest** in [`preset_terms`] accrues on the 30/360 day count, paid
//!   (not capitalised) during grace; the caller may change any field of the
//!   returned terms.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

use super::solve::Unknown;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::{
    Amortization, DayCount, Frequency, GraceInterest, InterestRate, LoanTerms,
};

/// A Paris Club treatment ("terms"), named after the summit that set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Treatment {
    /// Houston terms (1990), for lower-middle-income countries.
    Houston,
    /// Toronto terms (1988), the first concessional treatment.
    Toronto,
    /// London terms (1991).
    London,
    /// Naples terms (1994).
    Naples,
    /// Cologne terms (1999), for countries in the HIPC initiative.
    Cologne,
}

impl Treatment {
    /// The year the treatment was agreed.
    pub fn year(self) -> u32 {
        match self {
            Self::Toronto => 1988,
            Self::Houston => 1990,
            Self::London => 1991,
            Self::Naples => 1994,
            Self::Cologne => 1999,
        }
    }
}

impl fmt::Display for Treatment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Houston => "Houston",
            Self::Toronto => "Toronto",
            Self::London => "London",
            Self::Naples => "Naples",
            Self::Cologne => "Cologne",
        })
    }
}

/// Which part of a treatment a preset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PresetOption {
    /// Non-aid claims: a share is cancelled and the rest rescheduled at the
    /// market rate ("DR").
    DebtReduction,
    /// Non-aid claims: nothing is cancelled; the whole claim is rescheduled
    /// at a rate reduced until the NPV reduction reaches the target ("DSR").
    DebtServiceReduction,
    /// Non-aid claims rescheduled at the market rate without reduction
    /// (Houston).
    Rescheduling,
    /// Aid (ODA) loans, rescheduled at a concessional rate.
    Oda,
}

impl fmt::Display for PresetOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DebtReduction => "debt reduction",
            Self::DebtServiceReduction => "debt service reduction",
            Self::Rescheduling => "rescheduling",
            Self::Oda => "ODA",
        })
    }
}

/// How the interest rate of the rescheduled debt is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PresetRate {
    /// The appropriate market rate (the caller supplies it).
    Market,
    /// Reduced until the NPV reduction reaches the preset's target: the
    /// unknown of a rate solve.
    SolvedForTarget,
    /// At or below the original concessional rate of the aid loan.
    Concessional,
}

impl fmt::Display for PresetRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Market => "market rate",
            Self::SolvedForTarget => "reduced rate (solved for the target NPV reduction)",
            Self::Concessional => "concessional rate",
        })
    }
}

/// One standard treatment of one kind of claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermPreset {
    /// Stable identifier, such as "naples-dr".
    pub id: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    pub treatment: Treatment,
    pub option: PresetOption,
    /// Share of the claims cancelled (0.67 for 67%).
    pub cancellation_share: Decimal,
    /// Years from consolidation to the last instalment.
    pub maturity_years: u32,
    /// Years without principal repayment.
    pub grace_years: u32,
    pub frequency: Frequency,
    /// Equal principal: the documented approximation of the progressive
    /// tables (see the module documentation).
    pub amortization: Amortization,
    pub rate: PresetRate,
    /// The NPV reduction the treatment aims at, when it has one.
    pub target_npv_reduction: Option<Decimal>,
    /// Where the figures come from, and any choice made here.
    pub source: &'static str,
}

impl TermPreset {
    /// The day count of interest on the rescheduled debt: 30/360, the usual
    /// convention of bilateral rescheduling agreements, for every preset.
    pub fn day_count(&self) -> DayCount {
        DayCount::Thirty360
    }

    /// Grace periods: `periods per year x grace_years`.
    pub fn grace_periods(&self) -> u32 {
        self.frequency
            .periods_per_year()
            .saturating_mul(self.grace_years)
    }

    /// What a solve with this preset looks for: the write-off share of a
    /// debt reduction option, the rate of a debt service reduction option;
    /// `None` for the others, which have no NPV target.
    pub fn solve_unknown(&self) -> Option<Unknown> {
        match self.option {
            PresetOption::DebtReduction => Some(Unknown::WriteOffShare),
            PresetOption::DebtServiceReduction => Some(Unknown::InterestRate),
            PresetOption::Rescheduling | PresetOption::Oda => None,
        }
    }

    /// Principal instalments: `periods per year x (maturity_years -
    /// grace_years)`.
    pub fn installment_count(&self) -> u32 {
        self.frequency
            .periods_per_year()
            .saturating_mul(self.maturity_years.saturating_sub(self.grace_years))
    }
}

/// A non-negative decimal `mantissa / 10^scale` in a constant.
const fn dec(mantissa: u128, scale: u32) -> Decimal {
    Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        (mantissa >> 64) as u32,
        false,
        scale,
    )
}

/// One third to 28 decimals.
const ONE_THIRD: Decimal = dec(3_333_333_333_333_333_333_333_333_333, 28);

const SOURCE_NON_ODA: &str =
    "Paris Club terms pages (clubdeparis.org), standard treatments table; equal principal \
     approximates the progressive tables";

const PRESETS: [TermPreset; 11] = [
    TermPreset {
        id: "houston",
        name: "Houston terms, non-ODA rescheduling",
        treatment: Treatment::Houston,
        option: PresetOption::Rescheduling,
        cancellation_share: Decimal::ZERO,
        maturity_years: 15,
        grace_years: 2,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Market,
        target_npv_reduction: None,
        source: "Paris Club Houston terms: about 15 years with 2-3 years grace, progressive; \
                 2 years taken; equal principal approximates the progressive table",
    },
    TermPreset {
        id: "houston-oda",
        name: "Houston terms, ODA loans",
        treatment: Treatment::Houston,
        option: PresetOption::Oda,
        cancellation_share: Decimal::ZERO,
        maturity_years: 20,
        grace_years: 10,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Concessional,
        target_npv_reduction: None,
        source: "Paris Club Houston terms: ODA up to 20 years with up to 10 years grace \
                 (the maxima taken)",
    },
    TermPreset {
        id: "toronto-dr",
        name: "Toronto terms, debt reduction option",
        treatment: Treatment::Toronto,
        option: PresetOption::DebtReduction,
        cancellation_share: ONE_THIRD,
        maturity_years: 14,
        grace_years: 8,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Market,
        target_npv_reduction: Some(ONE_THIRD),
        source: "Paris Club Toronto terms: one third (33.33%) cancelled, 14 years with \
                 8 years grace; 1/3 held to 28 decimals",
    },
    TermPreset {
        id: "toronto-oda",
        name: "Toronto terms, ODA loans",
        treatment: Treatment::Toronto,
        option: PresetOption::Oda,
        cancellation_share: Decimal::ZERO,
        maturity_years: 25,
        grace_years: 14,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Concessional,
        target_npv_reduction: None,
        source: "Paris Club Toronto terms: ODA over 25 years with 14 years grace",
    },
    TermPreset {
        id: "london-dr",
        name: "London terms, debt reduction option",
        treatment: Treatment::London,
        option: PresetOption::DebtReduction,
        cancellation_share: dec(50, 2),
        maturity_years: 23,
        grace_years: 6,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Market,
        target_npv_reduction: Some(dec(50, 2)),
        source: SOURCE_NON_ODA,
    },
    TermPreset {
        id: "london-oda",
        name: "London terms, ODA loans",
        treatment: Treatment::London,
        option: PresetOption::Oda,
        cancellation_share: Decimal::ZERO,
        maturity_years: 30,
        grace_years: 12,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Concessional,
        target_npv_reduction: None,
        source: "Paris Club London terms: ODA over 30 years with 12 years grace",
    },
    TermPreset {
        id: "naples-dr",
        name: "Naples terms, debt reduction option",
        treatment: Treatment::Naples,
        option: PresetOption::DebtReduction,
        cancellation_share: dec(67, 2),
        maturity_years: 23,
        grace_years: 6,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Market,
        target_npv_reduction: Some(dec(67, 2)),
        source: "Paris Club Naples terms: 67% cancelled, the rest over 23 years with 6 years \
                 grace at the market rate (standard table A1, progressive; equal principal \
                 approximates it)",
    },
    TermPreset {
        id: "naples-dsr",
        name: "Naples terms, debt service reduction option",
        treatment: Treatment::Naples,
        option: PresetOption::DebtServiceReduction,
        cancellation_share: Decimal::ZERO,
        maturity_years: 33,
        grace_years: 0,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::SolvedForTarget,
        target_npv_reduction: Some(dec(67, 2)),
        source: "Paris Club Naples terms: rescheduled over 33 years at a reduced rate \
                 (standard table A3, progressive; no grace stated, none taken; equal \
                 principal approximates it)",
    },
    TermPreset {
        id: "naples-oda",
        name: "Naples terms, ODA loans",
        treatment: Treatment::Naples,
        option: PresetOption::Oda,
        cancellation_share: Decimal::ZERO,
        maturity_years: 40,
        grace_years: 16,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Concessional,
        target_npv_reduction: None,
        source: "Paris Club Naples terms: ODA over 40 years with 16 years grace",
    },
    TermPreset {
        id: "cologne-dr",
        name: "Cologne terms, debt reduction option",
        treatment: Treatment::Cologne,
        option: PresetOption::DebtReduction,
        cancellation_share: dec(90, 2),
        maturity_years: 23,
        grace_years: 6,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Market,
        target_npv_reduction: Some(dec(90, 2)),
        source: "Paris Club Cologne terms: 90% (or more) cancelled, the rest over 23 years \
                 with 6 years grace; 90% taken",
    },
    TermPreset {
        id: "cologne-oda",
        name: "Cologne terms, ODA loans",
        treatment: Treatment::Cologne,
        option: PresetOption::Oda,
        cancellation_share: Decimal::ZERO,
        maturity_years: 40,
        grace_years: 16,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate: PresetRate::Concessional,
        target_npv_reduction: None,
        source: "Paris Club Cologne terms: ODA over 40 years with 16 years grace",
    },
];

/// Every preset, in the order listed (by treatment, then option).
pub fn all_presets() -> &'static [TermPreset] {
    &PRESETS
}

/// The preset with this id (exact, case-sensitive), if any.
pub fn find_preset(id: &str) -> Option<&'static TermPreset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The loan terms of a preset: its frequency and profile, `2 x grace_years`
/// grace periods (semi-annual) with interest paid, `2 x (maturity_years -
/// grace_years)` instalments, a fixed `annual_rate` on the 30/360 day
/// count, the first payment on `first_payment_date` (six months after the
/// consolidation date gives a maturity of exactly `maturity_years`).
pub fn preset_terms(
    preset: &TermPreset,
    first_payment_date: NaiveDate,
    annual_rate: Decimal,
    rounding: RoundingMode,
) -> LoanTerms {
    LoanTerms {
        first_payment_date,
        accrual_start: None,
        frequency: preset.frequency,
        installment_count: preset.installment_count(),
        grace_periods: preset.grace_periods(),
        grace_interest: GraceInterest::Paid,
        amortization: preset.amortization.clone(),
        rate: InterestRate::fixed(annual_rate),
        day_count: preset.day_count(),
        end_of_month: false,
        rounding,
        business_days: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::add_months;
    use crate::domain::schedule::build_schedule;
    use crate::domain::{currency::find, money::Money};
    use std::collections::HashSet;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn date(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ids_are_unique_and_found() {
        let ids: HashSet<&str> = all_presets().iter().map(|p| p.id).collect();
        assert_eq!(ids.len(), all_presets().len());
        for preset in all_presets() {
            assert_eq!(find_preset(preset.id), Some(preset));
            assert!(preset.grace_years < preset.maturity_years, "{}", preset.id);
            assert!(preset.cancellation_share >= Decimal::ZERO);
            assert!(preset.cancellation_share < Decimal::ONE);
            assert_eq!(preset.frequency, Frequency::SemiAnnual);
            assert_eq!(preset.amortization, Amortization::EqualPrincipal);
            assert!(!preset.source.is_empty());
        }
        assert_eq!(find_preset("Naples-DR"), None);
        assert_eq!(find_preset("classic"), None);
    }

    #[test]
    fn the_table() {
        let row = |id: &str| {
            let p = find_preset(id).unwrap();
            (
                p.cancellation_share,
                p.maturity_years,
                p.grace_years,
                p.target_npv_reduction,
            )
        };
        assert_eq!(row("naples-dr"), (d("0.67"), 23, 6, Some(d("0.67"))));
        assert_eq!(row("naples-dsr"), (d("0"), 33, 0, Some(d("0.67"))));
        assert_eq!(row("cologne-dr"), (d("0.9"), 23, 6, Some(d("0.9"))));
        assert_eq!(row("london-dr"), (d("0.5"), 23, 6, Some(d("0.5"))));
        let third = d("0.3333333333333333333333333333");
        assert_eq!(row("toronto-dr"), (third, 14, 8, Some(third)));
        assert_eq!(row("houston"), (d("0"), 15, 2, None));
        assert_eq!(row("houston-oda"), (d("0"), 20, 10, None));
        assert_eq!(row("toronto-oda"), (d("0"), 25, 14, None));
        assert_eq!(row("london-oda"), (d("0"), 30, 12, None));
        assert_eq!(row("naples-oda"), (d("0"), 40, 16, None));
        assert_eq!(row("cologne-oda"), (d("0"), 40, 16, None));
        assert_eq!(
            find_preset("naples-dsr").unwrap().rate,
            PresetRate::SolvedForTarget
        );
        assert_eq!(
            find_preset("naples-dr").unwrap().option,
            PresetOption::DebtReduction
        );
        assert_eq!(find_preset("cologne-oda").unwrap().treatment.year(), 1999);
        let unknown = |id| find_preset(id).unwrap().solve_unknown();
        assert_eq!(unknown("naples-dr"), Some(Unknown::WriteOffShare));
        assert_eq!(unknown("naples-dsr"), Some(Unknown::InterestRate));
        assert_eq!(unknown("houston"), None);
        assert_eq!(unknown("london-oda"), None);
    }

    #[test]
    fn naples_dr_terms_are_twelve_grace_periods_and_thirty_four_instalments() {
        let preset = find_preset("naples-dr").unwrap();
        let first = date(2025, 7, 15);
        let terms = preset_terms(preset, first, d("0.04"), RoundingMode::HalfEven);
        assert_eq!(terms.grace_periods, 12);
        assert_eq!(terms.installment_count, 34);
        assert_eq!(terms.frequency, Frequency::SemiAnnual);
        assert_eq!(terms.amortization, Amortization::EqualPrincipal);
        assert_eq!(terms.rate, InterestRate::fixed(d("0.04")));
        // Consolidated on 2025-01-15: the last instalment 23 years later,
        // the first principal after 6 years of grace.
        let usd = find("USD").unwrap();
        let principal = Money {
            currency: usd,
            amount: d("330000.00"),
        };
        let s = build_schedule(&principal, &terms).unwrap();
        assert_eq!(s.installments.len(), 46);
        assert_eq!(s.installments[45].due_date, date(2048, 1, 15));
        assert!(s.installments[11].principal.amount.is_zero());
        assert_eq!(s.installments[12].due_date, date(2031, 7, 15));
        assert!(!s.installments[12].principal.amount.is_zero());
        assert_eq!(s.total_principal.amount, d("330000.00"));

        let dsr = preset_terms(
            find_preset("naples-dsr").unwrap(),
            add_months(date(2025, 1, 15), 6, false, "first payment").unwrap(),
            Decimal::ZERO,
            RoundingMode::HalfEven,
        );
        assert_eq!((dsr.grace_periods, dsr.installment_count), (0, 66));
        let toronto = find_preset("toronto-dr").unwrap();
        assert_eq!(
            (toronto.grace_periods(), toronto.installment_count()),
            (16, 12)
        );
    }
}
