//! Currencies and their minor units: ISO 4217 (current list) plus the
//! historical units that sovereign-debt settlements are denominated in.

use std::fmt;

/// A currency known to debtcalc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    /// Three upper-case letters: the ISO 4217 alphabetic code, or a
    /// documented debtcalc code for a unit without one.
    pub code: &'static str,
    /// Decimals of the minor unit (2 for USD, 0 for JPY, 3 for KWD).
    pub minor_units: u32,
    /// Whether the unit is no longer in circulation (SUR, RUR, DEM).
    pub historical: bool,
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

const fn current(code: &'static str, minor_units: u32) -> Currency {
    Currency {
        code,
        minor_units,
        historical: false,
    }
}

const fn historical(code: &'static str, minor_units: u32) -> Currency {
    Currency {
        code,
        minor_units,
        historical: true,
    }
}

/// ISO 4217 list one (current currencies and funds; precious metals, testing
/// and "no currency" codes left out), then historical units. Sorted by code
/// within each group; `find` does not depend on the order.
#[rustfmt::skip]
const CURRENCIES: &[Currency] = &[
    current("AED", 2), current("AFN", 2), current("ALL", 2), current("AMD", 2),
    current("ANG", 2), current("AOA", 2), current("ARS", 2), current("AUD", 2),
    current("AWG", 2), current("AZN", 2), current("BAM", 2), current("BBD", 2),
    current("BDT", 2), current("BGN", 2), current("BHD", 3), current("BIF", 0),
    current("BMD", 2), current("BND", 2), current("BOB", 2), current("BOV", 2),
    current("BRL", 2), current("BSD", 2), current("BTN", 2), current("BWP", 2),
    current("BYN", 2), current("BZD", 2), current("CAD", 2), current("CDF", 2),
    current("CHE", 2), current("CHF", 2), current("CHW", 2), current("CLF", 4),
    current("CLP", 0), current("CNY", 2), current("COP", 2), current("COU", 2),
    current("CRC", 2), current("CUP", 2), current("CVE", 2), current("CZK", 2),
    current("DJF", 0), current("DKK", 2), current("DOP", 2), current("DZD", 2),
    current("EGP", 2), current("ERN", 2), current("ETB", 2), current("EUR", 2),
    current("FJD", 2), current("FKP", 2), current("GBP", 2), current("GEL", 2),
    current("GHS", 2), current("GIP", 2), current("GMD", 2), current("GNF", 0),
    current("GTQ", 2), current("GYD", 2), current("HKD", 2), current("HNL", 2),
    current("HTG", 2), current("HUF", 2), current("IDR", 2), current("ILS", 2),
    current("INR", 2), current("IQD", 3), current("IRR", 2), current("ISK", 0),
    current("JMD", 2), current("JOD", 3), current("JPY", 0), current("KES", 2),
    current("KGS", 2), current("KHR", 2), current("KMF", 0), current("KPW", 2),
    current("KRW", 0), current("KWD", 3), current("KYD", 2), current("KZT", 2),
    current("LAK", 2), current("LBP", 2), current("LKR", 2), current("LRD", 2),
    current("LSL", 2), current("LYD", 3), current("MAD", 2), current("MDL", 2),
    current("MGA", 2), current("MKD", 2), current("MMK", 2), current("MNT", 2),
    current("MOP", 2), current("MRU", 2), current("MUR", 2), current("MVR", 2),
    current("MWK", 2), current("MXN", 2), current("MXV", 2), current("MYR", 2),
    current("MZN", 2), current("NAD", 2), current("NGN", 2), current("NIO", 2),
    current("NOK", 2), current("NPR", 2), current("NZD", 2), current("OMR", 3),
    current("PAB", 2), current("PEN", 2), current("PGK", 2), current("PHP", 2),
    current("PKR", 2), current("PLN", 2), current("PYG", 0), current("QAR", 2),
    current("RON", 2), current("RSD", 2), current("RUB", 2), current("RWF", 0),
    current("SAR", 2), current("SBD", 2), current("SCR", 2), current("SDG", 2),
    current("SEK", 2), current("SGD", 2), current("SHP", 2), current("SLE", 2),
    current("SOS", 2), current("SRD", 2), current("SSP", 2), current("STN", 2),
    current("SVC", 2), current("SYP", 2), current("SZL", 2), current("THB", 2),
    current("TJS", 2), current("TMT", 2), current("TND", 3), current("TOP", 2),
    current("TRY", 2), current("TTD", 2), current("TWD", 2), current("TZS", 2),
    current("UAH", 2), current("UGX", 0), current("USD", 2), current("USN", 2),
    current("UYI", 0), current("UYU", 2), current("UYW", 4), current("UZS", 2),
    current("VED", 2), current("VES", 2), current("VND", 0), current("VUV", 0),
    current("WST", 2), current("XAF", 0), current("XCD", 2), current("XDR", 0),
    current("XOF", 0), current("XPF", 0), current("XSU", 0), current("XUA", 0),
    current("YER", 2), current("ZAR", 2), current("ZMW", 2), current("ZWG", 2),
    // Historical units that Soviet-era and German claims are denominated in.
    // SUR: Soviet ruble (ISO 4217 SUR, withdrawn), 100 kopecks.
    historical("SUR", 2),
    // RUR: Russian ruble before the 1998 redenomination (ISO 4217 code 810);
    // 1 RUB = 1000 RUR from 1998-01-01.
    historical("RUR", 2),
    // DEM: Deutsche Mark, 100 pfennig; 1 EUR = 1.95583 DEM.
    historical("DEM", 2),
    // Units without an ISO 4217 code get debtcalc codes. ISO 4217 keeps codes
    // beginning with X for units that belong to no single country; XTR and
    // XCL are not assigned there (current X codes: XAF, XAG, XAU, XBA-XBD,
    // XCD, XCG, XDR, XOF, XPD, XPF, XPT, XSU, XTS, XUA, XXX; withdrawn: XEU,
    // XFO, XFU, XRE). Not XCD: that is the East Caribbean dollar.
    // XTR: transferable ruble, the CMEA (COMECON) clearing unit, 100 kopecks.
    historical("XTR", 2),
    // XCL: clearing dollar, the unit of bilateral clearing accounts
    // (ex-Yugoslav and Mongolian clearing debts), 100 cents.
    historical("XCL", 2),
];

/// Looks a currency up by its exact code ("USD"; lower case is not accepted).
pub fn find(code: &str) -> Option<Currency> {
    CURRENCIES.iter().copied().find(|c| c.code == code)
}

/// Every currency debtcalc knows, current ones first.
pub fn all() -> &'static [Currency] {
    CURRENCIES
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn minor_units_of_well_known_codes() {
        for (code, minor) in [
            ("USD", 2),
            ("EUR", 2),
            ("JPY", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("CLF", 4),
            ("KRW", 0),
            ("SUR", 2),
            ("RUR", 2),
            ("DEM", 2),
            ("RUB", 2),
            ("CUP", 2),
            ("KPW", 2),
            ("LAK", 2),
        ] {
            assert_eq!(find(code).map(|c| c.minor_units), Some(minor), "{code}");
        }
    }

    #[test]
    fn unknown_and_lower_case_codes_are_not_found() {
        for code in ["usd", "XXX", "", "US", "USDD", "ZZZ"] {
            assert!(find(code).is_none(), "{code}");
        }
    }

    #[test]
    fn codes_are_unique_three_letter_upper_case() {
        let mut seen = HashSet::new();
        for c in all() {
            assert!(
                c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                c.code
            );
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(c.minor_units <= 4);
        }
    }
}
