//! The rendering of a buyback's evaluation (`BuybackSwapResult`): money
//! rounded half-even to the minor unit with the unrounded present values
//! beside, every convention echoed.

use rust_decimal::Decimal;

use super::convert;
use super::error::ApiError;
use super::pb::debtcalc::v1 as pb;
use super::valuation;
use crate::domain::currency::Currency;
use crate::domain::money::round_to_minor_units;
use crate::domain::rounding::RoundingMode;
use crate::domain::swap::buyback::{
    BuybackEvaluation, BuybackInput, CommitmentKind, DiscountTiming, InstrumentKind,
};

/// How the cash paid to the holders is computed (echoed).
pub const COST: &str = "CLEAN_PRICE_TIMES_OUTSTANDING_HALF_EVEN_PLUS_ACCRUED_AT_PAR";
/// How instalments due on or before the buyback date count (echoed).
pub const PAST_FLOWS: &str = "PAID_BEFORE_BUYBACK";
/// How savings are measured (echoed).
pub const SAVINGS: &str = "OLD_MINUS_NEW_MINUS_UPFRONT_OUTLAY";
/// How the average time to maturity is measured (echoed).
pub const AVERAGE_TIME_TO_MATURITY: &str = "PRINCIPAL_WEIGHTED_DATED_TIME_BASIS";
/// How money is rounded for display (echoed).
pub const ROUNDING: &str = "HALF_EVEN_TO_MINOR_UNIT_FOR_DISPLAY; *_exact UNROUNDED";

/// The precision of present values, with the year timings' fractional
/// powers.
fn precision(timing: DiscountTiming) -> String {
    match timing {
        DiscountTiming::Dated => valuation::PRECISION.to_string(),
        _ => format!(
            "{}; year k at t = k or k - 0.5 exactly (12k or 12k - 6 calendar months on the month basis), \
             so (1+d)^-(k-0.5) = e^(-ln(1+d) (k-0.5)) to the same relative 1e-60",
            valuation::PRECISION
        ),
    }
}

struct Render {
    currency: Currency,
}

impl Render {
    fn money(&self, value: Decimal, quantity: &'static str) -> Result<pb::Money, ApiError> {
        round_to_minor_units(self.currency, value, RoundingMode::HalfEven, quantity)
            .map(|m| convert::money_to_pb(&m))
            .map_err(|e| ApiError::from_domain(e, &["buyback"]))
    }
}

fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

/// The response figures of `evaluation`, computed from `input`.
pub fn render(
    input: &BuybackInput,
    e: &BuybackEvaluation,
) -> Result<pb::BuybackSwapResult, ApiError> {
    let r = Render {
        currency: e.currency,
    };
    let instruments = e
        .instruments
        .iter()
        .map(|i| {
            Ok(pb::RetiredInstrumentResult {
                label: i.label.clone(),
                kind: match i.kind {
                    InstrumentKind::Loan => pb::InstrumentKind::Loan,
                    InstrumentKind::Bond => pb::InstrumentKind::Bond,
                } as i32,
                price: i.price.normalize().to_string(),
                outstanding_principal: Some(r.money(i.outstanding_principal, "outstanding")?),
                accrued_interest: Some(r.money(i.accrued_interest, "accrued interest")?),
                clean_cost: Some(r.money(i.clean_cost, "clean cost")?),
                cash_paid: Some(r.money(i.cash_paid, "cash paid")?),
                discount_captured: Some(r.money(i.discount_captured, "discount")?),
                debt_service: Some(r.money(i.debt_service, "debt service")?),
                present_value: Some(r.money(i.present_value, "present value")?),
                present_value_exact: exact(i.present_value),
                investor_present_value: Some(r.money(i.investor_present_value, "present value")?),
                average_time_to_maturity_years: convert::reported_decimal(
                    i.average_time_to_maturity_years,
                ),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let fees = e
        .fees
        .iter()
        .map(|f| {
            Ok(pb::FeePaid {
                label: f.label.clone(),
                amount: Some(r.money(f.amount, "fee")?),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let years = e
        .years
        .iter()
        .map(|y| {
            Ok(pb::BuybackYear {
                year: Some(y.year),
                end_date: Some(convert::date_to_pb(y.end_date)),
                old_debt_service: Some(r.money(y.old_debt_service, "debt service")?),
                new_debt_service: Some(r.money(y.new_debt_service, "debt service")?),
                upfront_outlay: Some(r.money(y.upfront_outlay, "upfront outlay")?),
                saving: Some(r.money(y.saving, "saving")?),
                commitments: Some(r.money(y.commitments, "commitments")?),
                net_saving: Some(r.money(y.net_saving, "saving")?),
                cumulative_saving: Some(r.money(y.cumulative_saving, "saving")?),
                cumulative_net_saving: Some(r.money(y.cumulative_net_saving, "saving")?),
                discount_factor: y.discount_factor.map(exact).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let horizons = e
        .horizons
        .iter()
        .map(|h| {
            Ok(pb::HorizonSaving {
                years: Some(h.years),
                saving: Some(r.money(h.saving, "saving")?),
                net_saving: Some(r.money(h.net_saving, "saving")?),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let commitments = e
        .commitments
        .iter()
        .map(|c| {
            Ok(pb::CommitmentResult {
                label: c.label.clone(),
                kind: match c.kind {
                    CommitmentKind::Endowment => pb::CommitmentKind::Endowment,
                    CommitmentKind::Annual => pb::CommitmentKind::Annual,
                } as i32,
                nominal: Some(r.money(c.nominal, "commitments")?),
                present_value: Some(r.money(c.present_value, "present value")?),
                present_value_exact: exact(c.present_value),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let investor = pb::InvestorView {
        retired_present_value: Some(r.money(e.investor.retired_present_value, "present value")?),
        retired_present_value_exact: exact(e.investor.retired_present_value),
        cash_received: Some(r.money(e.investor.cash_received, "cash")?),
        gain: Some(r.money(e.investor.gain, "gain")?),
        cash_per_unit_value: e
            .investor
            .cash_per_unit_value
            .map(convert::reported_decimal)
            .unwrap_or_default(),
    };
    let conventions = pb::BuybackConventions {
        buyback_date: Some(convert::date_to_pb(input.buyback_date)),
        discounting: Some(valuation::discounting_to_pb(&input.discounting)),
        investor_discounting: Some(valuation::discounting_to_pb(
            input
                .investor_discounting
                .as_ref()
                .unwrap_or(&input.discounting),
        )),
        timing: timing_to_pb(input.timing) as i32,
        horizons_years: input.horizons_years.clone(),
        currency_code: e.currency.code.to_string(),
        cost: COST.into(),
        past_flows: PAST_FLOWS.into(),
        savings: SAVINGS.into(),
        average_time_to_maturity: AVERAGE_TIME_TO_MATURITY.into(),
        precision: precision(input.timing),
        rounding: ROUNDING.into(),
    };
    Ok(pb::BuybackSwapResult {
        instruments,
        retired_face: Some(r.money(e.retired_face, "retired face")?),
        accrued_interest: Some(r.money(e.accrued_interest, "accrued interest")?),
        buyback_cost: Some(r.money(e.buyback_cost, "buyback cost")?),
        average_price: convert::reported_decimal(e.average_price),
        fees,
        total_fees: Some(r.money(e.total_fees, "fees")?),
        new_principal: Some(r.money(e.new_principal, "new principal")?),
        grants: Some(r.money(e.grants, "grants")?),
        upfront_outlay: Some(r.money(e.upfront_outlay, "upfront outlay")?),
        years,
        horizons,
        old_debt_service: Some(r.money(e.old_debt_service, "debt service")?),
        new_debt_service: Some(r.money(e.new_debt_service, "debt service")?),
        nominal_saving: Some(r.money(e.nominal_saving, "saving")?),
        old_present_value: Some(r.money(e.old_present_value, "present value")?),
        old_present_value_exact: exact(e.old_present_value),
        new_present_value: Some(r.money(e.new_present_value, "present value")?),
        new_present_value_exact: exact(e.new_present_value),
        present_value_saving: Some(r.money(e.present_value_saving, "present value")?),
        present_value_saving_exact: exact(e.present_value_saving),
        face_reduction: Some(r.money(e.face_reduction, "face reduction")?),
        present_value_reduction: Some(r.money(e.present_value_reduction, "present value")?),
        commitments,
        commitments_nominal: Some(r.money(e.commitments_nominal, "commitments")?),
        commitments_present_value: Some(r.money(e.commitments_present_value, "present value")?),
        net_nominal_saving: Some(r.money(e.net_nominal_saving, "saving")?),
        net_fiscal_saving: Some(r.money(e.net_fiscal_saving, "present value")?),
        net_fiscal_saving_exact: exact(e.net_fiscal_saving),
        average_time_to_maturity_before_years: convert::reported_decimal(
            e.average_time_to_maturity_before_years,
        ),
        average_time_to_maturity_after_years: convert::reported_decimal(
            e.average_time_to_maturity_after_years,
        ),
        investor: Some(investor),
        saves_in_present_value: Some(e.present_value_saving > Decimal::ZERO),
        saves_after_commitments: Some(e.net_fiscal_saving > Decimal::ZERO),
        conventions: Some(conventions),
    })
}

/// The timing as echoed.
pub fn timing_to_pb(timing: DiscountTiming) -> pb::DiscountTiming {
    match timing {
        DiscountTiming::Dated => pb::DiscountTiming::Dated,
        DiscountTiming::EndOfYear => pb::DiscountTiming::EndOfYear,
        DiscountTiming::MidYear => pb::DiscountTiming::MidYear,
    }
}
