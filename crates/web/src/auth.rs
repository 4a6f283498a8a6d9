//! Who is calling: a session (cookie, via axum-login) or a personal access
//! token (`Authorization: Bearer`). The identity middleware resolves either
//! into an [`Identity`] once per request — the account, its [`Scope`] and
//! the request's language — and every handler reads it through the
//! [`Caller`] extractor, so scoping happens in one place.

use crate::error::ApiError;
use crate::i18n;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_login::{AuthUser, AuthnBackend, UserId};
use lingyan_domain::Locale;
use lingyan_store::auth::Account;
use lingyan_store::{Scope, Store};
use std::net::SocketAddr;

/// Name of the cookie that remembers an anonymous visitor's language.
pub const LANG_COOKIE: &str = "lingyan_lang";

/// The account stored in a session. Its auth hash is the password hash, so
/// changing or resetting a password ends every other session of the account.
#[derive(Clone, Debug)]
pub struct SessionUser(pub Account);

impl AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.0.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.0.password_hash.as_bytes()
    }
}

/// Credentials for axum-login's `authenticate`.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    pub ip: Option<String>,
}

/// The axum-login backend over the store.
#[derive(Clone, Debug)]
pub struct Backend {
    pub store: Store,
}

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = lingyan_store::Error;

    async fn authenticate(&self, c: Credentials) -> Result<Option<SessionUser>, Self::Error> {
        match lingyan_store::auth::login(&self.store, &c.username, &c.password, c.ip).await {
            Ok(a) => Ok(Some(SessionUser(a))),
            Err(lingyan_store::Error::BadCredentials) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<SessionUser>, Self::Error> {
        Ok(lingyan_store::auth::account(&self.store, *id)
            .await?
            .filter(|a| a.active)
            .map(SessionUser))
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
}

/// The resolved caller of one request.
#[derive(Debug, Clone)]
pub struct Identity {
    pub account: Option<Account>,
    pub scope: Option<Scope>,
    pub via: Via,
    pub locale: Locale,
    pub ip: Option<String>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Whether the request carries a bearer token (and so is not exposed to
/// cross-site request forgery).
pub fn has_bearer(headers: &HeaderMap) -> bool {
    bearer(headers).is_some()
}

/// Reads one cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language for a request without a saved preference.
pub fn negotiated_locale(headers: &HeaderMap) -> Locale {
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(|v| Locale::parse(v).ok()) {
        return l;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::negotiate)
        .unwrap_or_default()
}

/// Middleware: resolves the caller and the language, stores an [`Identity`]
/// in the request, and runs the rest of the request in that language. A
/// bearer token that does not authenticate is refused here with 401.
pub async fn identify(
    State(state): State<AppState>,
    auth: AuthSession,
    mut req: Request,
    next: Next,
) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let fallback = negotiated_locale(req.headers());
    let (account, via) = match bearer(req.headers()) {
        Some(token) => match lingyan_store::tokens::authenticate(&state.store, token).await {
            Ok(Some(a)) => (Some(a), Via::Token),
            Ok(None) => {
                return i18n::with_locale(fallback, async { ApiError::InvalidToken.into_response() }).await;
            }
            Err(e) => return i18n::with_locale(fallback, async { ApiError::Store(e).into_response() }).await,
        },
        None => (auth.user.map(|u| u.0), Via::Session),
    };
    let locale = account.as_ref().and_then(|a| a.locale).unwrap_or(fallback);
    let scope = match &account {
        Some(a) => match lingyan_store::users::scope_for(&state.store, a, ip.clone()).await {
            Ok(s) => Some(s),
            Err(e) => return i18n::with_locale(locale, async { ApiError::Store(e).into_response() }).await,
        },
        None => None,
    };
    req.extensions_mut().insert(Identity {
        account,
        scope,
        via,
        locale,
        ip,
    });
    i18n::with_locale(locale, next.run(req)).await
}

/// An authenticated caller. Extracting it from an anonymous request answers
/// 401 for the API and redirects pages to the login form.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Account,
    pub scope: Scope,
    pub via: Via,
    pub locale: Locale,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let id = parts.extensions.get::<Identity>().cloned();
        match id {
            Some(Identity {
                account: Some(account),
                scope: Some(scope),
                via,
                locale,
                ..
            }) => Ok(Caller {
                account,
                scope,
                via,
                locale,
            }),
            _ => {
                if parts.uri.path().starts_with("/api/") {
                    Err(ApiError::Unauthenticated.into_response())
                } else {
                    let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                    let target = format!(
                        "/login?next={}",
                        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                    );
                    Err(Redirect::to(&target).into_response())
                }
            }
        }
    }
}

/// The request's language, for pages that do not need a login.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang(
            parts
                .extensions
                .get::<Identity>()
                .map(|i| i.locale)
                .unwrap_or_else(|| negotiated_locale(&parts.headers)),
        ))
    }
}

/// The client's address, for the audit log.
pub fn client_ip(parts_ext: &axum::http::Extensions) -> Option<String> {
    parts_ext
        .get::<Identity>()
        .and_then(|i| i.ip.clone())
        .or_else(|| {
            parts_ext
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
}
