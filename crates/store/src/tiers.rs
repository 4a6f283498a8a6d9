//! Tier rules, a kind of rule set (`rule_sets`): per school (or district)
//! and school year, inherited and carried forward, failing both the
//! standard tiers; and tiers set by hand for one teacher and year.

use crate::audit::{self, Change};
use crate::entity::{teacher, tier_override};
use crate::rule_sets::{self, InForce, Place};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::{Calendar, Capability, FieldError, TeacherFacts, Tenant, TierResult, TierRules};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::HashMap;

/// The tier rules in force for a place and year, and where they come from.
pub type RulesView = InForce<TierRules>;

/// The rules in force for a school in a school year.
pub(crate) async fn rules_for<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<RulesView> {
    rule_sets::in_force(conn, place_of(district_id, school_id), year).await
}

fn place_of(district_id: i64, school_id: Option<i64>) -> Place {
    Place {
        district_id,
        school_id,
    }
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
            self.rules.insert((school_id, year), r.set);
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

/// The rules in force for a school (or, with `school_id = None`, set by
/// the district) in `year`.
pub async fn get(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<RulesView> {
    rule_sets::get(store, scope, place_of(district_id, school_id), year).await
}

/// Saves a school's (or a district's) rules for one school year, as a new
/// version.
pub async fn set(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
    rules: TierRules,
) -> Result<RulesView> {
    let place = place_of(district_id, school_id);
    let txn = store.begin().await?;
    // Checked after the permission: someone who may not change the rules
    // is refused whatever they sent.
    rule_sets::check(&txn, scope, place, true).await?;
    rule_sets::check_year(year)?;
    rules.validate()?;
    rule_sets::write(
        &txn,
        scope,
        place,
        year,
        rules,
        None,
        rule_sets::Audit {
            action: "tiers.set",
            entity_type: "tier_rules",
        },
    )
    .await?;
    txn.commit().await?;
    rule_sets::named(
        store.conn(),
        rules_for(store.conn(), district_id, school_id, year).await?,
    )
    .await
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
    if rules.set.find(tier).is_none() {
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
