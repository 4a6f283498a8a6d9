//! Schools: list and search, create (district admins), view and edit.

use super::{PageCtx, Pager, checkbox, flash, redirect, render, render_status, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use lingyan_domain::{Capability, PageRequest, SchoolType, Tenant};
use lingyan_store::Error;
use lingyan_store::districts::District;
use lingyan_store::schools::{School, SchoolChanges, SchoolFilter};
use serde::Deserialize;
use std::collections::HashMap;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/schools", get(view_schools_get).post(view_schools_post))
        .route("/schools/{id}", get(view_school_get).post(view_school_post))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    district: Option<String>,
    page: Option<u64>,
}

#[derive(Deserialize, Default, Clone)]
struct SchoolForm {
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    school_type: String,
    active: Option<String>,
}

#[derive(Template)]
#[template(path = "schools.html")]
struct SchoolsPage {
    ctx: PageCtx,
    schools: Vec<School>,
    counts: HashMap<i64, u64>,
    pager: Pager,
    q: String,
    district: String,
    districts: Vec<District>,
    /// Districts where the caller may add schools.
    manageable: Vec<District>,
    types: Vec<SchoolType>,
    form: SchoolForm,
    error: Option<crate::pages::FormError>,
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    q: ListQuery,
    form: SchoolForm,
    error: Option<crate::pages::FormError>,
) -> Result<SchoolsPage, PageError> {
    let filter = SchoolFilter {
        district_id: q.district.as_deref().and_then(|d| d.parse().ok()),
        q: q.q.clone(),
    };
    let list = lingyan_store::schools::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let ids: Vec<i64> = list.items.iter().map(|s| s.id).collect();
    let counts = lingyan_store::schools::user_counts(&state.store, &caller.scope, &ids).await?;
    let districts = lingyan_store::districts::list(&state.store, &caller.scope).await?;
    let manageable = districts
        .iter()
        .filter(|d| {
            caller
                .scope
                .allows(Capability::ManageSchools, Tenant::district(d.id))
        })
        .cloned()
        .collect();
    let base = url_with(
        "/schools",
        &[
            ("q", q.q.clone().unwrap_or_default()),
            ("district", q.district.clone().unwrap_or_default()),
        ],
    );
    Ok(SchoolsPage {
        pager: Pager::new(&list, &base),
        schools: list.items,
        counts,
        q: q.q.unwrap_or_default(),
        district: q.district.unwrap_or_default(),
        districts,
        manageable,
        types: SchoolType::ALL.to_vec(),
        form,
        error,
        ctx,
    })
}

/// `GET /schools`
async fn view_schools_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    Ok(render(
        &list_page(&state, &caller, ctx, q, SchoolForm::default(), None).await?,
    ))
}

fn changes(f: &SchoolForm) -> SchoolChanges {
    SchoolChanges {
        code: Some(f.code.clone()),
        name: Some(f.name.clone()),
        name_en: Some(f.name_en.clone()),
        school_type: Some(f.school_type.clone()),
        active: Some(checkbox(&f.active)),
    }
}

/// `POST /schools`: adds a school to a district.
async fn view_schools_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<SchoolForm>,
) -> Result<Response, PageError> {
    let Ok(district_id) = f.district_id.parse::<i64>() else {
        let e = Error::Invalid(lingyan_domain::FieldError::new("district", "required"));
        let msg = super::message_for(&e);
        let p = list_page(&state, &caller, ctx, ListQuery::default(), f, Some(msg)).await?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p));
    };
    let mut c = changes(&f);
    c.active = Some(true);
    match lingyan_store::schools::create(&state.store, &caller.scope, district_id, c).await {
        Ok(s) => {
            flash(&session, "ok", ctx.tr.t1("schools.created", "name", &s.name)).await;
            Ok(redirect(&format!("/schools/{}", s.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let msg = super::message_for(&e);
            let p = list_page(&state, &caller, ctx, ListQuery::default(), f, Some(msg)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "school_detail.html")]
struct SchoolPage {
    ctx: PageCtx,
    school: School,
    users: u64,
    can_edit: bool,
    /// The roster and the status analysis are for those who read teachers.
    can_read_teachers: bool,
    types: Vec<SchoolType>,
    form: SchoolForm,
    error: Option<crate::pages::FormError>,
}

async fn school_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    form: Option<SchoolForm>,
    error: Option<crate::pages::FormError>,
) -> Result<SchoolPage, PageError> {
    let school = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    let users = lingyan_store::schools::user_counts(&state.store, &caller.scope, &[id])
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    let form = form.unwrap_or_else(|| SchoolForm {
        district_id: school.district_id.to_string(),
        code: school.code.clone(),
        name: school.name.clone(),
        name_en: school.name_en.clone().unwrap_or_default(),
        school_type: school.school_type.code().to_string(),
        active: school.active.then(|| "on".to_string()),
    });
    Ok(SchoolPage {
        can_edit: caller.scope.allows(Capability::ManageSchools, school.tenant()),
        can_read_teachers: caller.scope.allows(Capability::ReadTeachers, school.tenant()),
        school,
        users,
        types: SchoolType::ALL.to_vec(),
        form,
        error,
        ctx,
    })
}

/// `GET /schools/{id}`
async fn view_school_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(&school_page(&state, &caller, ctx, id, None, None).await?))
}

/// `POST /schools/{id}`: edits a school.
async fn view_school_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<SchoolForm>,
) -> Result<Response, PageError> {
    match lingyan_store::schools::update(&state.store, &caller.scope, id, changes(&f)).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/schools/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let msg = super::message_for(&e);
            let p = school_page(&state, &caller, ctx, id, Some(f), Some(msg)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}
