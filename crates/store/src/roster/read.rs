//! Bytes to a grid of text cells, whatever the file format and encoding.

use calamine::{Data, Reader};
use std::io::Cursor;

/// Why a file could not be read as a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not an Excel workbook or a text table.
    NotASpreadsheet,
    /// The workbook is damaged or encrypted.
    Unreadable(String),
    /// No cell has content.
    Empty,
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
pub fn for_each_row(bytes: &[u8], mut row: impl FnMut(usize, Vec<String>)) -> Result<(), ReadError> {
    let mut any = false;
    let mut emit = |line: usize, cells: Vec<String>| {
        if cells.iter().any(|c| !c.is_empty()) {
            any = true;
            row(line, cells);
        }
    };
    if bytes.starts_with(b"PK\x03\x04") {
        let mut wb = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| match e {
            calamine::XlsxError::Zip(_) => ReadError::NotASpreadsheet,
            e => ReadError::Unreadable(e.to_string()),
        })?;
        let Some(name) = wb.sheet_names().into_iter().next() else {
            return Err(ReadError::Empty);
        };
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        let mut current: Option<u32> = None;
        let mut cells: Vec<String> = Vec::new();
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| ReadError::Unreadable(e.to_string()))?
        {
            let (r, c) = cell.get_position();
            if current != Some(r) {
                if let Some(prev) = current {
                    emit(prev as usize + 1, std::mem::take(&mut cells));
                }
                current = Some(r);
            }
            let c = c as usize;
            if cells.len() <= c {
                cells.resize(c + 1, String::new());
            }
            cells[c] = cell_ref_text(cell.get_value());
        }
        if let Some(prev) = current {
            emit(prev as usize + 1, cells);
        }
    } else {
        for (i, r) in read_table(bytes)?.into_iter().enumerate() {
            emit(i + 1, r);
        }
    }
    if any { Ok(()) } else { Err(ReadError::Empty) }
}

/// Reads the first sheet of a workbook (.xlsx, .xls) or a delimited text
/// file into rows of trimmed text. Dates in date-formatted cells become
/// `YYYY-MM-DD`; whole numbers lose their `.0`.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        let wb = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| match e {
            calamine::XlsxError::Zip(_) => ReadError::NotASpreadsheet,
            e => ReadError::Unreadable(e.to_string()),
        })?;
        from_workbook(wb)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let wb = calamine::Xls::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| ReadError::Unreadable(e.to_string()))?;
        from_workbook(wb)?
    } else {
        from_text(bytes)?
    };
    if rows.iter().all(|r| r.iter().all(String::is_empty)) {
        return Err(ReadError::Empty);
    }
    Ok(rows)
}

/// A sheet's name and its rows of text.
pub type Sheet = (String, Vec<Vec<String>>);

/// Every sheet of a workbook by name (a text table is one sheet named
/// ""), each as rows of trimmed text.
pub fn read_sheets(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    fn all<R>(mut wb: R) -> Result<Vec<Sheet>, ReadError>
    where
        R: Reader<Cursor<Vec<u8>>>,
        R::Error: std::fmt::Display,
    {
        let mut out = Vec::new();
        for name in wb.sheet_names() {
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| ReadError::Unreadable(e.to_string()))?;
            out.push((
                name,
                range
                    .rows()
                    .map(|row| row.iter().map(cell_text).collect())
                    .collect(),
            ));
        }
        Ok(out)
    }
    let sheets = if bytes.starts_with(b"PK\x03\x04") {
        all(
            calamine::Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| match e {
                calamine::XlsxError::Zip(_) => ReadError::NotASpreadsheet,
                e => ReadError::Unreadable(e.to_string()),
            })?,
        )?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        all(calamine::Xls::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| ReadError::Unreadable(e.to_string()))?)?
    } else {
        vec![(String::new(), from_text(bytes)?)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_encodings() {
        let utf8 = "工号,姓名\n001,张三\n";
        assert_eq!(read_table(utf8.as_bytes()).unwrap()[1], vec!["001", "张三"]);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8.as_bytes());
        assert_eq!(read_table(&bom).unwrap()[0], vec!["工号", "姓名"]);
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
        assert_eq!(read_table(&gbk).unwrap()[1][1], "张三");
        let tsv = "姓名\t性别\n李四\t男\n";
        assert_eq!(read_table(tsv.as_bytes()).unwrap()[1], vec!["李四", "男"]);
    }

    #[test]
    fn refuses_what_is_not_a_table() {
        assert_eq!(
            read_table(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
            ReadError::NotASpreadsheet
        );
        assert_eq!(read_table(b" , ,\n,,\n").unwrap_err(), ReadError::Empty);
        assert_eq!(
            read_table(b"PK\x03\x04garbage").unwrap_err(),
            ReadError::NotASpreadsheet
        );
    }
}
