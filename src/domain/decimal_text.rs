//! The strict decimal-string grammar of the API.
//!
//! `rust_decimal` alone is too lenient for money: `from_str_exact("1_000")`
//! accepts underscores and `str::parse` falls back to a lossy scientific
//! parse. The grammar is therefore checked here first, and only text that
//! passes is handed to `Decimal::from_str_exact`.

use rust_decimal::Decimal;
use std::fmt;

/// The longest decimal string accepted, in bytes. Longer input is rejected
/// before any parsing work.
pub const MAX_DECIMAL_TEXT_LEN: usize = 64;

/// Why a decimal string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecimalTextError {
    Empty,
    TooLong,
    /// Not of the form `[sign] digits ["." digits]`.
    Syntax,
    /// Valid syntax, but more than 28 decimals or beyond the 96-bit range.
    OutOfRange,
}

impl fmt::Display for DecimalTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "must not be empty"),
            Self::TooLong => write!(f, "is longer than {MAX_DECIMAL_TEXT_LEN} characters"),
            Self::Syntax => write!(
                f,
                "is not a decimal number of the form [sign] digits [\".\" digits] (no spaces, separators or exponents)"
            ),
            Self::OutOfRange => write!(
                f,
                "is outside the supported precision (at most 28 decimals and 29 significant digits)"
            ),
        }
    }
}

impl std::error::Error for DecimalTextError {}

/// Parses `[sign] digits ["." digits]` exactly. The scale of the result is the
/// number of digits written after the point ("1.50" has scale 2).
pub fn parse_decimal(text: &str) -> Result<Decimal, DecimalTextError> {
    if text.is_empty() {
        return Err(DecimalTextError::Empty);
    }
    if text.len() > MAX_DECIMAL_TEXT_LEN {
        return Err(DecimalTextError::TooLong);
    }
    let bytes = text.as_bytes();
    let unsigned = match bytes[0] {
        b'+' | b'-' => &bytes[1..],
        _ => bytes,
    };
    let (integer, fraction) = match unsigned.iter().position(|&b| b == b'.') {
        Some(point) => (&unsigned[..point], Some(&unsigned[point + 1..])),
        None => (unsigned, None),
    };
    let all_digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    if !all_digits(integer) || fraction.is_some_and(|f| !all_digits(f)) {
        return Err(DecimalTextError::Syntax);
    }
    Decimal::from_str_exact(text).map_err(|_| DecimalTextError::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn accepts_the_grammar() {
        for (text, expected) in [
            ("0", "0"),
            ("10960000000", "10960000000"),
            ("0.9", "0.9"),
            ("-1.50", "-1.50"),
            ("+7", "7"),
            ("0000.10", "0.10"),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
        ] {
            let parsed = parse_decimal(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed, Decimal::from_str(expected).unwrap(), "{text}");
            assert_eq!(parsed.to_string(), expected, "{text} keeps its scale");
        }
    }

    #[test]
    fn rejects_what_the_contract_rejects() {
        for text in [
            "1_000", "1,000", "1e3", "2.5E3", "NaN", "nan", "Infinity", "inf", " 1", "1 ", "1. 5",
            "1.", ".5", "-", "+", "--1", "+-1", "1.2.3", "0x10", "١", "1\n", "½",
        ] {
            assert_eq!(
                parse_decimal(text),
                Err(DecimalTextError::Syntax),
                "{text:?}"
            );
        }
        assert_eq!(parse_decimal(""), Err(DecimalTextError::Empty));
        assert_eq!(
            parse_decimal(&"1".repeat(65)),
            Err(DecimalTextError::TooLong)
        );
    }

    #[test]
    fn rejects_beyond_precision_instead_of_rounding() {
        assert_eq!(
            parse_decimal("0.00000000000000000000000000001"),
            Err(DecimalTextError::OutOfRange)
        );
        assert_eq!(
            parse_decimal("79228162514264337593543950336"),
            Err(DecimalTextError::OutOfRange)
        );
    }
}
