//! Attendance from a sheet (.xlsx, .xls, .csv): the paper sign-in list an
//! organiser typed up. One row per teacher and session: 工号 or 姓名, 日期
//! (which session; may be left out when the activity has one), 考勤 (出勤,
//! 迟到, 请假, 缺勤), and optionally 签到时间 and 签退时间. Every row is
//! checked first; nothing is written unless all are right. A teacher of
//! the activity's school (or district) not yet registered is added as
//! named by the organiser.

use super::registration::REGISTERED;
use super::{load_managed, tenant_of};
use crate::audit::{self, Change};
use crate::credits::Registry;
use crate::entity::{activity_participant as part, activity_session, attendance as att};
use crate::roster::{RowIssue, read_upload};
use crate::{Result, Scope, Store};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use lingyan_domain::FieldError;
use lingyan_domain::activities::attendance::Status;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The columns, as a sheet names them.
pub const ATTENDANCE_HEADERS: [&str; 6] = ["工号", "姓名", "日期", "考勤", "签到时间", "签退时间"];

/// What an attendance import found and did.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AttendanceReport {
    pub filename: String,
    pub header_row: usize,
    pub rows: usize,
    /// Attendance rows written (or, in a dry run, that would be).
    pub recorded: usize,
    /// Teachers added to the activity as named by the organiser.
    pub added_participants: usize,
    pub errors: Vec<RowIssue>,
    #[serde(skip)]
    pub file_error: Option<FieldError>,
    pub file_error_code: Option<&'static str>,
    pub dry_run: bool,
    pub written: bool,
}

/// A row read: teacher, their school, session, status, signed in and out.
type Line = (
    i64,
    i64,
    i64,
    Status,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn column_of(field: &str) -> &'static str {
    match field {
        "staff_no" => "工号",
        "name" => "姓名",
        "date" => "日期",
        "status" => "考勤",
        "signed_in" => "签到时间",
        "signed_out" => "签退时间",
        _ => "",
    }
}

fn time_on(
    date: NaiveDate,
    s: &str,
    field: &'static str,
) -> std::result::Result<Option<NaiveDateTime>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .map(|t| Some(date.and_time(t)))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").map(Some))
        .map_err(|_| FieldError::new(field, "invalid").with("value", s))
}

fn date_of(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y.%m.%d"))
        .ok()
}

/// Imports an attendance sheet into an activity, for its organisers.
#[allow(clippy::too_many_arguments)]
pub async fn import_attendance(
    store: &Store,
    scope: &Scope,
    activity_id: i64,
    filename: &str,
    bytes: &[u8],
    dry_run: bool,
    max_bytes: usize,
) -> Result<AttendanceReport> {
    let (a, sessions) = load_managed(store.conn(), scope, activity_id).await?;
    let mut report = AttendanceReport {
        filename: filename.to_string(),
        dry_run,
        ..Default::default()
    };
    let fail = |mut report: AttendanceReport, e: FieldError| {
        report.file_error_code = Some(e.code);
        report.file_error = Some(e);
        Ok(report)
    };
    let grid = match read_upload(bytes, max_bytes) {
        Ok(g) => g,
        Err(e) => return fail(report, e),
    };
    let Some(header_at) = grid
        .iter()
        .take(10)
        .position(|r| r.iter().any(|c| c == "考勤") && r.iter().any(|c| c == "工号" || c == "姓名"))
    else {
        return fail(
            report,
            FieldError::new("file", "missing_columns").with("value", "工号 / 姓名、考勤"),
        );
    };
    report.header_row = header_at + 1;
    let header = &grid[header_at];
    let col: HashMap<&str, usize> = ATTENDANCE_HEADERS
        .iter()
        .filter_map(|h| header.iter().position(|c| c == h).map(|i| (*h, i)))
        .collect();
    if sessions.len() > 1 && !col.contains_key("日期") {
        return fail(
            report,
            FieldError::new("file", "missing_columns").with("value", "日期"),
        );
    }
    let cell = |row: &[String], h: &str| -> String {
        col.get(h)
            .and_then(|i| row.get(*i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let registry = Registry::load(store, a.district_id).await?;
    let by_date: HashMap<NaiveDate, Vec<&activity_session::Model>> =
        sessions.iter().fold(HashMap::new(), |mut m, s| {
            m.entry(s.date).or_default().push(s);
            m
        });
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    let mut rows: Vec<Line> = Vec::new();
    for (i, row) in grid.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let line = i + 1;
        report.rows += 1;
        let mut problems = Vec::new();
        let who = registry.find(&cell(row, "工号"), "", &cell(row, "姓名"));
        let who = match who {
            Ok((t, s)) if a.school_id.is_none_or(|x| x == s) => Some((t, s)),
            Ok(_) => {
                problems.push(FieldError::new("name", "not_of_this_school").with("value", cell(row, "姓名")));
                None
            }
            Err(e) => {
                problems.push(e);
                None
            }
        };
        let date_text = cell(row, "日期");
        let session = if date_text.is_empty() && sessions.len() == 1 {
            Some(&sessions[0])
        } else {
            match date_of(&date_text) {
                None => {
                    problems.push(FieldError::new("date", "invalid").with("value", &date_text));
                    None
                }
                Some(d) => match by_date.get(&d).map(Vec::as_slice) {
                    Some([one]) => Some(*one),
                    Some([first, ..]) => {
                        // Two sessions that day: the sign-in time decides.
                        let at = time_on(d, &cell(row, "签到时间"), "signed_in").ok().flatten();
                        match at {
                            Some(t) => by_date[&d]
                                .iter()
                                .find(|s| t.time() < s.end_time)
                                .copied()
                                .or(Some(*first)),
                            None => {
                                problems
                                    .push(FieldError::new("date", "two_sessions_that_day").with("value", d));
                                None
                            }
                        }
                    }
                    _ => {
                        problems.push(FieldError::new("date", "no_session_that_day").with("value", d));
                        None
                    }
                },
            }
        };
        let status = Status::parse("status", &cell(row, "考勤"))
            .map_err(|e| problems.push(e))
            .ok();
        let (mut signed_in, mut signed_out) = (None, None);
        if let Some(s) = session {
            match time_on(s.date, &cell(row, "签到时间"), "signed_in") {
                Ok(t) => signed_in = t,
                Err(e) => problems.push(e),
            }
            match time_on(s.date, &cell(row, "签退时间"), "signed_out") {
                Ok(t) => signed_out = t,
                Err(e) => problems.push(e),
            }
        }
        if let (Some((t, _)), Some(s)) = (who, session)
            && !seen.insert((t, s.id))
        {
            problems
                .push(FieldError::new("name", "repeats_teacher_session").with("value", cell(row, "姓名")));
        }
        if problems.is_empty()
            && let (Some((t, school)), Some(s), Some(st)) = (who, session, status)
        {
            rows.push((t, school, s.id, st, signed_in, signed_out));
        }
        for e in problems {
            report.errors.push(RowIssue {
                row: line,
                column: column_of(e.field).to_string(),
                code: e.code,
                error: e,
            });
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    report.recorded = rows.len();
    let registered: HashSet<i64> = part::Entity::find()
        .filter(part::Column::ActivityId.eq(a.id))
        .filter(part::Column::Status.eq(REGISTERED))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|p| p.teacher_id)
        .collect();
    let newcomers: HashSet<(i64, i64)> = rows
        .iter()
        .filter(|r| !registered.contains(&r.0))
        .map(|r| (r.0, r.1))
        .collect();
    report.added_participants = newcomers.len();
    if dry_run {
        return Ok(report);
    }
    let txn = store.begin().await?;
    let now = Utc::now();
    for (t, school) in &newcomers {
        // Waiting before, or not in at all: the sheet says they were there.
        part::Entity::delete_many()
            .filter(part::Column::ActivityId.eq(a.id))
            .filter(part::Column::TeacherId.eq(*t))
            .exec(&txn)
            .await?;
        part::ActiveModel {
            activity_id: Set(a.id),
            teacher_id: Set(*t),
            district_id: Set(a.district_id),
            school_id: Set(*school),
            status: Set(REGISTERED.into()),
            assigned: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let by_id: HashMap<i64, &activity_session::Model> = sessions.iter().map(|s| (s.id, s)).collect();
    for (t, school, sid, status, signed_in, signed_out) in &rows {
        let existing = att::Entity::find()
            .filter(att::Column::SessionId.eq(*sid))
            .filter(att::Column::TeacherId.eq(*t))
            .one(&txn)
            .await?;
        let mut am: att::ActiveModel = match existing {
            Some(r) => r.into(),
            None => att::ActiveModel {
                session_id: Set(*sid),
                activity_id: Set(a.id),
                teacher_id: Set(*t),
                district_id: Set(a.district_id),
                school_id: Set(*school),
                leave_reason: Set(None),
                leave_state: Set(None),
                ..Default::default()
            },
        };
        am.status = Set(Some(status.code().to_string()));
        am.signed_in_at = Set(*signed_in);
        am.signed_out_at = Set(*signed_out);
        am.method = Set("import".into());
        am.recorded_by = Set(scope.user_id());
        am.updated_at = Set(now);
        am.save(&txn).await?;
        super::attendance::sync(&txn, &a, by_id[sid], *t).await?;
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "attendance.import",
            entity_type: "activity",
            entity_id: Some(a.id.to_string()),
            tenant: tenant_of(a.district_id, a.school_id),
            before: None,
            after: Some(json!({"file": filename, "rows": rows.len(), "added": newcomers.len()})),
        },
    )
    .await?;
    txn.commit().await?;
    report.written = true;
    Ok(report)
}
