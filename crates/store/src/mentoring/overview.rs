//! A school's mentoring at a glance (师徒结对情况): how many of its young
//! and new teachers have a mentor, each running pair's activity — meetings,
//! time, cycles done, the cycle under way — and the pairs that have gone
//! quiet.

use super::cycles::{self, Cycle};
use super::matching::young_or_new;
use super::pairs::{self, Filter, Pair};
use crate::entity::{mentoring_meeting as meeting, teacher};
use crate::{Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::mentoring::PairStatus;
use lingyan_domain::mentoring::cycle::CycleStage;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// A pair goes quiet after this many days without a meeting or a stage.
pub const QUIET_AFTER_DAYS: i64 = 30;

/// A running pair's activity.
#[derive(Debug, Clone, Serialize)]
pub struct PairActivity {
    pub pair: Pair,
    pub meetings: usize,
    pub minutes: i64,
    pub cycles_done: usize,
    /// The cycle under way: its lesson, the next stage and who owes it.
    pub open_cycle: Option<(String, CycleStage, String)>,
    /// The last meeting, cycle start or stage record.
    pub last_activity: Option<NaiveDate>,
    /// Days since the last activity (or since the pair began).
    pub quiet_days: i64,
    pub quiet: bool,
}

/// A young or new teacher of the school without a mentor.
#[derive(Debug, Clone, Serialize)]
pub struct Unpaired {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
}

/// The school's mentoring at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub school_id: i64,
    pub school_name: String,
    pub school_name_en: Option<String>,
    pub on: NaiveDate,
    /// Young (under 35) or new (first three years) teachers.
    pub young_or_new: usize,
    /// Of them, those with a running pair.
    pub with_mentor: usize,
    pub unpaired: Vec<Unpaired>,
    /// Running pairs of the school, the quietest first.
    pub pairs: Vec<PairActivity>,
    pub cycles_done: usize,
    pub meetings: usize,
    pub minutes: i64,
}

impl Overview {
    /// The share of young and new teachers with a mentor, in percent.
    pub fn share(&self) -> u32 {
        match self.young_or_new {
            0 => 0,
            n => ((self.with_mentor * 100) as f64 / n as f64).round() as u32,
        }
    }

    pub fn quiet(&self) -> usize {
        self.pairs.iter().filter(|p| p.quiet).count()
    }
}

/// The overview of one school, for those who read its teachers.
pub async fn overview(store: &Store, scope: &Scope, school_id: i64, today: NaiveDate) -> Result<Overview> {
    let conn = store.conn();
    let sc = super::readable_school(store, scope, school_id).await?;
    let f = Filter {
        school_id: Some(school_id),
        status: Some(PairStatus::Active),
        ..Default::default()
    };
    let running: Vec<Pair> = pairs::list(store, scope, &f)
        .await?
        .into_iter()
        .filter(|p| p.school_id == school_id && p.ends_on.is_none_or(|e| e >= today))
        .collect();
    let mentored: BTreeSet<i64> = running
        .iter()
        .flat_map(|p| p.apprentices.iter().map(|a| a.teacher_id))
        .collect();
    let staff = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::StaffNo)
        .order_by_asc(teacher::Column::Id)
        .all(conn)
        .await?;
    let needing: Vec<&teacher::Model> = staff.iter().filter(|t| young_or_new(t, today)).collect();
    let with_mentor = needing.iter().filter(|t| mentored.contains(&t.id)).count();
    let unpaired = needing
        .iter()
        .filter(|t| !mentored.contains(&t.id))
        .map(|t| Unpaired {
            teacher_id: t.id,
            name: t.name.clone(),
            staff_no: t.staff_no.clone(),
        })
        .collect();
    // Meetings and cycles of the running pairs, in two reads.
    let mut by_pair: HashMap<i64, (usize, i64, Option<NaiveDate>)> = HashMap::new();
    for m in meeting::Entity::find()
        .filter(meeting::Column::MentorshipId.is_in(running.iter().map(|p| p.id)))
        .all(conn)
        .await?
    {
        let e = by_pair.entry(m.mentorship_id).or_default();
        e.0 += 1;
        e.1 += i64::from(m.minutes);
        e.2 = e.2.max(Some(m.met_on));
    }
    let all_cycles = cycles::of_pairs(store, scope, &running).await?;
    let mut pairs_out = Vec::new();
    for p in running {
        let (meetings, minutes, last_meeting) = by_pair.get(&p.id).copied().unwrap_or_default();
        let mine: Vec<&Cycle> = all_cycles.iter().filter(|c| c.pair_id == p.id).collect();
        let last_cycle = mine
            .iter()
            .flat_map(|c| {
                c.stages
                    .iter()
                    .filter_map(|s| s.record.as_ref().map(|r| r.occurred_on))
                    .chain(std::iter::once(c.started_on))
            })
            .filter(|d| *d <= today)
            .max();
        let last_activity = last_meeting.max(last_cycle);
        let quiet_days = (today - last_activity.unwrap_or(p.starts_on)).num_days().max(0);
        let open_cycle = mine.iter().find(|c| !c.done()).and_then(|c| {
            Some((
                c.title.clone(),
                c.next?,
                c.next_owner().map(|o| o.name.clone()).unwrap_or_default(),
            ))
        });
        pairs_out.push(PairActivity {
            meetings,
            minutes,
            cycles_done: mine.iter().filter(|c| c.done()).count(),
            open_cycle,
            last_activity,
            quiet_days,
            quiet: quiet_days > QUIET_AFTER_DAYS,
            pair: p,
        });
    }
    pairs_out.sort_by(|a, b| b.quiet_days.cmp(&a.quiet_days).then(a.pair.id.cmp(&b.pair.id)));
    Ok(Overview {
        school_id,
        school_name: sc.name,
        school_name_en: sc.name_en,
        on: today,
        young_or_new: needing.len(),
        with_mentor,
        unpaired,
        cycles_done: pairs_out.iter().map(|p| p.cycles_done).sum(),
        meetings: pairs_out.iter().map(|p| p.meetings).sum(),
        minutes: pairs_out.iter().map(|p| p.minutes).sum(),
        pairs: pairs_out,
    })
}

/// A pair in a teacher's history (their growth report).
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub pair: Pair,
    pub as_mentor: bool,
    pub meetings: usize,
    pub minutes: i64,
    pub cycles_done: usize,
}

/// The pairs a teacher was in, as mentor or apprentice, newest first; those
/// still only proposed are left out. For a caller who reads the teacher's
/// portfolio (checked by the growth report): the pairs' facts, counts of
/// meetings and completed cycles, never their notes.
pub async fn history(store: &Store, teacher_id: i64) -> Result<Vec<History>> {
    let conn = store.conn();
    let rows = crate::entity::mentorship::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(crate::entity::mentorship::Column::MentorTeacherId.eq(teacher_id))
                .add(crate::entity::mentorship::Column::ApprenticeTeacherId.eq(teacher_id))
                .add(crate::entity::mentorship::Column::SecondApprenticeTeacherId.eq(teacher_id)),
        )
        .filter(crate::entity::mentorship::Column::Status.ne(PairStatus::Proposed.code()))
        .order_by_desc(crate::entity::mentorship::Column::StartsOn)
        .order_by_desc(crate::entity::mentorship::Column::Id)
        .all(conn)
        .await?;
    let all = pairs::named(conn, rows).await?;
    let mut by_pair: HashMap<i64, (usize, i64)> = HashMap::new();
    for m in meeting::Entity::find()
        .filter(meeting::Column::MentorshipId.is_in(all.iter().map(|p| p.id)))
        .all(conn)
        .await?
    {
        let e = by_pair.entry(m.mentorship_id).or_default();
        e.0 += 1;
        e.1 += i64::from(m.minutes);
    }
    let cycles = cycles::of_pairs(store, &Scope::system("growth"), &all).await?;
    Ok(all
        .into_iter()
        .map(|p| {
            let (meetings, minutes) = by_pair.get(&p.id).copied().unwrap_or_default();
            History {
                as_mentor: p.mentor.teacher_id == teacher_id,
                meetings,
                minutes,
                cycles_done: cycles.iter().filter(|c| c.pair_id == p.id && c.done()).count(),
                pair: p,
            }
        })
        .collect())
}
