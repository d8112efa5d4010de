//! The reinvestment step of AnalyzeSettlement: the fund amount of each
//! instalment of the schedule, its division among the programmes, and each
//! programme's totals and present values.

use chrono::NaiveDate;
use num_bigint::BigInt;
use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::{split, valuation};
use crate::domain::allocation::largest_remainder;
use crate::domain::currency::Currency;
use crate::domain::money::{round_to_minor_units, Money};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::Share;
use crate::domain::split::{common_scale_integers, ProgramWeight};
use crate::domain::valuation::{present_value, CashFlow};

/// What `allocation_method` reports.
pub const ALLOCATION_METHOD: &str = "CUMULATIVE_LARGEST_REMAINDER";

fn date_of(value: Option<&super::pb::google::r#type::Date>) -> Option<NaiveDate> {
    let d = value?;
    NaiveDate::from_ymd_opt(
        d.year,
        u32::try_from(d.month).ok()?,
        u32::try_from(d.day).ok()?,
    )
}

fn overflow(field: &str) -> ApiError {
    ApiError::OutOfRange {
        reason: "ARITHMETIC_OVERFLOW",
        message: "the fund amounts exceed the supported range".into(),
        fields: vec![field.into()],
    }
}

/// The fund amount of each instalment: the cumulative payments x share,
/// rounded half-even to the minor unit, less the amount paid in before, so
/// the cumulative fund is always the rounded share of the cumulative
/// payments (and all of each payment when the share is 1).
fn fund_amounts(
    currency: Currency,
    payments: &[Decimal],
    share: Decimal,
) -> Result<Vec<Decimal>, ApiError> {
    let mut paid = Decimal::ZERO;
    let mut funded = Decimal::ZERO;
    let mut amounts = Vec::with_capacity(payments.len());
    for payment in payments {
        paid = paid
            .checked_add(*payment)
            .ok_or_else(|| overflow("reinvestment"))?;
        let target = paid
            .checked_mul(share)
            .ok_or_else(|| overflow("reinvestment"))?;
        let cumulative = round_to_minor_units(currency, target, RoundingMode::HalfEven, "fund")
            .map_err(|e| ApiError::from_domain(e, &["reinvestment.fund_share"]))?
            .amount;
        amounts.push(cumulative - funded);
        funded = cumulative;
    }
    Ok(amounts)
}

/// Runs the step on the schedule BuildSchedule gave; `valuation` gives the
/// rates and date of the programmes' present values.
pub fn run(
    reinvestment: &pb::Reinvestment,
    schedule: &pb::BuildScheduleResponse,
    valuation: Option<(&pb::SettlementValuation, Option<NaiveDate>)>,
) -> Result<pb::ReinvestmentSchedule, ApiError> {
    let mut v = Violations::new();
    let share = if reinvestment.fund_share.is_empty() {
        v.add(
            "reinvestment.fund_share",
            "MISSING_FIELD",
            "is required (\"1\" for all of each instalment)",
        );
        None
    } else {
        convert::unit_interval(&mut v, "reinvestment.fund_share", &reinvestment.fund_share)
    };
    if reinvestment.programs.is_empty() {
        v.add(
            "reinvestment.programs",
            "MISSING_FIELD",
            "at least one programme is required",
        );
    }
    let programs: Option<Vec<ProgramWeight>> =
        split::parse_programs_at(&mut v, "reinvestment.programs", &reinvestment.programs);
    let mut dated = Vec::new();
    for installment in &schedule.installments {
        let payment = convert::money(
            &mut v,
            "schedule",
            installment.payment.as_ref(),
            Sign::NonNegative,
        );
        if let (Some(payment), Some(date)) = (payment, date_of(installment.due_date.as_ref())) {
            if !payment.amount.is_zero() {
                dated.push((installment.number, date, payment));
            }
        }
    }
    let mut discountings = Vec::new();
    if let Some((val, _)) = valuation {
        for (i, rate) in val.discount_rates.iter().enumerate() {
            let as_pb = pb::Discounting {
                rate: Some(pb::discounting::Rate::FlatRate(rate.clone())),
                compounding: val.compounding,
                compounding_frequency: val.compounding_frequency,
                time_basis: val.time_basis,
            };
            if let Some(d) = valuation::discounting(
                &mut v,
                &format!("valuation.discount_rates[{i}]"),
                Some(&as_pb),
            ) {
                discountings.push((rate.clone(), d));
            }
        }
    }
    let (share, programs) = v.finish(|| Some((share?, programs?)))?;
    let currency = dated
        .first()
        .map(|(_, _, m)| m.currency)
        .ok_or_else(|| ApiError::Internal("a schedule without payments".into()))?;

    let payments: Vec<Decimal> = dated.iter().map(|(_, _, m)| m.amount).collect();
    let funds = fund_amounts(currency, &payments, share)?;
    let fund_money: Vec<Money> = funds
        .iter()
        .map(|amount| Money {
            currency,
            amount: *amount,
        })
        .collect();
    let FundAllocation { parts, totals } = allocate_fund(&fund_money, &programs)
        .map_err(|e| ApiError::from_domain(e, &["reinvestment.programs"]))?;

    let mut installments = Vec::with_capacity(dated.len());
    let mut cumulative = vec![Decimal::ZERO; programs.len()];
    for (k, (number, date, payment)) in dated.iter().enumerate() {
        let mut amounts = Vec::with_capacity(programs.len());
        for (j, program) in programs.iter().enumerate() {
            let part = &parts[k][j];
            cumulative[j] = cumulative[j]
                .checked_add(part.amount)
                .ok_or_else(|| overflow("reinvestment"))?;
            amounts.push(pb::ProgramAmount {
                name: program.name.clone(),
                amount: Some(convert::money_to_pb(part)),
                cumulative: Some(convert::money_to_pb(&Money {
                    currency,
                    amount: cumulative[j],
                })),
            });
        }
        installments.push(pb::ReinvestmentInstallment {
            number: *number,
            due_date: Some(convert::date_to_pb(*date)),
            payment: Some(convert::money_to_pb(payment)),
            fund_amount: Some(convert::money_to_pb(&fund_money[k])),
            programs: amounts,
        });
    }

    let weights = common_scale_integers(programs.iter().map(|p| p.weight));
    let weight_sum: BigInt = weights.iter().sum();
    let mut totals_pb = Vec::with_capacity(programs.len());
    for (j, program) in programs.iter().enumerate() {
        let mut present_values = Vec::new();
        if let Some((_, Some(valuation_date))) = valuation {
            let flows: Vec<CashFlow> = dated
                .iter()
                .enumerate()
                .map(|(k, (_, date, _))| CashFlow {
                    date: *date,
                    amount: parts[k][j].amount,
                })
                .collect();
            for (rate, discounting) in &discountings {
                let pv = present_value(&flows, valuation_date, discounting)
                    .map_err(|e| ApiError::from_domain(e, &["valuation"]))?;
                let rounded = round_to_minor_units(
                    currency,
                    pv.value,
                    RoundingMode::HalfEven,
                    "present value",
                )
                .map_err(|e| ApiError::from_domain(e, &["valuation"]))?;
                present_values.push(pb::ProgramPresentValue {
                    discount_rate: rate.clone(),
                    present_value: Some(convert::money_to_pb(&rounded)),
                    present_value_exact: pv.value.normalize().to_string(),
                });
            }
        }
        let weight_share = Share::of(&weights[j], &weight_sum)
            .map_err(|e| ApiError::from_domain(e, &["reinvestment.programs"]))?
            .value
            .to_string();
        totals_pb.push(pb::ProgramTotal {
            name: program.name.clone(),
            weight_share,
            total: Some(convert::money_to_pb(&totals[j])),
            present_values,
        });
    }
    let fund_total = funds
        .iter()
        .try_fold(Decimal::ZERO, |acc, f| acc.checked_add(*f))
        .ok_or_else(|| overflow("reinvestment"))?;
    Ok(pb::ReinvestmentSchedule {
        fund_share: share.normalize().to_string(),
        installments,
        fund_total: Some(convert::money_to_pb(&Money {
            currency,
            amount: fund_total,
        })),
        programs: totals_pb,
        allocation_method: ALLOCATION_METHOD.into(),
    })
}

/// The division of each instalment's fund amount among the programmes.
struct FundAllocation {
    /// parts[k][j]: programme j's part of instalment k.
    parts: Vec<Vec<Money>>,
    /// Per programme, the sum of its parts.
    totals: Vec<Money>,
}

/// INTERIM until work-f's domain reinvestment allocator lands: each
/// instalment divided on its own by the existing largest-remainder
/// allocation (exact per instalment; the running totals are not yet held to
/// one minor unit of the weighted share).
fn allocate_fund(
    funds: &[Money],
    programs: &[ProgramWeight],
) -> Result<FundAllocation, crate::domain::error::DomainError> {
    let weights = common_scale_integers(programs.iter().map(|p| p.weight));
    let mut parts = Vec::with_capacity(funds.len());
    let mut totals: Vec<BigInt> = vec![BigInt::from(0); programs.len()];
    let currency = funds.first().map(|f| f.currency);
    for fund in funds {
        let minor = fund
            .to_minor_units()
            .ok_or(crate::domain::error::DomainError::Overflow {
                quantity: "fund amount",
            })?;
        let split = largest_remainder(&minor, &weights);
        let mut row = Vec::with_capacity(split.len());
        for (j, part) in split.iter().enumerate() {
            totals[j] += part;
            row.push(Money::from_minor_units(fund.currency, part, "fund part")?);
        }
        parts.push(row);
    }
    let totals = match currency {
        Some(currency) => totals
            .iter()
            .map(|t| Money::from_minor_units(currency, t, "programme total"))
            .collect::<Result<_, _>>()?,
        None => vec![],
    };
    Ok(FundAllocation { parts, totals })
}
