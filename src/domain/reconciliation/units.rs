//! The legacy units that reconciliation deals in, by name.
//!
//! Soviet ruble `SUR` (ISO 4217, withdrawn), pre-1998 Russian ruble `RUR`
//! (ISO 4217, withdrawn), Deutsche Mark `DEM` (ISO 4217, withdrawn) have ISO
//! codes. The transferable ruble and the clearing dollar never had one;
//! debtcalc names them `XTR` and `XCL`. Both are unassigned in ISO 4217 and
//! begin with X, the letter ISO 4217 uses for units that belong to no single
//! country (they do not collide with `XCD`, the East Caribbean dollar, nor
//! with any other current or withdrawn code). They are listed in
//! [`crate::domain::currency`] as historical units with 2 decimals.

use crate::domain::currency::{find, Currency};

/// debtcalc's code for the transferable ruble (CMEA clearing unit). Not ISO.
pub const TRANSFERABLE_RUBLE: &str = "XTR";
/// debtcalc's code for the clearing dollar of bilateral clearing accounts.
/// Not ISO.
pub const CLEARING_DOLLAR: &str = "XCL";

/// Codes that debtcalc assigned itself (no ISO 4217 code exists).
pub const NON_ISO_CODES: [&str; 2] = [TRANSFERABLE_RUBLE, CLEARING_DOLLAR];

/// Whether `currency` carries a debtcalc code rather than an ISO 4217 one.
pub fn is_debtcalc_code(currency: Currency) -> bool {
    NON_ISO_CODES.contains(&currency.code)
}

/// The transferable ruble, `XTR`.
pub fn transferable_ruble() -> Option<Currency> {
    find(TRANSFERABLE_RUBLE)
}

/// The clearing dollar, `XCL`.
pub fn clearing_dollar() -> Option<Currency> {
    find(CLEARING_DOLLAR)
}

/// Whether an amount in `from` may be taken one for one as `to` when a
/// rate or redenomination is quoted in `to`: the same unit, or the Soviet
/// ruble and the pre-1998 Russian ruble, which succeeded it at par in
/// 1992-1993 (a debtor valuing a Soviet-era claim at a Russian market rate
/// does exactly that). Nothing else is substituted: RUR and RUB differ by
/// the 1998 redenomination (1000 to 1), which must be applied explicitly.
pub fn taken_at_par(from: Currency, to: Currency) -> bool {
    let pair = |a: &str, b: &str| from.code == a && to.code == b;
    from == to || pair("SUR", "RUR") || pair("RUR", "SUR")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_soviet_and_pre_1998_russian_ruble_are_at_par() {
        let c = |code| find(code).unwrap();
        assert!(taken_at_par(c("SUR"), c("RUR")) && taken_at_par(c("RUR"), c("SUR")));
        assert!(taken_at_par(c("USD"), c("USD")));
        for (a, b) in [
            ("RUR", "RUB"),
            ("RUB", "RUR"),
            ("SUR", "RUB"),
            ("XTR", "SUR"),
            ("XCL", "USD"),
        ] {
            assert!(!taken_at_par(c(a), c(b)), "{a} {b}");
        }
    }

    #[test]
    fn debtcalc_codes_are_known_historical_and_not_iso_lookalikes() {
        for code in NON_ISO_CODES {
            let currency = find(code).unwrap_or_else(|| panic!("{code} missing"));
            assert!(currency.historical, "{code}");
            assert_eq!(currency.minor_units, 2, "{code}");
            assert!(is_debtcalc_code(currency));
        }
        assert_eq!(transferable_ruble().map(|c| c.code), Some("XTR"));
        assert_eq!(clearing_dollar().map(|c| c.code), Some("XCL"));
        // The East Caribbean dollar keeps its ISO code and meaning.
        let xcd = find("XCD").unwrap();
        assert!(!xcd.historical && !is_debtcalc_code(xcd));
    }
}
