//! Session login and logout for API clients, and the CSRF token.

use super::dto::{Csrf, LoginOk, LoginRequest};
use super::{ApiJson, ApiResult};
use crate::auth::{AuthSession, Identity, SessionUser};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum_csrf::CsrfToken;
use lingyan_store::Error;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(csrf))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Store(Error::Internal(e.to_string()))
}

/// Log in with a username and password; starts a new session (cookie) and
/// returns the account and the CSRF token for later changes.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, body = LoginOk),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 429, description = "Locked after repeated failures; see Retry-After", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    mut auth: AuthSession,
    Extension(identity): Extension<Identity>,
    Extension(token): Extension<CsrfToken>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<axum::Json<LoginOk>> {
    let account =
        lingyan_store::auth::login(&state.store, &req.username, &req.password, identity.ip.clone()).await?;
    if auth.user.is_some() {
        auth.logout().await.map_err(internal)?;
    }
    auth.session.cycle_id().await.map_err(internal)?;
    auth.login(&SessionUser(account.clone()))
        .await
        .map_err(internal)?;
    let scope = lingyan_store::users::scope_for(&state.store, &account, identity.ip).await?;
    let user = lingyan_store::users::get(&state.store, &scope, account.id).await?;
    Ok(axum::Json(LoginOk {
        user: user.into(),
        csrf_token: crate::csrf::form_token(&token),
    }))
}

/// End the session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
async fn logout(mut auth: AuthSession) -> ApiResult<StatusCode> {
    auth.logout().await.map_err(internal)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The CSRF token to send as `X-CSRF-Token` with state-changing requests
/// that use the session cookie (not needed with a bearer token).
#[utoipa::path(get, path = "/api/v1/auth/csrf", tag = "auth", security(()),
    responses((status = 200, body = Csrf)))]
async fn csrf(Extension(token): Extension<CsrfToken>) -> axum::Json<Csrf> {
    axum::Json(Csrf {
        csrf_token: crate::csrf::form_token(&token),
    })
}
