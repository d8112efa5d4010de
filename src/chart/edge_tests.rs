//! The charts on figures at the edges: one instalment, all grace, amounts
//! near rust_decimal's range, a debtor's figure above the creditor's, many
//! differences, negative grant elements and savings. Each draws a
//! well-formed SVG document (or says why it cannot), never panics.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::grant_element::{self, CurvePoint, GrantElementChart, Threshold};
use super::reinvestment::{self, ProgrammeSeries, ReinvestmentChart};
use super::schedule::{self, Instalment, ScheduleChart};
use super::swap_savings::{self, SwapSavingsChart};
use super::waterfall::{self, PartyFigure, Step, WaterfallChart};
use super::{ChartError, Size};

fn d(x: i64) -> Decimal {
    Decimal::from(x)
}

fn well_formed(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants().filter(|n| n.has_tag_name("text")).count()
}

fn date(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).unwrap()
}

#[test]
fn schedules_at_the_edges() {
    let big = Decimal::MAX / d(4);
    let cases = [
        vec![(d(100), d(0), d(0))],
        vec![(d(0), d(5), d(100)), (d(0), d(5), d(100))],
        vec![(big, big, d(0))],
        vec![(d(0), d(0), d(0))],
    ];
    for rows in cases {
        let chart = ScheduleChart {
            title: "t".into(),
            currency: "USD".into(),
            principal: d(100),
            instalments: rows
                .iter()
                .enumerate()
                .map(|(i, (p, int, out))| Instalment {
                    number: i as u32 + 1,
                    due_date: None,
                    principal: *p,
                    interest: *int,
                    outstanding_after: *out,
                })
                .collect(),
            notes: vec![],
        };
        assert!(well_formed(&schedule::draw(&chart, Size::MIN).unwrap()) > 3);
    }
    let empty = ScheduleChart {
        title: "t".into(),
        currency: "USD".into(),
        principal: d(1),
        instalments: vec![],
        notes: vec![],
    };
    assert!(matches!(
        schedule::draw(&empty, Size::DEFAULT),
        Err(ChartError::Empty(_))
    ));
}

#[test]
fn waterfalls_at_the_edges() {
    let figure = |name: &str, value| PartyFigure {
        name: name.into(),
        value,
    };
    // A debtor above the creditor, several differences both ways.
    let up = WaterfallChart {
        title: "t".into(),
        currency: "EUR".into(),
        creditor: figure("A", d(100)),
        debtor: figure("B", d(400)),
        ratio: 0.25,
        steps: vec![
            Step {
                label: "conversion".into(),
                log_contribution: -(8f64.ln()),
            },
            Step {
                label: "offsets".into(),
                log_contribution: 2f64.ln(),
            },
        ],
        notes: vec![],
    };
    let svg = waterfall::draw(&up, Size::DEFAULT).unwrap();
    well_formed(&svg);
    assert!(svg.contains("× 8") && svg.contains("÷ 2") && svg.contains("4:1"));
    // A zero figure cannot stand on a log axis; an absurd factor neither.
    let zero = WaterfallChart {
        debtor: figure("B", d(0)),
        ..up.clone()
    };
    assert!(matches!(
        waterfall::draw(&zero, Size::DEFAULT),
        Err(ChartError::Empty(_))
    ));
    let absurd = WaterfallChart {
        steps: vec![Step {
            label: "x".into(),
            log_contribution: 1e6,
        }],
        ..up
    };
    assert!(matches!(
        waterfall::draw(&absurd, Size::DEFAULT),
        Err(ChartError::Empty(_))
    ));
}

#[test]
fn curves_funds_and_savings_at_the_edges() {
    let curve = GrantElementChart {
        title: "t".into(),
        currency: "USD".into(),
        face_value: d(1),
        curve: vec![
            CurvePoint {
                rate: Decimal::new(-5, 1),
                grant_element: d(-40),
            },
            CurvePoint {
                rate: d(3),
                grant_element: Decimal::new(99, 2),
            },
        ],
        thresholds: vec![Threshold {
            label: "x".into(),
            rate: Decimal::new(5, 2),
            threshold: Decimal::new(35, 2),
            requested: true,
        }],
        requested_rates: vec![d(3)],
        notes: vec![],
    };
    well_formed(&grant_element::draw(&curve, Size::MAX).unwrap());
    let fund = ReinvestmentChart {
        title: "t".into(),
        currency: "USD".into(),
        instalments: vec![1],
        programmes: (0..12)
            .map(|i| ProgrammeSeries {
                name: format!("p{i}"),
                cumulative: vec![d(i)],
            })
            .collect(),
        fund_total: d(66),
        notes: vec![],
    };
    well_formed(&reinvestment::draw(&fund, Size::DEFAULT).unwrap());
    let savings = SwapSavingsChart {
        title: "t".into(),
        currency: "USD".into(),
        cancelled: vec![(date(2020, 1), d(10))],
        counterpart: vec![(date(2020, 1), d(4)), (date(2030, 6), d(20))],
        notes: vec!["n".into()],
        labels: SwapSavingsChart::development_labels(),
    };
    let points = savings.points().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[1].saving(), d(-14));
    well_formed(&swap_savings::draw(&savings, Size::DEFAULT).unwrap());
}
