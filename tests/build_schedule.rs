//! BuildSchedule over real gRPC: the public DPRK and Cuba schedules, the
//! echo of the resolved terms, and bad terms rejected with field paths.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::google::r#type::Date;
use tonic::Code;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn semi_annual(first: Option<Date>, count: u32) -> pb::LoanTerms {
    pb::LoanTerms {
        first_payment_date: first,
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(count),
        ..Default::default()
    }
}

#[tokio::test]
async fn dprk_forty_equal_semi_annual_instalments() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1090000000")),
            terms: Some(semi_annual(date(2015, 3, 17), 40)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.installments.len(), 40);
    for (k, installment) in response.installments.iter().enumerate() {
        assert_eq!(installment.number.unwrap() as usize, k + 1);
        assert_eq!(installment.principal, Some(money("USD", "27250000.00")));
        assert_eq!(installment.interest, Some(money("USD", "0.00")));
        assert_eq!(installment.payment, Some(money("USD", "27250000.00")));
    }
    let last = response.installments.last().unwrap();
    assert_eq!(last.due_date, date(2034, 9, 17));
    assert_eq!(last.outstanding_after, Some(money("USD", "0.00")));
    assert_eq!(response.principal, Some(money("USD", "1090000000.00")));
    assert_eq!(
        response.total_principal,
        Some(money("USD", "1090000000.00"))
    );
    assert_eq!(response.total_payment, Some(money("USD", "1090000000.00")));

    let resolved = response.resolved_terms.expect("terms echoed");
    assert_eq!(resolved.accrual_start_date, date(2014, 9, 17));
    assert_eq!(resolved.amortization(), pb::Amortization::EqualPrincipal);
    assert_eq!(resolved.day_count(), pb::DayCount::Periodic);
    assert_eq!(resolved.grace_interest(), pb::GraceInterest::Paid);
    assert_eq!(resolved.rounding_mode(), pb::RoundingMode::HalfEven);
    assert_eq!(resolved.annual_rate, "0");
    let conventions = response.conventions.expect("conventions echoed");
    assert_eq!(conventions.business_day_adjustment, "UNADJUSTED");
    assert_eq!(conventions.principal_residue, "LAST_INSTALLMENT");
    assert_eq!(conventions.max_periods, Some(1200));
    assert_eq!(
        conventions.irregular_periods,
        "PRORATED_AGAINST_NOTIONAL_REGULAR_PERIODS"
    );
}

/// A short first period under the periodic day count is prorated (issue 9,
/// finding 4), and the level payment is solved on the prorated fraction, so
/// the payments stay level (within the last instalment's rounding residue);
/// before finding 3 was fixed on top of finding 4, nine payments were
/// 117,230.51 and the last 84,575.11.
#[tokio::test]
async fn a_level_payment_after_a_short_first_period_stays_level() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let mut terms = semi_annual(date(2025, 7, 15), 10);
    terms.accrual_start_date = date(2025, 6, 15);
    terms.set_amortization(pb::Amortization::LevelPayment);
    terms.annual_rate = "0.06".into();
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(terms.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    let payments: Vec<_> = response
        .installments
        .iter()
        .map(|i| i.payment.clone().unwrap().amount)
        .collect();
    assert!(
        payments[..9].iter().all(|p| *p == payments[0]),
        "{payments:?}"
    );
    let gap = (payments[9].parse::<f64>().unwrap() - payments[0].parse::<f64>().unwrap()).abs();
    assert!(gap <= 0.10, "{payments:?}");
    let conventions = response.conventions.unwrap();
    assert_eq!(
        conventions.irregular_periods,
        "PRORATED_AGAINST_NOTIONAL_REGULAR_PERIODS"
    );

    terms.set_day_count(pb::DayCount::Act360);
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(terms),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        response.conventions.unwrap().irregular_periods,
        "DAY_COUNT_OF_ITS_DATES"
    );
}

#[tokio::test]
async fn cuba_twenty_payments_to_april_2024() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "3520000000.00")),
            terms: Some(semi_annual(date(2014, 10, 25), 20)),
        })
        .await
        .unwrap()
        .into_inner();
    let dates: Vec<_> = response
        .installments
        .iter()
        .map(|i| i.due_date.unwrap())
        .collect();
    assert_eq!(dates.len(), 20);
    assert_eq!(
        dates[0],
        Date {
            year: 2014,
            month: 10,
            day: 25
        }
    );
    assert_eq!(
        dates[1],
        Date {
            year: 2015,
            month: 4,
            day: 25
        }
    );
    assert_eq!(
        dates[19],
        Date {
            year: 2024,
            month: 4,
            day: 25
        }
    );
    assert!(response
        .installments
        .iter()
        .all(|i| i.payment == Some(money("USD", "176000000.00"))));
}

#[tokio::test]
async fn laos_like_stepped_rate_and_grace_are_echoed_and_applied() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let terms = pb::LoanTerms {
        grace_periods: Some(2),
        annual_rate: "0.0225".into(),
        rate_steps: vec![pb::RateStep {
            start: Some(pb::rate_step::Start::StartPeriod(3)),
            annual_rate: "0.0585".into(),
        }],
        ..semi_annual(date(2004, 6, 30), 4)
    };
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(terms),
        })
        .await
        .unwrap()
        .into_inner();
    let interest: Vec<_> = response
        .installments
        .iter()
        .map(|i| i.interest.clone().unwrap().amount)
        .collect();
    // 1,000,000 x 2.25% / 2 in grace; then 5.85% / 2 on 1,000,000, 750,000, ...
    assert_eq!(
        interest,
        ["11250.00", "11250.00", "29250.00", "21937.50", "14625.00", "7312.50"]
    );
    let principal: Vec<_> = response
        .installments
        .iter()
        .map(|i| i.principal.clone().unwrap().amount)
        .collect();
    assert_eq!(
        principal,
        [
            "0.00",
            "0.00",
            "250000.00",
            "250000.00",
            "250000.00",
            "250000.00"
        ]
    );
    let rates: Vec<_> = response
        .installments
        .iter()
        .map(|i| i.annual_rate.as_str())
        .collect();
    assert_eq!(
        rates,
        ["0.0225", "0.0225", "0.0585", "0.0585", "0.0585", "0.0585"]
    );
    assert_eq!(response.resolved_terms.unwrap().rate_steps.len(), 1);
}

#[tokio::test]
async fn bad_terms_name_every_field() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "-5")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2023, 2, 30),
                frequency: 0,
                installment_count: Some(0),
                annual_rate: "-1".into(),
                day_count: 42,
                amortization: pb::Amortization::CustomShares as i32,
                custom_shares: vec!["0.5".into(), "x".into()],
                rate_steps: vec![pb::RateStep {
                    start: None,
                    annual_rate: "0.01".into(),
                }],
                ..Default::default()
            }),
        })
        .await
        .expect_err("bad terms");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        [
            "principal.amount",
            "terms.first_payment_date",
            "terms.frequency",
            "terms.installment_count",
            "terms.custom_shares[1]",
            "terms.annual_rate",
            "terms.rate_steps[0].start_date",
            "terms.day_count",
        ]
    );
}

#[tokio::test]
async fn limits_and_share_sums_are_enforced() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let too_long = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1")),
            terms: Some(pb::LoanTerms {
                grace_periods: Some(1000),
                ..semi_annual(date(2020, 1, 1), 201)
            }),
        })
        .await
        .expect_err("more than 1,200 periods");
    assert_eq!(violation_fields(&too_long), ["terms.installment_count"]);
    assert_eq!(error_reason(&too_long), "TOO_MANY_PERIODS");

    let shares = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1")),
            terms: Some(pb::LoanTerms {
                amortization: pb::Amortization::CustomShares as i32,
                custom_shares: vec!["0.5".into(), "0.4".into()],
                ..semi_annual(date(2020, 1, 1), 2)
            }),
        })
        .await
        .expect_err("shares add up to 0.9");
    assert_eq!(error_reason(&shares), "SHARES_DO_NOT_SUM_TO_ONE");

    // Dates beyond year 9999 are an error, not a panic.
    let far = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1")),
            terms: Some(pb::LoanTerms {
                frequency: pb::Frequency::Annual as i32,
                ..semi_annual(date(9990, 1, 1), 20)
            }),
        })
        .await
        .expect_err("dates beyond 9999");
    assert_eq!(far.code(), Code::OutOfRange);
    assert_eq!(error_reason(&far), "DATE_OUT_OF_RANGE");

    // The largest schedule allowed is answered.
    let largest = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000000")),
            terms: Some(pb::LoanTerms {
                frequency: pb::Frequency::Monthly as i32,
                amortization: pb::Amortization::LevelPayment as i32,
                annual_rate: "0.05".into(),
                ..semi_annual(date(2020, 1, 31), 1200)
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(largest.installments.len(), 1200);
    assert_eq!(
        largest.installments[1199].outstanding_after,
        Some(money("USD", "0.00"))
    );
}

#[tokio::test]
async fn dates_out_of_range_name_the_first_payment_date() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let status = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "100")),
            terms: Some(pb::LoanTerms {
                frequency: pb::Frequency::Monthly as i32,
                ..semi_annual(date(9999, 6, 30), 12)
            }),
        })
        .await
        .expect_err("past 9999-12-31");
    assert_eq!(status.code(), Code::OutOfRange);
    assert_eq!(violation_fields(&status), ["terms.first_payment_date"]);
    assert!(
        status.message().contains("0001-01-01 to 9999-12-31"),
        "{}",
        status.message()
    );
}
