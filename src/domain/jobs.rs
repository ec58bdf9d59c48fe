//! Jobs (requisitions): seed-004 fields plus `level`, `skills` and the `applicants` and `hired`
//! counters, which the applications domain keeps exact.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::fields::{
    NotNull, apply, apply_nullable, blank_is_null, check_amounts, check_currency, check_labels,
    check_text, clean_labels, tidy,
};
use super::indexing::{Indexer, Pending};
use super::structure;
use super::webhooks::{self, Event};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::search::{self, Kind, Search};
use crate::store::tables::{INSTANCE, JOBS, PUBLIC_JOBS, SUBSIDIARY_JOBS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

named_enum! {
    pub enum JobStatus {
        Draft = "draft",
        Open = "open",
        OnHold = "on_hold",
        Closed = "closed",
    }
}

named_enum! {
    pub enum Level {
        Intern = "intern",
        Junior = "junior",
        Mid = "mid",
        Senior = "senior",
        Lead = "lead",
        Principal = "principal",
        Director = "director",
        Executive = "executive",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Job {
    pub id: u64,
    pub org_id: u64,
    pub created_by_user_id: Option<u64>,
    pub title: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub employment_type: Option<String>,
    pub remote_option: Option<String>,
    pub salary_min: Option<u64>,
    pub salary_max: Option<u64>,
    pub currency: Option<String>,
    pub description: Option<String>,
    pub required_skills: Vec<String>,
    pub nice_to_have_skills: Vec<String>,
    pub skills: Vec<String>,
    pub level: Option<Level>,
    pub status: JobStatus,
    pub is_public: bool,
    /// The subsidiary the job belongs to (`/subsidiaries`), if any.
    #[serde(default)]
    pub subsidiary_id: Option<u64>,
    /// Applications to this job, kept exact.
    pub applicants: u64,
    /// Applications of this job in the `hired` stage.
    pub hired: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Job {
    /// Listed on the public careers portal.
    pub fn is_listed(&self) -> bool {
        self.is_public && self.status == JobStatus::Open
    }
}

#[derive(Debug, Clone, Object)]
pub struct NewJob {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    #[oai(validator(max_length = 120))]
    pub department: Option<String>,
    #[oai(validator(max_length = 120))]
    pub location: Option<String>,
    #[oai(validator(max_length = 50))]
    pub employment_type: Option<String>,
    #[oai(validator(max_length = 50))]
    pub remote_option: Option<String>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub salary_min: Option<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub salary_max: Option<u64>,
    pub currency: Option<String>,
    #[oai(validator(max_length = 50000))]
    pub description: Option<String>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub required_skills: Option<Vec<String>>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub nice_to_have_skills: Option<Vec<String>>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: Option<Vec<String>>,
    pub level: Option<Level>,
    /// Defaults to `open`.
    pub status: Option<JobStatus>,
    /// Defaults to `false`: only public, open jobs appear on the careers portal.
    pub is_public: Option<bool>,
    /// A subsidiary of the organisation (`/subsidiaries`) the job belongs to.
    pub subsidiary_id: Option<u64>,
}

/// Absent fields stay as they are; `null` clears a nullable field.
#[derive(Debug, Clone, Default, Object)]
pub struct JobPatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: MaybeUndefined<String>,
    #[oai(validator(max_length = 120))]
    pub department: MaybeUndefined<String>,
    #[oai(validator(max_length = 120))]
    pub location: MaybeUndefined<String>,
    #[oai(validator(max_length = 50))]
    pub employment_type: MaybeUndefined<String>,
    #[oai(validator(max_length = 50))]
    pub remote_option: MaybeUndefined<String>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub salary_min: MaybeUndefined<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub salary_max: MaybeUndefined<u64>,
    pub currency: MaybeUndefined<String>,
    #[oai(validator(max_length = 50000))]
    pub description: MaybeUndefined<String>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub required_skills: MaybeUndefined<Vec<String>>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub nice_to_have_skills: MaybeUndefined<Vec<String>>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: MaybeUndefined<Vec<String>>,
    pub level: MaybeUndefined<Level>,
    pub status: MaybeUndefined<JobStatus>,
    pub is_public: MaybeUndefined<bool>,
    /// `null` takes the job out of its subsidiary.
    pub subsidiary_id: MaybeUndefined<u64>,
}

crate::not_null!(JobPatch: title, required_skills, nice_to_have_skills, skills, status, is_public);

/// The rules every job must satisfy, checked on the record as it would be stored.
pub fn validate(job: &Job) -> Result<()> {
    let mut v = Validator::new();
    v.text("title", &job.title, true, 200);
    check_text(&mut v, "department", job.department.as_deref(), 120);
    check_text(&mut v, "location", job.location.as_deref(), 120);
    check_text(
        &mut v,
        "employment_type",
        job.employment_type.as_deref(),
        50,
    );
    check_text(&mut v, "remote_option", job.remote_option.as_deref(), 50);
    check_text(&mut v, "description", job.description.as_deref(), 50_000);
    check_currency(&mut v, "currency", job.currency.as_deref());
    check_labels(&mut v, "required_skills", Some(&job.required_skills), 100);
    check_labels(
        &mut v,
        "nice_to_have_skills",
        Some(&job.nice_to_have_skills),
        100,
    );
    check_labels(&mut v, "skills", Some(&job.skills), 100);
    check_amounts(
        &mut v,
        ("salary_min", job.salary_min),
        ("salary_max", job.salary_max),
    );
    v.finish()
}

/// The search document of a job.
pub fn doc(job: &Job) -> search::Doc {
    let mut skills = job.required_skills.clone();
    skills.extend(job.nice_to_have_skills.iter().cloned());
    skills.extend(job.skills.iter().cloned());
    search::Doc {
        id: job.id,
        tenant: job.org_id,
        name: job.title.clone(),
        headline: job.department.clone().unwrap_or_default(),
        title: job.title.clone(),
        company: String::new(),
        skills: clean_labels(skills),
        tags: vec![],
        body: job.description.clone().unwrap_or_default(),
        email: String::new(),
        location: job.location.clone().unwrap_or_default(),
        experience: None,
        status: job.status.as_str().to_string(),
        public: job.is_listed(),
        profile: Vec::new(),
    }
}

/// Stores `job` with its public listing and outbox row; a job that becomes listed fires `job.published`.
pub(super) fn save(tx: &mut Tx, job: &Job, pending: &mut Pending) -> Result<()> {
    tx.put(&JOBS, job.org_id, job.id, job)?;
    if job.is_listed() {
        let was_listed = tx.get(&PUBLIC_JOBS, INSTANCE, job.id)?.is_some();
        tx.put(&PUBLIC_JOBS, INSTANCE, job.id, &job.org_id)?;
        if !was_listed {
            let data = serde_json::json!({"job_id": job.id, "title": job.title, "location": job.location, "level": job.level});
            webhooks::emit(tx, job.org_id, Event::JobPublished, data)?;
        }
    } else {
        tx.remove(&PUBLIC_JOBS, INSTANCE, job.id)?;
    }
    pending.upsert(tx, job)
}

pub fn load(tx: &impl Reader, tenant: u64, id: u64) -> Result<Job> {
    tx.get(&JOBS, tenant, id)?
        .ok_or_else(|| Error::not_found("Job", id))
}

impl NewJob {
    /// The record this input describes (id 0 until stored).
    pub fn into_job(self, tenant: u64, created_by_user_id: Option<u64>) -> Job {
        let now = Timestamp::now();
        Job {
            id: 0,
            org_id: tenant,
            created_by_user_id,
            title: self.title.trim().to_string(),
            department: tidy(self.department),
            location: tidy(self.location),
            employment_type: tidy(self.employment_type),
            remote_option: tidy(self.remote_option),
            salary_min: self.salary_min,
            salary_max: self.salary_max,
            currency: tidy(self.currency),
            description: tidy(self.description),
            required_skills: clean_labels(self.required_skills.unwrap_or_default()),
            nice_to_have_skills: clean_labels(self.nice_to_have_skills.unwrap_or_default()),
            skills: clean_labels(self.skills.unwrap_or_default()),
            level: self.level,
            status: self.status.unwrap_or(JobStatus::Open),
            is_public: self.is_public.unwrap_or(false),
            subsidiary_id: self.subsidiary_id,
            applicants: 0,
            hired: 0,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The job `input` describes, checked, not stored (`id` 0): what [`create`] stores, and what
/// the agent shows for review before it does.
pub fn draft(who: &Identity, input: NewJob) -> Result<Job> {
    let job = input.into_job(who.tenant_id, who.user_id());
    validate(&job)?;
    Ok(job)
}

pub async fn create(indexer: &Indexer, who: &Identity, input: NewJob) -> Result<Job> {
    let job = draft(who, input)?;
    let actor = Actor::of(who);
    indexer
        .write(move |tx, pending| insert(tx, pending, job, &actor))
        .await
}

/// Stores a new job (given its id here) inside `tx`, with its audit entry.
pub fn insert(tx: &mut Tx, pending: &mut Pending, mut job: Job, actor: &Actor) -> Result<Job> {
    structure::check_subsidiary(tx, job.org_id, job.subsidiary_id)?;
    job.id = tx.next_id()?;
    save(tx, &job, pending)?;
    let summary = format!("Created job {} \"{}\"", job.id, job.title);
    audit::record(
        tx,
        job.org_id,
        actor,
        Change::new(Action::JobCreated, job.id, summary),
    )?;
    Ok(job)
}

pub fn get(store: &Store, tenant: u64, id: u64) -> Result<Job> {
    load(&store.read()?, tenant, id)
}

pub async fn update(indexer: &Indexer, who: &Identity, id: u64, patch: JobPatch) -> Result<Job> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    patch.reject_nulls()?;
    indexer
        .write(move |tx, pending| {
            let mut job = load(tx, tenant, id)?;
            let before = job.clone();
            apply(
                &mut job.title,
                patch.title.map_value(|t| t.trim().to_string()),
            );
            let text = blank_is_null;
            apply_nullable(&mut job.department, text(patch.department));
            apply_nullable(&mut job.location, text(patch.location));
            apply_nullable(&mut job.employment_type, text(patch.employment_type));
            apply_nullable(&mut job.remote_option, text(patch.remote_option));
            apply_nullable(&mut job.salary_min, patch.salary_min);
            apply_nullable(&mut job.salary_max, patch.salary_max);
            apply_nullable(&mut job.currency, text(patch.currency));
            apply_nullable(&mut job.description, text(patch.description));
            apply_nullable(&mut job.level, patch.level);
            apply(
                &mut job.required_skills,
                patch.required_skills.map_value(clean_labels),
            );
            apply(
                &mut job.nice_to_have_skills,
                patch.nice_to_have_skills.map_value(clean_labels),
            );
            apply(&mut job.skills, patch.skills.map_value(clean_labels));
            apply(&mut job.status, patch.status);
            apply(&mut job.is_public, patch.is_public);
            apply_nullable(&mut job.subsidiary_id, patch.subsidiary_id);
            validate(&job)?;
            if job.subsidiary_id != before.subsidiary_id {
                structure::check_subsidiary(tx, tenant, job.subsidiary_id)?;
            }
            job.updated_at = Timestamp::now();
            save(tx, &job, pending)?;
            let label = format!("job {id} \"{}\"", job.title);
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::JobUpdated,
                id,
                &label,
                (&before, &job),
                &[],
            )?;
            Ok(job)
        })
        .await
}

/// Deletes a job with its applications and their history.
pub async fn delete(indexer: &Indexer, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    indexer
        .write(move |tx, pending| {
            let job = load(tx, tenant, id)?;
            let apps = super::applications::ids_for_job(tx, tenant, id)?;
            for app in &apps {
                super::applications::remove(tx, tenant, *app, false)?;
            }
            let files = super::uploads::remove_for_job(tx, tenant, id)?;
            let summary = format!(
                "Deleted job {id} \"{}\", its {} application(s) and {files} document(s)",
                job.title,
                apps.len()
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::JobDeleted, id, summary),
            )?;
            tx.remove(&JOBS, tenant, id)?;
            tx.remove(&PUBLIC_JOBS, INSTANCE, id)?;
            super::insights::forget_job(tx, tenant, id)?;
            pending.remove::<Job>(tx, tenant, id)
        })
        .await
}

/// Filters of the job list; `q` is full text over title, description and skills.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub q: Option<String>,
    pub status: Option<JobStatus>,
    pub subsidiary_id: Option<u64>,
}

/// Jobs newest first, or ranked by `q`. A subsidiary alone reads its filing (just the page);
/// with `q` or a status, the search is bounded to the subsidiary's jobs.
pub fn list(
    store: &Store,
    search: &Search,
    tenant: u64,
    filter: &JobFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Job>, u64)> {
    let rx = store.read()?;
    if filter.q.is_none() && filter.status.is_none() {
        let filters = [(&SUBSIDIARY_JOBS, filter.subsidiary_id)];
        return rx.page_matching(&JOBS, tenant, &filters, None, skip, limit);
    }
    let mut q = search::Query::new(Kind::Job, Some(tenant));
    q.text = filter.q.clone();
    q.status = filter.status.map(|s| s.as_str().to_string());
    q.only = filter
        .subsidiary_id
        .map(|s| rx.members(&SUBSIDIARY_JOBS.index, tenant, s))
        .transpose()?;
    q.offset = skip;
    q.limit = limit;
    let hits = search.query(&q)?;
    let jobs = rx.get_many(&JOBS, tenant, &hits.ids)?;
    Ok((jobs, hits.total))
}
