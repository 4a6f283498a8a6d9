//! Attachments: files stored once per content under the data directory
//! (`attachments/ab/cd/<sha256>`), a `files` row per district and content,
//! and an `attachments` row per use. The type is decided by the content,
//! never by the name; a file nobody uses any more is deleted.

use crate::audit::{self, Change};
use crate::entity::{attachment, file};
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, NaiveDate, Utc};
use lingyan_domain::{FieldError, Tenant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
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

fn clean_filename(name: &str) -> Result<String> {
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

/// Attaches a file to a record the caller may edit. Returns the new
/// attachment.
pub async fn attach(
    store: &Store,
    scope: &Scope,
    target: Target,
    filename: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<AttachmentInfo> {
    let blobs = store
        .blobs()
        .ok_or_else(|| Error::Internal("no attachment directory configured".into()))?;
    let filename = clean_filename(filename)?;
    if bytes.is_empty() {
        return Err(FieldError::new("file", "empty_file")
            .with("value", &filename)
            .into());
    }
    if bytes.len() > blobs.limit {
        return Err(FieldError::new("file", "attachment_too_large")
            .with("value", &filename)
            .with("max", format!("{} MB", blobs.limit / (1024 * 1024)))
            .into());
    }
    let content_type = sniff(bytes).ok_or_else(|| {
        Error::Invalid(FieldError::new("file", "file_type_not_allowed").with("value", &filename))
    })?;
    let (can_edit, tenant) = target.can_edit(store, scope, today).await?;
    if !can_edit {
        return Err(Error::Forbidden);
    }
    if list_for(store.conn(), target).await?.len() >= 50 {
        return Err(FieldError::new("file", "too_many").with("max", 50).into());
    }
    let (Some(district_id), Some(school_id)) = (tenant.district_id, tenant.school_id) else {
        return Err(Error::NotFound);
    };
    let sha = hex(&Sha256::digest(bytes));
    write_blob(blobs, &sha, bytes).await?;
    let txn = store.begin().await?;
    let existing = file::Entity::find()
        .filter(file::Column::DistrictId.eq(district_id))
        .filter(file::Column::Sha256.eq(&sha))
        .one(&txn)
        .await?;
    let file_id = match existing {
        Some(f) => f.id,
        None => {
            file::ActiveModel {
                district_id: Set(district_id),
                sha256: Set(sha.clone()),
                size: Set(bytes.len() as i64),
                content_type: Set(content_type.to_string()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    let a = attachment::ActiveModel {
        district_id: Set(district_id),
        school_id: Set(school_id),
        evidence_id: Set(target.evidence_id()),
        project_id: Set(target.project_id()),
        file_id: Set(file_id),
        filename: Set(filename.clone()),
        uploaded_by: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: target.action("attach"),
            entity_type: target.entity_type(),
            entity_id: Some(target.id().to_string()),
            tenant,
            before: None,
            after: Some(
                json!({ "attachment_id": a.id, "filename": filename, "sha256": sha, "size": bytes.len() }),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(AttachmentInfo {
        id: a.id,
        filename,
        content_type: content_type.to_string(),
        size: bytes.len() as i64,
        created_at: a.created_at,
    })
}

async fn write_blob(blobs: &Blobs, sha: &str, bytes: &[u8]) -> Result<()> {
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
    fn evidence_id(self) -> Option<i64> {
        match self {
            Target::Evidence(id) => Some(id),
            Target::Project(_) => None,
        }
    }

    fn project_id(self) -> Option<i64> {
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

    fn entity_type(self) -> &'static str {
        match self {
            Target::Evidence(_) => "evidence",
            Target::Project(_) => "research_project",
        }
    }

    fn action(self, what: &str) -> &'static str {
        match (self, what) {
            (Target::Evidence(_), "attach") => "evidence.attach",
            (Target::Evidence(_), _) => "evidence.detach",
            (Target::Project(_), "attach") => "project.attach",
            (Target::Project(_), _) => "project.detach",
        }
    }

    /// Whether the caller may change the target, and its tenant; fails as
    /// reading the target would (not found for those who cannot see it).
    async fn can_edit(self, store: &Store, scope: &Scope, today: NaiveDate) -> Result<(bool, Tenant)> {
        match self {
            Target::Evidence(id) => {
                let d = crate::evidence::get(store, scope, id, today).await?;
                Ok((d.can_edit, d.evidence.tenant()))
            }
            Target::Project(id) => crate::projects::can_edit(store, scope, id, today).await,
        }
    }

    fn of(a: &attachment::Model) -> Option<Self> {
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

/// An attachment's content, for download.
pub struct Download {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

async fn attachment_record(
    store: &Store,
    scope: &Scope,
    attachment_id: i64,
    today: NaiveDate,
) -> Result<(attachment::Model, Target, bool)> {
    let a = attachment::Entity::find_by_id(attachment_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let target = Target::of(&a).ok_or(Error::NotFound)?;
    // Authorised exactly like the record it belongs to.
    let (can_edit, _) = target.can_edit(store, scope, today).await?;
    Ok((a, target, can_edit))
}

/// Reads an attachment the caller may see.
pub async fn download(
    store: &Store,
    scope: &Scope,
    attachment_id: i64,
    today: NaiveDate,
) -> Result<Download> {
    let (a, _, _) = attachment_record(store, scope, attachment_id, today).await?;
    let f = file::Entity::find_by_id(a.file_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let blobs = store
        .blobs()
        .ok_or_else(|| Error::Internal("no attachment directory configured".into()))?;
    let path = blobs.path_of(&f.sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| Error::Internal(format!("reading attachment {}: {e}", path.display())))?;
    Ok(Download {
        filename: a.filename,
        content_type: f.content_type,
        bytes,
    })
}

/// Removes an attachment from a record the caller may edit; returns what
/// it was attached to.
pub async fn detach(store: &Store, scope: &Scope, attachment_id: i64, today: NaiveDate) -> Result<Target> {
    let (a, target, can_edit) = attachment_record(store, scope, attachment_id, today).await?;
    if !can_edit {
        return Err(Error::Forbidden);
    }
    let txn = store.begin().await?;
    attachment::Entity::delete_by_id(a.id).exec(&txn).await?;
    let gone = drop_unused(&txn, &[a.file_id]).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: target.action("detach"),
            entity_type: target.entity_type(),
            entity_id: Some(target.id().to_string()),
            tenant: Tenant::school(a.district_id, a.school_id),
            before: Some(json!({ "attachment_id": a.id, "filename": a.filename })),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    store.remove_blobs(store.conn(), gone).await;
    Ok(target)
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
