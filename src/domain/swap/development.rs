//! Debt-for-development (bilateral) swaps.
//!
//! The creditor cancels a share `s` of a claim whose face at the valuation
//! date is `face` (see [`crate::domain::valuation::stream`] for what a face
//! is). The debtor pays a counterpart into a fund that finances
//! programmes; nothing of it goes back to the creditor.
//!
//! 1. **Face cancelled.** `F = face x s` rounded to the minor unit with the
//!    swap's rounding (a write-off: [`split_claim`]); `face - F` stays owed.
//! 2. **Counterpart.** `C = F x ratio`, rounded the same way ([`split_claim`]
//!    again, with the ratio as the share).
//! 3. **Schedule.** Loan terms with principal `C` (the schedule engine; the
//!    debtor pays each instalment's payment, principal and interest),
//!    instalment amounts that must add up to `C` exactly, or instalment
//!    shares adding up to 1, dividing `C` by largest remainder.
//! 4. **Local currency.** Optionally each payment is converted at the
//!    agreed rate ([`super::local`]: cumulative, so the local payments add
//!    up to the converted total).
//! 5. **Fund.** All of each payment, in the fund's currency (local when
//!    given), is divided among the programmes by
//!    [`crate::domain::reinvestment`]'s cumulative rule, exactly.
//! 6. **Valuation**, under each discounting, at the valuation date:
//!    - debt service cancelled: `s x PV(every flow of the claim)`;
//!    - counterpart: `PV(payments in the debt's currency)`;
//!    - the debtor's saving: the first less the second;
//!    - the creditor's cost: the debt service cancelled (it receives no
//!      counterpart);
//!    - the programmes' money: each programme's parts, valued by
//!      [`programme_present_values`] (in the fund's currency);
//!    - the leverage: `PV(counterpart) / creditor's cost`, programme money
//!      per unit of creditor cost, both in the debt's currency (all of the
//!      counterpart reaches the programmes).
//!
//! Present values carry the valuation's precision (28 decimals, see
//! [`crate::domain::valuation::present_value`]); `s x PV` is rounded to
//! 28 decimals. Every amount of money is exact in minor units.

use chrono::NaiveDate;
use num_bigint::BigInt;
use rust_decimal::Decimal;

use super::error::SwapError;
use super::local::{convert_cumulative, LocalRate};
use crate::domain::allocation::largest_remainder;
use crate::domain::error::DomainError;
use crate::domain::money::{scaled_integer, Money};
use crate::domain::reinvestment::{programme_present_values, reinvest};
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::{build_schedule, LoanTerms, Schedule};
use crate::domain::share::{sums_to_one, Share};
use crate::domain::split::{
    common_scale_integers, split_claim, ProgramWeight, SplitInput, WriteOff,
};
use crate::domain::valuation::{present_value, CashFlow, DebtStream, Discounting};

/// When the counterpart is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CounterpartSchedule {
    /// Loan terms whose principal is the counterpart.
    Terms(LoanTerms),
    /// Dated amounts in the debt's currency, adding up to the counterpart.
    Amounts(Vec<(NaiveDate, Money)>),
    /// Dated shares of the counterpart in (0, 1], adding up to 1.
    Shares(Vec<(NaiveDate, Decimal)>),
}

/// A validated debt-for-development swap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevelopmentInput {
    /// The claim whose debt service is cancelled.
    pub debt: DebtStream,
    /// The share of the claim cancelled, in (0, 1].
    pub cancelled_share: Decimal,
    /// The conversion ratio, in (0, 1].
    pub conversion_ratio: Decimal,
    pub schedule: CounterpartSchedule,
    /// The local currency of the counterpart, if any.
    pub local: Option<LocalRate>,
    /// The programmes (at least one, positive weights).
    pub programmes: Vec<ProgramWeight>,
    pub valuation_date: NaiveDate,
    /// At least one.
    pub discountings: Vec<Discounting>,
    /// Rounding of the face cancelled and of the counterpart.
    pub rounding: RoundingMode,
}

/// One counterpart payment and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterpartFlow {
    /// From 1, in date order.
    pub number: u32,
    pub date: NaiveDate,
    /// In the debt's currency.
    pub amount: Money,
    /// In the local currency, when there is one.
    pub local: Option<Money>,
    /// Into the fund (the local amount, or the amount).
    pub fund: Money,
    /// The fund amount per programme, in the programmes' order; adds up to
    /// `fund` exactly.
    pub programmes: Vec<Money>,
}

/// The swap under one discounting (unrounded present values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevelopmentValuation {
    /// `s x PV(every flow of the claim)`, debt's currency.
    pub debt_service_cancelled_pv: Decimal,
    /// PV of the counterpart payments, debt's currency.
    pub counterpart_pv: Decimal,
    /// `debt_service_cancelled_pv - counterpart_pv`.
    pub debtor_saving: Decimal,
    /// The creditor's cost: `debt_service_cancelled_pv`.
    pub creditor_cost: Decimal,
    /// Each programme's PV, fund's currency.
    pub programme_pvs: Vec<Decimal>,
    /// Their sum.
    pub programme_money_pv: Decimal,
    /// `counterpart_pv / creditor_cost`.
    pub leverage: Share,
}

/// The figures of a debt-for-development swap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevelopmentOutcome {
    pub debt_face: Money,
    pub face_cancelled: Money,
    pub face_remaining: Money,
    pub counterpart: Money,
    /// `counterpart` converted, with a local currency.
    pub counterpart_local: Option<Money>,
    pub payments: Vec<CounterpartFlow>,
    /// Sum of the payments, debt's currency.
    pub counterpart_paid: Money,
    /// Sum of the local payments.
    pub counterpart_paid_local: Option<Money>,
    /// `s x` the sum of every flow of the claim (28 decimals at most).
    pub debt_service_cancelled: Decimal,
    /// `debt_service_cancelled - counterpart_paid`.
    pub nominal_saving: Decimal,
    /// Sum of the fund amounts, fund's currency.
    pub fund_total: Money,
    /// Per programme; adds up to `fund_total` exactly.
    pub programme_totals: Vec<Money>,
    /// weight / sum of weights, per programme.
    pub weight_shares: Vec<Share>,
    /// One per discounting, in order.
    pub valuations: Vec<DevelopmentValuation>,
    /// The counterpart's schedule, when given as loan terms.
    pub schedule: Option<Schedule>,
    /// The last date of the claim's flows (for a warning).
    pub last_debt_flow: Option<NaiveDate>,
}

fn invalid(quantity: &'static str, requirement: &'static str) -> SwapError {
    SwapError::Domain(DomainError::InvalidInput {
        quantity,
        requirement,
    })
}

fn overflow(quantity: &'static str) -> SwapError {
    SwapError::Domain(DomainError::Overflow { quantity })
}

/// `a / b` as a reported share (20 decimals, exact flag); `b` > 0.
pub(crate) fn ratio(a: Decimal, b: Decimal) -> Result<Share, DomainError> {
    let (Some(a), Some(b)) = (scaled_integer(a, 28), scaled_integer(b, 28)) else {
        return Err(DomainError::Overflow { quantity: "ratio" });
    };
    Share::of(&a, &b)
}

/// Evaluates a swap by the rules of the module documentation.
pub fn evaluate_development(input: &DevelopmentInput) -> Result<DevelopmentOutcome, SwapError> {
    let unit = Decimal::ZERO..=Decimal::ONE;
    if !unit.contains(&input.cancelled_share) || input.cancelled_share.is_zero() {
        return Err(invalid("cancelled share", "in (0, 1]"));
    }
    if !unit.contains(&input.conversion_ratio) || input.conversion_ratio.is_zero() {
        return Err(invalid("conversion ratio", "in (0, 1]"));
    }
    if input.discountings.is_empty() {
        return Err(invalid("discountings", "at least one"));
    }
    let expanded = input.debt.expand(input.valuation_date)?;
    let currency = expanded.currency;
    let debt_face = Money {
        currency,
        amount: expanded.face,
    };
    if !debt_face.fits_minor_units() || debt_face.amount <= Decimal::ZERO {
        return Err(invalid(
            "debt face",
            "greater than zero, in whole minor units",
        ));
    }

    // 1 and 2: write-offs, as SplitClaim computes them.
    let cancelled = split_claim(&SplitInput {
        claim: debt_face.clone(),
        write_off: WriteOff::Share(input.cancelled_share),
        programs: Vec::new(),
        rounding: input.rounding,
    })?;
    let face_cancelled = cancelled.written_off;
    if face_cancelled.amount.is_zero() {
        return Err(SwapError::NothingCancelled);
    }
    let counterpart = split_claim(&SplitInput {
        claim: face_cancelled.clone(),
        write_off: WriteOff::Share(input.conversion_ratio),
        programs: Vec::new(),
        rounding: input.rounding,
    })?
    .written_off;
    if counterpart.amount.is_zero() {
        return Err(invalid("counterpart", "at least one minor unit"));
    }

    // 3: the payments in the debt's currency.
    let (dated, schedule) = counterpart_payments(&input.schedule, &counterpart)?;
    let amounts: Vec<Money> = dated.iter().map(|(_, m)| m.clone()).collect();
    let dates: Vec<NaiveDate> = dated.iter().map(|(d, _)| *d).collect();

    // 4: local currency.
    let local = match &input.local {
        Some(rate) => Some(convert_cumulative(&amounts, rate)?),
        None => None,
    };
    let counterpart_local = match &input.local {
        Some(rate) => Some(rate.convert(&counterpart)?),
        None => None,
    };

    // 5: the fund.
    let fund_payments = local.clone().unwrap_or_else(|| amounts.clone());
    let weights: Vec<Decimal> = input.programmes.iter().map(|p| p.weight).collect();
    let reinvested = reinvest(&fund_payments, Decimal::ONE, &weights)?;
    let scaled_weights = common_scale_integers(weights.iter().copied());
    let weight_sum: BigInt = scaled_weights.iter().sum();
    let weight_shares = scaled_weights
        .iter()
        .map(|w| Share::of(w, &weight_sum))
        .collect::<Result<Vec<_>, _>>()?;

    let payments: Vec<CounterpartFlow> = dated
        .iter()
        .zip(&reinvested.instalments)
        .enumerate()
        .map(|(k, ((date, amount), row))| CounterpartFlow {
            number: u32::try_from(k + 1).unwrap_or(u32::MAX),
            date: *date,
            amount: amount.clone(),
            local: local.as_ref().map(|l| l[k].clone()),
            fund: row.fund.clone(),
            programmes: row.programmes.clone(),
        })
        .collect();
    let counterpart_paid = sum(&amounts, currency)?;
    let counterpart_paid_local = match (&local, &input.local) {
        (Some(parts), Some(rate)) => Some(sum(parts, rate.currency)?),
        _ => None,
    };

    // Nominal figures.
    let total_service = expanded
        .flows
        .iter()
        .try_fold(Decimal::ZERO, |acc, f| acc.checked_add(f.amount))
        .ok_or(overflow("debt service"))?;
    let debt_service_cancelled = total_service
        .checked_mul(input.cancelled_share)
        .ok_or(overflow("debt service cancelled"))?;
    let nominal_saving = debt_service_cancelled
        .checked_sub(counterpart_paid.amount)
        .ok_or(overflow("nominal saving"))?;

    // 6: valuations.
    let counterpart_flows: Vec<CashFlow> = dated
        .iter()
        .map(|(date, amount)| CashFlow {
            date: *date,
            amount: amount.amount,
        })
        .collect();
    let mut valuations = Vec::with_capacity(input.discountings.len());
    for discounting in &input.discountings {
        let claim_pv = present_value(&expanded.flows, input.valuation_date, discounting)?.value;
        let cancelled_pv = claim_pv
            .checked_mul(input.cancelled_share)
            .ok_or(overflow("present value cancelled"))?;
        let counterpart_pv =
            present_value(&counterpart_flows, input.valuation_date, discounting)?.value;
        let programme_pvs: Vec<Decimal> =
            programme_present_values(&reinvested, &dates, input.valuation_date, discounting)?
                .into_iter()
                .map(|pv| pv.value)
                .collect();
        let programme_money_pv = programme_pvs
            .iter()
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v))
            .ok_or(overflow("programme money"))?;
        if cancelled_pv <= Decimal::ZERO {
            return Err(SwapError::Domain(DomainError::InvalidValuation {
                reason: "the present value of the debt service cancelled is not positive, so \
                         the leverage is undefined",
            }));
        }
        valuations.push(DevelopmentValuation {
            debt_service_cancelled_pv: cancelled_pv,
            counterpart_pv,
            debtor_saving: cancelled_pv
                .checked_sub(counterpart_pv)
                .ok_or(overflow("debtor's saving"))?,
            creditor_cost: cancelled_pv,
            programme_pvs,
            programme_money_pv,
            leverage: ratio(counterpart_pv, cancelled_pv)?,
        });
    }

    Ok(DevelopmentOutcome {
        debt_face,
        face_cancelled,
        face_remaining: cancelled.remaining,
        counterpart,
        counterpart_local,
        payments,
        counterpart_paid,
        counterpart_paid_local,
        debt_service_cancelled,
        nominal_saving,
        fund_total: reinvested.fund_total,
        programme_totals: reinvested.programme_totals,
        weight_shares,
        valuations,
        schedule,
        last_debt_flow: expanded.flows.iter().map(|f| f.date).max(),
    })
}

fn sum(amounts: &[Money], currency: crate::domain::currency::Currency) -> Result<Money, SwapError> {
    let minor: BigInt = amounts
        .iter()
        .map(|m| m.to_minor_units().ok_or(overflow("counterpart")))
        .sum::<Result<BigInt, _>>()?;
    Ok(Money::from_minor_units(
        currency,
        &minor,
        "counterpart paid",
    )?)
}

/// The dated payments (debt's currency, date order) of the counterpart.
#[allow(clippy::type_complexity)]
fn counterpart_payments(
    schedule: &CounterpartSchedule,
    counterpart: &Money,
) -> Result<(Vec<(NaiveDate, Money)>, Option<Schedule>), SwapError> {
    let currency = counterpart.currency;
    let minor = counterpart
        .to_minor_units()
        .ok_or(overflow("counterpart"))?;
    match schedule {
        CounterpartSchedule::Terms(terms) => {
            let built = build_schedule(counterpart, terms)?;
            let dated = built
                .installments
                .iter()
                .filter(|i| !i.payment.amount.is_zero())
                .map(|i| (i.due_date, i.payment.clone()))
                .collect();
            Ok((dated, Some(built)))
        }
        CounterpartSchedule::Amounts(list) => {
            check_dates(list.iter().map(|(d, _)| *d))?;
            if list.iter().any(|(_, m)| m.currency != currency) {
                return Err(invalid(
                    "counterpart instalment currency",
                    "the debt's currency",
                ));
            }
            let given = sum(
                &list.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>(),
                currency,
            )?;
            if given != *counterpart {
                return Err(SwapError::CounterpartDoesNotAddUp {
                    given,
                    counterpart: counterpart.clone(),
                });
            }
            Ok((list.clone(), None))
        }
        CounterpartSchedule::Shares(list) => {
            check_dates(list.iter().map(|(d, _)| *d))?;
            let shares: Vec<Decimal> = list.iter().map(|(_, s)| *s).collect();
            if shares.iter().any(|s| *s <= Decimal::ZERO) || !sums_to_one(&shares) {
                return Err(invalid(
                    "counterpart instalment shares",
                    "each greater than zero, adding up to 1",
                ));
            }
            let parts = largest_remainder(&minor, &common_scale_integers(shares.iter().copied()));
            let dated = list
                .iter()
                .zip(parts)
                .map(|((date, _), part)| {
                    Ok((
                        *date,
                        Money::from_minor_units(currency, &part, "instalment")?,
                    ))
                })
                .collect::<Result<Vec<_>, DomainError>>()?;
            Ok((dated, None))
        }
    }
}

fn check_dates(dates: impl Iterator<Item = NaiveDate>) -> Result<(), SwapError> {
    let dates: Vec<NaiveDate> = dates.collect();
    if dates.is_empty() {
        return Err(invalid("counterpart instalments", "at least one"));
    }
    if dates.windows(2).any(|w| w[0] >= w[1]) {
        return Err(invalid(
            "counterpart instalment dates",
            "strictly increasing",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{d, usd};
    use crate::domain::valuation::{Compounding, TimeBasis};

    fn day(year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap()
    }

    fn input(schedule: CounterpartSchedule, share: &str, ratio: &str) -> DevelopmentInput {
        DevelopmentInput {
            debt: DebtStream::DueAtValuation(usd("1000.00")),
            cancelled_share: d(share),
            conversion_ratio: d(ratio),
            schedule,
            local: None,
            programmes: vec![ProgramWeight {
                name: "all".into(),
                weight: Decimal::ONE,
            }],
            valuation_date: day(2025),
            discountings: vec![Discounting::Flat {
                rate: d("0.1"),
                compounding: Compounding::AnnualEffective,
                basis: TimeBasis::Thirty360,
            }],
            rounding: RoundingMode::HalfEven,
        }
    }

    #[test]
    fn amounts_due_now_and_later() {
        // 1,000.00 due now, all cancelled, ratio 0.3: C = 300.00 paid as
        // 100.00 on 2026-01-01 and 200.00 on 2027-01-01. At 10%: cost 1,000
        // (due now, at face); counterpart 100/1.1 + 200/1.21 = 11,000/121 +
        // 20,000/121 = 31,000/121 = 256.198347107438016528925619834...;
        // saving 743.80...; leverage 31/121 = 0.25619834710743801653.
        let out = evaluate_development(&input(
            CounterpartSchedule::Amounts(vec![
                (day(2026), usd("100.00")),
                (day(2027), usd("200.00")),
            ]),
            "1",
            "0.3",
        ))
        .unwrap();
        assert_eq!(out.counterpart, usd("300.00"));
        let v = &out.valuations[0];
        assert_eq!(v.creditor_cost, d("1000.00"));
        assert!((v.counterpart_pv - d("256.198347107438016528925619834")).abs() < d("1e-24"));
        assert_eq!(v.leverage.value, d("0.25619834710743801653"));
        assert!(!v.leverage.exact);
        assert_eq!(out.nominal_saving, d("700.00"));
        assert_eq!(out.programme_totals, vec![usd("300.00")]);
    }

    #[test]
    fn inconsistent_swaps_are_errors() {
        let amounts = CounterpartSchedule::Amounts(vec![(day(2026), usd("299.99"))]);
        assert!(matches!(
            evaluate_development(&input(amounts, "1", "0.3")),
            Err(SwapError::CounterpartDoesNotAddUp { .. })
        ));
        let once = || CounterpartSchedule::Shares(vec![(day(2026), Decimal::ONE)]);
        // 1,000.00 x 0.000001 = 0.001 rounds to nothing.
        assert_eq!(
            evaluate_development(&input(once(), "0.000001", "1")),
            Err(SwapError::NothingCancelled)
        );
        assert!(evaluate_development(&input(once(), "1.5", "1")).is_err());
        assert!(evaluate_development(&input(once(), "1", "0")).is_err());
        let unsorted =
            CounterpartSchedule::Shares(vec![(day(2027), d("0.5")), (day(2026), d("0.5"))]);
        assert!(evaluate_development(&input(unsorted, "1", "1")).is_err());
    }
}
