//! The two error surfaces: [`ApiError`] (status + JSON) and [`PageError`]
//! (status + an HTML page). Both translate the message into the request's
//! language; internal causes are logged, never shown.

use crate::i18n::{self, Tr};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lingyan_store::Error as StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// One wrong field of an input.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: &'static str,
    /// Stable code of the problem (`required`, `bad_date`, …).
    pub code: &'static str,
    /// "field: reason" in the request's language.
    pub message: String,
}

/// An error from the JSON API.
#[derive(Debug)]
pub enum ApiError {
    /// From a service: see [`store_status`] for the status of each variant.
    Store(StoreError),
    /// 401: no session and no valid bearer token.
    Unauthenticated,
    /// 401: a bearer token was sent but is unknown, revoked or expired.
    InvalidToken,
    /// 403: a state-changing request with a session cookie but without a
    /// valid CSRF token.
    Csrf,
    /// 400: the request could not be read (bad JSON, wrong query types);
    /// the text says what was wrong.
    BadRequest(String),
    /// 413: the body is larger than allowed.
    TooLarge,
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `invalid`, `conflict`, `not_found`,
    /// `forbidden`, `bad_credentials`, `locked`, `unauthenticated`,
    /// `invalid_token`, `csrf`, `bad_request`, `too_large`, `internal`.
    pub code: &'static str,
    /// Human-readable message in the request's language.
    pub message: String,
    /// The input field the error concerns, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// Seconds to wait before retrying (for `locked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Every problem when several fields of one input are wrong.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}

impl From<lingyan_domain::FieldError> for ApiError {
    fn from(e: lingyan_domain::FieldError) -> Self {
        ApiError::Store(StoreError::Invalid(e))
    }
}

/// Status, code, message key/text, field and retry for a store error.
pub(crate) struct Described {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
    pub retry_after: Option<u64>,
    pub fields: Vec<FieldProblem>,
}

/// Maps a service error to what users see. 422 invalid input, 409 conflict,
/// 404 not found (also for rows in other tenants), 403 forbidden, 401 bad
/// credentials, 429 locked out, 500 anything internal (logged).
pub(crate) fn describe(e: &StoreError) -> Described {
    let loc = i18n::current();
    let d = |status, code, message: String| Described {
        status,
        code,
        message,
        field: None,
        retry_after: None,
        fields: Vec::new(),
    };
    match e {
        StoreError::InvalidAll(all) => Described {
            field: all.first().map(|f| f.field),
            fields: all
                .iter()
                .map(|f| FieldProblem {
                    field: f.field,
                    code: f.code,
                    message: i18n::field_error(loc, f),
                })
                .collect(),
            ..d(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                all.iter()
                    .map(|f| i18n::field_error(loc, f))
                    .collect::<Vec<_>>()
                    .join(&i18n::t(loc, "punct.semicolon")),
            )
        },
        StoreError::Invalid(fe) => Described {
            field: Some(fe.field),
            ..d(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                i18n::field_error(loc, fe),
            )
        },
        StoreError::Conflict(fe) => Described {
            field: Some(fe.field),
            ..d(StatusCode::CONFLICT, "conflict", i18n::field_error(loc, fe))
        },
        StoreError::NotFound => d(
            StatusCode::NOT_FOUND,
            "not_found",
            i18n::t(loc, "errors.not_found"),
        ),
        StoreError::Forbidden => d(
            StatusCode::FORBIDDEN,
            "forbidden",
            i18n::t(loc, "errors.forbidden"),
        ),
        StoreError::BadCredentials => d(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            i18n::t(loc, "errors.bad_credentials"),
        ),
        StoreError::Locked { retry_after_secs } => Described {
            retry_after: Some(*retry_after_secs),
            ..d(
                StatusCode::TOO_MANY_REQUESTS,
                "locked",
                i18n::t_args(
                    loc,
                    "errors.locked",
                    &[("minutes", retry_after_secs.div_ceil(60).to_string())],
                ),
            )
        },
        StoreError::Db(_) | StoreError::Internal(_) => {
            tracing::error!(error = %e, "internal error");
            d(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                i18n::t(loc, "errors.internal"),
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let loc = i18n::current();
        let d = match &self {
            ApiError::Store(e) => describe(e),
            ApiError::Unauthenticated => Described {
                status: StatusCode::UNAUTHORIZED,
                code: "unauthenticated",
                message: i18n::t(loc, "errors.unauthenticated"),
                field: None,
                retry_after: None,
                fields: Vec::new(),
            },
            ApiError::InvalidToken => Described {
                status: StatusCode::UNAUTHORIZED,
                code: "invalid_token",
                message: i18n::t(loc, "errors.invalid_token"),
                field: None,
                retry_after: None,
                fields: Vec::new(),
            },
            ApiError::Csrf => Described {
                status: StatusCode::FORBIDDEN,
                code: "csrf",
                message: i18n::t(loc, "errors.csrf"),
                field: None,
                retry_after: None,
                fields: Vec::new(),
            },
            ApiError::TooLarge => Described {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "too_large",
                message: i18n::t(loc, "errors.too_large"),
                field: None,
                retry_after: None,
                fields: Vec::new(),
            },
            ApiError::BadRequest(text) => Described {
                status: StatusCode::BAD_REQUEST,
                code: "bad_request",
                message: format!(
                    "{}{}{text}",
                    i18n::t(loc, "errors.bad_request"),
                    i18n::t(loc, "punct.colon")
                ),
                field: None,
                retry_after: None,
                fields: Vec::new(),
            },
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: d.code,
                message: d.message,
                field: d.field,
                retry_after: d.retry_after,
                fields: d.fields,
            },
        };
        let mut resp = (d.status, axum::Json(body)).into_response();
        if let Some(s) = d.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, ApiError::Unauthenticated | ApiError::InvalidToken) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// An error while serving an HTML page.
#[derive(Debug)]
pub enum PageError {
    /// From a service; rendered as an error page with the mapped status.
    Store(StoreError),
    /// 403: the form's CSRF token is missing or stale.
    Csrf,
    /// 400: the form could not be read.
    BadRequest(String),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Store(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let tr = Tr(i18n::current());
        let (status, message) = match &self {
            PageError::Store(e) => {
                let d = describe(e);
                (d.status, d.message)
            }
            PageError::Csrf => (StatusCode::FORBIDDEN, tr.t("errors.csrf_page")),
            PageError::BadRequest(text) => (
                StatusCode::BAD_REQUEST,
                format!("{}{}{text}", tr.t("errors.bad_request"), tr.t("punct.colon")),
            ),
        };
        crate::pages::error_page(tr, status, message)
    }
}
