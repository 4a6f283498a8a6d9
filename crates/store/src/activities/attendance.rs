//! Attendance (考勤) and feedback per session, and the credit they earn.
//!
//! Teachers sign in (and out, where the activity asks) by scanning the
//! organiser's rotating QR code or typing its six-digit code; the organiser
//! checks the list off (present, late, leave, absent), decides leave
//! requests, and imports a sheet. Every change re-decides the credit entry
//! of that session and teacher (`sync`): present (+ time) (+ feedback where
//! asked) and a type that counts make one ledger entry, found again by its
//! session and by the training's day and title, so a training already
//! imported or claimed is not counted twice.

use super::registration::REGISTERED;
use super::{SessionView, can_manage, load, load_managed, own_teacher, plan_of, tenant_of};
use crate::audit::{self, Change};
use crate::entity::{
    activity, activity_feedback as fb, activity_participant as part, activity_session, attendance as att,
    credit_entry, teacher,
};
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use lingyan_domain::FieldError;
use lingyan_domain::activities::ActivityType;
use lingyan_domain::activities::attendance::{
    Attended, CODE_SLOT_SECS, CreditTerms, QR_SLOT_SECS, Refusal, Sitting, Status, Withheld, check_code,
    check_qr, earns, qr_token, slot_of, typed_code,
};
use lingyan_domain::credits::national::dedup_key;
use lingyan_domain::credits::{Amount, What};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// The wall clock in China (UTC+8), in which sessions are scheduled.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(8)).naive_utc()
}

async fn key(store: &Store) -> Result<Vec<u8>> {
    crate::secrets::get_or_create(store, "activity_signin").await
}

fn refused(r: Refusal) -> Error {
    Error::Invalid(r.error())
}

fn sitting(s: &activity_session::Model) -> Sitting {
    Sitting {
        date: s.date,
        start: s.start_time,
        end: s.end_time,
    }
}

fn terms(a: &activity::Model) -> CreditTerms {
    CreditTerms {
        kind: ActivityType::from_code(&a.kind).unwrap_or(ActivityType::StaffMeeting),
        marked_training: a.marked_training,
        sign_out: a.sign_out,
        min_presence: a.min_presence.map(|m| m.max(0) as u32),
        feedback_required: a.feedback_required,
    }
}

fn attended(row: Option<&att::Model>, feedback_given: bool) -> Attended {
    Attended {
        status: row.and_then(|r| r.status.as_deref()).and_then(Status::from_code),
        signed_in: row.and_then(|r| r.signed_in_at),
        signed_out: row.and_then(|r| r.signed_out_at),
        feedback_given,
    }
}

async fn session_of<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    session_id: i64,
) -> Result<(activity::Model, activity_session::Model)> {
    let s = activity_session::Entity::find_by_id(session_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let (a, _) = load(conn, scope, s.activity_id).await?;
    Ok((a, s))
}

async fn record<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    a: &activity::Model,
    s: &activity_session::Model,
    action: &str,
    after: serde_json::Value,
) -> Result<()> {
    audit::record(
        conn,
        scope.actor(),
        Change {
            action,
            entity_type: "activity_session",
            entity_id: Some(s.id.to_string()),
            tenant: tenant_of(a.district_id, a.school_id),
            before: None,
            after: Some(after),
        },
    )
    .await
}

async fn row_of<C: ConnectionTrait>(
    conn: &C,
    session_id: i64,
    teacher_id: i64,
) -> Result<Option<att::Model>> {
    Ok(att::Entity::find()
        .filter(att::Column::SessionId.eq(session_id))
        .filter(att::Column::TeacherId.eq(teacher_id))
        .one(conn)
        .await?)
}

async fn is_registered<C: ConnectionTrait>(conn: &C, activity_id: i64, teacher_id: i64) -> Result<bool> {
    Ok(part::Entity::find()
        .filter(part::Column::ActivityId.eq(activity_id))
        .filter(part::Column::TeacherId.eq(teacher_id))
        .filter(part::Column::Status.eq(REGISTERED))
        .one(conn)
        .await?
        .is_some())
}

/// What the organiser's sign-in screen shows now.
#[derive(Debug, Clone, Serialize)]
pub struct Screen {
    pub activity_id: i64,
    pub title: String,
    pub session: SessionView,
    /// Put in the QR code (as `/sign-in?t=…`); changes every 15 seconds.
    pub token: String,
    /// Typed where scanning fails; changes every minute.
    pub code: String,
    /// Seconds until the token changes.
    pub refresh_in: i64,
    /// Whether signing in is open now (the session ± grace).
    pub open: bool,
    pub opens: NaiveDateTime,
    pub closes: NaiveDateTime,
    pub sign_out: bool,
    pub sheet: Sheet,
}

/// One participant's line on a session's list.
#[derive(Debug, Clone, Serialize)]
pub struct SheetRow {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub status: Option<Status>,
    pub signed_in: Option<NaiveDateTime>,
    pub signed_out: Option<NaiveDateTime>,
    pub method: Option<String>,
    pub leave_state: Option<String>,
    pub leave_reason: Option<String>,
    pub feedback: bool,
    /// `None` when the attendance earns credit; else why not.
    pub withheld: Option<&'static str>,
}

/// A session's list: every registered participant, signed in or not.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub rows: Vec<SheetRow>,
    pub expected: usize,
    pub signed_in: usize,
    pub leave: usize,
}

async fn sheet_of<C: ConnectionTrait>(
    conn: &C,
    a: &activity::Model,
    s: &activity_session::Model,
) -> Result<Sheet> {
    let people = super::registration::participants_of(conn, a.id).await?;
    let rows: HashMap<i64, att::Model> = att::Entity::find()
        .filter(att::Column::SessionId.eq(s.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.teacher_id, r))
        .collect();
    let given: Vec<i64> = fb::Entity::find()
        .filter(fb::Column::SessionId.eq(s.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| f.teacher_id)
        .collect();
    let mut out = Vec::new();
    for p in people.into_iter().filter(|p| p.registered) {
        let r = rows.get(&p.teacher_id);
        let feedback = given.contains(&p.teacher_id);
        out.push(SheetRow {
            teacher_id: p.teacher_id,
            name: p.name,
            staff_no: p.staff_no,
            status: r.and_then(|r| r.status.as_deref()).and_then(Status::from_code),
            signed_in: r.and_then(|r| r.signed_in_at),
            signed_out: r.and_then(|r| r.signed_out_at),
            method: r.map(|r| r.method.clone()),
            leave_state: r.and_then(|r| r.leave_state.clone()),
            leave_reason: r.and_then(|r| r.leave_reason.clone()),
            feedback,
            withheld: earns(terms(a), sitting(s), attended(r, feedback))
                .err()
                .map(Withheld::code),
        });
    }
    // Signed in first, in the order they came; then the rest by name.
    out.sort_by(|x, y| match (x.signed_in, y.signed_in) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => {
            lingyan_domain::collate::name_key(&x.name).cmp(&lingyan_domain::collate::name_key(&y.name))
        }
    });
    Ok(Sheet {
        expected: out.len(),
        signed_in: out
            .iter()
            .filter(|r| r.status.is_some_and(Status::attended))
            .count(),
        leave: out.iter().filter(|r| r.status == Some(Status::Leave)).count(),
        rows: out,
    })
}

/// A session's list, for the organiser.
pub async fn sheet(
    store: &Store,
    scope: &Scope,
    session_id: i64,
) -> Result<(super::ActivityView, SessionView, Sheet)> {
    let (a, s) = session_of(store.conn(), scope, session_id).await?;
    if !can_manage(scope, a.district_id, a.school_id) {
        return Err(Error::Forbidden);
    }
    let sheet = sheet_of(store.conn(), &a, &s).await?;
    let view = super::get(store, scope, a.id).await?;
    Ok((view, SessionView::of(&s), sheet))
}

/// The sign-in screen of a session at `now`, for the organiser.
pub async fn screen(store: &Store, scope: &Scope, session_id: i64, now: DateTime<Utc>) -> Result<Screen> {
    let (a, s) = session_of(store.conn(), scope, session_id).await?;
    if !can_manage(scope, a.district_id, a.school_id) {
        return Err(Error::Forbidden);
    }
    let k = key(store).await?;
    let ts = now.timestamp();
    let sit = sitting(&s);
    let grace = Duration::minutes(i64::from(a.grace.max(0)));
    Ok(Screen {
        activity_id: a.id,
        title: a.title.clone(),
        session: SessionView::of(&s),
        token: qr_token(&k, s.id, slot_of(ts, QR_SLOT_SECS)),
        code: typed_code(&k, s.id, slot_of(ts, CODE_SLOT_SECS)),
        refresh_in: QR_SLOT_SECS - ts.rem_euclid(QR_SLOT_SECS),
        open: sit.open_at(local(now), a.grace.max(0) as u32),
        opens: sit.starts() - grace,
        closes: sit.ends() + grace,
        sign_out: a.sign_out,
        sheet: sheet_of(store.conn(), &a, &s).await?,
    })
}

/// What a teacher shows to sign in: the scanned token, or the typed code
/// (for one session, or any session of theirs open now).
#[derive(Debug, Clone)]
pub enum Proof {
    Token(String),
    Code { session_id: Option<i64>, code: String },
}

/// Signing in or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

/// What a teacher is told after signing in or out.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    pub activity_id: i64,
    pub session_id: i64,
    pub title: String,
    pub direction: Direction,
    pub status: Status,
    pub at: NaiveDateTime,
    /// Whether feedback is asked (before credit).
    pub feedback_required: bool,
    pub sign_out: bool,
}

/// Signs the caller in (or out) of a session with a token or code. Each
/// refusal says why: forged, expired, another session's, outside the
/// window, not a participant, twice.
pub async fn sign(
    store: &Store,
    scope: &Scope,
    proof: Proof,
    direction: Direction,
    now: DateTime<Utc>,
) -> Result<Signed> {
    let k = key(store).await?;
    let ts = now.timestamp();
    let here = local(now);
    let txn = store.begin().await?;
    let t = own_teacher(&txn, scope)
        .await?
        .ok_or_else(|| refused(Refusal::NotParticipant))?;
    let session_id = match &proof {
        Proof::Token(tok) => check_qr(&k, tok, None, ts).map_err(refused)?,
        Proof::Code {
            session_id: Some(id),
            code,
        } => {
            check_code(&k, *id, code, ts).map_err(refused)?;
            *id
        }
        Proof::Code {
            session_id: None,
            code,
        } => {
            // The caller's sessions open now: a code fits at most one.
            let mine: Vec<i64> = part::Entity::find()
                .filter(part::Column::TeacherId.eq(t.id))
                .filter(part::Column::Status.eq(REGISTERED))
                .all(&txn)
                .await?
                .into_iter()
                .map(|p| p.activity_id)
                .collect();
            let today = activity_session::Entity::find()
                .filter(activity_session::Column::ActivityId.is_in(mine))
                .filter(activity_session::Column::Date.eq(here.date()))
                .all(&txn)
                .await?;
            let mut found = Err(Refusal::Forged);
            for s in &today {
                match check_code(&k, s.id, code, ts) {
                    Ok(()) => {
                        found = Ok(s.id);
                        break;
                    }
                    Err(Refusal::Expired) => found = Err(Refusal::Expired),
                    Err(_) => {}
                }
            }
            found.map_err(refused)?
        }
    };
    let s = activity_session::Entity::find_by_id(session_id)
        .one(&txn)
        .await?
        .ok_or_else(|| refused(Refusal::Forged))?;
    let a = activity::Entity::find_by_id(s.activity_id)
        .one(&txn)
        .await?
        .ok_or_else(|| refused(Refusal::Forged))?;
    let registered = is_registered(&txn, a.id, t.id).await?;
    if !registered {
        return Err(refused(Refusal::NotParticipant));
    }
    let sit = sitting(&s);
    if !sit.open_at(here, a.grace.max(0) as u32) {
        return Err(refused(Refusal::OutsideWindow));
    }
    let row = row_of(&txn, s.id, t.id).await?;
    let method = match proof {
        Proof::Token(_) => "qr",
        Proof::Code { .. } => "code",
    };
    let status = match direction {
        Direction::In => {
            if row.as_ref().is_some_and(|r| {
                r.signed_in_at.is_some()
                    || r.status
                        .as_deref()
                        .and_then(Status::from_code)
                        .is_some_and(Status::attended)
            }) {
                return Err(refused(Refusal::AlreadySignedIn));
            }
            let status = sit.status_at(here);
            let mut am = match row {
                Some(r) => r.into(),
                None => att::ActiveModel {
                    session_id: Set(s.id),
                    activity_id: Set(a.id),
                    teacher_id: Set(t.id),
                    district_id: Set(t.district_id),
                    school_id: Set(t.school_id),
                    leave_reason: Set(None),
                    leave_state: Set(None),
                    signed_out_at: Set(None),
                    ..Default::default()
                },
            };
            am.status = Set(Some(status.code().to_string()));
            am.signed_in_at = Set(Some(here));
            am.method = Set(method.to_string());
            am.recorded_by = Set(scope.user_id());
            am.updated_at = Set(Utc::now());
            am.save(&txn).await?;
            status
        }
        Direction::Out => {
            if !a.sign_out {
                return Err(refused(Refusal::NoSignOut));
            }
            let Some(r) = row.filter(|r| r.signed_in_at.is_some()) else {
                return Err(refused(Refusal::NotSignedIn));
            };
            if r.signed_out_at.is_some() {
                return Err(refused(Refusal::AlreadySignedOut));
            }
            let status = r
                .status
                .as_deref()
                .and_then(Status::from_code)
                .unwrap_or(Status::Present);
            let mut am: att::ActiveModel = r.into();
            am.signed_out_at = Set(Some(here));
            am.updated_at = Set(Utc::now());
            am.update(&txn).await?;
            status
        }
    };
    sync(&txn, &a, &s, t.id).await?;
    record(
        &txn,
        scope,
        &a,
        &s,
        match direction {
            Direction::In => "attendance.sign_in",
            Direction::Out => "attendance.sign_out",
        },
        json!({"teacher_id": t.id, "status": status.code(), "method": method}),
    )
    .await?;
    txn.commit().await?;
    Ok(Signed {
        activity_id: a.id,
        session_id: s.id,
        title: a.title,
        direction,
        status,
        at: here,
        feedback_required: a.feedback_required,
        sign_out: a.sign_out,
    })
}

/// The organiser marks attendance: each teacher (a registered participant)
/// present, late, on leave or absent, or cleared (`None`). Sign-in times
/// already recorded are kept. All or nothing.
pub async fn check_off(
    store: &Store,
    scope: &Scope,
    session_id: i64,
    marks: &[(i64, Option<Status>)],
) -> Result<Sheet> {
    let txn = store.begin().await?;
    let (a, s) = session_of(&txn, scope, session_id).await?;
    if !can_manage(scope, a.district_id, a.school_id) {
        return Err(Error::Forbidden);
    }
    let people: HashMap<i64, teacher::Model> = {
        let ids: Vec<i64> = part::Entity::find()
            .filter(part::Column::ActivityId.eq(a.id))
            .filter(part::Column::Status.eq(REGISTERED))
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| p.teacher_id)
            .collect();
        let mut m = HashMap::new();
        for chunk in ids.chunks(1000) {
            for t in teacher::Entity::find()
                .filter(teacher::Column::Id.is_in(chunk.iter().copied()))
                .all(&txn)
                .await?
            {
                m.insert(t.id, t);
            }
        }
        m
    };
    let mut errors = Vec::new();
    for (i, (tid, _)) in marks.iter().enumerate() {
        if !people.contains_key(tid) {
            errors.push(
                FieldError::new("teacher", "not_a_participant")
                    .with("row", i + 1)
                    .with("value", tid),
            );
        }
    }
    if !errors.is_empty() {
        return Err(Error::InvalidAll(errors));
    }
    let existing: HashMap<i64, att::Model> = att::Entity::find()
        .filter(att::Column::SessionId.eq(s.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.teacher_id, r))
        .collect();
    let mut changed = 0;
    for (tid, status) in marks {
        let t = &people[tid];
        let code = status.map(|s| s.code().to_string());
        let mut am: att::ActiveModel = match existing.get(tid) {
            Some(r) if r.status == code => continue,
            Some(r) => r.clone().into(),
            None if status.is_none() => continue,
            None => att::ActiveModel {
                session_id: Set(s.id),
                activity_id: Set(a.id),
                teacher_id: Set(t.id),
                district_id: Set(t.district_id),
                school_id: Set(t.school_id),
                signed_in_at: Set(None),
                signed_out_at: Set(None),
                leave_reason: Set(None),
                leave_state: Set(None),
                method: Set("checkoff".into()),
                ..Default::default()
            },
        };
        am.status = Set(code);
        am.recorded_by = Set(scope.user_id());
        am.updated_at = Set(Utc::now());
        am.save(&txn).await?;
        sync(&txn, &a, &s, *tid).await?;
        changed += 1;
    }
    record(&txn, scope, &a, &s, "attendance.check_off", json!({"marks": marks.iter().map(|(t, st)| json!({"teacher_id": t, "status": st.map(Status::code)})).collect::<Vec<_>>(), "changed": changed})).await?;
    let sheet = sheet_of(&txn, &a, &s).await?;
    txn.commit().await?;
    Ok(sheet)
}

/// The caller asks leave (请假) for a session before it ends, with a reason.
pub async fn request_leave(
    store: &Store,
    scope: &Scope,
    session_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let txn = store.begin().await?;
    let (a, s) = session_of(&txn, scope, session_id).await?;
    let t = own_teacher(&txn, scope)
        .await?
        .ok_or_else(|| Error::Invalid(FieldError::new("teacher", "no_teacher_record")))?;
    if !is_registered(&txn, a.id, t.id).await? {
        return Err(refused(Refusal::NotParticipant));
    }
    // What was sent is read once the caller is known to take part.
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(FieldError::new("reason", "required")));
    }
    if reason.chars().count() > 500 {
        return Err(Error::Invalid(
            FieldError::new("reason", "too_long").with("max", 500),
        ));
    }
    if local(now) > sitting(&s).ends() {
        return Err(Error::Invalid(FieldError::new("session", "session_over")));
    }
    let row = row_of(&txn, s.id, t.id).await?;
    if row.as_ref().is_some_and(|r| r.signed_in_at.is_some()) {
        return Err(refused(Refusal::AlreadySignedIn));
    }
    let mut am: att::ActiveModel = match row {
        Some(r) => r.into(),
        None => att::ActiveModel {
            session_id: Set(s.id),
            activity_id: Set(a.id),
            teacher_id: Set(t.id),
            district_id: Set(t.district_id),
            school_id: Set(t.school_id),
            status: Set(None),
            signed_in_at: Set(None),
            signed_out_at: Set(None),
            method: Set("leave".into()),
            ..Default::default()
        },
    };
    am.leave_reason = Set(Some(reason.to_string()));
    am.leave_state = Set(Some("requested".into()));
    am.recorded_by = Set(scope.user_id());
    am.updated_at = Set(Utc::now());
    am.save(&txn).await?;
    record(
        &txn,
        scope,
        &a,
        &s,
        "attendance.leave_request",
        json!({"teacher_id": t.id, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The organiser approves (the teacher is on leave) or refuses a leave
/// request; the teacher is told.
pub async fn decide_leave(
    store: &Store,
    scope: &Scope,
    session_id: i64,
    teacher_id: i64,
    approve: bool,
) -> Result<()> {
    let txn = store.begin().await?;
    let (a, s) = session_of(&txn, scope, session_id).await?;
    if !can_manage(scope, a.district_id, a.school_id) {
        return Err(Error::Forbidden);
    }
    // Nobody decides their own leave.
    if own_teacher(&txn, scope)
        .await?
        .is_some_and(|t| t.id == teacher_id)
    {
        return Err(Error::Forbidden);
    }
    let r = row_of(&txn, s.id, teacher_id)
        .await?
        .filter(|r| r.leave_state.as_deref() == Some("requested"))
        .ok_or_else(|| Error::Invalid(FieldError::new("teacher", "no_leave_request")))?;
    let mut am: att::ActiveModel = r.into();
    am.leave_state = Set(Some(if approve { "approved" } else { "refused" }.into()));
    if approve {
        am.status = Set(Some(Status::Leave.code().into()));
    }
    am.recorded_by = Set(scope.user_id());
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    sync(&txn, &a, &s, teacher_id).await?;
    super::notices::notify(
        &txn,
        teacher_id,
        if approve {
            super::notices::LEAVE_APPROVED
        } else {
            super::notices::LEAVE_REFUSED
        },
        Some(a.id),
    )
    .await?;
    record(
        &txn,
        scope,
        &a,
        &s,
        "attendance.leave_decide",
        json!({"teacher_id": teacher_id, "approved": approve}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Feedback on a session (a rating of 1–5 and comments), only from those
/// who attended it, once.
pub async fn give_feedback(
    store: &Store,
    scope: &Scope,
    session_id: i64,
    rating: i32,
    comment: &str,
) -> Result<()> {
    let comment = comment.trim();
    let mut errors = Vec::new();
    if !(1..=5).contains(&rating) {
        errors.push(
            FieldError::new("rating", "out_of_range")
                .with("min", 1)
                .with("max", 5),
        );
    }
    if comment.chars().count() > 2000 {
        errors.push(FieldError::new("comment", "too_long").with("max", 2000));
    }
    if !errors.is_empty() {
        return Err(Error::InvalidAll(errors));
    }
    let txn = store.begin().await?;
    let (a, s) = session_of(&txn, scope, session_id).await?;
    let t = own_teacher(&txn, scope)
        .await?
        .ok_or_else(|| Error::Invalid(FieldError::new("teacher", "no_teacher_record")))?;
    let row = row_of(&txn, s.id, t.id).await?;
    if !row
        .as_ref()
        .and_then(|r| r.status.as_deref())
        .and_then(Status::from_code)
        .is_some_and(Status::attended)
    {
        return Err(Error::Invalid(FieldError::new(
            "session",
            "feedback_not_attended",
        )));
    }
    let given = fb::Entity::find()
        .filter(fb::Column::SessionId.eq(s.id))
        .filter(fb::Column::TeacherId.eq(t.id))
        .one(&txn)
        .await?;
    if given.is_some() {
        return Err(Error::Conflict(FieldError::new("session", "feedback_twice")));
    }
    fb::ActiveModel {
        session_id: Set(s.id),
        activity_id: Set(a.id),
        teacher_id: Set(t.id),
        rating: Set(rating),
        comment: Set(comment.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    sync(&txn, &a, &s, t.id).await?;
    txn.commit().await?;
    Ok(())
}

/// What participants said of an activity: how many, the average rating,
/// how many gave each rating, and the comments (without names).
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackSummary {
    pub count: usize,
    /// Average rating in hundredths (e.g. 4.25 → 425), none without any.
    pub average: Option<Amount>,
    /// How many gave 1, 2, 3, 4, 5.
    pub by_rating: [usize; 5],
    pub comments: Vec<FeedbackComment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedbackComment {
    pub date: chrono::NaiveDate,
    pub rating: i32,
    pub comment: String,
}

/// The feedback summary of an activity, for the organiser.
pub async fn feedback_summary(store: &Store, scope: &Scope, activity_id: i64) -> Result<FeedbackSummary> {
    let (_, sessions) = load_managed(store.conn(), scope, activity_id).await?;
    let dates: HashMap<i64, chrono::NaiveDate> = sessions.iter().map(|s| (s.id, s.date)).collect();
    let rows = fb::Entity::find()
        .filter(fb::Column::ActivityId.eq(activity_id))
        .order_by_asc(fb::Column::Id)
        .all(store.conn())
        .await?;
    let mut by_rating = [0usize; 5];
    let mut sum = 0i64;
    for r in &rows {
        if let Some(slot) = by_rating.get_mut((r.rating - 1).clamp(0, 4) as usize) {
            *slot += 1;
        }
        sum += i64::from(r.rating);
    }
    Ok(FeedbackSummary {
        count: rows.len(),
        average: (!rows.is_empty()).then(|| Amount::hundredths(sum * 100 / rows.len() as i64)),
        by_rating,
        comments: rows
            .into_iter()
            .filter(|r| !r.comment.is_empty())
            .map(|r| FeedbackComment {
                date: dates.get(&r.session_id).copied().unwrap_or_default(),
                rating: r.rating,
                comment: r.comment,
            })
            .collect(),
    })
}

/// Re-decides the credit entry of one session and teacher.
pub(crate) async fn sync<C: ConnectionTrait>(
    conn: &C,
    a: &activity::Model,
    s: &activity_session::Model,
    teacher_id: i64,
) -> Result<()> {
    let row = row_of(conn, s.id, teacher_id).await?;
    let feedback = fb::Entity::find()
        .filter(fb::Column::SessionId.eq(s.id))
        .filter(fb::Column::TeacherId.eq(teacher_id))
        .one(conn)
        .await?
        .is_some();
    let earned = earns(terms(a), sitting(s), attended(row.as_ref(), feedback)).is_ok();
    let source_ref = format!("session:{}", s.id);
    let mine = credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .filter(credit_entry::Column::Source.eq("activity"))
        .filter(credit_entry::Column::SourceRef.eq(source_ref.clone()))
        .one(conn)
        .await?;
    if !earned {
        if let Some(e) = mine {
            credit_entry::Entity::delete_by_id(e.id).exec(conn).await?;
        }
        return Ok(());
    }
    let key = dedup_key(s.date, &a.title);
    let plan = plan_of(a, std::slice::from_ref(s))?;
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut am: credit_entry::ActiveModel = match mine {
        Some(e) => e.into(),
        None => {
            let taken = credit_entry::Entity::find()
                .filter(credit_entry::Column::TeacherId.eq(teacher_id))
                .filter(credit_entry::Column::DedupKey.eq(key.clone()))
                .one(conn)
                .await?;
            if taken.is_some() {
                // The same training came by import or claim: one entry.
                return Ok(());
            }
            credit_entry::ActiveModel {
                teacher_id: Set(teacher_id),
                source: Set("activity".into()),
                source_ref: Set(Some(source_ref)),
                pool: Set(None),
                note: Set(None),
                created_at: Set(Utc::now()),
                created_by: Set(None),
                ..Default::default()
            }
        }
    };
    am.district_id = Set(t.district_id);
    am.school_id = Set(t.school_id);
    am.start_date = Set(s.date);
    am.end_date = Set(s.date);
    am.year = Set(chrono::Datelike::year(&s.date));
    am.title = Set(a.title.clone());
    am.organiser = Set(a.organiser.clone());
    am.what = Set(What::Activity(plan.kind).code().to_string());
    am.form = Set(plan.form.code().to_string());
    am.area = Set(plan.area.map(|x| x.code().to_string()));
    am.level = Set(Some(plan.level.code().to_string()));
    am.hours = Set(plan.sessions[0].hours().in_hundredths());
    am.credits = Set(plan.credits_per_session.map(Amount::in_hundredths));
    am.marked_training = Set(a.marked_training);
    am.dedup_key = Set(key);
    am.save(conn).await?;
    Ok(())
}

/// Re-decides every credit entry of an activity (after its terms changed).
pub(crate) async fn resync_activity<C: ConnectionTrait>(conn: &C, activity_id: i64) -> Result<()> {
    let Some(a) = activity::Entity::find_by_id(activity_id).one(conn).await? else {
        return Ok(());
    };
    let sessions: HashMap<i64, activity_session::Model> = activity_session::Entity::find()
        .filter(activity_session::Column::ActivityId.eq(activity_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let rows = att::Entity::find()
        .filter(att::Column::ActivityId.eq(activity_id))
        .all(conn)
        .await?;
    for r in rows {
        if let Some(s) = sessions.get(&r.session_id) {
            sync(conn, &a, s, r.teacher_id).await?;
        }
    }
    Ok(())
}

/// A session of one of the caller's activities, with their attendance.
#[derive(Debug, Clone, Serialize)]
pub struct MySession {
    pub session: SessionView,
    pub status: Option<Status>,
    pub signed_in: Option<NaiveDateTime>,
    pub signed_out: Option<NaiveDateTime>,
    pub leave_state: Option<String>,
    pub feedback: bool,
    /// `None` when it earns credit; else why not (yet).
    pub withheld: Option<&'static str>,
    /// Whether one may sign in (or out) now.
    pub open: bool,
    pub over: bool,
}

/// One of the caller's activities.
#[derive(Debug, Clone, Serialize)]
pub struct MyActivity {
    pub activity_id: i64,
    pub title: String,
    pub kind: ActivityType,
    pub organiser: String,
    pub place: super::Place,
    pub assigned: bool,
    pub sign_out: bool,
    pub feedback_required: bool,
    pub sessions: Vec<MySession>,
}

/// The caller's activities (registered or waiting) with sessions from
/// `from` on, soonest first.
pub async fn mine(
    store: &Store,
    scope: &Scope,
    now: DateTime<Utc>,
    from: chrono::NaiveDate,
) -> Result<Vec<MyActivity>> {
    let conn = store.conn();
    let Some(t) = own_teacher(conn, scope).await? else {
        return Ok(Vec::new());
    };
    let here = local(now);
    let parts = part::Entity::find()
        .filter(part::Column::TeacherId.eq(t.id))
        .all(conn)
        .await?;
    let ids: Vec<i64> = parts.iter().map(|p| p.activity_id).collect();
    let acts: HashMap<i64, activity::Model> = activity::Entity::find()
        .filter(activity::Column::Id.is_in(ids.clone()))
        .filter(activity::Column::LastDate.gte(from))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let sessions = activity_session::Entity::find()
        .filter(activity_session::Column::ActivityId.is_in(acts.keys().copied()))
        .order_by_asc(activity_session::Column::Date)
        .order_by_asc(activity_session::Column::StartTime)
        .all(conn)
        .await?;
    let rows: HashMap<i64, att::Model> = att::Entity::find()
        .filter(att::Column::TeacherId.eq(t.id))
        .filter(att::Column::ActivityId.is_in(acts.keys().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.session_id, r))
        .collect();
    let given: Vec<i64> = fb::Entity::find()
        .filter(fb::Column::TeacherId.eq(t.id))
        .filter(fb::Column::ActivityId.is_in(acts.keys().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| f.session_id)
        .collect();
    let mut out = Vec::new();
    for p in parts {
        let Some(a) = acts.get(&p.activity_id) else {
            continue;
        };
        let place = super::registration::position_of(conn, &p).await?;
        let list: Vec<MySession> = sessions
            .iter()
            .filter(|s| s.activity_id == a.id)
            .map(|s| {
                let r = rows.get(&s.id);
                let feedback = given.contains(&s.id);
                let sit = sitting(s);
                MySession {
                    session: SessionView::of(s),
                    status: r.and_then(|r| r.status.as_deref()).and_then(Status::from_code),
                    signed_in: r.and_then(|r| r.signed_in_at),
                    signed_out: r.and_then(|r| r.signed_out_at),
                    leave_state: r.and_then(|r| r.leave_state.clone()),
                    feedback,
                    withheld: earns(terms(a), sit, attended(r, feedback))
                        .err()
                        .map(Withheld::code),
                    open: sit.open_at(here, a.grace.max(0) as u32),
                    over: here > sit.ends(),
                }
            })
            .collect();
        out.push(MyActivity {
            activity_id: a.id,
            title: a.title.clone(),
            kind: ActivityType::from_code(&a.kind).unwrap_or(ActivityType::SchoolTraining),
            organiser: a.organiser.clone(),
            place,
            assigned: p.assigned,
            sign_out: a.sign_out,
            feedback_required: a.feedback_required,
            sessions: list,
        });
    }
    let next = |m: &MyActivity| {
        m.sessions
            .iter()
            .find(|s| !s.over)
            .or(m.sessions.last())
            .map(|s| (s.session.date, s.session.start))
    };
    out.sort_by_key(next);
    Ok(out)
}
