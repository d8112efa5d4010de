//! RenderChart of a swap (issue 16): the Russia-Mozambique development
//! swap's savings over time carry EvaluateSwap's figures, one point per
//! date and series; a three-party swap has no savings over time.

mod common;

use common::chart::{render, INTEREST, PRINCIPAL};
use common::{violation_fields, TestServer};
use debtcalc::api::pb::debtcalc::v1 as pb;
use pb::render_chart_request::Subject;

fn swap(id: &str) -> pb::RenderChartRequest {
    pb::RenderChartRequest {
        kind: pb::ChartKind::SwapSavings as i32,
        subject: Some(Subject::Swap(pb::EvaluateSwapRequest {
            swap_id: id.into(),
            ..Default::default()
        })),
        options: None,
    }
}

#[tokio::test]
async fn mozambique_swap_savings_over_time() {
    let server = TestServer::start().await;
    let evaluated = server
        .swap()
        .await
        .evaluate_swap(pb::EvaluateSwapRequest {
            swap_id: "russia-mozambique-2017".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let Some(pb::evaluate_swap_response::Result::Development(result)) = evaluated.result else {
        panic!("a development swap");
    };
    let (response, svg) = render(&server, swap("russia-mozambique-2017")).await;
    let conventions = response.conventions.unwrap();
    assert_eq!(
        conventions.source_rpc,
        "debtcalc.v1.SwapService/EvaluateSwap"
    );
    // $40 m cancelled at the valuation date, then five counterpart
    // payments: six dates, one point per series at each.
    assert_eq!(result.counterpart_payments.len(), 5);
    assert_eq!(conventions.points, Some(6));
    for colour in [PRINCIPAL, INTEREST, "#2CA02C"] {
        assert_eq!(svg.count("circle", colour), 6, "{colour}");
    }
    for label in [
        "Debt service cancelled (cumulative)",
        "Counterpart paid into the fund (cumulative)",
        "Debtor's saving so far",
        "Year (due dates)",
        "Cumulative amount (USD)",
    ] {
        assert!(svg.has_text(label), "{label}");
    }
    // The figures are EvaluateSwap's.
    let amount = |m: Option<pb::Money>| m.unwrap().amount;
    assert_eq!(amount(result.debt_service_cancelled.clone()), "40000000.00");
    assert_eq!(amount(result.nominal_saving.clone()), "0.00");
    assert!(svg.has_text(
        "Debt service cancelled 40,000,000.00 USD; counterpart paid 40,000,000.00 USD; nominal saving 0.00 USD"
    ));
    let pv = amount(result.valuations[0].debtor_saving.clone());
    let note = svg.text_containing("At 5%").unwrap();
    assert!(
        note.contains(&debtcalc::chart::format::grouped(pv.parse().unwrap())),
        "{note} {pv}"
    );
}

#[tokio::test]
async fn a_three_party_swap_has_no_savings_over_time() {
    let server = TestServer::start().await;
    let status = server
        .chart()
        .await
        .render_chart(swap("bolivia-ci-1987"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert_eq!(violation_fields(&status), ["kind"]);
    let unknown = server
        .chart()
        .await
        .render_chart(swap("atlantis-2099"))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

/// A buyback's savings by operation year: one point per year and series,
/// and the saving so far at the last year is EvaluateSwap's cumulative net
/// saving (old debt service less new debt service, outlay and commitments,
/// summed here from the response's years).
#[tokio::test]
async fn belize_buyback_savings_over_time() {
    use rust_decimal::Decimal;
    let server = TestServer::start().await;
    let evaluated = server
        .swap()
        .await
        .evaluate_swap(pb::EvaluateSwapRequest {
            swap_id: "belize-blue-bond-2021".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let Some(pb::evaluate_swap_response::Result::Buyback(result)) = evaluated.result else {
        panic!("a buyback");
    };
    let (response, svg) = render(&server, swap("belize-blue-bond-2021")).await;
    let years = result.years.len();
    assert_eq!(response.conventions.unwrap().points, Some(years as u32));
    for colour in [PRINCIPAL, INTEREST, "#2CA02C"] {
        assert_eq!(svg.count("circle", colour), years, "{colour}");
    }
    assert!(svg.has_text("Net saving so far"));
    let amount = |m: &Option<pb::Money>| -> Decimal {
        m.as_ref()
            .map_or(Decimal::ZERO, |m| m.amount.parse().unwrap())
    };
    let saved: Decimal = result
        .years
        .iter()
        .map(|y| {
            amount(&y.old_debt_service)
                - amount(&y.new_debt_service)
                - amount(&y.upfront_outlay)
                - amount(&y.commitments)
        })
        .sum();
    let last = result.years.last().unwrap();
    assert_eq!(saved, amount(&last.cumulative_net_saving));
    let note = svg.text_containing("net of commitments").unwrap();
    assert!(
        note.contains(&debtcalc::chart::format::grouped(saved)),
        "{note} {saved}"
    );
}
