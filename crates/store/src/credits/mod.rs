//! Credit requirements (继续教育学分要求), a kind of rule set (decision 32):
//! kept per district and school year, and per school where the district
//! lets schools set their own. The arithmetic is the domain's
//! (`lingyan_domain::credits`), run on each teacher's ledger (`ledger`),
//! which the national format fills and empties (`national`); activities and
//! claims join it as they land.

pub mod claims;
mod completion;
mod issued;
pub use issued::*;
pub(crate) mod demo;
mod ledger;
mod national;
pub use completion::*;
pub use ledger::*;
pub use national::*;

use crate::rule_sets::{self, InForce, Place};
use crate::{Error, Result, Scope, Store};
use lingyan_domain::FieldError;
use lingyan_domain::credits::{CreditRules, presets};
use sea_orm::ConnectionTrait;

/// The requirement in force for a school (or district) in a school year,
/// and where it comes from.
pub type RulesView = InForce<CreditRules>;

/// The requirement in force: a school's own only where the district's
/// requirement lets schools set theirs; else the district's. Either way
/// `set.school_override` says whether the school may save its own (a
/// school's own versions always say yes).
pub(crate) async fn rules_for<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<RulesView> {
    let district = rule_sets::in_force::<CreditRules, _>(conn, Place::district(district_id), year).await?;
    match school_id {
        Some(s) if district.set.school_override => {
            rule_sets::in_force(conn, Place::school(district_id, s), year).await
        }
        _ => Ok(district),
    }
}

/// The requirement in force for a school (or a district with
/// `school_id = None`) in `year`, for a caller who may read the place.
pub async fn get(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
) -> Result<RulesView> {
    let place = place_of(district_id, school_id);
    rule_sets::check(store.conn(), scope, place, false).await?;
    rule_sets::named(
        store.conn(),
        rules_for(store.conn(), district_id, school_id, year).await?,
    )
    .await
}

fn place_of(district_id: i64, school_id: Option<i64>) -> Place {
    Place {
        district_id,
        school_id,
    }
}

/// Whether the caller may change the requirement of a school (or district):
/// refused (`Forbidden`/`NotFound`) before anything they sent is read.
pub async fn check_manage(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<()> {
    rule_sets::check(store.conn(), scope, place_of(district_id, school_id), true).await?;
    Ok(())
}

/// Saves a district's (or, where the district allows it, a school's)
/// requirement for a school year as a new version. Every problem with the
/// rules is named; nothing is saved unless all are fixed.
pub async fn save(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
    rules: CreditRules,
) -> Result<RulesView> {
    let place = place_of(district_id, school_id);
    let txn = store.begin().await?;
    // Permission first: someone who may not change the rules is refused
    // whatever they sent.
    rule_sets::check(&txn, scope, place, true).await?;
    rule_sets::check_year(year)?;
    if school_id.is_some() {
        let district =
            rule_sets::in_force::<CreditRules, _>(&txn, Place::district(district_id), year).await?;
        if !district.set.school_override {
            return Err(Error::Invalid(FieldError::new(
                "school",
                "credits_set_by_district",
            )));
        }
    }
    let mut rules = rules.checked().map_err(Error::InvalidAll)?;
    if school_id.is_some() {
        // Only a district decides whether schools may set their own.
        rules.school_override = true;
    }
    rule_sets::write(
        &txn,
        scope,
        place,
        year,
        rules,
        None,
        rule_sets::Audit {
            action: "credits.rules",
            entity_type: "credit_rules",
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

/// Replaces the requirement with a preset's, as the place's own for
/// `year`. A district's choice whether schools may set their own is kept.
pub async fn adopt(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    year: i32,
    preset: &str,
) -> Result<RulesView> {
    // Permission first: someone who may not change the rules learns
    // nothing about which presets exist.
    rule_sets::check(store.conn(), scope, place_of(district_id, school_id), true).await?;
    let p = presets::find(preset)
        .ok_or_else(|| Error::Invalid(FieldError::new("preset", "unknown_preset").with("value", preset)))?;
    let before = rules_for(store.conn(), district_id, school_id, year).await?.set;
    let mut rules = p.rules.clone();
    rules.school_override = before.school_override;
    save(store, scope, district_id, school_id, year, rules).await
}
