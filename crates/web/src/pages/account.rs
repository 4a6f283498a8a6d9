//! The signed-in user's own account: password, language and personal
//! access tokens for the API.

use super::{PageCtx, flash, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_store::Error;
use lingyan_store::tokens::TokenInfo;
use lingyan_store::users::User;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(view_account_get))
        .route("/account/password", post(view_account_password_post))
        .route("/account/tokens", post(view_account_tokens_post))
        .route(
            "/account/tokens/{id}/revoke",
            post(view_account_token_revoke_post),
        )
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageCtx,
    user: User,
    tokens: Vec<TokenInfo>,
    password_error: Option<crate::pages::FormError>,
    token_error: Option<crate::pages::FormError>,
    /// A token just created: its secret is shown this once.
    new_secret: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    password_error: Option<crate::pages::FormError>,
    token_error: Option<crate::pages::FormError>,
    new_secret: Option<String>,
) -> Result<AccountPage, PageError> {
    Ok(AccountPage {
        user: lingyan_store::users::get(&state.store, &caller.scope, caller.account.id).await?,
        tokens: lingyan_store::tokens::list_own(&state.store, &caller.scope).await?,
        ctx,
        password_error,
        token_error,
        new_secret,
    })
}

/// `GET /account`
async fn view_account_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    Ok(render(&page(&state, &caller, ctx, None, None, None).await?))
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `POST /account/password`
async fn view_account_password_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    mut auth: crate::auth::AuthSession,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    if f.new_password != f.confirm_password {
        let msg = ctx.tr.t("account.password_mismatch");
        let p = page(&state, &caller, ctx, Some(msg.into()), None, None).await?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p));
    }
    match lingyan_store::users::change_own_password(
        &state.store,
        &caller.scope,
        &f.current_password,
        &f.new_password,
    )
    .await
    {
        Ok(()) => {
            // The session's auth hash is the old password hash; log in again
            // with the new one so this session continues and others end.
            if let Ok(Some(account)) = lingyan_store::auth::account(&state.store, caller.account.id).await {
                let _ = auth.login(&crate::auth::SessionUser(account)).await;
            }
            flash(&session, "ok", ctx.tr.t("account.password_changed")).await;
            Ok(redirect("/account"))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let msg = super::message_for(&e);
            let p = page(&state, &caller, ctx, Some(msg), None, None).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
    expires_in_days: Option<String>,
}

/// `POST /account/tokens`: creates a token and shows its secret once.
async fn view_account_tokens_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    let days = match f
        .expires_in_days
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match s.parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                let e = lingyan_domain::FieldError::new("expires_in_days", "not_a_number").with("value", s);
                let msg = super::field_message(ctx.tr, &e);
                let p = page(&state, &caller, ctx, None, Some(msg), None).await?;
                return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p));
            }
        },
    };
    match lingyan_store::tokens::create(&state.store, &caller.scope, &f.name, days).await {
        Ok((_, secret)) => Ok(render(
            &page(&state, &caller, ctx, None, None, Some(secret)).await?,
        )),
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            let p = page(&state, &caller, ctx, None, Some(msg), None).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/tokens/{id}/revoke`
async fn view_account_token_revoke_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let t = lingyan_store::tokens::revoke_own(&state.store, &caller.scope, id).await?;
    flash(
        &session,
        "ok",
        ctx.tr.t1("account.token_revoked", "name", &t.name),
    )
    .await;
    Ok(redirect("/account"))
}
