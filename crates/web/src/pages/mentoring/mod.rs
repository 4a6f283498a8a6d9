//! Mentoring pages (师徒结对): the pairs a caller sees, a pair's page with
//! its goals, lifecycle and agreement, the form to propose or change a
//! pair, and the ceremony page with the agreements to print.

mod cycles;
pub(crate) mod documents;
pub(crate) mod overview;
mod rules;
pub(crate) mod suggest;
pub(crate) mod weeks;

use super::people::{PersonChoice, choices};
use super::place::both;
use super::{FormError, PageCtx, flash, message_for, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use lingyan_domain::mentoring::{PairAction, PairInput, PairKind, PairStatus};
use lingyan_domain::{Capability, FieldError};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::mentoring::pairs::{self, Filter, Pair};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/mentoring", get(view_mentoring_get).post(view_mentoring_post))
        .route("/mentoring/new", get(view_mentoring_new_get))
        .route("/mentoring/ceremonies", get(documents::view_ceremonies_get))
        .route(
            "/mentoring/ceremonies/agreements.docx",
            get(documents::view_ceremony_agreements_get),
        )
        .route(
            "/mentoring/ceremonies/agreements.pdf",
            get(documents::view_ceremony_agreements_pdf_get),
        )
        .route("/mentoring/{id}", get(view_pair_get))
        .route(
            "/mentoring/{id}/edit",
            get(view_mentoring_edit_get).post(view_mentoring_edit_post),
        )
        .route("/mentoring/{id}/status", post(view_pair_status_post))
        .route("/mentoring/{id}/meetings", post(view_meetings_post))
        .route("/mentoring/{id}/cycles", post(cycles::view_cycles_post))
        .route("/mentoring/{id}/summaries", post(view_summary_post))
        .route("/mentoring/{id}/evaluations", post(view_evaluation_post))
        .route("/mentoring/board", get(cycles::view_board_get))
        .route("/mentoring/cycles/{id}", get(cycles::view_cycle_get))
        .route(
            "/mentoring/cycles/{id}/delete",
            post(cycles::view_cycle_delete_post),
        )
        .route(
            "/mentoring/cycles/{id}/stages/{stage}",
            post(cycles::view_stage_post),
        )
        .route(
            "/mentoring/cycles/{id}/stages/{stage}/clear",
            post(cycles::view_stage_clear_post),
        )
        .route(
            "/schools/{id}/mentoring/suggestions",
            get(suggest::view_suggestions_get),
        )
        .route("/mentoring/meetings/{id}/delete", post(view_meeting_delete_post))
        .route(
            "/schools/{id}/mentoring/overview",
            get(overview::view_overview_get),
        )
        .route(
            "/schools/{id}/mentoring/overview.xlsx",
            get(overview::view_overview_xlsx_get),
        )
        .route("/schools/{id}/mentoring/weeks", post(weeks::view_weeks_post))
        .route("/schools/{id}/mentoring/weeks/new", get(weeks::view_week_new_get))
        .route("/mentoring/weeks/{id}", get(weeks::view_week_get))
        .route(
            "/mentoring/weeks/{id}/workbook.xlsx",
            get(weeks::view_week_xlsx_get),
        )
        .route(
            "/mentoring/weeks/{id}/edit",
            get(weeks::view_week_edit_get).post(weeks::view_week_edit_post),
        )
        .route("/mentoring/weeks/{id}/delete", post(weeks::view_week_delete_post))
        .route(
            "/mentoring/{id}/agreement.docx",
            get(documents::view_agreement_docx_get),
        )
        .route(
            "/mentoring/{id}/agreement.pdf",
            get(documents::view_agreement_pdf_get),
        );
    let r = both(
        r,
        "/mentoring/rules",
        get(rules::view_mentoring_rules_get).post(rules::view_mentoring_rules_post),
    );
    both(
        r,
        "/mentoring/rules/versions/{vid}",
        get(super::rule_sets::view_version_get::<lingyan_domain::mentoring::MentoringRules>),
    )
}

/// A status in the reader's language, with the tag's tone.
pub(crate) fn status_label(tr: Tr, s: PairStatus) -> (String, &'static str) {
    let tone = match s {
        PairStatus::Active => "state-verified",
        PairStatus::Dissolved => "state-rejected",
        PairStatus::Concluded => "muted",
        PairStatus::Proposed | PairStatus::Agreed => "state-recorded",
    };
    (tr.label("mentoring.status", s.code()), tone)
}

/// Names joined as the language lists them.
pub(crate) fn joined(tr: Tr, names: impl IntoIterator<Item = String>) -> String {
    names
        .into_iter()
        .collect::<Vec<_>>()
        .join(if tr.is_zh() { "、" } else { ", " })
}

/// A term as written: "1 September 2026 – 31 August 2029".
pub(crate) fn term(tr: Tr, p: &Pair) -> String {
    format!("{} – {}", tr.date(&p.starts_on), tr.opt_date(&p.ends_on))
}

/// A teacher of another school, named with it: "宋斌伟（广府实验小学）".
pub(crate) fn with_school(tr: Tr, p: &lingyan_store::mentoring::pairs::Person) -> String {
    let school = tr.name(&p.school_name, &p.school_name_en);
    if tr.is_zh() {
        format!("{}（{school}）", p.name)
    } else {
        format!("{} ({school})", p.name)
    }
}

/// The mentor as a list names them: with their school when it is not the
/// pair's.
pub(crate) fn mentor_named(tr: Tr, p: &Pair) -> String {
    if p.cross_school() {
        with_school(tr, &p.mentor)
    } else {
        p.mentor.name.clone()
    }
}

/// "（x）" in Chinese, " (x)" in English.
pub(crate) fn bracket(tr: Tr, x: &str) -> String {
    if tr.is_zh() {
        format!("（{x}）")
    } else {
        format!(" ({x})")
    }
}

/// A pair as a list shows it.
pub struct Row {
    pub id: i64,
    pub mentor: String,
    pub apprentices: String,
    pub kind: String,
    pub subject: String,
    pub term: String,
    pub ceremony: String,
    pub status: String,
    pub tone: &'static str,
}

fn row(tr: Tr, p: &Pair) -> Row {
    let (status, tone) = status_label(tr, p.status);
    let mentor = mentor_named(tr, p);
    Row {
        id: p.id,
        mentor,
        apprentices: joined(tr, p.apprentices.iter().map(|a| a.name.clone())),
        kind: tr.label("mentoring.kind", p.kind.code()),
        subject: p.subject.clone(),
        term: term(tr, p),
        ceremony: p.ceremony_on.map(|d| tr.date(&d)).unwrap_or_default(),
        status,
        tone,
    }
}

/// Whether the caller may propose pairs anywhere.
fn manages_any(caller: &Caller) -> bool {
    !caller
        .scope
        .access()
        .tenants(Capability::ManageTeachers)
        .is_empty()
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "mentoring_list.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    /// (code, label, count, current) for the status tabs; "" is all.
    tabs: Vec<(String, String, usize, bool)>,
    can_manage: bool,
    /// The caller's school's (or district's) mentoring rules.
    rules: String,
    /// The caller's school's suggestions (none for district staff).
    suggestions: String,
    /// (link, school) of each school overview the caller reads.
    overviews: Vec<(String, String)>,
}

/// `GET /mentoring`: the pairs the caller sees, by status.
async fn view_mentoring_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let all = pairs::list(&state.store, &caller.scope, &Filter::default()).await?;
    let current = PairStatus::from_code(q.status.trim());
    let mut tabs = vec![(String::new(), tr.t("mentoring.all"), all.len(), current.is_none())];
    for s in PairStatus::ALL {
        let n = all.iter().filter(|p| p.status == *s).count();
        tabs.push((
            s.code().to_string(),
            status_label(tr, *s).0,
            n,
            current == Some(*s),
        ));
    }
    let rows = all
        .iter()
        .filter(|p| current.is_none_or(|s| p.status == s))
        .map(|p| row(tr, p))
        .collect();
    let home = caller.scope.home();
    let rules = match (home.school_id, home.district_id) {
        (Some(s), _) => format!("/schools/{s}/mentoring/rules"),
        (None, Some(d)) => format!("/districts/{d}/mentoring/rules"),
        _ => String::new(),
    };
    let suggestions = home
        .school_id
        .map(|s| format!("/schools/{s}/mentoring/suggestions"))
        .unwrap_or_default();
    let overviews = lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadTeachers)
        .await?
        .into_iter()
        .filter(|s| home.school_id.is_none_or(|h| h == s.id))
        .map(|s| {
            (
                format!("/schools/{}/mentoring/overview", s.id),
                tr.name(&s.name, &s.name_en).to_string(),
            )
        })
        .collect();
    Ok(render(&ListPage {
        ctx,
        rows,
        tabs,
        can_manage: manages_any(&caller),
        rules,
        suggestions,
        overviews,
    }))
}

/// What the pair form holds, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct PairForm {
    #[serde(default)]
    mentor: String,
    #[serde(default)]
    apprentices: String,
    #[serde(default)]
    second_apprentice: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    ceremony_on: String,
    #[serde(default)]
    mentor_goals: String,
    #[serde(default)]
    apprentice_goals: String,
    #[serde(default)]
    under_way: String,
}

impl PairForm {
    fn from_pair(p: &Pair) -> Self {
        Self {
            mentor: p.mentor.teacher_id.to_string(),
            apprentices: p
                .apprentices
                .first()
                .map(|a| a.teacher_id.to_string())
                .unwrap_or_default(),
            second_apprentice: p
                .apprentices
                .get(1)
                .map(|a| a.teacher_id.to_string())
                .unwrap_or_default(),
            kind: p.kind.code().to_string(),
            subject: p.subject.clone(),
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            ceremony_on: p.ceremony_on.map(|d| d.to_string()).unwrap_or_default(),
            mentor_goals: p.mentor_goals.clone(),
            apprentice_goals: p.apprentice_goals.clone(),
            under_way: String::new(),
        }
    }

    /// The input, or every field that cannot be read.
    fn input(&self) -> Result<PairInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = crate::pages::form_id;
        let date = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| {
            lingyan_domain::dates::parse_date(field, s.trim())
                .map_err(|e| errors.push(e))
                .ok()
        };
        let mentor = id("mentor", &self.mentor, &mut errors);
        if self.mentor.trim().is_empty() {
            errors.push(FieldError::new("mentor", "required"));
        }
        let apprentices: Vec<i64> = [
            id("apprentices", &self.apprentices, &mut errors),
            id("second_apprentice", &self.second_apprentice, &mut errors),
        ]
        .into_iter()
        .flatten()
        .collect();
        let kind = match self.kind.trim() {
            "" if apprentices.len() > 1 => Some(PairKind::OneTwoTwo),
            "" => Some(PairKind::OneOnOne),
            k => PairKind::parse("kind", k).map_err(|e| errors.push(e)).ok(),
        };
        let starts_on = date("starts_on", &self.starts_on, &mut errors);
        let ends_on = date("ends_on", &self.ends_on, &mut errors);
        let ceremony_on = match self.ceremony_on.trim() {
            "" => None,
            s => date("ceremony_on", s, &mut errors),
        };
        match (mentor, kind, starts_on, ends_on) {
            (Some(mentor), Some(kind), Some(starts_on), Some(ends_on)) if errors.is_empty() => {
                Ok(PairInput {
                    mentor_teacher_id: mentor,
                    apprentice_teacher_ids: apprentices,
                    kind,
                    subject: self.subject.clone(),
                    starts_on,
                    ends_on,
                    ceremony_on,
                    mentor_goals: self.mentor_goals.clone(),
                    apprentice_goals: self.apprentice_goals.clone(),
                    under_way: !self.under_way.is_empty(),
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "mentoring_form.html")]
struct FormPage {
    ctx: PageCtx,
    /// The pair being changed (None: a new one).
    id: Option<i64>,
    f: PairForm,
    mentors: Vec<PersonChoice>,
    apprentices: Vec<PersonChoice>,
    kinds: Vec<(String, String)>,
    error: Option<FormError>,
}

/// Mentors may come from any school of the districts the caller manages
/// in (跨校带徒); apprentices from the schools they manage.
async fn people(state: &AppState, caller: &Caller) -> Result<(Vec<PersonChoice>, Vec<PersonChoice>), Error> {
    let managed =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ManageTeachers).await?;
    let ids: Vec<i64> = managed.iter().map(|s| s.id).collect();
    let apprentices =
        lingyan_store::teachers::choices(&state.store, &caller.scope, Capability::ManageTeachers, &ids)
            .await?;
    let readable =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadTeachers).await?;
    let ids: Vec<i64> = readable.iter().map(|s| s.id).collect();
    let mentors =
        lingyan_store::teachers::choices(&state.store, &caller.scope, Capability::ReadTeachers, &ids).await?;
    Ok((choices(mentors), choices(apprentices)))
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: Option<i64>,
    f: PairForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    if !manages_any(caller) {
        return Err(Error::Forbidden.into());
    }
    let (mentors, apprentices) = people(state, caller).await?;
    let tr = ctx.tr;
    let kinds = PairKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), tr.label("mentoring.kind", k.code())))
        .collect();
    let status = super::form_status(&error);
    Ok(render_status(
        status,
        &FormPage {
            ctx,
            id,
            f,
            mentors,
            apprentices,
            kinds,
            error,
        },
    ))
}

/// `GET /mentoring/new`: the form to propose a pair, its term this school
/// year's by default.
async fn view_mentoring_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let d = today();
    let f = PairForm {
        starts_on: d.to_string(),
        ends_on: d
            .checked_add_months(chrono::Months::new(12))
            .map(|e| (e - chrono::Days::new(1)).to_string())
            .unwrap_or_default(),
        mentor: q.mentor.map(|m| m.to_string()).unwrap_or_default(),
        apprentices: q.apprentice.map(|a| a.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, &caller, ctx, None, f, None).await
}

/// A pair form filled from a suggestion.
#[derive(Deserialize, Default)]
struct NewQuery {
    mentor: Option<i64>,
    apprentice: Option<i64>,
}

fn refused(e: &Error) -> bool {
    matches!(e, Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))
}

/// `POST /mentoring`: proposes a pair.
async fn view_mentoring_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<PairForm>,
) -> Result<Response, PageError> {
    let result = match f.input() {
        Ok(input) => pairs::create(&state.store, &caller.scope, &input).await,
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(id) => {
            flash(&session, "ok", ctx.tr.t("mentoring.saved")).await;
            Ok(redirect(&format!("/mentoring/{id}")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            form_page(&state, &caller, ctx, None, f, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The pair exists for the caller, who may change it (else not found or
/// forbidden, before anything sent is read).
async fn may_change(state: &AppState, caller: &Caller, id: i64) -> Result<Pair, Error> {
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    if !pairs::may_manage(&caller.scope, &p) {
        return Err(Error::Forbidden);
    }
    Ok(p)
}

/// `GET /mentoring/{id}/edit`
async fn view_mentoring_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let p = may_change(&state, &caller, id).await?;
    form_page(&state, &caller, ctx, Some(id), PairForm::from_pair(&p), None).await
}

/// `POST /mentoring/{id}/edit`
async fn view_mentoring_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<PairForm>,
) -> Result<Response, PageError> {
    may_change(&state, &caller, id).await?;
    let result = match f.input() {
        Ok(input) => pairs::edit(&state.store, &caller.scope, id, &input).await,
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("mentoring.saved")).await;
            Ok(redirect(&format!("/mentoring/{id}")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            form_page(&state, &caller, ctx, Some(id), f, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "mentoring_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    p: Pair,
    /// "Mentor → apprentices".
    heading: String,
    status: String,
    tone: &'static str,
    kind: String,
    term: String,
    ceremony: String,
    ended: String,
    can_manage: bool,
    /// (action code, button label) the caller may take.
    actions: Vec<(String, String)>,
    today: NaiveDate,
    error: Option<FormError>,
    log: lingyan_store::mentoring::log::Log,
    /// "4 h 30 min in 6 meetings".
    log_total: String,
    /// What the meeting form held when it was refused.
    meeting: MeetingForm,
    meeting_error: Option<FormError>,
    cycles: Vec<lingyan_store::mentoring::cycles::Cycle>,
    /// Whether the caller may start a cycle (the pair runs; its teachers
    /// and managers).
    may_start_cycle: bool,
    /// The apprentices a new cycle may follow, where the caller chooses.
    cycle_apprentices: Vec<(i64, String)>,
    cycle: cycles::NewCycleForm,
    cycle_error: Option<FormError>,
    reviews: lingyan_store::mentoring::reviews::Reviews,
    review: ReviewForm,
    review_error: Option<FormError>,
    periods: Vec<(String, String)>,
    dimensions: Vec<(String, String)>,
    grades: Vec<(String, String)>,
}

impl DetailPage {
    fn summaries_of(&self, period: &str) -> Vec<&lingyan_store::mentoring::reviews::Summary> {
        self.reviews
            .summaries
            .iter()
            .filter(|s| s.period.code() == period)
            .collect()
    }

    fn evaluation_of(&self, period: &str) -> Option<&lingyan_store::mentoring::reviews::Evaluation> {
        self.reviews
            .evaluations
            .iter()
            .find(|e| e.period.code() == period)
    }

    fn grade(&self, g: &lingyan_domain::mentoring::review::PairGrade) -> String {
        self.ctx.tr.label("mentoring.grade", g.code())
    }

    /// The value a score field shows: what was typed, else nothing.
    fn score_value(&self, d: &str) -> String {
        self.review.scores.get(d).cloned().unwrap_or_default()
    }

    fn stage(&self, s: &lingyan_domain::mentoring::cycle::CycleStage) -> String {
        cycles::stage_label(self.ctx.tr, *s)
    }

    fn cycle_progress(&self, c: &lingyan_store::mentoring::cycles::Cycle) -> String {
        cycles::progress(self.ctx.tr, c)
    }
}

/// What the forms of a pair's page held when one was refused.
#[derive(Default)]
struct Forms {
    meeting: MeetingForm,
    meeting_error: Option<FormError>,
    cycle: cycles::NewCycleForm,
    cycle_error: Option<FormError>,
    review: ReviewForm,
    review_error: Option<FormError>,
}

/// The summary or evaluation form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ReviewForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    comment: String,
    /// The dimensions' scores, by code.
    #[serde(flatten)]
    scores: std::collections::BTreeMap<String, String>,
}

impl ReviewForm {
    fn period(&self) -> Result<lingyan_domain::mentoring::review::ReviewPeriod, FieldError> {
        lingyan_domain::mentoring::review::ReviewPeriod::parse("review_period", &self.period)
    }

    fn evaluation(&self) -> Result<lingyan_domain::mentoring::review::EvaluationInput, Vec<FieldError>> {
        use lingyan_domain::mentoring::review::{DIMENSION_MAX, DIMENSIONS, PairGrade};
        let mut errors = Vec::new();
        let mut scores = std::collections::BTreeMap::new();
        for d in DIMENSIONS {
            let raw = self.scores.get(d).map(|s| s.trim()).unwrap_or("");
            match raw.parse::<u32>() {
                Ok(n) => {
                    scores.insert(d.to_string(), n);
                }
                Err(_) => errors.push(
                    FieldError::new(d, "out_of_range")
                        .with("min", 0)
                        .with("max", DIMENSION_MAX),
                ),
            }
        }
        let grade = PairGrade::parse("grade", &self.grade)
            .map_err(|e| errors.push(e))
            .ok();
        match grade {
            Some(grade) if errors.is_empty() => Ok(lingyan_domain::mentoring::review::EvaluationInput {
                scores,
                grade,
                comment: self.comment.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// The pair's page again with the new-cycle form refused.
async fn detail_cycle_refused(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    cycle: cycles::NewCycleForm,
    error: FormError,
) -> Result<Response, PageError> {
    let forms = Forms {
        cycle,
        cycle_error: Some(error),
        ..Default::default()
    };
    detail_with(state, caller, ctx, id, None, forms).await
}

/// Minutes as hours and minutes.
pub(crate) fn duration(tr: Tr, minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => tr.t1("mentoring.minutes", "n", &m),
        (h, 0) => tr.t1("mentoring.hours", "n", &h),
        (h, m) => format!(
            "{}{}{}",
            tr.t1("mentoring.hours", "n", &h),
            if tr.is_zh() { "" } else { " " },
            tr.t1("mentoring.minutes", "n", &m)
        ),
    }
}

async fn detail_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    detail_with(state, caller, ctx, id, error, Forms::default()).await
}

async fn detail_with(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<FormError>,
    forms: Forms,
) -> Result<Response, PageError> {
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    let log = lingyan_store::mentoring::log::list(&state.store, &caller.scope, id).await?;
    let cycle_list = lingyan_store::mentoring::cycles::list(&state.store, &caller.scope, id).await?;
    let reviews = lingyan_store::mentoring::reviews::list(&state.store, &caller.scope, id).await?;
    let own = lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, today()).await?;
    let tr = ctx.tr;
    let can_manage = pairs::may_manage(&caller.scope, &p);
    let own_apprentice = own.filter(|o| p.apprentices.iter().any(|a| a.teacher_id == *o));
    let may_start_cycle =
        p.status == PairStatus::Active && (can_manage || own.is_some_and(|o| p.involves(o)));
    let cycle_apprentices = match own_apprentice {
        Some(_) => Vec::new(),
        None => p
            .apprentices
            .iter()
            .map(|a| (a.teacher_id, a.name.clone()))
            .collect(),
    };
    let (status, tone) = status_label(tr, p.status);
    let actions = if can_manage {
        p.status
            .actions()
            .into_iter()
            .map(|a| (a.code().to_string(), tr.label("mentoring.action", a.code())))
            .collect()
    } else {
        Vec::new()
    };
    let ended = match (p.status, p.ended_on) {
        (PairStatus::Concluded | PairStatus::Dissolved, Some(d)) => tr.date(&d),
        _ => String::new(),
    };
    let page = DetailPage {
        heading: format!(
            "{} → {}",
            p.mentor.name,
            joined(tr, p.apprentices.iter().map(|a| a.name.clone()))
        ),
        status,
        tone,
        kind: tr.label("mentoring.kind", p.kind.code()),
        term: term(tr, &p),
        ceremony: p.ceremony_on.map(|d| tr.date(&d)).unwrap_or_default(),
        ended,
        can_manage,
        actions,
        today: today(),
        log_total: crate::i18n::t_count(
            tr.0,
            "mentoring.log_total",
            log.meetings.len(),
            &[("time", duration(tr, log.total_minutes))],
        ),
        log,
        meeting: forms.meeting,
        meeting_error: forms.meeting_error,
        cycles: cycle_list,
        may_start_cycle,
        cycle_apprentices,
        cycle: forms.cycle,
        cycle_error: forms.cycle_error,
        reviews,
        review: forms.review,
        review_error: forms.review_error,
        periods: lingyan_domain::mentoring::review::ReviewPeriod::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.label("mentoring.period", x.code())))
            .collect(),
        dimensions: lingyan_domain::mentoring::review::DIMENSIONS
            .iter()
            .map(|d| (d.to_string(), tr.label("mentoring.dimension", d)))
            .collect(),
        grades: lingyan_domain::mentoring::review::PairGrade::ALL
            .iter()
            .map(|g| (g.code().to_string(), tr.label("mentoring.grade", g.code())))
            .collect(),
        p,
        ctx,
        error,
    };
    let status = if page.meeting_error.is_some() || page.cycle_error.is_some() || page.review_error.is_some()
    {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        super::form_status(&page.error)
    };
    Ok(render_status(status, &page))
}

/// `GET /mentoring/{id}`: a pair's page.
async fn view_pair_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    detail_page(&state, &caller, ctx, id, None).await
}

#[derive(Deserialize)]
struct StatusForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

/// `POST /mentoring/{id}/status`: agree, activate, conclude, dissolve.
async fn view_pair_status_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    may_change(&state, &caller, id).await?;
    let action = PairAction::parse("action", &f.action).map_err(Error::Invalid)?;
    let on = match f.on.trim() {
        "" => Ok(None),
        s => lingyan_domain::dates::parse_date("ended_on", s).map(Some),
    };
    let result = match on {
        Ok(on) => pairs::act(&state.store, &caller.scope, id, action, on, &f.reason).await,
        Err(e) => Err(Error::Invalid(e)),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.label("mentoring.done", action.code())).await;
            Ok(redirect(&format!("/mentoring/{id}")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            detail_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the meeting form holds, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct MeetingForm {
    #[serde(default)]
    met_on: String,
    #[serde(default)]
    minutes: String,
    #[serde(default, rename = "meeting_topic")]
    topic: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    private: String,
}

impl MeetingForm {
    fn input(&self) -> Result<lingyan_domain::mentoring::MeetingInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let met_on = lingyan_domain::dates::parse_date("met_on", self.met_on.trim())
            .map_err(|e| errors.push(e))
            .ok();
        let minutes = match self.minutes.trim().parse::<u32>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.push(
                    FieldError::new("minutes", "out_of_range")
                        .with("min", 1)
                        .with("max", lingyan_domain::mentoring::MAX_MEETING_MINUTES),
                );
                None
            }
        };
        match (met_on, minutes) {
            (Some(met_on), Some(minutes)) if errors.is_empty() => {
                Ok(lingyan_domain::mentoring::MeetingInput {
                    met_on,
                    minutes,
                    topic: self.topic.clone(),
                    notes: self.notes.clone(),
                    private: !self.private.is_empty(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// `POST /mentoring/{id}/meetings`: a meeting for the log.
async fn view_meetings_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<MeetingForm>,
) -> Result<Response, PageError> {
    // Not found or forbidden before anything sent is read.
    if !lingyan_store::mentoring::log::may_write(&state.store, &caller.scope, id).await? {
        return Err(Error::Forbidden.into());
    }
    let result = match f.input() {
        Ok(input) => lingyan_store::mentoring::log::add(&state.store, &caller.scope, id, &input).await,
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("mentoring.meeting_saved")).await;
            Ok(redirect(&format!("/mentoring/{id}#log")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            let forms = Forms {
                meeting: f,
                meeting_error: Some(msg),
                ..Default::default()
            };
            detail_with(&state, &caller, ctx, id, None, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /mentoring/meetings/{id}/delete`
async fn view_meeting_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let pair = lingyan_store::mentoring::log::remove(&state.store, &caller.scope, id).await?;
    flash(&session, "ok", ctx.tr.t("mentoring.meeting_removed")).await;
    Ok(redirect(&format!("/mentoring/{pair}#log")))
}

/// `POST /mentoring/{id}/summaries`: the caller's summary of a period.
async fn view_summary_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let r = lingyan_store::mentoring::reviews::list(&state.store, &caller.scope, id).await?;
    if r.writer.is_none() {
        return Err(Error::Forbidden.into());
    }
    let input = lingyan_domain::mentoring::review::SummaryInput {
        text: f.summary.clone(),
    };
    let result = match f.period() {
        Ok(period) => {
            lingyan_store::mentoring::reviews::save_summary(&state.store, &caller.scope, id, period, &input)
                .await
        }
        Err(e) => Err(Error::Invalid(e)),
    };
    review_done(
        &state,
        &caller,
        ctx,
        &session,
        id,
        f,
        result,
        "mentoring.summary_saved",
    )
    .await
}

/// `POST /mentoring/{id}/evaluations`: a leader's evaluation of a period.
async fn view_evaluation_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let r = lingyan_store::mentoring::reviews::list(&state.store, &caller.scope, id).await?;
    if !r.may_evaluate {
        return Err(Error::Forbidden.into());
    }
    let result = match (f.period(), f.evaluation()) {
        (Ok(period), Ok(input)) => {
            lingyan_store::mentoring::reviews::save_evaluation(
                &state.store,
                &caller.scope,
                id,
                period,
                &input,
            )
            .await
        }
        (Err(e), Ok(_)) => Err(Error::Invalid(e)),
        (Ok(_), Err(es)) => Err(Error::InvalidAll(es)),
        (Err(e), Err(mut es)) => {
            es.insert(0, e);
            Err(Error::InvalidAll(es))
        }
    };
    review_done(
        &state,
        &caller,
        ctx,
        &session,
        id,
        f,
        result,
        "mentoring.evaluation_saved",
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn review_done(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    session: &Session,
    id: i64,
    f: ReviewForm,
    result: Result<(), Error>,
    done: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => {
            flash(session, "ok", ctx.tr.t(done)).await;
            Ok(redirect(&format!("/mentoring/{id}#reviews")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            let forms = Forms {
                review: f,
                review_error: Some(msg),
                ..Default::default()
            };
            detail_with(state, caller, ctx, id, None, forms).await
        }
        Err(e) => Err(e.into()),
    }
}
