//! The two seed-004 questions — which candidates fit this job, which jobs fit this candidate —
//! answered in two steps: recall through the index (BM25 over the other side's words, so
//! records the structured fields miss are found too), then the six axes re-rank what was
//! recalled. The API logs every answer ([`super::log`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use poem_openapi::Object;

use super::log::{Direction, MatchLogEntry};
use super::profile;
use super::{Demand, Matcher, Pay, Rated, Scored, Supply, Weights, WorkMode};
use crate::domain::candidates::{self, Candidate};
use crate::domain::jobs::{self, Job, JobStatus};
use crate::domain::tenants;
use crate::error::Result;
use crate::search::{Kind, Recall, Search};
use crate::store::tables::{CANDIDATES, JOBS};
use crate::store::{Reader, Store};

/// How many records recall hands to the axes: enough that a strong structured fit with a
/// modest text match still makes the top 20.
pub const RECALL: usize = 300;
/// Jobs are fewer and each one prepares its own matcher: fewer are recalled.
pub const JOB_RECALL: usize = 300;
pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

#[derive(Debug, Clone, Object)]
pub struct CandidatesForJob {
    pub job_id: u64,
    /// How many matches, 1–100 (default 20).
    #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
    pub limit: Option<u32>,
    /// `hybrid` (default) or `semantic` (also by similarity of meaning).
    pub strategy: Option<super::semantic::Strategy>,
}

#[derive(Debug, Clone, Object)]
pub struct JobsForCandidate {
    pub candidate_id: u64,
    /// How many matches, 1–100 (default 20).
    #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
    pub limit: Option<u32>,
    /// `hybrid` (default) or `semantic` (also by similarity of meaning).
    pub strategy: Option<super::semantic::Strategy>,
}

/// A candidate matched to a job (seed 004 fields, plus the axes and the skills).
#[derive(Debug, Clone, Object)]
pub struct CandidateMatch {
    pub candidate_id: u64,
    pub full_name: String,
    pub current_title: Option<String>,
    pub current_company: Option<String>,
    pub location: Option<String>,
    #[oai(flatten)]
    pub fit: Scored,
}

#[derive(Debug, Clone, Object)]
pub struct CandidateMatches {
    pub job_id: u64,
    /// Best first.
    pub matches: Vec<CandidateMatch>,
}

/// A job matched to a candidate (seed 004 fields, plus the axes and the skills).
#[derive(Debug, Clone, Object)]
pub struct JobMatch {
    pub job_id: u64,
    pub title: String,
    pub location: Option<String>,
    pub status: JobStatus,
    #[oai(flatten)]
    pub fit: Scored,
}

#[derive(Debug, Clone, Object)]
pub struct JobMatches {
    pub candidate_id: u64,
    /// Best first.
    pub matches: Vec<JobMatch>,
}

/// Jobs' matchers, prepared once: reading a job's text for its skills and the years it asks is
/// most of the cost of scoring one candidate against it, and `jobs_for_candidate` scores a
/// candidate against hundreds. An entry serves while the job reads the same and the weights
/// are the same.
#[derive(Default)]
pub struct Prepared {
    jobs: Mutex<HashMap<(u64, u64), PreparedJob>>,
}

/// What a job's matcher was prepared from, and the matcher.
type PreparedJob = (Demand, Weights, Arc<Matcher>);

/// Prepared matchers kept before the cache starts over.
const PREPARED_JOBS: usize = 50_000;

impl Prepared {
    pub fn job(&self, job: &Job, weights: &Weights) -> Arc<Matcher> {
        let key = (job.org_id, job.id);
        let demand = demand(job);
        let lock = || self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((d, w, m)) = lock().get(&key)
            && *d == demand
            && w == weights
        {
            return m.clone();
        }
        let matcher = Arc::new(Matcher::new(&demand, weights));
        let mut jobs = lock();
        if jobs.len() >= PREPARED_JOBS {
            jobs.clear();
        }
        jobs.insert(key, (demand, *weights, matcher.clone()));
        matcher
    }
}

/// What the engine reads of a job.
pub fn demand(job: &Job) -> Demand {
    let required = if job.required_skills.is_empty() && job.nice_to_have_skills.is_empty() {
        job.skills.clone()
    } else {
        job.required_skills.clone()
    };
    Demand {
        title: job.title.clone(),
        text: job.description.clone().unwrap_or_default(),
        required_skills: required,
        nice_skills: job.nice_to_have_skills.clone(),
        level: job.level,
        location: job.location.clone(),
        work_mode: job.remote_option.as_deref().and_then(work_mode),
        pay: pay(job.salary_min, job.salary_max, job.currency.as_deref()),
    }
}

/// What the engine reads of a candidate.
pub fn supply(c: &Candidate) -> Supply {
    supply_with(c, c.notes.clone().unwrap_or_default(), c.skills.clone())
}

/// As [`supply`], taking the candidate's notes and skills instead of copying them: a match
/// shows neither.
fn supply_taking(c: &mut Candidate) -> Supply {
    let text = c.notes.take().unwrap_or_default();
    let skills = std::mem::take(&mut c.skills);
    supply_with(c, text, skills)
}

fn supply_with(c: &Candidate, text: String, skills: Vec<String>) -> Supply {
    Supply {
        title: c.current_title.clone(),
        headline: c.headline.clone(),
        text,
        skills,
        experience_years: c.experience_years,
        level: None,
        location: c.location.clone(),
        work_mode: c.remote_preference,
        willing_to_relocate: c.willing_to_relocate,
        pay: pay(
            c.expected_salary_min,
            c.expected_salary_max,
            c.expected_salary_currency.as_deref(),
        ),
        availability: c.availability,
        notice_period_days: c.notice_period_days,
        mentions: None,
        known_skills: Vec::new(),
    }
}

/// A range, when either bound is known.
pub fn pay(min: Option<u64>, max: Option<u64>, currency: Option<&str>) -> Option<Pay> {
    (min.is_some() || max.is_some()).then(|| Pay {
        min,
        max,
        currency: currency.map(str::to_ascii_uppercase),
    })
}

/// A job's free-text `remote_option` ("Remote", "on-site", "Hybrid (2 days)") as a work mode.
pub fn work_mode(text: &str) -> Option<WorkMode> {
    let t = text.to_ascii_lowercase();
    if t.contains("hybrid") {
        Some(WorkMode::Hybrid)
    } else if t.contains("remote") {
        Some(WorkMode::Remote)
    } else if [
        "onsite",
        "on-site",
        "on site",
        "office",
        "in person",
        "in-person",
    ]
    .iter()
    .any(|w| t.contains(w))
    {
        Some(WorkMode::Onsite)
    } else {
        None
    }
}

/// How many of the best rated by profile are scored again from their records: half as many
/// again as are shown (at least 30), so a record newer than its profile can still move into
/// the answer.
pub fn shortlist_size(limit: usize) -> usize {
    (limit + limit / 2).max(30)
}

fn limit(requested: Option<u32>) -> usize {
    requested.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize
}

/// The `limit` best of `rated`, best first; equal scores by id, so answers are stable. Only
/// these are explained ([`Matcher::explain`]): naming skills and writing the reason for every
/// recalled record would cost more than rating them.
pub fn top<T>(mut rated: Vec<(Rated, u64, T)>, limit: usize) -> Vec<(Rated, u64, T)> {
    let order =
        |a: &(Rated, u64, T), b: &(Rated, u64, T)| b.0.score.cmp(&a.0.score).then(a.1.cmp(&b.1));
    if rated.len() > limit {
        rated.select_nth_unstable_by(limit, order);
        rated.truncate(limit);
    }
    rated.sort_by(order);
    rated
}

/// The candidates of the tenant that best fit job `req.job_id` (404 when it is not the
/// tenant's), and the entry to log. Blocking: run it off the async workers.
pub fn candidates_for_job(
    store: &Store,
    search: &Search,
    prepared: &Prepared,
    tenant: u64,
    req: &CandidatesForJob,
) -> Result<(CandidateMatches, MatchLogEntry)> {
    let rx = store.read()?;
    let job = jobs::load(&rx, tenant, req.job_id)?;
    let weights = tenants::load(&rx, tenant)?.match_weights;
    let matcher = prepared.job(&job, &weights);
    let words = matcher.recall_terms();
    let recalled = search.recall_profiles(
        &Recall {
            kind: Kind::Candidate,
            tenant,
            status: None,
            words: &words,
            limit: RECALL,
        },
        profile::read,
    )?;
    // Every recalled candidate rated from its profile in the index (one indexed before
    // profiles existed, from its record); the shortlist read from the records, which the
    // answer shows and which may be newer than the index: a record the profile was made from
    // keeps its rating, one changed since is rated again.
    let mut unprofiled = Vec::new();
    let mut rough: Vec<(Rated, u64, u64)> = Vec::with_capacity(recalled.len());
    for (id, profile) in &recalled {
        match profile {
            Some(p) => rough.push((matcher.rate(&p.supply), *id, p.fingerprint)),
            None => unprofiled.push(*id),
        }
    }
    for c in rx.get_many(&CANDIDATES, tenant, &unprofiled)? {
        let s = supply(&c);
        rough.push((matcher.rate(&s), c.id, profile::fingerprint(&s)));
    }
    let wanted = limit(req.limit);
    let mut shortlist: HashMap<u64, (Rated, u64)> = top(rough, shortlist_size(wanted))
        .into_iter()
        .map(|(rated, id, fingerprint)| (id, (rated, fingerprint)))
        .collect();
    let ids: Vec<u64> = shortlist.keys().copied().collect();
    let rated: Vec<(Rated, u64, Candidate)> = rx
        .get_many(&CANDIDATES, tenant, &ids)?
        .into_iter()
        .map(|mut c| {
            let s = supply_taking(&mut c);
            let rated = match shortlist.remove(&c.id) {
                Some((rated, fingerprint)) if fingerprint == profile::fingerprint(&s) => rated,
                _ => matcher.rate(&s),
            };
            (rated, c.id, c)
        })
        .collect();
    let matches: Vec<CandidateMatch> = top(rated, wanted)
        .into_iter()
        .map(|(rated, _, c)| {
            let s = matcher.explain(rated);
            CandidateMatch {
                candidate_id: c.id,
                full_name: c.full_name,
                current_title: c.current_title,
                current_company: c.current_company,
                location: c.location,
                fit: s,
            }
        })
        .collect();
    let top = matches
        .iter()
        .map(|m| (m.candidate_id, m.fit.score))
        .collect();
    let logged = MatchLogEntry::new(Direction::CandidatesForJob, job.id, recalled.len(), top);
    Ok((
        CandidateMatches {
            job_id: job.id,
            matches,
        },
        logged,
    ))
}

/// The open jobs of the tenant that best fit candidate `req.candidate_id` (404 when it is not
/// the tenant's), and the entry to log. Blocking: run it off the async workers.
pub fn jobs_for_candidate(
    store: &Store,
    search: &Search,
    prepared: &Prepared,
    tenant: u64,
    req: &JobsForCandidate,
) -> Result<(JobMatches, MatchLogEntry)> {
    let rx = store.read()?;
    let candidate = candidates::load(&rx, tenant, req.candidate_id)?;
    let weights = tenants::load(&rx, tenant)?.match_weights;
    let supply = supply(&candidate);
    let mut words: Vec<String> = candidate.skills.clone();
    words.extend(candidate.current_title.iter().cloned());
    words.extend(candidate.headline.iter().cloned());
    let ids = search.recall(&Recall {
        kind: Kind::Job,
        tenant,
        status: Some(JobStatus::Open.as_str()),
        words: &words,
        limit: JOB_RECALL,
    })?;
    let rated: Vec<(Rated, u64, (Arc<Matcher>, Job))> = rx
        .get_many(&JOBS, tenant, &ids)?
        .into_iter()
        .map(|job| {
            let matcher = prepared.job(&job, &weights);
            (matcher.rate(&supply), job.id, (matcher, job))
        })
        .collect();
    let matches: Vec<JobMatch> = top(rated, limit(req.limit))
        .into_iter()
        .map(|(rated, _, (matcher, job))| {
            let s = matcher.explain(rated);
            JobMatch {
                job_id: job.id,
                title: job.title,
                location: job.location,
                status: job.status,
                fit: s,
            }
        })
        .collect();
    let top = matches.iter().map(|m| (m.job_id, m.fit.score)).collect();
    let logged = MatchLogEntry::new(Direction::JobsForCandidate, candidate.id, ids.len(), top);
    Ok((
        JobMatches {
            candidate_id: candidate.id,
            matches,
        },
        logged,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_options_read_as_work_modes() {
        assert_eq!(work_mode("Remote (EU)"), Some(WorkMode::Remote));
        assert_eq!(work_mode("Hybrid, 2 days remote"), Some(WorkMode::Hybrid));
        assert_eq!(work_mode("On-site"), Some(WorkMode::Onsite));
        assert_eq!(work_mode("Office in Berlin"), Some(WorkMode::Onsite));
        assert_eq!(work_mode("flexible"), None);
    }

    #[test]
    fn a_job_without_required_skills_asks_for_its_skills() {
        let job = Job {
            skills: vec!["Rust".into()],
            ..test_job()
        };
        assert_eq!(demand(&job).required_skills, vec!["Rust".to_string()]);
        let job = Job {
            required_skills: vec!["Go".into()],
            skills: vec!["Go".into(), "Rust".into()],
            ..test_job()
        };
        assert_eq!(demand(&job).required_skills, vec!["Go".to_string()]);
    }

    #[test]
    fn a_prepared_matcher_serves_while_the_job_and_weights_are_unchanged() {
        let prepared = Prepared::default();
        let job = Job {
            required_skills: vec!["Rust".into()],
            ..test_job()
        };
        let w = Weights::default();
        let first = prepared.job(&job, &w);
        assert!(Arc::ptr_eq(&first, &prepared.job(&job, &w)));
        let edited = Job {
            description: Some("10+ years".into()),
            ..job.clone()
        };
        assert!(!Arc::ptr_eq(&first, &prepared.job(&edited, &w)));
        let skills_only = Weights { experience: 0, ..w };
        assert!(!Arc::ptr_eq(
            &prepared.job(&edited, &w),
            &prepared.job(&edited, &skills_only)
        ));
    }

    #[test]
    fn pay_needs_a_bound() {
        assert_eq!(pay(None, None, Some("EUR")), None);
        assert_eq!(
            pay(Some(1), None, Some("eur")).unwrap().currency.as_deref(),
            Some("EUR")
        );
    }

    fn test_job() -> Job {
        serde_json::from_value(serde_json::json!({
            "id": 1, "org_id": 1, "created_by_user_id": null, "title": "Engineer",
            "department": null, "location": null, "employment_type": null,
            "remote_option": null, "salary_min": null, "salary_max": null, "currency": null,
            "description": null, "required_skills": [], "nice_to_have_skills": [],
            "skills": [], "level": null, "status": "open", "is_public": false,
            "applicants": 0, "hired": 0,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap()
    }
}
