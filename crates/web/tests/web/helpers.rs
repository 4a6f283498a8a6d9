//! `spawn_app()`: the whole server on port 0 over a fresh database — a
//! SQLite file in a temporary directory, or a PostgreSQL database cloned
//! from a migrated template — with the demo accounts loaded, and clients
//! that keep cookies like a browser.

use lingyan_store::Store;
use lingyan_web::{Application, Config};
use regex::Regex;
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use std::sync::{Arc, LazyLock};
use tokio::sync::OnceCell;

pub const PASSWORD: &str = lingyan_store::demo::PASSWORD;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs one test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! both_dbs {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Db::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::spawn_app($crate::helpers::Db::Postgres).await).await
            }
        }
    };
}

pub struct TestApp {
    pub addr: String,
    pub store: Store,
    _dir: tempfile::TempDir,
}

/// The admin URL of the test PostgreSQL server. Missing PostgreSQL is a
/// failure, not a skip: scripts/test always provides one.
fn pg_admin_url() -> String {
    std::env::var("LINGYAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// `url` with its database name replaced.
fn with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn random_suffix() -> String {
    let n: u64 = rand::random();
    format!("{n:016x}")
}

/// Creates (once per process, race-free across processes) a template
/// database with every migration applied, and returns its name.
async fn pg_template(admin: &Store) -> String {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let names = Store::migration_names().join(",");
            let mut h: u64 = 1469598103934665603;
            for b in names.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
            }
            let name = format!("lingyan_tpl_{h:016x}");
            let exists = admin
                .execute_unprepared(&format!(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}') \
                     THEN RAISE EXCEPTION 'missing'; END IF; END $$"
                ))
                .await
                .is_ok();
            if !exists {
                // Build under a private name, then rename: whoever renames
                // first wins and the others drop their copy.
                let tmp = format!("lingyan_tplb_{}", random_suffix());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {tmp}"))
                    .await
                    .expect("create template database");
                let s = Store::connect(&with_db(&pg_admin_url(), &tmp))
                    .await
                    .expect("connect template");
                s.migrate().await.expect("migrate template");
                s.close().await.expect("close template");
                if admin
                    .execute_unprepared(&format!("ALTER DATABASE {tmp} RENAME TO {name}"))
                    .await
                    .is_err()
                {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {tmp}"))
                        .await;
                }
            }
            name
        })
        .await
        .clone()
}

async fn pg_database() -> String {
    let admin_url = pg_admin_url();
    let admin = Store::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is required for the tests and is not reachable at {admin_url}: {e}. Run scripts/test, or set LINGYAN_TEST_POSTGRES_URL.")
    });
    let template = pg_template(&admin).await;
    let db = format!("lingyan_t_{}", random_suffix());
    let mut attempt = 0;
    loop {
        match admin
            .execute_unprepared(&format!("CREATE DATABASE {db} TEMPLATE {template}"))
            .await
        {
            Ok(()) => break,
            // Another process may be copying the same template this instant.
            Err(e) if attempt < 50 && e.to_string().contains("being accessed") => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot create test database: {e}"),
        }
    }
    let _ = admin.close().await;
    with_db(&admin_url, &db)
}

pub fn test_config(dir: &std::path::Path) -> Config {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        ..Config::default()
    };
    c.login.max_failures = 3;
    c.login.lockout_seconds = 600;
    c
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

pub async fn spawn_app_with(db: Db, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = test_config(dir.path());
    tweak(&mut config);
    let url = match db {
        Db::Sqlite => Store::sqlite_url_in(dir.path()).expect("sqlite url"),
        Db::Postgres => pg_database().await,
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    lingyan_store::demo::load(&store).await.expect("demo data");
    let app = Application::build_with_store(config, store.clone())
        .await
        .expect("build app");
    let addr = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        addr,
        store,
        _dir: dir,
    }
}

static CSRF_FIELD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"name="csrf_token" value="([^"]+)""#).expect("regex"));

/// A browser-like client: its own cookie jar, no automatic redirects.
pub struct Client {
    pub http: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The value of a cookie the client holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url: reqwest::Url = self.base.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let s = r.status();
        (s, r.text().await.expect("body"))
    }

    /// The CSRF token embedded in a page.
    pub async fn csrf_from(&self, path: &str) -> String {
        let (_, body) = self.get_text(path).await;
        CSRF_FIELD
            .captures(&body)
            .unwrap_or_else(|| panic!("no csrf token on {path}: {body}"))[1]
            .to_string()
    }

    /// Posts a form with a fresh CSRF token taken from `page`.
    pub async fn post_form(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_from(page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.http
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// The session's CSRF token for API calls (X-CSRF-Token).
    pub async fn api_csrf(&self) -> String {
        let v: serde_json::Value = self
            .get("/api/v1/auth/csrf")
            .await
            .json()
            .await
            .expect("csrf json");
        v["csrf_token"].as_str().expect("csrf_token").to_string()
    }
}

impl TestApp {
    pub fn client(&self) -> Client {
        self.client_with_lang(None)
    }

    /// A client whose browser prefers `lang` (Accept-Language).
    pub fn client_with_lang(&self, lang: Option<&str>) -> Client {
        let jar = Arc::new(Jar::default());
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(l) = lang {
            headers.insert(reqwest::header::ACCEPT_LANGUAGE, l.parse().expect("header"));
        }
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client");
        Client {
            http,
            jar,
            base: self.addr.clone(),
        }
    }

    /// Signs in through the login form; panics unless it succeeds.
    pub async fn login_as(&self, username: &str) -> Client {
        let c = self.client();
        let r = c
            .post_form(
                "/login",
                "/login",
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {username} failed");
        c
    }

    /// Creates a personal access token for a demo user and returns its secret.
    pub async fn token_for(&self, username: &str) -> String {
        let c = self.login_as(username).await;
        let csrf = c.api_csrf().await;
        let r = c
            .http
            .post(c.url("/api/v1/me/tokens"))
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({"name": "test"}))
            .send()
            .await
            .expect("create token");
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: serde_json::Value = r.json().await.expect("json");
        v["secret"].as_str().expect("secret").to_string()
    }

    /// The id of a demo account, looked up as the system.
    pub async fn user_id(&self, username: &str) -> i64 {
        lingyan_store::users::find_by_username(&self.store, &lingyan_store::Scope::system("test"), username)
            .await
            .expect("user")
            .id
    }

    pub async fn school_id(&self, code: &str) -> i64 {
        lingyan_store::schools::get_by_code(&self.store, &lingyan_store::Scope::system("test"), code)
            .await
            .expect("school")
            .id
    }
}
