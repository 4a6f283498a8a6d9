//! Versioned rule sets, one mechanism for every kind (tier rules, duty
//! rules, and what later areas add): for a kind, a place (a school or a
//! district) and a school year, the set in force is the place's newest
//! version for that year or the latest earlier year; a school without one
//! uses its district's; failing both, the kind's fallback. Saving adds a
//! version — never rewrites one — so history shows who saved what when, and
//! any version can be compared with the one before it.
//!
//! Areas validate their rules (with whatever else they need, e.g. the
//! year's tiers) and call [`write`] inside their own transaction.

use crate::audit::{self, Change};
use crate::entity::{rule_set_version as row, school, user};
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::rule_sets::{RuleChange, RuleSetKind};
use lingyan_domain::{Capability, FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// A school, or a district (`school_id = None`): where a set is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    pub district_id: i64,
    pub school_id: Option<i64>,
}

impl Place {
    pub fn school(district_id: i64, school_id: i64) -> Self {
        Self {
            district_id,
            school_id: Some(school_id),
        }
    }

    pub fn district(district_id: i64) -> Self {
        Self {
            district_id,
            school_id: None,
        }
    }

    fn key(&self) -> String {
        match self.school_id {
            Some(s) => format!("s:{s}"),
            None => format!("d:{}", self.district_id),
        }
    }

    pub fn tenant(&self) -> Tenant {
        match self.school_id {
            Some(s) => Tenant::school(self.district_id, s),
            None => Tenant::district(self.district_id),
        }
    }
}

/// Where the set in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// Saved by the school for `year` (which may be earlier than the year asked).
    School {
        year: i32,
    },
    District {
        year: i32,
    },
    /// Nothing saved: the kind's fallback (standard tiers; no duties).
    /// Written `none`, as duties always called it.
    #[serde(rename = "none")]
    Default,
}

/// One saved version.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub id: i64,
    /// The school year it was saved for.
    pub year: i32,
    /// 1 for the first version of that year, then 2, 3 …
    pub version: i32,
    /// For dated kinds: the day new and changed rules took effect.
    pub effective_from: Option<NaiveDate>,
    pub saved_at: DateTime<Utc>,
    /// The name of who saved it.
    pub saved_by: Option<String>,
    /// Their account, for looking the name up only where it is shown.
    #[serde(skip)]
    saved_by_user: Option<i64>,
    pub school_id: Option<i64>,
}

/// The set in force for a place and year.
#[derive(Debug, Clone, Serialize)]
pub struct InForce<K> {
    pub year: i32,
    pub set: K,
    pub source: Source,
    /// The version in force, unless it is the fallback.
    pub version: Option<VersionInfo>,
}

/// A version beside the one in force before it.
#[derive(Debug, Clone, Serialize)]
pub struct Diff<K> {
    pub version: VersionInfo,
    pub before: K,
    /// Where `before` came from.
    pub before_source: Source,
    pub after: K,
    pub changes: Vec<RuleChange>,
}

fn parse<K: RuleSetKind>(r: &row::Model) -> Result<K> {
    serde_json::from_str(&r.rules_json)
        .map_err(|e| Error::Internal(format!("stored {} rules {} are corrupt: {e}", K::KIND, r.id)))
}

fn info(r: &row::Model, names: &HashMap<i64, String>) -> VersionInfo {
    VersionInfo {
        id: r.id,
        year: r.start_year,
        version: r.version,
        effective_from: r.effective_from,
        saved_at: r.saved_at,
        saved_by: r.saved_by.and_then(|u| names.get(&u).cloned()),
        saved_by_user: r.saved_by,
        school_id: r.school_id,
    }
}

async fn names<C: ConnectionTrait>(conn: &C, rows: &[row::Model]) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.saved_by).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// The newest version for `key` in `year` or the latest earlier year.
async fn latest<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    key: String,
    year: i32,
) -> Result<Option<row::Model>> {
    Ok(row::Entity::find()
        .filter(row::Column::Kind.eq(kind))
        .filter(row::Column::ScopeKey.eq(key))
        .filter(row::Column::StartYear.lte(year))
        .order_by_desc(row::Column::StartYear)
        .order_by_desc(row::Column::Version)
        .one(conn)
        .await?)
}

/// The set in force for a place in a school year. No scope check: callers
/// have checked access to the place.
pub(crate) async fn in_force<K: RuleSetKind, C: ConnectionTrait>(
    conn: &C,
    place: Place,
    year: i32,
) -> Result<InForce<K>> {
    let mut found = None;
    if place.school_id.is_some() {
        found = latest(conn, K::KIND, place.key(), year).await?;
    }
    if found.is_none() {
        found = latest(conn, K::KIND, Place::district(place.district_id).key(), year).await?;
    }
    let Some(r) = found else {
        return Ok(InForce {
            year,
            set: K::fallback(),
            source: Source::Default,
            version: None,
        });
    };
    // No name lookup here: the engine reads the set in force for every
    // school it evaluates; `named` adds it where it is shown.
    Ok(InForce {
        year,
        set: parse(&r)?,
        source: match r.school_id {
            Some(_) => Source::School { year: r.start_year },
            None => Source::District { year: r.start_year },
        },
        version: Some(info(&r, &HashMap::new())),
    })
}

/// The set in force with the name of who saved its version, for showing.
pub(crate) async fn named<K, C: ConnectionTrait>(conn: &C, mut v: InForce<K>) -> Result<InForce<K>> {
    if let Some(info) = v.version.as_mut()
        && let Some(u) = info.saved_by_user
    {
        info.saved_by = user::Entity::find_by_id(u)
            .one(conn)
            .await?
            .map(|u| u.display_name);
    }
    Ok(v)
}

/// Checks the place exists and the caller may read it (or, with `manage`,
/// change its rules: a school's training director or principal, a
/// district's administrators). Answers the place's tenant.
pub(crate) async fn check<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    place: Place,
    manage: bool,
) -> Result<Tenant> {
    if let Some(s) = place.school_id {
        let sc = school::Entity::find_by_id(s)
            .one(conn)
            .await?
            .ok_or(Error::NotFound)?;
        if sc.district_id != place.district_id {
            return Err(Error::NotFound);
        }
    }
    let t = place.tenant();
    let cap = match (manage, place.school_id) {
        (false, _) => Capability::Read,
        (true, Some(_)) => Capability::ManageTeachers,
        (true, None) => Capability::ManageSchools,
    };
    scope.require(cap, t)?;
    Ok(t)
}

/// The set in force for a place and year, for a caller who may read it.
pub async fn get<K: RuleSetKind>(
    store: &Store,
    scope: &Scope,
    place: Place,
    year: i32,
) -> Result<InForce<K>> {
    check(store.conn(), scope, place, false).await?;
    named(store.conn(), in_force(store.conn(), place, year).await?).await
}

/// A school year the rules may be saved for.
pub fn check_year(year: i32) -> Result<()> {
    if !(1990..=2100).contains(&year) {
        return Err(Error::Invalid(
            FieldError::new("year", "out_of_range")
                .with("min", 1990)
                .with("max", 2100),
        ));
    }
    Ok(())
}

/// The day new and changed rules of a dated kind take effect: the one
/// given (which must fall within the school year), else today when today
/// is inside the year, else the year's start (`None`).
async fn effective_day<C: ConnectionTrait>(
    conn: &C,
    place: Place,
    year: i32,
    given: Option<NaiveDate>,
) -> Result<Option<NaiveDate>> {
    let cal = crate::calendar::load(conn, place.district_id, place.school_id).await?;
    let y = cal.year(year);
    match given {
        Some(d) if d < y.first_start || d > y.second_end => Err(Error::Invalid(
            FieldError::new("effective_from", "outside_year")
                .with("from", y.first_start.to_string())
                .with("to", y.second_end.to_string()),
        )),
        Some(d) => Ok((d > y.first_start).then_some(d)),
        None => Ok(Some(default_day(&y)).filter(|d| *d > y.first_start)),
    }
}

/// Today while the school year is under way, else its first day.
fn default_day(y: &lingyan_domain::SchoolYear) -> NaiveDate {
    let today = crate::calendar::today();
    if today > y.first_start && today <= y.second_end {
        today
    } else {
        y.first_start
    }
}

/// The day a save would date new and changed rules from when none is
/// given (what the forms offer).
pub async fn default_effective(store: &Store, scope: &Scope, place: Place, year: i32) -> Result<NaiveDate> {
    check(store.conn(), scope, place, false).await?;
    let cal = crate::calendar::load(store.conn(), place.district_id, place.school_id).await?;
    Ok(default_day(&cal.year(year)))
}

/// What an area tells [`write`] about itself, for the audit log.
pub(crate) struct Audit {
    pub action: &'static str,
    pub entity_type: &'static str,
}

/// Saves `set` as the place's newest version for `year`, inside the
/// caller's transaction. The caller has checked permission ([`check`] with
/// `manage`) and validated the rules. Dated kinds mark new and changed
/// rules with the day they take effect (`effective_from`, see
/// [`effective_day`]).
pub(crate) async fn write<K: RuleSetKind, C: ConnectionTrait>(
    txn: &C,
    scope: &Scope,
    place: Place,
    year: i32,
    mut set: K,
    effective_from: Option<NaiveDate>,
    audit: Audit,
) -> Result<()> {
    check_year(year)?;
    let before = in_force::<K, _>(txn, place, year).await?;
    let effective = if K::DATED {
        let d = effective_day(txn, place, year, effective_from).await?;
        set.take_effect(&before.set, d);
        d
    } else {
        None
    };
    let rules_json = serde_json::to_string(&set).map_err(|e| Error::Internal(e.to_string()))?;
    let last: Option<i32> = row::Entity::find()
        .select_only()
        .column(row::Column::Version)
        .filter(row::Column::Kind.eq(K::KIND))
        .filter(row::Column::ScopeKey.eq(place.key()))
        .filter(row::Column::StartYear.eq(year))
        .order_by_desc(row::Column::Version)
        .into_tuple()
        .one(txn)
        .await?;
    let own_before = matches!(
        (before.source, place.school_id),
        (Source::School { year: y }, Some(_)) | (Source::District { year: y }, None) if y == year
    );
    row::ActiveModel {
        kind: Set(K::KIND.to_string()),
        district_id: Set(place.district_id),
        school_id: Set(place.school_id),
        scope_key: Set(place.key()),
        start_year: Set(year),
        version: Set(last.unwrap_or(0) + 1),
        rules_json: Set(rules_json),
        effective_from: Set(effective),
        saved_at: Set(Utc::now()),
        saved_by: Set(scope.user_id()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        scope.actor(),
        Change {
            action: audit.action,
            entity_type: audit.entity_type,
            entity_id: Some(year.to_string()),
            tenant: place.tenant(),
            before: own_before.then(|| json!(before.set)),
            after: Some(json!(set)),
        },
    )
    .await?;
    Ok(())
}

/// Every version the place saved, newest first (all years).
pub async fn history<K: RuleSetKind>(store: &Store, scope: &Scope, place: Place) -> Result<Vec<VersionInfo>> {
    check(store.conn(), scope, place, false).await?;
    let rows = row::Entity::find()
        .filter(row::Column::Kind.eq(K::KIND))
        .filter(row::Column::ScopeKey.eq(place.key()))
        .order_by_desc(row::Column::StartYear)
        .order_by_desc(row::Column::Version)
        .all(store.conn())
        .await?;
    let names = names(store.conn(), &rows).await?;
    Ok(rows.iter().map(|r| info(r, &names)).collect())
}

/// One version of the place's set beside what was in force before it: the
/// place's previous version (of that year or an earlier one), else what it
/// inherited (the district's set, or the fallback).
pub async fn diff<K: RuleSetKind>(store: &Store, scope: &Scope, place: Place, id: i64) -> Result<Diff<K>> {
    check(store.conn(), scope, place, false).await?;
    let conn = store.conn();
    let r = row::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|r| r.kind == K::KIND && r.scope_key == place.key())
        .ok_or(Error::NotFound)?;
    let after: K = parse(&r)?;
    // The version before: same year with a lower number, else the latest
    // of an earlier year.
    let prev = row::Entity::find()
        .filter(row::Column::Kind.eq(K::KIND))
        .filter(row::Column::ScopeKey.eq(place.key()))
        .filter(
            Condition::any().add(row::Column::StartYear.lt(r.start_year)).add(
                Condition::all()
                    .add(row::Column::StartYear.eq(r.start_year))
                    .add(row::Column::Version.lt(r.version)),
            ),
        )
        .order_by_desc(row::Column::StartYear)
        .order_by_desc(row::Column::Version)
        .one(conn)
        .await?;
    let (before, before_source) = match prev {
        Some(p) => (
            parse::<K>(&p)?,
            match p.school_id {
                Some(_) => Source::School { year: p.start_year },
                None => Source::District { year: p.start_year },
            },
        ),
        None if place.school_id.is_some() => {
            let d = in_force::<K, _>(conn, Place::district(place.district_id), r.start_year).await?;
            (d.set, d.source)
        }
        None => (K::fallback(), Source::Default),
    };
    let names = names(conn, std::slice::from_ref(&r)).await?;
    Ok(Diff {
        version: info(&r, &names),
        changes: before.changes(&after),
        before,
        before_source,
        after,
    })
}
