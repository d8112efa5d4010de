//! The debt-for-development kind of EvaluateSwap: validation with field
//! paths (under `development.`), the domain's evaluation
//! (`domain::swap::development`), and rendering.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::schedule::{self, ScheduleInput};
use super::swap_common::{
    fraction_of_par, invalid, local_against_debt, local_currency, swap_valuation, value_pair,
};
use super::{debt_stream, loan_terms, split, valuation, warnings};
use crate::domain::error::DomainError;
use crate::domain::money::{round_to_minor_units, Money};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::sums_to_one;
use crate::domain::swap::{
    evaluate_development, CounterpartSchedule, DevelopmentInput, DevelopmentOutcome, SwapError,
};

/// The most explicit counterpart instalments.
pub const MAX_INSTALLMENTS: usize = 1_200;

/// How the fund is divided among the programmes (echoed): the
/// reinvestment's cumulative rule.
pub const ALLOCATION_METHOD: &str = super::settlement_reinvestment::ALLOCATION_METHOD;

/// Warning code: the debtor pays as much as is cancelled.
pub const NO_NOMINAL_SAVING: &str = "NO_NOMINAL_SAVING";

/// A development swap evaluated and rendered.
pub struct Evaluated {
    pub result: pb::DevelopmentSwapResult,
    pub warnings: Vec<pb::Warning>,
    pub rounding: RoundingMode,
}

/// Parses the swap at `at` ("development"), naming every bad field.
pub fn parse(at: &str, swap: &pb::DevelopmentSwap) -> Result<DevelopmentInput, ApiError> {
    let mut v = Violations::new();
    let f = |name: &str| format!("{at}.{name}");
    let valuation = swap_valuation(&mut v, &f("valuation"), swap.valuation.as_ref());
    let debt = debt_stream::debt_stream_with(
        &mut v,
        &f("debt"),
        swap.debt.as_ref(),
        valuation.as_ref().map(|(date, _)| *date),
    );
    let cancelled_share = if swap.cancelled_share.is_empty() {
        Some(Decimal::ONE)
    } else {
        fraction_of_par(
            &mut v,
            &f("cancelled_share"),
            &swap.cancelled_share,
            "OUT_OF_INTERVAL",
        )
    };
    let conversion_ratio = fraction_of_par(
        &mut v,
        &f("conversion_ratio"),
        &swap.conversion_ratio,
        "RATIO_ABOVE_PAR",
    );
    let debt_currency = debt.as_ref().map(|d| d.stream.currency());
    let counterpart = counterpart_schedule(
        &mut v,
        &f("counterpart_schedule"),
        swap.counterpart_schedule.as_ref(),
        debt_currency,
    );
    let local = local_currency(&mut v, &f("local_currency"), swap.local_currency.as_ref());
    local_against_debt(&mut v, &f("local_currency"), &local, debt_currency);
    if swap.programs.is_empty() {
        v.add(
            f("programs"),
            "MISSING_FIELD",
            "at least one programme is required",
        );
    }
    let programmes = split::parse_programs_at(&mut v, &f("programs"), &swap.programs);
    let rounding = convert::rounding_mode(&mut v, &f("rounding_mode"), swap.rounding_mode);
    v.finish(|| {
        let (valuation_date, discountings) = valuation?;
        Some(DevelopmentInput {
            debt: debt?.stream,
            cancelled_share: cancelled_share?,
            conversion_ratio: conversion_ratio?,
            schedule: counterpart?,
            local: local?,
            programmes: programmes?,
            valuation_date,
            discountings,
            rounding: rounding?,
        })
    })
}

fn counterpart_schedule(
    v: &mut Violations,
    at: &str,
    value: Option<&pb::CounterpartSchedule>,
    debt_currency: Option<crate::domain::currency::Currency>,
) -> Option<CounterpartSchedule> {
    use pb::counterpart_installment::Part;
    use pb::counterpart_schedule::Schedule;
    let Some(schedule) = value.and_then(|s| s.schedule.as_ref()) else {
        v.add(at, "MISSING_FIELD", "is required: terms or installments");
        return None;
    };
    match schedule {
        Schedule::Terms(terms) => loan_terms::parse(v, &format!("{at}.terms"), Some(terms))
            .map(CounterpartSchedule::Terms),
        Schedule::Installments(list) => {
            let at = format!("{at}.installments.installments");
            let list = &list.installments;
            if list.is_empty() {
                v.add(&at, "MISSING_FIELD", "at least one instalment is required");
                return None;
            }
            if list.len() > MAX_INSTALLMENTS {
                v.add(
                    &at,
                    "TOO_MANY_INSTALLMENTS",
                    format!("at most {MAX_INSTALLMENTS}, got {}", list.len()),
                );
                return None;
            }
            let by_share = matches!(list[0].part, Some(Part::Share(_)));
            let mut amounts = Vec::new();
            let mut shares = Vec::new();
            let mut valid = true;
            let mut previous: Option<NaiveDate> = None;
            for (i, item) in list.iter().enumerate() {
                let here = format!("{at}[{i}]");
                let date = convert::date(v, &format!("{here}.due_date"), item.due_date.as_ref());
                if let (Some(before), Some(date)) = (previous, date) {
                    if date <= before {
                        v.add(
                            format!("{here}.due_date"),
                            "DATES_NOT_INCREASING",
                            format!("{date} must be after the previous instalment's {before}"),
                        );
                        valid = false;
                    }
                }
                previous = date.or(previous);
                match (&item.part, by_share) {
                    (None, _) => {
                        v.add(
                            format!("{here}.amount"),
                            "MISSING_FIELD",
                            "one of amount or share is required",
                        );
                        valid = false;
                    }
                    (Some(Part::Amount(_)), true) | (Some(Part::Share(_)), false) => {
                        v.add(
                            &here,
                            "MIXED_INSTALLMENT_KINDS",
                            "every instalment must be given as the first one is (all amounts or all shares)",
                        );
                        valid = false;
                    }
                    (Some(Part::Amount(amount)), false) => {
                        let field = format!("{here}.amount");
                        match convert::money(v, &field, Some(amount), Sign::Positive) {
                            Some(money) => {
                                if let Some(currency) = debt_currency {
                                    if money.currency != currency {
                                        v.add(
                                            format!("{field}.currency_code"),
                                            "CURRENCY_MISMATCH",
                                            format!(
                                                "must be the debt's currency {currency}, got {}",
                                                money.currency
                                            ),
                                        );
                                        valid = false;
                                    }
                                }
                                if let Some(date) = date {
                                    amounts.push((date, money));
                                }
                            }
                            None => valid = false,
                        }
                    }
                    (Some(Part::Share(text)), true) => {
                        match fraction_of_par(v, &format!("{here}.share"), text, "OUT_OF_INTERVAL")
                        {
                            Some(share) => {
                                if let Some(date) = date {
                                    shares.push((date, share));
                                }
                            }
                            None => valid = false,
                        }
                    }
                }
                valid &= date.is_some();
            }
            if !valid {
                return None;
            }
            if by_share {
                let values: Vec<Decimal> = shares.iter().map(|(_, s)| *s).collect();
                if !sums_to_one(&values) {
                    let sum: Decimal = values
                        .iter()
                        .fold(Decimal::ZERO, |a, s| a.checked_add(*s).unwrap_or(a));
                    v.add(
                        &at,
                        "COUNTERPART_DOES_NOT_ADD_UP",
                        format!("the shares add up to {sum}, not to 1"),
                    );
                    return None;
                }
                Some(CounterpartSchedule::Shares(shares))
            } else {
                Some(CounterpartSchedule::Amounts(amounts))
            }
        }
    }
}

/// Maps an error of the evaluation to the fields of the swap at `at`.
pub fn swap_error(at: &str, error: SwapError) -> ApiError {
    match error {
        SwapError::Domain(e) => {
            let field = match e {
                DomainError::InvalidTerms { .. } | DomainError::DateOutOfRange { .. } => {
                    format!("{at}.counterpart_schedule")
                }
                _ => at.to_string(),
            };
            ApiError::from_domain(e, &[field.as_str()])
        }
        SwapError::NothingCancelled => invalid(
            &format!("{at}.cancelled_share"),
            "NOTHING_CANCELLED",
            error.to_string(),
        ),
        SwapError::CounterpartDoesNotAddUp { .. } => invalid(
            &format!("{at}.counterpart_schedule.installments.installments"),
            "COUNTERPART_DOES_NOT_ADD_UP",
            error.to_string(),
        ),
        SwapError::RedemptionBelowPurchase { .. } => ApiError::Internal(format!(
            "a development swap failed as a three-party one: {error}"
        )),
    }
}

/// Parses, evaluates and renders the swap at `at`.
pub fn run(at: &str, swap: &pb::DevelopmentSwap) -> Result<Evaluated, ApiError> {
    let input = parse(at, swap)?;
    let outcome = evaluate_development(&input).map_err(|e| swap_error(at, e))?;
    let result = render(&input, &outcome, at)?;
    let warnings = warnings_of(at, swap, &input, &outcome);
    Ok(Evaluated {
        result,
        warnings,
        rounding: input.rounding,
    })
}

fn warnings_of(
    at: &str,
    swap: &pb::DevelopmentSwap,
    input: &DevelopmentInput,
    outcome: &DevelopmentOutcome,
) -> Vec<pb::Warning> {
    let mut out = Vec::new();
    warnings::debt_stream_rates(&mut out, &format!("{at}.debt"), swap.debt.as_ref());
    if let Some(pb::counterpart_schedule::Schedule::Terms(terms)) = swap
        .counterpart_schedule
        .as_ref()
        .and_then(|s| s.schedule.as_ref())
    {
        warnings::loan_terms_rates(
            &mut out,
            &format!("{at}.counterpart_schedule.terms"),
            Some(terms),
        );
    }
    if let Some(valuation) = &swap.valuation {
        for (i, d) in valuation.discountings.iter().enumerate() {
            warnings::discounting_rates(
                &mut out,
                &format!("{at}.valuation.discountings[{i}]"),
                Some(d),
            );
        }
    }
    if let Some(last) = outcome.last_debt_flow {
        out.extend(warnings::valuation_after_last_flow(
            &format!("{at}.valuation.valuation_date"),
            input.valuation_date,
            &format!("{at}.debt"),
            last,
        ));
    }
    if input.conversion_ratio == Decimal::ONE {
        out.push(pb::Warning {
            code: NO_NOMINAL_SAVING.into(),
            field: format!("{at}.conversion_ratio"),
            message: "a conversion ratio of 1: the debtor pays into the fund as much as is \
                      cancelled, and saves only by paying it later (if a discount was meant, \
                      give the ratio below 1, \"0.5\" for half)"
                .into(),
        });
    }
    out
}

fn money(m: &Money) -> Option<pb::Money> {
    Some(convert::money_to_pb(m))
}

/// Renders the outcome.
pub fn render(
    input: &DevelopmentInput,
    outcome: &DevelopmentOutcome,
    at: &str,
) -> Result<pb::DevelopmentSwapResult, ApiError> {
    let currency = outcome.debt_face.currency;
    let fund_currency = outcome.fund_total.currency;
    let names: Vec<&str> = input.programmes.iter().map(|p| p.name.as_str()).collect();
    let mut cumulative = vec![Decimal::ZERO; names.len()];
    let mut payments = Vec::with_capacity(outcome.payments.len());
    for payment in &outcome.payments {
        let mut programs = Vec::with_capacity(names.len());
        for (j, part) in payment.programmes.iter().enumerate() {
            cumulative[j] = cumulative[j]
                .checked_add(part.amount)
                .ok_or_else(|| overflow(at))?;
            programs.push(pb::ProgramAmount {
                name: names[j].to_string(),
                amount: money(part),
                cumulative: money(&Money {
                    currency: fund_currency,
                    amount: cumulative[j],
                }),
            });
        }
        payments.push(pb::CounterpartPayment {
            number: Some(payment.number),
            due_date: Some(convert::date_to_pb(payment.date)),
            amount: money(&payment.amount),
            local_amount: payment.local.as_ref().and_then(money),
            fund_amount: money(&payment.fund),
            programs,
        });
    }
    let mut valuations = Vec::with_capacity(outcome.valuations.len());
    for (discounting, value) in input.discountings.iter().zip(&outcome.valuations) {
        let (cancelled, cancelled_exact) =
            value_pair(currency, value.debt_service_cancelled_pv, at)?;
        let (counterpart, counterpart_exact) = value_pair(currency, value.counterpart_pv, at)?;
        let (saving, saving_exact) = value_pair(currency, value.debtor_saving, at)?;
        let (cost, cost_exact) = value_pair(currency, value.creditor_cost, at)?;
        let (programme_money, programme_money_exact) =
            value_pair(fund_currency, value.programme_money_pv, at)?;
        let programs = names
            .iter()
            .zip(&value.programme_pvs)
            .map(|(name, pv)| {
                let (present_value, present_value_exact) = value_pair(fund_currency, *pv, at)?;
                Ok(pb::SwapProgramValue {
                    name: name.to_string(),
                    present_value,
                    present_value_exact,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        valuations.push(pb::DevelopmentValuation {
            discounting: Some(valuation::discounting_to_pb(discounting)),
            debt_service_cancelled_pv: cancelled,
            debt_service_cancelled_pv_exact: cancelled_exact,
            counterpart_pv: counterpart,
            counterpart_pv_exact: counterpart_exact,
            debtor_saving: saving,
            debtor_saving_exact: saving_exact,
            creditor_cost: cost,
            creditor_cost_exact: cost_exact,
            programme_money_pv: programme_money,
            programme_money_pv_exact: programme_money_exact,
            programs,
            leverage: value.leverage.value.to_string(),
        });
    }
    let round = |value: Decimal| {
        round_to_minor_units(currency, value, RoundingMode::HalfEven, "amount")
            .map_err(|e| ApiError::from_domain(e, &[at]))
    };
    let counterpart_terms_schedule = match (&input.schedule, &outcome.schedule) {
        (CounterpartSchedule::Terms(terms), Some(built)) => Some(schedule::render_response(
            &ScheduleInput {
                principal: outcome.counterpart.clone(),
                terms: terms.clone(),
            },
            built,
        )),
        _ => None,
    };
    Ok(pb::DevelopmentSwapResult {
        debt_face: money(&outcome.debt_face),
        cancelled_share: input.cancelled_share.normalize().to_string(),
        face_cancelled: money(&outcome.face_cancelled),
        face_remaining: money(&outcome.face_remaining),
        conversion_ratio: input.conversion_ratio.normalize().to_string(),
        counterpart: money(&outcome.counterpart),
        counterpart_local: outcome.counterpart_local.as_ref().and_then(money),
        counterpart_payments: payments,
        counterpart_paid: money(&outcome.counterpart_paid),
        counterpart_paid_local: outcome.counterpart_paid_local.as_ref().and_then(money),
        debt_service_cancelled: money(&round(outcome.debt_service_cancelled)?),
        debt_service_cancelled_exact: outcome.debt_service_cancelled.normalize().to_string(),
        nominal_saving: money(&round(outcome.nominal_saving)?),
        fund_total: money(&outcome.fund_total),
        programs: names
            .iter()
            .zip(&outcome.programme_totals)
            .zip(&outcome.weight_shares)
            .map(|((name, total), share)| pb::SwapProgram {
                name: name.to_string(),
                weight_share: share.value.to_string(),
                total: money(total),
            })
            .collect(),
        valuations,
        valuation_date: Some(convert::date_to_pb(input.valuation_date)),
        face_value: debt_stream::FACE_VALUE.into(),
        counterpart_schedule_given_as: match input.schedule {
            CounterpartSchedule::Terms(_) => "LOAN_TERMS",
            CounterpartSchedule::Amounts(_) => "INSTALLMENT_AMOUNTS",
            CounterpartSchedule::Shares(_) => "INSTALLMENT_SHARES",
        }
        .into(),
        counterpart_terms_schedule,
    })
}

fn overflow(at: &str) -> ApiError {
    ApiError::OutOfRange {
        reason: "ARITHMETIC_OVERFLOW",
        message: "the fund amounts exceed the supported range".into(),
        fields: vec![at.into()],
    }
}
