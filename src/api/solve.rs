//! SolveTerms and ListTermPresets: validation with field paths and
//! rendering (the preset form of terms and streams is in `preset`).

use rust_decimal::Decimal;

use super::convert;
use super::debt_stream::{debt_stream_with, past_due_interest};
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use super::preset::preset_terms_field;
use super::valuation;
use crate::domain::currency::Currency;
use crate::domain::money::round_to_minor_units;
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::GraceInterest;
use crate::domain::solver::{
    all_presets, BoundSide, PresetOption, PresetRate, SolveInput, SolveOutcome, TermPreset,
    Unknown, WriteOffBase, MAX_ITERATIONS, MAX_RATE_BOUND, VALUE_DECIMALS,
};
use crate::domain::valuation::{Compounding, DebtStream, Discounting, RestructuringInput};

/// A validated SolveTerms request.
pub struct SolveRequestInput {
    pub input: SolveInput,
    pub preset: Option<&'static TermPreset>,
    pub compounding_source: pb::CompoundingSource,
}

/// A preset solve with a flat rate and no compounding given discounts with
/// the preset's own periodicity (see `SolveTermsRequest.discounting`).
fn preset_compounding(
    request: Option<&pb::Discounting>,
    discounting: Discounting,
    preset: Option<&TermPreset>,
) -> (Discounting, pb::CompoundingSource) {
    let given = request.is_some_and(|d| {
        d.compounding != pb::Compounding::Unspecified as i32
            || d.compounding_frequency.unwrap_or(0) != 0
    });
    match (discounting, preset) {
        (d, _) if given => (d, pb::CompoundingSource::Request),
        (Discounting::Flat { rate, basis, .. }, Some(preset)) => (
            Discounting::Flat {
                rate,
                compounding: Compounding::Periodic {
                    periods_per_year: preset.frequency.periods_per_year(),
                },
                basis,
            },
            pb::CompoundingSource::PresetScheduleFrequency,
        ),
        (d, _) => (d, pb::CompoundingSource::DefaultAnnualEffective),
    }
}

fn unknown(v: &mut Violations, raw: i32, preset: Option<&TermPreset>) -> Option<Unknown> {
    match pb::Unknown::try_from(raw) {
        Ok(pb::Unknown::WriteOffShare) => Some(Unknown::WriteOffShare),
        Ok(pb::Unknown::InterestRate) => Some(Unknown::InterestRate),
        Ok(pb::Unknown::Unspecified) => match preset {
            Some(preset) => Some(preset.solve_unknown().unwrap_or(Unknown::WriteOffShare)),
            None => {
                v.add(
                    "unknown",
                    "MISSING_FIELD",
                    "is required with spelled-out terms",
                );
                None
            }
        },
        Err(_) => {
            v.add(
                "unknown",
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not an Unknown value"),
            );
            None
        }
    }
}

/// Validates a SolveTerms request.
pub fn parse_solve(request: &pb::SolveTermsRequest) -> Result<SolveRequestInput, ApiError> {
    let mut v = Violations::new();
    let valuation_date = convert::date(&mut v, "valuation_date", request.valuation_date.as_ref());
    let old = debt_stream_with(
        &mut v,
        "old_claim",
        request.old_claim.as_ref(),
        valuation_date,
    );
    let past_due = past_due_interest(&mut v, request.past_due_interest.as_ref(), old.as_ref());
    let discounting = valuation::discounting(&mut v, "discounting", request.discounting.as_ref());

    let (terms, preset) = match &request.new_terms {
        None => {
            v.add(
                "terms",
                "MISSING_FIELD",
                "one of terms or preset is required",
            );
            (None, None)
        }
        Some(pb::solve_terms_request::NewTerms::Terms(terms)) => {
            (loan_terms::parse(&mut v, "terms", Some(terms)), None)
        }
        Some(pb::solve_terms_request::NewTerms::Preset(preset)) => {
            match preset_terms_field(&mut v, "preset", Some(preset), valuation_date) {
                Some(resolved) => (Some(resolved.terms), Some(resolved.preset)),
                None => (None, None),
            }
        }
    };
    let preset_given = matches!(
        request.new_terms,
        Some(pb::solve_terms_request::NewTerms::Preset(_))
    );
    let unknown = if preset_given && preset.is_none() {
        None
    } else {
        unknown(&mut v, request.unknown, preset)
    };

    let target = if request.target_reduction.is_empty() {
        match preset.and_then(|p| p.target_npv_reduction) {
            // An unknown preset is reported already; no follow-on error.
            _ if preset_given && preset.is_none() => None,
            Some(target) => Some(target),
            None => {
                v.add(
                    "target_reduction",
                    "MISSING_FIELD",
                    "is required (this preset has no target of its own)",
                );
                None
            }
        }
    } else {
        convert::decimal(&mut v, "target_reduction", &request.target_reduction).and_then(|t| {
            if t < Decimal::ZERO || t >= Decimal::ONE {
                v.add(
                    "target_reduction",
                    "OUT_OF_INTERVAL",
                    format!("must be in [0, 1), got {t}"),
                );
                None
            } else {
                Some(t)
            }
        })
    };

    let rate_only = |v: &mut Violations, field: &str, text: &str| {
        if !text.is_empty() && unknown == Some(Unknown::WriteOffShare) {
            v.add(
                field,
                "UNEXPECTED_FIELD",
                "is only allowed with UNKNOWN_INTEREST_RATE",
            );
        }
    };
    rate_only(&mut v, "write_off_share", &request.write_off_share);
    rate_only(&mut v, "min_rate", &request.min_rate);
    rate_only(&mut v, "max_rate", &request.max_rate);
    let write_off_share = if request.write_off_share.is_empty() {
        Some(preset.map_or(Decimal::ZERO, |p| p.cancellation_share))
    } else {
        convert::decimal(&mut v, "write_off_share", &request.write_off_share).and_then(|s| {
            if s < Decimal::ZERO || s >= Decimal::ONE {
                v.add(
                    "write_off_share",
                    "OUT_OF_INTERVAL",
                    format!("must be in [0, 1), got {s}"),
                );
                None
            } else {
                Some(s)
            }
        })
    };
    let bound = |v: &mut Violations, field: &str, text: &str, default: Decimal| {
        if text.is_empty() {
            return Some(default);
        }
        let rate = loan_terms::rate(v, field, text)?;
        if rate.normalize().scale() > VALUE_DECIMALS {
            v.add(
                field,
                "TOO_MANY_DECIMALS",
                format!(
                    "the rate is solved on a grid of {VALUE_DECIMALS} decimals; {rate} has more"
                ),
            );
            return None;
        }
        Some(rate)
    };
    let min_rate = bound(&mut v, "min_rate", &request.min_rate, Decimal::ZERO);
    let max_rate = bound(&mut v, "max_rate", &request.max_rate, Decimal::ONE);
    if let (Some(low), Some(high)) = (min_rate, max_rate) {
        if low >= high || high > MAX_RATE_BOUND {
            v.add(
                "max_rate",
                "INVALID_BOUNDS",
                format!("needs min_rate < max_rate <= {MAX_RATE_BOUND}, got {low} and {high}"),
            );
        }
    }
    if unknown == Some(Unknown::InterestRate) {
        if let Some(pb::solve_terms_request::NewTerms::Terms(terms)) = &request.new_terms {
            if !terms.rate_steps.is_empty() {
                v.add(
                    "terms.rate_steps",
                    "UNEXPECTED_FIELD",
                    "rate steps cannot be combined with solving the rate",
                );
            }
        }
    }
    v.finish(|| {
        let (discounting, compounding_source) =
            preset_compounding(request.discounting.as_ref(), discounting?, preset);
        Some(SolveRequestInput {
            compounding_source,
            input: SolveInput {
                old_claim: old?.stream,
                past_due_interest: past_due?,
                valuation_date: valuation_date?,
                discounting,
                target_reduction: target?,
                new_terms: terms?,
                unknown: unknown?,
                write_off_share: write_off_share?,
                rate_bounds: (min_rate?, max_rate?),
            },
            preset,
        })
    })
}

fn unknown_to_pb(unknown: Unknown) -> pb::Unknown {
    match unknown {
        Unknown::WriteOffShare => pb::Unknown::WriteOffShare,
        Unknown::InterestRate => pb::Unknown::InterestRate,
    }
}

/// Renders a solve with the full valuation of the solved terms.
pub fn render_solve(
    request: &SolveRequestInput,
    outcome: &SolveOutcome,
) -> Result<pb::SolveTermsResponse, ApiError> {
    let input = &request.input;
    let valuation = match &outcome.valuation {
        Some(result) => {
            let echo = RestructuringInput {
                old_claim: input.old_claim.clone(),
                past_due_interest: input.past_due_interest,
                new_debt: DebtStream::Loan {
                    principal: outcome.new_principal.clone(),
                    terms: outcome.new_terms.clone(),
                },
                valuation_date: input.valuation_date,
                discounting: input.discounting.clone(),
            };
            Some(valuation::render_restructuring(&echo, result)?)
        }
        None => None,
    };
    let accrual_start = outcome
        .valuation
        .as_ref()
        .and_then(|v| v.new_stream.schedule.as_ref())
        .and_then(|s| s.installments.first())
        .map_or(outcome.new_terms.first_payment_date, |i| i.accrual_start);
    Ok(pb::SolveTermsResponse {
        unknown: unknown_to_pb(outcome.unknown) as i32,
        feasible: Some(outcome.feasible),
        solved_value: outcome.solved_value.normalize().to_string(),
        target_reduction: input.target_reduction.normalize().to_string(),
        achieved_reduction: convert::reported_decimal(outcome.achieved_reduction),
        best_reachable_reduction: outcome.best_reachable_reduction.map(convert::reported_decimal).unwrap_or_default(),
        binding_bound: outcome.binding_bound.map(|b| pb::Bound {
            side: match b.side {
                BoundSide::Lower => pb::BoundSide::Lower,
                BoundSide::Upper => pb::BoundSide::Upper,
            } as i32,
            value: b.value.normalize().to_string(),
        }),
        shortfall_neighbour_value: outcome.shortfall_neighbour.map(|p| p.value.normalize().to_string()).unwrap_or_default(),
        shortfall_neighbour_reduction: outcome
            .shortfall_neighbour
            .map(|p| convert::reported_decimal(p.reduction))
            .unwrap_or_default(),
        new_principal: Some(convert::money_to_pb(&outcome.new_principal)),
        new_terms: Some(loan_terms::to_pb(&outcome.new_terms, accrual_start)),
        valuation,
        discounting: Some(valuation::discounting_to_pb(&input.discounting)),
        compounding_source: request.compounding_source as i32,
        preset: request.preset.map(preset_to_pb),
        warnings: Vec::new(), // filled in by the handler (api::warnings)
        write_off_base: Some(write_off_base_to_pb(
            outcome.new_principal.currency,
            &outcome.write_off_base,
        )?),
        solver: Some(pb::SolverConventions {
            provenance: None, // set by the RPC's handler (see api::provenance)
            method: "REGULA_FALSI_ILLINOIS_WITH_BISECTION".into(),
            value_decimals: Some(VALUE_DECIMALS),
            tolerance: "achieved >= target; the next grid value (1e-12), or one minor unit of principal, falls short".into(),
            max_iterations: Some(MAX_ITERATIONS),
            iterations: Some(outcome.iterations),
            converged: Some(outcome.converged),
            reduction_measure: "STURZENEGGER_ZETTELMEYER".into(),
        }),
    })
}

/// Every preset, as the API shows it.
pub fn list_presets() -> pb::ListTermPresetsResponse {
    pb::ListTermPresetsResponse {
        provenance: None, // set by the RPC's handler (see api::provenance)
        presets: all_presets().iter().map(preset_to_pb).collect(),
    }
}

fn preset_to_pb(preset: &TermPreset) -> pb::TermPreset {
    pb::TermPreset {
        id: preset.id.into(),
        name: preset.name.into(),
        treatment: preset.treatment.to_string(),
        year: Some(preset.treatment.year()),
        option: match preset.option {
            PresetOption::DebtReduction => pb::PresetOption::DebtReduction,
            PresetOption::DebtServiceReduction => pb::PresetOption::DebtServiceReduction,
            PresetOption::Rescheduling => pb::PresetOption::Rescheduling,
            PresetOption::Oda => pb::PresetOption::Oda,
            PresetOption::Commercial => pb::PresetOption::Commercial,
            PresetOption::MoratoriumInterestCapitalisation => {
                pb::PresetOption::MoratoriumInterestCapitalisation
            }
        } as i32,
        cancellation_share: preset.cancellation_share.normalize().to_string(),
        maturity_years: Some(preset.maturity_years),
        grace_years: Some(preset.grace_years),
        frequency: loan_terms::frequency_to_pb(preset.frequency) as i32,
        grace_periods: Some(preset.grace_periods()),
        installment_count: Some(preset.installment_count()),
        amortization: loan_terms::amortization_to_pb(&preset.amortization) as i32,
        rate: match preset.rate {
            PresetRate::Market => pb::PresetRate::Market,
            PresetRate::SolvedForTarget => pb::PresetRate::SolvedForTarget,
            PresetRate::Concessional => pb::PresetRate::Concessional,
        } as i32,
        day_count: loan_terms::day_count_to_pb(preset.day_count()) as i32,
        target_npv_reduction: preset
            .target_npv_reduction
            .map(|t| t.normalize().to_string())
            .unwrap_or_default(),
        source: preset.source.into(),
        grace_convention: super::concessionality::grace_convention_to_pb(preset.grace_convention)
            as i32,
        grace_interest: match preset.grace_interest {
            GraceInterest::Paid => pb::GraceInterest::Paid,
            GraceInterest::Capitalized => pb::GraceInterest::Capitalized,
        } as i32,
    }
}

/// The write-off base, in the claim's currency (exact amounts, which have
/// at most the currency's minor units; rounding only guards the format).
pub(crate) fn write_off_base_to_pb(
    currency: Currency,
    base: &WriteOffBase,
) -> Result<pb::WriteOffBase, ApiError> {
    let money = |amount: Decimal| -> Result<Option<pb::Money>, ApiError> {
        round_to_minor_units(currency, amount, RoundingMode::HalfEven, "write-off base")
            .map(|m| Some(convert::money_to_pb(&m)))
            .map_err(|e| ApiError::from_domain(e, &["old_claim"]))
    };
    let parts = &base.components;
    Ok(pb::WriteOffBase {
        total: money(base.total)?,
        components: Some(pb::FaceComponents {
            outstanding_principal: money(parts.outstanding_principal)?,
            past_due_principal: money(parts.past_due_principal)?,
            past_due_interest: money(parts.past_due_interest)?,
            accrued_interest: money(parts.accrued_interest)?,
        }),
    })
}
