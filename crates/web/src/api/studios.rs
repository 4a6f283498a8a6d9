//! Master-teacher studios over JSON: the studios the caller sees, setting
//! one up in a district, its members and its activities.

use super::mentoring::PairPersonDto;
use super::{ApiJson, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use lingyan_domain::studios::{MemberInput, StudioActivityInput, StudioInput};
use lingyan_store::studios::{self, Activity, Member, Row, Studio};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_studios))
        .routes(routes!(create_studio))
        .routes(routes!(get_studio, update_studio))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(add_activity))
        .routes(routes!(remove_activity))
}

/// A member of a studio.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudioMemberDto {
    pub teacher: PairPersonDto,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

impl From<Member> for StudioMemberDto {
    fn from(m: Member) -> Self {
        Self {
            teacher: m.person.into(),
            joined_on: m.joined_on,
            left_on: m.left_on,
        }
    }
}

/// A studio with its people.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudioDto {
    pub id: i64,
    pub district_id: i64,
    pub name: String,
    pub master: PairPersonDto,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub aims: String,
    /// Members now, by school.
    pub members: Vec<StudioMemberDto>,
    /// Members who have left.
    pub former_members: Vec<StudioMemberDto>,
    /// Whether the caller may change the studio and its members.
    pub may_manage: bool,
    /// Whether the caller may record its activities.
    pub may_record: bool,
}

impl From<Studio> for StudioDto {
    fn from(s: Studio) -> Self {
        Self {
            id: s.id,
            district_id: s.district_id,
            name: s.name,
            master: s.master.into(),
            subject: s.subject,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            aims: s.aims,
            members: s.members.into_iter().map(Into::into).collect(),
            former_members: s.former.into_iter().map(Into::into).collect(),
            may_manage: s.may_manage,
            may_record: s.may_record,
        }
    }
}

/// A studio in the list, with this school year's counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudioRowDto {
    pub studio: StudioDto,
    /// Activities since 1 September.
    pub activities: usize,
    pub minutes: i64,
    pub send_teaching: usize,
    pub last_activity: Option<NaiveDate>,
}

impl From<Row> for StudioRowDto {
    fn from(r: Row) -> Self {
        Self {
            studio: r.studio.into(),
            activities: r.activities,
            minutes: r.minutes,
            send_teaching: r.send_teaching,
            last_activity: r.last_activity,
        }
    }
}

/// An activity of a studio.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudioActivityDto {
    pub id: i64,
    pub held_on: NaiveDate,
    /// `lecture`, `demonstration`, `seminar`, `send_teaching`, `online`,
    /// `reading`, `research`.
    pub kind: String,
    pub title: String,
    pub place: String,
    pub minutes: i64,
    pub led_by_teacher_id: Option<i64>,
    pub led_by: Option<String>,
    /// Send-teaching: the receiving school of the district, by id …
    pub receiving_school_id: Option<i64>,
    /// … and its name (as stored, or as typed for a school outside).
    pub receiving_school: Option<String>,
    pub summary: String,
}

impl From<Activity> for StudioActivityDto {
    fn from(a: Activity) -> Self {
        Self {
            id: a.id,
            held_on: a.held_on,
            kind: a.kind.code().into(),
            title: a.title,
            place: a.place,
            minutes: a.minutes,
            led_by_teacher_id: a.led_by.as_ref().map(|l| l.0),
            led_by: a.led_by.map(|l| l.1),
            receiving_school_id: a.receiving_school_id,
            receiving_school: a.receiving_school,
            summary: a.summary,
        }
    }
}

/// A studio with its activities.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudioPageDto {
    pub studio: StudioDto,
    /// Newest first.
    pub activities: Vec<StudioActivityDto>,
    /// How often it sent teaching, and the schools reached.
    pub send_teaching: usize,
    /// The schools reached, each once, in order of the first visit.
    pub schools_reached: Vec<ReachedSchoolDto>,
}

/// A school send-teaching reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReachedSchoolDto {
    pub name: String,
    /// Its English name, where one is stored.
    pub name_en: Option<String>,
}

/// The studios the caller sees (名师工作室): district staff every studio of
/// the district, a school's leaders those its teachers lead or belong to,
/// a teacher their own.
#[utoipa::path(get, path = "/api/v1/studios", tag = "studios",
    responses((status = 200, body = Vec<StudioRowDto>), (status = 401, body = ErrorBody)))]
async fn list_studios(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<StudioRowDto>>> {
    let rows = studios::list(&state.store, &caller.scope, lingyan_store::calendar::today()).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Sets up a studio in the district: its staff who manage teachers. The
/// master is an active teacher of the district; the term is at most five
/// years.
#[utoipa::path(post, path = "/api/v1/districts/{id}/studios", tag = "studios", params(("id" = i64, Path)),
    request_body = StudioInput,
    responses((status = 201, body = StudioDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn create_studio(
    State(state): State<AppState>,
    caller: Caller,
    Path(district): Path<i64>,
    ApiJson(b): ApiJson<StudioInput>,
) -> ApiResult<(StatusCode, Json<StudioDto>)> {
    let id = studios::create(&state.store, &caller.scope, district, &b).await?;
    let p = studios::get(&state.store, &caller.scope, id).await?;
    Ok((StatusCode::CREATED, Json(p.studio.into())))
}

/// One studio with its members and activities.
#[utoipa::path(get, path = "/api/v1/studios/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 200, body = StudioPageDto), (status = 404, body = ErrorBody)))]
async fn get_studio(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<StudioPageDto>> {
    let p = studios::get(&state.store, &caller.scope, id).await?;
    let (send_teaching, schools_reached) = p.send_teaching();
    Ok(Json(StudioPageDto {
        send_teaching,
        schools_reached: schools_reached
            .into_iter()
            .map(|(name, name_en)| ReachedSchoolDto { name, name_en })
            .collect(),
        activities: p.activities.into_iter().map(Into::into).collect(),
        studio: p.studio.into(),
    }))
}

/// Changes a studio (district staff): name, master, subject, term, aims.
#[utoipa::path(put, path = "/api/v1/studios/{id}", tag = "studios", params(("id" = i64, Path)),
    request_body = StudioInput,
    responses((status = 200, body = StudioDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_studio(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StudioInput>,
) -> ApiResult<Json<StudioDto>> {
    studios::update(&state.store, &caller.scope, id, &b).await?;
    Ok(Json(
        studios::get(&state.store, &caller.scope, id).await?.studio.into(),
    ))
}

/// Adds a member (district staff): an active teacher of the district, not
/// the master, not a member already (409).
#[utoipa::path(post, path = "/api/v1/studios/{id}/members", tag = "studios", params(("id" = i64, Path)),
    request_body = MemberInput,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MemberInput>,
) -> ApiResult<StatusCode> {
    studios::add_member(&state.store, &caller.scope, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member leaves the studio (kept as a former member).
#[utoipa::path(delete, path = "/api/v1/studios/{id}/members/{teacher_id}", tag = "studios",
    params(("id" = i64, Path), ("teacher_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher)): Path<(i64, i64)>,
) -> ApiResult<StatusCode> {
    studios::remove_member(&state.store, &caller.scope, id, teacher).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records an activity of the studio (its master or district staff);
/// send-teaching names its receiving school.
#[utoipa::path(post, path = "/api/v1/studios/{id}/activities", tag = "studios", params(("id" = i64, Path)),
    request_body = StudioActivityInput,
    responses((status = 201, body = StudioActivityDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StudioActivityInput>,
) -> ApiResult<(StatusCode, Json<StudioActivityDto>)> {
    let aid = studios::add_activity(&state.store, &caller.scope, id, &b).await?;
    let p = studios::get(&state.store, &caller.scope, id).await?;
    let a = p
        .activities
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or(lingyan_store::Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Removes an activity of a studio.
#[utoipa::path(delete, path = "/api/v1/studio-activities/{id}", tag = "studios", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    studios::remove_activity(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
