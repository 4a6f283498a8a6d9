//! A tower-sessions store on the Lingyan database, so sessions work the same
//! on SQLite and PostgreSQL and survive restarts.

use crate::Store;
use crate::entity::session;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, SqlErr};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    store: Store,
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        Self { store }
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
                Ok(_) => return Ok(()),
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        session::Entity::insert(row(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([session::Column::Data, session::Column::ExpiryDate])
                    .to_owned(),
            )
            .exec(self.store.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let found = session::Entity::find_by_id(id.to_string())
            .filter(session::Column::ExpiryDate.gt(Utc::now()))
            .one(self.store.conn())
            .await
            .map_err(backend)?;
        let Some(m) = found else { return Ok(None) };
        let data = serde_json::from_str(&m.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: to_time(m.expiry_date),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
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
