//! Every rule set's history over JSON: the versions a school or district
//! saved, and what each changed, in words, in the caller's language. One
//! pair of routes per kind and place; the handlers are the same generic
//! functions.

use super::ApiResult;
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::i18n::Tr;
use crate::pages::rule_sets::Worded;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::TierRules;
use lingyan_domain::duties::DutySet;
use lingyan_store::rule_sets::{Place, VersionInfo};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(school_duty_history))
        .routes(routes!(school_duty_version))
        .routes(routes!(district_duty_history))
        .routes(routes!(district_duty_version))
        .routes(routes!(school_tier_history))
        .routes(routes!(school_tier_version))
        .routes(routes!(district_tier_history))
        .routes(routes!(district_tier_version))
}

/// One saved version of a rule set.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub id: i64,
    /// The school year it was saved for.
    pub year: i32,
    /// 1 for the year's first version, then 2, 3 …
    pub version: i32,
    /// The day new and changed rules took effect (duties only; absent: the
    /// year's start).
    pub effective_from: Option<NaiveDate>,
    pub saved_at: DateTime<Utc>,
    /// Who saved it, by name.
    pub saved_by: Option<String>,
    /// The school that saved it; absent for a district's version.
    pub school_id: Option<i64>,
}

impl From<VersionInfo> for VersionDto {
    fn from(v: VersionInfo) -> Self {
        Self {
            id: v.id,
            year: v.year,
            version: v.version,
            effective_from: v.effective_from,
            saved_at: v.saved_at,
            saved_by: v.saved_by,
            school_id: v.school_id,
        }
    }
}

/// One rule added, removed or changed, in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeDto {
    /// `added`, `removed`, `changed` or `reordered`.
    pub change: String,
    /// The rule's code (empty for `reordered`).
    pub code: String,
    /// The rule's name in the caller's language.
    pub name: String,
    /// The rule as it was, in words (empty when added).
    pub before: String,
    /// The rule as it is now, in words (empty when removed).
    pub after: String,
}

/// A version and what it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffDto {
    pub version: VersionDto,
    /// What it is compared with, in words: the previous version, the
    /// district's rules, or the defaults.
    pub compared_with: String,
    pub changes: Vec<ChangeDto>,
}

pub(crate) async fn school_place(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Place> {
    let s = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    Ok(Place::school(s.district_id, s.id))
}

pub(crate) async fn history<K: Worded>(
    state: &AppState,
    caller: &Caller,
    place: Place,
) -> ApiResult<Json<Vec<VersionDto>>> {
    Ok(Json(
        lingyan_store::rule_sets::history::<K>(&state.store, &caller.scope, place)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub(crate) async fn version<K: Worded>(
    state: &AppState,
    caller: &Caller,
    place: Place,
    id: i64,
) -> ApiResult<Json<DiffDto>> {
    let tr = Tr(caller.locale);
    let d = lingyan_store::rule_sets::diff::<K>(&state.store, &caller.scope, place, id).await?;
    let tiers = lingyan_store::tiers::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        d.version.year,
    )
    .await?
    .set;
    let changes = crate::pages::rule_sets::changes(&d, &tiers, tr)
        .into_iter()
        .map(|c| ChangeDto {
            change: c.class.to_string(),
            code: c.code,
            name: c.name,
            before: c.before,
            after: c.after,
        })
        .collect();
    Ok(Json(DiffDto {
        version: d.version.into(),
        compared_with: K::source_text(tr, d.before_source),
        changes,
    }))
}

/// Every version of a school's own duty rules, newest first.
#[utoipa::path(get, path = "/api/v1/schools/{id}/duty-set/history", tag = "duties", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn school_duty_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    let place = school_place(&state, &caller, id).await?;
    history::<DutySet>(&state, &caller, place).await
}

/// One version of a school's duty rules and what it changed.
#[utoipa::path(get, path = "/api/v1/schools/{id}/duty-set/versions/{version_id}", tag = "duties",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn school_duty_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    let place = school_place(&state, &caller, id).await?;
    version::<DutySet>(&state, &caller, place, vid).await
}

/// Every version of a district's duty rules, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{id}/duty-set/history", tag = "duties", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn district_duty_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    history::<DutySet>(&state, &caller, Place::district(id)).await
}

/// One version of a district's duty rules and what it changed.
#[utoipa::path(get, path = "/api/v1/districts/{id}/duty-set/versions/{version_id}", tag = "duties",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn district_duty_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    version::<DutySet>(&state, &caller, Place::district(id), vid).await
}

/// Every version of a school's own tier rules, newest first.
#[utoipa::path(get, path = "/api/v1/schools/{id}/tiers/history", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn school_tier_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    let place = school_place(&state, &caller, id).await?;
    history::<TierRules>(&state, &caller, place).await
}

/// One version of a school's tier rules and what it changed.
#[utoipa::path(get, path = "/api/v1/schools/{id}/tiers/versions/{version_id}", tag = "organisation",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn school_tier_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    let place = school_place(&state, &caller, id).await?;
    version::<TierRules>(&state, &caller, place, vid).await
}

/// Every version of a district's tier rules, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{id}/tiers/history", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn district_tier_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    history::<TierRules>(&state, &caller, Place::district(id)).await
}

/// One version of a district's tier rules and what it changed.
#[utoipa::path(get, path = "/api/v1/districts/{id}/tiers/versions/{version_id}", tag = "organisation",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn district_tier_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    version::<TierRules>(&state, &caller, Place::district(id), vid).await
}
