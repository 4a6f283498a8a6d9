//! Accounts and their roles.

use super::dto::{GrantRequest, NewUserRequest, Page, PasswordReset, User, UserPatch};
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lingyan_domain::{PageRequest, Role};
use lingyan_store::users::{GrantPlace, NewUser, UserChanges, UserFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, patch_user))
        .routes(routes!(grant_role))
        .routes(routes!(revoke_role))
        .routes(routes!(reset_password))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UserQuery {
    /// Part of the username or display name.
    q: Option<String>,
    school_id: Option<i64>,
    district_id: Option<i64>,
    /// Only accounts holding this role.
    role: Option<String>,
    active: Option<bool>,
    /// From 1.
    page: Option<u64>,
    /// 1–500, default 50.
    per_page: Option<u64>,
}

/// Accounts whose home the caller can read, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = Page<User>), (status = 422, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<Page<User>>> {
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(Role::parse(r)?),
        None => None,
    };
    let filter = UserFilter {
        q: q.q,
        school_id: q.school_id,
        district_id: q.district_id,
        role,
        active: q.active,
    };
    let list = lingyan_store::users::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(Page::from(list, User::from)))
}

/// Create an account with roles at its home school (or district).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserRequest,
    responses((status = 201, body = User), (status = 403, body = ErrorBody),
               (status = 409, description = "Username taken", body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let u = lingyan_store::users::create(
        &state.store,
        &caller.scope,
        NewUser {
            username: req.username,
            display_name: req.display_name,
            password: req.password,
            school_id: req.school_id,
            district_id: req.district_id,
            roles: req.roles,
            locale: req.locale,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(u.into())))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        lingyan_store::users::get(&state.store, &caller.scope, id)
            .await?
            .into(),
    ))
}

/// Change an account's name, status or language.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn patch_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UserPatch>,
) -> ApiResult<Json<User>> {
    let u = lingyan_store::users::update(
        &state.store,
        &caller.scope,
        id,
        UserChanges {
            display_name: req.display_name,
            active: req.active,
            locale: req.locale,
        },
    )
    .await?;
    Ok(Json(u.into()))
}

/// Grant a role.
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "users", request_body = GrantRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
               (status = 409, description = "Already held", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn grant_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<GrantRequest>,
) -> ApiResult<Json<User>> {
    let place = GrantPlace {
        school_id: req.school_id,
        district_id: req.district_id,
    };
    Ok(Json(
        lingyan_store::users::grant_role(&state.store, &caller.scope, id, &req.role, place)
            .await?
            .into(),
    ))
}

/// Revoke a role.
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles/{grant_id}", tag = "users",
    params(("id" = i64, Path), ("grant_id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_role(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, grant_id)): Path<(i64, i64)>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        lingyan_store::users::revoke_role(&state.store, &caller.scope, id, grant_id)
            .await?
            .into(),
    ))
}

/// Set a new password for an account (its sessions end).
#[utoipa::path(post, path = "/api/v1/users/{id}/password", tag = "users", request_body = PasswordReset,
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> ApiResult<StatusCode> {
    lingyan_store::users::reset_password(&state.store, &caller.scope, id, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
