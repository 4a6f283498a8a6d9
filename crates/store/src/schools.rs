//! Schools: the tenant most data belongs to. District admins create and edit
//! them; everyone working in a school or its district reads them.

use crate::audit::{self, Change};
use crate::entity::{district, school, user};
use crate::error::OnConstraint;
use crate::{Error, Result, Scope, Store};
use chrono::Utc;
use lingyan_domain::{Capability, Code, OrgName, PageRequest, Paged, SchoolType, Tenant};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct School {
    pub id: i64,
    pub district_id: i64,
    pub district_code: String,
    pub district_name: String,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub school_type: SchoolType,
    pub active: bool,
}

impl School {
    pub fn tenant(&self) -> Tenant {
        Tenant::school(self.district_id, self.id)
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "district_id": self.district_id,
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "school_type": self.school_type.code(),
            "active": self.active,
        })
    }
}

fn to_school(m: school::Model, d: &district::Model) -> School {
    School {
        id: m.id,
        district_id: m.district_id,
        district_code: d.code.clone(),
        district_name: d.name.clone(),
        code: m.code,
        name: m.name,
        name_en: m.name_en,
        // Only parsed values are ever written; an unknown one means the
        // database was edited by hand, and primary is the least surprising.
        school_type: SchoolType::parse(&m.school_type).unwrap_or(SchoolType::Primary),
        active: m.active,
    }
}

/// Fields to set; `None` leaves a field unchanged. On create, code, name and
/// type are required.
#[derive(Debug, Clone, Default)]
pub struct SchoolChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub school_type: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct SchoolFilter {
    pub district_id: Option<i64>,
    /// Part of the code or name.
    pub q: Option<String>,
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` escaped.
pub(crate) fn contains_pattern(q: &str) -> LikeExpr {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    LikeExpr::new(p).escape('\\')
}

/// Schools the caller may read.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &SchoolFilter,
    page: PageRequest,
) -> Result<Paged<School>> {
    let mut q = school::Entity::find().filter(scope.condition(
        Capability::Read,
        school::Column::DistrictId,
        school::Column::Id,
    ));
    if let Some(d) = filter.district_id {
        q = q.filter(school::Column::DistrictId.eq(d));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(
                    Expr::col((school::Entity, school::Column::Code))
                        .like(contains_pattern(&text.to_ascii_uppercase())),
                )
                .add(Expr::col((school::Entity, school::Column::Name)).like(contains_pattern(text))),
        );
    }
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .find_also_related(district::Entity)
        .order_by_asc(school::Column::Code)
        .offset(page.offset())
        .limit(page.per_page)
        .all(store.conn())
        .await?;
    let items = rows
        .into_iter()
        .filter_map(|(s, d)| d.map(|d| to_school(s, &d)))
        .collect();
    Ok(Paged {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

async fn load<C: sea_orm::ConnectionTrait>(conn: &C, id: i64) -> Result<School> {
    let (s, d) = school::Entity::find_by_id(id)
        .find_also_related(district::Entity)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let d = d.ok_or(Error::NotFound)?;
    Ok(to_school(s, &d))
}

/// Every school where the caller has `cap` (for choosing a school in a
/// form), ordered by code. A district has at most a few hundred schools.
pub async fn all_with(store: &Store, scope: &Scope, cap: Capability) -> Result<Vec<School>> {
    let rows = school::Entity::find()
        .filter(scope.condition(cap, school::Column::DistrictId, school::Column::Id))
        .find_also_related(district::Entity)
        .order_by_asc(school::Column::Code)
        .all(store.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, d)| d.map(|d| to_school(s, &d)))
        .collect())
}

/// One school, if the caller may read it.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<School> {
    let s = load(store.conn(), id).await?;
    scope.require(Capability::Read, s.tenant())?;
    Ok(s)
}

/// A school by its code, if the caller may read it.
pub async fn get_by_code(store: &Store, scope: &Scope, code: &str) -> Result<School> {
    let code = Code::parse("school", code)?;
    let m = school::Entity::find()
        .filter(school::Column::Code.eq(code.as_str()))
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    get(store, scope, m.id).await
}

/// Creates a school in a district the caller administers.
pub async fn create(store: &Store, scope: &Scope, district_id: i64, input: SchoolChanges) -> Result<School> {
    scope.require(Capability::ManageSchools, Tenant::district(district_id))?;
    let code = Code::parse("code", input.code.as_deref().unwrap_or(""))?;
    let name = OrgName::parse("name", input.name.as_deref().unwrap_or(""))?;
    let name_en = OrgName::parse_optional("name_en", input.name_en.as_deref().unwrap_or(""))?;
    let school_type = SchoolType::parse(input.school_type.as_deref().unwrap_or(""))?;
    let now = Utc::now();
    let txn = store.begin().await?;
    if district::Entity::find_by_id(district_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    let m = school::ActiveModel {
        district_id: Set(district_id),
        code: Set(code.as_str().to_string()),
        name: Set(name.into_string()),
        name_en: Set(name_en.map(OrgName::into_string)),
        school_type: Set(school_type.code().to_string()),
        active: Set(input.active.unwrap_or(true)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .on_unique("code", code.as_str())?;
    let s = load(&txn, m.id).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "school.create",
            entity_type: "school",
            entity_id: Some(s.id.to_string()),
            tenant: s.tenant(),
            before: None,
            after: Some(s.snapshot()),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

/// Edits a school the caller administers.
pub async fn update(store: &Store, scope: &Scope, id: i64, input: SchoolChanges) -> Result<School> {
    let txn = store.begin().await?;
    let before = load(&txn, id).await?;
    scope.require(Capability::ManageSchools, before.tenant())?;
    let current = school::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut am: school::ActiveModel = current.into();
    let mut code_str = before.code.clone();
    if let Some(c) = input.code.as_deref() {
        let code = Code::parse("code", c)?;
        code_str = code.as_str().to_string();
        am.code = Set(code.into_string());
    }
    if let Some(n) = input.name.as_deref() {
        am.name = Set(OrgName::parse("name", n)?.into_string());
    }
    if let Some(n) = input.name_en.as_deref() {
        am.name_en = Set(OrgName::parse_optional("name_en", n)?.map(OrgName::into_string));
    }
    if let Some(t) = input.school_type.as_deref() {
        am.school_type = Set(SchoolType::parse(t)?.code().to_string());
    }
    if let Some(a) = input.active {
        am.active = Set(a);
    }
    am.updated_at = Set(Utc::now());
    am.update(&txn).await.on_unique("code", &code_str)?;
    let after = load(&txn, id).await?;
    if after != before {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action: "school.update",
                entity_type: "school",
                entity_id: Some(id.to_string()),
                tenant: after.tenant(),
                before: Some(before.snapshot()),
                after: Some(after.snapshot()),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// How many accounts (that the caller can see) have each school as their home.
pub async fn user_counts(store: &Store, scope: &Scope, school_ids: &[i64]) -> Result<HashMap<i64, u64>> {
    if school_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i64>, i64)> = user::Entity::find()
        .select_only()
        .column(user::Column::SchoolId)
        .column_as(user::Column::Id.count(), "n")
        .filter(user::Column::SchoolId.is_in(school_ids.iter().copied()))
        .filter(scope.condition(Capability::Read, user::Column::DistrictId, user::Column::SchoolId))
        .group_by(user::Column::SchoolId)
        .into_tuple()
        .all(store.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, n)| s.map(|s| (s, u64::try_from(n).unwrap_or(0))))
        .collect())
}
