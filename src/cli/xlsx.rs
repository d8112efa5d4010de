//! A workbook as an Excel file (rust_xlsxwriter): one sheet per part, the
//! column titles in bold on a frozen first row; amounts as numbers shown
//! with their currency's decimals (`#,##0.00`), other decimals as numbers
//! (Excel keeps 15 significant digits; the JSON has every digit), dates as
//! dates (`yyyy-mm-dd`), text as text. An amount a double cannot hold to
//! the cent, or a date Excel cannot show, is written as text, never
//! changed.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook as Xlsx, XlsxError};

use super::sheet::{Cell, Workbook};

/// The number format showing `decimals` decimals with thousands grouped.
fn grouped_format(decimals: usize) -> String {
    if decimals == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(decimals))
    }
}

/// The double of `text` when, shown with `decimals` decimals, it reads as
/// `text` again.
fn exact_double(text: &str, decimals: usize) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    (format!("{value:.decimals$}") == text).then_some(value)
}

/// The workbook's bytes.
pub fn write(book: &Workbook) -> Result<Vec<u8>, XlsxError> {
    let mut xlsx = Xlsx::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in &book.sheets {
        let ws = xlsx.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (column, title) in sheet.columns.iter().enumerate() {
            ws.write_string_with_format(0, column as u16, title, &bold)?;
        }
        for (index, row) in sheet.rows.iter().enumerate() {
            let r = index as u32 + 1;
            for (column, cell) in row.iter().enumerate() {
                let c = column as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) => {
                        ws.write_string(r, c, text)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Cell::Money { text, decimals, .. }
                    | Cell::Number {
                        text,
                        decimals: Some(decimals),
                    } => match exact_double(text, *decimals) {
                        Some(value) => {
                            let format = Format::new().set_num_format(grouped_format(*decimals));
                            ws.write_number_with_format(r, c, value, &format)?;
                        }
                        None => {
                            ws.write_string(r, c, text)?;
                        }
                    },
                    Cell::Number {
                        text,
                        decimals: None,
                    } => match text.parse::<f64>() {
                        Ok(value) => {
                            ws.write_number(r, c, value)?;
                        }
                        Err(_) => {
                            ws.write_string(r, c, text)?;
                        }
                    },
                    Cell::Date { year, month, day } => {
                        let when = u16::try_from(*year)
                            .ok()
                            .zip(u8::try_from(*month).ok())
                            .zip(u8::try_from(*day).ok())
                            .and_then(|((y, m), d)| ExcelDateTime::from_ymd(y, m, d).ok());
                        match when {
                            Some(when) => {
                                ws.write_datetime_with_format(r, c, &when, &date)?;
                            }
                            None => {
                                ws.write_string(r, c, cell.text())?;
                            }
                        }
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
    }
    xlsx.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_numbers_only_when_exact_to_the_decimal() {
        assert_eq!(exact_double("365333333.34", 2), Some(365333333.34));
        assert_eq!(exact_double("10960000000.00", 2), Some(10960000000.0));
        assert_eq!(exact_double("123456789012345678.91", 2), None);
        assert_eq!(grouped_format(2), "#,##0.00");
        assert_eq!(grouped_format(0), "#,##0");
    }
}
