//! Reference data: named conversion bases for legacy units and
//! redenominations, each with its source.
//!
//! The data ship in `data/conversion-bases.json`, compiled into the binary
//! ([`ReferenceData::builtin`]); an operator may name another file to use
//! instead ([`ReferenceData::load`]), which replaces the built-in data as a
//! whole (no merging, so what is in effect is always one file). Every file is
//! validated on load: known format version, no unknown fields, ids unique and
//! of the form `[a-z0-9][a-z0-9.-]*` (at most 64 characters), units known to
//! [`crate::domain::currency`], rates and factors positive decimal strings,
//! dates `YYYY-MM-DD`, `valid_to` not before `valid_from`, a non-empty source
//! note for every entry.
//!
//! File format (version 1):
//!
//! ```json
//! {
//!   "format": 1,
//!   "units": [{ "code": "XTR", "name": "transferable ruble", "iso_4217": false, "note": "..." }],
//!   "bases": [{ "id": "gosbank-settlement-rate", "rate": "0.6", "unit": "SUR", "per": "USD",
//!               "valid_from": null, "valid_to": null, "weak": false, "source": "..." }],
//!   "redenominations": [{ "id": "rub-1998", "old_unit": "RUR", "new_unit": "RUB",
//!                         "old_per_new": "1000", "effective": "1998-01-01", "source": "..." }]
//! }
//! ```
//!
//! A basis reads "`rate` `unit` per one `per`" (see
//! [`super::conversion_basis`]). Validity: an official daily rate (the CBR
//! entries) has `valid_from = valid_to` = the day it was in effect; an annual
//! average covers its year; a side the source does not give is `null`
//! (the settlement rate 0.6 has neither). `weak: true` marks a figure resting
//! on a secondary, press-only, derived or uncorroborated source; its `source`
//! note says which.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use crate::domain::currency::{self, Currency};
use crate::domain::decimal_text::parse_decimal;

use super::conversion_basis::{Conversion, ConversionBasis, Rate, Redenomination};

/// The reference data compiled into debtcalc.
pub const BUILTIN_JSON: &str = include_str!("../../../data/conversion-bases.json");

/// The file format version this code reads.
pub const FORMAT_VERSION: u32 = 1;

/// The longest id accepted.
pub const MAX_ID_LEN: usize = 64;

/// Why reference data could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceDataError {
    /// The file could not be read.
    Io { path: String, message: String },
    /// Not JSON of the expected shape (serde's message names line and
    /// column).
    Json { message: String },
    /// An entry breaks a rule; `entry` names it (its id, or its list and
    /// position when the id itself is bad).
    Invalid { entry: String, reason: String },
}

impl fmt::Display for ReferenceDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, message } => {
                write!(f, "cannot read reference data {path}: {message}")
            }
            Self::Json { message } => write!(f, "reference data is not valid: {message}"),
            Self::Invalid { entry, reason } => {
                write!(f, "reference data entry {entry}: {reason}")
            }
        }
    }
}

impl std::error::Error for ReferenceDataError {}

/// A legacy unit documented in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNote {
    pub currency: Currency,
    pub name: String,
    /// Whether the code is ISO 4217 (current or withdrawn) rather than a
    /// debtcalc code.
    pub iso_4217: bool,
    pub note: String,
}

/// Validated reference data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceData {
    units: Vec<UnitNote>,
    bases: Vec<ConversionBasis>,
    redenominations: Vec<Redenomination>,
    /// "sha256:" and the hex SHA-256 of the text it was parsed from.
    version: String,
}

/// The version of a data file: "sha256:" and the lower-case hexadecimal
/// SHA-256 of its bytes. Equal versions mean equal bytes.
pub fn content_version(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut text = String::with_capacity(7 + 64);
    text.push_str("sha256:");
    for byte in digest.as_ref() {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

impl ReferenceData {
    /// The data shipped in `data/conversion-bases.json`.
    pub fn builtin() -> Result<Self, ReferenceDataError> {
        Self::from_json(BUILTIN_JSON)
    }

    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Self, ReferenceDataError> {
        let text = std::fs::read_to_string(path).map_err(|e| ReferenceDataError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_json(&text)
    }

    /// Parses and validates reference data.
    pub fn from_json(text: &str) -> Result<Self, ReferenceDataError> {
        let file: FileV1 = serde_json::from_str(text).map_err(|e| ReferenceDataError::Json {
            message: e.to_string(),
        })?;
        if file.format != FORMAT_VERSION {
            return Err(ReferenceDataError::Json {
                message: format!(
                    "format {} is not supported (expected {FORMAT_VERSION})",
                    file.format
                ),
            });
        }
        let mut ids = HashSet::new();
        let mut codes = HashSet::new();
        let mut units = Vec::with_capacity(file.units.len());
        for (index, raw) in file.units.into_iter().enumerate() {
            let entry = format!("units[{index}] ({})", raw.code);
            let currency = unit(&entry, &raw.code)?;
            if !codes.insert(raw.code.clone()) {
                return Err(invalid(&entry, "unit listed twice"));
            }
            non_empty(&entry, "name", &raw.name)?;
            non_empty(&entry, "note", &raw.note)?;
            units.push(UnitNote {
                currency,
                name: raw.name,
                iso_4217: raw.iso_4217,
                note: raw.note,
            });
        }
        let mut bases = Vec::with_capacity(file.bases.len());
        for (index, raw) in file.bases.into_iter().enumerate() {
            let entry = checked_id(&format!("bases[{index}]"), &raw.id, &mut ids)?;
            let rate = Rate {
                rate: positive_decimal(&entry, "rate", &raw.rate)?,
                unit: unit(&entry, &raw.unit)?,
                per: unit(&entry, &raw.per)?,
            };
            if rate.unit == rate.per {
                return Err(invalid(&entry, "unit and per must differ"));
            }
            let valid_from = raw
                .valid_from
                .as_deref()
                .map(|d| date(&entry, "valid_from", d))
                .transpose()?;
            let valid_to = raw
                .valid_to
                .as_deref()
                .map(|d| date(&entry, "valid_to", d))
                .transpose()?;
            if let (Some(from), Some(to)) = (valid_from, valid_to) {
                if to < from {
                    return Err(invalid(&entry, "valid_to is before valid_from"));
                }
            }
            non_empty(&entry, "source", &raw.source)?;
            bases.push(ConversionBasis {
                id: raw.id,
                rate,
                valid_from,
                valid_to,
                source: raw.source,
                weak: raw.weak,
            });
        }
        let mut redenominations = Vec::with_capacity(file.redenominations.len());
        for (index, raw) in file.redenominations.into_iter().enumerate() {
            let entry = checked_id(&format!("redenominations[{index}]"), &raw.id, &mut ids)?;
            let old_unit = unit(&entry, &raw.old_unit)?;
            let new_unit = unit(&entry, &raw.new_unit)?;
            if old_unit == new_unit {
                return Err(invalid(&entry, "old_unit and new_unit must differ"));
            }
            let old_per_new = positive_decimal(&entry, "old_per_new", &raw.old_per_new)?;
            let effective = date(&entry, "effective", &raw.effective)?;
            non_empty(&entry, "source", &raw.source)?;
            redenominations.push(Redenomination {
                id: raw.id,
                old_unit,
                new_unit,
                old_per_new,
                effective,
                source: raw.source,
            });
        }
        Ok(Self {
            units,
            bases,
            redenominations,
            version: content_version(text.as_bytes()),
        })
    }

    /// The version of the data: "sha256:" and the hex SHA-256 of the bytes
    /// it was loaded from (see [`content_version`]), computed once on load.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The documented legacy units.
    pub fn units(&self) -> &[UnitNote] {
        &self.units
    }

    /// Every basis, in file order.
    pub fn bases(&self) -> &[ConversionBasis] {
        &self.bases
    }

    pub fn basis(&self, id: &str) -> Option<&ConversionBasis> {
        self.bases.iter().find(|b| b.id == id)
    }

    /// The basis `id` as a [`Conversion`].
    pub fn conversion(&self, id: &str) -> Option<Conversion> {
        self.basis(id).cloned().map(Conversion::Basis)
    }

    /// Every redenomination, in file order.
    pub fn redenominations(&self) -> &[Redenomination] {
        &self.redenominations
    }

    pub fn redenomination(&self, id: &str) -> Option<&Redenomination> {
        self.redenominations.iter().find(|r| r.id == id)
    }

    /// The bases whose validity covers `day` (an entry without `valid_from`
    /// or `valid_to` is open on that side; one with neither covers every
    /// day).
    pub fn bases_valid_on(&self, day: NaiveDate) -> Vec<&ConversionBasis> {
        self.bases
            .iter()
            .filter(|b| b.valid_from.is_none_or(|from| from <= day))
            .filter(|b| b.valid_to.is_none_or(|to| day <= to))
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    format: u32,
    #[serde(default)]
    units: Vec<RawUnit>,
    #[serde(default)]
    bases: Vec<RawBasis>,
    #[serde(default)]
    redenominations: Vec<RawRedenomination>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    code: String,
    name: String,
    iso_4217: bool,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasis {
    id: String,
    rate: String,
    unit: String,
    per: String,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_to: Option<String>,
    #[serde(default)]
    weak: bool,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRedenomination {
    id: String,
    old_unit: String,
    new_unit: String,
    old_per_new: String,
    effective: String,
    source: String,
}

fn invalid(entry: &str, reason: impl Into<String>) -> ReferenceDataError {
    ReferenceDataError::Invalid {
        entry: entry.to_owned(),
        reason: reason.into(),
    }
}

/// Checks an id's form and uniqueness; returns the name to report the entry
/// by.
fn checked_id(
    position: &str,
    id: &str,
    seen: &mut HashSet<String>,
) -> Result<String, ReferenceDataError> {
    let well_formed = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || (i > 0 && (b == b'-' || b == b'.'))
        });
    if !well_formed {
        return Err(invalid(
            position,
            format!("id {id:?} must be 1-{MAX_ID_LEN} characters of a-z, 0-9, '-' and '.', starting with a letter or digit"),
        ));
    }
    if !seen.insert(id.to_owned()) {
        return Err(invalid(id, "id is used twice"));
    }
    Ok(id.to_owned())
}

fn unit(entry: &str, code: &str) -> Result<Currency, ReferenceDataError> {
    currency::find(code).ok_or_else(|| invalid(entry, format!("unknown unit {code:?}")))
}

fn positive_decimal(entry: &str, field: &str, text: &str) -> Result<Decimal, ReferenceDataError> {
    let value = parse_decimal(text).map_err(|e| invalid(entry, format!("{field} {text:?} {e}")))?;
    if value <= Decimal::ZERO {
        return Err(invalid(entry, format!("{field} must be positive")));
    }
    Ok(value)
}

/// A strict ISO 8601 calendar date, `YYYY-MM-DD`.
fn date(entry: &str, field: &str, text: &str) -> Result<NaiveDate, ReferenceDataError> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    let parsed = shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten();
    parsed.ok_or_else(|| invalid(entry, format!("{field} {text:?} is not a YYYY-MM-DD date")))
}

fn non_empty(entry: &str, field: &str, text: &str) -> Result<(), ReferenceDataError> {
    if text.trim().is_empty() {
        return Err(invalid(entry, format!("{field} must not be empty")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn builtin() -> ReferenceData {
        ReferenceData::builtin().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_version_is_the_sha256_of_the_bytes() {
        // FIPS 180-2 test vectors.
        assert_eq!(
            content_version(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            content_version(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            builtin().version(),
            content_version(BUILTIN_JSON.as_bytes())
        );
        let changed = ReferenceData::from_json(&format!("{BUILTIN_JSON}\n")).unwrap();
        assert_ne!(changed.version(), builtin().version());
    }

    #[test]
    fn builtin_data_loads_with_the_required_entries() {
        let data = builtin();
        let check = |id: &str, rate: &str, unit: &str, per: &str| {
            let basis = data.basis(id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(basis.rate.rate, Decimal::from_str(rate).unwrap(), "{id}");
            assert_eq!(basis.rate.unit.code, unit, "{id}");
            assert_eq!(basis.rate.per.code, per, "{id}");
            assert!(!basis.source.trim().is_empty(), "{id}");
        };
        check("gosbank-settlement-rate", "0.6", "SUR", "USD");
        check("xtr-usd-mongolia-2010", "1", "USD", "XTR");
        check("xtr-dem-gdr-1990", "2.34", "DEM", "XTR");
        check("xcl-usd-yugoslav-clearing", "0.625", "USD", "XCL");
        assert!(data.basis("xcl-usd-yugoslav-clearing").unwrap().weak);
        let rub = data.redenomination("rub-1998").unwrap();
        assert_eq!(
            (rub.old_unit.code, rub.new_unit.code, rub.old_per_new),
            ("RUR", "RUB", Decimal::from(1000))
        );
        assert_eq!(rub.effective, NaiveDate::from_ymd_opt(1998, 1, 1).unwrap());
    }

    #[test]
    fn every_cbr_row_of_reference_rates_md_is_shipped() {
        // (date, rate, unit) exactly as in /work/shared/reference-rates.md.
        let rows = [
            ("1992-07-01", "125.26", "RUR"),
            ("1992-12-31", "414.5", "RUR"),
            ("1993-12-31", "1247", "RUR"),
            ("1994-10-07", "2833", "RUR"),
            ("1994-10-12", "3926", "RUR"),
            ("1994-10-14", "2994", "RUR"),
            ("1994-12-31", "3550", "RUR"),
            ("1995-12-31", "4640", "RUR"),
            ("1996-12-31", "5560", "RUR"),
            ("1997-12-31", "5960", "RUR"),
            ("1998-01-01", "5.96", "RUB"),
            ("1998-12-31", "20.65", "RUB"),
            ("1999-12-31", "27.00", "RUB"),
            ("2000-12-31", "28.16", "RUB"),
            ("2002-01-01", "30.1372", "RUB"),
            ("2002-12-31", "31.7844", "RUB"),
            ("2003-12-31", "29.4545", "RUB"),
            ("2004-12-31", "27.7487", "RUB"),
            ("2005-12-31", "28.7825", "RUB"),
            ("2006-12-31", "26.3311", "RUB"),
            ("2007-12-31", "24.5462", "RUB"),
            ("2008-12-31", "29.3804", "RUB"),
            ("2009-12-31", "30.2442", "RUB"),
            ("2010-12-31", "30.4769", "RUB"),
            ("2011-12-31", "32.1961", "RUB"),
            ("2012-12-31", "30.3727", "RUB"),
            ("2013-12-31", "32.7292", "RUB"),
            ("2014-12-31", "56.2584", "RUB"),
        ];
        let data = builtin();
        for (day, rate, unit) in rows {
            let id = format!("cbr-usd-{day}");
            let basis = data.basis(&id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(basis.rate.rate, Decimal::from_str(rate).unwrap(), "{id}");
            assert_eq!(
                (basis.rate.unit.code, basis.rate.per.code),
                (unit, "USD"),
                "{id}"
            );
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
            assert_eq!(
                (basis.valid_from, basis.valid_to),
                (Some(day), Some(day)),
                "{id}"
            );
        }
        let cbr = data
            .bases()
            .iter()
            .filter(|b| b.id.starts_with("cbr-"))
            .count();
        assert_eq!(cbr, rows.len());
        // RUR before the redenomination, RUB from it.
        let switch = NaiveDate::from_ymd_opt(1998, 1, 1).unwrap();
        for basis in data.bases().iter().filter(|b| b.id.starts_with("cbr-")) {
            let expected = if basis.valid_from.unwrap() < switch {
                "RUR"
            } else {
                "RUB"
            };
            assert_eq!(basis.rate.unit.code, expected, "{}", basis.id);
        }
    }

    #[test]
    fn units_without_iso_codes_are_documented() {
        let data = builtin();
        for code in ["XTR", "XCL"] {
            let note = data
                .units()
                .iter()
                .find(|u| u.currency.code == code)
                .unwrap();
            assert!(!note.iso_4217, "{code}");
        }
        let sur = data
            .units()
            .iter()
            .find(|u| u.currency.code == "SUR")
            .unwrap();
        assert!(sur.iso_4217);
    }

    #[test]
    fn lookups_by_validity_date() {
        let data = builtin();
        let day = NaiveDate::from_ymd_opt(1994, 10, 14).unwrap();
        let ids: Vec<&str> = data
            .bases_valid_on(day)
            .iter()
            .map(|b| b.id.as_str())
            .collect();
        assert!(ids.contains(&"cbr-usd-1994-10-14"));
        assert!(!ids.contains(&"cbr-usd-1994-10-12"));
        assert!(
            ids.contains(&"gosbank-settlement-rate"),
            "undated entries cover every day"
        );
        assert!(data.conversion("nope").is_none());
        assert!(data.conversion("cbr-usd-1994-10-14").is_some());
    }

    fn with_basis(basis: &str) -> String {
        format!(r#"{{"format": 1, "bases": [{basis}]}}"#)
    }

    fn reason(text: &str) -> String {
        match ReferenceData::from_json(text) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted: {text}"),
        }
    }

    #[test]
    fn validation_names_the_entry_and_the_rule() {
        let good = r#"{"id": "a", "rate": "0.6", "unit": "SUR", "per": "USD", "source": "s"}"#;
        assert!(ReferenceData::from_json(&with_basis(good)).is_ok());
        let twice = format!(r#"{{"format": 1, "bases": [{good}, {good}]}}"#);
        assert!(reason(&twice).contains("entry a: id is used twice"));
        let shared = format!(
            r#"{{"format": 1, "bases": [{good}], "redenominations": [{{"id": "a", "old_unit": "RUR", "new_unit": "RUB", "old_per_new": "1000", "effective": "1998-01-01", "source": "s"}}]}}"#
        );
        assert!(reason(&shared).contains("id is used twice"));
        for (basis, expected) in [
            (good.replace("0.6", "0"), "rate must be positive"),
            (good.replace("0.6", "-1"), "rate must be positive"),
            (good.replace("0.6", "1e3"), "rate \"1e3\" is not a decimal"),
            (good.replace("SUR", "ABC"), "unknown unit \"ABC\""),
            (good.replace("SUR", "USD"), "unit and per must differ"),
            (good.replace("\"a\"", "\"A b\""), "bases[0]: id \"A b\""),
            (good.replace("\"s\"", "\" \""), "source must not be empty"),
            (
                good.replace("\"source\"", "\"valid_from\": \"1994-10-1\", \"source\""),
                "valid_from \"1994-10-1\" is not a YYYY-MM-DD date",
            ),
            (
                good.replace("\"source\"", "\"valid_from\": \"1994-02-30\", \"source\""),
                "is not a YYYY-MM-DD date",
            ),
            (
                good.replace(
                    "\"source\"",
                    "\"valid_from\": \"1995-01-01\", \"valid_to\": \"1994-01-01\", \"source\"",
                ),
                "valid_to is before valid_from",
            ),
            (
                good.replace("\"source\"", "\"sauce\": 1, \"source\""),
                "unknown field",
            ),
        ] {
            let message = reason(&with_basis(&basis));
            assert!(message.contains(expected), "{message} / {expected}");
        }
        assert!(reason(r#"{"format": 2}"#).contains("format 2 is not supported"));
        assert!(reason("not json").contains("reference data is not valid"));
        let bad_factor = r#"{"format": 1, "redenominations": [{"id": "r", "old_unit": "RUR", "new_unit": "RUB", "old_per_new": "0", "effective": "1998-01-01", "source": "s"}]}"#;
        assert!(reason(bad_factor).contains("old_per_new must be positive"));
    }

    #[test]
    fn load_reads_a_file_and_reports_a_missing_one() {
        let dir = std::env::temp_dir().join(format!("debtcalc-refdata-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bases.json");
        std::fs::write(&path, BUILTIN_JSON).unwrap();
        assert_eq!(ReferenceData::load(&path).unwrap(), builtin());
        std::fs::remove_file(&path).unwrap();
        std::fs::remove_dir(&dir).unwrap();
        let missing = ReferenceData::load(&dir.join("missing.json"));
        assert!(matches!(missing, Err(ReferenceDataError::Io { .. })));
    }
}
