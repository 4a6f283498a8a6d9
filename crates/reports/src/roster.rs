//! Roster workbooks: the import template and exports, with headers in both
//! languages so either reads back in.

use crate::{Cell, Table, xlsx};

/// A workbook whose header cells read "姓名 / name" and whose rows follow.
pub fn workbook(
    sheet: &str,
    headers: &[(&str, &str)],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, crate::Error> {
    let table = Table {
        title: sheet.to_string(),
        headers: headers.iter().map(|(zh, en)| format!("{zh} / {en}")).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::text_or_date(c)).collect())
            .collect(),
    };
    xlsx(&[table])
}
