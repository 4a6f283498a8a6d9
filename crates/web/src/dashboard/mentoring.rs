//! Mentoring on the dashboards: the teacher's mentor and apprentices.

use crate::auth::Caller;
use crate::state::AppState;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// The other teacher of one of the caller's current pairs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairLine {
    /// The pair (`/api/v1/mentoring/pairs/{id}`).
    pub pair_id: Option<i64>,
    pub teacher_id: i64,
    pub name: String,
    pub since: NaiveDate,
}

/// The caller's mentors and apprentices.
pub(super) async fn own(
    state: &AppState,
    caller: &Caller,
    teacher_id: i64,
    today: NaiveDate,
) -> lingyan_store::Result<(Vec<PairLine>, Vec<PairLine>)> {
    let (mut mentors, mut apprentices) = (Vec::new(), Vec::new());
    for p in lingyan_store::mentoring::mine(&state.store, &caller.scope, today).await? {
        if p.apprentice_teacher_id == teacher_id {
            mentors.push(PairLine {
                pair_id: p.pair_id,
                teacher_id: p.mentor_teacher_id,
                name: p.mentor_name,
                since: p.starts_on,
            });
        } else {
            apprentices.push(PairLine {
                pair_id: p.pair_id,
                teacher_id: p.apprentice_teacher_id,
                name: p.apprentice_name,
                since: p.starts_on,
            });
        }
    }
    Ok((mentors, apprentices))
}

/// A school's mentoring on the leaders' dashboards.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentoringGlance {
    pub school_id: i64,
    /// Young (under 35) or new (first three years) teachers.
    pub young_or_new: usize,
    /// Of them, those with a running pair.
    pub with_mentor: usize,
    /// `with_mentor` of `young_or_new`, in percent.
    pub share: u32,
    pub running: usize,
    /// Running pairs without a meeting or a cycle stage for 30 days.
    pub quiet: usize,
    pub cycles_done: usize,
    /// Cycles under way.
    pub cycles_open: usize,
    /// The mentoring week running now, or the next within two weeks.
    pub week: Option<WeekGlance>,
}

/// A mentoring week on the dashboards.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WeekGlance {
    /// The week (`/api/v1/mentoring/weeks/{id}`).
    pub id: i64,
    pub title: String,
    pub theme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Whether it runs today (else it is to come).
    pub now: bool,
}

/// How far ahead a coming mentoring week is announced, in days.
pub const WEEK_AHEAD: i64 = 14;

impl WeekGlance {
    pub fn of(w: lingyan_store::mentoring::weeks::Week, today: NaiveDate) -> Self {
        Self {
            now: w.contains(today),
            id: w.id,
            title: w.title,
            theme: w.theme,
            starts_on: w.starts_on,
            ends_on: w.ends_on,
        }
    }
}

/// The glance, for callers who read the school's teachers.
pub(super) async fn glance(
    state: &AppState,
    caller: &Caller,
    school_id: i64,
    today: NaiveDate,
) -> lingyan_store::Result<Option<MentoringGlance>> {
    let o = match lingyan_store::mentoring::overview::overview(&state.store, &caller.scope, school_id, today)
        .await
    {
        Ok(o) => o,
        Err(lingyan_store::Error::Forbidden | lingyan_store::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    if o.pairs.is_empty() && o.young_or_new == 0 {
        return Ok(None);
    }
    Ok(Some(MentoringGlance {
        school_id,
        young_or_new: o.young_or_new,
        with_mentor: o.with_mentor,
        share: o.share(),
        running: o.pairs.len(),
        quiet: o.quiet(),
        cycles_done: o.cycles_done,
        cycles_open: o.pairs.iter().filter(|p| p.open_cycle.is_some()).count(),
        week: lingyan_store::mentoring::weeks::current(
            &state.store,
            &caller.scope,
            school_id,
            today,
            WEEK_AHEAD,
        )
        .await?
        .map(|w| WeekGlance::of(w, today)),
    }))
}
