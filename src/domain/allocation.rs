//! Largest-remainder (Hamilton) allocation of a whole number of minor units
//! by weights: the only rounding of proportional parts that always adds up.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

/// Divides `total` (>= 0) minor units among parties with positive integer
/// `weights`, in order.
///
/// Each party first gets `floor(total x w / W)`; the units left over (fewer
/// than the number of parties) go one each to the parties with the largest
/// discarded remainders, ties to the party listed first. The parts add up to
/// `total` exactly. With no weights, nothing is allocated.
pub fn largest_remainder(total: &BigInt, weights: &[BigInt]) -> Vec<BigInt> {
    let weight_sum: BigInt = weights.iter().sum();
    if weights.is_empty() || weight_sum.is_zero() {
        return vec![BigInt::zero(); weights.len()];
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let (quota, remainder) = (total * weight).div_mod_floor(&weight_sum);
        parts.push(quota);
        remainders.push((remainder, index));
    }
    let allocated: BigInt = parts.iter().sum();
    let left_over = total - allocated;
    // Largest remainder first; among equal remainders, the earlier party.
    remainders.sort_by(|(ra, ia), (rb, ib)| rb.cmp(ra).then(ia.cmp(ib)));
    let mut unit = BigInt::zero();
    for (_, index) in remainders {
        if unit >= left_over {
            break;
        }
        parts[index] += BigInt::one();
        unit += BigInt::one();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(total: i64, weights: &[i64]) -> Vec<i64> {
        let weights: Vec<BigInt> = weights.iter().map(|&w| BigInt::from(w)).collect();
        largest_remainder(&BigInt::from(total), &weights)
            .into_iter()
            .map(|p| i64::try_from(p).unwrap())
            .collect()
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
