//! The one error type for input that does not parse into a domain value.

use std::fmt;

/// Input that was rejected, naming the field and why.
///
/// `code` is a stable identifier (`"too_short"`, `"unknown_role"`, ...) that
/// the presentation layer translates; `args` fill placeholders in the
/// translated message (`min`, `max`, `value`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self {
            field,
            code,
            args: Vec::new(),
        }
    }

    /// Adds a placeholder value for the translated message.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// The same error, reported against another field name (for example
    /// `new_password` instead of `password`).
    pub fn on(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)?;
        for (k, v) in &self.args {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_names_its_field_code_and_values() {
        let e = FieldError::new("password", "too_short")
            .with("min", 8)
            .with("value", "x");
        assert_eq!(e.to_string(), "password: too_short min=8 value=x");
        let moved = e.clone().on("new_password");
        assert_eq!((moved.field, moved.code), ("new_password", "too_short"));
        assert_eq!(moved.args, e.args);
        assert_eq!(FieldError::new("a", "b").to_string(), "a: b");
    }
}
