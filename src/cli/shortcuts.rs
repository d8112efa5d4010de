//! The everyday requests as flags: `split`, `schedule`, `value`, `settlement` and
//! `reconcile` build the JSON request that `debtcalc call` (and grpcurl)
//! would take, and run it the same way. `--show-request` prints that
//! request instead of running it.

use serde_json::{json, Map, Value};

use super::call::OutputArgs;
use super::chart::{ChartArgs, SettlementChartArgs};
use super::{exit, json as pbjson, Failure};

/// `debtcalc split`: SplitClaim.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # The DPRK settlement: 90% of $10.96 bn written off, the rest shared by three programmes
  debtcalc split --claim \"10960000000 USD\" --write-off 0.9 \\
    --program energy --program education --program health
  # The reported remainder instead of a share, as a table
  debtcalc split --claim \"10960000000 USD\" --remaining \"1090000000 USD\" --format table
  # Weighted programmes, the request only (to send with grpcurl or debtcalc call)
  debtcalc split --claim \"1000 EUR\" --write-off 0.5 --program a=2 --program b=1 --show-request")]
pub struct SplitArgs {
    /// The claim, `AMOUNT CURRENCY` ("10960000000 USD").
    #[arg(long)]
    pub claim: String,
    /// The share written off, a decimal in [0, 1] ("0.9").
    #[arg(
        long,
        conflicts_with = "remaining",
        required_unless_present = "remaining"
    )]
    pub write_off: Option<String>,
    /// The amount that remains instead, `AMOUNT CURRENCY`.
    #[arg(long)]
    pub remaining: Option<String>,
    /// A programme sharing the remainder, `NAME` (weight 1) or
    /// `NAME=WEIGHT`; repeat for each.
    #[arg(long = "program")]
    pub programs: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print the request (the proto3 JSON `debtcalc call` and grpcurl take)
    /// instead of running it.
    #[arg(long)]
    pub show_request: bool,
}

/// `debtcalc schedule`: BuildSchedule.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # The DPRK's $1.09 bn in 40 equal semi-annual instalments at 0%
  debtcalc schedule --principal \"1090000000 USD\" --first-payment 2015-03-17 \\
    --frequency semi-annual --installments 40
  # A Laos-style loan: one period of grace, 2.25% stepping up to 5.85%, ACT/365F, as a table
  debtcalc schedule --principal \"1000000 USD\" --first-payment 2004-06-30 --frequency semi-annual \\
    --installments 2 --grace 1 --rate 0.0225 --step 2=0.0585 --day-count act-365-fixed \\
    --end-of-month --format table
  # The schedule as an Excel workbook
  debtcalc schedule --principal \"1090000000 USD\" --first-payment 2015-03-17 \\
    --frequency semi-annual --installments 40 --format xlsx --output dprk-schedule.xlsx
  # ... and drawn: principal and interest bars, the outstanding balance
  debtcalc schedule --principal \"1090000000 USD\" --first-payment 2015-03-17 \\
    --frequency semi-annual --installments 40 --chart dprk-schedule.svg")]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub loan: LoanArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Print the request instead of running it.
    #[arg(long)]
    pub show_request: bool,
}

/// A loan: the principal and the everyday terms (BuildSchedule's
/// `principal` and `terms`).
#[derive(Debug, clap::Args)]
pub struct LoanArgs {
    /// The principal, `AMOUNT CURRENCY`.
    #[arg(long)]
    pub principal: String,
    /// The first payment's due date, YYYY-MM-DD.
    #[arg(long)]
    pub first_payment: String,
    /// How often payments fall due: annual, semi-annual, quarterly, monthly.
    #[arg(long)]
    pub frequency: String,
    /// The number of principal repayments.
    #[arg(long)]
    pub installments: u32,
    /// Periods that repay no principal (default 0).
    #[arg(long)]
    pub grace: Option<u32>,
    /// The nominal annual rate, a decimal fraction ("0.05"; default 0).
    #[arg(long)]
    pub rate: Option<String>,
    /// A rate step, `PERIOD=RATE` ("2=0.0585": from period 2 on); repeat.
    #[arg(long = "step")]
    pub steps: Vec<String>,
    /// The day count: periodic, thirty-360, act-360, act-365-fixed,
    /// act-act-isda, thirty-360-us, thirty-e-360, thirty-e-360-isda,
    /// act-act-icma.
    #[arg(long)]
    pub day_count: Option<String>,
    /// equal-principal, level-payment or bullet.
    #[arg(long)]
    pub amortization: Option<String>,
    /// Interest during grace: paid or capitalized.
    #[arg(long)]
    pub grace_interest: Option<String>,
    /// Interest accrues from this date, YYYY-MM-DD (default: one period
    /// before the first payment).
    #[arg(long)]
    pub accrual_start: Option<String>,
    /// Payment dates stay at the end of the month.
    #[arg(long)]
    pub end_of_month: bool,
    /// Business-day convention: unadjusted, following, modified-following,
    /// preceding.
    #[arg(long)]
    pub business_day: Option<String>,
}

/// `debtcalc value`: ValueRestructuring of a claim due now against a new loan.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # The DPRK: $10.96 bn due against $1.09 bn repaid in 40 semi-annual instalments, valued at 5%
  debtcalc value --old-claim \"10960000000 USD\" --valuation-date 2014-05-05 --discount-rate 0.05 \\
    --principal \"1090000000 USD\" --first-payment 2014-11-05 --frequency semi-annual --installments 40
  # The same valuation as an Excel workbook (figures on Summary, conventions on their own sheet)
  debtcalc value --old-claim \"10960000000 USD\" --valuation-date 2014-05-05 --discount-rate 0.05 \\
    --principal \"1090000000 USD\" --first-payment 2014-11-05 --frequency semi-annual --installments 40 \\
    --format xlsx --output dprk-valuation.xlsx")]
pub struct ValueArgs {
    /// The old claim, due at the valuation date, `AMOUNT CURRENCY`.
    #[arg(long)]
    pub old_claim: String,
    /// The valuation date, YYYY-MM-DD.
    #[arg(long)]
    pub valuation_date: String,
    /// The flat discount rate, a decimal fraction ("0.05").
    #[arg(long)]
    pub discount_rate: String,
    /// The new debt.
    #[command(flatten)]
    pub loan: LoanArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print the request instead of running it.
    #[arg(long)]
    pub show_request: bool,
}

/// `debtcalc settlement`: AnalyzeSettlement (ListSettlements without an id).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # The settlements of the library
  debtcalc settlement --format table
  # The whole DPRK settlement: conversion, split, schedule, fund, valuations, concessionality, 1:5000
  debtcalc settlement dprk-2014
  # Valued at 7% only, written to a workbook
  debtcalc settlement dprk-2014 --discount-rate 0.07 --format xlsx --output dprk.xlsx
  # The 1:5000 gap drawn as a waterfall on a log axis
  debtcalc settlement dprk-2014 --chart dprk-gap.svg --chart-kind waterfall")]
pub struct SettlementArgs {
    /// The settlement's id (`dprk-2014`, `cuba-2014`, ...); none lists them.
    pub id: Option<String>,
    /// Value at these discount rates instead of the library's; repeat.
    #[arg(long = "discount-rate")]
    pub discount_rates: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub chart: SettlementChartArgs,
    /// Print the request instead of running it.
    #[arg(long)]
    pub show_request: bool,
}

/// `debtcalc swap`: EvaluateSwap of a swap of the library (ListSwaps
/// without an id).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # The swaps of the library
  debtcalc swap --format table
  # Russia - Mozambique 2017: USD 40 m cancelled into school meals through WFP
  debtcalc swap russia-mozambique-2017
  # Bolivia - Conservation International 1987, the first debt-for-nature swap
  debtcalc swap bolivia-ci-1987 --format table
  # Mozambique's savings over time, drawn
  debtcalc swap russia-mozambique-2017 --chart mozambique.svg")]
pub struct SwapArgs {
    /// The swap's id (`russia-mozambique-2017`, `bolivia-ci-1987`); none
    /// lists them.
    pub id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also draw a development swap's savings over time (RenderChart,
    /// CHART_KIND_SWAP_SAVINGS) into FILE.svg.
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Print the request instead of running it.
    #[arg(long)]
    pub show_request: bool,
}

/// `debtcalc reconcile`: ReconcileValuations.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # The 1:5000 gap: Russia at the Gosbank rate against the DPRK at 3,000 rubles per dollar
  debtcalc reconcile --claim \"6576000000 SUR\" --target USD \\
    --party Russia=basis:gosbank-settlement-rate --party \"DPRK=rate:3000 RUR per USD\"
  # The same gap drawn as a waterfall on a log axis
  debtcalc reconcile --claim \"6576000000 SUR\" --target USD \\
    --party Russia=basis:gosbank-settlement-rate --party \"DPRK=rate:3000 RUR per USD\" --chart gap.svg
  # The conversion bases a party can name
  debtcalc call ListConversionBases")]
pub struct ReconcileArgs {
    /// The claim, `AMOUNT UNIT` ("6576000000 SUR").
    #[arg(long)]
    pub claim: String,
    /// The currency both parties value the claim in.
    #[arg(long)]
    pub target: String,
    /// A party and its conversion: `NAME=basis:BASIS_ID` (a conversion
    /// basis of the reference data) or `NAME=rate:RATE UNIT per CURRENCY`;
    /// repeat for each party.
    #[arg(long = "party")]
    pub parties: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub chart: ChartArgs,
    /// Print the request instead of running it.
    #[arg(long)]
    pub show_request: bool,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::new(exit::USAGE, message)
}

/// `AMOUNT CURRENCY` (or `CURRENCY AMOUNT`) as a Money.
pub fn money(flag: &str, text: &str) -> Result<Value, Failure> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let is_amount = |s: &str| s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
    match parts.as_slice() {
        [a, c] if is_amount(a) && !is_amount(c) => Ok(json!({"currencyCode": c, "amount": a})),
        [c, a] if is_amount(a) && !is_amount(c) => Ok(json!({"currencyCode": c, "amount": a})),
        _ => Err(usage(format!(
            "{flag} {text:?}: expected AMOUNT CURRENCY, for example \"10960000000 USD\""
        ))),
    }
}

/// YYYY-MM-DD as a google.type.Date.
pub fn date(flag: &str, text: &str) -> Result<Value, Failure> {
    let parts: Vec<&str> = text.split('-').collect();
    let numbers: Option<Vec<u32>> = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            parts.iter().map(|p| p.parse().ok()).collect()
        }
        _ => None,
    };
    match numbers.as_deref() {
        Some([year, month, day]) => Ok(json!({"year": year, "month": month, "day": day})),
        _ => Err(usage(format!(
            "{flag} {text:?}: expected a date YYYY-MM-DD, for example 2015-03-17"
        ))),
    }
}

/// The enum value `PREFIX_WORDS` that `text` ("semi-annual") names, checked
/// against the descriptor; the error lists the valid words.
pub fn enum_value(flag: &str, enum_name: &str, prefix: &str, text: &str) -> Result<Value, Failure> {
    let name = format!(
        "{prefix}_{}",
        text.trim().to_uppercase().replace(['-', ' '], "_")
    );
    let pool = pbjson::pool().map_err(|e| Failure::new(exit::DATA, e))?;
    let descriptor = pool.get_enum_by_name(enum_name).ok_or_else(|| {
        Failure::new(exit::DATA, format!("{enum_name} is not in the descriptors"))
    })?;
    if descriptor.get_value_by_name(&name).is_some() && !name.ends_with("_UNSPECIFIED") {
        return Ok(Value::String(name));
    }
    let valid: Vec<String> = descriptor
        .values()
        .filter(|v| v.number() != 0)
        .map(|v| {
            v.name()
                .strip_prefix(&format!("{prefix}_"))
                .unwrap_or(v.name())
                .to_lowercase()
                .replace('_', "-")
        })
        .collect();
    Err(usage(format!(
        "{flag} {text:?}: expected one of {}",
        valid.join(", ")
    )))
}

/// The SplitClaim request of the flags.
pub fn split_request(args: &SplitArgs) -> Result<Value, Failure> {
    let mut request = Map::new();
    request.insert("claim".into(), money("--claim", &args.claim)?);
    if let Some(share) = &args.write_off {
        request.insert("writeOffShare".into(), Value::String(share.clone()));
    }
    if let Some(remaining) = &args.remaining {
        request.insert("remaining".into(), money("--remaining", remaining)?);
    }
    if !args.programs.is_empty() {
        let programs = args
            .programs
            .iter()
            .map(|p| {
                let (name, weight) = p.split_once('=').unwrap_or((p.as_str(), "1"));
                json!({"name": name, "weight": weight})
            })
            .collect();
        request.insert("programs".into(), Value::Array(programs));
    }
    Ok(Value::Object(request))
}

/// The BuildSchedule request of the flags.
pub fn schedule_request(args: &ScheduleArgs) -> Result<Value, Failure> {
    loan(&args.loan)
}

/// The ValueRestructuring request of the flags.
pub fn value_request(args: &ValueArgs) -> Result<Value, Failure> {
    Ok(json!({
        "oldClaim": {"dueAtValuation": money("--old-claim", &args.old_claim)?},
        "newDebt": {"loan": loan(&args.loan)?},
        "valuationDate": date("--valuation-date", &args.valuation_date)?,
        "discounting": {"flatRate": args.discount_rate},
    }))
}

/// A loan of the flags: `{"principal": ..., "terms": ...}`.
fn loan(args: &LoanArgs) -> Result<Value, Failure> {
    let mut terms = Map::new();
    terms.insert(
        "firstPaymentDate".into(),
        date("--first-payment", &args.first_payment)?,
    );
    if let Some(start) = &args.accrual_start {
        terms.insert("accrualStartDate".into(), date("--accrual-start", start)?);
    }
    terms.insert(
        "frequency".into(),
        enum_value(
            "--frequency",
            "debtcalc.v1.Frequency",
            "FREQUENCY",
            &args.frequency,
        )?,
    );
    terms.insert("installmentCount".into(), json!(args.installments));
    if let Some(grace) = args.grace {
        terms.insert("gracePeriods".into(), json!(grace));
    }
    if let Some(value) = &args.grace_interest {
        terms.insert(
            "graceInterest".into(),
            enum_value(
                "--grace-interest",
                "debtcalc.v1.GraceInterest",
                "GRACE_INTEREST",
                value,
            )?,
        );
    }
    if let Some(value) = &args.amortization {
        terms.insert(
            "amortization".into(),
            enum_value(
                "--amortization",
                "debtcalc.v1.Amortization",
                "AMORTIZATION",
                value,
            )?,
        );
    }
    if let Some(rate) = &args.rate {
        terms.insert("annualRate".into(), Value::String(rate.clone()));
    }
    if !args.steps.is_empty() {
        let mut steps = Vec::new();
        for step in &args.steps {
            let (period, rate) = step
                .split_once('=')
                .and_then(|(p, r)| Some((p.trim().parse::<u32>().ok()?, r.trim())))
                .ok_or_else(|| {
                    usage(format!(
                        "--step {step:?}: expected PERIOD=RATE, for example 2=0.0585"
                    ))
                })?;
            steps.push(json!({"startPeriod": period, "annualRate": rate}));
        }
        terms.insert("rateSteps".into(), Value::Array(steps));
    }
    if let Some(value) = &args.day_count {
        terms.insert(
            "dayCount".into(),
            enum_value("--day-count", "debtcalc.v1.DayCount", "DAY_COUNT", value)?,
        );
    }
    if args.end_of_month {
        terms.insert("endOfMonth".into(), Value::Bool(true));
    }
    if let Some(value) = &args.business_day {
        terms.insert(
            "businessDayConvention".into(),
            enum_value(
                "--business-day",
                "debtcalc.v1.BusinessDayConvention",
                "BUSINESS_DAY_CONVENTION",
                value,
            )?,
        );
    }
    Ok(json!({
        "principal": money("--principal", &args.principal)?,
        "terms": Value::Object(terms),
    }))
}

/// The AnalyzeSettlement (or ListSettlements) request of the arguments.
pub fn settlement_request(args: &SettlementArgs) -> Result<(&'static str, Value), Failure> {
    let Some(id) = &args.id else {
        return Ok(("debtcalc.v1.SettlementService/ListSettlements", json!({})));
    };
    let mut request = json!({"settlementId": id});
    if !args.discount_rates.is_empty() {
        request["valuation"] = json!({"discountRates": args.discount_rates});
    }
    Ok(("debtcalc.v1.SettlementService/AnalyzeSettlement", request))
}

/// The EvaluateSwap (or ListSwaps) request of the arguments.
pub fn swap_request(args: &SwapArgs) -> (&'static str, Value) {
    match &args.id {
        None => ("debtcalc.v1.SwapService/ListSwaps", json!({})),
        Some(id) => (
            "debtcalc.v1.SwapService/EvaluateSwap",
            json!({"swapId": id}),
        ),
    }
}

/// The ReconcileValuations request of the flags.
pub fn reconcile_request(args: &ReconcileArgs) -> Result<Value, Failure> {
    let mut parties = Vec::new();
    for party in &args.parties {
        let bad = || {
            usage(format!(
                "--party {party:?}: expected NAME=basis:BASIS_ID or NAME=rate:RATE UNIT per CURRENCY"
            ))
        };
        let (name, method) = party.split_once('=').ok_or_else(bad)?;
        let conversion = if let Some(basis) = method.strip_prefix("basis:") {
            json!({"basisId": basis.trim()})
        } else if let Some(rate) = method.strip_prefix("rate:") {
            let words: Vec<&str> = rate.split_whitespace().collect();
            match words.as_slice() {
                [rate, unit, "per", per] => {
                    json!({"rate": {"rate": rate, "unit": unit, "per": per}})
                }
                _ => return Err(bad()),
            }
        } else {
            return Err(bad());
        };
        parties.push(json!({"name": name, "conversion": conversion}));
    }
    Ok(json!({
        "claim": money("--claim", &args.claim)?,
        "targetCurrency": args.target,
        "parties": parties,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_become_the_request() {
        assert_eq!(
            money("--claim", "10960000000 USD").unwrap(),
            json!({"currencyCode": "USD", "amount": "10960000000"})
        );
        assert_eq!(
            money("--claim", "USD 5").unwrap(),
            json!({"currencyCode": "USD", "amount": "5"})
        );
        assert!(money("--claim", "lots").is_err());
        assert_eq!(
            date("--d", "2015-03-17").unwrap(),
            json!({"year": 2015, "month": 3, "day": 17})
        );
        assert!(date("--d", "17/03/2015").is_err());
        assert_eq!(
            enum_value(
                "--frequency",
                "debtcalc.v1.Frequency",
                "FREQUENCY",
                "semi-annual"
            )
            .unwrap(),
            json!("FREQUENCY_SEMI_ANNUAL")
        );
        let bad = enum_value(
            "--frequency",
            "debtcalc.v1.Frequency",
            "FREQUENCY",
            "weekly",
        )
        .unwrap_err();
        assert!(
            bad.message
                .contains("annual, semi-annual, quarterly, monthly"),
            "{}",
            bad.message
        );
    }
}
