//! SweepValuation over real gRPC: every cell of a small grid against the
//! unary ValueRestructuring of the same pair, the conventions echoed, and
//! bad grids refused with field paths.

mod common;

use common::{error_reason, money, violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1::{self as pb, debt_stream::Stream, discounting::Rate};
use debtcalc::api::pb::google::r#type::Date;
use debtcalc::server::ServerConfig;
use std::time::Duration;
use tonic::Code;

fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

/// An old loan valued between its due dates (past-due instalments and
/// accrued interest in its face).
fn old_loan() -> pb::DebtStream {
    pb::DebtStream {
        stream: Some(Stream::Loan(pb::LoanStream {
            principal: Some(money("USD", "10960000000")),
            terms: Some(pb::LoanTerms {
                first_payment_date: date(2012, 3, 17),
                frequency: pb::Frequency::Annual as i32,
                installment_count: Some(8),
                annual_rate: "0.04".into(),
                ..Default::default()
            }),
        })),
    }
}

fn new_terms() -> pb::LoanTerms {
    pb::LoanTerms {
        first_payment_date: date(2014, 11, 5),
        frequency: pb::Frequency::SemiAnnual as i32,
        installment_count: Some(36),
        grace_periods: Some(4),
        annual_rate: "0.01".into(),
        amortization: pb::Amortization::LevelPayment as i32,
        ..Default::default()
    }
}

fn sweep(shares: &[&str], rates: &[&str]) -> pb::SweepValuationRequest {
    pb::SweepValuationRequest {
        old_claim: Some(old_loan()),
        past_due_interest: None,
        valuation_date: date(2014, 5, 5),
        new_terms: Some(new_terms()),
        write_off_shares: shares.iter().map(|s| s.to_string()).collect(),
        discount_rates: rates.iter().map(|s| s.to_string()).collect(),
        compounding: pb::Compounding::Periodic as i32,
        compounding_frequency: Some(2),
        time_basis: pb::TimeBasis::Act365Fixed as i32,
        installment_counts: Vec::new(),
    }
}

#[tokio::test]
async fn every_cell_equals_the_unary_valuation() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = sweep(
        &["0", "0.9", "0.5", "0.123457"],
        &["0.05", "0", "-0.005", "0.09"],
    );
    let response = client
        .sweep_valuation(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.rows.len(), 4);
    assert_eq!(response.rates.len(), 4);
    assert_eq!(
        response.work_sharing,
        "ONE_SCHEDULE_PER_WRITE_OFF_SHARE_ONE_SET_OF_DISCOUNT_FACTORS_PER_RATE"
    );
    let conventions = response.conventions.clone().unwrap();
    assert!(conventions.provenance.is_some());
    assert_eq!(conventions.valuation_date, date(2014, 5, 5));
    let echoed = conventions.discounting.clone().unwrap();
    assert_eq!(echoed.rate, None);
    assert_eq!(echoed.compounding, pb::Compounding::Periodic as i32);
    assert_eq!(echoed.compounding_frequency, Some(2));
    assert_eq!(echoed.time_basis, pb::TimeBasis::Act365Fixed as i32);
    assert_every_cell_is_unary(&mut client, &request, &response).await;
    // The write-off applies to the whole face (accrued and past-due
    // interest included): writing off nothing leaves it all.
    assert_eq!(response.rows[0].nominal_haircut, "0");
    assert_eq!(
        response.rows[0].new_principal,
        response.write_off_base.unwrap().total
    );
}

#[tokio::test]
async fn maturities_multiply_the_rows_and_each_cell_is_unary() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let mut request = sweep(&["0.9", "0.5"], &["0.05", "0.02"]);
    request.installment_counts = vec![36, 10, 60];
    let response = client
        .sweep_valuation(request.clone())
        .await
        .unwrap()
        .into_inner();
    let rows: Vec<(&str, Option<u32>)> = response
        .rows
        .iter()
        .map(|r| (r.write_off_share.as_str(), r.installment_count))
        .collect();
    assert_eq!(
        rows,
        [
            ("0.9", Some(36)),
            ("0.9", Some(10)),
            ("0.9", Some(60)),
            ("0.5", Some(36)),
            ("0.5", Some(10)),
            ("0.5", Some(60)),
        ]
    );
    assert_every_cell_is_unary(&mut client, &request, &response).await;
}

async fn assert_every_cell_is_unary(
    client: &mut pb::restructuring_service_client::RestructuringServiceClient<
        tonic::transport::Channel,
    >,
    request: &pb::SweepValuationRequest,
    response: &pb::SweepValuationResponse,
) {
    let conventions = response.conventions.clone().unwrap();
    // Issue 14: every present value (the old claim per rate, the new debt
    // per cell) counted once, by the path that computed it.
    assert_eq!(
        conventions.fast_path_valuations.unwrap() + conventions.exact_fallbacks.unwrap(),
        (request.discount_rates.len() * (1 + response.rows.len())) as u32
    );
    let counts = request.installment_counts.len().max(1);
    let mut cells = 0;
    for (i, row) in response.rows.iter().enumerate() {
        assert_eq!(row.write_off_share, request.write_off_shares[i / counts]);
        let mut terms = request.new_terms.clone().unwrap();
        terms.installment_count = row.installment_count;
        for (j, cell) in row.cells.iter().enumerate() {
            let rate = &request.discount_rates[j];
            let unary = client
                .value_restructuring(pb::ValueRestructuringRequest {
                    old_claim: request.old_claim.clone(),
                    past_due_interest: None,
                    new_debt: Some(pb::DebtStream {
                        stream: Some(Stream::Loan(pb::LoanStream {
                            principal: row.new_principal.clone(),
                            terms: Some(terms.clone()),
                        })),
                    }),
                    valuation_date: request.valuation_date,
                    discounting: Some(pb::Discounting {
                        rate: Some(Rate::FlatRate(rate.clone())),
                        compounding: request.compounding,
                        compounding_frequency: request.compounding_frequency,
                        time_basis: request.time_basis,
                    }),
                })
                .await
                .unwrap()
                .into_inner();
            let old = unary.old_claim.unwrap();
            let new = unary.new_debt.unwrap();
            let here = format!(
                "share {} count {:?} rate {rate}",
                row.write_off_share, row.installment_count
            );
            assert_eq!(cell.discount_rate, *rate, "{here}");
            assert_eq!(response.rates[j].discount_rate, *rate, "{here}");
            assert_eq!(
                response.rates[j].old_present_value, old.present_value,
                "{here}"
            );
            assert_eq!(
                response.rates[j].old_present_value_exact, old.present_value_exact,
                "{here}"
            );
            assert_eq!(
                response.write_off_base.as_ref().unwrap().total,
                old.face_value,
                "{here}"
            );
            assert_eq!(
                response.write_off_base.as_ref().unwrap().components,
                old.face_components,
                "{here}"
            );
            assert_eq!(row.new_face_value, new.face_value, "{here}");
            assert_eq!(cell.new_present_value, new.present_value, "{here}");
            assert_eq!(
                cell.new_present_value_exact, new.present_value_exact,
                "{here}"
            );
            assert_eq!(row.nominal_haircut, unary.nominal_haircut, "{here}");
            assert_eq!(cell.sz_haircut, unary.sz_haircut, "{here}");
            assert_eq!(cell.ct_haircut, unary.ct_haircut, "{here}");
            assert_eq!(
                cell.grant_element_at_discount_rate, unary.grant_element_at_discount_rate,
                "{here}"
            );
            let mut resolved = response.resolved_new_terms.clone().unwrap();
            resolved.installment_count = row.installment_count;
            assert_eq!(Some(resolved), new.resolved_terms, "{here}");
            let mut face = conventions.clone();
            face.discounting = None;
            let mut unary_conventions = unary.conventions.clone().unwrap();
            unary_conventions.discounting = None;
            // The path counts are the call's own: two present values per
            // unary call, the grid's in the sweep.
            for c in [&mut face, &mut unary_conventions] {
                c.fast_path_valuations = None;
                c.exact_fallbacks = None;
            }
            assert_eq!(face, unary_conventions, "{here}");
            cells += 1;
        }
    }
    assert_eq!(cells, response.rows.len() * request.discount_rates.len());
    assert_eq!(response.rows.len(), request.write_off_shares.len() * counts);
}

#[tokio::test]
async fn bad_grids_are_refused_with_field_paths() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let cases: Vec<(pb::SweepValuationRequest, &[&str], &str)> = vec![
        (
            sweep(&["0.5"], &vec!["0.05"; 101]),
            &["discount_rates"],
            "GRID_TOO_LARGE",
        ),
        (
            sweep(&vec!["0.5"; 101], &["0.05"]),
            &["write_off_shares"],
            "GRID_TOO_LARGE",
        ),
        (
            sweep(&[], &["0.05"]),
            &["write_off_shares"],
            "MISSING_FIELD",
        ),
        (sweep(&["0.5"], &[]), &["discount_rates"], "MISSING_FIELD"),
        (
            sweep(&["0.5", "1", "-0.1"], &["0.05"]),
            &["write_off_shares[1]", "write_off_shares[2]"],
            "OUT_OF_INTERVAL",
        ),
        (
            sweep(&["0.5"], &["0.05", "-1"]),
            &["discount_rates[1]"],
            "RATE_NOT_ABOVE_MINUS_ONE",
        ),
        (
            pb::SweepValuationRequest {
                compounding: pb::Compounding::Continuous as i32,
                ..sweep(&["0.5"], &["0.05"])
            },
            &["compounding_frequency"],
            "UNEXPECTED_FIELD",
        ),
        (
            pb::SweepValuationRequest {
                new_terms: None,
                ..sweep(&["0.5"], &["0.05"])
            },
            &["new_terms"],
            "MISSING_FIELD",
        ),
        (
            pb::SweepValuationRequest {
                installment_counts: vec![10, 0, 1197],
                ..sweep(&["0.5"], &["0.05"])
            },
            &["installment_counts[1]", "installment_counts[2]"],
            "OUT_OF_INTERVAL",
        ),
        (
            pb::SweepValuationRequest {
                installment_counts: vec![10, 20, 30],
                ..sweep(&vec!["0.5"; 34], &["0.05"])
            },
            &["installment_counts"],
            "GRID_TOO_LARGE",
        ),
    ];
    for (request, fields, reason) in cases {
        let status = client.sweep_valuation(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{fields:?}");
        assert_eq!(violation_fields(&status), *fields, "{status:?}");
        assert_eq!(error_reason(&status), reason, "{fields:?}");
    }
}

#[tokio::test]
async fn a_share_that_leaves_nothing_names_its_row() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let request = pb::SweepValuationRequest {
        old_claim: Some(pb::DebtStream {
            stream: Some(Stream::DueAtValuation(money("USD", "1.00"))),
        }),
        ..sweep(&["0.5", "0.999"], &["0.05"])
    };
    let status = client.sweep_valuation(request.clone()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        violation_fields(&status),
        ["write_off_shares[1]", "new_terms"]
    );
    // With maturities, the row names its share and its count.
    let status = client
        .sweep_valuation(pb::SweepValuationRequest {
            installment_counts: vec![2, 3],
            ..request
        })
        .await
        .unwrap_err();
    assert_eq!(
        violation_fields(&status),
        ["write_off_shares[1]", "installment_counts[0]", "new_terms"]
    );
}

#[tokio::test]
async fn a_sweep_past_its_deadline_stops() {
    // The server's own deadline (no client timer to race with it).
    let server = TestServer::start_with(ServerConfig {
        request_timeout: Duration::from_millis(30),
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.restructuring().await;
    // 100 x 100 cells of a 1,200-flow loan: far longer than 30 ms.
    let shares: Vec<String> = (0..100).map(|i| format!("0.{i:02}")).collect();
    let rates: Vec<String> = (0..100).map(|i| format!("0.0{i:02}")).collect();
    let mut request = sweep(&[], &[]);
    request.write_off_shares = shares;
    request.discount_rates = rates;
    request.new_terms = Some(pb::LoanTerms {
        frequency: pb::Frequency::Monthly as i32,
        installment_count: Some(1200),
        grace_periods: Some(0),
        ..new_terms()
    });
    let status = client.sweep_valuation(request).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
}

#[tokio::test]
async fn warnings_name_the_rate_that_reads_as_a_percentage() {
    let server = TestServer::start().await;
    let mut client = server.restructuring().await;
    let response = client
        .sweep_valuation(sweep(&["0.5"], &["0.05", "5"]))
        .await
        .unwrap()
        .into_inner();
    let warned: Vec<(String, String)> = response
        .warnings
        .iter()
        .map(|w| (w.code.clone(), w.field.clone()))
        .collect();
    assert_eq!(
        warned,
        [(
            "RATE_ABOVE_ONE".to_string(),
            "discount_rates[1]".to_string()
        )]
    );
    // A valuation date after the new terms' last payment.
    let mut late = sweep(&["0.5"], &["0.05"]);
    late.valuation_date = date(2040, 1, 1);
    late.old_claim = Some(pb::DebtStream {
        stream: Some(Stream::DueAtValuation(money("USD", "1000"))),
    });
    let response = client.sweep_valuation(late).await.unwrap().into_inner();
    let codes: Vec<&str> = response.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["VALUATION_DATE_AFTER_LAST_FLOW"]);
    assert_eq!(response.warnings[0].field, "valuation_date");
}
