//! AnalyzeSettlement: a whole settlement in one call. Every step builds the
//! request its single RPC would take and runs that RPC's own parse, compute
//! and render function (`restructuring_service::*_response`,
//! `reconciliation_service::*_response`), so each figure is the single
//! RPC's figure for the same input. A step's errors are reported at the
//! field paths of the settlement request.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert;
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::reconciliation_service::reconcile_valuations_response;
use super::restructuring_service::{
    assess_concessionality_response, build_schedule_response, split_claim_response,
    value_restructuring_response,
};
use super::settlement_claim::run_claim;
use super::settlement_reinvestment;
use super::settlement_step::{invalid, lift_warnings, remap, response_money};
pub use super::settlement_step::{Context, ContextData};
use super::{loan_terms, preset, warnings};
use crate::domain::schedule::first_accrual_start;

/// The most discount rates one settlement may be valued at.
pub const MAX_DISCOUNT_RATES: usize = 20;
/// The most concessionality conventions one settlement may be assessed under.
pub const MAX_CONVENTIONS: usize = 8;

/// The library's request with the caller's sections in place of its own
/// (each section set in `overrides` replaces the library's as a whole).
pub fn with_overrides(
    base: &pb::AnalyzeSettlementRequest,
    overrides: &pb::AnalyzeSettlementRequest,
) -> pb::AnalyzeSettlementRequest {
    let mut merged = base.clone();
    merged.settlement_id = overrides.settlement_id.clone();
    if overrides.claim.is_some() {
        merged.claim = overrides.claim.clone();
    }
    if overrides.write_off.is_some() {
        merged.write_off = overrides.write_off.clone();
    }
    if overrides.repayment.is_some() {
        merged.repayment = overrides.repayment.clone();
    }
    if overrides.reinvestment.is_some() {
        merged.reinvestment = overrides.reinvestment.clone();
    }
    if overrides.valuation.is_some() {
        merged.valuation = overrides.valuation.clone();
    }
    if !overrides.concessionality_conventions.is_empty() {
        merged.concessionality_conventions = overrides.concessionality_conventions.clone();
    }
    if overrides.reconciliation.is_some() {
        merged.reconciliation = overrides.reconciliation.clone();
    }
    merged
}

/// The repayment terms as LoanTerms, a preset resolved into its schedule.
struct Repayment {
    terms: pb::LoanTerms,
    /// Field paths of the terms' fields in the settlement request.
    terms_field: &'static str,
    /// A preset's cancellation share (the write-off).
    preset_share: Option<Decimal>,
}

fn run_repayment(
    repayment: &pb::SettlementRepayment,
    valuation_date: Option<NaiveDate>,
    valuation_date_given: bool,
) -> Result<Repayment, ApiError> {
    use pb::settlement_repayment::Terms;
    match &repayment.terms {
        None => Err(invalid(
            "repayment.loan_terms",
            "MISSING_FIELD",
            "exactly one of loan_terms or preset is required",
        )),
        Some(Terms::LoanTerms(terms)) => Ok(Repayment {
            terms: terms.clone(),
            terms_field: "repayment.loan_terms",
            preset_share: None,
        }),
        Some(Terms::Preset(preset)) => {
            let mut v = Violations::new();
            if preset.first_payment_date.is_none() && !valuation_date_given {
                v.add(
                    "valuation.valuation_date",
                    "MISSING_FIELD",
                    "is required with a preset that has no first_payment_date (its schedule starts at the valuation date)",
                );
            }
            let resolved = preset::preset_terms_field(
                &mut v,
                "repayment.preset",
                Some(preset),
                valuation_date,
            );
            v.finish(|| {
                let resolved = resolved?;
                let accrual_start = first_accrual_start(&resolved.terms).ok()?;
                Some(Repayment {
                    terms: loan_terms::to_pb(&resolved.terms, accrual_start),
                    terms_field: "repayment.preset",
                    preset_share: Some(resolved.preset.cancellation_share),
                })
            })
        }
    }
}

/// The claim's own warnings: a named conversion basis whose validity dates
/// do not include claim.claim_date.
fn claim_warnings(claim: &pb::SettlementClaim, ctx: &Context) -> Vec<pb::Warning> {
    let Some(date) = claim
        .claim_date
        .as_ref()
        .and_then(|d| NaiveDate::from_ymd_opt(d.year, d.month as u32, d.day as u32))
    else {
        return vec![];
    };
    claim
        .parts
        .iter()
        .enumerate()
        .filter_map(
            |(i, part)| match part.conversion.as_ref()?.method.as_ref()? {
                pb::conversion::Method::BasisId(id) => warnings::basis_not_valid_on_claim_date(
                    &format!("claim.parts[{i}].conversion.basis_id"),
                    ctx.data.basis(id)?,
                    date,
                ),
                pb::conversion::Method::Rate(_) => None,
            },
        )
        .collect()
}

/// Runs every step the request describes.
pub fn analyze(
    request: &pb::AnalyzeSettlementRequest,
    ctx: &Context,
    request_source: String,
) -> Result<pb::AnalyzeSettlementResponse, ApiError> {
    let Some(claim_section) = request.claim.as_ref() else {
        return Err(invalid("claim", "MISSING_FIELD", "is required"));
    };
    let claim = run_claim(claim_section, ctx)?;
    let mut warnings = claim_warnings(claim_section, ctx);
    let net_pb = convert::money_to_pb(&claim.net);

    // The valuation section, read first: a preset schedule may start at
    // its date.
    let mut v = Violations::new();
    let valuation = request.valuation.as_ref();
    let given_date = valuation
        .and_then(|val| val.valuation_date.as_ref())
        .and_then(|d| convert::date(&mut v, "valuation.valuation_date", Some(d)));
    if let Some(val) = valuation {
        if val.discount_rates.is_empty() || val.discount_rates.len() > MAX_DISCOUNT_RATES {
            v.add(
                "valuation.discount_rates",
                "RATE_COUNT",
                format!(
                    "1 to {MAX_DISCOUNT_RATES} rates, got {}",
                    val.discount_rates.len()
                ),
            );
        }
    }
    if request.concessionality_conventions.len() > MAX_CONVENTIONS {
        v.add(
            "concessionality_conventions",
            "TOO_MANY_CONVENTIONS",
            format!(
                "at most {MAX_CONVENTIONS}, got {}",
                request.concessionality_conventions.len()
            ),
        );
    }
    for (i, raw) in request.concessionality_conventions.iter().enumerate() {
        if *raw == pb::ConcessionalityConvention::Custom as i32 {
            v.add(
                format!("concessionality_conventions[{i}]"),
                "CUSTOM_NOT_AVAILABLE",
                "CUSTOM needs a rate and threshold: use AssessConcessionality",
            );
        }
    }
    if request.repayment.is_none() {
        for (present, field) in [
            (request.reinvestment.is_some(), "reinvestment"),
            (valuation.is_some(), "valuation"),
            (
                !request.concessionality_conventions.is_empty(),
                "concessionality_conventions",
            ),
        ] {
            if present {
                v.add(
                    field,
                    "NEEDS_REPAYMENT",
                    "needs repayment (the schedule of the remainder)",
                );
            }
        }
    }
    if let Some(write_off) = request.write_off.as_ref() {
        if write_off.claim.is_some() {
            v.add(
                "write_off.claim",
                "MUST_BE_UNSET",
                "the write-off applies to the settlement claim; leave claim unset",
            );
        }
        if !write_off.programs.is_empty() {
            v.add(
                "write_off.programs",
                "MUST_BE_EMPTY",
                "give the programmes in reinvestment.programs",
            );
        }
    }
    v.into_result(())?;

    let repayment = match request.repayment.as_ref() {
        Some(r) => Some(run_repayment(r, given_date, given_date.is_some())?),
        None => None,
    };

    // The split: SplitClaim of the settlement claim.
    let (split_request, given_as, split_rules): (pb::SplitClaimRequest, &str, Vec<(&str, &str)>) =
        match (
            &request.write_off,
            repayment.as_ref().and_then(|r| r.preset_share),
        ) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "write_off",
                    "MUST_BE_UNSET",
                    "a preset's cancellation share is the write-off; leave write_off unset",
                ))
            }
            (Some(write_off), None) => {
                let given_as = match write_off.write_off {
                    Some(pb::split_claim_request::WriteOff::Remaining(_)) => "remaining",
                    _ => "write_off_share",
                };
                (
                    pb::SplitClaimRequest {
                        claim: Some(net_pb.clone()),
                        ..write_off.clone()
                    },
                    given_as,
                    vec![
                        ("claim", "claim"),
                        ("write_off_share", "write_off.write_off_share"),
                        ("remaining", "write_off.remaining"),
                        ("rounding_mode", "write_off.rounding_mode"),
                    ],
                )
            }
            (None, share) => (
                pb::SplitClaimRequest {
                    claim: Some(net_pb.clone()),
                    write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                        share.unwrap_or(Decimal::ZERO).to_string(),
                    )),
                    programs: vec![],
                    rounding_mode: 0,
                },
                if share.is_some() {
                    "preset_cancellation_share"
                } else {
                    "none"
                },
                vec![("claim", "claim")],
            ),
        };
    let split = split_claim_response(&split_request, ctx.provenance)
        .map_err(|e| remap(e, &split_rules, "write_off"))?;
    let remaining = split.remaining.clone();

    let mut response = pb::AnalyzeSettlementResponse {
        settlement_id: request.settlement_id.clone(),
        effective_request: Some(request.clone()),
        conversions: claim.conversions,
        claim: Some(net_pb.clone()),
        offsets: Some(convert::money_to_pb(&claim.offsets)),
        split: Some(split),
        ..Default::default()
    };
    let _ = &claim.total;

    let mut valuation_date_source = "REQUEST";
    let mut valuation_date = given_date;
    if let Some(repayment) = repayment.as_ref() {
        let remaining_money = response_money(remaining.as_ref())?;
        if remaining_money.amount.is_zero() {
            return Err(invalid(
                "write_off",
                "NOTHING_TO_REPAY",
                "the write-off leaves nothing to repay; remove repayment or write off less",
            ));
        }
        let terms_rules = |field: &'static str| vec![("terms", field), ("principal", "write_off")];
        let schedule_request = pb::BuildScheduleRequest {
            principal: remaining.clone(),
            terms: Some(repayment.terms.clone()),
        };
        let schedule_rules = terms_rules(repayment.terms_field);
        let schedule = build_schedule_response(&schedule_request, ctx.provenance)
            .map_err(|e| remap(e, &schedule_rules, repayment.terms_field))?;
        lift_warnings(
            &mut warnings,
            &schedule.warnings,
            &schedule_rules,
            repayment.terms_field,
        );
        if valuation_date.is_none() {
            valuation_date_source = "REPAYMENT_ACCRUAL_START";
            valuation_date = schedule
                .installments
                .first()
                .and_then(|i| i.accrual_start_date.as_ref())
                .and_then(|d| NaiveDate::from_ymd_opt(d.year, d.month as u32, d.day as u32));
        }
        let date_pb = valuation_date.map(convert::date_to_pb);

        let mut rates = Vec::new();
        if let Some(val) = valuation {
            for (i, rate) in val.discount_rates.iter().enumerate() {
                let value_request = pb::ValueRestructuringRequest {
                    old_claim: Some(pb::DebtStream {
                        stream: Some(pb::debt_stream::Stream::DueAtValuation(net_pb.clone())),
                    }),
                    past_due_interest: None,
                    new_debt: Some(pb::DebtStream {
                        stream: Some(pb::debt_stream::Stream::Loan(pb::LoanStream {
                            principal: remaining.clone(),
                            terms: Some(repayment.terms.clone()),
                        })),
                    }),
                    valuation_date: date_pb,
                    discounting: Some(pb::Discounting {
                        rate: Some(pb::discounting::Rate::FlatRate(rate.clone())),
                        compounding: val.compounding,
                        compounding_frequency: val.compounding_frequency,
                        time_basis: val.time_basis,
                    }),
                };
                let rate_field = format!("valuation.discount_rates[{i}]");
                let rules = [
                    ("discounting.flat_rate", rate_field.as_str()),
                    ("discounting", "valuation"),
                    ("valuation_date", "valuation.valuation_date"),
                    ("new_debt.loan.terms", repayment.terms_field),
                    ("new_debt.loan.principal", "write_off"),
                    ("new_debt", repayment.terms_field),
                    ("old_claim", "claim"),
                ];
                let valued = value_restructuring_response(&value_request, ctx.provenance)
                    .map_err(|e| remap(e, &rules, "valuation"))?;
                lift_warnings(&mut warnings, &valued.warnings, &rules, "valuation");
                rates.push(pb::RateValuation {
                    discount_rate: rate.clone(),
                    valuation: Some(valued),
                });
            }
        }

        for (i, convention) in request.concessionality_conventions.iter().enumerate() {
            let assess_request = pb::AssessConcessionalityRequest {
                principal: remaining.clone(),
                terms: Some(repayment.terms.clone()),
                convention: *convention,
                valuation_date: None,
                time_basis: valuation.map_or(0, |val| val.time_basis),
                ..Default::default()
            };
            let field = format!("concessionality_conventions[{i}]");
            let rules = [
                ("convention", field.as_str()),
                ("terms", repayment.terms_field),
                ("principal", "write_off"),
                ("time_basis", "valuation.time_basis"),
            ];
            let assessed = assess_concessionality_response(&assess_request, ctx.provenance)
                .map_err(|e| remap(e, &rules, &field))?;
            lift_warnings(&mut warnings, &assessed.warnings, &rules, &field);
            response.concessionality.push(assessed);
        }

        if let Some(reinvestment) = request.reinvestment.as_ref() {
            response.reinvestment = Some(settlement_reinvestment::run(
                reinvestment,
                &schedule,
                valuation.map(|val| (val, valuation_date)),
            )?);
        }
        response.schedule = Some(schedule);
        response.valuations = rates;
    }

    if let Some(reconciliation) = request.reconciliation.as_ref() {
        let first = &claim_section.parts[0];
        let Some(conversion) = first.conversion.clone() else {
            return Err(invalid(
                "reconciliation",
                "NEEDS_CONVERSION",
                "the reconciliation compares conversions: claim.parts[0] needs one",
            ));
        };
        let creditor_name = if reconciliation.creditor_name.is_empty() {
            "creditor".to_string()
        } else {
            reconciliation.creditor_name.clone()
        };
        let reconcile_request = pb::ReconcileValuationsRequest {
            claim: first.amount.clone(),
            components: first.components.clone(),
            target_currency: claim.currency_code.clone(),
            parties: vec![
                pb::PartyMethod {
                    name: creditor_name,
                    conversion: Some(conversion),
                    redenomination_id: first.redenomination_id.clone(),
                    recognised_components: vec![],
                    offsets: claim_section.offsets.clone(),
                },
                reconciliation.debtor.clone().unwrap_or_default(),
            ],
            rounding_mode: claim_section.rounding_mode,
        };
        let reconciled = reconcile_valuations_response(
            &reconcile_request,
            ctx.data,
            ctx.data_source,
            ctx.provenance,
        )
        .map_err(|e| {
            remap(
                e,
                &[
                    ("parties[1]", "reconciliation.debtor"),
                    ("parties[0].name", "reconciliation.creditor_name"),
                    ("parties[0].offsets", "claim.offsets"),
                    ("parties[0].conversion", "claim.parts[0].conversion"),
                    (
                        "parties[0].redenomination_id",
                        "claim.parts[0].redenomination_id",
                    ),
                    ("claim", "claim.parts[0].amount"),
                    ("components", "claim.parts[0].components"),
                    ("target_currency", "claim.settlement_currency"),
                    ("rounding_mode", "claim.rounding_mode"),
                ],
                "reconciliation",
            )
        })?;
        response.reconciliation = Some(reconciled);
    }

    response.warnings = warnings;
    response.conventions = Some(pb::SettlementConventions {
        claim: "SUM_OF_CONVERTED_PARTS_LESS_OFFSETS".into(),
        old_claim: "SETTLEMENT_CLAIM_DUE_AT_VALUATION_DATE".into(),
        valuation_date: valuation_date.map(convert::date_to_pb),
        valuation_date_source: if valuation_date.is_some() {
            valuation_date_source.into()
        } else {
            String::new()
        },
        concessionality_valuation_date: "REPAYMENT_ACCRUAL_START".into(),
        write_off_given_as: given_as.into(),
        request_source,
        provenance: ctx.provenance.to_pb(),
    });
    Ok(response)
}
