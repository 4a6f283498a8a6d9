//! Tier rules stored per school (or district) and school year, and tiers
//! set by hand. A year without its own rules uses the latest earlier year's;
//! a school without rules uses its district's; failing both, the standard
//! tiers. Saving rules for a year writes that year only, so earlier years'
//! results never change.

use crate::audit::{self, Change};
use crate::entity::{school, teacher, tier_override, tier_rule_set};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::{Calendar, Capability, FieldError, TeacherFacts, Tenant, TierResult, TierRules};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// Where a year's rules come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum RulesSource {
    /// Set by the school for `year` (which may be earlier than the year asked).
    School {
        year: i32,
    },
    District {
        year: i32,
    },
    Standard,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesView {
    pub year: i32,
    pub rules: TierRules,
    pub source: RulesSource,
}

async fn latest<C: ConnectionTrait>(conn: &C, key: String, year: i32) -> Result<Option<(TierRules, i32)>> {
    let row = tier_rule_set::Entity::find()
        .filter(tier_rule_set::Column::ScopeKey.eq(key))
        .filter(tier_rule_set::Column::StartYear.lte(year))
        .order_by_desc(tier_rule_set::Column::StartYear)
        .one(conn)
        .await?;
    match row {
        Some(r) => {
            let rules: TierRules = serde_json::from_str(&r.rules_json)
                .map_err(|e| Error::Internal(format!("stored tier rules {} are corrupt: {e}", r.id)))?;
            Ok(Some((rules, r.start_year)))
        }
        None => Ok(None),
    }
}

/// The rules in force for a school in a school year.
pub(crate) async fn rules_for<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<RulesView> {
    if let Some(s) = school_id
        && let Some((rules, y)) = latest(conn, format!("s:{s}"), year).await?
    {
        return Ok(RulesView {
            year,
            rules,
            source: RulesSource::School { year: y },
        });
    }
    if let Some((rules, y)) = latest(conn, format!("d:{district_id}"), year).await? {
        return Ok(RulesView {
            year,
            rules,
            source: RulesSource::District { year: y },
        });
    }
    Ok(RulesView {
        year,
        rules: TierRules::standard(),
        source: RulesSource::Standard,
    })
}

/// Classifies many teachers, loading each school's calendar, rules and
/// overrides once.
pub(crate) struct TierBook {
    calendars: HashMap<i64, Calendar>,
    rules: HashMap<(i64, i32), TierRules>,
    overrides: HashMap<(i64, i32), HashMap<i64, (String, String)>>,
}

impl TierBook {
    pub(crate) fn new() -> Self {
        Self {
            calendars: HashMap::new(),
            rules: HashMap::new(),
            overrides: HashMap::new(),
        }
    }

    // The caches fill with database reads, which cannot run inside the
    // closure the entry API would need.
    #[allow(clippy::map_entry)]
    pub(crate) async fn classify<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        district_id: i64,
        school_id: i64,
        facts: &TeacherFacts,
        today: NaiveDate,
    ) -> Result<TierResult> {
        if !self.calendars.contains_key(&school_id) {
            let c = crate::calendar::load(conn, district_id, Some(school_id)).await?;
            self.calendars.insert(school_id, c);
        }
        let year = self.calendars[&school_id].semester_of(today).year;
        if !self.rules.contains_key(&(school_id, year)) {
            let r = rules_for(conn, district_id, Some(school_id), year).await?;
            self.rules.insert((school_id, year), r.rules);
        }
        if !self.overrides.contains_key(&(school_id, year)) {
            let rows = tier_override::Entity::find()
                .filter(tier_override::Column::SchoolId.eq(school_id))
                .filter(tier_override::Column::StartYear.eq(year))
                .all(conn)
                .await?;
            let map = rows
                .into_iter()
                .map(|o| (o.teacher_id, (o.tier_code, o.reason)))
                .collect();
            self.overrides.insert((school_id, year), map);
        }
        let rules = &self.rules[&(school_id, year)];
        Ok(match self.overrides[&(school_id, year)].get(&facts.id) {
            Some((code, reason)) => rules.overridden(code, reason),
            None => rules.classify(facts, today, year),
        })
    }
}

async fn school_tenant<C: ConnectionTrait>(conn: &C, school_id: i64) -> Result<Tenant> {
    let s = school::Entity::find_by_id(school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Tenant::school(s.district_id, s.id))
}

/// The rules in force for a school (or, with `school_id = None`, set by
/// the district) in `year`.
pub async fn get(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<RulesView> {
    match school_id {
        Some(s) => {
            let t = school_tenant(store.conn(), s).await?;
            if t.district_id != Some(district_id) {
                return Err(Error::NotFound);
            }
            scope.require(Capability::Read, t)?;
        }
        None => scope.require(Capability::Read, Tenant::district(district_id))?,
    }
    rules_for(store.conn(), district_id, school_id, year).await
}

/// Saves a school's (or a district's) rules for one school year.
pub async fn set(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
    rules: TierRules,
) -> Result<RulesView> {
    let txn = store.begin().await?;
    let (tenant, key) = match school_id {
        Some(s) => {
            let t = school_tenant(&txn, s).await?;
            if t.district_id != Some(district_id) {
                return Err(Error::NotFound);
            }
            scope.require(Capability::ManageTeachers, t)?;
            (t, format!("s:{s}"))
        }
        None => {
            let t = Tenant::district(district_id);
            scope.require(Capability::ManageSchools, t)?;
            (t, format!("d:{district_id}"))
        }
    };
    // Checked after the permission: someone who may not change the rules
    // is refused whatever they sent.
    if !(1990..=2100).contains(&year) {
        return Err(Error::Invalid(
            FieldError::new("year", "out_of_range")
                .with("min", 1990)
                .with("max", 2100),
        ));
    }
    rules.validate()?;
    let json_rules = serde_json::to_string(&rules).map_err(|e| Error::Internal(e.to_string()))?;
    let existing = tier_rule_set::Entity::find()
        .filter(tier_rule_set::Column::ScopeKey.eq(key.clone()))
        .filter(tier_rule_set::Column::StartYear.eq(year))
        .one(&txn)
        .await?;
    let before = existing
        .as_ref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.rules_json).ok());
    match existing {
        Some(r) => {
            let mut am = r.into_active_model();
            am.rules_json = Set(json_rules);
            am.updated_at = Set(Utc::now());
            am.updated_by = Set(scope.user_id());
            am.update(&txn).await?;
        }
        None => {
            tier_rule_set::ActiveModel {
                district_id: Set(district_id),
                school_id: Set(school_id),
                scope_key: Set(key),
                start_year: Set(year),
                rules_json: Set(json_rules),
                updated_at: Set(Utc::now()),
                updated_by: Set(scope.user_id()),
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
            action: "tiers.set",
            entity_type: "tier_rules",
            entity_id: Some(year.to_string()),
            tenant,
            before,
            after: Some(json!(rules)),
        },
    )
    .await?;
    txn.commit().await?;
    rules_for(store.conn(), district_id, school_id, year).await
}

/// Sets a teacher's tier by hand for a school year, with a reason.
pub async fn set_override(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    year: i32,
    tier: &str,
    reason: &str,
) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid(FieldError::new("reason", "required")));
    }
    if reason.chars().count() > 500 {
        return Err(Error::Invalid(
            FieldError::new("reason", "too_long").with("max", 500),
        ));
    }
    let txn = store.begin().await?;
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if !scope.allows(Capability::ReadTeachers, tenant) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let rules = rules_for(&txn, t.district_id, Some(t.school_id), year).await?;
    if rules.rules.find(tier).is_none() {
        return Err(Error::Invalid(
            FieldError::new("tier", "unknown_tier").with("value", tier),
        ));
    }
    let existing = tier_override::Entity::find()
        .filter(tier_override::Column::TeacherId.eq(teacher_id))
        .filter(tier_override::Column::StartYear.eq(year))
        .one(&txn)
        .await?;
    let before = existing
        .as_ref()
        .map(|o| json!({"tier": o.tier_code, "reason": o.reason}));
    if let Some(o) = existing {
        tier_override::Entity::delete_by_id(o.id).exec(&txn).await?;
    }
    tier_override::ActiveModel {
        teacher_id: Set(teacher_id),
        district_id: Set(t.district_id),
        school_id: Set(t.school_id),
        start_year: Set(year),
        tier_code: Set(tier.to_string()),
        reason: Set(reason.to_string()),
        by_user_id: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "tiers.override",
            entity_type: "teacher",
            entity_id: Some(teacher_id.to_string()),
            tenant,
            before,
            after: Some(json!({"year": year, "tier": tier, "reason": reason})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a tier set by hand, so the rules decide again.
pub async fn clear_override(store: &Store, scope: &Scope, teacher_id: i64, year: i32) -> Result<()> {
    let txn = store.begin().await?;
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if !scope.allows(Capability::ReadTeachers, tenant) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let res = tier_override::Entity::delete_many()
        .filter(tier_override::Column::TeacherId.eq(teacher_id))
        .filter(tier_override::Column::StartYear.eq(year))
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action: "tiers.override_clear",
                entity_type: "teacher",
                entity_id: Some(teacher_id.to_string()),
                tenant,
                before: None,
                after: Some(json!({"year": year})),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
