//! A workbook as text: aligned tables for people (`--format table`) and
//! CSV (`--format csv`, RFC 4180, numbers in their exact form, dates as
//! ISO 8601).

use super::sheet::{Cell, Sheet, Workbook};

/// The parts worth showing: every non-empty one but `Contents`.
fn shown(book: &Workbook) -> impl Iterator<Item = &Sheet> {
    book.sheets
        .iter()
        .filter(|s| s.name != "Contents" && !s.rows.is_empty())
}

/// An amount with thousands separators (`27,400,000.00`).
fn grouped(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut out = String::new();
    for (index, c) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Every part as an aligned table under its name; amounts grouped by
/// thousands and right-aligned.
pub fn render(book: &Workbook) -> String {
    let mut out = String::new();
    for sheet in shown(book) {
        let cells: Vec<Vec<(String, bool)>> = sheet
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Cell::Money { text, .. } => (grouped(text), true),
                        Cell::Number { .. } => (cell.text(), true),
                        other => (other.text(), false),
                    })
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = (0..sheet.columns.len())
            .map(|index| {
                cells
                    .iter()
                    .map(|row| row[index].0.chars().count())
                    .chain(std::iter::once(sheet.columns[index].chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        out.push_str(&format!("== {} ({} rows)\n", sheet.path, sheet.rows.len()));
        let line = |fields: Vec<(String, bool)>| {
            let mut line = fields
                .iter()
                .zip(&widths)
                .map(|((text, right), width)| {
                    if *right {
                        format!("{text:>width$}")
                    } else {
                        format!("{text:<width$}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ");
            line.truncate(line.trim_end().len());
            line + "\n"
        };
        out.push_str(&line(
            sheet.columns.iter().map(|c| (c.clone(), false)).collect(),
        ));
        for row in cells {
            out.push_str(&line(row));
        }
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// One sheet as CSV: the column titles, then the rows.
pub fn csv(sheet: &Sheet) -> String {
    let mut out = String::new();
    let mut line = |fields: Vec<String>| {
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    };
    line(sheet.columns.clone());
    for row in &sheet.rows {
        line(row.iter().map(Cell::text).collect());
    }
    out
}

/// Every sheet as a CSV file named after it (`schedule.installments.csv`).
pub fn csv_files(book: &Workbook) -> Vec<(String, String)> {
    book.sheets
        .iter()
        .map(|sheet| (format!("{}.csv", sheet.name), csv(sheet)))
        .collect()
}

/// The parts one after another on one stream, each after a line with its
/// JSON path, separated by an empty line.
pub fn csv_all(book: &Workbook) -> String {
    shown(book)
        .map(|sheet| format!("{}\r\n{}", csv_field(&sheet.path), csv(sheet)))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_and_quotes_csv() {
        assert_eq!(grouped("10960000000.00"), "10,960,000,000.00");
        assert_eq!(grouped("-1234"), "-1,234");
        assert_eq!(grouped("999.5"), "999.5");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }
}
