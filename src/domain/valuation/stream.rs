//! Streams of payments owed, as a restructuring compares them: a loan
//! expanded into its schedule, explicit dated flows that say what each one
//! is (principal, interest or fee), or an amount due now.
//!
//! **Face value.** What the nominal and Cruces-Trebesch haircuts and the
//! grant element divide by, never the sum of future payments (which
//! includes interest):
//!
//! `face = outstanding principal + past-due principal + past-due interest
//! + accrued interest`
//!
//! where *past due* means dated on or before the valuation date (due and,
//! since the stream lists it as owed, unpaid there; such flows count at
//! `t = 0` in the present value too, so face and present value treat them
//! alike). Interest due after the valuation date and fees are never part of
//! the face, except the interest a loan has accrued by the valuation date:
//! the present value counts the whole coming instalment, and the claim
//! treated in an exchange (Cruces-Trebesch; exchange practice) includes the
//! accrued interest, so the face does too. For a loan, principal is what
//! its schedule repays (interest capitalised in a grace period that ended
//! by the valuation date is then outstanding principal), interest is each
//! instalment's paid interest, and the accrued interest is that of each
//! period not yet due whose accrual started before the valuation date, up
//! to the valuation date: the valuation date cuts the accrual period as a
//! dated rate step does in the schedule (the engine's [`part_fraction`]:
//! the part's own day-count fraction, or under the periodic count the
//! period's fraction x the part's share of the period's actual days; each
//! rate segment before the valuation date at its rate), on the outstanding
//! at the period's start, the exact sum rounded once to the minor unit
//! with the terms' rounding, as the schedule rounds a period's interest. A
//! period whose (unadjusted) accrual ended before its adjusted due date has
//! accrued all its interest. A list of cash flows carries no
//! accrual information (no period starts, day count or rate), so its
//! accrued interest is zero: between due dates its face omits the interest
//! accrued in its next interest flow (documented in the proto: give such a
//! claim as a loan, or value it on a due date).
//!
//! **Negative interest** (a negative rate) counts with its sign, as it does
//! in the present value: negative past-due or accrued interest reduces the
//! face. A face that is not positive has no haircut or grant element; the
//! API layer refuses it on the stream's field.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::certified::{average_life, present_value_on_path, ValuationPath};
use super::present_value::{CashFlow, PresentValue};
use super::Discounting;
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::schedule::accrual::accrual_fraction;
use crate::domain::schedule::engine::part_fraction;
use crate::domain::schedule::{
    build_schedule, Growth, Installment, LoanTerms, RateSegment, Schedule,
};

/// What a dated flow pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowKind {
    /// A repayment of principal: part of the face.
    Principal,
    /// Interest: part of the face only when past due.
    Interest,
    /// A fee or other charge: never part of the face.
    Fee,
}

/// A dated amount and what it pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KindedFlow {
    pub date: NaiveDate,
    pub amount: Decimal,
    pub kind: FlowKind,
}

/// A stream of payments owed, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebtStream {
    /// A principal repaid under loan terms.
    Loan { principal: Money, terms: LoanTerms },
    /// Explicit dated flows in one currency, each of a known kind.
    CashFlows {
        currency: Currency,
        flows: Vec<KindedFlow>,
    },
    /// One amount due at the valuation date (a claim in arrears, or a cash
    /// payment): all of it past-due principal.
    DueAtValuation(Money),
}

/// The parts of a face value (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FaceComponents {
    /// Principal due after the valuation date.
    pub outstanding_principal: Decimal,
    /// Principal due on or before the valuation date.
    pub past_due_principal: Decimal,
    /// Interest due on or before the valuation date.
    pub past_due_interest: Decimal,
    /// Interest of a loan accrued from the start of the period running at
    /// the valuation date to it, not yet due (zero for cash flows and
    /// amounts due now).
    pub accrued_interest: Decimal,
}

impl FaceComponents {
    /// The face value: the sum of the parts.
    pub fn total(&self) -> Result<Decimal, DomainError> {
        add(
            add(
                add(self.outstanding_principal, self.past_due_principal)?,
                self.past_due_interest,
            )?,
            self.accrued_interest,
        )
    }

    /// Adds a principal amount due on `date`.
    fn add_principal(
        &mut self,
        date: NaiveDate,
        valuation_date: NaiveDate,
        amount: Decimal,
    ) -> Result<(), DomainError> {
        if date <= valuation_date {
            self.past_due_principal = add(self.past_due_principal, amount)?;
        } else {
            self.outstanding_principal = add(self.outstanding_principal, amount)?;
        }
        Ok(())
    }

    /// Adds interest due on `date` (nothing if it is due later).
    fn add_interest(
        &mut self,
        date: NaiveDate,
        valuation_date: NaiveDate,
        amount: Decimal,
    ) -> Result<(), DomainError> {
        if date <= valuation_date {
            self.past_due_interest = add(self.past_due_interest, amount)?;
        }
        Ok(())
    }

    /// These parts with `amount` more past-due interest.
    pub fn with_past_due_interest(&self, amount: Decimal) -> Result<Self, DomainError> {
        Ok(Self {
            past_due_interest: add(self.past_due_interest, amount)?,
            ..*self
        })
    }
}

/// A stream expanded into dated flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedStream {
    pub currency: Currency,
    /// The face (nominal) value: `face_components.total()`.
    pub face: Decimal,
    /// The parts of the face.
    pub face_components: FaceComponents,
    /// Debt service: every payment, principal, interest and fees.
    pub flows: Vec<CashFlow>,
    /// What the average life weighs: the principal repayments.
    pub principal_flows: Vec<CashFlow>,
    /// The schedule, for a loan.
    pub schedule: Option<Schedule>,
}

impl DebtStream {
    pub fn currency(&self) -> Currency {
        match self {
            Self::Loan { principal, .. } => principal.currency,
            Self::CashFlows { currency, .. } => *currency,
            Self::DueAtValuation(amount) => amount.currency,
        }
    }

    /// The dated flows of the stream and its face at `valuation_date`; an
    /// amount due now falls on `valuation_date`.
    pub fn expand(&self, valuation_date: NaiveDate) -> Result<ExpandedStream, DomainError> {
        let mut parts = FaceComponents::default();
        match self {
            Self::Loan { principal, terms } => {
                let schedule = build_schedule(principal, terms)?;
                let mut flows = Vec::with_capacity(schedule.installments.len());
                let mut principal_flows = Vec::with_capacity(schedule.installments.len());
                let mut outstanding = principal.amount;
                // The outstanding at the start of the current period.
                let mut at_start = principal.amount;
                for i in &schedule.installments {
                    let date = i.due_date;
                    if !i.payment.amount.is_zero() {
                        flows.push(CashFlow {
                            date,
                            amount: i.payment.amount,
                        });
                    }
                    if !i.principal.amount.is_zero() {
                        principal_flows.push(CashFlow {
                            date,
                            amount: i.principal.amount,
                        });
                    }
                    if i.accrual_start < valuation_date && valuation_date < date {
                        let accrued =
                            accrued_interest(principal, terms, i, at_start, valuation_date)?;
                        parts.accrued_interest = add(parts.accrued_interest, accrued)?;
                    }
                    at_start = i.outstanding_after.amount;
                    if date <= valuation_date {
                        // Due: its principal and its paid interest; what
                        // was capitalised is in the outstanding after it.
                        parts.add_principal(date, valuation_date, i.principal.amount)?;
                        let paid = i
                            .interest
                            .amount
                            .checked_sub(i.capitalized_interest.amount)
                            .ok_or(overflow())?;
                        parts.add_interest(date, valuation_date, paid)?;
                        outstanding = i.outstanding_after.amount;
                    }
                }
                parts.outstanding_principal = outstanding;
                Ok(ExpandedStream {
                    currency: principal.currency,
                    face: parts.total()?,
                    face_components: parts,
                    flows,
                    principal_flows,
                    schedule: Some(schedule),
                })
            }
            Self::CashFlows { currency, flows } => {
                let mut principal_flows = Vec::new();
                for flow in flows {
                    match flow.kind {
                        FlowKind::Principal => {
                            parts.add_principal(flow.date, valuation_date, flow.amount)?;
                            principal_flows.push(CashFlow {
                                date: flow.date,
                                amount: flow.amount,
                            });
                        }
                        FlowKind::Interest => {
                            parts.add_interest(flow.date, valuation_date, flow.amount)?
                        }
                        FlowKind::Fee => {}
                    }
                }
                Ok(ExpandedStream {
                    currency: *currency,
                    face: parts.total()?,
                    face_components: parts,
                    flows: flows
                        .iter()
                        .map(|f| CashFlow {
                            date: f.date,
                            amount: f.amount,
                        })
                        .collect(),
                    principal_flows,
                    schedule: None,
                })
            }
            Self::DueAtValuation(amount) => {
                let flow = CashFlow {
                    date: valuation_date,
                    amount: amount.amount,
                };
                parts.past_due_principal = amount.amount;
                Ok(ExpandedStream {
                    currency: amount.currency,
                    face: amount.amount,
                    face_components: parts,
                    flows: vec![flow],
                    principal_flows: vec![flow],
                    schedule: None,
                })
            }
        }
    }
}

/// The valuation of one expanded stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamValue {
    /// The stream's own face (without the `extra` flows of
    /// [`value_stream`]).
    pub face: Decimal,
    pub present_value: PresentValue,
    /// Weighted average life of the principal (see [`ExpandedStream`]).
    pub average_life_years: Decimal,
    /// The undiscounted sum of all flows.
    pub total_debt_service: Decimal,
    pub flow_count: usize,
    /// Which path computed the present value (the figures are the same
    /// either way).
    pub path: ValuationPath,
}

/// Values an expanded stream, with `extra` flows (past-due interest) added
/// to its debt service.
pub fn value_stream(
    stream: &ExpandedStream,
    extra: &[CashFlow],
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> Result<StreamValue, DomainError> {
    let mut flows = stream.flows.clone();
    flows.extend_from_slice(extra);
    let (present_value, path) = present_value_on_path(&flows, valuation_date, discounting)?;
    Ok(StreamValue {
        face: stream.face,
        average_life_years: average_life(
            &stream.principal_flows,
            valuation_date,
            discounting.basis(),
        )?,
        total_debt_service: present_value.face,
        present_value,
        flow_count: flows.len(),
        path,
    })
}

/// The interest of instalment `period` (not yet due, its accrual started
/// before `valuation_date`) accrued by `valuation_date` on `outstanding`,
/// the outstanding at its start. The valuation date cuts the accrual
/// period as a dated rate step does in the schedule
/// ([`part_fraction`]: its own day-count fraction, or under the periodic
/// count the period's fraction x the part's share of the period's actual
/// days), each rate segment before it at its rate, the exact sum rounded
/// once with the terms' rounding. A period whose accrual ended by then (an
/// unadjusted accrual end before an adjusted due date) has accrued all its
/// interest.
fn accrued_interest(
    principal: &Money,
    terms: &LoanTerms,
    period: &Installment,
    outstanding: Decimal,
    valuation_date: NaiveDate,
) -> Result<Decimal, DomainError> {
    if period.accrual_end <= valuation_date {
        return Ok(period.interest.amount);
    }
    let (start, end) = (period.accrual_start, period.accrual_end);
    let whole = accrual_fraction(terms, start, end)?;
    let mut growth = Growth::zero();
    for segment in period.segments.iter().filter(|s| s.start < valuation_date) {
        let part = RateSegment {
            end: segment.end.min(valuation_date),
            ..*segment
        };
        let fraction = part_fraction(terms, &part, start, end, whole)?;
        growth = growth.plus(&Growth::of(part.annual_rate, fraction));
    }
    let outstanding = Money {
        currency: principal.currency,
        amount: outstanding,
    }
    .to_minor_units()
    .ok_or(overflow())?;
    let minor = growth.interest(&outstanding, terms.rounding);
    Ok(Money::from_minor_units(principal.currency, &minor, "accrued interest")?.amount)
}

fn overflow() -> DomainError {
    DomainError::Overflow {
        quantity: "face value",
    }
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, DomainError> {
    a.checked_add(b).ok_or(overflow())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::rounding::RoundingMode;
    use crate::domain::schedule::{Amortization, DayCount, Frequency, GraceInterest, InterestRate};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn date(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn loan(grace_interest: GraceInterest) -> DebtStream {
        let usd = find("USD").unwrap();
        DebtStream::Loan {
            principal: Money {
                currency: usd,
                amount: d("1000"),
            },
            terms: LoanTerms {
                first_payment_date: date(2021, 1, 1),
                accrual_start: None,
                frequency: Frequency::Annual,
                installment_count: 2,
                grace_periods: 2,
                grace_interest,
                amortization: Amortization::EqualPrincipal,
                rate: InterestRate::fixed(d("0.1")),
                day_count: DayCount::Thirty360,
                end_of_month: false,
                rounding: RoundingMode::HalfEven,
                business_days: Default::default(),
            },
        }
    }

    fn parts(stream: &DebtStream, valuation: NaiveDate) -> FaceComponents {
        stream.expand(valuation).unwrap().face_components
    }

    #[test]
    fn a_loan_s_face_at_disbursement_is_its_principal() {
        let face = parts(&loan(GraceInterest::Paid), date(2020, 1, 1));
        assert_eq!(face.outstanding_principal, d("1000"));
        assert_eq!(face.total().unwrap(), d("1000"));
    }

    #[test]
    fn capitalised_grace_interest_becomes_outstanding_principal() {
        // Two grace years at 10% capitalised: 1,210 outstanding, nothing
        // paid, so nothing past due.
        let face = parts(&loan(GraceInterest::Capitalized), date(2022, 6, 1));
        assert_eq!(face.outstanding_principal, d("1210"));
        assert_eq!(face.past_due_principal, Decimal::ZERO);
        assert_eq!(face.past_due_interest, Decimal::ZERO);
        // Paid grace interest is past due instead: 100 + 100.
        let face = parts(&loan(GraceInterest::Paid), date(2022, 6, 1));
        assert_eq!(face.outstanding_principal, d("1000"));
        assert_eq!(face.past_due_interest, d("200"));
    }

    #[test]
    fn a_flow_on_the_valuation_date_is_past_due() {
        // Instalment 3 (2023-01-01): 605 principal and 121 interest due.
        let face = parts(&loan(GraceInterest::Capitalized), date(2023, 1, 1));
        assert_eq!(face.outstanding_principal, d("605"));
        assert_eq!(face.past_due_principal, d("605"));
        assert_eq!(face.past_due_interest, d("121"));
        assert_eq!(face.total().unwrap(), d("1331"));
    }

    #[test]
    fn interest_accrued_in_the_running_period_is_face() {
        // Period 2 (2021-01-01..2022-01-01) on 1,100 (one year capitalised)
        // at 10%: 180/360 of 110 accrued by 2021-07-01.
        let face = parts(&loan(GraceInterest::Capitalized), date(2021, 7, 1));
        assert_eq!(face.accrued_interest, d("55"));
        assert_eq!(face.total().unwrap(), d("1155"));
        // On the due date it is due, not accrued; before the accrual start
        // (2020-01-01) nothing has accrued.
        assert_eq!(
            parts(&loan(GraceInterest::Paid), date(2022, 1, 1)).accrued_interest,
            Decimal::ZERO
        );
        assert_eq!(
            parts(&loan(GraceInterest::Paid), date(2019, 7, 1)).accrued_interest,
            Decimal::ZERO
        );
        // Paid grace: 1,000 outstanding, 100 past due, 50 accrued.
        let face = parts(&loan(GraceInterest::Paid), date(2021, 7, 1));
        assert_eq!(face.accrued_interest, d("50"));
        assert_eq!(face.total().unwrap(), d("1150"));
    }

    fn with_terms(edit: impl FnOnce(&mut LoanTerms)) -> DebtStream {
        let mut stream = loan(GraceInterest::Paid);
        if let DebtStream::Loan { terms, .. } = &mut stream {
            edit(terms);
        }
        stream
    }

    #[test]
    fn the_valuation_date_cuts_the_period_as_a_dated_rate_step_does() {
        use crate::domain::schedule::{RateStart, RateStep, RateStepTiming};
        // 10% until 2021-04-01, then 20%, taking effect inside period 2
        // (2021-01-01..2022-01-01) on 1,000: 90/360 x 100 + 90/360 x 200.
        let stream = with_terms(|terms| {
            terms.rate.steps = vec![RateStep {
                start: RateStart::Date(date(2021, 4, 1)),
                annual_rate: d("0.2"),
            }];
            terms.rate.step_timing = RateStepTiming::SplitPeriod;
        });
        assert_eq!(parts(&stream, date(2021, 7, 1)).accrued_interest, d("75"));
        // Before the step only the first rate has accrued: 60/360 x 100.
        assert_eq!(
            parts(&stream, date(2021, 3, 1)).accrued_interest,
            d("16.67")
        );
    }

    #[test]
    fn an_accrual_ended_before_its_adjusted_due_date_has_accrued_whole() {
        use crate::domain::schedule::{AccrualDates, BusinessDayConvention};
        // 2022-01-01 is a Saturday: period 2 is due Monday 2022-01-03 but,
        // on unadjusted accrual, stopped accruing on the 1st; period 3
        // accrues from then. On Sunday the 2nd: all of period 2's 100 and
        // one 30/360 day of period 3 on 1,000 at 10% (0.2777... -> 0.28).
        let stream = with_terms(|terms| {
            terms.business_days.convention = BusinessDayConvention::Following;
            terms.business_days.accrual = AccrualDates::Unadjusted;
        });
        let face = parts(&stream, date(2022, 1, 2));
        assert_eq!(face.accrued_interest, d("100.28"));
        assert_eq!(face.past_due_interest, d("100"));
        assert_eq!(face.outstanding_principal, d("1000"));
    }
}
