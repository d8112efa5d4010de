//! The evaluation of a buyback with new financing: the figures of the World
//! Bank Debt Swap Calculator and the investors' view. See [`super`] for
//! the conventions.

use rust_decimal::Decimal;

use super::check::{check, operation_currency, InputProblem};
use super::input::{BuybackInput, FeeAmount};
use super::result::{
    BuybackError, BuybackEvaluation, CommitmentValue, FeePaid, HorizonSaving, InvestorView,
    RetiredValue, YearRow,
};
use super::timing::{timed_present_value, year_discount_factor, YearGrid};
use crate::domain::error::DomainError;
use crate::domain::money::round_to_minor_units;
use crate::domain::numerics::rational::{from_decimal, RationalDecimal};
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::build_schedule;
use crate::domain::valuation::{average_life, CashFlow, DebtStream};

/// Evaluates `input`: checks it ([`check`]), expands every schedule, and
/// computes every figure of [`BuybackEvaluation`].
pub fn evaluate_buyback(input: &BuybackInput) -> Result<BuybackEvaluation, BuybackError> {
    let problems = check(input);
    if !problems.is_empty() {
        return Err(BuybackError::Invalid(problems));
    }
    let currency = operation_currency(input).ok_or_else(|| {
        BuybackError::Invalid(vec![InputProblem {
            path: "instruments".into(),
            reason: "MISSING_FIELD",
            description: "at least one instrument must be bought back".into(),
        }])
    })?;
    let date = input.buyback_date;
    let basis = input.discounting.basis();
    let investor_discounting = input
        .investor_discounting
        .as_ref()
        .unwrap_or(&input.discounting);

    // The retired instruments: what is left after the buyback date.
    struct Retired {
        flows: Vec<CashFlow>,
        principal_flows: Vec<CashFlow>,
    }
    let mut retired = Vec::with_capacity(input.instruments.len());
    let mut matured = Vec::new();
    for (i, instrument) in input.instruments.iter().enumerate() {
        let at = |error| BuybackError::Domain {
            error,
            path: format!("instruments[{i}].terms"),
        };
        let stream = DebtStream::Loan {
            principal: instrument.principal.clone(),
            terms: instrument.terms.clone(),
        };
        let expanded = stream.expand(date).map_err(at)?;
        let after = |flows: &[CashFlow]| -> Vec<CashFlow> {
            flows.iter().filter(|f| f.date > date).copied().collect()
        };
        let flows = after(&expanded.flows);
        if flows.is_empty() {
            matured.push(InputProblem {
                path: format!("instruments[{i}].terms"),
                reason: "NOTHING_OUTSTANDING",
                description: format!(
                    "the instrument has no payment due after the buyback date {date}"
                ),
            });
        }
        retired.push((
            expanded.face_components,
            Retired {
                principal_flows: after(&expanded.principal_flows),
                flows,
            },
        ));
    }
    if !matured.is_empty() {
        return Err(BuybackError::Invalid(matured));
    }

    let overflow = |quantity: &'static str| BuybackError::Domain {
        error: DomainError::Overflow { quantity },
        path: String::new(),
    };
    let add = |a: Decimal, b: Decimal, q: &'static str| a.checked_add(b).ok_or_else(|| overflow(q));
    let sub = |a: Decimal, b: Decimal, q: &'static str| a.checked_sub(b).ok_or_else(|| overflow(q));

    // The new financing.
    let (new_principal, new_flows, new_principal_flows) = match &input.financing {
        None => (Decimal::ZERO, Vec::new(), Vec::new()),
        Some(financing) => {
            let schedule =
                build_schedule(&financing.principal, &financing.terms).map_err(|error| {
                    BuybackError::Domain {
                        error,
                        path: "financing.terms".into(),
                    }
                })?;
            let flows = schedule
                .installments
                .iter()
                .filter(|i| !i.payment.amount.is_zero())
                .map(|i| CashFlow {
                    date: i.due_date,
                    amount: i.payment.amount,
                })
                .collect::<Vec<_>>();
            let principal_flows = schedule
                .installments
                .iter()
                .filter(|i| !i.principal.amount.is_zero())
                .map(|i| CashFlow {
                    date: i.due_date,
                    amount: i.principal.amount,
                })
                .collect::<Vec<_>>();
            (financing.principal.amount, flows, principal_flows)
        }
    };

    // Fees.
    let mut fees = Vec::with_capacity(input.fees.len());
    let mut total_fees = Decimal::ZERO;
    for (i, fee) in input.fees.iter().enumerate() {
        let amount = match &fee.amount {
            FeeAmount::Fixed(money) => money.amount,
            FeeAmount::ShareOfNewPrincipal(share) => {
                let exact = share
                    .checked_mul(new_principal)
                    .ok_or_else(|| overflow("fee"))?;
                round_to_minor_units(currency, exact, RoundingMode::HalfEven, "fee")
                    .map_err(|error| BuybackError::Domain {
                        error,
                        path: format!("fees[{i}]"),
                    })?
                    .amount
            }
        };
        total_fees = add(total_fees, amount, "total fees")?;
        fees.push(FeePaid {
            label: fee.label.clone(),
            amount,
        });
    }
    let grants = input.grants.as_ref().map_or(Decimal::ZERO, |g| g.amount);

    // The last date anything falls on: the extent of the year grid.
    let last = retired
        .iter()
        .flat_map(|(_, r)| r.flows.iter().map(|f| f.date))
        .chain(new_flows.iter().map(|f| f.date))
        .chain(
            input
                .commitments
                .iter()
                .flat_map(|c| c.payments.iter().map(|(d, _)| *d)),
        )
        .max()
        .unwrap_or(date);
    let grid = YearGrid::new(date, last).map_err(|error| BuybackError::Domain {
        error,
        path: String::new(),
    })?;
    let pv = |flows: &[CashFlow], discounting, path: &str| {
        timed_present_value(flows, &grid, discounting, input.timing).map_err(|error| {
            BuybackError::Domain {
                error,
                path: path.to_string(),
            }
        })
    };
    let atm = |flows: &[CashFlow], path: &str| {
        average_life(flows, date, basis).map_err(|error| BuybackError::Domain {
            error,
            path: path.to_string(),
        })
    };

    // Each instrument's figures.
    let mut instruments = Vec::with_capacity(retired.len());
    let (mut retired_face, mut accrued, mut cost, mut clean_total) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut old_flows = Vec::new();
    let mut old_principal_flows = Vec::new();
    for (i, (instrument, (face, r))) in input.instruments.iter().zip(&retired).enumerate() {
        let path = format!("instruments[{i}]");
        let outstanding = face.outstanding_principal;
        let exact = instrument
            .price
            .checked_mul(outstanding)
            .ok_or_else(|| overflow("clean cost"))?;
        let clean_cost =
            round_to_minor_units(currency, exact, RoundingMode::HalfEven, "clean cost")
                .map_err(|error| BuybackError::Domain {
                    error,
                    path: format!("{path}.price"),
                })?
                .amount;
        let cash_paid = add(clean_cost, face.accrued_interest, "cash paid")?;
        let debt_service = r
            .flows
            .iter()
            .try_fold(Decimal::ZERO, |s, f| add(s, f.amount, "debt service"))?;
        instruments.push(RetiredValue {
            label: instrument.label.clone(),
            kind: instrument.kind,
            price: instrument.price,
            outstanding_principal: outstanding,
            accrued_interest: face.accrued_interest,
            clean_cost,
            cash_paid,
            discount_captured: sub(outstanding, clean_cost, "discount captured")?,
            debt_service,
            present_value: pv(&r.flows, &input.discounting, &path)?,
            investor_present_value: pv(&r.flows, investor_discounting, &path)?,
            average_time_to_maturity_years: atm(&r.principal_flows, &path)?,
        });
        retired_face = add(retired_face, outstanding, "retired face")?;
        accrued = add(accrued, face.accrued_interest, "accrued interest")?;
        cost = add(cost, cash_paid, "buyback cost")?;
        clean_total = add(clean_total, clean_cost, "buyback cost")?;
        old_flows.extend_from_slice(&r.flows);
        old_principal_flows.extend_from_slice(&r.principal_flows);
    }
    let upfront_outlay = sub(
        sub(
            add(cost, total_fees, "upfront outlay")?,
            new_principal,
            "upfront outlay",
        )?,
        grants,
        "upfront outlay",
    )?;

    // Commitments.
    let mut commitments = Vec::with_capacity(input.commitments.len());
    let mut commitment_flows = Vec::new();
    let (mut commitments_nominal, mut commitments_pv) = (Decimal::ZERO, Decimal::ZERO);
    for (i, commitment) in input.commitments.iter().enumerate() {
        let flows: Vec<CashFlow> = commitment
            .payments
            .iter()
            .map(|(d, m)| CashFlow {
                date: *d,
                amount: m.amount,
            })
            .collect();
        let nominal = flows
            .iter()
            .try_fold(Decimal::ZERO, |s, f| add(s, f.amount, "commitments"))?;
        let present_value = pv(&flows, &input.discounting, &format!("commitments[{i}]"))?;
        commitments_nominal = add(commitments_nominal, nominal, "commitments")?;
        commitments_pv = add(commitments_pv, present_value, "commitments")?;
        commitment_flows.extend(flows);
        commitments.push(CommitmentValue {
            label: commitment.label.clone(),
            kind: commitment.kind,
            nominal,
            present_value,
        });
    }

    // Year by year.
    let years = year_rows(
        &grid,
        &old_flows,
        &new_flows,
        &commitment_flows,
        upfront_outlay,
        input,
    )?;
    let horizons = input
        .horizons_years
        .iter()
        .map(|&h| {
            let row = years.iter().rev().find(|r| r.year <= h);
            HorizonSaving {
                years: h,
                saving: row.map_or(Decimal::ZERO, |r| r.cumulative_saving),
                net_saving: row.map_or(Decimal::ZERO, |r| r.cumulative_net_saving),
            }
        })
        .collect();
    let total = |flows: &[CashFlow], q| {
        flows
            .iter()
            .try_fold(Decimal::ZERO, |s, f| add(s, f.amount, q))
    };
    let old_debt_service = total(&old_flows, "old debt service")?;
    let new_debt_service = total(&new_flows, "new debt service")?;
    let nominal_saving = sub(
        sub(old_debt_service, new_debt_service, "nominal saving")?,
        upfront_outlay,
        "nominal saving",
    )?;
    let old_present_value = pv(&old_flows, &input.discounting, "instruments")?;
    let new_present_value = pv(&new_flows, &input.discounting, "financing")?;
    let present_value_reduction = sub(old_present_value, new_present_value, "PV reduction")?;
    let present_value_saving = sub(present_value_reduction, upfront_outlay, "PV saving")?;
    let investor_pv = pv(&old_flows, investor_discounting, "investor_discounting")?;
    let investor = InvestorView {
        retired_present_value: investor_pv,
        cash_received: cost,
        gain: sub(cost, investor_pv, "investor gain")?,
        cash_per_unit_value: ratio(cost, investor_pv)?,
    };
    Ok(BuybackEvaluation {
        currency,
        instruments,
        retired_face,
        accrued_interest: accrued,
        buyback_cost: cost,
        average_price: ratio(clean_total, retired_face)?.unwrap_or(Decimal::ZERO),
        fees,
        total_fees,
        new_principal,
        grants,
        upfront_outlay,
        years,
        horizons,
        old_debt_service,
        new_debt_service,
        nominal_saving,
        old_present_value,
        new_present_value,
        present_value_saving,
        face_reduction: sub(retired_face, new_principal, "face reduction")?,
        present_value_reduction,
        commitments,
        commitments_nominal,
        commitments_present_value: commitments_pv,
        net_nominal_saving: sub(nominal_saving, commitments_nominal, "net saving")?,
        net_fiscal_saving: sub(present_value_saving, commitments_pv, "net fiscal saving")?,
        average_time_to_maturity_before_years: atm(&old_principal_flows, "instruments")?,
        average_time_to_maturity_after_years: atm(&new_principal_flows, "financing")?,
        investor,
    })
}

/// `a / b` exactly, rounded half-even to 28 decimals; `None` for `b = 0`.
fn ratio(a: Decimal, b: Decimal) -> Result<Option<Decimal>, BuybackError> {
    if b.is_zero() {
        return Ok(None);
    }
    (from_decimal(a) / from_decimal(b))
        .to_decimal("ratio")
        .map(Some)
        .map_err(|error| BuybackError::Domain {
            error,
            path: String::new(),
        })
}

/// The operation years with their flows and running sums.
fn year_rows(
    grid: &YearGrid,
    old: &[CashFlow],
    new: &[CashFlow],
    commitments: &[CashFlow],
    upfront_outlay: Decimal,
    input: &BuybackInput,
) -> Result<Vec<YearRow>, BuybackError> {
    let n = grid.years() as usize + 1;
    let overflow = || BuybackError::Domain {
        error: DomainError::Overflow {
            quantity: "yearly debt service",
        },
        path: String::new(),
    };
    let bucket = |flows: &[CashFlow]| -> Result<Vec<Decimal>, BuybackError> {
        let mut sums = vec![Decimal::ZERO; n];
        for flow in flows {
            let k = grid.year_of(flow.date) as usize;
            sums[k] = sums[k].checked_add(flow.amount).ok_or_else(overflow)?;
        }
        Ok(sums)
    };
    let (old, new, commitments) = (bucket(old)?, bucket(new)?, bucket(commitments)?);
    let mut rows = Vec::with_capacity(n);
    let (mut cumulative, mut cumulative_net) = (Decimal::ZERO, Decimal::ZERO);
    for k in 0..n {
        let upfront = if k == 0 {
            upfront_outlay
        } else {
            Decimal::ZERO
        };
        let saving = old[k]
            .checked_sub(new[k])
            .and_then(|s| s.checked_sub(upfront))
            .ok_or_else(overflow)?;
        let net_saving = saving.checked_sub(commitments[k]).ok_or_else(overflow)?;
        cumulative = cumulative.checked_add(saving).ok_or_else(overflow)?;
        cumulative_net = cumulative_net
            .checked_add(net_saving)
            .ok_or_else(overflow)?;
        let year = k as u32;
        rows.push(YearRow {
            year,
            end_date: grid.end_of(year),
            old_debt_service: old[k],
            new_debt_service: new[k],
            upfront_outlay: upfront,
            saving,
            commitments: commitments[k],
            net_saving,
            cumulative_saving: cumulative,
            cumulative_net_saving: cumulative_net,
            discount_factor: year_discount_factor(grid, year, &input.discounting, input.timing)
                .map_err(|error| BuybackError::Domain {
                    error,
                    path: "discounting".into(),
                })?,
        });
    }
    Ok(rows)
}
