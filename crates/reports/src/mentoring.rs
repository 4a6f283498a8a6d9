//! The mentoring agreement (师徒结对协议书) a school prints for its
//! ceremony (拜师仪式): the two sides, the term, the goals each side
//! undertakes, the duties of each side, and lines to sign and date. One
//! pair's, or every pair of a ceremony in one file, as .docx (house style,
//! decision 36) or PDF. The caller words everything in the reader's
//! language; this module lays it out.

use crate::docx::{Document, Properties};
use crate::typeset;
use lingyan_domain::Locale;
use serde::Serialize;

/// One agreement, worded.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub title: String,
    /// The school that hands it out (the apprentices').
    pub school: String,
    pub intro: String,
    /// Heading of the parties' table, its header row and rows.
    pub parties_heading: String,
    pub party_head: Vec<String>,
    pub parties: Vec<Vec<String>>,
    pub term_heading: String,
    /// Lines such as "Term: …", "Form: one-on-one", "Ceremony: …".
    pub term_lines: Vec<String>,
    pub goals_heading: String,
    /// (whose, the goals' paragraphs).
    pub goals: Vec<(String, Vec<String>)>,
    pub duties_heading: String,
    /// (whose, numbered duties).
    pub duties: Vec<(String, Vec<String>)>,
    pub signatures_heading: String,
    /// One line per signer: "Mentor (signature): ____  Date: ____".
    pub signatures: Vec<String>,
    /// The ISO date for the document's properties.
    pub date: String,
}

/// The agreements as one Word document, each starting on a new page.
pub fn docx(l: Locale, agreements: &[Agreement]) -> Result<Vec<u8>, crate::Error> {
    let first = agreements
        .first()
        .ok_or_else(|| crate::Error::Docx("no agreements".into()))?;
    let mut d = Document::new().numbered(l).properties(Properties {
        title: first.title.clone(),
        author: first.school.clone(),
        date: first.date.clone(),
        language: l.code().to_string(),
    });
    for (i, a) in agreements.iter().enumerate() {
        if i > 0 {
            d = d.page_break();
        }
        d = d.title(&a.title).paragraph(&a.intro);
        d = d.heading(&a.parties_heading).table(&a.party_head, &a.parties);
        d = d.heading(&a.term_heading);
        for line in &a.term_lines {
            d = d.paragraph(line);
        }
        d = d.heading(&a.goals_heading);
        for (whose, paras) in &a.goals {
            d = d.subheading(whose);
            for p in paras {
                d = d.paragraph(p);
            }
        }
        d = d.heading(&a.duties_heading);
        for (whose, list) in &a.duties {
            d = d.subheading(whose);
            for (n, item) in list.iter().enumerate() {
                d = d.paragraph(&format!("{}. {item}", n + 1));
            }
        }
        d = d.heading(&a.signatures_heading);
        for s in &a.signatures {
            d = d.line(s, 480);
        }
    }
    d.bytes()
}

#[derive(Serialize)]
struct PdfData<'a> {
    lang: &'a str,
    agreements: &'a [Agreement],
}

const TEMPLATE: &str = include_str!("../templates/agreement.typ");

/// The agreements as one PDF, each starting on a new page.
pub fn pdf(l: Locale, agreements: &[Agreement], today: chrono::NaiveDate) -> Result<Vec<u8>, crate::Error> {
    let data = serde_json::to_value(PdfData {
        lang: if l == Locale::ZhCn { "zh" } else { "en" },
        agreements,
    })
    .map_err(|e| crate::Error::Pdf(e.to_string()))?;
    typeset::pdf(TEMPLATE, &data, today)
}
