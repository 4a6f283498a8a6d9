//! Roster files over JSON: importing a school's roster, exporting it.

use super::teachers_dto::*;
use super::{ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lingyan_store::calendar::today;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_roster).layer(DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(export_roster))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check only; write nothing.
    dry_run: Option<bool>,
    /// The file's name, for the report and the audit log.
    filename: Option<String>,
}

/// Import a roster file (.xlsx, .xls or .csv; the request body is the
/// file). All or nothing: with any error nothing is written and the report
/// lists every row, column and reason. Re-importing updates teachers
/// already there.
#[utoipa::path(post, path = "/api/v1/schools/{id}/roster", tag = "teachers", params(("id" = i64, Path), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Imported (or checked)", body = ImportReport),
              (status = 422, description = "Nothing written: see errors", body = ImportReport),
              (status = 403, body = ErrorBody)))]
async fn import_roster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let name = q.filename.unwrap_or_else(|| "roster".into());
    let r = lingyan_store::roster::import(
        &state.store,
        &caller.scope,
        id,
        &name,
        &body,
        q.dry_run.unwrap_or(false),
        state.config.limits.import_bytes,
        today(),
    )
    .await?;
    let status = if r.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(ImportReport::from(r, caller.locale))))
}

/// The school's roster as .xlsx, in the import template's columns.
#[utoipa::path(get, path = "/api/v1/schools/{id}/roster.xlsx", tag = "teachers", params(("id" = i64, Path)),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = ErrorBody)))]
async fn export_roster(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let rows = lingyan_store::roster::export_rows(&state.store, &caller.scope, id).await?;
    let bytes = lingyan_reports::roster::workbook("roster", &crate::pages::roster_headers(), &rows)
        .map_err(|e| ApiError::Store(lingyan_store::Error::Internal(e.to_string())))?;
    Ok(crate::pages::xlsx_download(bytes, "roster.xlsx"))
}
