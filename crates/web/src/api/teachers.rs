//! The teacher registry, organisation, calendar, tiers, roster and status
//! analysis over JSON.

use super::dto::Page;
use super::teachers_dto::*;
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use lingyan_domain::tiers::{Combine, HonourCondition};
use lingyan_domain::{
    Education, Employment, FieldError, HonourKind, Level, Locale, PageRequest, SchoolType, Section,
};
use lingyan_store::calendar::{Source, YearInput, today};
use lingyan_store::teachers::{AgeBand, HonourInput, SortBy, TeacherFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teachers, create_teacher))
        .routes(routes!(get_teacher, patch_teacher))
        .routes(routes!(add_honour))
        .routes(routes!(set_honour_status))
        .routes(routes!(set_tier_override, clear_tier_override))
        .routes(routes!(transfer_teacher))
        .routes(routes!(link_account))
        .routes(routes!(list_groups, create_group))
        .routes(routes!(rename_group, delete_group))
        .routes(routes!(set_group_member, remove_group_member))
        .routes(routes!(list_leading_groups, create_leading_group))
        .routes(routes!(delete_leading_group))
        .routes(routes!(set_leading_member, remove_leading_member))
        .routes(routes!(school_calendar))
        .routes(routes!(set_school_year))
        .routes(routes!(district_calendar))
        .routes(routes!(set_district_year))
        .routes(routes!(school_tiers, set_school_tiers))
        .routes(routes!(district_tiers, set_district_tiers))
        .routes(routes!(import_roster).layer(DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(export_roster))
        .routes(routes!(school_status))
        .routes(routes!(district_status))
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
        granted_year: req.granted_year.to_string(),
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
struct YearParam {
    year: i32,
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

fn group_dto(g: lingyan_store::org::Group) -> Group {
    Group {
        id: g.id,
        school_id: g.school_id,
        kind: g.kind.code().into(),
        name: g.name,
        programme: None,
        members: g
            .members
            .into_iter()
            .map(|m| GroupMember {
                teacher_id: m.teacher_id,
                name: m.name,
                position: m.position.code().into(),
                responsibilities: None,
            })
            .collect(),
    }
}

/// A school's groups with members.
#[utoipa::path(get, path = "/api/v1/schools/{id}/groups", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Group>), (status = 404, body = ErrorBody)))]
async fn list_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Group>>> {
    Ok(Json(
        lingyan_store::org::groups(&state.store, &caller.scope, id)
            .await?
            .into_iter()
            .map(group_dto)
            .collect(),
    ))
}

/// Create a group.
#[utoipa::path(post, path = "/api/v1/schools/{id}/groups", tag = "organisation", params(("id" = i64, Path)), request_body = GroupRequest,
    responses((status = 201, body = Group), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<GroupRequest>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    let gid = lingyan_store::org::create_group(&state.store, &caller.scope, id, &req.kind, &req.name).await?;
    let g = lingyan_store::org::groups(&state.store, &caller.scope, id)
        .await?
        .into_iter()
        .find(|g| g.id == gid)
        .ok_or(lingyan_store::Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(group_dto(g))))
}

/// Rename a group.
#[utoipa::path(patch, path = "/api/v1/groups/{id}", tag = "organisation", params(("id" = i64, Path)), request_body = GroupRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rename_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<GroupRequest>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::rename_group(&state.store, &caller.scope, id, &req.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a group.
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::delete_group(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a teacher to a group or change their position.
#[utoipa::path(put, path = "/api/v1/groups/{id}/members/{teacher_id}", tag = "organisation",
    params(("id" = i64, Path), ("teacher_id" = i64, Path)), request_body = MemberRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_group_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher)): Path<(i64, i64)>,
    ApiJson(req): ApiJson<MemberRequest>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::set_member(&state.store, &caller.scope, id, teacher, &req.position).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a teacher from a group.
#[utoipa::path(delete, path = "/api/v1/groups/{id}/members/{teacher_id}", tag = "organisation",
    params(("id" = i64, Path), ("teacher_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_group_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher)): Path<(i64, i64)>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::remove_member(&state.store, &caller.scope, id, teacher).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn leading_dto(g: lingyan_store::org::LeadingGroup) -> Group {
    Group {
        id: g.id,
        school_id: g.school_id,
        kind: "leading".into(),
        name: g.name,
        programme: g.programme,
        members: g
            .members
            .into_iter()
            .map(|m| GroupMember {
                teacher_id: m.teacher_id,
                name: m.name,
                position: m.position.code().into(),
                responsibilities: Some(m.responsibilities),
            })
            .collect(),
    }
}

/// A school's leading groups (领导小组) with members and responsibilities.
#[utoipa::path(get, path = "/api/v1/schools/{id}/leading-groups", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Group>), (status = 404, body = ErrorBody)))]
async fn list_leading_groups(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Group>>> {
    Ok(Json(
        lingyan_store::org::leading_groups(&state.store, &caller.scope, id)
            .await?
            .into_iter()
            .map(leading_dto)
            .collect(),
    ))
}

/// Create a leading group.
#[utoipa::path(post, path = "/api/v1/schools/{id}/leading-groups", tag = "organisation", params(("id" = i64, Path)), request_body = GroupRequest,
    responses((status = 201, body = Group), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_leading_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<GroupRequest>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    let gid =
        lingyan_store::org::create_leading_group(&state.store, &caller.scope, id, &req.name, &req.programme)
            .await?;
    let g = lingyan_store::org::leading_groups(&state.store, &caller.scope, id)
        .await?
        .into_iter()
        .find(|g| g.id == gid)
        .ok_or(lingyan_store::Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(leading_dto(g))))
}

/// Delete a leading group.
#[utoipa::path(delete, path = "/api/v1/leading-groups/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_leading_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::delete_leading_group(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a member to a leading group, or change their position and
/// responsibilities.
#[utoipa::path(put, path = "/api/v1/leading-groups/{id}/members/{teacher_id}", tag = "organisation",
    params(("id" = i64, Path), ("teacher_id" = i64, Path)), request_body = MemberRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_leading_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher)): Path<(i64, i64)>,
    ApiJson(req): ApiJson<MemberRequest>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::set_leading_member(
        &state.store,
        &caller.scope,
        id,
        teacher,
        &req.position,
        &req.responsibilities,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a member from a leading group.
#[utoipa::path(delete, path = "/api/v1/leading-groups/{id}/members/{teacher_id}", tag = "organisation",
    params(("id" = i64, Path), ("teacher_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_leading_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher)): Path<(i64, i64)>,
) -> ApiResult<StatusCode> {
    lingyan_store::org::remove_leading_member(&state.store, &caller.scope, id, teacher).await?;
    Ok(StatusCode::NO_CONTENT)
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

async fn school_ids(state: &AppState, caller: &Caller, id: i64) -> Result<(i64, i64), ApiError> {
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check only; write nothing.
    dry_run: Option<bool>,
    /// The file's name, for the report and the audit log.
    filename: Option<String>,
}

/// Import a roster file (.xlsx, .xls or .csv; the request body is the
/// file). All or nothing: with any error nothing is written and the report
/// lists every row, column and reason. Re-importing updates teachers
/// already there.
#[utoipa::path(post, path = "/api/v1/schools/{id}/roster", tag = "teachers", params(("id" = i64, Path), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Imported (or checked)", body = ImportReport),
              (status = 422, description = "Nothing written: see errors", body = ImportReport),
              (status = 403, body = ErrorBody)))]
async fn import_roster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let name = q.filename.unwrap_or_else(|| "roster".into());
    let r = lingyan_store::roster::import(
        &state.store,
        &caller.scope,
        id,
        &name,
        &body,
        q.dry_run.unwrap_or(false),
        state.config.limits.import_bytes,
        today(),
    )
    .await?;
    let status = if r.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(ImportReport::from(r, caller.locale))))
}

/// The school's roster as .xlsx, in the import template's columns.
#[utoipa::path(get, path = "/api/v1/schools/{id}/roster.xlsx", tag = "teachers", params(("id" = i64, Path)),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = ErrorBody)))]
async fn export_roster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let rows = lingyan_store::roster::export_rows(&state.store, &caller.scope, id).await?;
    let bytes = lingyan_reports::roster::workbook("roster", &crate::pages::roster_headers(), &rows)
        .map_err(|e| ApiError::Store(lingyan_store::Error::Internal(e.to_string())))?;
    Ok(crate::pages::xlsx_download(bytes, "roster.xlsx"))
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
        name: &s.school.name,
        kindergarten: s.school.school_type == SchoolType::Kindergarten,
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
        name: &d.district.name,
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
