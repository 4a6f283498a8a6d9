//! Documents and spreadsheets made from domain values. Callers pass text
//! already translated into the reader's language; this crate lays it out.

mod xlsx;

pub use xlsx::{Cell, Table, xlsx};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("spreadsheet could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
