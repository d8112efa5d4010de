//! Property tests of the swaps (issue 15): the counterpart, its local
//! amounts and the programmes' parts conserve to the minor unit for any
//! schedule, weights and rate; a three-party swap's premium and
//! multiplier grow as the purchase price falls; a lower conversion ratio
//! saves the debtor more.

use std::str::FromStr;

use chrono::NaiveDate;
use debtcalc::domain::currency;
use debtcalc::domain::money::Money;
use debtcalc::domain::rounding::RoundingMode;
use debtcalc::domain::split::ProgramWeight;
use debtcalc::domain::swap::{
    evaluate_development, evaluate_three_party, CounterpartSchedule, DevelopmentInput, LocalRate,
    Purchase, Redemption, ThreePartyInput,
};
use debtcalc::domain::valuation::{Compounding, DebtStream, Discounting, TimeBasis};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn usd(cents: i64) -> Money {
    Money {
        currency: currency::find("USD").unwrap(),
        amount: Decimal::new(cents, 2),
    }
}

fn programmes(weights: &[u32]) -> Vec<ProgramWeight> {
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| ProgramWeight {
            name: format!("p{i}"),
            weight: Decimal::from(*w),
        })
        .collect()
}

fn day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap()
}

/// Shares in ten-thousandths, each positive, adding up to 1: the gaps
/// between sorted cut points of 1..10,000.
fn shares(cuts: &std::collections::BTreeSet<u32>) -> Vec<Decimal> {
    let mut points: Vec<u32> = vec![0];
    points.extend(cuts.iter().copied());
    points.push(10_000);
    points
        .windows(2)
        .map(|w| Decimal::new(i64::from(w[1] - w[0]), 4))
        .collect()
}

fn development(
    face_cents: i64,
    cancelled: Decimal,
    ratio: Decimal,
    cuts: &std::collections::BTreeSet<u32>,
    weights: &[u32],
    local: Option<Decimal>,
) -> DevelopmentInput {
    DevelopmentInput {
        debt: DebtStream::DueAtValuation(usd(face_cents)),
        cancelled_share: cancelled,
        conversion_ratio: ratio,
        schedule: CounterpartSchedule::Shares(
            shares(cuts)
                .into_iter()
                .enumerate()
                .map(|(k, s)| (day(2026 + k as i32), s))
                .collect(),
        ),
        local: local.map(|rate| LocalRate {
            currency: currency::find("JPY").unwrap(),
            rate,
        }),
        programmes: programmes(weights),
        valuation_date: day(2025),
        discountings: vec![Discounting::Flat {
            rate: Decimal::from_str("0.05").unwrap(),
            compounding: Compounding::AnnualEffective,
            basis: TimeBasis::Thirty360,
        }],
        rounding: RoundingMode::HalfEven,
    }
}

fn fraction() -> impl Strategy<Value = Decimal> {
    (1i64..=10_000).prop_map(|n| Decimal::new(n, 4))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn development_allocations_conserve_to_the_cent(
        face in 100i64..=10_000_000_000_000,
        cancelled in fraction(),
        ratio in fraction(),
        cuts in prop::collection::btree_set(1u32..10_000, 0..6),
        weights in prop::collection::vec(1u32..=1_000, 1..6),
        local in prop::option::of((1i64..=2_000_000).prop_map(|n| Decimal::new(n, 4))),
    ) {
        let input = development(face, cancelled, ratio, &cuts, &weights, local);
        let Ok(out) = evaluate_development(&input) else {
            // Only a face cancelled or counterpart that rounds to zero.
            let tiny = Decimal::new(face, 2) * cancelled * ratio < Decimal::ONE;
            prop_assert!(tiny);
            return Ok(());
        };
        // Face cancelled + remaining = face; the payments add up to C.
        prop_assert_eq!(out.face_cancelled.amount + out.face_remaining.amount, out.debt_face.amount);
        let paid: Decimal = out.payments.iter().map(|p| p.amount.amount).sum();
        prop_assert_eq!(paid, out.counterpart.amount);
        prop_assert_eq!(out.counterpart_paid.amount, out.counterpart.amount);
        // Local payments add up to the converted counterpart.
        if let Some(local) = &out.counterpart_local {
            let sum: Decimal = out.payments.iter().map(|p| p.local.as_ref().unwrap().amount).sum();
            prop_assert_eq!(sum, local.amount);
            prop_assert_eq!(out.fund_total.amount, local.amount);
        } else {
            prop_assert_eq!(out.fund_total.amount, out.counterpart.amount);
        }
        // Each payment's programme parts add up to its fund amount; the
        // totals add up to the fund.
        for p in &out.payments {
            let parts: Decimal = p.programmes.iter().map(|m| m.amount).sum();
            prop_assert_eq!(parts, p.fund.amount);
        }
        let totals: Decimal = out.programme_totals.iter().map(|m| m.amount).sum();
        prop_assert_eq!(totals, out.fund_total.amount);
        // Without a local currency the programmes' PVs add up to the
        // counterpart's PV (the same flows, split).
        if out.counterpart_local.is_none() {
            let v = &out.valuations[0];
            prop_assert!((v.programme_money_pv - v.counterpart_pv).abs() < Decimal::new(1, 12));
        }
    }

    #[test]
    fn a_lower_ratio_saves_the_debtor_more(
        face in 100_000i64..=10_000_000_000_000,
        low in 1i64..=9_999,
        step in 1i64..=9_999,
        cuts in prop::collection::btree_set(1u32..10_000, 0..4),
    ) {
        let high = (low + step).min(10_000);
        prop_assume!(high > low);
        let at = |ratio: i64| {
            evaluate_development(&development(
                face, Decimal::ONE, Decimal::new(ratio, 4), &cuts, &[1], None,
            ))
            .unwrap()
        };
        let (cheap, dear) = (at(low), at(high));
        prop_assert!(cheap.counterpart.amount <= dear.counterpart.amount);
        prop_assert!(cheap.valuations[0].debtor_saving >= dear.valuations[0].debtor_saving);
        prop_assert!(cheap.nominal_saving >= dear.nominal_saving);
    }

    #[test]
    fn three_party_premium_and_multiplier_grow_as_the_price_falls(
        face in 10_000i64..=10_000_000_000_000,
        price in 2i64..=10_000,
        drop in 1i64..=9_999,
        redemption in 0i64..=10_000,
        weights in prop::collection::vec(1u32..=1_000, 0..5),
    ) {
        let lower = price - drop.min(price - 1);
        prop_assume!(lower < price);
        let q = price.max(redemption);
        let at = |p: i64| {
            evaluate_three_party(&ThreePartyInput {
                face: usd(face),
                purchase: Purchase::Price(Decimal::new(p, 4)),
                redemption: Redemption::Price(Decimal::new(q, 4)),
                local: None,
                programmes: programmes(&weights),
                rounding: RoundingMode::HalfEven,
            })
            .unwrap()
        };
        let (dear, cheap) = (at(price), at(lower));
        prop_assert!(cheap.premium.value > dear.premium.value);
        prop_assert!(cheap.premium_amount.amount >= dear.premium_amount.amount);
        prop_assert!(cheap.multiplier.value >= dear.multiplier.value);
        prop_assert!(cheap.sponsor_cost.amount <= dear.sponsor_cost.amount);
        // The debtor's side does not depend on the price.
        prop_assert_eq!(&cheap.debtor_saving, &dear.debtor_saving);
        // The local money is divided exactly.
        if !weights.is_empty() {
            let parts: Decimal = cheap.allocations.iter().map(|a| a.amount.amount).sum();
            prop_assert_eq!(parts, cheap.local_money.amount);
        }
    }
}

/// Decimal strings a client may send, plausible and hostile.
fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "0",
        "1",
        "0.5",
        "0.0001",
        "0.9999",
        "1.0000000000000000000000000001",
        "2",
        "-0.5",
        "63.37",
        "1e3",
        "1_000",
        "",
        " 1",
        "0.0000000000000000000000000001",
        "79228162514264337593543950335",
        "7922816251426433759354395033.5",
        "99999999999999999999999999",
        "0.33333333333333333333333333333",
    ])
    .prop_map(str::to_string)
}

fn pb_money(code: &str, amount: String) -> debtcalc::api::pb::debtcalc::v1::Money {
    debtcalc::api::pb::debtcalc::v1::Money {
        currency_code: code.into(),
        amount,
    }
}

fn currency_code() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["USD", "JPY", "KWD", "MZN", "", "usd", "XXQ"])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any values in the fields of either kind: an answer or a status
    /// naming fields, never INTERNAL and never a panic.
    #[test]
    fn hostile_values_never_give_internal(
        face in text(), share in text(), ratio in text(), rate in text(),
        shares in prop::collection::vec(text(), 0..4), weight in text(),
        discount in text(), codes in (currency_code(), currency_code(), currency_code()),
        price in text(), redemption in text(), by_amount in any::<bool>(),
    ) {
        use debtcalc::api::error::ApiError;
        use debtcalc::api::pb::debtcalc::v1 as pb;
        use debtcalc::api::swap::{evaluate, Context};
        use pb::counterpart_installment::Part;
        let date = |y| Some(debtcalc::api::pb::google::r#type::Date { year: y, month: 1, day: 1 });
        let development = pb::DevelopmentSwap {
            debt: Some(pb::DebtStream {
                stream: Some(pb::debt_stream::Stream::DueAtValuation(pb_money(codes.0, face.clone()))),
            }),
            cancelled_share: share,
            conversion_ratio: ratio,
            counterpart_schedule: Some(pb::CounterpartSchedule {
                schedule: Some(pb::counterpart_schedule::Schedule::Installments(
                    pb::CounterpartInstallments {
                        installments: shares
                            .iter()
                            .enumerate()
                            .map(|(k, s)| pb::CounterpartInstallment {
                                due_date: date(2026 + k as i32),
                                part: Some(if by_amount {
                                    Part::Amount(pb_money(codes.0, s.clone()))
                                } else {
                                    Part::Share(s.clone())
                                }),
                            })
                            .collect(),
                    },
                )),
            }),
            local_currency: Some(pb::LocalCurrency { currency_code: codes.1.into(), rate: rate.clone() }),
            programs: vec![pb::Program { name: "a".into(), weight: weight.clone() }],
            valuation: Some(pb::SwapValuation {
                valuation_date: date(2025),
                discountings: vec![pb::Discounting {
                    rate: Some(pb::discounting::Rate::FlatRate(discount)),
                    ..Default::default()
                }],
            }),
            rounding_mode: 0,
        };
        let three_party = pb::ThreePartySwap {
            face: Some(pb_money(codes.0, face)),
            purchase: Some(if by_amount {
                pb::three_party_swap::Purchase::PurchaseCost(pb_money(codes.2, price))
            } else {
                pb::three_party_swap::Purchase::PurchasePrice(price)
            }),
            redemption: Some(pb::three_party_swap::Redemption::RedemptionPrice(redemption)),
            local_currency: Some(pb::LocalCurrency { currency_code: codes.1.into(), rate }),
            programs: vec![pb::Program { name: "a".into(), weight }],
            rounding_mode: 0,
        };
        let ctx = Context { provenance: None, library_version: "" };
        for kind in [
            pb::evaluate_swap_request::Kind::Development(development),
            pb::evaluate_swap_request::Kind::ThreeParty(three_party),
        ] {
            let request = pb::EvaluateSwapRequest { swap_id: String::new(), kind: Some(kind) };
            match evaluate(&request, "request".into(), &ctx) {
                Ok(_) => {}
                Err(ApiError::InvalidArgument(violations)) => prop_assert!(!violations.is_empty()),
                Err(ApiError::OutOfRange { fields, .. }) => prop_assert!(!fields.is_empty()),
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
