//! Transcripts issued as documents (decision 51): each PDF carries a code
//! (in a QR code and a short address) under which what it said is kept —
//! teacher, school, cycle, day, totals and parts, and when it was issued —
//! so anyone holding the paper can compare it with the public page.

use super::TranscriptView;
use crate::entity::transcript_issue;
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::credits::Amount;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// A part of the requirement as the document printed it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IssuedPart {
    pub name_zh: String,
    pub name_en: String,
    pub counted: Amount,
    pub min: Option<Amount>,
}

/// What an issued transcript said.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IssuedSummary {
    pub teacher_name: String,
    pub staff_no: Option<String>,
    pub school_name: String,
    pub school_name_en: Option<String>,
    pub cycle_first: i32,
    pub cycle_last: i32,
    pub as_of: NaiveDate,
    /// `credit` or `hour`.
    pub unit: String,
    pub total: Amount,
    pub required: Amount,
    pub eligible: bool,
    pub complete: bool,
    pub parts: Vec<IssuedPart>,
    /// How many trainings the ledger listed.
    pub entries: usize,
}

/// An issued transcript.
#[derive(Debug, Clone, Serialize)]
pub struct Issued {
    pub code: String,
    pub summary: IssuedSummary,
    pub issued_at: DateTime<Utc>,
}

/// The letters of a code: Crockford's base 32 (no I, L, O, U), so it can be
/// read off paper and typed.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn new_code() -> String {
    rand::random::<[u8; 12]>()
        .iter()
        .map(|b| ALPHABET[(*b % 32) as usize] as char)
        .collect()
}

/// Records a transcript about to be printed and returns its code. The
/// caller has read the transcript (`transcript_of` checked who may).
pub async fn issue(store: &Store, scope: &Scope, v: &TranscriptView) -> Result<Issued> {
    let t = &v.transcript;
    let summary = IssuedSummary {
        teacher_name: v.teacher_name.clone(),
        staff_no: v.staff_no.clone(),
        school_name: v.school_name.clone(),
        school_name_en: v.school_name_en.clone(),
        cycle_first: t.cycle.first,
        cycle_last: t.cycle.last,
        as_of: t.as_of,
        unit: v.rules.unit.code().to_string(),
        total: t.total,
        required: t.required,
        eligible: t.eligible(),
        complete: t.complete(),
        parts: v
            .rules
            .buckets
            .iter()
            .zip(&t.buckets)
            .map(|(b, x)| IssuedPart {
                name_zh: b.name_zh.clone(),
                name_en: b.name_en.clone(),
                counted: x.counted,
                min: x.min,
            })
            .collect(),
        entries: v.entries.len(),
    };
    let now = Utc::now();
    let json = serde_json::to_string(&summary).map_err(|e| Error::Internal(e.to_string()))?;
    let m = transcript_issue::ActiveModel {
        code: Set(new_code()),
        district_id: Set(v.district_id),
        school_id: Set(v.school_id),
        teacher_id: Set(v.teacher_id),
        summary: Set(json),
        issued_at: Set(now),
        issued_by: Set(scope.user_id()),
        ..Default::default()
    }
    .insert(store.conn())
    .await?;
    Ok(Issued {
        code: m.code,
        summary,
        issued_at: now,
    })
}

/// What the transcript with this code said (for anyone: the public
/// verification page). Codes are read case-blind, with spaces and dashes
/// ignored, and I, L and O read as 1, 1 and 0.
pub async fn verify(store: &Store, code: &str) -> Result<Issued> {
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect();
    if code.len() != 12 {
        return Err(Error::NotFound);
    }
    let m = transcript_issue::Entity::find()
        .filter(transcript_issue::Column::Code.eq(&code))
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let summary: IssuedSummary = serde_json::from_str(&m.summary)
        .map_err(|e| Error::Internal(format!("issued transcript {}: {e}", m.id)))?;
    Ok(Issued {
        code: m.code,
        summary,
        issued_at: m.issued_at,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_twelve_readable_letters() {
        for _ in 0..200 {
            let c = super::new_code();
            assert_eq!(c.len(), 12);
            assert!(c.chars().all(|ch| super::ALPHABET.contains(&(ch as u8))), "{c}");
            assert!(!c.contains(['I', 'L', 'O', 'U']));
        }
    }
}
