//! ChartService/RenderChart (issue 16): every chart is a well-formed SVG
//! document (parsed with roxmltree) with its title, labelled axes and the
//! expected number of bars or points; the DPRK settlement's figures on the
//! charts are the AnalyzeSettlement response's (9,864,000,000.00 written
//! off, 40 instalments, 1:5000 on a log waterfall whose step spans the
//! gap); the Cuba settlement draws too; bad requests name their fields.
//! Swaps: tests/render_chart_swap.rs.

mod common;

use common::chart::{render, DECREASE, GRACE, GUIDE, INTEREST, PRINCIPAL};
use common::{violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use pb::render_chart_request::Subject;

fn settlement(id: &str, kind: pb::ChartKind) -> pb::RenderChartRequest {
    pb::RenderChartRequest {
        kind: kind as i32,
        subject: Some(Subject::Settlement(pb::AnalyzeSettlementRequest {
            settlement_id: id.into(),
            ..Default::default()
        })),
        options: None,
    }
}

async fn analyze(server: &TestServer, id: &str) -> pb::AnalyzeSettlementResponse {
    server
        .settlement()
        .await
        .analyze_settlement(pb::AnalyzeSettlementRequest {
            settlement_id: id.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn dprk_schedule_shows_the_response_figures() {
    let server = TestServer::start().await;
    let analysed = analyze(&server, "dprk-2014").await;
    let (response, svg) = render(&server, settlement("dprk-2014", pb::ChartKind::Schedule)).await;
    assert_eq!(response.kind, pb::ChartKind::Schedule as i32);
    let conventions = response.conventions.unwrap();
    assert_eq!(conventions.points, Some(40));
    assert_eq!(conventions.currency, "USD");
    assert_eq!(conventions.grace, "LEADING_INSTALLMENTS_WITHOUT_PRINCIPAL");
    // One principal and one interest bar per instalment, and each series'
    // legend swatch.
    assert_eq!(svg.count("rect", PRINCIPAL), 41);
    assert_eq!(svg.count("rect", INTEREST), 41);
    // Equal instalments: equal principal bars; interest-free: flat ones.
    let principal = &svg.heights("rect", PRINCIPAL)[..40];
    assert!(
        principal.iter().all(|h| *h == principal[0] && *h > 50.0),
        "{principal:?}"
    );
    assert!(svg.heights("rect", INTEREST)[..40]
        .iter()
        .all(|h| *h == 0.0));
    // No grace: nothing shaded.
    assert_eq!(svg.count("rect", GRACE), 0);
    for axis in [
        "Instalment (number)",
        "Payment per instalment (USD)",
        "Outstanding after the instalment (USD)",
    ] {
        assert!(svg.has_text(axis), "axis label {axis:?}");
    }
    // The figures are the response's.
    let split = analysed.split.unwrap();
    assert_eq!(split.written_off.unwrap().amount, "9864000000.00");
    assert_eq!(analysed.schedule.unwrap().installments.len(), 40);
    let note = svg
        .text_containing("written off")
        .expect("the write-off note");
    assert!(
        note.contains("written off 9,864,000,000.00 USD (90%)"),
        "{note}"
    );
    assert!(note.contains("Claim 10,960,000,000.00 USD"), "{note}");
    assert!(note.contains("remaining 1,096,000,000.00 USD"), "{note}");
    assert!(svg.text_containing("40 instalments").is_some());
    // Readable numbers on the axes, never a long integer.
    assert!(
        svg.texts.iter().any(|t| t.ends_with(" m")),
        "{:?}",
        svg.texts
    );
    assert!(
        svg.texts.iter().all(|t| !t.contains("000000000")),
        "{:?}",
        svg.texts
    );
}

#[tokio::test]
async fn dprk_waterfall_reads_one_to_five_thousand() {
    let server = TestServer::start().await;
    let (response, svg) = render(
        &server,
        settlement("dprk-2014", pb::ChartKind::ReconciliationWaterfall),
    )
    .await;
    let conventions = response.conventions.unwrap();
    assert_eq!(conventions.value_scale, "LOG10");
    // Russia, the conversion chain, the DPRK.
    assert_eq!(conventions.points, Some(3));
    assert!(svg.has_text("gap 1:5000"), "{:?}", svg.texts);
    assert!(svg.has_text("÷ 5000"), "{:?}", svg.texts);
    assert!(svg.has_text("Russia") && svg.has_text("DPRK") && svg.has_text("conversion"));
    assert!(
        svg.has_text("10.96 bn") && svg.has_text("2.192 m"),
        "{:?}",
        svg.texts
    );
    let note = svg
        .text_containing("ratio 1:5000")
        .expect("the figures' note");
    assert!(note.contains("Russia 10,960,000,000.00 USD"), "{note}");
    assert!(note.contains("DPRK 2,192,000.00 USD"), "{note}");
    assert!(svg.has_text("Value of the claim (USD, logarithmic scale)"));
    // Two figures standing on the axis, one step down between them; on
    // the log axis the step spans exactly the difference of the figures'
    // bars (log 10.96e9 - log 2.192e6 = log 5000), to the pixel.
    let figures = svg.heights("rect", PRINCIPAL);
    let steps = svg.heights("rect", DECREASE);
    assert_eq!((figures.len(), steps.len()), (2, 1), "{:?}", svg.shapes);
    let gap = figures[0] - figures[1];
    assert!(
        (steps[0] - gap).abs() <= 2.0,
        "step {} against {gap}",
        steps[0]
    );
    // 3.7 decades: a bar far taller than the debtor's figure is above
    // the axis floor.
    assert!(steps[0] > 2.0 * figures[1], "{figures:?} {steps:?}");
}

#[tokio::test]
async fn dprk_reinvestment_has_one_point_per_instalment_and_programme() {
    let server = TestServer::start().await;
    let (response, svg) = render(
        &server,
        settlement("dprk-2014", pb::ChartKind::Reinvestment),
    )
    .await;
    assert_eq!(response.conventions.unwrap().points, Some(40));
    for (name, colour) in [
        ("energy", PRINCIPAL),
        ("education", DECREASE),
        ("health", "#2CA02C"),
    ] {
        assert!(svg.has_text(name), "legend {name}");
        assert_eq!(svg.count("circle", colour), 40, "{name}");
    }
    assert!(svg.has_text("Cumulative amount, stacked by programme (USD)"));
    let note = svg.text_containing("Fund total").unwrap();
    assert!(
        note.contains("Fund total 1,096,000,000.00 USD over 40 instalments"),
        "{note}"
    );
}

#[tokio::test]
async fn dprk_grant_element_marks_thresholds_and_rates() {
    let server = TestServer::start().await;
    let analysed = analyze(&server, "dprk-2014").await;
    let (response, svg) = render(
        &server,
        settlement("dprk-2014", pb::ChartKind::GrantElement),
    )
    .await;
    let conventions = response.conventions.unwrap();
    // 0% to 12% by 0.5%.
    assert_eq!(conventions.points, Some(25));
    assert_eq!(conventions.curve_discount_rates.len(), 25);
    assert_eq!(conventions.curve_discount_rates[10], "0.05");
    assert_eq!(svg.count("circle", PRINCIPAL), 25);
    // The library asks for IMF / World Bank and OECD DAC: red; the other
    // three conventions for sovereign borrowers (DAC 2018 LDC/LIC, LMIC,
    // UMIC) grey.
    assert_eq!(svg.count("polygon", DECREASE), 2);
    assert_eq!(svg.count("polygon", GUIDE), 3);
    assert!(svg.has_text("requested 5%") && svg.has_text("requested 10%"));
    assert!(svg.has_text("IMF / World Bank: 35% at 5%"));
    assert!(svg.has_text("Annual discount rate (%, annual effective)"));
    assert!(svg.has_text("Grant element (% of the face value in USD)"));
    // The grant element noted is the settlement's.
    let imf = &analysed.concessionality[0];
    let ge: f64 = imf.grant_element.parse().unwrap();
    let note = svg
        .text_containing("IMF / World Bank: grant element")
        .unwrap();
    let expected = format!("{:.4}", ge * 100.0);
    let expected = expected.trim_end_matches('0').trim_end_matches('.');
    assert!(
        note.contains(&format!("grant element {expected}% at 5%")),
        "{note} vs {ge}"
    );
}

#[tokio::test]
async fn cuba_draws_its_charts_and_has_no_waterfall() {
    let server = TestServer::start().await;
    let (response, svg) = render(&server, settlement("cuba-2014", pb::ChartKind::Schedule)).await;
    assert_eq!(response.conventions.unwrap().points, Some(20));
    assert_eq!(svg.count("rect", PRINCIPAL), 21);
    for kind in [pb::ChartKind::Reinvestment, pb::ChartKind::GrantElement] {
        render(&server, settlement("cuba-2014", kind)).await;
    }
    let status = server
        .chart()
        .await
        .render_chart(settlement(
            "cuba-2014",
            pb::ChartKind::ReconciliationWaterfall,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(violation_fields(&status), ["kind"]);
}

fn loan_with_grace() -> pb::BuildScheduleRequest {
    pb::BuildScheduleRequest {
        principal: Some(common::money("EUR", "1000000")),
        terms: Some(pb::LoanTerms {
            first_payment_date: common::solve::date(2025, 6, 30),
            frequency: pb::Frequency::SemiAnnual as i32,
            installment_count: Some(10),
            grace_periods: Some(3),
            annual_rate: "0.04".into(),
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn a_schedule_with_grace_shades_it() {
    let server = TestServer::start().await;
    let request = pb::RenderChartRequest {
        subject: Some(Subject::Schedule(loan_with_grace())),
        ..Default::default()
    };
    let (response, svg) = render(&server, request).await;
    assert_eq!(response.kind, pb::ChartKind::Schedule as i32);
    let schedule = server
        .restructuring()
        .await
        .build_schedule(loan_with_grace())
        .await
        .unwrap()
        .into_inner();
    let n = schedule.installments.len();
    let grace = schedule
        .installments
        .iter()
        .take_while(|i| i.principal.as_ref().unwrap().amount.parse::<f64>().unwrap() == 0.0)
        .count();
    assert!(grace > 0, "the loan has grace");
    assert_eq!(response.conventions.unwrap().points, Some(n as u32));
    assert_eq!(svg.count("rect", PRINCIPAL), n + 1);
    assert_eq!(svg.count("rect", INTEREST), n + 1);
    // The shaded band and its legend swatch.
    assert_eq!(svg.count("rect", GRACE), 2);
    assert!(svg.has_text(&format!("Grace ({grace} instalments without principal)")));
    assert!(svg.has_text("Payment per instalment (EUR)"));
}

#[tokio::test]
async fn bad_requests_name_their_fields() {
    let server = TestServer::start().await;
    let mut client = server.chart().await;
    let status = |request| {
        let mut client = client.clone();
        async move { client.render_chart(request).await.unwrap_err() }
    };
    let none = status(pb::RenderChartRequest::default()).await;
    assert_eq!(none.code(), tonic::Code::InvalidArgument);
    assert_eq!(violation_fields(&none), ["subject"]);

    let no_kind = status(settlement("dprk-2014", pb::ChartKind::Unspecified)).await;
    assert_eq!(violation_fields(&no_kind), ["kind"]);

    let wrong_kind = status(pb::RenderChartRequest {
        kind: pb::ChartKind::Reinvestment as i32,
        subject: Some(Subject::Schedule(loan_with_grace())),
        options: None,
    })
    .await;
    assert_eq!(violation_fields(&wrong_kind), ["kind"]);

    let mut bad = settlement("dprk-2014", pb::ChartKind::Schedule);
    bad.options = Some(pb::ChartOptions {
        width: Some(10),
        discount_rate_step: "0".into(),
        ..Default::default()
    });
    let options = status(bad).await;
    assert_eq!(
        violation_fields(&options),
        ["options.width", "options.discount_rate_step"]
    );

    let mut loan = loan_with_grace();
    loan.principal = Some(common::money("EUR", "-5"));
    let subject = status(pb::RenderChartRequest {
        subject: Some(Subject::Schedule(loan)),
        ..Default::default()
    })
    .await;
    assert_eq!(violation_fields(&subject), ["schedule.principal.amount"]);

    let unknown = client
        .render_chart(settlement("atlantis-2099", pb::ChartKind::Schedule))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn a_reconciliation_request_draws_its_waterfall() {
    let server = TestServer::start().await;
    let analysed = analyze(&server, "dprk-2014").await;
    // The settlement's own reconciliation request, as ReconcileValuations
    // takes it: the effective request's claim and parties.
    let reconciliation = pb::ReconcileValuationsRequest {
        claim: Some(common::money("SUR", "6576000000")),
        target_currency: "USD".into(),
        parties: vec![
            pb::PartyMethod {
                name: "Russia".into(),
                conversion: Some(pb::Conversion {
                    method: Some(pb::conversion::Method::BasisId(
                        "gosbank-settlement-rate".into(),
                    )),
                }),
                ..Default::default()
            },
            analysed
                .effective_request
                .unwrap()
                .reconciliation
                .unwrap()
                .debtor
                .unwrap(),
        ],
        ..Default::default()
    };
    let (response, svg) = render(
        &server,
        pb::RenderChartRequest {
            subject: Some(Subject::Reconciliation(reconciliation)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(response.kind, pb::ChartKind::ReconciliationWaterfall as i32);
    assert!(svg.has_text("gap 1:5000"));
}

#[tokio::test]
async fn a_concessionality_request_draws_its_curve() {
    let server = TestServer::start().await;
    let loan = loan_with_grace();
    let assess = pb::AssessConcessionalityRequest {
        principal: loan.principal.clone(),
        terms: loan.terms.clone(),
        convention: pb::ConcessionalityConvention::Dac2018Lmic as i32,
        ..Default::default()
    };
    let assessed = server
        .restructuring()
        .await
        .assess_concessionality(assess.clone())
        .await
        .unwrap()
        .into_inner();
    let request = pb::RenderChartRequest {
        subject: Some(Subject::Concessionality(assess)),
        options: Some(pb::ChartOptions {
            min_discount_rate: "0.02".into(),
            max_discount_rate: "0.1".into(),
            discount_rate_step: "0.01".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let (response, svg) = render(&server, request).await;
    assert_eq!(response.kind, pb::ChartKind::GrantElement as i32);
    let conventions = response.conventions.unwrap();
    assert_eq!(
        conventions.curve_discount_rates,
        ["0.02", "0.03", "0.04", "0.05", "0.06", "0.07", "0.08", "0.09", "0.1"]
    );
    assert_eq!(svg.count("circle", PRINCIPAL), 9);
    // The requested convention in red, the other four for sovereign
    // borrowers grey; its rate marked.
    assert_eq!(svg.count("polygon", DECREASE), 1);
    assert_eq!(svg.count("polygon", GUIDE), 4);
    assert!(svg.has_text("requested 7%"));
    let ge: f64 = assessed.grant_element.parse().unwrap();
    let expected = format!("{:.4}", ge * 100.0);
    let expected = expected.trim_end_matches('0').trim_end_matches('.');
    let verdict = if assessed.concessional == Some(true) {
        "concessional"
    } else {
        "not concessional"
    };
    assert!(svg.has_text(&format!(
        "DAC 2018 LMIC: grant element {expected}% at 7% (threshold 15%): {verdict}"
    )));
}

/// The charts need no font files: plotters is built without its ttf,
/// font-kit and fontconfig features (the lock file has none of them).
#[test]
fn no_font_crates_in_the_build() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"plotters-svg\""));
    for name in [
        "font-kit",
        "ttf-parser",
        "yeslogic-fontconfig-sys",
        "servo-fontconfig",
        "ab_glyph",
    ] {
        assert!(
            !lock.contains(&format!("name = \"{name}\"")),
            "{name} is in Cargo.lock"
        );
    }
}
