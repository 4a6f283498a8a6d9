//! Research projects (课题): title, level, host and members, and the
//! lifecycle 申报 → 立项 → 中期 → 结题 → 鉴定 with a date, a note and
//! documents per stage. Members see the project in their portfolios; it is
//! verified like a portfolio record.

use crate::audit::{self, Change};
use crate::entity::{project_member, project_stage, research_project, teacher};
use crate::evidence::Over;
use crate::viewer::Viewer;
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::dates::parse_date;
use lingyan_domain::{Capability, EvidenceStatus, FieldError, Level, ProjectRole, ProjectStage, Tenant};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A project member.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub teacher_id: i64,
    pub name: String,
    pub role: ProjectRole,
}

/// One stage reached.
#[derive(Debug, Clone, Serialize)]
pub struct StageRecord {
    pub stage: ProjectStage,
    pub on_date: NaiveDate,
    pub note: Option<String>,
}

/// A research project.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub title: String,
    pub level: Level,
    pub number: Option<String>,
    pub text: Option<String>,
    pub stage: ProjectStage,
    pub status: EvidenceStatus,
    pub status_reason: Option<String>,
    pub members: Vec<Member>,
    pub stages: Vec<StageRecord>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    pub fn tenant(&self) -> Tenant {
        Tenant::school(self.district_id, self.school_id)
    }

    pub fn host(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.role == ProjectRole::Host)
    }

    /// The date a stage was reached, if it was.
    pub fn stage_date(&self, s: ProjectStage) -> Option<NaiveDate> {
        self.stages.iter().find(|x| x.stage == s).map(|x| x.on_date)
    }
}

/// A project with what the caller may do to it.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectDetail {
    pub project: Project,
    pub can_edit: bool,
    pub can_verify: bool,
    pub attachments: Vec<crate::files::AttachmentInfo>,
}

/// Raw input for a project.
#[derive(Debug, Clone, Default)]
pub struct ProjectInput {
    pub title: String,
    pub level: String,
    pub number: String,
    pub text: String,
    /// The date of application (申报).
    pub applied_on: String,
    pub host_teacher_id: i64,
    pub members: Vec<i64>,
}

struct Parsed {
    title: String,
    level: Level,
    number: Option<String>,
    text: Option<String>,
    applied_on: NaiveDate,
}

fn trimmed(field: &'static str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    Ok(Some(t.to_string()))
}

impl ProjectInput {
    fn parse(&self) -> Result<Parsed> {
        let mut errors = Vec::new();
        let title = trimmed("project_title", &self.title, 200)
            .and_then(|t| t.ok_or_else(|| FieldError::new("project_title", "required")))
            .map_err(|e| errors.push(e))
            .ok();
        let level = if self.level.trim().is_empty() {
            errors.push(FieldError::new("level", "required"));
            None
        } else {
            Level::parse("level", &self.level)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let number = trimmed("number", &self.number, 64)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let text = trimmed("text", &self.text, 20_000)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let applied_on = if self.applied_on.trim().is_empty() {
            errors.push(FieldError::new("applied_on", "required"));
            None
        } else {
            parse_date("applied_on", &self.applied_on)
                .map_err(|e| errors.push(e))
                .ok()
        };
        if self.members.len() > 50 {
            errors.push(FieldError::new("members", "too_many").with("max", 50));
        }
        match (title, level, applied_on) {
            (Some(title), Some(level), Some(applied_on)) if errors.is_empty() => Ok(Parsed {
                title,
                level,
                number,
                text,
                applied_on,
            }),
            _ => Err(Error::InvalidAll(errors)),
        }
    }
}

async fn hydrate<C: ConnectionTrait>(conn: &C, rows: Vec<research_project::Model>) -> Result<Vec<Project>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let members = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(project_member::Column::Id)
        .all(conn)
        .await?;
    let stages = project_stage::Entity::find()
        .filter(project_stage::Column::ProjectId.is_in(ids))
        .order_by_asc(project_stage::Column::OnDate)
        .all(conn)
        .await?;
    let names: HashMap<i64, String> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(members.iter().map(|m| m.teacher_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|m| {
            let mut ms: Vec<Member> = members
                .iter()
                .filter(|x| x.project_id == m.id)
                .map(|x| Member {
                    teacher_id: x.teacher_id,
                    name: names.get(&x.teacher_id).cloned().unwrap_or_default(),
                    role: ProjectRole::from_code(&x.role).unwrap_or(ProjectRole::Member),
                })
                .collect();
            ms.sort_by_key(|x| x.role != ProjectRole::Host);
            Project {
                id: m.id,
                district_id: m.district_id,
                school_id: m.school_id,
                level: Level::from_code(&m.level).unwrap_or(Level::School),
                number: m.number,
                text: m.body,
                stage: ProjectStage::from_code(&m.stage).unwrap_or(ProjectStage::Applied),
                status: EvidenceStatus::from_code(&m.status).unwrap_or(EvidenceStatus::Recorded),
                status_reason: m.status_reason,
                members: ms,
                stages: stages
                    .iter()
                    .filter(|s| s.project_id == m.id)
                    .filter_map(|s| {
                        Some(StageRecord {
                            stage: ProjectStage::from_code(&s.stage)?,
                            on_date: s.on_date,
                            note: s.note.clone(),
                        })
                    })
                    .collect(),
                title: m.title,
                created_at: m.created_at,
                updated_at: m.updated_at,
            }
        })
        .collect())
}

fn visible(scope: &Scope, viewer: &Viewer) -> Condition {
    let mut any = Condition::any().add(scope.condition(
        Capability::ReadEvidence,
        research_project::Column::DistrictId,
        research_project::Column::SchoolId,
    ));
    let related = viewer.related();
    if !related.is_empty() {
        any = any.add(
            research_project::Column::Id.in_subquery(
                Query::select()
                    .column(project_member::Column::ProjectId)
                    .from(project_member::Entity)
                    .and_where(project_member::Column::TeacherId.is_in(related))
                    .to_owned(),
            ),
        );
    }
    any
}

/// Projects the caller sees, of one teacher (as host or member) or one
/// school, newest first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    teacher_id: Option<i64>,
    school_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<Project>> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    // One teacher's projects are kept until their school changes (every
    // change to a project moves its members' schools on).
    let kept = match (teacher_id, school_id) {
        (Some(t), None) => {
            match crate::evidence::kept_or(store, scope, &viewer, "projects", Over::TeacherOf(t), &t, today)
                .await?
            {
                Ok(p) => return Ok(p),
                Err(at) => at,
            }
        }
        _ => None,
    };
    let mut q = research_project::Entity::find().filter(visible(scope, &viewer));
    if let Some(t) = teacher_id {
        q = q.filter(
            research_project::Column::Id.in_subquery(
                Query::select()
                    .column(project_member::Column::ProjectId)
                    .from(project_member::Entity)
                    .and_where(project_member::Column::TeacherId.eq(t))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = school_id {
        q = q.filter(research_project::Column::SchoolId.eq(s));
    }
    let rows = q
        .order_by_desc(research_project::Column::CreatedAt)
        .order_by_desc(research_project::Column::Id)
        .all(store.conn())
        .await?;
    let projects = hydrate(store.conn(), rows).await?;
    crate::evidence::keep(store, kept, projects.clone());
    Ok(projects)
}

struct Access {
    project: Project,
    viewer: Viewer,
}

impl Access {
    fn is_member(&self) -> bool {
        self.project
            .members
            .iter()
            .any(|m| Some(m.teacher_id) == self.viewer.own)
    }

    fn can_edit(&self, scope: &Scope) -> bool {
        self.project
            .host()
            .is_some_and(|h| Some(h.teacher_id) == self.viewer.own)
            || scope.allows(Capability::ManageTeachers, self.project.tenant())
    }

    fn can_verify(&self, scope: &Scope) -> bool {
        !self.is_member()
            && (scope.allows(Capability::VerifyEvidence, self.project.tenant())
                || self
                    .project
                    .host()
                    .is_some_and(|h| self.viewer.led.contains(&h.teacher_id)))
    }
}

async fn access<C: ConnectionTrait>(conn: &C, scope: &Scope, id: i64, today: NaiveDate) -> Result<Access> {
    let m = research_project::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let project = hydrate(conn, vec![m]).await?.remove(0);
    let viewer = Viewer::load(conn, scope, today).await?;
    let related = viewer.related();
    if !(scope.allows(Capability::ReadEvidence, project.tenant())
        || project.members.iter().any(|m| related.contains(&m.teacher_id)))
    {
        return Err(Error::NotFound);
    }
    Ok(Access { project, viewer })
}

/// One project with the caller's permissions.
pub async fn get(store: &Store, scope: &Scope, id: i64, today: NaiveDate) -> Result<ProjectDetail> {
    let a = access(store.conn(), scope, id, today).await?;
    Ok(ProjectDetail {
        can_edit: a.can_edit(scope),
        can_verify: a.can_verify(scope),
        attachments: crate::files::list_for(store.conn(), crate::files::Target::Project(id)).await?,
        project: a.project,
    })
}

async fn check_members<C: ConnectionTrait>(
    conn: &C,
    host: &teacher::Model,
    members: &[i64],
) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for id in members.iter().copied() {
        if id == host.id || out.contains(&id) {
            continue;
        }
        let ok = teacher::Entity::find_by_id(id)
            .filter(teacher::Column::DistrictId.eq(host.district_id))
            .filter(teacher::Column::Active.eq(true))
            .one(conn)
            .await?
            .is_some();
        if !ok {
            return Err(FieldError::new("members", "unknown_teacher")
                .with("value", id)
                .into());
        }
        out.push(id);
    }
    Ok(out)
}

async fn write_members<C: ConnectionTrait>(
    conn: &C,
    p: &research_project::Model,
    host: i64,
    members: &[i64],
) -> Result<()> {
    // Members taken off the project: their schools' pages no longer show it.
    let old: Vec<i64> = project_member::Entity::find()
        .select_only()
        .column(project_member::Column::TeacherId)
        .filter(project_member::Column::ProjectId.eq(p.id))
        .into_tuple()
        .all(conn)
        .await?;
    audit::touch_schools_of(conn, &old, p.school_id).await?;
    project_member::Entity::delete_many()
        .filter(project_member::Column::ProjectId.eq(p.id))
        .exec(conn)
        .await?;
    let rows = std::iter::once((host, ProjectRole::Host))
        .chain(members.iter().map(|m| (*m, ProjectRole::Member)))
        .map(|(t, r)| project_member::ActiveModel {
            district_id: Set(p.district_id),
            school_id: Set(p.school_id),
            project_id: Set(p.id),
            teacher_id: Set(t),
            role: Set(r.code().to_string()),
            ..Default::default()
        });
    project_member::Entity::insert_many(rows).exec(conn).await?;
    Ok(())
}

/// Registers a project at the application stage. The host is the caller's
/// own teacher record, or any teacher of a school the caller manages.
pub async fn create(store: &Store, scope: &Scope, input: &ProjectInput, today: NaiveDate) -> Result<Project> {
    let p = input.parse()?;
    let txn = store.begin().await?;
    let viewer = Viewer::load(&txn, scope, today).await?;
    let host = teacher::Entity::find_by_id(input.host_teacher_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("host", "unknown_teacher").with("value", input.host_teacher_id))
        })?;
    let tenant = Tenant::school(host.district_id, host.school_id);
    if viewer.own != Some(host.id) {
        scope.require(Capability::ManageTeachers, tenant)?;
    }
    let members = check_members(&txn, &host, &input.members).await?;
    let now = Utc::now();
    let m = research_project::ActiveModel {
        district_id: Set(host.district_id),
        school_id: Set(host.school_id),
        title: Set(p.title),
        level: Set(p.level.code().to_string()),
        number: Set(p.number),
        body: Set(p.text),
        stage: Set(ProjectStage::Applied.code().to_string()),
        status: Set(EvidenceStatus::Recorded.code().to_string()),
        status_reason: Set(None),
        created_by: Set(scope.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_members(&txn, &m, host.id, &members).await?;
    project_stage::ActiveModel {
        district_id: Set(m.district_id),
        school_id: Set(m.school_id),
        project_id: Set(m.id),
        stage: Set(ProjectStage::Applied.code().to_string()),
        on_date: Set(p.applied_on),
        note: Set(None),
        by_user_id: Set(scope.user_id()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "project.create",
            entity_type: "research_project",
            entity_id: Some(m.id.to_string()),
            tenant,
            before: None,
            after: Some(json!({ "title": m.title, "level": m.level, "host": host.id, "members": members })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(get(store, scope, m.id, today).await?.project)
}

/// Moves a project to its next stage on a date, with a note. Stages follow
/// in order and their dates never go backwards.
pub async fn advance(
    store: &Store,
    scope: &Scope,
    id: i64,
    stage: &str,
    on_date: &str,
    note: &str,
    today: NaiveDate,
) -> Result<Project> {
    let stage = ProjectStage::parse("stage", stage)?;
    let on = parse_date("on_date", on_date)?;
    let note = trimmed("note", note, 500)?;
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_edit(scope) {
        return Err(Error::Forbidden);
    }
    let current = a.project.stage;
    if current.next() != Some(stage) {
        return Err(FieldError::new("stage", "not_next_stage")
            .with("value", stage.zh())
            .into());
    }
    if let Some(last) = a.project.stages.iter().map(|s| s.on_date).max()
        && on < last
    {
        return Err(FieldError::new("on_date", "before_previous_stage")
            .with("value", last)
            .into());
    }
    if on > today {
        return Err(FieldError::new("on_date", "in_future").with("value", on).into());
    }
    project_stage::ActiveModel {
        district_id: Set(a.project.district_id),
        school_id: Set(a.project.school_id),
        project_id: Set(id),
        stage: Set(stage.code().to_string()),
        on_date: Set(on),
        note: Set(note.clone()),
        by_user_id: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let m = research_project::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut am = m.into_active_model();
    am.stage = Set(stage.code().to_string());
    // A new stage is a new claim: it waits for verification again.
    am.status = Set(EvidenceStatus::Recorded.code().to_string());
    am.status_reason = Set(None);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "project.stage",
            entity_type: "research_project",
            entity_id: Some(id.to_string()),
            tenant: a.project.tenant(),
            before: Some(json!({ "stage": current.code() })),
            after: Some(json!({ "stage": stage.code(), "on_date": on, "note": note })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(get(store, scope, id, today).await?.project)
}

/// Changes title, level, number, text and members (the host stays).
pub async fn update(
    store: &Store,
    scope: &Scope,
    id: i64,
    input: &ProjectInput,
    today: NaiveDate,
) -> Result<Project> {
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_edit(scope) {
        return Err(Error::Forbidden);
    }
    let mut input = input.clone();
    if input.applied_on.trim().is_empty() {
        input.applied_on = a
            .project
            .stage_date(ProjectStage::Applied)
            .map(|d| d.to_string())
            .unwrap_or_default();
    }
    let p = input.parse()?;
    let host_id = a.project.host().map(|h| h.teacher_id).ok_or(Error::NotFound)?;
    let host = teacher::Entity::find_by_id(host_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let members = check_members(&txn, &host, &input.members).await?;
    let m = research_project::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before = json!({ "title": m.title, "level": m.level, "number": m.number });
    let mut am = m.into_active_model();
    am.title = Set(p.title);
    am.level = Set(p.level.code().to_string());
    am.number = Set(p.number);
    am.body = Set(p.text);
    am.status = Set(EvidenceStatus::Recorded.code().to_string());
    am.status_reason = Set(None);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    write_members(&txn, &m, host_id, &members).await?;
    project_stage::Entity::update_many()
        .col_expr(
            project_stage::Column::OnDate,
            sea_orm::sea_query::Expr::value(p.applied_on),
        )
        .filter(project_stage::Column::ProjectId.eq(id))
        .filter(project_stage::Column::Stage.eq(ProjectStage::Applied.code()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "project.update",
            entity_type: "research_project",
            entity_id: Some(id.to_string()),
            tenant: a.project.tenant(),
            before: Some(before),
            after: Some(
                json!({ "title": m.title, "level": m.level, "number": m.number, "members": members }),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(get(store, scope, id, today).await?.project)
}

/// Verifies or rejects (with a reason) a project's current stage.
pub async fn set_status(
    store: &Store,
    scope: &Scope,
    id: i64,
    to: EvidenceStatus,
    reason: &str,
    today: NaiveDate,
) -> Result<Project> {
    let reason = match to {
        EvidenceStatus::Rejected => Some(lingyan_domain::evidence::check_rejection_reason(reason)?),
        EvidenceStatus::Verified => None,
        EvidenceStatus::Recorded => return Err(FieldError::new("status", "verify_or_reject").into()),
    };
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_verify(scope) {
        return Err(if a.is_member() {
            Error::Invalid(FieldError::new("status", "own_record"))
        } else {
            Error::Forbidden
        });
    }
    let m = research_project::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before = json!({ "status": m.status });
    let mut am = m.into_active_model();
    am.status = Set(to.code().to_string());
    am.status_reason = Set(reason.clone());
    am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: if to == EvidenceStatus::Verified {
                "project.verify"
            } else {
                "project.reject"
            },
            entity_type: "research_project",
            entity_id: Some(id.to_string()),
            tenant: a.project.tenant(),
            before: Some(before),
            after: Some(json!({ "status": to.code(), "reason": reason })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(get(store, scope, id, today).await?.project)
}

/// Whether the caller may edit (and so attach documents to) a project.
pub(crate) async fn can_edit(
    store: &Store,
    scope: &Scope,
    id: i64,
    today: NaiveDate,
) -> Result<(bool, Tenant)> {
    let a = access(store.conn(), scope, id, today).await?;
    Ok((a.can_edit(scope), a.project.tenant()))
}
