//! What a tool is about, read from the records (ids) or given inline (payloads): a candidate,
//! a job, the organisation. Ids are read in the caller's tenant, so another tenant's id is a
//! 404 like a missing one; inline payloads are checked as strictly as the records they stand for.

use poem_openapi::Object;
use serde::Serialize;

use crate::domain::candidates::{self, Candidate};
use crate::domain::jobs::{self, Job, JobStatus, Level};
use crate::domain::tenants::{self, Tenant};
use crate::error::{Error, Result};
use crate::store::Reader;
use crate::store::tables::USERS;
use crate::time::Timestamp;

/// A candidate described inline instead of by `candidate_id`.
#[derive(Debug, Clone, Object, Serialize)]
pub struct CandidateFacts {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub full_name: String,
    #[oai(validator(max_length = 200))]
    pub current_title: Option<String>,
    #[oai(validator(max_length = 200))]
    pub current_company: Option<String>,
    #[oai(validator(max_length = 200))]
    pub headline: Option<String>,
    #[oai(validator(max_length = 200))]
    pub location: Option<String>,
    #[oai(validator(maximum(value = "70")))]
    pub experience_years: Option<u32>,
    #[oai(validator(max_items = 100, max_length = 50))]
    pub skills: Option<Vec<String>>,
    /// Free text: a summary, notes, resume text.
    #[oai(validator(max_length = 20000))]
    pub notes: Option<String>,
}

/// A job described inline instead of by `job_id`.
#[derive(Debug, Clone, Object, Serialize)]
pub struct JobFacts {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    pub level: Option<Level>,
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
    #[oai(validator(max_length = 3))]
    pub currency: Option<String>,
    #[oai(validator(max_length = 20000))]
    pub description: Option<String>,
    #[oai(validator(max_items = 100, max_length = 50))]
    pub required_skills: Option<Vec<String>>,
    #[oai(validator(max_items = 100, max_length = 50))]
    pub nice_to_have_skills: Option<Vec<String>>,
}

fn tidy(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn tidy_list(list: Option<Vec<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in list.unwrap_or_default() {
        let item = item.trim().to_string();
        if !item.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&item)) {
            out.push(item);
        }
    }
    out
}

impl CandidateFacts {
    pub fn into_candidate(self, tenant: u64) -> Candidate {
        let now = Timestamp::now();
        Candidate {
            id: 0,
            org_id: tenant,
            full_name: self.full_name.trim().to_string(),
            email: None,
            phone: None,
            headline: tidy(self.headline),
            location: tidy(self.location),
            experience_years: self.experience_years,
            current_title: tidy(self.current_title),
            current_company: tidy(self.current_company),
            linkedin_url: None,
            github_url: None,
            website_url: None,
            notes: tidy(self.notes),
            skills: tidy_list(self.skills),
            tags: Vec::new(),
            source: None,
            expected_salary_min: None,
            expected_salary_max: None,
            expected_salary_currency: None,
            availability: None,
            notice_period_days: None,
            remote_preference: None,
            willing_to_relocate: None,
            created_at: now,
            updated_at: now,
        }
    }
}

impl JobFacts {
    pub fn into_job(self, tenant: u64) -> Job {
        let now = Timestamp::now();
        Job {
            id: 0,
            org_id: tenant,
            created_by_user_id: None,
            title: self.title.trim().to_string(),
            department: tidy(self.department),
            location: tidy(self.location),
            employment_type: tidy(self.employment_type),
            remote_option: tidy(self.remote_option),
            salary_min: self.salary_min,
            salary_max: self.salary_max,
            currency: tidy(self.currency).map(|c| c.to_ascii_uppercase()),
            description: tidy(self.description),
            required_skills: tidy_list(self.required_skills),
            nice_to_have_skills: tidy_list(self.nice_to_have_skills),
            skills: Vec::new(),
            level: self.level,
            status: JobStatus::Open,
            is_public: false,
            applicants: 0,
            hired: 0,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The candidate of a request: by id (read in the tenant) or inline; `field` names the
/// pair in the error when neither is given.
pub fn candidate(
    rx: &impl Reader,
    tenant: u64,
    id: Option<u64>,
    inline: Option<CandidateFacts>,
) -> Result<Candidate> {
    match (id, inline) {
        (Some(id), _) => candidates::load(rx, tenant, id),
        (None, Some(facts)) => {
            let mut v = crate::error::Validator::new();
            v.text("candidate.full_name", &facts.full_name, true, 200);
            v.finish()?;
            Ok(facts.into_candidate(tenant))
        }
        (None, None) => Err(Error::invalid(
            "candidate_id",
            "is required (or describe the candidate inline as `candidate`)",
        )),
    }
}

/// The job of a request: by id or inline.
pub fn job(
    rx: &impl Reader,
    tenant: u64,
    id: Option<u64>,
    inline: Option<JobFacts>,
) -> Result<Job> {
    match (id, inline) {
        (Some(id), _) => jobs::load(rx, tenant, id),
        (None, Some(facts)) => {
            let mut v = crate::error::Validator::new();
            v.text("job.title", &facts.title, true, 200);
            crate::domain::fields::check_currency(
                &mut v,
                "job.currency",
                facts.currency.as_deref().map(str::trim),
            );
            if let (Some(min), Some(max)) = (facts.salary_min, facts.salary_max) {
                v.check(
                    min <= max,
                    "job.salary_max",
                    "must not be less than `salary_min`",
                );
            }
            v.finish()?;
            Ok(facts.into_job(tenant))
        }
        (None, None) => Err(Error::invalid(
            "job_id",
            "is required (or describe the job inline as `job`)",
        )),
    }
}

/// The organisation, and the name of the person asking (for signing letters).
pub struct Sender {
    pub tenant: Tenant,
    pub name: Option<String>,
}

pub fn sender(rx: &impl Reader, tenant: u64, user_id: Option<u64>) -> Result<Sender> {
    let name = match user_id {
        Some(id) => rx
            .get(&USERS, tenant, id)?
            .map(|u: crate::domain::users::User| u.full_name)
            .filter(|n| !n.trim().is_empty()),
        None => None,
    };
    Ok(Sender {
        tenant: tenants::load(rx, tenant)?,
        name,
    })
}

/// The first name of a full name ("Grace Hopper" → "Grace").
pub fn first_name(full_name: &str) -> &str {
    full_name.split_whitespace().next().unwrap_or(full_name)
}

/// 120000 → "120,000".
pub fn money(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A salary range as people write it: "90,000–120,000 EUR", "from 90,000 EUR", "up to …".
pub fn range(min: Option<u64>, max: Option<u64>, currency: Option<&str>) -> Option<String> {
    let cur = currency.map(|c| format!(" {c}")).unwrap_or_default();
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(format!("{}{cur}", money(a))),
        (Some(a), Some(b)) => Some(format!("{}–{}{cur}", money(a), money(b))),
        (Some(a), None) => Some(format!("from {}{cur}", money(a))),
        (None, Some(b)) => Some(format!("up to {}{cur}", money(b))),
        (None, None) => None,
    }
}

/// "Rust, PostgreSQL and Kafka".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The skills a job asks for, required first (its keywords when it lists neither).
pub fn job_skills(job: &Job) -> Vec<String> {
    let mut out = job.required_skills.clone();
    for s in job.nice_to_have_skills.iter().chain(&job.skills) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.push(s.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_lists_read_naturally() {
        assert_eq!(money(0), "0");
        assert_eq!(money(950), "950");
        assert_eq!(money(120000), "120,000");
        assert_eq!(money(1234567), "1,234,567");
        assert_eq!(
            range(Some(90000), Some(120000), Some("EUR")).unwrap(),
            "90,000–120,000 EUR"
        );
        assert_eq!(range(None, Some(5), None).unwrap(), "up to 5");
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(first_name("Grace Brewster Hopper"), "Grace");
    }
}
