//! Districts: list, create and rename (system admins).

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
use lingyan_domain::{Capability, Tenant};
use lingyan_store::Error;
use lingyan_store::districts::{District, DistrictChanges};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/districts", get(view_districts_get).post(view_districts_post))
        .route("/districts/{id}", post(view_district_post))
}

#[derive(Deserialize, Default, Clone)]
struct DistrictForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
}

#[derive(Template)]
#[template(path = "districts.html")]
struct DistrictsPage {
    ctx: PageCtx,
    districts: Vec<District>,
    can_manage: bool,
    form: DistrictForm,
    error: Option<crate::pages::FormError>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    form: DistrictForm,
    error: Option<crate::pages::FormError>,
) -> Result<DistrictsPage, PageError> {
    Ok(DistrictsPage {
        districts: lingyan_store::districts::list(&state.store, &caller.scope).await?,
        can_manage: caller.scope.allows(Capability::ManageDistricts, Tenant::GLOBAL),
        form,
        error,
        ctx,
    })
}

/// `GET /districts`
async fn view_districts_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    Ok(render(
        &page(&state, &caller, ctx, DistrictForm::default(), None).await?,
    ))
}

fn changes(f: &DistrictForm) -> DistrictChanges {
    DistrictChanges {
        code: Some(f.code.clone()),
        name: Some(f.name.clone()),
        name_en: Some(f.name_en.clone()),
    }
}

async fn failed(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    f: DistrictForm,
    e: Error,
) -> Result<Response, PageError> {
    match e {
        Error::Invalid(_) | Error::Conflict(_) => {
            let msg = super::message_for(&e);
            let p = page(state, caller, ctx, f, Some(msg)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        e => Err(e.into()),
    }
}

/// `POST /districts`
async fn view_districts_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<DistrictForm>,
) -> Result<Response, PageError> {
    match lingyan_store::districts::create(&state.store, &caller.scope, changes(&f)).await {
        Ok(d) => {
            flash(&session, "ok", ctx.tr.t1("districts.created", "name", &d.name)).await;
            Ok(redirect("/districts"))
        }
        Err(e) => failed(&state, &caller, ctx, f, e).await,
    }
}

/// `POST /districts/{id}`
async fn view_district_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<DistrictForm>,
) -> Result<Response, PageError> {
    match lingyan_store::districts::update(&state.store, &caller.scope, id, changes(&f)).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect("/districts"))
        }
        Err(e) => failed(&state, &caller, ctx, f, e).await,
    }
}
