//! Mentoring weeks over JSON: a school's weeks, setting, changing and
//! removing one, and what the running pairs did in it.

use super::PairPersonDto;
use crate::api::{ApiJson, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use lingyan_domain::mentoring::week::WeekInput;
use lingyan_store::mentoring::weeks::{self, Week, WeekReport};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_weeks, create_week))
        .routes(routes!(get_week, update_week, delete_week))
}

/// A mentoring week.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekDto {
    pub id: i64,
    pub school_id: i64,
    pub title: String,
    pub theme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Whether the caller may change or remove it.
    pub may_manage: bool,
}

impl From<Week> for WeekDto {
    fn from(w: Week) -> Self {
        Self {
            id: w.id,
            school_id: w.school_id,
            title: w.title,
            theme: w.theme,
            starts_on: w.starts_on,
            ends_on: w.ends_on,
            may_manage: w.may_manage,
        }
    }
}

/// A meeting of the week: its topic and time (notes stay in the log).
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekMeetingDto {
    pub met_on: NaiveDate,
    pub minutes: i64,
    pub topic: String,
}

/// A cycle started in the week.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekCycleDto {
    pub cycle_id: i64,
    pub lesson: String,
    pub started_on: NaiveDate,
}

/// A cycle stage fulfilled in the week (by its record's date).
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekStageDto {
    pub on: NaiveDate,
    pub cycle_id: i64,
    pub lesson: String,
    /// The stage's code (`mentor_class` … `report_class`).
    pub stage: String,
    /// The teacher whose record fulfils it.
    pub teacher: String,
    pub record: String,
}

/// What one running pair did in the week.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairWeekDto {
    pub pair_id: i64,
    pub mentor: PairPersonDto,
    pub apprentices: Vec<PairPersonDto>,
    pub subject: String,
    /// Whether it recorded anything in the week.
    pub active: bool,
    pub meetings: Vec<WeekMeetingDto>,
    pub cycles_started: Vec<WeekCycleDto>,
    pub stages: Vec<WeekStageDto>,
}

/// A mentoring-week activity the school runs in those days.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekActivityDto {
    pub id: i64,
    pub title: String,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
}

/// A mentoring week and what it collected.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekReportDto {
    pub week: WeekDto,
    /// Pairs running in the week, those without activity first.
    pub pairs: Vec<PairWeekDto>,
    pub active_pairs: usize,
    pub meetings: usize,
    pub minutes: i64,
    pub cycles_started: usize,
    pub stages: usize,
    pub activities: Vec<WeekActivityDto>,
}

impl From<WeekReport> for WeekReportDto {
    fn from(r: WeekReport) -> Self {
        Self {
            active_pairs: r.active_pairs(),
            meetings: r.meetings(),
            minutes: r.minutes(),
            cycles_started: r.cycles_started(),
            stages: r.stages(),
            pairs: r
                .pairs
                .into_iter()
                .map(|p| PairWeekDto {
                    active: p.active(),
                    pair_id: p.pair.id,
                    mentor: p.pair.mentor.into(),
                    apprentices: p.pair.apprentices.into_iter().map(Into::into).collect(),
                    subject: p.pair.subject,
                    meetings: p
                        .meetings
                        .into_iter()
                        .map(|m| WeekMeetingDto {
                            met_on: m.met_on,
                            minutes: m.minutes,
                            topic: m.topic,
                        })
                        .collect(),
                    cycles_started: p
                        .cycles_started
                        .into_iter()
                        .map(|c| WeekCycleDto {
                            cycle_id: c.cycle_id,
                            lesson: c.lesson,
                            started_on: c.started_on,
                        })
                        .collect(),
                    stages: p
                        .stages
                        .into_iter()
                        .map(|s| WeekStageDto {
                            on: s.on,
                            cycle_id: s.cycle_id,
                            lesson: s.lesson,
                            stage: s.stage.code().into(),
                            teacher: s.teacher,
                            record: s.record,
                        })
                        .collect(),
                })
                .collect(),
            activities: r
                .activities
                .into_iter()
                .map(|a| WeekActivityDto {
                    id: a.id,
                    title: a.title,
                    first_date: a.first_date,
                    last_date: a.last_date,
                })
                .collect(),
            week: r.week.into(),
        }
    }
}

/// A school's mentoring weeks (师徒活动周), the latest first: for those who
/// read its teachers.
#[utoipa::path(get, path = "/api/v1/schools/{id}/mentoring/weeks", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<WeekDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_weeks(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<WeekDto>>> {
    let all = weeks::list(&state.store, &caller.scope, id).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Sets a mentoring week for the school (at most 14 days, not overlapping
/// another of its weeks): those who manage its pairs.
#[utoipa::path(post, path = "/api/v1/schools/{id}/mentoring/weeks", tag = "mentoring", params(("id" = i64, Path)),
    request_body = WeekInput,
    responses((status = 201, body = WeekDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn create_week(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<WeekInput>,
) -> ApiResult<(StatusCode, Json<WeekDto>)> {
    let w = weeks::create(&state.store, &caller.scope, id, &b).await?;
    Ok((StatusCode::CREATED, Json(w.into())))
}

/// A mentoring week and what every running pair of the school did in it:
/// meetings (topic and time, never notes), cycles started, cycle stages
/// fulfilled, and the school's mentoring-week activities of those days.
#[utoipa::path(get, path = "/api/v1/mentoring/weeks/{id}", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = WeekReportDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_week(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WeekReportDto>> {
    Ok(Json(weeks::report(&state.store, &caller.scope, id).await?.into()))
}

/// Changes a week's title, theme or days.
#[utoipa::path(put, path = "/api/v1/mentoring/weeks/{id}", tag = "mentoring", params(("id" = i64, Path)),
    request_body = WeekInput,
    responses((status = 200, body = WeekDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_week(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<WeekInput>,
) -> ApiResult<Json<WeekDto>> {
    Ok(Json(
        weeks::update(&state.store, &caller.scope, id, &b).await?.into(),
    ))
}

/// Removes a week; the pairs' meetings and cycles stay.
#[utoipa::path(delete, path = "/api/v1/mentoring/weeks/{id}", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_week(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    weeks::delete(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
