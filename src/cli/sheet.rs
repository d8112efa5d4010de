//! An answer as a workbook of parts, the model behind `--format table`,
//! `csv` and `xlsx`, derived from the message's descriptor (so every RPC's
//! answer has one):
//!
//! - `Summary`: every single figure outside the lists, one row each
//!   (`field` is its JSON path, `value`, and `unit` the currency of an
//!   amount);
//! - one part per list of messages (`schedule.installments`,
//!   `allocations`, ...), one row per element: `path` is the element's JSON
//!   path (`schedule.installments[3]`), then a column per figure of the
//!   element (nested messages flattened as `terms.frequency`; a list inside
//!   an element becomes a part of its own);
//! - `Conventions`: every field of every `...Conventions` message, wherever
//!   it sits, like `Summary`;
//! - `Contents`: each part's sheet name, JSON path and row count (sheet
//!   names are cut to Excel's 31 characters).
//!
//! Cells keep the answer's exact text; an amount (a Money) is a number with
//! its currency's decimals (the amount's own) and its currency in the
//! column title (`principal (USD)`) or the `unit` column; a decimal string
//! is a number; a `google.type.Date` is a date.

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, ReflectMessage, Value};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A decimal number: its exact text, and the decimals to show (an
    /// amount's) or `None` (as many as it has).
    Number {
        text: String,
        decimals: Option<usize>,
    },
    /// An amount: the number, and its currency.
    Money {
        text: String,
        decimals: usize,
        currency: String,
    },
    Date {
        year: i32,
        month: u32,
        day: u32,
    },
    Bool(bool),
}

impl Cell {
    /// The cell as text (CSV and tables): numbers in their exact form,
    /// dates as ISO 8601.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) | Cell::Number { text, .. } | Cell::Money { text, .. } => text.clone(),
            Cell::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// One part of an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name (at most 31 characters, unique).
    pub name: String,
    /// The JSON path of the part (`schedule.installments`), `Summary` or
    /// `Conventions` for the key-value parts.
    pub path: String,
    /// Column titles.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Every part of an answer, `Summary` first, `Conventions` and `Contents`
/// last.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// A part under construction: rows of (column, cell).
struct Part {
    path: String,
    rows: Vec<Vec<(String, Cell)>>,
}

struct Builder {
    summary: Vec<Vec<(String, Cell)>>,
    conventions: Vec<Vec<(String, Cell)>>,
    tables: Vec<Part>,
}

/// The workbook of an answer.
pub fn workbook(message: &DynamicMessage) -> Workbook {
    let mut builder = Builder {
        summary: Vec::new(),
        conventions: Vec::new(),
        tables: Vec::new(),
    };
    builder.key_values(message, "", false);
    let mut sheets = vec![key_value_sheet("Summary", &builder.summary)];
    let mut used = vec![
        "Summary".to_string(),
        "Conventions".into(),
        "Contents".into(),
    ];
    for part in &builder.tables {
        let name = sheet_name(&part.path, &mut used);
        sheets.push(table_sheet(name, part));
    }
    sheets.push(key_value_sheet("Conventions", &builder.conventions));
    let contents = Sheet {
        name: "Contents".into(),
        path: "Contents".into(),
        columns: vec!["sheet".into(), "path".into(), "rows".into()],
        rows: sheets
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.name.clone()),
                    Cell::Text(s.path.clone()),
                    Cell::Number {
                        text: s.rows.len().to_string(),
                        decimals: Some(0),
                    },
                ]
            })
            .collect(),
    };
    sheets.push(contents);
    Workbook { sheets }
}

fn is_conventions(field: &FieldDescriptor) -> bool {
    matches!(field.kind(), Kind::Message(m) if m.name().ends_with("Conventions"))
}

/// Messages shown as one cell.
fn is_leaf_message(full_name: &str) -> bool {
    matches!(full_name, "debtcalc.v1.Money" | "google.type.Date")
}

impl Builder {
    /// The figures of `message` as key-value rows (of `Summary`, or of
    /// `Conventions` once inside a conventions message), its lists of
    /// messages as parts.
    fn key_values(&mut self, message: &DynamicMessage, prefix: &str, in_conventions: bool) {
        for field in declared_fields(message) {
            let path = format!("{prefix}{}", field.json_name());
            let value = message.get_field(&field);
            let conventions = in_conventions || is_conventions(&field);
            match value.as_ref() {
                Value::List(items) if is_message_list(&field) && !conventions => {
                    self.table(&path, items);
                }
                Value::List(items) => {
                    for (index, item) in items.iter().enumerate() {
                        let path = format!("{path}[{index}]");
                        self.key_value(&path, &field.kind(), item, conventions);
                    }
                }
                other => self.key_value(&path, &field.kind(), other, conventions),
            }
        }
    }

    fn key_value(&mut self, path: &str, kind: &Kind, value: &Value, conventions: bool) {
        if let Value::Message(inner) = value {
            if !is_leaf_message(inner.descriptor().full_name()) {
                self.key_values(inner, &format!("{path}."), conventions);
                return;
            }
        }
        let cell = cell(kind, value);
        let unit = match &cell {
            Cell::Money { currency, .. } => Cell::Text(currency.clone()),
            _ => Cell::Empty,
        };
        let row = vec![
            ("field".to_string(), Cell::Text(path.to_string())),
            ("value".to_string(), cell),
            ("unit".to_string(), unit),
        ];
        if conventions {
            self.conventions.push(row);
        } else {
            self.summary.push(row);
        }
    }

    /// A list of messages as a part (rows appended to the part of the same
    /// path, so the elements of nested lists share one part).
    fn table(&mut self, path: &str, items: &[Value]) {
        let part_path = strip_indices(path);
        // The part is placed before the parts of lists nested in its
        // elements.
        let index = match self.tables.iter().position(|t| t.path == part_path) {
            Some(index) => index,
            None => {
                self.tables.push(Part {
                    path: part_path,
                    rows: Vec::new(),
                });
                self.tables.len() - 1
            }
        };
        for (position, item) in items.iter().enumerate() {
            let element = format!("{path}[{position}]");
            let mut row = vec![("path".to_string(), Cell::Text(element.clone()))];
            if let Value::Message(message) = item {
                self.row(message, &element, "", &mut row);
            }
            self.tables[index].rows.push(row);
        }
    }

    /// The figures of one element: columns named by their path inside the
    /// element; lists of messages go to their own part, conventions to
    /// `Conventions`.
    fn row(
        &mut self,
        message: &DynamicMessage,
        element: &str,
        prefix: &str,
        row: &mut Vec<(String, Cell)>,
    ) {
        for field in declared_fields(message) {
            let column = format!("{prefix}{}", field.json_name());
            let value = message.get_field(&field);
            if is_conventions(&field) {
                if let Value::Message(inner) = value.as_ref() {
                    self.key_values(inner, &format!("{element}.{column}."), true);
                }
                continue;
            }
            match value.as_ref() {
                Value::List(items) if is_message_list(&field) => {
                    self.table(&format!("{element}.{column}"), items);
                }
                Value::List(items) => {
                    for (index, item) in items.iter().enumerate() {
                        row.push((format!("{column}[{index}]"), cell(&field.kind(), item)));
                    }
                }
                Value::Message(inner) if !is_leaf_message(inner.descriptor().full_name()) => {
                    self.row(inner, element, &format!("{column}."), row);
                }
                other => row.push((column, cell(&field.kind(), other))),
            }
        }
    }
}

fn is_message_list(field: &FieldDescriptor) -> bool {
    field.is_list() && matches!(field.kind(), Kind::Message(m) if !is_leaf_message(m.full_name()))
}

/// The set fields of a message in field-number order (as grpcurl's JSON
/// lists them).
fn declared_fields(message: &DynamicMessage) -> Vec<FieldDescriptor> {
    message
        .descriptor()
        .fields()
        .filter(|field| message.has_field(field))
        .collect()
}

/// `a[1].b[2].c` -> `a.b.c`.
fn strip_indices(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `text` is a decimal as debtcalc writes them (`-12.5`, `0`).
pub fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn cell(kind: &Kind, value: &Value) -> Cell {
    match value {
        Value::Message(message) => match message.descriptor().full_name() {
            "debtcalc.v1.Money" => {
                let text = string_field(message, "amount");
                let currency = string_field(message, "currency_code");
                if is_decimal(&text) {
                    let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
                    Cell::Money {
                        text,
                        decimals,
                        currency,
                    }
                } else {
                    Cell::Text(format!("{text} {currency}"))
                }
            }
            "google.type.Date" => {
                let number = |name| {
                    message
                        .get_field_by_name(name)
                        .and_then(|v| v.as_i32())
                        .unwrap_or(0)
                };
                Cell::Date {
                    year: number("year"),
                    month: number("month") as u32,
                    day: number("day") as u32,
                }
            }
            _ => Cell::Text(super::json::print(message, false)),
        },
        Value::String(text) if is_decimal(text) => Cell::Number {
            text: text.clone(),
            decimals: None,
        },
        Value::String(text) => Cell::Text(text.clone()),
        Value::Bool(b) => Cell::Bool(*b),
        Value::I32(n) => integer(n.to_string()),
        Value::U32(n) => integer(n.to_string()),
        Value::I64(n) => integer(n.to_string()),
        Value::U64(n) => integer(n.to_string()),
        Value::F32(x) => Cell::Number {
            text: x.to_string(),
            decimals: None,
        },
        Value::F64(x) => Cell::Number {
            text: x.to_string(),
            decimals: None,
        },
        Value::EnumNumber(number) => Cell::Text(match kind {
            Kind::Enum(e) => e
                .get_value(*number)
                .map_or_else(|| number.to_string(), |v| v.name().to_string()),
            _ => number.to_string(),
        }),
        Value::Bytes(_) | Value::List(_) | Value::Map(_) => Cell::Text(String::new()),
    }
}

fn integer(text: String) -> Cell {
    Cell::Number {
        text,
        decimals: Some(0),
    }
}

fn string_field(message: &DynamicMessage, name: &str) -> String {
    message
        .get_field_by_name(name)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\\`),
/// unique among `used`: the path's last segments that fit, then `~2`,
/// `~3`... when taken.
fn sheet_name(path: &str, used: &mut Vec<String>) -> String {
    let clean: String = path
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let fit = |limit: usize| -> String {
        let mut rest = clean.as_str();
        while rest.chars().count() > limit {
            match rest.split_once('.') {
                Some((_, tail)) => rest = tail,
                None => return rest.chars().take(limit).collect(),
            }
        }
        rest.to_string()
    };
    let mut name = fit(31);
    let mut n = 2;
    while used.contains(&name) {
        let suffix = format!("~{n}");
        name = fit(31 - suffix.len()) + &suffix;
        n += 1;
    }
    used.push(name.clone());
    name
}

fn key_value_sheet(name: &str, rows: &[Vec<(String, Cell)>]) -> Sheet {
    Sheet {
        name: name.into(),
        path: name.into(),
        columns: vec!["field".into(), "value".into(), "unit".into()],
        rows: rows
            .iter()
            .map(|row| row.iter().map(|(_, cell)| cell.clone()).collect())
            .collect(),
    }
}

/// A part's rows under the union of their columns, in order of first
/// appearance; an amount column names its currency when all its amounts
/// share one (`principal (USD)`), otherwise each cell says its own.
fn table_sheet(name: String, part: &Part) -> Sheet {
    let mut columns: Vec<String> = Vec::new();
    for row in &part.rows {
        for (column, _) in row {
            if !columns.contains(column) {
                columns.push(column.clone());
            }
        }
    }
    let mut rows: Vec<Vec<Cell>> = part
        .rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|column| {
                    row.iter()
                        .find(|(c, _)| c == column)
                        .map_or(Cell::Empty, |(_, cell)| cell.clone())
                })
                .collect()
        })
        .collect();
    let mut titles = columns.clone();
    for (index, title) in titles.iter_mut().enumerate() {
        let currencies: Vec<&str> = rows
            .iter()
            .filter_map(|row| match &row[index] {
                Cell::Money { currency, .. } => Some(currency.as_str()),
                _ => None,
            })
            .collect();
        let Some(first) = currencies.first() else {
            continue;
        };
        if currencies.iter().all(|c| c == first) {
            *title = format!("{title} ({first})");
        } else {
            for row in &mut rows {
                if let Cell::Money { text, currency, .. } = &row[index] {
                    row[index] = Cell::Text(format!("{text} {currency}"));
                }
            }
        }
    }
    Sheet {
        name,
        path: part.path.clone(),
        columns: titles,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_keep_whole_trailing_segments_and_stay_unique() {
        let mut used = vec!["Summary".to_string()];
        assert_eq!(
            sheet_name("schedule.installments", &mut used),
            "schedule.installments"
        );
        assert_eq!(
            sheet_name("effectiveRequest.reinvestment.programs", &mut used),
            "reinvestment.programs"
        );
        assert_eq!(
            sheet_name("reinvestment.programs", &mut used),
            "reinvestment.programs~2"
        );
        assert_eq!(sheet_name("Summary", &mut used), "Summary~2");
        assert!(used.iter().all(|n| n.chars().count() <= 31));
    }

    #[test]
    fn decimals_are_recognised() {
        assert!(is_decimal("10960000000.00"));
        assert!(is_decimal("-0.5"));
        assert!(!is_decimal("1e3"));
        assert!(!is_decimal("dprk-2014"));
        assert!(!is_decimal("1."));
    }
}
