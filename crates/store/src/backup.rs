//! Backups that restore: one .zip archive holding a consistent snapshot of
//! the database (SQLite's `VACUUM INTO`, PostgreSQL's `pg_dump`), every
//! attachment, and a manifest with each entry's size and SHA-256.
//!
//! The snapshot is taken while the server runs and writes: `VACUUM INTO`
//! and `pg_dump` each read one transaction's view of the database.
//! Attachments are content-addressed and written to disk before the row
//! naming them commits, so they are collected twice — before the snapshot
//! and after it — and every file a snapshot row can name is in the archive.
//!
//! A restore checks every entry against the manifest before it writes
//! anything, and refuses to write over a database that holds data unless
//! told to (`force`).

use crate::{Backend, Error, Result, Store};
use chrono::{DateTime, Utc};
use lingyan_domain::FieldError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The archive format this build writes and reads.
pub const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SQLITE_ENTRY: &str = "database.sqlite";
const PG_ENTRY: &str = "database.pgdump";

/// What an archive holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    /// The Lingyan version that wrote it.
    pub version: String,
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Migrations applied to the database at the time.
    pub migrations: Vec<String>,
    pub database: Entry,
    pub attachments: Vec<Entry>,
}

/// One file in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// Bytes of attachments.
    pub fn attachment_bytes(&self) -> u64 {
        self.attachments.iter().map(|e| e.bytes).sum()
    }
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

fn io(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("{what}: {e}"))
}

fn refused(code: &'static str, value: impl std::fmt::Display) -> Error {
    Error::Invalid(FieldError::new("archive", code).with("value", value.to_string()))
}

fn hex(d: impl AsRef<[u8]>) -> String {
    crate::files::hex(d.as_ref())
}

/// Content files under `attachments/` (`ab/cd/<sha256>`), by name.
fn content_files(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => {
                    let name = e.file_name().to_string_lossy().to_string();
                    // Half-written files are `*.tmp*` beside their target.
                    if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                        out.insert(name, p);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Writes `src` into the archive as `name`, returning its entry.
fn add_file<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    name: &str,
    src: &Path,
    compress: bool,
) -> Result<Option<Entry>> {
    let mut f = match std::fs::File::open(src) {
        Ok(f) => f,
        // Deleted since it was listed (its record was deleted meanwhile).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&src.display().to_string(), e)),
    };
    let method = if compress {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    zip.start_file(name, opts).map_err(|e| io(name, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| io(name, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        zip.write_all(&buf[..n]).map_err(|e| io(name, e))?;
        bytes += n as u64;
    }
    Ok(Some(Entry {
        path: name.to_string(),
        bytes,
        sha256: hex(hasher.finalize()),
    }))
}

fn run_tool(cmd: &mut std::process::Command, tool: &str) -> Result<()> {
    let out = cmd.output().map_err(|e| {
        refused(
            "backup_tool_missing",
            format!("{tool}: {e} (install PostgreSQL's client programs)"),
        )
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(refused("backup_tool_failed", format!("{tool}: {}", err.trim())));
    }
    Ok(())
}

/// Backs up the database at `url` (which `store` is connected to) and the
/// attachments under `data_dir` into the archive `out` (written beside it
/// and renamed into place, so a failed backup leaves no half archive).
pub async fn backup(store: &Store, url: &str, data_dir: &Path, out: &Path) -> Result<Manifest> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let work = tempfile::Builder::new()
        .prefix(".lingyan-backup-")
        .tempdir_in(&parent)
        .map_err(|e| io(&parent.display().to_string(), e))?;
    let attachments = data_dir.join("attachments");
    let before = content_files(&attachments);

    let backend = store.backend();
    let migrations = store.applied_migrations().await?;
    let snapshot = match backend {
        Backend::Sqlite => {
            let p = work.path().join(SQLITE_ENTRY);
            let quoted = p.to_string_lossy().replace('\'', "''");
            store
                .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
                .await?;
            p
        }
        Backend::Postgres => {
            let p = work.path().join(PG_ENTRY);
            let (url, p2) = (url.to_string(), p.clone());
            tokio::task::spawn_blocking(move || {
                run_tool(
                    std::process::Command::new("pg_dump")
                        .arg("--format=custom")
                        .arg("--no-owner")
                        .arg("--no-privileges")
                        .arg("--file")
                        .arg(&p2)
                        .arg("--dbname")
                        .arg(&url),
                    "pg_dump",
                )
            })
            .await
            .map_err(|e| io("pg_dump", e))??;
            p
        }
    };
    let mut files = before;
    files.extend(content_files(&attachments));

    let tmp_out = work.path().join("archive.zip");
    let (tmp2, snap2) = (tmp_out.clone(), snapshot.clone());
    let manifest = tokio::task::spawn_blocking(move || -> Result<Manifest> {
        let f = std::fs::File::create(&tmp2).map_err(|e| io("archive", e))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(f));
        let name = match backend {
            Backend::Sqlite => SQLITE_ENTRY,
            Backend::Postgres => PG_ENTRY,
        };
        let database = add_file(&mut zip, name, &snap2, true)?.ok_or_else(|| io("snapshot", "missing"))?;
        let mut entries = Vec::new();
        for (sha, path) in files {
            let name = format!("attachments/{}/{}/{sha}", &sha[0..2], &sha[2..4]);
            if let Some(e) = add_file(&mut zip, &name, &path, false)? {
                entries.push(e);
            }
        }
        let manifest = Manifest {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            created_at: Utc::now(),
            backend: backend_name(backend).to_string(),
            migrations,
            database,
            attachments: entries,
        };
        zip.start_file(MANIFEST, zip::write::SimpleFileOptions::default())
            .map_err(|e| io(MANIFEST, e))?;
        serde_json::to_writer_pretty(&mut zip, &manifest).map_err(|e| io(MANIFEST, e))?;
        let mut w = zip.finish().map_err(|e| io("archive", e))?;
        w.flush().map_err(|e| io("archive", e))?;
        w.get_ref().sync_all().map_err(|e| io("archive", e))?;
        Ok(manifest)
    })
    .await
    .map_err(|e| io("backup", e))??;
    std::fs::rename(&tmp_out, out).map_err(|e| io(&out.display().to_string(), e))?;
    Ok(manifest)
}

/// Reads an archive's manifest and checks every entry against it: sizes
/// and checksums, no entry missing, nothing the manifest does not name.
pub fn verify(archive: &Path) -> Result<Manifest> {
    let f = std::fs::File::open(archive).map_err(|e| refused("backup_unreadable", e))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| refused("backup_damaged", e))?;
    let manifest: Manifest = {
        let m = zip
            .by_name(MANIFEST)
            .map_err(|_| refused("backup_damaged", "manifest.json is missing"))?;
        serde_json::from_reader(m.take(16 * 1024 * 1024))
            .map_err(|e| refused("backup_damaged", format!("manifest.json: {e}")))?
    };
    if manifest.format != FORMAT {
        return Err(refused("backup_format", manifest.format));
    }
    // Attachments are named by their content: anything else (a path that
    // climbs out, a name that is not a hash) is a forged archive.
    for e in &manifest.attachments {
        if !is_sha256(&e.sha256)
            || e.path != format!("attachments/{}/{}/{}", &e.sha256[0..2], &e.sha256[2..4], e.sha256)
        {
            return Err(refused(
                "backup_damaged",
                format!("{} is not an attachment's name", e.path),
            ));
        }
    }
    if ![SQLITE_ENTRY, PG_ENTRY].contains(&manifest.database.path.as_str()) {
        return Err(refused("backup_damaged", &manifest.database.path));
    }
    let mut buf = vec![0u8; 256 * 1024];
    for e in std::iter::once(&manifest.database).chain(&manifest.attachments) {
        let mut f = zip
            .by_name(&e.path)
            .map_err(|_| refused("backup_damaged", format!("{} is missing", e.path)))?;
        let mut h = Sha256::new();
        let mut n = 0u64;
        loop {
            let k = f
                .read(&mut buf)
                .map_err(|x| refused("backup_damaged", format!("{}: {x}", e.path)))?;
            if k == 0 {
                break;
            }
            n += k as u64;
            if n > e.bytes {
                break;
            }
            h.update(&buf[..k]);
        }
        if n != e.bytes || hex(h.finalize()) != e.sha256 {
            return Err(refused(
                "backup_damaged",
                format!("{} does not match its checksum", e.path),
            ));
        }
    }
    Ok(manifest)
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Where a restore writes.
#[derive(Debug, Clone)]
pub struct Target {
    /// `sqlite://…` or `postgres://…`.
    pub url: String,
    pub data_dir: PathBuf,
}

/// The file behind a `sqlite://PATH?…` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Restores an archive into `target`: an empty database (or, with
/// `force`, one whose contents are replaced) and its data directory.
/// Everything is checked before anything is written.
pub async fn restore(archive: &Path, target: &Target, force: bool) -> Result<Manifest> {
    let a = archive.to_path_buf();
    let manifest = tokio::task::spawn_blocking(move || verify(&a))
        .await
        .map_err(|e| io("restore", e))??;
    let known = Store::migration_names();
    if let Some(newer) = manifest.migrations.iter().find(|m| !known.contains(m)) {
        return Err(refused("backup_newer", newer));
    }
    let backend = if target.url.starts_with("postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    if manifest.backend != backend_name(backend) {
        return Err(refused("backup_other_backend", &manifest.backend));
    }

    let work = tempfile::Builder::new()
        .prefix(".lingyan-restore-")
        .tempdir()
        .map_err(|e| io("temporary directory", e))?;
    let extract = |entry: &Entry, to: &Path| -> Result<()> {
        let f = std::fs::File::open(archive).map_err(|e| io("archive", e))?;
        let mut zip = zip::ZipArchive::new(f).map_err(|e| refused("backup_damaged", e))?;
        let mut src = zip
            .by_name(&entry.path)
            .map_err(|e| refused("backup_damaged", e))?;
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p).map_err(|e| io(&p.display().to_string(), e))?;
        }
        let mut out = std::fs::File::create(to).map_err(|e| io(&to.display().to_string(), e))?;
        std::io::copy(&mut src, &mut out).map_err(|e| io(&to.display().to_string(), e))?;
        out.sync_all().map_err(|e| io(&to.display().to_string(), e))?;
        Ok(())
    };

    match backend {
        Backend::Sqlite => {
            let path = sqlite_path(&target.url).ok_or_else(|| refused("backup_target", &target.url))?;
            let holds_data = std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
            if holds_data && !force {
                return Err(refused("backup_target_not_empty", path.display()));
            }
            let staged = work.path().join(SQLITE_ENTRY);
            extract(&manifest.database, &staged)?;
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(|e| io(&p.display().to_string(), e))?;
            }
            for suffix in ["-wal", "-shm"] {
                let mut side = path.clone().into_os_string();
                side.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
            // Copy beside the target, then rename: the database file is
            // never half written.
            let beside = path.with_extension("restoring");
            std::fs::copy(&staged, &beside).map_err(|e| io(&beside.display().to_string(), e))?;
            std::fs::rename(&beside, &path).map_err(|e| io(&path.display().to_string(), e))?;
        }
        Backend::Postgres => {
            let store = Store::connect(&target.url).await?;
            let tables = store
                .query_row_count(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'",
                    vec![],
                )
                .await?;
            if tables > 0 && !force {
                store.close().await?;
                return Err(refused("backup_target_not_empty", redact(&target.url)));
            }
            if tables > 0 {
                store
                    .execute_unprepared("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
                    .await?;
            }
            store.close().await?;
            let staged = work.path().join(PG_ENTRY);
            extract(&manifest.database, &staged)?;
            let url = target.url.clone();
            tokio::task::spawn_blocking(move || {
                run_tool(
                    std::process::Command::new("pg_restore")
                        .arg("--no-owner")
                        .arg("--no-privileges")
                        .arg("--exit-on-error")
                        .arg("--dbname")
                        .arg(&url)
                        .arg(&staged),
                    "pg_restore",
                )
            })
            .await
            .map_err(|e| io("pg_restore", e))??;
        }
    }
    let blobs = target.data_dir.join("attachments");
    for e in &manifest.attachments {
        // verify() checked that the sha is a hash and the path its name.
        let sha = &e.sha256;
        let to = blobs.join(&sha[0..2]).join(&sha[2..4]).join(sha);
        if std::fs::metadata(&to).is_ok_and(|m| m.len() == e.bytes) {
            continue;
        }
        let tmp = to.with_extension("tmp-restore");
        extract(e, &tmp)?;
        std::fs::rename(&tmp, &to).map_err(|x| io(&to.display().to_string(), x))?;
    }
    Ok(manifest)
}
