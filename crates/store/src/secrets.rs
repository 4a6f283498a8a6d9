//! Installation secrets (the key that encrypts CSRF cookies), generated once
//! and kept in the database so every server process and restart agrees.

use crate::entity::app_secret;
use crate::{Result, Store};
use base64::Engine;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, EntityTrait};

/// The secret called `name`, created with 64 random bytes on first use.
/// Returns the raw bytes.
pub async fn get_or_create(store: &Store, name: &str) -> Result<Vec<u8>> {
    let engine = base64::engine::general_purpose::STANDARD;
    if let Some(s) = app_secret::Entity::find_by_id(name.to_string())
        .one(store.conn())
        .await?
    {
        return engine
            .decode(s.value)
            .map_err(|e| crate::Error::Internal(format!("secret {name} is corrupt: {e}")));
    }
    let mut bytes = Vec::with_capacity(64);
    bytes.extend_from_slice(&rand::random::<[u8; 32]>());
    bytes.extend_from_slice(&rand::random::<[u8; 32]>());
    let row = app_secret::ActiveModel {
        name: Set(name.to_string()),
        value: Set(engine.encode(&bytes)),
        created_at: Set(Utc::now()),
    };
    // Another process may have created it at the same moment; whichever row
    // is stored wins, so read it back rather than trusting our own.
    let _ = app_secret::Entity::insert(row).exec(store.conn()).await;
    let s = app_secret::Entity::find_by_id(name.to_string())
        .one(store.conn())
        .await?
        .ok_or_else(|| crate::Error::Internal(format!("secret {name} could not be stored")))?;
    engine
        .decode(s.value)
        .map_err(|e| crate::Error::Internal(format!("secret {name} is corrupt: {e}")))
}
