//! The teacher registry over JSON: teachers, honours, tiers set by hand,
//! transfers and linked accounts.

use super::dto::Page;
use super::teachers_dto::*;
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lingyan_domain::{Education, Employment, FieldError, HonourKind, Level, Locale, PageRequest, Section};
use lingyan_store::calendar::today;
use lingyan_store::teachers::{AgeBand, HonourInput, SortBy, TeacherFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router(_upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teachers, create_teacher))
        .routes(routes!(get_teacher, patch_teacher))
        .routes(routes!(add_honour))
        .routes(routes!(set_honour_status))
        .routes(routes!(set_tier_override, clear_tier_override))
        .routes(routes!(transfer_teacher))
        .routes(routes!(link_account))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TeacherQuery {
    /// Part of the name or staff number.
    q: Option<String>,
    school_id: Option<i64>,
    district_id: Option<i64>,
    section: Option<String>,
    subject: Option<String>,
    employment: Option<String>,
    education: Option<String>,
    /// Highest backbone level held: school … national.
    level: Option<String>,
    /// Holds this honour kind.
    honour: Option<String>,
    tier: Option<String>,
    /// under_30, 30_34, 35_39, 40_49, 50_plus
    age_band: Option<String>,
    group_id: Option<i64>,
    include_inactive: Option<bool>,
    /// name, staff_no, age, years, level
    sort: Option<String>,
    desc: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
}

fn parse_opt<T>(
    v: &Option<String>,
    f: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(f(s)?)),
        None => Ok(None),
    }
}

/// Teachers the caller may see, filtered, sorted and paginated, each with
/// their tier and why.
#[utoipa::path(get, path = "/api/v1/teachers", tag = "teachers", params(TeacherQuery),
    responses((status = 200, body = Page<Teacher>), (status = 422, body = ErrorBody)))]
async fn list_teachers(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TeacherQuery>,
) -> ApiResult<Json<Page<Teacher>>> {
    let filter = TeacherFilter {
        q: q.q.clone(),
        school_id: q.school_id,
        district_id: q.district_id,
        section: parse_opt(&q.section, |s| Section::parse("section", s))?,
        subject: q.subject.clone(),
        employment: parse_opt(&q.employment, |s| Employment::parse("employment", s))?,
        post: None,
        education: parse_opt(&q.education, |s| Education::parse("education", s))?,
        backbone_level: parse_opt(&q.level, |s| Level::parse("level", s))?,
        honour: parse_opt(&q.honour, |s| HonourKind::parse("honour", s))?,
        tier: q.tier.clone(),
        age_band: parse_opt(&q.age_band, |s| {
            AgeBand::parse(s).ok_or_else(|| FieldError::new("age_band", "unknown_age_band").with("value", s))
        })?,
        group_id: q.group_id,
        include_inactive: q.include_inactive.unwrap_or(false),
        sort: parse_opt(&q.sort, |s| {
            SortBy::parse(s).ok_or_else(|| FieldError::new("sort", "unknown_sort").with("value", s))
        })?
        .unwrap_or_default(),
        descending: q.desc.unwrap_or(false),
    };
    let list = lingyan_store::teachers::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, q.per_page),
        today(),
    )
    .await?;
    let l = caller.locale;
    Ok(Json(Page::from(list, |t| Teacher::from(t, l))))
}

/// Add a teacher to a school (`school_id` required).
#[utoipa::path(post, path = "/api/v1/teachers", tag = "teachers", request_body = TeacherInput,
    responses((status = 201, body = Teacher), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_teacher(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<TeacherInput>,
) -> ApiResult<(StatusCode, Json<Teacher>)> {
    let school = req
        .school_id
        .ok_or_else(|| ApiError::from(FieldError::new("school", "required")))?;
    let t = lingyan_store::teachers::create(&state.store, &caller.scope, school, &req.to_store(), today())
        .await?;
    Ok((StatusCode::CREATED, Json(Teacher::from(t, caller.locale))))
}

fn detail(d: lingyan_store::teachers::TeacherDetail, l: Locale) -> TeacherDetail {
    TeacherDetail {
        transfers: d
            .transfers
            .into_iter()
            .map(|t| Transfer {
                from_school_id: t.from_school_id,
                from_school: t.from_school,
                to_school_id: t.to_school_id,
                to_school: t.to_school,
                on_date: t.on_date,
                reason: t.reason,
            })
            .collect(),
        groups: d
            .groups
            .into_iter()
            .map(|g| Membership {
                group_id: g.group_id,
                group_name: g.group_name,
                kind: g.kind,
                position: g.position,
            })
            .collect(),
        username: d.username,
        teacher: Teacher::from(d.teacher, l),
    }
}

/// One teacher with honours history, transfers and groups.
#[utoipa::path(get, path = "/api/v1/teachers/{id}", tag = "teachers", params(("id" = i64, Path)),
    responses((status = 200, body = TeacherDetail), (status = 404, body = ErrorBody)))]
async fn get_teacher(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<TeacherDetail>> {
    let d = lingyan_store::teachers::get(&state.store, &caller.scope, id, today()).await?;
    Ok(Json(detail(d, caller.locale)))
}

/// Change a teacher's facts; `active: false` records that they left.
#[utoipa::path(patch, path = "/api/v1/teachers/{id}", tag = "teachers", params(("id" = i64, Path)), request_body = TeacherInput,
    responses((status = 200, body = Teacher), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_teacher(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<TeacherInput>,
) -> ApiResult<Json<Teacher>> {
    let t = lingyan_store::teachers::update(
        &state.store,
        &caller.scope,
        id,
        &req.to_store(),
        req.active,
        today(),
    )
    .await?;
    Ok(Json(Teacher::from(t, caller.locale)))
}

/// Record an honour.
#[utoipa::path(post, path = "/api/v1/teachers/{id}/honours", tag = "teachers", params(("id" = i64, Path)), request_body = HonourRequest,
    responses((status = 201, body = Honour), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_honour(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<HonourRequest>,
) -> ApiResult<(StatusCode, Json<Honour>)> {
    let input = HonourInput {
        kind: req.kind,
        level: req.level,
        subject: req.subject,
        granted_year: req.granted_year.map(|y| y.to_string()).unwrap_or_default(),
        granting_body: req.granting_body,
        valid_until_year: req.valid_until_year.map(|y| y.to_string()).unwrap_or_default(),
    };
    let h = lingyan_store::teachers::add_honour(&state.store, &caller.scope, id, &input).await?;
    Ok((StatusCode::CREATED, Json(h.into())))
}

/// Expire, revoke (with a reason) or reinstate an honour.
#[utoipa::path(patch, path = "/api/v1/honours/{id}", tag = "teachers", params(("id" = i64, Path)), request_body = HonourStatusRequest,
    responses((status = 200, body = Honour), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_honour_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<HonourStatusRequest>,
) -> ApiResult<Json<Honour>> {
    let h =
        lingyan_store::teachers::set_honour_status(&state.store, &caller.scope, id, &req.status, &req.reason)
            .await?;
    Ok(Json(h.into()))
}

/// Set a teacher's tier by hand for a school year.
#[utoipa::path(put, path = "/api/v1/teachers/{id}/tier-override", tag = "teachers", params(("id" = i64, Path)), request_body = TierOverrideRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_tier_override(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<TierOverrideRequest>,
) -> ApiResult<StatusCode> {
    lingyan_store::tiers::set_override(&state.store, &caller.scope, id, req.year, &req.tier, &req.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct YearParam {
    pub(super) year: i32,
}

/// Remove a tier set by hand.
#[utoipa::path(delete, path = "/api/v1/teachers/{id}/tier-override", tag = "teachers", params(("id" = i64, Path), YearParam),
    responses((status = 204), (status = 403, body = ErrorBody)))]
async fn clear_tier_override(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParam>,
) -> ApiResult<StatusCode> {
    lingyan_store::tiers::clear_override(&state.store, &caller.scope, id, q.year).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move a teacher to another school, keeping their history.
#[utoipa::path(post, path = "/api/v1/teachers/{id}/transfer", tag = "teachers", params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 200, body = Teacher), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn transfer_teacher(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> ApiResult<Json<Teacher>> {
    let t = lingyan_store::teachers::transfer(
        &state.store,
        &caller.scope,
        id,
        req.to_school_id,
        &req.on_date,
        &req.reason,
        today(),
    )
    .await?;
    Ok(Json(Teacher::from(t, caller.locale)))
}

/// Link the teacher record to a login account of the same school.
#[utoipa::path(put, path = "/api/v1/teachers/{id}/account", tag = "teachers", params(("id" = i64, Path)), request_body = AccountLink,
    responses((status = 200, body = Teacher), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn link_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AccountLink>,
) -> ApiResult<Json<Teacher>> {
    let t = lingyan_store::teachers::link_account(
        &state.store,
        &caller.scope,
        id,
        req.username.as_deref(),
        today(),
    )
    .await?;
    Ok(Json(Teacher::from(t, caller.locale)))
}
