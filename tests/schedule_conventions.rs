//! BuildSchedule over real gRPC: the schedule conventions of issue 9 (rate
//! steps inside a period, business-day adjustment, floating rates), echoed
//! and validated with field paths.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::google::r#type::Date;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

/// 1,000,000 USD, one ACT/360 period 2025-01-15 -> 2025-07-15 then a
/// second, bullet, 4% stepping to 6% on 2025-04-01.
fn stepped_inside_a_period(timing: pb::RateStepTiming) -> pb::BuildScheduleRequest {
    pb::BuildScheduleRequest {
        principal: Some(money("USD", "1000000")),
        terms: Some(pb::LoanTerms {
            first_payment_date: date(2025, 7, 15),
            frequency: pb::Frequency::SemiAnnual as i32,
            installment_count: Some(2),
            amortization: pb::Amortization::Bullet as i32,
            annual_rate: "0.04".into(),
            rate_steps: vec![pb::RateStep {
                start: Some(pb::rate_step::Start::StartDate(Date {
                    year: 2025,
                    month: 4,
                    day: 1,
                })),
                annual_rate: "0.06".into(),
            }],
            day_count: pb::DayCount::Act360 as i32,
            rate_step_timing: timing as i32,
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn a_rate_step_inside_a_period_splits_it_only_when_asked() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let default = client
        .build_schedule(stepped_inside_a_period(pb::RateStepTiming::Unspecified))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        default.installments[0].interest,
        Some(money("USD", "20111.11"))
    );
    assert!(default.installments[0].rate_segments.is_empty());
    assert_eq!(
        default.resolved_terms.unwrap().rate_step_timing(),
        pb::RateStepTiming::NextPeriod
    );

    let split = client
        .build_schedule(stepped_inside_a_period(pb::RateStepTiming::SplitPeriod))
        .await
        .unwrap()
        .into_inner();
    let first = &split.installments[0];
    // 1,000,000 x (0.04 x 76/360 + 0.06 x 105/360) = 25,944.44.
    assert_eq!(first.interest, Some(money("USD", "25944.44")));
    assert_eq!(first.annual_rate, "0.04");
    let parts: Vec<_> = first
        .rate_segments
        .iter()
        .map(|p| (p.start_date, p.end_date, p.annual_rate.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            (date(2025, 1, 15), date(2025, 4, 1), "0.04"),
            (date(2025, 4, 1), date(2025, 7, 15), "0.06"),
        ]
    );
    assert_eq!(
        split.resolved_terms.unwrap().rate_step_timing(),
        pb::RateStepTiming::SplitPeriod
    );

    let mut bad = stepped_inside_a_period(pb::RateStepTiming::SplitPeriod);
    bad.terms.as_mut().unwrap().rate_step_timing = 7;
    let status = client.build_schedule(bad).await.expect_err("unknown enum");
    assert_eq!(violation_fields(&status), ["terms.rate_step_timing"]);
    assert_eq!(error_reason(&status), "UNKNOWN_ENUM_VALUE");
}

fn adjusted(
    convention: pb::BusinessDayConvention,
    holidays: Vec<Date>,
) -> pb::BuildScheduleRequest {
    pb::BuildScheduleRequest {
        principal: Some(money("USD", "1000000")),
        terms: Some(pb::LoanTerms {
            // A Saturday.
            first_payment_date: date(2025, 5, 31),
            frequency: pb::Frequency::Monthly as i32,
            installment_count: Some(3),
            business_day_convention: convention as i32,
            holidays,
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn business_days_are_applied_echoed_and_validated() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let holiday = Date {
        year: 2025,
        month: 6,
        day: 2,
    };
    let response = client
        .build_schedule(adjusted(
            pb::BusinessDayConvention::Following,
            vec![holiday, holiday],
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.installments[0].due_date, date(2025, 6, 3));
    assert_eq!(response.installments[0].accrual_end_date, date(2025, 6, 3));
    let conventions = response.conventions.unwrap();
    assert_eq!(conventions.business_day_adjustment, "FOLLOWING");
    assert_eq!(conventions.weekend, "SATURDAY_SUNDAY");
    let resolved = response.resolved_terms.unwrap();
    assert_eq!(resolved.holidays, [holiday]);
    assert_eq!(resolved.accrual_dates(), pb::AccrualDates::Adjusted);
    assert_eq!(
        resolved.business_day_convention(),
        pb::BusinessDayConvention::Following
    );

    let status = client
        .build_schedule(adjusted(
            pb::BusinessDayConvention::Unadjusted,
            vec![holiday],
        ))
        .await
        .expect_err("holidays without a convention");
    assert_eq!(violation_fields(&status), ["terms.holidays"]);
    assert_eq!(error_reason(&status), "UNEXPECTED_FIELD");

    let bad_date = Date {
        year: 2025,
        month: 2,
        day: 30,
    };
    let status = client
        .build_schedule(adjusted(
            pb::BusinessDayConvention::Preceding,
            vec![holiday, bad_date],
        ))
        .await
        .expect_err("no 30 February");
    assert_eq!(violation_fields(&status), ["terms.holidays[1]"]);

    let status = client
        .build_schedule(adjusted(
            pb::BusinessDayConvention::Following,
            vec![holiday; 5_001],
        ))
        .await
        .expect_err("too many holidays");
    assert_eq!(violation_fields(&status), ["terms.holidays"]);
    assert_eq!(error_reason(&status), "TOO_MANY_HOLIDAYS");

    let mut bad = adjusted(pb::BusinessDayConvention::Following, vec![]);
    bad.terms.as_mut().unwrap().business_day_convention = 9;
    bad.terms.as_mut().unwrap().accrual_dates = 9;
    let status = client.build_schedule(bad).await.expect_err("unknown enums");
    assert_eq!(
        violation_fields(&status),
        ["terms.business_day_convention", "terms.accrual_dates"]
    );
}

fn floating(fixings: Vec<(Option<Date>, &str)>, margin: &str) -> pb::BuildScheduleRequest {
    pb::BuildScheduleRequest {
        principal: Some(money("USD", "1000000")),
        terms: Some(pb::LoanTerms {
            first_payment_date: date(2025, 4, 15),
            frequency: pb::Frequency::Quarterly as i32,
            installment_count: Some(4),
            amortization: pb::Amortization::Bullet as i32,
            day_count: pb::DayCount::Act360 as i32,
            floating_rate: Some(pb::FloatingRate {
                fixings: fixings
                    .into_iter()
                    .map(|(date, rate)| pb::Fixing {
                        date,
                        rate: rate.into(),
                    })
                    .collect(),
                margin: margin.into(),
            }),
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn floating_rates_are_applied_echoed_and_validated() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let path = vec![
        (date(2025, 1, 10), "0.031"),
        (date(2025, 4, 15), "0.034"),
        (date(2025, 6, 1), "0.0295"),
        (date(2025, 10, 20), "0.028"),
    ];
    let response = client
        .build_schedule(floating(path.clone(), "0.0125"))
        .await
        .unwrap()
        .into_inner();
    let interest: Vec<_> = response
        .installments
        .iter()
        .map(|i| i.interest.clone().unwrap().amount)
        .collect();
    assert_eq!(interest, ["10875.00", "11754.17", "10733.33", "10733.33"]);
    assert_eq!(
        response.conventions.unwrap().fixing_rule,
        "LAST_FIXING_ON_OR_BEFORE_ACCRUAL_START_PLUS_MARGIN"
    );
    let resolved = response.resolved_terms.unwrap();
    assert_eq!(resolved.annual_rate, "");
    assert_eq!(resolved.floating_rate.unwrap().margin, "0.0125");

    // The first fixing after the first accrual start (2025-01-15).
    let status = client
        .build_schedule(floating(path[1..].to_vec(), "0.0125"))
        .await
        .expect_err("no fixing in force at the start");
    assert_eq!(
        violation_fields(&status),
        ["terms.floating_rate.fixings[0].date"]
    );
    assert_eq!(error_reason(&status), "NO_FIXING_AT_FIRST_ACCRUAL_START");

    let mut bad = floating(
        vec![
            (date(2025, 1, 10), "0.031"),
            (date(2025, 1, 10), "0.032"),
            (date(2025, 2, 30), "0.03"),
            (date(2025, 3, 1), "-1.5"),
        ],
        "x",
    );
    let terms = bad.terms.as_mut().unwrap();
    terms.annual_rate = "0.05".into();
    let status = client.build_schedule(bad).await.expect_err("bad floating");
    assert_eq!(
        violation_fields(&status),
        [
            "terms.annual_rate",
            "terms.floating_rate.margin",
            "terms.floating_rate.fixings[1].date",
            "terms.floating_rate.fixings[2].date",
        ]
    );
    let status = client
        .build_schedule(floating(vec![(date(2025, 1, 10), "-1.5")], "0.25"))
        .await
        .expect_err("rate below -1");
    assert_eq!(
        violation_fields(&status),
        ["terms.floating_rate.fixings[0].rate"]
    );
    let status = client
        .build_schedule(floating(vec![], "0"))
        .await
        .expect_err("no fixings");
    assert_eq!(violation_fields(&status), ["terms.floating_rate.fixings"]);
}
