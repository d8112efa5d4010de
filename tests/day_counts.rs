//! Day counts over real gRPC (issue 9, findings 4 and 5): the 30/360 family
//! on end-of-month schedules at the ends of February in common and leap
//! years, and irregular first periods.

mod common;

use common::{money, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use debtcalc::api::pb::debtcalc::v1::debt_stream::Stream;
use debtcalc::api::pb::debtcalc::v1::discounting::Rate;
use debtcalc::api::pb::google::r#type::Date;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

/// The interest of every period of a bullet loan of 1,000,000 USD at 6%.
async fn interest(terms: pb::LoanTerms) -> Vec<String> {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .build_schedule(pb::BuildScheduleRequest {
            principal: Some(money("USD", "1000000")),
            terms: Some(pb::LoanTerms {
                annual_rate: "0.06".into(),
                amortization: pb::Amortization::Bullet as i32,
                ..terms
            }),
        })
        .await
        .unwrap()
        .into_inner();
    response
        .installments
        .iter()
        .map(|i| i.interest.as_ref().unwrap().amount.clone())
        .collect()
}

/// Semi-annual month-end dates from `first` (the accrual starting one
/// period before), `count` periods.
fn month_ends(first: Option<Date>, count: u32, day_count: pb::DayCount) -> pb::LoanTerms {
    pb::LoanTerms {
        first_payment_date: first,
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(count),
        end_of_month: Some(true),
        day_count: day_count as i32,
        ..Default::default()
    }
}

#[tokio::test]
async fn month_ends_through_common_februaries() {
    // 2024-08-31, 2025-02-28, 2025-08-31, 2026-02-28, 2026-08-31.
    let first = date(2025, 2, 28);
    let cases = [
        // §4.16(f) Bond Basis: 178 and 183 days, as before.
        (
            pb::DayCount::Thirty360,
            ["29666.67", "30500.00", "29666.67", "30500.00"],
        ),
        // US: the February rule fixes the period starting on Feb 28 only.
        (
            pb::DayCount::Thirty360Us,
            ["29666.67", "30000.00", "29666.67", "30000.00"],
        ),
        // §4.16(g): 178 and 182 days.
        (
            pb::DayCount::ThirtyE360,
            ["29666.67", "30333.33", "29666.67", "30333.33"],
        ),
        // §4.16(h): every month end counts 30, every period is half a year.
        (
            pb::DayCount::ThirtyE360Isda,
            ["30000.00", "30000.00", "30000.00", "30000.00"],
        ),
    ];
    for (day_count, want) in cases {
        assert_eq!(
            interest(month_ends(first, 4, day_count)).await,
            want,
            "{day_count:?}"
        );
    }
}

#[tokio::test]
async fn month_ends_through_a_leap_february() {
    // 2023-08-31, 2024-02-29, 2024-08-31.
    let first = date(2024, 2, 29);
    let cases = [
        (pb::DayCount::Thirty360, ["29833.33", "30333.33"]),
        (pb::DayCount::Thirty360Us, ["29833.33", "30000.00"]),
        (pb::DayCount::ThirtyE360, ["29833.33", "30166.67"]),
        (pb::DayCount::ThirtyE360Isda, ["30000.00", "30000.00"]),
    ];
    for (day_count, want) in cases {
        assert_eq!(
            interest(month_ends(first, 2, day_count)).await,
            want,
            "{day_count:?}"
        );
    }
}

#[tokio::test]
async fn isda_keeps_the_last_day_of_february_at_maturity() {
    // Maturity 2026-02-28: the last period counts 178 days under §4.16(h),
    // a February due date before it 180.
    assert_eq!(
        interest(month_ends(
            date(2025, 2, 28),
            3,
            pb::DayCount::ThirtyE360Isda
        ))
        .await,
        ["30000.00", "30000.00", "29666.67"]
    );
    // The leap-year maturity 2028-02-29: 2027-08-31 to 2028-02-29 is 179.
    assert_eq!(
        interest(month_ends(
            date(2027, 2, 28),
            3,
            pb::DayCount::ThirtyE360Isda
        ))
        .await,
        ["30000.00", "30000.00", "29833.33"]
    );
}

#[tokio::test]
async fn the_new_day_counts_are_echoed() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    for day_count in [
        pb::DayCount::Thirty360Us,
        pb::DayCount::ThirtyE360,
        pb::DayCount::ThirtyE360Isda,
    ] {
        let response = client
            .build_schedule(pb::BuildScheduleRequest {
                principal: Some(money("USD", "1000")),
                terms: Some(month_ends(date(2025, 2, 28), 2, day_count)),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            response.resolved_terms.unwrap().day_count,
            day_count as i32,
            "{day_count:?}"
        );
    }
}

/// Semi-annual bullet terms with a first payment on 2025-07-15 and the
/// given accrual start.
fn irregular_first(accrual_start: Option<Date>, day_count: pb::DayCount) -> pb::LoanTerms {
    pb::LoanTerms {
        first_payment_date: date(2025, 7, 15),
        accrual_start_date: accrual_start,
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(2),
        day_count: day_count as i32,
        ..Default::default()
    }
}

#[tokio::test]
async fn act_act_icma_prorates_irregular_first_periods() {
    let icma = pb::DayCount::ActActIcma;
    // Regular: one period before the first payment, exactly half a year.
    assert_eq!(
        interest(irregular_first(None, icma)).await,
        ["30000.00", "30000.00"]
    );
    // Short: 30 of the 181 days of 2025-01-15..2025-07-15 (QuantLib:
    // 0.0828729281767956 x 60,000 = 4,972.3757).
    assert_eq!(
        interest(irregular_first(date(2025, 6, 15), icma)).await,
        ["4972.38", "30000.00"]
    );
    // Long: 31 of the 184 days of 2024-07-15..2025-01-15, then a whole
    // period (QuantLib: 0.5842391304347826 x 60,000 = 35,054.3478).
    assert_eq!(
        interest(irregular_first(date(2024, 12, 15), icma)).await,
        ["35054.35", "30000.00"]
    );
}

#[tokio::test]
async fn periodic_prorates_irregular_first_periods() {
    // Issue 9, finding 4: the short first period accrued a full 30,000.00.
    let periodic = pb::DayCount::Periodic;
    assert_eq!(
        interest(irregular_first(date(2025, 6, 15), periodic)).await,
        ["4972.38", "30000.00"]
    );
    // The long first period accrued 30,000.00 too.
    assert_eq!(
        interest(irregular_first(date(2024, 12, 15), periodic)).await,
        ["35054.35", "30000.00"]
    );
    // Regular periods are unchanged, and so is the default (periodic).
    assert_eq!(
        interest(irregular_first(None, pb::DayCount::Unspecified)).await,
        ["30000.00", "30000.00"]
    );
}

/// The present value of 1,000,000 USD at 0% repaid in two semi-annual
/// month-end instalments from 2025-02-28, valued on 2024-08-31 at 5% annual
/// effective on `basis`, and the basis echoed.
async fn month_end_present_value(basis: pb::TimeBasis) -> (String, pb::TimeBasis) {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: Some(pb::DebtStream {
                stream: Some(Stream::DueAtValuation(money("USD", "1000000"))),
            }),
            past_due_interest: None,
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::Loan(pb::LoanStream {
                    principal: Some(money("USD", "1000000")),
                    terms: Some(month_ends(date(2025, 2, 28), 2, pb::DayCount::Periodic)),
                })),
            }),
            valuation_date: date(2024, 8, 31),
            discounting: Some(pb::Discounting {
                rate: Some(Rate::FlatRate("0.05".into())),
                time_basis: basis as i32,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    let echoed = response
        .conventions
        .unwrap()
        .discounting
        .unwrap()
        .time_basis();
    (response.new_debt.unwrap().present_value_exact, echoed)
}

#[tokio::test]
async fn the_default_time_basis_counts_months_through_february() {
    // Issue 9, finding 5: the default promised k/12 years for a flow k
    // months away, but put 2025-02-28 at 178/360 years from 2024-08-31.
    // Python decimal at 60 digits: 500000 x (1.05^-0.5 + 1.05^-1) =
    // 964140.51266474278015338279431...
    let (pv, echoed) = month_end_present_value(pb::TimeBasis::Unspecified).await;
    assert_eq!(echoed, pb::TimeBasis::Months);
    assert_eq!(&pv[..25], "964140.512664742780153382");
    let (pv, echoed) = month_end_present_value(pb::TimeBasis::Months).await;
    assert_eq!(echoed, pb::TimeBasis::Months);
    assert_eq!(&pv[..25], "964140.512664742780153382");
    // Bond Basis stays available, with its 178 days:
    // 500000 x (1.05^(-178/360) + 1.05^-1) = 964272.79260485541743227...
    let (pv, echoed) = month_end_present_value(pb::TimeBasis::Thirty360).await;
    assert_eq!(echoed, pb::TimeBasis::Thirty360);
    assert_eq!(&pv[..25], "964272.792604855417432271");
}
