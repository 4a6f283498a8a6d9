//! The access policy: which tenants a caller may read or change, derived
//! from the roles they hold. The store turns a [`TenantSet`] into a query
//! filter, so every query is scoped by this one piece of code.

use crate::roles::{Grant, Role, RoleLevel};
use std::collections::BTreeSet;

/// Where a row belongs: a school (and its district), a district only, or
/// nowhere in particular (installation-wide rows such as a system admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tenant {
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
}

impl Tenant {
    pub const GLOBAL: Tenant = Tenant {
        district_id: None,
        school_id: None,
    };

    pub fn school(district_id: i64, school_id: i64) -> Self {
        Self {
            district_id: Some(district_id),
            school_id: Some(school_id),
        }
    }

    pub fn district(district_id: i64) -> Self {
        Self {
            district_id: Some(district_id),
            school_id: None,
        }
    }
}

/// Something a caller may be allowed to do to a tenant's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// See the tenant's people, organisation and (later) records.
    Read,
    /// Create and edit user accounts and grant school roles.
    ManageUsers,
    /// Create and edit schools, district-level accounts and roles.
    ManageSchools,
    /// Create and edit districts.
    ManageDistricts,
    /// Read the audit log.
    ReadAudit,
    /// Read the teacher registry (personal data: birth dates, employment).
    ReadTeachers,
    /// Edit the teacher registry, honours, tiers, groups and the calendar;
    /// import rosters.
    ManageTeachers,
    /// See every teacher's portfolio in the tenant (mentors and group
    /// leaders see their apprentices' and group's through their teacher
    /// record instead).
    ReadEvidence,
    /// Verify or reject portfolio records of the tenant's teachers.
    VerifyEvidence,
    /// Organise the tenant's training activities: create and edit them,
    /// assign participants, show the sign-in screen, check attendance off,
    /// decide leave requests.
    ManageActivities,
}

impl Capability {
    /// Which capabilities a role gives over the tenant it is granted for.
    fn granted_by(self, role: Role) -> bool {
        use Capability::*;
        use Role::*;
        match self {
            Read => true,
            ManageUsers => matches!(role, TrainingDirector | Principal | DistrictAdmin | SystemAdmin),
            ManageSchools => matches!(role, DistrictAdmin | SystemAdmin),
            ManageDistricts => matches!(role, SystemAdmin),
            ReadAudit => matches!(
                role,
                TrainingDirector | Principal | DistrictAdmin | Inspector | SystemAdmin
            ),
            ReadTeachers => matches!(
                role,
                TrainingDirector | Principal | GroupLeader | DistrictAdmin | Inspector | SystemAdmin
            ),
            ManageTeachers => matches!(role, TrainingDirector | Principal | DistrictAdmin | SystemAdmin),
            ReadEvidence => matches!(
                role,
                TrainingDirector | Principal | DistrictAdmin | Inspector | SystemAdmin
            ),
            VerifyEvidence => matches!(role, TrainingDirector | Principal | DistrictAdmin | SystemAdmin),
            ManageActivities => matches!(
                role,
                TrainingDirector | Principal | GroupLeader | DistrictAdmin | SystemAdmin
            ),
        }
    }
}

/// A set of tenants: everything, or some districts (with all their schools)
/// plus some individual schools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantSet {
    pub all: bool,
    pub districts: BTreeSet<i64>,
    pub schools: BTreeSet<i64>,
}

impl TenantSet {
    pub fn is_empty(&self) -> bool {
        !self.all && self.districts.is_empty() && self.schools.is_empty()
    }

    /// Whether a row belonging to `t` is in the set. District-level rows are
    /// in it only through the district; installation-wide rows only when the
    /// set is everything.
    pub fn contains(&self, t: Tenant) -> bool {
        if self.all {
            return true;
        }
        match (t.district_id, t.school_id) {
            (d, Some(s)) => self.schools.contains(&s) || d.is_some_and(|d| self.districts.contains(&d)),
            (Some(d), None) => self.districts.contains(&d),
            (None, None) => false,
        }
    }

    pub fn contains_district(&self, district_id: i64) -> bool {
        self.all || self.districts.contains(&district_id)
    }
}

/// What one authenticated user may do, computed from their grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    user_id: i64,
    grants: Vec<Grant>,
}

impl Access {
    pub fn new(user_id: i64, grants: Vec<Grant>) -> Self {
        Self { user_id, grants }
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    pub fn roles(&self) -> BTreeSet<Role> {
        self.grants.iter().map(|g| g.role()).collect()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role() == role)
    }

    pub fn is_system_admin(&self) -> bool {
        self.has_role(Role::SystemAdmin)
    }

    /// The tenants over which the caller has `cap`.
    pub fn tenants(&self, cap: Capability) -> TenantSet {
        let mut set = TenantSet::default();
        for g in self.grants.iter().filter(|g| cap.granted_by(g.role())) {
            match g.role().level() {
                RoleLevel::Global => set.all = true,
                RoleLevel::District => {
                    if let Some(d) = g.district_id() {
                        set.districts.insert(d);
                    }
                }
                RoleLevel::School => {
                    if let Some(s) = g.school_id() {
                        set.schools.insert(s);
                    }
                }
            }
        }
        set
    }

    pub fn allows(&self, cap: Capability, t: Tenant) -> bool {
        self.tenants(cap).contains(t)
    }

    /// Whether the caller may grant or revoke `grant`.
    ///
    /// System admin grants anything; a district admin grants district roles
    /// in the district and school roles in its schools; a principal or
    /// training director grants school roles in the school, except that only
    /// a principal (or someone above) grants or revokes the principal role.
    pub fn can_assign(&self, grant: &Grant) -> bool {
        let t = Tenant {
            district_id: grant.district_id(),
            school_id: grant.school_id(),
        };
        match grant.role().level() {
            RoleLevel::Global => self.is_system_admin(),
            RoleLevel::District => self.allows(Capability::ManageSchools, t),
            RoleLevel::School => {
                if self.allows(Capability::ManageSchools, t) {
                    return true;
                }
                if grant.role() == Role::Principal {
                    return self
                        .grants
                        .iter()
                        .any(|g| g.role() == Role::Principal && g.school_id() == grant.school_id());
                }
                self.allows(Capability::ManageUsers, t)
            }
        }
    }

    /// Whether the caller may edit an account that belongs to `home` and holds
    /// `target_grants`: they must manage users there *and* be able to assign
    /// every role the account holds, so nobody can take over an account that
    /// is more powerful than their own (by resetting its password, say).
    pub fn can_manage_user(&self, home: Tenant, target_grants: &[Grant]) -> bool {
        self.allows(Capability::ManageUsers, home) && target_grants.iter().all(|g| self.can_assign(g))
    }

    /// Roles the caller could grant somewhere (for building forms).
    pub fn assignable_roles(&self) -> Vec<Role> {
        let users = self.tenants(Capability::ManageUsers);
        let schools = self.tenants(Capability::ManageSchools);
        Role::ALL
            .into_iter()
            .filter(|r| match r.level() {
                RoleLevel::Global => self.is_system_admin(),
                RoleLevel::District => !schools.is_empty(),
                RoleLevel::School => {
                    if *r == Role::Principal {
                        !schools.is_empty() || self.has_role(Role::Principal)
                    } else {
                        !users.is_empty()
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const D1: i64 = 1;
    const D2: i64 = 2;
    const A: i64 = 10; // school in D1
    const B: i64 = 20; // school in D1
    const C: i64 = 30; // school in D2

    fn g(role: Role, d: Option<i64>, s: Option<i64>) -> Grant {
        Grant::new(role, d, s).unwrap()
    }

    fn school_role(role: Role, s: i64) -> Access {
        let d = if s == C { D2 } else { D1 };
        Access::new(1, vec![g(role, Some(d), Some(s))])
    }

    #[test]
    fn school_director_is_confined_to_the_school() {
        let a = school_role(Role::TrainingDirector, A);
        assert!(a.allows(Capability::Read, Tenant::school(D1, A)));
        assert!(a.allows(Capability::ManageUsers, Tenant::school(D1, A)));
        assert!(!a.allows(Capability::Read, Tenant::school(D1, B)));
        assert!(!a.allows(Capability::ManageUsers, Tenant::school(D1, B)));
        assert!(!a.allows(Capability::Read, Tenant::district(D1)));
        assert!(!a.allows(Capability::ManageSchools, Tenant::school(D1, A)));
        assert!(a.allows(Capability::ReadAudit, Tenant::school(D1, A)));
    }

    #[test]
    fn teacher_reads_own_school_only() {
        let t = school_role(Role::Teacher, A);
        assert!(t.allows(Capability::Read, Tenant::school(D1, A)));
        assert!(!t.allows(Capability::ManageUsers, Tenant::school(D1, A)));
        assert!(!t.allows(Capability::ReadAudit, Tenant::school(D1, A)));
    }

    #[test]
    fn inspector_reads_district_but_writes_nothing() {
        let i = Access::new(1, vec![g(Role::Inspector, Some(D1), None)]);
        for t in [Tenant::school(D1, A), Tenant::school(D1, B), Tenant::district(D1)] {
            assert!(i.allows(Capability::Read, t));
            assert!(i.allows(Capability::ReadAudit, t));
            assert!(!i.allows(Capability::ManageUsers, t));
            assert!(!i.allows(Capability::ManageSchools, t));
        }
        assert!(!i.allows(Capability::Read, Tenant::school(D2, C)));
        assert!(i.assignable_roles().is_empty());
    }

    #[test]
    fn district_admin_manages_district_not_others() {
        let d = Access::new(1, vec![g(Role::DistrictAdmin, Some(D1), None)]);
        assert!(d.allows(Capability::ManageSchools, Tenant::school(D1, B)));
        assert!(d.allows(Capability::ManageUsers, Tenant::district(D1)));
        assert!(!d.allows(Capability::Read, Tenant::school(D2, C)));
        assert!(!d.allows(Capability::ManageDistricts, Tenant::district(D1)));
        assert!(!d.allows(Capability::Read, Tenant::GLOBAL));
        assert!(d.can_assign(&g(Role::Inspector, Some(D1), None)));
        assert!(!d.can_assign(&g(Role::Inspector, Some(D2), None)));
        assert!(!d.can_assign(&g(Role::SystemAdmin, None, None)));
    }

    #[test]
    fn only_principals_and_above_assign_principal() {
        let dir = school_role(Role::TrainingDirector, A);
        assert!(dir.can_assign(&g(Role::Mentor, Some(D1), Some(A))));
        assert!(!dir.can_assign(&g(Role::Principal, Some(D1), Some(A))));
        assert!(!dir.can_assign(&g(Role::Mentor, Some(D1), Some(B))));
        assert!(!dir.can_assign(&g(Role::Inspector, Some(D1), None)));
        let p = school_role(Role::Principal, A);
        assert!(p.can_assign(&g(Role::Principal, Some(D1), Some(A))));
        assert!(!p.can_assign(&g(Role::Principal, Some(D1), Some(B))));
    }

    #[test]
    fn cannot_manage_a_more_powerful_account() {
        let dir = school_role(Role::TrainingDirector, A);
        let home = Tenant::school(D1, A);
        assert!(dir.can_manage_user(home, &[g(Role::Teacher, Some(D1), Some(A))]));
        assert!(!dir.can_manage_user(home, &[g(Role::Principal, Some(D1), Some(A))]));
        assert!(!dir.can_manage_user(
            home,
            &[
                g(Role::Teacher, Some(D1), Some(A)),
                g(Role::DistrictAdmin, Some(D1), None)
            ]
        ));
    }

    #[test]
    fn system_admin_sees_everything() {
        let s = Access::new(1, vec![g(Role::SystemAdmin, None, None)]);
        assert!(s.allows(Capability::ManageDistricts, Tenant::GLOBAL));
        assert!(s.allows(Capability::Read, Tenant::school(D2, C)));
        assert_eq!(s.assignable_roles().len(), Role::ALL.len());
    }

    #[test]
    fn an_account_reports_its_grants_and_roles() {
        let grants = vec![
            g(Role::Teacher, Some(D1), Some(A)),
            g(Role::Mentor, Some(D1), Some(A)),
            g(Role::Teacher, Some(D1), Some(B)),
        ];
        let a = Access::new(7, grants.clone());
        assert_eq!(a.user_id(), 7);
        assert_eq!(a.grants(), grants.as_slice());
        assert_eq!(a.roles(), BTreeSet::from([Role::Teacher, Role::Mentor]));
        assert!(a.has_role(Role::Mentor) && !a.has_role(Role::Principal));
    }

    #[test]
    fn districts_are_in_a_set_by_name_or_when_it_is_everything() {
        let mut set = TenantSet::default();
        assert!(!set.contains_district(D1));
        set.districts.insert(D1);
        assert!(set.contains_district(D1));
        assert!(!set.contains_district(D2));
        // A school of D2 does not put D2 in the set.
        set.schools.insert(C);
        assert!(!set.contains_district(D2));
        let all = TenantSet {
            all: true,
            ..Default::default()
        };
        assert!(all.contains_district(D2));
    }

    #[test]
    fn forms_offer_the_roles_one_could_grant() {
        let dir = school_role(Role::TrainingDirector, A);
        assert_eq!(
            dir.assignable_roles(),
            vec![
                Role::Teacher,
                Role::Mentor,
                Role::GroupLeader,
                Role::TrainingDirector
            ]
        );
        let p = school_role(Role::Principal, A);
        let mut with_principal = dir.assignable_roles();
        with_principal.push(Role::Principal);
        assert_eq!(p.assignable_roles(), with_principal);
        let d = Access::new(1, vec![g(Role::DistrictAdmin, Some(D1), None)]);
        let mut district_roles = with_principal;
        district_roles.extend([Role::DistrictAdmin, Role::Inspector]);
        assert_eq!(d.assignable_roles(), district_roles);
        assert!(school_role(Role::Teacher, A).assignable_roles().is_empty());
    }

    #[test]
    fn no_grants_no_access() {
        let n = Access::new(1, vec![]);
        assert!(n.tenants(Capability::Read).is_empty());
        assert!(!n.allows(Capability::Read, Tenant::GLOBAL));
    }

    fn any_grant() -> impl Strategy<Value = Grant> {
        (0usize..Role::ALL.len(), 1i64..4, 1i64..6).prop_map(|(i, d, s)| {
            let role = Role::ALL[i];
            match role.level() {
                RoleLevel::School => g(role, Some(d), Some(d * 10 + s)),
                RoleLevel::District => g(role, Some(d), None),
                RoleLevel::Global => g(role, None, None),
            }
        })
    }

    proptest! {
        /// Any write capability implies read over the same tenant, and
        /// adding a grant never takes access away.
        #[test]
        fn capabilities_are_monotone(grants in proptest::collection::vec(any_grant(), 0..6),
                                     extra in any_grant(),
                                     d in 1i64..4, s in 1i64..6) {
            let t = Tenant::school(d, d * 10 + s);
            let a = Access::new(1, grants.clone());
            for cap in [Capability::ManageUsers, Capability::ManageSchools, Capability::ReadAudit,
                        Capability::ReadTeachers, Capability::ManageTeachers] {
                if a.allows(cap, t) { prop_assert!(a.allows(Capability::Read, t)); }
            }
            let mut more = grants;
            more.push(extra);
            let b = Access::new(1, more);
            for cap in [Capability::Read, Capability::ManageUsers, Capability::ManageSchools,
                        Capability::ManageDistricts, Capability::ReadAudit] {
                if a.allows(cap, t) { prop_assert!(b.allows(cap, t)); }
            }
        }

        /// Inspectors, teachers, mentors and group leaders never gain a
        /// write capability, whatever combination of them a user holds.
        #[test]
        fn read_only_roles_never_write(grants in proptest::collection::vec(any_grant(), 0..6),
                                       d in 1i64..4, s in 1i64..6) {
            let read_only: Vec<Grant> = grants.into_iter()
                .filter(|g| matches!(g.role(), Role::Inspector | Role::Teacher | Role::Mentor | Role::GroupLeader))
                .collect();
            let a = Access::new(1, read_only);
            let t = Tenant::school(d, d * 10 + s);
            prop_assert!(!a.allows(Capability::ManageUsers, t));
            prop_assert!(!a.allows(Capability::ManageSchools, t));
            prop_assert!(!a.allows(Capability::ManageTeachers, t));
            prop_assert!(a.assignable_roles().is_empty());
        }
    }
}
