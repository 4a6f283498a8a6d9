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
    evidence, evidence_person, honour, mentor_pair, org_group, org_group_member, project_member,
    project_stage, research_project, school, teacher,
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

/// The duty set in force for a school (or district) in a school year, and
/// where it comes from.
pub type SetView = InForce<DutySet>;

fn place_of(district_id: i64, school_id: Option<i64>) -> Place {
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

/// Rule errors as field errors that name the rule (`rule`, `rule_code`).
pub fn rule_errors(errors: Vec<RuleError>) -> Error {
    Error::InvalidAll(
        errors
            .into_iter()
            .map(|e| {
                if e.rule == 0 {
                    e.error
                } else {
                    e.error.with("rule", e.rule).with("rule_code", e.code)
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
    set_for(store.conn(), district_id, school_id, year).await
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
enum Who<'a> {
    All,
    Only(&'a [i64]),
}

/// Everything a school's evaluation reads, loaded for one period.
async fn compute<C: ConnectionTrait>(
    conn: &C,
    sc: &school::Model,
    as_of: NaiveDate,
    who: Who<'_>,
    filter: &ProgressFilter,
) -> Result<SchoolProgress> {
    let started = std::time::Instant::now();
    let calendar = crate::calendar::load(conn, sc.district_id, Some(sc.id)).await?;
    let year = calendar.semester_of(as_of).year;
    let view = set_for(conn, sc.district_id, Some(sc.id), year).await?;
    let tiers = tier_rules_for(conn, sc.district_id, Some(sc.id), year).await?.set;

    let mut rows = teachers_of(conn, sc.id, who, filter.teacher_id).await?;

    // Groups: names per teacher, the groups each leads.
    let names: HashMap<i64, String> = org_group::Entity::find()
        .select_only()
        .columns([org_group::Column::Id, org_group::Column::Name])
        .filter(org_group::Column::SchoolId.eq(sc.id))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let members: Vec<(i64, i64, String)> = org_group_member::Entity::find()
        .select_only()
        .columns([
            org_group_member::Column::GroupId,
            org_group_member::Column::TeacherId,
            org_group_member::Column::Position,
        ])
        .filter(org_group_member::Column::SchoolId.eq(sc.id))
        .into_tuple()
        .all(conn)
        .await?;
    if let Some(g) = filter.group_id {
        let in_group: std::collections::HashSet<i64> =
            members.iter().filter(|m| m.0 == g).map(|m| m.1).collect();
        rows.retain(|r| in_group.contains(&r.facts.id));
    }
    let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
    let mut items: HashMap<i64, Vec<Item>> = HashMap::new();
    for (group_id, teacher_id, position) in &members {
        if let Some(n) = names.get(group_id) {
            groups.entry(*teacher_id).or_default().push(n.clone());
        }
        if position == "leader" {
            items
                .entry(*teacher_id)
                .or_default()
                .push(span(CountedKind::GroupLead, *group_id, None, None));
        }
    }

    let ctx = Context {
        calendar: &calendar,
        tiers: &tiers,
        as_of,
    };
    let prepared = Prepared::new(&view.set, ctx);
    if let Some(lo) = prepared.earliest()
        && !rows.is_empty()
    {
        let only = match who {
            Who::Only(ids) => Some(ids),
            Who::All => None,
        };
        load_items(
            conn,
            sc.id,
            lo.min(as_of),
            as_of,
            &view.set.needs(),
            only,
            &mut items,
        )
        .await?;
    }

    let ids: Vec<i64> = rows.iter().map(|r| r.facts.id).collect();
    let mut honours = honour_facts(conn, &ids).await?;
    let mut book = TierBook::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut facts = r.facts;
        let id = facts.id;
        facts.honours = honours.remove(&id).unwrap_or_default();
        let tier = book
            .classify(conn, sc.district_id, sc.id, &facts, as_of)
            .await?
            .tier;
        if let Some(t) = &filter.tier
            && tier.as_deref() != Some(t.as_str())
        {
            continue;
        }
        let person = DutyPerson {
            facts,
            tier: tier.clone(),
            staff_no: r.staff_no.clone().unwrap_or_default(),
            groups: groups.remove(&id).unwrap_or_default(),
        };
        let mine = items.remove(&id).unwrap_or_default();
        let results = prepared.evaluate(&person, &mine);
        out.push(TeacherProgress {
            teacher_id: id,
            name: r.name,
            staff_no: r.staff_no,
            tier,
            groups: person.groups,
            results,
        });
    }
    let mut groups: Vec<(i64, String)> = names.into_iter().collect();
    groups.sort_by(|a, b| a.1.cmp(&b.1));
    tracing::debug!(
        school = sc.id,
        teachers = out.len(),
        ms = started.elapsed().as_millis() as u64,
        "duties computed"
    );
    Ok(SchoolProgress {
        district_id: sc.district_id,
        school_id: sc.id,
        school_name: sc.name.clone(),
        as_of,
        year,
        source: view.source,
        rules: view.set.rules,
        tiers,
        groups,
        teachers: out,
    })
}

/// A teacher as the evaluation needs them.
struct Row {
    facts: TeacherFacts,
    name: String,
    staff_no: Option<String>,
}

/// The active teachers of a school (or only some), in staff-number order,
/// with their facts read packed into one column (see `status::PACKED`).
async fn teachers_of<C: ConnectionTrait>(
    conn: &C,
    school_id: i64,
    who: Who<'_>,
    one: Option<i64>,
) -> Result<Vec<Row>> {
    if matches!(who, Who::Only(ids) if ids.is_empty()) {
        return Ok(Vec::new());
    }
    let only = match who {
        Who::Only(ids) => Some(ids.iter().copied()),
        Who::All => None,
    };
    let rows: Vec<(i64, String, Option<String>, String)> = teacher::Entity::find()
        .select_only()
        .columns([
            teacher::Column::Id,
            teacher::Column::Name,
            teacher::Column::StaffNo,
        ])
        .column_as(Expr::cust(PACKED), "facts")
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .apply_if(only, |q, ids| q.filter(teacher::Column::Id.is_in(ids)))
        .apply_if(one, |q, t| q.filter(teacher::Column::Id.eq(t)))
        .order_by_asc(teacher::Column::StaffNo)
        .order_by_asc(teacher::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, staff_no, packed)| Row {
            facts: unpack(id, &packed),
            name,
            staff_no,
        })
        .collect())
}

/// The honours of some teachers as facts, newest first (as
/// `teachers::honours_of` orders them).
async fn honour_facts<C: ConnectionTrait>(conn: &C, ids: &[i64]) -> Result<HashMap<i64, Vec<HonourFact>>> {
    let mut out: HashMap<i64, Vec<HonourFact>> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<HonourRow> = honour::Entity::find()
            .select_only()
            .columns(HONOUR_COLUMNS)
            .filter(honour::Column::TeacherId.is_in(chunk.iter().copied()))
            .order_by_desc(honour::Column::GrantedYear)
            .order_by_asc(honour::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        for (teacher_id, fact) in rows.into_iter().filter_map(honour_fact) {
            out.entry(teacher_id).or_default().push(fact);
        }
    }
    Ok(out)
}

fn span(kind: CountedKind, id: i64, from: Option<NaiveDate>, until: Option<NaiveDate>) -> Item {
    Item {
        id,
        kind,
        subtype: None,
        // A post with no start date has always been held.
        date: from.unwrap_or(NaiveDate::MIN),
        until,
        level: None,
        role: None,
        award_level: None,
        amount: 0.0,
    }
}

/// Verified records dated `lo..=hi` (owners and co-owners), projects,
/// and mentor pairs of one school, by teacher.
async fn load_items<C: ConnectionTrait>(
    conn: &C,
    school_id: i64,
    lo: NaiveDate,
    hi: NaiveDate,
    needs: &Needs,
    only: Option<&[i64]>,
    items: &mut HashMap<i64, Vec<Item>>,
) -> Result<()> {
    // With a few teachers (one teacher's card, a group), only their own and
    // co-owned records, not the whole school's.
    let mine = only.map(|ids| {
        Condition::any()
            .add(evidence::Column::OwnerTeacherId.is_in(ids.iter().copied()))
            .add(
                evidence::Column::Id.in_subquery(
                    Query::select()
                        .column(evidence_person::Column::EvidenceId)
                        .from(evidence_person::Entity)
                        .and_where(evidence_person::Column::TeacherId.is_in(ids.iter().copied()))
                        .and_where(evidence_person::Column::Role.eq("co_owner"))
                        .to_owned(),
                ),
            )
    });
    // Answered from `ix_evidence_duties` alone, one row per owner with
    // their records packed as `id,kind,subtype,date,level;…`: SQLite's
    // driver pays per row and per value far more than the text costs to
    // split (kinds, subtypes and levels are codes, without `,` or `;`).
    let agg = match conn.get_database_backend() {
        DbBackend::Postgres => "string_agg",
        _ => "group_concat",
    };
    let packed: Vec<(i64, String)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::OwnerTeacherId)
        .column_as(
            Expr::cust(format!(
                "{agg}(CAST(id AS TEXT) || ',' || kind || ',' || COALESCE(subtype, '') || ',' || \
                 CAST(occurred_on AS TEXT) || ',' || COALESCE(level, ''), ';')"
            )),
            "packed",
        )
        .filter(evidence::Column::SchoolId.eq(school_id))
        .filter(evidence::Column::Status.eq("verified"))
        .filter(evidence::Column::OccurredOn.between(lo, hi))
        .filter(evidence::Column::Kind.is_in(needs.record_kinds.iter().copied()))
        .apply_if(mine.clone(), |q, c| q.filter(c))
        .group_by(evidence::Column::OwnerTeacherId)
        .into_tuple()
        .all(conn)
        .await?;
    // Hours, days and awards live in the details of three kinds, read only
    // when a rule asks about them.
    let details: Vec<(i64, String)> = if needs.detail_kinds.is_empty() {
        Vec::new()
    } else {
        evidence::Entity::find()
            .select_only()
            .columns([evidence::Column::Id, evidence::Column::Details])
            .filter(evidence::Column::SchoolId.eq(school_id))
            .filter(evidence::Column::Status.eq("verified"))
            .filter(evidence::Column::OccurredOn.between(lo, hi))
            .filter(evidence::Column::Kind.is_in(needs.detail_kinds.iter().copied()))
            .apply_if(mine, |q, c| q.filter(c))
            .into_tuple()
            .all(conn)
            .await?
    };
    let mut extra: HashMap<i64, (f64, Option<Level>)> = HashMap::with_capacity(details.len());
    for (id, d) in details {
        match serde_json::from_str::<Details>(&d) {
            Ok(Details::Training { hours, .. }) => extra.insert(id, (hours, None)),
            Ok(Details::StudyVisit { days, .. }) => extra.insert(id, (f64::from(days), None)),
            Ok(Details::Article { award_level, .. }) => extra.insert(id, (0.0, award_level)),
            _ => None,
        };
    }
    let co_owners: Vec<(i64, i64)> = evidence_person::Entity::find()
        .select_only()
        .columns([
            evidence_person::Column::EvidenceId,
            evidence_person::Column::TeacherId,
        ])
        .filter(evidence_person::Column::SchoolId.eq(school_id))
        // A literal, not a bound value: only then may the planners use the
        // partial index `ix_evidence_people_co_owners` (role = 'co_owner').
        .filter(Expr::cust("role = 'co_owner'"))
        .into_tuple()
        .all(conn)
        .await?;
    let mut shared: HashMap<i64, Vec<i64>> = HashMap::new();
    for (e, t) in co_owners {
        shared.entry(e).or_default().push(t);
    }
    for (owner, packed) in &packed {
        for rec in packed.split(';') {
            let mut f = rec.split(',');
            let (Some(id), Some(kind), Some(subtype), Some(date), Some(level)) =
                (f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Err(Error::Internal(format!("unreadable packed record {rec:?}")));
            };
            let (Ok(id), Ok(date)) = (id.parse::<i64>(), date.parse::<NaiveDate>()) else {
                return Err(Error::Internal(format!("unreadable packed record {rec:?}")));
            };
            // A kind this version does not count (as before the packing).
            let Some(kind) = CountedKind::from_code(kind) else {
                continue;
            };
            let (amount, award_level) = extra.get(&id).copied().unwrap_or((0.0, None));
            let it = Item {
                id,
                kind,
                subtype: (!subtype.is_empty()).then(|| subtype.to_string()),
                date,
                until: None,
                level: Level::from_code(level),
                role: None,
                award_level,
                amount,
            };
            if let Some(others) = shared.get(&id) {
                for t in others {
                    items.entry(*t).or_default().push(it.clone());
                }
            }
            items.entry(*owner).or_default().push(it);
        }
    }

    // Projects count from their approval (立项) to their conclusion (结题),
    // once the approval has been verified (or the project has moved on).
    if needs.projects {
        // (stage, status, level) per project.
        let projects: HashMap<i64, (String, String, String)> = research_project::Entity::find()
            .select_only()
            .columns([
                research_project::Column::Id,
                research_project::Column::Stage,
                research_project::Column::Status,
                research_project::Column::Level,
            ])
            .filter(research_project::Column::SchoolId.eq(school_id))
            .into_tuple::<(i64, String, String, String)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(id, stage, status, level)| (id, (stage, status, level)))
            .collect();
        let mut approved: HashMap<i64, NaiveDate> = HashMap::new();
        let mut concluded: HashMap<i64, NaiveDate> = HashMap::new();
        let stages: Vec<(i64, String, NaiveDate)> = if projects.is_empty() {
            Vec::new()
        } else {
            project_stage::Entity::find()
                .select_only()
                .columns([
                    project_stage::Column::ProjectId,
                    project_stage::Column::Stage,
                    project_stage::Column::OnDate,
                ])
                .filter(project_stage::Column::SchoolId.eq(school_id))
                .filter(project_stage::Column::Stage.is_in(["approved", "concluded"]))
                .into_tuple()
                .all(conn)
                .await?
        };
        for (project_id, stage, on) in stages {
            let map = if stage == "approved" {
                &mut approved
            } else {
                &mut concluded
            };
            map.insert(project_id, on);
        }
        let members: Vec<(i64, i64, String)> = if approved.is_empty() {
            Vec::new()
        } else {
            project_member::Entity::find()
                .select_only()
                .columns([
                    project_member::Column::ProjectId,
                    project_member::Column::TeacherId,
                    project_member::Column::Role,
                ])
                .filter(project_member::Column::SchoolId.eq(school_id))
                .into_tuple()
                .all(conn)
                .await?
        };
        for (project_id, teacher_id, role) in members {
            let (Some((stage, status, level)), Some(from)) =
                (projects.get(&project_id), approved.get(&project_id))
            else {
                continue;
            };
            if stage == "approved" && status != "verified" {
                continue;
            }
            let mut it = span(
                CountedKind::Project,
                project_id,
                Some(*from),
                concluded.get(&project_id).copied(),
            );
            it.level = Level::from_code(level);
            it.role = ProjectRole::from_code(&role);
            items.entry(teacher_id).or_default().push(it);
        }
    }

    if !needs.apprentices {
        return Ok(());
    }
    let pairs: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = mentor_pair::Entity::find()
        .select_only()
        .columns([
            mentor_pair::Column::Id,
            mentor_pair::Column::MentorTeacherId,
            mentor_pair::Column::StartsOn,
            mentor_pair::Column::EndsOn,
        ])
        .filter(mentor_pair::Column::SchoolId.eq(school_id))
        .filter(mentor_pair::Column::StartsOn.lte(hi))
        .into_tuple()
        .all(conn)
        .await?;
    for (id, mentor, starts_on, ends_on) in pairs {
        items
            .entry(mentor)
            .or_default()
            .push(span(CountedKind::Apprentice, id, Some(starts_on), ends_on));
    }
    Ok(())
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
    let conn = store.conn();
    let sc = school::Entity::find_by_id(school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(sc.district_id, sc.id);
    if scope.allows(Capability::ReadEvidence, tenant) {
        return compute(conn, &sc, as_of, Who::All, filter).await;
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
    compute(conn, &sc, as_of, Who::Only(&related), filter).await
}

/// One teacher's duties, for the teacher themself or anyone who may see
/// their records.
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
    compute(
        conn,
        &sc,
        as_of,
        Who::Only(&[teacher_id]),
        &ProgressFilter::default(),
    )
    .await
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

fn joined<T>(r: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    r.map_err(|e| Error::Internal(format!("a school's duties did not finish: {e}")))?
}

/// What a drill-down shows for one counted item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemLabel {
    pub title: String,
    pub date: Option<NaiveDate>,
    /// Where it opens: `/evidence/3`, `/projects/2`, `/mentoring`, `/org/5`.
    pub href: String,
}

/// Titles and links of the items behind some results (a drill-down's few
/// dozen, never a whole school).
pub async fn labels(
    store: &Store,
    refs: impl IntoIterator<Item = lingyan_domain::duties::ItemRef>,
) -> Result<HashMap<lingyan_domain::duties::ItemRef, ItemLabel>> {
    use lingyan_domain::duties::ItemRef;
    let conn = store.conn();
    let refs: Vec<ItemRef> = refs.into_iter().collect();
    let ids = |k: fn(CountedKind) -> bool| -> Vec<i64> {
        refs.iter().filter(|r| k(r.kind)).map(|r| r.id).collect()
    };
    let mut out = HashMap::new();
    let records = ids(|k| k.evidence_kind().is_some());
    for chunk in records.chunks(500) {
        for e in evidence::Entity::find()
            .filter(evidence::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            if let Some(kind) = CountedKind::from_code(&e.kind) {
                out.insert(
                    ItemRef { kind, id: e.id },
                    ItemLabel {
                        title: e.title,
                        date: Some(e.occurred_on),
                        href: format!("/evidence/{}", e.id),
                    },
                );
            }
        }
    }
    let projects = ids(|k| k == CountedKind::Project);
    if !projects.is_empty() {
        for p in research_project::Entity::find()
            .filter(research_project::Column::Id.is_in(projects))
            .all(conn)
            .await?
        {
            out.insert(
                ItemRef {
                    kind: CountedKind::Project,
                    id: p.id,
                },
                ItemLabel {
                    title: p.title,
                    date: None,
                    href: format!("/projects/{}", p.id),
                },
            );
        }
    }
    let pairs = ids(|k| k == CountedKind::Apprentice);
    if !pairs.is_empty() {
        let rows = mentor_pair::Entity::find()
            .filter(mentor_pair::Column::Id.is_in(pairs))
            .all(conn)
            .await?;
        let names: HashMap<i64, String> = teacher::Entity::find()
            .filter(teacher::Column::Id.is_in(rows.iter().map(|p| p.apprentice_teacher_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        for p in rows {
            out.insert(
                ItemRef {
                    kind: CountedKind::Apprentice,
                    id: p.id,
                },
                ItemLabel {
                    title: names.get(&p.apprentice_teacher_id).cloned().unwrap_or_default(),
                    date: Some(p.starts_on),
                    href: "/mentoring".to_string(),
                },
            );
        }
    }
    let groups = ids(|k| k == CountedKind::GroupLead);
    if !groups.is_empty() {
        for g in org_group::Entity::find()
            .filter(org_group::Column::Id.is_in(groups))
            .all(conn)
            .await?
        {
            out.insert(
                ItemRef {
                    kind: CountedKind::GroupLead,
                    id: g.id,
                },
                ItemLabel {
                    title: g.name,
                    date: None,
                    href: format!("/schools/{}/org", g.school_id),
                },
            );
        }
    }
    Ok(out)
}

/// A school's digest for leaders: what falls due in the next `days` and
/// who has not met it.
pub fn digest_of(p: &SchoolProgress, days: u32) -> lingyan_domain::duties::reminders::Digest {
    lingyan_domain::duties::reminders::digest(
        &p.rules,
        p.teachers.iter().map(|t| (t.teacher_id, t.results.as_slice())),
        p.as_of,
        days,
    )
}

/// Delivers digests: the CLI prints them; mail or WeChat senders plug in
/// here later. Each call gets one school's progress and its digest.
pub trait DigestSender {
    fn send(
        &mut self,
        school: &SchoolProgress,
        digest: &lingyan_domain::duties::reminders::Digest,
    ) -> Result<()>;
}

/// Computes and hands every readable school's digest in a district to
/// `sender`, one school at a time. Returns how many were sent (schools
/// with nothing due are skipped).
pub async fn send_digests(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    as_of: NaiveDate,
    days: u32,
    sender: &mut dyn DigestSender,
) -> Result<usize> {
    let mut sent = 0;
    district(
        store,
        scope,
        district_id,
        as_of,
        &ProgressFilter::default(),
        |p| {
            let d = digest_of(&p, days);
            if !d.lines.is_empty() {
                sender.send(&p, &d)?;
                sent += 1;
            }
            Ok(())
        },
    )
    .await?;
    Ok(sent)
}
