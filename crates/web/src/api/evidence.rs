//! The growth portfolio over JSON: records per teacher, verification,
//! attachments, school counts, the growth report and the evidence import.

use super::dto::Page;
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::calendar::Semester;
use lingyan_domain::{EvidenceInput, EvidenceKind, EvidenceStatus, FieldError, Level, PageRequest};
use lingyan_store::calendar::today;
use lingyan_store::evidence::EvidenceFilter;
use lingyan_store::files::Target;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teacher_evidence, create_evidence))
        .routes(routes!(list_evidence))
        .routes(routes!(get_evidence, update_evidence, delete_evidence))
        .routes(routes!(verify_evidence))
        .routes(routes!(reject_evidence))
        .routes(routes!(evidence_counts))
        .routes(routes!(pending_evidence))
        .routes(routes!(attach_evidence_file).layer(DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(get_attachment, delete_attachment))
        .routes(routes!(growth_report))
        .routes(routes!(import_evidence).layer(DefaultBodyLimit::max(upload_limit)))
}

/// A portfolio record.
#[derive(Debug, Serialize, ToSchema)]
pub struct Evidence {
    pub id: i64,
    pub school_id: i64,
    pub owner_teacher_id: i64,
    pub owner_name: String,
    /// observation, class, article, award, lecture, reading, writing,
    /// training, study_visit, plan
    pub kind: String,
    /// class type, writing type, training mode, plan type or publication
    pub subtype: Option<String>,
    pub date: NaiveDate,
    /// `2025-2026-1`
    pub semester: String,
    /// school … national, where the kind has a level
    pub level: Option<String>,
    pub title: String,
    pub text: Option<String>,
    /// The kind's own fields (see `EvidenceInput.details`).
    #[schema(value_type = Object)]
    pub details: Value,
    /// recorded, verified, rejected
    pub status: String,
    /// Why it was returned, for rejected records.
    pub status_reason: Option<String>,
    pub attachments: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<lingyan_store::evidence::Evidence> for Evidence {
    fn from(e: lingyan_store::evidence::Evidence) -> Self {
        let mut details = serde_json::to_value(&e.details).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut details {
            m.remove("kind");
        }
        Self {
            id: e.id,
            school_id: e.school_id,
            owner_teacher_id: e.owner_teacher_id,
            owner_name: e.owner_name,
            kind: e.kind.code().into(),
            subtype: e.subtype,
            date: e.occurred_on,
            semester: e.semester.code(),
            level: e.level.map(|l| l.code().into()),
            title: e.title,
            text: e.text,
            details,
            status: e.status.code().into(),
            status_reason: e.status_reason,
            attachments: e.attachments,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A record to add or the new state of one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvidenceBody {
    /// The kind (code or Chinese name); ignored on update.
    pub kind: String,
    /// `2026-10-12` (also 2026/10/12, 2026年10月12日)
    pub date: String,
    /// The lesson title, book, topic, award name or title.
    pub title: String,
    /// Required for classes, articles, awards, lectures and trainings.
    #[serde(default)]
    pub level: Option<String>,
    /// Comments, note or free text.
    #[serde(default)]
    pub text: Option<String>,
    /// The kind's fields by name. observation: observed_teacher (teacher
    /// id as a number, or a name), class_name, subject, scores ("目标
    /// 18/20; 过程 36/40"), inspection (bool), feedback. class: class_type,
    /// subject, class_name, audience, receiving_school (send-teaching).
    /// article: venue, publication (published/submitted), award_level,
    /// award_grade. award: rank, organiser. lecture: audience. reading:
    /// author. writing: writing_type, subject. training: organiser, mode,
    /// hours, certificate. study_visit: destination, days, cost. plan:
    /// plan_type, until.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub details: BTreeMap<String, Value>,
    /// Teacher ids of colleagues who share the record.
    #[serde(default)]
    pub co_owners: Option<Vec<i64>>,
}

fn to_input(b: &EvidenceBody) -> Result<EvidenceInput, ApiError> {
    let kind = EvidenceKind::parse("kind", &b.kind)?;
    let mut details = BTreeMap::new();
    for (k, v) in &b.details {
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Bool(x) => x.to_string(),
            Value::Number(n) if k == "observed_teacher" => format!("#{n}"),
            Value::Number(n) => n.to_string(),
            Value::Array(items) if k == "scores" => items
                .iter()
                .map(|i| match i {
                    Value::Object(o) => format!(
                        "{} {}/{}",
                        o.get("criterion").and_then(Value::as_str).unwrap_or(""),
                        o.get("score").map(|x| x.to_string()).unwrap_or_default(),
                        o.get("max").map(|x| x.to_string()).unwrap_or_default()
                    ),
                    other => other.as_str().unwrap_or("").to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            Value::Object(o) if k == "observed_teacher" => match (o.get("teacher_id"), o.get("name")) {
                (Some(Value::Number(n)), _) => format!("#{n}"),
                (_, Some(Value::String(s))) => s.clone(),
                _ => String::new(),
            },
            _ => return Err(FieldError::new("details", "invalid").with("value", k).into()),
        };
        details.insert(k.clone(), text);
    }
    Ok(EvidenceInput {
        kind,
        date: b.date.clone(),
        title: b.title.clone(),
        level: b.level.clone().unwrap_or_default(),
        text: b.text.clone().unwrap_or_default(),
        details,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EvidenceQuery {
    kind: Option<String>,
    /// `2025-2026-1`
    semester: Option<String>,
    /// School year by its first calendar year (2025 = 2025–2026).
    school_year: Option<i32>,
    level: Option<String>,
    /// recorded, verified, rejected
    status: Option<String>,
    school_id: Option<i64>,
    teacher_id: Option<i64>,
    /// Class type, writing type, training mode, plan type or publication.
    subtype: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Only records waiting for the caller's verification.
    to_verify: Option<bool>,
    page: Option<u64>,
    per_page: Option<u64>,
}

fn opt<T>(v: &Option<String>, f: impl FnOnce(&str) -> Result<T, FieldError>) -> Result<Option<T>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(f(s)?)),
        None => Ok(None),
    }
}

impl EvidenceQuery {
    fn filter(&self) -> Result<EvidenceFilter, ApiError> {
        Ok(EvidenceFilter {
            teacher_id: self.teacher_id,
            school_id: self.school_id,
            kind: opt(&self.kind, |s| EvidenceKind::parse("kind", s))?,
            subtype: self.subtype.clone(),
            semester: opt(&self.semester, |s| Semester::parse("semester", s))?,
            school_year: self.school_year,
            level: opt(&self.level, |s| Level::parse("level", s))?,
            status: opt(&self.status, |s| EvidenceStatus::parse("status", s))?,
            from: opt(&self.from, |s| lingyan_domain::dates::parse_date("from", s))?,
            to: opt(&self.to, |s| lingyan_domain::dates::parse_date("to", s))?,
            to_verify: self.to_verify.unwrap_or(false),
            own_only: false,
        })
    }
}

/// One teacher's portfolio (records they own, share or were observed in),
/// newest first.
#[utoipa::path(get, path = "/api/v1/teachers/{id}/evidence", tag = "portfolio", params(("id" = i64, Path), EvidenceQuery),
    responses((status = 200, body = Page<Evidence>), (status = 404, body = ErrorBody)))]
async fn list_teacher_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
) -> ApiResult<Json<Page<Evidence>>> {
    lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, today()).await?;
    let filter = EvidenceFilter {
        teacher_id: Some(id),
        ..q.filter()?
    };
    let p = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, q.per_page),
        today(),
    )
    .await?;
    Ok(Json(Page::from(p, Evidence::from)))
}

/// Adds a record to a teacher's portfolio (the caller's own, or any of a
/// school they manage). It starts as `recorded`.
#[utoipa::path(post, path = "/api/v1/teachers/{id}/evidence", tag = "portfolio", params(("id" = i64, Path)),
    request_body = EvidenceBody,
    responses((status = 201, body = Evidence), (status = 422, description = "Every bad field is listed", body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn create_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EvidenceBody>,
) -> ApiResult<(StatusCode, Json<Evidence>)> {
    let input = to_input(&b)?;
    let e = lingyan_store::evidence::create(
        &state.store,
        &caller.scope,
        id,
        &input,
        b.co_owners.as_deref().unwrap_or(&[]),
        today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// Records the caller may see, filtered; `to_verify=true` gives the
/// verification queue.
#[utoipa::path(get, path = "/api/v1/evidence", tag = "portfolio", params(EvidenceQuery),
    responses((status = 200, body = Page<Evidence>), (status = 422, body = ErrorBody)))]
async fn list_evidence(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
) -> ApiResult<Json<Page<Evidence>>> {
    let p = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &q.filter()?,
        PageRequest::new(q.page, q.per_page),
        today(),
    )
    .await?;
    Ok(Json(Page::from(p, Evidence::from)))
}

/// A record with its people, attachments and verification history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceDetail {
    pub evidence: Evidence,
    pub people: Vec<PersonDto>,
    pub attachments: Vec<AttachmentDto>,
    pub history: Vec<EventDto>,
    pub can_edit: bool,
    pub can_verify: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub teacher_id: i64,
    pub name: String,
    /// owner, co_owner, observed
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: String,
    /// Decided from the content.
    pub content_type: String,
    pub size: i64,
    /// `GET` this to download.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

impl From<lingyan_store::evidence::AttachmentInfo> for AttachmentDto {
    fn from(a: lingyan_store::evidence::AttachmentInfo) -> Self {
        Self {
            url: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// recorded, edited, reopened, verified, rejected
    pub action: String,
    pub reason: Option<String>,
    /// The person's name (the account's display name).
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One record.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "portfolio", params(("id" = i64, Path)),
    responses((status = 200, body = EvidenceDetail), (status = 404, body = ErrorBody)))]
async fn get_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<EvidenceDetail>> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    Ok(Json(EvidenceDetail {
        evidence: d.evidence.into(),
        people: d
            .people
            .into_iter()
            .map(|p| PersonDto {
                teacher_id: p.teacher_id,
                name: p.name,
                role: p.role.code().into(),
            })
            .collect(),
        attachments: d.attachments.into_iter().map(AttachmentDto::from).collect(),
        history: d
            .events
            .into_iter()
            .map(|e| EventDto {
                action: e.action,
                reason: e.reason,
                by: e.by,
                at: e.at,
            })
            .collect(),
        can_edit: d.can_edit,
        can_verify: d.can_verify,
    }))
}

/// Replaces a record's fields. A verified or returned record goes back to
/// `recorded`. `co_owners` left out keeps the current ones.
#[utoipa::path(put, path = "/api/v1/evidence/{id}", tag = "portfolio", params(("id" = i64, Path)),
    request_body = EvidenceBody,
    responses((status = 200, body = Evidence), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EvidenceBody>,
) -> ApiResult<Json<Evidence>> {
    let current = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    let co = b.co_owners.clone();
    let input = to_input(&EvidenceBody {
        kind: current.evidence.kind.code().into(),
        ..b
    })?;
    let e = lingyan_store::evidence::update(&state.store, &caller.scope, id, &input, co.as_deref(), today())
        .await?;
    Ok(Json(e.into()))
}

/// Deletes a record with its attachments.
#[utoipa::path(delete, path = "/api/v1/evidence/{id}", tag = "portfolio", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    lingyan_store::evidence::delete(&state.store, &caller.scope, id, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyBody {
    /// Records to verify (at most 500); all or nothing.
    pub ids: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResult {
    /// Records that became verified.
    pub verified: u64,
    /// Records that already were verified (left as they are).
    pub already_verified: u64,
}

/// Verifies records (bulk). Nobody verifies their own.
#[utoipa::path(post, path = "/api/v1/evidence/verify", tag = "portfolio", request_body = VerifyBody,
    responses((status = 200, body = VerifyResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn verify_evidence(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<VerifyBody>,
) -> ApiResult<Json<VerifyResult>> {
    let n = lingyan_store::evidence::verify(&state.store, &caller.scope, &b.ids, today()).await?;
    Ok(Json(VerifyResult {
        verified: n.verified,
        already_verified: n.already,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectBody {
    /// Shown to the teacher.
    pub reason: String,
}

/// Returns a record to the teacher with a reason.
#[utoipa::path(post, path = "/api/v1/evidence/{id}/reject", tag = "portfolio", params(("id" = i64, Path)), request_body = RejectBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reject_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<RejectBody>,
) -> ApiResult<StatusCode> {
    lingyan_store::evidence::reject(&state.store, &caller.scope, id, &b.reason, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    pub kind: String,
    pub level: Option<String>,
    /// `2025-2026-1`
    pub semester: String,
    pub total: u64,
    pub verified: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CountQuery {
    school_id: Option<i64>,
    school_year: Option<i32>,
}

/// Records by kind × level × semester for a school (or every school the
/// caller sees).
#[utoipa::path(get, path = "/api/v1/evidence/counts", tag = "portfolio", params(CountQuery),
    responses((status = 200, body = Vec<CountDto>)))]
async fn evidence_counts(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CountQuery>,
) -> ApiResult<Json<Vec<CountDto>>> {
    let cells =
        lingyan_store::evidence::counts(&state.store, &caller.scope, q.school_id, q.school_year, today())
            .await?;
    Ok(Json(
        cells
            .into_iter()
            .map(|c| CountDto {
                kind: c.kind.code().into(),
                level: c.level.map(|l| l.code().into()),
                semester: c.semester.code(),
                total: c.total,
                verified: c.verified,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PendingDto {
    /// Records waiting for the caller's verification.
    pub pending: u64,
}

/// How many records wait for the caller's verification.
#[utoipa::path(get, path = "/api/v1/evidence/pending", tag = "portfolio", responses((status = 200, body = PendingDto)))]
async fn pending_evidence(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<PendingDto>> {
    let n = lingyan_store::evidence::pending_count(&state.store, &caller.scope, today()).await?;
    Ok(Json(PendingDto { pending: n }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FileParams {
    /// The file's name (the type is decided by its content).
    pub(super) filename: Option<String>,
}

/// Attaches a file (the request body) to a record. PDF, images, Office
/// documents, audio and video; the size limit is configurable (25 MB by
/// default). Identical contents are stored once.
#[utoipa::path(post, path = "/api/v1/evidence/{id}/attachments", tag = "portfolio", params(("id" = i64, Path), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn attach_evidence_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<FileParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<AttachmentDto>)> {
    let name = q.filename.unwrap_or_else(|| "file".into());
    let a = lingyan_store::attachments::attach(
        &state.store,
        &caller.scope,
        Target::Evidence(id),
        &name,
        &body,
        today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Downloads an attachment (authorised like its record).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "portfolio", params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn get_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let d = lingyan_store::attachments::download(&state.store, &caller.scope, id, today()).await?;
    Ok(crate::pages::attachment_response(d, false))
}

/// Removes an attachment; a file no record uses any more is deleted.
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "portfolio", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    lingyan_store::attachments::detach(&state.store, &caller.scope, id, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ReportParams {
    /// pdf (default) or docx
    format: Option<String>,
    /// Records from this date.
    from: Option<String>,
    /// Records up to this date.
    to: Option<String>,
    /// zh-CN or en (default the caller's language).
    lang: Option<String>,
}

/// A teacher's growth report: profile, honours, records by kind and school
/// year with counts and a chart, research projects. For anyone who may see
/// the portfolio.
#[utoipa::path(get, path = "/api/v1/teachers/{id}/report", tag = "portfolio", params(("id" = i64, Path), ReportParams),
    responses((status = 200, description = "The report", content_type = "application/pdf"),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn growth_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ReportParams>,
) -> ApiResult<Response> {
    let q = crate::pages::ReportQuery {
        format: q.format.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        lang: q.lang.unwrap_or_default(),
    };
    let (format, from, to, lang) = q.parse(caller.locale)?;
    let made = crate::growth::make(&state.store, &caller.scope, id, from, to, lang, format, today()).await?;
    Ok(crate::pages::download(
        made.bytes,
        format.content_type(),
        &made.filename,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check only; write nothing.
    dry_run: Option<bool>,
    /// The file's name, for the report.
    filename: Option<String>,
}

/// One problem in an evidence file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceImportIssue {
    pub sheet: String,
    pub row: usize,
    pub column: String,
    pub code: String,
    /// In the caller's language.
    pub message: String,
}

/// What an evidence import did (or would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceImportDto {
    pub rows: usize,
    pub added: usize,
    pub skipped: usize,
    /// Records added by kind.
    pub by_kind: BTreeMap<String, usize>,
    pub errors: Vec<EvidenceImportIssue>,
    pub unknown_columns: Vec<String>,
    /// A problem with the whole file.
    pub file_error: Option<String>,
    pub dry_run: bool,
}

/// Imports portfolio records from a spreadsheet (the request body): one
/// kind per sheet or a `kind` column, teachers by staff number or name.
/// All or nothing; rows already there are skipped.
#[utoipa::path(post, path = "/api/v1/schools/{id}/evidence-import", tag = "portfolio", params(("id" = i64, Path), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = EvidenceImportDto), (status = 422, description = "Nothing written", body = EvidenceImportDto),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn import_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<EvidenceImportDto>)> {
    let r = lingyan_store::evidence_import::import(
        &state.store,
        &caller.scope,
        id,
        q.filename.as_deref().unwrap_or("evidence"),
        &body,
        q.dry_run.unwrap_or(false),
        state.config.limits.import_bytes,
        today(),
    )
    .await?;
    let loc = caller.locale;
    let status = if r.ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Json(EvidenceImportDto {
            rows: r.rows,
            added: r.added,
            skipped: r.skipped,
            by_kind: r.by_kind.clone(),
            errors: r
                .errors
                .iter()
                .map(|i| EvidenceImportIssue {
                    sheet: i.sheet.clone(),
                    row: i.row,
                    column: if i.column_is_field {
                        crate::i18n::t(loc, &format!("fields.{}", i.column))
                    } else {
                        i.column.clone()
                    },
                    code: i.code.to_string(),
                    message: crate::i18n::t_args(loc, &format!("errors.{}", i.error.code), &i.error.args),
                })
                .collect(),
            unknown_columns: r.unknown_columns.clone(),
            file_error: r.file_error.as_ref().map(|e| crate::i18n::field_error(loc, e)),
            dry_run: r.dry_run,
        }),
    ))
}
