//! Master-teacher studios (名师工作室): a district's studios, each led by a
//! master teacher with members from its schools, and the studio's
//! activities — send-teaching among them, with the school it went to.
//!
//! District staff (who manage the district's teachers) set studios up and
//! name their members; the master teacher and district staff record the
//! studio's activities. District readers see every studio of the district;
//! a school's leaders (who read its teachers) see the studios their
//! teachers lead or belong to; a teacher sees their own studios.

use crate::audit::{self, Change};
use crate::entity::{school, studio, studio_activity as activity, studio_member as member, teacher};
use crate::mentoring::pairs::{Person, people_named};
use crate::{Error, Result, Scope, Store};
use chrono::{Datelike, NaiveDate, Utc};
use lingyan_domain::studios::{MemberInput, StudioActivityInput, StudioActivityKind, StudioInput};
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

/// A member of a studio.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub person: Person,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

/// A studio with its people.
#[derive(Debug, Clone, Serialize)]
pub struct Studio {
    pub id: i64,
    pub district_id: i64,
    pub name: String,
    pub master: Person,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub aims: String,
    /// Members now, by school then name.
    pub members: Vec<Member>,
    /// Members who have left.
    pub former: Vec<Member>,
    /// Whether the caller may change the studio and its members (district
    /// staff).
    pub may_manage: bool,
    /// Whether the caller may record its activities (the master teacher or
    /// district staff).
    pub may_record: bool,
}

impl Studio {
    /// The schools of the members now, the master's first where members
    /// teach there.
    pub fn schools(&self) -> Vec<(i64, String, Option<String>)> {
        let mut seen = BTreeSet::new();
        let mut people: Vec<&Person> = self.members.iter().map(|m| &m.person).collect();
        people.sort_by_key(|p| p.school_id != self.master.school_id);
        people
            .into_iter()
            .filter(|p| seen.insert(p.school_id))
            .map(|p| (p.school_id, p.school_name.clone(), p.school_name_en.clone()))
            .collect()
    }

    /// Whether the studio runs on `d`.
    pub fn running_on(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && self.ends_on.is_none_or(|e| e >= d)
    }
}

/// One activity of a studio.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    pub id: i64,
    pub studio_id: i64,
    pub held_on: NaiveDate,
    pub kind: StudioActivityKind,
    pub title: String,
    pub place: String,
    pub minutes: i64,
    /// Who led it: (teacher, name).
    pub led_by: Option<(i64, String)>,
    /// Send-teaching: the school it went to (of the district, by id).
    pub receiving_school_id: Option<i64>,
    /// The receiving school's name (its stored name, or as typed).
    pub receiving_school: Option<String>,
    pub receiving_school_en: Option<String>,
    pub summary: String,
}

/// A studio and what it has done.
#[derive(Debug, Clone, Serialize)]
pub struct StudioPage {
    pub studio: Studio,
    /// Newest first.
    pub activities: Vec<Activity>,
}

impl StudioPage {
    /// Send-teaching: how often, and the schools reached (name and English
    /// name, each once, in order of the first visit).
    pub fn send_teaching(&self) -> (usize, Vec<(String, Option<String>)>) {
        let sent: Vec<&Activity> = self
            .activities
            .iter()
            .rev()
            .filter(|a| a.kind == StudioActivityKind::SendTeaching)
            .collect();
        let mut seen = BTreeSet::new();
        let schools = sent
            .iter()
            .filter_map(|a| Some((a.receiving_school.clone()?, a.receiving_school_en.clone())))
            .filter(|s| seen.insert(s.0.clone()))
            .collect();
        (sent.len(), schools)
    }
}

/// A studio as a list shows it, with its counts for the school year.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub studio: Studio,
    /// Activities since the school year began (1 September).
    pub activities: usize,
    pub minutes: i64,
    pub send_teaching: usize,
    pub last_activity: Option<NaiveDate>,
}

/// The first day of the school year `d` falls in (1 September).
pub fn year_start(d: NaiveDate) -> NaiveDate {
    let y = if d.month() >= 9 { d.year() } else { d.year() - 1 };
    NaiveDate::from_ymd_opt(y, 9, 1).unwrap_or(d)
}

/// Who may read studios, as a filter on `studios`: district readers, those
/// who read the teachers of the master's or a member's school, the master
/// and the members.
async fn visible(store: &Store, scope: &Scope) -> Result<Condition> {
    let conn = store.conn();
    let read = scope.access().tenants(Capability::Read);
    let district_level = lingyan_domain::access::TenantSet {
        all: read.all,
        districts: read.districts.clone(),
        schools: BTreeSet::new(),
    };
    let mut any = Condition::any()
        .add(crate::scope::tenant_condition(
            &district_level,
            studio::Column::DistrictId,
            studio::Column::MasterSchoolId,
        ))
        .add(scope.condition(
            Capability::ReadTeachers,
            studio::Column::DistrictId,
            studio::Column::MasterSchoolId,
        ));
    let leaders = scope.access().tenants(Capability::ReadTeachers);
    if !leaders.schools.is_empty() {
        let with_members: Vec<i64> = member::Entity::find()
            .filter(member::Column::SchoolId.is_in(leaders.schools.iter().copied()))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| m.studio_id)
            .collect();
        any = any.add(studio::Column::Id.is_in(with_members));
    }
    if let Some(own) = own(store, scope).await? {
        let mine: Vec<i64> = member::Entity::find()
            .filter(member::Column::TeacherId.eq(own))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| m.studio_id)
            .collect();
        any = any
            .add(studio::Column::MasterTeacherId.eq(own))
            .add(studio::Column::Id.is_in(mine));
    }
    Ok(any)
}

async fn own(store: &Store, scope: &Scope) -> Result<Option<i64>> {
    Ok(
        crate::viewer::Viewer::load(store.conn(), scope, crate::calendar::today())
            .await?
            .own,
    )
}

fn may_manage(scope: &Scope, district_id: i64) -> bool {
    scope.allows(Capability::ManageTeachers, Tenant::district(district_id))
}

/// The studios of the rows, with their people named.
async fn assemble<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    own: Option<i64>,
    rows: Vec<studio::Model>,
) -> Result<Vec<Studio>> {
    let members = member::Entity::find()
        .filter(member::Column::StudioId.is_in(rows.iter().map(|r| r.id)))
        .order_by_asc(member::Column::JoinedOn)
        .order_by_asc(member::Column::Id)
        .all(conn)
        .await?;
    let people = people_named(
        conn,
        rows.iter()
            .map(|r| r.master_teacher_id)
            .chain(members.iter().map(|m| m.teacher_id))
            .collect(),
    )
    .await?;
    let person = |id: i64| people.get(&id).cloned().unwrap_or_else(|| Person::unknown(id));
    let today = crate::calendar::today();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (mut now, mut former): (Vec<Member>, Vec<Member>) = members
                .iter()
                .filter(|m| m.studio_id == r.id)
                .map(|m| Member {
                    person: person(m.teacher_id),
                    joined_on: m.joined_on,
                    left_on: m.left_on,
                })
                .partition(|m| m.left_on.is_none_or(|l| l >= today));
            let key = |m: &Member| {
                (
                    m.person.school_id != person(r.master_teacher_id).school_id,
                    m.person.school_name.clone(),
                    lingyan_domain::collate::text_key(&m.person.name),
                )
            };
            now.sort_by_key(key);
            former.sort_by_key(key);
            let manage = may_manage(scope, r.district_id);
            Studio {
                id: r.id,
                district_id: r.district_id,
                name: r.name,
                master: person(r.master_teacher_id),
                subject: r.subject,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                aims: r.aims,
                members: now,
                former,
                may_manage: manage,
                may_record: manage || own == Some(r.master_teacher_id),
            }
        })
        .collect())
}

/// The studios the caller sees, by district then name, with this school
/// year's counts.
pub async fn list(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Vec<Row>> {
    let conn = store.conn();
    let rows = studio::Entity::find()
        .filter(visible(store, scope).await?)
        .order_by_asc(studio::Column::DistrictId)
        .order_by_asc(studio::Column::Name)
        .order_by_asc(studio::Column::Id)
        .all(conn)
        .await?;
    let own = own(store, scope).await?;
    let studios = assemble(conn, scope, own, rows).await?;
    let since = year_start(today);
    let mut counts: HashMap<i64, (usize, i64, usize, Option<NaiveDate>)> = HashMap::new();
    for a in activity::Entity::find()
        .filter(activity::Column::StudioId.is_in(studios.iter().map(|s| s.id)))
        .filter(activity::Column::HeldOn.gte(since))
        .filter(activity::Column::HeldOn.lte(today))
        .all(conn)
        .await?
    {
        let e = counts.entry(a.studio_id).or_default();
        e.0 += 1;
        e.1 += i64::from(a.minutes);
        if a.kind == StudioActivityKind::SendTeaching.code() {
            e.2 += 1;
        }
        e.3 = e.3.max(Some(a.held_on));
    }
    Ok(studios
        .into_iter()
        .map(|s| {
            let (activities, minutes, send_teaching, last_activity) =
                counts.get(&s.id).copied().unwrap_or_default();
            Row {
                studio: s,
                activities,
                minutes,
                send_teaching,
                last_activity,
            }
        })
        .collect())
}

/// One studio with its people, without its activities (what a write
/// checks the caller's standing against).
pub async fn load(store: &Store, scope: &Scope, id: i64) -> Result<Studio> {
    let row = studio::Entity::find_by_id(id)
        .filter(visible(store, scope).await?)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let own = own(store, scope).await?;
    Ok(assemble(store.conn(), scope, own, vec![row]).await?.remove(0))
}

/// One studio with its activities, for a caller who sees it.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<StudioPage> {
    let s = load(store, scope, id).await?;
    let conn = store.conn();
    let rows = activity::Entity::find()
        .filter(activity::Column::StudioId.eq(id))
        .order_by_desc(activity::Column::HeldOn)
        .order_by_desc(activity::Column::Id)
        .all(conn)
        .await?;
    let names: HashMap<i64, String> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(rows.iter().filter_map(|a| a.led_by_teacher_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let schools: HashMap<i64, (String, Option<String>)> = school::Entity::find()
        .filter(school::Column::Id.is_in(rows.iter().filter_map(|a| a.receiving_school_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.name, s.name_en)))
        .collect();
    let activities = rows
        .into_iter()
        .map(|a| {
            let stored = a.receiving_school_id.and_then(|i| schools.get(&i).cloned());
            Activity {
                id: a.id,
                studio_id: a.studio_id,
                held_on: a.held_on,
                kind: StudioActivityKind::from_code(&a.kind).unwrap_or(StudioActivityKind::Seminar),
                title: a.title,
                place: a.place,
                minutes: i64::from(a.minutes),
                led_by: a
                    .led_by_teacher_id
                    .map(|t| (t, names.get(&t).cloned().unwrap_or_default())),
                receiving_school_id: a.receiving_school_id,
                receiving_school_en: stored.as_ref().and_then(|s| s.1.clone()),
                receiving_school: stored
                    .map(|s| s.0)
                    .or_else(|| Some(a.receiving_school_name).filter(|n| !n.is_empty())),
                summary: a.summary,
            }
        })
        .collect();
    Ok(StudioPage {
        studio: s,
        activities,
    })
}

/// The studios a teacher leads or belongs to now: (studio, name, as
/// master).
pub async fn of_teacher(
    store: &Store,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<Vec<(i64, String, bool)>> {
    let conn = store.conn();
    let member_of: Vec<i64> = member::Entity::find()
        .filter(member::Column::TeacherId.eq(teacher_id))
        .filter(
            Condition::any()
                .add(member::Column::LeftOn.is_null())
                .add(member::Column::LeftOn.gte(today)),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.studio_id)
        .collect();
    Ok(studio::Entity::find()
        .filter(
            Condition::any()
                .add(studio::Column::MasterTeacherId.eq(teacher_id))
                .add(studio::Column::Id.is_in(member_of)),
        )
        .filter(
            Condition::any()
                .add(studio::Column::EndsOn.is_null())
                .add(studio::Column::EndsOn.gte(today)),
        )
        .order_by_asc(studio::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name, s.master_teacher_id == teacher_id))
        .collect())
}

/// The master teacher: an active teacher of the district.
async fn master_of<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    teacher_id: i64,
) -> Result<teacher::Model> {
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(conn)
        .await?
        .filter(|t| t.active)
        .ok_or_else(|| Error::Invalid(FieldError::new("master", "not_found").with("value", teacher_id)))?;
    if t.district_id != district_id {
        return Err(Error::Invalid(
            FieldError::new("master", "studio_other_district").with("value", t.name),
        ));
    }
    Ok(t)
}

fn checked(problems: Vec<FieldError>) -> Result<()> {
    match problems.len() {
        0 => Ok(()),
        _ => Err(Error::InvalidAll(problems)),
    }
}

/// Sets up a studio in a district: its staff who manage teachers.
pub async fn create(store: &Store, scope: &Scope, district_id: i64, input: &StudioInput) -> Result<i64> {
    let tenant = Tenant::district(district_id);
    if !scope.allows(Capability::Read, tenant) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    checked(input.problems())?;
    let txn = store.begin().await?;
    let master = master_of(&txn, district_id, input.master_teacher_id).await?;
    let now = Utc::now();
    let m = studio::ActiveModel {
        district_id: Set(district_id),
        name: Set(input.name.trim().to_string()),
        master_teacher_id: Set(master.id),
        master_school_id: Set(master.school_id),
        subject: Set(input.subject.trim().to_string()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        aims: Set(input.aims.trim().to_string()),
        created_by: Set(scope.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "studio.create",
            entity_type: "studio",
            entity_id: Some(m.id.to_string()),
            tenant,
            before: None,
            after: Some(json!({"name": m.name, "master": master.id})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// Changes a studio: its name, master, subject, term or aims. A member who
/// becomes the master leaves the members.
pub async fn update(store: &Store, scope: &Scope, id: i64, input: &StudioInput) -> Result<()> {
    let s = load(store, scope, id).await?;
    if !s.may_manage {
        return Err(Error::Forbidden);
    }
    checked(input.problems())?;
    let txn = store.begin().await?;
    let master = master_of(&txn, s.district_id, input.master_teacher_id).await?;
    // A new term keeps what was recorded inside it.
    let outside = |d: NaiveDate| d < input.starts_on || input.ends_on.is_some_and(|e| d > e);
    let earliest_member = s.members.iter().chain(&s.former).map(|m| m.joined_on).min();
    let held: Vec<NaiveDate> = activity::Entity::find()
        .filter(activity::Column::StudioId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| a.held_on)
        .collect();
    if let Some(d) = earliest_member.into_iter().chain(held).find(|d| outside(*d)) {
        let field = if d < input.starts_on {
            "starts_on"
        } else {
            "ends_on"
        };
        return Err(Error::Invalid(
            FieldError::new(field, "studio_term_leaves_records").with("value", d),
        ));
    }
    let row = studio::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before = json!({"name": row.name, "master": row.master_teacher_id});
    let mut a = row.into_active_model();
    a.name = Set(input.name.trim().to_string());
    a.master_teacher_id = Set(master.id);
    a.master_school_id = Set(master.school_id);
    a.subject = Set(input.subject.trim().to_string());
    a.starts_on = Set(input.starts_on);
    a.ends_on = Set(input.ends_on);
    a.aims = Set(input.aims.trim().to_string());
    a.updated_at = Set(Utc::now());
    let m = a.update(&txn).await?;
    member::Entity::delete_many()
        .filter(member::Column::StudioId.eq(id))
        .filter(member::Column::TeacherId.eq(master.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "studio.update",
            entity_type: "studio",
            entity_id: Some(id.to_string()),
            tenant: Tenant::district(s.district_id),
            before: Some(before),
            after: Some(json!({"name": m.name, "master": m.master_teacher_id})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Adds a member: an active teacher of one of the district's schools, not
/// the master, not a member already.
pub async fn add_member(store: &Store, scope: &Scope, id: i64, input: &MemberInput) -> Result<()> {
    let s = load(store, scope, id).await?;
    if !s.may_manage {
        return Err(Error::Forbidden);
    }
    let today = crate::calendar::today();
    let joined_on = input.joined_on.unwrap_or(today);
    let txn = store.begin().await?;
    let t = teacher::Entity::find_by_id(input.teacher_id)
        .one(&txn)
        .await?
        .filter(|t| t.active)
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("teacher", "not_found").with("value", input.teacher_id))
        })?;
    if t.district_id != s.district_id {
        return Err(Error::Invalid(
            FieldError::new("teacher", "studio_other_district").with("value", t.name),
        ));
    }
    if t.id == s.master.teacher_id {
        return Err(Error::Invalid(
            FieldError::new("teacher", "studio_master_member").with("value", t.name),
        ));
    }
    if joined_on < s.starts_on || s.ends_on.is_some_and(|e| joined_on > e) {
        return Err(Error::Invalid(
            FieldError::new("joined_on", "studio_outside_term")
                .with("from", s.starts_on)
                .with(
                    "to",
                    s.ends_on.map(|d| d.to_string()).unwrap_or_else(|| "…".into()),
                ),
        ));
    }
    let existing = member::Entity::find()
        .filter(member::Column::StudioId.eq(id))
        .filter(member::Column::TeacherId.eq(t.id))
        .one(&txn)
        .await?;
    match existing {
        Some(m) if m.left_on.is_none_or(|l| l >= today) => {
            return Err(Error::Conflict(
                FieldError::new("teacher", "studio_member_already").with("value", t.name),
            ));
        }
        // A former member comes back: the same row, joined again.
        Some(m) => {
            let mut a = m.into_active_model();
            a.joined_on = Set(joined_on);
            a.left_on = Set(None);
            a.school_id = Set(t.school_id);
            a.update(&txn).await?;
        }
        None => {
            member::ActiveModel {
                studio_id: Set(id),
                teacher_id: Set(t.id),
                school_id: Set(t.school_id),
                joined_on: Set(joined_on),
                left_on: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "studio.member_add",
            entity_type: "studio",
            entity_id: Some(id.to_string()),
            tenant: Tenant::district(s.district_id),
            before: None,
            after: Some(json!({"teacher": t.id, "joined_on": joined_on})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A member leaves (today): kept as a former member; one who joined today
/// is taken off.
pub async fn remove_member(store: &Store, scope: &Scope, id: i64, teacher_id: i64) -> Result<()> {
    let s = load(store, scope, id).await?;
    if !s.may_manage {
        return Err(Error::Forbidden);
    }
    let today = crate::calendar::today();
    let txn = store.begin().await?;
    let m = member::Entity::find()
        .filter(member::Column::StudioId.eq(id))
        .filter(member::Column::TeacherId.eq(teacher_id))
        .one(&txn)
        .await?
        .filter(|m| m.left_on.is_none_or(|l| l >= today))
        .ok_or(Error::NotFound)?;
    if m.joined_on >= today {
        member::Entity::delete_by_id(m.id).exec(&txn).await?;
    } else {
        let mut a = m.into_active_model();
        a.left_on = Set(Some(today - chrono::Days::new(1)));
        a.update(&txn).await?;
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "studio.member_remove",
            entity_type: "studio",
            entity_id: Some(id.to_string()),
            tenant: Tenant::district(s.district_id),
            before: Some(json!({"teacher": teacher_id})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records an activity of the studio: its master or district staff. The
/// one who led it is the master or a member; a receiving school named by
/// id is one of the district's.
pub async fn add_activity(store: &Store, scope: &Scope, id: i64, input: &StudioActivityInput) -> Result<i64> {
    let s = load(store, scope, id).await?;
    if !s.may_record {
        return Err(Error::Forbidden);
    }
    checked(input.problems())?;
    if input.held_on < s.starts_on || s.ends_on.is_some_and(|e| input.held_on > e) {
        return Err(Error::Invalid(
            FieldError::new("held_on", "studio_outside_term")
                .with("from", s.starts_on)
                .with(
                    "to",
                    s.ends_on.map(|d| d.to_string()).unwrap_or_else(|| "…".into()),
                ),
        ));
    }
    let led_by = input.led_by_teacher_id.unwrap_or(s.master.teacher_id);
    // A member on the day it was held (one who has left since led it then).
    let member_then = s.members.iter().chain(&s.former).any(|m| {
        m.person.teacher_id == led_by
            && m.joined_on <= input.held_on
            && m.left_on.is_none_or(|l| l >= input.held_on)
    });
    if led_by != s.master.teacher_id && !member_then {
        return Err(Error::Invalid(
            FieldError::new("led_by", "studio_not_member").with("value", led_by),
        ));
    }
    let txn = store.begin().await?;
    if let Some(rs) = input.receiving_school_id {
        match school::Entity::find_by_id(rs).one(&txn).await? {
            Some(sc) if sc.district_id == s.district_id => {}
            Some(sc) => {
                return Err(Error::Invalid(
                    FieldError::new("receiving_school", "studio_other_district").with("value", sc.name),
                ));
            }
            None => {
                return Err(Error::Invalid(
                    FieldError::new("receiving_school", "not_found").with("value", rs),
                ));
            }
        }
    }
    let m = activity::ActiveModel {
        studio_id: Set(id),
        district_id: Set(s.district_id),
        held_on: Set(input.held_on),
        kind: Set(input.kind.code().into()),
        title: Set(input.title.trim().to_string()),
        place: Set(input.place.trim().to_string()),
        minutes: Set(input.minutes as i32),
        led_by_teacher_id: Set(Some(led_by)),
        receiving_school_id: Set(input.receiving_school_id),
        receiving_school_name: Set(if input.receiving_school_id.is_some() {
            String::new()
        } else {
            input.receiving_school_name.trim().to_string()
        }),
        summary: Set(input.summary.trim().to_string()),
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
            action: "studio.activity_add",
            entity_type: "studio_activity",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::district(s.district_id),
            before: None,
            after: Some(json!({"studio": id, "kind": m.kind, "title": m.title, "held_on": m.held_on})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// Removes an activity: who may record the studio's.
pub async fn remove_activity(store: &Store, scope: &Scope, activity_id: i64) -> Result<i64> {
    let a = activity::Entity::find_by_id(activity_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let s = load(store, scope, a.studio_id).await?;
    if !s.may_record {
        return Err(Error::Forbidden);
    }
    let txn = store.begin().await?;
    activity::Entity::delete_by_id(activity_id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "studio.activity_remove",
            entity_type: "studio_activity",
            entity_id: Some(activity_id.to_string()),
            tenant: Tenant::district(s.district_id),
            before: Some(json!({"studio": s.id, "kind": a.kind, "title": a.title, "held_on": a.held_on})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(s.id)
}

/// The district's studios at a glance, for the dashboards of those who
/// read the district.
#[derive(Debug, Clone, Serialize)]
pub struct Glance {
    pub studios: usize,
    pub members: usize,
    pub schools: usize,
    /// This school year's activities, send-teaching among them.
    pub activities: usize,
    pub send_teaching: usize,
}

/// The glance over the studios the caller sees (none: `None`).
pub async fn glance(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Option<Glance>> {
    let rows = list(store, scope, today).await?;
    let running: Vec<&Row> = rows.iter().filter(|r| r.studio.running_on(today)).collect();
    if running.is_empty() {
        return Ok(None);
    }
    let schools: BTreeSet<i64> = running
        .iter()
        .flat_map(|r| r.studio.schools().into_iter().map(|s| s.0))
        .collect();
    Ok(Some(Glance {
        studios: running.len(),
        members: running.iter().map(|r| r.studio.members.len()).sum(),
        schools: schools.len(),
        activities: running.iter().map(|r| r.activities).sum(),
        send_teaching: running.iter().map(|r| r.send_teaching).sum(),
    }))
}

/// A demo activity: days into the school year, kind, title, place,
/// minutes, who led it, the receiving school outside the system.
type DemoActivity = (
    u64,
    StudioActivityKind,
    &'static str,
    &'static str,
    u32,
    Option<i64>,
    Option<&'static str>,
);

/// The demo's studio: the mentor account's teacher leads a studio for the
/// move from kindergarten to primary school (幼小衔接) with members from
/// both schools (the teacher account among them, one who has left), and
/// this school year's activities — a lecture, a demonstration class, a
/// seminar, send-teaching to a village school outside the system (seed
/// 004 names 水寨中心小学) and to the kindergarten.
pub(crate) async fn demo(store: &Store, scope: &Scope, district_id: i64, today: NaiveDate) -> Result<()> {
    let by_no = |no: &'static str| async move {
        teacher::Entity::find()
            .filter(teacher::Column::DistrictId.eq(district_id))
            .filter(teacher::Column::StaffNo.eq(no))
            .one(store.conn())
            .await
    };
    let Some(master) = by_no("GF0004").await? else {
        return Ok(());
    };
    let since = year_start(today) - chrono::Months::new(12);
    let id = create(
        store,
        scope,
        district_id,
        &StudioInput {
            name: format!("{}名师工作室", master.name),
            master_teacher_id: master.id,
            subject: "幼小衔接".into(),
            starts_on: since,
            ends_on: since
                .checked_add_months(chrono::Months::new(36))
                .map(|d| d - chrono::Days::new(1)),
            aims: "三年内带领成员围绕“幼小衔接”开展课例研究：每学期示范课不少于两节、送教不少于一次；形成一年级入学适应课程方案一套；成员中培养区级骨干教师两名。".into(),
        },
    )
    .await?;
    let mut members = Vec::new();
    for no in ["GF0005", "GF0020", "GF0015", "YG0003", "YG0005", "GF0012"] {
        if let Some(t) = by_no(no).await? {
            add_member(
                store,
                scope,
                id,
                &MemberInput {
                    teacher_id: t.id,
                    joined_on: Some(since),
                },
            )
            .await?;
            members.push(t);
        }
    }
    // One member left last summer (transferred to another post).
    if let Some(gone) = members.iter().find(|t| t.staff_no.as_deref() == Some("GF0012")) {
        member::Entity::update_many()
            .col_expr(
                member::Column::LeftOn,
                sea_orm::sea_query::Expr::value(year_start(today) - chrono::Days::new(1)),
            )
            .filter(member::Column::StudioId.eq(id))
            .filter(member::Column::TeacherId.eq(gone.id))
            .exec(store.conn())
            .await?;
    }
    let kindergarten = members
        .iter()
        .find(|t| t.school_id != master.school_id)
        .map(|t| t.school_id);
    let led = |no: &str| {
        members
            .iter()
            .find(|t| t.staff_no.as_deref() == Some(no))
            .map(|t| t.id)
    };
    let start = year_start(today);
    // (days into the school year, kind, title, place, minutes, led by, receiving school)
    let plan: [DemoActivity; 6] = [
        (
            14,
            StudioActivityKind::Lecture,
            "幼小衔接中的习惯养成",
            "广府实验小学报告厅",
            90,
            None,
            None,
        ),
        (
            28,
            StudioActivityKind::Demonstration,
            "示范课《10的认识》",
            "一年级（2）班",
            40,
            led("GF0005"),
            None,
        ),
        (
            42,
            StudioActivityKind::Seminar,
            "课例研讨：一年级入学适应",
            "工作室",
            120,
            None,
            None,
        ),
        (
            56,
            StudioActivityKind::SendTeaching,
            "送教《植树问题》",
            "水寨中心小学",
            90,
            None,
            Some("水寨中心小学"),
        ),
        (
            70,
            StudioActivityKind::SendTeaching,
            "送教：幼小衔接家长课堂",
            "阳光幼儿园多功能厅",
            60,
            led("YG0003"),
            None,
        ),
        (
            84,
            StudioActivityKind::Online,
            "网络研修：入学适应期的课堂常规",
            "线上",
            60,
            None,
            None,
        ),
    ];
    for (n, (days, kind, title, place, minutes, led_by, outside)) in plan.into_iter().enumerate() {
        let held_on = start + chrono::Days::new(days);
        if held_on > today {
            break;
        }
        let to_kindergarten = kind == StudioActivityKind::SendTeaching && outside.is_none();
        if to_kindergarten && kindergarten.is_none() {
            continue;
        }
        add_activity(
            store,
            scope,
            id,
            &StudioActivityInput {
                held_on,
                kind,
                title: title.into(),
                place: place.into(),
                minutes,
                led_by_teacher_id: led_by,
                receiving_school_id: if to_kindergarten { kindergarten } else { None },
                receiving_school_name: outside.unwrap_or_default().into(),
                summary: match n {
                    0 => "主持人结合本校一年级新生入学观察，讲解习惯养成的三个关键期，成员分享幼儿园大班的做法。".into(),
                    3 => "送教一节数学课并与该校教师座谈，赠送工作室编写的入学适应活动设计。".into(),
                    _ => String::new(),
                },
            },
        )
        .await?;
    }
    Ok(())
}
