//! Personal access tokens for the JSON API (`Authorization: Bearer lyt_…`).
//! The secret is shown once at creation; only its SHA-256 is stored.

use crate::audit::{self, Change};
use crate::auth::Account;
use crate::entity::{api_token, user};
use crate::{Error, Result, Scope, Store};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use lingyan_domain::FieldError;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Every token starts with this, so leaked tokens are easy to recognise.
pub const PREFIX: &str = "lyt_";

/// A token as listed to its owner (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenInfo {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > Utc::now())
    }
}

impl From<api_token::Model> for TokenInfo {
    fn from(m: api_token::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            prefix: m.token_prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            expires_at: m.expires_at,
            revoked_at: m.revoked_at,
        }
    }
}

fn digest(secret: &str) -> String {
    crate::files::hex(&Sha256::digest(secret.as_bytes()))
}

/// Creates a token for the caller. Returns it with the secret, which is
/// never shown again.
pub async fn create(
    store: &Store,
    scope: &Scope,
    name: &str,
    expires_in_days: Option<u32>,
) -> Result<(TokenInfo, String)> {
    let user_id = scope.user_id().ok_or(Error::Forbidden)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid(FieldError::new("name", "required")));
    }
    if name.chars().count() > 64 {
        return Err(Error::Invalid(
            FieldError::new("name", "too_long").with("max", 64),
        ));
    }
    if expires_in_days.is_some_and(|d| d == 0 || d > 3650) {
        return Err(Error::Invalid(
            FieldError::new("expires_in_days", "out_of_range")
                .with("min", 1)
                .with("max", 3650),
        ));
    }
    let bytes: [u8; 32] = rand::random();
    let secret = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let now = Utc::now();
    let home = scope.home();
    let txn = store.begin().await?;
    let m = api_token::ActiveModel {
        user_id: Set(user_id),
        district_id: Set(home.district_id),
        school_id: Set(home.school_id),
        name: Set(name.to_string()),
        token_prefix: Set(secret.chars().take(10).collect()),
        token_hash: Set(digest(&secret)),
        created_at: Set(now),
        last_used_at: Set(None),
        expires_at: Set(expires_in_days.map(|d| now + Duration::days(i64::from(d)))),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "token.create",
            entity_type: "api_token",
            entity_id: Some(m.id.to_string()),
            tenant: home,
            before: None,
            after: Some(json!({"name": m.name, "prefix": m.token_prefix, "expires_at": m.expires_at})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((m.into(), secret))
}

/// The caller's own tokens, newest first.
pub async fn list_own(store: &Store, scope: &Scope) -> Result<Vec<TokenInfo>> {
    let user_id = scope.user_id().ok_or(Error::Forbidden)?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(store.conn())
        .await?
        .into_iter()
        .map(TokenInfo::from)
        .collect())
}

/// Revokes one of the caller's tokens. Revoking twice is harmless.
pub async fn revoke_own(store: &Store, scope: &Scope, id: i64) -> Result<TokenInfo> {
    let user_id = scope.user_id().ok_or(Error::Forbidden)?;
    let txn = store.begin().await?;
    let m = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if m.revoked_at.is_some() {
        return Ok(m.into());
    }
    let mut am = m.into_active_model();
    am.revoked_at = Set(Some(Utc::now()));
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "token.revoke",
            entity_type: "api_token",
            entity_id: Some(id.to_string()),
            tenant: scope.home(),
            before: None,
            after: Some(json!({"name": m.name, "prefix": m.token_prefix})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

/// Revokes every live token of an account (a password reset or disabling
/// the account ends them, as it ends the account's sessions). Returns how
/// many were revoked.
pub(crate) async fn revoke_all_for<C: sea_orm::ConnectionTrait>(conn: &C, user_id: i64) -> Result<u64> {
    let r = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(r.rows_affected)
}

/// The account a bearer token belongs to, if the token is valid: known, not
/// revoked, not expired, and its account active.
pub async fn authenticate(store: &Store, secret: &str) -> Result<Option<Account>> {
    if !secret.starts_with(PREFIX) || secret.len() > 128 {
        return Ok(None);
    }
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(digest(secret)))
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let Some(u) = user::Entity::find_by_id(t.user_id).one(store.conn()).await? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    // Record use at most once a minute, so busy clients do not write on
    // every request.
    if t.last_used_at.is_none_or(|l| now - l > Duration::seconds(60)) {
        let mut am = t.into_active_model();
        am.last_used_at = Set(Some(now));
        am.update(store.conn()).await?;
    }
    Ok(Some(Account::from(u)))
}
