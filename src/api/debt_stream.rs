//! The `DebtStream` of ValueRestructuring and SolveTerms: validation with
//! field paths, the kinds of cash flows, the past-due interest given beside
//! a stream, and the rendering of a stream's face.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::convert::{self, Sign};
use super::error::Violations;
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::currency::Currency;
use crate::domain::money::{round_to_minor_units, Money};
use crate::domain::rounding::RoundingMode;
use crate::domain::schedule::MAX_PERIODS;
use crate::domain::valuation::{DebtStream, FaceComponents, FlowKind, KindedFlow};

/// What a face value is (echoed in the conventions of ValueRestructuring
/// and SolveTerms; see [`crate::domain::valuation::FaceComponents`]).
pub const FACE_VALUE: &str =
    "OUTSTANDING_PRINCIPAL_PLUS_PAST_DUE_PRINCIPAL_AND_INTEREST_PLUS_ACCRUED_INTEREST: accrued \
     interest of a loan or preset from the running period's accrual start to the valuation \
     date, on the schedule's day count, rounded to the minor unit; none for cash flows, which \
     carry no accrual information; negative interest counts with its sign";

/// A stream with the field paths its checks across fields need.
pub struct ParsedStream {
    pub stream: DebtStream,
    /// The path of its currency, for mismatch errors.
    pub currency_field: String,
    /// The paths of what the stream itself shows as interest due on or
    /// before the valuation date (interest flows dated then, or the loan
    /// whose instalments due then carry interest): past-due interest given
    /// beside the stream would count it twice.
    pub past_due_interest_fields: Vec<String>,
}

/// Validates a `DebtStream` at `field` (a preset's first payment defaults
/// to one period after `valuation_date`).
pub fn debt_stream_with(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::DebtStream>,
    valuation_date: Option<NaiveDate>,
) -> Option<ParsedStream> {
    use pb::debt_stream::Stream;
    let Some(stream) = value.and_then(|s| s.stream.as_ref()) else {
        v.add(
            field,
            "MISSING_FIELD",
            "is required: one of loan, cash_flows, due_at_valuation or preset",
        );
        return None;
    };
    let (at, stream, currency_field) = match stream {
        Stream::Loan(loan) => {
            let at = format!("{field}.loan");
            let (principal, terms) = loan_terms::loan(
                v,
                &format!("{at}."),
                loan.principal.as_ref(),
                loan.terms.as_ref(),
            )?;
            let currency_field = format!("{at}.principal.currency_code");
            (at, DebtStream::Loan { principal, terms }, currency_field)
        }
        Stream::CashFlows(list) => {
            let at = format!("{field}.cash_flows.flows");
            let stream = cash_flows(v, &at, &list.flows)?;
            (at.clone(), stream, format!("{at}[0].amount.currency_code"))
        }
        Stream::Preset(preset) => {
            let at = format!("{field}.preset");
            let stream = super::preset::preset_stream(v, &at, preset, valuation_date)?;
            let currency_field = format!("{at}.eligible_amount.currency_code");
            (at, stream, currency_field)
        }
        Stream::DueAtValuation(amount) => {
            let at = format!("{field}.due_at_valuation");
            let amount = convert::money(v, &at, Some(amount), Sign::Positive)?;
            let currency_field = format!("{at}.currency_code");
            (at, DebtStream::DueAtValuation(amount), currency_field)
        }
    };
    let past_due_interest_fields = match valuation_date {
        Some(date) => face_checks(v, &at, &stream, date)?,
        None => Vec::new(),
    };
    Some(ParsedStream {
        stream,
        currency_field,
        past_due_interest_fields,
    })
}

/// The flows of a `CashFlowList` at `at` (`...cash_flows.flows`).
fn cash_flows(v: &mut Violations, at: &str, flows: &[pb::CashFlow]) -> Option<DebtStream> {
    if flows.is_empty() {
        v.add(at, "MISSING_FIELD", "needs at least one flow");
        return None;
    }
    if flows.len() > MAX_PERIODS as usize {
        v.add(
            at,
            "TOO_MANY_FLOWS",
            format!("at most {MAX_PERIODS} flows, got {}", flows.len()),
        );
        return None;
    }
    let mut currency: Option<Currency> = None;
    let mut parsed = Vec::with_capacity(flows.len());
    let mut valid = true;
    for (i, flow) in flows.iter().enumerate() {
        // Parsed first with no field path, so a valid flow allocates none;
        // a flow with a violation is parsed again to report it at its path.
        let mut quiet = Violations::new();
        let parse = |v: &mut Violations, at: Option<&str>| {
            let path = |name: &str| at.map_or_else(String::new, |at| format!("{at}[{i}].{name}"));
            (
                convert::date(v, &path("date"), flow.date.as_ref()),
                convert::money(v, &path("amount"), flow.amount.as_ref(), Sign::Positive),
                flow_kind(v, &path("kind"), flow.kind),
            )
        };
        let mut parsed_flow = parse(&mut quiet, None);
        if !quiet.is_empty() {
            parsed_flow = parse(v, Some(at));
        }
        match parsed_flow {
            (Some(date), Some(amount), Some(kind)) => {
                match currency {
                    Some(c) if c != amount.currency => {
                        v.add(
                            format!("{at}[{i}].amount.currency_code"),
                            "CURRENCY_MISMATCH",
                            format!("must be {c} like the first flow, got {}", amount.currency),
                        );
                        valid = false;
                    }
                    _ => currency = Some(amount.currency),
                }
                parsed.push(KindedFlow {
                    date,
                    amount: amount.amount,
                    kind,
                });
            }
            _ => valid = false,
        }
    }
    valid.then_some(())?;
    Some(DebtStream::CashFlows {
        currency: currency?,
        flows: parsed,
    })
}

fn flow_kind(v: &mut Violations, field: &str, raw: i32) -> Option<FlowKind> {
    match pb::CashFlowKind::try_from(raw) {
        Ok(pb::CashFlowKind::Principal) => Some(FlowKind::Principal),
        Ok(pb::CashFlowKind::Interest) => Some(FlowKind::Interest),
        Ok(pb::CashFlowKind::Fee) => Some(FlowKind::Fee),
        Ok(pb::CashFlowKind::Unspecified) => {
            v.add(
                field,
                "MISSING_FIELD",
                "is required: CASH_FLOW_KIND_PRINCIPAL, CASH_FLOW_KIND_INTEREST or \
                 CASH_FLOW_KIND_FEE (the face value counts principal and past-due interest, \
                 and is never guessed)",
            );
            None
        }
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a CashFlowKind value"),
            );
            None
        }
    }
}

/// Checks that a stream has a face at `valuation_date`, and returns the
/// paths of the interest it shows past due there.
fn face_checks(
    v: &mut Violations,
    at: &str,
    stream: &DebtStream,
    valuation_date: NaiveDate,
) -> Option<Vec<String>> {
    match stream {
        DebtStream::CashFlows { flows, .. } => {
            let has_face = flows.iter().any(|f| {
                f.kind == FlowKind::Principal
                    || (f.kind == FlowKind::Interest && f.date <= valuation_date)
            });
            if !has_face {
                v.add(
                    at,
                    "NO_FACE_VALUE",
                    "has no principal flow and no interest flow due on or before the valuation \
                     date, so no face value: the nominal and Cruces-Trebesch haircuts and the \
                     grant element divide by it",
                );
                return None;
            }
            Some(
                flows
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.kind == FlowKind::Interest && f.date <= valuation_date)
                    .map(|(i, _)| format!("{at}[{i}]"))
                    .collect(),
            )
        }
        // A loan's schedule is built here for its face; the errors of its
        // terms are left to the valuation, which reports them.
        DebtStream::Loan { principal, .. } => match stream.expand(valuation_date) {
            Ok(expanded) => {
                let parts = &expanded.face_components;
                match parts.total() {
                    Ok(face) if face <= Decimal::ZERO => {
                        v.add(
                            at,
                            "NON_POSITIVE_FACE_VALUE",
                            non_positive(principal, parts),
                        );
                        None
                    }
                    _ if parts.past_due_interest.is_zero() => Some(Vec::new()),
                    _ => Some(vec![at.to_string()]),
                }
            }
            Err(_) => Some(Vec::new()),
        },
        DebtStream::DueAtValuation(_) => Some(Vec::new()),
    }
}

/// The message of a face that is not greater than zero (only a loan's, by
/// negative interest: flows and amounts due are positive).
fn non_positive(principal: &Money, parts: &FaceComponents) -> String {
    let show = |amount: Decimal| {
        let rounded = round_to_minor_units(principal.currency, amount, RoundingMode::HalfEven, "")
            .map_or(amount, |m| m.amount);
        rounded.to_string()
    };
    let total = parts.total().unwrap_or_default();
    format!(
        "has a face value of {} {} = outstanding principal {} + past-due principal {} + \
         past-due interest {} + accrued interest {}, not greater than zero (negative interest \
         counts with its sign): the nominal and Cruces-Trebesch haircuts and the grant element \
         divide by it",
        principal.currency,
        show(total),
        show(parts.outstanding_principal),
        show(parts.past_due_principal),
        show(parts.past_due_interest),
        show(parts.accrued_interest),
    )
}

/// The optional past-due interest given beside the old claim:
/// non-negative, in the old claim's currency; zero when absent. Greater
/// than zero, it must not overlap interest the old claim itself shows past
/// due.
pub fn past_due_interest(
    v: &mut Violations,
    value: Option<&pb::Money>,
    old: Option<&ParsedStream>,
) -> Option<Decimal> {
    let Some(value) = value else {
        return Some(Decimal::ZERO);
    };
    let past_due = convert::money(v, "past_due_interest", Some(value), Sign::NonNegative)?;
    let old = old?;
    let currency = old.stream.currency();
    if past_due.currency != currency {
        v.add(
            "past_due_interest.currency_code",
            "CURRENCY_MISMATCH",
            format!(
                "must be the old claim's currency {currency}, got {}",
                past_due.currency
            ),
        );
        return None;
    }
    if !past_due.amount.is_zero() && !old.past_due_interest_fields.is_empty() {
        let listed = old.past_due_interest_fields.join(", ");
        v.add(
            "past_due_interest",
            "PAST_DUE_INTEREST_TWICE",
            format!(
                "the old claim already shows interest due on or before the valuation date \
                 ({listed}); giving it here as well would count it twice"
            ),
        );
        for field in &old.past_due_interest_fields {
            v.add(
                field,
                "PAST_DUE_INTEREST_TWICE",
                "is interest due on or before the valuation date, and past_due_interest is \
                 given as well: give past-due interest one way only",
            );
        }
        return None;
    }
    Some(past_due.amount)
}
