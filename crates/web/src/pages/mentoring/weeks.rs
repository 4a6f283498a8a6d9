//! Mentoring weeks (师徒活动周): the form to set one, and the week's page —
//! every running pair of the school with what it did in those days, the
//! pairs that did nothing first — and the same as a workbook.

use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::{self, Tr};
use crate::pages::{FormError, PageCtx, flash, form_status, message_for, redirect, render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use lingyan_domain::FieldError;
use lingyan_domain::mentoring::week::WeekInput;
use lingyan_reports::{Cell, Table, Tone};
use lingyan_store::Error;
use lingyan_store::mentoring::weeks::{self, PairWeek, Week, WeekReport};
use serde::Deserialize;
use tower_sessions::Session;

/// The week's days as written: "2026-11-09 – 2026-11-13" / "9 Nov 2026 – …".
pub(crate) fn days(tr: Tr, w: &Week) -> String {
    format!("{} – {}", tr.date(&w.starts_on), tr.date(&w.ends_on))
}

/// One thing a pair did, as a line: (day, what, detail).
pub struct Done {
    pub on: String,
    pub what: String,
    pub detail: String,
}

/// A pair's week as shown.
pub struct PairLine {
    pub pair_id: i64,
    pub mentor: String,
    pub apprentices: String,
    pub subject: String,
    pub done: Vec<Done>,
    /// "2 meetings (1 h 30 min)", or empty.
    pub time: String,
}

fn done(tr: Tr, p: &PairWeek) -> Vec<(NaiveDate, Done)> {
    let mut out: Vec<(NaiveDate, Done)> = Vec::new();
    for m in &p.meetings {
        out.push((
            m.met_on,
            Done {
                on: tr.date(&m.met_on),
                what: tr.t("mentoring.week_meeting"),
                detail: format!(
                    "{}{}",
                    m.topic,
                    super::bracket(tr, &super::duration(tr, m.minutes))
                ),
            },
        ));
    }
    for c in &p.cycles_started {
        out.push((
            c.started_on,
            Done {
                on: tr.date(&c.started_on),
                what: tr.t("mentoring.week_cycle_started"),
                detail: c.lesson.clone(),
            },
        ));
    }
    for s in &p.stages {
        out.push((
            s.on,
            Done {
                on: tr.date(&s.on),
                what: super::cycles::stage_label(tr, s.stage),
                detail: format!("{}{}", s.record, super::bracket(tr, &s.teacher)),
            },
        ));
    }
    out.sort_by_key(|(d, _)| *d);
    out
}

fn line(tr: Tr, p: &PairWeek) -> PairLine {
    let pair = &p.pair;
    PairLine {
        pair_id: pair.id,
        mentor: super::mentor_named(tr, pair),
        apprentices: super::joined(tr, pair.apprentices.iter().map(|a| a.name.clone())),
        subject: pair.subject.clone(),
        done: done(tr, p).into_iter().map(|(_, d)| d).collect(),
        time: match p.meetings.len() {
            0 => String::new(),
            n => i18n::t_count(
                tr.0,
                "mentoring.meetings_time",
                n,
                &[("time", super::duration(tr, p.minutes()))],
            ),
        },
    }
}

/// The week's figures in words, one per line.
pub fn summary(tr: Tr, r: &WeekReport) -> Vec<String> {
    let mut out = vec![i18n::t_count(
        tr.0,
        "mentoring.week_pairs",
        r.pairs.len(),
        &[("active", r.active_pairs().to_string())],
    )];
    // What was done, leaving out what was not.
    let mut parts = Vec::new();
    if r.meetings() > 0 {
        parts.push(i18n::t_count(
            tr.0,
            "mentoring.week_n_meetings",
            r.meetings(),
            &[("time", super::duration(tr, r.minutes()))],
        ));
    }
    if r.cycles_started() > 0 {
        parts.push(i18n::t_count(
            tr.0,
            "mentoring.week_n_cycles",
            r.cycles_started(),
            &[],
        ));
    }
    if r.stages() > 0 {
        parts.push(i18n::t_count(tr.0, "mentoring.week_n_stages", r.stages(), &[]));
    }
    if !parts.is_empty() {
        out.push(format!(
            "{}{}",
            parts.join(&tr.t("punct.semicolon")),
            if tr.is_zh() { "。" } else { "." }
        ));
    }
    let idle = r.pairs.len() - r.active_pairs();
    if idle > 0 {
        out.push(i18n::t_count(tr.0, "mentoring.week_idle", idle, &[]));
    }
    out
}

/// The week as a workbook: the week, then one row per thing done (a pair
/// that did nothing has one row saying so).
pub fn tables(tr: Tr, r: &WeekReport) -> Vec<Table> {
    let w = &r.week;
    let mut head = vec![
        vec![
            Cell::Text(tr.t("fields.school")),
            Cell::Text(tr.name(&r.school_name, &r.school_name_en).to_string()),
        ],
        vec![Cell::Text(tr.t("fields.week_title")), Cell::Text(w.title.clone())],
        vec![Cell::Text(tr.t("fields.starts_on")), Cell::Date(w.starts_on)],
        vec![Cell::Text(tr.t("fields.ends_on")), Cell::Date(w.ends_on)],
        vec![Cell::Text(tr.t("fields.theme")), Cell::Text(w.theme.clone())],
    ];
    head.extend(
        summary(tr, r)
            .into_iter()
            .map(|s| vec![Cell::Text(s), Cell::Empty]),
    );
    let mut rows = Vec::new();
    for p in &r.pairs {
        let l = line(tr, p);
        let pair = format!("{} → {}", l.mentor, l.apprentices);
        let items = done(tr, p);
        if items.is_empty() {
            rows.push(vec![
                Cell::Text(pair.clone()),
                Cell::Text(l.subject.clone()),
                Cell::Empty,
                Cell::Marked(tr.t("mentoring.week_nothing"), Tone::Bad),
                Cell::Empty,
            ]);
        }
        for (d, item) in items {
            rows.push(vec![
                Cell::Text(pair.clone()),
                Cell::Text(l.subject.clone()),
                Cell::Date(d),
                Cell::Text(item.what),
                Cell::Text(item.detail),
            ]);
        }
    }
    vec![
        Table {
            title: tr.t("mentoring.week"),
            headers: vec![tr.t("mentoring.overview_item"), String::new()],
            rows: head,
        },
        Table {
            title: tr.t("mentoring.week_done"),
            headers: vec![
                tr.t("mentoring.pair"),
                tr.t("fields.subject"),
                tr.t("fields.date"),
                tr.t("mentoring.week_what"),
                tr.t("mentoring.week_detail"),
            ],
            rows,
        },
    ]
}

#[derive(Template)]
#[template(path = "mentoring_week.html")]
struct WeekPage {
    ctx: PageCtx,
    r: WeekReport,
    school: String,
    days: String,
    summary: Vec<String>,
    lines: Vec<PairLine>,
}

/// `GET /mentoring/weeks/{id}`
pub(crate) async fn view_week_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let r = weeks::report(&state.store, &caller.scope, id).await?;
    Ok(render(&WeekPage {
        school: tr.name(&r.school_name, &r.school_name_en).to_string(),
        days: days(tr, &r.week),
        summary: summary(tr, &r),
        lines: r.pairs.iter().map(|p| line(tr, p)).collect(),
        r,
        ctx,
    }))
}

/// `GET /mentoring/weeks/{id}/workbook.xlsx`
pub(crate) async fn view_week_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let r = weeks::report(&state.store, &caller.scope, id).await?;
    let bytes = lingyan_reports::xlsx(&tables(tr, &r)).map_err(|e| Error::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}-{}.xlsx",
        tr.name(&r.school_name, &r.school_name_en),
        r.week.title,
        r.week.starts_on
    );
    Ok(crate::pages::roster::xlsx_response(bytes, &name))
}

/// The week form as typed.
#[derive(Deserialize, Default)]
pub(crate) struct WeekForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

impl WeekForm {
    fn of(w: &Week) -> Self {
        Self {
            title: w.title.clone(),
            theme: w.theme.clone(),
            starts_on: w.starts_on.to_string(),
            ends_on: w.ends_on.to_string(),
        }
    }

    /// The input, or every field that cannot be read.
    fn input(&self) -> Result<WeekInput, Error> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut date = |field: &'static str, s: &str| {
            if s.trim().is_empty() {
                errors.push(FieldError::new(field, "required"));
            }
            crate::pages::form_date(field, s, &mut errors)
        };
        let starts_on = date("starts_on", &self.starts_on);
        let ends_on = date("ends_on", &self.ends_on);
        match (starts_on, ends_on) {
            (Some(starts_on), Some(ends_on)) => Ok(WeekInput {
                title: self.title.clone(),
                theme: self.theme.clone(),
                starts_on,
                ends_on,
            }),
            _ => Err(Error::InvalidAll(errors)),
        }
    }
}

#[derive(Template)]
#[template(path = "mentoring_week_form.html")]
struct FormPage {
    ctx: PageCtx,
    /// Where the form posts and where "back" leads.
    action: String,
    back: String,
    /// The week being changed (None: a new one).
    id: Option<i64>,
    school: String,
    f: WeekForm,
    error: Option<FormError>,
}

async fn school_name(state: &AppState, caller: &Caller, tr: Tr, school: i64) -> Result<String, PageError> {
    let sc = lingyan_store::schools::get(&state.store, &caller.scope, school).await?;
    Ok(tr.name(&sc.name, &sc.name_en).to_string())
}

fn form_page(
    ctx: PageCtx,
    school: i64,
    name: String,
    id: Option<i64>,
    f: WeekForm,
    error: Option<FormError>,
) -> Response {
    let status = form_status(&error);
    render_status(
        status,
        &FormPage {
            ctx,
            action: match id {
                Some(id) => format!("/mentoring/weeks/{id}/edit"),
                None => format!("/schools/{school}/mentoring/weeks"),
            },
            back: match id {
                Some(id) => format!("/mentoring/weeks/{id}"),
                None => format!("/schools/{school}/mentoring/overview"),
            },
            id,
            school: name,
            f,
            error,
        },
    )
}

/// The school, for a caller who may set its mentoring weeks.
async fn may_set(
    state: &AppState,
    caller: &Caller,
    school: i64,
) -> Result<lingyan_store::schools::School, PageError> {
    let sc = lingyan_store::schools::get(&state.store, &caller.scope, school).await?;
    let tenant = lingyan_domain::Tenant::school(sc.district_id, sc.id);
    caller
        .scope
        .require(lingyan_domain::Capability::ManageTeachers, tenant)?;
    Ok(sc)
}

/// `GET /schools/{id}/mentoring/weeks/new`: next Monday to Friday by default.
pub(crate) async fn view_week_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(school): Path<i64>,
) -> Result<Response, PageError> {
    use chrono::Datelike;
    let sc = may_set(&state, &caller, school).await?;
    let d = lingyan_store::calendar::today();
    let monday = d + chrono::Days::new(u64::from(7 - d.weekday().num_days_from_monday()));
    let f = WeekForm {
        title: ctx.tr.t("mentoring.week"),
        starts_on: monday.to_string(),
        ends_on: (monday + chrono::Days::new(4)).to_string(),
        ..Default::default()
    };
    let name = ctx.tr.name(&sc.name, &sc.name_en).to_string();
    Ok(form_page(ctx, school, name, None, f, None))
}

/// `POST /schools/{id}/mentoring/weeks`
pub(crate) async fn view_weeks_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(school): Path<i64>,
    Form(f): Form<WeekForm>,
) -> Result<Response, PageError> {
    // Who before what: a form from outside is refused before it is read.
    may_set(&state, &caller, school).await?;
    let result = match f.input() {
        Ok(input) => weeks::create(&state.store, &caller.scope, school, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(w) => {
            flash(&session, "ok", ctx.tr.t("mentoring.week_saved")).await;
            Ok(redirect(&format!("/mentoring/weeks/{}", w.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let name = school_name(&state, &caller, ctx.tr, school).await?;
            Ok(form_page(ctx, school, name, None, f, Some(message_for(&e))))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /mentoring/weeks/{id}/edit`
pub(crate) async fn view_week_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let w = weeks::get(&state.store, &caller.scope, id).await?;
    if !w.may_manage {
        return Err(Error::Forbidden.into());
    }
    let name = school_name(&state, &caller, ctx.tr, w.school_id).await?;
    Ok(form_page(
        ctx,
        w.school_id,
        name,
        Some(id),
        WeekForm::of(&w),
        None,
    ))
}

/// `POST /mentoring/weeks/{id}/edit`
pub(crate) async fn view_week_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<WeekForm>,
) -> Result<Response, PageError> {
    let w = weeks::get(&state.store, &caller.scope, id).await?;
    if !w.may_manage {
        return Err(Error::Forbidden.into());
    }
    let result = match f.input() {
        Ok(input) => weeks::update(&state.store, &caller.scope, id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("mentoring.week_saved")).await;
            Ok(redirect(&format!("/mentoring/weeks/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let name = school_name(&state, &caller, ctx.tr, w.school_id).await?;
            Ok(form_page(
                ctx,
                w.school_id,
                name,
                Some(id),
                f,
                Some(message_for(&e)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /mentoring/weeks/{id}/delete`
pub(crate) async fn view_week_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let w = weeks::get(&state.store, &caller.scope, id).await?;
    weeks::delete(&state.store, &caller.scope, id).await?;
    flash(&session, "ok", ctx.tr.t("mentoring.week_deleted")).await;
    Ok(redirect(&format!("/schools/{}/mentoring/overview", w.school_id)))
}
