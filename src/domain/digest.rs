//! The daily digest of new applicants: each recruiter and organisation admin gets one mail
//! listing the applications that arrived since the previous digest, by job, the jobs they
//! opened first. Nobody is mailed when nothing arrived. A mark per organisation (the newest
//! application already told of) makes a second run the same day send nothing twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::applications::Application;
use super::mail::{self, MailKind};
use super::tenants::Tenant;
use crate::auth::Role;
use crate::error::Result;
use crate::store::tables::{
    APPLICATIONS, CANDIDATES, DIGEST_MARKS, INSTANCE, JOBS, TENANTS, USERS,
};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

/// Where an organisation's digests stand.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DigestMark {
    /// The newest application a digest has counted.
    pub after_application: u64,
    pub sent_at: Option<Timestamp>,
}

/// What one run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DigestRun {
    /// Organisations with new applicants.
    pub organisations: u64,
    pub applicants: u64,
    pub mails: u64,
}

/// Names listed per job; the rest are counted.
const NAMES_PER_JOB: usize = 15;
/// Without a mark (the first digest), applications of the last day count.
const FIRST_WINDOW_SECS: i64 = 24 * 3600;

/// Sends every organisation's digest (one transaction per organisation, so the writer is
/// never held for the whole instance).
pub async fn send_all(store: &Store, public_url: &str) -> Result<DigestRun> {
    let tenants: Vec<u64> = store
        .read()?
        .list(&TENANTS, INSTANCE, 0, usize::MAX)?
        .into_iter()
        .map(|t: Tenant| t.id)
        .collect();
    let mut run = DigestRun::default();
    for tenant in tenants {
        let base = public_url.trim_end_matches('/').to_string();
        let (applicants, mails) = store.write(move |tx| send(tx, tenant, &base)).await?;
        if applicants > 0 {
            run.organisations += 1;
            run.applicants += applicants;
            run.mails += mails;
        }
    }
    Ok(run)
}

/// One organisation's digest: answers (applicants counted, mails queued).
fn send(tx: &mut Tx, tenant: u64, base: &str) -> Result<(u64, u64)> {
    let Some(org) = tx
        .get(&TENANTS, INSTANCE, tenant)?
        .filter(|t: &Tenant| t.deletion.is_none())
    else {
        return Ok((0, 0));
    };
    let mark = tx.get(&DIGEST_MARKS, tenant, 0)?;
    let fresh = new_applications(tx, tenant, mark.as_ref())?;
    let Some(newest) = fresh.iter().map(|a| a.id).max() else {
        return Ok((0, 0));
    };
    // By job, in the order of their newest applicant.
    let mut by_job: BTreeMap<u64, Vec<&Application>> = BTreeMap::new();
    for a in &fresh {
        by_job.entry(a.job_id).or_default().push(a);
    }
    let mut sections = Vec::new();
    for (job_id, apps) in by_job {
        let job = tx.get(&JOBS, tenant, job_id)?;
        let (title, owner) = job.map_or((format!("Job {job_id}"), None), |j| {
            (j.title, j.created_by_user_id)
        });
        let mut lines = Vec::new();
        for a in apps.iter().take(NAMES_PER_JOB) {
            let name = tx
                .get(&CANDIDATES, tenant, a.candidate_id)?
                .map_or(format!("Candidate {}", a.candidate_id), |c| c.full_name);
            let source = a
                .source
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            lines.push(format!(
                "  - {name}{source}: {base}/#/candidates/{}",
                a.candidate_id
            ));
        }
        if apps.len() > NAMES_PER_JOB {
            lines.push(format!("  - and {} more", apps.len() - NAMES_PER_JOB));
        }
        let newest = apps.iter().map(|a| a.id).max().unwrap_or(0);
        sections.push(Section {
            title,
            job_id,
            owner,
            count: apps.len(),
            newest,
            lines,
        });
    }
    sections.sort_by_key(|s| std::cmp::Reverse(s.newest));
    let mut mails = 0;
    let readers: Vec<_> = tx
        .list(&USERS, tenant, 0, usize::MAX)?
        .into_iter()
        .filter(|u| matches!(u.role, Role::Recruiter | Role::OrgAdmin))
        .collect();
    for user in readers {
        let text = letter(&sections, fresh.len(), user.id, base);
        let outgoing = mail::compose(
            MailKind::Digest,
            &user.email,
            Some(&org),
            &format!("{base}/#/candidates"),
            &text,
        );
        mail::enqueue(tx, tenant, outgoing)?;
        mails += 1;
    }
    let mark = DigestMark {
        after_application: newest,
        sent_at: Some(Timestamp::now()),
    };
    tx.put(&DIGEST_MARKS, tenant, 0, &mark)?;
    Ok((fresh.len() as u64, mails))
}

struct Section {
    title: String,
    job_id: u64,
    owner: Option<u64>,
    count: usize,
    newest: u64,
    lines: Vec<String>,
}

/// The words of one reader's digest: their own jobs first.
fn letter(sections: &[Section], total: usize, reader: u64, base: &str) -> String {
    let plural = if total == 1 { "" } else { "s" };
    let mut out = format!("{total} new applicant{plural} since the last digest.\n");
    let (mine, others): (Vec<&Section>, Vec<&Section>) =
        sections.iter().partition(|s| s.owner == Some(reader));
    for s in mine.iter().chain(&others) {
        let yours = if s.owner == Some(reader) {
            " (your job)"
        } else {
            ""
        };
        out.push_str(&format!(
            "\n{}{yours}: {} new — {base}/#/jobs/{}\n{}\n",
            s.title,
            s.count,
            s.job_id,
            s.lines.join("\n")
        ));
    }
    out
}

/// The organisation's applications after its mark (or of the last day, without one), newest
/// first. Ids only grow, so the walk stops at the first one already counted.
fn new_applications(tx: &Tx, tenant: u64, mark: Option<&DigestMark>) -> Result<Vec<Application>> {
    let since = Timestamp::now().plus_secs(-FIRST_WINDOW_SECS);
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let (page, more) = tx.page_before(&APPLICATIONS, tenant, before, 500)?;
        for (id, a) in page {
            let done = match mark {
                Some(m) => id <= m.after_application,
                None => a.created_at < since,
            };
            if done {
                return Ok(out);
            }
            before = Some(id);
            out.push(a);
        }
        if !more {
            return Ok(out);
        }
    }
}
