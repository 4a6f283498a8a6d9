//! The audit log: who did what to which record, when, in which tenant, with
//! the record before and after. Written in the same transaction as the change
//! it describes; read through the caller's scope.

use crate::entity::{audit_log, project_member, school, school_revision, teacher, teacher_transfer};
use crate::{Actor, Result, Scope, Store};
use chrono::{DateTime, Utc};
use lingyan_domain::{Capability, PageRequest, Paged, Tenant};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// One audit record as shown to readers.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: Option<String>,
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub ip: Option<String>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Self {
            id: m.id,
            at: m.at,
            actor_user_id: m.actor_user_id,
            actor_username: m.actor_username,
            district_id: m.district_id,
            school_id: m.school_id,
            action: m.action,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            before: parse(m.before_json),
            after: parse(m.after_json),
            ip: m.ip,
        }
    }
}

/// What a change did, for [`record`].
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub tenant: Tenant,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Actions that change access, not data (see [`record`]).
const ACCESS_ONLY: [&str; 4] = ["login.", "role.", "token.", "user."];

/// Writes one audit record on `conn` (normally the transaction that makes
/// the change).
pub(crate) async fn record<C: ConnectionTrait>(conn: &C, actor: &Actor, change: Change<'_>) -> Result<()> {
    // A change may change the caller's relations (a mentor pair, a group's
    // leader, the account's teacher record).
    actor.relations.forget();
    let changed = |kind: &str| {
        (change.entity_type == kind)
            .then(|| change.entity_id.as_deref().and_then(|i| i.parse::<i64>().ok()))
            .flatten()
    };
    let (teacher_changed, project_changed) = (changed("teacher"), changed("research_project"));
    let row = audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_user_id: Set(actor.user_id),
        actor_username: Set(Some(actor.username.clone())),
        district_id: Set(change.tenant.district_id),
        school_id: Set(change.tenant.school_id),
        action: Set(change.action.to_string()),
        entity_type: Set(change.entity_type.to_string()),
        entity_id: Set(change.entity_id),
        before_json: Set(change.before.map(|v| v.to_string())),
        after_json: Set(change.after.map(|v| v.to_string())),
        ip: Set(actor.ip.clone()),
        ..Default::default()
    };
    audit_log::Entity::insert(row).exec(conn).await?;
    // Results kept for the school (or every school of the district) no
    // longer hold once this transaction commits (see `duties::kept`).
    // Sign-ins and changes to accounts, roles and tokens change who may
    // see what, never what a school's records count for.
    if ACCESS_ONLY.iter().any(|p| change.action.starts_with(p)) {
        return Ok(());
    }
    let (district, school) = match (change.tenant.district_id, change.tenant.school_id) {
        (Some(d), s) => (d, s),
        (None, _) => return Ok(()),
    };
    let schools = match school {
        Some(s) => Query::select()
            .expr(Expr::val(district))
            .expr(Expr::val(s))
            .expr(Expr::val(1i64))
            .to_owned(),
        None => Query::select()
            .column(school::Column::DistrictId)
            .column(school::Column::Id)
            .expr(Expr::val(1i64))
            .from(school::Entity)
            .and_where(school::Column::DistrictId.eq(district))
            .to_owned(),
    };
    move_on(conn, schools).await?;
    // A teacher who moved here left records in their former schools, whose
    // pages name them: those schools move on with a change to the teacher.
    if let Some(id) = teacher_changed {
        move_on(
            conn,
            Query::select()
                .distinct()
                .column(teacher_transfer::Column::DistrictId)
                .column(teacher_transfer::Column::FromSchoolId)
                .expr(Expr::val(1i64))
                .from(teacher_transfer::Entity)
                .and_where(teacher_transfer::Column::TeacherId.eq(id))
                .to_owned(),
        )
        .await?;
    }
    // A project's members may teach in other schools of the district, whose
    // pages show it.
    if let Some(id) = project_changed {
        move_on(
            conn,
            schools_now_of(
                project_member::Entity,
                (project_member::Entity, project_member::Column::TeacherId),
            )
            .and_where(Expr::col((project_member::Entity, project_member::Column::ProjectId)).eq(id))
            .to_owned(),
        )
        .await?;
    }
    // Teachers who moved on from the school take its records with them
    // (their duties count what they did here): their schools' results no
    // longer hold either.
    if let Some(s) = school {
        move_on(
            conn,
            schools_now_of(
                teacher_transfer::Entity,
                (teacher_transfer::Entity, teacher_transfer::Column::TeacherId),
            )
            .and_where(Expr::col((teacher_transfer::Entity, teacher_transfer::Column::FromSchoolId)).eq(s))
            .and_where(Expr::col((teacher::Entity, teacher::Column::SchoolId)).ne(s))
            .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// Moves on the revisions of the schools of `teachers` other than
/// `except` — the schools of co-owners and observed teachers of a record,
/// or of a mentor in another school — so results kept for them (see
/// `duties::kept`) are not read again. Called in the transaction of the
/// change, before rows naming them are removed and after new ones are
/// written.
pub(crate) async fn touch_schools_of<C: ConnectionTrait>(
    conn: &C,
    teachers: &[i64],
    except: i64,
) -> Result<()> {
    if teachers.is_empty() {
        return Ok(());
    }
    move_on(
        conn,
        Query::select()
            .distinct()
            .column(teacher::Column::DistrictId)
            .column(teacher::Column::SchoolId)
            .expr(Expr::val(1i64))
            .from(teacher::Entity)
            .and_where(teacher::Column::Id.is_in(teachers.iter().copied()))
            .and_where(teacher::Column::SchoolId.ne(except))
            .to_owned(),
    )
    .await
}

/// (district, school, 1) for the school each teacher named by `teacher`
/// (a column of `from`) teaches in now.
fn schools_now_of(
    from: impl sea_orm::sea_query::IntoTableRef,
    teacher: impl sea_orm::sea_query::IntoColumnRef,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .distinct()
        .column((teacher::Entity, teacher::Column::DistrictId))
        .column((teacher::Entity, teacher::Column::SchoolId))
        .expr(Expr::val(1i64))
        .from(from)
        .inner_join(
            teacher::Entity,
            Expr::col((teacher::Entity, teacher::Column::Id)).equals(teacher),
        )
        .to_owned()
}

/// Moves on the revision of every (district, school, 1) row `schools`
/// selects, making it 1 where there is none yet.
async fn move_on<C: ConnectionTrait>(conn: &C, schools: sea_orm::sea_query::SelectStatement) -> Result<()> {
    let mut bump = Query::insert();
    bump.into_table(school_revision::Entity)
        .columns([
            school_revision::Column::DistrictId,
            school_revision::Column::SchoolId,
            school_revision::Column::Revision,
        ])
        .select_from(schools)
        .map_err(|e| crate::Error::Internal(e.to_string()))?
        .on_conflict(moved_on());
    conn.execute(&bump).await?;
    Ok(())
}

/// A school's revision already there moves on by one.
fn moved_on() -> OnConflict {
    OnConflict::columns([
        school_revision::Column::DistrictId,
        school_revision::Column::SchoolId,
    ])
    .value(
        school_revision::Column::Revision,
        Expr::col((school_revision::Entity, school_revision::Column::Revision)).add(1i64),
    )
    .to_owned()
}

/// Filters for reading the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Actions starting with this (`login`, `user.`, `role.grant`).
    pub action: Option<String>,
    pub school_id: Option<i64>,
    pub actor_user_id: Option<i64>,
}

/// Reads the log, newest first, limited to tenants whose audit the caller
/// may read.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Paged<AuditEntry>> {
    let mut q = audit_log::Entity::find().filter(scope.condition(
        Capability::ReadAudit,
        audit_log::Column::DistrictId,
        audit_log::Column::SchoolId,
    ));
    if let Some(a) = filter.action.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        q = q.filter(audit_log::Column::Action.starts_with(a));
    }
    if let Some(s) = filter.school_id {
        q = q.filter(audit_log::Column::SchoolId.eq(s));
    }
    if let Some(u) = filter.actor_user_id {
        q = q.filter(audit_log::Column::ActorUserId.eq(u));
    }
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(store.conn())
        .await?;
    Ok(Paged {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// What audit entries point at, by name: the people who acted and were
/// acted on, records, schools, districts, projects and groups. Looked up
/// for one page of entries, so the log reads in words rather than ids.
#[derive(Debug, Default)]
pub struct AuditNames {
    /// Accounts' display names, by user id.
    pub users: HashMap<i64, String>,
    pub teachers: HashMap<i64, String>,
    /// The teacher each honour belongs to.
    pub honour_teachers: HashMap<i64, i64>,
    pub evidence: HashMap<i64, String>,
    /// (Chinese name, English name).
    pub schools: HashMap<i64, (String, Option<String>)>,
    pub districts: HashMap<i64, (String, Option<String>)>,
    pub projects: HashMap<i64, String>,
    pub groups: HashMap<i64, String>,
    pub leading_groups: HashMap<i64, String>,
}

/// The names for `entries` (which the caller has already been allowed to
/// read).
pub async fn names(store: &Store, entries: &[AuditEntry]) -> Result<AuditNames> {
    use crate::entity::{
        district, evidence, honour, leading_group, org_group, research_project, school, teacher, user,
    };
    let ids = |ty: &str| -> Vec<i64> {
        let mut v: Vec<i64> = entries
            .iter()
            .filter(|e| e.entity_type == ty)
            .filter_map(|e| e.entity_id.as_deref()?.parse().ok())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let conn = store.conn();
    let mut out = AuditNames::default();
    let mut user_ids = ids("user");
    user_ids.extend(entries.iter().filter_map(|e| e.actor_user_id));
    out.users =
        id_names::<user::Entity, _>(conn, user_ids, user::Column::Id, user::Column::DisplayName).await?;
    out.honour_teachers = honour::Entity::find()
        .select_only()
        .columns([honour::Column::Id, honour::Column::TeacherId])
        .filter(honour::Column::Id.is_in(ids("honour")))
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut teacher_ids = ids("teacher");
    teacher_ids.extend(out.honour_teachers.values().copied());
    out.teachers =
        id_names::<teacher::Entity, _>(conn, teacher_ids, teacher::Column::Id, teacher::Column::Name).await?;
    out.evidence = id_names::<evidence::Entity, _>(
        conn,
        ids("evidence"),
        evidence::Column::Id,
        evidence::Column::Title,
    )
    .await?;
    out.projects = id_names::<research_project::Entity, _>(
        conn,
        ids("research_project"),
        research_project::Column::Id,
        research_project::Column::Title,
    )
    .await?;
    out.groups =
        id_names::<org_group::Entity, _>(conn, ids("group"), org_group::Column::Id, org_group::Column::Name)
            .await?;
    out.leading_groups = id_names::<leading_group::Entity, _>(
        conn,
        ids("leading_group"),
        leading_group::Column::Id,
        leading_group::Column::Name,
    )
    .await?;
    out.schools = school::Entity::find()
        .select_only()
        .columns([school::Column::Id, school::Column::Name, school::Column::NameEn])
        .filter(school::Column::Id.is_in(ids("school")))
        .into_tuple::<(i64, String, Option<String>)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, zh, en)| (id, (zh, en)))
        .collect();
    out.districts = district::Entity::find()
        .select_only()
        .columns([
            district::Column::Id,
            district::Column::Name,
            district::Column::NameEn,
        ])
        .filter(district::Column::Id.is_in(ids("district")))
        .into_tuple::<(i64, String, Option<String>)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, zh, en)| (id, (zh, en)))
        .collect();
    Ok(out)
}

/// `id → name` of some rows of one table.
pub(crate) async fn id_names<E, C>(
    conn: &C,
    ids: Vec<i64>,
    id: E::Column,
    name: E::Column,
) -> Result<HashMap<i64, String>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find()
        .select_only()
        .column(id)
        .column(name)
        .filter(id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}
