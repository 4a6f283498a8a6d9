//! Cross-site request forgery protection, enforced in one middleware for
//! every state-changing request.
//!
//! axum_csrf keeps a random token in an encrypted cookie; pages embed the
//! HMAC of it (`csrf_token` form field — the first field of an upload
//! form —, or the `X-CSRF-Token` header that htmx sends for every request
//! from `hx-headers` on `<body>`); never in the address. A POST,
//! PUT, PATCH or DELETE is let through only if it carries a matching value,
//! or if it cannot carry ambient credentials: a bearer-token request, or the
//! JSON login (browsers cannot send cross-site JSON without a CORS preflight,
//! which Lingyan never grants).

use crate::auth::has_bearer;
use crate::error::{ApiError, PageError};
use crate::i18n;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_csrf::{CsrfConfig, CsrfToken, Key, SameSite};

/// Form field carrying the token.
pub const FIELD: &str = "csrf_token";
/// Header carrying the token (htmx, API clients with a session).
pub const HEADER: &str = "x-csrf-token";
/// Cookie holding the encrypted token.
pub const COOKIE: &str = "lingyan_csrf";

/// The axum_csrf configuration: an encrypted, HttpOnly, SameSite=Lax cookie
/// keyed by the installation secret.
pub fn config(secret: &[u8], secure: bool) -> CsrfConfig {
    let salt: String = secret.iter().take(16).map(|b| format!("{b:02x}")).collect();
    CsrfConfig::default()
        .with_cookie_name(COOKIE)
        .with_cookie_path("/")
        .with_http_only(true)
        .with_secure(secure)
        .with_cookie_same_site(SameSite::Lax)
        .with_lifetime(time::Duration::days(7))
        .with_key(Some(Key::from(secret)))
        .with_salt(salt)
}

/// The token to embed in a page's forms.
pub fn form_token(token: &CsrfToken) -> String {
    token.authenticity_token().unwrap_or_default()
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/x-www-form-urlencoded"))
}

fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.trim_start().starts_with("multipart/form-data") {
        return None;
    }
    ct.split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim_matches('"').to_string())
}

/// How much of a multipart body is read to find the token in its first
/// part; the file that follows is streamed on, never buffered here.
const MULTIPART_PEEK: usize = 64 * 1024;

/// Reads the start of a multipart body, up to the end of its first part,
/// and takes the token from it if that part is `csrf_token` (upload forms
/// put it first). The body is handed on whole: what was read, then the
/// rest as it arrives.
async fn from_multipart(req: Request, boundary: &str) -> (Request, Option<String>) {
    use http_body_util::BodyExt;
    let (parts, mut body) = req.into_parts();
    let delimiter = format!("--{boundary}");
    let mut prefix: Vec<u8> = Vec::new();
    let mut failed = None;
    // The first part ends where the second delimiter begins.
    while prefix.len() < MULTIPART_PEEK
        && find(&prefix, delimiter.as_bytes())
            .is_none_or(|first| find(&prefix[first + delimiter.len()..], delimiter.as_bytes()).is_none())
    {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    prefix.extend_from_slice(&data);
                }
            }
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let token = if failed.is_none() {
        first_field(&parts.headers, prefix.clone()).await
    } else {
        None
    };
    let head =
        futures_util::stream::once(async move { Ok::<_, axum::Error>(axum::body::Bytes::from(prefix)) });
    let rest = body.into_data_stream();
    let stream = futures_util::StreamExt::chain(head, rest);
    (Request::from_parts(parts, Body::from_stream(stream)), token)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The value of the first part of a multipart body, if it is the token.
async fn first_field(headers: &HeaderMap, prefix: Vec<u8>) -> Option<String> {
    use axum::extract::FromRequest;
    let ct = headers.get(header::CONTENT_TYPE)?.clone();
    let probe = Request::builder()
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(prefix))
        .ok()?;
    let mut mp = axum::extract::Multipart::from_request(probe, &()).await.ok()?;
    let field = mp.next_field().await.ok()??;
    if field.name() != Some(FIELD) {
        return None;
    }
    field.text().await.ok()
}

fn reject(path: &str) -> Response {
    if path.starts_with("/api/") {
        ApiError::Csrf.into_response()
    } else {
        PageError::Csrf.into_response()
    }
}

/// Middleware: checks the token on unsafe requests and (re)sets the CSRF
/// cookie on pages and on any response to a request that had none.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = req.extensions().get::<CsrfToken>().cloned() else {
        tracing::error!("CsrfLayer is missing");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let path = req.uri().path().to_string();
    let had_cookie = crate::auth::cookie(req.headers(), COOKIE).is_some();

    let req = if is_safe(req.method())
        || has_bearer(req.headers())
        || (path == "/api/v1/auth/login" && is_json(req.headers()))
    {
        req
    } else {
        // The token never travels in the address (where logs, history and
        // Referer headers would keep it): a header, a form field, or the
        // first part of an upload form.
        let mut provided = req
            .headers()
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let req = if provided.is_none()
            && let Some(boundary) = multipart_boundary(req.headers())
        {
            let (req, token) = from_multipart(req, &boundary).await;
            provided = token;
            req
        } else if provided.is_none() && is_form(req.headers()) {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, state.config.limits.body_bytes).await {
                Ok(b) => b,
                Err(_) => {
                    let msg = i18n::t(i18n::current(), "errors.too_large");
                    return (StatusCode::PAYLOAD_TOO_LARGE, msg).into_response();
                }
            };
            provided = form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == FIELD)
                .map(|(_, v)| v.into_owned());
            Request::from_parts(parts, Body::from(bytes))
        } else {
            req
        };
        match provided {
            Some(p) if token.verify(&p).is_ok() => req,
            _ => {
                tracing::info!(path, "request refused: missing or invalid CSRF token");
                return reject(&path);
            }
        }
    };

    let resp = next.run(req).await;
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html || !had_cookie {
        (token, resp).into_response()
    } else {
        resp
    }
}
