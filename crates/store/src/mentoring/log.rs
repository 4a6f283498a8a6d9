//! The mentoring log (师徒活动记录): a running pair's meetings. The mentor
//! may keep notes private; the apprentice then sees that the meeting took
//! place, its topic and length, but not the notes. Leaders who verify the
//! school's records read every note; anyone else who reads the pair reads
//! only shared notes.

use super::pairs::{self, Pair};
use crate::audit::{self, Change};
use crate::entity::{mentoring_meeting as meeting, teacher, user};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::mentoring::{MeetingInput, PairStatus};
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A meeting as the caller may read it.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub met_on: NaiveDate,
    pub minutes: i32,
    pub topic: String,
    /// The notes, or `None` where they are private and the caller is not
    /// the mentor or a leader who verifies.
    pub notes: Option<String>,
    pub private: bool,
    /// Who wrote it, by name.
    pub by: String,
    /// Whether the caller may remove it (its author, or a manager).
    pub removable: bool,
}

/// A pair's log, newest first, with the total time.
#[derive(Debug, Clone, Serialize)]
pub struct Log {
    pub meetings: Vec<Meeting>,
    pub total_minutes: i64,
    /// Whether the caller may add a meeting (the pair's teachers and its
    /// managers, while it runs).
    pub may_add: bool,
    /// Whether the caller may keep notes private (the mentor, managers).
    pub may_keep_private: bool,
}

/// How the caller stands to a pair.
pub(super) struct Standing {
    pub(super) own: Option<i64>,
    pub(super) mentor: bool,
    pub(super) apprentice: bool,
    pub(super) manager: bool,
    pub(super) reads_private: bool,
}

pub(super) async fn standing(store: &Store, scope: &Scope, p: &Pair) -> Result<Standing> {
    let own = crate::viewer::Viewer::load(store.conn(), scope, crate::calendar::today())
        .await?
        .own;
    let mentor = own == Some(p.mentor.teacher_id);
    let apprentice = own.is_some_and(|o| p.apprentices.iter().any(|a| a.teacher_id == o));
    let verifies =
        |school: i64| scope.allows(Capability::VerifyEvidence, Tenant::school(p.district_id, school));
    Ok(Standing {
        own,
        mentor,
        apprentice,
        manager: pairs::may_manage(scope, p),
        reads_private: mentor || verifies(p.school_id) || verifies(p.mentor.school_id),
    })
}

/// A pair's log, as the caller may read it.
pub async fn list(store: &Store, scope: &Scope, pair: i64) -> Result<Log> {
    let p = pairs::get(store, scope, pair).await?;
    let st = standing(store, scope, &p).await?;
    let rows = meeting::Entity::find()
        .filter(meeting::Column::MentorshipId.eq(pair))
        .order_by_desc(meeting::Column::MetOn)
        .order_by_desc(meeting::Column::Id)
        .all(store.conn())
        .await?;
    let names = authors(store, &rows).await?;
    let total_minutes = rows.iter().map(|r| i64::from(r.minutes)).sum();
    let meetings = rows
        .into_iter()
        .map(|r| Meeting {
            id: r.id,
            met_on: r.met_on,
            minutes: r.minutes,
            topic: r.topic,
            notes: (!r.private || st.reads_private).then_some(r.notes),
            private: r.private,
            by: names.get(&r.id).cloned().unwrap_or_default(),
            removable: st.manager || (r.created_by.is_some() && r.created_by == scope.user_id()),
        })
        .collect();
    let running = p.status == PairStatus::Active;
    Ok(Log {
        meetings,
        total_minutes,
        may_add: running && (st.mentor || st.apprentice || st.manager),
        may_keep_private: st.mentor || st.manager,
    })
}

/// Who wrote each meeting: the teacher of the pair, else the account.
async fn authors(store: &Store, rows: &[meeting::Model]) -> Result<HashMap<i64, String>> {
    let teachers: HashMap<i64, String> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(rows.iter().filter_map(|r| r.created_by_teacher)))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let users: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().filter_map(|r| r.created_by)))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            let name = r
                .created_by_teacher
                .and_then(|t| teachers.get(&t).cloned())
                .or_else(|| r.created_by.and_then(|u| users.get(&u).cloned()))
                .unwrap_or_default();
            (r.id, name)
        })
        .collect())
}

/// Whether the caller writes in the pair's log (its teachers and its
/// managers); not found where they may not read the pair.
pub async fn may_write(store: &Store, scope: &Scope, pair: i64) -> Result<bool> {
    let p = pairs::get(store, scope, pair).await?;
    let st = standing(store, scope, &p).await?;
    Ok(st.mentor || st.apprentice || st.manager)
}

/// Adds a meeting to a running pair's log: by its mentor (notes may be
/// private), an apprentice (notes shared) or a manager. The day falls
/// within the term, by today.
pub async fn add(store: &Store, scope: &Scope, pair: i64, input: &MeetingInput) -> Result<i64> {
    let p = pairs::get(store, scope, pair).await?;
    let st = standing(store, scope, &p).await?;
    if !(st.mentor || st.apprentice || st.manager) {
        return Err(Error::Forbidden);
    }
    if p.status != PairStatus::Active {
        return Err(Error::Invalid(
            FieldError::new("status", "pair_not_running").with("value", p.status.code()),
        ));
    }
    let today = crate::calendar::today();
    let problems = input.problems(today);
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    if input.private && !(st.mentor || st.manager) {
        return Err(Error::Invalid(FieldError::new("private", "private_for_mentor")));
    }
    let last = p.ends_on.map_or(today, |e| e.min(today));
    if input.met_on < p.starts_on || input.met_on > last {
        return Err(Error::Invalid(
            FieldError::new("met_on", "outside_term")
                .with("from", p.starts_on)
                .with("to", last),
        ));
    }
    let txn = store.begin().await?;
    let m = meeting::ActiveModel {
        district_id: Set(p.district_id),
        school_id: Set(p.school_id),
        mentorship_id: Set(p.id),
        met_on: Set(input.met_on),
        minutes: Set(input.minutes as i32),
        topic: Set(input.topic.trim().to_string()),
        notes: Set(input.notes.trim().to_string()),
        private: Set(input.private),
        created_by: Set(scope.user_id()),
        created_by_teacher: Set(st.own.filter(|_| st.mentor || st.apprentice)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_meeting.create",
            entity_type: "mentoring_meeting",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: None,
            // The notes stay out of the audit log: private ones are the
            // mentor's.
            after: Some(json!({"pair": p.id, "met_on": m.met_on, "minutes": m.minutes, "topic": m.topic, "private": m.private})),
        },
    )
    .await?;
    super::hours::sync(&txn, p.id).await?;
    txn.commit().await?;
    Ok(m.id)
}

/// Removes a meeting: its author, or a manager of the pair.
pub async fn remove(store: &Store, scope: &Scope, id: i64) -> Result<i64> {
    let m = meeting::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let p = pairs::get(store, scope, m.mentorship_id).await?;
    let author = m.created_by.is_some() && m.created_by == scope.user_id();
    if !author && !pairs::may_manage(scope, &p) {
        return Err(Error::Forbidden);
    }
    let txn = store.begin().await?;
    meeting::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_meeting.delete",
            entity_type: "mentoring_meeting",
            entity_id: Some(id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: Some(json!({"pair": p.id, "met_on": m.met_on, "minutes": m.minutes, "topic": m.topic})),
            after: None,
        },
    )
    .await?;
    super::hours::sync(&txn, p.id).await?;
    txn.commit().await?;
    Ok(p.id)
}
