//! Roster workbooks: the import template and exports, with headers in both
//! languages so either reads back in.

use crate::{Cell, Table, xlsx};

/// A column's English key as words a reader expects: "birth_date" →
/// "Birth date" (the importer reads either).
fn words(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A workbook whose header cells read "姓名 / Name" and whose rows follow.
pub fn workbook(
    sheet: &str,
    headers: &[(&str, &str)],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, crate::Error> {
    let table = Table {
        title: sheet.to_string(),
        headers: headers
            .iter()
            .map(|(zh, en)| format!("{zh} / {}", words(en)))
            .collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::text_or_date(c)).collect())
            .collect(),
    };
    xlsx(&[table])
}

#[cfg(test)]
mod tests {
    #[test]
    fn english_headers_in_words() {
        assert_eq!(super::words("birth_date"), "Birth date");
        assert_eq!(super::words("name"), "Name");
    }
}
