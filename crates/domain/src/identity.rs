//! Who a user is: login name, display name and the password policy.

use crate::error::FieldError;
use std::fmt;

/// A login name: 3–32 characters of lowercase ASCII letters, digits, `.`,
/// `_` and `-`, starting with a letter or digit. Input is trimmed and
/// lower-cased, so `Zhang.Wei` and `zhang.wei` are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

impl Username {
    pub const MIN: usize = 3;
    pub const MAX: usize = 32;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new("username", "required"));
        }
        let n = s.chars().count();
        if n < Self::MIN {
            return Err(FieldError::new("username", "too_short").with("min", Self::MIN));
        }
        if n > Self::MAX {
            return Err(FieldError::new("username", "too_long").with("max", Self::MAX));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(FieldError::new("username", "username_chars"));
        }
        // Checked above that every char is ASCII, so the first byte is a char.
        if !s.as_bytes()[0].is_ascii_alphanumeric() {
            return Err(FieldError::new("username", "username_start"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown to other users (usually the person's real name, e.g.
/// 方胜利): 1–64 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX: usize = 64;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new("display_name", "required"));
        }
        if s.chars().count() > Self::MAX {
            return Err(FieldError::new("display_name", "too_long").with("max", Self::MAX));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new("display_name", "control_chars"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A new password that meets the policy: 8–128 characters, not only
/// whitespace, and not the same as the login name. `Debug` never prints it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 128;

    /// Checks a password chosen for `username`.
    pub fn parse(input: &str, username: &str) -> Result<Self, FieldError> {
        let n = input.chars().count();
        if n == 0 {
            return Err(FieldError::new("password", "required"));
        }
        if n < Self::MIN {
            return Err(FieldError::new("password", "too_short").with("min", Self::MIN));
        }
        if n > Self::MAX {
            return Err(FieldError::new("password", "too_long").with("max", Self::MAX));
        }
        if input.trim().is_empty() {
            return Err(FieldError::new("password", "blank"));
        }
        if input.trim().eq_ignore_ascii_case(username.trim()) {
            return Err(FieldError::new("password", "password_is_username"));
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised() {
        assert_eq!(Username::parse("  Zhang.Wei ").unwrap().as_str(), "zhang.wei");
        assert_eq!(Username::parse("20190901").unwrap().as_str(), "20190901");
    }

    #[test]
    fn bad_usernames_name_the_reason() {
        assert_eq!(Username::parse("").unwrap_err().code, "required");
        assert_eq!(Username::parse("ab").unwrap_err().code, "too_short");
        assert_eq!(Username::parse(&"a".repeat(33)).unwrap_err().code, "too_long");
        assert_eq!(Username::parse("张伟老师").unwrap_err().code, "username_chars");
        assert_eq!(Username::parse("a b c").unwrap_err().code, "username_chars");
        assert_eq!(Username::parse("_abc").unwrap_err().code, "username_start");
    }

    #[test]
    fn display_names_allow_chinese() {
        assert_eq!(DisplayName::parse(" 方胜利 ").unwrap().as_str(), "方胜利");
        assert_eq!(DisplayName::parse("   ").unwrap_err().code, "required");
        assert_eq!(DisplayName::parse("a\u{7}b").unwrap_err().code, "control_chars");
        assert_eq!(DisplayName::parse(&"字".repeat(65)).unwrap_err().code, "too_long");
    }

    #[test]
    fn lengths_at_their_limits() {
        assert_eq!(Username::parse("abc").unwrap().to_string(), "abc");
        assert_eq!(
            Username::parse(&"a".repeat(32)).unwrap().into_string(),
            "a".repeat(32)
        );
        let e = Username::parse("ab").unwrap_err();
        assert_eq!(e.args, vec![("min", "3".to_string())]);
        let e = Username::parse(&"a".repeat(33)).unwrap_err();
        assert_eq!(e.args, vec![("max", "32".to_string())]);
        for ok in ["a.b", "a_b", "a-b", "1ab", "zhang.wei-2_x"] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
        for start in [".ab", "-ab", "_ab"] {
            assert_eq!(
                Username::parse(start).unwrap_err().code,
                "username_start",
                "{start}"
            );
        }
        assert_eq!(Username::parse("ab!").unwrap_err().code, "username_chars");
        assert_eq!(
            DisplayName::parse(&"字".repeat(64)).unwrap().into_string(),
            "字".repeat(64)
        );
        assert_eq!(DisplayName::parse("a\nb").unwrap_err().code, "control_chars");
        assert_eq!(Password::parse("", "x").unwrap_err().code, "required");
        assert_eq!(Password::parse("1234567", "x").unwrap_err().code, "too_short");
        assert_eq!(Password::parse("12345678", "x").unwrap().expose(), "12345678");
        let long = "p".repeat(128);
        assert_eq!(Password::parse(&long, "x").unwrap().expose(), long);
        let e = Password::parse(&"p".repeat(129), "x").unwrap_err();
        assert_eq!(
            (e.code, e.args.clone()),
            ("too_long", vec![("max", "128".to_string())])
        );
        // Spaces around the name still give the name away.
        assert_eq!(
            Password::parse(" zhangwei01 ", "zhangwei01").unwrap_err().code,
            "password_is_username"
        );
        assert!(Password::parse("zhangwei012", "zhangwei01").is_ok());
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("correct horse", "zhang").is_ok());
        assert_eq!(Password::parse("short", "zhang").unwrap_err().code, "too_short");
        assert_eq!(Password::parse("        ", "zhang").unwrap_err().code, "blank");
        assert_eq!(
            Password::parse("Zhangwei01", "zhangwei01").unwrap_err().code,
            "password_is_username"
        );
        assert_eq!(
            format!("{:?}", Password::parse("secret-pass", "x").unwrap()),
            "Password(***)"
        );
    }
}
