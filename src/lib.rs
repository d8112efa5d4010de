//! debtcalc: exact arithmetic of sovereign-debt restructuring, served over
//! gRPC.
//!
//! - [`domain`]: money, rounding, splits (no gRPC types).
//! - [`api`]: the generated protobuf types, request validation with field
//!   paths, handlers, and the mapping of errors to `tonic::Status`.
//! - [`server`]: configuration, the layer stack, health, reflection and the
//!   serving lifecycle.

pub mod api;
pub mod domain;
pub mod server;
