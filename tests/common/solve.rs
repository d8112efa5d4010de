//! Helpers of the SolveTerms tests: a claim due at valuation, flat
//! discounting, a solve request, and re-valuing a solve's answer with
//! ValueRestructuring as a client would.

use super::{money, TestServer};
use debtcalc::api::pb::debtcalc::v1::{
    self as pb, debt_stream::Stream, discounting::Rate, solve_terms_request::NewTerms,
};
use debtcalc::api::pb::google::r#type::Date;
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn date(year: i32, month: i32, day: i32) -> Option<Date> {
    Some(Date { year, month, day })
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub fn claim(amount: &str) -> Option<pb::DebtStream> {
    Some(pb::DebtStream {
        stream: Some(Stream::DueAtValuation(money("USD", amount))),
    })
}

pub fn flat(rate: &str) -> Option<pb::Discounting> {
    Some(pb::Discounting {
        rate: Some(Rate::FlatRate(rate.into())),
        ..Default::default()
    })
}

pub fn solve(
    terms: NewTerms,
    unknown: pb::Unknown,
    target: &str,
    discount: &str,
) -> pb::SolveTermsRequest {
    pb::SolveTermsRequest {
        old_claim: claim("1000000000"),
        past_due_interest: None,
        valuation_date: date(2025, 1, 15),
        discounting: flat(discount),
        target_reduction: target.into(),
        new_terms: Some(terms),
        unknown: unknown as i32,
        ..Default::default()
    }
}

/// Re-values `response`'s solved terms with ValueRestructuring, as a client
/// would, and returns the SZ haircut.
pub async fn revalue(
    server: &TestServer,
    request: &pb::SolveTermsRequest,
    response: &pb::SolveTermsResponse,
) -> Decimal {
    let mut client = server.restructuring().await;
    let valued = client
        .value_restructuring(pb::ValueRestructuringRequest {
            old_claim: request.old_claim.clone(),
            past_due_interest: request.past_due_interest.clone(),
            new_debt: Some(pb::DebtStream {
                stream: Some(Stream::Loan(pb::LoanStream {
                    principal: response.new_principal.clone(),
                    terms: response.new_terms.clone(),
                })),
            }),
            valuation_date: request.valuation_date,
            // As the solve applied it (a preset solve defaults to the
            // schedule's compounding).
            discounting: response.discounting.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    dec(&valued.sz_haircut)
}
