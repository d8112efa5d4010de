//! EvaluateSwap, debt-for-development kind, over gRPC: a case whose every
//! figure is derived by hand below (issue 15), and the validation of the
//! kind with field paths.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::google::r#type::Date;
use pb::counterpart_installment::Part;
use pb::evaluate_swap_request::Kind;
use pb::evaluate_swap_response::Result as Out;
use rust_decimal::Decimal;
use std::str::FromStr;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn flat(rate: &str) -> pb::Discounting {
    pb::Discounting {
        rate: Some(pb::discounting::Rate::FlatRate(rate.into())),
        compounding: pb::Compounding::AnnualEffective as i32,
        compounding_frequency: None,
        time_basis: pb::TimeBasis::Thirty360 as i32,
    }
}

fn principal(year: i32, amount: &str) -> pb::CashFlow {
    pb::CashFlow {
        date: date(year, 1, 1),
        amount: Some(money("USD", amount)),
        kind: pb::CashFlowKind::Principal as i32,
    }
}

fn share(year: i32, share: &str) -> pb::CounterpartInstallment {
    pb::CounterpartInstallment {
        due_date: date(year, 1, 1),
        part: Some(Part::Share(share.into())),
    }
}

/// The hand-derived case. The creditor cancels 90% of a claim of two
/// principal repayments, USD 600.00 on 2026-01-01 and 400.00 on
/// 2027-01-01, valued on 2025-01-01 (30/360: t = 1 and 2 years exactly).
/// Conversion ratio 0.4, paid in three instalments of shares 0.3333,
/// 0.3333 and 0.3334 on 2026-01-01, 2027-01-01 and 2028-01-01, in
/// meticais at 63.37 MZN per USD, into a fund for education (weight 2)
/// and health (weight 1); valued at 5% and 10% annual effective.
fn hand_case() -> pb::DevelopmentSwap {
    pb::DevelopmentSwap {
        debt: Some(pb::DebtStream {
            stream: Some(pb::debt_stream::Stream::CashFlows(pb::CashFlowList {
                flows: vec![principal(2026, "600"), principal(2027, "400")],
            })),
        }),
        cancelled_share: "0.9".into(),
        conversion_ratio: "0.4".into(),
        counterpart_schedule: Some(pb::CounterpartSchedule {
            schedule: Some(pb::counterpart_schedule::Schedule::Installments(
                pb::CounterpartInstallments {
                    installments: vec![
                        share(2026, "0.3333"),
                        share(2027, "0.3333"),
                        share(2028, "0.3334"),
                    ],
                },
            )),
        }),
        local_currency: Some(pb::LocalCurrency {
            currency_code: "MZN".into(),
            rate: "63.37".into(),
        }),
        programs: vec![
            pb::Program {
                name: "education".into(),
                weight: "2".into(),
            },
            pb::Program {
                name: "health".into(),
                weight: "1".into(),
            },
        ],
        valuation: Some(pb::SwapValuation {
            valuation_date: date(2025, 1, 1),
            discountings: vec![flat("0.05"), flat("0.1")],
        }),
        rounding_mode: 0,
    }
}

fn request(swap: pb::DevelopmentSwap) -> pb::EvaluateSwapRequest {
    pb::EvaluateSwapRequest {
        swap_id: String::new(),
        kind: Some(Kind::Development(swap)),
    }
}

fn amount(m: &Option<pb::Money>) -> String {
    let m = m.as_ref().expect("an amount");
    format!("{} {}", m.amount, m.currency_code)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn close(exact: &str, expected: &str) {
    let diff = (d(exact) - d(expected)).abs();
    assert!(diff < d("1e-20"), "{exact} vs {expected}");
}

#[tokio::test]
async fn every_figure_of_the_hand_derived_case() {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let response = client
        .evaluate_swap(request(hand_case()))
        .await
        .expect("evaluates")
        .into_inner();
    let Some(Out::Development(r)) = response.result else {
        panic!("a development result");
    };

    // Face: both repayments are outstanding principal, 1,000.00. 90% of it
    // is cancelled, 900.00; 100.00 stays owed.
    assert_eq!(amount(&r.debt_face), "1000.00 USD");
    assert_eq!(r.cancelled_share, "0.9");
    assert_eq!(amount(&r.face_cancelled), "900.00 USD");
    assert_eq!(amount(&r.face_remaining), "100.00 USD");
    // Counterpart: 0.4 x 900.00 = 360.00 USD = 36,000 cents; in meticais
    // 360.00 x 63.37 = 22,813.20.
    assert_eq!(r.conversion_ratio, "0.4");
    assert_eq!(amount(&r.counterpart), "360.00 USD");
    assert_eq!(amount(&r.counterpart_local), "22813.20 MZN");

    // Instalments by largest remainder of 36,000 cents by 3333:3333:3334:
    // exact 11,998.8, 11,998.8 and 12,002.4 cents; floors 11,998 + 11,998
    // + 12,002 = 35,998; the 2 cents left go to the largest remainders
    // (0.8, 0.8): 119.99, 119.99, 120.02 USD.
    // Meticais, cumulatively rounded half-even:
    //   119.99 x 63.37 = 7,603.7663 -> 7,603.77 -> first 7,603.77;
    //   239.98 x 63.37 = 15,207.5326 -> 15,207.53 -> second 7,603.76;
    //   360.00 x 63.37 = 22,813.20 -> third 7,605.67.
    // Programmes 2:1, cumulatively (reinvestment rule 2), in cents:
    //   fund 760,377: exact 506,918 and 253,459 (whole) -> 5,069.18 and
    //     2,534.59;
    //   fund 1,520,753: exact 1,013,835.33 and 506,917.67; floors leave one
    //     cent; neither holds more than its floor; the soonest to need it,
    //     (floor + 1) / weight, ties (1,013,836 / 2 = 506,918 / 1), so it
    //     goes to education, listed first: 1,013,836 and 506,917; parts
    //     5,069.18 and 2,534.58;
    //   fund 2,281,320: exact 1,520,880 and 760,440 (whole); parts
    //     5,070.44 and 2,535.23.
    let rows: Vec<_> = r
        .counterpart_payments
        .iter()
        .map(|p| {
            (
                p.number,
                p.due_date.map(|d| d.year),
                amount(&p.amount),
                amount(&p.local_amount),
                amount(&p.fund_amount),
                p.programs
                    .iter()
                    .map(|x| format!("{}={}/{}", x.name, amount(&x.amount), amount(&x.cumulative)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                Some(1),
                Some(2026),
                "119.99 USD".to_string(),
                "7603.77 MZN".to_string(),
                "7603.77 MZN".to_string(),
                vec![
                    "education=5069.18 MZN/5069.18 MZN".to_string(),
                    "health=2534.59 MZN/2534.59 MZN".to_string()
                ]
            ),
            (
                Some(2),
                Some(2027),
                "119.99 USD".to_string(),
                "7603.76 MZN".to_string(),
                "7603.76 MZN".to_string(),
                vec![
                    "education=5069.18 MZN/10138.36 MZN".to_string(),
                    "health=2534.58 MZN/5069.17 MZN".to_string()
                ]
            ),
            (
                Some(3),
                Some(2028),
                "120.02 USD".to_string(),
                "7605.67 MZN".to_string(),
                "7605.67 MZN".to_string(),
                vec![
                    "education=5070.44 MZN/15208.80 MZN".to_string(),
                    "health=2535.23 MZN/7604.40 MZN".to_string()
                ]
            ),
        ]
    );
    assert_eq!(amount(&r.counterpart_paid), "360.00 USD");
    assert_eq!(amount(&r.counterpart_paid_local), "22813.20 MZN");
    assert_eq!(amount(&r.fund_total), "22813.20 MZN");
    // Totals: 15,208.80 + 7,604.40 = 22,813.20, two thirds and one third.
    let totals: Vec<_> = r
        .programs
        .iter()
        .map(|p| (p.name.as_str(), p.weight_share.as_str(), amount(&p.total)))
        .collect();
    assert_eq!(
        totals,
        [
            (
                "education",
                "0.66666666666666666667",
                "15208.80 MZN".to_string()
            ),
            (
                "health",
                "0.33333333333333333333",
                "7604.40 MZN".to_string()
            ),
        ]
    );
    // Nominal: 0.9 x (600 + 400) = 900 cancelled, 360 paid: 540 saved.
    assert_eq!(amount(&r.debt_service_cancelled), "900.00 USD");
    assert_eq!(amount(&r.nominal_saving), "540.00 USD");
    assert_eq!(r.counterpart_schedule_given_as, "INSTALLMENT_SHARES");
    assert!(r.counterpart_terms_schedule.is_none());

    // At 5%, v = 20/21:
    //   debt service cancelled 0.9 x (600 v + 400 v^2) = 0.9 x 412,000/441
    //     = 41,200/49 = 840.816326530612244897959183673...;
    //   counterpart 119.99 v + 119.99 v^2 + 120.02 v^3 = 15,131,939/46,305
    //     = 326.788446172119641507396609437...;
    //   debtor's saving = 514.027880358492603390562574236...;
    //   leverage 326.78844617... / 840.81632653... =
    //     0.38865616170955976781 (20 decimals; 0.388656161709559767812...);
    //   education 5,069.18 v + 5,069.18 v^2 + 5,070.44 v^3 =
    //     13,805.7228808983911024727...; health 2,534.59 v + 2,534.58 v^2 +
    //     2,535.23 v^3 = 6,902.86100853039628549832...; together
    //     20,708.5838894287873879710... MZN.
    // At 10%, v = 10/11:
    //   cancelled 0.9 x (6,000/11 + 40,000/121) = 95,400/121 =
    //     788.429752066115702479338842975...;
    //   counterpart 3,971,969/13,310 = 298.419909842223891810668670173...;
    //   saving 490.009842223891810668670172827...;
    //   leverage 0.37849904707451877263 (0.378499047074518772631...);
    //   education 12,607.2470323065364387678...; health
    //     6,303.62276483846731780616...; together 18,910.8697971450037565740.
    let v = &r.valuations;
    assert_eq!(v.len(), 2);
    let expected = [
        (
            "0.05",
            ["840.82", "326.79", "514.03", "840.82", "20708.58"],
            [
                "840.816326530612244897959183673",
                "326.788446172119641507396609437",
                "514.027880358492603390562574236",
            ],
            "0.38865616170955976781",
            ["13805.72", "6902.86"],
        ),
        (
            "0.1",
            ["788.43", "298.42", "490.01", "788.43", "18910.87"],
            [
                "788.429752066115702479338842975",
                "298.419909842223891810668670173",
                "490.009842223891810668670172827",
            ],
            "0.37849904707451877263",
            ["12607.25", "6303.62"],
        ),
    ];
    for (valuation, (rate, rounded, exact, leverage, programmes)) in v.iter().zip(expected) {
        match valuation.discounting.as_ref().and_then(|d| d.rate.as_ref()) {
            Some(pb::discounting::Rate::FlatRate(r)) => assert_eq!(r, rate),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            [
                &valuation.debt_service_cancelled_pv,
                &valuation.counterpart_pv,
                &valuation.debtor_saving,
                &valuation.creditor_cost,
                &valuation.programme_money_pv,
            ]
            .map(|m| m.as_ref().unwrap().amount.clone()),
            rounded
        );
        assert_eq!(
            valuation.programme_money_pv.as_ref().unwrap().currency_code,
            "MZN"
        );
        close(&valuation.debt_service_cancelled_pv_exact, exact[0]);
        close(&valuation.counterpart_pv_exact, exact[1]);
        close(&valuation.debtor_saving_exact, exact[2]);
        assert_eq!(
            valuation.creditor_cost_exact,
            valuation.debt_service_cancelled_pv_exact
        );
        assert_eq!(valuation.leverage, leverage);
        let pvs: Vec<_> = valuation
            .programs
            .iter()
            .map(|p| p.present_value.as_ref().unwrap().amount.clone())
            .collect();
        assert_eq!(pvs, programmes);
    }

    // Conventions echoed.
    let c = response.conventions.expect("conventions");
    assert_eq!(c.request_source, "request");
    assert_eq!(c.rounding_mode, pb::RoundingMode::HalfEven as i32);
    assert_eq!(c.allocation_method, "CUMULATIVE_QUOTA_ORDER");
    assert_eq!(c.local_conversion, "AGREED_RATE_CUMULATIVE_HALF_EVEN");
    assert_eq!(c.share_decimals, Some(20));
    assert_eq!(c.past_flows, "DUE_AT_VALUATION_DATE");
    assert!(c.swap_library_version.starts_with("sha256:"));
    assert!(c.provenance.is_some());
    assert_eq!(r.valuation_date, date(2025, 1, 1));
    assert!(r.face_value.starts_with("OUTSTANDING_PRINCIPAL"));
    assert!(response.warnings.is_empty(), "{:?}", response.warnings);
}

#[tokio::test]
async fn loan_terms_schedule_the_counterpart() {
    // The counterpart of 360.00 repaid in 4 equal semi-annual principal
    // instalments of 90.00, interest-free, from 2025-07-01: the payments
    // are BuildSchedule's; no local currency, so the fund is in USD.
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let mut swap = hand_case();
    swap.local_currency = None;
    swap.counterpart_schedule = Some(pb::CounterpartSchedule {
        schedule: Some(pb::counterpart_schedule::Schedule::Terms(pb::LoanTerms {
            first_payment_date: date(2025, 7, 1),
            installment_count: Some(4),
            frequency: pb::Frequency::SemiAnnual as i32,
            amortization: pb::Amortization::EqualPrincipal as i32,
            annual_rate: "0".into(),
            ..Default::default()
        })),
    });
    let response = client
        .evaluate_swap(request(swap))
        .await
        .unwrap()
        .into_inner();
    let Some(Out::Development(r)) = response.result else {
        panic!("a development result");
    };
    assert_eq!(r.counterpart_schedule_given_as, "LOAN_TERMS");
    let payments: Vec<_> = r
        .counterpart_payments
        .iter()
        .map(|p| amount(&p.amount))
        .collect();
    assert_eq!(payments, vec!["90.00 USD"; 4]);
    assert!(r
        .counterpart_payments
        .iter()
        .all(|p| p.local_amount.is_none()));
    assert_eq!(amount(&r.fund_total), "360.00 USD");
    let schedule = r.counterpart_terms_schedule.expect("the schedule");
    assert_eq!(schedule.installments.len(), 4);
    assert_eq!(amount(&schedule.total_payment), "360.00 USD");
}

async fn refused(swap: pb::DevelopmentSwap) -> tonic::Status {
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    client
        .evaluate_swap(request(swap))
        .await
        .expect_err("refused")
}

#[tokio::test]
async fn a_ratio_above_par_and_bad_fields_are_named() {
    let mut swap = hand_case();
    swap.conversion_ratio = "1.2".into();
    swap.cancelled_share = "0".into();
    swap.local_currency = Some(pb::LocalCurrency {
        currency_code: "XXQ".into(),
        rate: "-1".into(),
    });
    let status = refused(swap).await;
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        [
            "development.cancelled_share",
            "development.conversion_ratio",
            "development.local_currency.currency_code",
            "development.local_currency.rate",
        ]
    );
    use tonic_types::StatusExt;
    let reasons: Vec<_> = status
        .get_details_bad_request()
        .unwrap()
        .field_violations
        .into_iter()
        .map(|v| v.reason)
        .collect();
    assert_eq!(
        reasons,
        [
            "NOT_POSITIVE",
            "RATIO_ABOVE_PAR",
            "UNKNOWN_CURRENCY",
            "NOT_POSITIVE"
        ]
    );
}

#[tokio::test]
async fn a_counterpart_schedule_that_does_not_add_up_is_refused() {
    // Amounts of 100 + 200 = 300.00 against a counterpart of 360.00.
    let mut swap = hand_case();
    let amount_at = |year, value: &str| pb::CounterpartInstallment {
        due_date: date(year, 1, 1),
        part: Some(Part::Amount(money("USD", value))),
    };
    swap.counterpart_schedule = Some(pb::CounterpartSchedule {
        schedule: Some(pb::counterpart_schedule::Schedule::Installments(
            pb::CounterpartInstallments {
                installments: vec![amount_at(2026, "100"), amount_at(2027, "200")],
            },
        )),
    });
    let status = refused(swap.clone()).await;
    assert_eq!(error_reason(&status), "COUNTERPART_DOES_NOT_ADD_UP");
    assert_eq!(
        violation_fields(&status),
        ["development.counterpart_schedule.installments.installments"]
    );
    assert!(status.message().contains("300.00"), "{}", status.message());
    assert!(status.message().contains("360.00"), "{}", status.message());

    // Shares adding up to 0.9; an amount in another currency; dates out
    // of order; a mix of shares and amounts.
    let mut shares = hand_case();
    if let Some(pb::counterpart_schedule::Schedule::Installments(list)) = shares
        .counterpart_schedule
        .as_mut()
        .and_then(|s| s.schedule.as_mut())
    {
        list.installments[2].part = Some(Part::Share("0.2334".into()));
    }
    let status = refused(shares).await;
    assert_eq!(error_reason(&status), "COUNTERPART_DOES_NOT_ADD_UP");

    let mut mixed = swap;
    if let Some(pb::counterpart_schedule::Schedule::Installments(list)) = mixed
        .counterpart_schedule
        .as_mut()
        .and_then(|s| s.schedule.as_mut())
    {
        list.installments[0].part = Some(Part::Amount(money("EUR", "160")));
        list.installments[1].due_date = date(2025, 6, 1);
        list.installments.push(share(2029, "0.5"));
    }
    let status = refused(mixed).await;
    assert_eq!(
        violation_fields(&status),
        [
            "development.counterpart_schedule.installments.installments[0].amount.currency_code",
            "development.counterpart_schedule.installments.installments[1].due_date",
            "development.counterpart_schedule.installments.installments[2]",
        ]
    );
}

#[tokio::test]
async fn missing_parts_are_named_and_a_ratio_of_one_is_warned() {
    let status = refused(pb::DevelopmentSwap::default()).await;
    assert_eq!(
        violation_fields(&status),
        [
            "development.valuation",
            "development.debt",
            "development.conversion_ratio",
            "development.counterpart_schedule",
            "development.programs",
        ]
    );
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let status = client
        .evaluate_swap(pb::EvaluateSwapRequest::default())
        .await
        .expect_err("no kind");
    assert_eq!(violation_fields(&status), ["development"]);

    let mut swap = hand_case();
    swap.conversion_ratio = "1".into();
    let response = client
        .evaluate_swap(request(swap))
        .await
        .unwrap()
        .into_inner();
    let codes: Vec<_> = response
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.field.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("NO_NOMINAL_SAVING", "development.conversion_ratio")]
    );
}

#[tokio::test]
async fn suspicious_inputs_are_warned_with_their_fields() {
    // A discount rate of "5" (500%), a valuation date after the claim's
    // last flow (every flow then counts at face), and a local currency
    // that is the debt's own at a rate other than 1 (refused).
    let server = TestServer::start().await;
    let mut client = server.swap().await;
    let mut swap = hand_case();
    swap.valuation = Some(pb::SwapValuation {
        valuation_date: date(2027, 6, 1),
        discountings: vec![flat("0.05"), flat("5")],
    });
    swap.counterpart_schedule = Some(pb::CounterpartSchedule {
        schedule: Some(pb::counterpart_schedule::Schedule::Installments(
            pb::CounterpartInstallments {
                installments: vec![share(2028, "1")],
            },
        )),
    });
    let response = client
        .evaluate_swap(request(swap.clone()))
        .await
        .unwrap()
        .into_inner();
    let codes: Vec<_> = response
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.field.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (
                "RATE_ABOVE_ONE",
                "development.valuation.discountings[1].flat_rate"
            ),
            (
                "VALUATION_DATE_AFTER_LAST_FLOW",
                "development.valuation.valuation_date"
            ),
        ]
    );
    // Past due at face: the debt service cancelled is 0.9 x 1,000.00 at
    // any rate.
    let Some(Out::Development(r)) = response.result else {
        panic!("a development result");
    };
    assert!(r
        .valuations
        .iter()
        .all(|v| v.debt_service_cancelled_pv.as_ref().unwrap().amount == "900.00"));

    swap.local_currency = Some(pb::LocalCurrency {
        currency_code: "USD".into(),
        rate: "2".into(),
    });
    let status = client.evaluate_swap(request(swap)).await.unwrap_err();
    assert_eq!(error_reason(&status), "LOCAL_RATE_NOT_ONE");
    assert_eq!(
        violation_fields(&status),
        ["development.local_currency.rate"]
    );
}
