//! The audit log.

use super::dto::{AuditEntry, Page};
use super::{ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use lingyan_domain::{Capability, PageRequest};
use lingyan_store::audit::AuditFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Actions starting with this, e.g. `login` or `role.`.
    action: Option<String>,
    school_id: Option<i64>,
    actor_user_id: Option<i64>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// Audit records in the tenants whose audit the caller may read, newest
/// first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    if caller.scope.access().tenants(Capability::ReadAudit).is_empty() {
        return Err(lingyan_store::Error::Forbidden.into());
    }
    let filter = AuditFilter {
        action: q.action,
        school_id: q.school_id,
        actor_user_id: q.actor_user_id,
    };
    let list = lingyan_store::audit::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(Page::from(list, AuditEntry::from)))
}
