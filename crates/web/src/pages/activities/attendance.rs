//! The attendance pages: the teacher's own activities and sign-in (phone
//! first), the organiser's sign-in screen with its rotating QR code, the
//! check-off list with leave requests, and feedback.

use super::{hours_text, kind_name, session_when};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{FormError, PageCtx, flash, message_for, redirect, render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use lingyan_domain::activities::attendance::Status;
use lingyan_store::Error;
use lingyan_store::activities::{self as acts, Direction, Proof};
use serde::Deserialize;
use tower_sessions::Session;

fn status_name(tr: Tr, s: Option<Status>) -> String {
    match s {
        Some(s) => tr.t(&format!("attendance.{}", s.code())),
        None => tr.t("attendance.none"),
    }
}

fn withheld_text(tr: Tr, w: Option<&str>) -> String {
    match w {
        None => tr.t("attendance.earns"),
        Some(code) => tr.t(&format!("attendance.withheld_{code}")),
    }
}

/// A session on the teacher's page.
pub struct MySessionLine {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub status: String,
    pub credit: String,
    pub earns: bool,
    pub open: bool,
    pub over: bool,
    pub signed_in: bool,
    pub can_sign_out: bool,
    pub needs_feedback: bool,
    pub can_ask_leave: bool,
    pub leave: String,
}

pub struct MyLine {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub organiser: String,
    pub place: String,
    pub waiting: bool,
    pub sessions: Vec<MySessionLine>,
}

pub struct OpenLine {
    pub id: i64,
    pub title: String,
    pub what: String,
    pub full: bool,
}

pub struct NoticeLine {
    pub id: i64,
    pub text: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "my_activities.html")]
struct MinePage {
    ctx: PageCtx,
    notices: Vec<NoticeLine>,
    now_open: Vec<(String, MySessionLine)>,
    mine: Vec<MyLine>,
    open: Vec<OpenLine>,
    has_record: bool,
    calendar_href: String,
    /// When the caller's calendar feed was made ("" when none).
    feed_made: String,
}

/// `GET /activities`: the caller's activities, what is open now, what they
/// may still register for, and their notices.
pub async fn view_mine_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let now = Utc::now();
    let today = lingyan_store::calendar::today();
    let list = acts::mine(
        &state.store,
        &caller.scope,
        now,
        today - chrono::Duration::days(60),
    )
    .await?;
    let open = acts::open_for_me(&state.store, &caller.scope, acts::local(now)).await?;
    let notices = acts::unread(&state.store, &caller.scope)
        .await?
        .into_iter()
        .map(|n| NoticeLine {
            id: n.id,
            text: tr.t1(
                &format!("notices.{}", n.kind),
                "title",
                &n.activity_title.clone().unwrap_or_default(),
            ),
            href: n
                .activity_id
                .map(|a| format!("/activities/{a}"))
                .unwrap_or_default(),
        })
        .collect();
    let own = lingyan_store::teachers::own_record(&state.store, &caller.scope, today).await?;
    let mut now_open = Vec::new();
    let mine = list
        .into_iter()
        .map(|m| {
            let waiting = matches!(m.place, acts::Place::Waitlisted(_));
            let sessions: Vec<MySessionLine> = m
                .sessions
                .iter()
                .map(|s| MySessionLine {
                    id: s.session.id,
                    when: session_when(tr, &s.session),
                    place: s.session.place.clone(),
                    status: match (s.status, s.open, s.over) {
                        (None, true, _) => tr.t("activities.open_now"),
                        (None, false, false) => tr.t("attendance.upcoming"),
                        (st, _, _) => status_name(tr, st),
                    },
                    credit: if s.over || s.status.is_some() {
                        withheld_text(tr, s.withheld)
                    } else {
                        String::new()
                    },
                    earns: s.withheld.is_none(),
                    open: s.open && !waiting,
                    over: s.over,
                    signed_in: s.signed_in.is_some(),
                    can_sign_out: m.sign_out && s.signed_in.is_some() && s.signed_out.is_none(),
                    // Asked before credit, or offered for a week after.
                    needs_feedback: s.status.is_some_and(Status::attended)
                        && !s.feedback
                        && s.withheld != Some("not_training")
                        && (m.feedback_required || (today - s.session.date).num_days() <= 7),
                    can_ask_leave: !s.over && s.signed_in.is_none() && s.leave_state.is_none() && !waiting,
                    leave: s
                        .leave_state
                        .as_deref()
                        .map(|l| tr.t(&format!("attendance.leave_{l}")))
                        .unwrap_or_default(),
                })
                .collect();
            for s in sessions.iter().filter(|s| s.open) {
                now_open.push((
                    m.title.clone(),
                    MySessionLine {
                        id: s.id,
                        when: s.when.clone(),
                        place: s.place.clone(),
                        status: s.status.clone(),
                        credit: String::new(),
                        earns: s.earns,
                        open: true,
                        over: s.over,
                        signed_in: s.signed_in,
                        can_sign_out: s.can_sign_out,
                        needs_feedback: s.needs_feedback,
                        can_ask_leave: false,
                        leave: String::new(),
                    },
                ));
            }
            MyLine {
                id: m.activity_id,
                title: m.title,
                kind: kind_name(tr, m.kind),
                organiser: m.organiser,
                place: match m.place {
                    acts::Place::Registered if m.assigned => tr.t("activities.assigned"),
                    acts::Place::Registered => tr.t("activities.registered"),
                    acts::Place::Waitlisted(n) => tr.t1("activities.you_wait", "n", &n),
                },
                waiting,
                sessions,
            }
        })
        .collect();
    let calendar_href = own
        .as_ref()
        .map(|t| format!("/schools/{}/activities", t.school_id))
        .unwrap_or_default();
    Ok(render(&MinePage {
        feed_made: lingyan_store::activities::feed_made(&state.store, &caller.scope)
            .await?
            .map(|at| tr.datetime(&at))
            .unwrap_or_default(),
        notices,
        now_open,
        mine,
        open: open
            .into_iter()
            .map(|o| OpenLine {
                id: o.activity_id,
                title: o.title,
                what: format!(
                    "{} · {} · {}",
                    kind_name(tr, o.kind),
                    tr.date(&o.first),
                    tr.n("activities.n_sessions", &o.sessions)
                ),
                full: o.full,
            })
            .collect(),
        has_record: own.is_some(),
        calendar_href,
        ctx,
    }))
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    ctx: PageCtx,
    token: String,
    session: String,
    direction: String,
    done: Option<String>,
    done_href: String,
    feedback_href: String,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    t: Option<String>,
    session: Option<i64>,
    direction: Option<String>,
}

/// `GET /sign-in?t=…`: what a scanned QR code opens: one tap to sign in
/// (or a code to type).
pub async fn view_sign_in_get(_caller: Caller, ctx: PageCtx, Query(q): Query<SignInQuery>) -> Response {
    render(&SignInPage {
        token: q.t.unwrap_or_default().chars().take(200).collect(),
        session: q.session.map(|s| s.to_string()).unwrap_or_default(),
        direction: q.direction.filter(|d| d == "out").unwrap_or_else(|| "in".into()),
        done: None,
        done_href: String::new(),
        feedback_href: String::new(),
        error: None,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    session: String,
    #[serde(default)]
    direction: String,
}

/// `POST /sign-in`
pub async fn view_sign_in_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    axum::Form(f): axum::Form<SignInForm>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let direction = if f.direction == "out" {
        Direction::Out
    } else {
        Direction::In
    };
    let proof = if !f.code.trim().is_empty() {
        Proof::Code {
            session_id: f.session.trim().parse().ok(),
            code: f.code.chars().take(40).collect(),
        }
    } else {
        Proof::Token(f.token.chars().take(200).collect())
    };
    let mut page = SignInPage {
        token: String::new(),
        session: f.session.clone(),
        direction: f.direction.clone(),
        done: None,
        done_href: String::new(),
        feedback_href: String::new(),
        error: None,
        ctx,
    };
    match acts::sign(&state.store, &caller.scope, proof, direction, Utc::now()).await {
        Ok(s) => {
            let key = match (s.direction, s.status) {
                (Direction::Out, _) => "attendance.signed_out",
                (Direction::In, Status::Late) => "attendance.signed_in_late",
                _ => "attendance.signed_in",
            };
            page.done = Some(
                tr.t(key)
                    .replace("%{title}", &s.title)
                    .replace("%{time}", &s.at.format("%H:%M").to_string()),
            );
            page.done_href = format!("/activities/{}", s.activity_id);
            if s.feedback_required && (s.direction == Direction::Out || !s.sign_out) {
                page.feedback_href = format!("/sessions/{}/feedback", s.session_id);
            }
            Ok(render(&page))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            page.token = f.token;
            page.error = Some(message_for(&e));
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

/// One line of the organiser's list.
pub struct SheetLine {
    pub teacher_id: i64,
    pub name: String,
    pub status: Option<String>,
    pub status_text: String,
    pub times: String,
    pub how: String,
    pub leave: String,
    pub leave_asked: bool,
    pub credit: String,
    pub earns: bool,
}

fn sheet_lines(tr: Tr, sheet: &acts::Sheet) -> Vec<SheetLine> {
    sheet
        .rows
        .iter()
        .map(|r| SheetLine {
            teacher_id: r.teacher_id,
            name: match &r.staff_no {
                Some(n) => format!("{}（{n}）", r.name),
                None => r.name.clone(),
            },
            status: r.status.map(|s| s.code().to_string()),
            status_text: status_name(tr, r.status),
            times: match (r.signed_in, r.signed_out) {
                (Some(i), Some(o)) => format!("{}–{}", i.format("%H:%M"), o.format("%H:%M")),
                (Some(i), None) => i.format("%H:%M").to_string(),
                _ => String::new(),
            },
            how: r
                .method
                .as_deref()
                .map(|m| tr.t(&format!("attendance.by_{m}")))
                .unwrap_or_default(),
            leave: match (&r.leave_state, &r.leave_reason) {
                (Some(s), Some(reason)) => format!("{}：{reason}", tr.t(&format!("attendance.leave_{s}"))),
                _ => String::new(),
            },
            leave_asked: r.leave_state.as_deref() == Some("requested"),
            credit: withheld_text(tr, r.withheld),
            earns: r.withheld.is_none(),
        })
        .collect()
}

fn counts_text(tr: Tr, sheet: &acts::Sheet) -> String {
    tr.t("attendance.counts")
        .replace("%{n}", &sheet.signed_in.to_string())
        .replace("%{of}", &sheet.expected.to_string())
        .replace("%{leave}", &sheet.leave.to_string())
}

#[derive(Template)]
#[template(path = "activity_screen.html")]
struct ScreenPage {
    ctx: PageCtx,
    session_id: i64,
    activity_id: i64,
    title: String,
    when: String,
    live: ScreenLive,
}

#[derive(Template)]
#[template(path = "activity_screen_live.html")]
pub struct ScreenLive {
    ctx: PageCtx,
    qr: String,
    code: String,
    open: bool,
    window: String,
    counts: String,
    lines: Vec<SheetLine>,
}

pub(crate) fn origin(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p == "https");
    format!("{}://{host}", if secure || forwarded { "https" } else { "http" })
}

/// The QR code of a text as an SVG element (no styles: the CSP forbids them).
pub(crate) fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(260, 260)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

async fn live(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    headers: &HeaderMap,
    session_id: i64,
) -> Result<(ScreenLive, acts::Screen), PageError> {
    let tr = ctx.tr;
    let s = acts::screen(&state.store, &caller.scope, session_id, Utc::now()).await?;
    let url = format!(
        "{}/sign-in?t={}",
        origin(headers, state.config.secure_cookies),
        s.token
    );
    Ok((
        ScreenLive {
            qr: qr_svg(&url),
            code: format!("{} {}", &s.code[..3], &s.code[3..]),
            open: s.open,
            window: tr
                .t("attendance.window")
                .replace("%{from}", &s.opens.format("%H:%M").to_string())
                .replace("%{to}", &s.closes.format("%H:%M").to_string()),
            counts: counts_text(tr, &s.sheet),
            lines: sheet_lines(tr, &s.sheet),
            ctx,
        },
        s,
    ))
}

/// `GET /sessions/{id}/screen`: the organiser's sign-in screen (put it on
/// the projector): the QR code changes every 15 seconds, the list fills.
pub async fn view_screen_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let (l, s) = live(&state, &caller, ctx.clone(), &headers, id).await?;
    Ok(render(&ScreenPage {
        session_id: id,
        activity_id: s.activity_id,
        title: s.title.clone(),
        when: session_when(tr, &s.session),
        live: l,
        ctx,
    }))
}

/// `GET /sessions/{id}/screen/live`: the part of the screen htmx replaces
/// every few seconds.
pub async fn view_screen_live_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (l, _) = live(&state, &caller, ctx, &headers, id).await?;
    match l.render() {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => Err(PageError::Store(Error::Internal(e.to_string()))),
    }
}

#[derive(Template)]
#[template(path = "activity_sheet.html")]
struct SheetPage {
    ctx: PageCtx,
    session_id: i64,
    activity_id: i64,
    title: String,
    when: String,
    counts: String,
    lines: Vec<SheetLine>,
    statuses: Vec<(String, String)>,
    error: Option<FormError>,
}

async fn sheet_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let (v, session, sheet) = acts::sheet(&state.store, &caller.scope, id).await?;
    let page = SheetPage {
        session_id: id,
        activity_id: v.id,
        title: v.plan.title.clone(),
        when: session_when(tr, &session),
        counts: counts_text(tr, &sheet),
        lines: sheet_lines(tr, &sheet),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.code().to_string(), tr.t(&format!("attendance.{}", s.code()))))
            .collect(),
        error,
        ctx,
    };
    Ok(render_status(crate::pages::form_status(&page.error), &page))
}

/// `GET /sessions/{id}/attendance`: the check-off list.
pub async fn view_sheet_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    sheet_page(&state, &caller, ctx, id, None).await
}

#[derive(Deserialize)]
pub struct SheetForm {
    #[serde(default)]
    teacher: Vec<i64>,
    #[serde(default)]
    status: Vec<String>,
}

/// `POST /sessions/{id}/attendance`: the list as checked off.
pub async fn view_sheet_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    crate::pages::users::RepeatedForm(f): crate::pages::users::RepeatedForm<SheetForm>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let mut marks = Vec::new();
    for (i, t) in f.teacher.iter().enumerate() {
        let st = f.status.get(i).map(String::as_str).unwrap_or("");
        let parsed = match st {
            "" => None,
            s => match Status::parse("status", s) {
                Ok(s) => Some(s),
                Err(e) => {
                    let err = message_for(&Error::Invalid(e.with("row", i + 1)));
                    return sheet_page(&state, &caller, ctx, id, Some(err)).await;
                }
            },
        };
        marks.push((*t, parsed));
    }
    match acts::check_off(&state.store, &caller.scope, id, &marks).await {
        Ok(sheet) => {
            flash(&session, "ok", counts_text(tr, &sheet)).await;
            Ok(redirect(&format!("/sessions/{id}/attendance")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            sheet_page(&state, &caller, ctx, id, Some(message_for(&e))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LeaveForm {
    #[serde(default)]
    reason: String,
}

/// `POST /sessions/{id}/leave`: the teacher asks leave.
pub async fn view_leave_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<LeaveForm>,
) -> Result<Response, PageError> {
    match acts::request_leave(&state.store, &caller.scope, id, &f.reason, Utc::now()).await {
        Ok(()) => flash(&session, "ok", ctx.tr.t("attendance.leave_sent")).await,
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", message_for(&e).message).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect("/activities"))
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    approve: String,
}

/// `POST /sessions/{id}/leave/{teacher_id}`: the organiser decides.
pub async fn view_decide_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, teacher_id)): Path<(i64, i64)>,
    axum::Form(f): axum::Form<DecideForm>,
) -> Result<Response, PageError> {
    let approve = f.approve == "yes";
    match acts::decide_leave(&state.store, &caller.scope, id, teacher_id, approve).await {
        Ok(()) => {
            let key = if approve {
                "attendance.leave_approved"
            } else {
                "attendance.leave_refused"
            };
            flash(&session, "ok", ctx.tr.t(key)).await;
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", message_for(&e).message).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("/sessions/{id}/attendance")))
}

#[derive(Template)]
#[template(path = "activity_feedback.html")]
struct FeedbackPage {
    ctx: PageCtx,
    session_id: i64,
    activity_id: i64,
    title: String,
    when: String,
    hours: String,
    rating: String,
    comment: String,
    /// (value, stars, words), best first.
    ratings: Vec<(String, String, String)>,
    error: Option<FormError>,
}

async fn feedback_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    rating: String,
    comment: String,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let v = acts::session_activity(&state.store, &caller.scope, id).await?;
    let s = v.sessions.iter().find(|s| s.id == id).ok_or(Error::NotFound)?;
    let page = FeedbackPage {
        session_id: id,
        activity_id: v.id,
        title: v.plan.title.clone(),
        when: session_when(tr, s),
        hours: hours_text(tr, s.hours),
        rating,
        comment,
        ratings: (1..=5usize)
            .rev()
            .map(|r| {
                (
                    r.to_string(),
                    "★".repeat(r),
                    tr.t(&format!("attendance.rating_{r}")),
                )
            })
            .collect(),
        error,
        ctx,
    };
    Ok(render_status(crate::pages::form_status(&page.error), &page))
}

/// `GET /sessions/{id}/feedback`
pub async fn view_feedback_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    feedback_page(&state, &caller, ctx, id, String::new(), String::new(), None).await
}

#[derive(Deserialize)]
pub struct FeedbackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// `POST /sessions/{id}/feedback`
pub async fn view_feedback_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<FeedbackForm>,
) -> Result<Response, PageError> {
    let rating = f.rating.trim().parse::<i32>().unwrap_or(0);
    match acts::give_feedback(&state.store, &caller.scope, id, rating, &f.comment).await {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("attendance.feedback_thanks")).await;
            Ok(redirect("/activities"))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let err = message_for(&e);
            feedback_page(&state, &caller, ctx, id, f.rating, f.comment, Some(err)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /notices/{id}/read`
pub async fn view_notice_read_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    acts::mark_read(&state.store, &caller.scope, id).await?;
    Ok(redirect("/activities"))
}

/// One problem of an imported sheet.
pub struct SheetProblem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "activity_import.html")]
struct ImportPage {
    ctx: PageCtx,
    activity_id: i64,
    title: String,
    outcome: String,
    problems: Vec<SheetProblem>,
}

/// `POST /activities/{id}/attendance-import`: an attendance sheet.
pub async fn view_import_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let v = acts::get(&state.store, &caller.scope, id).await?;
    acts::check_organise(&caller.scope, v.district_id, v.school_id)?;
    let (file, dry_run) = crate::pages::read_upload(multipart, "attendance").await?;
    let Some((filename, bytes)) = file else {
        flash(
            &session,
            "error",
            tr.field_error(&lingyan_domain::FieldError::new("file", "required")),
        )
        .await;
        return Ok(redirect(&format!("/activities/{id}")));
    };
    let r = acts::import_attendance(
        &state.store,
        &caller.scope,
        id,
        &filename,
        &bytes,
        dry_run,
        state.config.limits.import_bytes,
    )
    .await?;
    if r.errors.is_empty() && r.file_error.is_none() {
        let key = if r.written {
            "attendance.imported"
        } else {
            "attendance.import_checked"
        };
        let msg = tr
            .t(key)
            .replace("%{n}", &r.recorded.to_string())
            .replace("%{added}", &r.added_participants.to_string());
        flash(&session, "ok", msg).await;
        return Ok(redirect(&format!("/activities/{id}")));
    }
    let page = ImportPage {
        activity_id: id,
        title: v.plan.title.clone(),
        outcome: match &r.file_error {
            Some(e) => tr.field_error(e),
            None => tr.n("attendance.import_refused", &r.errors.len()),
        },
        problems: r
            .errors
            .iter()
            .map(|i| SheetProblem {
                row: i.row,
                column: i.column.clone(),
                message: crate::i18n::t_args(tr.0, &format!("errors.{}", i.error.code), &i.error.args),
            })
            .collect(),
        ctx,
    };
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
