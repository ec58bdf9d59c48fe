//! The recruiting agent (seed 004 §6–§7): jobs made from a sentence or an uploaded job
//! description ([`req`]), and a chat that answers the seed's commands from the tenant's own
//! records ([`chat`], [`intent`]), remembering what a conversation is about
//! ([`conversations`]). Everything runs offline on plain rules.

pub mod chat;
pub mod conversations;
pub mod intent;
pub mod req;

use poem_openapi::Object;

use super::audit::Actor;
use super::documents::sandbox::Extractor;
use super::indexing::Indexer;
use super::jobs::{self, Job};
use super::uploads::{self, Accepted, Upload};
use crate::auth::{Identity, Permission};
use crate::error::Result;

/// Seed 004 §7.1: the prompt as given and the job made from it.
#[derive(Debug, Clone, Object)]
pub struct FromPrompt {
    pub raw_prompt: String,
    pub job: Job,
}

/// Seed 004 §7.2: the file's name, the job made from it and what was done, in sentences;
/// and the file, kept as the job's document (none in a preview).
#[derive(Debug, Clone, Object)]
pub struct FromReq {
    pub filename: String,
    pub job: Job,
    pub summary: String,
    pub upload: Option<Upload>,
}

/// A job read from `text` (and the recruiter's `notes`), then created as any job is
/// (indexed, audited, its webhooks queued) — or, with `preview`, only read: `id` 0, nothing
/// stored. `field` names the input in a validation error.
pub async fn job_from_text(
    indexer: &Indexer,
    who: &Identity,
    text: &str,
    notes: Option<&str>,
    field: &str,
    preview: bool,
) -> Result<Job> {
    who.allow(Permission::JOBS_WRITE)?;
    let new = req::new_job(text, notes, field)?;
    if preview {
        return jobs::draft(who, new);
    }
    jobs::create(indexer, who, new).await
}

/// Seed 004 §7.2: a job from an uploaded job description (PDF, DOCX, ODT, RTF or text, read
/// in the extraction sandbox). The file is kept as the job's document (`GET
/// /uploads?job_id=`), in the transaction that creates the job.
pub async fn job_from_req(
    indexer: &Indexer,
    extractor: &Extractor,
    who: &Identity,
    file: Accepted,
    notes: Option<String>,
    preview: bool,
) -> Result<FromReq> {
    who.allow(Permission::JOBS_WRITE)?;
    let text = extractor
        .text(file.kind, file.bytes.clone(), "job_req")
        .await?;
    let draft = jobs::draft(who, req::new_job(&text, notes.as_deref(), "job_req")?)?;
    let (job, upload) = if preview {
        (draft, None)
    } else {
        let actor = Actor::of(who);
        let mut upload = uploads::record(who.tenant_id, Some(who), &file, None);
        let bytes = file.bytes.clone();
        indexer
            .write(move |tx, pending| {
                let job = jobs::insert(tx, pending, draft, &actor)?;
                upload.job_id = Some(job.id);
                let upload = uploads::insert(tx, upload, &bytes, &actor)?;
                Ok((job, Some(upload)))
            })
            .await?
    };
    let source = format!("the uploaded file '{}'", file.filename);
    let summary = if preview {
        let mut s = format!(
            "Read {} ({}); nothing was saved yet.\n\n- Title: {}",
            file.filename,
            file.kind.label(),
            job.title
        );
        req::facts(&job, &mut s);
        s
    } else {
        req::summary(&job, &source)
    };
    Ok(FromReq {
        filename: file.filename,
        job,
        summary,
        upload,
    })
}
