//! Haircuts: the investor's loss in a restructuring, three ways.
//!
//! - Nominal (face value): `1 - face_new / (face_old + past_due_interest)`.
//! - Sturzenegger-Zettelmeyer: `1 - PV(new) / PV(old)`, both at the same
//!   rate (the exit yield). Past-due amounts of the old claim count as due at
//!   the valuation date, which [`super::certified::present_value`] does
//!   for flows dated before it.
//! - Cruces-Trebesch (market): `1 - PV(new) / (face_old + past_due_interest)`.
//!
//! `face_old` is the old stream's own face (outstanding principal, past-due
//! principal and the interest its flows show past due, see
//! [`super::stream`]); `past_due_interest` is the interest past due given
//! besides the stream (never both for the same interest: the API layer
//! rejects the overlap). Both haircuts that divide by a face use the same
//! one.
//!
//! Each is an exact ratio of the inputs rounded half-even to 28 decimals;
//! equal old and new values give exactly 0.

use rust_decimal::Decimal;

use super::grant_element::one_minus_ratio;
use crate::domain::error::DomainError;

/// The three haircuts of one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Haircuts {
    pub nominal: Decimal,
    pub sturzenegger_zettelmeyer: Decimal,
    pub cruces_trebesch: Decimal,
}

fn positive(value: Decimal, quantity: &'static str) -> Result<(), DomainError> {
    if value > Decimal::ZERO {
        Ok(())
    } else {
        Err(DomainError::InvalidInput {
            quantity,
            requirement: "positive for a haircut",
        })
    }
}

/// The haircuts of exchanging an old claim (`face_old`, worth `pv_old`) for a
/// new one (`face_new`, worth `pv_new`). `face_old`, `pv_old` and
/// `face_old + past_due_interest` must be positive.
pub fn haircuts(
    face_old: Decimal,
    pv_old: Decimal,
    face_new: Decimal,
    pv_new: Decimal,
    past_due_interest: Decimal,
) -> Result<Haircuts, DomainError> {
    positive(face_old, "old face value")?;
    positive(pv_old, "old present value")?;
    let claim = face_old
        .checked_add(past_due_interest)
        .ok_or(DomainError::Overflow {
            quantity: "old face value plus past-due interest",
        })?;
    positive(claim, "old face value plus past-due interest")?;
    Ok(Haircuts {
        nominal: one_minus_ratio(face_new, claim, "nominal haircut")?,
        sturzenegger_zettelmeyer: one_minus_ratio(
            pv_new,
            pv_old,
            "Sturzenegger-Zettelmeyer haircut",
        )?,
        cruces_trebesch: one_minus_ratio(pv_new, claim, "Cruces-Trebesch haircut")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::valuation::basis::TimeBasis;
    use crate::domain::valuation::certified::present_value;
    use crate::domain::valuation::compounding::Compounding;
    use crate::domain::valuation::discount::Discounting;
    use crate::domain::valuation::present_value::CashFlow;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_three_haircuts() {
        // Old: 100 face, worth 90 at the exit yield, 10 past-due interest.
        // New: 60 face, worth 45.
        let h = haircuts(d("100"), d("90"), d("60"), d("45"), d("10")).unwrap();
        assert_eq!(h.nominal, d("0.4545454545454545454545454545"));
        assert_eq!(h.sturzenegger_zettelmeyer, d("0.5"));
        assert_eq!(h.cruces_trebesch, d("0.5909090909090909090909090909"));
    }

    #[test]
    fn dprk_claim_haircuts() {
        // 10.96 bn claim, 1.09 bn remainder; new PV at 5% from the DPRK test.
        let pv_new = d("687576793.9301979031068014606");
        let h = haircuts(
            d("10960000000"),
            d("10960000000"),
            d("1090000000"),
            pv_new,
            d("0"),
        )
        .unwrap();
        assert_eq!(h.nominal, d("0.9005474452554744525547445255"));
        assert!((h.sturzenegger_zettelmeyer - d("0.9373")).abs() < d("0.0001"));
        assert_eq!(h.sturzenegger_zettelmeyer, h.cruces_trebesch);
    }

    #[test]
    fn undefined_haircuts_are_errors() {
        assert!(matches!(
            haircuts(d("0"), d("1"), d("1"), d("1"), d("0")),
            Err(DomainError::InvalidInput {
                quantity: "old face value",
                ..
            })
        ));
        assert!(matches!(
            haircuts(d("1"), d("0"), d("1"), d("1"), d("0")),
            Err(DomainError::InvalidInput {
                quantity: "old present value",
                ..
            })
        ));
        assert!(matches!(
            haircuts(d("1"), d("1"), d("1"), d("1"), d("-1")),
            Err(DomainError::InvalidInput { .. })
        ));
        assert!(matches!(
            haircuts(Decimal::MAX, d("1"), d("1"), d("1"), Decimal::MAX),
            Err(DomainError::Overflow { .. })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Exchanging a stream for itself costs nothing, at any exit yield.
        #[test]
        fn identical_streams_have_no_haircut(
            flows in proptest::collection::vec((0u64..20_000, 1i64..1_000_000_000_000), 1..60),
            rate in -500i64..3000,
            past_due in 0i64..1_000_000,
        ) {
            let valuation = NaiveDate::from_ymd_opt(2012, 9, 17).unwrap();
            let flows: Vec<CashFlow> = flows
                .iter()
                .map(|(n, a)| CashFlow {
                    // Some flows fall before the valuation date (past due).
                    date: valuation + chrono::Days::new(*n) - chrono::Days::new(1000),
                    amount: Decimal::new(*a, 2),
                })
                .collect();
            let discounting = Discounting::Flat {
                rate: Decimal::new(rate, 4),
                compounding: Compounding::AnnualEffective,
                basis: TimeBasis::Act365Fixed,
            };
            let old = present_value(&flows, valuation, &discounting).unwrap();
            let new = present_value(&flows, valuation, &discounting).unwrap();
            let h = haircuts(old.face, old.value, new.face, new.value, Decimal::new(past_due, 2)).unwrap();
            prop_assert_eq!(h.sturzenegger_zettelmeyer, Decimal::ZERO);
            let without = haircuts(old.face, old.value, new.face, new.value, Decimal::ZERO).unwrap();
            prop_assert_eq!(without.nominal, Decimal::ZERO);
            // Past-due interest only adds to the old claim's face, in the
            // nominal and Cruces-Trebesch haircuts alike.
            prop_assert!(h.cruces_trebesch >= without.cruces_trebesch);
            prop_assert!(h.nominal >= without.nominal);
            prop_assert_eq!(past_due == 0, h.nominal == Decimal::ZERO);
        }
    }
}
