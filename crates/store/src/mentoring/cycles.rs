//! The two-way cycle (双向互动, seed 004) of a running pair: each cycle
//! follows one apprentice through six stages in order, each fulfilled by a
//! portfolio record of the teacher whose turn it is — picked from their
//! records or made on the spot. The board shows every open cycle's next
//! stage and who owes it.

use super::log::standing;
use super::pairs::{self, Pair};
use crate::audit::{self, Change};
use crate::entity::{evidence, mentoring_cycle as cycle, mentoring_cycle_stage as stage_link};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::evidence::{Details, EvidenceInput, EvidenceKind, EvidenceStatus};
use lingyan_domain::mentoring::PairStatus;
use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage, Done, Offered, check_link, next_stage};
use lingyan_domain::{FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A teacher who owes a stage.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Owner {
    pub teacher_id: i64,
    pub name: String,
    pub mentor: bool,
}

/// The record that fulfils a stage.
#[derive(Debug, Clone, Serialize)]
pub struct Linked {
    pub evidence_id: i64,
    pub title: String,
    pub kind: EvidenceKind,
    pub subtype: Option<String>,
    pub occurred_on: NaiveDate,
    pub status: EvidenceStatus,
}

/// One stage of a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub stage: CycleStage,
    pub number: usize,
    pub owner: Owner,
    pub record: Option<Linked>,
    /// Whether the caller may take the link off (the last stage done, by
    /// its teacher or a manager).
    pub removable: bool,
}

/// A cycle with its stages.
#[derive(Debug, Clone, Serialize)]
pub struct Cycle {
    pub id: i64,
    pub pair_id: i64,
    pub title: String,
    pub started_on: NaiveDate,
    pub mentor: Owner,
    pub apprentice: Owner,
    pub stages: Vec<Stage>,
    /// The next stage and who owes it; `None` once all six are done.
    pub next: Option<CycleStage>,
    /// The day of the last stage's record, once done.
    pub done_on: Option<NaiveDate>,
    /// The day the cycle has waited since: its start or the last record.
    pub waiting_since: NaiveDate,
    /// Whether the caller may fill the next stage (its teacher or a
    /// manager, while the pair runs).
    pub may_fill: bool,
    /// Whether the caller may remove the cycle (a manager; or its author
    /// while nothing is linked).
    pub removable: bool,
}

impl Cycle {
    pub fn done(&self) -> bool {
        self.next.is_none()
    }

    /// Who owes the next stage.
    pub fn next_owner(&self) -> Option<&Owner> {
        let s = self.next?;
        Some(if s.by_mentor() {
            &self.mentor
        } else {
            &self.apprentice
        })
    }

    pub fn stages_done(&self) -> usize {
        self.stages.iter().filter(|s| s.record.is_some()).count()
    }
}

fn owner_of(p: &Pair, teacher: i64) -> Owner {
    let name = p
        .apprentices
        .iter()
        .chain(std::iter::once(&p.mentor))
        .find(|t| t.teacher_id == teacher)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    Owner {
        teacher_id: teacher,
        name,
        mentor: teacher == p.mentor.teacher_id,
    }
}

/// The caller's standing, in short.
struct Who {
    own: Option<i64>,
    manager: bool,
}

/// The caller's own teacher record, if any.
async fn own(store: &Store, scope: &Scope) -> Result<Option<i64>> {
    Ok(
        crate::viewer::Viewer::load(store.conn(), scope, crate::calendar::today())
            .await?
            .own,
    )
}

/// Builds cycles from their rows; each row's pair is among `pairs`.
async fn assemble<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    own: Option<i64>,
    pairs: &[&Pair],
    rows: Vec<cycle::Model>,
) -> Result<Vec<Cycle>> {
    let links = stage_link::Entity::find()
        .filter(stage_link::Column::CycleId.is_in(rows.iter().map(|r| r.id)))
        .all(conn)
        .await?;
    let records: HashMap<i64, evidence::Model> = evidence::Entity::find()
        .filter(evidence::Column::Id.is_in(links.iter().map(|l| l.evidence_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let p = *pairs.iter().find(|p| p.id == r.mentorship_id)?;
            let running = p.status == PairStatus::Active;
            let w = Who {
                own,
                manager: pairs::may_manage(scope, p),
            };
            let mine: Vec<&stage_link::Model> = links.iter().filter(|l| l.cycle_id == r.id).collect();
            let mentor = owner_of(p, p.mentor.teacher_id);
            let apprentice = owner_of(p, r.apprentice_teacher_id);
            let done: Vec<Done> = mine
                .iter()
                .filter_map(|l| {
                    let e = records.get(&l.evidence_id)?;
                    Some(Done {
                        stage: CycleStage::from_code(&l.stage)?,
                        evidence_id: e.id,
                        occurred_on: e.occurred_on,
                    })
                })
                .collect();
            let next = next_stage(&done);
            let last_done = CycleStage::ALL
                .iter()
                .rev()
                .find(|s| done.iter().any(|d| d.stage == **s))
                .copied();
            let may_act = |owner: &Owner| w.manager || w.own == Some(owner.teacher_id);
            let stages = CycleStage::ALL
                .iter()
                .map(|&s| {
                    let owner = if s.by_mentor() {
                        mentor.clone()
                    } else {
                        apprentice.clone()
                    };
                    let record = mine
                        .iter()
                        .find(|l| l.stage == s.code())
                        .and_then(|l| records.get(&l.evidence_id))
                        .map(|e| Linked {
                            evidence_id: e.id,
                            title: e.title.clone(),
                            kind: EvidenceKind::from_code(&e.kind).unwrap_or(EvidenceKind::Class),
                            subtype: e.subtype.clone(),
                            occurred_on: e.occurred_on,
                            status: EvidenceStatus::from_code(&e.status).unwrap_or(EvidenceStatus::Recorded),
                        });
                    let removable = running && last_done == Some(s) && may_act(&owner);
                    Stage {
                        stage: s,
                        number: s.number(),
                        owner,
                        record,
                        removable,
                    }
                })
                .collect();
            let done_on = match next {
                None => done.iter().map(|d| d.occurred_on).max(),
                Some(_) => None,
            };
            let waiting_since = done
                .iter()
                .map(|d| d.occurred_on)
                .chain(std::iter::once(r.started_on))
                .max()
                .unwrap_or(r.started_on);
            let owes = next.map(|s| if s.by_mentor() { &mentor } else { &apprentice });
            let may_fill = running && owes.is_some_and(may_act);
            let removable =
                w.manager || (done.is_empty() && r.created_by.is_some() && r.created_by == scope.user_id());
            Some(Cycle {
                id: r.id,
                pair_id: p.id,
                title: r.title,
                started_on: r.started_on,
                mentor,
                apprentice,
                stages,
                next,
                done_on,
                waiting_since,
                may_fill,
                removable,
            })
        })
        .collect())
}

/// A pair's cycles, newest first.
pub async fn list(store: &Store, scope: &Scope, pair: i64) -> Result<Vec<Cycle>> {
    let p = pairs::get(store, scope, pair).await?;
    let own = own(store, scope).await?;
    let rows = cycle::Entity::find()
        .filter(cycle::Column::MentorshipId.eq(pair))
        .order_by_desc(cycle::Column::StartedOn)
        .order_by_desc(cycle::Column::Id)
        .all(store.conn())
        .await?;
    assemble(store.conn(), scope, own, &[&p], rows).await
}

/// One cycle with its pair.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<(Pair, Cycle)> {
    let (p, c, _) = load(store, scope, id).await?;
    Ok((p, c))
}

/// One cycle with its pair and the caller's standing, the viewer read once.
async fn load(store: &Store, scope: &Scope, id: i64) -> Result<(Pair, Cycle, Who)> {
    let row = cycle::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let p = pairs::get(store, scope, row.mentorship_id).await?;
    let own = own(store, scope).await?;
    let c = assemble(store.conn(), scope, own, &[&p], vec![row])
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    let w = Who {
        own,
        manager: pairs::may_manage(scope, &p),
    };
    Ok((p, c, w))
}

fn not_running(p: &Pair) -> Error {
    Error::Invalid(FieldError::new("status", "pair_not_running").with("value", p.status.code()))
}

/// Starts a cycle on a running pair: by its teachers or a manager. An
/// apprentice has one open cycle at a time.
pub async fn create(store: &Store, scope: &Scope, pair: i64, input: &CycleInput) -> Result<i64> {
    let p = pairs::get(store, scope, pair).await?;
    let st = standing(store, scope, &p).await?;
    if !(st.mentor || st.apprentice || st.manager) {
        return Err(Error::Forbidden);
    }
    if p.status != PairStatus::Active {
        return Err(not_running(&p));
    }
    let today = crate::calendar::today();
    let problems = input.problems(today);
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    // An apprentice starts cycles of their own; others name one (or the
    // pair's first).
    let apprentice = match input.apprentice_teacher_id {
        Some(a) => a,
        None if st.apprentice => st.own.unwrap_or_default(),
        None => p.apprentices.first().map(|a| a.teacher_id).unwrap_or_default(),
    };
    if !p.apprentices.iter().any(|a| a.teacher_id == apprentice) {
        return Err(Error::Invalid(
            FieldError::new("apprentice_teacher_id", "not_in_pair").with("value", apprentice),
        ));
    }
    let last = p.ends_on.map_or(today, |e| e.min(today));
    if input.started_on < p.starts_on || input.started_on > last {
        return Err(Error::Invalid(
            FieldError::new("started_on", "outside_term")
                .with("from", p.starts_on)
                .with("to", last),
        ));
    }
    let txn = store.begin().await?;
    let open = assemble(
        &txn,
        scope,
        st.own,
        &[&p],
        cycle::Entity::find()
            .filter(cycle::Column::MentorshipId.eq(pair))
            .filter(cycle::Column::ApprenticeTeacherId.eq(apprentice))
            .all(&txn)
            .await?,
    )
    .await?
    .into_iter()
    .find(|c| !c.done());
    if let Some(c) = open {
        return Err(Error::Invalid(
            FieldError::new("apprentice_teacher_id", "cycle_open")
                .with("name", &c.apprentice.name)
                .with("title", &c.title)
                .with("n", c.stages_done()),
        ));
    }
    let m = cycle::ActiveModel {
        district_id: Set(p.district_id),
        school_id: Set(p.school_id),
        mentorship_id: Set(p.id),
        apprentice_teacher_id: Set(apprentice),
        title: Set(input.title.trim().to_string()),
        started_on: Set(input.started_on),
        created_by: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_cycle.create",
            entity_type: "mentoring_cycle",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: None,
            after: Some(
                json!({"pair": p.id, "apprentice": apprentice, "title": m.title, "started_on": m.started_on}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// Checks that the caller may fill `stage` now: the pair runs, and the
/// caller is the teacher who owes it or a manager. Gives the stage's
/// teacher.
fn fill_check(c: &Cycle, p: &Pair, stage: CycleStage, manager: bool, own: Option<i64>) -> Result<Owner> {
    if p.status != PairStatus::Active {
        return Err(not_running(p));
    }
    let owner = if stage.by_mentor() {
        c.mentor.clone()
    } else {
        c.apprentice.clone()
    };
    if !manager && own != Some(owner.teacher_id) {
        return Err(Error::Forbidden);
    }
    Ok(owner)
}

fn done_of(c: &Cycle) -> Vec<Done> {
    c.stages
        .iter()
        .filter_map(|s| {
            s.record.as_ref().map(|r| Done {
                stage: s.stage,
                evidence_id: r.evidence_id,
                occurred_on: r.occurred_on,
            })
        })
        .collect()
}

/// Links `evidence_id` to `stage` inside `conn`, after every check.
async fn link_in<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    p: &Pair,
    c: &Cycle,
    stage: CycleStage,
    owner: &Owner,
    evidence_id: i64,
) -> Result<()> {
    let e = evidence::Entity::find_by_id(evidence_id)
        .one(conn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("evidence_id", "unknown_record").with("value", evidence_id))
        })?;
    let details: Details = serde_json::from_str(&e.details)
        .map_err(|err| Error::Internal(format!("evidence {} details: {err}", e.id)))?;
    let used = stage_link::Entity::find()
        .filter(stage_link::Column::MentorshipId.eq(p.id))
        .filter(stage_link::Column::EvidenceId.eq(e.id))
        .one(conn)
        .await?
        .is_some();
    let offered = Offered {
        id: e.id,
        owner_teacher_id: e.owner_teacher_id,
        occurred_on: e.occurred_on,
        status: EvidenceStatus::from_code(&e.status).unwrap_or(EvidenceStatus::Recorded),
        details: &details,
    };
    check_link(
        stage,
        &done_of(c),
        c.started_on,
        owner.teacher_id,
        c.apprentice.teacher_id,
        &offered,
        used,
    )
    .map_err(|err| match err.code {
        "record_of_other_teacher" => Error::Invalid(err.with("name", &owner.name)),
        _ => Error::Invalid(err),
    })?;
    let l = stage_link::ActiveModel {
        cycle_id: Set(c.id),
        mentorship_id: Set(p.id),
        stage: Set(stage.code().to_string()),
        evidence_id: Set(e.id),
        linked_by: Set(scope.user_id()),
        linked_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action: "mentoring_cycle.link",
            entity_type: "mentoring_cycle",
            entity_id: Some(c.id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: None,
            after: Some(json!({"link": l.id, "stage": stage.code(), "evidence": e.id})),
        },
    )
    .await?;
    super::hours::sync(conn, p.id).await?;
    Ok(())
}

/// Fulfils the cycle's next stage with one of its teacher's records.
pub async fn link(store: &Store, scope: &Scope, id: i64, stage: CycleStage, evidence_id: i64) -> Result<()> {
    let (p, c, w) = load(store, scope, id).await?;
    let owner = fill_check(&c, &p, stage, w.manager, w.own)?;
    let txn = store.begin().await?;
    link_in(&txn, scope, &p, &c, stage, &owner, evidence_id).await?;
    txn.commit().await?;
    Ok(())
}

/// A record made on the spot for a stage: the few fields a phone form
/// asks; the kind and its type come from the stage.
#[derive(Debug, Clone, Default)]
pub struct StageRecord {
    pub date: String,
    pub title: String,
    pub level: String,
    pub text: String,
}

/// Records the stage's work in its teacher's portfolio and links it, in
/// one transaction: the record is written only if the link holds.
pub async fn record(
    store: &Store,
    scope: &Scope,
    id: i64,
    stage: CycleStage,
    r: &StageRecord,
) -> Result<i64> {
    let (p, c, w) = load(store, scope, id).await?;
    let owner = fill_check(&c, &p, stage, w.manager, w.own)?;
    // Order first, so that a record is not made for a stage not yet due.
    if let Some(next) = c.next
        && next != stage
    {
        return Err(Error::Invalid(
            FieldError::new("stage", "stage_out_of_order").with("n", next.number()),
        ));
    }
    let input = EvidenceInput {
        kind: stage.kind(),
        date: r.date.clone(),
        title: r.title.clone(),
        level: r.level.clone(),
        text: r.text.clone(),
        details: stage.record_details(c.apprentice.teacher_id),
    };
    let today = crate::calendar::today();
    let txn = store.begin().await?;
    let evidence_id = crate::evidence::create_in(&txn, scope, owner.teacher_id, &input, &[], today).await?;
    link_in(&txn, scope, &p, &c, stage, &owner, evidence_id).await?;
    txn.commit().await?;
    Ok(evidence_id)
}

/// A record the stage's teacher could link.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub evidence_id: i64,
    pub title: String,
    pub occurred_on: NaiveDate,
    pub subtype: Option<String>,
    pub status: EvidenceStatus,
}

/// The owing teacher's records that fit the cycle's next stage, newest
/// first (at most 50).
pub async fn candidates(store: &Store, scope: &Scope, id: i64) -> Result<Vec<Candidate>> {
    let (p, c) = get(store, scope, id).await?;
    candidates_of(store, &p, &c).await
}

/// [`candidates`] for a cycle the caller has read already.
pub async fn candidates_of(store: &Store, p: &Pair, c: &Cycle) -> Result<Vec<Candidate>> {
    let Some(stage) = c.next else {
        return Ok(Vec::new());
    };
    if !c.may_fill {
        return Ok(Vec::new());
    }
    let owner = if stage.by_mentor() {
        &c.mentor
    } else {
        &c.apprentice
    };
    let used: Vec<i64> = stage_link::Entity::find()
        .select_only()
        .column(stage_link::Column::EvidenceId)
        .filter(stage_link::Column::MentorshipId.eq(p.id))
        .into_tuple()
        .all(store.conn())
        .await?;
    let done = done_of(c);
    let rows = evidence::Entity::find()
        .filter(evidence::Column::OwnerTeacherId.eq(owner.teacher_id))
        .filter(evidence::Column::Kind.eq(stage.kind().code()))
        .filter(evidence::Column::Status.ne(EvidenceStatus::Rejected.code()))
        .filter(evidence::Column::OccurredOn.gte(c.waiting_since))
        .filter(evidence::Column::Id.is_not_in(used))
        .order_by_desc(evidence::Column::OccurredOn)
        .order_by_desc(evidence::Column::Id)
        .limit(200)
        .all(store.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            let details: Details = serde_json::from_str(&e.details).ok()?;
            let offered = Offered {
                id: e.id,
                owner_teacher_id: e.owner_teacher_id,
                occurred_on: e.occurred_on,
                status: EvidenceStatus::from_code(&e.status).unwrap_or(EvidenceStatus::Recorded),
                details: &details,
            };
            check_link(
                stage,
                &done,
                c.started_on,
                owner.teacher_id,
                c.apprentice.teacher_id,
                &offered,
                false,
            )
            .ok()?;
            Some(Candidate {
                evidence_id: e.id,
                title: e.title,
                occurred_on: e.occurred_on,
                subtype: e.subtype,
                status: offered.status,
            })
        })
        .take(50)
        .collect())
}

/// Takes the link off the last stage done (the record stays in the
/// portfolio): by the stage's teacher or a manager.
pub async fn unlink(store: &Store, scope: &Scope, id: i64, stage: CycleStage) -> Result<()> {
    let (p, c, w) = load(store, scope, id).await?;
    // Who first: the stage's teacher or a manager, while the pair runs.
    fill_check(&c, &p, stage, w.manager, w.own)?;
    let s = c
        .stages
        .iter()
        .find(|s| s.stage == stage)
        .ok_or(Error::NotFound)?;
    let Some(record) = &s.record else {
        return Err(Error::Invalid(
            FieldError::new("stage", "stage_not_done").with("n", stage.number()),
        ));
    };
    if !s.removable {
        return Err(Error::Invalid(
            FieldError::new("stage", "stage_not_last").with("n", stage.number()),
        ));
    }
    let txn = store.begin().await?;
    stage_link::Entity::delete_many()
        .filter(stage_link::Column::CycleId.eq(c.id))
        .filter(stage_link::Column::Stage.eq(stage.code()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_cycle.unlink",
            entity_type: "mentoring_cycle",
            entity_id: Some(c.id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: Some(json!({"stage": stage.code(), "evidence": record.evidence_id})),
            after: None,
        },
    )
    .await?;
    super::hours::sync(&txn, p.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a cycle (its records stay in the portfolios): a manager, or its
/// author while nothing is linked. Gives the pair.
pub async fn remove(store: &Store, scope: &Scope, id: i64) -> Result<i64> {
    let (p, c) = get(store, scope, id).await?;
    if !c.removable {
        return Err(Error::Forbidden);
    }
    let txn = store.begin().await?;
    cycle::Entity::delete_by_id(c.id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_cycle.delete",
            entity_type: "mentoring_cycle",
            entity_id: Some(c.id.to_string()),
            tenant: Tenant::school(p.district_id, p.school_id),
            before: Some(json!({"pair": p.id, "title": c.title, "stages_done": c.stages_done()})),
            after: None,
        },
    )
    .await?;
    super::hours::sync(&txn, p.id).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// Every cycle of `pairs` (pairs the caller reads), oldest first.
pub async fn of_pairs(store: &Store, scope: &Scope, pairs: &[Pair]) -> Result<Vec<Cycle>> {
    let rows = cycle::Entity::find()
        .filter(cycle::Column::MentorshipId.is_in(pairs.iter().map(|p| p.id)))
        .order_by_asc(cycle::Column::Id)
        .all(store.conn())
        .await?;
    let own = own(store, scope).await?;
    let refs: Vec<&Pair> = pairs.iter().collect();
    assemble(store.conn(), scope, own, &refs, rows).await
}

/// A line of the cycle board: an open cycle and who owes its next stage.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    pub pair: Pair,
    pub cycle: Cycle,
    /// Days since the cycle last moved, to `today`.
    pub waiting_days: i64,
}

/// The cycle board: the open cycles of the running pairs the caller reads
/// (of one school, or where `teacher` is in the pair), the longest waiting
/// first; and how many cycles those pairs have completed.
pub async fn board(store: &Store, scope: &Scope, f: &pairs::Filter) -> Result<(Vec<BoardRow>, usize)> {
    let f = pairs::Filter {
        status: Some(PairStatus::Active),
        ..f.clone()
    };
    let pairs = pairs::list(store, scope, &f).await?;
    let today = crate::calendar::today();
    let mut out = Vec::new();
    let mut completed = 0;
    for c in of_pairs(store, scope, &pairs).await? {
        if c.done() {
            completed += 1;
            continue;
        }
        let Some(p) = pairs.iter().find(|p| p.id == c.pair_id) else {
            continue;
        };
        out.push(BoardRow {
            waiting_days: (today - c.waiting_since).num_days().max(0),
            pair: p.clone(),
            cycle: c,
        });
    }
    out.sort_by(|a, b| {
        b.waiting_days
            .cmp(&a.waiting_days)
            .then(a.cycle.id.cmp(&b.cycle.id))
    });
    Ok((out, completed))
}
