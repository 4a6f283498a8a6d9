//! Roles and the tenant each grant of a role applies to.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// What a user does in Lingyan. A user may hold several roles, each granted
/// for one school, one district, or (system admin only) everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 教师: keeps a growth portfolio, sees own duties and credits.
    Teacher,
    /// 师傅 / 导师: sees apprentices, logs mentoring cycles.
    Mentor,
    /// 教研组长 / 备课组长 / 年级组长: runs group activities, sees the group.
    GroupLeader,
    /// 师训主任 / 教导处 / 教科室: runs training for a school.
    TrainingDirector,
    /// 校长: first person responsible; sees everything in the school.
    Principal,
    /// 教师发展中心 / 师训科: runs a district.
    DistrictAdmin,
    /// 督导: read-only audit across a district's schools.
    Inspector,
    /// Operates the installation: districts, and everything in them.
    SystemAdmin,
}

/// Where a role is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleLevel {
    School,
    District,
    Global,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Teacher,
        Role::Mentor,
        Role::GroupLeader,
        Role::TrainingDirector,
        Role::Principal,
        Role::DistrictAdmin,
        Role::Inspector,
        Role::SystemAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Teacher => "teacher",
            Role::Mentor => "mentor",
            Role::GroupLeader => "group_leader",
            Role::TrainingDirector => "training_director",
            Role::Principal => "principal",
            Role::DistrictAdmin => "district_admin",
            Role::Inspector => "inspector",
            Role::SystemAdmin => "system_admin",
        }
    }

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| FieldError::new("role", "unknown_role").with("value", input.trim()))
    }

    pub fn level(self) -> RoleLevel {
        match self {
            Role::Teacher | Role::Mentor | Role::GroupLeader | Role::TrainingDirector | Role::Principal => {
                RoleLevel::School
            }
            Role::DistrictAdmin | Role::Inspector => RoleLevel::District,
            Role::SystemAdmin => RoleLevel::Global,
        }
    }

    /// Roles that administer users and settings for their tenant.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::TrainingDirector | Role::Principal | Role::DistrictAdmin | Role::SystemAdmin
        )
    }
}

/// One role held by a user for one tenant. Constructed only through
/// [`Grant::new`], which enforces that school roles name a school, district
/// roles a district only, and the system admin role neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    role: Role,
    district_id: Option<i64>,
    school_id: Option<i64>,
}

impl Grant {
    /// `district_id` must be the school's district when `school_id` is given.
    pub fn new(role: Role, district_id: Option<i64>, school_id: Option<i64>) -> Result<Self, FieldError> {
        match (role.level(), district_id, school_id) {
            (RoleLevel::School, Some(_), Some(_))
            | (RoleLevel::District, Some(_), None)
            | (RoleLevel::Global, None, None) => Ok(Self {
                role,
                district_id,
                school_id,
            }),
            (RoleLevel::School, _, _) => Err(FieldError::new("school", "role_needs_school")),
            (RoleLevel::District, _, _) => Err(FieldError::new("district", "role_needs_district")),
            (RoleLevel::Global, _, _) => Err(FieldError::new("role", "role_is_global")),
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn district_id(&self) -> Option<i64> {
        self.district_id
    }

    pub fn school_id(&self) -> Option<i64> {
        self.school_id
    }

    /// A stable key for "where this grant applies" (`global`, `d:3`,
    /// `s:17`), unique per user and role in the database.
    pub fn scope_key(&self) -> String {
        match (self.school_id, self.district_id) {
            (Some(s), _) => format!("s:{s}"),
            (None, Some(d)) => format!("d:{d}"),
            (None, None) => "global".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
        assert_eq!(Role::parse("Training-Director").unwrap(), Role::TrainingDirector);
        assert_eq!(Role::parse("janitor").unwrap_err().code, "unknown_role");
    }

    #[test]
    fn grants_match_role_level() {
        assert!(Grant::new(Role::Teacher, Some(1), Some(2)).is_ok());
        assert_eq!(
            Grant::new(Role::Teacher, Some(1), None).unwrap_err().code,
            "role_needs_school"
        );
        assert!(Grant::new(Role::Inspector, Some(1), None).is_ok());
        assert_eq!(
            Grant::new(Role::Inspector, Some(1), Some(2)).unwrap_err().code,
            "role_needs_district"
        );
        assert!(Grant::new(Role::SystemAdmin, None, None).is_ok());
        assert_eq!(
            Grant::new(Role::SystemAdmin, Some(1), None).unwrap_err().code,
            "role_is_global"
        );
        assert_eq!(
            Grant::new(Role::Teacher, Some(1), Some(2)).unwrap().scope_key(),
            "s:2"
        );
        assert_eq!(
            Grant::new(Role::Inspector, Some(1), None).unwrap().scope_key(),
            "d:1"
        );
    }

    #[test]
    fn roles_levels_and_scopes() {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            vec![
                "teacher",
                "mentor",
                "group_leader",
                "training_director",
                "principal",
                "district_admin",
                "inspector",
                "system_admin"
            ]
        );
        let admins: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_admin()).collect();
        assert_eq!(
            admins,
            vec![
                Role::TrainingDirector,
                Role::Principal,
                Role::DistrictAdmin,
                Role::SystemAdmin
            ]
        );
        let school: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.level() == RoleLevel::School)
            .collect();
        assert_eq!(
            school,
            vec![
                Role::Teacher,
                Role::Mentor,
                Role::GroupLeader,
                Role::TrainingDirector,
                Role::Principal
            ]
        );
        assert_eq!(Role::Inspector.level(), RoleLevel::District);
        assert_eq!(Role::SystemAdmin.level(), RoleLevel::Global);
        assert_eq!(Role::parse(" group-leader ").unwrap(), Role::GroupLeader);
        assert_eq!(
            Role::parse(" cook ").unwrap_err().args,
            vec![("value", "cook".to_string())]
        );
        let g = Grant::new(Role::Mentor, Some(3), Some(9)).unwrap();
        assert_eq!(
            (g.role(), g.district_id(), g.school_id()),
            (Role::Mentor, Some(3), Some(9))
        );
        assert_eq!(g.scope_key(), "s:9");
        assert_eq!(
            Grant::new(Role::Inspector, Some(3), None).unwrap().scope_key(),
            "d:3"
        );
        assert_eq!(
            Grant::new(Role::SystemAdmin, None, None).unwrap().scope_key(),
            "global"
        );
        assert_eq!(
            Grant::new(Role::Teacher, None, Some(9)).unwrap_err().code,
            "role_needs_school"
        );
        assert_eq!(
            Grant::new(Role::DistrictAdmin, None, None).unwrap_err().code,
            "role_needs_district"
        );
        assert_eq!(
            Grant::new(Role::SystemAdmin, None, Some(9)).unwrap_err().code,
            "role_is_global"
        );
    }
}
