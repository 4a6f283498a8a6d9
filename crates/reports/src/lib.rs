//! Documents and spreadsheets made from domain values, in zh-CN and en:
//! .xlsx workbooks, Word documents (.docx) and plain text. Wording comes
//! from the shared translation file `locales/app.yml`.

rust_i18n::i18n!("../../locales", fallback = "en");

pub mod docx;
pub mod duties;
pub mod growth;
pub mod mentoring;
pub mod roster;
pub mod status;
pub mod transcript;
mod typeset;
mod xlsx;

pub use xlsx::{Cell, Table, Tone, xlsx};

use lingyan_domain::Locale;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("spreadsheet could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("document could not be written: {0}")]
    Docx(String),
    #[error("PDF could not be typeset: {0}")]
    Pdf(String),
}

/// The translation of `key` with `%{name}` placeholders filled.
pub(crate) fn t(l: Locale, key: &str, args: &[(&str, String)]) -> String {
    let mut s = crate::_rust_i18n_try_translate(l.code(), key)
        .map(|s| s.into_owned())
        .unwrap_or_else(|| key.to_string());
    for (k, v) in args {
        s = s.replace(&format!("%{{{k}}}"), v);
    }
    s
}

/// A date as each language writes it: 2025年9月1日 / 1 September 2025.
pub fn date(l: Locale, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match l {
        Locale::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Locale::En => d.format("%-d %B %Y").to_string(),
    }
}

/// A school's or district's name in `l`: the English name where one is
/// stored, else the Chinese one.
pub fn local_name<'a>(l: Locale, zh: &'a str, en: Option<&'a str>) -> &'a str {
    match en.map(str::trim) {
        Some(en) if l == Locale::En && !en.is_empty() => en,
        _ => zh,
    }
}

/// Joins a list: 甲、乙和丙 / a, b and c.
pub(crate) fn join(l: Locale, items: &[String]) -> String {
    match (l, items) {
        (_, []) => String::new(),
        (_, [one]) => one.clone(),
        (Locale::ZhCn, [init @ .., last]) => format!("{}和{}", init.join("、"), last),
        (Locale::En, [init @ .., last]) => format!("{} and {}", init.join(", "), last),
    }
}
