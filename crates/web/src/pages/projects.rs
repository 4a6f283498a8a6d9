//! Research projects (课题): lists, forms, stages with documents,
//! verification.

use super::people::{PersonChoice, choices};
use super::{PageCtx, flash, redirect, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::{Capability, EvidenceStatus, Level, ProjectStage};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::files::Target;
use lingyan_store::projects::{Project, ProjectDetail, ProjectInput};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/projects", get(view_projects_get).post(view_projects_post))
        .route("/projects/{id}", get(view_project_get).post(view_project_post))
        .route("/projects/{id}/stage", post(view_project_stage_post))
        .route("/projects/{id}/status", post(view_project_status_post))
        .route(
            "/projects/{id}/attachments",
            post(view_project_attach_post).layer(DefaultBodyLimit::max(upload_limit)),
        )
}

/// Teachers offered as hosts and members: the caller's own record and
/// colleagues, or every teacher of the schools they manage.
async fn teacher_choices(state: &AppState, caller: &Caller) -> Result<Vec<PersonChoice>, Error> {
    let d = today();
    if let Some(own) = lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, d).await? {
        let o = lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, own, d).await?;
        let mut out = vec![lingyan_store::evidence::Colleague {
            id: own,
            label: o.name.clone(),
            name: o.name,
            staff_no: None,
        }];
        out.extend(lingyan_store::evidence::colleagues(&state.store, &caller.scope, own, d).await?);
        return Ok(choices(out));
    }
    let schools =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ManageTeachers).await?;
    let ids: Vec<i64> = schools.iter().map(|s| s.id).collect();
    Ok(choices(
        lingyan_store::teachers::choices(&state.store, &caller.scope, Capability::ManageTeachers, &ids)
            .await?,
    ))
}

#[derive(Deserialize, Default)]
struct ProjectForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    applied_on: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    members: Vec<String>,
}

impl ProjectForm {
    fn input(&self) -> ProjectInput {
        ProjectInput {
            title: self.title.clone(),
            level: self.level.clone(),
            number: self.number.clone(),
            text: self.text.clone(),
            applied_on: self.applied_on.clone(),
            host_teacher_id: self.host.parse().unwrap_or_default(),
            members: self.members.iter().filter_map(|m| m.parse().ok()).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    ctx: PageCtx,
    projects: Vec<Project>,
    teachers: Vec<PersonChoice>,
    levels: Vec<Level>,
    form: ProjectForm,
    error: Option<crate::pages::FormError>,
}

async fn projects_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    form: ProjectForm,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let projects = lingyan_store::projects::list(&state.store, &caller.scope, None, None, today()).await?;
    let teachers = teacher_choices(state, caller).await?;
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &ProjectsPage {
            ctx,
            projects,
            teachers,
            levels: Level::ALL.iter().rev().copied().collect(),
            form,
            error,
        },
    ))
}

/// `GET /projects`: the projects the caller sees, and a form to register one.
async fn view_projects_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let form = ProjectForm {
        applied_on: today().to_string(),
        ..Default::default()
    };
    projects_page(&state, &caller, ctx, form, None).await
}

/// `POST /projects`: registers a project at the application stage.
async fn view_projects_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = project_form(pairs);
    match lingyan_store::projects::create(&state.store, &caller.scope, &form.input(), today()).await {
        Ok(p) => {
            flash(&session, "ok", ctx.tr.t("projects.saved")).await;
            Ok(redirect(&format!("/projects/{}", p.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_) | Error::Forbidden)) => {
            let msg = super::message_for(&e);
            projects_page(&state, &caller, ctx, form, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

fn project_form(pairs: Vec<(String, String)>) -> ProjectForm {
    let mut f = ProjectForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "title" => f.title = v,
            "level" => f.level = v,
            "number" => f.number = v,
            "text" => f.text = v,
            "applied_on" => f.applied_on = v,
            "host" => f.host = v,
            "members" => f.members.push(v),
            _ => {}
        }
    }
    f
}

#[derive(Template)]
#[template(path = "project_detail.html")]
struct ProjectPage {
    ctx: PageCtx,
    d: ProjectDetail,
    next: Option<ProjectStage>,
    stages: Vec<(ProjectStage, Option<String>, Option<String>)>,
    teachers: Vec<PersonChoice>,
    levels: Vec<Level>,
    member_ids: Vec<i64>,
    today: String,
    error: Option<crate::pages::FormError>,
}

async fn project_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let d = lingyan_store::projects::get(&state.store, &caller.scope, id, today()).await?;
    let stages = ProjectStage::ALL
        .iter()
        .map(|s| {
            let rec = d.project.stages.iter().find(|r| r.stage == *s);
            (
                *s,
                rec.map(|r| ctx.tr.date(&r.on_date)),
                rec.and_then(|r| r.note.clone()),
            )
        })
        .collect();
    let teachers = if d.can_edit {
        teacher_choices(state, caller).await?
    } else {
        Vec::new()
    };
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &ProjectPage {
            next: d.project.stage.next(),
            member_ids: d.project.members.iter().map(|m| m.teacher_id).collect(),
            stages,
            teachers,
            levels: Level::ALL.iter().rev().copied().collect(),
            today: today().to_string(),
            ctx,
            d,
            error,
        },
    ))
}

/// `GET /projects/{id}`
async fn view_project_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    project_page(&state, &caller, ctx, id, None).await
}

/// `POST /projects/{id}`: saves title, level, number, text and members.
async fn view_project_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = project_form(pairs);
    match lingyan_store::projects::update(&state.store, &caller.scope, id, &form.input(), today()).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("projects.saved")).await;
            Ok(redirect(&format!("/projects/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = super::message_for(&e);
            project_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct StageForm {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    on_date: String,
    #[serde(default)]
    note: String,
}

/// `POST /projects/{id}/stage`: records the next stage.
async fn view_project_stage_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<StageForm>,
) -> Result<Response, PageError> {
    match lingyan_store::projects::advance(
        &state.store,
        &caller.scope,
        id,
        &f.stage,
        &f.on_date,
        &f.note,
        today(),
    )
    .await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("projects.stage_saved")).await;
            Ok(redirect(&format!("/projects/{id}")))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            project_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

/// `POST /projects/{id}/status`: verifies or rejects the current stage.
async fn view_project_status_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    let to = EvidenceStatus::parse("status", &f.status).map_err(Error::from)?;
    match lingyan_store::projects::set_status(&state.store, &caller.scope, id, to, &f.reason, today()).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.label("evidence_status", to.code())).await;
            Ok(redirect(&format!("/projects/{id}")))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            project_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /projects/{id}/attachments`: a stage document.
async fn view_project_attach_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let file = super::evidence::read_file(&mut multipart).await?;
    let Some((name, bytes)) = file else {
        let e = lingyan_domain::FieldError::new("file", "required");
        let msg = super::field_message(ctx.tr, &e);
        return project_page(&state, &caller, ctx, id, Some(msg)).await;
    };
    match lingyan_store::attachments::attach(
        &state.store,
        &caller.scope,
        Target::Project(id),
        &name,
        &bytes,
        today(),
    )
    .await
    {
        Ok(a) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("evidence.attached", "name", &a.filename),
            )
            .await;
            Ok(redirect(&format!("/projects/{id}")))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            project_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}
