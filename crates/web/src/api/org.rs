//! Groups and leading groups over JSON, with their members.

use super::teachers_dto::*;
use super::{ApiJson, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(rename_group, delete_group))
        .routes(routes!(set_group_member, remove_group_member))
        .routes(routes!(list_leading_groups, create_leading_group))
        .routes(routes!(delete_leading_group))
        .routes(routes!(set_leading_member, remove_leading_member))
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
