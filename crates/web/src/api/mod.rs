//! The JSON API under `/api/v1`, documented with OpenAPI (served at
//! `/api/openapi.json`, browsable at `/api/docs`). Authenticate with the
//! session cookie (plus `X-CSRF-Token` on changes) or with a personal access
//! token in `Authorization: Bearer lyt_…`.

mod activities;
pub(crate) use activities::end_of_month;
mod audit;
mod auth;
mod claims;
mod completion;
mod credits;
mod dashboard;
mod dto;
mod duties;
mod evidence;
mod me;
pub mod mentoring;
mod org;
mod orgs;
mod projects;
mod province;
mod roster;
mod rule_sets;
mod settings;
mod status;
pub mod studios;
mod teachers;
mod teachers_dto;
mod users;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lingyan API",
        description = "Backbone-teacher cultivation and school-based training. \
All endpoints are scoped to the caller's tenant and roles. Errors are JSON \
`{\"error\": {\"code\", \"message\", \"field\"?}}` with the message in the \
caller's language (their saved language, else Accept-Language)."
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "auth", description = "Sessions and CSRF"),
        (name = "me", description = "The caller's own account and tokens"),
        (name = "users", description = "Accounts and roles"),
        (name = "organisation", description = "Districts, schools, groups, calendar and tier rules"),
        (name = "teachers", description = "The teacher registry, honours, roster import and status analysis"),
        (name = "portfolio", description = "Growth portfolio: evidence records, verification, attachments, research projects, growth reports"),
        (name = "duties", description = "Duties (N个一): preset library, rule sets per school or district and year, progress, reminders and digests"),
        (name = "activities", description = "Training activities: calendar, sessions, registration and waitlist, QR sign-in, check-off, leave, feedback"),
        (name = "credits", description = "Continuing-education credits: the preset library and the requirement per district (or school) and year"),
        (name = "mentoring", description = "Mentoring (师徒结对): pairs, their lifecycle and the mentoring rules per district (or school) and year"),
        (name = "studios", description = "Master-teacher studios (名师工作室): a district's studios, their members from its schools and their activities, send-teaching among them"),
        (name = "audit", description = "The audit log")
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token (lyt_…) created on the account page or with POST /api/v1/me/tokens"))
                    .build(),
            ),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::SESSION_COOKIE,
                "The session cookie set by POST /api/v1/auth/login; state-changing requests also need the X-CSRF-Token header from GET /api/v1/auth/csrf",
            ))),
        );
    }
}

fn openapi_router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(activities::router(upload_limit))
        .merge(me::router())
        .merge(users::router())
        .merge(orgs::router())
        .merge(audit::router())
        .merge(teachers::router(upload_limit))
        .merge(org::router())
        .merge(settings::router())
        .merge(roster::router(upload_limit))
        .merge(status::router())
        .merge(evidence::router(upload_limit))
        .merge(projects::router(upload_limit))
        .merge(mentoring::router())
        .merge(studios::router())
        .merge(duties::router())
        .merge(credits::router(upload_limit))
        .merge(completion::router())
        .merge(claims::router(upload_limit))
        .merge(rule_sets::router())
        .merge(dashboard::router())
        .merge(province::router())
}

/// The API routes.
pub fn router(config: &crate::Config) -> Router<AppState> {
    openapi_router(crate::upload_limit(config)).split_for_parts().0
}

/// The OpenAPI document for the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    with_common_responses(openapi_router(0).split_for_parts().1)
}

/// Documents, on every operation, the answers that come from the layers
/// around the handlers rather than from the handler itself: a request that
/// cannot be read (400), no or a bad sign-in (401), a refusal or a missing
/// CSRF token (403), an unknown id in the path (404), a value that must be
/// unique and is taken (409), a body that is too large (413), input that
/// breaks a rule (422), a request that took too long (408) and a server
/// fault (500). A status the operation documents
/// itself keeps its own description.
fn with_common_responses(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let Ok(mut v) = serde_json::to_value(&doc) else {
        return doc;
    };
    let error = serde_json::json!({"$ref": "#/components/schemas/ErrorBody"});
    let answer = |text: &str| {
        serde_json::json!({
            "description": text,
            "content": {"application/json": {"schema": error.clone()}}
        })
    };
    if let Some(paths) = v.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for (path, item) in paths.iter_mut() {
            let has_path_params = path.contains('{');
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let public = op
                    .get("security")
                    .and_then(|s| s.as_array())
                    .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| o.is_empty())));
                let has_body = op.get("requestBody").is_some();
                let has_query = op
                    .get("parameters")
                    .and_then(|p| p.as_array())
                    .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
                let writes = method != "get";
                let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                    continue;
                };
                let mut add = |code: &str, text: &str| {
                    responses.entry(code.to_string()).or_insert_with(|| answer(text));
                };
                if has_body || has_query || has_path_params {
                    add(
                        "400",
                        "The request could not be read (a malformed body, query or path).",
                    );
                }
                if !public {
                    add("401", "Not signed in, or the token is not valid.");
                    add(
                        "403",
                        "Not allowed, or (with a session) the CSRF token is missing.",
                    );
                }
                if !public {
                    add(
                        "404",
                        "Not found, or not visible to the caller (an id in the path or the body).",
                    );
                }
                if has_body {
                    add("413", "The body is larger than allowed.");
                    if writes {
                        add(
                            "409",
                            "A value that must be unique is taken (the message names the field).",
                        );
                    }
                }
                if has_body || has_query || writes {
                    add("422", "The input breaks a rule; the message names the field.");
                }
                add("408", "The request took longer than allowed.");
                add(
                    "500",
                    "A fault on the server (logged; the message says nothing more).",
                );
            }
        }
    }
    serde_json::from_value(v).unwrap_or(doc)
}

/// `GET /api/openapi.json` and the Swagger UI at `/api/docs` (vendored, no
/// CDN).
pub fn docs_router() -> Router<AppState> {
    Router::new()
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi()))
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(crate::security::CSP_DOCS),
        ))
}

/// JSON body whose rejection is an [`ApiError`] in the caller's language.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| ApiJson(j.0))
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })
    }
}

/// Query string whose rejection is an [`ApiError`].
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
