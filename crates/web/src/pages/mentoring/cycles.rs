//! Two-way cycle pages (双向互动): a cycle's six stages with the records
//! that fulfil them and the next stage to fill — from the owing teacher's
//! records or on the spot, on a phone; starting a cycle from the pair's
//! page; and the cycle board of who owes the next stage.

use super::refused;
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{FormError, PageCtx, flash, message_for, redirect, render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use lingyan_domain::evidence::LevelUse;
use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage};
use lingyan_domain::{FieldError, Level};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::mentoring::cycles::{self, Candidate, Cycle, StageRecord};
use lingyan_store::mentoring::pairs::{self, Filter, Pair};
use serde::Deserialize;
use tower_sessions::Session;

/// A stage's label, e.g. "③ 骨干教师点评".
pub(crate) fn stage_label(tr: Tr, s: CycleStage) -> String {
    tr.label("mentoring.stage", s.code())
}

/// What the next-stage forms held when refused.
#[derive(Deserialize, Default, Clone)]
pub struct StageForm {
    /// `pick` (a record of theirs) or `record` (made now).
    #[serde(default)]
    how: String,
    #[serde(default)]
    evidence_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    text: String,
}

#[derive(Template)]
#[template(path = "mentoring_cycle.html")]
struct CyclePage {
    ctx: PageCtx,
    p: Pair,
    c: Cycle,
    /// "Mentor → apprentice".
    heading: String,
    progress: String,
    candidates: Vec<Candidate>,
    /// Whether the next stage's record asks for a level (classes).
    needs_level: bool,
    levels: Vec<Level>,
    today: NaiveDate,
    form: StageForm,
    error: Option<FormError>,
}

impl CyclePage {
    fn is_next(&self, s: &CycleStage) -> bool {
        self.c.next == Some(*s)
    }

    fn stage(&self, s: &CycleStage) -> String {
        stage_label(self.ctx.tr, *s)
    }

    fn status(&self, code: &str) -> String {
        self.ctx.tr.label("evidence_status", code)
    }

    fn subtype(&self, kind: &lingyan_domain::evidence::EvidenceKind, code: &Option<String>) -> String {
        match (kind.subtype_group(), code) {
            (Some(g), Some(c)) => self.ctx.tr.label(g, c),
            _ => String::new(),
        }
    }
}

pub(crate) fn progress(tr: Tr, c: &Cycle) -> String {
    tr.t1("mentoring.cycle_progress", "n", &c.stages_done())
}

async fn cycle_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    form: StageForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let (p, c) = cycles::get(&state.store, &caller.scope, id).await?;
    let candidates = cycles::candidates_of(&state.store, &p, &c).await?;
    let tr = ctx.tr;
    let needs_level = c.next.is_some_and(|s| s.kind().level_use() != LevelUse::None);
    let page = CyclePage {
        heading: format!("{} → {}", c.mentor.name, c.apprentice.name),
        progress: progress(tr, &c),
        candidates,
        needs_level,
        levels: Level::ALL.iter().rev().copied().collect(),
        today: today(),
        form,
        p,
        c,
        ctx,
        error,
    };
    Ok(render_status(crate::pages::form_status(&page.error), &page))
}

/// `GET /mentoring/cycles/{id}`: a cycle stage by stage.
pub(super) async fn view_cycle_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    cycle_page(&state, &caller, ctx, id, StageForm::default(), None).await
}

/// `POST /mentoring/cycles/{id}/stages/{stage}`: fills the next stage.
pub(super) async fn view_stage_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, stage)): Path<(i64, String)>,
    Form(f): Form<StageForm>,
) -> Result<Response, PageError> {
    let stage = CycleStage::parse("stage", &stage).map_err(Error::Invalid)?;
    // Not found or forbidden before anything sent is read.
    let (_, c) = cycles::get(&state.store, &caller.scope, id).await?;
    if !c.may_fill {
        return Err(Error::Forbidden.into());
    }
    let result = match f.how.as_str() {
        "pick" => match f.evidence_id.trim().parse::<i64>() {
            Ok(e) => cycles::link(&state.store, &caller.scope, id, stage, e).await,
            Err(_) => Err(Error::Invalid(FieldError::new("evidence_id", "required"))),
        },
        _ => cycles::record(
            &state.store,
            &caller.scope,
            id,
            stage,
            &StageRecord {
                date: f.date.clone(),
                title: f.title.clone(),
                level: f.level.clone(),
                text: f.text.clone(),
            },
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => {
            flash(
                &session,
                "ok",
                ctx.tr
                    .t1("mentoring.stage_done", "stage", &stage_label(ctx.tr, stage)),
            )
            .await;
            Ok(redirect(&format!("/mentoring/cycles/{id}")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            cycle_page(&state, &caller, ctx, id, f, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /mentoring/cycles/{id}/stages/{stage}/clear`: takes the last
/// stage's link off.
pub(super) async fn view_stage_clear_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, stage)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let stage = CycleStage::parse("stage", &stage).map_err(Error::Invalid)?;
    match cycles::unlink(&state.store, &caller.scope, id, stage).await {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("mentoring.stage_cleared")).await;
            Ok(redirect(&format!("/mentoring/cycles/{id}")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            cycle_page(&state, &caller, ctx, id, StageForm::default(), Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /mentoring/cycles/{id}/delete`
pub(super) async fn view_cycle_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let pair = cycles::remove(&state.store, &caller.scope, id).await?;
    flash(&session, "ok", ctx.tr.t("mentoring.cycle_removed")).await;
    Ok(redirect(&format!("/mentoring/{pair}#cycles")))
}

/// What the new-cycle form holds, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct NewCycleForm {
    #[serde(default, rename = "cycle_title")]
    pub title: String,
    #[serde(default)]
    pub apprentice_teacher_id: String,
    #[serde(default)]
    pub started_on: String,
}

impl NewCycleForm {
    fn input(&self) -> Result<CycleInput, Vec<FieldError>> {
        let started_on =
            lingyan_domain::dates::parse_date("started_on", self.started_on.trim()).map_err(|e| vec![e])?;
        let apprentice_teacher_id = match self.apprentice_teacher_id.trim() {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| {
                vec![FieldError::new("apprentice_teacher_id", "unknown_teacher").with("value", s)]
            })?),
        };
        Ok(CycleInput {
            title: self.title.clone(),
            apprentice_teacher_id,
            started_on,
        })
    }
}

/// `POST /mentoring/{id}/cycles`: starts a cycle.
pub(super) async fn view_cycles_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<NewCycleForm>,
) -> Result<Response, PageError> {
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    let own = lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, today()).await?;
    if !(pairs::may_manage(&caller.scope, &p) || own.is_some_and(|o| p.involves(o))) {
        return Err(Error::Forbidden.into());
    }
    let result = match f.input() {
        Ok(input) => cycles::create(&state.store, &caller.scope, id, &input).await,
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(cid) => {
            flash(&session, "ok", ctx.tr.t("mentoring.cycle_started")).await;
            Ok(redirect(&format!("/mentoring/cycles/{cid}")))
        }
        Err(e) if refused(&e) => {
            let msg = message_for(&e);
            super::detail_cycle_refused(&state, &caller, ctx, id, f, msg).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct BoardQuery {
    /// `mine`: the cycles waiting for the caller.
    #[serde(default)]
    show: String,
    #[serde(default)]
    school: Option<i64>,
}

/// A line of the board as shown.
pub struct BoardLine {
    pub cycle_id: i64,
    pub pair_id: i64,
    pub title: String,
    pub mentor: String,
    pub apprentice: String,
    pub subject: String,
    pub next: String,
    pub owner: String,
    pub owner_is_me: bool,
    pub done: usize,
    pub waiting: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "mentoring_board.html")]
struct BoardPage {
    ctx: PageCtx,
    lines: Vec<BoardLine>,
    completed: String,
    mine: bool,
    /// Whether the caller is in any pair (the "waiting for me" tab).
    has_own: bool,
}

/// A cycle waits too long after this many days (a fortnight between
/// stages is the seeds' rhythm: one class a week, comments the same week).
const LATE_AFTER_DAYS: i64 = 14;

/// `GET /mentoring/board`: who owes the next stage.
pub(super) async fn view_board_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let own = lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, today()).await?;
    let mine = q.show == "mine" && own.is_some();
    let f = Filter {
        school_id: q.school,
        ..Default::default()
    };
    let (rows, completed) = cycles::board(&state.store, &caller.scope, &f).await?;
    let lines = rows
        .into_iter()
        .filter(|r| !mine || r.cycle.next_owner().map(|o| o.teacher_id) == own)
        .map(|r| {
            let owner = r.cycle.next_owner().cloned();
            BoardLine {
                cycle_id: r.cycle.id,
                pair_id: r.pair.id,
                title: r.cycle.title.clone(),
                mentor: r.cycle.mentor.name.clone(),
                apprentice: r.cycle.apprentice.name.clone(),
                subject: r.pair.subject.clone(),
                next: r.cycle.next.map(|s| stage_label(tr, s)).unwrap_or_default(),
                owner_is_me: owner.as_ref().map(|o| o.teacher_id) == own && own.is_some(),
                owner: owner.map(|o| o.name).unwrap_or_default(),
                done: r.cycle.stages_done(),
                waiting: crate::i18n::t_count(tr.0, "mentoring.waiting_days", r.waiting_days as usize, &[]),
                late: r.waiting_days > LATE_AFTER_DAYS,
            }
        })
        .collect();
    let page = BoardPage {
        completed: crate::i18n::t_count(tr.0, "mentoring.cycles_completed", completed, &[]),
        lines,
        mine,
        has_own: own.is_some(),
        ctx,
    };
    Ok(render(&page))
}
