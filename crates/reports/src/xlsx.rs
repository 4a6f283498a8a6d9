//! Tables to .xlsx workbooks: one sheet per table, a bold frozen header
//! row, column widths fitted to the content (CJK characters count double).

use crate::Error;
use rust_xlsxwriter::{Format, Workbook};

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    /// Display width in "narrow characters": a Chinese character is two.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum(),
            Cell::Number(n) => n.to_string().len(),
            Cell::Empty => 0,
        }
    }
}

/// A sheet: its name, header labels and rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str, index: usize) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        format!("Sheet{}", index + 1)
    } else {
        clean
    }
}

/// Writes the tables into one workbook and returns its bytes.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, t) in tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.title, i))?;
        let mut widths: Vec<usize> = t.headers.iter().map(|h| Cell::Text(h.clone()).width()).collect();
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                if c >= widths.len() {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(cell.width());
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c as u16, s)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_workbook() {
        let t = Table {
            title: "账号/Accounts".into(),
            headers: vec!["用户名".into(), "人数".into()],
            rows: vec![
                vec![Cell::Text("张晓雨".into()), Cell::Number(3.0)],
                vec![Cell::Empty],
            ],
        };
        let bytes = xlsx(&[t]).unwrap();
        // An .xlsx file is a zip archive.
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(sheet_name("a/b:c", 0), "abc");
        assert_eq!(sheet_name("", 2), "Sheet3");
        assert_eq!(Cell::Text("张a".into()).width(), 3);
    }
}
