//! A school's groups (教研组, 年级组, 备课组, 课题组, 团支部) and leading groups
//! (领导小组) with positions and written responsibilities.

use crate::audit::{self, Change};
use crate::entity::{leading_group, leading_group_member, org_group, org_group_member, school, teacher};
use crate::error::OnConstraint;
use crate::{Error, Result, Scope, Store};
use chrono::Utc;
use lingyan_domain::{Capability, FieldError, GroupKind, GroupPosition, LeadingPosition, OrgName, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct GroupMember {
    pub teacher_id: i64,
    pub name: String,
    pub position: GroupPosition,
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub id: i64,
    pub school_id: i64,
    pub kind: GroupKind,
    pub name: String,
    pub members: Vec<GroupMember>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadingMember {
    pub teacher_id: i64,
    pub name: String,
    pub position: LeadingPosition,
    pub responsibilities: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadingGroup {
    pub id: i64,
    pub school_id: i64,
    pub name: String,
    pub programme: Option<String>,
    pub members: Vec<LeadingMember>,
}

async fn school_tenant<C: ConnectionTrait>(conn: &C, school_id: i64) -> Result<Tenant> {
    let s = school::Entity::find_by_id(school_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Tenant::school(s.district_id, s.id))
}

async fn teacher_names<C: ConnectionTrait>(conn: &C, ids: Vec<i64>) -> Result<HashMap<i64, String>> {
    Ok(teacher::Entity::find()
        .filter(teacher::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// A school's groups with their members (leaders first).
pub async fn groups(store: &Store, scope: &Scope, school_id: i64) -> Result<Vec<Group>> {
    let t = school_tenant(store.conn(), school_id).await?;
    scope.require(Capability::Read, t)?;
    let gs = org_group::Entity::find()
        .filter(org_group::Column::SchoolId.eq(school_id))
        .order_by_asc(org_group::Column::Kind)
        .order_by_asc(org_group::Column::Name)
        .all(store.conn())
        .await?;
    let members = org_group_member::Entity::find()
        .filter(org_group_member::Column::SchoolId.eq(school_id))
        .all(store.conn())
        .await?;
    let names = teacher_names(store.conn(), members.iter().map(|m| m.teacher_id).collect()).await?;
    let mut by_group: HashMap<i64, Vec<GroupMember>> = HashMap::new();
    for m in members {
        let Ok(position) = GroupPosition::parse("position", &m.position) else {
            continue;
        };
        by_group.entry(m.group_id).or_default().push(GroupMember {
            teacher_id: m.teacher_id,
            name: names.get(&m.teacher_id).cloned().unwrap_or_default(),
            position,
        });
    }
    Ok(gs
        .into_iter()
        .filter_map(|g| {
            let kind = GroupKind::parse("kind", &g.kind).ok()?;
            let mut members = by_group.remove(&g.id).unwrap_or_default();
            members.sort_by(|a, b| {
                a.position
                    .cmp(&b.position)
                    .then_with(|| lingyan_domain::collate::by_name(&a.name, &b.name))
            });
            Some(Group {
                id: g.id,
                school_id: g.school_id,
                kind,
                name: g.name,
                members,
            })
        })
        .collect::<Vec<_>>())
    .map(|mut out| {
        // By kind, then 一年级组, 二年级组 … by number and the rest by pinyin.
        out.sort_by(|a, b| {
            a.kind
                .code()
                .cmp(b.kind.code())
                .then_with(|| lingyan_domain::collate::by_text(&a.name, &b.name))
        });
        out
    })
}

/// Creates a group.
pub async fn create_group(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    kind: &str,
    name: &str,
) -> Result<i64> {
    let kind = GroupKind::parse("kind", kind)?;
    let name = OrgName::parse("name", name)?;
    let txn = store.begin().await?;
    let t = school_tenant(&txn, school_id).await?;
    scope.require(Capability::ManageTeachers, t)?;
    let now = Utc::now();
    let m = org_group::ActiveModel {
        district_id: Set(t.district_id.unwrap_or_default()),
        school_id: Set(school_id),
        kind: Set(kind.code().into()),
        name: Set(name.as_str().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .on_unique("name", name.as_str())?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "group.create",
            entity_type: "group",
            entity_id: Some(m.id.to_string()),
            tenant: t,
            before: None,
            after: Some(json!({"kind": kind.code(), "name": m.name})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

async fn manageable_group<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    group_id: i64,
) -> Result<(org_group::Model, Tenant)> {
    let g = org_group::Entity::find_by_id(group_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let t = Tenant::school(g.district_id, g.school_id);
    scope.require(Capability::ManageTeachers, t)?;
    Ok((g, t))
}

/// Renames a group.
pub async fn rename_group(store: &Store, scope: &Scope, group_id: i64, name: &str) -> Result<()> {
    let name = OrgName::parse("name", name)?;
    let txn = store.begin().await?;
    let (g, t) = manageable_group(&txn, scope, group_id).await?;
    let before = g.name.clone();
    let mut am = g.into_active_model();
    am.name = Set(name.as_str().into());
    am.updated_at = Set(Utc::now());
    am.update(&txn).await.on_unique("name", name.as_str())?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "group.update",
            entity_type: "group",
            entity_id: Some(group_id.to_string()),
            tenant: t,
            before: Some(json!({"name": before})),
            after: Some(json!({"name": name.as_str()})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a group and its memberships.
pub async fn delete_group(store: &Store, scope: &Scope, group_id: i64) -> Result<()> {
    let txn = store.begin().await?;
    let (g, t) = manageable_group(&txn, scope, group_id).await?;
    org_group_member::Entity::delete_many()
        .filter(org_group_member::Column::GroupId.eq(group_id))
        .exec(&txn)
        .await?;
    org_group::Entity::delete_by_id(group_id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "group.delete",
            entity_type: "group",
            entity_id: Some(group_id.to_string()),
            tenant: t,
            before: Some(json!({"kind": g.kind, "name": g.name})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn teacher_in_school<C: ConnectionTrait>(
    conn: &C,
    teacher_id: i64,
    school_id: i64,
) -> Result<teacher::Model> {
    teacher::Entity::find_by_id(teacher_id)
        .one(conn)
        .await?
        .filter(|t| t.school_id == school_id && t.active)
        .ok_or_else(|| Error::Invalid(FieldError::new("teacher", "not_in_school").with("value", teacher_id)))
}

/// Adds a teacher to a group, or changes their position in it.
pub async fn set_member(
    store: &Store,
    scope: &Scope,
    group_id: i64,
    teacher_id: i64,
    position: &str,
) -> Result<()> {
    let position = GroupPosition::parse("position", position)?;
    let txn = store.begin().await?;
    let (g, t) = manageable_group(&txn, scope, group_id).await?;
    let teacher = teacher_in_school(&txn, teacher_id, g.school_id).await?;
    let existing = org_group_member::Entity::find()
        .filter(org_group_member::Column::GroupId.eq(group_id))
        .filter(org_group_member::Column::TeacherId.eq(teacher_id))
        .one(&txn)
        .await?;
    let before = existing.as_ref().map(|m| json!({"position": m.position}));
    match existing {
        Some(m) => {
            let mut am = m.into_active_model();
            am.position = Set(position.code().into());
            am.update(&txn).await?;
        }
        None => {
            org_group_member::ActiveModel {
                group_id: Set(group_id),
                teacher_id: Set(teacher_id),
                district_id: Set(g.district_id),
                school_id: Set(g.school_id),
                position: Set(position.code().into()),
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
            action: "group.member",
            entity_type: "group",
            entity_id: Some(group_id.to_string()),
            tenant: t,
            before,
            after: Some(
                json!({"teacher_id": teacher_id, "teacher": teacher.name, "position": position.code()}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a teacher from a group.
pub async fn remove_member(store: &Store, scope: &Scope, group_id: i64, teacher_id: i64) -> Result<()> {
    let txn = store.begin().await?;
    let (_, t) = manageable_group(&txn, scope, group_id).await?;
    let res = org_group_member::Entity::delete_many()
        .filter(org_group_member::Column::GroupId.eq(group_id))
        .filter(org_group_member::Column::TeacherId.eq(teacher_id))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "group.member_remove",
            entity_type: "group",
            entity_id: Some(group_id.to_string()),
            tenant: t,
            before: Some(json!({"teacher_id": teacher_id})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A school's leading groups with members in order.
pub async fn leading_groups(store: &Store, scope: &Scope, school_id: i64) -> Result<Vec<LeadingGroup>> {
    let t = school_tenant(store.conn(), school_id).await?;
    scope.require(Capability::Read, t)?;
    let gs = leading_group::Entity::find()
        .filter(leading_group::Column::SchoolId.eq(school_id))
        .order_by_asc(leading_group::Column::Id)
        .all(store.conn())
        .await?;
    let members = leading_group_member::Entity::find()
        .filter(leading_group_member::Column::SchoolId.eq(school_id))
        .order_by_asc(leading_group_member::Column::SortOrder)
        .order_by_asc(leading_group_member::Column::Id)
        .all(store.conn())
        .await?;
    let names = teacher_names(store.conn(), members.iter().map(|m| m.teacher_id).collect()).await?;
    let mut by_group: HashMap<i64, Vec<LeadingMember>> = HashMap::new();
    for m in members {
        let Ok(position) = LeadingPosition::parse("position", &m.position) else {
            continue;
        };
        by_group
            .entry(m.leading_group_id)
            .or_default()
            .push(LeadingMember {
                teacher_id: m.teacher_id,
                name: names.get(&m.teacher_id).cloned().unwrap_or_default(),
                position,
                responsibilities: m.responsibilities,
            });
    }
    Ok(gs
        .into_iter()
        .map(|g| {
            let mut members = by_group.remove(&g.id).unwrap_or_default();
            members.sort_by_key(|m| m.position);
            LeadingGroup {
                id: g.id,
                school_id: g.school_id,
                name: g.name,
                programme: g.programme,
                members,
            }
        })
        .collect())
}

/// Creates a leading group (e.g. 校本培训领导小组).
pub async fn create_leading_group(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    name: &str,
    programme: &str,
) -> Result<i64> {
    let name = OrgName::parse("name", name)?;
    let programme = OrgName::parse_optional("programme", programme)?;
    let txn = store.begin().await?;
    let t = school_tenant(&txn, school_id).await?;
    scope.require(Capability::ManageTeachers, t)?;
    let now = Utc::now();
    let m = leading_group::ActiveModel {
        district_id: Set(t.district_id.unwrap_or_default()),
        school_id: Set(school_id),
        name: Set(name.as_str().into()),
        programme: Set(programme.map(OrgName::into_string)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "leading_group.create",
            entity_type: "leading_group",
            entity_id: Some(m.id.to_string()),
            tenant: t,
            before: None,
            after: Some(json!({"name": m.name, "programme": m.programme})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

async fn manageable_leading<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    id: i64,
) -> Result<(leading_group::Model, Tenant)> {
    let g = leading_group::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let t = Tenant::school(g.district_id, g.school_id);
    scope.require(Capability::ManageTeachers, t)?;
    Ok((g, t))
}

/// Deletes a leading group.
pub async fn delete_leading_group(store: &Store, scope: &Scope, id: i64) -> Result<()> {
    let txn = store.begin().await?;
    let (g, t) = manageable_leading(&txn, scope, id).await?;
    leading_group_member::Entity::delete_many()
        .filter(leading_group_member::Column::LeadingGroupId.eq(id))
        .exec(&txn)
        .await?;
    leading_group::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "leading_group.delete",
            entity_type: "leading_group",
            entity_id: Some(id.to_string()),
            tenant: t,
            before: Some(json!({"name": g.name})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Adds a member to a leading group, or changes their position and
/// responsibilities.
pub async fn set_leading_member(
    store: &Store,
    scope: &Scope,
    id: i64,
    teacher_id: i64,
    position: &str,
    responsibilities: &str,
) -> Result<()> {
    let position = LeadingPosition::parse("position", position)?;
    let responsibilities = responsibilities.trim();
    if responsibilities.chars().count() > 2000 {
        return Err(Error::Invalid(
            FieldError::new("responsibilities", "too_long").with("max", 2000),
        ));
    }
    let txn = store.begin().await?;
    let (g, t) = manageable_leading(&txn, scope, id).await?;
    let teacher = teacher_in_school(&txn, teacher_id, g.school_id).await?;
    let existing = leading_group_member::Entity::find()
        .filter(leading_group_member::Column::LeadingGroupId.eq(id))
        .filter(leading_group_member::Column::TeacherId.eq(teacher_id))
        .one(&txn)
        .await?;
    let before = existing
        .as_ref()
        .map(|m| json!({"position": m.position, "responsibilities": m.responsibilities}));
    let order = leading_group_member::Entity::find()
        .filter(leading_group_member::Column::LeadingGroupId.eq(id))
        .all(&txn)
        .await?
        .len() as i32;
    match existing {
        Some(m) => {
            let mut am = m.into_active_model();
            am.position = Set(position.code().into());
            am.responsibilities = Set(responsibilities.into());
            am.update(&txn).await?;
        }
        None => {
            leading_group_member::ActiveModel {
                leading_group_id: Set(id),
                teacher_id: Set(teacher_id),
                district_id: Set(g.district_id),
                school_id: Set(g.school_id),
                position: Set(position.code().into()),
                responsibilities: Set(responsibilities.into()),
                sort_order: Set(order),
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
            action: "leading_group.member",
            entity_type: "leading_group",
            entity_id: Some(id.to_string()),
            tenant: t,
            before,
            after: Some(json!({"teacher_id": teacher_id, "teacher": teacher.name,
                               "position": position.code(), "responsibilities": responsibilities})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a member from a leading group.
pub async fn remove_leading_member(store: &Store, scope: &Scope, id: i64, teacher_id: i64) -> Result<()> {
    let txn = store.begin().await?;
    let (_, t) = manageable_leading(&txn, scope, id).await?;
    let res = leading_group_member::Entity::delete_many()
        .filter(leading_group_member::Column::LeadingGroupId.eq(id))
        .filter(leading_group_member::Column::TeacherId.eq(teacher_id))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "leading_group.member_remove",
            entity_type: "leading_group",
            entity_id: Some(id.to_string()),
            tenant: t,
            before: Some(json!({"teacher_id": teacher_id})),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
