//! Mentoring (师徒结对): pairs as a programme ([`pairs`]) and the dated
//! links they make while they run — which teacher mentors which
//! apprentice, and when. A mentor sees their current apprentices'
//! portfolios through the links; the duties engine counts them. A pair
//! belongs to the apprentices' school; the mentor may teach at another
//! school of the same district (cross-school mentoring).

pub mod cycles;
pub(crate) mod demo;
pub mod hours;
pub mod log;
pub mod matching;
pub mod overview;
pub mod pairs;
pub mod reviews;
pub mod weeks;

use crate::entity::{mentor_pair, teacher};
use crate::{Result, Scope, Store};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// A school whose mentoring the caller reads: not found to those who do
/// not read the school, refused to those who do not read its teachers.
pub(crate) async fn readable_school(
    store: &Store,
    scope: &Scope,
    school_id: i64,
) -> Result<crate::entity::school::Model> {
    use lingyan_domain::{Capability, Tenant};
    let sc = crate::entity::school::Entity::find_by_id(school_id)
        .one(store.conn())
        .await?
        .ok_or(crate::Error::NotFound)?;
    let tenant = Tenant::school(sc.district_id, sc.id);
    if !scope.allows(Capability::Read, tenant) {
        return Err(crate::Error::NotFound);
    }
    scope.require(Capability::ReadTeachers, tenant)?;
    Ok(sc)
}

/// A mentor and an apprentice for the days their pair runs.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub id: i64,
    pub school_id: i64,
    pub mentor_teacher_id: i64,
    pub mentor_name: String,
    pub apprentice_teacher_id: i64,
    pub apprentice_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The pair it was made for.
    pub pair_id: Option<i64>,
}

impl Link {
    pub fn active_on(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && self.ends_on.is_none_or(|e| e >= d)
    }
}

/// Pairs with the names of both teachers.
async fn named(store: &Store, rows: Vec<mentor_pair::Model>) -> Result<Vec<Link>> {
    let ids = rows
        .iter()
        .flat_map(|r| [r.mentor_teacher_id, r.apprentice_teacher_id]);
    let names: HashMap<i64, String> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(ids))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| Link {
            id: r.id,
            school_id: r.school_id,
            mentor_name: names.get(&r.mentor_teacher_id).cloned().unwrap_or_default(),
            apprentice_name: names.get(&r.apprentice_teacher_id).cloned().unwrap_or_default(),
            mentor_teacher_id: r.mentor_teacher_id,
            apprentice_teacher_id: r.apprentice_teacher_id,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            pair_id: r.mentorship_id,
        })
        .collect())
}

/// The caller's own current pairs, as mentor or as apprentice (their
/// account's teacher record), oldest first.
pub async fn mine(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Vec<Link>> {
    // The account's active teacher record, as the request already knows it.
    let Some(own) = crate::viewer::Viewer::load(store.conn(), scope, today).await?.own else {
        return Ok(Vec::new());
    };
    let rows = mentor_pair::Entity::find()
        .filter(
            Condition::any()
                .add(mentor_pair::Column::MentorTeacherId.eq(own))
                .add(mentor_pair::Column::ApprenticeTeacherId.eq(own)),
        )
        .filter(mentor_pair::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(mentor_pair::Column::EndsOn.is_null())
                .add(mentor_pair::Column::EndsOn.gte(today)),
        )
        .order_by_asc(mentor_pair::Column::StartsOn)
        .all(store.conn())
        .await?;
    named(store, rows).await
}

/// The links a pair made: the days each apprentice is the mentor's (what
/// the duties engine counts and what lets the mentor read the portfolio).
pub async fn links(store: &Store, scope: &Scope, pair: i64) -> Result<Vec<Link>> {
    pairs::get(store, scope, pair).await?;
    let rows = mentor_pair::Entity::find()
        .filter(mentor_pair::Column::MentorshipId.eq(pair))
        .order_by_asc(mentor_pair::Column::Id)
        .all(store.conn())
        .await?;
    named(store, rows).await
}
