//! Summaries and evaluations of a pair (师徒结对活动小结, 考核): each teacher
//! of the pair writes a summary at mid term and at the end; a leader who
//! verifies the school's records evaluates the pair for the period, a
//! score per dimension and a grade. Written again, each replaces the last.

use super::log::standing;
use super::pairs::{self, Pair};
use crate::audit::{self, Change};
use crate::entity::{mentoring_evaluation as evaluation, mentoring_summary as summary, teacher, user};
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Utc};
use lingyan_domain::mentoring::PairStatus;
use lingyan_domain::mentoring::review::{EvaluationInput, PairGrade, ReviewPeriod, SummaryInput};
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// A teacher's summary.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub period: ReviewPeriod,
    pub teacher_id: i64,
    pub name: String,
    pub as_mentor: bool,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

/// A leader's evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub period: ReviewPeriod,
    pub scores: BTreeMap<String, u32>,
    pub total: u32,
    pub grade: PairGrade,
    pub comment: String,
    pub by: String,
    pub updated_at: DateTime<Utc>,
}

/// A pair's summaries and evaluations, and what the caller may write.
#[derive(Debug, Clone, Serialize)]
pub struct Reviews {
    pub summaries: Vec<Summary>,
    pub evaluations: Vec<Evaluation>,
    /// The caller's teacher, when they may write a summary of the pair.
    pub writer: Option<i64>,
    pub may_evaluate: bool,
}

fn may_evaluate(scope: &Scope, p: &Pair) -> bool {
    scope.allows(
        Capability::VerifyEvidence,
        Tenant::school(p.district_id, p.school_id),
    )
}

/// A pair that has run (active or concluded) is summed up and evaluated.
fn has_run(p: &Pair) -> Result<()> {
    if matches!(p.status, PairStatus::Active | PairStatus::Concluded) {
        Ok(())
    } else {
        Err(Error::Invalid(
            FieldError::new("status", "pair_not_run").with("value", p.status.code()),
        ))
    }
}

/// The pair's summaries and evaluations, for whoever reads the pair.
pub async fn list(store: &Store, scope: &Scope, pair: i64) -> Result<Reviews> {
    let p = pairs::get(store, scope, pair).await?;
    let st = standing(store, scope, &p).await?;
    let conn = store.conn();
    let rows = summary::Entity::find()
        .filter(summary::Column::MentorshipId.eq(pair))
        .order_by_asc(summary::Column::Id)
        .all(conn)
        .await?;
    let names: HashMap<i64, String> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(rows.iter().map(|r| r.teacher_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let summaries = rows
        .into_iter()
        .filter_map(|r| {
            Some(Summary {
                period: ReviewPeriod::from_code(&r.period)?,
                name: names.get(&r.teacher_id).cloned().unwrap_or_default(),
                as_mentor: r.teacher_id == p.mentor.teacher_id,
                teacher_id: r.teacher_id,
                text: r.body,
                updated_at: r.updated_at,
            })
        })
        .collect();
    let evaluations = evaluation::Entity::find()
        .filter(evaluation::Column::MentorshipId.eq(pair))
        .order_by_asc(evaluation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Evaluation {
                period: ReviewPeriod::from_code(&r.period)?,
                scores: serde_json::from_str(&r.scores).unwrap_or_default(),
                total: r.total.max(0) as u32,
                grade: PairGrade::from_code(&r.grade)?,
                comment: r.comment,
                by: r.evaluator_name,
                updated_at: r.updated_at,
            })
        })
        .collect();
    let ran = has_run(&p).is_ok();
    Ok(Reviews {
        summaries,
        evaluations,
        writer: st.own.filter(|_| ran && (st.mentor || st.apprentice)),
        may_evaluate: ran && may_evaluate(scope, &p),
    })
}

/// Writes (or rewrites) the caller's summary of a period: the pair's own
/// teachers only.
pub async fn save_summary(
    store: &Store,
    scope: &Scope,
    pair: i64,
    period: ReviewPeriod,
    input: &SummaryInput,
) -> Result<()> {
    let p = pairs::get(store, scope, pair).await?;
    let st = standing(store, scope, &p).await?;
    let Some(own) = st.own.filter(|_| st.mentor || st.apprentice) else {
        return Err(Error::Forbidden);
    };
    has_run(&p)?;
    let problems = input.problems();
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    let txn = store.begin().await?;
    let now = Utc::now();
    let existing = summary::Entity::find()
        .filter(summary::Column::MentorshipId.eq(pair))
        .filter(summary::Column::Period.eq(period.code()))
        .filter(summary::Column::TeacherId.eq(own))
        .one(&txn)
        .await?;
    let id = match existing {
        Some(m) => {
            let mut a = m.into_active_model();
            a.body = Set(input.text.trim().to_string());
            a.updated_at = Set(now);
            a.update(&txn).await?.id
        }
        None => {
            summary::ActiveModel {
                district_id: Set(p.district_id),
                school_id: Set(p.school_id),
                mentorship_id: Set(pair),
                period: Set(period.code().into()),
                teacher_id: Set(own),
                body: Set(input.text.trim().to_string()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_summary.save",
            entity_type: "mentoring_summary",
            entity_id: Some(id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: None,
            after: Some(json!({"pair": pair, "period": period.code(), "teacher": own})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Evaluates the pair for a period (or changes the evaluation): leaders who
/// verify the pair's school's records.
pub async fn save_evaluation(
    store: &Store,
    scope: &Scope,
    pair: i64,
    period: ReviewPeriod,
    input: &EvaluationInput,
) -> Result<()> {
    let p = pairs::get(store, scope, pair).await?;
    if !may_evaluate(scope, &p) {
        return Err(Error::Forbidden);
    }
    has_run(&p)?;
    let problems = input.problems();
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    let by = match scope.user_id() {
        Some(u) => user::Entity::find_by_id(u)
            .one(store.conn())
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let scores = serde_json::to_string(&input.scores).map_err(|e| Error::Internal(e.to_string()))?;
    let txn = store.begin().await?;
    let now = Utc::now();
    let existing = evaluation::Entity::find()
        .filter(evaluation::Column::MentorshipId.eq(pair))
        .filter(evaluation::Column::Period.eq(period.code()))
        .one(&txn)
        .await?;
    let total = input.total() as i32;
    let id = match existing {
        Some(m) => {
            let mut a = m.into_active_model();
            a.scores = Set(scores);
            a.total = Set(total);
            a.grade = Set(input.grade.code().into());
            a.comment = Set(input.comment.trim().to_string());
            a.evaluated_by = Set(scope.user_id());
            a.evaluator_name = Set(by);
            a.updated_at = Set(now);
            a.update(&txn).await?.id
        }
        None => {
            evaluation::ActiveModel {
                district_id: Set(p.district_id),
                school_id: Set(p.school_id),
                mentorship_id: Set(pair),
                period: Set(period.code().into()),
                scores: Set(scores),
                total: Set(total),
                grade: Set(input.grade.code().into()),
                comment: Set(input.comment.trim().to_string()),
                evaluated_by: Set(scope.user_id()),
                evaluator_name: Set(by),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_evaluation.save",
            entity_type: "mentoring_evaluation",
            entity_id: Some(id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: None,
            after: Some(
                json!({"pair": pair, "period": period.code(), "total": total, "grade": input.grade.code()}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
