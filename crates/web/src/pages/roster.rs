//! Roster import (upload → preview → confirm), export and the template.

use super::{PageCtx, flash, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::{Capability, FieldError};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::roster::{COLUMNS, ImportReport};
use lingyan_store::schools::School;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/import/roster",
            get(view_import_get)
                .post(view_import_post)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/import/roster/confirm", post(view_import_confirm_post))
        .route("/import/roster/cancel", post(view_import_cancel_post))
        .route("/import/roster/template.xlsx", get(view_template_get))
        .route("/teachers/export.xlsx", get(view_export_get))
}

pub(crate) fn xlsx_response(bytes: Vec<u8>, filename: &str) -> Response {
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    // RFC 6266: an ASCII fallback and the UTF-8 name.
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(filename.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "roster_import.html")]
struct ImportPage {
    ctx: PageCtx,
    schools: Vec<School>,
    school: String,
    error: Option<crate::pages::FormError>,
    max_mb: usize,
}

/// `GET /import/roster`
async fn view_import_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let schools =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ManageTeachers).await?;
    if schools.is_empty() {
        return Err(Error::Forbidden.into());
    }
    Ok(render(&ImportPage {
        school: schools[0].id.to_string(),
        schools,
        error: None,
        max_mb: state.config.limits.import_bytes / (1024 * 1024),
        ctx,
    }))
}

/// A row problem for display.
pub struct Issue {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "roster_preview.html")]
struct PreviewPage {
    ctx: PageCtx,
    school: School,
    report: ImportReport,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    file_error: Option<String>,
    token: String,
}

fn issues(tr: crate::i18n::Tr, list: &[lingyan_store::roster::RowIssue]) -> Vec<Issue> {
    list.iter()
        .map(|i| Issue {
            row: i.row,
            column: i.column.clone(),
            message: crate::i18n::t_args(tr.0, &format!("errors.{}", i.error.code), &i.error.args),
        })
        .collect()
}

/// `POST /import/roster`: reads the upload, checks every row, and shows
/// what would change. Nothing is written yet.
async fn view_import_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut school_id: Option<i64> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| PageError::BadRequest(e.body_text()))?
    {
        match field.name() {
            Some("school") => school_id = field.text().await.ok().and_then(|t| t.parse().ok()),
            Some("file") => {
                let name = field.file_name().unwrap_or("roster").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| PageError::BadRequest(e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let schools =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ManageTeachers).await?;
    let Some(school) = school_id.and_then(|id| schools.iter().find(|s| s.id == id).cloned()) else {
        return Err(Error::Forbidden.into());
    };
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let e = FieldError::new("file", "required");
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                error: Some(super::field_message(ctx.tr, &e)),
                school: school.id.to_string(),
                schools,
                max_mb: state.config.limits.import_bytes / (1024 * 1024),
                ctx,
            },
        ));
    };
    let max = state.config.limits.import_bytes;
    let report = lingyan_store::roster::import(
        &state.store,
        &caller.scope,
        school.id,
        &filename,
        &bytes,
        true,
        max,
        today(),
    )
    .await?;
    let token = if report.ok() {
        lingyan_store::roster::stash_upload(
            &state.store,
            &caller.scope,
            school.id,
            "roster",
            &filename,
            bytes,
        )
        .await?
    } else {
        String::new()
    };
    let status = if report.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &PreviewPage {
            errors: issues(ctx.tr, &report.errors),
            warnings: issues(ctx.tr, &report.warnings),
            file_error: report.file_error.as_ref().map(|e| ctx.tr.field_error(e)),
            report,
            school,
            token,
            ctx,
        },
    ))
}

#[derive(Deserialize)]
struct TokenForm {
    token: String,
}

/// `POST /import/roster/confirm`: writes the previewed file.
async fn view_import_confirm_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    let (school_id, _) = lingyan_store::roster::upload_info(&state.store, &caller.scope, &f.token).await?;
    let r = lingyan_store::roster::import_upload(
        &state.store,
        &caller.scope,
        &f.token,
        state.config.limits.import_bytes,
        today(),
    )
    .await?;
    if !r.written {
        // The roster changed in between (someone edited a teacher): show it again.
        let school = lingyan_store::schools::get(&state.store, &caller.scope, school_id).await?;
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PreviewPage {
                errors: issues(ctx.tr, &r.errors),
                warnings: issues(ctx.tr, &r.warnings),
                file_error: r.file_error.as_ref().map(|e| ctx.tr.field_error(e)),
                report: r,
                school,
                token: String::new(),
                ctx,
            },
        ));
    }
    let msg = crate::i18n::t_args(
        ctx.tr.0,
        "roster.done",
        &[
            ("added", r.added.to_string()),
            ("updated", r.updated.to_string()),
            ("unchanged", r.unchanged.to_string()),
        ],
    );
    flash(&session, "ok", msg).await;
    Ok(redirect(&format!("/teachers?school={school_id}")))
}

/// `POST /import/roster/cancel`
async fn view_import_cancel_post(
    State(state): State<AppState>,
    caller: Caller,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    lingyan_store::roster::discard_upload(&state.store, &caller.scope, &f.token).await?;
    Ok(redirect("/import/roster"))
}

/// The headers (Chinese, English) of the roster columns.
pub(crate) fn headers() -> Vec<(&'static str, &'static str)> {
    COLUMNS.iter().map(|(_, zh, en, _)| (*zh, *en)).collect()
}

/// `GET /import/roster/template.xlsx`: headers in both languages and one
/// example row.
async fn view_template_get(ctx: PageCtx) -> Result<Response, PageError> {
    // One example per column, in the columns' order, so the row cannot
    // drift from the headers.
    let example: Vec<String> = COLUMNS.iter().map(|(c, ..)| c.example().to_string()).collect();
    let bytes = lingyan_reports::roster::workbook(&ctx.tr.t("roster.sheet"), &headers(), &[example])
        .map_err(|e| PageError::Store(Error::Internal(e.to_string())))?;
    Ok(xlsx_response(
        bytes,
        &format!("{}.xlsx", ctx.tr.t("roster.template_file")),
    ))
}

#[derive(Deserialize)]
struct ExportQuery {
    #[serde(default)]
    school: String,
}

/// `GET /teachers/export.xlsx?school=ID`: the school's current roster.
async fn view_export_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    let school = match q.school.parse::<i64>() {
        Ok(id) => lingyan_store::schools::get(&state.store, &caller.scope, id).await?,
        Err(_) => lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadTeachers)
            .await?
            .into_iter()
            .next()
            .ok_or(Error::Forbidden)?,
    };
    let rows = lingyan_store::roster::export_rows(&state.store, &caller.scope, school.id).await?;
    let bytes = lingyan_reports::roster::workbook(&ctx.tr.t("roster.sheet"), &headers(), &rows)
        .map_err(|e| PageError::Store(Error::Internal(e.to_string())))?;
    Ok(xlsx_response(
        bytes,
        &format!("{}-{}.xlsx", school.name, ctx.tr.t("roster.sheet")),
    ))
}
