//! The audit log: who did what to which record, when, in which tenant, with
//! the record before and after. Written in the same transaction as the change
//! it describes; read through the caller's scope.

use crate::entity::audit_log;
use crate::{Actor, Result, Scope, Store};
use chrono::{DateTime, Utc};
use lingyan_domain::{Capability, PageRequest, Paged, Tenant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use serde_json::Value;

/// One audit record as shown to readers.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: Option<String>,
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub ip: Option<String>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            id: m.id,
            at: m.at,
            actor_user_id: m.actor_user_id,
            actor_username: m.actor_username,
            district_id: m.district_id,
            school_id: m.school_id,
            action: m.action,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            before: parse(m.before_json),
            after: parse(m.after_json),
            ip: m.ip,
        }
    }
}

/// What a change did, for [`record`].
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub tenant: Tenant,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Writes one audit record on `conn` (normally the transaction that makes
/// the change).
pub(crate) async fn record<C: ConnectionTrait>(conn: &C, actor: &Actor, change: Change<'_>) -> Result<()> {
    let row = audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_user_id: Set(actor.user_id),
        actor_username: Set(Some(actor.username.clone())),
        district_id: Set(change.tenant.district_id),
        school_id: Set(change.tenant.school_id),
        action: Set(change.action.to_string()),
        entity_type: Set(change.entity_type.to_string()),
        entity_id: Set(change.entity_id),
        before_json: Set(change.before.map(|v| v.to_string())),
        after_json: Set(change.after.map(|v| v.to_string())),
        ip: Set(actor.ip.clone()),
        ..Default::default()
    };
    audit_log::Entity::insert(row).exec(conn).await?;
    Ok(())
}

/// Filters for reading the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Actions starting with this (`login`, `user.`, `role.grant`).
    pub action: Option<String>,
    pub school_id: Option<i64>,
    pub actor_user_id: Option<i64>,
}

/// Reads the log, newest first, limited to tenants whose audit the caller
/// may read.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Paged<AuditEntry>> {
    let mut q = audit_log::Entity::find().filter(scope.condition(
        Capability::ReadAudit,
        audit_log::Column::DistrictId,
        audit_log::Column::SchoolId,
    ));
    if let Some(a) = filter.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        q = q.filter(audit_log::Column::Action.starts_with(a));
    }
    if let Some(s) = filter.school_id {
        q = q.filter(audit_log::Column::SchoolId.eq(s));
    }
    if let Some(u) = filter.actor_user_id {
        q = q.filter(audit_log::Column::ActorUserId.eq(u));
    }
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(store.conn())
        .await?;
    Ok(Paged {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}
