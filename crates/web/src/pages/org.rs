//! A school's groups and leading groups.

use super::{PageCtx, flash, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::{Capability, GroupKind, GroupPosition, LeadingPosition};
use lingyan_store::Error;
use lingyan_store::org::{Group, LeadingGroup};
use lingyan_store::schools::School;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/schools/{id}/org", get(view_org_get))
        .route("/schools/{id}/groups", post(view_group_create_post))
        .route("/groups/{id}", post(view_group_post))
        .route("/groups/{id}/delete", post(view_group_delete_post))
        .route("/groups/{id}/members", post(view_group_member_post))
        .route(
            "/groups/{id}/members/{teacher}/delete",
            post(view_group_member_delete_post),
        )
        .route("/schools/{id}/leading-groups", post(view_leading_create_post))
        .route("/leading-groups/{id}/delete", post(view_leading_delete_post))
        .route("/leading-groups/{id}/members", post(view_leading_member_post))
        .route(
            "/leading-groups/{id}/members/{teacher}/delete",
            post(view_leading_member_delete_post),
        )
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    ctx: PageCtx,
    school: School,
    groups: Vec<Group>,
    leading: Vec<LeadingGroup>,
    /// (id, name) of current staff, for member pickers.
    staff: Vec<super::people::PersonChoice>,
    kinds: &'static [GroupKind],
    positions: &'static [GroupPosition],
    leading_positions: &'static [LeadingPosition],
    can_manage: bool,
    /// The members' list opens the roster, for those who read it.
    can_read_teachers: bool,
    error: Option<crate::pages::FormError>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    school_id: i64,
    error: Option<crate::pages::FormError>,
) -> Result<OrgPage, PageError> {
    let school = lingyan_store::schools::get(&state.store, &caller.scope, school_id).await?;
    let can_manage = caller.scope.allows(Capability::ManageTeachers, school.tenant());
    let can_read_teachers = caller.scope.allows(Capability::ReadTeachers, school.tenant());
    let staff = if can_manage {
        super::people::choices(
            lingyan_store::teachers::choices(
                &state.store,
                &caller.scope,
                Capability::ManageTeachers,
                &[school_id],
            )
            .await?,
        )
    } else {
        Vec::new()
    };
    Ok(OrgPage {
        groups: lingyan_store::org::groups(&state.store, &caller.scope, school_id).await?,
        leading: lingyan_store::org::leading_groups(&state.store, &caller.scope, school_id).await?,
        school,
        staff,
        kinds: GroupKind::ALL,
        positions: GroupPosition::ALL,
        leading_positions: LeadingPosition::ALL,
        can_manage,
        can_read_teachers,
        error,
        ctx,
    })
}

/// `GET /schools/{id}/org`
async fn view_org_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(&page(&state, &caller, ctx, id, None).await?))
}

/// Back to the organisation page, or the page again with the error.
async fn done(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    session: &Session,
    school_id: i64,
    res: Result<(), Error>,
) -> Result<Response, PageError> {
    match res {
        Ok(()) => {
            flash(session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/schools/{school_id}/org")))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let msg = super::message_for(&e);
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(state, caller, ctx, school_id, Some(msg)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct GroupForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    /// The school, for returning to its page.
    school: i64,
}

/// `POST /schools/{id}/groups`
async fn view_group_create_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<GroupForm>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::create_group(&state.store, &caller.scope, id, &f.kind, &f.name)
        .await
        .map(|_| ());
    done(&state, &caller, ctx, &session, id, res).await
}

/// `POST /groups/{id}`: rename.
async fn view_group_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<GroupForm>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::rename_group(&state.store, &caller.scope, id, &f.name).await;
    done(&state, &caller, ctx, &session, f.school, res).await
}

#[derive(Deserialize)]
struct SchoolOnly {
    school: i64,
}

/// `POST /groups/{id}/delete`
async fn view_group_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<SchoolOnly>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::delete_group(&state.store, &caller.scope, id).await;
    done(&state, &caller, ctx, &session, f.school, res).await
}

#[derive(Deserialize)]
struct MemberForm {
    teacher: i64,
    #[serde(default)]
    position: String,
    #[serde(default)]
    responsibilities: String,
    school: i64,
}

/// `POST /groups/{id}/members`
async fn view_group_member_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::set_member(&state.store, &caller.scope, id, f.teacher, &f.position).await;
    done(&state, &caller, ctx, &session, f.school, res).await
}

/// `POST /groups/{id}/members/{teacher}/delete`
async fn view_group_member_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, teacher)): Path<(i64, i64)>,
    Form(f): Form<SchoolOnly>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::remove_member(&state.store, &caller.scope, id, teacher).await;
    done(&state, &caller, ctx, &session, f.school, res).await
}

#[derive(Deserialize)]
struct LeadingForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    programme: String,
}

/// `POST /schools/{id}/leading-groups`
async fn view_leading_create_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<LeadingForm>,
) -> Result<Response, PageError> {
    let res =
        lingyan_store::org::create_leading_group(&state.store, &caller.scope, id, &f.name, &f.programme)
            .await
            .map(|_| ());
    done(&state, &caller, ctx, &session, id, res).await
}

/// `POST /leading-groups/{id}/delete`
async fn view_leading_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<SchoolOnly>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::delete_leading_group(&state.store, &caller.scope, id).await;
    done(&state, &caller, ctx, &session, f.school, res).await
}

/// `POST /leading-groups/{id}/members`
async fn view_leading_member_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::set_leading_member(
        &state.store,
        &caller.scope,
        id,
        f.teacher,
        &f.position,
        &f.responsibilities,
    )
    .await;
    done(&state, &caller, ctx, &session, f.school, res).await
}

/// `POST /leading-groups/{id}/members/{teacher}/delete`
async fn view_leading_member_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, teacher)): Path<(i64, i64)>,
    Form(f): Form<SchoolOnly>,
) -> Result<Response, PageError> {
    let res = lingyan_store::org::remove_leading_member(&state.store, &caller.scope, id, teacher).await;
    done(&state, &caller, ctx, &session, f.school, res).await
}
