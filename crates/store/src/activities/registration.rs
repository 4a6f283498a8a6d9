//! Who takes part in an activity: teachers register (or are assigned by
//! the organiser); past the capacity they wait in line, and a place that
//! comes free goes to the first in line, who is told.

use super::{can_manage, load, load_managed, own_teacher, plan_of, tenant_of};
use crate::audit::{self, Change};
use crate::entity::{activity, activity_participant as part, org_group_member, teacher};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDateTime, Utc};
use lingyan_domain::FieldError;
use lingyan_domain::activities::plan::Audience;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;

pub(crate) const REGISTERED: &str = "registered";
pub(crate) const WAITLISTED: &str = "waitlisted";

/// Where a teacher stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Registered,
    /// Waiting, at this position in line (from 1).
    Waitlisted(u64),
}

/// One participant as the organiser lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub school_id: i64,
    pub registered: bool,
    pub assigned: bool,
    pub since: chrono::DateTime<Utc>,
}

/// Whether a teacher is among those an activity is for (assigned
/// teachers always are).
pub(crate) async fn in_audience<C: ConnectionTrait>(
    conn: &C,
    a: &activity::Model,
    t: &teacher::Model,
    today: chrono::NaiveDate,
) -> Result<bool> {
    let place_ok = t.district_id == a.district_id && a.school_id.is_none_or(|s| s == t.school_id);
    if !place_ok || !t.active {
        return Ok(false);
    }
    let audience: Audience = serde_json::from_str(&a.audience).unwrap_or(Audience::Named);
    Ok(match audience {
        Audience::All => true,
        Audience::Named => false,
        Audience::Groups { groups } => {
            org_group_member::Entity::find()
                .filter(org_group_member::Column::TeacherId.eq(t.id))
                .filter(org_group_member::Column::GroupId.is_in(groups))
                .count(conn)
                .await?
                > 0
        }
        Audience::Tiers { tiers } => {
            let full = crate::teachers::load(conn, t.id, today).await?;
            full.tier.tier.is_some_and(|c| tiers.contains(&c))
        }
    })
}

/// Takes the activity's row lock (PostgreSQL) so that two registrations
/// for the last place are decided one after the other; SQLite's write
/// transaction already serialises them.
async fn lock(txn: &DatabaseTransaction, id: i64) -> Result<()> {
    activity::Entity::update_many()
        .col_expr(activity::Column::Id, Expr::col(activity::Column::Id))
        .filter(activity::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

async fn registered_count<C: ConnectionTrait>(conn: &C, id: i64) -> Result<u64> {
    Ok(part::Entity::find()
        .filter(part::Column::ActivityId.eq(id))
        .filter(part::Column::Status.eq(REGISTERED))
        .count(conn)
        .await?)
}

pub(crate) async fn position_of<C: ConnectionTrait>(conn: &C, p: &part::Model) -> Result<Place> {
    if p.status == REGISTERED {
        return Ok(Place::Registered);
    }
    let ahead = part::Entity::find()
        .filter(part::Column::ActivityId.eq(p.activity_id))
        .filter(part::Column::Status.eq(WAITLISTED))
        .filter(part::Column::Id.lt(p.id))
        .count(conn)
        .await?;
    Ok(Place::Waitlisted(ahead + 1))
}

/// Where the caller stands in an activity, if they registered.
pub async fn my_place(store: &Store, scope: &Scope, activity_id: i64) -> Result<Option<Place>> {
    load(store.conn(), scope, activity_id).await?;
    let Some(t) = own_teacher(store.conn(), scope).await? else {
        return Ok(None);
    };
    match part::Entity::find()
        .filter(part::Column::ActivityId.eq(activity_id))
        .filter(part::Column::TeacherId.eq(t.id))
        .one(store.conn())
        .await?
    {
        Some(p) => Ok(Some(position_of(store.conn(), &p).await?)),
        None => Ok(None),
    }
}

/// Whether the caller may register now (open, for them, not yet in).
pub async fn may_register(
    store: &Store,
    scope: &Scope,
    activity_id: i64,
    now: NaiveDateTime,
) -> Result<bool> {
    let (a, sessions) = load(store.conn(), scope, activity_id).await?;
    let Some(t) = own_teacher(store.conn(), scope).await? else {
        return Ok(false);
    };
    let plan = plan_of(&a, &sessions)?;
    Ok(plan.registration_open(now)
        && in_audience(store.conn(), &a, &t, now.date()).await?
        && part::Entity::find()
            .filter(part::Column::ActivityId.eq(activity_id))
            .filter(part::Column::TeacherId.eq(t.id))
            .count(store.conn())
            .await?
            == 0)
}

async fn add(
    txn: &DatabaseTransaction,
    a: &activity::Model,
    t: &teacher::Model,
    assigned: bool,
) -> Result<part::Model> {
    // Counted under the lock.
    let taken = registered_count(txn, a.id).await?;
    let room = a.capacity.is_none_or(|c| taken < c.max(0) as u64);
    let now = Utc::now();
    Ok(part::ActiveModel {
        activity_id: Set(a.id),
        teacher_id: Set(t.id),
        district_id: Set(t.district_id),
        school_id: Set(t.school_id),
        status: Set(if room { REGISTERED } else { WAITLISTED }.to_string()),
        assigned: Set(assigned),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Registers the caller for an activity: a place while there is room,
/// else a place in line.
pub async fn register(store: &Store, scope: &Scope, activity_id: i64, now: NaiveDateTime) -> Result<Place> {
    let txn = store.begin().await?;
    let (a, sessions) = load(&txn, scope, activity_id).await?;
    let t = own_teacher(&txn, scope)
        .await?
        .ok_or_else(|| Error::Invalid(FieldError::new("teacher", "no_teacher_record")))?;
    let plan = plan_of(&a, &sessions)?;
    if !plan.registration_open(now) {
        return Err(Error::Invalid(FieldError::new("activity", "registration_closed")));
    }
    if !in_audience(&txn, &a, &t, now.date()).await? {
        return Err(Error::Invalid(FieldError::new("activity", "not_for_you")));
    }
    lock(&txn, a.id).await?;
    let already = part::Entity::find()
        .filter(part::Column::ActivityId.eq(a.id))
        .filter(part::Column::TeacherId.eq(t.id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(Error::Conflict(FieldError::new("activity", "already_registered")));
    }
    let p = add(&txn, &a, &t, false).await?;
    let place = position_of(&txn, &p).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "activity.register",
            entity_type: "activity",
            entity_id: Some(a.id.to_string()),
            tenant: tenant_of(a.district_id, a.school_id),
            before: None,
            after: Some(json!({"teacher_id": t.id, "status": p.status})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(place)
}

/// The organiser names teachers (of the activity's school, or the
/// district's schools): each registered while there is room, else in line.
/// Teachers already in are left as they are. Returns how many were added.
pub async fn assign(store: &Store, scope: &Scope, activity_id: i64, teacher_ids: &[i64]) -> Result<usize> {
    let txn = store.begin().await?;
    let (a, _) = load_managed(&txn, scope, activity_id).await?;
    lock(&txn, a.id).await?;
    let mut added = 0;
    let mut errors = Vec::new();
    for (i, id) in teacher_ids.iter().enumerate() {
        let t = teacher::Entity::find_by_id(*id).one(&txn).await?;
        let Some(t) = t.filter(|t| {
            t.active && t.district_id == a.district_id && a.school_id.is_none_or(|s| s == t.school_id)
        }) else {
            errors.push(
                FieldError::new("teachers", "unknown_teacher")
                    .with("row", i + 1)
                    .with("value", id),
            );
            continue;
        };
        let in_already = part::Entity::find()
            .filter(part::Column::ActivityId.eq(a.id))
            .filter(part::Column::TeacherId.eq(t.id))
            .count(&txn)
            .await?
            > 0;
        if !in_already {
            add(&txn, &a, &t, true).await?;
            added += 1;
        }
    }
    if !errors.is_empty() {
        return Err(Error::InvalidAll(errors));
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "activity.assign",
            entity_type: "activity",
            entity_id: Some(a.id.to_string()),
            tenant: tenant_of(a.district_id, a.school_id),
            before: None,
            after: Some(json!({"teachers": teacher_ids, "added": added})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(added)
}

/// Cancels a teacher's registration (their own, or anyone's for the
/// organiser). A place that comes free goes to the first in line, who
/// gets a notice. Returns the teacher promoted, if any.
pub async fn cancel(
    store: &Store,
    scope: &Scope,
    activity_id: i64,
    teacher_id: Option<i64>,
) -> Result<Option<i64>> {
    let txn = store.begin().await?;
    let (a, _) = load(&txn, scope, activity_id).await?;
    let teacher_id = match teacher_id {
        Some(id) => {
            let own = own_teacher(&txn, scope).await?.map(|t| t.id);
            if own != Some(id) && !can_manage(scope, a.district_id, a.school_id) {
                return Err(Error::Forbidden);
            }
            id
        }
        None => {
            own_teacher(&txn, scope)
                .await?
                .ok_or_else(|| Error::Invalid(FieldError::new("teacher", "no_teacher_record")))?
                .id
        }
    };
    lock(&txn, a.id).await?;
    let p = part::Entity::find()
        .filter(part::Column::ActivityId.eq(a.id))
        .filter(part::Column::TeacherId.eq(teacher_id))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::Invalid(FieldError::new("activity", "not_registered")))?;
    let freed = p.status == REGISTERED;
    part::Entity::delete_by_id(p.id).exec(&txn).await?;
    let mut promoted = None;
    let taken = registered_count(&txn, a.id).await?;
    if freed && a.capacity.is_none_or(|c| taken < c.max(0) as u64) {
        let first = part::Entity::find()
            .filter(part::Column::ActivityId.eq(a.id))
            .filter(part::Column::Status.eq(WAITLISTED))
            .order_by_asc(part::Column::Id)
            .one(&txn)
            .await?;
        if let Some(w) = first {
            let tid = w.teacher_id;
            let mut am: part::ActiveModel = w.into();
            am.status = Set(REGISTERED.to_string());
            am.updated_at = Set(Utc::now());
            am.update(&txn).await?;
            super::notices::notify(&txn, tid, super::notices::PROMOTED, Some(a.id)).await?;
            promoted = Some(tid);
        }
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "activity.cancel",
            entity_type: "activity",
            entity_id: Some(a.id.to_string()),
            tenant: tenant_of(a.district_id, a.school_id),
            before: Some(json!({"teacher_id": teacher_id, "status": p.status})),
            after: Some(json!({"promoted": promoted})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(promoted)
}

/// Everyone registered and waiting, registered first, each in order of
/// arrival; for the organiser.
pub async fn participants(store: &Store, scope: &Scope, activity_id: i64) -> Result<Vec<Participant>> {
    load_managed(store.conn(), scope, activity_id).await?;
    participants_of(store.conn(), activity_id).await
}

pub(crate) async fn participants_of<C: ConnectionTrait>(
    conn: &C,
    activity_id: i64,
) -> Result<Vec<Participant>> {
    let rows = part::Entity::find()
        .filter(part::Column::ActivityId.eq(activity_id))
        .order_by_asc(part::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.teacher_id).collect();
    let mut teachers = std::collections::HashMap::new();
    for chunk in ids.chunks(1000) {
        for t in teacher::Entity::find()
            .filter(teacher::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            teachers.insert(t.id, t);
        }
    }
    let mut out: Vec<Participant> = rows
        .into_iter()
        .filter_map(|r| {
            let t = teachers.get(&r.teacher_id)?;
            Some(Participant {
                teacher_id: t.id,
                name: t.name.clone(),
                staff_no: t.staff_no.clone(),
                school_id: t.school_id,
                registered: r.status == REGISTERED,
                assigned: r.assigned,
                since: r.created_at,
            })
        })
        .collect();
    out.sort_by_key(|p| !p.registered);
    Ok(out)
}

/// The teachers an organiser may name for an activity: the active
/// teachers of its school (or of its district's schools) the caller
/// reads, as picker choices.
pub async fn choices(
    store: &Store,
    scope: &Scope,
    activity_id: i64,
) -> Result<Vec<crate::evidence::Colleague>> {
    let (a, _) = load_managed(store.conn(), scope, activity_id).await?;
    let mut q = teacher::Entity::find()
        .select_only()
        .column(teacher::Column::Id)
        .column(teacher::Column::Name)
        .column(teacher::Column::StaffNo)
        .filter(scope.condition(
            lingyan_domain::Capability::Read,
            teacher::Column::DistrictId,
            teacher::Column::SchoolId,
        ))
        .filter(teacher::Column::Active.eq(true))
        .filter(teacher::Column::DistrictId.eq(a.district_id));
    if let Some(s) = a.school_id {
        q = q.filter(teacher::Column::SchoolId.eq(s));
    }
    let rows: Vec<(i64, String, Option<String>)> = q.into_tuple().all(store.conn()).await?;
    Ok(crate::evidence::Colleague::labelled(rows))
}

/// An activity the caller may register for.
#[derive(Debug, Clone, Serialize)]
pub struct Open {
    pub activity_id: i64,
    pub title: String,
    pub kind: lingyan_domain::activities::ActivityType,
    pub organiser: String,
    pub first: chrono::NaiveDate,
    pub sessions: usize,
    pub full: bool,
}

/// Activities of the caller's school and district still ahead, open for
/// registration, meant for them and not yet joined; soonest first (at
/// most 20).
pub async fn open_for_me(store: &Store, scope: &Scope, now: NaiveDateTime) -> Result<Vec<Open>> {
    let conn = store.conn();
    let Some(t) = own_teacher(conn, scope).await? else {
        return Ok(Vec::new());
    };
    let joined: Vec<i64> = part::Entity::find()
        .filter(part::Column::TeacherId.eq(t.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.activity_id)
        .collect();
    let rows = activity::Entity::find()
        .filter(activity::Column::DistrictId.eq(t.district_id))
        .filter(
            sea_orm::Condition::any()
                .add(activity::Column::SchoolId.eq(t.school_id))
                .add(activity::Column::SchoolId.is_null()),
        )
        .filter(activity::Column::LastDate.gte(now.date()))
        .order_by_asc(activity::Column::FirstDate)
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for a in rows {
        if joined.contains(&a.id) || out.len() >= 20 {
            continue;
        }
        let sessions = crate::entity::activity_session::Entity::find()
            .filter(crate::entity::activity_session::Column::ActivityId.eq(a.id))
            .all(conn)
            .await?;
        let plan = plan_of(&a, &sessions)?;
        if !plan.registration_open(now) || !in_audience(conn, &a, &t, now.date()).await? {
            continue;
        }
        let taken = registered_count(conn, a.id).await?;
        out.push(Open {
            activity_id: a.id,
            title: a.title.clone(),
            kind: plan.kind,
            organiser: a.organiser.clone(),
            first: a.first_date,
            sessions: sessions.len(),
            full: a.capacity.is_some_and(|c| taken >= c.max(0) as u64),
        });
    }
    Ok(out)
}
