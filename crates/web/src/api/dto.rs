//! What the API sends and receives. Kept apart from the store's records so
//! the wire format is documented (utoipa) and changes deliberately.

use chrono::{DateTime, Utc};
use lingyan_domain::Paged;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Items across all pages.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u64,
    pub per_page: u64,
}

impl<T: ToSchema> Page<T> {
    pub fn from<U>(p: Paged<U>, f: impl FnMut(U) -> T) -> Self {
        Self {
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            items: p.items.into_iter().map(f).collect(),
        }
    }
}

/// A role held at a place.
#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    pub id: i64,
    /// teacher, mentor, group_leader, training_director, principal,
    /// district_admin, inspector, system_admin
    pub role: String,
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
    /// The school's or district's name.
    pub place: String,
}

impl From<lingyan_store::users::GrantInfo> for Grant {
    fn from(g: lingyan_store::users::GrantInfo) -> Self {
        Self {
            id: g.id,
            role: g.role.code().into(),
            district_id: g.district_id,
            school_id: g.school_id,
            place: g.place,
        }
    }
}

/// An account.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// Home district (null for installation-wide accounts).
    pub district_id: Option<i64>,
    /// Home school (null for district accounts).
    pub school_id: Option<i64>,
    pub home_name: Option<String>,
    /// Saved language: `zh-CN` or `en`; null follows the browser.
    pub locale: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub roles: Vec<Grant>,
}

impl From<lingyan_store::users::User> for User {
    fn from(u: lingyan_store::users::User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            district_id: u.district_id,
            school_id: u.school_id,
            home_name: u.home_name,
            locale: u.locale.map(|l| l.code().into()),
            active: u.active,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
            roles: u.grants.into_iter().map(Grant::from).collect(),
        }
    }
}

/// A school.
#[derive(Debug, Serialize, ToSchema)]
pub struct School {
    pub id: i64,
    pub district_id: i64,
    pub district_code: String,
    pub district_name: String,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// kindergarten, primary, junior, senior, nine_year, vocational
    pub school_type: String,
    pub active: bool,
}

impl From<lingyan_store::schools::School> for School {
    fn from(s: lingyan_store::schools::School) -> Self {
        Self {
            id: s.id,
            district_id: s.district_id,
            district_code: s.district_code,
            district_name: s.district_name,
            code: s.code,
            name: s.name,
            name_en: s.name_en,
            school_type: s.school_type.code().into(),
            active: s.active,
        }
    }
}

/// A district.
#[derive(Debug, Serialize, ToSchema)]
pub struct District {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

impl From<lingyan_store::districts::District> for District {
    fn from(d: lingyan_store::districts::District) -> Self {
        Self {
            id: d.id,
            code: d.code,
            name: d.name,
            name_en: d.name_en,
        }
    }
}

/// A personal access token (without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct Token {
    pub id: i64,
    pub name: String,
    /// First characters of the secret.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub active: bool,
}

impl From<lingyan_store::tokens::TokenInfo> for Token {
    fn from(t: lingyan_store::tokens::TokenInfo) -> Self {
        Self {
            active: t.is_active(),
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new token with its secret, shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub token: Token,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// One audit record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_username: Option<String>,
    pub district_id: Option<i64>,
    pub school_id: Option<i64>,
    /// e.g. login.ok, login.failed, user.create, role.grant, school.update
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl From<lingyan_store::audit::AuditEntry> for AuditEntry {
    fn from(a: lingyan_store::audit::AuditEntry) -> Self {
        Self {
            id: a.id,
            at: a.at,
            actor_user_id: a.actor_user_id,
            actor_username: a.actor_username,
            district_id: a.district_id,
            school_id: a.school_id,
            action: a.action,
            entity_type: a.entity_type,
            entity_id: a.entity_id,
            before: a.before,
            after: a.after,
            ip: a.ip,
        }
    }
}

/// Accounts holding a role.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleCount {
    pub role: String,
    pub users: u64,
}

/// Login activity over seven days.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginActivity {
    pub ok: u64,
    pub failed: u64,
    pub locked: u64,
}

/// The counts on the caller's home page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Home {
    pub districts: u64,
    pub schools: u64,
    pub active_users: u64,
    pub inactive_users: u64,
    pub users_by_role: Vec<RoleCount>,
    /// Only for callers who may read the audit log.
    pub logins_7d: Option<LoginActivity>,
    pub my_active_tokens: u64,
    pub my_last_login_at: Option<DateTime<Utc>>,
}

impl From<lingyan_store::stats::HomeCounts> for Home {
    fn from(h: lingyan_store::stats::HomeCounts) -> Self {
        Self {
            districts: h.districts,
            schools: h.schools,
            active_users: h.active_users,
            inactive_users: h.inactive_users,
            users_by_role: h
                .users_by_role
                .into_iter()
                .map(|(r, n)| RoleCount {
                    role: r.code().into(),
                    users: n,
                })
                .collect(),
            logins_7d: h.logins_7d.map(|l| LoginActivity {
                ok: l.ok,
                failed: l.failed,
                locked: l.locked,
            }),
            my_active_tokens: h.my_active_tokens,
            my_last_login_at: h.my_last_login_at,
        }
    }
}

/// The CSRF token for state-changing requests made with the session cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct Csrf {
    /// Send as the `X-CSRF-Token` header.
    pub csrf_token: String,
}

/// A successful login.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOk {
    pub user: User,
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LocaleRequest {
    /// `zh-CN` or `en`
    pub locale: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub name: String,
    /// Days until the token stops working (1–3650); omit for no expiry.
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// Home school; the account's roles are granted there.
    pub school_id: Option<i64>,
    /// Home district, for district-level accounts without a school.
    pub district_id: Option<i64>,
    #[serde(default)]
    pub roles: Vec<String>,
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub active: Option<bool>,
    /// `zh-CN`, `en`, or empty to follow the browser.
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GrantRequest {
    pub role: String,
    /// Where: a school, or a district; omit both for the account's home.
    pub school_id: Option<i64>,
    pub district_id: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordReset {
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSchool {
    pub district_id: i64,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// kindergarten, primary, junior, senior, nine_year, vocational (or 小学, 幼儿园 …)
    pub school_type: String,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct SchoolPatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub school_type: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDistrict {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct DistrictPatch {
    pub code: Option<String>,
    pub name: Option<String>,
    pub name_en: Option<String>,
}
