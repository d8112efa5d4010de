//! Property tests of reconciliations through the API conversion: swapping
//! the parties inverts the ratio, the attribution always adds up to the
//! gap, identical methods give no gap, and nothing panics.

use debtcalc::api::pb::debtcalc::v1::{self as pb, conversion::Method};
use debtcalc::api::reconciliation::parse_reconcile;
use debtcalc::domain::reconciliation::{reconcile, ReferenceData};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn method_strategy() -> impl Strategy<Value = pb::PartyMethod> {
    (
        prop_oneof![
            prop::sample::select(vec![
                "gosbank-settlement-rate",
                "gosbank-average-1987",
                "gosbank-commercial-1990-11-01"
            ])
            .prop_map(|id| Method::BasisId(id.into())),
            (1u64..10_000_000, 0u32..6).prop_map(|(m, s)| Method::Rate(pb::ConversionRate {
                rate: Decimal::new(m as i64, s).to_string(),
                unit: "SUR".into(),
                per: "USD".into(),
            })),
        ],
        prop::sample::subsequence(vec![1i32, 2, 3, 4], 0..=4),
        prop::collection::vec(0u64..1_000_000_000_000, 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(method, recognised, offsets, redenominate)| pb::PartyMethod {
                name: String::new(),
                conversion: Some(pb::Conversion {
                    method: Some(after_redenomination(method, redenominate)),
                }),
                redenomination_id: if redenominate {
                    "rub-1998".into()
                } else {
                    String::new()
                },
                recognised_components: recognised,
                offsets: offsets
                    .into_iter()
                    .map(|cents| pb::Offset {
                        description: "offset".into(),
                        amount: Some(pb::Money {
                            currency_code: "USD".into(),
                            amount: Decimal::new(cents as i64, 2).to_string(),
                        }),
                    })
                    .collect(),
            },
        )
}

/// After the 1998 redenomination the amount is in new rubles: the rate must
/// be quoted in RUB (a Gosbank basis becomes the CBR 2012 year-end rate).
fn after_redenomination(method: Method, redenominate: bool) -> Method {
    match (method, redenominate) {
        (method, false) => method,
        (Method::BasisId(_), true) => Method::BasisId("cbr-usd-2012-12-31".into()),
        (Method::Rate(rate), true) => Method::Rate(pb::ConversionRate {
            unit: "RUB".into(),
            ..rate
        }),
    }
}

fn request(
    components: &[u64],
    a: pb::PartyMethod,
    b: pb::PartyMethod,
) -> pb::ReconcileValuationsRequest {
    let total: u64 = components.iter().sum();
    pb::ReconcileValuationsRequest {
        claim: Some(pb::Money {
            currency_code: "SUR".into(),
            amount: Decimal::new(total as i64, 2).to_string(),
        }),
        components: components
            .iter()
            .enumerate()
            .map(|(i, cents)| pb::ClaimComponent {
                kind: i as i32 + 1,
                amount: Some(pb::Money {
                    currency_code: "SUR".into(),
                    amount: Decimal::new(*cents as i64, 2).to_string(),
                }),
            })
            .collect(),
        target_currency: "USD".into(),
        parties: vec![
            pb::PartyMethod {
                name: "A".into(),
                ..a
            },
            pb::PartyMethod {
                name: "B".into(),
                ..b
            },
        ],
        rounding_mode: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn attribution_adds_up_and_swapping_inverts(
        components in prop::collection::vec(1u64..1_000_000_000_000_000, 4),
        a in method_strategy(),
        b in method_strategy(),
    ) {
        let data = ReferenceData::builtin().unwrap();
        let forward = parse_reconcile(&request(&components, a.clone(), b.clone()), &data).expect("valid");
        let backward = parse_reconcile(&request(&components, b, a), &data).expect("valid");
        let one = reconcile(&forward.claim, &forward.parties, forward.target, forward.rounding).expect("reconciles");
        let two = reconcile(&backward.claim, &backward.parties, backward.target, backward.rounding).expect("reconciles");
        let (g1, g2) = (&one.gaps[0], &two.gaps[0]);
        // The money attribution adds up to the gap, to the cent.
        let sum: Decimal = g1.contributions.iter().map(|c| c.amount.amount).sum();
        prop_assert_eq!(sum, g1.amount.amount);
        prop_assert_eq!(g1.amount.amount, -g2.amount.amount);
        // Ratios invert (exactly, as fractions), logs change sign.
        if let (Some(r1), Some(r2)) = (&g1.ratio_exact, &g2.ratio_exact) {
            prop_assert_eq!(r1.numer(), r2.denom());
            prop_assert_eq!(r1.denom(), r2.numer());
        }
        if let (Some(l1), Some(l2)) = (g1.log_ratio, g2.log_ratio) {
            prop_assert_eq!(l1, -l2);
        }
        // The log attribution, when every mixed figure is positive, adds up
        // to the log ratio and its shares to 1.
        if let (Some(l1), None) = (g1.log_ratio, g1.log_unavailable) {
            let logs: Decimal = g1.contributions.iter().filter_map(|c| c.log_contribution).sum();
            prop_assert_eq!(logs, l1);
            if !l1.is_zero() {
                let shares: Decimal = g1.contributions.iter().filter_map(|c| c.log_share).sum();
                prop_assert_eq!(shares, Decimal::ONE);
            }
        }
    }

    #[test]
    fn identical_methods_give_no_gap(
        components in prop::collection::vec(1u64..1_000_000_000_000_000, 4),
        a in method_strategy(),
    ) {
        let data = ReferenceData::builtin().unwrap();
        let input = parse_reconcile(&request(&components, a.clone(), a), &data).expect("valid");
        let result = reconcile(&input.claim, &input.parties, input.target, input.rounding).expect("reconciles");
        prop_assert_eq!(result.gaps[0].amount.amount, Decimal::ZERO);
        prop_assert!(result.gaps[0].contributions.is_empty());
    }

    /// Arbitrary text anywhere: rejected with violations or reconciled, never
    /// a panic.
    #[test]
    fn arbitrary_requests_never_panic(
        amount in "[-0-9.]{0,12}",
        rate in "[-0-9.e]{0,8}",
        unit in "[A-Z]{0,3}|SUR|RUR|XTR",
        target in "[A-Z]{0,3}|USD|DEM",
        kinds in prop::collection::vec(-1i32..6, 0..5),
        parties in 0usize..4,
    ) {
        let data = ReferenceData::builtin().unwrap();
        let party = |name: &str| pb::PartyMethod {
            name: name.into(),
            conversion: Some(pb::Conversion { method: Some(Method::Rate(pb::ConversionRate { rate: rate.clone(), unit: unit.clone(), per: target.clone() })) }),
            recognised_components: kinds.clone(),
            ..Default::default()
        };
        let request = pb::ReconcileValuationsRequest {
            claim: Some(pb::Money { currency_code: unit.clone(), amount: amount.clone() }),
            components: kinds.iter().map(|k| pb::ClaimComponent { kind: *k, amount: Some(pb::Money { currency_code: unit.clone(), amount: amount.clone() }) }).collect(),
            target_currency: target.clone(),
            parties: (0..parties).map(|i| party(&format!("p{i}"))).collect(),
            rounding_mode: 0,
        };
        if let Ok(input) = parse_reconcile(&request, &data) {
            let _ = reconcile(&input.claim, &input.parties, input.target, input.rounding);
        }
    }
}
