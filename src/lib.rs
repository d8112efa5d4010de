//! debtcalc: exact arithmetic of sovereign-debt restructuring, served over
//! gRPC.
//!
//! - [`domain`]: money, rounding, splits (no gRPC types).
//! - [`api`]: the generated protobuf types, request validation with field
//!   paths, handlers, and the mapping of errors to `tonic::Status`.
//! - [`chart`]: the answers drawn as SVG charts (plotters), from plain
//!   figures; used by the API's RenderChart, below it, above the domain.
//! - [`server`]: configuration, the layer stack, health, reflection and the
//!   serving lifecycle.
//! - [`cli`]: the offline commands (`debtcalc call`, `split`, `schedule`, `value`,
//!   `settlement`, `swap`, `reconcile`) over the same handlers, without a network.

pub mod api;
pub mod chart;
pub mod cli;
pub mod domain;
pub mod server;
