//! The counts on each role's home page, all within the caller's scope.

use crate::entity::{api_token, audit_log, school, user};
use crate::{Result, Scope, Store};
use chrono::{DateTime, Duration, Utc};
use lingyan_domain::{Capability, Role};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

/// Login activity over the last seven days, for audit readers.
#[derive(Debug, Clone, Serialize, Default)]
pub struct LoginActivity {
    pub ok: u64,
    pub failed: u64,
    pub locked: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeCounts {
    /// Districts the caller reads (directly, or through a school).
    pub districts: u64,
    pub schools: u64,
    pub active_users: u64,
    pub inactive_users: u64,
    pub users_by_role: Vec<(Role, u64)>,
    /// Present only for callers who may read the audit log.
    pub logins_7d: Option<LoginActivity>,
    pub my_active_tokens: u64,
    pub my_last_login_at: Option<DateTime<Utc>>,
}

pub async fn home(store: &Store, scope: &Scope) -> Result<HomeCounts> {
    let db = store.conn();
    let schools = school::Entity::find()
        .filter(scope.condition(Capability::Read, school::Column::DistrictId, school::Column::Id))
        .count(db)
        .await?;
    let districts = crate::districts::list(store, scope).await?.len() as u64;
    let users = || {
        user::Entity::find().filter(scope.condition(
            Capability::Read,
            user::Column::DistrictId,
            user::Column::SchoolId,
        ))
    };
    let active_users = users().filter(user::Column::Active.eq(true)).count(db).await?;
    let inactive_users = users().filter(user::Column::Active.eq(false)).count(db).await?;
    let users_by_role = crate::users::counts_by_role(store, scope).await?;

    let logins_7d = if scope.access().tenants(Capability::ReadAudit).is_empty() {
        None
    } else {
        let since = Utc::now() - Duration::days(7);
        let count = |action: &'static str| {
            audit_log::Entity::find()
                .filter(scope.condition(
                    Capability::ReadAudit,
                    audit_log::Column::DistrictId,
                    audit_log::Column::SchoolId,
                ))
                .filter(audit_log::Column::Action.eq(action))
                .filter(audit_log::Column::At.gte(since))
                .count(db)
        };
        Some(LoginActivity {
            ok: count("login.ok").await?,
            failed: count("login.failed").await?,
            locked: count("login.locked").await?,
        })
    };

    let (my_active_tokens, my_last_login_at) = match scope.user_id() {
        Some(id) => {
            let now = Utc::now();
            let tokens = api_token::Entity::find()
                .filter(api_token::Column::UserId.eq(id))
                .filter(api_token::Column::RevokedAt.is_null())
                .filter(
                    api_token::Column::ExpiresAt
                        .is_null()
                        .or(api_token::Column::ExpiresAt.gt(now)),
                )
                .count(db)
                .await?;
            let last = user::Entity::find_by_id(id)
                .one(db)
                .await?
                .and_then(|u| u.last_login_at);
            (tokens, last)
        }
        None => (0, None),
    };

    Ok(HomeCounts {
        districts,
        schools,
        active_users,
        inactive_users,
        users_by_role,
        logins_7d,
        my_active_tokens,
        my_last_login_at,
    })
}
