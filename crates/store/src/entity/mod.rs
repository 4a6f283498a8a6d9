//! SeaORM entities, one per table. Only this crate sees them; other crates
//! get the plain records the service modules return.

pub mod api_token;
pub mod app_secret;
pub mod audit_log;
pub mod district;
pub mod login_throttle;
pub mod role_grant;
pub mod school;
pub mod session;
pub mod user;
