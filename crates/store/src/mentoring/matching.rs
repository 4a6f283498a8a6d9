//! Suggestions (师徒匹配): for one apprentice, or for every young or new
//! teacher of a school without a mentor, the candidates of the district
//! ranked by the transparent score of `lingyan_domain::mentoring::matching`
//! with the weights of the mentoring rules in force at the school. The
//! pool: the school's experienced teachers (five years or more, or an
//! honour) and the district's honoured teachers of other schools (county
//! level or above, 名优教师跨校带徒). A candidate whose school's limit is
//! reached is left out. Nothing is paired here.

use super::pairs::{self, Person};
use crate::entity::{honour, mentorship, school, teacher};
use crate::rule_sets::{self, Place};
use crate::{Error, Result, Scope, Store};
use chrono::{Datelike, Months, NaiveDate};
use lingyan_domain::mentoring::matching::{Facts, Part, rank};
use lingyan_domain::mentoring::{MentoringRules, PairStatus};
use lingyan_domain::{Capability, Level, Tenant};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A candidate with their score, part by part.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub mentor: Person,
    pub score: i32,
    pub parts: Vec<Part>,
}

/// An apprentice and their candidates, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub apprentice: Person,
    pub candidates: Vec<Candidate>,
}

/// How many candidates each apprentice is offered.
pub const CANDIDATES: usize = 5;

/// Young: under 35; new: in their first three years of teaching.
pub(crate) fn young_or_new(t: &teacher::Model, today: NaiveDate) -> bool {
    let young = t.birth_date.is_some_and(|b| b > today - Months::new(35 * 12));
    let new = t.work_start.is_some_and(|w| w > today - Months::new(36));
    young || new
}

fn years(t: &teacher::Model, today: NaiveDate) -> u32 {
    t.work_start
        .map(|w| {
            let mut y = today.year() - w.year();
            if (today.month(), today.day()) < (w.month(), w.day()) {
                y -= 1;
            }
            y.max(0) as u32
        })
        .unwrap_or(0)
}

/// Suggestions for a school: for `apprentice` (a teacher of the school), or
/// for every young or new teacher of it who has no standing pair.
pub async fn suggest(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    apprentice: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Suggestion>> {
    let conn = store.conn();
    let sc = school::Entity::find_by_id(school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    scope.require(Capability::ManageTeachers, Tenant::school(sc.district_id, sc.id))?;
    let district: Vec<teacher::Model> = teacher::Entity::find()
        .filter(teacher::Column::DistrictId.eq(sc.district_id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::Id)
        .all(conn)
        .await?;
    // Highest current honour per teacher.
    let mut honours: HashMap<i64, Level> = HashMap::new();
    for h in honour::Entity::find()
        .filter(honour::Column::DistrictId.eq(sc.district_id))
        .filter(honour::Column::Status.eq("active"))
        .all(conn)
        .await?
    {
        if let Some(l) = Level::from_code(&h.level) {
            let e = honours.entry(h.teacher_id).or_insert(l);
            if l > *e {
                *e = l;
            }
        }
    }
    // Standing pairs (load, and who already has a mentor) and concluded ones.
    let pairs_rows = mentorship::Entity::find()
        .filter(mentorship::Column::DistrictId.eq(sc.district_id))
        .all(conn)
        .await?;
    let mut load: HashMap<i64, usize> = HashMap::new();
    let mut past: HashMap<i64, usize> = HashMap::new();
    let mut mentored: BTreeSet<i64> = BTreeSet::new();
    for p in &pairs_rows {
        let status = PairStatus::from_code(&p.status).unwrap_or(PairStatus::Active);
        let apprentices = std::iter::once(p.apprentice_teacher_id).chain(p.second_apprentice_teacher_id);
        if status.stands() && p.ends_on.is_none_or(|e| e >= today) {
            *load.entry(p.mentor_teacher_id).or_default() += apprentices.clone().count();
            mentored.extend(apprentices);
        } else if status == PairStatus::Concluded {
            *past.entry(p.mentor_teacher_id).or_default() += 1;
        }
    }
    let facts = |t: &teacher::Model| Facts {
        teacher_id: t.id,
        subjects: serde_json::from_str(&t.subjects).unwrap_or_default(),
        section: t.section.clone(),
        years: years(t, today),
        honour: honours.get(&t.id).copied(),
        apprentices: load.get(&t.id).copied().unwrap_or(0),
        past_pairs: past.get(&t.id).copied().unwrap_or(0),
    };
    let apprentices: Vec<&teacher::Model> = match apprentice {
        Some(id) => vec![
            district
                .iter()
                .find(|t| t.id == id && t.school_id == sc.id)
                .ok_or(Error::NotFound)?,
        ],
        None => district
            .iter()
            .filter(|t| t.school_id == sc.id && young_or_new(t, today) && !mentored.contains(&t.id))
            .collect(),
    };
    let candidates: Vec<Facts> = district
        .iter()
        .filter(|t| {
            let h = honours.get(&t.id).copied();
            if t.school_id == sc.id {
                years(t, today) >= 5 || h.is_some()
            } else {
                h.is_some_and(|l| l >= Level::County)
            }
        })
        .map(facts)
        .collect();
    // Each candidate's room under their own school's limit for the year.
    let cal = crate::calendar::load(conn, sc.district_id, Some(sc.id)).await?;
    let year = cal.semester_of(today).year;
    let own_rules =
        rule_sets::in_force::<MentoringRules, _>(conn, Place::school(sc.district_id, sc.id), year)
            .await?
            .set;
    let mut limits: HashMap<i64, usize> = HashMap::new();
    let schools_of: HashMap<i64, i64> = district.iter().map(|t| (t.id, t.school_id)).collect();
    for s in candidates
        .iter()
        .filter_map(|c| schools_of.get(&c.teacher_id))
        .collect::<BTreeSet<_>>()
    {
        let r = rule_sets::in_force::<MentoringRules, _>(conn, Place::school(sc.district_id, *s), year)
            .await?
            .set;
        limits.insert(*s, usize::from(r.max_apprentices));
    }
    let room = |f: &Facts| {
        let limit = schools_of
            .get(&f.teacher_id)
            .and_then(|s| limits.get(s))
            .copied()
            .unwrap_or(2);
        f.apprentices < limit
    };
    let mut out = Vec::new();
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    let mut ranked_all = Vec::new();
    for a in &apprentices {
        let ranked = rank(&own_rules.weights, &facts(a), &candidates, room, CANDIDATES);
        ids.insert(a.id);
        ids.extend(ranked.iter().map(|r| r.teacher_id));
        ranked_all.push((a.id, ranked));
    }
    let people = pairs::people_named(conn, ids.into_iter().collect()).await?;
    for (a, ranked) in ranked_all {
        let Some(apprentice) = people.get(&a).cloned() else {
            continue;
        };
        out.push(Suggestion {
            apprentice,
            candidates: ranked
                .into_iter()
                .filter_map(|r| {
                    people.get(&r.teacher_id).map(|p| Candidate {
                        mentor: p.clone(),
                        score: r.score,
                        parts: r.parts,
                    })
                })
                .collect(),
        });
    }
    Ok(out)
}
