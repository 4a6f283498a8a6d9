//! Mentoring weeks (师徒活动周): a school's dated week and what its running
//! pairs did in it — meetings from the log, cycles started, stages
//! fulfilled with their records — read from where they are kept, and the
//! school's own mentoring-week activities of those days. The school's
//! readers see a week; those who manage its pairs set one.

use super::cycles;
use super::pairs::{self, Filter, Pair};
use crate::audit::{self, Change};
use crate::entity::{activity, mentoring_meeting as meeting, mentoring_week as week, school};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::activities::ActivityType;
use lingyan_domain::mentoring::PairStatus;
use lingyan_domain::mentoring::cycle::CycleStage;
use lingyan_domain::mentoring::week::{WeekInput, overlaps};
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;

/// A mentoring week.
#[derive(Debug, Clone, Serialize)]
pub struct Week {
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub title: String,
    pub theme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Whether the caller may change or remove it.
    pub may_manage: bool,
}

impl Week {
    fn of(m: week::Model, may_manage: bool) -> Self {
        Self {
            id: m.id,
            district_id: m.district_id,
            school_id: m.school_id,
            title: m.title,
            theme: m.theme,
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            may_manage,
        }
    }

    /// Whether `d` falls in the week.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.starts_on <= d && d <= self.ends_on
    }
}

/// A meeting of the week (its topic and time; notes stay in the log).
#[derive(Debug, Clone, Serialize)]
pub struct WeekMeeting {
    pub met_on: NaiveDate,
    pub minutes: i64,
    pub topic: String,
}

/// A cycle stage fulfilled in the week, by the day of its record.
#[derive(Debug, Clone, Serialize)]
pub struct WeekStage {
    pub on: NaiveDate,
    pub cycle_id: i64,
    pub lesson: String,
    pub stage: CycleStage,
    pub teacher: String,
    pub record: String,
}

/// A cycle started in the week.
#[derive(Debug, Clone, Serialize)]
pub struct WeekCycle {
    pub cycle_id: i64,
    pub lesson: String,
    pub started_on: NaiveDate,
}

/// What one pair did in the week.
#[derive(Debug, Clone, Serialize)]
pub struct PairWeek {
    pub pair: Pair,
    pub meetings: Vec<WeekMeeting>,
    pub cycles_started: Vec<WeekCycle>,
    pub stages: Vec<WeekStage>,
}

impl PairWeek {
    /// Whether the pair did anything in the week.
    pub fn active(&self) -> bool {
        !(self.meetings.is_empty() && self.cycles_started.is_empty() && self.stages.is_empty())
    }

    pub fn minutes(&self) -> i64 {
        self.meetings.iter().map(|m| m.minutes).sum()
    }
}

/// A mentoring-week activity the school runs in those days.
#[derive(Debug, Clone, Serialize)]
pub struct WeekActivity {
    pub id: i64,
    pub title: String,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
}

/// The week and what it collected.
#[derive(Debug, Clone, Serialize)]
pub struct WeekReport {
    pub week: Week,
    pub school_name: String,
    pub school_name_en: Option<String>,
    /// Pairs running in the week: those without activity first, then by
    /// mentor.
    pub pairs: Vec<PairWeek>,
    pub activities: Vec<WeekActivity>,
}

impl WeekReport {
    pub fn active_pairs(&self) -> usize {
        self.pairs.iter().filter(|p| p.active()).count()
    }

    pub fn meetings(&self) -> usize {
        self.pairs.iter().map(|p| p.meetings.len()).sum()
    }

    pub fn minutes(&self) -> i64 {
        self.pairs.iter().map(PairWeek::minutes).sum()
    }

    pub fn stages(&self) -> usize {
        self.pairs.iter().map(|p| p.stages.len()).sum()
    }

    pub fn cycles_started(&self) -> usize {
        self.pairs.iter().map(|p| p.cycles_started.len()).sum()
    }
}

fn may_manage(scope: &Scope, district_id: i64, school_id: i64) -> bool {
    scope.allows(Capability::ManageTeachers, Tenant::school(district_id, school_id))
}

/// The school's mentoring weeks, the latest first.
pub async fn list(store: &Store, scope: &Scope, school_id: i64) -> Result<Vec<Week>> {
    let sc = super::readable_school(store, scope, school_id).await?;
    let manage = may_manage(scope, sc.district_id, sc.id);
    Ok(week::Entity::find()
        .filter(week::Column::SchoolId.eq(school_id))
        .order_by_desc(week::Column::StartsOn)
        .order_by_desc(week::Column::Id)
        .all(store.conn())
        .await?
        .into_iter()
        .map(|m| Week::of(m, manage))
        .collect())
}

/// One week, for the school's readers.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Week> {
    let m = week::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let sc = super::readable_school(store, scope, m.school_id).await?;
    let manage = may_manage(scope, sc.district_id, sc.id);
    Ok(Week::of(m, manage))
}

/// The first week running today at one of the schools, or else the next
/// to begin within `ahead` days.
async fn first_week(
    store: &Store,
    school_ids: &[i64],
    today: NaiveDate,
    ahead: i64,
) -> Result<Option<week::Model>> {
    Ok(week::Entity::find()
        .filter(week::Column::SchoolId.is_in(school_ids.iter().copied()))
        .filter(week::Column::EndsOn.gte(today))
        .filter(week::Column::StartsOn.lte(today + chrono::Duration::days(ahead)))
        .order_by_asc(week::Column::StartsOn)
        .order_by_asc(week::Column::Id)
        .one(store.conn())
        .await?)
}

/// The school's week running today, or else the next to begin within
/// `ahead` days: for anyone who reads the school (what the pairs did is
/// the report's).
pub async fn current(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    today: NaiveDate,
    ahead: i64,
) -> Result<Option<Week>> {
    let sc = school::Entity::find_by_id(school_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    if !scope.allows(Capability::Read, Tenant::school(sc.district_id, sc.id)) {
        return Ok(None);
    }
    let manage = may_manage(scope, sc.district_id, sc.id);
    Ok(first_week(store, &[school_id], today, ahead)
        .await?
        .map(|m| Week::of(m, manage)))
}

/// The week running or coming at the schools of a teacher's standing
/// pairs (active or agreed): the teacher is told of it wherever the pair
/// belongs (a cross-school mentor of the apprentices' school), its title,
/// days and theme only.
pub async fn for_teacher(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
    ahead: i64,
) -> Result<Option<Week>> {
    use crate::entity::mentorship;
    let schools: Vec<i64> = mentorship::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(mentorship::Column::MentorTeacherId.eq(teacher_id))
                .add(mentorship::Column::ApprenticeTeacherId.eq(teacher_id))
                .add(mentorship::Column::SecondApprenticeTeacherId.eq(teacher_id)),
        )
        .filter(mentorship::Column::Status.is_in([PairStatus::Active.code(), PairStatus::Agreed.code()]))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|p| p.school_id)
        .collect();
    if schools.is_empty() {
        return Ok(None);
    }
    Ok(first_week(store, &schools, today, ahead).await?.map(|m| {
        let manage = may_manage(scope, m.district_id, m.school_id);
        Week::of(m, manage)
    }))
}

/// Refuses a week that shares a day with another of the school's.
async fn no_overlap(
    conn: &impl sea_orm::ConnectionTrait,
    school_id: i64,
    input: &WeekInput,
    except: Option<i64>,
) -> Result<()> {
    let others = week::Entity::find()
        .filter(week::Column::SchoolId.eq(school_id))
        .filter(week::Column::StartsOn.lte(input.ends_on))
        .filter(week::Column::EndsOn.gte(input.starts_on))
        .all(conn)
        .await?;
    match others.into_iter().find(|o| {
        Some(o.id) != except && overlaps((o.starts_on, o.ends_on), (input.starts_on, input.ends_on))
    }) {
        Some(o) => Err(Error::Invalid(
            FieldError::new("starts_on", "week_overlaps")
                .with("value", o.title)
                .with("from", o.starts_on)
                .with("to", o.ends_on),
        )),
        None => Ok(()),
    }
}

fn checked(input: &WeekInput) -> Result<()> {
    let problems = input.problems();
    match problems.len() {
        0 => Ok(()),
        _ => Err(Error::InvalidAll(problems)),
    }
}

/// Sets a mentoring week for the school: those who manage its pairs.
pub async fn create(store: &Store, scope: &Scope, school_id: i64, input: &WeekInput) -> Result<Week> {
    let sc = super::readable_school(store, scope, school_id).await?;
    let tenant = Tenant::school(sc.district_id, sc.id);
    scope.require(Capability::ManageTeachers, tenant)?;
    checked(input)?;
    let txn = store.begin().await?;
    no_overlap(&txn, school_id, input, None).await?;
    let now = Utc::now();
    let m = week::ActiveModel {
        district_id: Set(sc.district_id),
        school_id: Set(sc.id),
        title: Set(input.title.trim().to_string()),
        theme: Set(input.theme.trim().to_string()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
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
            action: "mentoring_week.create",
            entity_type: "mentoring_week",
            entity_id: Some(m.id.to_string()),
            tenant,
            before: None,
            after: Some(json!({"title": m.title, "from": m.starts_on, "to": m.ends_on})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Week::of(m, true))
}

/// Changes a week's title, theme or days.
pub async fn update(store: &Store, scope: &Scope, id: i64, input: &WeekInput) -> Result<Week> {
    let w = get(store, scope, id).await?;
    if !w.may_manage {
        return Err(Error::Forbidden);
    }
    checked(input)?;
    let txn = store.begin().await?;
    no_overlap(&txn, w.school_id, input, Some(id)).await?;
    let m = week::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before = json!({"title": m.title, "from": m.starts_on, "to": m.ends_on});
    let mut a = m.into_active_model();
    a.title = Set(input.title.trim().to_string());
    a.theme = Set(input.theme.trim().to_string());
    a.starts_on = Set(input.starts_on);
    a.ends_on = Set(input.ends_on);
    a.updated_at = Set(Utc::now());
    let m = a.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_week.update",
            entity_type: "mentoring_week",
            entity_id: Some(id.to_string()),
            tenant: Tenant::school(w.district_id, w.school_id),
            before: Some(before),
            after: Some(json!({"title": m.title, "from": m.starts_on, "to": m.ends_on})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Week::of(m, true))
}

/// Removes a week; the pairs' activity stays where it is kept.
pub async fn delete(store: &Store, scope: &Scope, id: i64) -> Result<()> {
    let w = get(store, scope, id).await?;
    if !w.may_manage {
        return Err(Error::Forbidden);
    }
    let txn = store.begin().await?;
    week::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentoring_week.delete",
            entity_type: "mentoring_week",
            entity_id: Some(id.to_string()),
            tenant: Tenant::school(w.district_id, w.school_id),
            before: Some(json!({"title": w.title, "from": w.starts_on, "to": w.ends_on})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether a pair runs on some day of the week: agreed to run (active or
/// concluded since), begun by its end and not ended before its start.
fn runs_in(p: &Pair, w: &Week) -> bool {
    matches!(p.status, PairStatus::Active | PairStatus::Concluded)
        && p.school_id == w.school_id
        && p.starts_on <= w.ends_on
        && p.ends_on.is_none_or(|e| e >= w.starts_on)
        && p.ended_on.is_none_or(|e| e >= w.starts_on)
}

/// The week and what every running pair of the school did in it.
pub async fn report(store: &Store, scope: &Scope, id: i64) -> Result<WeekReport> {
    let w = get(store, scope, id).await?;
    let conn = store.conn();
    let sc = school::Entity::find_by_id(w.school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let f = Filter {
        school_id: Some(w.school_id),
        ..Default::default()
    };
    let running: Vec<Pair> = pairs::list(store, scope, &f)
        .await?
        .into_iter()
        .filter(|p| runs_in(p, &w))
        .collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::MentorshipId.is_in(running.iter().map(|p| p.id)))
        .filter(meeting::Column::MetOn.gte(w.starts_on))
        .filter(meeting::Column::MetOn.lte(w.ends_on))
        .order_by_asc(meeting::Column::MetOn)
        .order_by_asc(meeting::Column::Id)
        .all(conn)
        .await?;
    let all_cycles = cycles::of_pairs(store, scope, &running).await?;
    let mut out: Vec<PairWeek> = running
        .into_iter()
        .map(|p| {
            let mine = all_cycles.iter().filter(|c| c.pair_id == p.id);
            let mut stages: Vec<WeekStage> = mine
                .clone()
                .flat_map(|c| {
                    c.stages.iter().filter_map(|s| {
                        let r = s.record.as_ref()?;
                        w.contains(r.occurred_on).then(|| WeekStage {
                            on: r.occurred_on,
                            cycle_id: c.id,
                            lesson: c.title.clone(),
                            stage: s.stage,
                            teacher: s.owner.name.clone(),
                            record: r.title.clone(),
                        })
                    })
                })
                .collect();
            stages.sort_by(|a, b| a.on.cmp(&b.on).then(a.cycle_id.cmp(&b.cycle_id)));
            PairWeek {
                meetings: meetings
                    .iter()
                    .filter(|m| m.mentorship_id == p.id)
                    .map(|m| WeekMeeting {
                        met_on: m.met_on,
                        minutes: i64::from(m.minutes),
                        topic: m.topic.clone(),
                    })
                    .collect(),
                cycles_started: mine
                    .filter(|c| w.contains(c.started_on))
                    .map(|c| WeekCycle {
                        cycle_id: c.id,
                        lesson: c.title.clone(),
                        started_on: c.started_on,
                    })
                    .collect(),
                stages,
                pair: p,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.active()
            .cmp(&b.active())
            .then_with(|| {
                lingyan_domain::collate::text_key(&a.pair.mentor.name)
                    .cmp(&lingyan_domain::collate::text_key(&b.pair.mentor.name))
            })
            .then(a.pair.id.cmp(&b.pair.id))
    });
    let activities = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(w.school_id))
        .filter(activity::Column::Kind.eq(ActivityType::MentoringWeek.code()))
        .filter(activity::Column::FirstDate.lte(w.ends_on))
        .filter(activity::Column::LastDate.gte(w.starts_on))
        .order_by_asc(activity::Column::FirstDate)
        .all(conn)
        .await?
        .into_iter()
        .map(|a| WeekActivity {
            id: a.id,
            title: a.title,
            first_date: a.first_date,
            last_date: a.last_date,
        })
        .collect();
    Ok(WeekReport {
        week: w,
        school_name: sc.name,
        school_name_en: sc.name_en,
        pairs: out,
        activities,
    })
}
