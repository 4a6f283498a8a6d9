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
fn visible(scope: &Scope, viewer: &Viewer) -> Condition {
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
fn verifiable(scope: &Scope, viewer: &Viewer) -> Condition {
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

fn term_of(code: i16) -> Term {
    if code == 2 { Term::Second } else { Term::First }
}

fn from_model(m: evidence::Model, owner_name: String, attachments: u64) -> Result<Evidence> {
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

async fn attachment_counts<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<HashMap<i64, u64>> {
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

async fn hydrate<C: ConnectionTrait>(conn: &C, rows: Vec<evidence::Model>) -> Result<Vec<Evidence>> {
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

/// Filters for lists of records.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    /// One teacher's portfolio (records they own, share or were observed in).
    pub teacher_id: Option<i64>,
    pub school_id: Option<i64>,
    pub kind: Option<EvidenceKind>,
    pub subtype: Option<String>,
    pub semester: Option<Semester>,
    pub school_year: Option<i32>,
    pub level: Option<Level>,
    pub status: Option<EvidenceStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only records waiting for the caller's verification.
    pub to_verify: bool,
}

fn apply_filter(mut c: Condition, f: &EvidenceFilter) -> Condition {
    if let Some(t) = f.teacher_id {
        c = c.add(
            evidence::Column::Id.in_subquery(
                Query::select()
                    .column(evidence_person::Column::EvidenceId)
                    .from(evidence_person::Entity)
                    .and_where(evidence_person::Column::TeacherId.eq(t))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = f.school_id {
        c = c.add(evidence::Column::SchoolId.eq(s));
    }
    if let Some(k) = f.kind {
        c = c.add(evidence::Column::Kind.eq(k.code()));
    }
    if let Some(s) = f.subtype.as_deref().filter(|s| !s.is_empty()) {
        c = c.add(evidence::Column::Subtype.eq(s));
    }
    if let Some(s) = f.semester {
        c = c
            .add(evidence::Column::SchoolYear.eq(s.year))
            .add(evidence::Column::Term.eq(crate::calendar::term_code(s.term)));
    }
    if let Some(y) = f.school_year {
        c = c.add(evidence::Column::SchoolYear.eq(y));
    }
    if let Some(l) = f.level {
        c = c.add(evidence::Column::Level.eq(l.code()));
    }
    if let Some(s) = f.status {
        c = c.add(evidence::Column::Status.eq(s.code()));
    }
    if let Some(d) = f.from {
        c = c.add(evidence::Column::OccurredOn.gte(d));
    }
    if let Some(d) = f.to {
        c = c.add(evidence::Column::OccurredOn.lte(d));
    }
    c
}

/// Lists records the caller may see, newest first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &EvidenceFilter,
    page: PageRequest,
    today: NaiveDate,
) -> Result<Paged<Evidence>> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    let mut cond = Condition::all().add(visible(scope, &viewer));
    if filter.to_verify {
        cond = cond
            .add(verifiable(scope, &viewer))
            .add(evidence::Column::Status.eq(EvidenceStatus::Recorded.code()));
    }
    let cond = apply_filter(cond, filter);
    let q = evidence::Entity::find().filter(cond);
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .order_by_desc(evidence::Column::OccurredOn)
        .order_by_desc(evidence::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(store.conn())
        .await?;
    Ok(Paged {
        items: hydrate(store.conn(), rows).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// How many records wait for the caller's verification.
pub async fn pending_count(store: &Store, scope: &Scope, today: NaiveDate) -> Result<u64> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    if viewer.led.is_empty() && scope.access().tenants(Capability::VerifyEvidence).is_empty() {
        return Ok(0);
    }
    Ok(evidence::Entity::find()
        .filter(verifiable(scope, &viewer))
        .filter(evidence::Column::Status.eq(EvidenceStatus::Recorded.code()))
        .count(store.conn())
        .await?)
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

struct Access {
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

async fn access<C: ConnectionTrait>(conn: &C, scope: &Scope, id: i64, today: NaiveDate) -> Result<Access> {
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
    let events = evidence_event::Entity::find()
        .filter(evidence_event::Column::EvidenceId.eq(id))
        .order_by_asc(evidence_event::Column::At)
        .order_by_asc(evidence_event::Column::Id)
        .all(store.conn())
        .await?
        .into_iter()
        .map(|e| Event {
            action: e.action,
            reason: e.reason,
            by: e.by_name,
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

/// The owner's teacher row, checked: the caller records for themselves, or
/// manages the owner's school.
async fn owner_for_write<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    viewer: &Viewer,
    owner_id: i64,
) -> Result<teacher::Model> {
    let t = teacher::Entity::find_by_id(owner_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if viewer.own == Some(t.id) {
        return Ok(t);
    }
    scope
        .require(Capability::ManageTeachers, tenant)
        .map_err(|e| match e {
            // Seeing a colleague's records does not reveal more than that.
            Error::Forbidden if !scope.allows(Capability::ReadTeachers, tenant) => Error::NotFound,
            e => e,
        })?;
    Ok(t)
}

/// Checks that the named colleagues exist in the owner's district; returns
/// the people rows to write.
async fn people_for<C: ConnectionTrait>(
    conn: &C,
    owner: &teacher::Model,
    co_owners: &[i64],
    draft: &EvidenceDraft,
) -> Result<Vec<(i64, PersonRole)>> {
    let mut out = vec![(owner.id, PersonRole::Owner)];
    let mut wanted: Vec<(i64, PersonRole, &'static str)> = co_owners
        .iter()
        .filter(|id| **id != owner.id)
        .map(|id| (*id, PersonRole::CoOwner, "co_owners"))
        .collect();
    if co_owners.len() > 50 {
        return Err(FieldError::new("co_owners", "too_many").with("max", 50).into());
    }
    if let Some(o) = draft.details.observed_teacher_id() {
        if o == owner.id {
            return Err(FieldError::new("observed_teacher", "not_yourself").into());
        }
        wanted.push((o, PersonRole::Observed, "observed_teacher"));
    }
    for (id, role, field) in wanted {
        if out.iter().any(|(t, _)| *t == id) {
            continue;
        }
        let ok = teacher::Entity::find_by_id(id)
            .filter(teacher::Column::DistrictId.eq(owner.district_id))
            .filter(teacher::Column::Active.eq(true))
            .one(conn)
            .await?
            .is_some();
        if !ok {
            return Err(FieldError::new(field, "unknown_teacher").with("value", id).into());
        }
        out.push((id, role));
    }
    Ok(out)
}

async fn write_people<C: ConnectionTrait>(
    conn: &C,
    evidence_id: i64,
    tenant: (i64, i64),
    people: &[(i64, PersonRole)],
) -> Result<()> {
    evidence_person::Entity::delete_many()
        .filter(evidence_person::Column::EvidenceId.eq(evidence_id))
        .exec(conn)
        .await?;
    let rows = people.iter().map(|(t, r)| evidence_person::ActiveModel {
        district_id: Set(tenant.0),
        school_id: Set(tenant.1),
        evidence_id: Set(evidence_id),
        teacher_id: Set(*t),
        role: Set(r.code().to_string()),
        ..Default::default()
    });
    evidence_person::Entity::insert_many(rows).exec(conn).await?;
    Ok(())
}

async fn event<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    m: &evidence::Model,
    action: &str,
    reason: Option<String>,
) -> Result<()> {
    evidence_event::ActiveModel {
        district_id: Set(m.district_id),
        school_id: Set(m.school_id),
        evidence_id: Set(m.id),
        action: Set(action.to_string()),
        reason: Set(reason),
        by_user_id: Set(scope.user_id()),
        by_name: Set(scope.actor().username.chars().take(64).collect()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

fn audit_json(m: &evidence::Model) -> serde_json::Value {
    json!({
        "owner_teacher_id": m.owner_teacher_id,
        "kind": m.kind,
        "subtype": m.subtype,
        "occurred_on": m.occurred_on,
        "level": m.level,
        "title": m.title,
        "text": m.body,
        "details": serde_json::from_str::<serde_json::Value>(&m.details).unwrap_or_default(),
        "status": m.status,
        "status_reason": m.status_reason,
    })
}

fn parse(input: &EvidenceInput) -> Result<EvidenceDraft> {
    input.parse().map_err(Error::InvalidAll)
}

async fn semester_for<C: ConnectionTrait>(
    conn: &C,
    district: i64,
    school: i64,
    d: NaiveDate,
) -> Result<Semester> {
    Ok(crate::calendar::load(conn, district, Some(school))
        .await?
        .semester_of(d))
}

/// Records a piece of evidence in `owner_id`'s portfolio.
pub async fn create(
    store: &Store,
    scope: &Scope,
    owner_id: i64,
    input: &EvidenceInput,
    co_owners: &[i64],
    today: NaiveDate,
) -> Result<Evidence> {
    let txn = store.begin().await?;
    let id = create_in(&txn, scope, owner_id, input, co_owners, today).await?;
    txn.commit().await?;
    let m = evidence::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(hydrate(store.conn(), vec![m]).await?.remove(0))
}

/// [`create`] inside a caller's transaction (imports write many at once).
pub(crate) async fn create_in<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    owner_id: i64,
    input: &EvidenceInput,
    co_owners: &[i64],
    today: NaiveDate,
) -> Result<i64> {
    let viewer = Viewer::load(conn, scope, today).await?;
    let owner = owner_for_write(conn, scope, &viewer, owner_id).await?;
    let draft = parse(input)?;
    if draft.occurred_on > today + chrono::Days::new(366) {
        return Err(FieldError::new("date", "too_far_ahead").into());
    }
    let people = people_for(conn, &owner, co_owners, &draft).await?;
    let sem = semester_for(conn, owner.district_id, owner.school_id, draft.occurred_on).await?;
    let now = Utc::now();
    let m = evidence::ActiveModel {
        district_id: Set(owner.district_id),
        school_id: Set(owner.school_id),
        owner_teacher_id: Set(owner.id),
        kind: Set(draft.details.kind().code().to_string()),
        subtype: Set(draft.details.subtype().map(str::to_string)),
        occurred_on: Set(draft.occurred_on),
        school_year: Set(sem.year),
        term: Set(crate::calendar::term_code(sem.term)),
        level: Set(draft.level.map(|l| l.code().to_string())),
        title: Set(draft.title.clone()),
        body: Set(draft.text.clone()),
        details: Set(serde_json::to_string(&draft.details).map_err(|e| Error::Internal(e.to_string()))?),
        status: Set(EvidenceStatus::Recorded.code().to_string()),
        status_reason: Set(None),
        status_by: Set(None),
        status_at: Set(None),
        created_by: Set(scope.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    write_people(conn, m.id, (m.district_id, m.school_id), &people).await?;
    event(conn, scope, &m, "recorded", None).await?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action: "evidence.create",
            entity_type: "evidence",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: None,
            after: Some(audit_json(&m)),
        },
    )
    .await?;
    Ok(m.id)
}

/// Changes a record. A verified or rejected record goes back to recorded
/// and waits for verification again.
pub async fn update(
    store: &Store,
    scope: &Scope,
    id: i64,
    input: &EvidenceInput,
    co_owners: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Evidence> {
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_edit(scope) {
        return Err(Error::Forbidden);
    }
    let mut input = input.clone();
    if input.kind != EvidenceKind::from_code(&a.model.kind).unwrap_or(input.kind) {
        return Err(FieldError::new("kind", "cannot_change").into());
    }
    input.kind = EvidenceKind::from_code(&a.model.kind).unwrap_or(input.kind);
    let draft = parse(&input)?;
    let owner = teacher::Entity::find_by_id(a.model.owner_teacher_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let current_co: Vec<i64> = a
        .people
        .iter()
        .filter(|p| p.role == PersonRole::CoOwner.code())
        .map(|p| p.teacher_id)
        .collect();
    let people = people_for(&txn, &owner, co_owners.unwrap_or(&current_co), &draft).await?;
    let sem = semester_for(&txn, a.model.district_id, a.model.school_id, draft.occurred_on).await?;
    let before = a.model.clone();
    let was = EvidenceStatus::from_code(&before.status).unwrap_or(EvidenceStatus::Recorded);
    let mut am = a.model.clone().into_active_model();
    am.subtype = Set(draft.details.subtype().map(str::to_string));
    am.occurred_on = Set(draft.occurred_on);
    am.school_year = Set(sem.year);
    am.term = Set(crate::calendar::term_code(sem.term));
    am.level = Set(draft.level.map(|l| l.code().to_string()));
    am.title = Set(draft.title.clone());
    am.body = Set(draft.text.clone());
    am.details = Set(serde_json::to_string(&draft.details).map_err(|e| Error::Internal(e.to_string()))?);
    am.status = Set(EvidenceStatus::Recorded.code().to_string());
    am.status_reason = Set(None);
    am.status_by = Set(None);
    am.status_at = Set(None);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    write_people(&txn, m.id, (m.district_id, m.school_id), &people).await?;
    let action = if was == EvidenceStatus::Recorded {
        "edited"
    } else {
        "reopened"
    };
    event(&txn, scope, &m, action, None).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "evidence.update",
            entity_type: "evidence",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(audit_json(&before)),
            after: Some(audit_json(&m)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(hydrate(store.conn(), vec![m]).await?.remove(0))
}

/// Deletes a record and its attachments; files no other record uses are
/// removed from disk.
pub async fn delete(store: &Store, scope: &Scope, id: i64, today: NaiveDate) -> Result<()> {
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_edit(scope) {
        return Err(Error::Forbidden);
    }
    let file_ids: Vec<i64> = attachment::Entity::find()
        .filter(attachment::Column::EvidenceId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|x| x.file_id)
        .collect();
    attachment::Entity::delete_many()
        .filter(attachment::Column::EvidenceId.eq(id))
        .exec(&txn)
        .await?;
    evidence::Entity::delete_by_id(id).exec(&txn).await?;
    let gone = crate::files::drop_unused(&txn, &file_ids).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "evidence.delete",
            entity_type: "evidence",
            entity_id: Some(id.to_string()),
            tenant: a.tenant(),
            before: Some(audit_json(&a.model)),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    store.remove_blobs(store.conn(), gone).await;
    Ok(())
}

async fn set_status<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    a: Access,
    to: EvidenceStatus,
    reason: Option<String>,
) -> Result<()> {
    if !a.can_verify(scope) {
        return Err(if a.is_own() {
            Error::Invalid(FieldError::new("status", "own_record"))
        } else {
            Error::Forbidden
        });
    }
    let before = a.model.clone();
    let mut am = a.model.into_active_model();
    am.status = Set(to.code().to_string());
    am.status_reason = Set(reason.clone());
    am.status_by = Set(scope.user_id());
    am.status_at = Set(Some(Utc::now()));
    let m = am.update(conn).await?;
    event(conn, scope, &m, to.code(), reason).await?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action: if to == EvidenceStatus::Verified {
                "evidence.verify"
            } else {
                "evidence.reject"
            },
            entity_type: "evidence",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(json!({ "status": before.status, "status_reason": before.status_reason })),
            after: Some(json!({ "status": m.status, "status_reason": m.status_reason })),
        },
    )
    .await?;
    Ok(())
}

/// What a verification did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Records that became verified.
    pub verified: u64,
    /// Records that already were (left as they are).
    pub already: u64,
}

/// Verifies records; all or nothing. Already verified records are left as
/// they are and counted apart.
pub async fn verify(store: &Store, scope: &Scope, ids: &[i64], today: NaiveDate) -> Result<Verified> {
    if ids.is_empty() {
        return Err(FieldError::new("ids", "required").into());
    }
    if ids.len() > 500 {
        return Err(FieldError::new("ids", "too_many").with("max", 500).into());
    }
    let txn = store.begin().await?;
    let mut n = Verified::default();
    for id in ids.iter().copied().collect::<BTreeSet<_>>() {
        let a = access(&txn, scope, id, today).await?;
        if a.model.status == EvidenceStatus::Verified.code() {
            n.already += 1;
            continue;
        }
        set_status(&txn, scope, a, EvidenceStatus::Verified, None).await?;
        n.verified += 1;
    }
    txn.commit().await?;
    Ok(n)
}

/// Rejects a record with a reason the teacher sees.
pub async fn reject(store: &Store, scope: &Scope, id: i64, reason: &str, today: NaiveDate) -> Result<()> {
    let reason = lingyan_domain::evidence::check_rejection_reason(reason)?;
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    set_status(&txn, scope, a, EvidenceStatus::Rejected, Some(reason)).await?;
    txn.commit().await?;
    Ok(())
}

/// Can the caller add records for this teacher (their own, or as a manager
/// of the teacher's school)?
pub async fn may_record_for(store: &Store, scope: &Scope, teacher_id: i64, today: NaiveDate) -> Result<bool> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    Ok(owner_for_write(store.conn(), scope, &viewer, teacher_id)
        .await
        .is_ok())
}

/// Whether the caller may see this teacher's portfolio.
pub async fn may_view_portfolio(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<bool> {
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    Ok(scope.allows(
        Capability::ReadEvidence,
        Tenant::school(t.district_id, t.school_id),
    ) || viewer.related().contains(&teacher_id))
}

/// One cell of the school counts: records of a kind at a level in a
/// semester.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CountCell {
    pub kind: EvidenceKind,
    pub level: Option<Level>,
    pub semester: Semester,
    pub total: u64,
    pub verified: u64,
}

/// Counts of records by kind × level × semester for a school (or, for
/// district roles, every school they see), optionally for one school year.
pub async fn counts(
    store: &Store,
    scope: &Scope,
    school_id: Option<i64>,
    school_year: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<CountCell>> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    let mut cond = Condition::all().add(visible(scope, &viewer));
    if let Some(s) = school_id {
        cond = cond.add(evidence::Column::SchoolId.eq(s));
    }
    if let Some(y) = school_year {
        cond = cond.add(evidence::Column::SchoolYear.eq(y));
    }
    let rows: Vec<(String, Option<String>, i32, i16, String, i64)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::Kind)
        .column(evidence::Column::Level)
        .column(evidence::Column::SchoolYear)
        .column(evidence::Column::Term)
        .column(evidence::Column::Status)
        .column_as(evidence::Column::Id.count(), "n")
        .filter(cond)
        .group_by(evidence::Column::Kind)
        .group_by(evidence::Column::Level)
        .group_by(evidence::Column::SchoolYear)
        .group_by(evidence::Column::Term)
        .group_by(evidence::Column::Status)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut cells: BTreeMap<(EvidenceKind, Option<Level>, Semester), (u64, u64)> = BTreeMap::new();
    for (kind, level, year, term, status, n) in rows {
        let Some(kind) = EvidenceKind::from_code(&kind) else {
            continue;
        };
        let key = (
            kind,
            level.as_deref().and_then(Level::from_code),
            Semester {
                year,
                term: term_of(term),
            },
        );
        let e = cells.entry(key).or_default();
        e.0 += n as u64;
        if status == EvidenceStatus::Verified.code() {
            e.1 += n as u64;
        }
    }
    Ok(cells
        .into_iter()
        .map(|((kind, level, semester), (total, verified))| CountCell {
            kind,
            level,
            semester,
            total,
            verified,
        })
        .collect())
}

/// Whose portfolio a page shows, and what the caller may do there.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioOwner {
    pub teacher_id: i64,
    pub name: String,
    pub district_id: i64,
    pub school_id: i64,
    pub school_name: String,
    /// The caller's own portfolio.
    pub is_self: bool,
    /// The caller may add records here.
    pub can_record: bool,
}

/// The teacher behind a portfolio the caller may see (not found otherwise).
pub async fn portfolio_owner(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<PortfolioOwner> {
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    if !(scope.allows(Capability::ReadEvidence, tenant) || viewer.related().contains(&teacher_id)) {
        return Err(Error::NotFound);
    }
    let school_name = crate::entity::school::Entity::find_by_id(t.school_id)
        .one(store.conn())
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let is_self = viewer.own == Some(t.id);
    Ok(PortfolioOwner {
        teacher_id: t.id,
        name: t.name,
        district_id: t.district_id,
        school_id: t.school_id,
        school_name,
        is_self,
        can_record: is_self || scope.allows(Capability::ManageTeachers, tenant),
    })
}

/// The caller's own teacher record, if their account is linked to one.
pub async fn own_teacher_id(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Option<i64>> {
    Ok(Viewer::load(store.conn(), scope, today).await?.own)
}

/// Active teachers of the owner's school (for choosing co-owners and the
/// observed teacher), by name.
pub async fn colleagues(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<Vec<(i64, String)>> {
    let owner = portfolio_owner(store, scope, teacher_id, today).await?;
    Ok(teacher::Entity::find()
        .select_only()
        .column(teacher::Column::Id)
        .column(teacher::Column::Name)
        .filter(teacher::Column::SchoolId.eq(owner.school_id))
        .filter(teacher::Column::Active.eq(true))
        .filter(teacher::Column::Id.ne(teacher_id))
        .order_by_asc(teacher::Column::Name)
        .into_tuple()
        .all(store.conn())
        .await?)
}

/// How many of a teacher's records are in each state (recorded, verified,
/// rejected), for the home page.
pub async fn status_counts(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<[u64; 3]> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    let cond = apply_filter(
        Condition::all().add(visible(scope, &viewer)),
        &EvidenceFilter {
            teacher_id: Some(teacher_id),
            ..Default::default()
        },
    );
    let rows: Vec<(String, i64)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::Status)
        .column_as(evidence::Column::Id.count(), "n")
        .filter(cond)
        .group_by(evidence::Column::Status)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut out = [0u64; 3];
    for (s, n) in rows {
        let i = match EvidenceStatus::from_code(&s) {
            Some(EvidenceStatus::Recorded) => 0,
            Some(EvidenceStatus::Verified) => 1,
            Some(EvidenceStatus::Rejected) => 2,
            None => continue,
        };
        out[i] = n as u64;
    }
    Ok(out)
}
