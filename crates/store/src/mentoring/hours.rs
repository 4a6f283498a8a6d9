//! Mentoring hours onto the credit ledger: for each teacher of a pair and
//! each calendar year, the minutes of the pair's meetings (every teacher
//! of the pair takes part) and one lesson period for each two-way cycle
//! stage the teacher fulfilled, as one entry of the kind "mentoring"
//! (school-based, teaching method, school level). The credits rule set in
//! force decides what the hours are worth (a conversion on "mentoring",
//! a bucket by form or area) and the transcript shows them. The entries
//! are made again, in the same transaction, whenever the pair's log or
//! cycles change.

use crate::Result;
use crate::entity::{
    credit_entry, evidence, mentoring_cycle_stage as stage_link, mentoring_meeting as meeting, mentorship,
    school, teacher,
};
use chrono::{Datelike, NaiveDate, Utc};
use lingyan_domain::Level;
use lingyan_domain::credits::{Area, Earning, Form, What};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

/// The minutes a fulfilled cycle stage counts: one lesson period.
pub const STAGE_MINUTES: i64 = 45;

/// The ledger's source for these entries.
pub const SOURCE: &str = "mentoring";

/// What one teacher did in one year of a pair.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    minutes: i64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

impl Tally {
    fn add(&mut self, on: NaiveDate, minutes: i64) {
        self.minutes += minutes;
        self.first = Some(self.first.map_or(on, |f| f.min(on)));
        self.last = Some(self.last.map_or(on, |l| l.max(on)));
    }
}

/// Makes the pair's ledger entries again from its log and cycles.
pub(crate) async fn sync<C: ConnectionTrait>(conn: &C, pair: i64) -> Result<()> {
    let source_ref = format!("pair:{pair}");
    credit_entry::Entity::delete_many()
        .filter(credit_entry::Column::Source.eq(SOURCE))
        .filter(credit_entry::Column::SourceRef.eq(source_ref.as_str()))
        .exec(conn)
        .await?;
    let Some(p) = mentorship::Entity::find_by_id(pair).one(conn).await? else {
        return Ok(());
    };
    let apprentices: Vec<i64> = std::iter::once(p.apprentice_teacher_id)
        .chain(p.second_apprentice_teacher_id)
        .collect();
    let everyone: Vec<i64> = std::iter::once(p.mentor_teacher_id)
        .chain(apprentices.iter().copied())
        .collect();
    let mut tally: BTreeMap<(i64, i32), Tally> = BTreeMap::new();
    for m in meeting::Entity::find()
        .filter(meeting::Column::MentorshipId.eq(pair))
        .all(conn)
        .await?
    {
        for t in &everyone {
            let e = tally.entry((*t, m.met_on.year())).or_default();
            e.add(m.met_on, i64::from(m.minutes));
        }
    }
    let links = stage_link::Entity::find()
        .filter(stage_link::Column::MentorshipId.eq(pair))
        .all(conn)
        .await?;
    for e in evidence::Entity::find()
        .filter(evidence::Column::Id.is_in(links.iter().map(|l| l.evidence_id)))
        .all(conn)
        .await?
    {
        if everyone.contains(&e.owner_teacher_id) {
            let t = tally
                .entry((e.owner_teacher_id, e.occurred_on.year()))
                .or_default();
            t.add(e.occurred_on, STAGE_MINUTES);
        }
    }
    if tally.is_empty() {
        return Ok(());
    }
    let teachers: HashMap<i64, teacher::Model> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(everyone.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let organiser = school::Entity::find_by_id(p.school_id)
        .one(conn)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let name = |id: &i64| teachers.get(id).map(|t| t.name.clone()).unwrap_or_default();
    let apprentice_names: Vec<String> = apprentices.iter().map(name).collect();
    for ((teacher_id, year), t) in tally {
        let (Some(who), Some(first), Some(last)) = (teachers.get(&teacher_id), t.first, t.last) else {
            continue;
        };
        // Names only: the kind ("mentoring") says what it is, in the
        // reader's language.
        let title = format!("{} → {}", name(&p.mentor_teacher_id), apprentice_names.join("、"));
        credit_entry::ActiveModel {
            district_id: Set(who.district_id),
            school_id: Set(who.school_id),
            teacher_id: Set(teacher_id),
            source: Set(SOURCE.into()),
            source_ref: Set(Some(source_ref.clone())),
            start_date: Set(first),
            end_date: Set(last),
            year: Set(year),
            title: Set(title.clone()),
            organiser: Set(organiser.clone()),
            what: Set(What::Earning(Earning::Mentoring).code().into()),
            form: Set(Form::SchoolBased.code().into()),
            area: Set(Some(Area::Method.code().into())),
            level: Set(Some(Level::School.code().into())),
            hours: Set((t.minutes * 100 + 30) / 60),
            credits: Set(None),
            pool: Set(None),
            marked_training: Set(false),
            note: Set(None),
            // As the national format keys it (start and title), so that a
            // ledger exported and imported again finds it recorded.
            dedup_key: Set(lingyan_domain::credits::national::dedup_key(first, &title)),
            created_at: Set(Utc::now()),
            created_by: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}
