//! ValueRestructuring and AssessConcessionality: validation of streams and
//! discounting, and the rendering of valuations with their conventions.

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use super::debt_stream::{debt_stream_with, past_due_interest, ParsedStream};

use super::convert;
use super::error::{ApiError, Violations};
use super::loan_terms;
use super::pb::debtcalc::v1 as pb;
use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::{round_to_minor_units, Money};
use crate::domain::rounding::RoundingMode;
use crate::domain::valuation::{
    Compounding, Concessionality, ConcessionalityConvention, Dac2018Group, DebtStream, Discounting,
    ExpandedStream, FaceComponents, RestructuringInput, RestructuringValuation, StreamValue,
    TimeBasis, ValuationPath,
};

pub use super::zero_curve::MAX_CURVE_POINTS;

/// How past-dated flows are treated (echoed).
pub const PAST_FLOWS: &str = "DUE_AT_VALUATION_DATE";

/// The guaranteed precision of present values (echoed).
pub const PRECISION: &str = "discount factors to a relative error below 1e-60 (256-bit arithmetic); present values \
     within 1e-27 x max(1, sum of |flow| x DF) before rounding, then rounded half-even to 28 decimals";

/// Validates `Discounting` at `field`.
pub fn discounting(
    v: &mut Violations,
    field: &str,
    value: Option<&pb::Discounting>,
) -> Option<Discounting> {
    use pb::discounting::Rate;
    let Some(value) = value else {
        v.add(field, "MISSING_FIELD", "is required (flat_rate or curve)");
        return None;
    };
    let compounding = compounding(v, field, value);
    let basis = time_basis(v, &format!("{field}.time_basis"), value.time_basis);
    match &value.rate {
        None => {
            v.add(
                format!("{field}.flat_rate"),
                "MISSING_FIELD",
                "one of flat_rate or curve is required",
            );
            None
        }
        Some(Rate::FlatRate(text)) => {
            let rate = loan_terms::rate(v, &format!("{field}.flat_rate"), text);
            Some(Discounting::Flat {
                rate: rate?,
                compounding: compounding?,
                basis: basis?,
            })
        }
        Some(Rate::Curve(curve)) => {
            let curve = super::zero_curve::parse(v, &format!("{field}.curve"), curve);
            Some(Discounting::Curve {
                curve: curve?,
                compounding: compounding?,
                basis: basis?,
            })
        }
    }
}

fn compounding(v: &mut Violations, field: &str, value: &pb::Discounting) -> Option<Compounding> {
    compounding_at(
        v,
        &format!("{field}.compounding"),
        &format!("{field}.compounding_frequency"),
        value.compounding,
        value.compounding_frequency,
    )
}

/// Validates a `Compounding` and its frequency given at the fields
/// `compounding_field` and `frequency_field`.
pub fn compounding_at(
    v: &mut Violations,
    compounding_field: &str,
    frequency_field: &str,
    compounding: i32,
    compounding_frequency: Option<u32>,
) -> Option<Compounding> {
    match pb::Compounding::try_from(compounding) {
        Ok(pb::Compounding::Periodic) => match compounding_frequency.unwrap_or(0) {
            periods_per_year @ (1 | 2 | 4 | 12) => Some(Compounding::Periodic { periods_per_year }),
            other => {
                v.add(
                    frequency_field,
                    "INVALID_COMPOUNDING_FREQUENCY",
                    format!("must be 1, 2, 4 or 12, got {other}"),
                );
                None
            }
        },
        Ok(kind) => {
            if compounding_frequency.unwrap_or(0) != 0 {
                v.add(
                    frequency_field,
                    "UNEXPECTED_FIELD",
                    "is only allowed with COMPOUNDING_PERIODIC",
                );
                return None;
            }
            Some(match kind {
                pb::Compounding::Continuous => Compounding::Continuous,
                _ => Compounding::AnnualEffective,
            })
        }
        Err(_) => {
            v.add(
                compounding_field,
                "UNKNOWN_ENUM_VALUE",
                format!("{compounding} is not a Compounding value"),
            );
            None
        }
    }
}

/// The time basis; unspecified means the domain default,
/// [`TimeBasis::default`].
pub fn time_basis(v: &mut Violations, field: &str, raw: i32) -> Option<TimeBasis> {
    match pb::TimeBasis::try_from(raw) {
        Ok(pb::TimeBasis::Unspecified) => Some(TimeBasis::default()),
        Ok(pb::TimeBasis::Thirty360) => Some(TimeBasis::Thirty360),
        Ok(pb::TimeBasis::Act365Fixed) => Some(TimeBasis::Act365Fixed),
        Ok(pb::TimeBasis::ActActIsda) => Some(TimeBasis::ActActIsda),
        Ok(pb::TimeBasis::Act360) => Some(TimeBasis::Act360),
        Ok(pb::TimeBasis::Months) => Some(TimeBasis::Months),
        Err(_) => {
            v.add(
                field,
                "UNKNOWN_ENUM_VALUE",
                format!("{raw} is not a TimeBasis value"),
            );
            None
        }
    }
}

/// Validates a ValueRestructuring request.
pub fn parse_restructuring(
    request: &pb::ValueRestructuringRequest,
) -> Result<RestructuringInput, ApiError> {
    let mut v = Violations::new();
    let valuation_date = convert::date(&mut v, "valuation_date", request.valuation_date.as_ref());
    let old = debt_stream_with(
        &mut v,
        "old_claim",
        request.old_claim.as_ref(),
        valuation_date,
    );
    let new = debt_stream_with(
        &mut v,
        "new_debt",
        request.new_debt.as_ref(),
        valuation_date,
    );
    if let (Some(old), Some(new)) = (&old, &new) {
        let currency = old.stream.currency();
        if new.stream.currency() != currency {
            v.add(
                &new.currency_field,
                "CURRENCY_MISMATCH",
                format!(
                    "must be the old claim's currency {currency}, got {}",
                    new.stream.currency()
                ),
            );
        }
    }
    let past_due = past_due_interest(&mut v, request.past_due_interest.as_ref(), old.as_ref());
    let discounting = discounting(&mut v, "discounting", request.discounting.as_ref());
    v.finish(|| {
        Some(RestructuringInput {
            old_claim: old?.stream,
            past_due_interest: past_due?,
            new_debt: new?.stream,
            valuation_date: valuation_date?,
            discounting: discounting?,
        })
    })
}

/// Maps a domain error of a valuation to a status naming the inputs it
/// depends on: a non-positive old present value (the divisor of the SZ
/// haircut) comes from the old claim and the discounting; a non-positive
/// face of the old claim (refused in validation for the stream alone; here
/// only with past-due interest) from the old claim; a non-positive face of
/// the new debt (the grant element's divisor) from the new debt. Anything
/// else names all three.
pub fn valuation_error(error: DomainError) -> ApiError {
    let fields: &[&str] = match &error {
        DomainError::InvalidInput { quantity, .. } => match *quantity {
            "old present value" => &["old_claim", "discounting"],
            "old face value" | "old face value plus past-due interest" => {
                &["old_claim", "past_due_interest"]
            }
            "face value" => &["new_debt"],
            _ => &["old_claim", "new_debt", "discounting"],
        },
        _ => &["old_claim", "new_debt", "discounting"],
    };
    ApiError::from_domain(error, fields)
}

fn money_rounded(
    currency: Currency,
    value: Decimal,
    quantity: &'static str,
) -> Result<pb::Money, ApiError> {
    round_to_minor_units(currency, value, RoundingMode::HalfEven, quantity)
        .map(|m| convert::money_to_pb(&m))
        .map_err(valuation_error)
}

/// Renders one stream's valuation.
pub fn stream_to_pb(
    stream: &ExpandedStream,
    value: &StreamValue,
    face: &FaceComponents,
    terms: Option<&crate::domain::schedule::LoanTerms>,
) -> Result<pb::StreamValuation, ApiError> {
    let currency = stream.currency;
    let face_value = face.total().map_err(valuation_error)?;
    Ok(pb::StreamValuation {
        face_value: Some(money_rounded(currency, face_value, "face value")?),
        face_components: Some(pb::FaceComponents {
            outstanding_principal: Some(money_rounded(
                currency,
                face.outstanding_principal,
                "face value",
            )?),
            past_due_principal: Some(money_rounded(
                currency,
                face.past_due_principal,
                "face value",
            )?),
            past_due_interest: Some(money_rounded(
                currency,
                face.past_due_interest,
                "face value",
            )?),
            accrued_interest: Some(money_rounded(
                currency,
                face.accrued_interest,
                "face value",
            )?),
        }),
        present_value: Some(money_rounded(
            currency,
            value.present_value.value,
            "present value",
        )?),
        present_value_exact: value.present_value.value.normalize().to_string(),
        total_debt_service: Some(money_rounded(
            currency,
            value.total_debt_service,
            "debt service",
        )?),
        average_life_years: convert::reported_decimal(value.average_life_years),
        macaulay_duration_years: convert::reported_decimal(
            value.present_value.macaulay_duration_years,
        ),
        flow_count: Some(value.flow_count as u32),
        resolved_terms: match (terms, &stream.schedule) {
            (Some(terms), Some(schedule)) => Some(loan_terms::to_pb(
                terms,
                schedule
                    .installments
                    .first()
                    .map_or(terms.first_payment_date, |i| i.accrual_start),
            )),
            _ => None,
        },
    })
}

fn loan_terms_of(stream: &DebtStream) -> Option<&crate::domain::schedule::LoanTerms> {
    match stream {
        DebtStream::Loan { terms, .. } => Some(terms),
        _ => None,
    }
}

/// The discounting as applied, every default resolved.
pub fn discounting_to_pb(discounting: &Discounting) -> pb::Discounting {
    let (rate, compounding, basis) = match discounting {
        Discounting::Flat {
            rate,
            compounding,
            basis,
        } => (
            pb::discounting::Rate::FlatRate(rate.to_string()),
            compounding,
            basis,
        ),
        Discounting::Curve {
            curve,
            compounding,
            basis,
        } => (
            pb::discounting::Rate::Curve(super::zero_curve::to_pb(curve)),
            compounding,
            basis,
        ),
    };
    let (compounding, compounding_frequency) = match compounding {
        Compounding::AnnualEffective => (pb::Compounding::AnnualEffective, None),
        Compounding::Periodic { periods_per_year } => {
            (pb::Compounding::Periodic, Some(*periods_per_year))
        }
        Compounding::Continuous => (pb::Compounding::Continuous, None),
    };
    pb::Discounting {
        rate: Some(rate),
        compounding: compounding as i32,
        compounding_frequency,
        time_basis: time_basis_to_pb(*basis) as i32,
    }
}

fn time_basis_to_pb(basis: TimeBasis) -> pb::TimeBasis {
    match basis {
        TimeBasis::Thirty360 => pb::TimeBasis::Thirty360,
        TimeBasis::Act365Fixed => pb::TimeBasis::Act365Fixed,
        TimeBasis::ActActIsda => pb::TimeBasis::ActActIsda,
        TimeBasis::Act360 => pb::TimeBasis::Act360,
        TimeBasis::Months => pb::TimeBasis::Months,
    }
}

/// The conventions block of a valuation.
pub fn conventions(
    valuation_date: NaiveDate,
    discounting: &Discounting,
) -> pb::ValuationConventions {
    pb::ValuationConventions {
        provenance: None, // set by the RPC's handler (see api::provenance)
        valuation_date: Some(convert::date_to_pb(valuation_date)),
        discounting: Some(discounting_to_pb(discounting)),
        share_decimals: Some(convert::REPORTED_DECIMALS),
        precision: PRECISION.into(),
        past_flows: PAST_FLOWS.into(),
        face_value: String::new(),
        fast_path_valuations: None,
        exact_fallbacks: None,
    }
}

/// The counts of present values by path, for `ValuationConventions`.
fn path_counts(paths: &[ValuationPath]) -> (Option<u32>, Option<u32>) {
    let fast = paths.iter().filter(|p| **p == ValuationPath::Fast).count() as u32;
    (Some(fast), Some(paths.len() as u32 - fast))
}

/// Renders a restructuring valuation.
pub fn render_restructuring(
    input: &RestructuringInput,
    result: &RestructuringValuation,
) -> Result<pb::ValueRestructuringResponse, ApiError> {
    Ok(pb::ValueRestructuringResponse {
        old_claim: Some(stream_to_pb(
            &result.old_stream,
            &result.old_value,
            &result.old_face,
            loan_terms_of(&input.old_claim),
        )?),
        new_debt: Some(stream_to_pb(
            &result.new_stream,
            &result.new_value,
            &result.new_stream.face_components,
            loan_terms_of(&input.new_debt),
        )?),
        nominal_haircut: convert::reported_decimal(result.haircuts.nominal),
        sz_haircut: convert::reported_decimal(result.haircuts.sturzenegger_zettelmeyer),
        ct_haircut: convert::reported_decimal(result.haircuts.cruces_trebesch),
        grant_element_at_discount_rate: convert::reported_decimal(result.grant_element),
        conventions: Some({
            let (fast_path_valuations, exact_fallbacks) =
                path_counts(&[result.old_value.path, result.new_value.path]);
            pb::ValuationConventions {
                face_value: super::debt_stream::FACE_VALUE.into(),
                fast_path_valuations,
                exact_fallbacks,
                ..conventions(input.valuation_date, &input.discounting)
            }
        }),
        warnings: Vec::new(), // filled in by the handler (api::warnings)
    })
}

/// A validated AssessConcessionality request.
pub struct ConcessionalityInput {
    pub principal: Money,
    pub terms: crate::domain::schedule::LoanTerms,
    /// With `terms_in_years`: how they were expanded into `terms`.
    pub years: Option<super::concessionality::YearsResolution>,
    pub convention: ConcessionalityConvention,
    pub convention_pb: pb::ConcessionalityConvention,
    /// `None`: the accrual start of the terms.
    pub valuation_date: Option<NaiveDate>,
    pub basis: TimeBasis,
}

/// Validates an AssessConcessionality request.
pub fn parse_concessionality(
    request: &pb::AssessConcessionalityRequest,
) -> Result<ConcessionalityInput, ApiError> {
    let mut v = Violations::new();
    let loan = super::concessionality::loan(&mut v, request);
    let custom = pb::ConcessionalityConvention::Custom;
    let convention_pb = pb::ConcessionalityConvention::try_from(request.convention);
    if !matches!(convention_pb, Ok(c) if c == custom) {
        for (name, text) in [
            ("custom_discount_rate", &request.custom_discount_rate),
            ("custom_threshold", &request.custom_threshold),
        ] {
            if !text.is_empty() {
                v.add(
                    name,
                    "UNEXPECTED_FIELD",
                    "is only allowed with CONCESSIONALITY_CONVENTION_CUSTOM",
                );
            }
        }
    }
    let convention = match convention_pb {
        Ok(pb::ConcessionalityConvention::Unspecified) => {
            v.add("convention", "MISSING_FIELD", "is required");
            None
        }
        Ok(pb::ConcessionalityConvention::ImfWorldBank) => {
            Some(ConcessionalityConvention::ImfWorldBank)
        }
        Ok(pb::ConcessionalityConvention::OecdDac) => Some(ConcessionalityConvention::OecdDac),
        Ok(pb::ConcessionalityConvention::Dac2018LdcLic) => {
            Some(ConcessionalityConvention::Dac2018 {
                group: Dac2018Group::LdcLic,
            })
        }
        Ok(pb::ConcessionalityConvention::Dac2018Lmic) => {
            Some(ConcessionalityConvention::Dac2018 {
                group: Dac2018Group::Lmic,
            })
        }
        Ok(pb::ConcessionalityConvention::Dac2018Umic) => {
            Some(ConcessionalityConvention::Dac2018 {
                group: Dac2018Group::Umic,
            })
        }
        Ok(pb::ConcessionalityConvention::Dac2018MultilateralGlobalOrMdb) => {
            Some(ConcessionalityConvention::Dac2018 {
                group: Dac2018Group::MultilateralGlobalOrMdb,
            })
        }
        Ok(pb::ConcessionalityConvention::Dac2018MultilateralOther) => {
            Some(ConcessionalityConvention::Dac2018 {
                group: Dac2018Group::MultilateralOther,
            })
        }
        Ok(pb::ConcessionalityConvention::Custom) => {
            let rate = if request.custom_discount_rate.is_empty() {
                v.add(
                    "custom_discount_rate",
                    "MISSING_FIELD",
                    "is required with CONCESSIONALITY_CONVENTION_CUSTOM",
                );
                None
            } else {
                loan_terms::rate(
                    &mut v,
                    "custom_discount_rate",
                    &request.custom_discount_rate,
                )
            };
            let threshold = if request.custom_threshold.is_empty() {
                v.add(
                    "custom_threshold",
                    "MISSING_FIELD",
                    "is required with CONCESSIONALITY_CONVENTION_CUSTOM",
                );
                None
            } else {
                convert::unit_interval(&mut v, "custom_threshold", &request.custom_threshold)
            };
            match (rate, threshold) {
                (Some(rate), Some(threshold)) => {
                    Some(ConcessionalityConvention::Custom { rate, threshold })
                }
                _ => None,
            }
        }
        Err(_) => {
            v.add(
                "convention",
                "UNKNOWN_ENUM_VALUE",
                format!(
                    "{} is not a ConcessionalityConvention value",
                    request.convention
                ),
            );
            None
        }
    };
    let valuation_date = match &request.valuation_date {
        None => Some(None),
        Some(date) => convert::date(&mut v, "valuation_date", Some(date)).map(Some),
    };
    // The grant element values a loan at its disbursement: payments before
    // the valuation date would count at face, which no convention intends.
    if let (Some(Some(date)), Some((_, terms, _))) = (valuation_date, &loan) {
        if date > terms.first_payment_date {
            v.add(
                "valuation_date",
                "VALUATION_AFTER_FIRST_PAYMENT",
                format!(
                    "{date} is after the first payment date {}; value the loan at disbursement",
                    terms.first_payment_date
                ),
            );
        }
    }
    let basis = time_basis(&mut v, "time_basis", request.time_basis);
    v.finish(|| {
        let (principal, terms, years) = loan?;
        Some(ConcessionalityInput {
            principal,
            terms,
            years,
            convention: convention?,
            convention_pb: convention_pb.ok()?,
            valuation_date: valuation_date?,
            basis: basis?,
        })
    })
}

/// Renders a concessionality assessment.
pub fn render_concessionality(
    input: &ConcessionalityInput,
    valuation_date: NaiveDate,
    result: &Concessionality,
) -> Result<pb::AssessConcessionalityResponse, ApiError> {
    let currency = input.principal.currency;
    let discounting = input.convention.discounting(input.basis);
    Ok(pb::AssessConcessionalityResponse {
        grant_element: convert::reported_decimal(result.grant_element),
        pv_debt_service: Some(money_rounded(
            currency,
            result.debt_service.value,
            "present value",
        )?),
        pv_debt_service_exact: result.debt_service.value.normalize().to_string(),
        face_value: Some(convert::money_to_pb(&input.principal)),
        discount_rate: result.discount_rate.normalize().to_string(),
        threshold: result.threshold.normalize().to_string(),
        concessional: Some(result.concessional),
        convention: input.convention_pb as i32,
        conventions: Some({
            let (fast_path_valuations, exact_fallbacks) = path_counts(&[result.path]);
            pb::ValuationConventions {
                fast_path_valuations,
                exact_fallbacks,
                ..conventions(valuation_date, &discounting)
            }
        }),
        terms_in_years: input
            .years
            .as_ref()
            .map(super::concessionality::years_to_pb),
        resolved_terms: Some(loan_terms::to_pb(
            &input.terms,
            crate::domain::schedule::first_accrual_start(&input.terms).map_err(valuation_error)?,
        )),
        grant_equivalent: Some(super::concessionality::grant_equivalent(
            currency,
            input.principal.amount,
            result.debt_service.value,
        )?),
        warnings: Vec::new(), // filled in by the handler (api::warnings)
    })
}
