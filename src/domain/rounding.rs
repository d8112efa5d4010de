//! Exact rounding of rational results.
//!
//! Every rounded figure in debtcalc is computed as an exact integer quotient
//! `numerator / denominator` and rounded once, here, so no intermediate
//! decimal product or quotient is ever silently truncated.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{CheckedAdd, CheckedMul, CheckedSub, Signed, ToPrimitive};
use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

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

/// The exact integers money arithmetic runs on: `i128` where every figure
/// of a call fits (no allocation), `BigInt` beyond. Code generic over it
/// uses only checked operations, which give `None` where an `i128` would
/// overflow (never for a `BigInt`); the caller then runs again in `BigInt`.
pub trait ExactInt:
    Integer + Signed + Clone + CheckedAdd + CheckedSub + CheckedMul + ToPrimitive + fmt::Debug
{
    /// `10^exponent`, or `None` when it does not fit.
    fn pow10(exponent: u32) -> Option<Self>;
    fn from_i128(value: i128) -> Self;
}

/// `10^k` for every `k` an `i128` holds (`k <= 38`).
const POW10_I128: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        table[k] = table[k - 1] * 10;
        k += 1;
    }
    table
};

impl ExactInt for i128 {
    fn pow10(exponent: u32) -> Option<Self> {
        POW10_I128.get(exponent as usize).copied()
    }

    fn from_i128(value: i128) -> Self {
        value
    }
}

impl ExactInt for BigInt {
    fn pow10(exponent: u32) -> Option<Self> {
        Some(pow10(exponent))
    }

    fn from_i128(value: i128) -> Self {
        BigInt::from(value)
    }
}

/// `numerator / denominator` rounded to an integer with `mode`.
///
/// `denominator` must be positive; callers build it from positive factors.
pub fn div_round<T: ExactInt>(numerator: &T, denominator: &T, mode: RoundingMode) -> T {
    debug_assert!(denominator.is_positive(), "denominator must be positive");
    let (floor, remainder) = numerator.div_mod_floor(denominator);
    if remainder.is_zero() {
        return floor;
    }
    let negative = numerator.is_negative();
    // Compare the discarded fraction with one half: 2r against d (2r
    // overflows an i128 only when it exceeds any i128 d).
    let half = remainder
        .checked_add(&remainder)
        .map_or(Ordering::Greater, |twice| twice.cmp(denominator));
    let up = match mode {
        RoundingMode::Floor => false,
        RoundingMode::Ceiling => true,
        RoundingMode::Down => negative,
        RoundingMode::Up => !negative,
        RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown => match half {
            Ordering::Less => false,
            Ordering::Greater => true,
            Ordering::Equal => match mode {
                RoundingMode::HalfEven => floor.is_odd(),
                RoundingMode::HalfUp => !negative,
                _ => negative,
            },
        },
    };
    // floor + 1 cannot overflow: a remainder means |denominator| >= 2, so
    // |floor| <= |numerator| / 2 + 1.
    if up {
        floor + T::one()
    } else {
        floor
    }
}

/// The powers of ten up to [`POW10_TABLE_MAX`], computed once.
const POW10_TABLE_MAX: u32 = 64;

/// `10^exponent`, borrowed from a table computed once for exponents up to
/// 64 (every scale of a `Decimal` and of the decimals derived from it).
pub fn pow10_ref(exponent: u32) -> Option<&'static BigInt> {
    static TABLE: OnceLock<Vec<BigInt>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            (0..=POW10_TABLE_MAX)
                .map(|k| num_traits::pow(BigInt::from(10u8), k as usize))
                .collect()
        })
        .get(exponent as usize)
}

/// 10 to the power `exponent`, as a big integer (one copy of a table entry
/// up to 10^64).
pub fn pow10(exponent: u32) -> BigInt {
    match pow10_ref(exponent) {
        Some(power) => power.clone(),
        None => num_traits::pow(BigInt::from(10u8), exponent as usize),
    }
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
    fn native_integers_round_as_big_ones() {
        use RoundingMode::*;
        let modes = [HalfEven, HalfUp, HalfDown, Up, Down, Ceiling, Floor];
        let edges = [
            i128::MAX,
            i128::MAX - 1,
            i128::MIN + 1,
            1 << 100,
            -(1 << 100) - 7,
        ];
        for n in (-40i128..=40).chain(edges) {
            for d in [1i128, 2, 3, 7, 10, 1 << 90, i128::MAX, i128::MAX - 1] {
                for mode in modes {
                    let big = div_round(&BigInt::from(n), &BigInt::from(d), mode);
                    assert_eq!(BigInt::from(div_round(&n, &d, mode)), big, "{n}/{d} {mode}");
                }
            }
        }
        for k in 0..=38 {
            assert_eq!(
                BigInt::from(<i128 as ExactInt>::pow10(k).unwrap()),
                pow10(k)
            );
        }
        assert_eq!(<i128 as ExactInt>::pow10(39), None);
        assert_eq!(pow10(70), num_traits::pow(BigInt::from(10u8), 70));
    }

    #[test]
    fn thirds() {
        assert_eq!(round(1, 3, RoundingMode::HalfEven), 0);
        assert_eq!(round(2, 3, RoundingMode::HalfEven), 1);
        assert_eq!(round(-2, 3, RoundingMode::Down), 0);
        assert_eq!(round(-2, 3, RoundingMode::Floor), -1);
    }
}
