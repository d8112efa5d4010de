//! Settlement candidates between a creditor's figure and another party's,
//! each with the write-off share it means against the creditor's figure.
//!
//! Every candidate is computed from the two EXACT figures (fractions, never
//! rounded) and rounded once to the minor unit:
//!
//! - Each party's own figure (the exact figure, rounded once: the same
//!   money as the party's reported figure).
//! - The arithmetic midpoint `(a + b) / 2`, exact, rounded once.
//! - The geometric midpoint `sqrt(a x b)`, the natural middle of a ratio gap
//!   (it is as many times below the creditor's figure as above the other
//!   party's), offered only when both exact figures are positive. With
//!   `X = a b x 10^(2 m)` (`m` the minor unit's decimals) a fraction `p / q`,
//!   `sqrt(a b)` in minor units is `sqrt(X)`, rounded exactly:
//!   `s = isqrt(floor(X))` is `floor(sqrt(X))`; `sqrt(X)` is exact when
//!   `s^2 q = p`; otherwise it lies above, at or below `s + 1/2` as `4 p` is
//!   above, equal to or below `(2 s + 1)^2 q` (a tie is possible now that
//!   the figures are fractions, and goes by the rounding mode), and the
//!   directed modes take `s` or `s + 1`. No precision is lost anywhere. The
//!   unrounded value is shown to 20 decimals the same way (half-even).
//!
//! Each candidate's `unrounded` text is its exact value (the party figures'
//! exact values, not their rounded ones), to at most 20 decimals.
//!
//! Write-off share: `1 - candidate / creditor`, with the candidate AS
//! REPORTED (rounded to the minor unit: the amount that would be paid) and
//! the creditor's EXACT figure (its valuation of the claim); exact, shown as
//! a [`Share`] (20 decimals, or fewer for very large values); absent when the
//! creditor's exact figure is not positive. It is 0 for the creditor's own
//! figure when that figure is a whole number of minor units (the DPRK case);
//! otherwise it is the tiny signed share that rounding the creditor's figure
//! adds or forgives (-0.000000002 for 1,666,666.67 against 1,666,666.666...).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{CheckedDiv, Signed};
use std::cmp::Ordering;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::{pow10, RoundingMode};
use crate::domain::share::Share;

use super::exact_value::{fitted_share, VALUE_DECIMALS};
use crate::domain::numerics::rational::{self, scaled_to_text, BigRational, RationalDecimal};

/// Which candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CandidateKind {
    CreditorFigure,
    PartyFigure,
    ArithmeticMidpoint,
    GeometricMidpoint,
}

/// One settlement candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementCandidate {
    pub kind: CandidateKind,
    /// Computed from the exact figures and rounded once to the minor unit.
    pub value: Money,
    /// The unrounded value, to at most 20 decimals.
    pub unrounded: String,
    /// Whether `unrounded` is the whole value.
    pub unrounded_exact: bool,
    /// `1 - value / creditor's figure`, both as reported (rounded to the
    /// minor unit), so the creditor's own figure means a write-off of
    /// exactly 0; `None` when the creditor's figure is not positive.
    pub write_off_share: Option<Share>,
}

/// The candidates between the exact figures `creditor` and `party` (in units
/// of `currency`): the creditor's figure, the party's, the arithmetic
/// midpoint and, when both are positive, the geometric midpoint.
pub fn candidates(
    creditor: &BigRational,
    party: &BigRational,
    currency: Currency,
    rounding: RoundingMode,
) -> Result<Vec<SettlementCandidate>, DomainError> {
    let minor = currency.minor_units;
    // Write-off shares are taken against the creditor's figure as reported.
    let reported = rational::from_scaled(creditor.round_to_scale(minor, rounding), minor);
    let mut list = Vec::with_capacity(4);
    // (a + b) / 2 = (a + b) x 0.5.
    let midpoint = (creditor + party) * rational::from_scaled(BigInt::from(5), 1);
    for (kind, value) in [
        (CandidateKind::CreditorFigure, creditor),
        (CandidateKind::PartyFigure, party),
        (CandidateKind::ArithmeticMidpoint, &midpoint),
    ] {
        let (unrounded, unrounded_exact) = value.to_decimal_text(VALUE_DECIMALS);
        list.push(candidate(
            kind,
            &value.round_to_scale(minor, rounding),
            unrounded,
            unrounded_exact,
            &reported,
            currency,
        )?);
    }
    if creditor.is_positive() && party.is_positive() {
        let product = creditor * party;
        let (geometric, _) = sqrt_to_scale(&product, minor, rounding);
        let (root, unrounded_exact) =
            sqrt_to_scale(&product, VALUE_DECIMALS, RoundingMode::HalfEven);
        list.push(candidate(
            CandidateKind::GeometricMidpoint,
            &geometric,
            scaled_to_text(&root, VALUE_DECIMALS),
            unrounded_exact,
            &reported,
            currency,
        )?);
    }
    Ok(list)
}

fn candidate(
    kind: CandidateKind,
    minor_units: &BigInt,
    unrounded: String,
    unrounded_exact: bool,
    creditor: &BigRational,
    currency: Currency,
) -> Result<SettlementCandidate, DomainError> {
    let value = Money::from_minor_units(currency, minor_units, "settlement candidate")?;
    let write_off_share = write_off_share(&rational::from_decimal(value.amount), creditor)?;
    Ok(SettlementCandidate {
        kind,
        value,
        unrounded,
        unrounded_exact,
        write_off_share,
    })
}

/// `1 - candidate / creditor` = `(creditor - candidate) / creditor`, or
/// `None` unless `creditor > 0`.
pub fn write_off_share(
    candidate: &BigRational,
    creditor: &BigRational,
) -> Result<Option<Share>, DomainError> {
    if !creditor.is_positive() {
        return Ok(None);
    }
    let share = (creditor - candidate)
        .checked_div(creditor)
        .ok_or(DomainError::Overflow {
            quantity: "write-off share",
        })?;
    fitted_share(&share, "write-off share").map(Some)
}

/// `sqrt(value) x 10^scale` for `value >= 0`, rounded to an integer with
/// `mode`, exactly, and whether no rounding was needed. A negative `value`
/// gives (0, false) (callers pass products of positive figures).
pub fn sqrt_to_scale(value: &BigRational, scale: u32, mode: RoundingMode) -> (BigInt, bool) {
    if value.is_negative() {
        return (BigInt::from(0), false);
    }
    // X = value x 10^(2 scale) = p / q, q > 0.
    let p = value.numer() * pow10(2 * scale);
    let q = value.denom();
    // floor(sqrt(X)) = floor(sqrt(floor(X))).
    let floor = (&p / q).sqrt();
    if &floor * &floor * q == p {
        return (floor, true);
    }
    let ceil = &floor + 1;
    // sqrt(X) against floor + 1/2: 4 p against (2 floor + 1)^2 q.
    let twice_plus_one: BigInt = &floor * 2 + 1;
    let four_p: BigInt = &p * 4;
    let bound: BigInt = &twice_plus_one * &twice_plus_one * q;
    let half = four_p.cmp(&bound);
    let rounded = match (mode, half) {
        (RoundingMode::Down | RoundingMode::Floor, _) => floor,
        (RoundingMode::Up | RoundingMode::Ceiling, _) => ceil,
        (_, Ordering::Less) => floor,
        (_, Ordering::Greater) => ceil,
        (RoundingMode::HalfUp, Ordering::Equal) => ceil,
        (RoundingMode::HalfDown, Ordering::Equal) => floor,
        (_, Ordering::Equal) => {
            if floor.is_even() {
                floor
            } else {
                ceil
            }
        }
    };
    (rounded, false)
}

/// `sqrt(n)` for `n >= 0`, rounded to an integer with `mode`, exactly.
/// Negative `n` gives 0 (callers pass products of positive figures).
pub fn sqrt_rounded(n: &BigInt, mode: RoundingMode) -> BigInt {
    if !n.is_positive() {
        return BigInt::from(0);
    }
    sqrt_to_scale(&BigRational::from_integer(n.clone()), 0, mode).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;

    fn big(n: i64) -> BigInt {
        BigInt::from(n)
    }

    fn frac(n: i64, d: i64) -> BigRational {
        rational::ratio(big(n), big(d)).unwrap()
    }

    fn cents(n: i64) -> BigRational {
        rational::from_scaled(big(n), 2)
    }

    #[test]
    fn dprk_candidates() {
        let usd = find("USD").unwrap();
        let list = candidates(
            &cents(1_096_000_000_000),
            &cents(219_200_000),
            usd,
            RoundingMode::HalfEven,
        )
        .unwrap();
        let by_kind = |k: CandidateKind| list.iter().find(|c| c.kind == k).unwrap();
        let geometric = by_kind(CandidateKind::GeometricMidpoint);
        assert_eq!(geometric.value.amount.to_string(), "154997806.44");
        // python3 (decimal, prec 100): (D(1096000000000 * 219200000).sqrt() / 100)
        //   .quantize(D(10) ** -20) = 154997806.43609121734866508417
        assert_eq!(geometric.unrounded, "154997806.43609121734866508417");
        assert!(!geometric.unrounded_exact);
        // 1 - 154997806.44 / 10960000000 = 0.98585786437591240875912408759...
        assert_eq!(
            geometric.write_off_share.unwrap().value.to_string(),
            "0.98585786437591240876"
        );
        let arithmetic = by_kind(CandidateKind::ArithmeticMidpoint);
        assert_eq!(arithmetic.value.amount.to_string(), "5481096000.00");
        assert_eq!(arithmetic.unrounded, "5481096000");
        assert!(arithmetic.unrounded_exact);
        assert_eq!(
            arithmetic.write_off_share.unwrap().value.to_string(),
            "0.4999"
        );
        let creditor = by_kind(CandidateKind::CreditorFigure);
        assert_eq!(creditor.write_off_share.unwrap().value.to_string(), "0");
        let party = by_kind(CandidateKind::PartyFigure);
        assert_eq!(party.write_off_share.unwrap().value.to_string(), "0.9998");
        assert!(party.write_off_share.unwrap().exact);
    }

    #[test]
    fn candidates_come_from_the_exact_figures() {
        // The reviewer's example: 1,000,000 SUR at 0.6 SUR/USD = 5000000/3
        // and at 46,666,666.7 SUR/USD = 10000000/466666667 USD.
        let usd = find("USD").unwrap();
        let creditor = frac(5_000_000, 3);
        let party = frac(10_000_000, 466_666_667);
        let list = candidates(&creditor, &party, usd, RoundingMode::HalfEven).unwrap();
        let by_kind = |k: CandidateKind| list.iter().find(|c| c.kind == k).unwrap();
        let c = by_kind(CandidateKind::CreditorFigure);
        assert_eq!(c.value.amount.to_string(), "1666666.67");
        // python3: Fraction(5000000, 3) to 20 decimals, half-even.
        assert_eq!(c.unrounded, "1666666.66666666666666666667");
        assert!(!c.unrounded_exact);
        // The creditor's own figure, against itself as reported: exactly 0.
        assert_eq!(
            c.write_off_share.unwrap(),
            Share {
                value: rust_decimal::Decimal::ZERO,
                exact: true
            }
        );
        let p = by_kind(CandidateKind::PartyFigure);
        assert_eq!(p.value.amount.to_string(), "0.02");
        // python3: Fraction(10000000, 466666667) to 20 decimals.
        assert_eq!(p.unrounded, "0.02142857141326530613");
        // python3: 1 - Fraction('0.02') / Fraction('1666666.67')
        //   = 166666665/166666667 = 0.99999998800000002399...
        assert_eq!(
            p.write_off_share.unwrap().value.to_string(),
            "0.999999988000000024"
        );
        let a = by_kind(CandidateKind::ArithmeticMidpoint);
        // python3: (Fraction(5000000, 3) + Fraction(10000000, 466666667)) / 2
        //   = 833333.3440476190399659864..., rounded half-even 833333.34
        assert_eq!(a.value.amount.to_string(), "833333.34");
        assert_eq!(a.unrounded, "833333.3440476190399659864");
        assert!(!a.unrounded_exact);
        // python3 (decimal, prec 40): 1 - D('833333.34') / D('1666666.67')
        //   = 0.49999999700000000599...
        assert_eq!(
            a.write_off_share.unwrap().value.to_string(),
            "0.499999997000000006"
        );
        let g = by_kind(CandidateKind::GeometricMidpoint);
        // python3 (decimal, prec 100): (D(50000000000000) / D(1400000001)).sqrt()
        //   = 188.98223643711995774891..., not sqrt(166666667 x 2) / 100 = 182.57.
        assert_eq!(g.value.amount.to_string(), "188.98");
        assert_eq!(g.unrounded, "188.98223643711995774891");
        assert!(!g.unrounded_exact);
        // python3 (decimal, prec 40): 1 - D('188.98') / D('1666666.67')
        //   = 0.99988661200022677599...
        assert_eq!(
            g.write_off_share.unwrap().value.to_string(),
            "0.999886612000226776"
        );
    }

    #[test]
    fn square_roots_of_fractions_round_exactly_including_ties() {
        use RoundingMode::*;
        // sqrt(1/4) = 0.5 exactly: at scale 0 a tie.
        let quarter = frac(1, 4);
        assert_eq!(sqrt_to_scale(&quarter, 1, HalfEven), (big(5), true));
        assert_eq!(sqrt_to_scale(&quarter, 0, HalfEven), (big(0), false));
        assert_eq!(sqrt_to_scale(&quarter, 0, HalfUp), (big(1), false));
        assert_eq!(sqrt_to_scale(&quarter, 0, HalfDown), (big(0), false));
        assert_eq!(sqrt_to_scale(&quarter, 0, Up), (big(1), false));
        // sqrt(9/4) = 1.5: half-even goes to 2.
        assert_eq!(sqrt_to_scale(&frac(9, 4), 0, HalfEven), (big(2), false));
        // In cents: a = 0.0025, b = 0.01, sqrt(a b) = 0.005, a tie at cents.
        let product = frac(25, 10_000) * frac(1, 100);
        assert_eq!(sqrt_to_scale(&product, 2, HalfEven), (big(0), false));
        assert_eq!(sqrt_to_scale(&product, 2, HalfUp), (big(1), false));
        assert_eq!(sqrt_to_scale(&product, 3, HalfEven), (big(5), true));
        // sqrt(1/3) = 0.57735026918962576450914878...
        assert_eq!(sqrt_to_scale(&frac(1, 3), 2, HalfEven), (big(58), false));
        assert_eq!(sqrt_to_scale(&frac(1, 3), 2, Floor), (big(57), false));
        assert_eq!(sqrt_to_scale(&frac(-1, 3), 2, Floor), (big(0), false));
    }

    #[test]
    fn square_roots_round_exactly() {
        use RoundingMode::*;
        assert_eq!(sqrt_rounded(&big(16), HalfEven), big(4));
        // sqrt(20) = 4.47
        assert_eq!(sqrt_rounded(&big(20), HalfEven), big(4));
        assert_eq!(sqrt_rounded(&big(20), Up), big(5));
        // sqrt(21) = 4.58
        assert_eq!(sqrt_rounded(&big(21), HalfDown), big(5));
        assert_eq!(sqrt_rounded(&big(21), Floor), big(4));
        assert_eq!(sqrt_rounded(&big(0), HalfEven), big(0));
        assert_eq!(sqrt_rounded(&big(-4), HalfEven), big(0));
    }

    #[test]
    fn no_geometric_midpoint_without_two_positive_figures() {
        let usd = find("USD").unwrap();
        let list = candidates(&cents(1000), &cents(-5), usd, RoundingMode::HalfEven).unwrap();
        assert_eq!(list.len(), 3);
        assert!(list
            .iter()
            .all(|c| c.kind != CandidateKind::GeometricMidpoint));
        // (1000 - 5) / 2 = 497.5 cents -> 498 (half-even).
        assert_eq!(list[2].value.amount.to_string(), "4.98");
        assert_eq!(list[2].unrounded, "4.975");
        let none = candidates(&cents(0), &cents(5), usd, RoundingMode::HalfEven).unwrap();
        assert!(none.iter().all(|c| c.write_off_share.is_none()));
        // An exact figure of 0.004 rounds to 0.00 but is positive: the
        // geometric midpoint is still given; write-off shares are not, as
        // the creditor's figure as reported is zero.
        let tiny = rational::from_scaled(big(4), 3);
        let list = candidates(&tiny, &tiny, usd, RoundingMode::HalfEven).unwrap();
        assert_eq!(list.len(), 4);
        assert_eq!(list[3].value.amount.to_string(), "0.00");
        assert_eq!(list[3].unrounded, "0.004");
        assert!(list[3].unrounded_exact);
        assert!(list.iter().all(|c| c.write_off_share.is_none()));
    }
}
