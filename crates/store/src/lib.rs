//! Lingyan's persistence and the application services that write through it.
//!
//! One code path serves SQLite (the embedded default) and PostgreSQL. Every
//! operation on tenant data takes a [`Scope`] — the authenticated caller —
//! and scopes its queries through it; there is no other way in.
//! Each state change is written together with its audit record in one
//! transaction.

pub mod activities;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod backup;
mod bulk;
pub mod calendar;
pub mod credits;
pub mod demo;
mod demo_staff;
pub mod districts;
pub mod duties;
mod entity;
mod error;
pub mod evidence;
pub mod evidence_import;
pub mod files;
pub mod generate;
pub mod growth;
pub mod mentoring;
mod migration;
pub mod org;
pub mod projects;
pub mod province;
pub mod roster;
pub mod rule_sets;
pub mod schools;
mod scope;
pub mod secrets;
pub mod sessions;
pub mod stats;
pub mod status;
pub mod studios;
pub mod teachers;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tiers;
pub mod tokens;
pub mod users;
pub mod viewer;

pub use error::{Error, Result};
pub use scope::{Actor, Scope};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use std::path::Path;
use std::time::Duration;

pub use auth::LoginPolicy;

/// A handle on the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    login_policy: LoginPolicy,
    blobs: Option<files::Blobs>,
    /// Schools' duty results kept between views (see `duties::kept`).
    kept: duties::Kept,
}

/// Which database a URL points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Store {
    /// The SQLite URL for the default file under `data_dir`
    /// (`DATA_DIR/lingyan.db`), creating the directory if needed.
    pub fn sqlite_url_in(data_dir: &Path) -> std::io::Result<String> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join("lingyan.db");
        Ok(format!("sqlite://{}?mode=rwc", path.display()))
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite runs in WAL
    /// mode with foreign keys on and a busy timeout, so concurrent readers and
    /// a writer do not fail with "database is locked".
    pub async fn connect(url: &str) -> Result<Self> {
        let mut opts = ConnectOptions::new(url.to_string());
        // Every statement with its time, at debug level under the target
        // `sqlx::query` (`LINGYAN_LOG=warn,sqlx::query=debug`): filtered
        // out, it costs a level check.
        opts.sqlx_logging(true)
            .sqlx_logging_level(log::LevelFilter::Debug)
            // Slow ones at debug level too (sqlx would warn, and under load
            // a statement's time includes its wait for a connection; `Off`
            // leaves sqlx's warning in place).
            .sqlx_slow_statements_logging_settings(log::LevelFilter::Debug, Duration::from_secs(1))
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            opts.max_connections(8).min_connections(1);
            opts.map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .create_if_missing(true)
                    // 64 MiB of page cache per connection (the default is
                    // 2 MiB): large imports then stay in memory until commit.
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory")
                    // After a checkpoint the WAL file is cut back to 64 MiB:
                    // one large import must not leave it at gigabytes.
                    .pragma("journal_size_limit", "67108864")
            });
        } else {
            opts.max_connections(16).min_connections(1);
        }
        let db = Database::connect(opts).await?;
        Ok(Self {
            db,
            login_policy: LoginPolicy::default(),
            blobs: None,
            kept: duties::Kept::default(),
        })
    }

    /// Sets how failed logins are throttled.
    pub fn with_login_policy(mut self, policy: LoginPolicy) -> Self {
        self.login_policy = policy;
        self
    }

    /// The same database without the results this handle keeps (a second
    /// server on the same database).
    pub fn forgetting(&self) -> Self {
        Self {
            kept: duties::Kept::default(),
            ..self.clone()
        }
    }

    /// Where attachments are stored (`DATA_DIR/attachments`) and their size
    /// limit; without it, attaching files fails.
    pub fn with_blobs(mut self, blobs: files::Blobs) -> Self {
        self.blobs = Some(blobs);
        self
    }

    pub fn blobs(&self) -> Option<&files::Blobs> {
        self.blobs.as_ref()
    }

    pub fn backend(&self) -> Backend {
        match self.db.get_database_backend() {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<()> {
        migration::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Names of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<String>> {
        Ok(migration::Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_string())
            .collect())
    }

    /// Names of the migrations applied to this database, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>> {
        Ok(migration::Migrator::get_applied_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_string())
            .collect())
    }

    /// Names of every migration this build knows, oldest first (tests use
    /// them to name a migrated template database).
    pub fn migration_names() -> Vec<String> {
        migration::Migrator::migrations()
            .iter()
            .map(|m| m.name().to_string())
            .collect()
    }

    /// A round trip to the database, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Closes the pool (used at shutdown and by tests before dropping a
    /// database).
    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Starts a transaction that will write. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`) and so waits its turn under the
    /// busy timeout: a deferred transaction that reads first and writes
    /// later cannot wait (SQLite answers "database is locked" at once when
    /// another writer committed after its read began). Every service that
    /// changes data begins its transaction here.
    pub(crate) async fn begin(&self) -> std::result::Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
    }

    /// Runs a raw query and returns how many rows it gave; benchmarks use
    /// it to time plain SQL beside a service on the same database.
    pub async fn query_row_count(&self, sql: &str, values: Vec<sea_orm::Value>) -> Result<usize> {
        let backend = self.db.get_database_backend();
        Ok(self
            .db
            .query_all_raw(sea_orm::Statement::from_sql_and_values(backend, sql, values))
            .await?
            .len())
    }

    /// After a large write (an import): copies the SQLite write-ahead log
    /// into the database and truncates it, so it does not stay as large as
    /// the import was. Best effort — readers in flight may keep part of it
    /// until the next checkpoint. Nothing to do on PostgreSQL.
    pub async fn checkpoint(&self) {
        if self.backend() == Backend::Sqlite
            && let Err(e) = self
                .db
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
        {
            tracing::debug!(error = %e, "checkpoint after a large write did not run");
        }
    }

    /// Runs a raw statement; used by tests and maintenance commands only.
    pub async fn execute_unprepared(&self, sql: &str) -> Result<()> {
        self.db.execute_unprepared(sql).await?;
        Ok(())
    }
}
