//! Exact rounding of rational results.
//!
//! Every rounded figure in debtcalc is computed as an exact integer quotient
//! `numerator / denominator` and rounded once, here, so no intermediate
//! decimal product or quotient is ever silently truncated.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use std::fmt;

/// How an exact value is rounded to a coarser precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RoundingMode {
    /// Nearest; ties to the even neighbour.
    #[default]
    HalfEven,
    /// Nearest; ties away from zero.
    HalfUp,
    /// Nearest; ties toward zero.
    HalfDown,
    /// Away from zero.
    Up,
    /// Toward zero.
    Down,
    /// Toward positive infinity.
    Ceiling,
    /// Toward negative infinity.
    Floor,
}

impl fmt::Display for RoundingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::HalfEven => "half-even",
            Self::HalfUp => "half-up",
            Self::HalfDown => "half-down",
            Self::Up => "up",
            Self::Down => "down",
            Self::Ceiling => "ceiling",
            Self::Floor => "floor",
        };
        f.write_str(name)
    }
}

/// `numerator / denominator` rounded to an integer with `mode`.
///
/// `denominator` must be positive; callers build it from positive factors.
pub fn div_round(numerator: &BigInt, denominator: &BigInt, mode: RoundingMode) -> BigInt {
    debug_assert!(denominator.is_positive(), "denominator must be positive");
    let (floor, remainder) = numerator.div_mod_floor(denominator);
    if remainder.is_zero() {
        return floor;
    }
    let ceil = &floor + BigInt::one();
    let negative = numerator.is_negative();
    // Compare the discarded fraction with one half: 2r against d.
    let twice: BigInt = &remainder << 1;
    let half = twice.cmp(denominator);
    match mode {
        RoundingMode::Floor => floor,
        RoundingMode::Ceiling => ceil,
        RoundingMode::Down => {
            if negative {
                ceil
            } else {
                floor
            }
        }
        RoundingMode::Up => {
            if negative {
                floor
            } else {
                ceil
            }
        }
        RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown => match half {
            std::cmp::Ordering::Less => floor,
            std::cmp::Ordering::Greater => ceil,
            std::cmp::Ordering::Equal => match mode {
                RoundingMode::HalfEven => {
                    if floor.is_even() {
                        floor
                    } else {
                        ceil
                    }
                }
                RoundingMode::HalfUp => {
                    if negative {
                        floor
                    } else {
                        ceil
                    }
                }
                _ => {
                    if negative {
                        ceil
                    } else {
                        floor
                    }
                }
            },
        },
    }
}

/// 10 to the power `exponent`, as a big integer.
pub fn pow10(exponent: u32) -> BigInt {
    num_traits::pow(BigInt::from(10u8), exponent as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(n: i64, d: i64, mode: RoundingMode) -> i64 {
        let q = div_round(&BigInt::from(n), &BigInt::from(d), mode);
        i64::try_from(q).unwrap()
    }

    #[test]
    fn table_of_modes() {
        use RoundingMode::*;
        // value x 10 / 10: 2.5, 3.5, -2.5, 2.4, 2.6, -2.6, 2.0
        let cases: [(i64, [i64; 7]); 7] = [
            // HalfEven HalfUp HalfDown Up Down Ceiling Floor
            (25, [2, 3, 2, 3, 2, 3, 2]),
            (35, [4, 4, 3, 4, 3, 4, 3]),
            (-25, [-2, -3, -2, -3, -2, -2, -3]),
            (24, [2, 2, 2, 3, 2, 3, 2]),
            (26, [3, 3, 3, 3, 2, 3, 2]),
            (-26, [-3, -3, -3, -3, -2, -2, -3]),
            (20, [2, 2, 2, 2, 2, 2, 2]),
        ];
        let modes = [HalfEven, HalfUp, HalfDown, Up, Down, Ceiling, Floor];
        for (n, expected) in cases {
            for (mode, want) in modes.iter().zip(expected) {
                assert_eq!(round(n, 10, *mode), want, "{n}/10 {mode}");
            }
        }
    }

    #[test]
    fn thirds() {
        assert_eq!(round(1, 3, RoundingMode::HalfEven), 0);
        assert_eq!(round(2, 3, RoundingMode::HalfEven), 1);
        assert_eq!(round(-2, 3, RoundingMode::Down), 0);
        assert_eq!(round(-2, 3, RoundingMode::Floor), -1);
    }
}
