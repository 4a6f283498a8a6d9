//! The growth portfolio: a teacher's timeline with phone-first quick add,
//! the full form per kind, a record's page (attachments, history,
//! verification), the verification queue, school counts with drill-down,
//! and attachment downloads.

use super::{PageCtx, Pager, flash, redirect, render, render_status, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use lingyan_domain::calendar::{Semester, Term};
use lingyan_domain::evidence::{FieldType, LevelUse};
use lingyan_domain::{EvidenceInput, EvidenceKind, EvidenceStatus, Level, PageRequest};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::evidence::{CountCell, Evidence, EvidenceDetail, EvidenceFilter, PortfolioOwner};
use lingyan_store::files::Target;
use lingyan_store::projects::Project;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use tower_sessions::Session;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/portfolio", get(view_portfolio_home_get))
        .route(
            "/teachers/{id}/portfolio",
            get(view_portfolio_get).post(view_portfolio_post),
        )
        .route("/teachers/{id}/portfolio/new", get(view_evidence_new_get))
        .route("/teachers/{id}/portfolio/quick", post(view_quick_add_post))
        .route("/evidence", get(view_evidence_list_get))
        .route("/evidence/counts", get(view_counts_get))
        .route("/evidence/{id}", get(view_evidence_get).post(view_evidence_post))
        .route("/evidence/{id}/edit", get(view_evidence_edit_get))
        .route("/evidence/{id}/delete", post(view_evidence_delete_post))
        .route("/evidence/{id}/reject", post(view_evidence_reject_post))
        .route("/evidence/{id}/verify", post(view_evidence_verify_post))
        .route(
            "/evidence/{id}/attachments",
            post(view_attach_post).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/attachments/{id}", get(view_attachment_get))
        .route("/attachments/{id}/delete", post(view_attachment_delete_post))
        .route(
            "/verification",
            get(view_verification_get).post(view_verification_post),
        )
        .route("/teachers/{id}/report", get(view_growth_report_get))
}

/// One input of a kind's form, ready for the template.
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    /// text, textarea, select, number, checkbox, teacher
    pub input: &'static str,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub value: String,
    pub placeholder: String,
}

/// The inputs of a kind's details, filled with `values`.
pub fn detail_fields(tr: &Tr, kind: EvidenceKind, values: &BTreeMap<String, String>) -> Vec<FormField> {
    kind.fields()
        .iter()
        .map(|f| {
            let (input, options) = match f.ty {
                FieldType::Text(max) if max > 200 => ("textarea", Vec::new()),
                FieldType::Text(_) | FieldType::Scores => ("text", Vec::new()),
                FieldType::Teacher => ("teacher", Vec::new()),
                FieldType::Count(..) | FieldType::Amount(_) => ("number", Vec::new()),
                FieldType::Flag => ("checkbox", Vec::new()),
                ty => {
                    let (group, codes) = ty.options().unwrap_or(("", Vec::new()));
                    let mut codes = codes;
                    if ty == FieldType::Level {
                        codes.reverse();
                    }
                    (
                        "select",
                        codes
                            .into_iter()
                            .map(|c| (c.to_string(), tr.label(group, c)))
                            .collect(),
                    )
                }
            };
            FormField {
                name: f.name,
                label: tr.t(&format!("fields.{}", f.name)),
                input,
                options,
                required: f.required,
                value: values.get(f.name).cloned().unwrap_or_default(),
                placeholder: {
                    let key = format!("evidence.hint.{}", f.name);
                    if crate::i18n::has(tr.0, &key) {
                        tr.t(&key)
                    } else {
                        String::new()
                    }
                },
            }
        })
        .collect()
}

/// A record's details as label/value pairs for reading.
pub fn detail_texts(tr: &Tr, e: &Evidence, observed_name: Option<&str>) -> Vec<(String, String)> {
    let values = e.details.to_texts();
    e.kind
        .fields()
        .iter()
        .filter_map(|f| {
            let raw = values.get(f.name)?;
            let shown = match f.ty {
                FieldType::Flag => tr.t("common.yes"),
                FieldType::Teacher => observed_name.map(str::to_string).unwrap_or_else(|| raw.clone()),
                ty => match ty.options() {
                    Some((group, _)) => tr.label(group, raw),
                    None => raw.clone(),
                },
            };
            Some((tr.t(&format!("fields.{}", f.name)), shown))
        })
        .collect()
}

/// Semesters offered in filters: this school year's and the three before.
fn recent_semesters(d: NaiveDate) -> Vec<Semester> {
    let y = if d.month() >= 8 { d.year() } else { d.year() - 1 };
    (y - 3..=y)
        .rev()
        .flat_map(|year| {
            [
                Semester {
                    year,
                    term: Term::Second,
                },
                Semester {
                    year,
                    term: Term::First,
                },
            ]
        })
        .collect()
}

fn semester_label(tr: &Tr, s: &Semester) -> String {
    if tr.is_zh() { s.zh() } else { s.en() }
}

#[derive(Deserialize, Default, Clone)]
pub struct TimelineQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub semester: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub subtype: String,
    pub page: Option<u64>,
}

impl TimelineQuery {
    fn filter(&self) -> EvidenceFilter {
        EvidenceFilter {
            kind: EvidenceKind::parse("kind", &self.kind).ok(),
            semester: Semester::parse("semester", &self.semester).ok(),
            level: Level::parse("level", &self.level).ok(),
            status: EvidenceStatus::parse("status", &self.status).ok(),
            school_id: self.school.parse().ok(),
            school_year: self.year.parse().ok(),
            subtype: Some(self.subtype.clone()).filter(|s| !s.is_empty()),
            ..Default::default()
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", self.kind.clone()),
            ("semester", self.semester.clone()),
            ("level", self.level.clone()),
            ("status", self.status.clone()),
            ("school", self.school.clone()),
            ("year", self.year.clone()),
            ("subtype", self.subtype.clone()),
        ]
    }
}

/// Filter choices shared by the lists.
pub struct Filters {
    pub kinds: Vec<EvidenceKind>,
    pub levels: Vec<Level>,
    pub statuses: Vec<EvidenceStatus>,
    pub semesters: Vec<(String, String)>,
}

fn filters(tr: &Tr) -> Filters {
    Filters {
        kinds: EvidenceKind::ALL.to_vec(),
        levels: Level::ALL.iter().rev().copied().collect(),
        statuses: EvidenceStatus::ALL.to_vec(),
        semesters: recent_semesters(today())
            .iter()
            .map(|s| (s.code(), semester_label(tr, s)))
            .collect(),
    }
}

/// A row of a record list.
pub struct Row {
    pub e: Evidence,
    pub semester: String,
    pub subtype: String,
}

fn rows(tr: &Tr, items: Vec<Evidence>) -> Vec<Row> {
    items
        .into_iter()
        .map(|e| {
            let subtype = match (e.kind.subtype_field(), &e.subtype) {
                (Some(field), Some(code)) => e
                    .kind
                    .fields()
                    .iter()
                    .find(|f| f.name == field)
                    .and_then(|f| f.ty.options())
                    .map(|(group, _)| tr.label(group, code))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Row {
                semester: semester_label(tr, &e.semester),
                subtype,
                e,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    ctx: PageCtx,
    owner: PortfolioOwner,
    q: TimelineQuery,
    f: Filters,
    rows: Vec<Row>,
    pager: Pager,
    projects: Vec<Project>,
    colleagues: Vec<(i64, String)>,
    quick: &'static str,
    error: Option<String>,
}

/// `GET /portfolio`: the caller's own portfolio, or the school's records
/// for leaders without one.
async fn view_portfolio_home_get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, PageError> {
    match lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, today()).await? {
        Some(id) => Ok(redirect(&format!("/teachers/{id}/portfolio"))),
        None => Ok(redirect("/evidence")),
    }
}

async fn portfolio_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    q: TimelineQuery,
    quick: &'static str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let d = today();
    let owner = lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, d).await?;
    let filter = EvidenceFilter {
        teacher_id: Some(id),
        ..q.filter()
    };
    let page = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(20)),
        d,
    )
    .await?;
    let pager = Pager::new(&page, &url_with(&format!("/teachers/{id}/portfolio"), &q.pairs()));
    let projects = lingyan_store::projects::list(&state.store, &caller.scope, Some(id), None, d).await?;
    let colleagues = if owner.can_record {
        lingyan_store::evidence::colleagues(&state.store, &caller.scope, id, d).await?
    } else {
        Vec::new()
    };
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &PortfolioPage {
            f: filters(&ctx.tr),
            rows: rows(&ctx.tr, page.items),
            ctx,
            owner,
            q,
            pager,
            projects,
            colleagues,

            quick,
            error,
        },
    ))
}

/// `GET /teachers/{id}/portfolio`: the timeline, newest first.
async fn view_portfolio_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, PageError> {
    portfolio_page(&state, &caller, ctx, id, q, "observation", None).await
}

/// A posted record form: every field as sent, co-owners repeated.
#[derive(Default)]
struct PostedRecord {
    kind: String,
    input: EvidenceInput,
    co_owners: Vec<i64>,
}

fn posted(pairs: Vec<(String, String)>) -> PostedRecord {
    let mut p = PostedRecord::default();
    let mut details = BTreeMap::new();
    for (k, v) in pairs {
        match k.as_str() {
            "kind" => p.kind = v,
            "date" => p.input.date = v,
            "title" => p.input.title = v,
            "level" => p.input.level = v,
            "text" => p.input.text = v,
            "co_owners" => {
                if let Ok(id) = v.trim().parse() {
                    p.co_owners.push(id);
                }
            }
            "csrf_token" | "quick" => {}
            _ => {
                details.insert(k, v);
            }
        }
    }
    p.input.details = details;
    p.input.kind = EvidenceKind::parse("kind", &p.kind).unwrap_or(EvidenceKind::Reading);
    p
}

#[derive(Template)]
#[template(path = "evidence_form.html")]
struct EvidenceFormPage {
    ctx: PageCtx,
    owner: PortfolioOwner,
    /// `None` when adding.
    evidence_id: Option<i64>,
    kind: EvidenceKind,
    input: EvidenceInput,
    title_label: String,
    text_label: String,
    show_level: bool,
    level_required: bool,
    levels: Vec<Level>,
    fields: Vec<FormField>,
    colleagues: Vec<(i64, String)>,
    co_owners: BTreeSet<i64>,
    error: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    owner: PortfolioOwner,
    evidence_id: Option<i64>,
    input: EvidenceInput,
    co_owners: Vec<i64>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let kind = input.kind;
    let colleagues =
        lingyan_store::evidence::colleagues(&state.store, &caller.scope, owner.teacher_id, today()).await?;
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &EvidenceFormPage {
            fields: detail_fields(&ctx.tr, kind, &input.details),
            title_label: ctx.tr.t(&format!("fields.{}", kind.title_field())),
            text_label: ctx.tr.t(&format!("fields.{}", kind.text_field())),
            show_level: kind.level_use() != LevelUse::None,
            level_required: kind.level_use() == LevelUse::Required,
            levels: Level::ALL.iter().rev().copied().collect(),
            ctx,
            owner,
            evidence_id,
            kind,
            input,
            colleagues,
            co_owners: co_owners.into_iter().collect(),
            error,
        },
    ))
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    kind: String,
}

#[derive(Template)]
#[template(path = "evidence_kinds.html")]
struct KindChooserPage {
    ctx: PageCtx,
    owner: PortfolioOwner,
    kinds: Vec<EvidenceKind>,
}

/// `GET /teachers/{id}/portfolio/new?kind=…`: the full form for one kind
/// (without a kind: the list of kinds to choose from).
async fn view_evidence_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let owner = lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, today()).await?;
    if !owner.can_record {
        return Err(Error::Forbidden.into());
    }
    let Ok(kind) = EvidenceKind::parse("kind", &q.kind) else {
        return Ok(render(&KindChooserPage {
            ctx,
            owner,
            kinds: EvidenceKind::ALL.to_vec(),
        }));
    };
    let input = EvidenceInput {
        kind,
        date: today().to_string(),
        ..Default::default()
    };
    form_page(&state, &caller, ctx, owner, None, input, Vec::new(), None).await
}

/// `POST /teachers/{id}/portfolio`: adds a record from the full form.
async fn view_portfolio_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let p = posted(pairs);
    if EvidenceKind::parse("kind", &p.kind).is_err() {
        return Err(PageError::BadRequest(ctx.tr.t("errors.unknown_evidence_kind")));
    }
    match lingyan_store::evidence::create(&state.store, &caller.scope, id, &p.input, &p.co_owners, today())
        .await
    {
        Ok(e) => {
            flash(&session, "ok", ctx.tr.t("evidence.saved")).await;
            Ok(redirect(&format!("/evidence/{}", e.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let owner =
                lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, today()).await?;
            let msg = super::message_for(&e);
            form_page(&state, &caller, ctx, owner, None, p.input, p.co_owners, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /teachers/{id}/portfolio/quick`: the phone form, at most three
/// fields; the date is today unless given.
async fn view_quick_add_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut p = posted(pairs);
    let quick = match p.input.kind {
        EvidenceKind::Observation => "observation",
        EvidenceKind::Reading => "reading",
        EvidenceKind::Writing => {
            p.input.details.insert("writing_type".into(), "reflection".into());
            "reflection"
        }
        _ => return Err(PageError::BadRequest(ctx.tr.t("errors.unknown_evidence_kind"))),
    };
    if p.input.date.trim().is_empty() {
        p.input.date = today().to_string();
    }
    match lingyan_store::evidence::create(&state.store, &caller.scope, id, &p.input, &[], today()).await {
        Ok(e) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("evidence.quick_saved", "title", &e.title),
            )
            .await;
            Ok(redirect(&format!("/teachers/{id}/portfolio")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = super::message_for(&e);
            portfolio_page(
                &state,
                &caller,
                ctx,
                id,
                TimelineQuery::default(),
                quick,
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "evidence_detail.html")]
struct EvidencePage {
    ctx: PageCtx,
    d: EvidenceDetail,
    details: Vec<(String, String)>,
    semester: String,
    error: Option<String>,
}

async fn evidence_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    let details = detail_texts(&ctx.tr, &d.evidence, d.observed_name.as_deref());
    let semester = semester_label(&ctx.tr, &d.evidence.semester);
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &EvidencePage {
            ctx,
            d,
            details,
            semester,
            error,
        },
    ))
}

/// `GET /evidence/{id}`: the record, its files and its history.
async fn view_evidence_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    evidence_page(&state, &caller, ctx, id, None).await
}

/// `GET /evidence/{id}/edit`
async fn view_evidence_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    if !d.can_edit {
        return Err(Error::Forbidden.into());
    }
    let owner = lingyan_store::evidence::portfolio_owner(
        &state.store,
        &caller.scope,
        d.evidence.owner_teacher_id,
        today(),
    )
    .await?;
    let co: Vec<i64> = d
        .people
        .iter()
        .filter(|p| p.role == lingyan_store::evidence::PersonRole::CoOwner)
        .map(|p| p.teacher_id)
        .collect();
    form_page(
        &state,
        &caller,
        ctx,
        owner,
        Some(id),
        d.evidence.input(),
        co,
        None,
    )
    .await
}

/// `POST /evidence/{id}`: saves an edit (a verified record waits for
/// verification again).
async fn view_evidence_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let p = posted(pairs);
    match lingyan_store::evidence::update(
        &state.store,
        &caller.scope,
        id,
        &p.input,
        Some(&p.co_owners),
        today(),
    )
    .await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("evidence.saved")).await;
            Ok(redirect(&format!("/evidence/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
            let owner = lingyan_store::evidence::portfolio_owner(
                &state.store,
                &caller.scope,
                d.evidence.owner_teacher_id,
                today(),
            )
            .await?;
            let msg = super::message_for(&e);
            form_page(
                &state,
                &caller,
                ctx,
                owner,
                Some(id),
                p.input,
                p.co_owners,
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/{id}/delete`
async fn view_evidence_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    lingyan_store::evidence::delete(&state.store, &caller.scope, id, today()).await?;
    flash(&session, "ok", ctx.tr.t("evidence.deleted")).await;
    Ok(redirect(&format!(
        "/teachers/{}/portfolio",
        d.evidence.owner_teacher_id
    )))
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    next: String,
}

/// Where a verification form returns: the page it came from (a local
/// path only), else the record.
fn back_to(next: &str, id: i64) -> Response {
    if next.is_empty() {
        redirect(&format!("/evidence/{id}"))
    } else {
        redirect(&super::safe_next(Some(next)))
    }
}

/// `POST /evidence/{id}/verify`
async fn view_evidence_verify_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match lingyan_store::evidence::verify(&state.store, &caller.scope, &[id], today()).await {
        Ok(n) => {
            let key = if n.verified == 0 {
                "evidence.already_verified"
            } else {
                "evidence.verified"
            };
            flash(&session, "ok", ctx.tr.t(key)).await;
            Ok(back_to(&f.next, id))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            evidence_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/{id}/reject`: with the reason the teacher sees.
async fn view_evidence_reject_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match lingyan_store::evidence::reject(&state.store, &caller.scope, id, &f.reason, today()).await {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("evidence.rejected")).await;
            Ok(back_to(&f.next, id))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            evidence_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads the `file` part of an upload form.
pub(super) async fn read_file(multipart: &mut Multipart) -> Result<Option<(String, Vec<u8>)>, PageError> {
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| PageError::BadRequest(e.body_text()))?
    {
        if matches!(field.name(), Some("file") | Some("photo")) {
            let name = field.file_name().unwrap_or("file").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| PageError::BadRequest(e.body_text()))?;
            if !bytes.is_empty() {
                file = Some((name, bytes.to_vec()));
            }
        }
    }
    Ok(file)
}

/// `POST /evidence/{id}/attachments`: a file or a phone photo.
async fn view_attach_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let Some((name, bytes)) = read_file(&mut multipart).await? else {
        let e = lingyan_domain::FieldError::new("file", "required");
        return evidence_page(&state, &caller, ctx.clone(), id, Some(ctx.tr.field_error(&e))).await;
    };
    match lingyan_store::attachments::attach(
        &state.store,
        &caller.scope,
        Target::Evidence(id),
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
            Ok(redirect(&format!("/evidence/{id}")))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            evidence_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct DownloadQuery {
    #[serde(default)]
    inline: String,
}

/// A file response with its name kept in any language (RFC 6266: an
/// ASCII fallback and the UTF-8 name).
fn file_response(bytes: Vec<u8>, content_type: &str, filename: &str, disposition: &str) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(filename.as_bytes()).collect();
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}

/// A generated file for download.
pub fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    file_response(bytes, content_type, filename, "attachment")
}

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub format: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub lang: String,
}

impl ReportQuery {
    /// Format, period and language, checked.
    pub fn parse(
        &self,
        default: lingyan_domain::Locale,
    ) -> Result<
        (
            crate::growth::Format,
            Option<NaiveDate>,
            Option<NaiveDate>,
            lingyan_domain::Locale,
        ),
        Error,
    > {
        let date = |field: &'static str, s: &str| -> Result<Option<NaiveDate>, Error> {
            match s.trim() {
                "" => Ok(None),
                d => Ok(Some(lingyan_domain::dates::parse_date(field, d)?)),
            }
        };
        let lang = match self.lang.trim() {
            "" => default,
            l => lingyan_domain::Locale::parse(l)?,
        };
        Ok((
            crate::growth::Format::parse(&self.format)?,
            date("from", &self.from)?,
            date("to", &self.to)?,
            lang,
        ))
    }
}

/// `GET /teachers/{id}/report?format=pdf|docx[&from&to&lang]`: the growth
/// report, for whoever may see the portfolio.
async fn view_growth_report_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let (format, from, to, lang) = q.parse(ctx.tr.0)?;
    let made = crate::growth::make(&state.store, &caller.scope, id, from, to, lang, format, today()).await?;
    Ok(download(made.bytes, format.content_type(), &made.filename))
}

/// The response for an attachment: inline for previews (images and PDFs
/// only, framable by this site), otherwise as a download.
pub fn attachment_response(d: lingyan_store::attachments::Download, inline: bool) -> Response {
    let previewable = d.content_type.starts_with("image/") || d.content_type == "application/pdf";
    let disposition = if inline && previewable {
        "inline"
    } else {
        "attachment"
    };
    let mut resp = file_response(d.bytes, &d.content_type, &d.filename, disposition);
    let h = resp.headers_mut();
    // A PDF preview is shown in a frame of the record page.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    resp
}

/// `GET /attachments/{id}[?inline=1]`: authorised like the record.
async fn view_attachment_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, PageError> {
    let d = lingyan_store::attachments::download(&state.store, &caller.scope, id, today()).await?;
    Ok(attachment_response(d, q.inline == "1"))
}

/// `POST /attachments/{id}/delete`
async fn view_attachment_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let target = lingyan_store::attachments::detach(&state.store, &caller.scope, id, today()).await?;
    flash(&session, "ok", ctx.tr.t("evidence.detached")).await;
    Ok(redirect(&match target {
        Target::Evidence(e) => format!("/evidence/{e}"),
        Target::Project(p) => format!("/projects/{p}"),
    }))
}

#[derive(Template)]
#[template(path = "evidence_list.html")]
struct ListPage {
    ctx: PageCtx,
    /// `verification` or `records`
    mode: &'static str,
    q: TimelineQuery,
    f: Filters,
    schools: Vec<lingyan_store::schools::School>,
    rows: Vec<Row>,
    pager: Pager,
    error: Option<String>,
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    mode: &'static str,
    q: TimelineQuery,
    error: Option<String>,
) -> Result<Response, PageError> {
    let filter = EvidenceFilter {
        to_verify: mode == "verification",
        ..q.filter()
    };
    let page = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(50)),
        today(),
    )
    .await?;
    let path = if mode == "verification" {
        "/verification"
    } else {
        "/evidence"
    };
    let pager = Pager::new(&page, &url_with(path, &q.pairs()));
    let schools = lingyan_store::schools::all_with(
        &state.store,
        &caller.scope,
        lingyan_domain::Capability::ReadEvidence,
    )
    .await?;
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &ListPage {
            f: filters(&ctx.tr),
            rows: rows(&ctx.tr, page.items),
            ctx,
            mode,
            q,
            schools,
            pager,
            error,
        },
    ))
}

/// `GET /evidence`: records the caller may see, filtered (the drill-down
/// of the school counts).
async fn view_evidence_list_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &caller, ctx, "records", q, None).await
}

/// `GET /verification`: records waiting for the caller's verification.
async fn view_verification_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &caller, ctx, "verification", q, None).await
}

/// `POST /verification`: verifies the ticked records at once.
async fn view_verification_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let next = pairs
        .iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "/verification".into());
    match lingyan_store::evidence::verify(&state.store, &caller.scope, &ids, today()).await {
        Ok(n) => {
            let mut msg = ctx.tr.t1("evidence.bulk_verified", "n", &n.verified);
            if n.already > 0 {
                msg.push(' ');
                msg.push_str(&ctx.tr.t1("evidence.bulk_already_verified", "n", &n.already));
            }
            flash(&session, "ok", msg).await;
            Ok(redirect(&super::safe_next(Some(&next))))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            list_page(
                &state,
                &caller,
                ctx,
                "verification",
                TimelineQuery::default(),
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// One line of the counts table: a kind and level, with a cell per semester.
pub struct CountLine {
    pub kind: EvidenceKind,
    pub level: Option<Level>,
    pub cells: Vec<(u64, u64)>,
    pub total: u64,
}

/// Counts as a table: kind × level rows, semester columns.
pub fn count_table(cells: &[CountCell]) -> (Vec<Semester>, Vec<CountLine>) {
    let semesters: Vec<Semester> = cells
        .iter()
        .map(|c| c.semester)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut lines: BTreeMap<(EvidenceKind, std::cmp::Reverse<Option<Level>>), CountLine> = BTreeMap::new();
    for c in cells {
        let line = lines
            .entry((c.kind, std::cmp::Reverse(c.level)))
            .or_insert_with(|| CountLine {
                kind: c.kind,
                level: c.level,
                cells: vec![(0, 0); semesters.len()],
                total: 0,
            });
        if let Some(i) = semesters.iter().position(|s| *s == c.semester) {
            line.cells[i].0 += c.total;
            line.cells[i].1 += c.verified;
        }
        line.total += c.total;
    }
    (semesters, lines.into_values().collect())
}

#[derive(Template)]
#[template(path = "evidence_counts.html")]
struct CountsPage {
    ctx: PageCtx,
    schools: Vec<lingyan_store::schools::School>,
    school: String,
    year: String,
    years: Vec<i32>,
    semesters: Vec<(String, String)>,
    lines: Vec<CountLine>,
    pending: u64,
}

#[derive(Deserialize)]
struct CountsQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    year: String,
}

/// `GET /evidence/counts`: records by kind × level × semester, each cell a
/// link to the records behind it.
async fn view_counts_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<CountsQuery>,
) -> Result<Response, PageError> {
    let schools = lingyan_store::schools::all_with(
        &state.store,
        &caller.scope,
        lingyan_domain::Capability::ReadEvidence,
    )
    .await?;
    if schools.is_empty() {
        return Err(Error::Forbidden.into());
    }
    let school_id: Option<i64> = q.school.parse().ok();
    // This school year unless another (or "all") is chosen.
    let this_year = recent_semesters(today())[0].year;
    let year: Option<i32> = match q.year.as_str() {
        "all" => None,
        y => Some(y.parse().unwrap_or(this_year)),
    };
    let shown_year = year.map(|y| y.to_string()).unwrap_or_else(|| "all".into());
    let cells =
        lingyan_store::evidence::counts(&state.store, &caller.scope, school_id, year, today()).await?;
    let (sems, lines) = count_table(&cells);
    let pending = lingyan_store::evidence::pending_count(&state.store, &caller.scope, today()).await?;
    Ok(render(&CountsPage {
        semesters: sems
            .iter()
            .map(|s| (s.code(), semester_label(&ctx.tr, s)))
            .collect(),
        ctx,
        schools,
        school: q.school,
        year: shown_year,
        years: (this_year - 4..=this_year).rev().collect(),
        lines,
        pending,
    }))
}
