//! Research projects (课题) over JSON: list, create, edit, stages, status
//! and attachments.

use super::evidence::{AttachmentDto, FileParams};
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use lingyan_domain::EvidenceStatus;
use lingyan_store::calendar::today;
use lingyan_store::files::Target;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project))
        .routes(routes!(advance_project))
        .routes(routes!(set_project_status))
        .routes(routes!(attach_project_file).layer(DefaultBodyLimit::max(upload_limit)))
}

/// A research project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: i64,
    pub school_id: i64,
    pub title: String,
    pub level: String,
    pub number: Option<String>,
    pub text: Option<String>,
    /// applied, approved, mid_term, concluded, appraised
    pub stage: String,
    /// recorded, verified, rejected (of the current stage)
    pub status: String,
    pub status_reason: Option<String>,
    pub members: Vec<ProjectMemberDto>,
    pub stages: Vec<StageDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectMemberDto {
    pub teacher_id: i64,
    pub name: String,
    /// host or member
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageDto {
    pub stage: String,
    pub on_date: NaiveDate,
    pub note: Option<String>,
}

impl From<lingyan_store::projects::Project> for ProjectDto {
    fn from(p: lingyan_store::projects::Project) -> Self {
        Self {
            id: p.id,
            school_id: p.school_id,
            title: p.title,
            level: p.level.code().into(),
            number: p.number,
            text: p.text,
            stage: p.stage.code().into(),
            status: p.status.code().into(),
            status_reason: p.status_reason,
            members: p
                .members
                .into_iter()
                .map(|m| ProjectMemberDto {
                    teacher_id: m.teacher_id,
                    name: m.name,
                    role: m.role.code().into(),
                })
                .collect(),
            stages: p
                .stages
                .into_iter()
                .map(|s| StageDto {
                    stage: s.stage.code().into(),
                    on_date: s.on_date,
                    note: s.note,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectBody {
    pub title: String,
    pub level: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// Date of application (申报); on update, left out keeps it.
    #[serde(default)]
    pub applied_on: Option<String>,
    /// The host's teacher id (ignored on update).
    #[serde(default)]
    pub host_teacher_id: Option<i64>,
    /// Members' teacher ids.
    #[serde(default)]
    pub members: Vec<i64>,
}

impl ProjectBody {
    fn input(&self) -> lingyan_store::projects::ProjectInput {
        lingyan_store::projects::ProjectInput {
            title: self.title.clone(),
            level: self.level.clone(),
            number: self.number.clone().unwrap_or_default(),
            text: self.text.clone().unwrap_or_default(),
            applied_on: self.applied_on.clone().unwrap_or_default(),
            host_teacher_id: self.host_teacher_id.unwrap_or_default(),
            members: self.members.clone(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProjectQuery {
    teacher_id: Option<i64>,
    school_id: Option<i64>,
}

/// Research projects the caller sees.
#[utoipa::path(get, path = "/api/v1/projects", tag = "portfolio", params(ProjectQuery),
    responses((status = 200, body = Vec<ProjectDto>)))]
async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProjectQuery>,
) -> ApiResult<Json<Vec<ProjectDto>>> {
    let ps = lingyan_store::projects::list(&state.store, &caller.scope, q.teacher_id, q.school_id, today())
        .await?;
    Ok(Json(ps.into_iter().map(ProjectDto::from).collect()))
}

/// Registers a project at the application stage.
#[utoipa::path(post, path = "/api/v1/projects", tag = "portfolio", request_body = ProjectBody,
    responses((status = 201, body = ProjectDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_project(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<ProjectBody>,
) -> ApiResult<(StatusCode, Json<ProjectDto>)> {
    let p = lingyan_store::projects::create(&state.store, &caller.scope, &b.input(), today()).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// One project.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "portfolio", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectDto), (status = 404, body = ErrorBody)))]
async fn get_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ProjectDto>> {
    let d = lingyan_store::projects::get(&state.store, &caller.scope, id, today()).await?;
    Ok(Json(d.project.into()))
}

/// Changes a project's title, level, number, text and members.
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "portfolio", params(("id" = i64, Path)), request_body = ProjectBody,
    responses((status = 200, body = ProjectDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ProjectBody>,
) -> ApiResult<Json<ProjectDto>> {
    let p = lingyan_store::projects::update(&state.store, &caller.scope, id, &b.input(), today()).await?;
    Ok(Json(p.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StageBody {
    /// The next stage: approved, mid_term, concluded, appraised.
    pub stage: String,
    pub on_date: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records the project's next stage.
#[utoipa::path(post, path = "/api/v1/projects/{id}/stages", tag = "portfolio", params(("id" = i64, Path)), request_body = StageBody,
    responses((status = 200, body = ProjectDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn advance_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StageBody>,
) -> ApiResult<Json<ProjectDto>> {
    let p = lingyan_store::projects::advance(
        &state.store,
        &caller.scope,
        id,
        &b.stage,
        &b.on_date,
        b.note.as_deref().unwrap_or(""),
        today(),
    )
    .await?;
    Ok(Json(p.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusBody {
    /// verified or rejected
    pub status: String,
    /// Required when rejecting.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Verifies or returns a project's current stage.
#[utoipa::path(post, path = "/api/v1/projects/{id}/status", tag = "portfolio", params(("id" = i64, Path)), request_body = StatusBody,
    responses((status = 200, body = ProjectDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_project_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StatusBody>,
) -> ApiResult<Json<ProjectDto>> {
    let to = EvidenceStatus::parse("status", &b.status)?;
    let p = lingyan_store::projects::set_status(
        &state.store,
        &caller.scope,
        id,
        to,
        b.reason.as_deref().unwrap_or(""),
        today(),
    )
    .await?;
    Ok(Json(p.into()))
}

/// Attaches a document (the request body) to a project.
#[utoipa::path(post, path = "/api/v1/projects/{id}/attachments", tag = "portfolio", params(("id" = i64, Path), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn attach_project_file(
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
        Target::Project(id),
        &name,
        &body,
        today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}
