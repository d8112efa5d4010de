//! Rounding signed exact parts to whole units so that they add up to a given
//! total: the largest-remainder method of [`crate::domain::allocation`],
//! generalised to parts of any sign and to a total that need not equal the
//! exact sum.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// Rounds the exact parts `numerators[i] / denominator` to integers that add
/// up to `total` exactly.
///
/// Each part first gets `floor(numerator / denominator)`; the difference
/// `R = total - sum of floors` is then handed out a unit at a time: when `R`
/// is positive, +1 to the parts with the largest discarded fractions; when
/// negative, -1 to the parts with the smallest; among equal fractions the
/// part listed first goes first (callers list parts in a canonical order, so
/// the result does not depend on the order in which they were found). When
/// the parts add up to `total` exactly, `0 <= R < n` and each part moves by
/// at most one unit from its floor; if `|R| >= n`, every part first takes
/// `R / n` whole units.
///
/// `denominator` must be positive; for a non-positive one, or no parts, the
/// floors are zero and nothing is handed out (an empty result for no parts).
pub fn apportion(numerators: &[BigInt], denominator: &BigInt, total: &BigInt) -> Vec<BigInt> {
    if numerators.is_empty() || !denominator.is_positive() {
        return vec![BigInt::zero(); numerators.len()];
    }
    let mut parts = Vec::with_capacity(numerators.len());
    let mut remainders = Vec::with_capacity(numerators.len());
    for (index, numerator) in numerators.iter().enumerate() {
        let (floor, remainder) = numerator.div_mod_floor(denominator);
        parts.push(floor);
        remainders.push((remainder, index));
    }
    let floors: BigInt = parts.iter().sum();
    let left_over: BigInt = total - floors;
    if left_over.is_zero() {
        return parts;
    }
    let count = BigInt::from(parts.len());
    let up = left_over.is_positive();
    if up {
        // Largest fraction first; ties to the earlier part.
        remainders.sort_by(|(ra, ia), (rb, ib)| rb.cmp(ra).then(ia.cmp(ib)));
    } else {
        // Smallest fraction first; ties to the earlier part.
        remainders.sort_by(|(ra, ia), (rb, ib)| ra.cmp(rb).then(ia.cmp(ib)));
    }
    let (whole, extra) = left_over.abs().div_mod_floor(&count);
    let extra = usize::try_from(&extra).unwrap_or(0);
    for part in parts.iter_mut() {
        if up {
            *part += &whole;
        } else {
            *part -= &whole;
        }
    }
    for (_, index) in remainders.into_iter().take(extra) {
        if up {
            parts[index] += 1;
        } else {
            parts[index] -= 1;
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(numerators: &[i64], denominator: i64, total: i64) -> Vec<i64> {
        let nums: Vec<BigInt> = numerators.iter().map(|&n| BigInt::from(n)).collect();
        apportion(&nums, &BigInt::from(denominator), &BigInt::from(total))
            .into_iter()
            .map(|p| i64::try_from(p).unwrap())
            .collect()
    }

    #[test]
    fn agrees_with_largest_remainder_for_positive_parts() {
        // 100 by 1:2:3 over 6: 16.67, 33.33, 50 -> 17, 33, 50.
        assert_eq!(run(&[100, 200, 300], 6, 100), vec![17, 33, 50]);
        // Halves: the first listed takes the odd unit.
        assert_eq!(run(&[1, 1], 2, 1), vec![1, 0]);
    }

    #[test]
    fn signed_parts_add_up() {
        // 2.5 + (-1.5) = 1: floors 2 and -2, one unit to the larger fraction
        // (both .5: the first).
        assert_eq!(run(&[5, -3], 2, 1), vec![3, -2]);
        // -0.4 -0.4 -0.2 = -1: floors -1, -1, -1 = -3; two units up, to the
        // largest fraction (-0.2) and to the first of the tied -0.4s.
        assert_eq!(run(&[-2, -2, -1], 5, -1), vec![0, -1, 0]);
    }

    #[test]
    fn a_total_off_the_exact_sum_is_still_met() {
        // 0.4 + 0.4 = 0.8 to a total of 0: the floors already add up.
        assert_eq!(run(&[2, 2], 5, 0), vec![0, 0]);
        // 0.4 + 0.4 to a total of -1: one unit down from the smallest
        // fraction (tie: the first).
        assert_eq!(run(&[2, 2], 5, -1), vec![-1, 0]);
        // Far from the sum: whole units first.
        assert_eq!(run(&[0, 0, 0], 1, 7), vec![3, 2, 2]);
        assert_eq!(run(&[0, 0, 0], 1, -7), vec![-3, -2, -2]);
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(run(&[], 1, 5), Vec::<i64>::new());
        assert_eq!(run(&[3], 0, 5), vec![0]);
    }
}
