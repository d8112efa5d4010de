//! Three-party (commercial) debt swaps.
//!
//! A sponsor buys face `F` of the debtor's debt on the secondary market at
//! a price `p` (or for a given cash cost) and hands it to the debtor, which
//! redeems it at a redemption price `q` (or for a given amount) by paying
//! into a fund, usually in local currency at an agreed rate.
//!
//! - sponsor's cost `K = F x p` rounded to the minor unit with the swap's
//!   rounding ([`split_claim`]'s write-off of a share), or as given;
//! - redemption amount `R = F x q` rounded the same way, or as given;
//! - the prices: as given (exact), or implied, `K / F` and `R / F` (20
//!   decimals, exact flag);
//! - local money: `R` converted at the agreed rate ([`super::local`]);
//! - premium `q - p`, and in money `R - K`;
//! - multiplier `R / K`: fund money per unit of the sponsor's money;
//! - the debtor's nominal saving `F - R`;
//! - the local money divided among programmes by largest remainder
//!   ([`split_claim`]'s allocation).
//!
//! With `F` fixed, a lower `p` gives a lower or equal `K` (rounding is
//! monotone), so a higher premium and a higher or equal multiplier.

use rust_decimal::Decimal;

use super::development::ratio;
use super::error::SwapError;
use super::local::LocalRate;
use crate::domain::error::DomainError;
use crate::domain::money::Money;
use crate::domain::rounding::RoundingMode;
use crate::domain::share::Share;
use crate::domain::split::{split_claim, ProgramAllocation, ProgramWeight, SplitInput, WriteOff};

/// What the sponsor pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purchase {
    /// A price, a fraction of face in (0, 1].
    Price(Decimal),
    /// A cash cost in the face's currency, in (0, F].
    Cost(Money),
}

/// What the debtor pays into the fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// A price, a fraction of face in [p, 1].
    Price(Decimal),
    /// An amount in the face's currency, in [K, F].
    Amount(Money),
}

/// A validated three-party swap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreePartyInput {
    /// Greater than zero.
    pub face: Money,
    pub purchase: Purchase,
    pub redemption: Redemption,
    pub local: Option<LocalRate>,
    /// May be empty.
    pub programmes: Vec<ProgramWeight>,
    pub rounding: RoundingMode,
}

/// The figures of a three-party swap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreePartyOutcome {
    pub face: Money,
    pub sponsor_cost: Money,
    pub purchase_price: Share,
    pub redemption_amount: Money,
    pub redemption_price: Share,
    pub local_money: Money,
    /// `q - p`; exact when both prices are.
    pub premium: Share,
    pub premium_amount: Money,
    pub multiplier: Share,
    pub debtor_saving: Money,
    pub allocations: Vec<ProgramAllocation>,
}

fn invalid(quantity: &'static str, requirement: &'static str) -> SwapError {
    SwapError::Domain(DomainError::InvalidInput {
        quantity,
        requirement,
    })
}

/// `F x price` rounded with `rounding`, and the price as a share; or the
/// given amount and the price it implies.
fn amount_and_price(
    face: &Money,
    price: Option<Decimal>,
    amount: Option<&Money>,
    rounding: RoundingMode,
) -> Result<(Money, Share), SwapError> {
    match (price, amount) {
        (Some(price), _) => {
            let unit = Decimal::ZERO..=Decimal::ONE;
            if !unit.contains(&price) || price.is_zero() {
                return Err(invalid("price", "in (0, 1]"));
            }
            let amount = split_claim(&SplitInput {
                claim: face.clone(),
                write_off: WriteOff::Share(price),
                programs: Vec::new(),
                rounding,
            })?
            .written_off;
            Ok((
                amount,
                Share {
                    value: price.normalize(),
                    exact: true,
                },
            ))
        }
        (None, Some(amount)) => {
            if amount.currency != face.currency {
                return Err(invalid("amount currency", "the face's currency"));
            }
            if amount.amount <= Decimal::ZERO || amount.amount > face.amount {
                return Err(invalid("amount", "greater than zero and at most the face"));
            }
            Ok((amount.clone(), ratio(amount.amount, face.amount)?))
        }
        (None, None) => Err(invalid("price or amount", "given")),
    }
}

/// Evaluates a swap by the rules of the module documentation.
pub fn evaluate_three_party(input: &ThreePartyInput) -> Result<ThreePartyOutcome, SwapError> {
    let face = &input.face;
    if face.amount <= Decimal::ZERO || !face.fits_minor_units() {
        return Err(invalid("face", "greater than zero, in whole minor units"));
    }
    let (sponsor_cost, purchase_price) = match &input.purchase {
        Purchase::Price(p) => amount_and_price(face, Some(*p), None, input.rounding)?,
        Purchase::Cost(k) => amount_and_price(face, None, Some(k), input.rounding)?,
    };
    let (redemption_amount, redemption_price) = match &input.redemption {
        Redemption::Price(q) => amount_and_price(face, Some(*q), None, input.rounding)?,
        Redemption::Amount(r) => amount_and_price(face, None, Some(r), input.rounding)?,
    };
    if redemption_amount.amount < sponsor_cost.amount {
        return Err(SwapError::RedemptionBelowPurchase {
            redemption: redemption_amount,
            cost: sponsor_cost,
        });
    }
    if sponsor_cost.amount.is_zero() {
        return Err(invalid("sponsor's cost", "at least one minor unit"));
    }
    let local_money = match &input.local {
        Some(rate) => rate.convert(&redemption_amount)?,
        None => redemption_amount.clone(),
    };
    let sub = |a: &Money, b: &Money, quantity| -> Result<Money, SwapError> {
        Ok(Money {
            currency: a.currency,
            amount: a
                .amount
                .checked_sub(b.amount)
                .ok_or(DomainError::Overflow { quantity })?,
        })
    };
    let premium = Share {
        value: redemption_price
            .value
            .checked_sub(purchase_price.value)
            .ok_or(DomainError::Overflow {
                quantity: "premium",
            })?
            .normalize(),
        exact: redemption_price.exact && purchase_price.exact,
    };
    let allocations = if input.programmes.is_empty() || local_money.amount.is_zero() {
        Vec::new()
    } else {
        split_claim(&SplitInput {
            claim: local_money.clone(),
            write_off: WriteOff::Share(Decimal::ZERO),
            programs: input.programmes.clone(),
            rounding: RoundingMode::HalfEven,
        })?
        .allocations
    };
    Ok(ThreePartyOutcome {
        face: face.clone(),
        premium_amount: sub(&redemption_amount, &sponsor_cost, "premium")?,
        multiplier: ratio(redemption_amount.amount, sponsor_cost.amount)?,
        debtor_saving: sub(face, &redemption_amount, "debtor's saving")?,
        sponsor_cost,
        purchase_price,
        redemption_amount,
        redemption_price,
        local_money,
        premium,
        allocations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::currency::find;
    use crate::domain::test_support::{d, usd};

    #[test]
    fn bolivia_1987_by_hand() {
        // CI paid 100,000 for 650,000 face; Bolivia put the equivalent of
        // 250,000 into a local fund. p = 100000 / 650000 = 2/13 =
        // 0.153846153846153846153846... (not terminating: 20 decimals,
        // inexact); q = 5/13 = 0.38461538461538461538...; premium 3/13 from
        // the rounded prices 0.38461538461538461538 - 0.15384615384615384615
        // = 0.23076923076923076923; multiplier 250000 / 100000 = 2.5 exactly;
        // the debtor saves 650,000 - 250,000 = 400,000.
        let out = evaluate_three_party(&ThreePartyInput {
            face: usd("650000.00"),
            purchase: Purchase::Cost(usd("100000.00")),
            redemption: Redemption::Amount(usd("250000.00")),
            local: None,
            programmes: vec![],
            rounding: RoundingMode::HalfEven,
        })
        .unwrap();
        assert_eq!(out.purchase_price.value, d("0.15384615384615384615"));
        assert!(!out.purchase_price.exact);
        assert_eq!(out.redemption_price.value, d("0.38461538461538461538"));
        assert_eq!(out.premium.value, d("0.23076923076923076923"));
        assert!(!out.premium.exact);
        assert_eq!(out.premium_amount, usd("150000.00"));
        assert_eq!(out.multiplier.value, d("2.5"));
        assert!(out.multiplier.exact);
        assert_eq!(out.debtor_saving, usd("400000.00"));
        assert_eq!(out.local_money, usd("250000.00"));
    }

    #[test]
    fn prices_give_rounded_amounts_and_a_local_fund() {
        // F = 1,000,000.01 at p = 0.125: K = 125,000.00125 -> 125,000.00
        // (half-even); q = 0.4: R = 400,000.004 -> 400,000.00; at 7 local
        // units per dollar: 2,800,000.00 in three programmes 1:1:1 ->
        // 933,333.33 x 3 = 2,799,999.99, the cent left over to the first.
        let out = evaluate_three_party(&ThreePartyInput {
            face: usd("1000000.01"),
            purchase: Purchase::Price(d("0.125")),
            redemption: Redemption::Price(d("0.4")),
            local: Some(LocalRate {
                currency: find("BOB").unwrap(),
                rate: d("7"),
            }),
            programmes: ["a", "b", "c"]
                .iter()
                .map(|n| ProgramWeight {
                    name: n.to_string(),
                    weight: Decimal::ONE,
                })
                .collect(),
            rounding: RoundingMode::HalfEven,
        })
        .unwrap();
        assert_eq!(out.sponsor_cost, usd("125000.00"));
        assert_eq!(out.redemption_amount, usd("400000.00"));
        assert_eq!(out.premium.value, d("0.275"));
        assert!(out.premium.exact);
        assert_eq!(out.multiplier.value, d("3.2"));
        assert_eq!(out.local_money.amount, d("2800000.00"));
        let parts: Vec<_> = out
            .allocations
            .iter()
            .map(|a| a.amount.amount.to_string())
            .collect();
        assert_eq!(parts, ["933333.34", "933333.33", "933333.33"]);
    }

    #[test]
    fn inconsistent_prices_are_errors() {
        let swap = |p: &str, q: &str| {
            evaluate_three_party(&ThreePartyInput {
                face: usd("100.00"),
                purchase: Purchase::Price(d(p)),
                redemption: Redemption::Price(d(q)),
                local: None,
                programmes: vec![],
                rounding: RoundingMode::HalfEven,
            })
        };
        assert!(matches!(
            swap("0.5", "0.4"),
            Err(SwapError::RedemptionBelowPurchase { .. })
        ));
        assert!(swap("1.01", "1").is_err());
        assert!(swap("0", "0.5").is_err());
        assert!(swap("0.5", "1.5").is_err());
        assert!(swap("0.5", "0.5").is_ok());
    }
}
