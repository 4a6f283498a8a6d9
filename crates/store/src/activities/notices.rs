//! Notices to a teacher: a waitlisted place that came free, a leave
//! request decided. Shown on the teacher's home page until read.

use super::own_teacher;
use crate::entity::{activity, notice};
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

/// A place came free and the teacher has it.
pub const PROMOTED: &str = "waitlist_promoted";
/// A leave request was approved.
pub const LEAVE_APPROVED: &str = "leave_approved";
/// A leave request was refused.
pub const LEAVE_REFUSED: &str = "leave_refused";

/// A notice as shown.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: i64,
    pub kind: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn notify<C: ConnectionTrait>(
    conn: &C,
    teacher_id: i64,
    kind: &str,
    activity_id: Option<i64>,
) -> Result<()> {
    notice::ActiveModel {
        teacher_id: Set(teacher_id),
        kind: Set(kind.to_string()),
        activity_id: Set(activity_id),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The caller's unread notices, newest first (at most 20).
pub async fn unread(store: &Store, scope: &Scope) -> Result<Vec<Notice>> {
    let conn = store.conn();
    let Some(t) = own_teacher(conn, scope).await? else {
        return Ok(Vec::new());
    };
    let rows = notice::Entity::find()
        .filter(notice::Column::TeacherId.eq(t.id))
        .filter(notice::Column::ReadAt.is_null())
        .order_by_desc(notice::Column::Id)
        .limit(20)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let title = match r.activity_id {
            Some(a) => activity::Entity::find_by_id(a).one(conn).await?.map(|a| a.title),
            None => None,
        };
        out.push(Notice {
            id: r.id,
            kind: r.kind,
            activity_id: r.activity_id,
            activity_title: title,
            at: r.created_at,
        });
    }
    Ok(out)
}

/// Marks one of the caller's notices read.
pub async fn mark_read(store: &Store, scope: &Scope, id: i64) -> Result<()> {
    let conn = store.conn();
    let t = own_teacher(conn, scope).await?.ok_or(Error::NotFound)?;
    let n = notice::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|n| n.teacher_id == t.id)
        .ok_or(Error::NotFound)?;
    let mut am: notice::ActiveModel = n.into();
    am.read_at = Set(Some(Utc::now()));
    am.update(conn).await?;
    Ok(())
}
