//! Exact Shapley values of a cooperative game with few players.
//!
//! The game is given by its value on every coalition: `value[mask]`, where
//! bit `i` of `mask` says whether player `i` is in. The Shapley value of
//! player `i` is the average, over all `n!` orders in which the players can
//! join, of the change in value when `i` joins:
//!
//! `phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! x
//! (v(S + i) - v(S))`.
//!
//! It is the only attribution that is efficient (the values add up to
//! `v(all) - v(none)`), symmetric, gives nothing to a player that never
//! changes the value, and is additive. Because it averages over every order,
//! it does not depend on the order in which the players are listed. With
//! integer values, `n! x phi_i` is an integer, so the computation is exact.

use num_bigint::BigInt;
use num_traits::{One, Zero};

/// The most players a game may have: 2^8 = 256 coalitions. Reconciliation
/// has at most 7 (conversion, redenomination, four components, offsets).
pub const MAX_PLAYERS: usize = 8;

/// `n!`.
pub fn factorial(n: usize) -> BigInt {
    (1..=n).fold(BigInt::one(), |acc, k| acc * BigInt::from(k))
}

/// `n! x phi_i` for each player `i`, exactly; `None` when `n` exceeds
/// [`MAX_PLAYERS`] or `value` does not have `2^n` entries.
pub fn shapley_numerators(n: usize, value: &[BigInt]) -> Option<Vec<BigInt>> {
    if n > MAX_PLAYERS || value.len() != 1usize << n {
        return None;
    }
    // weight[s] = s! (n - s - 1)! for a coalition of size s without i.
    let weights: Vec<BigInt> = (0..n)
        .map(|s| factorial(s) * factorial(n - s - 1))
        .collect();
    let mut result = vec![BigInt::zero(); n];
    for (player, total) in result.iter_mut().enumerate() {
        let bit = 1usize << player;
        for mask in 0..value.len() {
            if mask & bit != 0 {
                continue;
            }
            let size = mask.count_ones() as usize;
            *total += &weights[size] * (&value[mask | bit] - &value[mask]);
        }
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(values: &[i64]) -> Vec<BigInt> {
        values.iter().map(|&v| BigInt::from(v)).collect()
    }

    /// The definition: the average marginal contribution over all orders.
    fn by_orders(n: usize, value: &[BigInt]) -> Vec<BigInt> {
        let mut result = vec![BigInt::zero(); n];
        let mut order: Vec<usize> = (0..n).collect();
        permute(&mut order, 0, &mut |order| {
            let mut mask = 0usize;
            for &player in order {
                let next = mask | (1 << player);
                result[player] += &value[next] - &value[mask];
                mask = next;
            }
        });
        result
    }

    fn permute(items: &mut Vec<usize>, k: usize, visit: &mut dyn FnMut(&[usize])) {
        if k == items.len() {
            visit(items);
            return;
        }
        for i in k..items.len() {
            items.swap(k, i);
            permute(items, k + 1, visit);
            items.swap(k, i);
        }
    }

    #[test]
    fn equals_the_average_over_orders() {
        // v(S) = product of factors: a multiplicative game like a valuation.
        let factors = [3i64, 5, 7];
        let value: Vec<BigInt> = (0..8usize)
            .map(|mask| {
                let mut v = BigInt::from(100);
                for (i, f) in factors.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        v *= *f;
                    }
                }
                v
            })
            .collect();
        assert_eq!(shapley_numerators(3, &value).unwrap(), by_orders(3, &value));
    }

    #[test]
    fn efficient_symmetric_and_null() {
        // Players 0 and 1 symmetric, player 2 null.
        let value = game(&[0, 10, 10, 30, 0, 10, 10, 30]);
        let phi = shapley_numerators(3, &value).unwrap();
        assert_eq!(phi[0], phi[1]);
        assert_eq!(phi[2], BigInt::zero());
        let sum: BigInt = phi.iter().sum();
        assert_eq!(sum, factorial(3) * BigInt::from(30));
    }

    #[test]
    fn limits() {
        assert_eq!(shapley_numerators(0, &game(&[5])), Some(vec![]));
        assert!(shapley_numerators(2, &game(&[1, 2, 3])).is_none());
        assert!(shapley_numerators(9, &vec![BigInt::zero(); 512]).is_none());
        assert_eq!(factorial(8), BigInt::from(40320));
    }
}
