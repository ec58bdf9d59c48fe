//! Applications: a candidate in a job's pipeline. One per (job, candidate); every stage
//! change is kept in the application's history; the job's `applicants` and `hired`
//! counters change in the same transaction.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::fields::{NotNull, apply_nullable, check_text, tidy};
use super::privacy::Consent;
use super::webhooks::{self, Event};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{
    AGENCY_APPLICATIONS, APPLICATIONS, CANDIDATE_APPLICATIONS, CANDIDATES, JOB_APPLICATIONS,
    JOB_CANDIDATE_APPLICATION, JOBS, STAGE_APPLICATIONS, STAGE_CHANGES,
};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

named_enum! {
    /// The pipeline: `sourced → applied → screening → interview → offer → hired`, and the two
    /// ways out, `rejected` and `withdrawn`.
    pub enum Stage {
        Sourced = "sourced",
        Applied = "applied",
        Screening = "screening",
        Interview = "interview",
        Offer = "offer",
        Hired = "hired",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Application {
    pub id: u64,
    pub org_id: u64,
    pub job_id: u64,
    pub candidate_id: u64,
    /// The pipeline stage.
    pub status: Stage,
    pub source: Option<String>,
    /// 0–100.
    pub fit_score: Option<u32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub stage_changed_at: Timestamp,
    /// The applicant's consent to the privacy notice, when they applied through the careers
    /// portal while the organisation had one.
    #[serde(default)]
    pub consent: Option<Consent>,
    /// The agency that submitted the candidate to the job (`null`: the organisation itself);
    /// that agency's people see only such applications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<u64>,
}

/// One move in the pipeline.
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct StageChange {
    pub id: u64,
    pub application_id: u64,
    /// `null` for the stage the application was created in.
    pub from: Option<Stage>,
    pub to: Stage,
    /// Who made the change: an email, `key:<prefix>`, or `careers` for the public portal.
    pub by: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewApplication {
    pub job_id: u64,
    pub candidate_id: u64,
    /// Defaults to `sourced`.
    pub status: Option<Stage>,
    /// Defaults to `manual`.
    #[oai(validator(max_length = 50))]
    pub source: Option<String>,
    #[oai(validator(maximum(value = "100")))]
    pub fit_score: Option<u32>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct ApplicationPatch {
    pub status: MaybeUndefined<Stage>,
    #[oai(validator(max_length = 50))]
    pub source: MaybeUndefined<String>,
    #[oai(validator(maximum(value = "100")))]
    pub fit_score: MaybeUndefined<u32>,
}

crate::not_null!(ApplicationPatch: status);

fn pair_key(tenant: u64, job: u64, candidate: u64) -> String {
    format!("{tenant}:{job}:{candidate}")
}

fn check(source: Option<&str>, fit_score: Option<u32>) -> Result<()> {
    let mut v = Validator::new();
    check_text(&mut v, "source", source, 50);
    v.check(
        fit_score.is_none_or(|s| s <= 100),
        "fit_score",
        "must be between 0 and 100",
    );
    v.finish()
}

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Application> {
    rx.get(&APPLICATIONS, tenant, id)?
        .ok_or_else(|| Error::not_found("Application", id))
}

/// The application of `candidate` to `job`, if there is one.
pub fn find(
    rx: &impl Reader,
    tenant: u64,
    job: u64,
    candidate: u64,
) -> Result<Option<Application>> {
    match rx.lookup(
        &JOB_CANDIDATE_APPLICATION,
        &pair_key(tenant, job, candidate),
    )? {
        Some((t, id)) => rx.get(&APPLICATIONS, t, id),
        None => Ok(None),
    }
}

/// "Ada Obi for “Rust Engineer”": how the audit trail names an application (or an interview or
/// offer of it), by the people and the job rather than by ids.
pub(super) fn pair_label(
    rx: &impl Reader,
    tenant: u64,
    candidate: u64,
    job: u64,
) -> Result<String> {
    let name = rx
        .get(&CANDIDATES, tenant, candidate)?
        .map(|c| c.full_name)
        .unwrap_or_else(|| format!("candidate {candidate}"));
    let title = rx
        .get(&JOBS, tenant, job)?
        .map(|j| format!("“{}”", j.title))
        .unwrap_or_else(|| format!("job {job}"));
    Ok(format!("{name} for {title}"))
}

fn label(rx: &impl Reader, app: &Application) -> Result<String> {
    pair_label(rx, app.org_id, app.candidate_id, app.job_id)
}

fn record_change(tx: &mut Tx, app: &Application, from: Option<Stage>, actor: &Actor) -> Result<()> {
    let id = tx.next_seq("seq_stage_changes")?;
    let change = StageChange {
        id,
        application_id: app.id,
        from,
        to: app.status,
        by: actor.label.clone(),
        at: app.stage_changed_at,
    };
    tx.put(&STAGE_CHANGES, app.id, id, &change)?;
    let details = serde_json::json!({"job_id": app.job_id, "candidate_id": app.candidate_id, "from": from, "to": app.status});
    let who = label(tx, app)?;
    let entry = match from {
        None => Change::new(
            Action::ApplicationCreated,
            app.id,
            format!("{who} entered the pipeline at {}", app.status),
        ),
        Some(from) => Change::new(
            Action::ApplicationStageChanged,
            app.id,
            format!("{who} moved from {from} to {}", app.status),
        ),
    };
    audit::record(tx, app.org_id, actor, entry.with(details.clone()))?;
    let event = if from.is_none() {
        Event::CandidateApplied
    } else {
        Event::CandidateStageChanged
    };
    let mut data = details;
    data["application_id"] = serde_json::json!(app.id);
    data["source"] = serde_json::json!(app.source);
    webhooks::emit(tx, app.org_id, event, data)
}

/// Keeps the job's `applicants` and `hired` counters and its pipeline numbers exact as an
/// application appears (`before` is `None`), changes, or goes (`after` is `None`).
fn account(tx: &mut Tx, before: Option<&Application>, after: Option<&Application>) -> Result<()> {
    let Some(app) = after.or(before) else {
        return Ok(());
    };
    let hired = |a: Option<&Application>| i64::from(a.is_some_and(|a| a.status == Stage::Hired));
    let applicants = i64::from(after.is_some()) - i64::from(before.is_some());
    let hires = hired(after) - hired(before);
    if (applicants != 0 || hires != 0)
        && let Some(mut job) = tx.get(&JOBS, app.org_id, app.job_id)?
    {
        job.applicants = job.applicants.saturating_add_signed(applicants);
        job.hired = job.hired.saturating_add_signed(hires);
        tx.put(&JOBS, app.org_id, app.job_id, &job)?;
    }
    super::insights::tally(tx, before, after)
}

/// Creates an application inside `tx`: the job and candidate must exist in the tenant, and
/// the pair must not have one yet (409). Without a `source` it takes the candidate's.
#[allow(clippy::too_many_arguments)]
pub(super) fn insert(
    tx: &mut Tx,
    tenant: u64,
    job_id: u64,
    candidate_id: u64,
    stage: Stage,
    source: Option<String>,
    fit_score: Option<u32>,
    actor: &Actor,
) -> Result<Application> {
    tx.get(&JOBS, tenant, job_id)?
        .ok_or_else(|| Error::not_found("Job", job_id))?;
    let candidate = tx
        .get(&CANDIDATES, tenant, candidate_id)?
        .ok_or_else(|| Error::not_found("Candidate", candidate_id))?;
    let source = source
        .or(candidate.source)
        .or_else(|| Some("manual".into()));
    let id = tx.next_id()?;
    if !tx.claim(
        &JOB_CANDIDATE_APPLICATION,
        &pair_key(tenant, job_id, candidate_id),
        (tenant, id),
    )? {
        return Err(Error::conflict(format!(
            "Candidate {candidate_id} already has an application for job {job_id}"
        )));
    }
    let now = Timestamp::now();
    let app = Application {
        id,
        org_id: tenant,
        job_id,
        candidate_id,
        status: stage,
        source,
        fit_score,
        created_at: now,
        updated_at: now,
        stage_changed_at: now,
        consent: None,
        agency_id: None,
    };
    tx.put(&APPLICATIONS, tenant, id, &app)?;
    record_change(tx, &app, None, actor)?;
    account(tx, None, Some(&app))?;
    Ok(app)
}

/// Moves an application to `to`, recording who did it. Moving to the current stage changes nothing.
pub(super) fn move_to(
    tx: &mut Tx,
    app: &mut Application,
    to: Stage,
    actor: &Actor,
) -> Result<bool> {
    if app.status == to {
        return Ok(false);
    }
    let before = app.clone();
    app.status = to;
    app.stage_changed_at = Timestamp::now();
    app.updated_at = app.stage_changed_at;
    record_change(tx, app, Some(before.status), actor)?;
    tx.put(&APPLICATIONS, app.org_id, app.id, app)?;
    account(tx, Some(&before), Some(app))?;
    Ok(true)
}

/// Deletes an application and its history. `account` keeps the job's counters exact (not
/// needed when the job itself is being deleted).
pub(super) fn remove(tx: &mut Tx, tenant: u64, id: u64, account_job: bool) -> Result<()> {
    let Some(app) = tx.remove(&APPLICATIONS, tenant, id)? else {
        return Ok(());
    };
    tx.release(
        &JOB_CANDIDATE_APPLICATION,
        &pair_key(tenant, app.job_id, app.candidate_id),
    )?;
    tx.remove_older(&STAGE_CHANGES, id, u64::MAX)?;
    if account_job {
        account(tx, Some(&app), None)?;
    }
    Ok(())
}

pub(super) fn ids_for_job(rx: &impl Reader, tenant: u64, job: u64) -> Result<Vec<u64>> {
    rx.members(&JOB_APPLICATIONS.index, tenant, job)
}

pub(super) fn ids_for_candidate(rx: &impl Reader, tenant: u64, candidate: u64) -> Result<Vec<u64>> {
    rx.members(&CANDIDATE_APPLICATIONS.index, tenant, candidate)
}

/// Puts a candidate into a job's pipeline. An agency submits only candidates it submitted
/// (others are 404, like missing ones), as `sourced` or `applied`, and the application is its.
pub async fn create(store: &Store, who: &Identity, input: NewApplication) -> Result<Application> {
    let source = tidy(input.source);
    check(source.as_deref(), input.fit_score)?;
    let agency = who.submitting_agency()?;
    let stage = input.status.unwrap_or(Stage::Sourced);
    if agency.is_some() && !matches!(stage, Stage::Sourced | Stage::Applied) {
        return Err(Error::invalid(
            "status",
            "must be sourced or applied for an agency's submission",
        ));
    }
    let (tenant, actor, who) = (who.tenant_id, Actor::of(who), who.clone());
    store
        .write(move |tx| {
            super::candidates::visible(tx, &who, input.candidate_id)?;
            let mut app = insert(
                tx,
                tenant,
                input.job_id,
                input.candidate_id,
                stage,
                source,
                input.fit_score,
                &actor,
            )?;
            if agency.is_some() {
                app.agency_id = agency;
                tx.put(&APPLICATIONS, tenant, app.id, &app)?;
            }
            Ok(app)
        })
        .await
}

/// The application, if `who` may see it: another tenant's, or one an agency did not submit,
/// is 404 like a missing one.
pub fn visible(rx: &impl Reader, who: &Identity, id: u64) -> Result<Application> {
    load(rx, who.tenant_id, id)
        .ok()
        .filter(|a| {
            who.submissions_of()
                .is_none_or(|agency| a.agency_id == Some(agency))
        })
        .ok_or_else(|| Error::not_found("Application", id))
}

pub fn get(store: &Store, who: &Identity, id: u64) -> Result<Application> {
    visible(&store.read()?, who, id)
}

pub async fn update(
    store: &Store,
    who: &Identity,
    id: u64,
    patch: ApplicationPatch,
) -> Result<Application> {
    patch.reject_nulls()?;
    let source = patch.source.map_value(|s| s.trim().to_string());
    check(
        source.value().map(String::as_str),
        patch.fit_score.value().copied(),
    )?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut app = load(tx, tenant, id)?;
            let before = app.clone();
            apply_nullable(&mut app.source, source);
            apply_nullable(&mut app.fit_score, patch.fit_score);
            let name = format!("the application of {}", label(tx, &app)?);
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::ApplicationUpdated,
                id,
                &name,
                (&before, &app),
                &[],
            )?;
            app.updated_at = Timestamp::now();
            tx.put(&APPLICATIONS, tenant, id, &app)?;
            account(tx, Some(&before), Some(&app))?;
            if let MaybeUndefined::Value(to) = patch.status {
                move_to(tx, &mut app, to, &actor)?;
            }
            Ok(app)
        })
        .await
}

pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let app = load(tx, tenant, id)?;
            let summary = format!("Removed {} from the pipeline", label(tx, &app)?);
            remove(tx, tenant, id, true)?;
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::ApplicationDeleted, id, summary),
            )
        })
        .await
}

pub fn history(store: &Store, who: &Identity, id: u64) -> Result<Vec<StageChange>> {
    let rx = store.read()?;
    visible(&rx, who, id)?;
    let mut changes = rx.list(&STAGE_CHANGES, id, 0, usize::MAX)?;
    changes.reverse();
    Ok(changes)
}

#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub job_id: Option<u64>,
    pub candidate_id: Option<u64>,
    pub status: Option<Stage>,
}

/// Applications `who` may see (an agency: those it submitted), newest first; each filter
/// reads its own index.
pub fn list(
    store: &Store,
    who: &Identity,
    f: &ApplicationFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Application>, u64)> {
    let filters = [
        (&JOB_APPLICATIONS, f.job_id),
        (&CANDIDATE_APPLICATIONS, f.candidate_id),
        (&STAGE_APPLICATIONS, f.status.map(|s| s as u64)),
        (&AGENCY_APPLICATIONS, who.submissions_of()),
    ];
    store
        .read()?
        .page_matching(&APPLICATIONS, who.tenant_id, &filters, None, skip, limit)
}
