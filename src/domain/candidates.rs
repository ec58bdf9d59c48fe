//! Candidates: seed-004 fields plus `email`, `phone`, `skills`, `tags`, `source`. One candidate
//! per email within a tenant (compared case-insensitively).

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::fields::{
    NotNull, apply, apply_nullable, blank_is_null, check_amounts, check_currency, check_labels,
    check_phone, check_text, check_url, clean_labels, complete_url, tidy,
};
use super::indexing::{Indexer, Pending};
use super::matching::{self, Availability, WorkMode};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator, is_valid_email, normalize_email};
use crate::search::{self, Kind, Search};
use crate::store::tables::{AGENCY_CANDIDATES, CANDIDATES, EMAIL_CANDIDATE};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Candidate {
    pub id: u64,
    pub org_id: u64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub experience_years: Option<u32>,
    pub current_title: Option<String>,
    pub current_company: Option<String>,
    pub linkedin_url: Option<String>,
    pub github_url: Option<String>,
    pub website_url: Option<String>,
    pub notes: Option<String>,
    pub skills: Vec<String>,
    pub tags: Vec<String>,
    /// Where the candidate came from: `manual`, `careers`, `import`, `referral`, an agency...
    pub source: Option<String>,
    /// The yearly salary the candidate expects, a range in `expected_salary_currency`.
    pub expected_salary_min: Option<u64>,
    pub expected_salary_max: Option<u64>,
    pub expected_salary_currency: Option<String>,
    /// When the candidate can start.
    pub availability: Option<Availability>,
    /// Days of notice still to serve (with `availability: notice_period`).
    pub notice_period_days: Option<u32>,
    /// How the candidate wants to work: onsite, hybrid or remote.
    pub remote_preference: Option<WorkMode>,
    /// Would move for the right job.
    pub willing_to_relocate: Option<bool>,
    /// The agency that submitted the candidate (`null`: the organisation's own). Set from the
    /// agency user who creates it; that agency's people see only such candidates.
    #[serde(default)]
    pub agency_id: Option<u64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, Object)]
pub struct NewCandidate {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub experience_years: Option<u32>,
    pub current_title: Option<String>,
    pub current_company: Option<String>,
    pub linkedin_url: Option<String>,
    pub github_url: Option<String>,
    pub website_url: Option<String>,
    pub notes: Option<String>,
    pub skills: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub source: Option<String>,
    pub expected_salary_min: Option<u64>,
    pub expected_salary_max: Option<u64>,
    pub expected_salary_currency: Option<String>,
    pub availability: Option<Availability>,
    pub notice_period_days: Option<u32>,
    pub remote_preference: Option<WorkMode>,
    pub willing_to_relocate: Option<bool>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct CandidatePatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub full_name: MaybeUndefined<String>,
    #[oai(validator(max_length = 254))]
    pub email: MaybeUndefined<String>,
    #[oai(validator(max_length = 40))]
    pub phone: MaybeUndefined<String>,
    #[oai(validator(max_length = 200))]
    pub headline: MaybeUndefined<String>,
    #[oai(validator(max_length = 120))]
    pub location: MaybeUndefined<String>,
    #[oai(validator(maximum(value = "70")))]
    pub experience_years: MaybeUndefined<u32>,
    #[oai(validator(max_length = 120))]
    pub current_title: MaybeUndefined<String>,
    #[oai(validator(max_length = 120))]
    pub current_company: MaybeUndefined<String>,
    #[oai(validator(max_length = 500))]
    pub linkedin_url: MaybeUndefined<String>,
    #[oai(validator(max_length = 500))]
    pub github_url: MaybeUndefined<String>,
    #[oai(validator(max_length = 500))]
    pub website_url: MaybeUndefined<String>,
    #[oai(validator(max_length = 20000))]
    pub notes: MaybeUndefined<String>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: MaybeUndefined<Vec<String>>,
    #[oai(validator(max_items = 50, min_length = 1, max_length = 50))]
    pub tags: MaybeUndefined<Vec<String>>,
    #[oai(validator(max_length = 50))]
    pub source: MaybeUndefined<String>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub expected_salary_min: MaybeUndefined<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub expected_salary_max: MaybeUndefined<u64>,
    #[oai(validator(min_length = 3, max_length = 3))]
    pub expected_salary_currency: MaybeUndefined<String>,
    pub availability: MaybeUndefined<Availability>,
    #[oai(validator(maximum(value = "365")))]
    pub notice_period_days: MaybeUndefined<u32>,
    pub remote_preference: MaybeUndefined<WorkMode>,
    pub willing_to_relocate: MaybeUndefined<bool>,
}

crate::not_null!(CandidatePatch: full_name, skills, tags);

pub const MAX_EXPERIENCE: u32 = 70;

pub fn validate(c: &Candidate) -> Result<()> {
    let mut v = Validator::new();
    v.text("full_name", &c.full_name, true, 200);
    if let Some(e) = &c.email {
        v.check(is_valid_email(e), "email", "must be an email address");
    }
    check_phone(&mut v, "phone", c.phone.as_deref());
    check_text(&mut v, "headline", c.headline.as_deref(), 200);
    check_text(&mut v, "location", c.location.as_deref(), 120);
    check_text(&mut v, "current_title", c.current_title.as_deref(), 120);
    check_text(&mut v, "current_company", c.current_company.as_deref(), 120);
    check_text(&mut v, "notes", c.notes.as_deref(), 20_000);
    check_text(&mut v, "source", c.source.as_deref(), 50);
    check_url(&mut v, "linkedin_url", c.linkedin_url.as_deref());
    check_url(&mut v, "github_url", c.github_url.as_deref());
    check_url(&mut v, "website_url", c.website_url.as_deref());
    check_labels(&mut v, "skills", Some(&c.skills), 100);
    check_labels(&mut v, "tags", Some(&c.tags), 50);
    v.check(
        c.experience_years.is_none_or(|y| y <= MAX_EXPERIENCE),
        "experience_years",
        "must be between 0 and 70",
    );
    check_amounts(
        &mut v,
        ("expected_salary_min", c.expected_salary_min),
        ("expected_salary_max", c.expected_salary_max),
    );
    check_currency(
        &mut v,
        "expected_salary_currency",
        c.expected_salary_currency.as_deref(),
    );
    v.check(
        c.notice_period_days.is_none_or(|d| d <= MAX_NOTICE_DAYS),
        "notice_period_days",
        "must be between 0 and 365",
    );
    v.finish()
}

/// The longest notice period taken as given (a year).
pub const MAX_NOTICE_DAYS: u32 = 365;

impl NewCandidate {
    /// The record this input describes (id 0 until stored).
    pub fn into_candidate(self, tenant: u64, default_source: &str) -> Candidate {
        let now = Timestamp::now();
        Candidate {
            id: 0,
            org_id: tenant,
            full_name: self.full_name.trim().to_string(),
            email: tidy(self.email).map(|e| normalize_email(&e)),
            phone: tidy(self.phone),
            headline: tidy(self.headline),
            location: tidy(self.location),
            experience_years: self.experience_years,
            current_title: tidy(self.current_title),
            current_company: tidy(self.current_company),
            linkedin_url: tidy(self.linkedin_url).map(complete_url),
            github_url: tidy(self.github_url).map(complete_url),
            website_url: tidy(self.website_url).map(complete_url),
            notes: tidy(self.notes),
            skills: clean_labels(self.skills.unwrap_or_default()),
            tags: clean_labels(self.tags.unwrap_or_default()),
            source: tidy(self.source).or_else(|| Some(default_source.to_string())),
            expected_salary_min: self.expected_salary_min,
            expected_salary_max: self.expected_salary_max,
            expected_salary_currency: tidy(self.expected_salary_currency)
                .map(|c| c.to_ascii_uppercase()),
            availability: self.availability,
            notice_period_days: self.notice_period_days,
            remote_preference: self.remote_preference,
            willing_to_relocate: self.willing_to_relocate,
            agency_id: None,
            created_at: now,
            updated_at: now,
        }
    }
}

pub fn doc(c: &Candidate) -> search::Doc {
    search::Doc {
        id: c.id,
        tenant: c.org_id,
        name: c.full_name.clone(),
        headline: c.headline.clone().unwrap_or_default(),
        title: c.current_title.clone().unwrap_or_default(),
        company: c.current_company.clone().unwrap_or_default(),
        skills: c.skills.clone(),
        tags: c.tags.clone(),
        body: c.notes.clone().unwrap_or_default(),
        email: c.email.clone().unwrap_or_default(),
        location: c.location.clone().unwrap_or_default(),
        experience: c.experience_years.map(u64::from),
        status: String::new(),
        public: false,
        profile: matching::profile::of(&matching::find::supply(c)),
    }
}

fn email_key(tenant: u64, email: &str) -> String {
    format!("{tenant}:{email}")
}

pub fn by_email(rx: &impl Reader, tenant: u64, email: &str) -> Result<Option<Candidate>> {
    match rx.lookup(
        &EMAIL_CANDIDATE,
        &email_key(tenant, &normalize_email(email)),
    )? {
        Some((t, id)) => rx.get(&CANDIDATES, t, id),
        None => Ok(None),
    }
}

fn email_taken(email: &str) -> Error {
    Error::conflict(format!("A candidate with the email {email} already exists"))
}

/// Stores a changed candidate, moving its email claim when the email changed.
pub(super) fn save(
    tx: &mut Tx,
    c: &Candidate,
    old_email: Option<&str>,
    pending: &mut Pending,
) -> Result<()> {
    put(tx, c, old_email)?;
    pending.upsert(tx, c)
}

/// Writes the record and moves its email claim.
fn put(tx: &mut Tx, c: &Candidate, old_email: Option<&str>) -> Result<()> {
    if c.email.as_deref() != old_email {
        if let Some(email) = &c.email
            && !tx.claim(
                &EMAIL_CANDIDATE,
                &email_key(c.org_id, email),
                (c.org_id, c.id),
            )?
        {
            return Err(email_taken(email));
        }
        if let Some(old) = old_email {
            tx.release(&EMAIL_CANDIDATE, &email_key(c.org_id, old))?;
        }
    }
    tx.put(&CANDIDATES, c.org_id, c.id, c)
}

/// Inserts a validated new candidate inside `tx` (with a fresh id unless it has one already).
pub(super) fn insert(tx: &mut Tx, mut c: Candidate, pending: &mut Pending) -> Result<Candidate> {
    if c.id == 0 {
        c.id = tx.next_id()?;
    }
    put(tx, &c, None)?;
    pending.insert(tx, &c)?;
    Ok(c)
}

/// The audit entry of a new candidate.
pub(super) fn created(c: &Candidate) -> Change {
    let details = serde_json::json!({"source": c.source});
    Change::new(
        Action::CandidateCreated,
        c.id,
        format!("Added candidate {} {}", c.id, c.full_name),
    )
    .with(details)
}

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Candidate> {
    rx.get(&CANDIDATES, tenant, id)?
        .ok_or_else(|| Error::not_found("Candidate", id))
}

/// Whether `who` may see `c`: an agency only what it submitted.
pub fn sees(who: &Identity, c: &Candidate) -> bool {
    who.submissions_of()
        .is_none_or(|agency| c.agency_id == Some(agency))
}

/// The candidate, if `who` may see it: another tenant's, or one an agency did not submit, is
/// 404 like a missing one.
pub fn visible(rx: &impl Reader, who: &Identity, id: u64) -> Result<Candidate> {
    load(rx, who.tenant_id, id)
        .ok()
        .filter(|c| sees(who, c))
        .ok_or_else(|| Error::not_found("Candidate", id))
}

pub async fn create(indexer: &Indexer, who: &Identity, input: NewCandidate) -> Result<Candidate> {
    let mut c = input.into_candidate(who.tenant_id, "manual");
    c.agency_id = who.submitting_agency()?;
    validate(&c)?;
    let actor = Actor::of(who);
    indexer
        .write(move |tx, pending| {
            let c = insert(tx, c, pending)?;
            audit::record(tx, c.org_id, &actor, created(&c))?;
            Ok(c)
        })
        .await
}

pub fn get(store: &Store, who: &Identity, id: u64) -> Result<Candidate> {
    visible(&store.read()?, who, id)
}

pub async fn update(
    indexer: &Indexer,
    who: &Identity,
    id: u64,
    patch: CandidatePatch,
) -> Result<Candidate> {
    let (tenant, actor, who) = (who.tenant_id, Actor::of(who), who.clone());
    patch.reject_nulls()?;
    indexer
        .write(move |tx, pending| {
            let mut c = visible(tx, &who, id)?;
            let before = c.clone();
            let old_email = c.email.clone();
            let text = blank_is_null;
            apply(
                &mut c.full_name,
                patch.full_name.map_value(|n| n.trim().to_string()),
            );
            apply_nullable(
                &mut c.email,
                text(patch.email).map_value(|e| normalize_email(&e)),
            );
            apply_nullable(&mut c.phone, text(patch.phone));
            apply_nullable(&mut c.headline, text(patch.headline));
            apply_nullable(&mut c.location, text(patch.location));
            apply_nullable(&mut c.experience_years, patch.experience_years);
            apply_nullable(&mut c.current_title, text(patch.current_title));
            apply_nullable(&mut c.current_company, text(patch.current_company));
            let link = |p| text(p).map_value(complete_url);
            apply_nullable(&mut c.linkedin_url, link(patch.linkedin_url));
            apply_nullable(&mut c.github_url, link(patch.github_url));
            apply_nullable(&mut c.website_url, link(patch.website_url));
            apply_nullable(&mut c.notes, text(patch.notes));
            apply_nullable(&mut c.source, text(patch.source));
            apply(&mut c.skills, patch.skills.map_value(clean_labels));
            apply(&mut c.tags, patch.tags.map_value(clean_labels));
            apply_nullable(&mut c.expected_salary_min, patch.expected_salary_min);
            apply_nullable(&mut c.expected_salary_max, patch.expected_salary_max);
            apply_nullable(
                &mut c.expected_salary_currency,
                text(patch.expected_salary_currency).map_value(|c| c.to_ascii_uppercase()),
            );
            apply_nullable(&mut c.availability, patch.availability);
            apply_nullable(&mut c.notice_period_days, patch.notice_period_days);
            apply_nullable(&mut c.remote_preference, patch.remote_preference);
            apply_nullable(&mut c.willing_to_relocate, patch.willing_to_relocate);
            validate(&c)?;
            c.updated_at = Timestamp::now();
            save(tx, &c, old_email.as_deref(), pending)?;
            let label = format!("candidate {id} {}", c.full_name);
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::CandidateUpdated,
                id,
                &label,
                (&before, &c),
                &[],
            )?;
            Ok(c)
        })
        .await
}

/// Deletes a candidate, its applications (keeping job counters exact), its documents and its
/// email claim.
pub async fn delete(indexer: &Indexer, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    indexer
        .write(move |tx, pending| {
            let c = load(tx, tenant, id)?;
            let apps = super::applications::ids_for_candidate(tx, tenant, id)?;
            for app in &apps {
                super::applications::remove(tx, tenant, *app, true)?;
            }
            let summary = format!(
                "Deleted candidate {id} {} and {} application(s)",
                c.full_name,
                apps.len()
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::CandidateDeleted, id, summary),
            )?;
            remove(tx, &c, pending)
        })
        .await
}

/// Removes the candidate record, its files, its email claim and its search document (what refers to it
/// is the caller's to remove first).
pub(super) fn remove(tx: &mut Tx, c: &Candidate, pending: &mut Pending) -> Result<()> {
    // Their documents (resumes) go with them.
    super::uploads::remove_for_candidate(tx, c.org_id, c.id)?;
    if let Some(email) = &c.email {
        tx.release(&EMAIL_CANDIDATE, &email_key(c.org_id, email))?;
    }
    tx.remove(&CANDIDATES, c.org_id, c.id)?;
    pending.remove::<Candidate>(tx, c.org_id, c.id)
}

named_enum! {
    /// How `q` ranks candidates: by its words (BM25), or by its words and by meaning fused.
    pub enum SearchMode {
        Keyword = "keyword",
        Semantic = "semantic",
    }
}

/// The mode of a search that names none (README, "Search by meaning", says why).
pub const DEFAULT_MODE: SearchMode = SearchMode::Keyword;

#[derive(Debug, Clone, Default)]
pub struct CandidateFilter {
    pub q: Option<String>,
    pub skills: Vec<String>,
    pub tag: Option<String>,
    pub location: Option<String>,
    pub min_experience: Option<u32>,
    pub max_experience: Option<u32>,
}

impl CandidateFilter {
    fn is_empty(&self) -> bool {
        self.q.as_deref().is_none_or(|q| q.trim().is_empty())
            && self.skills.is_empty()
            && self.tag.is_none()
            && self.location.is_none()
            && self.min_experience.is_none()
            && self.max_experience.is_none()
    }

    /// Whether the filters other than `q` are set.
    fn narrows(&self) -> bool {
        !self.skills.is_empty()
            || self.tag.is_some()
            || self.location.is_some()
            || self.min_experience.is_some()
            || self.max_experience.is_some()
    }

    /// Whether `c` passes the filters other than `q` (as the index reads them: skills and
    /// the tag exactly but for case, every word of the location, the experience range).
    fn admits(&self, c: &Candidate) -> bool {
        let has = |list: &[String], want: &str| {
            list.iter()
                .any(|s| s.trim().eq_ignore_ascii_case(want.trim()))
        };
        let words = |s: &str| -> Vec<String> {
            s.split(|ch: char| !ch.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        };
        let place = words(c.location.as_deref().unwrap_or_default());
        let years = c.experience_years;
        self.skills.iter().all(|s| has(&c.skills, s))
            && self.tag.as_deref().is_none_or(|t| has(&c.tags, t))
            && self
                .location
                .as_deref()
                .is_none_or(|l| words(l).iter().all(|w| place.contains(w)))
            && self
                .min_experience
                .is_none_or(|min| years.is_some_and(|y| y >= min))
            && self
                .max_experience
                .is_none_or(|max| years.is_some_and(|y| y <= max))
    }

    fn query(&self, tenant: u64, skip: usize, limit: usize) -> search::Query {
        let mut q = search::Query::new(Kind::Candidate, Some(tenant));
        q.text = self.q.clone();
        q.skills = self.skills.clone();
        q.tag = self.tag.clone();
        q.location = self.location.clone();
        q.min_experience = self.min_experience.map(u64::from);
        q.max_experience = self.max_experience.map(u64::from);
        q.offset = skip;
        q.limit = limit;
        q
    }
}

/// The candidates `who` may see, newest first, or ranked by `q`. An agency's are those filed
/// under it: a page reads just the page, a search is bounded to them.
pub fn list(
    store: &Store,
    search: &Search,
    who: &Identity,
    f: &CandidateFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Candidate>, u64)> {
    let rx = store.read()?;
    let tenant = who.tenant_id;
    let agency = who.submissions_of();
    if f.is_empty() {
        let filters = [(&AGENCY_CANDIDATES, agency)];
        return rx.page_matching(&CANDIDATES, tenant, &filters, None, skip, limit);
    }
    let mut q = f.query(tenant, skip, limit);
    q.only = submitted(&rx, tenant, agency)?;
    let hits = search.query(&q)?;
    let items = rx.get_many(&CANDIDATES, tenant, &hits.ids)?;
    Ok((items, hits.total))
}

/// The ids of the candidates `agency` submitted (`None`: no agency, no bound).
fn submitted(rx: &impl Reader, tenant: u64, agency: Option<u64>) -> Result<Option<Vec<u64>>> {
    agency
        .map(|a| rx.members(&AGENCY_CANDIDATES.index, tenant, a))
        .transpose()
}

/// How deep each ranking goes before they are fused: the answer holds at most this many
/// (or `skip + limit`, when more).
pub const FUSE_DEPTH: usize = 100;
/// Candidates less similar in meaning than this to the query are not found by meaning alone.
pub const MIN_SIMILARITY: f32 = 0.25;

/// `q` by meaning (`mode=semantic`): BM25's ranking and the ranking by similarity of meaning
/// (cosine to the query's vector), fused by reciprocal rank; the filters apply to both. Without
/// `q`, the same as [`list`].
pub fn list_by_meaning(
    store: &Store,
    indexer: &Indexer,
    who: &Identity,
    f: &CandidateFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Candidate>, u64)> {
    let Some(text) = f.q.as_deref().filter(|q| !q.trim().is_empty()) else {
        return list(store, &indexer.search, who, f, skip, limit);
    };
    let tenant = who.tenant_id;
    let depth = FUSE_DEPTH.max(skip + limit);
    let rx = store.read()?;
    let only = submitted(&rx, tenant, who.submissions_of())?;
    let keyword = indexer
        .search
        .query(&search::Query {
            counted: false,
            only: only.clone(),
            ..f.query(tenant, 0, depth)
        })?
        .ids;
    let only: Option<std::collections::HashSet<u64>> = only.map(|ids| ids.into_iter().collect());
    let admitted = |id: u64| {
        only.as_ref().is_none_or(|ids| ids.contains(&id))
            && (!f.narrows()
                || matches!(rx.get(&CANDIDATES, tenant, id), Ok(Some(c)) if f.admits(&c)))
    };
    let by_meaning: Vec<u64> = super::meaning::nearest::<Candidate>(
        store,
        &indexer.shelves,
        tenant,
        text,
        depth,
        admitted,
    )?
    .into_iter()
    .filter(|(_, similarity)| *similarity >= MIN_SIMILARITY)
    .map(|(id, _)| id)
    .collect();
    let fused = crate::semantic::fuse(&[&keyword, &by_meaning]);
    let page: Vec<u64> = fused.iter().skip(skip).take(limit).map(|f| f.0).collect();
    Ok((rx.get_many(&CANDIDATES, tenant, &page)?, fused.len() as u64))
}
