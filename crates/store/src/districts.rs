//! Districts (区/县): the top tenant. Created and renamed by system admins;
//! read by anyone who works in them.

use crate::audit::{self, Change};
use crate::entity::{district, school};
use crate::error::OnConstraint;
use crate::{Error, Result, Scope, Store};
use chrono::Utc;
use lingyan_domain::{Capability, Code, OrgName, Tenant};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct District {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

impl From<district::Model> for District {
    fn from(m: district::Model) -> Self {
        Self {
            id: m.id,
            code: m.code,
            name: m.name,
            name_en: m.name_en,
        }
    }
}

impl District {
    fn snapshot(&self) -> serde_json::Value {
        json!({"code": self.code, "name": self.name, "name_en": self.name_en})
    }
}

/// Fields to set; `None` leaves a field as it is (on create, code and name
/// are required).
#[derive(Debug, Clone, Default)]
pub struct DistrictChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub name_en: Option<String>,
}

/// Districts the caller works in (directly, or through one of its schools).
pub async fn list(store: &Store, scope: &Scope) -> Result<Vec<District>> {
    let set = scope.access().tenants(Capability::Read);
    let mut q = district::Entity::find();
    if !set.all {
        let mut cond = Condition::any().add(district::Column::Id.is_in(set.districts.iter().copied()));
        if !set.schools.is_empty() {
            cond = cond.add(
                district::Column::Id.in_subquery(
                    Query::select()
                        .column(school::Column::DistrictId)
                        .from(school::Entity)
                        .and_where(school::Column::Id.is_in(set.schools.iter().copied()))
                        .to_owned(),
                ),
            );
        }
        q = q.filter(cond);
    }
    let rows = q.order_by_asc(district::Column::Code).all(store.conn()).await?;
    Ok(rows.into_iter().map(District::from).collect())
}

/// One district, if the caller may read it.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<District> {
    let d = district::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let set = scope.access().tenants(Capability::Read);
    let readable = set.contains_district(id)
        || (!set.schools.is_empty()
            && school::Entity::find()
                .filter(school::Column::DistrictId.eq(id))
                .filter(school::Column::Id.is_in(set.schools.iter().copied()))
                .count(store.conn())
                .await?
                > 0);
    if !readable {
        return Err(Error::NotFound);
    }
    Ok(d.into())
}

/// Looks a district up by code; for command-line tools acting as the system.
pub async fn find_by_code(store: &Store, code: &str) -> Result<Option<District>> {
    let code = Code::parse("district", code)?;
    Ok(district::Entity::find()
        .filter(district::Column::Code.eq(code.as_str()))
        .one(store.conn())
        .await?
        .map(District::from))
}

/// Creates a district (system admins only).
pub async fn create(store: &Store, scope: &Scope, input: DistrictChanges) -> Result<District> {
    if !scope.allows(Capability::ManageDistricts, Tenant::GLOBAL) {
        return Err(Error::Forbidden);
    }
    let code = Code::parse("code", input.code.as_deref().unwrap_or(""))?;
    let name = OrgName::parse("name", input.name.as_deref().unwrap_or(""))?;
    let name_en = OrgName::parse_optional("name_en", input.name_en.as_deref().unwrap_or(""))?;
    let now = Utc::now();
    let txn = store.begin().await?;
    let model = district::ActiveModel {
        code: Set(code.as_str().to_string()),
        name: Set(name.into_string()),
        name_en: Set(name_en.map(OrgName::into_string)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .on_unique("code", code.as_str())?;
    let d = District::from(model);
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "district.create",
            entity_type: "district",
            entity_id: Some(d.id.to_string()),
            tenant: Tenant::district(d.id),
            before: None,
            after: Some(d.snapshot()),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(d)
}

/// Changes a district's code or names (system admins only).
pub async fn update(store: &Store, scope: &Scope, id: i64, input: DistrictChanges) -> Result<District> {
    scope.require(Capability::ManageDistricts, Tenant::district(id))?;
    let txn = store.begin().await?;
    let current = district::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let before = District::from(current.clone());
    let mut am: district::ActiveModel = current.into();
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
    am.updated_at = Set(Utc::now());
    let after = District::from(am.update(&txn).await.on_unique("code", &code_str)?);
    if after != before {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action: "district.update",
                entity_type: "district",
                entity_id: Some(id.to_string()),
                tenant: Tenant::district(id),
                before: Some(before.snapshot()),
                after: Some(after.snapshot()),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}
