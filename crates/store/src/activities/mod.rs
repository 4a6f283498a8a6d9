//! Training activities (培训活动): a school's or district's activities with
//! their sessions (`mod.rs`), who takes part and who waits
//! (`registration`), attendance, feedback and the credit they earn
//! (`attendance`), and notices to teachers (`notices`).
//!
//! Anyone who reads a school reads its activities; a district's activities
//! are read by every school of the district (their teachers register for
//! them). Organising takes `Capability::ManageActivities` over the place.

mod attendance;
pub(crate) mod demo;
mod feed;
mod import;
mod notices;
mod registration;
pub use attendance::*;
pub use feed::*;
pub use import::*;
pub use notices::*;
pub use registration::*;

use crate::audit::{self, Change};
use crate::entity::{
    activity, activity_participant, activity_session, attendance as att, district, school, teacher,
};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::FieldError;
use lingyan_domain::activities::ActivityType;
use lingyan_domain::activities::plan::{ActivityPlan, Audience, SessionPlan};
use lingyan_domain::credits::{Amount, Area, Form};
use lingyan_domain::{Capability, Level, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// One session as shown.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub id: i64,
    pub date: NaiveDate,
    pub start: chrono::NaiveTime,
    pub end: chrono::NaiveTime,
    pub place: String,
    /// Hours, in hundredths.
    pub hours: Amount,
}

impl SessionView {
    fn of(m: &activity_session::Model) -> Self {
        let plan = plan_of_session(m);
        Self {
            id: m.id,
            date: m.date,
            start: m.start_time,
            end: m.end_time,
            place: m.place.clone(),
            hours: plan.hours(),
        }
    }

    pub fn plan(&self) -> SessionPlan {
        SessionPlan {
            date: self.date,
            start: self.start,
            end: self.end,
            place: self.place.clone(),
        }
    }
}

fn plan_of_session(m: &activity_session::Model) -> SessionPlan {
    SessionPlan {
        date: m.date,
        start: m.start_time,
        end: m.end_time,
        place: m.place.clone(),
    }
}

/// An activity as shown, with its sessions and how full it is.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    pub id: i64,
    pub district_id: i64,
    pub school_id: Option<i64>,
    /// The school's (or district's) name.
    pub place_name: String,
    pub place_name_en: Option<String>,
    pub plan: ActivityPlan,
    pub sessions: Vec<SessionView>,
    pub registered: u64,
    pub waitlisted: u64,
    /// Whether the caller organises it.
    pub can_manage: bool,
    pub created_at: chrono::DateTime<Utc>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl ActivityView {
    pub fn tenant(&self) -> Tenant {
        tenant_of(self.district_id, self.school_id)
    }

    /// Whether places remain (always, without a capacity).
    pub fn has_room(&self) -> bool {
        self.plan.capacity.is_none_or(|c| self.registered < u64::from(c))
    }
}

pub(crate) fn tenant_of(district_id: i64, school_id: Option<i64>) -> Tenant {
    match school_id {
        Some(s) => Tenant::school(district_id, s),
        None => Tenant::district(district_id),
    }
}

/// Whether the caller reads an activity of a place: they read the place,
/// or it is their district's and they work in it.
pub(crate) fn can_read(scope: &Scope, district_id: i64, school_id: Option<i64>) -> bool {
    scope.allows(Capability::Read, tenant_of(district_id, school_id))
        || (school_id.is_none() && scope.home().district_id == Some(district_id))
}

pub(crate) fn can_manage(scope: &Scope, district_id: i64, school_id: Option<i64>) -> bool {
    scope.allows(Capability::ManageActivities, tenant_of(district_id, school_id))
}

/// Refuses (before anything sent is read) a caller who may not organise
/// activities of a place: `NotFound` where they do not see it.
pub fn check_organise(scope: &Scope, district_id: i64, school_id: Option<i64>) -> Result<()> {
    if !can_read(scope, district_id, school_id) {
        return Err(Error::NotFound);
    }
    if !can_manage(scope, district_id, school_id) {
        return Err(Error::Forbidden);
    }
    Ok(())
}

fn corrupt(id: i64, what: &str) -> Error {
    Error::Internal(format!("activity {id} has an unknown {what}"))
}

pub(crate) fn plan_of(m: &activity::Model, sessions: &[activity_session::Model]) -> Result<ActivityPlan> {
    Ok(ActivityPlan {
        title: m.title.clone(),
        kind: ActivityType::from_code(&m.kind).ok_or_else(|| corrupt(m.id, "type"))?,
        level: Level::from_code(&m.level).ok_or_else(|| corrupt(m.id, "level"))?,
        area: m.area.as_deref().and_then(Area::from_code),
        form: Form::from_code(&m.form).ok_or_else(|| corrupt(m.id, "form"))?,
        organiser: m.organiser.clone(),
        host: m.host.clone(),
        description: m.description.clone(),
        audience: serde_json::from_str(&m.audience).map_err(|_| corrupt(m.id, "audience"))?,
        capacity: m.capacity.map(|c| c.max(0) as u32),
        registration_opens: m.registration_opens,
        registration_closes: m.registration_closes,
        credits_per_session: m.credits_per_session.map(Amount::hundredths),
        marked_training: m.marked_training,
        training_content: m.training_content.clone(),
        sign_out: m.sign_out,
        min_presence: m.min_presence.map(|c| c.max(0) as u32),
        feedback_required: m.feedback_required,
        grace: m.grace.max(0) as u32,
        sessions: sessions.iter().map(plan_of_session).collect(),
        repeat_weekly_until: None,
    })
}

/// An activity's row and sessions, or `NotFound` for a caller who may not
/// read it.
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    id: i64,
) -> Result<(activity::Model, Vec<activity_session::Model>)> {
    let m = activity::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    if !can_read(scope, m.district_id, m.school_id) {
        return Err(Error::NotFound);
    }
    let sessions = activity_session::Entity::find()
        .filter(activity_session::Column::ActivityId.eq(id))
        .order_by_asc(activity_session::Column::Date)
        .order_by_asc(activity_session::Column::StartTime)
        .order_by_asc(activity_session::Column::Id)
        .all(conn)
        .await?;
    Ok((m, sessions))
}

/// As [`load`], refusing a caller who reads but does not organise it.
pub(crate) async fn load_managed<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    id: i64,
) -> Result<(activity::Model, Vec<activity_session::Model>)> {
    let (m, s) = load(conn, scope, id).await?;
    if !can_manage(scope, m.district_id, m.school_id) {
        return Err(Error::Forbidden);
    }
    Ok((m, s))
}

async fn place_name<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<(String, Option<String>)> {
    Ok(match school_id {
        Some(s) => school::Entity::find_by_id(s)
            .one(conn)
            .await?
            .map(|s| (s.name, s.name_en))
            .unwrap_or_default(),
        None => district::Entity::find_by_id(district_id)
            .one(conn)
            .await?
            .map(|d| (d.name, d.name_en))
            .unwrap_or_default(),
    })
}

async fn view<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    m: activity::Model,
    sessions: Vec<activity_session::Model>,
) -> Result<ActivityView> {
    let count = |status: &'static str| {
        activity_participant::Entity::find()
            .filter(activity_participant::Column::ActivityId.eq(m.id))
            .filter(activity_participant::Column::Status.eq(status))
            .count(conn)
    };
    let registered = count(REGISTERED).await?;
    let waitlisted = count(WAITLISTED).await?;
    let (place_name, place_name_en) = place_name(conn, m.district_id, m.school_id).await?;
    Ok(ActivityView {
        id: m.id,
        district_id: m.district_id,
        school_id: m.school_id,
        place_name,
        place_name_en,
        plan: plan_of(&m, &sessions)?,
        sessions: sessions.iter().map(SessionView::of).collect(),
        registered,
        waitlisted,
        can_manage: can_manage(scope, m.district_id, m.school_id),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// One activity, for a caller who may read it.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<ActivityView> {
    let (m, s) = load(store.conn(), scope, id).await?;
    view(store.conn(), scope, m, s).await
}

/// Checks a plan against the place: groups of the school, tiers named.
async fn check_plan<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
    plan: &mut ActivityPlan,
) -> Result<()> {
    *plan = plan.clone().expanded().map_err(Error::Invalid)?;
    plan.title = plan.title.trim().to_string();
    plan.organiser = plan.organiser.trim().to_string();
    plan.host = plan.host.trim().to_string();
    plan.description = plan.description.trim().to_string();
    plan.training_content = plan.training_content.trim().to_string();
    for s in &mut plan.sessions {
        s.place = s.place.trim().to_string();
    }
    let mut errors = plan.problems();
    if let Audience::Groups { groups } = &plan.audience {
        let found = crate::entity::org_group::Entity::find()
            .filter(crate::entity::org_group::Column::Id.is_in(groups.iter().copied()))
            .filter(crate::entity::org_group::Column::DistrictId.eq(district_id))
            .all(conn)
            .await?;
        for g in groups {
            let ok = found
                .iter()
                .any(|f| f.id == *g && (school_id.is_none() || Some(f.school_id) == school_id));
            if !ok {
                errors.push(FieldError::new("audience", "unknown_group").with("value", g));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidAll(errors))
    }
}

fn fill(am: &mut activity::ActiveModel, plan: &ActivityPlan, place: &str) {
    am.title = Set(plan.title.clone());
    am.kind = Set(plan.kind.code().to_string());
    am.level = Set(plan.level.code().to_string());
    am.area = Set(plan.area.map(|a| a.code().to_string()));
    am.form = Set(plan.form.code().to_string());
    am.organiser = Set(if plan.organiser.is_empty() {
        place.to_string()
    } else {
        plan.organiser.clone()
    });
    am.host = Set(plan.host.clone());
    am.description = Set(plan.description.clone());
    am.audience = Set(serde_json::to_string(&plan.audience).unwrap_or_else(|_| "{\"kind\":\"all\"}".into()));
    am.capacity = Set(plan.capacity.map(|c| c as i32));
    am.registration_opens = Set(plan.registration_opens);
    am.registration_closes = Set(plan.registration_closes);
    am.credits_per_session = Set(plan.credits_per_session.map(Amount::in_hundredths));
    am.marked_training = Set(plan.marked_training);
    am.training_content = Set(plan.training_content.clone());
    am.sign_out = Set(plan.sign_out);
    am.min_presence = Set(plan.min_presence.map(|c| c as i32));
    am.feedback_required = Set(plan.feedback_required);
    am.grace = Set(plan.grace as i32);
    am.first_date = Set(plan.sessions.iter().map(|s| s.date).min().unwrap_or_default());
    am.last_date = Set(plan.sessions.iter().map(|s| s.date).max().unwrap_or_default());
    am.updated_at = Set(Utc::now());
}

fn session_row(activity: &activity::Model, s: &SessionPlan) -> activity_session::ActiveModel {
    activity_session::ActiveModel {
        activity_id: Set(activity.id),
        district_id: Set(activity.district_id),
        school_id: Set(activity.school_id),
        date: Set(s.date),
        start_time: Set(s.start),
        end_time: Set(s.end),
        place: Set(s.place.clone()),
        ..Default::default()
    }
}

/// Creates an activity of a school (or, with `school_id = None`, of the
/// district) with its sessions. Every problem is named; nothing is
/// written unless all are fixed.
pub async fn create(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    mut plan: ActivityPlan,
) -> Result<ActivityView> {
    if !can_read(scope, district_id, school_id) {
        return Err(Error::NotFound);
    }
    if !can_manage(scope, district_id, school_id) {
        return Err(Error::Forbidden);
    }
    let txn = store.begin().await?;
    if let Some(s) = school_id {
        let sc = school::Entity::find_by_id(s)
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?;
        if sc.district_id != district_id {
            return Err(Error::NotFound);
        }
    }
    check_plan(&txn, district_id, school_id, &mut plan).await?;
    let (place, _) = place_name(&txn, district_id, school_id).await?;
    let now = Utc::now();
    let mut am = activity::ActiveModel {
        district_id: Set(district_id),
        school_id: Set(school_id),
        created_at: Set(now),
        created_by: Set(scope.user_id()),
        ..Default::default()
    };
    fill(&mut am, &plan, &place);
    let m = am.insert(&txn).await?;
    activity_session::Entity::insert_many(plan.sessions.iter().map(|s| session_row(&m, s)))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "activity.create",
            entity_type: "activity",
            entity_id: Some(m.id.to_string()),
            tenant: tenant_of(district_id, school_id),
            before: None,
            after: Some(json!({"title": m.title, "type": m.kind, "sessions": plan.sessions.len()})),
        },
    )
    .await?;
    txn.commit().await?;
    get(store, scope, m.id).await
}

/// Changes an activity. Sessions are matched by day and start time: those
/// kept are updated, new ones added, and removed ones deleted — unless
/// attendance was recorded for them, which is refused naming the session.
pub async fn update(store: &Store, scope: &Scope, id: i64, mut plan: ActivityPlan) -> Result<ActivityView> {
    let txn = store.begin().await?;
    let (m, sessions) = load_managed(&txn, scope, id).await?;
    check_plan(&txn, m.district_id, m.school_id, &mut plan).await?;
    let before = plan_of(&m, &sessions)?;
    let (place, _) = place_name(&txn, m.district_id, m.school_id).await?;
    let key = |d: NaiveDate, t: chrono::NaiveTime| (d, t);
    let wanted: HashMap<_, _> = plan.sessions.iter().map(|s| (key(s.date, s.start), s)).collect();
    let mut errors = Vec::new();
    for s in &sessions {
        match wanted.get(&key(s.date, s.start_time)) {
            Some(p) => {
                if p.end != s.end_time || p.place != s.place {
                    let mut am: activity_session::ActiveModel = s.clone().into();
                    am.end_time = Set(p.end);
                    am.place = Set(p.place.clone());
                    am.update(&txn).await?;
                }
            }
            None => {
                let recorded = att::Entity::find()
                    .filter(att::Column::SessionId.eq(s.id))
                    .count(&txn)
                    .await?;
                if recorded > 0 {
                    errors.push(
                        FieldError::new("sessions", "session_has_attendance")
                            .with("date", s.date)
                            .with("n", recorded),
                    );
                } else {
                    activity_session::Entity::delete_by_id(s.id).exec(&txn).await?;
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::InvalidAll(errors));
    }
    let have: Vec<_> = sessions.iter().map(|s| key(s.date, s.start_time)).collect();
    let new: Vec<_> = plan
        .sessions
        .iter()
        .filter(|s| !have.contains(&key(s.date, s.start)))
        .map(|s| session_row(&m, s))
        .collect();
    if !new.is_empty() {
        activity_session::Entity::insert_many(new).exec(&txn).await?;
    }
    let mut am: activity::ActiveModel = m.clone().into();
    fill(&mut am, &plan, &place);
    am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "activity.update",
            entity_type: "activity",
            entity_id: Some(id.to_string()),
            tenant: tenant_of(m.district_id, m.school_id),
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&plan).unwrap_or_default()),
        },
    )
    .await?;
    // What credit an attendance earns may have changed with the terms.
    attendance::resync_activity(&txn, id).await?;
    txn.commit().await?;
    get(store, scope, id).await
}

/// Deletes an activity nobody attended yet.
pub async fn delete(store: &Store, scope: &Scope, id: i64) -> Result<()> {
    let txn = store.begin().await?;
    let (m, _) = load_managed(&txn, scope, id).await?;
    let recorded = att::Entity::find()
        .filter(att::Column::ActivityId.eq(id))
        .count(&txn)
        .await?;
    if recorded > 0 {
        return Err(Error::Conflict(
            FieldError::new("activity", "activity_has_attendance").with("n", recorded),
        ));
    }
    activity::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "activity.delete",
            entity_type: "activity",
            entity_id: Some(id.to_string()),
            tenant: tenant_of(m.district_id, m.school_id),
            before: Some(json!({"title": m.title})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A session of an activity in a calendar.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarItem {
    pub activity_id: i64,
    pub session: SessionView,
    pub title: String,
    pub kind: ActivityType,
    pub level: Level,
    pub school_id: Option<i64>,
    pub organiser: String,
    /// How many sessions the activity has, and which this is (from 1).
    pub of: usize,
    pub nth: usize,
}

/// The sessions between two days (inclusive) of a school's activities and
/// its district's, or of a district's and all its schools', for a caller
/// who reads the place.
pub async fn calendar(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CalendarItem>> {
    if !can_read(scope, district_id, school_id) {
        return Err(Error::NotFound);
    }
    if (to - from).num_days() > 400 || to < from {
        return Err(Error::Invalid(FieldError::new("to", "out_of_range")));
    }
    let conn = store.conn();
    let mut q = activity::Entity::find()
        .filter(activity::Column::DistrictId.eq(district_id))
        .filter(activity::Column::FirstDate.lte(to))
        .filter(activity::Column::LastDate.gte(from));
    if let Some(s) = school_id {
        q = q.filter(
            sea_orm::Condition::any()
                .add(activity::Column::SchoolId.eq(s))
                .add(activity::Column::SchoolId.is_null()),
        );
    } else if !scope.allows(Capability::Read, Tenant::district(district_id)) {
        // A teacher looking at the district sees the district's own.
        q = q.filter(activity::Column::SchoolId.is_null());
    }
    let acts: HashMap<i64, activity::Model> = q.all(conn).await?.into_iter().map(|a| (a.id, a)).collect();
    let mut out = Vec::new();
    let ids: Vec<i64> = acts.keys().copied().collect();
    for chunk in ids.chunks(500) {
        let sessions = activity_session::Entity::find()
            .filter(activity_session::Column::ActivityId.is_in(chunk.iter().copied()))
            .order_by_asc(activity_session::Column::Date)
            .order_by_asc(activity_session::Column::StartTime)
            .order_by_asc(activity_session::Column::Id)
            .all(conn)
            .await?;
        let mut nth: HashMap<i64, usize> = HashMap::new();
        let mut of: HashMap<i64, usize> = HashMap::new();
        for s in &sessions {
            *of.entry(s.activity_id).or_default() += 1;
        }
        for s in &sessions {
            let n = nth.entry(s.activity_id).or_default();
            *n += 1;
            if s.date < from || s.date > to {
                continue;
            }
            let a = &acts[&s.activity_id];
            out.push(CalendarItem {
                activity_id: a.id,
                session: SessionView::of(s),
                title: a.title.clone(),
                kind: ActivityType::from_code(&a.kind).ok_or_else(|| corrupt(a.id, "type"))?,
                level: Level::from_code(&a.level).ok_or_else(|| corrupt(a.id, "level"))?,
                school_id: a.school_id,
                organiser: a.organiser.clone(),
                of: of[&s.activity_id],
                nth: *n,
            });
        }
    }
    out.sort_by(|a, b| {
        (a.session.date, a.session.start, a.activity_id).cmp(&(
            b.session.date,
            b.session.start,
            b.activity_id,
        ))
    });
    Ok(out)
}

/// The caller's own teacher record (active), if their account has one.
pub(crate) async fn own_teacher<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
) -> Result<Option<teacher::Model>> {
    let Some(uid) = scope.user_id() else {
        return Ok(None);
    };
    Ok(teacher::Entity::find()
        .filter(teacher::Column::UserId.eq(uid))
        .filter(teacher::Column::Active.eq(true))
        .one(conn)
        .await?)
}

/// The activity a session belongs to, for a caller who may read it.
pub async fn session_activity(store: &Store, scope: &Scope, session_id: i64) -> Result<ActivityView> {
    let s = activity_session::Entity::find_by_id(session_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    get(store, scope, s.activity_id).await
}
