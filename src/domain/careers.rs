//! The public careers portal: open, public jobs across tenants (a projection without internal
//! fields) and applying to one, which creates or reuses the candidate by email.

use poem_openapi::Object;

use super::applications::{self, Stage};
use super::audit::{self, Actor};
use super::candidates::{self, NewCandidate};
use super::documents::sandbox::Extractor;
use super::indexing::Indexer;
use super::jobs::{Job, Level};
use super::mail::{self, MailKind};
use super::privacy::{self, PrivacyNotice};
use super::tenants::Tenant;
use super::uploads::{self, Accepted, Incoming};
use crate::error::{Error, Result, Validator, is_valid_email, normalize_email};
use crate::search::{self, Kind, Search};
use crate::store::tables::{APPLICATIONS, INSTANCE, JOBS, PUBLIC_JOBS, SLUG_TENANT, TENANTS};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

/// A job as the public sees it: no counters, no internal ids of people.
#[derive(Debug, Clone, Object)]
pub struct PublicJob {
    pub id: u64,
    pub title: String,
    pub company: PublicCompany,
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
    pub level: Option<Level>,
    pub posted_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct PublicCompany {
    pub name: String,
    pub slug: String,
    pub tagline: Option<String>,
    pub brand_color: Option<String>,
    /// The notice applicants accept by applying (`consent: true`), when the company has one.
    pub privacy_notice: Option<PrivacyNotice>,
}

impl From<&Tenant> for PublicCompany {
    fn from(t: &Tenant) -> Self {
        PublicCompany {
            name: t.name.clone(),
            slug: t.slug.clone(),
            tagline: t.tagline.clone(),
            brand_color: t.brand_color.clone(),
            privacy_notice: t.privacy_notice.clone(),
        }
    }
}

fn project(job: Job, tenant: &Tenant) -> PublicJob {
    PublicJob {
        id: job.id,
        title: job.title,
        company: PublicCompany::from(tenant),
        department: job.department,
        location: job.location,
        employment_type: job.employment_type,
        remote_option: job.remote_option,
        salary_min: job.salary_min,
        salary_max: job.salary_max,
        currency: job.currency,
        description: job.description,
        required_skills: job.required_skills,
        nice_to_have_skills: job.nice_to_have_skills,
        level: job.level,
        posted_at: job.created_at,
    }
}

fn listed(rx: &impl Reader, id: u64) -> Result<Option<(Job, Tenant)>> {
    let Some(tenant_id) = rx.get(&PUBLIC_JOBS, INSTANCE, id)? else {
        return Ok(None);
    };
    let Some(job) = rx.get(&JOBS, tenant_id, id)?.filter(Job::is_listed) else {
        return Ok(None);
    };
    let Some(tenant) = rx
        .get(&TENANTS, INSTANCE, tenant_id)?
        .filter(|t: &Tenant| t.suspended_at.is_none())
    else {
        return Ok(None);
    };
    Ok(Some((job, tenant)))
}

/// Open public jobs of every tenant (or of one, by slug), newest first; `q` searches them.
pub fn list(
    store: &Store,
    search: &Search,
    tenant: Option<u64>,
    q: Option<&str>,
    skip: usize,
    limit: usize,
) -> Result<(Vec<PublicJob>, u64)> {
    let rx = store.read()?;
    let ids: Vec<u64>;
    let total;
    if q.is_none_or(|q| q.trim().is_empty()) && tenant.is_none() {
        ids = rx
            .page_before(&PUBLIC_JOBS, INSTANCE, None, skip + limit)?
            .0
            .into_iter()
            .skip(skip)
            .map(|(id, _)| id)
            .collect();
        total = rx.count(&PUBLIC_JOBS, INSTANCE)?;
    } else {
        let mut query = search::Query::new(Kind::Job, tenant);
        query.public_only = true;
        query.text = q.map(String::from);
        query.offset = skip;
        query.limit = limit;
        let hits = search.query(&query)?;
        ids = hits.ids;
        total = hits.total;
    }
    let mut jobs = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some((job, tenant)) = listed(&rx, id)? {
            jobs.push(project(job, &tenant));
        }
    }
    Ok((jobs, total))
}

pub fn get(store: &Store, id: u64) -> Result<PublicJob> {
    let (job, tenant) = listed(&store.read()?, id)?.ok_or_else(|| Error::not_found("Job", id))?;
    Ok(project(job, &tenant))
}

pub fn tenant_by_slug(store: &Store, slug: &str) -> Result<Tenant> {
    let rx = store.read()?;
    let missing = || {
        Error::new(
            crate::error::Code::NotFound,
            format!("No organisation has the careers page {slug:?}"),
        )
    };
    let (_, id) = rx.lookup(&SLUG_TENANT, slug)?.ok_or_else(missing)?;
    rx.get(&TENANTS, INSTANCE, id)?
        .filter(|t: &Tenant| t.suspended_at.is_none())
        .ok_or_else(missing)
}

#[derive(Debug, Clone, Default, Object)]
pub struct CareersApplication {
    pub job_id: u64,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub full_name: String,
    #[oai(validator(max_length = 254))]
    pub email: String,
    #[oai(validator(max_length = 40))]
    pub phone: Option<String>,
    #[oai(validator(maximum(value = "70")))]
    pub experience_years: Option<u32>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: Option<Vec<String>>,
    #[oai(validator(max_length = 500))]
    pub linkedin_url: Option<String>,
    /// A short note from the applicant, kept in the candidate's notes.
    #[oai(validator(max_length = 5000))]
    pub message: Option<String>,
    /// The applicant accepts the organisation's privacy notice (its text and version are in
    /// `GET /careers/jobs/{id}` under `company.privacy_notice`). Required, and `true`, while
    /// the organisation has a notice: it is recorded with the application (version, time, IP).
    pub consent: Option<bool>,
}

#[derive(Debug, Clone, Object)]
pub struct Applied {
    pub candidate_id: u64,
    pub application_id: u64,
    /// `true` when this person had already applied to this job: nothing new was created.
    pub dedup: bool,
}

/// A resume sent with an application: checked, and its text when it could be read.
pub struct ResumeFile {
    pub file: Accepted,
    pub text: Option<String>,
}

/// Checks an applicant's resume (an accepted kind, within `max_bytes`) and reads its text.
/// A document whose text cannot be read is still kept: the applicant is not turned away.
pub async fn read_resume(
    extractor: &Extractor,
    file: Incoming,
    max_bytes: u64,
) -> Result<ResumeFile> {
    let file = uploads::accept(file, "resume", max_bytes)?;
    let text = if file.kind.has_text() {
        match extractor
            .text(file.kind, file.bytes.clone(), "resume")
            .await
        {
            Ok(text) => Some(text),
            Err(e) => {
                tracing::info!(error = %e, "an applicant's resume could not be read; kept without its text");
                None
            }
        }
    } else {
        None
    };
    Ok(ResumeFile { file, text })
}

/// `ip` is the applicant's address, for the audit trail.
pub async fn apply(
    store: &Store,
    indexer: &Indexer,
    input: CareersApplication,
    resume: Option<ResumeFile>,
    ip: Option<String>,
    public_url: &str,
) -> Result<Applied> {
    let actor = Actor::public("careers", ip);
    let email = normalize_email(&input.email);
    let mut v = Validator::new();
    v.check(is_valid_email(&email), "email", "must be an email address");
    v.text(
        "message",
        input.message.as_deref().unwrap_or(""),
        false,
        5_000,
    );
    v.finish()?;
    let (_, tenant) = listed(&store.read()?, input.job_id)?
        .ok_or_else(|| Error::not_found("Job", input.job_id))?;
    let consent = privacy::consent_for(&tenant, input.consent, actor.ip.clone())?;
    let notes = input
        .message
        .as_ref()
        .map(|m| format!("Message from the careers page:\n{}", m.trim()));
    let new = NewCandidate {
        full_name: input.full_name,
        email: Some(email.clone()),
        phone: input.phone,
        experience_years: input.experience_years,
        skills: input.skills,
        linkedin_url: input.linkedin_url,
        notes,
        source: Some("careers".into()),
        ..NewCandidate::default()
    }
    .into_candidate(tenant.id, "careers");
    candidates::validate(&new)?;
    let job_id = input.job_id;
    let careers_url = format!(
        "{}/careers/{}",
        public_url.trim_end_matches('/'),
        tenant.slug
    );
    indexer
        .write(move |tx, pending| {
            // The job may have closed since the check above.
            let Some(job) = tx
                .get(&JOBS, tenant.id, job_id)?
                .filter(|j: &Job| j.is_listed())
            else {
                return Err(Error::not_found("Job", job_id));
            };
            let candidate = match candidates::by_email(tx, tenant.id, &email)? {
                Some(existing) => existing,
                None => {
                    let c = candidates::insert(tx, new, pending)?;
                    audit::record(tx, tenant.id, &actor, candidates::created(&c))?;
                    c
                }
            };
            if let Some(app) = applications::find(tx, tenant.id, job_id, candidate.id)? {
                return Ok(Applied {
                    candidate_id: candidate.id,
                    application_id: app.id,
                    dedup: true,
                });
            }
            let mut app = applications::insert(
                tx,
                tenant.id,
                job_id,
                candidate.id,
                Stage::Applied,
                Some("careers".into()),
                None,
                &actor,
            )?;
            if consent.is_some() {
                app.consent = consent;
                tx.put(&APPLICATIONS, tenant.id, app.id, &app)?;
            }
            if let Some(resume) = resume {
                let mut upload = uploads::record(tenant.id, None, &resume.file, Some(candidate.id));
                upload.text = resume.text;
                uploads::insert(tx, upload, &resume.file.bytes, &actor)?;
                // The resume's words are searchable with the candidate.
                pending.upsert(tx, &candidate)?;
            }
            let confirmation = mail::compose(
                MailKind::ApplicationReceived,
                &email,
                Some(&tenant),
                &careers_url,
                &job.title,
            );
            mail::enqueue(tx, tenant.id, confirmation)?;
            Ok(Applied {
                candidate_id: candidate.id,
                application_id: app.id,
                dedup: false,
            })
        })
        .await
}

/// For the server-rendered page: the tenant's open public jobs, newest first.
pub fn tenant_jobs(store: &Store, search: &Search, tenant: &Tenant) -> Result<Vec<PublicJob>> {
    Ok(list(store, search, Some(tenant.id), None, 0, 200)?.0)
}
