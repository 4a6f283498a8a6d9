//! Portfolio records on the dashboards: the teacher's own records that
//! wait or were returned, and a school's latest.

use crate::auth::Caller;
use crate::i18n::Tr;
use crate::state::AppState;
use chrono::NaiveDate;
use lingyan_store::evidence::{Evidence, EvidenceFilter};
use serde::Serialize;
use utoipa::ToSchema;

/// One record in a dashboard list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordLine {
    pub id: i64,
    pub title: String,
    pub owner_name: String,
    /// The kind, in the caller's language.
    pub kind: String,
    pub date: NaiveDate,
    #[schema(example = "recorded")]
    pub status: String,
    /// Why it was returned, for returned records.
    pub reason: Option<String>,
}

fn line(e: Evidence, tr: Tr) -> RecordLine {
    RecordLine {
        id: e.id,
        kind: tr.label("evidence_kinds", e.kind.code()),
        status: e.status.code().to_string(),
        title: e.title,
        owner_name: e.owner_name,
        date: e.occurred_on,
        reason: e.status_reason,
    }
}

pub(super) async fn own_open(
    state: &AppState,
    caller: &Caller,
    teacher_id: i64,
    tr: Tr,
) -> lingyan_store::Result<Vec<RecordLine>> {
    Ok(
        lingyan_store::evidence::own_open(&state.store, &caller.scope, teacher_id, 6)
            .await?
            .into_iter()
            .map(|e| line(e, tr))
            .collect(),
    )
}

pub(super) async fn recent(
    state: &AppState,
    caller: &Caller,
    school_id: i64,
    tr: Tr,
    today: NaiveDate,
) -> lingyan_store::Result<Vec<RecordLine>> {
    Ok(lingyan_store::evidence::latest(
        &state.store,
        &caller.scope,
        &EvidenceFilter {
            school_id: Some(school_id),
            ..Default::default()
        },
        6,
        today,
    )
    .await?
    .into_iter()
    .map(|e| line(e, tr))
    .collect())
}
