//! The caller, and the one place where tenant scoping is turned into query
//! filters. Every service function that touches tenant data takes a
//! [`Scope`]; list queries add [`Scope::condition`], single-row operations
//! call [`Scope::require`].

use crate::viewer::Viewer;
use crate::{Error, Result};
use chrono::NaiveDate;
use lingyan_domain::{Access, Capability, Grant, Role, Tenant, TenantSet};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};
use std::sync::{Arc, Mutex};

/// Who is acting, as written to the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: Option<String>,
    /// The caller's relations ([`crate::viewer::Viewer`]), worked out once
    /// per request (a scope lives for one request) and forgotten when the
    /// caller changes anything (every change is audited).
    pub(crate) relations: Relations,
}

/// A memo of the caller's relations as of one day, shared by the clones
/// of one scope.
#[derive(Debug, Clone, Default)]
pub struct Relations(Arc<Mutex<Option<(NaiveDate, Viewer)>>>);

impl Relations {
    pub(crate) fn get(&self, day: NaiveDate) -> Option<Viewer> {
        let memo = self.0.lock().unwrap_or_else(|e| e.into_inner());
        memo.as_ref().filter(|(d, _)| *d == day).map(|(_, v)| v.clone())
    }

    pub(crate) fn set(&self, day: NaiveDate, viewer: Viewer) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((day, viewer));
    }

    pub(crate) fn forget(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// An authenticated caller: their account, home tenant and access policy.
#[derive(Debug, Clone)]
pub struct Scope {
    actor: Actor,
    home: Tenant,
    access: Access,
}

impl Scope {
    /// Builds a scope for a user whose grants are already loaded.
    pub fn new(user_id: i64, username: String, home: Tenant, grants: Vec<Grant>, ip: Option<String>) -> Self {
        Self {
            actor: Actor {
                user_id: Some(user_id),
                username,
                ip,
                relations: Relations::default(),
            },
            home,
            access: Access::new(user_id, grants),
        }
    }

    /// The installation itself acting, for command-line administration
    /// (`lingyan admin …`, `lingyan demo`): it may do anything, and the audit
    /// log records `label` as the actor.
    pub fn system(label: &str) -> Self {
        // Grant::new cannot fail for a global role with no tenant.
        let grant = Grant::new(Role::SystemAdmin, None, None).expect("system admin grant is global");
        Self {
            actor: Actor {
                user_id: None,
                username: label.to_string(),
                ip: None,
                relations: Relations::default(),
            },
            home: Tenant::GLOBAL,
            access: Access::new(0, vec![grant]),
        }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn user_id(&self) -> Option<i64> {
        self.actor.user_id
    }

    pub fn home(&self) -> Tenant {
        self.home
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn allows(&self, cap: Capability, t: Tenant) -> bool {
        self.access.allows(cap, t)
    }

    /// Succeeds when the caller has `cap` over `t`. A caller who cannot even
    /// read `t` gets [`Error::NotFound`], so they learn nothing about rows in
    /// other tenants; one who can read but not do gets [`Error::Forbidden`].
    pub fn require(&self, cap: Capability, t: Tenant) -> Result<()> {
        if self.access.allows(cap, t) {
            Ok(())
        } else if self.access.allows(Capability::Read, t) {
            Err(Error::Forbidden)
        } else {
            Err(Error::NotFound)
        }
    }

    /// A filter that keeps only rows in tenants where the caller has `cap`,
    /// given the row's district and school columns.
    pub(crate) fn condition<D, S>(&self, cap: Capability, district_col: D, school_col: S) -> Condition
    where
        D: ColumnTrait,
        S: ColumnTrait,
    {
        tenant_condition(&self.access.tenants(cap), district_col, school_col)
    }
}

pub(crate) fn tenant_condition<D, S>(set: &TenantSet, district_col: D, school_col: S) -> Condition
where
    D: ColumnTrait,
    S: ColumnTrait,
{
    if set.all {
        return Condition::all();
    }
    if set.is_empty() {
        return Condition::all().add(never());
    }
    let mut any = Condition::any();
    if !set.districts.is_empty() {
        any = any.add(district_col.is_in(set.districts.iter().copied()));
    }
    if !set.schools.is_empty() {
        any = any.add(school_col.is_in(set.schools.iter().copied()));
    }
    any
}

fn never() -> SimpleExpr {
    ExprTrait::eq(Expr::val(1), 0)
}
