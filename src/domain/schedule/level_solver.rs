//! The floating-point stage of the level payment, shared by every re-solve
//! of one schedule: the annuity factor of any tail of the schedule's
//! periods, at any rate, in a bounded number of operations.
//!
//! # The annuity factor as a composition
//!
//! With `v_l = 1 / (1 + r tau_l)` (rate r, year fraction `tau_l`), the
//! annuity factor of periods `s..n` is `alpha = v_s + v_s v_(s+1) + ... +
//! v_s ... v_n`. A run X of consecutive periods is described by the pair
//! `(alpha_X, beta_X)`, `beta_X = v_s ... v_e`, and two adjacent runs X, Y
//! (X first) compose as
//!
//! ```text
//! alpha_XY = alpha_X + beta_X alpha_Y,   beta_XY = beta_X beta_Y
//! ```
//!
//! an associative operation, so any bracketing of the periods gives the same
//! exact value. A period alone is `(v_l, v_l)`.
//!
//! # Sharing
//!
//! The periods are the leaves of a binary tree of aligned runs (level k
//! holds the runs `[j 2^k, (j + 1) 2^k)`, the last one cut at n). Runs with
//! the same sequence of year fractions are one node (hash-consing): a
//! schedule of equal fractions (30/360, the periodic count) has about two
//! distinct nodes per level, one of actual-day months a few dozen (the
//! month lengths repeat every 48 months), an irregular one at most `2 n`.
//! A tail `s..n` is the composition of at most `log2 n + 1` aligned runs.
//! The values of the nodes are memoised per rate, for the last
//! [`MEMOISED_RATES`] rates used, so:
//!
//! - a re-solve at a rate already seen costs at most `log2 n + 1`
//!   compositions (about 11 for 1,200 periods), whatever the tail;
//! - a re-solve at a new rate also evaluates the nodes under those runs not
//!   evaluated before at that rate: at most the distinct nodes of the tail
//!   (43 for 1,200 actual ACT/360 months), once per rate. When the tree has
//!   at least as many distinct nodes as the tail has periods (irregular
//!   fractions: business-day adjusted dates; or a short tail), that could
//!   cost up to `2 (n - s)` nodes, so the tail is then composed one period
//!   at a time, `n - s` steps as before the tree (four chains side by side,
//!   each distinct fraction's leaf computed once), and the rate's memo is
//!   filled only if the rate comes again.
//!
//! A rate that alternates between two values is thus as cheap as a fixed
//! one; a new rate at every period costs the distinct nodes of every tail.
//! A schedule that solves once (a fixed rate) builds no tree: its one solve
//! composes the periods one by one from the last ([`estimate_once`]), one
//! more bracketing that the bound below covers.
//!
//! # Precision
//!
//! See [`super::annuity`] for how the estimate is used. Every computed
//! quantity is a sum or product of positive numbers, so its relative error
//! is bounded by counting roundings (Higham, *Accuracy and Stability of
//! Numerical Algorithms*, 2nd ed., lemmas 3.1 and 3.3): write `<k>` for a
//! factor `1 + theta` with `|theta| <= gamma_k = k u / (1 - k u)`, `u =
//! 2^-53`. Then `<a><b> = <a + b>`; a sum of positive terms carrying `<a>`
//! and `<b>` carries `<max(a, b)>` before its own rounding; and `1 / <k> =
//! <k + 1>` whenever `k (k + 1) u <= 1` (`|theta| / (1 - |theta|) <=
//! k u / (1 - 2 k u) <= gamma_(k+1)` exactly then), which holds far beyond
//! any schedule's length.
//!
//! - A leaf: the rate `fl(M) / fl(10^s)` and the fraction `fl(p) / fl(q)`
//!   carry `<3>` each (integer conversions are correctly rounded), their
//!   product `<7>`. For `g >= -1/2`, `1 + g<7> = (1 + g)(1 + theta g / (1 +
//!   g))` with `|g / (1 + g)| <= 1`, so `fl(1 + g)` carries `<8>`, its
//!   reciprocal `<9>` and `v = fl(1 / fl(1 + g))` carries `<L>`, `L = 10`.
//! - A composition of runs of `p` and `q` leaves: by induction on the tree,
//!   `beta` carries `<(L + 1) p - 1>` and `alpha` carries
//!   `<(L + 2) p - 1>`: `beta_X beta_Y` carries `(L + 1)(p + q) - 2 + 1`;
//!   `beta_X alpha_Y` carries `(L + 1) p + (L + 2) q - 1`, and the sum with
//!   `alpha_X` (`(L + 2) p - 1`) one more, at most `(L + 2)(p + q) - 1` as
//!   both p and q are at least 1. This holds for every bracketing, so for
//!   the memoised nodes and the composition of a tail's runs alike.
//! - The payment `P = O f / (1 + alpha)` over m periods (the current one,
//!   factor `f`, and `m - 1` later ones): `fl(1 + alpha)` carries `<12 (m -
//!   1)>`; O and the current growth's numerator and denominator are big
//!   integers converted with an error below one ulp (`<2>` each), so the
//!   growth carries `<2 + 3 + 1>`, `f` `<7>`, `fl(O f)` `<10>`, and the
//!   quotient `<10 + 12 (m - 1) + 1 + 1> = <12 m>`.
//!
//! So `|P~ - P| <= gamma_(12 m) P` ([`estimate_bound`]). The
//! model `fl(a op b) = (a op b)(1 + d)`, `|d| <= u`, needs every result in
//! the normal range: each leaf, product and sum is checked to lie within
//! `1e-290 ..= 1e290` (a result below 2^-1022 or above the largest double
//! cannot be rounded into that range, as rounding is monotone), and every
//! `1 + g` must be at least 1/2 (`g >= -0.49` with a margin for the error of
//! g). A value that fails is NaN, which every later operation keeps, and the
//! estimate is then refused (the exact stage decides).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use rust_decimal::Decimal;

use super::growth::Growth;

/// How many rates keep their memoised node values (least recently used
/// first out).
pub const MEMOISED_RATES: usize = 4;

/// How many steps of the one-by-one composition one node evaluation is
/// counted as when choosing between them (see [`AnnuityTree::tail`]); 4
/// was slower on adjusted dates, whose tails share more runs than the
/// whole tree's count of nodes suggests.
const NODE_COST: usize = 1;

const TINY: f64 = 1e-290;
const HUGE: f64 = 1e290;

/// A multiply-rotate hash (as rustc's FxHash) for the interning maps: keys
/// are small integers, at most a few thousand of them.
type Fast = BuildHasherDefault<FastHasher>;

#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u32(&mut self, word: u32) {
        self.write_u64(u64::from(word));
    }

    fn write_i64(&mut self, word: i64) {
        self.write_u64(word as u64);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn write_isize(&mut self, word: isize) {
        self.write_u64(word as u64);
    }
}

/// A node of the tree of runs: one period (by its year fraction's index in
/// the distinct fractions) or two adjacent runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    Leaf(u32),
    Pair(u32, u32),
}

/// The memoised values of the nodes at one rate.
#[derive(Debug)]
struct RateMemo {
    rate: Decimal,
    rate_estimate: f64,
    /// Which generation each entry of `values` was computed in; entries of
    /// another generation are stale.
    stamps: Vec<u64>,
    values: Vec<(f64, f64)>,
    generation: u64,
    last_used: u64,
}

/// Counts of the work done, for tests that bound the cost per re-solve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SolverWork {
    /// Leaves and compositions evaluated (memo misses).
    pub evaluations: u64,
    /// Compositions of a tail's runs (memo hits included).
    pub compositions: u64,
}

/// The annuity factors of the tails of one schedule's periods, at any rate
/// (see the module documentation).
#[derive(Debug)]
pub struct AnnuityTree {
    /// The distinct year fractions as `f64` (one rounding each).
    fractions: Vec<f64>,
    nodes: Vec<Node>,
    /// `levels[k][j]`: the node of the run `[j 2^k, (j + 1) 2^k)`, cut at
    /// the number of periods.
    levels: Vec<Vec<u32>>,
    /// The index in `fractions` of each period's year fraction.
    positions: Vec<u32>,
    /// The leaves of the distinct fractions at the rate being composed one
    /// by one (a buffer kept between solves).
    scratch: Vec<(f64, f64)>,
    memos: Vec<RateMemo>,
    /// The last rates composed one by one (see [`AnnuityTree::tail`]).
    seen: Vec<Decimal>,
    generation: u64,
    clock: u64,
    work: SolverWork,
}

impl AnnuityTree {
    /// The tree of the periods with year fractions `fractions`
    /// (`(numerator, denominator)`, denominator positive), in order.
    pub fn new(fractions: &[(i64, i64)]) -> Self {
        let mut distinct: HashMap<(i64, i64), u32, Fast> = HashMap::default();
        let mut values = Vec::new();
        let mut nodes = Vec::new();
        let mut interned: HashMap<Node, u32, Fast> = HashMap::default();
        let mut intern = |node: Node, nodes: &mut Vec<Node>| {
            *interned.entry(node).or_insert_with(|| {
                nodes.push(node);
                (nodes.len() - 1) as u32
            })
        };
        let positions: Vec<u32> = fractions
            .iter()
            .map(|&(numerator, denominator)| {
                *distinct.entry((numerator, denominator)).or_insert_with(|| {
                    values.push(numerator as f64 / denominator as f64);
                    (values.len() - 1) as u32
                })
            })
            .collect();
        let leaves: Vec<u32> = positions
            .iter()
            .map(|&index| intern(Node::Leaf(index), &mut nodes))
            .collect();
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|level| level.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let above: Vec<u32> = below
                .chunks(2)
                .map(|pair| match *pair {
                    [left, right] => intern(Node::Pair(left, right), &mut nodes),
                    // A run cut at the end is its left half.
                    [left] => left,
                    _ => unreachable!("chunks(2) yields one or two"),
                })
                .collect();
            levels.push(above);
        }
        Self {
            fractions: values,
            nodes,
            levels,
            positions,
            scratch: Vec::new(),
            memos: Vec::new(),
            seen: Vec::new(),
            generation: 0,
            clock: 0,
            work: SolverWork::default(),
        }
    }

    /// The number of periods.
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of distinct nodes (runs of year fractions).
    pub fn distinct_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The work done so far.
    pub fn work(&self) -> SolverWork {
        self.work
    }

    /// The estimate `P~` of the level payment of `outstanding` over the
    /// current period (growth `current`) and the periods `from..` of the
    /// tree at `held_rate`, with its relative error bound; `None` when a
    /// condition of the bound fails (see the module documentation).
    pub fn estimate(
        &mut self,
        outstanding: &BigInt,
        current: &Growth,
        held_rate: Decimal,
        from: usize,
    ) -> Option<(f64, f64)> {
        let later = self.len().checked_sub(from)?;
        let alpha = if later == 0 {
            0.0
        } else {
            self.tail(held_rate, from).0
        };
        payment_estimate(outstanding, current, alpha, later)
    }

    /// `(alpha, beta)` of the periods `from..` (at least one) at `rate`.
    ///
    /// At a rate not memoised, when evaluating the tree's distinct nodes
    /// could cost more than a step per period of the tail (a node counted
    /// as [`NODE_COST`] steps; irregular fractions have many nodes, and
    /// short tails few periods): the first time the rate comes, the periods
    /// are composed one by one instead (one step each, no memo); the second
    /// time, its memo is filled.
    fn tail(&mut self, rate: Decimal, from: usize) -> (f64, f64) {
        let memoised = self.memos.iter().any(|memo| memo.rate == rate);
        if !memoised
            && NODE_COST * self.nodes.len() >= self.len() - from
            && !self.seen.contains(&rate)
        {
            if self.seen.len() == MEMOISED_RATES {
                self.seen.remove(0);
            }
            self.seen.push(rate);
            self.work.evaluations += (self.len() - from) as u64;
            let rate = rate_estimate(rate);
            let positions = &self.positions[from..];
            // Each distinct fraction's leaf once (the same value as
            // computed per period), when there are no more than periods.
            self.scratch.clear();
            if self.fractions.len() <= positions.len() {
                let leaves = self.fractions.iter().map(|f| leaf(rate, *f));
                self.scratch.extend(leaves);
                let table = &self.scratch;
                return one_by_one(positions.len(), |i| table[positions[i] as usize]);
            }
            let fractions = &self.fractions;
            return one_by_one(positions.len(), |i| {
                leaf(rate, fractions[positions[i] as usize])
            });
        }
        let memo = self.memo_for(rate);
        // The aligned runs that make up the tail, left to right.
        let mut runs = [0u32; 64];
        let mut count = 0;
        let top = self.levels.len() - 1;
        let mut start = from;
        while start < self.len() {
            let k = if start == 0 {
                top
            } else {
                (start.trailing_zeros() as usize).min(top)
            };
            runs[count] = self.levels[k][start >> k];
            count += 1;
            start += 1 << k;
        }
        let memo = &mut self.memos[memo];
        let mut evaluator = Evaluator {
            nodes: &self.nodes,
            fractions: &self.fractions,
            memo,
            evaluations: 0,
        };
        let mut acc = evaluator.value(runs[count - 1]);
        for &run in runs[..count - 1].iter().rev() {
            acc = compose(evaluator.value(run), acc);
        }
        self.work.evaluations += evaluator.evaluations;
        self.work.compositions += count as u64;
        acc
    }

    /// The index of the memo of `rate`, made (or taken over from the least
    /// recently used rate) if needed.
    fn memo_for(&mut self, rate: Decimal) -> usize {
        self.clock += 1;
        let clock = self.clock;
        if let Some(index) = self.memos.iter().position(|memo| memo.rate == rate) {
            self.memos[index].last_used = clock;
            return index;
        }
        self.generation += 1;
        let memo = RateMemo {
            rate,
            rate_estimate: rate_estimate(rate),
            stamps: vec![0; self.nodes.len()],
            values: vec![(0.0, 0.0); self.nodes.len()],
            generation: self.generation,
            last_used: clock,
        };
        if self.memos.len() < MEMOISED_RATES {
            self.memos.push(memo);
            return self.memos.len() - 1;
        }
        let index = (0..self.memos.len())
            .min_by_key(|&i| self.memos[i].last_used)
            .unwrap_or(0);
        // The old buffers are kept: the new generation marks them stale.
        let old = &mut self.memos[index];
        old.rate = memo.rate;
        old.rate_estimate = memo.rate_estimate;
        old.generation = memo.generation;
        old.last_used = clock;
        index
    }
}

/// The estimate of [`AnnuityTree::estimate`] without a tree: the periods
/// `later` composed one by one from the last (one bracketing among those
/// the bound covers), for a schedule that solves only once.
pub fn estimate_once(
    outstanding: &BigInt,
    current: &Growth,
    held_rate: Decimal,
    later: &[(i64, i64)],
) -> Option<(f64, f64)> {
    let rate = rate_estimate(held_rate);
    let alpha = if later.is_empty() {
        0.0
    } else {
        one_by_one(later.len(), |i| {
            let (numerator, denominator) = later[i];
            leaf(rate, numerator as f64 / denominator as f64)
        })
        .0
    };
    payment_estimate(outstanding, current, alpha, later.len())
}

/// `(alpha, beta)` of periods with year fractions `fractions` (at least
/// one) at `rate`, one step per period: four quarters composed one by one
/// from their last period, side by side (four independent chains of
/// dependent operations instead of one), then composed together. Another
/// bracketing, which the bound covers.
fn one_by_one(n: usize, leaf_at: impl Fn(usize) -> (f64, f64)) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    if n < 16 {
        let mut acc = leaf_at(n - 1);
        for i in (0..n - 1).rev() {
            acc = compose(leaf_at(i), acc);
        }
        return acc;
    }
    // Quarters [0, q), [q, 2q), [2q, 3q), [3q, n).
    let q = n / 4;
    let starts = [0, q, 2 * q, 3 * q];
    let mut acc = [
        leaf_at(q - 1),
        leaf_at(2 * q - 1),
        leaf_at(3 * q - 1),
        leaf_at(n - 1),
    ];
    // The last quarter's periods beyond q.
    for i in (4 * q - 1..n - 1).rev() {
        acc[3] = compose(leaf_at(i), acc[3]);
    }
    for k in (0..q - 1).rev() {
        for (part, start) in acc.iter_mut().zip(starts) {
            *part = compose(leaf_at(start + k), *part);
        }
    }
    compose(acc[0], compose(acc[1], compose(acc[2], acc[3])))
}

/// `P~ = O f / (1 + alpha)` and its bound, `alpha` the annuity factor of
/// the `later` periods (0 for none).
fn payment_estimate(
    outstanding: &BigInt,
    current: &Growth,
    alpha: f64,
    later: usize,
) -> Option<(f64, f64)> {
    let growth = current.estimate()?;
    let first = 1.0 + growth;
    let outstanding = outstanding.to_f64()?;
    let denominator = 1.0 + alpha;
    let numerator = outstanding * first;
    let payment = numerator / denominator;
    let valid = growth >= -0.49
        && (later == 0 || in_range(alpha))
        && in_range(first)
        && in_range(outstanding)
        && in_range(numerator)
        && in_range(denominator)
        && in_range(payment)
        && payment < (1u64 << 50) as f64;
    valid.then(|| (payment, estimate_bound(later + 1)))
}

/// The rate as an `f64`: `fl(mantissa) / fl(10^scale)`.
fn rate_estimate(rate: Decimal) -> f64 {
    rate.mantissa() as f64 / 10i128.pow(rate.scale()) as f64
}

/// Evaluates nodes at one rate, through its memo.
struct Evaluator<'a> {
    nodes: &'a [Node],
    fractions: &'a [f64],
    memo: &'a mut RateMemo,
    evaluations: u64,
}

impl Evaluator<'_> {
    fn value(&mut self, id: u32) -> (f64, f64) {
        let index = id as usize;
        if self.memo.stamps[index] == self.memo.generation {
            return self.memo.values[index];
        }
        self.evaluations += 1;
        let value = match self.nodes[index] {
            Node::Leaf(fraction) => {
                leaf(self.memo.rate_estimate, self.fractions[fraction as usize])
            }
            Node::Pair(left, right) => {
                let left = self.value(left);
                let right = self.value(right);
                compose(left, right)
            }
        };
        self.memo.stamps[index] = self.memo.generation;
        self.memo.values[index] = value;
        value
    }
}

fn in_range(x: f64) -> bool {
    (TINY..=HUGE).contains(&x)
}

/// `(v, v)`, `v = 1 / (1 + rate x fraction)`, or NaN when a condition of
/// the bound fails.
fn leaf(rate: f64, fraction: f64) -> (f64, f64) {
    let growth = rate * fraction;
    let factor = 1.0 + growth;
    let v = 1.0 / factor;
    let valid = growth >= -0.49 && (growth == 0.0 || in_range(growth.abs())) && in_range(v);
    if valid {
        (v, v)
    } else {
        (f64::NAN, f64::NAN)
    }
}

/// The composition of run X followed by run Y, or NaN when a result leaves
/// the checked range.
fn compose((alpha_x, beta_x): (f64, f64), (alpha_y, beta_y): (f64, f64)) -> (f64, f64) {
    let carried = beta_x * alpha_y;
    let alpha = alpha_x + carried;
    let beta = beta_x * beta_y;
    if in_range(carried) && in_range(alpha) && in_range(beta) {
        (alpha, beta)
    } else {
        (f64::NAN, f64::NAN)
    }
}

/// The relative error bound `gamma_K`, `K = 12 periods`, of stage 1 (see
/// the module documentation).
pub fn estimate_bound(periods: usize) -> f64 {
    let k = 12.0 * periods as f64;
    let u = f64::EPSILON / 2.0;
    k * u / (1.0 - k * u)
}

#[cfg(test)]
#[path = "level_solver_tests.rs"]
mod tests;
