//! Training activities over JSON: the calendar of a school or district,
//! activities and their sessions, registration and the waitlist, signing
//! in with the rotating QR token or typed code, the organiser's screen and
//! check-off list, leave, feedback, and the teacher's own activities and
//! notices.

use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime, Utc};
use lingyan_domain::activities::attendance::Status;
use lingyan_domain::activities::plan::ActivityPlan;
use lingyan_store::activities::{self as acts, Direction, Proof};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_attendance).layer(axum::extract::DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(school_calendar, create_school_activity))
        .routes(routes!(district_calendar, create_district_activity))
        .routes(routes!(get_activity, update_activity, delete_activity))
        .routes(routes!(register, cancel_own))
        .routes(routes!(reset_calendar_feed))
        .routes(routes!(list_participants, assign_participants))
        .routes(routes!(remove_participant))
        .routes(routes!(feedback_summary))
        .routes(routes!(session_screen))
        .routes(routes!(session_sheet, check_off))
        .routes(routes!(sign_in))
        .routes(routes!(request_leave))
        .routes(routes!(decide_leave))
        .routes(routes!(give_feedback))
        .routes(routes!(my_activities))
        .routes(routes!(my_notices))
        .routes(routes!(read_notice))
}

/// A session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    pub id: i64,
    pub date: NaiveDate,
    /// `HH:MM`, China time.
    pub start: String,
    pub end: String,
    pub place: String,
    pub hours: f64,
}

impl From<&acts::SessionView> for SessionDto {
    fn from(s: &acts::SessionView) -> Self {
        Self {
            id: s.id,
            date: s.date,
            start: s.start.format("%H:%M").to_string(),
            end: s.end.format("%H:%M").to_string(),
            place: s.place.clone(),
            hours: s.hours.to_f64(),
        }
    }
}

/// Where the caller stands: `registered`, or `waitlisted` with a position.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceDto {
    /// `registered` or `waitlisted`.
    pub status: String,
    /// Position in line (from 1) while waitlisted.
    pub position: Option<u64>,
}

impl From<acts::Place> for PlaceDto {
    fn from(p: acts::Place) -> Self {
        match p {
            acts::Place::Registered => Self {
                status: "registered".into(),
                position: None,
            },
            acts::Place::Waitlisted(n) => Self {
                status: "waitlisted".into(),
                position: Some(n),
            },
        }
    }
}

/// An activity with its sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: i64,
    pub district_id: i64,
    /// Absent for a district's activity.
    pub school_id: Option<i64>,
    pub place_name: String,
    /// What was filled in (sessions included).
    pub plan: ActivityPlan,
    pub sessions: Vec<SessionDto>,
    pub registered: u64,
    pub waitlisted: u64,
    /// Whether the caller organises it.
    pub can_manage: bool,
    /// Whether the caller may register now.
    pub may_register: bool,
    /// The caller's place, if registered or waiting.
    pub my_place: Option<PlaceDto>,
}

async fn activity_dto(state: &AppState, caller: &Caller, v: acts::ActivityView) -> ApiResult<ActivityDto> {
    let now = acts::local(Utc::now());
    let may = acts::may_register(&state.store, &caller.scope, v.id, now).await?;
    let mine = acts::my_place(&state.store, &caller.scope, v.id).await?;
    Ok(ActivityDto {
        id: v.id,
        district_id: v.district_id,
        school_id: v.school_id,
        place_name: v.place_name,
        sessions: v.sessions.iter().map(Into::into).collect(),
        plan: v.plan,
        registered: v.registered,
        waitlisted: v.waitlisted,
        can_manage: v.can_manage,
        may_register: may,
        my_place: mine.map(Into::into),
    })
}

/// A session in a calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarItemDto {
    pub activity_id: i64,
    pub title: String,
    /// Activity type code.
    pub kind: String,
    pub level: String,
    pub school_id: Option<i64>,
    pub organiser: String,
    pub session: SessionDto,
    /// Which session of how many (from 1).
    pub nth: usize,
    pub of: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RangeParams {
    /// First day (default: the first of this month).
    from: Option<NaiveDate>,
    /// Last day (default: the end of the month of `from`); at most 400 days.
    to: Option<NaiveDate>,
}

async fn calendar(
    state: &AppState,
    caller: &Caller,
    district_id: i64,
    school_id: Option<i64>,
    q: RangeParams,
) -> ApiResult<Json<Vec<CalendarItemDto>>> {
    let today = lingyan_store::calendar::today();
    let from = q.from.unwrap_or_else(|| today.with_day0(0).unwrap_or(today));
    let to = q.to.unwrap_or_else(|| end_of_month(from));
    let items = acts::calendar(&state.store, &caller.scope, district_id, school_id, from, to).await?;
    Ok(Json(
        items
            .iter()
            .map(|i| CalendarItemDto {
                activity_id: i.activity_id,
                title: i.title.clone(),
                kind: i.kind.code().into(),
                level: i.level.code().into(),
                school_id: i.school_id,
                organiser: i.organiser.clone(),
                session: (&i.session).into(),
                nth: i.nth,
                of: i.of,
            })
            .collect(),
    ))
}

use chrono::Datelike;

pub(crate) fn end_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).map_or(d, |n| n.pred_opt().unwrap_or(d))
}

/// The sessions of a school's activities and its district's, between two days.
#[utoipa::path(get, path = "/api/v1/schools/{id}/activities", tag = "activities", params(("id" = i64, Path), RangeParams),
    responses((status = 200, body = Vec<CalendarItemDto>), (status = 404, body = ErrorBody)))]
async fn school_calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<RangeParams>,
) -> ApiResult<Json<Vec<CalendarItemDto>>> {
    let s = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    calendar(&state, &caller, s.district_id, Some(id), q).await
}

/// The sessions of a district's activities and its schools', between two days.
#[utoipa::path(get, path = "/api/v1/districts/{id}/activities", tag = "activities", params(("id" = i64, Path), RangeParams),
    responses((status = 200, body = Vec<CalendarItemDto>), (status = 404, body = ErrorBody)))]
async fn district_calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<RangeParams>,
) -> ApiResult<Json<Vec<CalendarItemDto>>> {
    calendar(&state, &caller, id, None, q).await
}

async fn create(
    state: &AppState,
    caller: &Caller,
    district_id: i64,
    school_id: Option<i64>,
    body: serde_json::Value,
) -> ApiResult<(StatusCode, Json<ActivityDto>)> {
    acts::check_organise(&caller.scope, district_id, school_id)?;
    let plan: ActivityPlan =
        serde_json::from_value(body).map_err(|e| ApiError::BadRequest(format!("activity: {e}")))?;
    let v = acts::create(&state.store, &caller.scope, district_id, school_id, plan).await?;
    Ok((StatusCode::CREATED, Json(activity_dto(state, caller, v).await?)))
}

/// Creates an activity of a school with its sessions (or a weekly series:
/// one session and `repeat_weekly_until`). Every problem is named (422).
#[utoipa::path(post, path = "/api/v1/schools/{id}/activities", tag = "activities", params(("id" = i64, Path)), request_body = ActivityPlan,
    responses((status = 201, body = ActivityDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_school_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<ActivityDto>)> {
    let s = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    create(&state, &caller, s.district_id, Some(id), body).await
}

/// Creates an activity of a district (its schools' teachers take part).
#[utoipa::path(post, path = "/api/v1/districts/{id}/activities", tag = "activities", params(("id" = i64, Path)), request_body = ActivityPlan,
    responses((status = 201, body = ActivityDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_district_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<ActivityDto>)> {
    create(&state, &caller, id, None, body).await
}

/// An activity with its sessions, how full it is, and the caller's place.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = ActivityDto), (status = 404, body = ErrorBody)))]
async fn get_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ActivityDto>> {
    let v = acts::get(&state.store, &caller.scope, id).await?;
    Ok(Json(activity_dto(&state, &caller, v).await?))
}

/// Changes an activity. Sessions are matched by day and start time;
/// removing one with attendance recorded is refused (422).
#[utoipa::path(put, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)), request_body = ActivityPlan,
    responses((status = 200, body = ActivityDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn update_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> ApiResult<Json<ActivityDto>> {
    let v = acts::get(&state.store, &caller.scope, id).await?;
    acts::check_organise(&caller.scope, v.district_id, v.school_id)?;
    let plan: ActivityPlan =
        serde_json::from_value(body).map_err(|e| ApiError::BadRequest(format!("activity: {e}")))?;
    let v = acts::update(&state.store, &caller.scope, id, plan).await?;
    Ok(Json(activity_dto(&state, &caller, v).await?))
}

/// Deletes an activity nobody has attended yet (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn delete_activity(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    acts::delete(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Registers the caller: a place while there is room, else a place in line.
#[utoipa::path(post, path = "/api/v1/activities/{id}/registration", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = PlaceDto), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<PlaceDto>> {
    let p = acts::register(&state.store, &caller.scope, id, acts::local(Utc::now())).await?;
    Ok(Json(p.into()))
}

/// What happened when a registration was cancelled.
#[derive(Debug, Serialize, ToSchema)]
pub struct CancelledDto {
    /// The teacher who had been first in line and now has the place.
    pub promoted_teacher_id: Option<i64>,
}

/// Cancels the caller's registration; a freed place goes to the first in
/// line, who is told.
#[utoipa::path(delete, path = "/api/v1/activities/{id}/registration", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = CancelledDto), (status = 422, body = ErrorBody)))]
async fn cancel_own(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<CancelledDto>> {
    let promoted = acts::cancel(&state.store, &caller.scope, id, None).await?;
    Ok(Json(CancelledDto {
        promoted_teacher_id: promoted,
    }))
}

/// A participant as the organiser sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantDto {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub school_id: i64,
    /// `registered` or `waitlisted`.
    pub status: String,
    /// Named by the organiser rather than registered by themselves.
    pub assigned: bool,
}

/// Who is registered and who waits, in order.
#[utoipa::path(get, path = "/api/v1/activities/{id}/participants", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ParticipantDto>), (status = 403, body = ErrorBody)))]
async fn list_participants(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<ParticipantDto>>> {
    let list = acts::participants(&state.store, &caller.scope, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| ParticipantDto {
                teacher_id: p.teacher_id,
                name: p.name,
                staff_no: p.staff_no,
                school_id: p.school_id,
                status: if p.registered { "registered" } else { "waitlisted" }.into(),
                assigned: p.assigned,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub teacher_ids: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignedDto {
    /// How many were added (those already in are left as they are).
    pub added: usize,
}

/// The organiser names teachers: each registered while there is room,
/// else in line. Every unknown teacher is named (422).
#[utoipa::path(post, path = "/api/v1/activities/{id}/participants", tag = "activities", params(("id" = i64, Path)), request_body = AssignBody,
    responses((status = 200, body = AssignedDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn assign_participants(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AssignBody>,
) -> ApiResult<Json<AssignedDto>> {
    if b.teacher_ids.len() > 5000 {
        return Err(ApiError::BadRequest("teacher_ids: at most 5000".into()));
    }
    let added = acts::assign(&state.store, &caller.scope, id, &b.teacher_ids).await?;
    Ok(Json(AssignedDto { added }))
}

/// The organiser removes a participant; a freed place goes to the first in line.
#[utoipa::path(delete, path = "/api/v1/activities/{id}/participants/{teacher_id}", tag = "activities", params(("id" = i64, Path), ("teacher_id" = i64, Path)),
    responses((status = 200, body = CancelledDto), (status = 403, body = ErrorBody)))]
async fn remove_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher_id)): Path<(i64, i64)>,
) -> ApiResult<Json<CancelledDto>> {
    let promoted = acts::cancel(&state.store, &caller.scope, id, Some(teacher_id)).await?;
    Ok(Json(CancelledDto {
        promoted_teacher_id: promoted,
    }))
}

/// What participants said of an activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackSummaryDto {
    pub count: usize,
    pub average: Option<f64>,
    /// How many gave 1, 2, 3, 4 and 5.
    pub by_rating: Vec<usize>,
    pub comments: Vec<FeedbackCommentDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackCommentDto {
    pub date: NaiveDate,
    pub rating: i32,
    pub comment: String,
}

/// The feedback on an activity (without names), for the organiser.
#[utoipa::path(get, path = "/api/v1/activities/{id}/feedback", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = FeedbackSummaryDto), (status = 403, body = ErrorBody)))]
async fn feedback_summary(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<FeedbackSummaryDto>> {
    let f = acts::feedback_summary(&state.store, &caller.scope, id).await?;
    Ok(Json(FeedbackSummaryDto {
        count: f.count,
        average: f.average.map(|a| a.to_f64()),
        by_rating: f.by_rating.to_vec(),
        comments: f
            .comments
            .into_iter()
            .map(|c| FeedbackCommentDto {
                date: c.date,
                rating: c.rating,
                comment: c.comment,
            })
            .collect(),
    }))
}

/// One participant on a session's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetRowDto {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    /// `present`, `late`, `leave`, `absent`, or absent when not recorded.
    pub status: Option<String>,
    #[schema(value_type = Option<String>, example = "2026-10-13T14:02:00")]
    pub signed_in: Option<NaiveDateTime>,
    #[schema(value_type = Option<String>, example = "2026-10-13T14:02:00")]
    pub signed_out: Option<NaiveDateTime>,
    /// `qr`, `code`, `checkoff`, `import`, `leave`.
    pub method: Option<String>,
    /// `requested`, `approved`, `refused`.
    pub leave_state: Option<String>,
    pub leave_reason: Option<String>,
    pub feedback: bool,
    /// Why the attendance earns no credit (yet): `not_training`,
    /// `not_there`, `no_sign_out`, `too_short`, `no_feedback`.
    pub withheld: Option<String>,
}

/// A session's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetDto {
    pub session: SessionDto,
    pub expected: usize,
    pub signed_in: usize,
    pub leave: usize,
    pub rows: Vec<SheetRowDto>,
}

fn sheet_dto(session: &acts::SessionView, s: acts::Sheet) -> SheetDto {
    SheetDto {
        session: session.into(),
        expected: s.expected,
        signed_in: s.signed_in,
        leave: s.leave,
        rows: s
            .rows
            .into_iter()
            .map(|r| SheetRowDto {
                teacher_id: r.teacher_id,
                name: r.name,
                staff_no: r.staff_no,
                status: r.status.map(|s| s.code().into()),
                signed_in: r.signed_in,
                signed_out: r.signed_out,
                method: r.method,
                leave_state: r.leave_state,
                leave_reason: r.leave_reason,
                feedback: r.feedback,
                withheld: r.withheld.map(Into::into),
            })
            .collect(),
    }
}

/// The organiser's sign-in screen now: the QR token (new every 15 s,
/// accepted for 30 s), the typed code (new every minute), the window, and
/// the list filling.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenDto {
    pub activity_id: i64,
    pub title: String,
    /// What the QR code encodes: open it signed in to sign in.
    pub sign_in_url: String,
    pub token: String,
    pub code: String,
    pub refresh_in: i64,
    pub open: bool,
    #[schema(value_type = String, example = "2026-10-13T13:45:00")]
    pub opens: NaiveDateTime,
    #[schema(value_type = String, example = "2026-10-13T13:45:00")]
    pub closes: NaiveDateTime,
    pub sheet: SheetDto,
}

/// The sign-in screen of a session, for the organiser.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/screen", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = ScreenDto), (status = 403, body = ErrorBody)))]
async fn session_screen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ScreenDto>> {
    let s = acts::screen(&state.store, &caller.scope, id, Utc::now()).await?;
    Ok(Json(ScreenDto {
        activity_id: s.activity_id,
        title: s.title,
        sign_in_url: format!("/sign-in?t={}", s.token),
        token: s.token,
        code: s.code,
        refresh_in: s.refresh_in,
        open: s.open,
        opens: s.opens,
        closes: s.closes,
        sheet: sheet_dto(&s.session, s.sheet),
    }))
}

/// A session's list: every registered participant and their attendance.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/attendance", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = SheetDto), (status = 403, body = ErrorBody)))]
async fn session_sheet(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<SheetDto>> {
    let (_, session, sheet) = acts::sheet(&state.store, &caller.scope, id).await?;
    Ok(Json(sheet_dto(&session, sheet)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkDto {
    pub teacher_id: i64,
    /// `present`, `late`, `leave`, `absent`, or null to clear.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckOffBody {
    pub marks: Vec<MarkDto>,
}

/// The organiser checks the list off. All or nothing; a teacher who is not
/// a participant or an unknown status is named by row (422).
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", tag = "activities", params(("id" = i64, Path)), request_body = CheckOffBody,
    responses((status = 200, body = SheetDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn check_off(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CheckOffBody>,
) -> ApiResult<Json<SheetDto>> {
    if b.marks.len() > 5000 {
        return Err(ApiError::BadRequest("marks: at most 5000".into()));
    }
    let mut marks = Vec::with_capacity(b.marks.len());
    let mut errors = Vec::new();
    for (i, m) in b.marks.iter().enumerate() {
        match m.status.as_deref() {
            None | Some("") => marks.push((m.teacher_id, None)),
            Some(s) => match Status::parse("status", s) {
                Ok(st) => marks.push((m.teacher_id, Some(st))),
                Err(e) => errors.push(e.with("row", i + 1)),
            },
        }
    }
    if !errors.is_empty() {
        return Err(lingyan_store::Error::InvalidAll(errors).into());
    }
    acts::check_off(&state.store, &caller.scope, id, &marks).await?;
    let (_, session, sheet) = acts::sheet(&state.store, &caller.scope, id).await?;
    Ok(Json(sheet_dto(&session, sheet)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// The token from the scanned QR code …
    pub token: Option<String>,
    /// … or the six-digit code shown on the screen.
    pub code: Option<String>,
    /// With a code: the session (default: whichever of the caller's is open now).
    pub session_id: Option<i64>,
    /// `in` (default) or `out`.
    pub direction: Option<String>,
}

/// What the teacher is told.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedDto {
    pub activity_id: i64,
    pub session_id: i64,
    pub title: String,
    /// `in` or `out`.
    pub direction: String,
    /// `present` or `late`.
    pub status: String,
    #[schema(value_type = String, example = "2026-10-13T13:45:00")]
    pub at: NaiveDateTime,
    pub feedback_required: bool,
    pub sign_out: bool,
}

/// Signs the caller in (or out) with the QR token or the typed code. A
/// forged, expired or other session's token, outside the window, not a
/// participant, or twice: refused, each with its own message (422).
#[utoipa::path(post, path = "/api/v1/sign-in", tag = "activities", request_body = SignInBody,
    responses((status = 200, body = SignedDto), (status = 422, body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<SignInBody>,
) -> ApiResult<Json<SignedDto>> {
    let direction = match b.direction.as_deref() {
        None | Some("in") => Direction::In,
        Some("out") => Direction::Out,
        Some(_) => {
            return Err(lingyan_store::Error::Invalid(lingyan_domain::FieldError::new(
                "direction",
                "invalid",
            ))
            .into());
        }
    };
    let proof = match (b.token, b.code) {
        (Some(t), None) if t.len() <= 200 => Proof::Token(t),
        (None, Some(c)) if c.len() <= 40 => Proof::Code {
            session_id: b.session_id,
            code: c,
        },
        _ => {
            return Err(lingyan_store::Error::Invalid(lingyan_domain::FieldError::new(
                "token",
                "token_or_code",
            ))
            .into());
        }
    };
    let s = acts::sign(&state.store, &caller.scope, proof, direction, Utc::now()).await?;
    Ok(Json(SignedDto {
        activity_id: s.activity_id,
        session_id: s.session_id,
        title: s.title,
        direction: match s.direction {
            Direction::In => "in",
            Direction::Out => "out",
        }
        .into(),
        status: s.status.code().into(),
        at: s.at,
        feedback_required: s.feedback_required,
        sign_out: s.sign_out,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveBody {
    pub reason: String,
}

/// The caller asks leave for a session (before it ends), with a reason.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/leave", tag = "activities", params(("id" = i64, Path)), request_body = LeaveBody,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn request_leave(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<LeaveBody>,
) -> ApiResult<StatusCode> {
    acts::request_leave(&state.store, &caller.scope, id, &b.reason, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideBody {
    pub approve: bool,
}

/// The organiser approves or refuses a leave request; the teacher is told.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/leave/{teacher_id}", tag = "activities", params(("id" = i64, Path), ("teacher_id" = i64, Path)), request_body = DecideBody,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn decide_leave(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, teacher_id)): Path<(i64, i64)>,
    ApiJson(b): ApiJson<DecideBody>,
) -> ApiResult<StatusCode> {
    acts::decide_leave(&state.store, &caller.scope, id, teacher_id, b.approve).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    /// 1 to 5.
    pub rating: i32,
    #[serde(default)]
    pub comment: String,
}

/// Feedback on a session, only from those who attended it, once.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/feedback", tag = "activities", params(("id" = i64, Path)), request_body = FeedbackBody,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn give_feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<FeedbackBody>,
) -> ApiResult<StatusCode> {
    acts::give_feedback(&state.store, &caller.scope, id, b.rating, &b.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One session of the caller's, with their attendance.
#[derive(Debug, Serialize, ToSchema)]
pub struct MySessionDto {
    pub session: SessionDto,
    pub status: Option<String>,
    #[schema(value_type = Option<String>, example = "2026-10-13T14:02:00")]
    pub signed_in: Option<NaiveDateTime>,
    #[schema(value_type = Option<String>, example = "2026-10-13T14:02:00")]
    pub signed_out: Option<NaiveDateTime>,
    pub leave_state: Option<String>,
    pub feedback: bool,
    pub withheld: Option<String>,
    /// Signing in (or out) is open now.
    pub open: bool,
    pub over: bool,
}

/// One of the caller's activities.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyActivityDto {
    pub activity_id: i64,
    pub title: String,
    pub kind: String,
    pub organiser: String,
    pub place: PlaceDto,
    pub assigned: bool,
    pub sign_out: bool,
    pub feedback_required: bool,
    pub sessions: Vec<MySessionDto>,
}

pub(crate) fn my_dto(m: acts::MyActivity) -> MyActivityDto {
    MyActivityDto {
        activity_id: m.activity_id,
        title: m.title,
        kind: m.kind.code().into(),
        organiser: m.organiser,
        place: m.place.into(),
        assigned: m.assigned,
        sign_out: m.sign_out,
        feedback_required: m.feedback_required,
        sessions: m
            .sessions
            .into_iter()
            .map(|s| MySessionDto {
                session: (&s.session).into(),
                status: s.status.map(|x| x.code().into()),
                signed_in: s.signed_in,
                signed_out: s.signed_out,
                leave_state: s.leave_state,
                feedback: s.feedback,
                withheld: s.withheld.map(Into::into),
                open: s.open,
                over: s.over,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MineParams {
    /// Activities with sessions from this day on (default: 60 days ago).
    from: Option<NaiveDate>,
}

/// The caller's activities (registered or waiting) and their attendance.
#[utoipa::path(get, path = "/api/v1/me/activities", tag = "activities", params(MineParams),
    responses((status = 200, body = Vec<MyActivityDto>)))]
async fn my_activities(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MineParams>,
) -> ApiResult<Json<Vec<MyActivityDto>>> {
    let from = q
        .from
        .unwrap_or_else(|| lingyan_store::calendar::today() - chrono::Duration::days(60));
    let list = acts::mine(&state.store, &caller.scope, Utc::now(), from).await?;
    Ok(Json(list.into_iter().map(my_dto).collect()))
}

/// A notice to the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDto {
    pub id: i64,
    /// `waitlist_promoted`, `leave_approved`, `leave_refused`.
    pub kind: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    pub at: chrono::DateTime<Utc>,
}

/// The caller's unread notices.
#[utoipa::path(get, path = "/api/v1/me/notices", tag = "activities",
    responses((status = 200, body = Vec<NoticeDto>)))]
async fn my_notices(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<NoticeDto>>> {
    let list = acts::unread(&state.store, &caller.scope).await?;
    Ok(Json(
        list.into_iter()
            .map(|n| NoticeDto {
                id: n.id,
                kind: n.kind,
                activity_id: n.activity_id,
                activity_title: n.activity_title,
                at: n.at,
            })
            .collect(),
    ))
}

/// Marks a notice read.
#[utoipa::path(post, path = "/api/v1/me/notices/{id}/read", tag = "activities", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn read_notice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    acts::mark_read(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check only; write nothing.
    dry_run: Option<bool>,
    /// The file's name, for the report and the audit log.
    filename: Option<String>,
}

/// What an attendance import found and did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceReportDto {
    pub filename: String,
    pub header_row: usize,
    pub rows: usize,
    /// Attendance rows written (or that would be, in a dry run).
    pub recorded: usize,
    /// Teachers added to the activity (named by the organiser) because the sheet lists them.
    pub added_participants: usize,
    pub errors: Vec<super::teachers_dto::ImportIssue>,
    pub file_error: Option<String>,
    pub dry_run: bool,
    pub written: bool,
}

impl AttendanceReportDto {
    pub fn of(r: acts::AttendanceReport, l: lingyan_domain::Locale) -> Self {
        Self {
            errors: super::teachers_dto::ImportIssue::all(&r.errors, l),
            file_error: r.file_error.as_ref().map(|e| crate::i18n::field_error(l, e)),
            filename: r.filename,
            header_row: r.header_row,
            rows: r.rows,
            recorded: r.recorded,
            added_participants: r.added_participants,
            dry_run: r.dry_run,
            written: r.written,
        }
    }
}

/// Load an attendance sheet (.xlsx, .xls or .csv; the request body is the
/// file: 工号 or 姓名, 日期, 考勤, optional 签到时间 and 签退时间) into an
/// activity. All or nothing: with any problem nothing is written and the
/// report names every row and column.
#[utoipa::path(post, path = "/api/v1/activities/{id}/attendance-import", tag = "activities", params(("id" = i64, Path), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Imported (or checked)", body = AttendanceReportDto),
              (status = 422, description = "Nothing written: see errors", body = AttendanceReportDto),
              (status = 403, body = ErrorBody)))]
async fn import_attendance(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<AttendanceReportDto>)> {
    let name = q.filename.unwrap_or_else(|| "attendance.xlsx".into());
    let r = acts::import_attendance(
        &state.store,
        &caller.scope,
        id,
        &name,
        &body,
        q.dry_run.unwrap_or(false),
        state.config.limits.import_bytes,
    )
    .await?;
    let status = if r.errors.is_empty() && r.file_error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(AttendanceReportDto::of(r, caller.locale))))
}

/// A calendar feed's address.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedDto {
    /// The iCalendar address of the caller's sessions; shown only now.
    pub url: String,
}

/// Makes (or replaces) the caller's calendar feed: an iCalendar address of
/// the sessions of their activities. The address before stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar-feed", tag = "activities",
    responses((status = 201, body = FeedDto), (status = 403, body = ErrorBody)))]
async fn reset_calendar_feed(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
) -> ApiResult<(StatusCode, Json<FeedDto>)> {
    let secret = match acts::reset_feed(&state.store, &caller.scope).await {
        Ok(s) => s,
        Err(lingyan_store::Error::NotFound) => return Err(lingyan_store::Error::Forbidden.into()),
        Err(e) => return Err(e.into()),
    };
    let base = crate::pages::credits_base_url(&state, &headers);
    Ok((
        StatusCode::CREATED,
        Json(FeedDto {
            url: crate::pages::activities::feed::feed_url(&base, &secret),
        }),
    ))
}
