//! The store's error: what went wrong, in terms a surface (API, page, CLI)
//! can map to a status and a message. Database causes stay inside `Db`.

use lingyan_domain::FieldError;
use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input did not parse or breaks a rule; names the field.
    #[error("invalid input: {0}")]
    Invalid(FieldError),
    /// Several fields of one input are wrong; each is named.
    #[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidAll(Vec<FieldError>),
    /// Input clashes with existing data (a taken username, a duplicate code).
    #[error("conflict: {0}")]
    Conflict(FieldError),
    /// The thing does not exist, or the caller may not know that it does.
    #[error("not found")]
    NotFound,
    /// The caller can see the thing but may not do this to it.
    #[error("forbidden")]
    Forbidden,
    /// Login failed: unknown user, wrong password or disabled account.
    #[error("wrong username or password")]
    BadCredentials,
    /// Too many failed logins; try again after the given number of seconds.
    #[error("too many failed logins; retry after {retry_after_secs}s")]
    Locked { retry_after_secs: u64 },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Invalid(e)
    }
}

/// Turns a violated unique constraint into a conflict on a named field, the
/// way a user would understand it ("this username is taken").
pub(crate) trait OnConstraint<T> {
    fn on_unique(self, field: &'static str, value: &str) -> Result<T>;
}

impl<T> OnConstraint<T> for std::result::Result<T, DbErr> {
    fn on_unique(self, field: &'static str, value: &str) -> Result<T> {
        self.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict(FieldError::new(field, "taken").with("value", value))
            }
            _ => Error::Db(e),
        })
    }
}
