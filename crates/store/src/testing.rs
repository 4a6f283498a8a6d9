//! Fresh databases for tests (feature `testing`): a SQLite file in a
//! temporary directory, or a PostgreSQL database cloned from a migrated
//! template. PostgreSQL comes from `LINGYAN_TEST_POSTGRES_URL` (default the
//! local server); when it cannot be reached the test fails, it is never
//! skipped.

use crate::Store;
use tokio::sync::OnceCell;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The admin URL of the test PostgreSQL server.
pub fn pg_admin_url() -> String {
    std::env::var("LINGYAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// `url` with its database name replaced.
pub fn with_db(url: &str, db: &str) -> String {
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
    format!("{:016x}", rand::random::<u64>())
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
        panic!(
            "PostgreSQL is required for the tests and is not reachable at {admin_url}: {e}. \
             Run scripts/test, or set LINGYAN_TEST_POSTGRES_URL."
        )
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

/// A migrated, empty database and the directory holding it (for SQLite),
/// which lives as long as the returned guard.
pub async fn fresh(db: Db) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match db {
        Db::Sqlite => Store::sqlite_url_in(dir.path()).expect("sqlite url"),
        Db::Postgres => pg_database().await,
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, dir)
}

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_dbs {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::testing::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::testing::Db::Postgres).await
            }
        }
    };
}
