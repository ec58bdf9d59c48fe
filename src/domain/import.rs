//! Bulk import of candidates: up to 500 rows a call, deduplicated by email within the tenant,
//! each row optionally put into a job's pipeline; per-row errors; every valid row lands in
//! one commit.

use poem_openapi::Object;

use super::applications::{self, Stage};
use super::audit::{self, Actor, Change};
use super::candidates::{self, Candidate, NewCandidate};
use super::indexing::{Indexer, Pending};
use crate::auth::Identity;
use crate::error::{Error, Result};
use crate::store::tables::JOBS;
use crate::store::{Reader, Store};

pub const MAX_ROWS: usize = 500;

#[derive(Debug, Clone, Object)]
pub struct ImportRow {
    #[oai(flatten)]
    pub candidate: NewCandidate,
    /// Also put the candidate into this job's pipeline (stage `applied`).
    pub job_id: Option<u64>,
}

#[derive(Debug, Clone, Object)]
pub struct ImportRequest {
    #[oai(validator(min_items = 1, max_items = 500))]
    pub rows: Vec<ImportRow>,
}

#[derive(Debug, Clone, Object)]
pub struct RowError {
    /// 0-based position of the row in `rows`.
    pub row: u32,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Object)]
pub struct ImportReport {
    pub total: u32,
    pub created: u32,
    pub updated: u32,
    /// Rows that changed nothing: repeats of an earlier row's email, or identical to what is stored.
    pub skipped: u32,
    pub errors: Vec<RowError>,
}

fn row_errors(row: usize, e: &Error) -> Vec<RowError> {
    if e.errors.is_empty() {
        vec![RowError {
            row: row as u32,
            field: None,
            message: e.detail.clone(),
        }]
    } else {
        e.errors
            .iter()
            .map(|f| RowError {
                row: row as u32,
                field: Some(f.field.clone()),
                message: f.message.clone(),
            })
            .collect()
    }
}

/// Fills the stored candidate with what the row provides; returns whether anything changed.
fn merge(stored: &mut Candidate, row: &Candidate) -> bool {
    let before = serde_json::to_value(&*stored).ok();
    macro_rules! take {
        ($($f:ident),*) => { $( if row.$f.is_some() { stored.$f = row.$f.clone(); } )* };
    }
    take!(
        phone,
        headline,
        location,
        experience_years,
        current_title,
        current_company,
        linkedin_url,
        github_url,
        website_url,
        notes
    );
    if !row.full_name.is_empty() {
        stored.full_name = row.full_name.clone();
    }
    for skill in &row.skills {
        if !stored.skills.iter().any(|s| s.eq_ignore_ascii_case(skill)) {
            stored.skills.push(skill.clone());
        }
    }
    for tag in &row.tags {
        if !stored.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            stored.tags.push(tag.clone());
        }
    }
    before != serde_json::to_value(&*stored).ok()
}

pub async fn import(
    store: &Store,
    indexer: &Indexer,
    who: &Identity,
    request: ImportRequest,
) -> Result<ImportReport> {
    if request.rows.is_empty() {
        return Err(Error::invalid("rows", "must contain at least one row"));
    }
    if request.rows.len() > MAX_ROWS {
        return Err(Error::invalid(
            "rows",
            format!("must contain at most {MAX_ROWS} rows per call"),
        ));
    }
    let tenant = who.tenant_id;
    let actor = Actor::of(who);
    let mut report = ImportReport {
        total: request.rows.len() as u32,
        ..ImportReport::default()
    };
    // Validate outside the transaction; only valid rows reach it.
    let mut valid = Vec::with_capacity(request.rows.len());
    for (i, row) in request.rows.into_iter().enumerate() {
        let c = row.candidate.into_candidate(tenant, "import");
        match candidates::validate(&c) {
            Ok(()) => valid.push((i, c, row.job_id)),
            Err(e) => report.errors.extend(row_errors(i, &e)),
        }
    }
    let (report, pending) = store
        .write(move |tx| {
            let mut report = report;
            let mut pending = Pending::default();
            let mut seen_emails = std::collections::HashSet::new();
            let mut created_ids = Vec::new();
            let mut updated_ids = Vec::new();
            for (i, row, job_id) in valid {
                if let Some(email) = &row.email {
                    if !seen_emails.insert(email.clone()) {
                        report.skipped += 1;
                        continue;
                    }
                }
                // Everything that can refuse a row is checked before the row writes anything.
                if let Some(job_id) = job_id {
                    if tx.get(&JOBS, tenant, job_id)?.is_none() {
                        report.errors.push(RowError { row: i as u32, field: Some("job_id".into()), message: format!("job {job_id} not found") });
                        continue;
                    }
                }
                let existing = match &row.email {
                    Some(email) => candidates::by_email(tx, tenant, email)?,
                    None => None,
                };
                let candidate = match existing {
                    Some(mut stored) => {
                        let email = stored.email.clone();
                        if merge(&mut stored, &row) {
                            stored.updated_at = row.updated_at;
                            candidates::save(tx, &stored, email.as_deref(), &mut pending)?;
                            updated_ids.push(stored.id);
                            report.updated += 1;
                        } else {
                            report.skipped += 1;
                        }
                        stored
                    }
                    None => {
                        report.created += 1;
                        let c = candidates::insert(tx, row, &mut pending)?;
                        created_ids.push(c.id);
                        c
                    }
                };
                if let Some(job_id) = job_id {
                    if applications::find(tx, tenant, job_id, candidate.id)?.is_none() {
                        applications::insert(tx, tenant, job_id, candidate.id, Stage::Applied, Some("import".into()), None, &actor)?;
                    }
                }
            }
            if !created_ids.is_empty() || !updated_ids.is_empty() {
                let summary = format!("Imported candidates: {} created, {} updated", created_ids.len(), updated_ids.len());
                let details = serde_json::json!({"created": created_ids, "updated": updated_ids, "skipped": report.skipped, "errors": report.errors.len()});
                let change = Change { action: "candidates.imported", entity_type: "candidate", entity_id: None, summary, details };
                audit::record(tx, tenant, &actor, change)?;
            }
            Ok((report, pending))
        })
        .await?;
    indexer.sync(pending).await;
    Ok(report)
}
