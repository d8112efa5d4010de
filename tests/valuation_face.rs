//! The face value of a stream over real gRPC (issue 9, findings 1 and 2):
//! principal, past-due principal and past-due interest, never the sum of
//! future payments; past-due amounts count in the face and the present
//! value alike; past-due interest is given one way only.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{self as pb, debt_stream::Stream, discounting::Rate};
use debtcalc::api::pb::google::r#type::Date;
use tonic::Code;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

fn flat(rate: &str) -> Option<pb::Discounting> {
    Some(pb::Discounting {
        rate: Some(Rate::FlatRate(rate.into())),
        ..Default::default()
    })
}

fn flow(year: i32, amount: &str, kind: pb::CashFlowKind) -> pb::CashFlow {
    pb::CashFlow {
        date: date(year, 1, 15),
        amount: Some(money("USD", amount)),
        kind: kind as i32,
    }
}

fn flows(flows: Vec<pb::CashFlow>) -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::CashFlows(pb::CashFlowList { flows })),
    })
}

/// A 5% two-year loan of 100: 5 of interest, then 5 of interest and 100 of
/// principal.
fn five_percent_two_years() -> Option<pb::DebtStream> {
    use pb::CashFlowKind::{Interest, Principal};
    flows(vec![
        flow(2025, "5", Interest),
        flow(2026, "5", Interest),
        flow(2026, "100", Principal),
    ])
}

/// Finding 1: the face is the principal, not the sum of the payments. Before
/// the fix the face was 110, so CT and the grant element read
/// 1 - 100/110 = 9.09% where SZ read 0.
#[tokio::test]
async fn a_loan_at_the_discount_rate_exchanged_for_itself_loses_nothing() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: five_percent_two_years(),
            past_due_interest: None,
            new_debt: five_percent_two_years(),
            valuation_date: date(2024, 1, 15),
            discounting: flat("0.05"),
        })
        .await
        .unwrap()
        .into_inner();
    for stream in [response.old_claim.unwrap(), response.new_debt.unwrap()] {
        assert_eq!(stream.face_value, Some(money("USD", "100.00")));
        assert_eq!(stream.present_value, Some(money("USD", "100.00")));
        assert_eq!(stream.total_debt_service, Some(money("USD", "110.00")));
        // Only the principal weighs in the average life.
        assert_eq!(stream.average_life_years, "2");
    }
    assert_eq!(response.sz_haircut, "0");
    assert_eq!(response.ct_haircut, "0");
    assert_eq!(response.nominal_haircut, "0");
    assert_eq!(response.grant_element_at_discount_rate, "0");
    let conventions = response.conventions.unwrap();
    let rule = conventions.face_value;
    assert!(
        rule.starts_with(
            "OUTSTANDING_PRINCIPAL_PLUS_PAST_DUE_PRINCIPAL_AND_INTEREST_PLUS_ACCRUED_INTEREST:"
        ),
        "{rule}"
    );
    assert!(rule.contains("none for cash flows"), "{rule}");
}

#[tokio::test]
async fn fees_and_future_interest_are_not_face_past_due_interest_is() {
    use pb::CashFlowKind::{Fee, Interest, Principal};
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: flows(vec![
                flow(2023, "30", Principal),
                flow(2023, "7", Interest),
                flow(2023, "2", Fee),
                flow(2026, "70", Principal),
                flow(2026, "9", Interest),
                flow(2026, "1", Fee),
            ]),
            past_due_interest: None,
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::DueAtValuation(money("USD", "50"))),
            }),
            valuation_date: date(2024, 1, 15),
            discounting: flat("0"),
        })
        .await
        .unwrap()
        .into_inner();
    let old = response.old_claim.unwrap();
    let parts = old.face_components.unwrap();
    assert_eq!(parts.outstanding_principal, Some(money("USD", "70.00")));
    assert_eq!(parts.past_due_principal, Some(money("USD", "30.00")));
    assert_eq!(parts.past_due_interest, Some(money("USD", "7.00")));
    assert_eq!(old.face_value, Some(money("USD", "107.00")));
    assert_eq!(old.present_value, Some(money("USD", "119.00")));
    // 1 - 50/107
    assert_eq!(response.ct_haircut, "0.5327102803738317757");
    assert_eq!(response.nominal_haircut, "0.5327102803738317757");
    let new = response.new_debt.unwrap().face_components.unwrap();
    assert_eq!(new.past_due_principal, Some(money("USD", "50.00")));
}

#[tokio::test]
async fn a_flow_without_a_kind_or_a_stream_without_a_face_is_refused() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let mut unkinded = flow(2026, "100", pb::CashFlowKind::Principal);
    unkinded.kind = 0;
    let status = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: flows(vec![unkinded]),
            new_debt: flows(vec![flow(2026, "5", pb::CashFlowKind::Interest)]),
            valuation_date: date(2024, 1, 15),
            discounting: flat("0.05"),
            ..Default::default()
        })
        .await
        .expect_err("no kind, no face");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        [
            "old_claim.cash_flows.flows[0].kind",
            "new_debt.cash_flows.flows"
        ]
    );
    assert!(
        status.message().contains("no face value"),
        "{}",
        status.message()
    );
}

/// A loan of 1,000,000 at 8%, equal principal in four annual instalments,
/// all due before the valuation date: 200,000 of interest past due.
fn past_due_loan() -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::Loan(pb::LoanStream {
            principal: Some(money("USD", "1000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2019, 1, 15),
                frequency: pb::Frequency::Annual as i32,
                installment_count: Some(4),
                amortization: pb::Amortization::EqualPrincipal as i32,
                annual_rate: "0.08".into(),
                ..Default::default()
            }),
        })),
    })
}

/// Finding 2: before the fix, SZ 58.3% but CT 50.0% (face 1,000,000).
#[tokio::test]
async fn a_fully_past_due_loan_has_its_interest_in_the_face() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: past_due_loan(),
            past_due_interest: None,
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::DueAtValuation(money("USD", "500000"))),
            }),
            valuation_date: date(2024, 1, 15),
            discounting: flat("0.08"),
        })
        .await
        .unwrap()
        .into_inner();
    let old = response.old_claim.unwrap();
    assert_eq!(old.present_value, Some(money("USD", "1200000.00")));
    assert_eq!(old.face_value, Some(money("USD", "1200000.00")));
    let parts = old.face_components.unwrap();
    assert_eq!(parts.outstanding_principal, Some(money("USD", "0.00")));
    assert_eq!(parts.past_due_principal, Some(money("USD", "1000000.00")));
    assert_eq!(parts.past_due_interest, Some(money("USD", "200000.00")));
    // 1 - 500,000 / 1,200,000 = 7/12
    assert_eq!(response.sz_haircut, "0.58333333333333333333");
    assert_eq!(response.ct_haircut, "0.58333333333333333333");
    assert_eq!(response.nominal_haircut, "0.58333333333333333333");
}

#[tokio::test]
async fn a_partly_past_due_loan_splits_its_face() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    // Two of the four instalments due (2019 and 2020): 500,000 principal
    // and 80,000 + 60,000 interest past due, 500,000 outstanding.
    let response = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: past_due_loan(),
            past_due_interest: None,
            new_debt: past_due_loan(),
            valuation_date: date(2020, 1, 15),
            discounting: flat("0.08"),
        })
        .await
        .unwrap()
        .into_inner();
    let parts = response.old_claim.unwrap().face_components.unwrap();
    assert_eq!(parts.outstanding_principal, Some(money("USD", "500000.00")));
    assert_eq!(parts.past_due_principal, Some(money("USD", "500000.00")));
    assert_eq!(parts.past_due_interest, Some(money("USD", "140000.00")));
    assert_eq!(response.ct_haircut, "0");
}

#[tokio::test]
async fn past_due_interest_is_given_one_way_only() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = |old_claim| pb::ValueRestructuringRequest {
        old_claim,
        past_due_interest: Some(money("USD", "1000")),
        new_debt: Some(pb::DebtStream {
            stream: Some(Stream::DueAtValuation(money("USD", "500000"))),
        }),
        valuation_date: date(2024, 1, 15),
        discounting: flat("0.08"),
    };
    let status = client
        .value_restructuring(request(past_due_loan()))
        .await
        .expect_err("counted twice");
    assert_eq!(
        violation_fields(&status),
        ["past_due_interest", "old_claim.loan"]
    );
    assert_eq!(error_reason(&status), "PAST_DUE_INTEREST_TWICE");

    use pb::CashFlowKind::{Interest, Principal};
    let listed = flows(vec![
        flow(2023, "80", Interest),
        flow(2026, "1000", Principal),
        flow(2026, "80", Interest),
    ]);
    let status = client
        .value_restructuring(request(listed))
        .await
        .expect_err("counted twice");
    assert_eq!(
        violation_fields(&status),
        ["past_due_interest", "old_claim.cash_flows.flows[0]"]
    );

    // The same loan valued before its first instalment has nothing past due.
    let mut fine = request(past_due_loan());
    fine.valuation_date = date(2018, 1, 15);
    let response = client.value_restructuring(fine).await.unwrap().into_inner();
    let old = response.old_claim.unwrap();
    assert_eq!(old.face_value, Some(money("USD", "1001000.00")));
}

/// A 5% bullet loan of 1,000,000 accruing from 2024-01-15, interest paid
/// each 15 January from 2025, repaid on 2027-01-15, on `day_count`.
fn bullet_loan(day_count: pb::DayCount) -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::Loan(pb::LoanStream {
            principal: Some(money("USD", "1000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2025, 1, 15),
                frequency: pb::Frequency::Annual as i32,
                installment_count: Some(3),
                amortization: pb::Amortization::Bullet as i32,
                annual_rate: "0.05".into(),
                day_count: day_count as i32,
                ..Default::default()
            }),
        })),
    })
}

/// Issue 9, finding 1 between payment dates: the loan exchanged for itself
/// mid-period (2024-07-15), valued at its own rate. Before the fix the face
/// left out the interest accrued since 2024-01-15 while the present value
/// (1,000,000 x sqrt(1.05) on the month-count time basis) includes the
/// whole coming coupon, so CT and the grant element read
/// 1 - sqrt(1.05) = -0.02469507659595983832 (checked on the old code). The
/// expected shares are 1 - sqrt(1.05) x 1,000,000 / face, computed with
/// Python decimal at 60 digits. They are not 0: annual-effective
/// discounting compounds over the part period ((1.05)^0.5 = 1.0246951
/// against the linear accrual 1.025), as a bond's dirty price at a yield
/// equal to its coupon exceeds par plus accrued. On a due date both are
/// exactly 0.
#[tokio::test]
async fn accrued_interest_is_part_of_the_face_between_payment_dates() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = |day_count, valuation_date| pb::ValueRestructuringRequest {
        old_claim: bullet_loan(day_count),
        past_due_interest: None,
        new_debt: bullet_loan(day_count),
        valuation_date,
        discounting: flat("0.05"),
    };
    // 30/360: 180/360 of the 50,000 coupon. The periodic count prorates the
    // part period as ACT/ACT ICMA does: 182 of the 366 days of the regular
    // period 2024-01-15..2025-01-15, 24,863.39.
    for (day_count, accrued, face, share) in [
        (
            pb::DayCount::Thirty360,
            "25000.00",
            "1025000.00",
            "0.00029748624784406017",
        ),
        (
            pb::DayCount::Periodic,
            "24863.39",
            "1024863.39",
            "0.00016423008732916265",
        ),
    ] {
        let response = client
            .value_restructuring(request(day_count, date(2024, 7, 15)))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.sz_haircut, "0");
        assert_eq!(response.nominal_haircut, "0");
        assert_eq!(response.ct_haircut, share, "{day_count:?}");
        assert_eq!(response.grant_element_at_discount_rate, share);
        for stream in [response.old_claim.unwrap(), response.new_debt.unwrap()] {
            assert_eq!(stream.face_value, Some(money("USD", face)));
            assert_eq!(stream.present_value, Some(money("USD", "1024695.08")));
            let parts = stream.face_components.unwrap();
            assert_eq!(
                parts.outstanding_principal,
                Some(money("USD", "1000000.00"))
            );
            assert_eq!(parts.accrued_interest, Some(money("USD", accrued)));
            assert_eq!(parts.past_due_interest, Some(money("USD", "0.00")));
        }

        // On a due date the coupon is past due, nothing accrued: exactly 0.
        let response = client
            .value_restructuring(request(day_count, date(2025, 1, 15)))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.sz_haircut, "0");
        assert_eq!(response.ct_haircut, "0");
        assert_eq!(response.grant_element_at_discount_rate, "0");
        let parts = response.old_claim.unwrap().face_components.unwrap();
        assert_eq!(parts.accrued_interest, Some(money("USD", "0.00")));
        assert_eq!(parts.past_due_interest, Some(money("USD", "50000.00")));
    }
}

/// Issue 9, finding 2 with a negative rate: a loan of 1,000,000 at -90%,
/// equal principal in four annual instalments from 2019-01-15, all due by
/// 2024-01-15. Its interest (-900,000, -675,000, -450,000, -225,000) counts
/// with its sign, so the face is 1,000,000 - 2,250,000 = -1,250,000: no
/// haircut divides by it. Before the fix the error was INVALID_INPUT on
/// old_claim, new_debt and discounting alike ("old face value must be
/// positive for a haircut", checked on the old code); now it is one
/// violation on the stream's own field, its parts in the message.
#[tokio::test]
async fn a_non_positive_face_is_refused_on_its_stream() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let mut loan = past_due_loan();
    if let Some(Stream::Loan(l)) = loan.as_mut().and_then(|s| s.stream.as_mut()) {
        l.terms.as_mut().unwrap().annual_rate = "-0.9".into();
    }
    let due_now = Some(pb::DebtStream {
        stream: Some(Stream::DueAtValuation(money("USD", "500000"))),
    });
    for (old_claim, new_debt, field) in [
        (loan.clone(), due_now.clone(), "old_claim.loan"),
        (due_now, loan, "new_debt.loan"),
    ] {
        let status = client
            .value_restructuring(pb::ValueRestructuringRequest {
                old_claim,
                past_due_interest: None,
                new_debt,
                valuation_date: date(2024, 1, 15),
                discounting: flat("0.08"),
            })
            .await
            .expect_err("no face");
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(violation_fields(&status), [field]);
        assert_eq!(error_reason(&status), "NON_POSITIVE_FACE_VALUE");
        for part in [
            "-1250000.00",
            "outstanding principal 0.00",
            "past-due principal 1000000.00",
            "past-due interest -2250000.00",
            "accrued interest 0.00",
        ] {
            assert!(status.message().contains(part), "{}", status.message());
        }
    }
}

/// Next to finding 2: a positive face but a non-positive present value (a
/// bullet loan of 1,000,000 at -50%: four payments of -500,000, the last
/// +500,000) has no Sturzenegger-Zettelmeyer haircut. Before, the error was
/// repeated on old_claim, new_debt and discounting (checked on the old
/// code); the new debt plays no part in it.
#[tokio::test]
async fn a_non_positive_old_present_value_names_the_old_claim_and_discounting() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let mut loan = past_due_loan();
    if let Some(Stream::Loan(l)) = loan.as_mut().and_then(|s| s.stream.as_mut()) {
        let terms = l.terms.as_mut().unwrap();
        terms.first_payment_date = date(2025, 1, 15);
        terms.amortization = pb::Amortization::Bullet as i32;
        terms.annual_rate = "-0.5".into();
    }
    let status = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: loan,
            past_due_interest: None,
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::DueAtValuation(money("USD", "500000"))),
            }),
            valuation_date: date(2024, 1, 15),
            discounting: flat("0.08"),
        })
        .await
        .expect_err("no SZ haircut");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violation_fields(&status), ["old_claim", "discounting"]);
}
