//! Lingyan's domain: pure types and rules, with no IO and no async.
//!
//! Everything a user types becomes one of these types at the edge
//! (`Username::parse`, `Role::parse`, ...) so the rest of the code cannot
//! hold an invalid value. Errors carry a stable code and the field they
//! concern; the web layer turns them into messages in the user's language.

pub mod access;
pub mod error;
pub mod identity;
pub mod locale;
pub mod org;
pub mod paging;
pub mod roles;

pub use access::{Access, Capability, Tenant, TenantSet};
pub use error::FieldError;
pub use identity::{DisplayName, Password, Username};
pub use locale::Locale;
pub use org::{Code, OrgName, SchoolType};
pub use paging::{PageRequest, Paged};
pub use roles::{Grant, Role, RoleLevel};
