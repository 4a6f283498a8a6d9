//! Mentor pairs (师徒结对): which teacher mentors which apprentice, and
//! when. A mentor sees their current apprentices' portfolios. A pair
//! belongs to the apprentice's school; the mentor may teach at another
//! school of the same district (cross-school mentoring).

use crate::audit::{self, Change};
use crate::entity::{mentor_pair, teacher};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::dates::parse_date;
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A mentor and an apprentice for a term.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub id: i64,
    pub school_id: i64,
    pub mentor_teacher_id: i64,
    pub mentor_name: String,
    pub apprentice_teacher_id: i64,
    pub apprentice_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl Pair {
    pub fn active_on(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && self.ends_on.is_none_or(|e| e >= d)
    }
}

/// Pairs with the names of both teachers.
async fn named(store: &Store, rows: Vec<mentor_pair::Model>) -> Result<Vec<Pair>> {
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
        .map(|r| Pair {
            id: r.id,
            school_id: r.school_id,
            mentor_name: names.get(&r.mentor_teacher_id).cloned().unwrap_or_default(),
            apprentice_name: names.get(&r.apprentice_teacher_id).cloned().unwrap_or_default(),
            mentor_teacher_id: r.mentor_teacher_id,
            apprentice_teacher_id: r.apprentice_teacher_id,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
        })
        .collect())
}

/// Pairs of the schools the caller may read teachers of, newest first.
pub async fn list(store: &Store, scope: &Scope, school_id: Option<i64>) -> Result<Vec<Pair>> {
    let mut q = mentor_pair::Entity::find().filter(scope.condition(
        Capability::ReadTeachers,
        mentor_pair::Column::DistrictId,
        mentor_pair::Column::SchoolId,
    ));
    if let Some(s) = school_id {
        q = q.filter(mentor_pair::Column::SchoolId.eq(s));
    }
    let rows = q
        .order_by_desc(mentor_pair::Column::StartsOn)
        .order_by_desc(mentor_pair::Column::Id)
        .all(store.conn())
        .await?;
    named(store, rows).await
}

/// The caller's own current pairs, as mentor or as apprentice (their
/// account's teacher record), oldest first.
pub async fn mine(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Vec<Pair>> {
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

/// Pairs a mentor with an apprentice from `starts_on` (to `ends_on`).
pub async fn create(
    store: &Store,
    scope: &Scope,
    mentor_id: i64,
    apprentice_id: i64,
    starts_on: &str,
    ends_on: &str,
) -> Result<i64> {
    let starts = parse_date("starts_on", starts_on)?;
    let ends = match ends_on.trim() {
        "" => None,
        e => Some(parse_date("ends_on", e)?),
    };
    if ends.is_some_and(|e| e < starts) {
        return Err(FieldError::new("ends_on", "before_start").into());
    }
    if mentor_id == apprentice_id {
        return Err(FieldError::new("apprentice", "not_yourself").into());
    }
    let txn = store.begin().await?;
    let apprentice = teacher::Entity::find_by_id(apprentice_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("apprentice", "unknown_teacher").with("value", apprentice_id))
        })?;
    let tenant = Tenant::school(apprentice.district_id, apprentice.school_id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let mentor = teacher::Entity::find_by_id(mentor_id)
        .filter(teacher::Column::DistrictId.eq(apprentice.district_id))
        .filter(teacher::Column::Active.eq(true))
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("mentor", "unknown_teacher").with("value", mentor_id))
        })?;
    let overlapping = mentor_pair::Entity::find()
        .filter(mentor_pair::Column::MentorTeacherId.eq(mentor.id))
        .filter(mentor_pair::Column::ApprenticeTeacherId.eq(apprentice.id))
        .filter(
            Condition::any()
                .add(mentor_pair::Column::EndsOn.is_null())
                .add(mentor_pair::Column::EndsOn.gte(starts)),
        )
        .one(&txn)
        .await?;
    if overlapping.is_some() {
        return Err(Error::Conflict(
            FieldError::new("apprentice", "already_paired").with("value", &apprentice.name),
        ));
    }
    let m = mentor_pair::ActiveModel {
        district_id: Set(apprentice.district_id),
        school_id: Set(apprentice.school_id),
        mentor_teacher_id: Set(mentor.id),
        apprentice_teacher_id: Set(apprentice.id),
        starts_on: Set(starts),
        ends_on: Set(ends),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // A mentor from another school sees the pair on their own pages too.
    audit::touch_schools_of(&txn, &[mentor.id], apprentice.school_id).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentor_pair.create",
            entity_type: "mentor_pair",
            entity_id: Some(m.id.to_string()),
            tenant,
            before: None,
            after: Some(json!({ "mentor": mentor.id, "apprentice": apprentice.id, "starts_on": starts, "ends_on": ends })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// Ends a pair on a date.
pub async fn end(store: &Store, scope: &Scope, id: i64, on: &str) -> Result<()> {
    let on = parse_date("ends_on", on)?;
    let txn = store.begin().await?;
    let m = mentor_pair::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    scope.require(Capability::ManageTeachers, tenant)?;
    if on < m.starts_on {
        return Err(FieldError::new("ends_on", "before_start").into());
    }
    let before = m.ends_on;
    audit::touch_schools_of(&txn, &[m.mentor_teacher_id], m.school_id).await?;
    let mut am = m.into_active_model();
    am.ends_on = Set(Some(on));
    am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentor_pair.end",
            entity_type: "mentor_pair",
            entity_id: Some(id.to_string()),
            tenant,
            before: Some(json!({ "ends_on": before })),
            after: Some(json!({ "ends_on": on })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
