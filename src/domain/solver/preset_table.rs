//! The table of Paris Club presets, with the source of each.
//!
//! Every source names the Paris Club page that states the treatment's
//! cancellation, maturity and grace, and one treatment that applied it
//! (its page on clubdeparis.org summarises the agreed minute). Those pages
//! state years ("over 23 years, with 6 years of grace"), not payment
//! counts: the counts (`2 x grace_years` interest-only periods, `2 x
//! (maturity_years - grace_years)` semi-annual instalments) are derived
//! under the Paris Club's reading of grace and have **not** been checked
//! against the number of payments an agreed minute states; each source
//! says so.

use rust_decimal::Decimal;

use super::presets::{PresetOption, PresetRate, TermPreset, Treatment};
use crate::domain::grace::GraceConvention;
use crate::domain::schedule::{Amortization, Frequency, GraceInterest};

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
pub(crate) const ONE_THIRD: Decimal = dec(3_333_333_333_333_333_333_333_333_333, 28);

/// A semi-annual, equal-principal preset with interest-only grace whose
/// interest is paid (the common shape); the table changes what differs.
// One argument per column of the table, in the table's order: a struct
// literal per row would bury the figures in field names.
#[allow(clippy::too_many_arguments)]
const fn preset(
    id: &'static str,
    name: &'static str,
    treatment: Treatment,
    option: PresetOption,
    cancellation_share: Decimal,
    (maturity_years, grace_years): (u32, u32),
    rate: PresetRate,
    target_npv_reduction: Option<Decimal>,
    source: &'static str,
) -> TermPreset {
    TermPreset {
        id,
        name,
        treatment,
        option,
        cancellation_share,
        maturity_years,
        grace_years,
        grace_convention: GraceConvention::InterestOnlyYears,
        grace_interest: GraceInterest::Paid,
        frequency: Frequency::SemiAnnual,
        amortization: Amortization::EqualPrincipal,
        rate,
        target_npv_reduction,
        source,
    }
}

/// `preset` with the interest of its grace periods capitalised.
const fn capitalised_grace(mut preset: TermPreset) -> TermPreset {
    preset.grace_interest = GraceInterest::Capitalized;
    preset
}

use PresetOption::{
    Commercial, DebtReduction, DebtServiceReduction, MoratoriumInterestCapitalisation, Oda,
    Rescheduling,
};
use PresetRate::{Concessional, Market, SolvedForTarget};
use Treatment::{Cologne, Houston, London, Lyon, Naples, Toronto};

pub(crate) static PRESETS: [TermPreset; 19] = [
    preset(
        "houston",
        "Houston terms, non-ODA rescheduling",
        Houston,
        Rescheduling,
        Decimal::ZERO,
        (15, 2),
        Market,
        None,
        "Paris Club Houston terms (clubdeparis.org terms pages): non-ODA over about 15 years \
         with 2-3 years of grace, progressive; 2 years taken (the less concessional end); no \
         agreed minute checked for this preset; counts derived, not verified against a minute",
    ),
    preset(
        "houston-oda",
        "Houston terms, ODA loans",
        Houston,
        Oda,
        Decimal::ZERO,
        (20, 10),
        Concessional,
        None,
        "Paris Club Houston terms: ODA up to 20 years with up to 10 years of grace (the maxima \
         taken); no agreed minute checked for this preset; counts derived, not verified \
         against a minute",
    ),
    preset(
        "toronto-dr",
        "Toronto terms, debt reduction option",
        Toronto,
        DebtReduction,
        ONE_THIRD,
        (14, 8),
        Market,
        Some(ONE_THIRD),
        "clubdeparis.org/en/communications/page/toronto-terms: 33.33% cancelled, the rest at \
         the market rate over 14 years including 8 years of grace (1/3 held to 28 decimals); \
         applied e.g. Senegal, 12 Feb 1990 (clubdeparis.org/en/traitements/senegal-12-02-1990/en: \
         non-ODA over 14 years with 8 of grace); counts derived, not verified against a minute",
    ),
    preset(
        "toronto-dsr",
        "Toronto terms, debt service reduction option",
        Toronto,
        DebtServiceReduction,
        Decimal::ZERO,
        (14, 8),
        SolvedForTarget,
        Some(ONE_THIRD),
        "clubdeparis.org/en/communications/page/toronto-terms: rescheduled at a reduced \
         interest rate over 14 years including 8 years of grace; the rate is solved for the \
         Toronto reduction of one third (the published page states no rate rule); counts \
         derived, not verified against a minute",
    ),
    preset(
        "toronto-commercial",
        "Toronto terms, commercial option",
        Toronto,
        Commercial,
        Decimal::ZERO,
        (25, 14),
        Market,
        None,
        "clubdeparis.org/en/communications/page/toronto-terms: restructured at the market \
         rate over 25 years including 14 years of grace, a non-concessional option (no NPV \
         target); counts derived, not verified against a minute",
    ),
    preset(
        "toronto-oda",
        "Toronto terms, ODA loans",
        Toronto,
        Oda,
        Decimal::ZERO,
        (25, 14),
        Concessional,
        None,
        "clubdeparis.org/en/communications/page/toronto-terms: ODA at a rate at least as \
         favourable as the original, over 25 years including 14 years of grace; Senegal, 12 \
         Feb 1990: ODA over 25 years with 14 of grace; counts derived, not verified against a \
         minute",
    ),
    preset(
        "london-dr",
        "London terms, debt reduction option",
        London,
        DebtReduction,
        dec(50, 2),
        (23, 6),
        Market,
        Some(dec(50, 2)),
        "clubdeparis.org/en/communications/page/london-terms: 50% cancelled, the rest at the \
         market rate on standard table A (23 years including 6 years of grace, progressive); \
         applied e.g. Togo, 19 Jun 1992 (clubdeparis.org/en/traitements/togo-19-06-1992/en: \
         non-ODA over 23 years with 6 of grace after 50% cancellation); counts derived, not \
         verified against a minute",
    ),
    preset(
        "london-dsr",
        "London terms, debt service reduction option",
        London,
        DebtServiceReduction,
        Decimal::ZERO,
        (23, 0),
        SolvedForTarget,
        Some(dec(50, 2)),
        "clubdeparis.org/en/communications/page/london-terms: rescheduled at a reduced rate on \
         standard table B1 (23 years, progressive; no grace stated, none taken); the rate is \
         solved for the 50% reduction; counts derived, not verified against a minute",
    ),
    capitalised_grace(preset(
        "london-mic",
        "London terms, moratorium interest capitalisation option",
        London,
        MoratoriumInterestCapitalisation,
        Decimal::ZERO,
        (23, 6),
        SolvedForTarget,
        Some(dec(50, 2)),
        "clubdeparis.org/en/communications/page/london-terms: rescheduled at a reduced rate on \
         standard table C1 (23 years including 6 years of grace, progressive) with moratorium \
         interest capitalised; the preset capitalises all the interest of the grace periods \
         (how much was capitalised varied by agreement: an approximation) and solves the rate \
         for the 50% reduction; counts derived, not verified against a minute",
    )),
    preset(
        "london-commercial",
        "London terms, commercial option",
        London,
        Commercial,
        Decimal::ZERO,
        (25, 14),
        Market,
        None,
        "clubdeparis.org/en/communications/page/london-terms: restructured at the market rate \
         over 25 years including 14 years of grace, a non-concessional option (no NPV target); \
         counts derived, not verified against a minute",
    ),
    preset(
        "london-oda",
        "London terms, ODA loans",
        London,
        Oda,
        Decimal::ZERO,
        (30, 12),
        Concessional,
        None,
        "clubdeparis.org/en/communications/page/london-terms: ODA on standard table D (30 \
         years including 12 years of grace, progressive); Togo, 19 Jun 1992: ODA over 30 years \
         with 12 of grace; counts derived, not verified against a minute",
    ),
    preset(
        "naples-dr",
        "Naples terms, debt reduction option",
        Naples,
        DebtReduction,
        dec(67, 2),
        (23, 6),
        Market,
        Some(dec(67, 2)),
        "clubdeparis.org/en/communications/page/naples-terms: 67% cancelled, the rest at the \
         market rate on standard table A1 (23 years with 6 years of grace, progressive); \
         applied e.g. Bolivia, 15 Dec 1995 (clubdeparis.org/en/traitements/bolivia-15-12-1995/en: \
         non-ODA over 23 years with 6 of grace after 67% cancellation); counts derived, not \
         verified against a minute",
    ),
    preset(
        "naples-dsr",
        "Naples terms, debt service reduction option",
        Naples,
        DebtServiceReduction,
        Decimal::ZERO,
        (33, 0),
        SolvedForTarget,
        Some(dec(67, 2)),
        "clubdeparis.org/en/communications/page/naples-terms: rescheduled at a reduced rate on \
         standard table A3 (33 years, progressive; no grace stated, none taken); the rate is \
         solved for the 67% reduction; counts derived, not verified against a minute",
    ),
    preset(
        "naples50-dr",
        "Naples terms at 50%, debt reduction option",
        Naples,
        DebtReduction,
        dec(50, 2),
        (23, 6),
        Market,
        Some(dec(50, 2)),
        "clubdeparis.org/en/communications/page/naples-terms: the cancellation is at least 50% \
         (67% for all Naples treatments from September 1999); clubdeparis.org/en/terms/naples-50: \
         Cameroon, 24 Oct 1997, non-ODA over 23 years with 6 years of grace after 50% \
         cancellation; counts derived, not verified against a minute",
    ),
    preset(
        "naples-oda",
        "Naples terms, ODA loans",
        Naples,
        Oda,
        Decimal::ZERO,
        (40, 16),
        Concessional,
        None,
        "clubdeparis.org/en/communications/page/naples-terms; Bolivia, 15 Dec 1995: ODA over \
         40 years with 16 years of grace; counts derived, not verified against a minute",
    ),
    preset(
        "lyon-dr",
        "Lyon terms, debt reduction option",
        Lyon,
        DebtReduction,
        dec(80, 2),
        (23, 6),
        Market,
        Some(dec(80, 2)),
        "clubdeparis.org/en/terms/lyon: Mozambique's agreed minute under Lyon terms, 80% \
         cancelled, non-ODA over 23 years with 6 years of grace at the market rate; counts \
         derived, not verified against a minute",
    ),
    preset(
        "lyon-oda",
        "Lyon terms, ODA loans",
        Lyon,
        Oda,
        Decimal::ZERO,
        (40, 16),
        Concessional,
        None,
        "clubdeparis.org/en/terms/lyon: Mozambique under Lyon terms, ODA over 40 years with 16 \
         years of grace; counts derived, not verified against a minute",
    ),
    preset(
        "cologne-dr",
        "Cologne terms, debt reduction option",
        Cologne,
        DebtReduction,
        dec(90, 2),
        (23, 6),
        Market,
        Some(dec(90, 2)),
        "clubdeparis.org/en/terms/cologne: 90% (or more) cancelled, the rest over 23 years \
         with 6 years of grace (90% taken); applied e.g. Mauritania (non-ODA over 23 years with \
         6 of grace after 90% cancellation, clubdeparis.org observer pages); counts derived, not \
         verified against a minute",
    ),
    preset(
        "cologne-oda",
        "Cologne terms, ODA loans",
        Cologne,
        Oda,
        Decimal::ZERO,
        (40, 16),
        Concessional,
        None,
        "clubdeparis.org/en/terms/cologne: ODA over 40 years with 16 years of grace; counts \
         derived, not verified against a minute",
    ),
];

/// Every preset, in the order listed (by treatment, then option).
pub fn all_presets() -> &'static [TermPreset] {
    &PRESETS
}

/// The preset with this id (exact, case-sensitive), if any.
pub fn find_preset(id: &str) -> Option<&'static TermPreset> {
    PRESETS.iter().find(|p| p.id == id)
}

#[cfg(test)]
mod tests {
    use super::super::presets::*;
    use super::super::solve::Unknown;
    use super::*;
    use crate::domain::rounding::RoundingMode;
    use crate::domain::schedule::add_months;
    use crate::domain::schedule::build_schedule;
    use crate::domain::schedule::InterestRate;
    use crate::domain::{currency::find, money::Money};
    use chrono::NaiveDate;
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
        // The options added for issue 9 (clubdeparis.org terms pages).
        assert_eq!(row("lyon-dr"), (d("0.8"), 23, 6, Some(d("0.8"))));
        assert_eq!(row("lyon-oda"), (d("0"), 40, 16, None));
        assert_eq!(row("naples50-dr"), (d("0.5"), 23, 6, Some(d("0.5"))));
        assert_eq!(row("toronto-dsr"), (d("0"), 14, 8, Some(third)));
        assert_eq!(row("toronto-commercial"), (d("0"), 25, 14, None));
        assert_eq!(row("london-dsr"), (d("0"), 23, 0, Some(d("0.5"))));
        assert_eq!(row("london-mic"), (d("0"), 23, 6, Some(d("0.5"))));
        assert_eq!(row("london-commercial"), (d("0"), 25, 14, None));
        assert_eq!(find_preset("lyon-dr").unwrap().treatment.year(), 1996);
        let mic = find_preset("london-mic").unwrap();
        assert_eq!(mic.grace_interest, GraceInterest::Capitalized);
        assert_eq!(mic.option, PresetOption::MoratoriumInterestCapitalisation);
        assert_eq!(mic.solve_unknown(), Some(Unknown::InterestRate));
        for id in ["toronto-commercial", "london-commercial"] {
            let p = find_preset(id).unwrap();
            assert_eq!(
                (p.option, p.rate),
                (PresetOption::Commercial, PresetRate::Market)
            );
            assert_eq!(p.solve_unknown(), None);
        }
        assert_eq!(
            find_preset("toronto-dsr").unwrap().solve_unknown(),
            Some(Unknown::InterestRate)
        );
        for p in all_presets() {
            let paid = p.id != "london-mic";
            assert_eq!(p.grace_interest == GraceInterest::Paid, paid, "{}", p.id);
            assert!(
                p.source.contains("not verified against a minute"),
                "{}",
                p.id
            );
        }
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
    fn preset_counts_follow_their_reading_of_grace() {
        use crate::domain::grace::periods_from_years;
        for p in all_presets() {
            let periods = periods_from_years(
                Decimal::from(p.maturity_years),
                Decimal::from(p.grace_years),
                p.frequency,
                p.grace_convention,
            )
            .unwrap();
            assert_eq!(p.grace_convention, GraceConvention::InterestOnlyYears);
            assert_eq!(
                (p.grace_periods(), p.installment_count()),
                (periods.interest_only_periods, periods.repayment_count),
                "{}",
                p.id
            );
        }
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
