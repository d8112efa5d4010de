//! Attribution of the gap between two valuations to the methodological
//! differences behind it.
//!
//! **The game.** The players are the dimensions in which the two methods
//! differ ([`Dimension`]: conversion rate, redenomination, recognition of
//! each component, offsets), at most 7. For a set `S` of them, `v(S)` is the
//! EXACT figure (a fraction, never rounded) obtained when the dimensions in
//! `S` take the other party's choice and all others the creditor's. So
//! `v(none)` is the creditor's exact figure and `v(all)` the other party's.
//!
//! **Why Shapley.** Applying the differences one after another and crediting
//! each with the change it makes gives answers that depend on the order:
//! in the DPRK case with offsets, deducting $150 m before or after a
//! 3000-fold rate change matters a lot. The Shapley value averages that
//! one-at-a-time attribution over all orders, so it is independent of order
//! by construction, and its contributions add up exactly to the whole gap
//! (efficiency). It also gives zero to a difference that never changes the
//! figure and equal credit to interchangeable differences.
//!
//! **Exactly.** Every `v(S)` is written over one common denominator `L` (the
//! least common multiple of their denominators): `v(S) = N(S) / L` with
//! integers `N(S)`. `n! x phi_i(N)` is then an integer, and
//! `phi_i(v) = phi_i(N) / L` exactly.
//!
//! **In money.** `phi_i` is the Shapley value of `v`; the contribution of
//! dimension `i` to the gap is `-phi_i`, an exact fraction (`amount_exact`).
//! The exact contributions add up to the EXACT gap `v(none) - v(all)`. The
//! money gap shown is between the ROUNDED figures (each figure rounded once
//! to the minor unit), which can differ from the exact gap (by at most one
//! minor unit with the half-way rounding modes, by less than two with the
//! directed ones); the exact contributions are therefore rounded to minor units
//! by the signed largest-remainder method ([`super::apportion`]), parts in
//! canonical dimension order, targeting the ROUNDED gap, so that the rounded
//! contributions add up to the rounded gap to the minor unit.
//!
//! **In logarithms.** A ratio gap (1:5000) is multiplicative: the rate
//! explains a factor, not an amount. The Shapley value of `ln v` (of the exact
//! `v`) splits `ln(v(none) / v(all))`, the log of the ratio of the exact
//! figures, into additive contributions; divided by the log ratio they are
//! shares that add up to 1. This needs every `v(S) > 0`; when some mix of
//! the methods gives zero or less (large offsets), the log attribution is
//! reported unavailable with the reason. Since `ln v(S) = ln N(S) - ln L`
//! and `ln L` is common to every coalition, it cancels from every marginal
//! difference: the Shapley values and the log ratio are computed from
//! `ln N(S)`, each a positive integer's logarithm. `ln` is computed in fixed
//! point with 80 decimals ([`super::logarithm`]), each value within about
//! 10^-80, so the Shapley sums are exact on those fixed-point values; the
//! contributions and shares are then rounded to 20 decimals by the
//! largest-remainder method, contributions to add up exactly to the log
//! ratio as shown (20 decimals), shares to add up exactly to 1. Each shown
//! figure is within 10^-20 of the true value (tests compare with Python's
//! `decimal` at 100 digits).
//!
//! **No gap.** When the methods do not differ in any dimension that matters
//! (so the figures are equal), there is nothing to attribute and
//! `log_unavailable` is [`NO_GAP`]. When they differ but the two exact
//! figures are equal, the contributions (money and log) are still given
//! (they add up to zero) but the log shares are not ([`LOG_RATIO_ZERO`]).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::decimal_from_scaled;
use crate::domain::rounding::{div_round, pow10, RoundingMode};

use super::apportion::apportion;
use super::claim::ComponentKind;
use super::party_method::{Dimension, Resolved};
use super::shapley::{factorial, shapley_numerators, MAX_PLAYERS};
use crate::domain::numerics::logarithm::{ln_scaled, LN_DECIMALS};
use crate::domain::numerics::rational::{self, BigRational, RationalDecimal};

/// Decimals of log ratios, log contributions and log shares.
pub const LOG_DECIMALS: u32 = 20;

/// Which measure to quote, echoed in every reconciliation's conventions.
pub const ATTRIBUTION_NOTE: &str = "Money contributions are Shapley values: they add up to the gap and do not depend on the order in which the differences are applied, but a difference that scales the figure shares its interaction with the others, so how differences are grouped into dimensions changes the money split. The log contributions are the order-free measure of a ratio gap: where the differences combine by multiplication (no offsets differ), the log contribution of a scaling difference is exactly the log of its factor (ln 5000 for the conversion chain of the DPRK case), however the other differences are grouped.";

/// Why a log attribution is missing.
pub const LOG_UNDEFINED: &str =
    "a mix of the two methods gives a zero or negative figure, where the logarithm is undefined";
/// Why there is no attribution at all: the methods agree in every dimension
/// that changes the figure.
pub const NO_GAP: &str = "no gap: the figures are equal";
/// Why log shares are missing while log contributions are given.
pub const LOG_RATIO_ZERO: &str =
    "no gap: the two figures are equal, so the log ratio is zero and has no shares";
/// Why log shares are missing: they do not fit the decimal range.
pub const LOG_SHARES_TOO_LARGE: &str =
    "the log shares are too large to show (contributions of opposite sign far exceed the log ratio)";

/// The part of the gap one dimension explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributedPart {
    pub dimension: Dimension,
    /// Minor units; the parts add up to the ROUNDED gap
    /// (`creditor_minor - party_minor`) exactly.
    pub amount_minor: BigInt,
    /// The exact Shapley contribution, in currency units; the parts add up to
    /// the EXACT gap (`creditor_exact - party_exact`) exactly.
    pub amount_exact: BigRational,
    /// Contribution to `ln(creditor_exact / party_exact)`, 20 decimals; the
    /// parts add up to the log ratio exactly.
    pub log_contribution: Option<Decimal>,
    /// `log_contribution / log ratio`, 20 decimals; the parts add up to 1
    /// exactly.
    pub log_share: Option<Decimal>,
}

/// The attribution of one gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The creditor's and the other party's exact figures, `v(none)` and
    /// `v(all)`.
    pub creditor_exact: BigRational,
    pub party_exact: BigRational,
    /// The same figures rounded once to the minor unit, in minor units.
    pub creditor_minor: BigInt,
    pub party_minor: BigInt,
    /// One part per differing dimension, in canonical order.
    pub parts: Vec<AttributedPart>,
    /// `ln(creditor_exact / party_exact)` to 20 decimals, when both exact
    /// figures are positive.
    pub log_ratio: Option<Decimal>,
    /// Why log contributions or shares are missing, or why there is no
    /// attribution at all, if so.
    pub log_unavailable: Option<&'static str>,
}

/// Attributes the gap between `creditor` and `party` over `dimensions`
/// (the dimensions in which they differ, in any order: the result is the
/// same for every order and lists parts in canonical order).
pub(crate) fn attribute(
    creditor: &Resolved,
    party: &Resolved,
    dimensions: &[Dimension],
    components: &BTreeMap<ComponentKind, BigRational>,
    currency: Currency,
    rounding: RoundingMode,
) -> Result<Attribution, DomainError> {
    let n = dimensions.len();
    if n > MAX_PLAYERS {
        return Err(DomainError::InvalidValuation {
            reason: "too many differing dimensions to attribute",
        });
    }
    // v(S), exactly.
    // One coalition at a time, each a step the caller can cancel.
    let values: Vec<BigRational> = (0..1usize << n)
        .map(|mask| {
            crate::domain::cancel::check()?;
            let switched: Vec<Dimension> = dimensions
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, &d)| d)
                .collect();
            Ok(creditor.value_mixed(party, &switched, components))
        })
        .collect::<Result<_, DomainError>>()?;
    // v(S) = N(S) / L over the least common denominator L.
    let common = values
        .iter()
        .fold(BigInt::one(), |lcm, v| lcm.lcm(v.denom()));
    let numerators: Vec<BigInt> = values
        .iter()
        .map(|v| v.numer() * (&common / v.denom()))
        .collect();
    let creditor_exact = values[0].clone();
    let party_exact = values[values.len() - 1].clone();
    let creditor_minor = creditor_exact.round_to_scale(currency.minor_units, rounding);
    let party_minor = party_exact.round_to_scale(currency.minor_units, rounding);
    let rounded_gap = &creditor_minor - &party_minor;

    // Canonical order of the parts, whatever the order of `dimensions`.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| dimensions[i]);
    let n_factorial = factorial(n);

    // n! x L x phi_i(v), integers.
    let phi = shapley_numerators(n, &numerators).ok_or(DomainError::InvalidValuation {
        reason: "too many differing dimensions to attribute",
    })?;
    let contributions: Vec<BigInt> = order.iter().map(|&i| -&phi[i]).collect();
    let exact_denominator = &n_factorial * &common;
    // In minor units: n! x L x phi_i x 10^minor over n! x L, to the rounded gap.
    let minor_scale = pow10(currency.minor_units);
    let in_minor: Vec<BigInt> = contributions.iter().map(|c| c * &minor_scale).collect();
    let amounts = apportion(&in_minor, &exact_denominator, &rounded_gap);

    // ln v(S) - ln v(T) = ln N(S) - ln N(T): the common ln L cancels.
    let ln_creditor = ln_scaled(&numerators[0]);
    let ln_party = ln_scaled(&numerators[numerators.len() - 1]);
    let to_log_decimals = pow10(LN_DECIMALS - LOG_DECIMALS);
    let log_ratio = match (&ln_creditor, &ln_party) {
        (Some(c), Some(p)) => {
            let rounded = div_round(&(c - p), &to_log_decimals, RoundingMode::HalfEven);
            decimal_from_scaled(&rounded, LOG_DECIMALS).map(|d| d.normalize())
        }
        _ => None,
    };

    let mut log_contributions: Option<Vec<Decimal>> = None;
    let mut log_shares: Option<Vec<Decimal>> = None;
    let mut log_unavailable = None;
    if n == 0 {
        log_unavailable = Some(NO_GAP);
    } else {
        let logs: Option<Vec<BigInt>> = numerators.iter().map(ln_scaled).collect();
        match (logs, &log_ratio) {
            (Some(logs), Some(_)) => {
                let log_phi =
                    shapley_numerators(n, &logs).ok_or(DomainError::InvalidValuation {
                        reason: "too many differing dimensions to attribute",
                    })?;
                let log_parts: Vec<BigInt> = order.iter().map(|&i| -&log_phi[i]).collect();
                let total = &logs[0] - &logs[logs.len() - 1];
                // Contributions at 10^-20, adding up to the log ratio as shown.
                let shown_total = div_round(&total, &to_log_decimals, RoundingMode::HalfEven);
                let denominator = &n_factorial * &to_log_decimals;
                let shown = apportion(&log_parts, &denominator, &shown_total);
                log_contributions = to_decimals(&shown, LOG_DECIMALS);
                if total.is_zero() {
                    log_unavailable = Some(LOG_RATIO_ZERO);
                } else {
                    // Shares at 10^-20, adding up to exactly 1.
                    let sign = if total.is_negative() { -1 } else { 1 };
                    let scale = pow10(LOG_DECIMALS) * sign;
                    let numerators: Vec<BigInt> = log_parts.iter().map(|c| c * &scale).collect();
                    let denominator = &n_factorial * total.abs();
                    let shares = apportion(&numerators, &denominator, &pow10(LOG_DECIMALS));
                    log_shares = to_decimals(&shares, LOG_DECIMALS);
                    if log_shares.is_none() {
                        log_unavailable = Some(LOG_SHARES_TOO_LARGE);
                    }
                }
            }
            _ => log_unavailable = Some(LOG_UNDEFINED),
        }
    }

    let parts = order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let amount_exact = rational::ratio(contributions[k].clone(), exact_denominator.clone())
                .unwrap_or_else(BigRational::zero);
            AttributedPart {
                dimension: dimensions[i],
                amount_minor: amounts[k].clone(),
                amount_exact,
                log_contribution: log_contributions.as_ref().map(|v| v[k]),
                log_share: log_shares.as_ref().map(|v| v[k]),
            }
        })
        .collect();
    Ok(Attribution {
        creditor_exact,
        party_exact,
        creditor_minor,
        party_minor,
        parts,
        log_ratio,
        log_unavailable,
    })
}

/// Integers at `10^-decimals` as normalised decimals; `None` if any does not
/// fit.
fn to_decimals(scaled: &[BigInt], decimals: u32) -> Option<Vec<Decimal>> {
    scaled
        .iter()
        .map(|s| decimal_from_scaled(s, decimals).map(|d| d.normalize()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::money::Money;
    use crate::domain::reconciliation::conversion_basis::{Conversion, Rate};
    use crate::domain::reconciliation::party_method::{Offset, PartyMethod};
    use std::collections::BTreeSet;
    use std::str::FromStr;
    use ComponentKind::*;

    fn method(rate: &str, recognised: &[ComponentKind], offset: &str) -> PartyMethod {
        let usd = find("USD").unwrap();
        PartyMethod {
            name: "p".into(),
            conversion: Conversion::Rate(Rate {
                rate: Decimal::from_str(rate).unwrap(),
                unit: find("SUR").unwrap(),
                per: usd,
            }),
            redenomination: None,
            recognised: recognised.iter().copied().collect::<BTreeSet<_>>(),
            offsets: vec![Offset {
                description: "counter-claim".into(),
                amount: Money {
                    currency: usd,
                    amount: Decimal::from_str(offset).unwrap(),
                },
            }],
        }
    }

    fn components() -> BTreeMap<ComponentKind, BigRational> {
        [
            (Principal, 3_800_000_000i64),
            (ContractualInterest, 1_500_000_000),
            (PenaltyInterest, 900_000_000),
            (Arrears, 376_000_000),
        ]
        .into_iter()
        .map(|(k, v)| (k, BigRational::from_integer(v.into())))
        .collect()
    }

    fn permutations(items: &[Dimension]) -> Vec<Vec<Dimension>> {
        if items.len() <= 1 {
            return vec![items.to_vec()];
        }
        let mut all = Vec::new();
        for i in 0..items.len() {
            let mut rest = items.to_vec();
            let first = rest.remove(i);
            for mut tail in permutations(&rest) {
                tail.insert(0, first);
                all.push(tail);
            }
        }
        all
    }

    #[test]
    fn every_order_of_the_dimensions_gives_the_same_attribution() {
        let usd = find("USD").unwrap();
        let creditor = Resolved::of(&method("0.6", &ComponentKind::ALL, "0"), usd).unwrap();
        let debtor = Resolved::of(&method("1.8", &[Principal, Arrears], "150000000"), usd).unwrap();
        let dims = creditor.differences(&debtor);
        assert_eq!(dims.len(), 4);
        let reference = attribute(
            &creditor,
            &debtor,
            &dims,
            &components(),
            usd,
            RoundingMode::HalfEven,
        )
        .unwrap();
        let orders = permutations(&dims);
        assert_eq!(orders.len(), 24);
        for order in orders {
            let got = attribute(
                &creditor,
                &debtor,
                &order,
                &components(),
                usd,
                RoundingMode::HalfEven,
            )
            .unwrap();
            assert_eq!(got, reference, "{order:?}");
        }
    }

    #[test]
    fn one_at_a_time_attribution_would_depend_on_the_order() {
        // Why Shapley: switching the rate first or the offsets first credits
        // the rate with different amounts.
        let usd = find("USD").unwrap();
        let creditor = Resolved::of(&method("0.6", &ComponentKind::ALL, "0"), usd).unwrap();
        let debtor = Resolved::of(&method("3000", &ComponentKind::ALL, "1000000"), usd).unwrap();
        let c = components();
        let v = |s: &[Dimension]| creditor.value_mixed(&debtor, s, &c);
        let rate_first = v(&[]) - v(&[Dimension::ConversionChain]);
        let rate_second =
            v(&[Dimension::Offsets]) - v(&[Dimension::Offsets, Dimension::ConversionChain]);
        assert_eq!(
            rate_first, rate_second,
            "offsets are additive, so here they agree"
        );
        // With a proportional difference (a component) they do not.
        let debtor = Resolved::of(&method("3000", &[Principal], "0"), usd).unwrap();
        let v = |s: &[Dimension]| creditor.value_mixed(&debtor, s, &c);
        let penalty = Dimension::Component(PenaltyInterest);
        let rate_first = v(&[]) - v(&[Dimension::ConversionChain]);
        let rate_second = v(&[penalty]) - v(&[penalty, Dimension::ConversionChain]);
        assert_ne!(rate_first, rate_second);
    }

    #[test]
    fn exact_parts_do_not_depend_on_rounding_and_add_up_to_the_exact_gap() {
        // 6576e6 / 0.7 and 3.8e9 / 1.8 - 0.005 are not whole cents.
        let usd = find("USD").unwrap();
        let creditor = Resolved::of(&method("0.7", &ComponentKind::ALL, "0"), usd).unwrap();
        let debtor = Resolved::of(&method("1.8", &[Principal], "0.005"), usd).unwrap();
        let dims = creditor.differences(&debtor);
        let run = |mode| attribute(&creditor, &debtor, &dims, &components(), usd, mode).unwrap();
        let (floor, ceiling) = (run(RoundingMode::Floor), run(RoundingMode::Ceiling));
        assert_eq!(floor.creditor_exact, ceiling.creditor_exact);
        assert_ne!(floor.creditor_minor, ceiling.creditor_minor);
        for a in [&floor, &ceiling] {
            let exact = a
                .parts
                .iter()
                .fold(BigRational::zero(), |s, p| s + &p.amount_exact);
            assert_eq!(exact, &a.creditor_exact - &a.party_exact);
            let minor: BigInt = a.parts.iter().map(|p| &p.amount_minor).sum();
            assert_eq!(minor, &a.creditor_minor - &a.party_minor);
        }
        let exact = |a: &Attribution| -> Vec<BigRational> {
            a.parts.iter().map(|p| p.amount_exact.clone()).collect()
        };
        assert_eq!(exact(&floor), exact(&ceiling));
        assert_eq!(floor.log_ratio, ceiling.log_ratio);
        // python3: Fraction(6576000000) / Fraction('0.7') = 65760000000/7
        assert_eq!(floor.creditor_exact.to_string(), "65760000000/7");
        // python3: Fraction(3800000000) / Fraction('1.8') - Fraction('0.005')
        assert_eq!(floor.party_exact.to_string(), "3799999999991/1800");
    }

    #[test]
    fn the_log_contribution_of_the_chain_is_the_log_of_its_factor() {
        // Issue 9, finding 12: with components and the rate differing (no
        // offsets), the chain's log contribution is ln(3000 / 0.6) = ln 5000
        // whatever else differs; its money contribution is not 5000-fold
        // anything and depends on the other differences.
        let usd = find("USD").unwrap();
        let creditor = Resolved::of(&method("0.6", &ComponentKind::ALL, "0"), usd).unwrap();
        let ln_5000 = Decimal::from_str("8.51719319141623742665").unwrap(); // python3 decimal, 30 digits: 8.51719319141623742665...
        for recognised in [&[Principal][..], &[Principal, Arrears], &ComponentKind::ALL] {
            let debtor = Resolved::of(&method("3000", recognised, "0"), usd).unwrap();
            let dims = creditor.differences(&debtor);
            let a = attribute(
                &creditor,
                &debtor,
                &dims,
                &components(),
                usd,
                RoundingMode::HalfEven,
            )
            .unwrap();
            assert_eq!(a.parts[0].dimension, Dimension::ConversionChain);
            let chain = a.parts[0].log_contribution.unwrap();
            // Within one unit of the 20th decimal (largest-remainder rounding).
            assert!(
                (chain - ln_5000).abs() <= Decimal::new(1, 20),
                "{recognised:?}: {chain}"
            );
        }
    }

    #[test]
    fn no_differences_no_parts() {
        let usd = find("USD").unwrap();
        let m = Resolved::of(&method("0.6", &ComponentKind::ALL, "0"), usd).unwrap();
        let a = attribute(&m, &m, &[], &components(), usd, RoundingMode::HalfEven).unwrap();
        assert!(a.parts.is_empty());
        assert_eq!(a.creditor_minor, a.party_minor);
        assert_eq!(a.creditor_exact, a.party_exact);
        assert_eq!(a.log_ratio, Some(Decimal::ZERO));
        assert_eq!(a.log_unavailable, Some(NO_GAP));
    }
}
