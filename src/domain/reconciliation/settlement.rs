//! Settlement candidates between a creditor's figure and another party's,
//! each with the write-off share it means against the creditor's figure.
//!
//! - Each party's own figure.
//! - The arithmetic midpoint `(a + b) / 2`, exact, rounded once to the minor
//!   unit.
//! - The geometric midpoint `sqrt(a x b)`, the natural middle of a ratio gap
//!   (it is as many times below the creditor's figure as above the other
//!   party's), offered only when both figures are positive. With `a` and `b`
//!   in minor units, `sqrt(a x b)` is already in minor units; it is rounded
//!   from the exact integer square root: `s = isqrt(a b)`, exact when
//!   `s^2 = a b`; otherwise the nearest integer is `s + 1` exactly when
//!   `4 a b >= (2 s + 1)^2` (never a tie, since the left side is even and the
//!   right odd), and the directed modes take `s` or `s + 1`. No precision is
//!   lost anywhere. The unrounded value is shown to 20 decimals the same way.
//!
//! Write-off share: `1 - candidate / creditor`, exact, shown as a
//! [`Share`] (20 decimals, or fewer for very large values); absent when the
//! creditor's figure is not positive.

use num_bigint::BigInt;
use num_traits::Signed;

use crate::domain::currency::Currency;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::{div_round, pow10, RoundingMode};
use crate::domain::share::Share;

use super::fraction::{fitted_share, scaled_to_text, Fraction, VALUE_DECIMALS};

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
    /// Rounded to the minor unit.
    pub value: Money,
    /// The unrounded value, to at most 20 decimals.
    pub unrounded: String,
    /// Whether `unrounded` is the whole value.
    pub unrounded_exact: bool,
    /// `1 - value / creditor's figure`; `None` when the creditor's figure is
    /// not positive.
    pub write_off_share: Option<Share>,
}

/// The candidates between `creditor` and `party` (both in minor units of
/// `currency`): the creditor's figure, the party's, the arithmetic midpoint
/// and, when both are positive, the geometric midpoint.
pub fn candidates(
    creditor: &BigInt,
    party: &BigInt,
    currency: Currency,
    rounding: RoundingMode,
) -> Result<Vec<SettlementCandidate>, DomainError> {
    let minor = currency.minor_units;
    let mut list = Vec::with_capacity(4);
    let exact_text = |value: &Fraction| value.to_decimal_text(VALUE_DECIMALS);
    for (kind, figure) in [
        (CandidateKind::CreditorFigure, creditor),
        (CandidateKind::PartyFigure, party),
    ] {
        let (unrounded, unrounded_exact) =
            exact_text(&Fraction::from_scaled(figure.clone(), minor));
        list.push(candidate(
            kind,
            figure,
            unrounded,
            unrounded_exact,
            creditor,
            currency,
        )?);
    }
    let sum = creditor + party;
    let midpoint = div_round(&sum, &BigInt::from(2), rounding);
    // sum / 2 = 5 sum / 10: exact in minor units with one more decimal.
    let (unrounded, unrounded_exact) = exact_text(&Fraction::from_scaled(sum * 5, minor + 1));
    list.push(candidate(
        CandidateKind::ArithmeticMidpoint,
        &midpoint,
        unrounded,
        unrounded_exact,
        creditor,
        currency,
    )?);
    if creditor.is_positive() && party.is_positive() {
        let product = creditor * party;
        let geometric = sqrt_rounded(&product, rounding);
        // sqrt(product) x 10^(20 - minor) = sqrt(product x 10^(2 (20 - minor))).
        let extra = VALUE_DECIMALS.saturating_sub(minor);
        let scaled = &product * pow10(2 * extra);
        let root = sqrt_rounded(&scaled, RoundingMode::HalfEven);
        let unrounded_exact = is_square(&scaled);
        let unrounded = scaled_to_text(&root, minor + extra);
        list.push(candidate(
            CandidateKind::GeometricMidpoint,
            &geometric,
            unrounded,
            unrounded_exact,
            creditor,
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
    creditor: &BigInt,
    currency: Currency,
) -> Result<SettlementCandidate, DomainError> {
    let value = Money::from_minor_units(currency, minor_units, "settlement candidate")?;
    let write_off_share = write_off_share(minor_units, creditor)?;
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
    candidate: &BigInt,
    creditor: &BigInt,
) -> Result<Option<Share>, DomainError> {
    if !creditor.is_positive() {
        return Ok(None);
    }
    let share =
        Fraction::new(creditor - candidate, creditor.clone()).ok_or(DomainError::Overflow {
            quantity: "write-off share",
        })?;
    fitted_share(&share, "write-off share").map(Some)
}

/// Whether `n >= 0` is a perfect square.
fn is_square(n: &BigInt) -> bool {
    let root = n.sqrt();
    &root * &root == *n
}

/// `sqrt(n)` for `n >= 0`, rounded to an integer with `mode`, exactly.
/// Negative `n` gives 0 (callers pass products of positive figures).
pub fn sqrt_rounded(n: &BigInt, mode: RoundingMode) -> BigInt {
    if !n.is_positive() {
        return BigInt::from(0);
    }
    let floor = n.sqrt();
    if &floor * &floor == *n {
        return floor;
    }
    let ceil = &floor + 1;
    match mode {
        RoundingMode::Down | RoundingMode::Floor => floor,
        RoundingMode::Up | RoundingMode::Ceiling => ceil,
        RoundingMode::HalfEven | RoundingMode::HalfUp | RoundingMode::HalfDown => {
            // sqrt(n) >= floor + 1/2  <=>  4 n >= (2 floor + 1)^2; never equal.
            let twice_plus_one: BigInt = &floor * 2 + 1;
            if n * 4 >= &twice_plus_one * &twice_plus_one {
                ceil
            } else {
                floor
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;

    fn big(n: i64) -> BigInt {
        BigInt::from(n)
    }

    #[test]
    fn dprk_candidates() {
        let usd = find("USD").unwrap();
        let list = candidates(
            &big(1_096_000_000_000),
            &big(219_200_000),
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
        let list = candidates(&big(1000), &big(-5), usd, RoundingMode::HalfEven).unwrap();
        assert_eq!(list.len(), 3);
        assert!(list
            .iter()
            .all(|c| c.kind != CandidateKind::GeometricMidpoint));
        // (1000 - 5) / 2 = 497.5 cents -> 498 (half-even).
        assert_eq!(list[2].value.amount.to_string(), "4.98");
        assert_eq!(list[2].unrounded, "4.975");
        let none = candidates(&big(0), &big(5), usd, RoundingMode::HalfEven).unwrap();
        assert!(none.iter().all(|c| c.write_off_share.is_none()));
    }
}
