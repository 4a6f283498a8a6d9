//! SeaORM entities, one per table. Only this crate sees them; other crates
//! get the plain records the service modules return.

pub mod academic_year;
pub mod api_token;
pub mod app_secret;
pub mod attachment;
pub mod audit_log;
pub mod credit_entry;
pub mod district;
pub mod evidence;
pub mod evidence_event;
pub mod evidence_person;
pub mod file;
pub mod honour;
pub mod leading_group;
pub mod leading_group_member;
pub mod login_throttle;
pub mod mentor_pair;
pub mod org_group;
pub mod org_group_member;
pub mod pending_upload;
pub mod project_member;
pub mod project_stage;
pub mod research_project;
pub mod role_grant;
pub mod rule_set_version;
pub mod school;
pub mod school_revision;
pub mod session;
pub mod teacher;
pub mod teacher_transfer;
pub mod tier_override;
pub mod user;
