//! Pairs as a programme (issue 16): proposed, agreed at a ceremony, active
//! for a term, concluded or dissolved. While a pair runs, each apprentice
//! has a dated link in `mentor_pairs` (what the viewer and the duties
//! engine read); every change of a pair makes its links again, so the two
//! cannot disagree.

use crate::audit::{self, Change};
use crate::entity::{mentor_pair, mentorship, school, teacher};
use crate::rule_sets::{self, Place};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::mentoring::{
    MentoringRules, PairAction, PairInput, PairKind, PairStatus, dissolve_reason, overlaps, same_subject,
};
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A teacher in a pair.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Person {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub school_id: i64,
    pub school_name: String,
    /// The school's English name, where one is stored.
    pub school_name_en: Option<String>,
    pub subjects: Vec<String>,
}

impl Person {
    /// A teacher whose record could not be read: the id, nothing else.
    pub(crate) fn unknown(teacher_id: i64) -> Self {
        Self {
            teacher_id,
            name: String::new(),
            staff_no: None,
            school_id: 0,
            school_name: String::new(),
            school_name_en: None,
            subjects: Vec::new(),
        }
    }
}

/// A pair with its people named.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub mentor: Person,
    pub apprentices: Vec<Person>,
    pub kind: PairKind,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub ceremony_on: Option<NaiveDate>,
    pub status: PairStatus,
    pub mentor_goals: String,
    pub apprentice_goals: String,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub updated_at: chrono::DateTime<Utc>,
}

impl Pair {
    /// Whether the mentor teaches at another school than the apprentices.
    pub fn cross_school(&self) -> bool {
        self.mentor.school_id != self.school_id
    }

    /// Whether `teacher` is the mentor or an apprentice.
    pub fn involves(&self, teacher: i64) -> bool {
        self.mentor.teacher_id == teacher || self.apprentices.iter().any(|a| a.teacher_id == teacher)
    }
}

/// Which pairs a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Pairs of this school: its apprentices', or its mentors' (cross-school).
    pub school_id: Option<i64>,
    pub status: Option<PairStatus>,
    pub ceremony_on: Option<NaiveDate>,
    /// Pairs this teacher is in.
    pub teacher_id: Option<i64>,
}

fn status_of(m: &mentorship::Model) -> PairStatus {
    PairStatus::from_code(&m.status).unwrap_or(PairStatus::Active)
}

fn kind_of(m: &mentorship::Model) -> PairKind {
    PairKind::from_code(&m.kind).unwrap_or(PairKind::OneOnOne)
}

fn apprentices_of(m: &mentorship::Model) -> Vec<i64> {
    std::iter::once(m.apprentice_teacher_id)
        .chain(m.second_apprentice_teacher_id)
        .collect()
}

/// Teachers as pairs show them, with their schools: two reads.
pub(crate) async fn people_named<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Person>> {
    let teachers: HashMap<i64, teacher::Model> = teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let schools: HashMap<i64, (String, Option<String>)> = school::Entity::find()
        .filter(school::Column::Id.is_in(teachers.values().map(|t| t.school_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.name, s.name_en)))
        .collect();
    Ok(teachers
        .into_values()
        .map(|t| {
            let sc = schools.get(&t.school_id);
            let p = Person {
                teacher_id: t.id,
                name: t.name,
                staff_no: t.staff_no,
                school_id: t.school_id,
                school_name: sc.map(|s| s.0.clone()).unwrap_or_default(),
                school_name_en: sc.and_then(|s| s.1.clone()),
                subjects: serde_json::from_str(&t.subjects).unwrap_or_default(),
            };
            (p.teacher_id, p)
        })
        .collect())
}

/// Names the people of pairs.
pub(crate) async fn named<C: ConnectionTrait>(conn: &C, rows: Vec<mentorship::Model>) -> Result<Vec<Pair>> {
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| std::iter::once(r.mentor_teacher_id).chain(apprentices_of(r)))
        .collect();
    let people = people_named(conn, ids).await?;
    let person = |id: i64| people.get(&id).cloned().unwrap_or_else(|| Person::unknown(id));
    Ok(rows
        .into_iter()
        .map(|r| Pair {
            id: r.id,
            district_id: r.district_id,
            school_id: r.school_id,
            mentor: person(r.mentor_teacher_id),
            apprentices: apprentices_of(&r).into_iter().map(person).collect(),
            kind: kind_of(&r),
            status: status_of(&r),
            subject: r.subject,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            ceremony_on: r.ceremony_on,
            mentor_goals: r.mentor_goals,
            apprentice_goals: r.apprentice_goals,
            ended_on: r.ended_on,
            end_reason: r.end_reason,
            updated_at: r.updated_at,
        })
        .collect())
}

/// Who may read pairs: leaders and district staff who read the teachers
/// of the pair's school or of its mentor's school (a cross-school pair is
/// seen from both), and the pair's own teachers.
async fn visible(store: &Store, scope: &Scope) -> Result<Condition> {
    let mut any = Condition::any()
        .add(scope.condition(
            Capability::ReadTeachers,
            mentorship::Column::DistrictId,
            mentorship::Column::SchoolId,
        ))
        .add(scope.condition(
            Capability::ReadTeachers,
            mentorship::Column::DistrictId,
            mentorship::Column::MentorSchoolId,
        ));
    let own = crate::viewer::Viewer::load(store.conn(), scope, crate::calendar::today())
        .await?
        .own;
    if let Some(own) = own {
        any = any
            .add(mentorship::Column::MentorTeacherId.eq(own))
            .add(mentorship::Column::ApprenticeTeacherId.eq(own))
            .add(mentorship::Column::SecondApprenticeTeacherId.eq(own));
    }
    Ok(any)
}

/// Pairs the caller may read, newest term first.
pub async fn list(store: &Store, scope: &Scope, f: &Filter) -> Result<Vec<Pair>> {
    let mut q = mentorship::Entity::find().filter(visible(store, scope).await?);
    if let Some(s) = f.school_id {
        q = q.filter(
            Condition::any()
                .add(mentorship::Column::SchoolId.eq(s))
                .add(mentorship::Column::MentorSchoolId.eq(s)),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(mentorship::Column::Status.eq(s.code()));
    }
    if let Some(d) = f.ceremony_on {
        q = q.filter(mentorship::Column::CeremonyOn.eq(d));
    }
    if let Some(t) = f.teacher_id {
        q = q.filter(
            Condition::any()
                .add(mentorship::Column::MentorTeacherId.eq(t))
                .add(mentorship::Column::ApprenticeTeacherId.eq(t))
                .add(mentorship::Column::SecondApprenticeTeacherId.eq(t)),
        );
    }
    let rows = q
        .order_by_desc(mentorship::Column::StartsOn)
        .order_by_desc(mentorship::Column::Id)
        .all(store.conn())
        .await?;
    named(store.conn(), rows).await
}

/// One pair, for a caller who may read it.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Pair> {
    let row = mentorship::Entity::find_by_id(id)
        .filter(visible(store, scope).await?)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(named(store.conn(), vec![row]).await?.remove(0))
}

/// Whether the caller may change the pair (its school's leaders and the
/// district's staff).
pub fn may_manage(scope: &Scope, p: &Pair) -> bool {
    scope.allows(
        Capability::ManageTeachers,
        Tenant::school(p.district_id, p.school_id),
    )
}

/// The teachers of an input, checked: apprentices of one school the caller
/// manages, a mentor of the same district, both active.
struct People {
    tenant: Tenant,
    mentor: teacher::Model,
    apprentices: Vec<teacher::Model>,
}

async fn people<C: ConnectionTrait>(conn: &C, scope: &Scope, input: &PairInput) -> Result<People> {
    let mut apprentices = Vec::new();
    for (i, &id) in input.apprentice_teacher_ids.iter().enumerate() {
        let t = teacher::Entity::find_by_id(id)
            .filter(teacher::Column::Active.eq(true))
            .one(conn)
            .await?
            .filter(|t| {
                scope.allows(
                    Capability::ReadTeachers,
                    Tenant::school(t.district_id, t.school_id),
                )
            })
            .ok_or_else(|| {
                Error::Invalid(FieldError::new("apprentices", "unknown_teacher").with("value", id))
            })?;
        if i > 0
            && t.school_id
                != apprentices
                    .first()
                    .map(|a: &teacher::Model| a.school_id)
                    .unwrap_or_default()
        {
            return Err(Error::Invalid(
                FieldError::new("apprentices", "apprentices_one_school").with("value", &t.name),
            ));
        }
        apprentices.push(t);
    }
    let first = apprentices
        .first()
        .ok_or_else(|| FieldError::new("apprentices", "required"))?;
    let tenant = Tenant::school(first.district_id, first.school_id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let mentor = teacher::Entity::find_by_id(input.mentor_teacher_id)
        .filter(teacher::Column::Active.eq(true))
        .one(conn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(
                FieldError::new("mentor", "unknown_teacher").with("value", input.mentor_teacher_id),
            )
        })?;
    if mentor.district_id != first.district_id {
        // Named, not hidden: the caller chose this teacher from a list.
        return Err(Error::Invalid(
            FieldError::new("mentor", "cross_district").with("value", &mentor.name),
        ));
    }
    Ok(People {
        tenant,
        mentor,
        apprentices,
    })
}

/// The subject of a pair: the one given, else the first apprentice's first.
fn subject_for(input: &PairInput, first: &teacher::Model) -> String {
    let given = input.subject.trim();
    if !given.is_empty() {
        return given.to_string();
    }
    serde_json::from_str::<Vec<String>>(&first.subjects)
        .ok()
        .and_then(|v| v.into_iter().next())
        .unwrap_or_default()
}

/// Standing pairs other than `except` whose term overlaps `term`.
async fn standing<C: ConnectionTrait>(
    conn: &C,
    cond: Condition,
    except: Option<i64>,
    term: (NaiveDate, NaiveDate),
) -> Result<Vec<mentorship::Model>> {
    let mut q = mentorship::Entity::find().filter(cond).filter(
        mentorship::Column::Status.is_in(PairStatus::ALL.iter().filter(|s| s.stands()).map(|s| s.code())),
    );
    if let Some(id) = except {
        q = q.filter(mentorship::Column::Id.ne(id));
    }
    Ok(q.all(conn)
        .await?
        .into_iter()
        .filter(|m| overlaps(term, (m.starts_on, m.ends_on.unwrap_or(NaiveDate::MAX))))
        .collect())
}

/// The checks that need the database: no apprentice has another standing
/// pair in the subject over the term; the mentor's load stays within the
/// rule in force at the mentor's school.
async fn check_free<C: ConnectionTrait>(
    conn: &C,
    except: Option<i64>,
    people: &People,
    subject: &str,
    term: (NaiveDate, NaiveDate),
) -> Result<()> {
    for a in &people.apprentices {
        let theirs = standing(
            conn,
            Condition::any()
                .add(mentorship::Column::ApprenticeTeacherId.eq(a.id))
                .add(mentorship::Column::SecondApprenticeTeacherId.eq(a.id)),
            except,
            term,
        )
        .await?;
        if let Some(other) = theirs.iter().find(|m| same_subject(&m.subject, subject)) {
            let mentor_name = teacher::Entity::find_by_id(other.mentor_teacher_id)
                .one(conn)
                .await?
                .map(|t| t.name)
                .unwrap_or_default();
            return Err(Error::Conflict(
                FieldError::new("apprentices", "already_mentored")
                    .with("value", &a.name)
                    .with("mentor", mentor_name)
                    .with("subject", &other.subject),
            ));
        }
    }
    let load: usize = standing(
        conn,
        Condition::all().add(mentorship::Column::MentorTeacherId.eq(people.mentor.id)),
        except,
        term,
    )
    .await?
    .iter()
    .map(|m| apprentices_of(m).len())
    .sum();
    let cal = crate::calendar::load(conn, people.mentor.district_id, Some(people.mentor.school_id)).await?;
    let year = cal.semester_of(term.0).year;
    let rules = rule_sets::in_force::<MentoringRules, _>(
        conn,
        Place::school(people.mentor.district_id, people.mentor.school_id),
        year,
    )
    .await?
    .set;
    rules
        .load_allows(load, people.apprentices.len())
        .map_err(|e| Error::Conflict(e.with("name", &people.mentor.name)))
}

/// Makes the pair's links again: one per apprentice for the days it ran
/// (none while proposed or agreed, or when it ended before it began).
async fn sync_links<C: ConnectionTrait>(conn: &C, m: &mentorship::Model) -> Result<()> {
    // The pair's hours on its teachers' credit ledgers follow it too.
    super::hours::sync(conn, m.id).await?;
    mentor_pair::Entity::delete_many()
        .filter(mentor_pair::Column::MentorshipId.eq(m.id))
        .exec(conn)
        .await?;
    if !status_of(m).ran() {
        return Ok(());
    }
    let ends = match (m.ends_on, m.ended_on) {
        (Some(e), Some(x)) => Some(e.min(x)),
        (e, x) => e.or(x),
    };
    if ends.is_some_and(|e| e < m.starts_on) {
        return Ok(());
    }
    for a in apprentices_of(m) {
        mentor_pair::ActiveModel {
            district_id: Set(m.district_id),
            school_id: Set(m.school_id),
            mentor_teacher_id: Set(m.mentor_teacher_id),
            apprentice_teacher_id: Set(a),
            starts_on: Set(m.starts_on),
            ends_on: Set(ends),
            created_at: Set(Utc::now()),
            mentorship_id: Set(Some(m.id)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

fn snapshot(m: &mentorship::Model) -> serde_json::Value {
    json!({
        "mentor": m.mentor_teacher_id,
        "apprentices": apprentices_of(m),
        "kind": m.kind,
        "subject": m.subject,
        "starts_on": m.starts_on,
        "ends_on": m.ends_on,
        "ceremony_on": m.ceremony_on,
        "status": m.status,
        "ended_on": m.ended_on,
        "end_reason": m.end_reason,
    })
}

/// Proposes a pair, or records one already under way (`active`: the
/// agreement was signed before Lingyan knew of it). Every problem found
/// without the database is named at once; then the people, the subject
/// and the mentor's load are checked; nothing is written unless all pass.
pub async fn create(store: &Store, scope: &Scope, input: &PairInput) -> Result<i64> {
    let problems = input.problems();
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    let txn = store.begin().await?;
    let people = people(&txn, scope, input).await?;
    let subject = subject_for(input, &people.apprentices[0]);
    check_free(&txn, None, &people, &subject, (input.starts_on, input.ends_on)).await?;
    let now = Utc::now();
    let status = if input.under_way {
        PairStatus::Active
    } else {
        PairStatus::Proposed
    };
    let m = mentorship::ActiveModel {
        district_id: Set(people.apprentices[0].district_id),
        school_id: Set(people.apprentices[0].school_id),
        mentor_teacher_id: Set(people.mentor.id),
        mentor_school_id: Set(people.mentor.school_id),
        apprentice_teacher_id: Set(people.apprentices[0].id),
        second_apprentice_teacher_id: Set(people.apprentices.get(1).map(|a| a.id)),
        kind: Set(input.kind.code().to_string()),
        subject: Set(subject),
        starts_on: Set(input.starts_on),
        ends_on: Set(Some(input.ends_on)),
        ceremony_on: Set(input.ceremony_on),
        status: Set(status.code().to_string()),
        mentor_goals: Set(input.mentor_goals.trim().to_string()),
        apprentice_goals: Set(input.apprentice_goals.trim().to_string()),
        ended_on: Set(None),
        end_reason: Set(None),
        created_at: Set(now),
        created_by: Set(scope.user_id()),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    sync_links(&txn, &m).await?;
    audit::touch_schools_of(&txn, &[m.mentor_teacher_id], m.school_id).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "mentorship.create",
            entity_type: "mentorship",
            entity_id: Some(m.id.to_string()),
            tenant: people.tenant,
            before: None,
            after: Some(snapshot(&m)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// The pair for a change, checked: not found for those who may not read
/// it, forbidden for those who may read but not manage it (its teachers,
/// the mentor's school), else the pair as it stands in the transaction.
async fn for_change<C: ConnectionTrait>(
    conn: &C,
    store: &Store,
    scope: &Scope,
    id: i64,
) -> Result<mentorship::Model> {
    let m = mentorship::Entity::find_by_id(id)
        .filter(visible(store, scope).await?)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    // Seen (as its teacher or from the mentor's school) but not managed:
    // forbidden, not hidden.
    if !scope.allows(
        Capability::ManageTeachers,
        Tenant::school(m.district_id, m.school_id),
    ) {
        return Err(Error::Forbidden);
    }
    Ok(m)
}

/// Changes a standing pair: its people, kind, subject, term, ceremony and
/// goals, checked as a new pair is. A running pair's links follow.
pub async fn edit(store: &Store, scope: &Scope, id: i64, input: &PairInput) -> Result<()> {
    let txn = store.begin().await?;
    let m = for_change(&txn, store, scope, id).await?;
    let status = status_of(&m);
    if !status.stands() {
        return Err(Error::Invalid(
            FieldError::new("status", "pair_closed").with("value", status.code()),
        ));
    }
    let problems = input.problems();
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    let people = people(&txn, scope, input).await?;
    if people.apprentices[0].school_id != m.school_id {
        return Err(Error::Invalid(
            FieldError::new("apprentices", "apprentices_one_school")
                .with("value", &people.apprentices[0].name),
        ));
    }
    let subject = subject_for(input, &people.apprentices[0]);
    check_free(
        &txn,
        Some(id),
        &people,
        &subject,
        (input.starts_on, input.ends_on),
    )
    .await?;
    let before = snapshot(&m);
    let mut am = m.into_active_model();
    am.mentor_teacher_id = Set(people.mentor.id);
    am.mentor_school_id = Set(people.mentor.school_id);
    am.apprentice_teacher_id = Set(people.apprentices[0].id);
    am.second_apprentice_teacher_id = Set(people.apprentices.get(1).map(|a| a.id));
    am.kind = Set(input.kind.code().to_string());
    am.subject = Set(subject);
    am.starts_on = Set(input.starts_on);
    am.ends_on = Set(Some(input.ends_on));
    am.ceremony_on = Set(input.ceremony_on);
    am.mentor_goals = Set(input.mentor_goals.trim().to_string());
    am.apprentice_goals = Set(input.apprentice_goals.trim().to_string());
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    sync_links(&txn, &m).await?;
    finish(&txn, scope, &m, "mentorship.edit", before).await?;
    txn.commit().await?;
    Ok(())
}

async fn finish<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    m: &mentorship::Model,
    action: &'static str,
    before: serde_json::Value,
) -> Result<()> {
    audit::touch_schools_of(conn, &[m.mentor_teacher_id], m.school_id).await?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action,
            entity_type: "mentorship",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(before),
            after: Some(snapshot(m)),
        },
    )
    .await
}

/// Moves a pair on: agreed (the agreement signed), active, concluded on a
/// day (default today), or dissolved on a day with a reason. Activating
/// checks the mentor's load and the apprentices again, as rules or other
/// pairs may have changed since it was proposed.
pub async fn act(
    store: &Store,
    scope: &Scope,
    id: i64,
    action: PairAction,
    on: Option<NaiveDate>,
    reason: &str,
) -> Result<()> {
    let txn = store.begin().await?;
    let m = for_change(&txn, store, scope, id).await?;
    let next = status_of(&m).after(action)?;
    if action == PairAction::Activate {
        // Rules or other pairs may have changed since it was proposed.
        let input = PairInput {
            mentor_teacher_id: m.mentor_teacher_id,
            apprentice_teacher_ids: apprentices_of(&m),
            kind: kind_of(&m),
            subject: m.subject.clone(),
            starts_on: m.starts_on,
            ends_on: m.ends_on.unwrap_or(m.starts_on),
            ceremony_on: m.ceremony_on,
            mentor_goals: String::new(),
            apprentice_goals: String::new(),
            under_way: false,
        };
        let people = people(&txn, scope, &input).await?;
        let term = (m.starts_on, m.ends_on.unwrap_or(NaiveDate::MAX));
        check_free(&txn, Some(id), &people, &m.subject, term).await?;
    }
    let reason = match action {
        PairAction::Dissolve => Some(dissolve_reason(reason)?),
        _ => None,
    };
    let day = on.unwrap_or_else(|| {
        // Concluding after the term ran out ends it on its last day.
        let today = crate::calendar::today();
        match (action, m.ends_on) {
            (PairAction::Conclude, Some(e)) => e.min(today),
            _ => today,
        }
    });
    let ends = matches!(action, PairAction::Conclude | PairAction::Dissolve);
    if ends && ran_from(&m, action) && day < m.starts_on {
        return Err(Error::Invalid(
            FieldError::new("ended_on", "before_start").with("value", m.starts_on),
        ));
    }
    let before = snapshot(&m);
    let mut am = m.clone().into_active_model();
    am.status = Set(next.code().to_string());
    if ends {
        am.ended_on = Set(Some(day));
        am.end_reason = Set(reason);
    }
    am.updated_at = Set(Utc::now());
    let updated = am.update(&txn).await?;
    sync_links(&txn, &updated).await?;
    let action_code = match action {
        PairAction::Agree => "mentorship.agree",
        PairAction::Activate => "mentorship.activate",
        PairAction::Conclude => "mentorship.conclude",
        PairAction::Dissolve => "mentorship.dissolve",
    };
    finish(&txn, scope, &updated, action_code, before).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the pair was running when it ends (only then does the end day
/// have to fall within its term).
fn ran_from(m: &mentorship::Model, action: PairAction) -> bool {
    action == PairAction::Conclude || status_of(m) == PairStatus::Active
}

/// The mentoring rules in force for a place and year.
pub async fn rules(
    store: &Store,
    scope: &Scope,
    place: Place,
    year: i32,
) -> Result<rule_sets::InForce<MentoringRules>> {
    rule_sets::get::<MentoringRules>(store, scope, place, year).await
}

/// Saves a place's mentoring rules for a school year as a new version.
pub async fn save_rules(
    store: &Store,
    scope: &Scope,
    place: Place,
    year: i32,
    set: MentoringRules,
) -> Result<()> {
    let txn = store.begin().await?;
    rule_sets::check(&txn, scope, place, true).await?;
    rule_sets::check_year(year)?;
    let problems = set.problems();
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    rule_sets::write(
        &txn,
        scope,
        place,
        year,
        set,
        None,
        rule_sets::Audit {
            action: "mentoring.rules",
            entity_type: "mentoring_rules",
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
