//! The status analysis of a school or district over JSON.

use super::teachers_dto::*;
use super::{ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use lingyan_domain::{Locale, SchoolType};
use lingyan_store::calendar::today;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(school_status))
        .routes(routes!(district_status))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StatusParams {
    /// The date ages are measured on (default today).
    as_of: Option<String>,
    /// zh-CN or en (default the caller's language).
    lang: Option<String>,
}

fn as_of(q: &StatusParams) -> Result<NaiveDate, ApiError> {
    match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(lingyan_domain::dates::parse_date("as_of", s)?),
        None => Ok(today()),
    }
}

fn lang(q: &StatusParams, caller: &Caller) -> Result<Locale, ApiError> {
    match q.lang.as_deref().filter(|s| !s.is_empty()) {
        Some(l) => Ok(Locale::parse(l)?),
        None => Ok(caller.locale),
    }
}

/// A school's status analysis (情况分析) with its prose.
#[utoipa::path(get, path = "/api/v1/schools/{id}/status", tag = "teachers", params(("id" = i64, Path), StatusParams),
    responses((status = 200, body = Status), (status = 404, body = ErrorBody)))]
async fn school_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<StatusParams>,
) -> ApiResult<Json<Status>> {
    let s = lingyan_store::status::for_school(&state.store, &caller.scope, id, as_of(&q)?).await?;
    let l = lang(&q, &caller)?;
    let subject = lingyan_reports::status::Subject::School {
        name: lingyan_reports::local_name(l, &s.school.name, s.school.name_en.as_deref()),
        kindergarten: s.school.school_type == SchoolType::Kindergarten,
        district: &s.school.district_name,
    };
    Ok(Json(Status {
        title: lingyan_reports::status::title(subject, l),
        as_of: s.analysis.as_of,
        prose: lingyan_reports::status::prose(subject, &s.analysis, l),
        analysis: serde_json::to_value(&s.analysis).unwrap_or_default(),
        schools: Vec::new(),
    }))
}

/// A district's status analysis, in all and school by school.
#[utoipa::path(get, path = "/api/v1/districts/{id}/status", tag = "teachers", params(("id" = i64, Path), StatusParams),
    responses((status = 200, body = Status), (status = 404, body = ErrorBody)))]
async fn district_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<StatusParams>,
) -> ApiResult<Json<Status>> {
    let d = lingyan_store::status::for_district(&state.store, &caller.scope, id, as_of(&q)?).await?;
    let l = lang(&q, &caller)?;
    let subject = lingyan_reports::status::Subject::District {
        name: lingyan_reports::local_name(l, &d.district.name, d.district.name_en.as_deref()),
        district: &d.district.name,
    };
    Ok(Json(Status {
        title: lingyan_reports::status::title(subject, l),
        as_of: d.analysis.as_of,
        prose: lingyan_reports::status::prose(subject, &d.analysis, l),
        analysis: serde_json::to_value(&d.analysis).unwrap_or_default(),
        schools: d
            .schools
            .iter()
            .map(|s| serde_json::json!({"school_id": s.school.id, "school": s.school.name, "analysis": s.analysis}))
            .collect(),
    }))
}
