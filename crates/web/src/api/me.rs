//! The caller's own account: profile, language, password, tokens, and the
//! counts on their home page.

use super::dto::{Home, LocaleRequest, NewToken, PasswordChange, Token, TokenRequest, User};
use super::{ApiJson, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lingyan_domain::Locale;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(home))
        .routes(routes!(set_locale))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// The caller's account and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<User>> {
    let u = lingyan_store::users::get(&state.store, &caller.scope, caller.account.id).await?;
    Ok(Json(u.into()))
}

/// The counts shown on the caller's home page, within their scope.
#[utoipa::path(get, path = "/api/v1/home", tag = "me",
    responses((status = 200, body = Home), (status = 401, body = ErrorBody)))]
async fn home(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Home>> {
    Ok(Json(
        lingyan_store::stats::home(&state.store, &caller.scope)
            .await?
            .into(),
    ))
}

/// Save the caller's language (`zh-CN` or `en`).
#[utoipa::path(put, path = "/api/v1/me/locale", tag = "me", request_body = LocaleRequest,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn set_locale(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<LocaleRequest>,
) -> ApiResult<StatusCode> {
    let locale = Locale::parse(&req.locale)?;
    lingyan_store::users::set_own_locale(&state.store, &caller.scope, locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the caller's password (other sessions of the account end).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", request_body = PasswordChange,
    responses((status = 204), (status = 422, description = "Wrong current password or weak new one", body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    mut auth: crate::auth::AuthSession,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    lingyan_store::users::change_own_password(
        &state.store,
        &caller.scope,
        &req.current_password,
        &req.new_password,
    )
    .await?;
    // The session's auth hash was the old password hash: renew it so this
    // session continues while the account's other sessions end.
    if caller.via == crate::auth::Via::Session
        && let Some(account) = lingyan_store::auth::account(&state.store, caller.account.id).await?
    {
        let _ = auth.login(&crate::auth::SessionUser(account)).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's personal access tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "me",
    responses((status = 200, body = Vec<Token>)))]
async fn list_tokens(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Token>>> {
    let list = lingyan_store::tokens::list_own(&state.store, &caller.scope).await?;
    Ok(Json(list.into_iter().map(Token::from).collect()))
}

/// Create a personal access token; the secret is in this response only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "me", request_body = TokenRequest,
    responses((status = 201, body = NewToken), (status = 422, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    let (t, secret) =
        lingyan_store::tokens::create(&state.store, &caller.scope, &req.name, req.expires_in_days).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewToken {
            token: t.into(),
            secret,
        }),
    ))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "me",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    lingyan_store::tokens::revoke_own(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
