//! AnalyzeSettlement over real gRPC: each step's figure is the figure its
//! single RPC gives for the same input; the DPRK and Cuba settlements of the
//! library by id; every settlement of the library runs and reproduces or
//! explains its published figures. (Requests built by hand, overrides, bad
//! input and warnings: tests/settlement_requests.rs.)

mod common;

use common::{money, TestServer};
use debtcalc::api::pb::debtcalc::v1::{self as pb, debt_stream::Stream};

fn by_id(id: &str) -> pb::AnalyzeSettlementRequest {
    pb::AnalyzeSettlementRequest {
        settlement_id: id.into(),
        ..Default::default()
    }
}

fn amount(m: &Option<pb::Money>) -> String {
    m.as_ref().expect("an amount").amount.clone()
}

/// Every step of the DPRK settlement, sent again to its own RPC with the
/// input the settlement built for it, answers exactly as in the settlement.
#[tokio::test]
async fn each_step_equals_its_single_rpc() {
    let server = TestServer::start().await;
    let mut settlement = server.settlement().await;
    let mut restructuring = server.restructuring().await;
    let mut reconciliation = server.reconciliation().await;
    let response = settlement
        .analyze_settlement(by_id("dprk-2014"))
        .await
        .expect("analyze")
        .into_inner();
    let request = response.effective_request.clone().expect("echoed");
    let claim = request.claim.clone().unwrap();
    let part = claim.parts[0].clone();
    let terms = match request.repayment.clone().unwrap().terms.unwrap() {
        pb::settlement_repayment::Terms::LoanTerms(terms) => terms,
        other => panic!("loan terms expected, got {other:?}"),
    };

    let converted = reconciliation
        .convert_claim(pb::ConvertClaimRequest {
            amount: part.amount.clone(),
            target_currency: "USD".into(),
            conversion: part.conversion.clone(),
            redenomination_id: String::new(),
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.conversions, vec![converted.clone()]);
    assert_eq!(amount(&converted.result), "10960000000.00");

    let split = restructuring
        .split_claim(pb::SplitClaimRequest {
            claim: converted.result.clone(),
            write_off: Some(pb::split_claim_request::WriteOff::WriteOffShare(
                "0.9".into(),
            )),
            programs: vec![],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.split.as_ref(), Some(&split));

    let schedule = restructuring
        .build_schedule(pb::BuildScheduleRequest {
            principal: split.remaining.clone(),
            terms: Some(terms.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.schedule.as_ref(), Some(&schedule));

    let valuation_date = response.conventions.as_ref().unwrap().valuation_date;
    for (i, rate) in ["0.05", "0.1"].iter().enumerate() {
        let valued = restructuring
            .value_restructuring(pb::ValueRestructuringRequest {
                old_claim: Some(pb::DebtStream {
                    stream: Some(Stream::DueAtValuation(money("USD", "10960000000.00"))),
                }),
                past_due_interest: None,
                new_debt: Some(pb::DebtStream {
                    stream: Some(Stream::Loan(pb::LoanStream {
                        principal: split.remaining.clone(),
                        terms: Some(terms.clone()),
                    })),
                }),
                valuation_date,
                discounting: Some(pb::Discounting {
                    rate: Some(pb::discounting::Rate::FlatRate(rate.to_string())),
                    ..Default::default()
                }),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.valuations[i].discount_rate, *rate);
        assert_eq!(response.valuations[i].valuation.as_ref(), Some(&valued));
    }

    for (i, convention) in [
        pb::ConcessionalityConvention::ImfWorldBank,
        pb::ConcessionalityConvention::OecdDac,
    ]
    .into_iter()
    .enumerate()
    {
        let assessed = restructuring
            .assess_concessionality(pb::AssessConcessionalityRequest {
                principal: split.remaining.clone(),
                terms: Some(terms.clone()),
                convention: convention as i32,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.concessionality[i], assessed);
    }

    let reconciled = reconciliation
        .reconcile_valuations(pb::ReconcileValuationsRequest {
            claim: part.amount.clone(),
            components: vec![],
            target_currency: "USD".into(),
            parties: vec![
                pb::PartyMethod {
                    name: "Russia".into(),
                    conversion: part.conversion.clone(),
                    ..Default::default()
                },
                request.reconciliation.clone().unwrap().debtor.unwrap(),
            ],
            rounding_mode: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(response.reconciliation.as_ref(), Some(&reconciled));
}

/// The DPRK settlement by id: the published figures it reproduces.
#[tokio::test]
async fn dprk_2014_by_id() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let r = client
        .analyze_settlement(by_id("dprk-2014"))
        .await
        .expect("analyze")
        .into_inner();
    assert_eq!(r.settlement_id, "dprk-2014");
    // 6,576,000,000 SUR at 0.6 SUR per USD.
    let conversion = &r.conversions[0];
    assert_eq!(conversion.source, Some(money("SUR", "6576000000.00")));
    assert_eq!(conversion.steps[0].factor, "0.6");
    assert_eq!(amount(&conversion.result), "10960000000.00");
    assert_eq!(amount(&r.claim), "10960000000.00");
    assert_eq!(r.offsets, Some(money("USD", "0.00")));
    // The split: 90% written off.
    let split = r.split.as_ref().unwrap();
    assert_eq!(amount(&split.written_off), "9864000000.00");
    assert_eq!(amount(&split.remaining), "1096000000.00");
    assert_eq!(split.write_off_share, "0.9");
    // 40 semi-annual instalments of the remainder.
    let schedule = r.schedule.as_ref().unwrap();
    assert_eq!(schedule.installments.len(), 40);
    assert_eq!(
        schedule.resolved_terms.as_ref().unwrap().frequency(),
        pb::Frequency::SemiAnnual
    );
    assert!(schedule
        .installments
        .iter()
        .all(|i| amount(&i.principal) == "27400000.00"));
    assert_eq!(amount(&schedule.total_principal), "1096000000.00");
    // The reinvestment: the programme totals add up to the remainder exactly.
    let fund = r.reinvestment.as_ref().unwrap();
    assert_eq!(fund.installments.len(), 40);
    assert_eq!(amount(&fund.fund_total), "1096000000.00");
    let cents = |s: String| -> i128 { s.replace('.', "").parse().unwrap() };
    let programme_sum: i128 = fund.programs.iter().map(|p| cents(amount(&p.total))).sum();
    assert_eq!(programme_sum, cents("1096000000.00".into()));
    let names: Vec<_> = fund.programs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["energy", "education", "health"]);
    // Each instalment divided exactly; the running totals within one cent
    // of the exact third of the cumulative fund; the totals in thirds.
    let mut fund_so_far = 0i128;
    for installment in &fund.installments {
        let parts: i128 = installment
            .programs
            .iter()
            .map(|p| cents(amount(&p.amount)))
            .sum();
        assert_eq!(parts, cents(amount(&installment.fund_amount)));
        fund_so_far += cents(amount(&installment.fund_amount));
        for program in &installment.programs {
            let three_times = 3 * cents(amount(&program.cumulative));
            assert!((three_times - fund_so_far).abs() < 3, "{program:?}");
        }
    }
    let totals: Vec<_> = fund.programs.iter().map(|p| amount(&p.total)).collect();
    assert_eq!(totals, ["365333333.34", "365333333.33", "365333333.33"]);
    assert_eq!(fund.allocation_method, "CUMULATIVE_QUOTA_ORDER");
    // With all of each instalment in the fund, the programmes' present values
    // add up to the new debt's (up to the last of 28 digits).
    for (i, valuation) in r.valuations.iter().enumerate() {
        let programmes: f64 = fund
            .programs
            .iter()
            .map(|p| {
                assert_eq!(p.present_values[i].discount_rate, valuation.discount_rate);
                p.present_values[i]
                    .present_value_exact
                    .parse::<f64>()
                    .unwrap()
            })
            .sum();
        let new_debt: f64 = valuation
            .valuation
            .as_ref()
            .unwrap()
            .new_debt
            .as_ref()
            .unwrap()
            .present_value_exact
            .parse()
            .unwrap();
        assert!(
            (programmes - new_debt).abs() < 1e-3,
            "{programmes} vs {new_debt}"
        );
    }
    // The grant element at 5% as ValueRestructuring gives it, against the
    // closed form 1 - (1/40) sum 1.05^(-k/2) (interest-free, equal
    // principal, valued at the schedule's start).
    let at_5 = &r.valuations[0];
    assert_eq!(at_5.discount_rate, "0.05");
    let ge: f64 = at_5
        .valuation
        .as_ref()
        .unwrap()
        .grant_element_at_discount_rate
        .parse()
        .unwrap();
    let closed_form = 1.0
        - (1..=40)
            .map(|k| 1.05f64.powf(-(k as f64) / 2.0))
            .sum::<f64>()
            / 40.0;
    assert!((ge - closed_form).abs() < 1e-12, "{ge} vs {closed_form}");
    assert_eq!(
        r.concessionality[0].grant_element,
        at_5.valuation
            .as_ref()
            .unwrap()
            .grant_element_at_discount_rate
    );
    // The 1:5000 reconciliation against 3,000 rubles per dollar.
    let reconciliation = r.reconciliation.as_ref().unwrap();
    let gap = &reconciliation.gaps[0];
    assert_eq!(
        (gap.creditor.as_str(), gap.party.as_str()),
        ("Russia", "DPRK")
    );
    assert_eq!(gap.ratio, "5000");
    assert_eq!(gap.ratio_exact, Some(true));
    assert_eq!(amount(&reconciliation.parties[1].value), "2192000.00");
    let conventions = r.conventions.as_ref().unwrap();
    assert_eq!(conventions.request_source, "library:dprk-2014");
    assert_eq!(conventions.valuation_date_source, "REPAYMENT_ACCRUAL_START");
}

/// Cuba 2014: 20 semi-annual instalments of 176,000,000.00, the last on
/// 2024-04-25.
#[tokio::test]
async fn cuba_2014_by_id() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let r = client
        .analyze_settlement(by_id("cuba-2014"))
        .await
        .expect("analyze")
        .into_inner();
    let schedule = r.schedule.as_ref().unwrap();
    assert_eq!(schedule.installments.len(), 20);
    assert!(schedule
        .installments
        .iter()
        .all(|i| amount(&i.payment) == "176000000.00"));
    let first = schedule.installments[0].due_date.unwrap();
    assert_eq!((first.year, first.month, first.day), (2014, 10, 25));
    let last = schedule.installments[19].due_date.unwrap();
    assert_eq!((last.year, last.month, last.day), (2024, 4, 25));
    assert_eq!(
        amount(&r.split.as_ref().unwrap().remaining),
        "3520000000.00"
    );
    // Money is printed with the currency's minor units, as everywhere.
    assert_eq!(r.claim, Some(money("USD", "35200000000.00")));
}

/// Every settlement of the library runs by id, and the library lists at
/// least the ten of issue 10, each with sources.
#[tokio::test]
async fn every_library_settlement_runs() {
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let list = client
        .list_settlements(pb::ListSettlementsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(list.data_source, "builtin");
    let ids: Vec<_> = list.settlements.iter().map(|s| s.id.clone()).collect();
    for id in [
        "dprk-2014",
        "cuba-2014",
        "laos-2003",
        "vietnam-2000",
        "mongolia-2010",
        "syria-2005",
        "iraq-2008",
        "afghanistan-2007",
        "kyrgyzstan-2012",
        "gdr-transferable-ruble-2002",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
    }
    for summary in &list.settlements {
        assert!(
            !summary.sources.is_empty(),
            "{} lists no source",
            summary.id
        );
        assert!(!summary.title.is_empty());
        let got = client
            .get_settlement(pb::GetSettlementRequest {
                id: summary.id.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .settlement
            .unwrap();
        assert_eq!(got.sources, summary.sources);
        assert!(got.facts.iter().all(|f| !f.source.is_empty()));
        assert!(!got.note.is_empty());
        let from_library = got.request.clone().expect("the request it stands for");
        let analyzed = client
            .analyze_settlement(by_id(&summary.id))
            .await
            .unwrap_or_else(|e| panic!("{} does not run: {e}", summary.id))
            .into_inner();
        // The request analysed is the library's, with the id.
        let mut expected = from_library;
        expected.settlement_id = summary.id.clone();
        assert_eq!(analyzed.effective_request, Some(expected));
    }
}

/// Each figure a settlement reports as published is reproduced by the
/// computation when it says so, and differs when it says not; a figure not
/// reproduced is explained in the note.
#[tokio::test]
async fn published_figures_are_reproduced_or_explained() {
    use debtcalc::api::settlement_library::response_figure;
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let server = TestServer::start().await;
    let mut client = server.settlement().await;
    let list = client
        .list_settlements(pb::ListSettlementsRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut checked = 0;
    for summary in &list.settlements {
        let settlement = client
            .get_settlement(pb::GetSettlementRequest {
                id: summary.id.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .settlement
            .unwrap();
        assert!(
            !settlement.published_figures.is_empty(),
            "{} sets no published figure against the computation",
            settlement.id
        );
        let response = client
            .analyze_settlement(by_id(&settlement.id))
            .await
            .unwrap()
            .into_inner();
        for figure in &settlement.published_figures {
            let computed = response_figure(&response, &figure.response_field)
                .unwrap_or_else(|| panic!("{}: {}", settlement.id, figure.response_field));
            let equal = Decimal::from_str(&computed).unwrap()
                == Decimal::from_str(&figure.published).unwrap();
            assert_eq!(
                Some(equal),
                figure.reproduced,
                "{}: {} computed {computed}, published {}",
                settlement.id,
                figure.description,
                figure.published
            );
            if figure.reproduced == Some(false) {
                assert!(
                    settlement.note.contains("NOT reproduced")
                        || settlement.note.contains("disagree"),
                    "{}: the note does not state the difference for {}",
                    settlement.id,
                    figure.description
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}
