//! The exact and high-precision arithmetic of debtcalc, in one place:
//!
//! - [`rational`]: exact rationals (`num-rational`'s `BigRational`) and
//!   their decimal renderings, rounded once. Conversion chains and claim
//!   values of reconciliation, times, curve rates, haircuts and grant
//!   elements.
//! - [`big_float`]: [`big_float::BigFloat`], binary floating point with a
//!   [`big_float::PRECISION_BITS`]-bit mantissa, for discount factors and
//!   present values; [`exponential`] and [`logarithm`] give its `exp` and
//!   `ln`.
//! - [`logarithm`]: the one logarithm of the crate, a binary fixed-point
//!   `atanh` series ([`logarithm::ln_fixed`], within one unit of the bits
//!   asked for), rendered as [`big_float::BigFloat::ln`] (relative error
//!   below 2^-254) and as the 80-decimal [`logarithm::ln_scaled`] of the
//!   log-ratio attribution of a reconciliation.
//!
//! # The precision of discounting
//!
//! `rust_decimal`'s `powd`, `exp` and `ln` are series approximations good to
//! about 1e-20 relative, and raising a per-day factor to a power of 36,500
//! days multiplies that error by 36,500. Discount factors are therefore
//! computed here, in binary floating point with a [`big_float::PRECISION_BITS`]-bit
//! mantissa held in a `BigInt`, with `ln` and `exp` written for that
//! precision. Only final figures are rounded to `Decimal`, once.
//!
//! # Guarantee
//!
//! - Each discount factor is computed with a relative error below
//!   [`DISCOUNT_FACTOR_RELATIVE_ERROR`] = 1e-60. Why: `ln` is good to
//!   2^-254 (about 3.5e-77) relative and `exp` to about 1e-72 (both tested
//!   against 80-digit Python `decimal` values); a flat rate's per-unit
//!   factor raised to `u` units carries `u` times that, and `u` stays below
//!   1e8 (days over the whole range of dates), so below 1e-64; every product adds 2^-256 (~1e-77). The tests
//!   check 1e-60 against the exact rationals `(1 + r)^-n` over 100 years
//!   (they pass at 1e-70).
//! - A reported figure (a present value, a discount factor, a duration) is
//!   that internal value rounded half-even to the finest `Decimal` that holds
//!   it: 28 decimals when it fits, otherwise 28 or 29 significant digits.
//!   Hence for a present value,
//!   `|value - PV| <= 5e-28 * |PV| + 5e-29 + 1e-60 * sum(|CF_i| * DF_i)`,
//!   which is within `1e-27 * max(1, sum(|CF_i| * DF_i))`; a discount factor
//!   (at most 1 for a rate >= 0) is within 1e-28 of the exact value.
//! - A discount factor below `e^-1,000,000` is taken as 0 (no cash flow can
//!   make it visible at 28 decimals); one above `e^1,000,000` is an overflow
//!   error (no rate above -1 gets there within 9999 years). A factor or
//!   present value beyond `Decimal::MAX` is an overflow error when reported.
//!
//! Ratios of decimals (haircuts, grant elements, curve rates) are computed
//! exactly as rationals and rounded once the same way
//! ([`rational::ratio_to_decimal`]).
//!
//! # Float backend
//!
//! [`big_float::BigFloat`] stays debtcalc's own (a `num-bigint` mantissa,
//! one truncation per operation, `exp` and `ln` written for 256 bits).
//! `dashu-float`'s `FBig` was measured in its place at the same 256 bits
//! (`cargo bench --bench float_backend`: the flat-rate present-value
//! kernel, one `ln`, one `exp`, a running product and a sum, checked to
//! agree within 1e-70 and to round to the same `Decimal`). It keeps the
//! precision (its `exp` and `ln` are correctly rounded) but was 4.3-5.0x
//! slower on the kernel and 10x slower on `ln` + `exp` (2026-12-03, two
//! runs on the loaded 2-core machine; figures in BENCHMARKS.md, "Float
//! backend"), so it was not adopted: the issue asks for a maintained float
//! only if it is not slower. It stays a dev-dependency of that bench, which
//! can decide again on a later version.

pub mod big_float;
pub mod exponential;
pub mod logarithm;
pub mod rational;

/// The guaranteed bound on the relative error of each internal discount
/// factor, as text (it is far below what a `Decimal` can hold): 1e-60.
pub const DISCOUNT_FACTOR_RELATIVE_ERROR: &str = "1e-60";
