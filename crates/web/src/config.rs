//! Typed configuration: defaults → `lingyan.toml` → `LINGYAN_*` environment
//! variables (nested keys with `__`, e.g. `LINGYAN_LOGIN__MAX_FAILURES=10`).
//! Command-line flags override the result.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub bind: String,
    /// Where the SQLite database (and later, uploaded files) live.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://…`; default: `DATA_DIR/lingyan.db`.
    /// May hold a password, so it is never logged.
    pub database_url: Option<String>,
    /// Mark cookies `Secure` and send HSTS: set when served over https.
    pub secure_cookies: bool,
    /// A session ends after this many hours without a request.
    pub session_idle_hours: i64,
    pub login: LoginConfig,
    pub limits: LimitsConfig,
    /// tracing filter, e.g. `info` or `lingyan_web=debug,info`.
    pub log: String,
    /// The address people reach the site at (`https://lingyan.example.edu.cn`),
    /// printed on documents that link back (a transcript's verification
    /// code); pages take it from the request when it is not set.
    pub public_url: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct LoginConfig {
    /// Consecutive failures before an account is locked.
    pub max_failures: u32,
    /// First lockout, doubled on each further failure.
    pub lockout_seconds: i64,
    pub max_lockout_seconds: i64,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default)]
pub struct LimitsConfig {
    /// Largest request body accepted (bytes).
    pub body_bytes: usize,
    /// Requests taking longer are answered 408.
    pub request_timeout_secs: u64,
    /// Largest roster or evidence spreadsheet accepted for import (bytes).
    pub import_bytes: usize,
    /// Largest attachment accepted on a portfolio record (bytes).
    pub attachment_bytes: usize,
    /// At shutdown, requests still running after this many seconds are
    /// abandoned (their transactions roll back).
    pub shutdown_grace_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: None,
            secure_cookies: false,
            session_idle_hours: 12,
            login: LoginConfig::default(),
            limits: LimitsConfig::default(),
            log: "info".into(),
            public_url: None,
        }
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout_seconds: 60,
            max_lockout_seconds: 3600,
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            body_bytes: 2 * 1024 * 1024,
            request_timeout_secs: 30,
            import_bytes: 20 * 1024 * 1024,
            attachment_bytes: lingyan_store::files::DEFAULT_LIMIT,
            shutdown_grace_secs: 3,
        }
    }
}

impl Config {
    /// Loads defaults, then `file` (or `./lingyan.toml` if it exists), then
    /// the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let path = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("lingyan.toml"));
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(path))
            .merge(Env::prefixed("LINGYAN_").split("__"))
            .extract()
            .map_err(Box::new)
    }

    /// The database to use: the configured URL, or the SQLite file in the
    /// data directory (created if missing).
    pub fn database_url(&self) -> std::io::Result<String> {
        match &self.database_url {
            Some(u) if !u.trim().is_empty() => Ok(u.trim().to_string()),
            _ => lingyan_store::Store::sqlite_url_in(&self.data_dir),
        }
    }

    /// Where attachments are kept (`DATA_DIR/attachments`) and their limit.
    pub fn blobs(&self) -> lingyan_store::files::Blobs {
        lingyan_store::files::Blobs {
            dir: self.data_dir.join("attachments"),
            limit: self.limits.attachment_bytes.max(1),
        }
    }

    pub fn login_policy(&self) -> lingyan_store::LoginPolicy {
        lingyan_store::LoginPolicy {
            max_failures: self.login.max_failures.max(1),
            lockout: chrono::Duration::seconds(self.login.lockout_seconds.max(1)),
            max_lockout: chrono::Duration::seconds(self.login.max_lockout_seconds.max(1)),
        }
    }
}

/// The URL with any password replaced by `***`, for logs and messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_deref().map(redact_url))
            .field("secure_cookies", &self.secure_cookies)
            .field("session_idle_hours", &self.session_idle_hours)
            .field("login", &self.login)
            .field("limits", &self.limits)
            .field("log", &self.log)
            .field("public_url", &self.public_url)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://data/lingyan.db"), "sqlite://data/lingyan.db");
        let c = Config {
            database_url: Some("postgres://u:secret@h/db".into()),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API, test only
    fn layers_apply_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "lingyan.toml",
                "bind = \"0.0.0.0:9000\"\n[login]\nmax_failures = 7\n",
            )?;
            jail.set_env("LINGYAN_LOGIN__MAX_FAILURES", "9");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.bind, "0.0.0.0:9000");
            assert_eq!(c.login.max_failures, 9);
            assert_eq!(c.limits.request_timeout_secs, 30);
            Ok(())
        });
    }
}
