//! Discounting and valuation: present values, haircuts, grant elements and
//! concessionality, computed to a documented precision.
//!
//! - [`basis`]: how `t` in years is measured from the valuation date.
//! - [`compounding`]: how a rate becomes a discount factor.
//! - [`curve`]: zero curves and their interpolation.
//! - [`discount`]: discount factors (the running-product hot path).
//! - [`present_value`]: PV, face, average life and duration of a stream.
//! - [`certified`]: the certified fast path of a present value (128-bit
//!   fixed point with a proven bound, the exact path when it does not
//!   decide).
//! - [`haircut`], [`grant_element`], [`concessionality`]: what is reported.
//! - [`stream`], [`restructuring`]: the old claim against the new debt.
//! - [`sweep`]: one restructuring over a grid of write-off shares and rates.
//! - The internal arithmetic and the guaranteed error bound are in
//!   [`crate::domain::numerics`].

pub mod basis;
pub mod certified;
pub mod compounding;
pub mod concessionality;
pub mod curve;
pub mod discount;
pub mod grant_element;
pub mod haircut;
pub mod present_value;
pub mod restructuring;
pub mod stream;
pub mod sweep;

pub use basis::TimeBasis;
pub use certified::{average_life, present_value, present_value_on_path, ValuationPath};
pub use compounding::Compounding;
pub use concessionality::{
    assess_concessionality, Concessionality, ConcessionalityConvention, Dac2018Group,
};
pub use curve::{CurveExtrapolation, CurveInterpolation, ZeroCurve};
pub use discount::{discount_factor, Discounting};
pub use grant_element::grant_element;
pub use haircut::{haircuts, Haircuts};
pub use present_value::{present_value_exact, CashFlow, PresentValue};
pub use restructuring::{value_restructuring, RestructuringInput, RestructuringValuation};
pub use stream::{
    value_stream, DebtStream, ExpandedStream, FaceComponents, FlowKind, KindedFlow, StreamValue,
};
pub use sweep::{
    sweep_valuation, PathCounts, Sweep, SweepError, SweepInput, SweepPoint, MAX_GRID_SIDE,
};
