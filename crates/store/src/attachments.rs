//! Attaching files to portfolio records and projects, reading and removing
//! them: who may (exactly who may see or edit the record or project they
//! belong to) and the audit. How files are stored is `files`' business;
//! this module sits above the areas whose things take attachments.

use crate::audit::{self, Change};
use crate::entity::{attachment, file};
use crate::files::{AttachmentInfo, Target, clean_filename, drop_unused, hex, list_for, sniff, write_blob};
use crate::{Error, Result, Scope, Store};
use chrono::{NaiveDate, Utc};
use lingyan_domain::{FieldError, Tenant};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Whether the caller may change the target, and its tenant; fails as
/// reading the target would (not found for those who cannot see it).
async fn can_edit(target: Target, store: &Store, scope: &Scope, today: NaiveDate) -> Result<(bool, Tenant)> {
    match target {
        Target::Evidence(id) => {
            let d = crate::evidence::get(store, scope, id, today).await?;
            Ok((d.can_edit, d.evidence.tenant()))
        }
        Target::Project(id) => crate::projects::can_edit(store, scope, id, today).await,
    }
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
    let (can_edit, tenant) = can_edit(target, store, scope, today).await?;
    if !can_edit {
        return Err(Error::Forbidden);
    }
    if list_for(store.conn(), target).await?.len() >= 50 {
        return Err(FieldError::new("file", "too_many").with("max", 50).into());
    }
    let (Some(district_id), Some(school_id)) = (tenant.district_id, tenant.school_id) else {
        return Err(Error::NotFound);
    };
    let txn = store.begin().await?;
    let (file_id, sha) = save_file(&txn, blobs, district_id, bytes, content_type).await?;
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

/// Writes a file's content (once per district and content) and returns
/// its row and hash; the blob is written before the row, so a row never
/// names a missing file.
pub(crate) async fn save_file<C: sea_orm::ConnectionTrait>(
    conn: &C,
    blobs: &crate::files::Blobs,
    district_id: i64,
    bytes: &[u8],
    content_type: &str,
) -> Result<(i64, String)> {
    let sha = hex(&Sha256::digest(bytes));
    write_blob(blobs, &sha, bytes).await?;
    let existing = file::Entity::find()
        .filter(file::Column::DistrictId.eq(district_id))
        .filter(file::Column::Sha256.eq(&sha))
        .one(conn)
        .await?;
    let id = match existing {
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
            .insert(conn)
            .await?
            .id
        }
    };
    Ok((id, sha))
}

/// A stored file's content.
pub(crate) async fn read_file(store: &Store, file_id: i64) -> Result<(file::Model, Vec<u8>)> {
    let f = file::Entity::find_by_id(file_id)
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
    Ok((f, bytes))
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
    let (can_edit, _) = can_edit(target, store, scope, today).await?;
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
    let (f, bytes) = read_file(store, a.file_id).await?;
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
