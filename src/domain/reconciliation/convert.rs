//! Converting an amount in a legacy unit into a target currency, by a named
//! basis or an explicit rate, optionally through a redenomination first, with
//! every step shown.
//!
//! Order: the redenomination (if any) applies to the amount as stated (6.576
//! bn old rubles become 6.576 m new rubles), then the rate takes the result
//! into the target. Both are exact; the result is rounded once, to the
//! target's minor unit.
//!
//! Unit substitution: a step is defined for one unit (the redenomination for
//! RUR, a CBR rate for RUR or RUB). When the amount is in another unit that
//! is at par with it ([`super::units::taken_at_par`]: only SUR and RUR), the
//! step treats it as that unit, one for one, and says so in `treated_as`: a
//! claim in Soviet rubles (SUR) valued at a Russian-ruble market rate is
//! exactly the method a debtor may use, and the step makes the assumption
//! visible rather than refusing it. Any other mismatch (RUR against a RUB
//! rate: a factor of 1000) is an error.

use rust_decimal::Decimal;

use super::units::taken_at_par;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;

use super::conversion_basis::{Conversion, Redenomination};
use super::exact_value::ExactValue;
use crate::domain::numerics::rational::{self, BigRational, RationalDecimal};

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Divides by old units per new unit.
    Redenominate,
    /// Divides by a rate quoted in units of the source per one target.
    DivideByRate,
    /// Multiplies by a rate quoted in units of the target per one source.
    MultiplyByRate,
}

/// One exact step of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionStep {
    pub kind: StepKind,
    /// The basis or redenomination id; `None` for an explicit rate.
    pub id: Option<String>,
    /// The unit of the input.
    pub from: Currency,
    /// The unit the step is defined for, when the input is in another unit
    /// and is taken one for one as this one (SUR taken as RUR).
    pub treated_as: Option<Currency>,
    /// The unit of the output.
    pub to: Currency,
    /// The factor as quoted: old units per new unit, or the rate.
    pub factor: Decimal,
    /// The quote in words: "1000 RUR per RUB", "0.6 SUR per USD".
    pub quote: String,
    pub input: ExactValue,
    pub output: ExactValue,
    /// The step in one line: "6576000000 SUR / 0.6 SUR per USD =
    /// 10960000000 USD".
    pub description: String,
}

/// The result of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionResult {
    pub source: Money,
    pub steps: Vec<ConversionStep>,
    /// The unrounded result.
    pub exact: ExactValue,
    /// The result rounded once to the target's minor unit.
    pub result: Money,
    pub rounding: RoundingMode,
}

/// Converts `amount` into `target`: first through `redenomination` if
/// given, then at `conversion`'s rate, which must involve `target` (as the
/// unit it is quoted per, or as the unit it is quoted in).
///
/// Errors: an invalid rate or redenomination, a rate that does not involve
/// `target`, a redenomination applied to an amount already in its new unit,
/// or a result beyond the decimal range.
pub fn convert(
    amount: &Money,
    conversion: &Conversion,
    redenomination: Option<&Redenomination>,
    target: Currency,
    rounding: RoundingMode,
) -> Result<ConversionResult, DomainError> {
    let (steps, exact) = convert_exact(
        amount.currency,
        &rational::from_decimal(amount.amount),
        conversion,
        redenomination,
        target,
    )?;
    let result = round_money(&exact, target, rounding, "conversion result")?;
    Ok(ConversionResult {
        source: amount.clone(),
        steps,
        exact: ExactValue::of(exact),
        result,
        rounding,
    })
}

/// The exact steps and result of a conversion of `value` units of `unit`.
pub(crate) fn convert_exact(
    unit: Currency,
    value: &BigRational,
    conversion: &Conversion,
    redenomination: Option<&Redenomination>,
    target: Currency,
) -> Result<(Vec<ConversionStep>, BigRational), DomainError> {
    let mut steps = Vec::with_capacity(2);
    let mut current_unit = unit;
    let mut current = value.clone();
    if let Some(redenomination) = redenomination {
        let factor = redenomination.factor()?;
        if current_unit == redenomination.new_unit {
            return Err(DomainError::InvalidValuation {
                reason: "the amount is already in the redenomination's new unit",
            });
        }
        if !taken_at_par(current_unit, redenomination.old_unit) {
            return Err(DomainError::InvalidValuation {
                reason: "the redenomination does not apply to the amount's unit",
            });
        }
        let treated_as =
            (current_unit != redenomination.old_unit).then_some(redenomination.old_unit);
        let output = &current * &factor;
        let quote = format!(
            "{} {} per {}",
            redenomination.old_per_new, redenomination.old_unit, redenomination.new_unit
        );
        steps.push(step(
            StepKind::Redenominate,
            Some(redenomination.id.clone()),
            (current_unit, treated_as, redenomination.new_unit),
            redenomination.old_per_new,
            quote,
            &current,
            &output,
        ));
        current_unit = redenomination.new_unit;
        current = output;
    }
    let rate = conversion.rate();
    let (factor, expected_unit, divides) = rate.towards(target)?;
    if !taken_at_par(current_unit, expected_unit) {
        return Err(DomainError::InvalidValuation {
            reason: "the rate is quoted for another unit than the amount's (RUR and RUB need the \
                     rub-1998 redenomination)",
        });
    }
    let treated_as = (current_unit != expected_unit).then_some(expected_unit);
    let output = &current * &factor;
    let kind = if divides {
        StepKind::DivideByRate
    } else {
        StepKind::MultiplyByRate
    };
    steps.push(step(
        kind,
        conversion.basis_id().map(str::to_owned),
        (current_unit, treated_as, target),
        rate.rate,
        rate.to_string(),
        &current,
        &output,
    ));
    Ok((steps, output))
}

fn step(
    kind: StepKind,
    id: Option<String>,
    (from, treated_as, to): (Currency, Option<Currency>, Currency),
    factor: Decimal,
    quote: String,
    input: &BigRational,
    output: &BigRational,
) -> ConversionStep {
    let input = ExactValue::of(input.clone());
    let output = ExactValue::of(output.clone());
    let operator = match kind {
        StepKind::Redenominate | StepKind::DivideByRate => "/",
        StepKind::MultiplyByRate => "x",
    };
    let approx = |v: &ExactValue| if v.exact { "" } else { "~" };
    let taken = treated_as
        .map(|unit| format!(" (taken as {unit})"))
        .unwrap_or_default();
    let description = format!(
        "{}{} {}{} {} {} = {}{} {}",
        approx(&input),
        input.text,
        from,
        taken,
        operator,
        quote,
        approx(&output),
        output.text,
        to
    );
    ConversionStep {
        kind,
        id,
        from,
        treated_as,
        to,
        factor,
        quote,
        input,
        output,
        description,
    }
}

/// `value` rounded once to `currency`'s minor unit.
pub(crate) fn round_money(
    value: &BigRational,
    currency: Currency,
    rounding: RoundingMode,
    quantity: &'static str,
) -> Result<Money, DomainError> {
    let minor = value.round_to_scale(currency.minor_units, rounding);
    Money::from_minor_units(currency, &minor, quantity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::reconciliation::conversion_basis::Rate;
    use crate::domain::reconciliation::reference_data::ReferenceData;
    use std::str::FromStr;

    fn money(amount: &str, code: &str) -> Money {
        Money {
            currency: find(code).unwrap(),
            amount: Decimal::from_str(amount).unwrap(),
        }
    }

    fn basis(id: &str) -> Conversion {
        let data = ReferenceData::builtin().unwrap();
        Conversion::Basis(data.basis(id).unwrap().clone())
    }

    #[test]
    fn dprk_claim_at_the_gosbank_rate() {
        let usd = find("USD").unwrap();
        let result = convert(
            &money("6576000000", "SUR"),
            &basis("gosbank-settlement-rate"),
            None,
            usd,
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(result.result.amount.to_string(), "10960000000.00");
        assert_eq!(result.steps.len(), 1);
        let step = &result.steps[0];
        assert_eq!(step.kind, StepKind::DivideByRate);
        assert_eq!(step.id.as_deref(), Some("gosbank-settlement-rate"));
        assert_eq!(step.treated_as, None);
        assert_eq!(
            step.description,
            "6576000000 SUR / 0.6 SUR per USD = 10960000000 USD"
        );
        assert!(result.exact.exact);
    }

    #[test]
    fn debtor_rate_takes_soviet_rubles_as_russian_rubles() {
        let usd = find("USD").unwrap();
        let result = convert(
            &money("6576000000", "SUR"),
            &basis("cbr-usd-1994-10-14"),
            None,
            usd,
            RoundingMode::HalfEven,
        )
        .unwrap();
        // 6,576,000,000 / 2,994 = 2,196,392.785571142284569138...
        assert_eq!(result.result.amount.to_string(), "2196392.79");
        assert_eq!(result.exact.text, "2196392.78557114228456913828");
        assert!(!result.exact.exact);
        assert_eq!(result.steps[0].treated_as.map(|c| c.code), Some("RUR"));
        assert!(result.steps[0].description.contains("(taken as RUR)"));
    }

    #[test]
    fn through_the_1998_redenomination() {
        let usd = find("USD").unwrap();
        let data = ReferenceData::builtin().unwrap();
        let rub_1998 = data.redenomination("rub-1998").unwrap();
        let result = convert(
            &money("6576000000", "RUR"),
            &basis("cbr-usd-2012-12-31"),
            Some(rub_1998),
            usd,
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(result.steps.len(), 2);
        assert_eq!(result.steps[0].kind, StepKind::Redenominate);
        assert_eq!(result.steps[0].output.text, "6576000");
        assert_eq!(result.steps[0].to.code, "RUB");
        assert_eq!(result.steps[1].treated_as, None);
        // 6,576,000 / 30.3727 = 216,510.22...
        assert_eq!(result.result.amount.to_string(), "216510.22");
        let description = &result.steps[0].description;
        assert_eq!(
            description,
            "6576000000 RUR / 1000 RUR per RUB = 6576000 RUB"
        );
    }

    #[test]
    fn multiplying_quote_for_the_gdr_claim() {
        let dem = find("DEM").unwrap();
        let result = convert(
            &money("6400000000", "XTR"),
            &basis("xtr-dem-gdr-1990"),
            None,
            dem,
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(result.steps[0].kind, StepKind::MultiplyByRate);
        assert_eq!(result.result.amount.to_string(), "14976000000.00");
    }

    #[test]
    fn explicit_rates_and_errors() {
        let usd = find("USD").unwrap();
        let explicit = Conversion::Rate(Rate {
            rate: Decimal::from(3),
            unit: find("SUR").unwrap(),
            per: usd,
        });
        let result = convert(
            &money("10", "SUR"),
            &explicit,
            None,
            usd,
            RoundingMode::HalfEven,
        )
        .unwrap();
        assert_eq!(result.result.amount.to_string(), "3.33");
        assert_eq!(result.steps[0].id, None);
        assert_eq!(result.steps[0].output.text, "3.33333333333333333333");
        let up = convert(&money("10", "SUR"), &explicit, None, usd, RoundingMode::Up).unwrap();
        assert_eq!(up.result.amount.to_string(), "3.34");
        let eur = find("EUR").unwrap();
        assert!(matches!(
            convert(
                &money("10", "SUR"),
                &explicit,
                None,
                eur,
                RoundingMode::HalfEven
            ),
            Err(DomainError::InvalidValuation { .. })
        ));
        let data = ReferenceData::builtin().unwrap();
        let rub_1998 = data.redenomination("rub-1998").unwrap();
        assert!(convert(
            &money("10", "RUB"),
            &explicit,
            Some(rub_1998),
            usd,
            RoundingMode::HalfEven
        )
        .is_err());
        let zero = Conversion::Rate(Rate {
            rate: Decimal::ZERO,
            unit: find("SUR").unwrap(),
            per: usd,
        });
        assert!(convert(
            &money("10", "SUR"),
            &zero,
            None,
            usd,
            RoundingMode::HalfEven
        )
        .is_err());
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let usd = find("USD").unwrap();
        let tiny = Conversion::Rate(Rate {
            rate: Decimal::from_str("0.0000000000000000000000000001").unwrap(),
            unit: find("SUR").unwrap(),
            per: usd,
        });
        let huge = money("79228162514264337593543950335", "SUR");
        assert!(matches!(
            convert(&huge, &tiny, None, usd, RoundingMode::HalfEven),
            Err(DomainError::Overflow { .. })
        ));
    }
}
