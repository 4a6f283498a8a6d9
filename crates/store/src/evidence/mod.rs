//! The growth portfolio: typed evidence records, who they belong to, who
//! may see, edit and verify them, and their verification history.
//!
//! Visibility is decided here and nowhere else: a record is visible to
//! callers with [`Capability::ReadEvidence`] over its tenant, and to the
//! teacher behind the caller's account when that teacher is on the record
//! (owner, co-owner, observed), mentors the owner, or leads a group the
//! owner belongs to. See [`Viewer`].

use crate::audit::{self, Change};
use crate::entity::{attachment, evidence, evidence_event, evidence_person, teacher};
pub use crate::files::AttachmentInfo;
pub use crate::viewer::Viewer;
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::calendar::{Semester, Term};
use lingyan_domain::evidence::{Details, EvidenceDraft, TeacherRef};
use lingyan_domain::{
    Capability, EvidenceInput, EvidenceKind, EvidenceStatus, FieldError, Level, PageRequest, Paged, Tenant,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod list;
mod verify;
mod write;
pub use list::*;
pub use verify::*;
pub use write::*;

/// A teacher's part in a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    Owner,
    CoOwner,
    /// The observed teacher of a lesson observation (sees it and its feedback).
    Observed,
}

impl PersonRole {
    pub fn code(self) -> &'static str {
        match self {
            PersonRole::Owner => "owner",
            PersonRole::CoOwner => "co_owner",
            PersonRole::Observed => "observed",
        }
    }

    fn from_code(s: &str) -> Self {
        match s {
            "owner" => PersonRole::Owner,
            "co_owner" => PersonRole::CoOwner,
            _ => PersonRole::Observed,
        }
    }
}

/// Records the caller may see.
pub(crate) fn visible(scope: &Scope, viewer: &Viewer) -> Condition {
    let mut any = Condition::any().add(scope.condition(
        Capability::ReadEvidence,
        evidence::Column::DistrictId,
        evidence::Column::SchoolId,
    ));
    let related = viewer.related();
    if !related.is_empty() {
        any = any.add(
            evidence::Column::Id.in_subquery(
                Query::select()
                    .column(evidence_person::Column::EvidenceId)
                    .from(evidence_person::Entity)
                    .and_where(evidence_person::Column::TeacherId.is_in(related))
                    .to_owned(),
            ),
        );
    }
    any
}

/// Records the caller may verify: their tenant's (with the capability) or
/// their group's, never their own.
pub(crate) fn verifiable(scope: &Scope, viewer: &Viewer) -> Condition {
    let mut any = Condition::any().add(scope.condition(
        Capability::VerifyEvidence,
        evidence::Column::DistrictId,
        evidence::Column::SchoolId,
    ));
    if !viewer.led.is_empty() {
        any = any.add(evidence::Column::OwnerTeacherId.is_in(viewer.led.iter().copied()));
    }
    let mut all = Condition::all().add(any);
    if let Some(own) = viewer.own {
        all = all.add(
            evidence::Column::Id.not_in_subquery(
                Query::select()
                    .column(evidence_person::Column::EvidenceId)
                    .from(evidence_person::Entity)
                    .and_where(evidence_person::Column::TeacherId.eq(own))
                    .and_where(evidence_person::Column::Role.ne(PersonRole::Observed.code()))
                    .to_owned(),
            ),
        );
    }
    all
}

/// One teacher named on a record.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub teacher_id: i64,
    pub name: String,
    pub role: PersonRole,
}

/// A portfolio record.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub owner_teacher_id: i64,
    pub owner_name: String,
    pub kind: EvidenceKind,
    pub subtype: Option<String>,
    pub occurred_on: NaiveDate,
    pub semester: Semester,
    pub level: Option<Level>,
    pub title: String,
    pub text: Option<String>,
    pub details: Details,
    pub status: EvidenceStatus,
    pub status_reason: Option<String>,
    pub status_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attachments: u64,
}

impl Evidence {
    pub fn tenant(&self) -> Tenant {
        Tenant::school(self.district_id, self.school_id)
    }

    /// The record as input again (edit forms, exports).
    pub fn input(&self) -> EvidenceInput {
        EvidenceInput::from_draft(&EvidenceDraft {
            occurred_on: self.occurred_on,
            title: self.title.clone(),
            level: self.level,
            text: self.text.clone(),
            details: self.details.clone(),
        })
    }
}

pub(crate) fn term_of(code: i16) -> Term {
    if code == 2 { Term::Second } else { Term::First }
}

pub(crate) fn from_model(m: evidence::Model, owner_name: String, attachments: u64) -> Result<Evidence> {
    let details: Details = serde_json::from_str(&m.details)
        .map_err(|e| Error::Internal(format!("evidence {} details: {e}", m.id)))?;
    Ok(Evidence {
        id: m.id,
        district_id: m.district_id,
        school_id: m.school_id,
        owner_teacher_id: m.owner_teacher_id,
        owner_name,
        kind: details.kind(),
        subtype: m.subtype,
        occurred_on: m.occurred_on,
        semester: Semester {
            year: m.school_year,
            term: term_of(m.term),
        },
        level: m.level.as_deref().and_then(Level::from_code),
        title: m.title,
        text: m.body,
        details,
        status: EvidenceStatus::from_code(&m.status).unwrap_or(EvidenceStatus::Recorded),
        status_reason: m.status_reason,
        status_at: m.status_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
        attachments,
    })
}

pub(crate) async fn teacher_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    let mut out = HashMap::new();
    let ids: Vec<i64> = ids.into_iter().collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = teacher::Entity::find()
            .select_only()
            .column(teacher::Column::Id)
            .column(teacher::Column::Name)
            .filter(teacher::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

pub(crate) async fn attachment_counts<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, u64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i64>, i64)> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::EvidenceId)
        .column_as(attachment::Column::Id.count(), "n")
        .filter(attachment::Column::EvidenceId.is_in(ids.iter().copied()))
        .group_by(attachment::Column::EvidenceId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, n)| e.map(|e| (e, n as u64)))
        .collect())
}

pub(crate) async fn hydrate<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<evidence::Model>,
) -> Result<Vec<Evidence>> {
    let names = teacher_names(conn, rows.iter().map(|r| r.owner_teacher_id)).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts = attachment_counts(conn, &ids).await?;
    rows.into_iter()
        .map(|m| {
            let name = names.get(&m.owner_teacher_id).cloned().unwrap_or_default();
            let n = counts.get(&m.id).copied().unwrap_or(0);
            from_model(m, name, n)
        })
        .collect()
}

/// One entry of the verification history.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub action: String,
    pub reason: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A record with everything its page shows and what the caller may do.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceDetail {
    pub evidence: Evidence,
    pub people: Vec<Person>,
    pub observed_name: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    pub events: Vec<Event>,
    pub can_edit: bool,
    pub can_verify: bool,
}

pub(crate) struct Access {
    model: evidence::Model,
    people: Vec<evidence_person::Model>,
    viewer: Viewer,
}

impl Access {
    fn tenant(&self) -> Tenant {
        Tenant::school(self.model.district_id, self.model.school_id)
    }

    fn can_read(&self, scope: &Scope) -> bool {
        let related = self.viewer.related();
        scope.allows(Capability::ReadEvidence, self.tenant())
            || self.people.iter().any(|p| related.contains(&p.teacher_id))
    }

    fn is_own(&self) -> bool {
        self.people
            .iter()
            .any(|p| Some(p.teacher_id) == self.viewer.own && p.role != PersonRole::Observed.code())
    }

    fn can_edit(&self, scope: &Scope) -> bool {
        self.is_own() || scope.allows(Capability::ManageTeachers, self.tenant())
    }

    fn can_verify(&self, scope: &Scope) -> bool {
        !self.is_own()
            && (scope.allows(Capability::VerifyEvidence, self.tenant())
                || self.viewer.led.contains(&self.model.owner_teacher_id))
    }
}

pub(crate) async fn access<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    id: i64,
    today: NaiveDate,
) -> Result<Access> {
    let model = evidence::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let people = evidence_person::Entity::find()
        .filter(evidence_person::Column::EvidenceId.eq(id))
        .all(conn)
        .await?;
    let viewer = Viewer::load(conn, scope, today).await?;
    let a = Access {
        model,
        people,
        viewer,
    };
    if !a.can_read(scope) {
        return Err(Error::NotFound);
    }
    Ok(a)
}

/// Reads one record with its people, files and history.
pub async fn get(store: &Store, scope: &Scope, id: i64, today: NaiveDate) -> Result<EvidenceDetail> {
    let a = access(store.conn(), scope, id, today).await?;
    let can_edit = a.can_edit(scope);
    let can_verify = a.can_verify(scope);
    let mut ids: Vec<i64> = a.people.iter().map(|p| p.teacher_id).collect();
    ids.push(a.model.owner_teacher_id);
    let names = teacher_names(store.conn(), ids).await?;
    let people = a
        .people
        .iter()
        .map(|p| Person {
            teacher_id: p.teacher_id,
            name: names.get(&p.teacher_id).cloned().unwrap_or_default(),
            role: PersonRole::from_code(&p.role),
        })
        .collect();
    let attachments = crate::files::list_for(store.conn(), crate::files::Target::Evidence(id)).await?;
    let rows = evidence_event::Entity::find()
        .filter(evidence_event::Column::EvidenceId.eq(id))
        .order_by_asc(evidence_event::Column::At)
        .order_by_asc(evidence_event::Column::Id)
        .all(store.conn())
        .await?;
    // People by their names; the username kept at the time only when the
    // account is gone.
    let users = crate::audit::id_names::<crate::entity::user::Entity, _>(
        store.conn(),
        rows.iter().filter_map(|e| e.by_user_id).collect(),
        crate::entity::user::Column::Id,
        crate::entity::user::Column::DisplayName,
    )
    .await?;
    let events = rows
        .into_iter()
        .map(|e| Event {
            action: e.action,
            reason: e.reason,
            by: e
                .by_user_id
                .and_then(|u| users.get(&u).cloned())
                .unwrap_or(e.by_name),
            at: e.at,
        })
        .collect();
    let owner = names.get(&a.model.owner_teacher_id).cloned().unwrap_or_default();
    let n = attachments.len() as u64;
    let evidence = from_model(a.model, owner, n)?;
    let observed_name = match &evidence.details {
        Details::Observation {
            observed_teacher: Some(TeacherRef::Id { teacher_id }),
            ..
        } => names.get(teacher_id).cloned(),
        Details::Observation {
            observed_teacher: Some(TeacherRef::Name { name }),
            ..
        } => Some(name.clone()),
        _ => None,
    };
    Ok(EvidenceDetail {
        evidence,
        people,
        observed_name,
        attachments,
        events,
        can_edit,
        can_verify,
    })
}
