//! Changing the registry: adding and editing teachers, linking a teacher to
//! an account, and transfers between schools that keep the history.

use super::*;

pub(crate) fn snapshot(f: &TeacherFields, school_id: i64, active: bool) -> serde_json::Value {
    let mut v = json!(f);
    v["school_id"] = json!(school_id);
    v["active"] = json!(active);
    v
}

/// Adds a teacher to a school.
pub async fn create(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    input: &TeacherInput,
    today: NaiveDate,
) -> Result<Teacher> {
    let txn = store.begin().await?;
    let s = school::Entity::find_by_id(school_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(s.district_id, s.id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let fields = input.apply(TeacherFields::default(), today)?;
    let now = Utc::now();
    let mut am = teacher::ActiveModel {
        district_id: Set(s.district_id),
        school_id: Set(s.id),
        user_id: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_fields(&mut am, &fields);
    let m = am
        .insert(&txn)
        .await
        .on_unique("staff_no", fields.staff_no.as_deref().unwrap_or(""))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "teacher.create",
            entity_type: "teacher",
            entity_id: Some(m.id.to_string()),
            tenant,
            before: None,
            after: Some(snapshot(&fields, s.id, true)),
        },
    )
    .await?;
    let t = load(&txn, m.id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// Edits a teacher's facts; `active = Some(false)` records that they left.
pub async fn update(
    store: &Store,
    scope: &Scope,
    id: i64,
    input: &TeacherInput,
    active: Option<bool>,
    today: NaiveDate,
) -> Result<Teacher> {
    let txn = store.begin().await?;
    let m = teacher::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    if !can_read(scope, tenant, m.user_id) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let before = fields_of(&m);
    let was_active = m.active;
    let after = input.apply(before.clone(), today)?;
    let now_active = active.unwrap_or(was_active);
    if after == before && now_active == was_active {
        let t = load(&txn, id, today).await?;
        return Ok(t);
    }
    let school_id = m.school_id;
    let mut am = m.into_active_model();
    set_fields(&mut am, &after);
    am.active = Set(now_active);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .on_unique("staff_no", after.staff_no.as_deref().unwrap_or(""))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "teacher.update",
            entity_type: "teacher",
            entity_id: Some(id.to_string()),
            tenant,
            before: Some(snapshot(&before, school_id, was_active)),
            after: Some(snapshot(&after, school_id, now_active)),
        },
    )
    .await?;
    let t = load(&txn, id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// Links the teacher record to a login account of the same school (or
/// unlinks it with `None`), so the teacher sees their own record.
pub async fn link_account(
    store: &Store,
    scope: &Scope,
    id: i64,
    username: Option<&str>,
    today: NaiveDate,
) -> Result<Teacher> {
    let txn = store.begin().await?;
    let m = teacher::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let user_id = match username.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let name = lingyan_domain::Username::parse(u)?;
            let acc = user::Entity::find()
                .filter(user::Column::Username.eq(name.as_str()))
                .one(&txn)
                .await?
                .filter(|a| a.school_id == Some(m.school_id))
                .ok_or_else(|| {
                    Error::Invalid(FieldError::new("username", "no_account_here").with("value", u))
                })?;
            Some(acc.id)
        }
        None => None,
    };
    let before = m.user_id;
    let mut am = m.into_active_model();
    am.user_id = Set(user_id);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .on_unique("username", username.unwrap_or(""))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "teacher.link_account",
            entity_type: "teacher",
            entity_id: Some(id.to_string()),
            tenant,
            before: Some(json!({"user_id": before})),
            after: Some(json!({"user_id": user_id})),
        },
    )
    .await?;
    let t = load(&txn, id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// Moves a teacher to another school. Their honours, history and account
/// link go with them; group memberships, which belong to the old school,
/// end. The caller must manage teachers at both schools.
pub async fn transfer(
    store: &Store,
    scope: &Scope,
    id: i64,
    to_school_id: i64,
    on_date: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<Teacher> {
    let on = parse_date("on_date", on_date)?;
    let reason = short_text("reason", reason, 500)?.ok_or_else(|| FieldError::new("reason", "required"))?;
    let txn = store.begin().await?;
    let m = teacher::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let from = Tenant::school(m.district_id, m.school_id);
    if !can_read(scope, from, m.user_id) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, from)?;
    let to = school::Entity::find_by_id(to_school_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("to_school", "unknown_school").with("value", to_school_id))
        })?;
    if to.id == m.school_id {
        return Err(Error::Invalid(FieldError::new("to_school", "same_school")));
    }
    let to_tenant = Tenant::school(to.district_id, to.id);
    if !scope.allows(Capability::ManageTeachers, to_tenant) {
        return Err(Error::Invalid(FieldError::new(
            "to_school",
            "cannot_transfer_there",
        )));
    }
    let from_school = m.school_id;
    let fields = fields_of(&m);
    let mut am = m.into_active_model();
    am.district_id = Set(to.district_id);
    am.school_id = Set(to.id);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .on_unique("staff_no", fields.staff_no.as_deref().unwrap_or(""))?;
    honour::Entity::update_many()
        .col_expr(honour::Column::DistrictId, Expr::value(to.district_id))
        .col_expr(honour::Column::SchoolId, Expr::value(to.id))
        .filter(honour::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    org_group_member::Entity::delete_many()
        .filter(org_group_member::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    leading_group_member::Entity::delete_many()
        .filter(leading_group_member::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    tier_override::Entity::update_many()
        .col_expr(tier_override::Column::DistrictId, Expr::value(to.district_id))
        .col_expr(tier_override::Column::SchoolId, Expr::value(to.id))
        .filter(tier_override::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    teacher_transfer::ActiveModel {
        teacher_id: Set(id),
        district_id: Set(to.district_id),
        school_id: Set(to.id),
        from_school_id: Set(from_school),
        to_school_id: Set(to.id),
        on_date: Set(on),
        reason: Set(reason.clone()),
        by_user_id: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (tenant, action) in [(from, "teacher.transfer_out"), (to_tenant, "teacher.transfer_in")] {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action,
                entity_type: "teacher",
                entity_id: Some(id.to_string()),
                tenant,
                before: Some(json!({"school_id": from_school})),
                after: Some(json!({"school_id": to.id, "on_date": on, "reason": reason})),
            },
        )
        .await?;
    }
    let t = load(&txn, id, today).await?;
    txn.commit().await?;
    Ok(t)
}
