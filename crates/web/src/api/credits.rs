//! Continuing-education credits over JSON: the preset library, and the
//! requirement a district (or, where it allows, a school) sets per school
//! year, with its history.

use super::duties::SourceDto;
use super::rule_sets::{DiffDto, VersionDto};
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use lingyan_domain::credits::{CreditRules, presets};
use lingyan_store::credits::RulesView;
use lingyan_store::rule_sets::Place;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets))
        .routes(routes!(get_district_rules, put_district_rules))
        .routes(routes!(adopt_district_preset))
        .routes(routes!(get_school_rules, put_school_rules))
        .routes(routes!(adopt_school_preset))
        .routes(routes!(district_history))
        .routes(routes!(district_version))
        .routes(routes!(school_history))
        .routes(routes!(school_version))
}

/// A preset credit requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditPresetDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The rule or document it comes from.
    pub source: String,
    pub source_en: Option<String>,
    pub description_zh: String,
    pub description_en: String,
    /// The requirement, in the shape `PUT …/credit-rules` takes; its notes
    /// say what the preset could not state for sure.
    pub rules: CreditRules,
}

/// The preset library: the seed's 48 credits and the national and
/// provincial rules, each citing its source.
#[utoipa::path(get, path = "/api/v1/credit-presets", tag = "credits", responses((status = 200, body = Vec<CreditPresetDto>)))]
async fn list_presets(_caller: Caller) -> ApiResult<Json<Vec<CreditPresetDto>>> {
    Ok(Json(
        presets::all()
            .iter()
            .map(|p| CreditPresetDto {
                code: p.code.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                source: p.source.clone(),
                source_en: p.source_en.clone(),
                description_zh: p.description_zh.clone(),
                description_en: p.description_en.clone(),
                rules: p.rules.clone(),
            })
            .collect(),
    ))
}

/// A requirement in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditRulesDto {
    /// The school year (its first calendar year).
    pub year: i32,
    pub source: SourceDto,
    /// The version in force (absent when nothing is set).
    pub version: Option<VersionDto>,
    /// Whether anything is asked (`total` above zero).
    pub set: bool,
    /// For a school: whether it may save its own requirement.
    pub school_may_set: bool,
    pub rules: CreditRules,
}

fn dto(v: RulesView, school: bool) -> CreditRulesDto {
    CreditRulesDto {
        year: v.year,
        source: v.source.into(),
        version: v.version.map(Into::into),
        set: v.set.is_set(),
        school_may_set: school && v.set.school_override,
        rules: v.set,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct YearParams {
    /// School year (first calendar year); default the current one.
    year: Option<i32>,
}

async fn year_or_current(state: &AppState, caller: &Caller, place: Place, y: Option<i32>) -> ApiResult<i32> {
    match y {
        Some(y) => Ok(y),
        None => Ok(lingyan_store::calendar::current_year(
            &state.store,
            &caller.scope,
            place.district_id,
            place.school_id,
        )
        .await?),
    }
}

async fn get_rules(
    state: &AppState,
    caller: &Caller,
    place: Place,
    y: Option<i32>,
) -> ApiResult<Json<CreditRulesDto>> {
    let year = year_or_current(state, caller, place, y).await?;
    let v = lingyan_store::credits::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    Ok(Json(dto(v, place.school_id.is_some())))
}

/// A whole requirement, as saved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreditRulesBody {
    pub year: i32,
    /// Read once the caller is known to be allowed to change the requirement.
    #[schema(value_type = CreditRules)]
    pub rules: serde_json::Value,
}

async fn put_rules(
    state: &AppState,
    caller: &Caller,
    place: Place,
    b: CreditRulesBody,
) -> ApiResult<Json<CreditRulesDto>> {
    // Permission first: someone who may not change the rules is refused
    // whatever they sent.
    lingyan_store::credits::check_manage(&state.store, &caller.scope, place.district_id, place.school_id)
        .await?;
    let rules: CreditRules = serde_json::from_value(b.rules)
        .map_err(|e| crate::error::ApiError::BadRequest(format!("rules: {e}")))?;
    let v = lingyan_store::credits::save(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        b.year,
        rules,
    )
    .await?;
    Ok(Json(dto(v, place.school_id.is_some())))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreditAdoptBody {
    pub year: i32,
    /// A preset code from `GET /api/v1/credit-presets`.
    pub preset: String,
}

async fn adopt(
    state: &AppState,
    caller: &Caller,
    place: Place,
    b: CreditAdoptBody,
) -> ApiResult<Json<CreditRulesDto>> {
    let v = lingyan_store::credits::adopt(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        b.year,
        &b.preset,
    )
    .await?;
    Ok(Json(dto(v, place.school_id.is_some())))
}

/// The credit requirement a district sets for its schools.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credit-rules", tag = "credits", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = CreditRulesDto), (status = 404, body = ErrorBody)))]
async fn get_district_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<CreditRulesDto>> {
    get_rules(&state, &caller, Place::district(id), q.year).await
}

/// Saves a district's requirement for a school year, as a new version.
/// Every problem is named by field (and, inside a bucket, conversion or
/// pool, by its position and name) (422).
#[utoipa::path(put, path = "/api/v1/districts/{id}/credit-rules", tag = "credits", params(("id" = i64, Path)), request_body = CreditRulesBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_district_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditRulesBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    put_rules(&state, &caller, Place::district(id), b).await
}

/// Replaces a district's requirement for the year with a preset's.
#[utoipa::path(post, path = "/api/v1/districts/{id}/credit-rules/adopt", tag = "credits", params(("id" = i64, Path)), request_body = CreditAdoptBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn adopt_district_preset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditAdoptBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    adopt(&state, &caller, Place::district(id), b).await
}

/// The credit requirement in force for a school: its own where the
/// district lets schools set theirs, else the district's.
#[utoipa::path(get, path = "/api/v1/schools/{id}/credit-rules", tag = "credits", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = CreditRulesDto), (status = 404, body = ErrorBody)))]
async fn get_school_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<CreditRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    get_rules(&state, &caller, place, q.year).await
}

/// Saves a school's own requirement (only where its district allows it:
/// else 422 naming `school_override`).
#[utoipa::path(put, path = "/api/v1/schools/{id}/credit-rules", tag = "credits", params(("id" = i64, Path)), request_body = CreditRulesBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_school_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditRulesBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    put_rules(&state, &caller, place, b).await
}

/// Replaces a school's own requirement with a preset's (where allowed).
#[utoipa::path(post, path = "/api/v1/schools/{id}/credit-rules/adopt", tag = "credits", params(("id" = i64, Path)), request_body = CreditAdoptBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn adopt_school_preset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditAdoptBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    adopt(&state, &caller, place, b).await
}

/// Every version of a district's credit requirement, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credit-rules/history", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn district_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    super::rule_sets::history::<CreditRules>(&state, &caller, Place::district(id)).await
}

/// One version of a district's credit requirement and what it changed, in words.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credit-rules/versions/{version_id}", tag = "credits",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn district_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    super::rule_sets::version::<CreditRules>(&state, &caller, Place::district(id), vid).await
}

/// Every version of a school's own credit requirement, newest first.
#[utoipa::path(get, path = "/api/v1/schools/{id}/credit-rules/history", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn school_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    super::rule_sets::history::<CreditRules>(&state, &caller, place).await
}

/// One version of a school's credit requirement and what it changed.
#[utoipa::path(get, path = "/api/v1/schools/{id}/credit-rules/versions/{version_id}", tag = "credits",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn school_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    super::rule_sets::version::<CreditRules>(&state, &caller, place, vid).await
}
