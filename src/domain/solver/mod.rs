//! Solving for terms: the write-off share or the interest rate that reaches
//! a target NPV reduction, and the standard Paris Club treatments as
//! presets.
//!
//! - [`presets`]: the Paris Club terms (Houston, Toronto, London, Naples,
//!   Cologne; debt reduction, debt service reduction and ODA options) and
//!   the loan terms they imply.
//! - [`solve`]: what is solved, feasibility, tolerance and iteration cap.
//! - `search`: the bracketing search on a grid (Illinois regula falsi
//!   with a bisection fallback).

pub(crate) mod preset_table;
pub mod presets;
mod problem;
pub(crate) mod search;
pub mod solve;

#[cfg(test)]
mod proptests;

pub use preset_table::{all_presets, find_preset};
pub use presets::{preset_terms, PresetOption, PresetRate, TermPreset, Treatment};
pub use problem::solve_terms;
pub use solve::{
    Bound, BoundSide, SolveInput, SolveOutcome, Unknown, ValuePoint, WriteOffBase, MAX_ITERATIONS,
    MAX_RATE_BOUND, TOLERANCE, VALUE_DECIMALS,
};
