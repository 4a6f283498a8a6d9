//! Tables to .xlsx workbooks: one sheet per table, a bold frozen header
//! row with an autofilter, column widths fitted to the content (CJK
//! characters count double), dates stored as dates, statuses coloured, and
//! a print setup that fits the width of an A4 landscape page and repeats
//! the header on every page.

use crate::Error;
use chrono::NaiveDate;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook};

/// How a cell is marked: the traffic-light colours of the duties pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Muted,
}

impl Tone {
    /// Fill and font colours (the pages' tag colours, lightened for print).
    fn format(self) -> Format {
        let (fill, font) = match self {
            Tone::Good => (0xE3F1E6, 0x1E6B34),
            Tone::Warn => (0xFFF1D6, 0x8A5A00),
            Tone::Bad => (0xFBE1E1, 0xA11D1D),
            Tone::Muted => (0xF2F2F2, 0x666666),
        };
        Format::new()
            .set_background_color(Color::RGB(fill))
            .set_font_color(Color::RGB(font))
    }
}

/// One cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A calendar date, stored as an Excel date (sortable, filterable).
    Date(NaiveDate),
    /// Text on a coloured background.
    Marked(String, Tone),
    Empty,
}

impl Cell {
    /// Display width in "narrow characters": a Chinese character is two.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::Marked(s, _) => s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum(),
            Cell::Number(n) => n.to_string().len(),
            Cell::Date(_) => 10,
            Cell::Empty => 0,
        }
    }

    /// Text that is an ISO date (2026-09-01) becomes a date.
    pub fn text_or_date(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else if s.len() == 10
            && let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        {
            Cell::Date(d)
        } else {
            Cell::Text(s.to_string())
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

/// The widest a column grows for its header alone, in narrow characters.
const HEADER_WIDTH: usize = 16;

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
/// The widest a column gets, in narrow characters; longer text wraps.
const MAX_WIDTH: usize = 58;

pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xEEF2F7))
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    for (i, t) in tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.title, i))?;
        // A long header (a duty's full name) wraps instead of widening
        // its column past what the cells below need.
        let mut widths: Vec<usize> = t
            .headers
            .iter()
            .map(|h| Cell::Text(h.clone()).width().min(HEADER_WIDTH))
            .collect();
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
                    // Longer than the widest column: wrapped within it
                    // rather than spilling across the page when printed.
                    Cell::Text(s) if cell.width() > MAX_WIDTH => {
                        ws.write_string_with_format(r, c as u16, s, &wrap)?;
                    }
                    Cell::Text(s) => {
                        ws.write_string(r, c as u16, s)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, *n)?;
                    }
                    Cell::Date(d) => {
                        use chrono::Datelike;
                        let xd = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                        ws.write_datetime_with_format(r, c as u16, &xd, &date)?;
                    }
                    Cell::Marked(s, tone) => {
                        ws.write_string_with_format(r, c as u16, s, &tone.format())?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).min(MAX_WIDTH as f64 + 2.0))?;
        }
        // Tall enough for the longest wrapped header (office suites do not
        // refit a row's height on opening).
        let lines = t
            .headers
            .iter()
            .zip(&widths)
            .map(|(h, w)| Cell::Text(h.clone()).width().div_ceil((*w).max(1)))
            .max()
            .unwrap_or(1)
            .clamp(1, 4);
        ws.set_row_height(0, 15.0 * lines as f64)?;
        ws.set_freeze_panes(1, 0)?;
        let last_col = widths.len().max(t.headers.len()).max(1) as u16 - 1;
        ws.autofilter(0, 0, t.rows.len() as u32, last_col)?;
        // Print: A4 landscape, as wide as one page, the header on each.
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        ws.set_print_gridlines(true);
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
                vec![
                    Cell::text_or_date("2026-09-01"),
                    Cell::Marked("逾期".into(), Tone::Bad),
                ],
            ],
        };
        let bytes = xlsx(&[t]).unwrap();
        // An .xlsx file is a zip archive.
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(sheet_name("a/b:c", 0), "abc");
        assert_eq!(sheet_name("", 2), "Sheet3");
        assert_eq!(Cell::Text("张a".into()).width(), 3);
        assert_eq!(
            Cell::text_or_date("2026-09-01"),
            Cell::Date(NaiveDate::from_ymd_opt(2026, 9, 1).unwrap())
        );
        assert_eq!(Cell::text_or_date("2026-9-1"), Cell::Text("2026-9-1".into()));
        assert_eq!(Cell::text_or_date(""), Cell::Empty);
    }
}
