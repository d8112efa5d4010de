//! The standard Paris Club treatments, as presets of loan terms.
//!
//! Source: the Paris Club's terms pages (clubdeparis.org: the Toronto,
//! London and Naples terms descriptions, and the treatment pages of Lyon,
//! Naples 50% and Cologne), summarised in `shared/domain.md`, section 3
//! ("Paris Club terms"). Each preset gives the
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
//! - **Periods.** Every preset reads its grace under
//!   [`GraceConvention::InterestOnlyYears`], the Paris Club's own wording
//!   ("a grace period, in which only payments of interest on the
//!   consolidation are due": clubdeparis.org, "Rescheduling and
//!   cancellation"): `grace_years` are years of interest-only periods and
//!   the principal is repaid over the `maturity_years - grace_years` years
//!   after them: [`preset_terms`] gives `2 x grace_years` grace periods and
//!   `2 x (maturity_years - grace_years)` semi-annual instalments. The
//!   OECD DAC reading of the same words (grace = the interval to the first
//!   repayment) would give one grace period fewer and one instalment more
//!   (11 and 35 for 23 years with 6 of grace); see [`crate::domain::grace`].
//!   The counts are derived from the published maturity and grace; they
//!   have not been checked against the payment counts stated in individual
//!   agreed minutes (not available to this work), which the preset sources
//!   say. With the
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
//!   during grace except for London's moratorium-interest-capitalisation
//!   option, whose grace interest is capitalised in full (agreements
//!   capitalised part of it; an approximation); the caller may change any
//!   field of the returned terms.
//! - **Options.** Besides debt reduction (a share cancelled, the rest at
//!   the market rate) and debt service reduction (a reduced rate, solved
//!   for the target), Toronto and London terms had a non-concessional
//!   **commercial option** (25 years including 14 of grace at the market
//!   rate; no target) and London a **moratorium interest capitalisation**
//!   option (table C1: 23 years including 6 of grace, reduced rate). Naples
//!   terms were applied at 50% for some countries until 1999
//!   (`naples50-dr`); Lyon terms (1996) cancelled 80%.
//! - **Counted from the middle of the consolidation period.** The Paris
//!   Club counts a treatment's maturity and grace from the middle of the
//!   consolidation period (the period whose maturities it reschedules), so
//!   "23 years" ends 23 years after that midpoint. The presets count them
//!   from the start of the schedule: by default the valuation date, with
//!   the first payment one period later; a caller following the Paris Club
//!   count gives the first payment date as the midpoint plus one period.
//!   (The midpoint rule is the statement of Paris Club practice; it
//!   was not checked against an agreed minute's text here.)
//! - **Sources.** Each preset's `source` cites the Paris Club page of its
//!   treatment and one treatment that applied it; the payment counts are
//!   derived from the published years, not checked against the number of
//!   payments an agreed minute states (see [`super::preset_table`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

use super::solve::Unknown;
use crate::domain::grace::GraceConvention;
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
    /// Lyon terms (1996), for the first countries of the HIPC initiative.
    Lyon,
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
            Self::Lyon => 1996,
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
            Self::Lyon => "Lyon",
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
    /// Non-aid claims rescheduled at the market rate over a longer period,
    /// without reduction (the non-concessional option of Toronto and
    /// London terms).
    Commercial,
    /// Non-aid claims rescheduled at a reduced rate with the moratorium
    /// (grace) interest capitalised (London terms, "MIC").
    MoratoriumInterestCapitalisation,
}

impl fmt::Display for PresetOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DebtReduction => "debt reduction",
            Self::DebtServiceReduction => "debt service reduction",
            Self::Rescheduling => "rescheduling",
            Self::Oda => "ODA",
            Self::Commercial => "commercial",
            Self::MoratoriumInterestCapitalisation => "moratorium interest capitalisation",
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
    /// Years of grace, read under `grace_convention`.
    pub grace_years: u32,
    /// How `grace_years` is read (interest-only years for every Paris Club
    /// preset).
    pub grace_convention: GraceConvention,
    /// Interest of the grace periods: paid, or capitalised (London MIC).
    pub grace_interest: GraceInterest,
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

    /// Interest-only periods: under [`GraceConvention::InterestOnlyYears`]
    /// (every preset) `periods per year x grace_years`; under the DAC
    /// reading one fewer (see [`crate::domain::grace`]).
    pub fn grace_periods(&self) -> u32 {
        let periods = self
            .frequency
            .periods_per_year()
            .saturating_mul(self.grace_years);
        match self.grace_convention {
            GraceConvention::InterestOnlyYears => periods,
            GraceConvention::DacIntervalToFirstRepayment => periods.saturating_sub(1),
        }
    }

    /// What a solve with this preset looks for: the write-off share of a
    /// debt reduction option, the rate of a debt service reduction option;
    /// `None` for the others, which have no NPV target.
    pub fn solve_unknown(&self) -> Option<Unknown> {
        match self.option {
            PresetOption::DebtReduction => Some(Unknown::WriteOffShare),
            PresetOption::DebtServiceReduction | PresetOption::MoratoriumInterestCapitalisation => {
                Some(Unknown::InterestRate)
            }
            PresetOption::Rescheduling | PresetOption::Oda | PresetOption::Commercial => None,
        }
    }

    /// Principal instalments: every period of the maturity after the
    /// interest-only ones (`periods per year x (maturity_years -
    /// grace_years)` under [`GraceConvention::InterestOnlyYears`]), so the
    /// last falls `maturity_years` after the start of the schedule.
    pub fn installment_count(&self) -> u32 {
        self.frequency
            .periods_per_year()
            .saturating_mul(self.maturity_years)
            .saturating_sub(self.grace_periods())
    }
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
        grace_interest: preset.grace_interest,
        amortization: preset.amortization.clone(),
        rate: InterestRate::fixed(annual_rate),
        day_count: preset.day_count(),
        end_of_month: false,
        rounding,
        business_days: Default::default(),
    }
}
