//! Mentor pairs over JSON: list, create, end.

use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pairs, create_pair))
        .routes(routes!(end_pair))
}

/// A mentor pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairDto {
    pub id: i64,
    pub school_id: i64,
    pub mentor_teacher_id: i64,
    pub mentor_name: String,
    pub apprentice_teacher_id: i64,
    pub apprentice_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PairQuery {
    school_id: Option<i64>,
}

/// Mentor pairs of the schools the caller sees.
#[utoipa::path(get, path = "/api/v1/mentor-pairs", tag = "portfolio", params(PairQuery),
    responses((status = 200, body = Vec<PairDto>)))]
async fn list_pairs(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PairQuery>,
) -> ApiResult<Json<Vec<PairDto>>> {
    let ps = lingyan_store::mentoring::list(&state.store, &caller.scope, q.school_id).await?;
    Ok(Json(
        ps.into_iter()
            .map(|p| PairDto {
                id: p.id,
                school_id: p.school_id,
                mentor_teacher_id: p.mentor_teacher_id,
                mentor_name: p.mentor_name,
                apprentice_teacher_id: p.apprentice_teacher_id,
                apprentice_name: p.apprentice_name,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PairBody {
    pub mentor_teacher_id: i64,
    pub apprentice_teacher_id: i64,
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Pairs a mentor with an apprentice.
#[utoipa::path(post, path = "/api/v1/mentor-pairs", tag = "portfolio", request_body = PairBody,
    responses((status = 201, body = Created), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_pair(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<PairBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = lingyan_store::mentoring::create(
        &state.store,
        &caller.scope,
        b.mentor_teacher_id,
        b.apprentice_teacher_id,
        &b.starts_on,
        b.ends_on.as_deref().unwrap_or(""),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndBody {
    pub ends_on: String,
}

/// Ends a mentor pair on a date.
#[utoipa::path(post, path = "/api/v1/mentor-pairs/{id}/end", tag = "portfolio", params(("id" = i64, Path)), request_body = EndBody,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn end_pair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EndBody>,
) -> ApiResult<StatusCode> {
    lingyan_store::mentoring::end(&state.store, &caller.scope, id, &b.ends_on).await?;
    Ok(StatusCode::NO_CONTENT)
}
