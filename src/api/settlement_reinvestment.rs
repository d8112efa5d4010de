//! The reinvestment step of AnalyzeSettlement: the schedule's payments, the
//! settlement's fund share and programmes, and the valuation's rates, handed
//! to the domain's reinvestment (`domain::reinvestment`: the fund part of
//! each instalment, its division among the programmes by cumulative largest
//! remainder, each programme's present values), and rendered.

use chrono::NaiveDate;
use num_bigint::BigInt;
use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::{ApiError, Violations};
use super::pb::debtcalc::v1 as pb;
use super::{split, valuation};
use crate::domain::money::{round_to_minor_units, Money};
use crate::domain::reinvestment::{programme_present_values, reinvest};
use crate::domain::rounding::RoundingMode;
use crate::domain::share::Share;
use crate::domain::split::{common_scale_integers, ProgramWeight};

/// What `allocation_method` reports.
pub const ALLOCATION_METHOD: &str = "CUMULATIVE_QUOTA_ORDER";

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

    let payments: Vec<Money> = dated.iter().map(|(_, _, m)| m.clone()).collect();
    let weights_in: Vec<Decimal> = programs.iter().map(|p| p.weight).collect();
    let reinvested = reinvest(&payments, share, &weights_in)
        .map_err(|e| ApiError::from_domain(e, &["reinvestment"]))?;
    let dates: Vec<NaiveDate> = dated.iter().map(|(_, date, _)| *date).collect();
    let mut present_values = Vec::with_capacity(discountings.len());
    if let Some((_, Some(valuation_date))) = valuation {
        for (rate, discounting) in &discountings {
            let values = programme_present_values(&reinvested, &dates, valuation_date, discounting)
                .map_err(|e| ApiError::from_domain(e, &["valuation"]))?;
            present_values.push((rate.clone(), values));
        }
    }

    let mut installments = Vec::with_capacity(dated.len());
    let mut cumulative = vec![Decimal::ZERO; programs.len()];
    for ((number, date, payment), row) in dated.iter().zip(&reinvested.instalments) {
        let mut amounts = Vec::with_capacity(programs.len());
        for (j, program) in programs.iter().enumerate() {
            let part = &row.programmes[j];
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
            fund_amount: Some(convert::money_to_pb(&row.fund)),
            programs: amounts,
        });
    }

    let weights = common_scale_integers(programs.iter().map(|p| p.weight));
    let weight_sum: BigInt = weights.iter().sum();
    let mut totals_pb = Vec::with_capacity(programs.len());
    for (j, program) in programs.iter().enumerate() {
        let mut pvs = Vec::with_capacity(present_values.len());
        for (rate, values) in &present_values {
            let value = values[j].value;
            let rounded =
                round_to_minor_units(currency, value, RoundingMode::HalfEven, "present value")
                    .map_err(|e| ApiError::from_domain(e, &["valuation"]))?;
            pvs.push(pb::ProgramPresentValue {
                discount_rate: rate.clone(),
                present_value: Some(convert::money_to_pb(&rounded)),
                present_value_exact: value.normalize().to_string(),
            });
        }
        let weight_share = Share::of(&weights[j], &weight_sum)
            .map_err(|e| ApiError::from_domain(e, &["reinvestment.programs"]))?
            .value
            .to_string();
        totals_pb.push(pb::ProgramTotal {
            name: program.name.clone(),
            weight_share,
            total: Some(convert::money_to_pb(&reinvested.programme_totals[j])),
            present_values: pvs,
        });
    }
    Ok(pb::ReinvestmentSchedule {
        fund_share: share.normalize().to_string(),
        installments,
        fund_total: Some(convert::money_to_pb(&reinvested.fund_total)),
        programs: totals_pb,
        allocation_method: ALLOCATION_METHOD.into(),
    })
}
