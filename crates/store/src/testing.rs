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
            let h = fnv(Store::migration_names().join(",").into_bytes());
            let name = format!("lingyan_tpl_{h:016x}");
            if !pg_exists(admin, &name).await {
                // Built under a private name, then renamed.
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
                publish(admin, &tmp, &name).await;
            }
            name
        })
        .await
        .clone()
}

/// Renames the private database `tmp` to `name`: whoever renames first
/// wins and the others drop their copy.
async fn publish(admin: &Store, tmp: &str, name: &str) {
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

async fn pg_exists(admin: &Store, name: &str) -> bool {
    admin
        .execute_unprepared(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}') \
             THEN RAISE EXCEPTION 'missing'; END IF; END $$"
        ))
        .await
        .is_ok()
}

/// `CREATE DATABASE db TEMPLATE template`, waiting while another process
/// copies the same template (PostgreSQL refuses a template in use).
async fn create_from(admin: &Store, db: &str, template: &str) {
    let mut attempt = 0;
    loop {
        match admin
            .execute_unprepared(&format!("CREATE DATABASE {db} TEMPLATE {template}"))
            .await
        {
            Ok(()) => break,
            Err(e) if attempt < 100 && e.to_string().contains("being accessed") => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot create test database: {e}"),
        }
    }
}

/// A new database: migrated, or holding the demo for `demo = Some((key,
/// duties))`.
async fn pg_database_from(demo: Option<(&str, bool)>) -> String {
    let admin_url = pg_admin_url();
    let admin = Store::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required for the tests and is not reachable at {admin_url}: {e}. \
             Run scripts/test, or set LINGYAN_TEST_POSTGRES_URL."
        )
    });
    let template = match demo {
        Some((key, duties)) => pg_demo_template(&admin, key, duties).await,
        None => pg_template(&admin).await,
    };
    let db = format!("lingyan_t_{}", random_suffix());
    create_from(&admin, &db, &template).await;
    let _ = admin.close().await;
    with_db(&admin_url, &db)
}

/// A migrated, empty database and the directory holding it (for SQLite),
/// which lives as long as the returned guard.
pub async fn fresh(db: Db) -> (Store, tempfile::TempDir) {
    let (store, dir, _) = fresh_with_url(db).await;
    (store, dir)
}

/// [`fresh`], with the database's URL.
pub async fn fresh_with_url(db: Db) -> (Store, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match db {
        Db::Sqlite => Store::sqlite_url_in(dir.path()).expect("sqlite url"),
        Db::Postgres => pg_database_from(None).await,
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, dir, url)
}

/// A database holding the demo — with its duty sets and this term's
/// records, or without them — copied from one built once per test binary
/// and day: loading the demo takes seconds, copying it a fraction of one.
/// The copy's key names the migrations, the binary that built it (a
/// rebuilt binary may load a different demo) and the day (the demo is
/// dated from today).
pub async fn demo(db: Db, duties: bool) -> (Store, tempfile::TempDir) {
    let key = demo_key(duties);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match db {
        Db::Sqlite => {
            let cached = sqlite_demo(&key, duties).await;
            std::fs::copy(&cached, dir.path().join("lingyan.db")).expect("copy the demo database");
            Store::sqlite_url_in(dir.path()).expect("sqlite url")
        }
        Db::Postgres => pg_database_from(Some((&key, duties))).await,
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, dir)
}

fn fnv(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 1469598103934665603;
    for b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
    }
    h
}

fn demo_key(duties: bool) -> String {
    let mut id = Store::migration_names().join(",");
    if let Ok(exe) = std::env::current_exe() {
        id.push_str(&exe.display().to_string());
        if let Ok(meta) = std::fs::metadata(&exe) {
            id.push_str(&format!("{}{:?}", meta.len(), meta.modified().ok()));
        }
    }
    format!(
        "{:016x}_{}_{}",
        fnv(id.into_bytes()),
        crate::calendar::today().format("%Y%m%d"),
        if duties { "duties" } else { "plain" }
    )
}

/// The cached SQLite demo file for `key`, built if missing: loaded into a
/// private database, written out whole by `VACUUM INTO` under a private
/// name and renamed into place, so a reader never sees half a file.
async fn sqlite_demo(key: &str, duties: bool) -> std::path::PathBuf {
    let cache = std::env::temp_dir().join("lingyan-test-demo");
    std::fs::create_dir_all(&cache).expect("demo cache directory");
    let path = cache.join(format!("{key}.db"));
    if path.exists() {
        return path;
    }
    // Copies from earlier days or builds.
    if let Ok(entries) = std::fs::read_dir(&cache) {
        let day = std::time::Duration::from_secs(86_400);
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > day);
            if old {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let work = tempfile::tempdir().expect("temp dir");
    let store = Store::connect(&Store::sqlite_url_in(work.path()).expect("sqlite url"))
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    crate::demo::load_with(&store, duties).await.expect("demo data");
    let tmp = cache.join(format!("{key}.{}.tmp", random_suffix()));
    store
        .execute_unprepared(&format!("VACUUM INTO '{}'", tmp.display()))
        .await
        .expect("write the demo database");
    store.close().await.expect("close");
    std::fs::rename(&tmp, &path).expect("put the demo database in place");
    path
}

/// Creates (once per process, race-free across processes) a template
/// database holding the demo, and returns its name.
async fn pg_demo_template(admin: &Store, key: &str, duties: bool) -> String {
    let name = format!("lingyan_tpl_demo_{key}");
    if pg_exists(admin, &name).await {
        return name;
    }
    let migrated = pg_template(admin).await;
    let tmp = format!("lingyan_tplb_{}", random_suffix());
    create_from(admin, &tmp, &migrated).await;
    let s = Store::connect(&with_db(&pg_admin_url(), &tmp))
        .await
        .expect("connect template");
    crate::demo::load_with(&s, duties).await.expect("demo data");
    s.close().await.expect("close template");
    publish(admin, &tmp, &name).await;
    name
}

/// A database with nothing in it (not migrated) and a directory for its
/// data: where a restore goes.
pub async fn empty(db: Db) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match db {
        Db::Sqlite => format!("sqlite://{}?mode=rwc", dir.path().join("lingyan.db").display()),
        Db::Postgres => {
            let admin_url = pg_admin_url();
            let admin = Store::connect(&admin_url).await.expect("PostgreSQL");
            let name = format!("lingyan_t_{}", random_suffix());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            let _ = admin.close().await;
            with_db(&admin_url, &name)
        }
    };
    (url, dir)
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

/// A minimal .xlsx whose one worksheet's XML is written by `sheet` — for
/// tests of hostile workbooks (a few KB that unpack to hundreds of MB, a
/// cell a million rows down, a row of thousands of cells).
pub fn hostile_xlsx(sheet: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, &str); 4] = [
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, opts).expect("zip part");
        zip.write_all(text.as_bytes()).expect("zip write");
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts.large_file(true))
        .expect("zip sheet");
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    )
    .expect("zip write");
    sheet(&mut zip).expect("sheet xml");
    zip.write_all(b"</sheetData></worksheet>").expect("zip write");
    zip.finish().expect("zip finish").into_inner()
}

/// `<row>` XML with inline-string cells, for [`hostile_xlsx`].
pub fn row_xml(row: u32, cells: &[(u32, &str)]) -> String {
    let mut s = format!("<row r=\"{row}\">");
    for (col, text) in cells {
        s.push_str(&format!(
            "<c r=\"{}{row}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
            column_name(*col)
        ));
    }
    s.push_str("</row>");
    s
}

/// `1` → `A`, `27` → `AA`.
pub fn column_name(mut col: u32) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let r = (col - 1) % 26;
        out.push(b'A' + r as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Every table's rows as JSON, each table's rows sorted: two databases
/// with the same content give the same map.
pub async fn dump_tables(store: &Store) -> std::collections::BTreeMap<String, Vec<String>> {
    use sea_orm::{FromQueryResult, JsonValue, Statement};
    let conn = store.conn();
    let backend = conn.get_database_backend();
    let list = match store.backend() {
        crate::Backend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        crate::Backend::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let tables = JsonValue::find_by_statement(Statement::from_string(backend, list))
        .all(conn)
        .await
        .expect("tables");
    let mut out = std::collections::BTreeMap::new();
    for t in tables {
        let name = t["t"].as_str().expect("table name").to_string();
        let rows = JsonValue::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM \"{name}\""),
        ))
        .all(conn)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut rows: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        rows.sort();
        out.insert(name, rows);
    }
    out
}

/// Issues a teacher's transcript under a code of twelve digits (so a test
/// that fills paths with numbers can name it), and returns the number.
pub async fn issue_numbered(store: &Store, teacher_id: i64, n: i64) -> i64 {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let scope = crate::Scope::system("testing");
    let v = crate::credits::transcript_of(store, &scope, teacher_id, crate::calendar::today(), None)
        .await
        .expect("transcript");
    let issued = crate::credits::issue(store, &scope, &v).await.expect("issue");
    let number = 900_000_000_000 + n;
    let m = crate::entity::transcript_issue::Entity::find()
        .filter(crate::entity::transcript_issue::Column::Code.eq(&issued.code))
        .one(store.conn())
        .await
        .expect("read")
        .expect("issued");
    let mut am: crate::entity::transcript_issue::ActiveModel = m.into();
    am.code = Set(number.to_string());
    am.update(store.conn()).await.expect("renumber");
    number
}

/// Gives a teacher a calendar feed whose secret is a number (for tests
/// that fill paths with numbers), and returns it.
pub async fn feed_numbered(store: &Store, teacher_id: i64, n: i64) -> i64 {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    use sha2::Digest;
    let number = 800_000_000_000 + n;
    crate::entity::calendar_feed::Entity::delete_many()
        .filter(crate::entity::calendar_feed::Column::TeacherId.eq(teacher_id))
        .exec(store.conn())
        .await
        .expect("clear");
    crate::entity::calendar_feed::ActiveModel {
        teacher_id: Set(teacher_id),
        token_hash: Set(crate::files::hex(&sha2::Sha256::digest(
            number.to_string().as_bytes(),
        ))),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(store.conn())
    .await
    .expect("feed");
    number
}

/// A teacher's id by staff number (tests name the demo's teachers so).
pub async fn teacher_by_staff_no(store: &Store, staff_no: &str) -> i64 {
    use crate::entity::teacher;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    teacher::Entity::find()
        .filter(teacher::Column::StaffNo.eq(staff_no))
        .one(store.conn())
        .await
        .expect("teachers")
        .unwrap_or_else(|| panic!("no teacher {staff_no}"))
        .id
}

/// The ids of a school's active teachers, in order of id.
pub async fn teachers_of_school(store: &Store, school_id: i64) -> Vec<i64> {
    use crate::entity::teacher;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::Id)
        .all(store.conn())
        .await
        .expect("teachers")
        .into_iter()
        .map(|t| t.id)
        .collect()
}
