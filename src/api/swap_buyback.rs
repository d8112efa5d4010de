//! The buyback kind of EvaluateSwap (`buyback` in EvaluateSwapRequest):
//! validation with field paths, the domain evaluation, warnings. Rendering
//! is in [`super::swap_buyback_render`].

use rust_decimal::Decimal;

use super::convert;
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use super::valuation;
use super::warnings;
use crate::domain::swap::buyback::{
    check, evaluate_buyback, BuybackError, BuybackEvaluation, BuybackInput, Commitment,
    CommitmentKind, DiscountTiming, FeeAmount, InstrumentKind, NewFinancing, RetiredInstrument,
    UpfrontFee, DEFAULT_HORIZONS_YEARS,
};

pub use super::swap_buyback_render::render;

/// Warning code: an instrument bought at a price of 0 (given away, not
/// bought back; probably a price left out, since an unset price is par).
pub const PRICE_ZERO: &str = "PRICE_ZERO";

/// A buyback evaluated: its result and the warnings of its request.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub result: pb::BuybackSwapResult,
    pub warnings: Vec<pb::Warning>,
}

/// Parses, evaluates and renders the `BuybackSwap` at `field` ("buyback").
pub fn run(field: &str, swap: &pb::BuybackSwap) -> Result<Evaluated, ApiError> {
    let input = parse(field, swap)?;
    let evaluation = evaluate(field, &input)?;
    let result = render(&input, &evaluation)?;
    let mut warnings = buyback_warnings(field, swap);
    for (i, instrument) in input.instruments.iter().enumerate() {
        if instrument.price.is_zero() {
            warnings.push(pb::Warning {
                code: PRICE_ZERO.into(),
                field: format!("{field}.instruments[{i}].price"),
                message: "the price is 0: the instrument is retired for nothing (an unset price means par, 1)".into(),
            });
        }
    }
    Ok(Evaluated { result, warnings })
}

/// Parses and checks the `BuybackSwap` at `field` ("buyback"): every bad
/// field named at once, by its path in the request.
pub fn parse(field: &str, swap: &pb::BuybackSwap) -> Result<BuybackInput, ApiError> {
    let mut v = Violations::new();
    let at = |name: &str| format!("{field}.{name}");
    let buyback_date = convert::date(&mut v, &at("buyback_date"), swap.buyback_date.as_ref());
    let instruments: Vec<Option<RetiredInstrument>> = swap
        .instruments
        .iter()
        .enumerate()
        .map(|(i, instrument)| retired(&mut v, &at(&format!("instruments[{i}]")), instrument))
        .collect();
    let financing = match &swap.financing {
        None => Some(None),
        Some(financing) => {
            let loan = loan_terms::loan(
                &mut v,
                &at("financing."),
                financing.principal.as_ref(),
                financing.terms.as_ref(),
            );
            loan.map(|(principal, terms)| Some(NewFinancing { principal, terms }))
        }
    };
    let fees: Vec<Option<UpfrontFee>> = swap
        .fees
        .iter()
        .enumerate()
        .map(|(i, fee)| upfront_fee(&mut v, &at(&format!("fees[{i}]")), fee))
        .collect();
    let grants = match &swap.grants {
        None => Some(None),
        Some(grants) => convert::money(
            &mut v,
            &at("grants"),
            Some(grants),
            convert::Sign::NonNegative,
        )
        .map(Some),
    };
    let commitments: Vec<Option<Commitment>> = swap
        .commitments
        .iter()
        .enumerate()
        .map(|(i, c)| commitment(&mut v, &at(&format!("commitments[{i}]")), c))
        .collect();
    let discounting = valuation::discounting(&mut v, &at("discounting"), swap.discounting.as_ref());
    let investor_discounting = match &swap.investor_discounting {
        None => Some(None),
        Some(d) => valuation::discounting(&mut v, &at("investor_discounting"), Some(d)).map(Some),
    };
    let timing = timing(&mut v, &at("timing"), swap.timing);
    let horizons_years = if swap.horizons_years.is_empty() {
        DEFAULT_HORIZONS_YEARS.to_vec()
    } else {
        swap.horizons_years.clone()
    };
    let input = v.finish(|| {
        Some(BuybackInput {
            buyback_date: buyback_date?,
            instruments: instruments.into_iter().collect::<Option<_>>()?,
            financing: financing?,
            fees: fees.into_iter().collect::<Option<_>>()?,
            grants: grants?,
            commitments: commitments.into_iter().collect::<Option<_>>()?,
            discounting: discounting?,
            investor_discounting: investor_discounting?,
            timing: timing?,
            horizons_years,
        })
    })?;
    let mut v = Violations::new();
    for problem in check(&input) {
        v.add(
            problem_field(field, &problem.path, problem.reason),
            problem.reason,
            problem.description,
        );
    }
    v.into_result(input)
}

/// The request path of a domain path: a currency mismatch blames
/// `....currency_code` of the money field, a sign its `....amount`, as
/// [`convert::money`] does.
fn problem_field(field: &str, path: &str, reason: &str) -> String {
    let suffix = match reason {
        "CURRENCY_MISMATCH" => ".currency_code",
        "NOT_POSITIVE" | "NEGATIVE_AMOUNT" => ".amount",
        _ => "",
    };
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{field}.{path}{suffix}")
    }
}

/// Evaluates a parsed buyback; a domain error names the request field it
/// stems from.
pub fn evaluate(field: &str, input: &BuybackInput) -> Result<BuybackEvaluation, ApiError> {
    evaluate_buyback(input).map_err(|error| match error {
        BuybackError::Invalid(problems) => {
            let mut v = Violations::new();
            for problem in problems {
                v.add(
                    problem_field(field, &problem.path, problem.reason),
                    problem.reason,
                    problem.description,
                );
            }
            v.into_result(()).err().unwrap_or_else(|| {
                ApiError::Internal("a buyback was refused without a reason".into())
            })
        }
        BuybackError::Domain { error, path } => {
            ApiError::from_domain(error, &[problem_field(field, &path, "").as_str()])
        }
    })
}

/// Warnings of a valid buyback: rates above 1 in any terms or discounting.
pub fn buyback_warnings(field: &str, swap: &pb::BuybackSwap) -> Vec<pb::Warning> {
    let mut out = Vec::new();
    for (i, instrument) in swap.instruments.iter().enumerate() {
        warnings::loan_terms_rates(
            &mut out,
            &format!("{field}.instruments[{i}].terms"),
            instrument.terms.as_ref(),
        );
    }
    if let Some(financing) = &swap.financing {
        warnings::loan_terms_rates(
            &mut out,
            &format!("{field}.financing.terms"),
            financing.terms.as_ref(),
        );
    }
    warnings::discounting_rates(
        &mut out,
        &format!("{field}.discounting"),
        swap.discounting.as_ref(),
    );
    warnings::discounting_rates(
        &mut out,
        &format!("{field}.investor_discounting"),
        swap.investor_discounting.as_ref(),
    );
    out
}

fn retired(
    v: &mut Violations,
    field: &str,
    instrument: &pb::RetiredInstrument,
) -> Option<RetiredInstrument> {
    let kind = match pb::InstrumentKind::try_from(instrument.kind) {
        Ok(pb::InstrumentKind::Bond) => Some(InstrumentKind::Bond),
        Ok(_) => Some(InstrumentKind::Loan),
        Err(_) => convert::unknown_enum(
            v,
            &format!("{field}.kind"),
            "InstrumentKind",
            instrument.kind,
        ),
    };
    let price = if instrument.price.is_empty() {
        Some(Decimal::ONE)
    } else {
        convert::decimal(v, &format!("{field}.price"), &instrument.price)
    };
    let loan = loan_terms::loan(
        v,
        &format!("{field}."),
        instrument.principal.as_ref(),
        instrument.terms.as_ref(),
    );
    let (principal, terms) = loan?;
    Some(RetiredInstrument {
        label: instrument.label.clone(),
        kind: kind?,
        principal,
        terms,
        price: price?,
    })
}

fn upfront_fee(v: &mut Violations, field: &str, fee: &pb::UpfrontFee) -> Option<UpfrontFee> {
    use pb::upfront_fee::Amount;
    let amount = match &fee.amount {
        None => {
            v.add(
                format!("{field}.fixed"),
                "MISSING_FIELD",
                "one of fixed or share_of_new_principal is required",
            );
            None
        }
        Some(Amount::Fixed(money)) => convert::money(
            v,
            &format!("{field}.fixed"),
            Some(money),
            convert::Sign::NonNegative,
        )
        .map(FeeAmount::Fixed),
        Some(Amount::ShareOfNewPrincipal(text)) => {
            convert::decimal(v, &format!("{field}.share_of_new_principal"), text)
                .map(FeeAmount::ShareOfNewPrincipal)
        }
    };
    Some(UpfrontFee {
        label: fee.label.clone(),
        amount: amount?,
    })
}

fn commitment(v: &mut Violations, field: &str, c: &pb::Commitment) -> Option<Commitment> {
    let kind = match pb::CommitmentKind::try_from(c.kind) {
        Ok(pb::CommitmentKind::Endowment) => Some(CommitmentKind::Endowment),
        Ok(_) => Some(CommitmentKind::Annual),
        Err(_) => convert::unknown_enum(v, &format!("{field}.kind"), "CommitmentKind", c.kind),
    };
    let payments: Vec<Option<_>> = c
        .payments
        .iter()
        .enumerate()
        .map(|(j, p)| {
            let at = format!("{field}.payments[{j}]");
            let date = convert::date(v, &format!("{at}.date"), p.date.as_ref());
            let amount = convert::money(
                v,
                &format!("{at}.amount"),
                p.amount.as_ref(),
                convert::Sign::NonNegative,
            );
            Some((date?, amount?))
        })
        .collect();
    Some(Commitment {
        label: c.label.clone(),
        kind: kind?,
        payments: payments.into_iter().collect::<Option<_>>()?,
    })
}

fn timing(v: &mut Violations, field: &str, raw: i32) -> Option<DiscountTiming> {
    match pb::DiscountTiming::try_from(raw) {
        Ok(pb::DiscountTiming::Unspecified | pb::DiscountTiming::Dated) => {
            Some(DiscountTiming::Dated)
        }
        Ok(pb::DiscountTiming::EndOfYear) => Some(DiscountTiming::EndOfYear),
        Ok(pb::DiscountTiming::MidYear) => Some(DiscountTiming::MidYear),
        Err(_) => convert::unknown_enum(v, field, "DiscountTiming", raw),
    }
}
