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
