//! Roster import and export (花名册): the spreadsheets schools already keep,
//! read in whatever shape they come — .xlsx, .xls or .csv in UTF-8 (with or
//! without BOM), GBK/GB18030 or UTF-16; Chinese or English headers in any
//! order, after title rows — and written back in the same columns.

mod columns;
mod import;
mod read;

pub use columns::{COLUMNS, Column};
pub use import::{
    ImportReport, RowIssue, discard_upload, export_rows, import, import_upload, stash_upload, upload_info,
};
pub use read::{
    CancelOnDrop, Limit, ReadError, ReadLimits, for_each_row, read_sheets, read_table, read_upload,
};
