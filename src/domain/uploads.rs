//! Uploaded files: accepted by what their bytes are (never by name or declared type), kept in
//! redb in parts with their SHA-256, downloaded with the stored type, deleted by their
//! uploader or an admin. A file may belong to a candidate (a resume): its text, once read,
//! is searchable with the candidate.
//!
//! Keys: `UPLOADS` is keyed (tenant, upload id), so a tenant's uploads are one key range;
//! `CANDIDATE_UPLOADS` files them under (tenant, candidate id); the bytes are in
//! `UPLOAD_PARTS` under (upload id, part); `JOB_UPLOADS` files a job's documents (its req).
//! [`remove_for_candidate`] and [`remove_for_job`] take them away inside a caller's
//! transaction; deleting the organisation removes the rest (`account::purge`).

use poem_openapi::Object;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::audit::{self, Action, Actor, Change};
use super::documents::{self, DocKind};
use super::indexing::Pending;
use crate::auth::{Identity, Permission};
use crate::error::{Code, Error, Result};
use crate::store::tables::{CANDIDATE_UPLOADS, CANDIDATES, JOB_UPLOADS, UPLOAD_PARTS, UPLOADS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Upload {
    pub id: u64,
    pub org_id: u64,
    /// The name it was sent with (its last path segment, printable characters only).
    pub filename: String,
    /// What the bytes are, whatever the name says.
    pub kind: DocKind,
    /// The media type downloads carry (from `kind`).
    pub content_type: String,
    pub size: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub uploaded_by_user_id: Option<u64>,
    pub uploaded_by_key_id: Option<u64>,
    /// The candidate the file belongs to (a resume), if any.
    pub candidate_id: Option<u64>,
    /// The job the file belongs to (the req it was made from), if any.
    #[serde(default)]
    pub job_id: Option<u64>,
    pub created_at: Timestamp,
    /// The document's text once read (resumes): indexed with its candidate, not served.
    #[oai(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A file as it arrived in a request.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub filename: Option<String>,
    pub bytes: Vec<u8>,
}

/// A file checked and ready to store: its kind is known and its size is within the limit.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub filename: String,
    pub kind: DocKind,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

/// Checks a file sent as `field`: not empty, at most `max_bytes`, of an accepted kind.
pub fn accept(file: Incoming, field: &str, max_bytes: u64) -> Result<Accepted> {
    if file.bytes.len() as u64 > max_bytes {
        return Err(Error::new(
            Code::PayloadTooLarge,
            format!("The file is larger than the {max_bytes} bytes this server accepts."),
        ));
    }
    if file.bytes.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    let Some(kind) = documents::sniff(&file.bytes) else {
        return Err(Error::new(
            Code::UnsupportedMediaType,
            format!(
                "The file is not of a kind hirebase accepts (by its content: {}).",
                documents::accepted()
            ),
        ));
    };
    Ok(Accepted {
        filename: clean_filename(file.filename.as_deref(), kind),
        kind,
        bytes: std::sync::Arc::new(file.bytes),
    })
}

/// The last path segment of a sent name, printable characters only, at most 200 of them;
/// `upload.<kind>` when nothing is left.
pub fn clean_filename(sent: Option<&str>, kind: DocKind) -> String {
    let base = sent.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\u{202a}'..='\u{202e}'))
        .take(200)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        format!("upload.{}", kind.as_str())
    } else {
        clean
    }
}

/// The record of a new upload to `tenant` by `who` (`None`: an applicant on the careers
/// page), id 0 until stored.
pub fn record(
    tenant: u64,
    who: Option<&Identity>,
    file: &Accepted,
    candidate_id: Option<u64>,
) -> Upload {
    Upload {
        id: 0,
        org_id: tenant,
        filename: file.filename.clone(),
        kind: file.kind,
        content_type: file.kind.mime().to_string(),
        size: file.bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(file.bytes.as_slice())),
        uploaded_by_user_id: who.and_then(Identity::user_id),
        uploaded_by_key_id: who.and_then(Identity::key_id),
        candidate_id,
        job_id: None,
        created_at: Timestamp::now(),
        text: None,
    }
}

/// Stores a new upload and its bytes inside `tx`, with its audit entry.
pub fn insert(tx: &mut Tx, mut upload: Upload, bytes: &[u8], actor: &Actor) -> Result<Upload> {
    upload.id = tx.next_id()?;
    tx.put(&UPLOADS, upload.org_id, upload.id, &upload)?;
    tx.put_blob(&UPLOAD_PARTS, upload.id, bytes)?;
    let summary = format!(
        "Uploaded {} ({}, {} bytes)",
        upload.filename,
        upload.kind.label(),
        upload.size
    );
    let details = serde_json::json!({
        "filename": upload.filename,
        "kind": upload.kind,
        "size": upload.size,
        "sha256": upload.sha256,
        "candidate_id": upload.candidate_id,
        "job_id": upload.job_id,
    });
    audit::record(
        tx,
        upload.org_id,
        actor,
        Change::new(Action::UploadCreated, upload.id, summary).with(details),
    )?;
    Ok(upload)
}

/// Stores a file of `who`'s; with `job_id`, as a document of that job (which `who` may
/// change; 404 when it is not one of the organisation's).
pub async fn create(
    store: &Store,
    who: &Identity,
    file: Accepted,
    job_id: Option<u64>,
) -> Result<Upload> {
    who.allow(Permission::UPLOADS_WRITE)?;
    if job_id.is_some() {
        who.allow(Permission::JOBS_WRITE)?;
    }
    let mut upload = record(who.tenant_id, Some(who), &file, None);
    upload.job_id = job_id;
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            if let Some(job) = job_id {
                super::jobs::load(tx, upload.org_id, job)?;
            }
            insert(tx, upload, &file.bytes, &actor)
        })
        .await
}

fn own(who: &Identity, u: &Upload) -> bool {
    (who.user_id().is_some() && u.uploaded_by_user_id == who.user_id())
        || (who.key_id().is_some() && u.uploaded_by_key_id == who.key_id())
}

/// An upload `who` may see: their own, or any of the tenant's with `uploads_read`.
fn visible(rx: &impl Reader, who: &Identity, id: u64) -> Result<Upload> {
    let upload = rx
        .get(&UPLOADS, who.tenant_id, id)?
        .ok_or_else(|| Error::not_found("Upload", id))?;
    if own(who, &upload) {
        return Ok(upload);
    }
    match who.allow(Permission::UPLOADS_READ) {
        Ok(_) => Ok(upload),
        // Someone who may upload but not read others' files does not learn they exist.
        Err(_) if who.allow(Permission::UPLOADS_WRITE).is_ok() => {
            Err(Error::not_found("Upload", id))
        }
        Err(e) => Err(e),
    }
}

/// An upload's record and bytes.
pub fn download(store: &Store, who: &Identity, id: u64) -> Result<(Upload, Vec<u8>)> {
    let rx = store.read()?;
    let upload = visible(&rx, who, id)?;
    let bytes = rx.blob(&UPLOAD_PARTS, id)?;
    Ok((upload, bytes))
}

/// The uploads of a candidate, newest first.
pub fn for_candidate(store: &Store, who: &Identity, candidate_id: u64) -> Result<Vec<Upload>> {
    who.allow(Permission::UPLOADS_READ)?;
    let rx = store.read()?;
    super::candidates::load(&rx, who.tenant_id, candidate_id)?;
    let mut items = of_candidate(&rx, who.tenant_id, candidate_id)?;
    items.sort_by_key(|u| std::cmp::Reverse(u.id));
    Ok(items)
}

/// The documents of a job (the req it was made from), newest first.
pub fn for_job(store: &Store, who: &Identity, job_id: u64) -> Result<Vec<Upload>> {
    who.allow(Permission::UPLOADS_READ)?;
    let rx = store.read()?;
    super::jobs::load(&rx, who.tenant_id, job_id)?;
    let ids = rx.members(&JOB_UPLOADS.index, who.tenant_id, job_id)?;
    let mut items = rx.get_many(&UPLOADS, who.tenant_id, &ids)?;
    items.sort_by_key(|u| std::cmp::Reverse(u.id));
    Ok(items)
}

/// Removes every document of a job (record, bytes) inside `tx`, for deleting the job;
/// returns how many.
pub fn remove_for_job(tx: &mut Tx, tenant: u64, job_id: u64) -> Result<u64> {
    let ids = tx.members(&JOB_UPLOADS.index, tenant, job_id)?;
    for id in &ids {
        tx.remove(&UPLOADS, tenant, *id)?;
        tx.remove_blob(&UPLOAD_PARTS, *id)?;
    }
    Ok(ids.len() as u64)
}

fn of_candidate(rx: &impl Reader, tenant: u64, candidate_id: u64) -> Result<Vec<Upload>> {
    let ids = rx.members(&CANDIDATE_UPLOADS.index, tenant, candidate_id)?;
    rx.get_many(&UPLOADS, tenant, &ids)
}

/// The text of a candidate's documents, for the search index (empty when none was read).
pub fn candidate_text(rx: &impl Reader, tenant: u64, candidate_id: u64) -> Result<String> {
    let mut text = String::new();
    for upload in of_candidate(rx, tenant, candidate_id)? {
        if let Some(t) = &upload.text {
            text.push('\n');
            text.push_str(t);
        }
    }
    Ok(text)
}

/// Deletes an upload: its uploader, or someone with `uploads_delete`. A candidate's document
/// leaves the candidate's searchable text with it.
pub async fn delete(indexer: &super::indexing::Indexer, who: &Identity, id: u64) -> Result<()> {
    who.allow(Permission::UPLOADS_WRITE)?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    let who = who.clone();
    indexer
        .write(move |tx, pending| {
            let upload = visible(tx, &who, id)?;
            if !own(&who, &upload) {
                who.allow(Permission::UPLOADS_DELETE)?;
            }
            remove(tx, tenant, id, pending)?;
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(
                    Action::UploadDeleted,
                    id,
                    format!("Deleted upload {id} {}", upload.filename),
                ),
            )
        })
        .await
}

/// Removes an upload and its bytes inside `tx`; re-indexes its candidate, whose searchable
/// text it was part of.
pub fn remove(tx: &mut Tx, tenant: u64, id: u64, pending: &mut Pending) -> Result<Option<Upload>> {
    let Some(upload) = tx.remove(&UPLOADS, tenant, id)? else {
        return Ok(None);
    };
    tx.remove_blob(&UPLOAD_PARTS, id)?;
    if let Some(candidate) = upload.candidate_id
        && upload.text.is_some()
        && let Some(c) = tx.get(&CANDIDATES, tenant, candidate)?
    {
        pending.upsert(tx, &c)?;
    }
    Ok(Some(upload))
}

/// Removes every upload of a candidate (record, bytes) inside `tx`, for deleting or erasing
/// the candidate; returns how many. The caller re-indexes or removes the candidate itself.
pub fn remove_for_candidate(tx: &mut Tx, tenant: u64, candidate_id: u64) -> Result<u64> {
    let ids = tx.members(&CANDIDATE_UPLOADS.index, tenant, candidate_id)?;
    for id in &ids {
        tx.remove(&UPLOADS, tenant, *id)?;
        tx.remove_blob(&UPLOAD_PARTS, *id)?;
    }
    Ok(ids.len() as u64)
}
