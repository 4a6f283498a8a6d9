//! Bytes to a grid of text cells, whatever the file format and encoding,
//! within limits: a small compressed workbook can unpack to gigabytes, or
//! name a cell a million columns out, so what a file may unpack to and how
//! many rows, columns and characters it may hold are bounded, and a read
//! stops as soon as its caller gives up.

use calamine::{Data, Reader};
use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why a file could not be read as a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not an Excel workbook or a text table.
    NotASpreadsheet,
    /// The workbook is damaged or encrypted.
    Unreadable(String),
    /// No cell has content.
    Empty,
    /// The file goes past one of the [`ReadLimits`].
    TooLarge(Limit),
    /// The caller gave up (a request timed out or was closed).
    Cancelled,
}

/// Which limit a file went past, with the figures to tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The workbook unpacks to more than this many bytes.
    Unpacked { max: u64 },
    /// More rows than this.
    Rows { max: u32 },
    /// A row (shown as in the spreadsheet, from 1) with more columns.
    Columns { max: u32, row: u32 },
    /// A cell with more characters (row and column from 1).
    Cell { max: usize, row: u32, column: u32 },
}

impl Limit {
    /// The error to show, naming the limit.
    pub fn field_error(self) -> lingyan_domain::FieldError {
        use lingyan_domain::FieldError;
        match self {
            Limit::Unpacked { max } => FieldError::new("file", "unpacks_too_large")
                .with("max", format!("{} MB", max.div_ceil(1024 * 1024))),
            Limit::Rows { max } => FieldError::new("file", "too_many_rows").with("max", max),
            Limit::Columns { max, row } => FieldError::new("file", "too_many_columns")
                .with("max", max)
                .with("row", row),
            Limit::Cell { max, row, column } => FieldError::new("file", "cell_too_long")
                .with("max", max)
                .with("row", row)
                .with("column", column),
        }
    }
}

impl ReadError {
    /// The error to show about the file.
    pub fn field_error(&self) -> lingyan_domain::FieldError {
        use lingyan_domain::FieldError;
        match self {
            ReadError::NotASpreadsheet => FieldError::new("file", "not_a_spreadsheet"),
            ReadError::Empty => FieldError::new("file", "empty_sheet"),
            ReadError::Unreadable(why) => FieldError::new("file", "unreadable").with("value", why.as_str()),
            ReadError::TooLarge(l) => l.field_error(),
            ReadError::Cancelled => FieldError::new("file", "cancelled"),
        }
    }
}

/// How much a spreadsheet read may take on. The defaults hold any real
/// roster or portfolio workbook (a district's 100,000-row roster unpacks
/// to ≈ 60 MB) and stop what no school writes.
#[derive(Debug, Clone)]
pub struct ReadLimits {
    /// Bytes a workbook may unpack to, all its parts together.
    pub unpacked_bytes: u64,
    /// Rows in all, over every sheet read.
    pub rows: u32,
    /// Columns in a row.
    pub columns: u32,
    /// Characters in a cell (Excel's own limit is 32,767).
    pub cell_chars: usize,
    /// Set when the caller gives up; the read then stops.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            unpacked_bytes: 256 * 1024 * 1024,
            rows: 200_000,
            columns: 256,
            cell_chars: 32_767,
            cancel: None,
        }
    }
}

impl ReadLimits {
    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Checks one cell (`row` and `column` from 0) against the limits.
    fn check(&self, row: u32, column: u32, text: &str) -> Result<(), ReadError> {
        if row >= self.rows {
            return Err(ReadError::TooLarge(Limit::Rows { max: self.rows }));
        }
        if column >= self.columns {
            return Err(ReadError::TooLarge(Limit::Columns {
                max: self.columns,
                row: row + 1,
            }));
        }
        if text.len() > self.cell_chars && text.chars().count() > self.cell_chars {
            return Err(ReadError::TooLarge(Limit::Cell {
                max: self.cell_chars,
                row: row + 1,
                column: column + 1,
            }));
        }
        Ok(())
    }
}

/// Sets its flag when dropped: a request handler holds one while a
/// blocking read runs, so the read stops when the request is given up.
#[derive(Debug)]
pub struct CancelOnDrop(pub Arc<AtomicBool>);

impl CancelOnDrop {
    pub fn new() -> Self {
        Self(Arc::new(AtomicBool::new(false)))
    }
}

impl Default for CancelOnDrop {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Unpacks every part of a workbook into nothing, counting: the sizes an
/// archive declares may lie, so the bytes are counted as they come out,
/// and the count stops at the limit (never the gigabyte behind it).
fn check_unpacked(bytes: &[u8], limits: &ReadLimits) -> Result<(), ReadError> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotASpreadsheet)?;
    let max = limits.unpacked_bytes;
    let too_large = ReadError::TooLarge(Limit::Unpacked { max });
    let declared: u64 = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .fold(0u64, u64::saturating_add);
    if declared > max {
        return Err(too_large);
    }
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        loop {
            if limits.cancelled() {
                return Err(ReadError::Cancelled);
            }
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Err(ReadError::Unreadable(e.to_string())),
            };
            total += n as u64;
            if total > max {
                return Err(too_large);
            }
        }
    }
    Ok(())
}

fn open_xlsx(bytes: &[u8], limits: &ReadLimits) -> Result<calamine::Xlsx<Cursor<Vec<u8>>>, ReadError> {
    check_unpacked(bytes, limits)?;
    calamine::Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| match e {
        calamine::XlsxError::Zip(_) => ReadError::NotASpreadsheet,
        e => ReadError::Unreadable(e.to_string()),
    })
}

/// Streams one sheet of a workbook cell by cell, calling `row(line,
/// cells)` for each row in order (`line` as the spreadsheet shows it, from
/// 1), within the limits; `seen` counts rows across sheets.
fn stream_sheet(
    wb: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    limits: &ReadLimits,
    seen: &mut u32,
    mut row: impl FnMut(usize, Vec<String>),
) -> Result<(), ReadError> {
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| ReadError::Unreadable(e.to_string()))?;
    let mut current: Option<u32> = None;
    let mut cells: Vec<String> = Vec::new();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| ReadError::Unreadable(e.to_string()))?
    {
        let (r, c) = cell.get_position();
        let text = cell_ref_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        if current != Some(r) {
            if limits.cancelled() {
                return Err(ReadError::Cancelled);
            }
            if let Some(prev) = current {
                row(prev as usize + 1, std::mem::take(&mut cells));
            }
            current = Some(r);
            // Rows count across sheets.
            *seen += 1;
            if *seen > limits.rows {
                return Err(ReadError::TooLarge(Limit::Rows { max: limits.rows }));
            }
        }
        limits.check(r, c, &text)?;
        let c = c as usize;
        if cells.len() <= c {
            cells.resize(c + 1, String::new());
        }
        cells[c] = text;
    }
    if let Some(prev) = current {
        row(prev as usize + 1, cells);
    }
    Ok(())
}

/// Checks a grid read whole (.xls, text) against the limits.
fn check_grid(rows: &[Vec<String>], limits: &ReadLimits) -> Result<(), ReadError> {
    for (r, cells) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, t) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            limits.check(r, u32::try_from(c).unwrap_or(u32::MAX), t)?;
        }
    }
    Ok(())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => {
            let t = s.trim();
            if t.len() == s.len() {
                s.clone()
            } else {
                t.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.date().format("%Y-%m-%d").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

fn from_workbook<R>(mut wb: R) -> Result<Vec<Vec<String>>, ReadError>
where
    R: Reader<Cursor<Vec<u8>>>,
    R::Error: std::fmt::Display,
{
    let range = match wb.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(ReadError::Unreadable(e.to_string())),
        None => return Err(ReadError::Empty),
    };
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

/// Decodes text: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a
/// superset of GBK, what Excel on Chinese Windows writes).
fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).map_err(|_| ReadError::NotASpreadsheet);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = enc.decode(&bytes[2..]);
        return if bad {
            Err(ReadError::NotASpreadsheet)
        } else {
            Ok(text.into_owned())
        };
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
    if bad {
        return Err(ReadError::NotASpreadsheet);
    }
    Ok(text.into_owned())
}

fn from_text(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    // Binary files (images, PDFs, zip archives that are not workbooks).
    let sample = &bytes[..bytes.len().min(4096)];
    if sample.contains(&0) && !(bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])) {
        return Err(ReadError::NotASpreadsheet);
    }
    let text = decode(bytes)?;
    if text
        .chars()
        .take(4096)
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count()
        > 8
    {
        return Err(ReadError::NotASpreadsheet);
    }
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else if first.contains('；') || (first.contains(';') && !first.contains(',')) {
        b';'
    } else {
        b','
    };
    let text = if delimiter == b';' {
        text.replace('；', ";")
    } else {
        text
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ReadError::Unreadable(e.to_string()))?;
        rows.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(rows)
}

fn cell_ref_text(d: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match d {
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => cell_text(&Data::Float(*f)),
        DataRef::Bool(b) => cell_text(&Data::Bool(*b)),
        DataRef::DateTime(dt) => cell_text(&Data::DateTime(*dt)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
    }
}

/// Calls `row(line, cells)` for each non-empty row of the first sheet, in
/// order; `line` is the row number the spreadsheet shows (from 1). Workbooks
/// are streamed cell by cell, so a large file is never held as a grid.
pub fn for_each_row(
    bytes: &[u8],
    limits: &ReadLimits,
    mut row: impl FnMut(usize, Vec<String>),
) -> Result<(), ReadError> {
    let mut any = false;
    let mut emit = |line: usize, cells: Vec<String>| {
        if cells.iter().any(|c| !c.is_empty()) {
            any = true;
            row(line, cells);
        }
    };
    if bytes.starts_with(b"PK\x03\x04") {
        let mut wb = open_xlsx(bytes, limits)?;
        let Some(name) = wb.sheet_names().into_iter().next() else {
            return Err(ReadError::Empty);
        };
        stream_sheet(&mut wb, &name, limits, &mut 0, &mut emit)?;
    } else {
        for (i, r) in read_table(bytes, limits)?.into_iter().enumerate() {
            emit(i + 1, r);
        }
    }
    if any { Ok(()) } else { Err(ReadError::Empty) }
}

/// Rows of text as the spreadsheet shows them: row `i` is line `i + 1`.
fn grid(mut lines: Vec<(usize, Vec<String>)>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    lines.sort_by_key(|(l, _)| *l);
    for (line, cells) in lines {
        while out.len() + 1 < line {
            out.push(Vec::new());
        }
        out.push(cells);
    }
    out
}

/// Reads the first sheet of a workbook (.xlsx, .xls) or a delimited text
/// file into rows of trimmed text. Dates in date-formatted cells become
/// `YYYY-MM-DD`; whole numbers lose their `.0`.
pub fn read_table(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Vec<String>>, ReadError> {
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        let mut wb = open_xlsx(bytes, limits)?;
        let Some(name) = wb.sheet_names().into_iter().next() else {
            return Err(ReadError::Empty);
        };
        let mut lines = Vec::new();
        stream_sheet(&mut wb, &name, limits, &mut 0, |l, c| lines.push((l, c)))?;
        grid(lines)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let wb = calamine::Xls::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        from_workbook(wb)?
    } else {
        from_text(bytes)?
    };
    check_grid(&rows, limits)?;
    if rows.iter().all(|r| r.iter().all(String::is_empty)) {
        return Err(ReadError::Empty);
    }
    Ok(rows)
}

/// A sheet's name and its rows of text.
pub type Sheet = (String, Vec<Vec<String>>);

/// Every sheet of a workbook by name (a text table is one sheet named
/// ""), each as rows of trimmed text.
pub fn read_sheets(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Sheet>, ReadError> {
    let sheets = if bytes.starts_with(b"PK\x03\x04") {
        let mut wb = open_xlsx(bytes, limits)?;
        let mut seen = 0;
        let mut out = Vec::new();
        for name in wb.sheet_names() {
            let mut lines = Vec::new();
            stream_sheet(&mut wb, &name, limits, &mut seen, |l, c| lines.push((l, c)))?;
            out.push((name, grid(lines)));
        }
        out
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let mut wb = calamine::Xls::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let mut out = Vec::new();
        for name in wb.sheet_names() {
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| ReadError::Unreadable(e.to_string()))?;
            let rows: Vec<Vec<String>> = range
                .rows()
                .map(|row| row.iter().map(cell_text).collect())
                .collect();
            check_grid(&rows, limits)?;
            out.push((name, rows));
        }
        out
    } else {
        let rows = from_text(bytes)?;
        check_grid(&rows, limits)?;
        vec![(String::new(), rows)]
    };
    let sheets: Vec<_> = sheets
        .into_iter()
        .filter(|(_, rows)| rows.iter().any(|r| r.iter().any(|c| !c.is_empty())))
        .collect();
    if sheets.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(sheets)
}

/// An uploaded table within `max_bytes` (.xlsx, .xls or .csv), as rows of
/// cells; the whole file refused with one problem naming `file`.
pub fn read_upload(bytes: &[u8], max_bytes: usize) -> Result<Vec<Vec<String>>, lingyan_domain::FieldError> {
    if bytes.len() > max_bytes {
        let mb = max_bytes.div_ceil(1024 * 1024);
        return Err(lingyan_domain::FieldError::new("file", "file_too_large").with("max", format!("{mb} MB")));
    }
    read_table(bytes, &ReadLimits::default()).map_err(|e| e.field_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_encodings() {
        let utf8 = "工号,姓名\n001,张三\n";
        assert_eq!(
            read_table(utf8.as_bytes(), &ReadLimits::default()).unwrap()[1],
            vec!["001", "张三"]
        );
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8.as_bytes());
        assert_eq!(
            read_table(&bom, &ReadLimits::default()).unwrap()[0],
            vec!["工号", "姓名"]
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
        assert_eq!(read_table(&gbk, &ReadLimits::default()).unwrap()[1][1], "张三");
        let tsv = "姓名\t性别\n李四\t男\n";
        assert_eq!(
            read_table(tsv.as_bytes(), &ReadLimits::default()).unwrap()[1],
            vec!["李四", "男"]
        );
    }

    #[test]
    fn refuses_what_is_not_a_table() {
        assert_eq!(
            read_table(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &ReadLimits::default()).unwrap_err(),
            ReadError::NotASpreadsheet
        );
        assert_eq!(
            read_table(b" , ,\n,,\n", &ReadLimits::default()).unwrap_err(),
            ReadError::Empty
        );
        assert_eq!(
            read_table(b"PK\x03\x04garbage", &ReadLimits::default()).unwrap_err(),
            ReadError::NotASpreadsheet
        );
    }

    use crate::testing::{hostile_xlsx, row_xml};

    fn small() -> ReadLimits {
        ReadLimits {
            unpacked_bytes: 1024 * 1024,
            rows: 100,
            columns: 20,
            cell_chars: 1000,
            cancel: None,
        }
    }

    #[test]
    fn a_workbook_within_the_limits_reads() {
        let x = hostile_xlsx(|w| {
            w.write_all(row_xml(1, &[(1, "工号"), (2, "姓名")]).as_bytes())?;
            w.write_all(row_xml(2, &[(1, "001"), (2, "张三")]).as_bytes())
        });
        assert_eq!(read_table(&x, &small()).unwrap()[1], vec!["001", "张三"]);
        assert_eq!(read_sheets(&x, &small()).unwrap()[0].1.len(), 2);
    }

    #[test]
    fn what_a_workbook_unpacks_to_is_bounded() {
        // 8 MB of one repeated row compresses to a few KB.
        let row = row_xml(1, &[(1, "甲")]);
        let x = hostile_xlsx(|w| {
            for _ in 0..(8 * 1024 * 1024 / row.len()) {
                w.write_all(row.as_bytes())?;
            }
            Ok(())
        });
        assert!(x.len() < 200 * 1024, "{} bytes", x.len());
        let want = ReadError::TooLarge(Limit::Unpacked { max: 1024 * 1024 });
        assert_eq!(read_table(&x, &small()).unwrap_err(), want);
        assert_eq!(read_sheets(&x, &small()).unwrap_err(), want);
        assert_eq!(for_each_row(&x, &small(), |_, _| {}).unwrap_err(), want);
    }

    #[test]
    fn rows_columns_and_cells_are_bounded() {
        let many = hostile_xlsx(|w| {
            for r in 1..=150 {
                w.write_all(row_xml(r, &[(1, "x")]).as_bytes())?;
            }
            Ok(())
        });
        let mut seen = 0;
        assert_eq!(
            for_each_row(&many, &small(), |_, _| seen += 1).unwrap_err(),
            ReadError::TooLarge(Limit::Rows { max: 100 })
        );
        assert_eq!(seen, 100, "stops at the limit, not at the end");
        // A cell a million rows down: no grid of a million rows is built.
        let far = hostile_xlsx(|w| {
            w.write_all(row_xml(1, &[(1, "x")]).as_bytes())?;
            w.write_all(row_xml(1_048_576, &[(16_384, "y")]).as_bytes())
        });
        assert!(matches!(
            read_sheets(&far, &ReadLimits::default()).unwrap_err(),
            ReadError::TooLarge(Limit::Rows { .. } | Limit::Columns { .. })
        ));
        let wide = hostile_xlsx(|w| {
            let cells: Vec<(u32, &str)> = (1..=500).map(|c| (c, "x")).collect();
            w.write_all(row_xml(3, &cells).as_bytes())
        });
        assert_eq!(
            read_table(&wide, &small()).unwrap_err(),
            ReadError::TooLarge(Limit::Columns { max: 20, row: 3 })
        );
        let long = "长".repeat(1001);
        let x = hostile_xlsx(|w| w.write_all(row_xml(2, &[(1, "a"), (2, &long)]).as_bytes()));
        assert_eq!(
            read_table(&x, &small()).unwrap_err(),
            ReadError::TooLarge(Limit::Cell {
                max: 1000,
                row: 2,
                column: 2
            })
        );
        // Text tables too.
        let csv = format!("a,b\n1,{}\n", "x".repeat(1001));
        assert!(matches!(
            read_table(csv.as_bytes(), &small()).unwrap_err(),
            ReadError::TooLarge(Limit::Cell {
                row: 2,
                column: 2,
                ..
            })
        ));
    }

    #[test]
    fn a_read_stops_when_its_caller_gives_up() {
        let x = hostile_xlsx(|w| w.write_all(row_xml(1, &[(1, "x")]).as_bytes()));
        let stop = CancelOnDrop::new();
        let limits = ReadLimits {
            cancel: Some(stop.0.clone()),
            ..ReadLimits::default()
        };
        drop(stop);
        assert_eq!(
            for_each_row(&x, &limits, |_, _| {}).unwrap_err(),
            ReadError::Cancelled
        );
    }

    #[test]
    fn every_read_error_names_the_file_field() {
        for e in [
            ReadError::TooLarge(Limit::Unpacked {
                max: 256 * 1024 * 1024,
            }),
            ReadError::TooLarge(Limit::Rows { max: 10 }),
            ReadError::Cancelled,
            ReadError::Empty,
        ] {
            assert_eq!(e.field_error().field, "file");
        }
        let e = ReadError::TooLarge(Limit::Unpacked {
            max: 256 * 1024 * 1024,
        })
        .field_error();
        assert_eq!(e.args, vec![("max", "256 MB".to_string())]);
    }
}
