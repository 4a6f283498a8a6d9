//! Duty sets (N个一), a kind of rule set (`rule_sets`): per school (or
//! district) and school year, inherited and carried forward, each rule
//! dated from when it took effect; and progress against them.
//!
//! Progress is computed by the pure engine in `lingyan_domain::duties` from
//! what this module loads for one school and one period: the teachers,
//! their tiers and groups, and the verified records, projects, mentor
//! pairs and group posts that fall in the period — each read with one
//! indexed query. A district run goes school by school, a few at once.

use crate::entity::{
    credit_entry, evidence, evidence_person, honour, mentor_pair, org_group, org_group_member,
    project_member, project_stage, research_project, school, teacher, teacher_transfer,
};
use crate::rule_sets::{self, InForce, Place};
use crate::status::{HONOUR_COLUMNS, HonourRow, PACKED, honour_fact, unpack};
use crate::tiers::{TierBook, rules_for as tier_rules_for};
use crate::viewer::Viewer;
use crate::{Error, Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::duties::engine::{Context, Prepared};
use lingyan_domain::duties::{
    CountedKind, DutyPerson, DutyRule, DutySet, DutySetInput, Item, Needs, Progress, RuleError, presets,
};
use lingyan_domain::evidence::Details;
use lingyan_domain::{
    Capability, FieldError, HonourFact, Level, ProjectRole, TeacherFacts, Tenant, TierRules,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tracing::Instrument;

mod digest;
mod kept;
mod labels;
mod load;
pub use digest::*;
pub(crate) use kept::{Kept, revision_of, revisions_of};
pub use labels::*;
use load::*;

/// The duty set in force for a school (or district) in a school year, and
/// where it comes from.
pub type SetView = InForce<DutySet>;

pub(crate) fn place_of(district_id: i64, school_id: Option<i64>) -> Place {
    Place {
        district_id,
        school_id,
    }
}

/// The set in force for a school (or a district with `school_id = None`).
pub(crate) async fn set_for<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<SetView> {
    rule_sets::in_force(conn, place_of(district_id, school_id), year).await
}

/// The duty set in force for a school (or district) in `year`.
pub async fn get(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<SetView> {
    rule_sets::get(store, scope, place_of(district_id, school_id), year).await
}

/// Rule errors as field errors that name the rule (`rule`, `rule_code`,
/// and its names `rule_name_zh`, `rule_name_en` for messages).
pub fn rule_errors(errors: Vec<RuleError>) -> Error {
    Error::InvalidAll(
        errors
            .into_iter()
            .map(|e| {
                if e.rule == 0 {
                    e.error
                } else {
                    e.error
                        .with("rule", e.rule)
                        .with("rule_code", e.code)
                        .with("rule_name_zh", e.name_zh)
                        .with("rule_name_en", e.name_en)
                }
            })
            .collect(),
    )
}

/// Saves a school's (or district's) duty set for one school year, as a new
/// version. Tiers a rule names must exist in that year's tier rules. New
/// and changed rules take effect on `effective_from` (default: today when
/// the year is under way, else from its start), so adopting duties in the
/// middle of a semester asks nothing of the weeks already gone.
pub async fn save(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
    input: &DutySetInput,
    effective_from: Option<NaiveDate>,
) -> Result<SetView> {
    let place = place_of(district_id, school_id);
    // Permission first: someone who may not change the set is refused
    // whatever they sent.
    let txn = store.begin().await?;
    rule_sets::check(&txn, scope, place, true).await?;
    rule_sets::check_year(year)?;
    let tiers = tier_rules_for(&txn, district_id, school_id, year).await?;
    let known: Vec<&str> = tiers.set.tiers.iter().map(|t| t.code.as_str()).collect();
    let set = input.parse(Some(&known)).map_err(rule_errors)?;
    rule_sets::write(
        &txn,
        scope,
        place,
        year,
        set,
        effective_from,
        rule_sets::Audit {
            action: "duties.set",
            entity_type: "duty_set",
        },
    )
    .await?;
    txn.commit().await?;
    rule_sets::named(
        store.conn(),
        set_for(store.conn(), district_id, school_id, year).await?,
    )
    .await
}

/// Adds a preset's rules to the set in force (inherited or not) and saves
/// the result as the place's own set for `year`.
pub async fn adopt(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
    preset: &str,
    effective_from: Option<NaiveDate>,
) -> Result<SetView> {
    // Permission first: someone who may not change the set learns nothing
    // about which presets exist.
    rule_sets::check(store.conn(), scope, place_of(district_id, school_id), true).await?;
    let p = presets::find(preset)
        .ok_or_else(|| Error::Invalid(FieldError::new("preset", "unknown_preset").with("value", preset)))?;
    let mut set = set_for(store.conn(), district_id, school_id, year).await?.set;
    set.adopt(p);
    save(
        store,
        scope,
        district_id,
        school_id,
        year,
        &set.to_input(),
        effective_from,
    )
    .await
}

/// Narrows a progress matrix.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProgressFilter {
    /// Members of this group only.
    pub group_id: Option<i64>,
    /// Teachers of this tier only.
    pub tier: Option<String>,
    /// One teacher only.
    pub teacher_id: Option<i64>,
}

/// One teacher's row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct TeacherProgress {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub tier: Option<String>,
    pub groups: Vec<String>,
    /// The ids of those groups (for the group filter).
    #[serde(skip)]
    pub group_ids: Vec<i64>,
    /// One entry per rule, in the set's order.
    pub results: Vec<Progress>,
}

impl TeacherProgress {
    /// Adds up how far behind the teacher is (see `DutyStatus::severity`).
    pub fn severity(&self) -> u32 {
        self.results.iter().map(|p| p.status.severity()).sum()
    }
}

/// A school's progress on its duties on one day.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolProgress {
    pub district_id: i64,
    pub school_id: i64,
    pub school_name: String,
    /// The school's English name, where stored.
    pub school_name_en: Option<String>,
    pub as_of: NaiveDate,
    /// The school year (its first calendar year).
    pub year: i32,
    pub source: rule_sets::Source,
    pub rules: Vec<DutyRule>,
    #[serde(skip)]
    pub tiers: TierRules,
    /// The school's groups (id, name), for filters.
    #[serde(skip)]
    pub groups: Vec<(i64, String)>,
    pub teachers: Vec<TeacherProgress>,
}

/// Teachers to evaluate: everyone, or only these.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    All,
    Only(&'a [i64]),
}

impl<'a> Who<'a> {
    /// The teachers, when not everyone.
    pub(crate) fn only(self) -> Option<&'a [i64]> {
        match self {
            Who::All => None,
            Who::Only(ids) => Some(ids),
        }
    }
}

/// A school's progress matrix as the caller may see it: the whole school
/// for those who read its records; a group leader's group or a mentor's
/// apprentices otherwise.
pub async fn school(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    as_of: NaiveDate,
    filter: &ProgressFilter,
) -> Result<SchoolProgress> {
    Ok(std::sync::Arc::unwrap_or_clone(
        shared(store, scope, school_id, as_of, filter).await?,
    ))
}

/// [`school`] unfiltered, without copying the school's kept results (for
/// readers who only look: the dashboards).
pub async fn school_shared(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    as_of: NaiveDate,
) -> Result<std::sync::Arc<SchoolProgress>> {
    shared(store, scope, school_id, as_of, &ProgressFilter::default()).await
}

async fn shared(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    as_of: NaiveDate,
    filter: &ProgressFilter,
) -> Result<std::sync::Arc<SchoolProgress>> {
    let conn = store.conn();
    let sc = school::Entity::find_by_id(school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(sc.district_id, sc.id);
    let revision = kept::revision(conn, &sc).await?;
    if scope.allows(Capability::ReadEvidence, tenant) {
        let whole = whole(store, &sc, revision, as_of).await?;
        if filter.is_everyone() {
            return Ok(whole);
        }
        return Ok(std::sync::Arc::new(narrowed(&whole, |t| filter.keeps(t))));
    }
    // A mentor or group leader sees the school only through the people
    // they are related to who teach there; a school where they have none
    // is as unknown to them as any other foreign row.
    let viewer = Viewer::load(conn, scope, as_of).await?;
    let mut related: Vec<i64> = viewer.apprentices.union(&viewer.led).copied().collect();
    related.retain(|t| Some(*t) != viewer.own);
    let related: Vec<i64> = if related.is_empty() {
        related
    } else {
        teacher::Entity::find()
            .select_only()
            .column(teacher::Column::Id)
            .filter(teacher::Column::SchoolId.eq(sc.id))
            .filter(teacher::Column::Id.is_in(related))
            .into_tuple()
            .all(conn)
            .await?
    };
    if related.is_empty() {
        return Err(Error::NotFound);
    }
    if let Some(whole) = store.kept.peek(sc.id, as_of, revision) {
        return Ok(std::sync::Arc::new(narrowed(&whole, |t| {
            related.contains(&t.teacher_id) && filter.keeps(t)
        })));
    }
    Ok(std::sync::Arc::new(
        compute(conn, &sc, as_of, Who::Only(&related), filter).await?,
    ))
}

/// The whole school's results on `as_of`: kept ones while the school's
/// revision has not moved, else computed (once, however many ask at the
/// same time) and kept.
async fn whole(
    store: &Store,
    sc: &school::Model,
    revision: i64,
    as_of: NaiveDate,
) -> Result<std::sync::Arc<SchoolProgress>> {
    let slot = store.kept.slot(sc.id);
    let mut entry = slot.lock().await;
    if let Some(p) = kept::holding(&entry, as_of, revision) {
        return Ok(p);
    }
    let p =
        std::sync::Arc::new(compute(store.conn(), sc, as_of, Who::All, &ProgressFilter::default()).await?);
    // Results of a later revision, kept meanwhile by a reader who read the
    // school after this one, are not replaced by older ones.
    if entry
        .as_ref()
        .is_none_or(|e| e.as_of != as_of || e.revision <= revision)
    {
        *entry = Some(kept::Entry {
            as_of,
            revision,
            progress: p.clone(),
        });
    }
    Ok(p)
}

/// A copy of `p` with only the teachers `keep` keeps.
fn narrowed(p: &SchoolProgress, keep: impl Fn(&TeacherProgress) -> bool) -> SchoolProgress {
    SchoolProgress {
        district_id: p.district_id,
        school_id: p.school_id,
        school_name: p.school_name.clone(),
        school_name_en: p.school_name_en.clone(),
        as_of: p.as_of,
        year: p.year,
        source: p.source,
        rules: p.rules.clone(),
        tiers: p.tiers.clone(),
        groups: p.groups.clone(),
        teachers: p.teachers.iter().filter(|t| keep(t)).cloned().collect(),
    }
}

impl ProgressFilter {
    /// Whether the filter keeps every teacher.
    fn is_everyone(&self) -> bool {
        self.group_id.is_none() && self.tier.is_none() && self.teacher_id.is_none()
    }

    /// Whether a teacher's row passes the filter.
    fn keeps(&self, t: &TeacherProgress) -> bool {
        self.group_id.is_none_or(|g| t.group_ids.contains(&g))
            && self
                .tier
                .as_ref()
                .is_none_or(|tier| t.tier.as_ref() == Some(tier))
            && self.teacher_id.is_none_or(|id| t.teacher_id == id)
    }
}

/// One teacher's duties, for the teacher themself or anyone who may see
/// their records: the school's kept results where they hold, else the
/// teacher's alone (without computing the whole school for one card).
pub async fn teacher(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    as_of: NaiveDate,
) -> Result<SchoolProgress> {
    let conn = store.conn();
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if !scope.allows(Capability::ReadEvidence, tenant) {
        let viewer = Viewer::load(conn, scope, as_of).await?;
        if !viewer.related().contains(&teacher_id) {
            return Err(Error::NotFound);
        }
    }
    let sc = school::Entity::find_by_id(t.school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    if let Some(whole) = store.kept.peek(sc.id, as_of, kept::revision(conn, &sc).await?) {
        return Ok(narrowed(&whole, |p| p.teacher_id == teacher_id));
    }
    compute(
        conn,
        &sc,
        as_of,
        Who::Only(&[teacher_id]),
        &ProgressFilter::default(),
    )
    .await
}

/// A school's revision: it moves on with every change that can alter what
/// the school's pages show (see `kept`), so a view kept at one revision
/// holds until it moves.
pub async fn school_revision(store: &Store, district_id: i64, school_id: i64) -> Result<i64> {
    revision_of(store.conn(), district_id, school_id).await
}

/// The caller's own duties, if their account is linked to a teacher.
pub async fn own(store: &Store, scope: &Scope, as_of: NaiveDate) -> Result<Option<SchoolProgress>> {
    let Some(uid) = scope.user_id() else {
        return Ok(None);
    };
    let Some(t) = teacher::Entity::find()
        .filter(teacher::Column::UserId.eq(uid))
        .filter(teacher::Column::Active.eq(true))
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    teacher(store, scope, t.id, as_of).await.map(Some)
}

/// Every school of a district the caller may read, in order of code. A
/// school is computed while the one before is handed to `each`, as many at
/// once as the machine has cores (at most four), so a province-sized run
/// holds only that many schools in memory.
pub async fn district(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    as_of: NaiveDate,
    filter: &ProgressFilter,
    mut each: impl FnMut(SchoolProgress) -> Result<()>,
) -> Result<()> {
    scope.require(Capability::Read, Tenant::district(district_id))?;
    let schools = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district_id))
        .order_by_asc(school::Column::Code)
        .all(store.conn())
        .await?;
    let width = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    // Tasks abort when dropped: after an error, or when the caller gives up
    // (a request's timeout, a closed connection), no school runs on.
    struct Running(tokio::task::JoinHandle<Result<SchoolProgress>>);
    impl Drop for Running {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut running = std::collections::VecDeque::with_capacity(width);
    for sc in schools {
        if !scope.allows(Capability::ReadEvidence, Tenant::school(district_id, sc.id)) {
            continue;
        }
        let (store, filter) = (store.clone(), filter.clone());
        running.push_back(Running(tokio::spawn(
            async move { compute(store.conn(), &sc, as_of, Who::All, &filter).await }
                .instrument(tracing::Span::current()),
        )));
        if running.len() >= width
            && let Some(mut first) = running.pop_front()
        {
            each(joined((&mut first.0).await)?)?;
        }
    }
    while let Some(mut first) = running.pop_front() {
        each(joined((&mut first.0).await)?)?;
    }
    Ok(())
}

pub(crate) fn joined<T>(r: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    r.map_err(|e| Error::Internal(format!("a school's duties did not finish: {e}")))?
}
