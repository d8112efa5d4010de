//! Builders of the ReconciliationService tests: conversions by basis or by
//! rate, a party's method, and the DPRK's 1:5000 request.

use super::money;
use debtcalc::api::pb::debtcalc::v1::{self as pb, conversion::Method};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn basis(id: &str) -> Option<pb::Conversion> {
    Some(pb::Conversion {
        method: Some(Method::BasisId(id.into())),
    })
}

pub fn rate(rate: &str, unit: &str, per: &str) -> Option<pb::Conversion> {
    Some(pb::Conversion {
        method: Some(Method::Rate(pb::ConversionRate {
            rate: rate.into(),
            unit: unit.into(),
            per: per.into(),
        })),
    })
}

pub fn party(name: &str, conversion: Option<pb::Conversion>) -> pb::PartyMethod {
    pb::PartyMethod {
        name: name.into(),
        conversion,
        ..Default::default()
    }
}

pub fn dprk_request() -> pb::ReconcileValuationsRequest {
    pb::ReconcileValuationsRequest {
        claim: Some(money("SUR", "6576000000")),
        components: vec![],
        target_currency: "USD".into(),
        parties: vec![
            party("Russia", basis("gosbank-settlement-rate")),
            party("DPRK", rate("3000", "RUR", "USD")),
        ],
        rounding_mode: 0,
    }
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}
