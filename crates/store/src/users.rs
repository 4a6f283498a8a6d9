//! User accounts and the roles they hold. Admins create accounts in the
//! tenants they manage and grant the roles they are allowed to grant; every
//! change is audited with the account before and after.

use crate::audit::{self, Change};
use crate::auth::{hash_password, verify_password};
use crate::entity::{district, role_grant, school, user};
use crate::error::OnConstraint;
use crate::schools::contains_pattern;
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Utc};
use lingyan_domain::{
    Capability, DisplayName, FieldError, Grant, Locale, PageRequest, Paged, Password, Role, Tenant, Username,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// One role an account holds, with a label for where.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GrantInfo {
    pub id: i64,
    pub role: Role,
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
    /// The school's or district's name; empty for installation-wide roles.
    pub place: String,
}

impl GrantInfo {
    pub fn grant(&self) -> Option<Grant> {
        Grant::new(self.role, self.district_id, self.school_id).ok()
    }
}

/// An account as admins and the API see it (never the password hash).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
    /// Name of the home school, or district for district accounts.
    pub home_name: Option<String>,
    pub locale: Option<Locale>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub grants: Vec<GrantInfo>,
}

impl User {
    pub fn home(&self) -> Tenant {
        Tenant {
            district_id: self.district_id,
            school_id: self.school_id,
        }
    }

    pub fn roles(&self) -> Vec<Role> {
        let mut r: Vec<Role> = self.grants.iter().map(|g| g.role).collect();
        r.sort();
        r.dedup();
        r
    }

    fn domain_grants(&self) -> Vec<Grant> {
        self.grants.iter().filter_map(GrantInfo::grant).collect()
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "username": self.username,
            "display_name": self.display_name,
            "district_id": self.district_id,
            "school_id": self.school_id,
            "locale": self.locale.map(|l| l.code()),
            "active": self.active,
        })
    }
}

/// What an admin types to create an account.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// Home school; the district follows from it.
    pub school_id: Option<i64>,
    /// Home district, for district-level accounts (no school).
    pub district_id: Option<i64>,
    /// Roles granted at the home tenant (`teacher`, `training_director`, …).
    pub roles: Vec<String>,
    pub locale: Option<String>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub active: Option<bool>,
    /// `Some("")` clears the saved language (the browser's is used again).
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the username or display name.
    pub q: Option<String>,
    pub school_id: Option<i64>,
    pub district_id: Option<i64>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Loads users with their grants and place names.
async fn hydrate<C: ConnectionTrait>(conn: &C, models: Vec<user::Model>) -> Result<Vec<User>> {
    let ids: Vec<i64> = models.iter().map(|m| m.id).collect();
    let grants = if ids.is_empty() {
        Vec::new()
    } else {
        role_grant::Entity::find()
            .filter(role_grant::Column::UserId.is_in(ids.clone()))
            .order_by_asc(role_grant::Column::Id)
            .all(conn)
            .await?
    };
    let school_ids: HashSet<i64> = models
        .iter()
        .filter_map(|m| m.school_id)
        .chain(grants.iter().filter_map(|g| g.school_id))
        .collect();
    let district_ids: HashSet<i64> = models
        .iter()
        .filter_map(|m| m.district_id)
        .chain(grants.iter().filter_map(|g| g.district_id))
        .collect();
    let school_names: HashMap<i64, String> = if school_ids.is_empty() {
        HashMap::new()
    } else {
        school::Entity::find()
            .filter(school::Column::Id.is_in(school_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect()
    };
    let district_names: HashMap<i64, String> = if district_ids.is_empty() {
        HashMap::new()
    } else {
        district::Entity::find()
            .filter(district::Column::Id.is_in(district_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect()
    };
    let place = |d: Option<i64>, s: Option<i64>| -> Option<String> {
        match (s, d) {
            (Some(s), _) => school_names.get(&s).cloned(),
            (None, Some(d)) => district_names.get(&d).cloned(),
            _ => None,
        }
    };
    let mut by_user: HashMap<i64, Vec<GrantInfo>> = HashMap::new();
    for g in grants {
        let Ok(role) = Role::parse(&g.role) else { continue };
        by_user.entry(g.user_id).or_default().push(GrantInfo {
            id: g.id,
            role,
            district_id: g.district_id,
            school_id: g.school_id,
            place: place(g.district_id, g.school_id).unwrap_or_default(),
        });
    }
    Ok(models
        .into_iter()
        .map(|m| User {
            home_name: place(m.district_id, m.school_id),
            grants: by_user.remove(&m.id).unwrap_or_default(),
            id: m.id,
            username: m.username,
            display_name: m.display_name,
            district_id: m.district_id,
            school_id: m.school_id,
            locale: m.locale.as_deref().and_then(|l| Locale::parse(l).ok()),
            active: m.active,
            created_at: m.created_at,
            last_login_at: m.last_login_at,
        })
        .collect())
}

async fn load<C: ConnectionTrait>(conn: &C, id: i64) -> Result<User> {
    let m = user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    hydrate(conn, vec![m]).await?.pop().ok_or(Error::NotFound)
}

/// The grants a user holds, for building their [`Scope`].
pub async fn grants_of(store: &Store, user_id: i64) -> Result<Vec<Grant>> {
    let rows = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .all(store.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|g| {
            let role = Role::parse(&g.role).ok()?;
            Grant::new(role, g.district_id, g.school_id).ok()
        })
        .collect())
}

/// Builds the caller's scope from their account.
pub async fn scope_for(store: &Store, account: &crate::auth::Account, ip: Option<String>) -> Result<Scope> {
    let grants = grants_of(store, account.id).await?;
    Ok(Scope::new(
        account.id,
        account.username.clone(),
        account.home,
        grants,
        ip,
    ))
}

/// Whether the caller may see an account: it is their own, or its home is
/// in a tenant they can read.
fn can_see(scope: &Scope, u: &User) -> bool {
    scope.user_id() == Some(u.id) || scope.allows(Capability::Read, u.home())
}

/// One account, if the caller may see it.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<User> {
    let u = load(store.conn(), id).await?;
    if !can_see(scope, &u) {
        return Err(Error::NotFound);
    }
    Ok(u)
}

/// Accounts whose home is in a tenant the caller can read.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &UserFilter,
    page: PageRequest,
) -> Result<Paged<User>> {
    let mut q = user::Entity::find().filter(scope.condition(
        Capability::Read,
        user::Column::DistrictId,
        user::Column::SchoolId,
    ));
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(
                    Expr::col((user::Entity, user::Column::Username))
                        .like(contains_pattern(&text.to_lowercase())),
                )
                .add(Expr::col((user::Entity, user::Column::DisplayName)).like(contains_pattern(text))),
        );
    }
    if let Some(s) = filter.school_id {
        q = q.filter(user::Column::SchoolId.eq(s));
    }
    if let Some(d) = filter.district_id {
        q = q.filter(user::Column::DistrictId.eq(d));
    }
    if let Some(a) = filter.active {
        q = q.filter(user::Column::Active.eq(a));
    }
    if let Some(r) = filter.role {
        q = q.filter(
            user::Column::Id.in_subquery(
                Query::select()
                    .column(role_grant::Column::UserId)
                    .from(role_grant::Entity)
                    .and_where(role_grant::Column::Role.eq(r.code()))
                    .to_owned(),
            ),
        );
    }
    let total = q.clone().count(store.conn()).await?;
    let models = q
        .order_by_asc(user::Column::Username)
        .offset(page.offset())
        .limit(page.per_page)
        .all(store.conn())
        .await?;
    Ok(Paged {
        items: hydrate(store.conn(), models).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Resolves a home tenant from a school or district id.
async fn home_tenant<C: ConnectionTrait>(
    conn: &C,
    school_id: Option<i64>,
    district_id: Option<i64>,
) -> Result<Tenant> {
    match (school_id, district_id) {
        (Some(s), _) => {
            let m = school::Entity::find_by_id(s).one(conn).await?.ok_or_else(|| {
                Error::Invalid(FieldError::new("school", "unknown_school").with("value", s))
            })?;
            Ok(Tenant::school(m.district_id, m.id))
        }
        (None, Some(d)) => {
            district::Entity::find_by_id(d).one(conn).await?.ok_or_else(|| {
                Error::Invalid(FieldError::new("district", "unknown_district").with("value", d))
            })?;
            Ok(Tenant::district(d))
        }
        (None, None) => Ok(Tenant::GLOBAL),
    }
}

/// A grant of `role` at `tenant`, or a field error naming why not.
fn grant_at(role: Role, tenant: Tenant) -> Result<Grant> {
    Ok(Grant::new(role, tenant.district_id, tenant.school_id)?)
}

async fn insert_grant<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    user_id: i64,
    grant: Grant,
) -> Result<i64> {
    let m = role_grant::ActiveModel {
        user_id: Set(user_id),
        role: Set(grant.role().code().to_string()),
        district_id: Set(grant.district_id()),
        school_id: Set(grant.school_id()),
        scope_key: Set(grant.scope_key()),
        granted_by: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .on_unique("role", grant.role().code())?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action: "role.grant",
            entity_type: "user",
            entity_id: Some(user_id.to_string()),
            tenant: Tenant {
                district_id: grant.district_id(),
                school_id: grant.school_id(),
            },
            before: None,
            after: Some(json!({"grant_id": m.id, "role": grant.role().code(),
                               "district_id": grant.district_id(), "school_id": grant.school_id()})),
        },
    )
    .await?;
    Ok(m.id)
}

/// Creates an account with its roles at its home tenant.
pub async fn create(store: &Store, scope: &Scope, input: NewUser) -> Result<User> {
    let username = Username::parse(&input.username)?;
    let display_name = DisplayName::parse(&input.display_name)?;
    let password = Password::parse(&input.password, username.as_str())?;
    let locale = match input.locale.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => Some(Locale::parse(l)?),
        None => None,
    };
    let home = home_tenant(store.conn(), input.school_id, input.district_id).await?;
    scope.require(Capability::ManageUsers, home)?;
    let mut grants = Vec::new();
    for r in &input.roles {
        let g = grant_at(Role::parse(r)?, home)?;
        if !scope.access().can_assign(&g) {
            return Err(Error::Forbidden);
        }
        if !grants.contains(&g) {
            grants.push(g);
        }
    }
    let hash = hash_password(password.expose()).await?;
    let now = Utc::now();
    let txn = store.begin().await?;
    let m = user::ActiveModel {
        district_id: Set(home.district_id),
        school_id: Set(home.school_id),
        username: Set(username.as_str().to_string()),
        display_name: Set(display_name.into_string()),
        password_hash: Set(hash),
        locale: Set(locale.map(|l| l.code().to_string())),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .on_unique("username", username.as_str())?;
    let created = load(&txn, m.id).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "user.create",
            entity_type: "user",
            entity_id: Some(m.id.to_string()),
            tenant: home,
            before: None,
            after: Some(created.snapshot()),
        },
    )
    .await?;
    for g in grants {
        insert_grant(&txn, scope, m.id, g).await?;
    }
    let u = load(&txn, m.id).await?;
    txn.commit().await?;
    Ok(u)
}

/// Whether the caller may edit this account, its roles and its password.
pub fn can_manage(scope: &Scope, u: &User) -> bool {
    scope.access().can_manage_user(u.home(), &u.domain_grants())
}

/// Loads an account the caller may administer, or says why not.
async fn load_manageable<C: ConnectionTrait>(conn: &C, scope: &Scope, id: i64) -> Result<User> {
    let u = load(conn, id).await?;
    if !can_see(scope, &u) {
        return Err(Error::NotFound);
    }
    if !scope.access().can_manage_user(u.home(), &u.domain_grants()) {
        return Err(Error::Forbidden);
    }
    Ok(u)
}

/// Edits an account's name, status or language.
pub async fn update(store: &Store, scope: &Scope, id: i64, changes: UserChanges) -> Result<User> {
    let txn = store.begin().await?;
    let before = load_manageable(&txn, scope, id).await?;
    let m = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut am = m.into_active_model();
    if let Some(n) = changes.display_name.as_deref() {
        am.display_name = Set(DisplayName::parse(n)?.into_string());
    }
    if let Some(a) = changes.active {
        if !a && scope.user_id() == Some(id) {
            return Err(Error::Invalid(FieldError::new("active", "cannot_disable_self")));
        }
        am.active = Set(a);
    }
    if let Some(l) = changes.locale.as_deref() {
        am.locale = Set(match l.trim() {
            "" => None,
            l => Some(Locale::parse(l)?.code().to_string()),
        });
    }
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    // Disabling ends the account's tokens for good: enabling it again
    // does not bring them back.
    if changes.active == Some(false) {
        crate::tokens::revoke_all_for(&txn, id).await?;
    }
    let after = load(&txn, id).await?;
    if after.snapshot() != before.snapshot() {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action: "user.update",
                entity_type: "user",
                entity_id: Some(id.to_string()),
                tenant: after.home(),
                before: Some(before.snapshot()),
                after: Some(after.snapshot()),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Where a new grant applies; `None` means the account's home tenant.
#[derive(Debug, Clone, Copy, Default)]
pub struct GrantPlace {
    pub school_id: Option<i64>,
    pub district_id: Option<i64>,
}

/// Grants a role to an account the caller administers.
pub async fn grant_role(
    store: &Store,
    scope: &Scope,
    user_id: i64,
    role: &str,
    place: GrantPlace,
) -> Result<User> {
    let role = Role::parse(role)?;
    let txn = store.begin().await?;
    let u = load_manageable(&txn, scope, user_id).await?;
    let tenant = if place.school_id.is_some() || place.district_id.is_some() {
        home_tenant(&txn, place.school_id, place.district_id).await?
    } else {
        u.home()
    };
    // A district role granted to a school account applies to its district.
    let tenant = match role.level() {
        lingyan_domain::RoleLevel::District => Tenant {
            district_id: tenant.district_id,
            school_id: None,
        },
        _ => tenant,
    };
    let g = grant_at(role, tenant)?;
    if !scope.access().can_assign(&g) {
        return Err(Error::Forbidden);
    }
    insert_grant(&txn, scope, user_id, g).await?;
    let after = load(&txn, user_id).await?;
    txn.commit().await?;
    Ok(after)
}

/// Removes one of an account's roles. Nobody removes their own roles, so an
/// installation cannot lose its last administrator by accident.
pub async fn revoke_role(store: &Store, scope: &Scope, user_id: i64, grant_id: i64) -> Result<User> {
    let txn = store.begin().await?;
    let u = load_manageable(&txn, scope, user_id).await?;
    let g = u
        .grants
        .iter()
        .find(|g| g.id == grant_id)
        .cloned()
        .ok_or(Error::NotFound)?;
    if scope.user_id() == Some(user_id) {
        return Err(Error::Invalid(FieldError::new("role", "cannot_change_own_roles")));
    }
    role_grant::Entity::delete_by_id(grant_id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "role.revoke",
            entity_type: "user",
            entity_id: Some(user_id.to_string()),
            tenant: Tenant {
                district_id: g.district_id,
                school_id: g.school_id,
            },
            before: Some(json!({"grant_id": g.id, "role": g.role.code(),
                                "district_id": g.district_id, "school_id": g.school_id})),
            after: None,
        },
    )
    .await?;
    let after = load(&txn, user_id).await?;
    txn.commit().await?;
    Ok(after)
}

async fn store_password<C: ConnectionTrait>(conn: &C, id: i64, hash: String) -> Result<()> {
    let m = user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let now = Utc::now();
    let mut am = m.into_active_model();
    am.password_hash = Set(hash);
    am.password_changed_at = Set(now);
    am.updated_at = Set(now);
    am.update(conn).await?;
    Ok(())
}

/// An admin sets a new password for an account they administer. Existing
/// sessions of that account stop working (their stored hash no longer
/// matches).
pub async fn reset_password(store: &Store, scope: &Scope, user_id: i64, new_password: &str) -> Result<()> {
    let u = load_manageable(store.conn(), scope, user_id).await?;
    let pw = Password::parse(new_password, &u.username)?;
    let hash = hash_password(pw.expose()).await?;
    let txn = store.begin().await?;
    store_password(&txn, user_id, hash).await?;
    // Whoever had the old password may have made tokens with it.
    let revoked = crate::tokens::revoke_all_for(&txn, user_id).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "user.password_reset",
            entity_type: "user",
            entity_id: Some(user_id.to_string()),
            tenant: u.home(),
            before: None,
            after: (revoked > 0).then(|| json!({"tokens_revoked": revoked})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The caller changes their own password, proving they know the current one.
pub async fn change_own_password(
    store: &Store,
    scope: &Scope,
    current: &str,
    new_password: &str,
) -> Result<()> {
    let id = scope.user_id().ok_or(Error::Forbidden)?;
    let m = user::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    if !verify_password(current, &m.password_hash).await? {
        return Err(Error::Invalid(FieldError::new(
            "current_password",
            "wrong_password",
        )));
    }
    let pw = Password::parse(new_password, &m.username).map_err(|e| e.on("new_password"))?;
    if new_password == current {
        return Err(Error::Invalid(FieldError::new("new_password", "same_as_current")));
    }
    let hash = hash_password(pw.expose()).await?;
    let txn = store.begin().await?;
    store_password(&txn, id, hash).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "user.password_change",
            entity_type: "user",
            entity_id: Some(id.to_string()),
            tenant: scope.home(),
            before: None,
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The caller saves their preferred language.
pub async fn set_own_locale(store: &Store, scope: &Scope, locale: Locale) -> Result<()> {
    let id = scope.user_id().ok_or(Error::Forbidden)?;
    let m = user::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let before = m.locale.clone();
    if before.as_deref() == Some(locale.code()) {
        return Ok(());
    }
    let txn = store.begin().await?;
    let mut am = m.into_active_model();
    am.locale = Set(Some(locale.code().to_string()));
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "user.locale",
            entity_type: "user",
            entity_id: Some(id.to_string()),
            tenant: scope.home(),
            before: Some(json!({"locale": before})),
            after: Some(json!({"locale": locale.code()})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether any account exists (the demo loads only into an empty database).
pub async fn any_exist(store: &Store) -> Result<bool> {
    Ok(user::Entity::find().count(store.conn()).await? > 0)
}

/// Looks an account up by username; for command-line tools.
pub async fn find_by_username(store: &Store, scope: &Scope, username: &str) -> Result<User> {
    let name = Username::parse(username)?;
    let m = user::Entity::find()
        .filter(user::Column::Username.eq(name.as_str()))
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    get(store, scope, m.id).await
}

/// Counts of accounts per role in the tenants the caller can read.
pub async fn counts_by_role(store: &Store, scope: &Scope) -> Result<Vec<(Role, u64)>> {
    let rows: Vec<(String, i64)> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::Role)
        .column_as(Expr::col(role_grant::Column::UserId).count_distinct(), "n")
        .filter(scope.condition(
            Capability::Read,
            role_grant::Column::DistrictId,
            role_grant::Column::SchoolId,
        ))
        .group_by(role_grant::Column::Role)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut out: Vec<(Role, u64)> = rows
        .into_iter()
        .filter_map(|(r, n)| Role::parse(&r).ok().map(|r| (r, u64::try_from(n).unwrap_or(0))))
        .collect();
    out.sort();
    Ok(out)
}
