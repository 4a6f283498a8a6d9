//! Signing in and out, and choosing the language.

use super::{PageCtx, redirect, render_status, safe_next};
use crate::auth::{AuthSession, Identity, LANG_COOKIE, SessionUser};
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::Locale;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(view_login_get).post(view_login_post))
        .route("/logout", post(view_logout_post))
        .route("/lang", post(view_lang_post))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    username: String,
    error: Option<crate::pages::FormError>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// `GET /login`
async fn view_login_get(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    if ctx.me.is_some() {
        return redirect(&next);
    }
    render_status(
        StatusCode::OK,
        &LoginPage {
            ctx,
            next,
            username: String::new(),
            error: None,
        },
    )
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: checks the password, starts a new session (a new id, so a
/// session id planted before login is worthless) and goes to `next`.
async fn view_login_post(
    State(state): State<AppState>,
    mut auth: AuthSession,
    ctx: PageCtx,
    Extension(identity): Extension<Identity>,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref());
    match lingyan_store::auth::login(&state.store, &f.username, &f.password, identity.ip.clone()).await {
        Ok(account) => {
            if auth.user.is_some() {
                let _ = auth.logout().await;
            }
            auth.session
                .cycle_id()
                .await
                .map_err(|e| PageError::Store(lingyan_store::Error::Internal(e.to_string())))?;
            auth.login(&SessionUser(account))
                .await
                .map_err(|e| PageError::Store(lingyan_store::Error::Internal(e.to_string())))?;
            Ok(redirect(&next))
        }
        Err(e @ (lingyan_store::Error::BadCredentials | lingyan_store::Error::Locked { .. })) => {
            let status = match e {
                lingyan_store::Error::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            Ok(render_status(
                status,
                &LoginPage {
                    error: Some(super::message_for(&e)),
                    ctx,
                    next,
                    username: f.username,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /logout`
async fn view_logout_post(mut auth: AuthSession) -> Result<Response, PageError> {
    auth.logout()
        .await
        .map_err(|e| PageError::Store(lingyan_store::Error::Internal(e.to_string())))?;
    Ok(redirect("/login"))
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

/// `POST /lang`: switches the language, remembered in a cookie and, when
/// signed in, in the user's profile.
async fn view_lang_post(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Form(f): Form<LangForm>,
) -> Result<Response, PageError> {
    let locale = Locale::parse(&f.lang).map_err(|e| PageError::Store(e.into()))?;
    if let Some(scope) = &identity.scope {
        lingyan_store::users::set_own_locale(&state.store, scope, locale).await?;
    }
    let mut resp = redirect(&safe_next(f.next.as_deref()));
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        locale.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp.into_response())
}
