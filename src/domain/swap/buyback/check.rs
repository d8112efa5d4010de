//! The checks a buyback's input must pass before anything is computed, each
//! naming the field it blames by its path in the input (`instruments[1].price`,
//! `commitments[0].payments[2].date`); the API layer prefixes its own path.

use rust_decimal::Decimal;

use super::input::{BuybackInput, FeeAmount, MAX_HORIZON_YEARS, MAX_ITEMS};
use crate::domain::currency::Currency;
use crate::domain::money::Money;

/// One thing wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// The field path inside the buyback input.
    pub path: String,
    /// UPPER_SNAKE reason.
    pub reason: &'static str,
    pub description: String,
}

/// The currency of the operation: that of the first instrument (`None`
/// without instruments).
pub fn operation_currency(input: &BuybackInput) -> Option<Currency> {
    input.instruments.first().map(|i| i.principal.currency)
}

/// Every problem of `input` (empty when it can be evaluated). Loan terms
/// are checked by the schedule engine when they are expanded; the API layer
/// checks them field by field before.
pub fn check(input: &BuybackInput) -> Vec<InputProblem> {
    let mut problems = Problems::default();
    let currency = operation_currency(input);
    if input.instruments.is_empty() {
        problems.add(
            "instruments",
            "MISSING_FIELD",
            "at least one instrument must be bought back",
        );
    }
    if input.instruments.len() > MAX_ITEMS
        || input.fees.len() > MAX_ITEMS
        || input.commitments.len() > MAX_ITEMS
    {
        problems.add(
            "instruments",
            "TOO_MANY_ITEMS",
            format!("at most {MAX_ITEMS} instruments, fees and commitments each"),
        );
    }
    for (i, instrument) in input.instruments.iter().enumerate() {
        let path = format!("instruments[{i}]");
        problems.same_currency(
            &format!("{path}.principal"),
            &instrument.principal,
            currency,
        );
        problems.positive(&format!("{path}.principal"), instrument.principal.amount);
        if instrument.price > Decimal::ONE {
            problems.add(
                format!("{path}.price"),
                "PRICE_ABOVE_PAR",
                format!(
                    "the buyback price {} is above par (1): a buyback retires debt below or at its face",
                    instrument.price
                ),
            );
        } else if instrument.price.is_sign_negative() && !instrument.price.is_zero() {
            problems.add(
                format!("{path}.price"),
                "NEGATIVE_PRICE",
                "the buyback price must be at least 0",
            );
        }
    }
    if let Some(financing) = &input.financing {
        problems.same_currency("financing.principal", &financing.principal, currency);
        problems.positive("financing.principal", financing.principal.amount);
        if financing.terms.first_payment_date <= input.buyback_date {
            problems.add(
                "financing.terms.first_payment_date",
                "BEFORE_BUYBACK_DATE",
                format!(
                    "the new debt's first payment must fall after the buyback date {}",
                    input.buyback_date
                ),
            );
        }
        if let Some(start) = financing.terms.accrual_start {
            if start < input.buyback_date {
                problems.add(
                    "financing.terms.accrual_start_date",
                    "BEFORE_BUYBACK_DATE",
                    format!(
                        "the new debt cannot accrue interest before the buyback date {}",
                        input.buyback_date
                    ),
                );
            }
        }
    }
    for (i, fee) in input.fees.iter().enumerate() {
        let path = format!("fees[{i}].fixed");
        match &fee.amount {
            FeeAmount::Fixed(money) => {
                problems.same_currency(&path, money, currency);
                problems.not_negative(&path, money.amount);
            }
            FeeAmount::ShareOfNewPrincipal(share) => {
                let path = format!("fees[{i}].share_of_new_principal");
                if input.financing.is_none() {
                    problems.add(
                        path,
                        "NO_NEW_FINANCING",
                        "a fee stated as a share of the new principal needs new financing",
                    );
                } else if share.is_sign_negative() && !share.is_zero() || *share >= Decimal::ONE {
                    problems.add(path, "OUT_OF_RANGE", "a fee share must be in [0, 1)");
                }
            }
        }
    }
    if let Some(grants) = &input.grants {
        problems.same_currency("grants", grants, currency);
        problems.not_negative("grants", grants.amount);
    }
    for (i, commitment) in input.commitments.iter().enumerate() {
        if commitment.payments.is_empty() {
            problems.add(
                format!("commitments[{i}]"),
                "MISSING_FIELD",
                "a commitment needs at least one payment",
            );
        }
        if commitment.payments.len() > MAX_ITEMS {
            problems.add(
                format!("commitments[{i}]"),
                "TOO_MANY_ITEMS",
                format!("at most {MAX_ITEMS} payments per commitment"),
            );
        }
        for (j, (date, money)) in commitment.payments.iter().enumerate() {
            let path = format!("commitments[{i}].payments[{j}]");
            problems.same_currency(&format!("{path}.amount"), money, currency);
            problems.not_negative(&format!("{path}.amount"), money.amount);
            if *date < input.buyback_date {
                problems.add(
                    format!("{path}.date"),
                    "BEFORE_BUYBACK_DATE",
                    format!(
                        "a commitment is paid on or after the buyback date {}",
                        input.buyback_date
                    ),
                );
            }
        }
    }
    for (i, horizon) in input.horizons_years.iter().enumerate() {
        if *horizon == 0 || *horizon > MAX_HORIZON_YEARS {
            problems.add(
                format!("horizons_years[{i}]"),
                "OUT_OF_RANGE",
                format!("a horizon is 1 to {MAX_HORIZON_YEARS} years"),
            );
        }
    }
    problems.0
}

#[derive(Default)]
struct Problems(Vec<InputProblem>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, reason: &'static str, text: impl Into<String>) {
        self.0.push(InputProblem {
            path: path.into(),
            reason,
            description: text.into(),
        });
    }

    fn same_currency(&mut self, path: &str, money: &Money, currency: Option<Currency>) {
        if let Some(currency) = currency {
            if money.currency != currency {
                self.add(
                    path,
                    "CURRENCY_MISMATCH",
                    format!(
                        "{} differs from the operation's currency {} (that of instruments[0])",
                        money.currency, currency
                    ),
                );
            }
        }
    }

    fn positive(&mut self, path: &str, amount: Decimal) {
        if amount <= Decimal::ZERO {
            self.add(path, "NOT_POSITIVE", "must be greater than 0");
        }
    }

    fn not_negative(&mut self, path: &str, amount: Decimal) {
        if amount < Decimal::ZERO {
            self.add(path, "NEGATIVE_AMOUNT", "must not be negative");
        }
    }
}
