//! The academic calendar: school-year dates set by a district, which a
//! school may override.

use crate::audit::{self, Change};
use crate::entity::{academic_year, evidence, school};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::dates::parse_date;
use lingyan_domain::{Calendar, Capability, FieldError, SchoolYear, Tenant};
use sea_orm::QuerySelect;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;

/// Where a school year's dates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    School,
    District,
    Standard,
}

/// One school year as a school sees it.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub year: SchoolYear,
    pub source: Source,
}

/// The dates typed into a form: `2025-09-01`, `2026/1/23` ….
#[derive(Debug, Clone, Default)]
pub struct YearInput {
    pub start_year: String,
    pub first_start: String,
    pub first_end: String,
    pub second_start: String,
    pub second_end: String,
}

impl YearInput {
    pub fn parse(&self) -> Result<SchoolYear, FieldError> {
        let y: i32 = self.start_year.trim().parse().map_err(|_| {
            FieldError::new("start_year", "not_a_number").with("value", self.start_year.trim())
        })?;
        if !(1990..=2100).contains(&y) {
            return Err(FieldError::new("start_year", "out_of_range")
                .with("min", 1990)
                .with("max", 2100));
        }
        SchoolYear::new(
            y,
            parse_date("first_start", &self.first_start)?,
            parse_date("first_end", &self.first_end)?,
            parse_date("second_start", &self.second_start)?,
            parse_date("second_end", &self.second_end)?,
        )
    }
}

fn to_year(m: &academic_year::Model) -> SchoolYear {
    SchoolYear {
        start_year: m.start_year,
        first_start: m.first_start,
        first_end: m.first_end,
        second_start: m.second_start,
        second_end: m.second_end,
    }
}

fn scope_key(t: Tenant) -> String {
    match (t.school_id, t.district_id) {
        (Some(s), _) => format!("s:{s}"),
        (None, Some(d)) => format!("d:{d}"),
        _ => "global".into(),
    }
}

/// The calendar in force for a school (its own years over the district's),
/// or for a district when `school_id` is `None`. No scope check: callers
/// have checked access to the tenant.
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<Calendar> {
    let mut keys = vec![format!("d:{district_id}")];
    if let Some(s) = school_id {
        keys.push(format!("s:{s}"));
    }
    let rows = academic_year::Entity::find()
        .filter(academic_year::Column::ScopeKey.is_in(keys))
        .all(conn)
        .await?;
    let mut years: std::collections::BTreeMap<i32, SchoolYear> = Default::default();
    for r in rows.iter().filter(|r| r.school_id.is_none()) {
        years.insert(r.start_year, to_year(r));
    }
    for r in rows.iter().filter(|r| r.school_id.is_some()) {
        years.insert(r.start_year, to_year(r));
    }
    Ok(Calendar::new(years.into_values().collect()))
}

async fn tenant_of_school<C: ConnectionTrait>(conn: &C, school_id: i64) -> Result<Tenant> {
    let s = school::Entity::find_by_id(school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Tenant::school(s.district_id, s.id))
}

/// Whether the caller reads at least one school of the district.
async fn reads_a_school_of<C: ConnectionTrait>(conn: &C, scope: &Scope, district_id: i64) -> Result<bool> {
    let schools = scope.access().tenants(Capability::Read).schools;
    if schools.is_empty() {
        return Ok(false);
    }
    Ok(school::Entity::find()
        .filter(school::Column::DistrictId.eq(district_id))
        .filter(school::Column::Id.is_in(schools))
        .count(conn)
        .await?
        > 0)
}

/// The years set for a school or district, with where each comes from, for
/// `years` around the current one.
pub async fn years(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<Vec<YearView>> {
    let tenant = match school_id {
        Some(s) => tenant_of_school(store.conn(), s).await?,
        None => Tenant::district(district_id),
    };
    if tenant.district_id != Some(district_id) {
        return Err(Error::NotFound);
    }
    // A district's own calendar is read by its staff and by the staff of
    // its schools (whose calendar it is unless they set their own), never
    // by anyone of another district.
    let readable = scope.allows(Capability::Read, tenant)
        || (school_id.is_none() && reads_a_school_of(store.conn(), scope, district_id).await?);
    if !readable {
        return Err(Error::NotFound);
    }
    let mut keys = vec![format!("d:{district_id}")];
    if let Some(s) = school_id {
        keys.push(format!("s:{s}"));
    }
    let rows = academic_year::Entity::find()
        .filter(academic_year::Column::ScopeKey.is_in(keys))
        .order_by_asc(academic_year::Column::StartYear)
        .all(store.conn())
        .await?;
    let mut out: std::collections::BTreeMap<i32, YearView> = Default::default();
    for r in &rows {
        let source = if r.school_id.is_some() {
            Source::School
        } else {
            Source::District
        };
        let e = out.entry(r.start_year).or_insert(YearView {
            year: to_year(r),
            source,
        });
        if source == Source::School {
            *e = YearView {
                year: to_year(r),
                source,
            };
        }
    }
    Ok(out.into_values().collect())
}

/// Sets one school year's dates for a district (district admins) or as a
/// school's override (those who manage the school's teachers).
pub async fn set_year(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    input: &YearInput,
) -> Result<SchoolYear> {
    let txn = store.begin().await?;
    let tenant = match school_id {
        Some(s) => {
            let t = tenant_of_school(&txn, s).await?;
            if t.district_id != Some(district_id) {
                return Err(Error::NotFound);
            }
            scope.require(Capability::ManageTeachers, t)?;
            t
        }
        None => {
            scope.require(Capability::ManageSchools, Tenant::district(district_id))?;
            Tenant::district(district_id)
        }
    };
    // Parsed after the permission check: someone who may not set the
    // calendar is refused whatever they typed.
    let year = input.parse()?;
    let key = scope_key(tenant);
    let existing = academic_year::Entity::find()
        .filter(academic_year::Column::ScopeKey.eq(key.clone()))
        .filter(academic_year::Column::StartYear.eq(year.start_year))
        .one(&txn)
        .await?;
    let before = existing.as_ref().map(|m| json!(to_year(m)));
    match existing {
        Some(m) => {
            let mut am = m.into_active_model();
            am.first_start = Set(year.first_start);
            am.first_end = Set(year.first_end);
            am.second_start = Set(year.second_start);
            am.second_end = Set(year.second_end);
            am.updated_at = Set(Utc::now());
            am.update(&txn).await?;
        }
        None => {
            academic_year::ActiveModel {
                district_id: Set(district_id),
                school_id: Set(school_id),
                scope_key: Set(key),
                start_year: Set(year.start_year),
                first_start: Set(year.first_start),
                first_end: Set(year.first_end),
                second_start: Set(year.second_start),
                second_end: Set(year.second_end),
                updated_at: Set(Utc::now()),
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
            action: "calendar.set",
            entity_type: "academic_year",
            entity_id: Some(year.start_year.to_string()),
            tenant,
            before,
            after: Some(json!(year)),
        },
    )
    .await?;
    // Records keep their semester in sync with the calendar.
    resolve_semesters(&txn, district_id, school_id).await?;
    txn.commit().await?;
    Ok(year)
}

/// Removes a school's own dates for a year, so the district's apply again.
pub async fn clear_school_year(store: &Store, scope: &Scope, school_id: i64, start_year: i32) -> Result<()> {
    let txn = store.begin().await?;
    let t = tenant_of_school(&txn, school_id).await?;
    scope.require(Capability::ManageTeachers, t)?;
    let res = academic_year::Entity::delete_many()
        .filter(academic_year::Column::ScopeKey.eq(format!("s:{school_id}")))
        .filter(academic_year::Column::StartYear.eq(start_year))
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action: "calendar.clear",
                entity_type: "academic_year",
                entity_id: Some(start_year.to_string()),
                tenant: t,
                before: None,
                after: None,
            },
        )
        .await?;
        if let Some(d) = t.district_id {
            resolve_semesters(&txn, d, Some(school_id)).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The calendar in force for a school the caller can read.
pub async fn for_school(store: &Store, scope: &Scope, school_id: i64) -> Result<Calendar> {
    let t = tenant_of_school(store.conn(), school_id).await?;
    scope.require(Capability::Read, t)?;
    load(store.conn(), t.district_id.unwrap_or_default(), Some(school_id)).await
}

/// The school year today falls in, for a school (or a district with
/// `school_id = None`) the caller reads.
pub async fn current_year(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<i32> {
    let years = years(store, scope, district_id, school_id).await?;
    Ok(Calendar::new(years.into_iter().map(|y| y.year).collect())
        .semester_of(today())
        .year)
}

/// Today in China (UTC+8), the date "as of" defaults to.
pub fn today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Re-resolves the semester of every record in a district (or one school)
/// after its calendar changed.
pub(crate) async fn resolve_semesters<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<()> {
    let mut schools: Vec<i64> = match school_id {
        Some(s) => vec![s],
        None => {
            evidence::Entity::find()
                .select_only()
                .column(evidence::Column::SchoolId)
                .filter(evidence::Column::DistrictId.eq(district_id))
                .distinct()
                .into_tuple()
                .all(conn)
                .await?
        }
    };
    schools.sort_unstable();
    for s in schools {
        let cal = load(conn, district_id, Some(s)).await?;
        let dates: Vec<(NaiveDate, i32, i16)> = evidence::Entity::find()
            .select_only()
            .column(evidence::Column::OccurredOn)
            .column(evidence::Column::SchoolYear)
            .column(evidence::Column::Term)
            .filter(evidence::Column::SchoolId.eq(s))
            .distinct()
            .into_tuple()
            .all(conn)
            .await?;
        for (d, year, term) in dates {
            let sem = cal.semester_of(d);
            if sem.year != year || term_code(sem.term) != term {
                evidence::Entity::update_many()
                    .col_expr(evidence::Column::SchoolYear, Expr::value(sem.year))
                    .col_expr(evidence::Column::Term, Expr::value(term_code(sem.term)))
                    .filter(evidence::Column::SchoolId.eq(s))
                    .filter(evidence::Column::OccurredOn.eq(d))
                    .exec(conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// The term as the evidence table stores it.
pub(crate) fn term_code(t: lingyan_domain::Term) -> i16 {
    match t {
        lingyan_domain::Term::First => 1,
        lingyan_domain::Term::Second => 2,
    }
}
