//! Largest-remainder (Hamilton) allocation of a whole number of minor units
//! by weights: the only rounding of proportional parts that always adds up.

use num_bigint::BigInt;

use super::rounding::ExactInt;

/// Divides `total` (>= 0) minor units among parties with positive integer
/// `weights`, in order.
///
/// Each party first gets `floor(total x w / W)`; the units left over (fewer
/// than the number of parties) go one each to the parties with the largest
/// discarded remainders, ties to the party listed first. The parts add up to
/// `total` exactly. With no weights, nothing is allocated.
pub fn largest_remainder(total: &BigInt, weights: &[BigInt]) -> Vec<BigInt> {
    checked_largest_remainder(total, weights).expect("big integers do not overflow")
}

/// [`largest_remainder`] in any [`ExactInt`]; `None` only where an `i128`
/// would overflow.
pub fn checked_largest_remainder<T: ExactInt>(total: &T, weights: &[T]) -> Option<Vec<T>> {
    let mut weight_sum = T::zero();
    for weight in weights {
        weight_sum = weight_sum.checked_add(weight)?;
    }
    if weights.is_empty() || weight_sum.is_zero() {
        return Some(vec![T::zero(); weights.len()]);
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut left_over = total.clone();
    for (index, weight) in weights.iter().enumerate() {
        let (quota, remainder) = total.checked_mul(weight)?.div_mod_floor(&weight_sum);
        left_over = left_over.checked_sub(&quota)?;
        parts.push(quota);
        remainders.push((remainder, index));
    }
    // Largest remainder first; among equal remainders, the earlier party.
    // Fewer units are left over than there are parties.
    remainders.sort_unstable_by(|(ra, ia), (rb, ib)| rb.cmp(ra).then(ia.cmp(ib)));
    let left_over = left_over.to_usize()?;
    for (_, index) in remainders.into_iter().take(left_over) {
        parts[index] = parts[index].checked_add(&T::one())?;
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation in big integers, checked equal to the native one.
    fn alloc(total: i64, weights: &[i64]) -> Vec<i64> {
        let big: Vec<BigInt> = weights.iter().map(|&w| BigInt::from(w)).collect();
        let big = largest_remainder(&BigInt::from(total), &big);
        let native: Vec<i128> = weights.iter().map(|&w| i128::from(w)).collect();
        let native = checked_largest_remainder(&i128::from(total), &native).unwrap();
        assert_eq!(
            big,
            native.iter().map(|&p| BigInt::from(p)).collect::<Vec<_>>()
        );
        big.into_iter().map(|p| i64::try_from(p).unwrap()).collect()
    }

    #[test]
    fn native_overflow_is_none() {
        let weights = [i128::MAX / 2, i128::MAX / 2];
        assert_eq!(checked_largest_remainder(&3, &weights), None);
        assert_eq!(checked_largest_remainder(&0, &[i128::MAX, 1]), None);
    }

    #[test]
    fn equal_thirds_of_the_dprk_remainder() {
        assert_eq!(
            alloc(109_600_000_000, &[1, 1, 1]),
            vec![36_533_333_334, 36_533_333_333, 36_533_333_333]
        );
    }

    #[test]
    fn largest_remainder_wins_and_ties_go_first() {
        // 10 by 1:1:1:1 -> 2.5 each: two leftover units to the first two.
        assert_eq!(alloc(10, &[1, 1, 1, 1]), vec![3, 3, 2, 2]);
        // 100 by 1:2:3 -> 16.67, 33.33, 50: the largest fraction is the first.
        assert_eq!(alloc(100, &[1, 2, 3]), vec![17, 33, 50]);
        assert_eq!(alloc(0, &[1, 2]), vec![0, 0]);
        assert_eq!(alloc(5, &[]), Vec::<i64>::new());
    }
}
