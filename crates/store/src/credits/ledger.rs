//! A teacher's credit ledger and transcript: every entry with where it
//! came from, run through the domain's arithmetic against the requirement
//! in force.

use super::rules_for;
use crate::entity::{credit_entry, school, teacher};
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lingyan_domain::credits::{Amount, Area, CreditRules, Cycle, Entry, Form, Transcript, What, transcript};
use lingyan_domain::{Level, Tenant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// One ledger entry as shown.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerEntry {
    pub id: i64,
    /// `import` (the national format), and as they land `activity`,
    /// `claim`, `adjustment`.
    pub source: String,
    pub source_ref: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub year: i32,
    pub title: String,
    pub organiser: String,
    pub what: What,
    pub form: Form,
    pub area: Option<Area>,
    pub level: Option<Level>,
    pub hours: Amount,
    pub credits: Option<Amount>,
    pub pool: Option<String>,
    pub note: Option<String>,
    /// 以会代训 marked with its training content.
    pub marked_training: bool,
    pub created_at: DateTime<Utc>,
}

impl LedgerEntry {
    pub(crate) fn of(m: credit_entry::Model) -> Result<Self> {
        let corrupt = |what: &str| Error::Internal(format!("credit entry {} has an unknown {what}", m.id));
        Ok(Self {
            id: m.id,
            what: What::from_code(&m.what).ok_or_else(|| corrupt("kind"))?,
            form: Form::from_code(&m.form).ok_or_else(|| corrupt("form"))?,
            area: m.area.as_deref().and_then(Area::from_code),
            level: m.level.as_deref().and_then(Level::from_code),
            hours: Amount::hundredths(m.hours),
            credits: m.credits.map(Amount::hundredths),
            source: m.source,
            source_ref: m.source_ref,
            start: m.start_date,
            end: m.end_date,
            year: m.year,
            title: m.title,
            organiser: m.organiser,
            pool: m.pool,
            note: m.note,
            marked_training: m.marked_training,
            created_at: m.created_at,
        })
    }

    /// The entry as the arithmetic counts it.
    pub fn entry(&self) -> Entry {
        Entry {
            date: self.start,
            what: self.what,
            form: self.form,
            area: self.area,
            level: self.level,
            hours: self.hours,
            credits: self.credits,
            pool: self.pool.clone(),
            marked_training: self.marked_training,
        }
    }
}

/// A teacher's entries, oldest first.
pub(crate) async fn entries_of<C: ConnectionTrait>(conn: &C, teacher_id: i64) -> Result<Vec<LedgerEntry>> {
    credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .order_by_asc(credit_entry::Column::StartDate)
        .order_by_asc(credit_entry::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(LedgerEntry::of)
        .collect()
}

/// A teacher's transcript for a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptView {
    pub teacher_id: i64,
    pub teacher_name: String,
    pub staff_no: Option<String>,
    pub school_id: i64,
    pub school_name: String,
    pub school_name_en: Option<String>,
    pub district_id: i64,
    /// Whether the pools asked of new teachers apply (began teaching
    /// within the last three years).
    pub new_teacher: bool,
    pub rules: CreditRules,
    pub transcript: Transcript,
    /// The ledger, in the order `transcript.lines` follows.
    pub entries: Vec<LedgerEntry>,
}

/// Whether a teacher counts as new: began teaching within the three
/// calendar years up to `as_of` (probation and the first years).
pub fn is_new_teacher(work_start: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    work_start.is_some_and(|d| d <= as_of && as_of.year() - d.year() < 3)
}

/// A teacher's transcript as of a day, for the cycle containing it (or
/// the cycle beginning in `cycle_first`), for whoever may read the teacher.
pub async fn transcript_of(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    as_of: NaiveDate,
    cycle_first: Option<i32>,
) -> Result<TranscriptView> {
    let conn = store.conn();
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    if !crate::teachers::can_read(scope, Tenant::school(t.district_id, t.school_id), t.user_id) {
        return Err(Error::NotFound);
    }
    let s = school::Entity::find_by_id(t.school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let year = crate::calendar::load(conn, t.district_id, Some(t.school_id))
        .await?
        .semester_of(as_of)
        .year;
    let rules = rules_for(conn, t.district_id, Some(t.school_id), year).await?.set;
    let cycle = match cycle_first {
        Some(first) if !(1990..=2100).contains(&first) => {
            return Err(Error::Invalid(
                lingyan_domain::FieldError::new("cycle", "out_of_range")
                    .with("min", 1990)
                    .with("max", 2100),
            ));
        }
        Some(first) => {
            let c = rules.cycle_of(first);
            if c.first != first {
                return Err(Error::Invalid(
                    lingyan_domain::FieldError::new("cycle", "not_a_cycle_start")
                        .with("value", first)
                        .with("first", c.first),
                ));
            }
            c
        }
        None => rules.cycle_of(as_of.year()),
    };
    let entries = entries_of(conn, teacher_id).await?;
    let ledger: Vec<Entry> = entries.iter().map(LedgerEntry::entry).collect();
    let new_teacher = is_new_teacher(t.work_start, as_of);
    let transcript = transcript(&rules, &ledger, cycle, as_of, new_teacher);
    Ok(TranscriptView {
        teacher_id,
        teacher_name: t.name,
        staff_no: t.staff_no,
        school_id: s.id,
        school_name: s.name,
        school_name_en: s.name_en,
        district_id: t.district_id,
        new_teacher,
        rules,
        transcript,
        entries,
    })
}

/// The cycles a transcript can be asked for, around a day: the one
/// containing it and the one before.
pub fn cycles_around(rules: &CreditRules, as_of: NaiveDate) -> Vec<Cycle> {
    let now = rules.cycle_of(as_of.year());
    vec![rules.cycle_of(now.first - 1), now]
}

/// A teacher's latest trainings attended through activities or counted
/// from claims (the portfolio's list), newest first, for whoever may read
/// the teacher's transcript; nothing for others.
pub async fn attended(store: &Store, scope: &Scope, teacher_id: i64, limit: u64) -> Result<Vec<LedgerEntry>> {
    use sea_orm::QuerySelect;
    let Some(t) = teacher::Entity::find_by_id(teacher_id).one(store.conn()).await? else {
        return Ok(Vec::new());
    };
    if !crate::teachers::can_read(scope, Tenant::school(t.district_id, t.school_id), t.user_id) {
        return Ok(Vec::new());
    }
    credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .filter(credit_entry::Column::Source.is_in(["activity", "claim"]))
        .order_by_desc(credit_entry::Column::StartDate)
        .order_by_desc(credit_entry::Column::Id)
        .limit(limit)
        .all(store.conn())
        .await?
        .into_iter()
        .map(LedgerEntry::of)
        .collect()
}
