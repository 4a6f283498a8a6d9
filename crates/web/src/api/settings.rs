//! A school's or district's calendar and tier rules over JSON.

use super::teachers::YearParam;
use super::teachers_dto::*;
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lingyan_domain::tiers::{Combine, HonourCondition};
use lingyan_domain::{FieldError, HonourKind, Level};
use lingyan_store::calendar::{Source, YearInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(school_calendar))
        .routes(routes!(set_school_year))
        .routes(routes!(district_calendar))
        .routes(routes!(set_district_year))
        .routes(routes!(school_tiers, set_school_tiers))
        .routes(routes!(district_tiers, set_district_tiers))
}

fn year_dto(v: lingyan_store::calendar::YearView) -> SchoolYear {
    SchoolYear {
        start_year: v.year.start_year,
        first_start: v.year.first_start.to_string(),
        first_end: v.year.first_end.to_string(),
        second_start: v.year.second_start.to_string(),
        second_end: v.year.second_end.to_string(),
        source: match v.source {
            Source::School => "school",
            Source::District => "district",
            Source::Standard => "standard",
        }
        .into(),
    }
}

fn year_input(y: &SchoolYear) -> YearInput {
    YearInput {
        start_year: y.start_year.to_string(),
        first_start: y.first_start.clone(),
        first_end: y.first_end.clone(),
        second_start: y.second_start.clone(),
        second_end: y.second_end.clone(),
    }
}

pub(super) async fn school_ids(state: &AppState, caller: &Caller, id: i64) -> Result<(i64, i64), ApiError> {
    let s = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    Ok((s.district_id, s.id))
}

/// The school years in force for a school (its own dates over the district's).
#[utoipa::path(get, path = "/api/v1/schools/{id}/calendar", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SchoolYear>), (status = 404, body = ErrorBody)))]
async fn school_calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<SchoolYear>>> {
    let (d, s) = school_ids(&state, &caller, id).await?;
    Ok(Json(
        lingyan_store::calendar::years(&state.store, &caller.scope, d, Some(s))
            .await?
            .into_iter()
            .map(year_dto)
            .collect(),
    ))
}

/// Set a school's own dates for a school year.
#[utoipa::path(put, path = "/api/v1/schools/{id}/calendar", tag = "organisation", params(("id" = i64, Path)), request_body = SchoolYear,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_school_year(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SchoolYear>,
) -> ApiResult<StatusCode> {
    let (d, s) = school_ids(&state, &caller, id).await?;
    lingyan_store::calendar::set_year(&state.store, &caller.scope, d, Some(s), &year_input(&req)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A district's school years.
#[utoipa::path(get, path = "/api/v1/districts/{id}/calendar", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SchoolYear>), (status = 404, body = ErrorBody)))]
async fn district_calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<SchoolYear>>> {
    Ok(Json(
        lingyan_store::calendar::years(&state.store, &caller.scope, id, None)
            .await?
            .into_iter()
            .map(year_dto)
            .collect(),
    ))
}

/// Set a district's dates for a school year.
#[utoipa::path(put, path = "/api/v1/districts/{id}/calendar", tag = "organisation", params(("id" = i64, Path)), request_body = SchoolYear,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_district_year(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SchoolYear>,
) -> ApiResult<StatusCode> {
    lingyan_store::calendar::set_year(&state.store, &caller.scope, id, None, &year_input(&req)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn rules_dto(v: lingyan_store::tiers::RulesView) -> TierRules {
    TierRules {
        year: v.year,
        source: match v.source {
            lingyan_store::rule_sets::Source::School { .. } => "school",
            lingyan_store::rule_sets::Source::District { .. } => "district",
            lingyan_store::rule_sets::Source::Default => "standard",
        }
        .into(),
        tiers: v
            .set
            .tiers
            .into_iter()
            .map(|t| TierRule {
                code: t.code,
                name_zh: t.name_zh,
                name_en: t.name_en,
                combine: Some(match t.combine {
                    Combine::All => "all".into(),
                    Combine::Any => "any".into(),
                }),
                age_below: t.age_below,
                age_at_least: t.age_at_least,
                years_at_most: t.years_at_most,
                years_at_least: t.years_at_least,
                honour: t.honour.map(|h| h.kind.code().into()),
                honour_min_level: t.honour.map(|h| h.min_level.code().into()),
            })
            .collect(),
    }
}

fn rules_from(r: &TierRules) -> Result<lingyan_domain::TierRules, FieldError> {
    let mut tiers = Vec::new();
    for t in &r.tiers {
        tiers.push(lingyan_domain::TierRule {
            code: t.code.clone(),
            name_zh: t.name_zh.clone(),
            name_en: t.name_en.clone(),
            combine: match t.combine.as_deref() {
                None | Some("all") => Combine::All,
                Some("any") => Combine::Any,
                Some(other) => return Err(FieldError::new("combine", "unknown_combine").with("value", other)),
            },
            age_below: t.age_below,
            age_at_least: t.age_at_least,
            years_at_most: t.years_at_most,
            years_at_least: t.years_at_least,
            honour: match &t.honour {
                None => None,
                Some(k) => Some(HonourCondition {
                    kind: HonourKind::parse("honour", k)?,
                    min_level: Level::parse(
                        "honour_min_level",
                        t.honour_min_level.as_deref().unwrap_or("school"),
                    )?,
                }),
            },
        });
    }
    Ok(lingyan_domain::TierRules { tiers })
}

/// The tier rules in force for a school in a school year.
#[utoipa::path(get, path = "/api/v1/schools/{id}/tiers", tag = "organisation", params(("id" = i64, Path), YearParam),
    responses((status = 200, body = TierRules), (status = 404, body = ErrorBody)))]
async fn school_tiers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParam>,
) -> ApiResult<Json<TierRules>> {
    let (d, s) = school_ids(&state, &caller, id).await?;
    Ok(Json(rules_dto(
        lingyan_store::tiers::get(&state.store, &caller.scope, d, Some(s), q.year).await?,
    )))
}

/// Save a school's tier rules for a school year (earlier years keep theirs).
#[utoipa::path(put, path = "/api/v1/schools/{id}/tiers", tag = "organisation", params(("id" = i64, Path)), request_body = TierRules,
    responses((status = 200, body = TierRules), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_school_tiers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<TierRules>,
) -> ApiResult<Json<TierRules>> {
    let (d, s) = school_ids(&state, &caller, id).await?;
    let rules = rules_from(&req)?;
    Ok(Json(rules_dto(
        lingyan_store::tiers::set(&state.store, &caller.scope, d, Some(s), req.year, rules).await?,
    )))
}

/// A district's tier rules for a school year (its schools inherit them).
#[utoipa::path(get, path = "/api/v1/districts/{id}/tiers", tag = "organisation", params(("id" = i64, Path), YearParam),
    responses((status = 200, body = TierRules), (status = 404, body = ErrorBody)))]
async fn district_tiers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParam>,
) -> ApiResult<Json<TierRules>> {
    Ok(Json(rules_dto(
        lingyan_store::tiers::get(&state.store, &caller.scope, id, None, q.year).await?,
    )))
}

/// Save a district's tier rules for a school year.
#[utoipa::path(put, path = "/api/v1/districts/{id}/tiers", tag = "organisation", params(("id" = i64, Path)), request_body = TierRules,
    responses((status = 200, body = TierRules), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_district_tiers(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<TierRules>,
) -> ApiResult<Json<TierRules>> {
    let rules = rules_from(&req)?;
    Ok(Json(rules_dto(
        lingyan_store::tiers::set(&state.store, &caller.scope, id, None, req.year, rules).await?,
    )))
}
