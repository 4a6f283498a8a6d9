//! Lingyan's domain: pure types and rules, with no IO and no async.
//!
//! Everything a user types becomes one of these types at the edge
//! (`Username::parse`, `Role::parse`, `Level::parse` ...) so the rest of the
//! code cannot hold an invalid value. Errors carry a stable code and the
//! field they concern; the web layer turns them into messages in the user's
//! language.

pub mod access;
pub mod activities;
pub mod calendar;
mod codes;
pub mod collate;
pub mod credits;
pub mod dates;
pub mod duties;
pub mod error;
pub mod evidence;
pub mod honour;
pub mod identity;
pub mod level;
pub mod locale;
pub mod mentoring;
pub mod org;
pub mod paging;
pub mod roles;
pub mod rule_sets;
pub mod status;
pub mod studios;
pub mod teacher;
pub mod tiers;

pub use access::{Access, Capability, Tenant, TenantSet};
pub use calendar::{Calendar, SchoolYear, Semester, Term};
pub use error::FieldError;
pub use evidence::{
    ClassType, Details, EvidenceDraft, EvidenceInput, EvidenceKind, EvidenceStatus, PlanType, ProjectRole,
    ProjectStage, Publication, TrainingMode, WritingType,
};
pub use honour::{HonourFact, HonourKind, HonourStatus};
pub use identity::{DisplayName, Password, Username};
pub use level::Level;
pub use locale::Locale;
pub use org::{Code, GroupKind, GroupPosition, LeadingPosition, OrgName, SchoolType};
pub use paging::{PageRequest, Paged};
pub use roles::{Grant, Role, RoleLevel};
pub use teacher::{Education, Employment, Gender, Post, Section, TeacherFacts};
pub use tiers::{TierResult, TierRule, TierRules};
