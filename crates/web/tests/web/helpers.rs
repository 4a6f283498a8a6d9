//! `spawn_app()`: the whole server on port 0 over a fresh database — a
//! SQLite file in a temporary directory, or a PostgreSQL database cloned
//! from a template — with the demo loaded (built once per binary and day,
//! then copied), and clients that keep cookies like a browser.

use lingyan_store::Store;
use lingyan_web::{Application, Config};
use regex::Regex;
use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use std::sync::{Arc, LazyLock};

pub const PASSWORD: &str = lingyan_store::demo::PASSWORD;

pub use lingyan_store::testing::Db;

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
    // `both_dbs!(name, without_duties)`: the demo without its duty sets
    // and term records, for tests of the duty-set mechanics.
    ($name:ident, without_duties) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::spawn_app_without_duties($crate::helpers::Db::Sqlite).await)
                    .await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::spawn_app_without_duties($crate::helpers::Db::Postgres).await)
                    .await
            }
        }
    };
}

pub struct TestApp {
    pub addr: String,
    pub store: Store,
    /// The server's data directory (attachments live under it).
    pub data_dir: std::path::PathBuf,
    _dir: tempfile::TempDir,
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
    spawn(db, tweak, true).await
}

/// The demo without its duty sets and this term's records.
pub async fn spawn_app_without_duties(db: Db) -> TestApp {
    spawn(db, |_| {}, false).await
}

async fn spawn(db: Db, tweak: impl FnOnce(&mut Config), duties: bool) -> TestApp {
    let (store, dir) = lingyan_store::testing::demo(db, duties).await;
    let mut config = test_config(dir.path());
    tweak(&mut config);
    let app = Application::build_with_store(config, store.clone())
        .await
        .expect("build app");
    let addr = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        addr,
        store,
        data_dir: dir.path().to_path_buf(),
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
        self.login_with(self.client(), username).await
    }

    /// Signs in with a client made beforehand (e.g. with a language).
    pub async fn login_with(&self, c: Client, username: &str) -> Client {
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

/// A district of its own (西湖区, code XH) with one primary school (XHSY),
/// for tests of what crosses district lines. Returns (district, school).
pub async fn other_district(app: &TestApp) -> (i64, i64) {
    let sys = lingyan_store::Scope::system("test");
    let d = lingyan_store::districts::create(
        &app.store,
        &sys,
        lingyan_store::districts::DistrictChanges {
            code: Some("XH".into()),
            name: Some("西湖区".into()),
            name_en: Some("Xihu District".into()),
        },
    )
    .await
    .expect("district");
    let s = lingyan_store::schools::create(
        &app.store,
        &sys,
        d.id,
        lingyan_store::schools::SchoolChanges {
            code: Some("XHSY".into()),
            name: Some("西湖实验小学".into()),
            name_en: None,
            school_type: Some("primary".into()),
            active: Some(true),
        },
    )
    .await
    .expect("school");
    (d.id, s.id)
}

/// One file of a zip archive (.docx, .xlsx) as text; empty if absent.
pub fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let Ok(mut f) = z.by_name(name) else {
        return String::new();
    };
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).expect("utf-8 text");
    s
}

/// The sheets of a workbook: name and cells.
pub fn workbook_sheets(bytes: &[u8]) -> Vec<(String, calamine::Range<calamine::Data>)> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).expect("a sheet");
            (n, r)
        })
        .collect()
}

/// An import report's problems as (row, column, code).
pub fn row_codes(report: &serde_json::Value) -> Vec<(i64, String, String)> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().expect("row"),
                e["column"].as_str().expect("column").to_string(),
                e["code"].as_str().expect("code").to_string(),
            )
        })
        .collect()
}

/// Takes the demo pairs' mentoring hours off the credit ledger, for tests
/// that pin the credit arithmetic on a fixture ledger of their own.
pub async fn without_mentoring_hours(app: &TestApp) {
    app.store
        .execute_unprepared("DELETE FROM credit_entries WHERE source = 'mentoring'")
        .await
        .expect("delete");
}
