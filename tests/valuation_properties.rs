//! Property tests of valuations through the API conversion: any request
//! either is rejected with field violations or valued without panic;
//! identical old and new streams have zero haircuts; PV falls as the rate
//! rises.

use debtcalc::api::pb::debtcalc::v1::{self as pb, debt_stream::Stream, discounting::Rate};
use debtcalc::api::pb::google::r#type::Date;
use debtcalc::api::valuation::parse_restructuring;
use debtcalc::domain::error::DomainError;
use debtcalc::domain::valuation::value_restructuring;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn money(amount: String) -> Option<pb::Money> {
    Some(pb::Money {
        currency_code: "USD".into(),
        amount,
    })
}

fn date_strategy() -> impl Strategy<Value = Date> {
    (1990i32..2060, 1i32..=12, 1i32..=28).prop_map(|(year, month, day)| Date { year, month, day })
}

fn amount_strategy() -> impl Strategy<Value = String> {
    (1u64..10_000_000_000_000u64).prop_map(|cents| Decimal::new(cents as i64, 2).to_string())
}

fn terms_strategy() -> impl Strategy<Value = pb::LoanTerms> {
    (
        date_strategy(),
        1i32..=4,
        1u32..=80,
        0u32..=12,
        0i32..=4,
        0u32..=2000,
        0i32..=5,
        any::<bool>(),
    )
        .prop_map(
            |(first, frequency, count, grace, amortization, rate_bp, day_count, capitalize)| {
                pb::LoanTerms {
                    first_payment_date: Some(first),
                    frequency,
                    installment_count: Some(count),
                    grace_periods: Some(grace),
                    grace_interest: if capitalize { 2 } else { 1 },
                    amortization: if amortization == 4 { 1 } else { amortization },
                    annual_rate: Decimal::new(rate_bp as i64, 4).to_string(),
                    day_count,
                    ..Default::default()
                }
            },
        )
}

fn stream_strategy() -> impl Strategy<Value = pb::DebtStream> {
    prop_oneof![
        (amount_strategy(), terms_strategy()).prop_map(|(principal, terms)| pb::DebtStream {
            stream: Some(Stream::Loan(pb::LoanStream {
                principal: money(principal),
                terms: Some(terms)
            })),
        }),
        // Every kind; the first flow is principal, so there is a face.
        prop::collection::vec((date_strategy(), amount_strategy(), 1i32..=3), 1..30).prop_map(
            |flows| {
                pb::DebtStream {
                    stream: Some(Stream::CashFlows(pb::CashFlowList {
                        flows: flows
                            .into_iter()
                            .enumerate()
                            .map(|(i, (date, amount, kind))| pb::CashFlow {
                                date: Some(date),
                                amount: money(amount),
                                kind: if i == 0 { 1 } else { kind },
                            })
                            .collect(),
                    })),
                }
            }
        ),
        amount_strategy().prop_map(|amount| pb::DebtStream {
            stream: Some(Stream::DueAtValuation(pb::Money {
                currency_code: "USD".into(),
                amount
            })),
        }),
    ]
}

fn discounting(rate: String, compounding: i32, basis: i32) -> Option<pb::Discounting> {
    Some(pb::Discounting {
        rate: Some(Rate::FlatRate(rate)),
        compounding,
        compounding_frequency: if compounding == 2 { Some(2) } else { Some(0) },
        time_basis: basis,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn valid_requests_value_without_panic_and_identical_streams_lose_nothing(
        stream in stream_strategy(),
        valuation_date in date_strategy(),
        rate_bp in -9_000i64..100_000,
        compounding in 0i32..=3,
        basis in 0i32..=4,
    ) {
        let request = pb::ValueRestructuringRequest {
            old_claim: Some(stream.clone()),
            past_due_interest: None,
            new_debt: Some(stream),
            valuation_date: Some(valuation_date),
            discounting: discounting(Decimal::new(rate_bp, 4).to_string(), compounding, basis),
        };
        let input = parse_restructuring(&request).expect("generated requests are valid");
        match value_restructuring(&input) {
            Ok(result) => {
                prop_assert_eq!(result.haircuts.nominal, Decimal::ZERO);
                prop_assert_eq!(result.haircuts.sturzenegger_zettelmeyer, Decimal::ZERO);
                // Face and present value count past-due amounts alike, so
                // a claim exchanged for itself loses nothing by any measure.
                prop_assert_eq!(result.old_value.face, result.new_value.face);
                prop_assert!(result.new_value.present_value.value > Decimal::ZERO);
            }
            // Only range errors (a payment date past 9999, a factor beyond
            // the decimal range, a present value that vanishes at 28
            // decimals under an extreme rate), never a panic.
            Err(error) => prop_assert!(
                matches!(error, DomainError::Overflow { .. }
                    | DomainError::DateOutOfRange { .. }
                    | DomainError::InvalidInput { quantity: "old present value", .. }),
                "{error}"
            ),
        }
    }

    #[test]
    fn present_value_falls_as_the_rate_rises(
        stream in stream_strategy(),
        rate_bp in 0i64..3_000,
        step_bp in 1i64..500,
    ) {
        let value_at = |bp: i64| {
            let request = pb::ValueRestructuringRequest {
                old_claim: Some(stream.clone()),
                past_due_interest: None,
                new_debt: Some(stream.clone()),
                valuation_date: Some(Date { year: 1989, month: 1, day: 1 }),
                discounting: discounting(Decimal::new(bp, 4).to_string(), 1, 1),
            };
            value_restructuring(&parse_restructuring(&request).unwrap()).unwrap().new_value.present_value.value
        };
        let arrears = matches!(stream.stream, Some(Stream::DueAtValuation(_)));
        if arrears {
            prop_assert_eq!(value_at(rate_bp + step_bp), value_at(rate_bp));
        } else {
            prop_assert!(value_at(rate_bp + step_bp) < value_at(rate_bp));
        }
    }
}
