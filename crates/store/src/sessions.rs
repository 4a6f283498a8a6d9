//! A tower-sessions store on the Lingyan database, so sessions work the same
//! on SQLite and PostgreSQL and survive restarts.

use crate::Store;
use crate::entity::session;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, SqlErr};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// A session's values.
type Data = HashMap<String, serde_json::Value>;

/// A session whose expiry moved by less than this is not written again:
/// sessions expire after hours of inactivity, and without it every request
/// (which moves the expiry) would write its session.
pub const EXPIRY_SLACK: time::Duration = time::Duration::minutes(5);

/// How many sessions [`DbSessionStore`] remembers the stored state of.
const REMEMBERED: usize = 100_000;

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    store: Store,
    /// What the database holds for each session this process loaded or
    /// wrote last: its data (as stored) and its expiry. A save that changes
    /// neither the data nor the expiry by more than [`EXPIRY_SLACK`] is
    /// skipped. Every load refreshes the entry, so a change another server
    /// made is seen before it could be overwritten.
    stored: Arc<Mutex<HashMap<String, (Data, time::OffsetDateTime)>>>,
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            stored: Arc::default(),
        }
    }

    fn remember(&self, id: &Id, data: Data, expiry: time::OffsetDateTime) {
        let mut stored = self.stored.lock().unwrap_or_else(|e| e.into_inner());
        if stored.len() >= REMEMBERED {
            stored.clear();
        }
        stored.insert(id.to_string(), (data, expiry));
    }

    /// Whether the database already holds `data` with an expiry close
    /// enough to `expiry`.
    fn unchanged(&self, id: &Id, data: &Data, expiry: time::OffsetDateTime) -> bool {
        let stored = self.stored.lock().unwrap_or_else(|e| e.into_inner());
        stored
            .get(&id.to_string())
            .is_some_and(|(d, e)| d == data && expiry - *e < EXPIRY_SLACK && *e <= expiry)
    }

    fn forget(&self, id: &Id) {
        let mut stored = self.stored.lock().unwrap_or_else(|e| e.into_inner());
        stored.remove(&id.to_string());
    }
}

fn backend(e: DbErr) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_else(Utc::now)
}

fn to_time(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn row(record: &Record) -> session_store::Result<session::ActiveModel> {
    let data =
        serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    Ok(session::ActiveModel {
        id: Set(record.id.to_string()),
        data: Set(data),
        expiry_date: Set(to_chrono(record.expiry_date)),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh id collides only by astronomically bad luck; if it does,
        // draw another instead of overwriting someone else's session.
        loop {
            match session::Entity::insert(row(record)?)
                .exec(self.store.conn())
                .await
            {
                Ok(_) => {
                    self.remember(&record.id, record.data.clone(), record.expiry_date);
                    return Ok(());
                }
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if self.unchanged(&record.id, &record.data, record.expiry_date) {
            return Ok(());
        }
        session::Entity::insert(row(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([session::Column::Data, session::Column::ExpiryDate])
                    .to_owned(),
            )
            .exec(self.store.conn())
            .await
            .map_err(backend)?;
        self.remember(&record.id, record.data.clone(), record.expiry_date);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let found = session::Entity::find_by_id(id.to_string())
            .filter(session::Column::ExpiryDate.gt(Utc::now()))
            .one(self.store.conn())
            .await
            .map_err(backend)?;
        let Some(m) = found else {
            self.forget(id);
            return Ok(None);
        };
        let data: Data =
            serde_json::from_str(&m.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        self.remember(id, data.clone(), to_time(m.expiry_date));
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: to_time(m.expiry_date),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.forget(id);
        session::Entity::delete_by_id(id.to_string())
            .exec(self.store.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        session::Entity::delete_many()
            .filter(session::Column::ExpiryDate.lt(Utc::now()))
            .exec(self.store.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
