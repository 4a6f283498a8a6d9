//! The audit log, for those who may read it.

use super::{PageCtx, Pager, render, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use lingyan_domain::{Capability, PageRequest};
use lingyan_store::audit::{AuditEntry, AuditFilter};
use lingyan_store::schools::School;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(view_audit_get))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    action: Option<String>,
    school: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: PageCtx,
    entries: Vec<AuditEntry>,
    pager: Pager,
    action: String,
    school: String,
    schools: Vec<School>,
}

/// `GET /audit`
async fn view_audit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    if caller.scope.access().tenants(Capability::ReadAudit).is_empty() {
        return Err(lingyan_store::Error::Forbidden.into());
    }
    let filter = AuditFilter {
        action: q.action.clone(),
        school_id: q.school.as_deref().and_then(|s| s.parse().ok()),
        actor_user_id: None,
    };
    let list = lingyan_store::audit::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let base = url_with(
        "/audit",
        &[
            ("action", q.action.clone().unwrap_or_default()),
            ("school", q.school.clone().unwrap_or_default()),
        ],
    );
    let schools =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadAudit).await?;
    Ok(render(&AuditPage {
        pager: Pager::new(&list, &base),
        entries: list.items,
        action: q.action.unwrap_or_default(),
        school: q.school.unwrap_or_default(),
        schools,
        ctx,
    }))
}
