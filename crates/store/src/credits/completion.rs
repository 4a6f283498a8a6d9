//! Completion of the credit requirement across a school or a district: how
//! many teachers have met their cycle's requirement, how many are on track
//! (nothing due yet is missing) and, for everyone else, exactly what is
//! missing — a teacher with something due missing may not apply for a
//! higher professional title (seed 003).
//!
//! Each school is counted against the requirement in force for it (its own
//! where the district lets it set one), for the cycle containing the day
//! asked about; a school's teachers and all their entries are read in two
//! queries.

use super::{LedgerEntry, is_new_teacher, rules_for};
use crate::entity::{credit_entry, district, school, teacher};
use crate::{Error, Result, Scope, Store};
use chrono::{Datelike, NaiveDate};
use lingyan_domain::credits::{Amount, CreditRules, Cycle, Entry, Need, Shortfall, transcript};
use lingyan_domain::{Capability, Tenant};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// One teacher who has not yet met the requirement.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    /// Counted toward the cycle, after caps.
    pub total: Amount,
    pub required: Amount,
    /// Nothing due by the day asked about is missing: the teacher may
    /// apply for a higher title.
    pub eligible: bool,
    /// Everything still missing to complete the cycle.
    pub missing: Vec<Shortfall>,
    /// What of that was due already (why the teacher is not eligible).
    pub due: Vec<Shortfall>,
}

impl Standing {
    /// How far behind, for ordering: what is due first, then the rest.
    fn gap(&self) -> (i64, i64) {
        let sum = |l: &[Shortfall]| l.iter().map(|s| s.missing.in_hundredths()).sum::<i64>();
        (sum(&self.due), sum(&self.missing))
    }
}

/// A part of the requirement with a minimum, and how many have met it.
#[derive(Debug, Clone, Serialize)]
pub struct PartCompletion {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub min: Amount,
    /// Teachers who have counted the minimum.
    pub met: usize,
}

/// A school's completion.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolCompletion {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// The school year whose requirement applies.
    pub year: i32,
    pub rules: CreditRules,
    pub cycle: Cycle,
    /// Active teachers.
    pub teachers: usize,
    /// Teachers who have met the cycle's requirement.
    pub complete: usize,
    /// Teachers with nothing due missing (the complete among them).
    pub eligible: usize,
    /// The buckets with a minimum, in the rules' order.
    pub parts: Vec<PartCompletion>,
    /// Teachers who have not met the requirement: the not eligible first,
    /// furthest behind first, then by name.
    pub short: Vec<Standing>,
}

/// A school's or district's completion on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Completion {
    pub district_id: i64,
    pub district_name: String,
    pub district_name_en: Option<String>,
    /// The school asked about, or none for the whole district.
    pub school_id: Option<i64>,
    pub as_of: NaiveDate,
    /// In order of code.
    pub schools: Vec<SchoolCompletion>,
}

impl Completion {
    pub fn teachers(&self) -> usize {
        self.schools.iter().map(|s| s.teachers).sum()
    }

    pub fn complete(&self) -> usize {
        self.schools.iter().map(|s| s.complete).sum()
    }

    pub fn eligible(&self) -> usize {
        self.schools.iter().map(|s| s.eligible).sum()
    }

    /// Teachers not eligible to apply for a higher title.
    pub fn not_eligible(&self) -> usize {
        self.teachers() - self.eligible()
    }

    /// Whether any school has a requirement set.
    pub fn any_rules(&self) -> bool {
        self.schools.iter().any(|s| s.rules.is_set())
    }
}

/// A share in whole percent (0 of 0 is 0).
pub fn percent(part: usize, whole: usize) -> u32 {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0) as u32
}

/// Completion of one school (with `school_id`) or of every school of a
/// district, for those who read the place's records (training directors
/// and principals of a school; district staff and inspectors of a
/// district). Anyone else is told the place does not exist. Each school's
/// cycle is the one containing `as_of`, or the one containing the year
/// `cycle` (a past cycle asked about today has everything due).
pub async fn completion(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    as_of: NaiveDate,
    cycle: Option<i32>,
) -> Result<Completion> {
    if let Some(y) = cycle
        && !(1990..=2100).contains(&y)
    {
        return Err(Error::Invalid(
            lingyan_domain::FieldError::new("cycle", "out_of_range")
                .with("min", 1990)
                .with("max", 2100),
        ));
    }
    let conn = store.conn();
    let d = district::Entity::find_by_id(district_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = match school_id {
        Some(s) => Tenant::school(district_id, s),
        None => Tenant::district(district_id),
    };
    if !scope.allows(Capability::ReadEvidence, tenant) {
        return Err(Error::NotFound);
    }
    let mut q = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district_id))
        .filter(school::Column::Active.eq(true));
    if let Some(s) = school_id {
        q = q.filter(school::Column::Id.eq(s));
    }
    let schools = q.order_by_asc(school::Column::Code).all(conn).await?;
    if school_id.is_some() && schools.is_empty() {
        return Err(Error::NotFound);
    }
    let mut out = Vec::with_capacity(schools.len());
    for sc in schools {
        out.push(of_school(conn, sc, as_of, cycle).await?);
    }
    Ok(Completion {
        district_id,
        district_name: d.name,
        district_name_en: d.name_en,
        school_id,
        as_of,
        schools: out,
    })
}

async fn of_school<C: ConnectionTrait>(
    conn: &C,
    sc: school::Model,
    as_of: NaiveDate,
    cycle: Option<i32>,
) -> Result<SchoolCompletion> {
    let year = crate::calendar::load(conn, sc.district_id, Some(sc.id))
        .await?
        .semester_of(as_of)
        .year;
    let rules = rules_for(conn, sc.district_id, Some(sc.id), year).await?.set;
    let cycle = rules.cycle_of(cycle.unwrap_or(as_of.year()));
    let teachers = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(sc.id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::Name)
        .order_by_asc(teacher::Column::Id)
        .all(conn)
        .await?;
    let mut ledgers: HashMap<i64, Vec<Entry>> = HashMap::with_capacity(teachers.len());
    let rows = credit_entry::Entity::find()
        .filter(
            credit_entry::Column::TeacherId.in_subquery(
                Query::select()
                    .column(teacher::Column::Id)
                    .from(teacher::Entity)
                    .and_where(teacher::Column::SchoolId.eq(sc.id))
                    .and_where(teacher::Column::Active.eq(true))
                    .to_owned(),
            ),
        )
        .order_by_asc(credit_entry::Column::StartDate)
        .order_by_asc(credit_entry::Column::Id)
        .all(conn)
        .await?;
    for m in rows {
        let tid = m.teacher_id;
        ledgers.entry(tid).or_default().push(LedgerEntry::of(m)?.entry());
    }
    let mut parts: Vec<PartCompletion> = rules
        .buckets
        .iter()
        .filter_map(|b| {
            b.min.map(|min| PartCompletion {
                code: b.code.clone(),
                name_zh: b.name_zh.clone(),
                name_en: b.name_en.clone(),
                min,
                met: 0,
            })
        })
        .collect();
    let (mut complete, mut eligible) = (0, 0);
    let mut short = Vec::new();
    let count = teachers.len();
    for t in teachers {
        let ledger = ledgers.remove(&t.id).unwrap_or_default();
        let tr = transcript(&rules, &ledger, cycle, as_of, is_new_teacher(t.work_start, as_of));
        for p in &mut parts {
            let lacking = tr
                .missing
                .iter()
                .any(|s| matches!(&s.need, Need::Bucket(c) if *c == p.code));
            if !lacking {
                p.met += 1;
            }
        }
        let done = tr.complete();
        let ok = tr.eligible();
        complete += usize::from(done);
        eligible += usize::from(ok);
        if !done || !ok {
            short.push(Standing {
                teacher_id: t.id,
                name: t.name,
                staff_no: t.staff_no,
                total: tr.total,
                required: tr.required,
                eligible: ok,
                missing: tr.missing,
                due: tr.due,
            });
        }
    }
    // Stable: names stay in order within equal gaps.
    short.sort_by_key(|s| {
        let (due, all) = s.gap();
        (s.eligible, std::cmp::Reverse(due), std::cmp::Reverse(all))
    });
    Ok(SchoolCompletion {
        school_id: sc.id,
        code: sc.code,
        name: sc.name,
        name_en: sc.name_en,
        year,
        cycle,
        teachers: count,
        complete,
        eligible,
        parts,
        short,
        rules,
    })
}
