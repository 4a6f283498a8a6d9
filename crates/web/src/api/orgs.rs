//! Districts and schools.

use super::dto::{District, DistrictPatch, NewDistrict, NewSchool, Page, School, SchoolPatch};
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lingyan_domain::PageRequest;
use lingyan_store::districts::DistrictChanges;
use lingyan_store::schools::{SchoolChanges, SchoolFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_districts, create_district))
        .routes(routes!(get_district, patch_district))
        .routes(routes!(list_schools, create_school))
        .routes(routes!(get_school, patch_school))
}

/// Districts the caller works in.
#[utoipa::path(get, path = "/api/v1/districts", tag = "organisation",
    responses((status = 200, body = Vec<District>)))]
async fn list_districts(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<District>>> {
    let list = lingyan_store::districts::list(&state.store, &caller.scope).await?;
    Ok(Json(list.into_iter().map(District::from).collect()))
}

/// Create a district (system admins).
#[utoipa::path(post, path = "/api/v1/districts", tag = "organisation", request_body = NewDistrict,
    responses((status = 201, body = District), (status = 403, body = ErrorBody),
               (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_district(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewDistrict>,
) -> ApiResult<(StatusCode, Json<District>)> {
    let d = lingyan_store::districts::create(
        &state.store,
        &caller.scope,
        DistrictChanges {
            code: Some(req.code),
            name: Some(req.name),
            name_en: req.name_en,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// One district.
#[utoipa::path(get, path = "/api/v1/districts/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = District), (status = 404, body = ErrorBody)))]
async fn get_district(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<District>> {
    Ok(Json(
        lingyan_store::districts::get(&state.store, &caller.scope, id)
            .await?
            .into(),
    ))
}

/// Change a district's code or names (system admins).
#[utoipa::path(patch, path = "/api/v1/districts/{id}", tag = "organisation", request_body = DistrictPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = District), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn patch_district(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<DistrictPatch>,
) -> ApiResult<Json<District>> {
    let d = lingyan_store::districts::update(
        &state.store,
        &caller.scope,
        id,
        DistrictChanges {
            code: req.code,
            name: req.name,
            name_en: req.name_en,
        },
    )
    .await?;
    Ok(Json(d.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SchoolQuery {
    district_id: Option<i64>,
    /// Part of the code or name.
    q: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// Schools the caller can read.
#[utoipa::path(get, path = "/api/v1/schools", tag = "organisation", params(SchoolQuery),
    responses((status = 200, body = Page<School>)))]
async fn list_schools(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SchoolQuery>,
) -> ApiResult<Json<Page<School>>> {
    let filter = SchoolFilter {
        district_id: q.district_id,
        q: q.q,
    };
    let list = lingyan_store::schools::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(Page::from(list, School::from)))
}

/// Add a school to a district (district admins).
#[utoipa::path(post, path = "/api/v1/schools", tag = "organisation", request_body = NewSchool,
    responses((status = 201, body = School), (status = 403, body = ErrorBody),
               (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_school(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewSchool>,
) -> ApiResult<(StatusCode, Json<School>)> {
    let s = lingyan_store::schools::create(
        &state.store,
        &caller.scope,
        req.district_id,
        SchoolChanges {
            code: Some(req.code),
            name: Some(req.name),
            name_en: req.name_en,
            school_type: Some(req.school_type),
            active: Some(true),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// One school.
#[utoipa::path(get, path = "/api/v1/schools/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = School), (status = 404, body = ErrorBody)))]
async fn get_school(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<School>> {
    Ok(Json(
        lingyan_store::schools::get(&state.store, &caller.scope, id)
            .await?
            .into(),
    ))
}

/// Edit a school (district admins).
#[utoipa::path(patch, path = "/api/v1/schools/{id}", tag = "organisation", request_body = SchoolPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = School), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn patch_school(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SchoolPatch>,
) -> ApiResult<Json<School>> {
    let s = lingyan_store::schools::update(
        &state.store,
        &caller.scope,
        id,
        SchoolChanges {
            code: req.code,
            name: req.name,
            name_en: req.name_en,
            school_type: req.school_type,
            active: req.active,
        },
    )
    .await?;
    Ok(Json(s.into()))
}
