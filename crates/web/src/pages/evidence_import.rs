//! Importing portfolio records from a spreadsheet: upload, check (or write)
//! and the report with every problem by sheet, row and column; and the
//! template workbook with one sheet per kind.

use super::{PageCtx, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use lingyan_domain::Capability;
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::evidence_import::EvidenceImportReport;
use lingyan_store::schools::School;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/import/evidence",
            get(view_evidence_import_get)
                .post(view_evidence_import_post)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/import/evidence/template.xlsx", get(view_evidence_template_get))
}

/// One problem as the page lists it.
pub struct Line {
    pub sheet: String,
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "evidence_import.html")]
struct ImportPage {
    ctx: PageCtx,
    schools: Vec<School>,
    school: String,
    max_mb: usize,
    report: Option<EvidenceImportReport>,
    lines: Vec<Line>,
    kinds: Vec<(String, usize)>,
    error: Option<crate::pages::FormError>,
}

async fn schools(state: &AppState, caller: &Caller) -> Result<Vec<School>, Error> {
    let s = lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ManageTeachers).await?;
    if s.is_empty() {
        return Err(Error::Forbidden);
    }
    Ok(s)
}

/// `GET /import/evidence`
async fn view_evidence_import_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let schools = schools(&state, &caller).await?;
    Ok(render_status(
        StatusCode::OK,
        &ImportPage {
            school: schools[0].id.to_string(),
            schools,
            max_mb: state.config.limits.import_bytes / (1024 * 1024),
            report: None,
            lines: Vec::new(),
            kinds: Vec::new(),
            error: None,
            ctx,
        },
    ))
}

/// `POST /import/evidence`: checks the file, and writes it unless "check
/// only" is ticked. All rows or none.
async fn view_evidence_import_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut school_id: Option<i64> = None;
    let mut dry_run = false;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| PageError::BadRequest(e.body_text()))?
    {
        match field.name() {
            Some("school") => school_id = field.text().await.ok().and_then(|t| t.parse().ok()),
            Some("dry_run") => dry_run = field.text().await.is_ok_and(|t| !t.is_empty()),
            Some("file") => {
                let name = field.file_name().unwrap_or("evidence").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| PageError::BadRequest(e.body_text()))?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let schools = schools(&state, &caller).await?;
    let Some(school) = school_id.and_then(|id| schools.iter().find(|s| s.id == id).cloned()) else {
        return Err(Error::Forbidden.into());
    };
    let max_mb = state.config.limits.import_bytes / (1024 * 1024);
    let Some((filename, bytes)) = file else {
        let e = lingyan_domain::FieldError::new("file", "required");
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                error: Some(super::field_message(ctx.tr, &e)),
                school: school.id.to_string(),
                schools,
                max_mb,
                report: None,
                lines: Vec::new(),
                kinds: Vec::new(),
                ctx,
            },
        ));
    };
    let report = lingyan_store::evidence_import::import(
        &state.store,
        &caller.scope,
        school.id,
        &filename,
        &bytes,
        dry_run,
        state.config.limits.import_bytes,
        today(),
    )
    .await?;
    let lines = report
        .errors
        .iter()
        .map(|i| Line {
            sheet: i.sheet.clone(),
            row: i.row,
            column: if i.column_is_field {
                crate::i18n::t(ctx.tr.0, &format!("fields.{}", i.column))
            } else {
                i.column.clone()
            },
            message: crate::i18n::t_args(ctx.tr.0, &format!("errors.{}", i.error.code), &i.error.args),
        })
        .collect();
    let kinds = report
        .by_kind
        .iter()
        .map(|(k, n)| (ctx.tr.label("evidence_kinds", k), *n))
        .collect();
    let error = report
        .file_error
        .as_ref()
        .map(|e| super::field_message(ctx.tr, e));
    let status = if report.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &ImportPage {
            school: school.id.to_string(),
            schools,
            max_mb,
            report: Some(report),
            lines,
            kinds,
            error,
            ctx,
        },
    ))
}

/// The template workbook for one school's evidence as .xlsx.
pub fn template_bytes() -> Result<Vec<u8>, lingyan_reports::Error> {
    let tables: Vec<lingyan_reports::Table> = lingyan_store::evidence_import::template_sheets()
        .into_iter()
        .map(|(title, headers)| lingyan_reports::Table {
            title,
            headers,
            rows: Vec::new(),
        })
        .collect();
    lingyan_reports::xlsx(&tables)
}

/// `GET /import/evidence/template.xlsx`
async fn view_evidence_template_get(_caller: Caller) -> Result<Response, PageError> {
    let bytes = template_bytes().map_err(|e| Error::Internal(e.to_string()))?;
    Ok(super::xlsx_download(bytes, "evidence-template.xlsx"))
}
