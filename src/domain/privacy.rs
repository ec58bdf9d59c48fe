//! Privacy: erasing one candidate everywhere (the right to be forgotten), the consent an
//! applicant gives to the organisation's privacy notice, and the retention rule that erases
//! closed candidates nobody has touched for months.
//!
//! An erasure is one transaction: the candidate, their applications with their history,
//! interviews, offers, match-log mentions, queued webhooks and mails about them and their
//! search document go; their audit entries stay in the chain with the personal payload
//! dropped (see `audit` for why the chain still verifies), and the erasure itself is recorded
//! without personal data. The same path serves `POST /candidates/{id}/erase` and the daily
//! retention job.

use std::collections::{BTreeSet, HashSet};

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use super::applications::{self, Application, Stage};
use super::audit::{self, Action, Actor, Change};
use super::candidates::{self, Candidate};
use super::indexing::{Indexer, Pending};
use super::matching::log::{Direction, MatchLogEntry};
use super::tenants::{self, Tenant};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{
    APPLICATIONS, CANDIDATE_APPLICATIONS, CANDIDATE_INTERVIEWS, CANDIDATE_LIBRARY,
    CANDIDATE_OFFERS, CANDIDATE_UPLOADS, CANDIDATES, ENTITY_AUDIT, INSTANCE, INTERVIEWS, LIBRARY,
    MAILS, MATCH_LOGS, OFFERS, STAGE_APPLICATIONS, TENANT_MAILS, TENANTS, WEBHOOK_QUEUE,
};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

// --- Consent

/// The privacy notice of an organisation: shown on its careers page, accepted by applicants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct PrivacyNotice {
    /// The notice itself (plain text, paragraphs separated by blank lines).
    #[oai(validator(min_length = 1, max_length = 20000))]
    pub text: String,
    /// Names this wording (`2026-12`, `v3`): recorded with each consent, so a changed notice
    /// gets a new version.
    #[oai(validator(min_length = 1, max_length = 40))]
    pub version: String,
}

impl PrivacyNotice {
    pub fn check(&self, v: &mut Validator) {
        v.text("privacy_notice.text", &self.text, true, 20_000);
        v.text("privacy_notice.version", &self.version, true, 40);
    }
}

/// An applicant's consent to the privacy notice, recorded with the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct Consent {
    /// The version of the notice accepted.
    pub notice_version: String,
    pub given_at: Timestamp,
    /// The address the application came from.
    pub ip: Option<String>,
}

/// What an application needs under the tenant's notice: `None` when no notice is set; a
/// consent when the applicant accepted it; 400 when a notice is set and `consent` is not true.
pub fn consent_for(
    tenant: &Tenant,
    consent: Option<bool>,
    ip: Option<String>,
) -> Result<Option<Consent>> {
    let Some(notice) = &tenant.privacy_notice else {
        return Ok(None);
    };
    if consent != Some(true) {
        return Err(Error::invalid(
            "consent",
            format!(
                "must be true: applying means accepting {}'s privacy notice (version {})",
                tenant.name, notice.version
            ),
        ));
    }
    Ok(Some(Consent {
        notice_version: notice.version.clone(),
        given_at: Timestamp::now(),
        ip,
    }))
}

// --- Erasure

/// What erasing a candidate removes (or, for a dry run, would remove).
#[derive(Debug, Clone, Default, Object)]
pub struct Erasure {
    pub candidate_id: u64,
    /// `true`: nothing was changed, this is what an erasure would remove.
    pub dry_run: bool,
    /// Applications, each with its stage history.
    pub applications: u64,
    pub interviews: u64,
    pub offers: u64,
    /// Match-log entries about the candidate, or listing them.
    pub match_logs: u64,
    /// Webhook deliveries still queued about the candidate.
    pub webhook_deliveries: u64,
    /// Mails to the candidate (queued or sent).
    pub mails: u64,
    /// Files kept with the candidate (resumes), with their bytes.
    pub uploads: u64,
    /// Library items about the candidate (saved screens, drafts).
    pub library_items: u64,
    /// Audit entries whose personal data is dropped (they stay in the chain).
    pub audit_entries: u64,
}

/// Everything of one candidate's, by id: gathered in the transaction that erases it.
struct Plan {
    candidate: Candidate,
    applications: Vec<u64>,
    interviews: Vec<u64>,
    offers: Vec<u64>,
    /// Entries about the candidate (removed) and entries listing them (trimmed).
    match_logs: Vec<(u64, Option<MatchLogEntry>)>,
    deliveries: Vec<u64>,
    mails: Vec<u64>,
    uploads: Vec<u64>,
    library_items: Vec<u64>,
    audit_entries: Vec<u64>,
}

impl Plan {
    fn gather(rx: &impl Reader, tenant: u64, id: u64) -> Result<Plan> {
        let candidate = candidates::load(rx, tenant, id)?;
        let applications = rx.members(&CANDIDATE_APPLICATIONS.index, tenant, id)?;
        let interviews = rx.members(&CANDIDATE_INTERVIEWS.index, tenant, id)?;
        let offers = rx.members(&CANDIDATE_OFFERS.index, tenant, id)?;
        let uploads = rx.members(&CANDIDATE_UPLOADS.index, tenant, id)?;
        let library_items = rx.members(&CANDIDATE_LIBRARY.index, tenant, id)?;
        let mut entities = vec![id];
        entities.extend(&applications);
        entities.extend(&interviews);
        entities.extend(&offers);
        entities.extend(&uploads);
        entities.extend(&library_items);
        let mut audit_entries = BTreeSet::new();
        for entity in &entities {
            audit_entries.extend(rx.members(&ENTITY_AUDIT.index, tenant, *entity)?);
        }
        Ok(Plan {
            match_logs: match_log_mentions(rx, tenant, id)?,
            deliveries: queued_deliveries(rx, tenant, id)?,
            mails: mails_to(rx, tenant, candidate.email.as_deref())?,
            audit_entries: audit_entries.into_iter().collect(),
            candidate,
            applications,
            interviews,
            offers,
            uploads,
            library_items,
        })
    }

    fn summary(&self, dry_run: bool) -> Erasure {
        let n = |v: usize| v as u64;
        Erasure {
            candidate_id: self.candidate.id,
            dry_run,
            applications: n(self.applications.len()),
            interviews: n(self.interviews.len()),
            offers: n(self.offers.len()),
            match_logs: n(self.match_logs.len()),
            webhook_deliveries: n(self.deliveries.len()),
            mails: n(self.mails.len()),
            uploads: n(self.uploads.len()),
            library_items: n(self.library_items.len()),
            audit_entries: n(self.audit_entries.len()),
        }
    }
}

/// Match-log entries that are about the candidate (`None`: remove) or list them among their
/// results (the entry without them).
fn match_log_mentions(
    rx: &impl Reader,
    tenant: u64,
    candidate: u64,
) -> Result<Vec<(u64, Option<MatchLogEntry>)>> {
    let mut found = Vec::new();
    let mut before = None;
    loop {
        let (rows, more) = rx.page_before(&MATCH_LOGS, tenant, before, 1_000)?;
        for (id, mut entry) in rows {
            before = Some(id);
            match entry.direction {
                Direction::JobsForCandidate if entry.subject_id == candidate => {
                    found.push((id, None));
                }
                Direction::CandidatesForJob if entry.top.iter().any(|m| m.id == candidate) => {
                    entry.top.retain(|m| m.id != candidate);
                    found.push((id, Some(entry)));
                }
                _ => {}
            }
        }
        if !more {
            return Ok(found);
        }
    }
}

/// Queued webhook deliveries of the tenant whose event concerns the candidate.
fn queued_deliveries(rx: &impl Reader, tenant: u64, candidate: u64) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let rows = rx.scan(&WEBHOOK_QUEUE, after, 2_000)?;
        let Some(last) = rows.last() else {
            return Ok(ids);
        };
        after = Some(last.0);
        for ((_, id), d) in rows {
            let about = || {
                serde_json::from_str::<serde_json::Value>(&d.body)
                    .is_ok_and(|b| b["data"]["candidate_id"].as_u64() == Some(candidate))
            };
            if d.org_id == tenant && about() {
                ids.push(id);
            }
        }
    }
}

/// The tenant's mails to `email`.
fn mails_to(rx: &impl Reader, tenant: u64, email: Option<&str>) -> Result<Vec<u64>> {
    let Some(email) = email else {
        return Ok(vec![]);
    };
    let ids = rx.members(&TENANT_MAILS.index, INSTANCE, tenant)?;
    Ok(rx
        .get_many(&MAILS, INSTANCE, &ids)?
        .into_iter()
        .filter(|m| m.to.eq_ignore_ascii_case(email))
        .map(|m| m.id)
        .collect())
}

/// Why a candidate is erased, as the erasure entry records it.
#[derive(Debug, Clone, Copy)]
pub enum Reason {
    /// Someone asked (`POST /candidates/{id}/erase`).
    Request,
    /// The organisation's retention rule.
    Retention,
}

/// Erases candidate `id` inside `tx` (see the module header); returns what went.
pub fn erase_in(
    tx: &mut Tx,
    pending: &mut Pending,
    tenant: u64,
    id: u64,
    actor: &Actor,
    reason: Reason,
) -> Result<Erasure> {
    let plan = Plan::gather(tx, tenant, id)?;
    let mut done = plan.summary(false);
    for app in &plan.applications {
        applications::remove(tx, tenant, *app, true)?;
    }
    for interview in &plan.interviews {
        tx.remove(&INTERVIEWS, tenant, *interview)?;
    }
    for offer in &plan.offers {
        tx.remove(&OFFERS, tenant, *offer)?;
    }
    for item in &plan.library_items {
        tx.remove(&LIBRARY, tenant, *item)?;
    }
    for (entry, trimmed) in &plan.match_logs {
        match trimmed {
            Some(entry_without) => tx.put(&MATCH_LOGS, tenant, *entry, entry_without)?,
            None => {
                tx.remove(&MATCH_LOGS, tenant, *entry)?;
            }
        }
    }
    tx.remove_ids(&WEBHOOK_QUEUE, INSTANCE, &plan.deliveries)?;
    for mail in &plan.mails {
        tx.remove(&MAILS, INSTANCE, *mail)?;
    }
    super::agent::conversations::forget_candidate(tx, tenant, id)?;
    // With their files (`candidates::remove`).
    candidates::remove(tx, &plan.candidate, pending)?;
    let mut entities = vec![id];
    entities.extend(&plan.applications);
    entities.extend(&plan.interviews);
    entities.extend(&plan.offers);
    entities.extend(&plan.uploads);
    entities.extend(&plan.library_items);
    let redacted = audit::redact(tx, tenant, &entities)?;
    done.audit_entries = redacted.len() as u64;
    let why = match reason {
        Reason::Request => "on request",
        Reason::Retention => "under the retention rule",
    };
    let summary = format!(
        "Erased candidate {id} {why}: {} application(s), {} interview(s), {} offer(s), {} file(s); personal data dropped from {} audit entries",
        done.applications, done.interviews, done.offers, done.uploads, done.audit_entries
    );
    let details = serde_json::json!({
        "reason": match reason { Reason::Request => "request", Reason::Retention => "retention" },
        "removed": {
            "applications": done.applications, "interviews": done.interviews, "offers": done.offers,
            "match_logs": done.match_logs, "webhook_deliveries": done.webhook_deliveries, "mails": done.mails,
            "uploads": done.uploads, "library_items": done.library_items,
        },
        "redacted_entries": redacted,
    });
    let change = Change::new(Action::CandidateErased, id, summary).with(details);
    audit::record(tx, tenant, actor, change)?;
    Ok(done)
}

/// `POST /candidates/{id}/erase`: erases the candidate, or with `dry_run` says what it would
/// remove and changes nothing.
pub async fn erase(
    indexer: &Indexer,
    store: &Store,
    who: &Identity,
    id: u64,
    dry_run: bool,
) -> Result<Erasure> {
    let tenant = who.tenant_id;
    if dry_run {
        return Ok(Plan::gather(&store.read()?, tenant, id)?.summary(true));
    }
    let actor = Actor::of(who);
    indexer
        .write(move |tx, pending| erase_in(tx, pending, tenant, id, &actor, Reason::Request))
        .await
}

// --- Retention

/// An organisation's retention rule: candidates whose applications have all ended in one of
/// `stages` and who have had no activity for `months` are erased by the daily job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Object)]
pub struct RetentionRule {
    /// Months (of 30 days) without activity: no change to the candidate, their applications,
    /// interviews or offers.
    #[oai(validator(minimum(value = "1"), maximum(value = "120")))]
    pub months: u32,
    /// The closed stages that qualify (`rejected`, `withdrawn`).
    #[oai(validator(min_items = 1, max_items = 2))]
    pub stages: Vec<Stage>,
}

impl RetentionRule {
    pub fn check(&self, v: &mut Validator) {
        v.check(
            (1..=120).contains(&self.months),
            "retention.months",
            "must be between 1 and 120",
        );
        v.check(
            !self.stages.is_empty()
                && self
                    .stages
                    .iter()
                    .all(|s| matches!(s, Stage::Rejected | Stage::Withdrawn)),
            "retention.stages",
            "must name rejected and/or withdrawn: only closed applications qualify",
        );
    }

    /// Activity before this is old enough.
    pub fn cutoff(&self, now: Timestamp) -> Timestamp {
        now.plus_secs(-(i64::from(self.months) * 30 * 86_400))
    }
}

/// A candidate the rule would erase.
#[derive(Debug, Clone, Object)]
pub struct RetentionCandidate {
    pub candidate_id: u64,
    pub full_name: String,
    pub last_activity_at: Timestamp,
    pub applications: u64,
}

/// The dry run of a rule: what it would erase now.
#[derive(Debug, Clone, Object)]
pub struct RetentionPreview {
    pub rule: RetentionRule,
    /// Candidates whose last activity is before this qualify.
    pub cutoff: Timestamp,
    /// How many candidates the rule would erase.
    pub total: u64,
    /// The first 100 of them, longest inactive first.
    pub items: Vec<RetentionCandidate>,
}

/// The candidates `rule` would erase in the tenant now, longest inactive first.
fn due(
    rx: &impl Reader,
    tenant: u64,
    rule: &RetentionRule,
    now: Timestamp,
) -> Result<Vec<RetentionCandidate>> {
    let cutoff = rule.cutoff(now);
    let mut seen = HashSet::new();
    let mut due = Vec::new();
    for stage in &rule.stages {
        let app_ids = rx.members(&STAGE_APPLICATIONS.index, tenant, *stage as u64)?;
        for app in rx.get_many(&APPLICATIONS, tenant, &app_ids)? {
            if !seen.insert(app.candidate_id) {
                continue;
            }
            if let Some(found) = qualifies(rx, tenant, app.candidate_id, rule, cutoff)? {
                due.push(found);
            }
        }
    }
    due.sort_by_key(|c| (c.last_activity_at, c.candidate_id));
    Ok(due)
}

/// Whether a candidate falls under the rule: every application closed in a rule stage and
/// nothing about them changed since `cutoff`.
fn qualifies(
    rx: &impl Reader,
    tenant: u64,
    id: u64,
    rule: &RetentionRule,
    cutoff: Timestamp,
) -> Result<Option<RetentionCandidate>> {
    let Some(c) = rx.get(&CANDIDATES, tenant, id)? else {
        return Ok(None);
    };
    let app_ids = rx.members(&CANDIDATE_APPLICATIONS.index, tenant, id)?;
    let apps: Vec<Application> = rx.get_many(&APPLICATIONS, tenant, &app_ids)?;
    if apps.is_empty() || !apps.iter().all(|a| rule.stages.contains(&a.status)) {
        return Ok(None);
    }
    let mut last = c.updated_at;
    for a in &apps {
        last = last.max(a.updated_at).max(a.stage_changed_at);
    }
    for i in rx.get_many(
        &INTERVIEWS,
        tenant,
        &rx.members(&CANDIDATE_INTERVIEWS.index, tenant, id)?,
    )? {
        last = last.max(i.updated_at);
    }
    for o in rx.get_many(
        &OFFERS,
        tenant,
        &rx.members(&CANDIDATE_OFFERS.index, tenant, id)?,
    )? {
        last = last.max(o.updated_at);
    }
    if last >= cutoff {
        return Ok(None);
    }
    Ok(Some(RetentionCandidate {
        candidate_id: id,
        full_name: c.full_name,
        last_activity_at: last,
        applications: apps.len() as u64,
    }))
}

/// The dry run: what `rule` (the saved one when `None`) would erase now.
pub fn preview(
    store: &Store,
    tenant: u64,
    rule: Option<RetentionRule>,
) -> Result<RetentionPreview> {
    let rx = store.read()?;
    let rule = match rule {
        Some(rule) => rule,
        None => tenants::load(&rx, tenant)?.retention.ok_or_else(|| {
            Error::invalid(
                "months",
                "the organisation has no retention rule: give `months` (and `stages`) to preview one",
            )
        })?,
    };
    let mut v = Validator::new();
    rule.check(&mut v);
    v.finish()?;
    let now = Timestamp::now();
    let due = due(&rx, tenant, &rule, now)?;
    Ok(RetentionPreview {
        cutoff: rule.cutoff(now),
        total: due.len() as u64,
        items: due.into_iter().take(100).collect(),
        rule,
    })
}

/// What one run of the retention job did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RetentionRun {
    pub organisations: u64,
    pub candidates_erased: u64,
}

/// Applies every organisation's retention rule: each candidate due is erased (one transaction
/// each, through the erasure path), and each organisation's run is recorded in its trail.
pub async fn apply_retention(indexer: &Indexer, store: &Store) -> Result<RetentionRun> {
    let mut run = RetentionRun::default();
    let tenants: Vec<Tenant> = {
        let rx = store.read()?;
        let n = rx.count(&TENANTS, INSTANCE)? as usize;
        rx.list(&TENANTS, INSTANCE, 0, n)?
    };
    for tenant in tenants.into_iter().filter(|t| t.deletion.is_none()) {
        let Some(rule) = tenant.retention.clone() else {
            continue;
        };
        run.organisations += 1;
        let now = Timestamp::now();
        let due = due(&store.read()?, tenant.id, &rule, now)?;
        let mut erased = 0u64;
        for c in &due {
            let (tid, cid, rule) = (tenant.id, c.candidate_id, rule.clone());
            let result = indexer
                .write(move |tx, pending| {
                    // Re-checked in the transaction: activity since the scan keeps the candidate.
                    if qualifies(tx, tid, cid, &rule, rule.cutoff(now))?.is_none() {
                        return Ok(false);
                    }
                    erase_in(tx, pending, tid, cid, &Actor::system(), Reason::Retention)?;
                    Ok(true)
                })
                .await;
            match result {
                Ok(true) => erased += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(tenant = tid, candidate = cid, error = %e, "retention could not erase a candidate")
                }
            }
        }
        run.candidates_erased += erased;
        let tid = tenant.id;
        store
            .write(move |tx| {
                let summary = format!(
                    "Retention rule applied ({} months, {}): {erased} candidate(s) erased",
                    rule.months,
                    rule.stages.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                );
                let change = Change::bulk(Action::RetentionApplied, summary)
                    .with(serde_json::json!({"months": rule.months, "stages": rule.stages, "erased": erased}));
                audit::record(tx, tid, &Actor::system(), change)
            })
            .await?;
    }
    Ok(run)
}
