//! How attached files are stored: once per content under the data
//! directory (`attachments/ab/cd/<sha256>`), a `files` row per district and
//! content, and an `attachments` row per use. The type is decided by the
//! content, never by the name; a file nobody uses any more is deleted.
//! Who may attach, read and remove them is `attachments`' business.

use crate::entity::{attachment, file};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use lingyan_domain::FieldError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::path::PathBuf;

/// The default upper bound of one attachment.
pub const DEFAULT_LIMIT: usize = 25 * 1024 * 1024;

/// Where attachment contents live and how large one may be.
#[derive(Debug, Clone)]
pub struct Blobs {
    pub dir: PathBuf,
    pub limit: usize,
}

impl Blobs {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            limit: DEFAULT_LIMIT,
        }
    }

    /// The path of a content hash: `dir/ab/cd/abcd…`.
    pub fn path_of(&self, sha: &str) -> PathBuf {
        self.dir.join(&sha[0..2]).join(&sha[2..4]).join(sha)
    }
}

/// Decides what a file is from its first bytes. Allowed: PDF, images,
/// Office documents (OOXML, legacy OLE, OpenDocument), audio and video.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let t = infer::get(bytes)?;
    let mime = t.mime_type();
    let ok = match t.matcher_type() {
        infer::MatcherType::Image
        | infer::MatcherType::Audio
        | infer::MatcherType::Video
        | infer::MatcherType::Doc => true,
        _ => mime == "application/pdf",
    };
    ok.then_some(mime)
}

pub(crate) fn clean_filename(name: &str) -> Result<String> {
    // Keep only the last path component a browser or phone may send.
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(FieldError::new("file", "no_filename").into());
    }
    Ok(cleaned)
}

pub(crate) async fn write_blob(blobs: &Blobs, sha: &str, bytes: &[u8]) -> Result<()> {
    let path = blobs.path_of(sha);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let io = |e: std::io::Error| Error::Internal(format!("writing attachment {}: {e}", path.display()));
    let dir = path.parent().expect("blob paths have a parent");
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    // Write beside the target and rename, so a reader never sees half a file.
    let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, &path).await.map_err(io)?;
    Ok(())
}

/// Lower-case hex of a digest (content hashes, token and throttle keys).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Evidence(i64),
    Project(i64),
}

impl Target {
    pub(crate) fn evidence_id(self) -> Option<i64> {
        match self {
            Target::Evidence(id) => Some(id),
            Target::Project(_) => None,
        }
    }

    pub(crate) fn project_id(self) -> Option<i64> {
        match self {
            Target::Project(id) => Some(id),
            Target::Evidence(_) => None,
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Target::Evidence(id) | Target::Project(id) => id,
        }
    }

    pub(crate) fn entity_type(self) -> &'static str {
        match self {
            Target::Evidence(_) => "evidence",
            Target::Project(_) => "research_project",
        }
    }

    pub(crate) fn action(self, what: &str) -> &'static str {
        match (self, what) {
            (Target::Evidence(_), "attach") => "evidence.attach",
            (Target::Evidence(_), _) => "evidence.detach",
            (Target::Project(_), "attach") => "project.attach",
            (Target::Project(_), _) => "project.detach",
        }
    }

    pub(crate) fn of(a: &attachment::Model) -> Option<Self> {
        match (a.evidence_id, a.project_id) {
            (Some(e), _) => Some(Target::Evidence(e)),
            (None, Some(p)) => Some(Target::Project(p)),
            _ => None,
        }
    }
}

/// An attached file, as a record lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

impl AttachmentInfo {
    /// Whether the page can show it inline (images and PDFs).
    pub fn previewable(&self) -> bool {
        self.content_type.starts_with("image/")
            && self.content_type != "image/heic"
            && self.content_type != "image/heif"
            || self.content_type == "application/pdf"
    }

    pub fn is_image(&self) -> bool {
        self.previewable() && self.content_type.starts_with("image/")
    }
}

/// The attachments of one record or project, oldest first.
pub(crate) async fn list_for<C: ConnectionTrait>(conn: &C, target: Target) -> Result<Vec<AttachmentInfo>> {
    let col = match target {
        Target::Evidence(id) => attachment::Column::EvidenceId.eq(id),
        Target::Project(id) => attachment::Column::ProjectId.eq(id),
    };
    let rows = attachment::Entity::find()
        .filter(col)
        .order_by_asc(attachment::Column::Id)
        .find_also_related(file::Entity)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, f)| {
            f.map(|f| AttachmentInfo {
                id: a.id,
                filename: a.filename,
                content_type: f.content_type,
                size: f.size,
                created_at: a.created_at,
            })
        })
        .collect())
}

/// Deletes `files` rows among `file_ids` that no attachment uses any more;
/// returns their hashes (the caller removes the contents after commit).
pub(crate) async fn drop_unused<C: ConnectionTrait>(conn: &C, file_ids: &[i64]) -> Result<Vec<String>> {
    let mut gone = Vec::new();
    for id in file_ids
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
    {
        let used = attachment::Entity::find()
            .filter(attachment::Column::FileId.eq(id))
            .count(conn)
            .await?
            + crate::entity::credit_claim::Entity::find()
                .filter(crate::entity::credit_claim::Column::FileId.eq(Some(id)))
                .count(conn)
                .await?;
        if used == 0
            && let Some(f) = file::Entity::find_by_id(id).one(conn).await?
        {
            file::Entity::delete_by_id(id).exec(conn).await?;
            gone.push(f.sha256);
        }
    }
    Ok(gone)
}

impl Store {
    /// Deletes the contents of hashes no district uses any more. Called after
    /// the transaction that dropped their rows has committed; a failure only
    /// leaves a file behind, which is logged.
    pub(crate) async fn remove_blobs<C: ConnectionTrait>(&self, conn: &C, shas: Vec<String>) {
        let Some(blobs) = self.blobs() else { return };
        for sha in shas {
            match file::Entity::find()
                .filter(file::Column::Sha256.eq(&sha))
                .count(conn)
                .await
            {
                Ok(0) => {
                    let path = blobs.path_of(&sha);
                    if let Err(e) = tokio::fs::remove_file(&path).await {
                        tracing::warn!(path = %path.display(), error = %e, "could not remove attachment");
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not check attachment use"),
            }
        }
    }
}

/// Counts of stored contents and links, for tests and `lingyan` status.
pub async fn stats(store: &Store) -> Result<(u64, u64)> {
    let files = file::Entity::find().count(store.conn()).await?;
    let links = attachment::Entity::find().count(store.conn()).await?;
    Ok((files, links))
}
