//! The reported `Decimal` of a ratio of wide integers, exactly as the exact
//! path rounds ([`crate::domain::numerics::rational::ratio_to_decimal`]:
//! half-even to the finest `Decimal` that holds it, normalized), and the
//! decision for an interval: a figure is reported from the certified path
//! only when both ends of the interval that holds it round to the same
//! `Decimal` at the same scale.
//!
//! Why the ends suffice: at one scale, rounding half-even is monotone, so
//! every value between two ends that round to `R` rounds to `R`; the scale
//! chosen (28, or fewer decimals for larger magnitudes) only decreases as
//! the magnitude grows, so a value between two ends of the same scale has
//! that scale too.

use rust_decimal::Decimal;

use super::wide::{Signed384, U384};

/// The largest `Decimal` mantissa, 2^96 - 1.
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// A rounded figure and the scale it was rounded at (before the trailing
/// zeros were dropped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rounded {
    pub(crate) value: Decimal,
    pub(crate) scale: u32,
}

/// `±num / den` rounded half-even to the finest `Decimal` that holds it,
/// normalized: the result of `ratio_to_decimal` for the same rational.
/// `None` when that would be an overflow error (the exact path reports it)
/// or a division estimate did not settle.
pub(crate) fn finest(negative: bool, num: U384, den: U384) -> Option<Rounded> {
    let (integer, _) = num.div_rem(den)?;
    if integer > MAX_MANTISSA {
        return None;
    }
    let digits = if integer == 0 {
        0
    } else {
        integer.ilog10() + 1
    };
    let mut scale = 28u32.min(29u32.saturating_sub(digits));
    loop {
        let scaled = num.mul_u128(U384::pow10(scale).to_u128()?)?;
        let (floor, remainder) = scaled.div_rem(den)?;
        let twice = remainder.shl(1)?;
        let q = match twice.cmp(&den) {
            std::cmp::Ordering::Less => floor,
            std::cmp::Ordering::Greater => floor + 1,
            std::cmp::Ordering::Equal => floor + (floor & 1),
        };
        if q <= MAX_MANTISSA {
            let mantissa = if negative { -(q as i128) } else { q as i128 };
            let value = Decimal::try_from_i128_with_scale(mantissa, scale)
                .ok()?
                .normalize();
            return Some(Rounded { value, scale });
        }
        if scale == 0 {
            return None;
        }
        scale -= 1;
    }
}

/// The `Decimal` that every value in `[lo / den, hi / den]` rounds to, when
/// both ends round to it at the same scale; `None` otherwise (the figure
/// is then left to the exact path).
pub(crate) fn decide(lo: Signed384, hi: Signed384, den: U384) -> Option<Decimal> {
    let a = finest(lo.negative, lo.magnitude, den)?;
    let b = finest(hi.negative, hi.magnitude, den)?;
    (a == b).then_some(a.value)
}

/// The `Decimal` that every ratio `±w / x` with `w` in `[w_lo, w_hi]` and
/// `x` in `[x_lo, x_hi]` (magnitudes, `x_lo > 0`), divided by `divisor`,
/// rounds to, when the two extreme ratios round to it at the same scale.
pub(crate) fn decide_ratio(
    negative: bool,
    w_lo: U384,
    w_hi: U384,
    x_lo: U384,
    x_hi: U384,
    divisor: u64,
) -> Option<Decimal> {
    if x_lo.is_zero() {
        return None;
    }
    let a = finest(negative, w_lo, x_hi.mul_u64(divisor)?)?;
    let b = finest(negative, w_hi, x_lo.mul_u64(divisor)?)?;
    (a == b).then_some(a.value)
}
