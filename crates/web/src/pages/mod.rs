//! Server-rendered pages. Each area has its own module and `router()`;
//! handlers are named `view_<page>_<get|post>` and render one template
//! struct. Pages call the same services as the JSON API, never the API.

mod account;
pub(crate) mod activities;
mod audit;
pub(crate) mod credits;
mod districts;
mod duties;
mod evidence;
mod evidence_import;
mod home;
mod login;
mod mentoring;
mod org;
pub mod people;
mod place;
mod projects;
mod province;
pub(crate) mod roster;
pub(crate) mod rule_sets;
mod schools;
mod settings;
mod status;
mod studios;
mod teachers;
pub(crate) mod users;

use crate::auth::Identity;
use crate::i18n::{self, Tr};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_csrf::CsrfToken;
use lingyan_domain::{Capability, Paged, Role, Tenant};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

pub(crate) use activities::session_when as activity_session_when;
pub(crate) use credits::base_url as credits_base_url;
pub(crate) use credits::completion as credits_completion;
pub use credits::completion::{completion_text, completion_xlsx};
pub(crate) use credits::export_response as credits_export;
pub use credits::national_xlsx;
pub(crate) use credits::words as credits_words;
pub use credits::words::{rules_text as credit_rules_text, transcript_text as credit_transcript_text};
pub use credits::{transcript_pdf, transcript_xlsx, verify_url};
pub use duties::{matrix_text as duties_text, matrix_xlsx as duties_xlsx};
pub use evidence::ReportQuery;
pub(crate) use evidence::{attachment_response, download, file_response};
pub use mentoring::documents::{agreements_file, ceremony as ceremony_pairs};
pub(crate) use mentoring::duration as mentoring_duration;
pub use mentoring::overview::{tables as mentoring_overview_tables, text as mentoring_overview_text};
pub use mentoring::suggest::{reason as mentoring_reason, rows as suggestion_rows};
pub(crate) use roster::{headers as roster_headers, xlsx_response as xlsx_download};
pub(crate) use studios::schools_count as studios_schools_count;

pub fn router(config: &crate::Config) -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(home::router())
        .merge(account::router())
        .merge(users::router())
        .merge(schools::router())
        .merge(districts::router())
        .merge(audit::router())
        .merge(teachers::router())
        .merge(roster::router(crate::upload_limit(config)))
        .merge(org::router())
        .merge(settings::router())
        .merge(status::router())
        .merge(evidence::router(crate::upload_limit(config)))
        .merge(projects::router(crate::upload_limit(config)))
        .merge(mentoring::router())
        .merge(studios::router())
        .merge(evidence_import::router(crate::upload_limit(config)))
        .merge(duties::router())
        .merge(credits::router(crate::upload_limit(config)))
        .merge(activities::router(crate::upload_limit(config)))
        .merge(province::router())
}

/// What an address that matches no route answers: the friendly "not
/// found" page with a way back, or JSON under `/api/`.
pub async fn view_not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::Store(lingyan_store::Error::NotFound).into_response();
    }
    let tr = Tr(i18n::current());
    error_page(tr, StatusCode::NOT_FOUND, tr.t("errors.not_found_page"))
}

/// Opening a form's POST-only address (a bookmarked or reloaded result)
/// goes back up to the page it belongs to instead of a blank 405; other
/// methods keep axum's 405 with its `Allow` header.
pub async fn post_only_goes_back(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let get = matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    if get && resp.status() == StatusCode::METHOD_NOT_ALLOWED && !path.starts_with("/api/") {
        let parent = match path.trim_end_matches('/').rsplit_once('/') {
            Some((p, _)) if !p.is_empty() => p.to_string(),
            _ => "/".to_string(),
        };
        return redirect(&parent);
    }
    resp
}

/// Which menu entries the caller sees.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub users: bool,
    pub schools: bool,
    pub districts: bool,
    pub audit: bool,
    pub teachers: bool,
    /// Has a portfolio of their own or sees others' records.
    pub portfolio: bool,
    /// Sees the school's records and counts.
    pub evidence: bool,
    pub verification: bool,
    /// Where "Activities" leads (none for the system administrator).
    pub activities: String,
    /// Where "Credits" leads: the school's or district's completion for
    /// those who read its records, else the teacher's own transcript.
    pub credits: String,
}

/// The signed-in user, as the layout shows them.
#[derive(Debug, Clone)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub nav: Nav,
}

/// A one-time message shown after a redirect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `ok` or `error`
    pub kind: String,
    pub message: String,
}

const FLASH_KEY: &str = "flash";

/// Stores a message for the next page the user sees.
pub async fn flash(session: &Session, kind: &str, message: String) {
    let f = Flash {
        kind: kind.to_string(),
        message,
    };
    if let Err(e) = session.insert(FLASH_KEY, f).await {
        tracing::warn!(error = %e, "could not store flash message");
    }
}

/// What every page's layout needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub tr: Tr,
    /// Token for this page's forms (empty on error pages).
    pub csrf: String,
    pub me: Option<Me>,
    pub flash: Option<Flash>,
    /// Path and query of this page, for "come back here" links.
    pub here: String,
}

impl PageCtx {
    /// A context for pages rendered without a request (error pages).
    pub fn bare(tr: Tr) -> Self {
        Self {
            tr,
            csrf: String::new(),
            me: None,
            flash: None,
            here: "/".into(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let identity = parts.extensions.get::<Identity>().cloned();
        let tr = Tr(identity
            .as_ref()
            .map(|i| i.locale)
            .unwrap_or_else(|| crate::auth::negotiated_locale(&parts.headers)));
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(crate::csrf::form_token)
            .unwrap_or_default();
        let me = identity.and_then(|i| {
            let (a, s) = (i.account?, i.scope?);
            let access = s.access();
            let nav = Nav {
                users: !access.tenants(Capability::ManageUsers).is_empty()
                    || access.has_role(Role::Inspector),
                schools: !access.tenants(Capability::ManageSchools).is_empty()
                    || access.has_role(Role::Inspector),
                districts: access.is_system_admin()
                    || access.has_role(Role::DistrictAdmin)
                    || access.has_role(Role::Inspector),
                audit: !access.tenants(Capability::ReadAudit).is_empty(),
                teachers: !access.tenants(Capability::ReadTeachers).is_empty(),
                portfolio: access.roles().iter().any(|r| {
                    matches!(
                        r,
                        Role::Teacher
                            | Role::Mentor
                            | Role::GroupLeader
                            | Role::TrainingDirector
                            | Role::Principal
                    )
                }),
                evidence: !access.tenants(Capability::ReadEvidence).is_empty(),
                verification: !access.tenants(Capability::VerifyEvidence).is_empty()
                    || access.has_role(Role::GroupLeader),
                activities: String::new(),
                credits: String::new(),
            };
            // Teachers go to their own activities; leaders without classes
            // of their own to their school's or district's calendar.
            let home = s.home();
            let nav = Nav {
                activities: match (nav.portfolio, home.school_id, home.district_id) {
                    (true, _, _) => "/activities".into(),
                    (false, Some(school), _) => format!("/schools/{school}/activities"),
                    (false, None, Some(d)) => format!("/districts/{d}/activities"),
                    _ => String::new(),
                },
                credits: match (home.school_id, home.district_id) {
                    (Some(school), Some(d))
                        if access.allows(Capability::ReadEvidence, Tenant::school(d, school)) =>
                    {
                        format!("/schools/{school}/credits")
                    }
                    (None, Some(d)) if access.allows(Capability::ReadEvidence, Tenant::district(d)) => {
                        format!("/districts/{d}/credits")
                    }
                    _ if nav.portfolio => "/me/credits".into(),
                    _ => String::new(),
                },
                ..nav
            };
            Some(Me {
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                roles: access.roles().into_iter().collect(),
                nav,
            })
        });
        let flash = match Session::from_request_parts(parts, state).await {
            Ok(session) => session.remove::<Flash>(FLASH_KEY).await.ok().flatten(),
            Err(_) => None,
        };
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Ok(PageCtx {
            tr,
            csrf,
            me,
            flash,
            here,
        })
    }
}

/// Renders a template, or a plain 500 if it fails.
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageCtx,
    status: u16,
    title: String,
    message: String,
}

/// A full error page in the request's language.
pub fn error_page(tr: Tr, status: StatusCode, message: String) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => tr.t("errors.title_not_found"),
        StatusCode::FORBIDDEN => tr.t("errors.title_forbidden"),
        s if s.is_server_error() => tr.t("errors.title_internal"),
        _ => tr.t("errors.title_generic"),
    };
    render_status(
        status,
        &ErrorPage {
            ctx: PageCtx::bare(tr),
            status: status.as_u16(),
            title,
            message,
        },
    )
}

/// What went wrong with a submitted form: one sentence for the top of the
/// form, and each wrong field's reason, shown beside that field (app.js
/// places them from `data-fields`; the sentence alone works without it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormError {
    pub message: String,
    /// (form field name, reason in the reader's language).
    pub fields: Vec<(&'static str, String)>,
}

impl FormError {
    /// `{"field": "reason", …}` for the `data-fields` attribute.
    pub fn fields_attr(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .fields
            .iter()
            .map(|(f, m)| ((*f).to_string(), serde_json::Value::String(m.clone())))
            .collect();
        serde_json::Value::Object(map).to_string()
    }
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<String> for FormError {
    fn from(message: String) -> Self {
        FormError {
            message,
            fields: Vec::new(),
        }
    }
}

/// The error for a failed service call, in the current language, with the
/// fields it concerns.
pub fn message_for(e: &lingyan_store::Error) -> FormError {
    let loc = i18n::current();
    let reason = |f: &lingyan_domain::FieldError| i18n::t_args(loc, &format!("errors.{}", f.code), &f.args);
    let fields = match e {
        lingyan_store::Error::Invalid(f) | lingyan_store::Error::Conflict(f) => vec![(f.field, reason(f))],
        lingyan_store::Error::InvalidAll(all) => all.iter().map(|f| (f.field, reason(f))).collect(),
        _ => Vec::new(),
    };
    FormError {
        message: crate::error::describe(e).message,
        fields,
    }
}

/// A form's optional date: none when empty, else the day or the problem
/// (kept with the form's others).
pub(crate) fn form_date(
    field: &'static str,
    s: &str,
    errors: &mut Vec<lingyan_domain::FieldError>,
) -> Option<chrono::NaiveDate> {
    match s.trim() {
        "" => None,
        v => lingyan_domain::dates::parse_date(field, v)
            .map_err(|e| errors.push(e))
            .ok(),
    }
}

/// A form's optional id (a picker's value): none when empty.
pub(crate) fn form_id(
    field: &'static str,
    s: &str,
    errors: &mut Vec<lingyan_domain::FieldError>,
) -> Option<i64> {
    match s.trim() {
        "" => None,
        v => v
            .parse::<i64>()
            .map_err(|_| errors.push(lingyan_domain::FieldError::new(field, "invalid")))
            .ok(),
    }
}

/// A form error from one field problem found by the page itself.
pub fn field_message(tr: Tr, e: &lingyan_domain::FieldError) -> FormError {
    FormError {
        message: i18n::field_error(tr.0, e),
        fields: vec![(
            e.field,
            i18n::t_args(tr.0, &format!("errors.{}", e.code), &e.args),
        )],
    }
}

/// A local path to return to: only paths on this site, never `//host`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Links for a paginated list.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` is the list's URL with its filters, without `page`.
    pub fn new<T>(p: &Paged<T>, base: &str) -> Self {
        let sep = if base.contains('?') { '&' } else { '?' };
        let link = |n: u64| format!("{base}{sep}page={n}");
        Self {
            page: p.page,
            pages: p.pages(),
            total: p.total,
            prev: p.has_prev().then(|| link(p.page - 1)),
            next: p.has_next().then(|| link(p.page + 1)),
        }
    }
}

/// Builds `path?k=v&…` from the non-empty pairs.
pub fn url_with(path: &str, pairs: &[(&str, String)]) -> String {
    let q: Vec<(&str, &String)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v))
        .collect();
    if q.is_empty() {
        return path.to_string();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in q {
        s.append_pair(k, v);
    }
    format!("{path}?{}", s.finish())
}

/// Reads an upload form: its `file` (name and bytes, none when empty) and
/// whether `dry_run` was ticked.
pub(crate) async fn read_upload(
    mut multipart: axum::extract::Multipart,
    default_name: &str,
) -> Result<(Option<(String, Vec<u8>)>, bool), crate::error::PageError> {
    let bad =
        |e: axum::extract::multipart::MultipartError| crate::error::PageError::BadRequest(e.body_text());
    let mut dry_run = false;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("dry_run") => dry_run = field.text().await.is_ok_and(|t| !t.is_empty()),
            Some("file") => {
                let name = field.file_name().unwrap_or(default_name).to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok((file, dry_run))
}

/// Form checkbox: present means true.
pub fn checkbox(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// 422 when a form is shown again with its error, else 200.
pub fn form_status<E>(error: &Option<E>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}
