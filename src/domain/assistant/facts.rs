//! What a tool is about, read from the records (ids) or given inline (payloads): a candidate,
//! a job, the organisation. Ids are read in the caller's tenant, so another tenant's id is a
//! 404 like a missing one; inline records are the bodies that create them (`NewCandidate`,
//! `NewJob`), checked by the same rules, their fields named `candidate.…` and `job.…`.

use crate::domain::candidates::{self, Candidate, NewCandidate};
use crate::domain::jobs::{self, Job, NewJob};
use crate::domain::tenants::{self, Tenant};
use crate::error::{Error, Result};
use crate::store::Reader;
use crate::store::tables::USERS;

/// A validation error of an inline record, its fields named within it (`job.currency`).
fn within(prefix: &str, mut e: Error) -> Error {
    for f in &mut e.errors {
        f.field = format!("{prefix}.{}", f.field);
    }
    if let [only] = e.errors.as_slice() {
        e.detail = format!("`{}` {}", only.field, only.message);
    }
    e
}

/// The candidate of a request: by id (read in the tenant) or inline.
pub fn candidate(
    rx: &impl Reader,
    tenant: u64,
    id: Option<u64>,
    inline: Option<NewCandidate>,
) -> Result<Candidate> {
    match (id, inline) {
        (Some(id), _) => candidates::load(rx, tenant, id),
        (None, Some(input)) => {
            let c = input.into_candidate(tenant, "assistant");
            candidates::validate(&c).map_err(|e| within("candidate", e))?;
            Ok(c)
        }
        (None, None) => Err(Error::invalid(
            "candidate_id",
            "is required (or describe the candidate inline as `candidate`)",
        )),
    }
}

/// The job of a request: by id or inline.
pub fn job(rx: &impl Reader, tenant: u64, id: Option<u64>, inline: Option<NewJob>) -> Result<Job> {
    match (id, inline) {
        (Some(id), _) => jobs::load(rx, tenant, id),
        (None, Some(input)) => {
            let j = input.into_job(tenant, None);
            jobs::validate(&j).map_err(|e| within("job", e))?;
            Ok(j)
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
