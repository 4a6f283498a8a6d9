//! A teacher's credit transcript as a PDF: the figures as the page shows
//! them (already worded in the reader's language by the caller), with the
//! QR code and short address of its public verification page.

use crate::typeset;
use serde::Serialize;

/// A part of the requirement, a year or a separate count.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: String,
    pub counted: String,
    pub asked: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub heading: String,
    pub lines: Vec<Line>,
}

/// One training on the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub title: String,
    pub organiser: String,
    pub source: String,
    pub dates: String,
    pub what: String,
    pub hours: String,
    pub counted: String,
    pub why: String,
}

/// Everything the document prints, worded.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptDoc {
    pub lang: String,
    pub title: String,
    pub who: String,
    pub school: String,
    pub cycle: String,
    pub as_of: String,
    pub issued: String,
    pub headline: String,
    pub eligible: bool,
    pub eligibility: String,
    pub still: String,
    pub part_head: Vec<String>,
    pub groups: Vec<Group>,
    pub entries_heading: String,
    pub entry_head: Vec<String>,
    pub entries: Vec<Entry>,
    pub none: String,
    /// The QR code's rows of modules, "1" dark, quiet zone included.
    pub qr: Vec<String>,
    pub code: String,
    pub code_label: String,
    pub verify_note: String,
    pub footer: String,
}

const TEMPLATE: &str = include_str!("../templates/transcript.typ");

/// The transcript as a PDF.
pub fn pdf(d: &TranscriptDoc, today: chrono::NaiveDate) -> Result<Vec<u8>, crate::Error> {
    let data = serde_json::to_value(d).map_err(|e| crate::Error::Pdf(e.to_string()))?;
    typeset::pdf(TEMPLATE, &data, today)
}
