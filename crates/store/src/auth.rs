//! Passwords (argon2id), login with throttling, and the account record the
//! web layer keeps in a session.

use crate::audit::{self, Change};
use crate::entity::{login_throttle, user};
use crate::{Actor, Error, Result, Store};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use lingyan_domain::{Locale, Tenant};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::json;
use std::fmt;
use std::sync::OnceLock;

/// How repeated failed logins are slowed down. Failures are counted per
/// username *and* client address together: after `max_failures`
/// consecutive failures for one username from one client, that client may
/// not try that username for `lockout`, doubling with every further
/// failure up to `max_lockout`. Failures older than a day are forgotten.
/// Someone guessing from elsewhere is slowed down without locking the real
/// user out from their own computer.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub max_failures: u32,
    pub lockout: Duration,
    pub max_lockout: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout: Duration::seconds(60),
            max_lockout: Duration::hours(1),
        }
    }
}

impl LoginPolicy {
    /// How long to lock after `failures` consecutive failures, if at all.
    pub fn lock_for(&self, failures: u32) -> Option<Duration> {
        if failures < self.max_failures {
            return None;
        }
        let doublings = (failures - self.max_failures).min(20);
        let secs = self
            .lockout
            .num_seconds()
            .saturating_mul(1i64 << doublings)
            .min(self.max_lockout.num_seconds());
        Some(Duration::seconds(secs))
    }
}

/// The account as the authentication layer sees it. `Debug` hides the hash.
#[derive(Clone)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub locale: Option<Locale>,
    pub active: bool,
    pub home: Tenant,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl From<user::Model> for Account {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            username: m.username,
            display_name: m.display_name,
            password_hash: m.password_hash,
            locale: m.locale.as_deref().and_then(|l| Locale::parse(l).ok()),
            active: m.active,
            home: Tenant {
                district_id: m.district_id,
                school_id: m.school_id,
            },
        }
    }
}

/// Hashes a password with argon2id (OWASP parameters: 19 MiB, 2 passes) on
/// a blocking thread.
pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool> {
    let pw = password.to_string();
    let hash = hash.to_string();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))
}

/// A hash of a random password, verified against when the username does
/// not exist so that unknown and known usernames take the same time.
async fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DECOY.get() {
        return h;
    }
    let h = hash_password("decoy password that nobody has")
        .await
        .unwrap_or_default();
    DECOY.get_or_init(|| h)
}

/// Loads an account by id (for restoring a session).
pub async fn account(store: &Store, id: i64) -> Result<Option<Account>> {
    Ok(user::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .map(Account::from))
}

/// Checks a username and password. On success the throttle is reset, the
/// login time stored and `login.ok` audited; on failure `login.failed` is
/// audited and the failure counted towards a lockout. A locked username is
/// refused without looking at the password.
pub async fn login(store: &Store, username: &str, password: &str, ip: Option<String>) -> Result<Account> {
    let key: String = username.trim().to_lowercase().chars().take(64).collect();
    let slot = throttle_key(&key, ip.as_deref());
    let now = Utc::now();
    let policy = store.login_policy;

    let throttle = login_throttle::Entity::find_by_id(slot.clone())
        .one(store.conn())
        .await?;
    let found = user::Entity::find()
        .filter(user::Column::Username.eq(key.clone()))
        .one(store.conn())
        .await?;
    // Failed and refused logins are filed under the account's school, so
    // its administrators see them; unknown usernames only installation-wide.
    let (entity_id, tenant) = match &found {
        Some(u) => (
            Some(u.id.to_string()),
            Tenant {
                district_id: u.district_id,
                school_id: u.school_id,
            },
        ),
        None => (None, Tenant::GLOBAL),
    };
    let anonymous = Actor {
        user_id: None,
        username: key.clone(),
        ip: ip.clone(),
        relations: Default::default(),
    };

    if let Some(until) = throttle
        .as_ref()
        .and_then(|t| t.locked_until)
        .filter(|u| *u > now)
    {
        audit::record(
            store.conn(),
            &anonymous,
            Change {
                action: "login.locked",
                entity_type: "user",
                entity_id,
                tenant,
                before: None,
                after: Some(json!({"username": key, "locked_until": until})),
            },
        )
        .await?;
        return Err(Error::Locked {
            retry_after_secs: u64::try_from((until - now).num_seconds()).unwrap_or(0).max(1),
        });
    }

    let ok = match &found {
        Some(u) => verify_password(password, &u.password_hash).await? && u.active,
        None => {
            verify_password(password, decoy_hash().await).await?;
            false
        }
    };

    let txn = store.begin().await?;
    if ok {
        // `found` is Some whenever ok is true.
        let u = found.expect("a verified login has an account");
        let actor = Actor {
            user_id: Some(u.id),
            username: u.username.clone(),
            ip,
            relations: Default::default(),
        };
        login_throttle::Entity::delete_by_id(slot).exec(&txn).await?;
        let tenant = Tenant {
            district_id: u.district_id,
            school_id: u.school_id,
        };
        let mut am = u.into_active_model();
        am.last_login_at = Set(Some(now));
        let u = am.update(&txn).await?;
        audit::record(
            &txn,
            &actor,
            Change {
                action: "login.ok",
                entity_type: "user",
                entity_id: Some(u.id.to_string()),
                tenant,
                before: None,
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Account::from(u))
    } else {
        let fresh = |t: &login_throttle::Model| now - t.last_failure_at < Duration::days(1);
        let failures = match &throttle {
            Some(t) if fresh(t) => t.failures.max(0) as u32 + 1,
            _ => 1,
        };
        let locked_until = policy.lock_for(failures).map(|d| now + d);
        let row = login_throttle::ActiveModel {
            key: Set(slot),
            failures: Set(failures.min(i32::MAX as u32) as i32),
            last_failure_at: Set(now),
            locked_until: Set(locked_until),
        };
        // An upsert: two failures at the same moment must not collide.
        login_throttle::Entity::insert(row)
            .on_conflict(
                OnConflict::column(login_throttle::Column::Key)
                    .update_columns([
                        login_throttle::Column::Failures,
                        login_throttle::Column::LastFailureAt,
                        login_throttle::Column::LockedUntil,
                    ])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &anonymous,
            Change {
                action: "login.failed",
                entity_type: "user",
                entity_id,
                tenant,
                before: None,
                after: Some(json!({"username": key, "failures": failures, "locked_until": locked_until})),
            },
        )
        .await?;
        txn.commit().await?;
        Err(Error::BadCredentials)
    }
}

/// The throttle row of one username from one client: a digest, so that
/// any username and address fit the key column and no address is stored.
fn throttle_key(username: &str, ip: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(format!("{username}\u{0}{}", ip.unwrap_or("")).as_bytes());
    crate::files::hex(&d)
}

/// When the lock on this username from this client ends, if it is locked now.
pub async fn locked_until(store: &Store, username: &str, ip: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    let key: String = username.trim().to_lowercase().chars().take(64).collect();
    Ok(login_throttle::Entity::find_by_id(throttle_key(&key, ip))
        .one(store.conn())
        .await?
        .and_then(|t| t.locked_until)
        .filter(|u| *u > Utc::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_doubles_and_caps() {
        let p = LoginPolicy::default();
        assert_eq!(p.lock_for(4), None);
        assert_eq!(p.lock_for(5), Some(Duration::seconds(60)));
        assert_eq!(p.lock_for(6), Some(Duration::seconds(120)));
        assert_eq!(p.lock_for(40), Some(Duration::hours(1)));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h).await.unwrap());
        assert!(!verify_password("wrong horse", &h).await.unwrap());
        assert!(!verify_password("x", "not a hash").await.unwrap());
    }
}
