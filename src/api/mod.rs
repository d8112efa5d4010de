//! The gRPC API layer: conversion between protobuf messages and domain types
//! (all validation with field paths happens here), thin handlers, and the
//! mapping of errors to `tonic::Status`.

pub mod batch;
pub mod chart;
mod chart_draw;
mod chart_drawn;
pub mod chart_figures;
mod chart_request;
pub mod chart_service;
mod chart_swap;
pub mod claim_conversion;
pub mod compute;
pub mod concessionality;
pub mod convert;
pub mod debt_stream;
pub mod decode_status;
pub mod dispatch;
pub mod error;
mod library_loader;
mod loan_conventions;
pub mod loan_terms;
pub mod pb;
pub mod preset;
pub mod provenance;
pub mod reconciliation;
pub mod reconciliation_service;
pub mod restructuring_service;
pub mod schedule;
pub mod settlement;
pub mod settlement_claim;
pub mod settlement_library;
pub mod settlement_reinvestment;
pub mod settlement_service;
pub mod settlement_step;
pub mod solve;
pub mod split;
pub mod swap;
pub mod swap_buyback;
pub mod swap_buyback_render;
pub mod swap_common;
pub mod swap_development;
pub mod swap_library;
pub mod swap_service;
pub mod swap_three_party;
pub mod sweep;
pub mod valuation;
pub mod warnings;
pub mod zero_curve;

pub use batch::BatchApi;
pub use chart_service::ChartApi;
pub use reconciliation_service::ReconciliationApi;
pub use restructuring_service::RestructuringApi;
pub use settlement_service::SettlementApi;
pub use swap_service::SwapApi;
