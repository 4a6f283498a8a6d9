//! A teacher's calendar feed (iCalendar): the sessions of the activities
//! they have a place in, at an address with a secret that only the
//! teacher sees — once, when it is made — and can replace, which stops
//! the old address at once. Only the secret's hash is kept.

use crate::entity::{activity, activity_participant as part, activity_session, calendar_feed, teacher};
use crate::{Error, Result, Scope, Store};
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

fn digest(secret: &str) -> String {
    crate::files::hex(&Sha256::digest(secret.as_bytes()))
}

async fn own(store: &Store, scope: &Scope) -> Result<teacher::Model> {
    let uid = scope.user_id().ok_or(Error::NotFound)?;
    teacher::Entity::find()
        .filter(teacher::Column::UserId.eq(uid))
        .filter(teacher::Column::Active.eq(true))
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)
}

/// When the caller's feed was made, if they have one.
pub async fn feed_made(store: &Store, scope: &Scope) -> Result<Option<DateTime<Utc>>> {
    let t = match own(store, scope).await {
        Ok(t) => t,
        Err(Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TeacherId.eq(t.id))
        .one(store.conn())
        .await?
        .map(|f| f.created_at))
}

/// Makes (or replaces) the caller's feed and returns its secret; an
/// address made before stops working.
pub async fn reset_feed(store: &Store, scope: &Scope) -> Result<String> {
    let t = own(store, scope).await?;
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>());
    let txn = store.begin().await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::TeacherId.eq(t.id))
        .exec(&txn)
        .await?;
    calendar_feed::ActiveModel {
        teacher_id: Set(t.id),
        token_hash: Set(digest(&secret)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// One session in a feed.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    pub session_id: i64,
    pub activity_id: i64,
    pub title: String,
    pub place: String,
    pub organiser: String,
    pub host: String,
    /// China time.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

/// The sessions of the feed with this secret: the teacher's activities
/// where they have a place (not waiting), from `from` on. An unknown
/// secret is `NotFound`.
pub async fn feed(store: &Store, secret: &str, from: NaiveDate) -> Result<(String, Vec<FeedEvent>)> {
    if secret.len() > 100 {
        return Err(Error::NotFound);
    }
    let conn = store.conn();
    let f = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(digest(secret)))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let t = teacher::Entity::find_by_id(f.teacher_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let ids: Vec<i64> = part::Entity::find()
        .filter(part::Column::TeacherId.eq(t.id))
        .filter(part::Column::Status.eq("registered"))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.activity_id)
        .collect();
    let acts: std::collections::HashMap<i64, activity::Model> = activity::Entity::find()
        .filter(activity::Column::Id.is_in(ids))
        .filter(activity::Column::LastDate.gte(from))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let sessions = activity_session::Entity::find()
        .filter(activity_session::Column::ActivityId.is_in(acts.keys().copied()))
        .filter(activity_session::Column::Date.gte(from))
        .order_by_asc(activity_session::Column::Date)
        .order_by_asc(activity_session::Column::StartTime)
        .all(conn)
        .await?;
    let events = sessions
        .into_iter()
        .filter_map(|s| {
            let a = acts.get(&s.activity_id)?;
            Some(FeedEvent {
                session_id: s.id,
                activity_id: a.id,
                title: a.title.clone(),
                place: s.place,
                organiser: a.organiser.clone(),
                host: a.host.clone(),
                start: s.date.and_time(s.start_time),
                end: s.date.and_time(s.end_time),
            })
        })
        .collect();
    Ok((t.name, events))
}
