//! The seven tools: what each takes, what it answers, and how the offline engine answers it
//! from the organisation's records. Each tool gathers its facts ([`Prepared`]), answers them
//! offline, and says which fields an endpoint's answer may replace ([`Answer::merge`]).

use std::collections::HashMap;

use poem_openapi::{Enum, Object};
use serde::Serialize;
use serde_json::{Value, json};

use super::bank::{Brief, LineKind, bank, is_senior};
use super::facts::{self, Sender, and_list, first_name, job_skills, money, range};
use crate::domain::candidates::{Candidate, NewCandidate};
use crate::domain::interviews::{self, Recommendation};
use crate::domain::jobs::{Job, Level, NewJob};
use crate::domain::matching::find::{demand, supply};
use crate::domain::matching::vocabulary::vocabulary;
use crate::domain::matching::{Availability, Breakdown, Matcher};
use crate::domain::offers::{self, Offer, OfferStatus};
use crate::error::{Error, Result, Validator};
use crate::store::Reader;
use crate::store::tables::{JOBS, OFFERS};

named_enum! {
    /// The assistant's tools, as `/assistant/{tool}` names them (with `-`) and spend reports
    /// and library kinds name them (with `_`).
    pub enum Tool {
        Screen = "screen",
        Outreach = "outreach",
        OfferLetter = "offer_letter",
        InterviewQuestions = "interview_questions",
        JobDescription = "job_description",
        SalaryBenchmark = "salary_benchmark",
        TranscriptSummary = "transcript_summary",
    }
}

/// A tool's answer type: what an endpoint is asked for, and how its reply is taken in.
pub trait Answer: Serialize + Sized {
    /// The JSON fields the endpoint must answer with, as the prompt describes them.
    const FIELDS: &'static str;
    /// The offline answer with the fields the endpoint's `reply` (snake_case keys) may
    /// replace; an error says what was missing or malformed.
    fn merge(self, reply: &Value) -> std::result::Result<Self, String>;
}

/// A tool's facts, gathered from the records, and the offline engine's answer to them.
pub struct Prepared<A> {
    pub tool: Tool,
    /// What the endpoint is told (records as facts, not as storage rows).
    pub facts: Value,
    pub offline: A,
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
}

// --- reading an endpoint's reply leniently -------------------------------------------------

fn text(reply: &Value, field: &str) -> std::result::Result<String, String> {
    match &reply[field] {
        Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Value::Array(lines) if !lines.is_empty() => {
            Ok(strings(&Value::Array(lines.clone())).join("\n"))
        }
        _ => Err(format!("the answer has no `{field}`")),
    }
}

/// A list of sentences from an array of strings, an array of objects (their first text), or
/// one string of lines.
fn strings(value: &Value) -> Vec<String> {
    let one = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Object(map) => ["text", "question", "item", "description", "value"]
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str))
                .or_else(|| map.values().find_map(Value::as_str))
                .map(|s| s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(one)
            .filter(|s| !s.is_empty())
            .collect(),
        Value::String(s) => s
            .lines()
            .map(|l| {
                l.trim()
                    .trim_start_matches(['-', '*', '•'])
                    .trim()
                    .to_string()
            })
            .filter(|l| !l.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

fn list(reply: &Value, field: &str) -> std::result::Result<Vec<String>, String> {
    let items = strings(&reply[field]);
    if reply.get(field).is_none() || reply[field].is_null() {
        return Err(format!("the answer has no `{field}`"));
    }
    Ok(items)
}

/// A 0–100 score given as a number or a string ("87", "87%"), or as a fraction (0.87).
fn score(reply: &Value, field: &str) -> std::result::Result<u8, String> {
    let n = match &reply[field] {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("the answer has no numeric `{field}`"))?;
    let n = if n > 0.0 && n <= 1.0 && reply[field].as_f64().is_some_and(|f| f.fract() != 0.0) {
        n * 100.0
    } else {
        n
    };
    if !(0.0..=100.0).contains(&n) {
        return Err(format!("`{field}` is not between 0 and 100"));
    }
    Ok(n.round() as u8)
}

// --- screen --------------------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
pub struct ScreenRequest {
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    /// The candidate inline, instead of `candidate_id`.
    pub candidate: Option<NewCandidate>,
    /// The job inline, instead of `job_id`.
    pub job: Option<NewJob>,
}

named_enum! {
    pub enum Verdict {
        StrongMatch = "strong_match",
        GoodMatch = "good_match",
        PartialMatch = "partial_match",
        WeakMatch = "weak_match",
    }
}

impl Verdict {
    pub fn of(score: u8) -> Verdict {
        match score {
            80.. => Verdict::StrongMatch,
            65..=79 => Verdict::GoodMatch,
            45..=64 => Verdict::PartialMatch,
            _ => Verdict::WeakMatch,
        }
    }
}

/// Seed 002's screen: a score, a verdict, strengths, concerns and what to do; with the
/// matching engine's six axes and skills beside them.
#[derive(Debug, Clone, Object, Serialize)]
pub struct Screen {
    /// 0–100.
    pub match_score: u8,
    pub verdict: Verdict,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
    pub recommendation: String,
    /// The matching engine's axes (always from the engine, whichever wrote the words).
    pub breakdown: Breakdown,
    pub matched_skills: Vec<String>,
    pub missing_skills: Vec<String>,
}

impl Answer for Screen {
    const FIELDS: &'static str = "match_score (0-100 integer), verdict (strong_match | good_match | partial_match | weak_match), strengths (array of sentences), concerns (array of sentences), recommendation (one or two sentences)";

    fn merge(mut self, reply: &Value) -> std::result::Result<Screen, String> {
        self.match_score = score(reply, "match_score")?;
        self.verdict = match reply["verdict"].as_str().map(str::trim) {
            Some(v) => *Verdict::ALL
                .iter()
                .find(|x| x.as_str().eq_ignore_ascii_case(v))
                .unwrap_or(&Verdict::of(self.match_score)),
            None => Verdict::of(self.match_score),
        };
        self.strengths = list(reply, "strengths")?;
        self.concerns = list(reply, "concerns")?;
        self.recommendation = text(reply, "recommendation")?;
        Ok(self)
    }
}

pub fn screen(rx: &impl Reader, tenant: u64, req: ScreenRequest) -> Result<Prepared<Screen>> {
    let (candidate_id, job_id) = (req.candidate_id, req.job_id);
    let c = facts::candidate(rx, tenant, req.candidate_id, req.candidate)?;
    let j = facts::job(rx, tenant, req.job_id, req.job)?;
    let weights = crate::domain::tenants::load(rx, tenant)?.match_weights;
    let scored = Matcher::new(&demand(&j), &weights).score(&supply(&c));
    let b = scored.breakdown;
    let mut strengths = Vec::new();
    let mut concerns = Vec::new();
    let asked = job_skills(&j);
    if !scored.matched_skills.is_empty() {
        strengths.push(format!(
            "Has {} ({} of the {} skills the job names).",
            and_list(&scored.matched_skills),
            scored.matched_skills.len(),
            asked.len().max(scored.matched_skills.len())
        ));
    }
    if !scored.missing_skills.is_empty() {
        concerns.push(format!(
            "Missing required skills: {}.",
            and_list(&scored.missing_skills)
        ));
    }
    match c.experience_years {
        Some(y) if b.experience >= 70 => strengths.push(format!("{y} years of experience.")),
        Some(y) if b.experience < 50 => concerns.push(format!(
            "{y} years of experience may be short of what the role asks."
        )),
        None => concerns.push("Years of experience are not on record.".into()),
        _ => {}
    }
    if let Some(level) = j.level {
        let title = c.current_title.as_deref().unwrap_or("not recorded");
        if b.seniority >= 75 {
            strengths.push(format!(
                "Seniority fits a {level} role (current title: {title})."
            ));
        } else if b.seniority < 50 {
            concerns.push(format!(
                "Seniority may not fit a {level} role (current title: {title})."
            ));
        }
    }
    let place = [j.location.clone(), j.remote_option.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(loc) = &c.location
        && !place.is_empty()
    {
        if b.location >= 75 {
            strengths.push(format!("Based in {loc}, which suits a role in {place}."));
        } else if b.location < 50 {
            concerns.push(format!("Based in {loc}; the role is in {place}."));
        }
    }
    let budget = range(j.salary_min, j.salary_max, j.currency.as_deref());
    let wants = range(
        c.expected_salary_min,
        c.expected_salary_max,
        c.expected_salary_currency.as_deref(),
    );
    if let (Some(budget), Some(wants)) = (&budget, &wants) {
        if b.compensation >= 75 {
            strengths.push(format!("Expects {wants}, within the budget of {budget}."));
        } else if b.compensation < 50 {
            concerns.push(format!("Expects {wants}, against a budget of {budget}."));
        }
    }
    match c.availability {
        Some(Availability::Available) => strengths.push("Available to start now.".into()),
        Some(Availability::NoticePeriod) => match c.notice_period_days {
            Some(d) if d > 60 => concerns.push(format!("A notice period of {d} days.")),
            Some(d) => strengths.push(format!("A short notice period ({d} days).")),
            None => {}
        },
        Some(Availability::NotLooking) => concerns.push("Marked as not looking for a move.".into()),
        Some(Availability::Engaged) => concerns.push("Currently engaged elsewhere.".into()),
        None => {}
    }
    let verdict = Verdict::of(scored.score);
    let first = first_name(&c.full_name);
    let probe = concerns
        .first()
        .map(|c| c.trim_end_matches('.').to_lowercase())
        .unwrap_or_else(|| "motivation and timing".into());
    let recommendation = match verdict {
        Verdict::StrongMatch => format!(
            "Advance {first} to a screening call for {}; use it to confirm {probe}.",
            j.title
        ),
        Verdict::GoodMatch => format!(
            "Worth a screening call for {}: check {probe} first.",
            j.title
        ),
        Verdict::PartialMatch => format!(
            "Hold {first} for {} unless the pipeline is thin; the gap to close: {probe}.",
            j.title
        ),
        Verdict::WeakMatch => format!(
            "Do not advance {first} for {} ({probe}); consider them for other roles.",
            j.title
        ),
    };
    let facts = json!({
        "candidate": candidate_facts(&c),
        "job": job_facts(&j),
        "matching_engine": {"score": scored.score, "breakdown": b, "reason": scored.reason,
            "matched_skills": scored.matched_skills, "missing_skills": scored.missing_skills},
    });
    Ok(Prepared {
        tool: Tool::Screen,
        facts,
        offline: Screen {
            match_score: scored.score,
            verdict,
            strengths,
            concerns,
            recommendation,
            breakdown: b,
            matched_skills: scored.matched_skills,
            missing_skills: scored.missing_skills,
        },
        candidate_id,
        job_id,
    })
}

fn candidate_facts(c: &Candidate) -> Value {
    json!({
        "full_name": c.full_name, "current_title": c.current_title, "current_company": c.current_company,
        "headline": c.headline, "location": c.location, "experience_years": c.experience_years,
        "skills": c.skills, "availability": c.availability, "notice_period_days": c.notice_period_days,
        "expected_salary": range(c.expected_salary_min, c.expected_salary_max, c.expected_salary_currency.as_deref()),
    })
}

fn job_facts(j: &Job) -> Value {
    json!({
        "title": j.title, "level": j.level, "department": j.department, "location": j.location,
        "remote_option": j.remote_option, "employment_type": j.employment_type,
        "salary_range": range(j.salary_min, j.salary_max, j.currency.as_deref()),
        "required_skills": j.required_skills, "nice_to_have_skills": j.nice_to_have_skills,
        "description": j.description.as_deref().map(|d| d.chars().take(4000).collect::<String>()),
    })
}

// --- outreach ------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
#[oai(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Warm,
    Formal,
    Casual,
    Direct,
}

#[derive(Debug, Clone, Object)]
pub struct OutreachRequest {
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    pub candidate: Option<NewCandidate>,
    pub job: Option<NewJob>,
    /// `warm` (default), `formal`, `casual` or `direct`.
    pub tone: Option<Tone>,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct Outreach {
    pub subject: String,
    pub body: String,
    /// A shorter note for when the first gets no answer.
    pub follow_up_body: String,
}

impl Answer for Outreach {
    const FIELDS: &'static str = "subject (one line), body (the message, plain text with blank lines between paragraphs), follow_up_body (a short follow-up for when there is no reply)";

    fn merge(self, reply: &Value) -> std::result::Result<Outreach, String> {
        Ok(Outreach {
            subject: text(reply, "subject")?,
            body: text(reply, "body")?,
            follow_up_body: text(reply, "follow_up_body").unwrap_or(self.follow_up_body),
        })
    }
}

fn signature(sender: &Sender) -> String {
    match &sender.name {
        Some(name) => format!("{name}\n{}", sender.tenant.name),
        None => format!("The {} hiring team", sender.tenant.name),
    }
}

pub fn outreach(
    rx: &impl Reader,
    tenant: u64,
    user_id: Option<u64>,
    req: OutreachRequest,
) -> Result<Prepared<Outreach>> {
    let (candidate_id, job_id) = (req.candidate_id, req.job_id);
    let c = facts::candidate(rx, tenant, req.candidate_id, req.candidate)?;
    let j = facts::job(rx, tenant, req.job_id, req.job)?;
    let sender = facts::sender(rx, tenant, user_id)?;
    let tone = req.tone.unwrap_or_default();
    let company = &sender.tenant.name;
    let first = first_name(&c.full_name);
    let weights = sender.tenant.match_weights;
    let scored = Matcher::new(&demand(&j), &weights).score(&supply(&c));
    let shared: Vec<String> = scored.matched_skills.iter().take(3).cloned().collect();
    let greeting = match tone {
        Tone::Formal => format!("Dear {},", c.full_name),
        Tone::Casual => format!("Hey {first},"),
        Tone::Warm | Tone::Direct => format!("Hi {first},"),
    };
    let subject = match tone {
        Tone::Warm if !shared.is_empty() => format!(
            "{} at {company}: your {} experience caught my eye",
            j.title, shared[0]
        ),
        Tone::Warm => format!("{} at {company}: I think you'd be a great fit", j.title),
        Tone::Formal => format!("Opportunity: {} at {company}", j.title),
        Tone::Casual => format!("Quick question about a {} role", j.title),
        Tone::Direct => format!("{} at {company}: interested?", j.title),
    };
    let background = match (&c.current_title, &c.current_company) {
        (Some(t), Some(co)) => format!("your work as {t} at {co}"),
        (Some(t), None) => format!("your work as {t}"),
        (None, Some(co)) => format!("your work at {co}"),
        (None, None) => "your background".to_string(),
    };
    let why = if shared.is_empty() {
        format!("I came across {background} and thought of a role we are hiring for.")
    } else {
        format!(
            "I came across {background}, and your experience with {} stood out.",
            and_list(&shared)
        )
    };
    let mut role = format!("We are hiring a {}", j.title);
    if let Some(level) = j.level
        && !j.title.to_lowercase().contains(level.as_str())
    {
        role = format!("We are hiring a {} ({level} level)", j.title);
    }
    if let Some(dept) = &j.department {
        role += &format!(" to join our {dept} team");
    }
    let place = match (&j.location, &j.remote_option) {
        (Some(l), Some(r)) => format!(" in {l} ({})", r.to_lowercase()),
        (Some(l), None) => format!(" in {l}"),
        (None, Some(r)) => format!(" ({})", r.to_lowercase()),
        (None, None) => String::new(),
    };
    role += &place;
    role.push('.');
    let top: Vec<String> = job_skills(&j).into_iter().take(3).collect();
    if !top.is_empty() {
        role += &format!(" The work centres on {}.", and_list(&top));
    }
    if let Some(pay) = range(j.salary_min, j.salary_max, j.currency.as_deref()) {
        role += &format!(" The salary range is {pay}.");
    }
    let ask = match tone {
        Tone::Formal => "Would you be available for a short call this week to discuss it? I would be glad to share more details.".to_string(),
        Tone::Casual => "Up for a 15-minute chat this week? No pressure either way.".to_string(),
        Tone::Direct => "If it sounds interesting, reply with a time that suits you for a 15-minute call.".to_string(),
        Tone::Warm => "Would you be open to a 15-minute call this week? I'd love to tell you more and hear what you're looking for next.".to_string(),
    };
    let closing = match tone {
        Tone::Formal => "Kind regards,",
        Tone::Casual => "Cheers,",
        Tone::Warm | Tone::Direct => "Best,",
    };
    let sig = signature(&sender);
    let body = format!("{greeting}\n\n{why}\n\n{role}\n\n{ask}\n\n{closing}\n{sig}");
    let follow_up_body = format!(
        "{greeting}\n\nJust following up on my note about the {} role at {company}. If the timing isn't right, I'd still be glad to stay in touch for future roles.\n\n{closing}\n{sig}",
        j.title
    );
    let facts = json!({
        "candidate": candidate_facts(&c), "job": job_facts(&j), "company": company,
        "sender": sender.name, "tone": format!("{tone:?}").to_lowercase(), "shared_skills": shared,
    });
    Ok(Prepared {
        tool: Tool::Outreach,
        facts,
        offline: Outreach {
            subject,
            body,
            follow_up_body,
        },
        candidate_id,
        job_id,
    })
}

// --- offer letter --------------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
pub struct OfferLetterRequest {
    /// An offer on record: its candidate, job and terms.
    pub offer_id: Option<u64>,
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    pub candidate: Option<NewCandidate>,
    pub job: Option<NewJob>,
    /// Terms when no `offer_id` is given.
    #[oai(validator(minimum(value = "1"), maximum(value = "100000000000")))]
    pub base_salary: Option<u64>,
    #[oai(validator(max_length = 3))]
    pub currency: Option<String>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub bonus: Option<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub sign_on_bonus: Option<u64>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct OfferLetter {
    pub subject: String,
    pub body: String,
    /// Terms the letter leaves as `[placeholders]` because nobody has set them yet.
    pub missing: Vec<String>,
}

impl Answer for OfferLetter {
    const FIELDS: &'static str = "subject (one line), body (the letter, plain text; keep every amount and date exactly as given, and leave [bracketed placeholders] for terms not given)";

    fn merge(self, reply: &Value) -> std::result::Result<OfferLetter, String> {
        Ok(OfferLetter {
            subject: text(reply, "subject")?,
            body: text(reply, "body")?,
            missing: self.missing,
        })
    }
}

pub fn offer_letter(
    rx: &impl Reader,
    tenant: u64,
    user_id: Option<u64>,
    req: OfferLetterRequest,
) -> Result<Prepared<OfferLetter>> {
    let (c, j, terms) = match req.offer_id {
        Some(id) => {
            let o = offers::load(rx, tenant, id)?;
            let c = crate::domain::candidates::load(rx, tenant, o.candidate_id)?;
            let j = crate::domain::jobs::load(rx, tenant, o.job_id)?;
            (c, j, o)
        }
        None => {
            let mut v = Validator::new();
            v.check(
                req.base_salary.is_some(),
                "base_salary",
                "is required without an `offer_id`",
            );
            let currency = req.currency.as_deref().map(str::trim).unwrap_or("");
            crate::domain::fields::check_currency(&mut v, "currency", Some(currency));
            if let Some(d) = &req.start_date {
                crate::domain::fields::check_date(&mut v, "start_date", d);
            }
            v.finish()?;
            let c = facts::candidate(rx, tenant, req.candidate_id, req.candidate)?;
            let j = facts::job(rx, tenant, req.job_id, req.job)?;
            let now = crate::time::Timestamp::now();
            let o = Offer {
                id: 0,
                org_id: tenant,
                candidate_id: c.id,
                job_id: j.id,
                application_id: 0,
                base_salary: req.base_salary.unwrap_or_default(),
                currency: currency.to_ascii_uppercase(),
                bonus: req.bonus,
                sign_on_bonus: req.sign_on_bonus,
                start_date: req.start_date.map(|d| d.trim().to_string()),
                status: OfferStatus::Draft,
                sent_at: None,
                decided_at: None,
                decision: None,
                created_at: now,
                updated_at: now,
            };
            (c, j, o)
        }
    };
    let sender = facts::sender(rx, tenant, user_id)?;
    let company = &sender.tenant.name;
    let mut missing = Vec::new();
    let start = match &terms.start_date {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_else(|_| d.clone()),
        None => {
            missing.push("start_date".to_string());
            "[start date]".to_string()
        }
    };
    let mut position = format!("the position of {}", j.title);
    if let Some(dept) = &j.department {
        position += &format!(" in our {dept} team");
    }
    if let Some(loc) = &j.location {
        position += &format!(", based in {loc}");
    }
    if let Some(r) = &j.remote_option {
        position += &format!(" ({})", r.to_lowercase());
    }
    let mut pay = vec![format!(
        "- Annual base salary: {} {}",
        money(terms.base_salary),
        terms.currency
    )];
    if let Some(b) = terms.bonus {
        pay.push(format!(
            "- Annual bonus: up to {} {}",
            money(b),
            terms.currency
        ));
    }
    if let Some(b) = terms.sign_on_bonus {
        pay.push(format!("- Sign-on bonus: {} {}", money(b), terms.currency));
    }
    pay.push(format!("- Start date: {start}"));
    if let Some(t) = &j.employment_type {
        pay.push(format!("- Employment: {}", t.replace('_', " ")));
    }
    let signer = sender
        .name
        .clone()
        .unwrap_or_else(|| "[name and title]".to_string());
    if sender.name.is_none() {
        missing.push("signer".into());
    }
    let body = format!(
        "Dear {name},\n\nWe are delighted to offer you {position} at {company}. Everyone you met was impressed, and we are excited about what you will bring to the team.\n\nThe terms of this offer:\n{terms}\n\nThis offer is subject to the usual conditions of employment at {company}. Please let us know within seven days whether you accept, and do not hesitate to ask about anything in this letter.\n\nWe look forward to welcoming you.\n\nSincerely,\n{signer}\n{company}",
        name = c.full_name,
        terms = pay.join("\n"),
    );
    let subject = format!("Your offer from {company}: {}", j.title);
    let facts = json!({
        "candidate": {"full_name": c.full_name}, "job": job_facts(&j), "company": company, "signer": sender.name,
        "terms": {"base_salary": terms.base_salary, "currency": terms.currency, "bonus": terms.bonus,
                   "sign_on_bonus": terms.sign_on_bonus, "start_date": terms.start_date},
    });
    Ok(Prepared {
        tool: Tool::OfferLetter,
        facts,
        offline: OfferLetter {
            subject,
            body,
            missing,
        },
        candidate_id: (c.id != 0).then_some(c.id),
        job_id: (j.id != 0).then_some(j.id),
    })
}

// --- interview questions -------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
pub struct InterviewQuestionsRequest {
    pub job_id: Option<u64>,
    /// The role inline, instead of `job_id` (seed 002: `{role, level, skills}`).
    #[oai(validator(max_length = 200))]
    pub role: Option<String>,
    pub level: Option<Level>,
    #[oai(validator(max_items = 50, max_length = 50))]
    pub skills: Option<Vec<String>>,
    /// Questions per section, 1–15 (default 5).
    #[oai(validator(minimum(value = "1"), maximum(value = "15")))]
    pub count: Option<u32>,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct InterviewQuestions {
    pub technical: Vec<String>,
    pub behavioral: Vec<String>,
    pub scenario: Vec<String>,
    /// What to listen for: answers that should worry the panel.
    pub red_flag_signals: Vec<String>,
}

impl Answer for InterviewQuestions {
    const FIELDS: &'static str = "technical (array of questions), behavioral (array of questions), scenario (array of questions), red_flag_signals (array of things to listen for)";

    fn merge(self, reply: &Value) -> std::result::Result<InterviewQuestions, String> {
        let q = InterviewQuestions {
            technical: list(reply, "technical")?,
            behavioral: list(reply, "behavioral").or_else(|_| list(reply, "behavioural"))?,
            scenario: list(reply, "scenario").unwrap_or(self.scenario),
            red_flag_signals: list(reply, "red_flag_signals").unwrap_or(self.red_flag_signals),
        };
        if q.technical.is_empty() {
            return Err("the answer has no technical questions".into());
        }
        Ok(q)
    }
}

pub fn interview_questions(
    rx: &impl Reader,
    tenant: u64,
    req: InterviewQuestionsRequest,
) -> Result<Prepared<InterviewQuestions>> {
    let (role, level, skills, job_id) = match req.job_id {
        Some(id) => {
            let j = crate::domain::jobs::load(rx, tenant, id)?;
            let mut skills = job_skills(&j);
            if skills.is_empty() {
                let text = format!("{} {}", j.title, j.description.clone().unwrap_or_default());
                skills = vocabulary()
                    .extract(&text)
                    .into_iter()
                    .map(String::from)
                    .collect();
            }
            (j.title, j.level, skills, Some(id))
        }
        None => {
            let role = req.role.as_deref().map(str::trim).unwrap_or("").to_string();
            if role.is_empty() {
                return Err(Error::invalid(
                    "job_id",
                    "is required (or name the role inline as `role`, with `level` and `skills`)",
                ));
            }
            let mut skills: Vec<String> = req
                .skills
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if skills.is_empty() {
                skills = vocabulary()
                    .extract(&role)
                    .into_iter()
                    .map(String::from)
                    .collect();
            }
            (role, req.level, skills, None)
        }
    };
    let count = req.count.unwrap_or(5) as usize;
    let brief = Brief {
        role: &role,
        level,
        skills: &skills,
    };
    let b = bank();
    let offline = InterviewQuestions {
        technical: b.pick(&brief, LineKind::Technical, count),
        behavioral: b.pick(&brief, LineKind::Behavioral, count),
        scenario: b.pick(&brief, LineKind::Scenario, count),
        red_flag_signals: b.pick(&brief, LineKind::RedFlag, count),
    };
    let facts =
        json!({"role": role, "level": level, "skills": skills, "questions_per_section": count});
    Ok(Prepared {
        tool: Tool::InterviewQuestions,
        facts,
        offline,
        candidate_id: None,
        job_id,
    })
}

// --- job description -----------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
pub struct JobDescriptionRequest {
    pub job_id: Option<u64>,
    /// The job inline, instead of `job_id`.
    pub job: Option<NewJob>,
    /// A few sentences about the role to work in (skills named here are added).
    #[oai(validator(max_length = 5000))]
    pub brief: Option<String>,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct JobDescription {
    pub title: String,
    pub summary: String,
    pub responsibilities: Vec<String>,
    pub requirements: Vec<String>,
    pub nice_to_have: Vec<String>,
    /// The whole description as one text, ready for the job's `description`.
    pub description: String,
}

impl Answer for JobDescription {
    const FIELDS: &'static str = "title, summary (a paragraph), responsibilities (array), requirements (array), nice_to_have (array), description (the whole job description as plain text with headings)";

    fn merge(self, reply: &Value) -> std::result::Result<JobDescription, String> {
        Ok(JobDescription {
            title: text(reply, "title").unwrap_or(self.title),
            summary: text(reply, "summary")?,
            responsibilities: list(reply, "responsibilities")?,
            requirements: list(reply, "requirements")?,
            nice_to_have: list(reply, "nice_to_have").unwrap_or(self.nice_to_have),
            description: text(reply, "description")?,
        })
    }
}

/// Years a level usually asks, for a requirement line.
fn years_for(level: Option<Level>) -> Option<u32> {
    Some(match level? {
        Level::Intern | Level::Junior => return None,
        Level::Mid => 2,
        Level::Senior => 5,
        Level::Lead => 7,
        Level::Principal | Level::Director => 10,
        Level::Executive => 12,
    })
}

/// The title without its level words: "Senior Backend Engineer" → "Backend Engineer".
fn core_title(title: &str) -> String {
    title
        .split_whitespace()
        .filter(|w| {
            !LEVEL_WORDS.contains(
                &w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const LEVEL_WORDS: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "principal",
    "staff",
    "head",
    "intern",
    "mid",
    "director",
    "chief",
    "vp",
    "i",
    "ii",
    "iii",
    "iv",
    "graduate",
    "entry",
    "level",
    "mid-level",
];

pub fn job_description(
    rx: &impl Reader,
    tenant: u64,
    req: JobDescriptionRequest,
) -> Result<Prepared<JobDescription>> {
    let job_id = req.job_id;
    let j = facts::job(rx, tenant, req.job_id, req.job)?;
    let tenant_rec = crate::domain::tenants::load(rx, tenant)?;
    let company = &tenant_rec.name;
    let brief = req
        .brief
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let mut skills = job_skills(&j);
    let extra_text = format!(
        "{} {}",
        j.description.as_deref().unwrap_or(""),
        brief.as_deref().unwrap_or("")
    );
    for s in vocabulary().extract(&extra_text) {
        if !skills.iter().any(|k| k.eq_ignore_ascii_case(s)) {
            skills.push(s.to_string());
        }
    }
    let required: Vec<String> = if j.required_skills.is_empty() {
        skills.iter().take(5).cloned().collect()
    } else {
        j.required_skills.clone()
    };
    let core = core_title(&j.title);
    let core = if core.is_empty() {
        j.title.clone()
    } else {
        core
    };
    let mut summary = format!("{company} is hiring a {}", j.title);
    if let Some(l) = j.level
        && !j.title.to_lowercase().contains(l.as_str())
    {
        summary = format!("{company} is hiring a {} ({l} level)", j.title);
    }
    if let Some(d) = &j.department {
        summary += &format!(" to join the {d} team");
    }
    match (&j.location, &j.remote_option) {
        (Some(l), Some(r)) => summary += &format!(", in {l} ({})", r.to_lowercase()),
        (Some(l), None) => summary += &format!(", in {l}"),
        (None, Some(r)) => summary += &format!(" ({})", r.to_lowercase()),
        _ => {}
    }
    summary.push('.');
    if !required.is_empty() {
        summary += &format!(
            " You will work with {} every day.",
            and_list(&required.iter().take(4).cloned().collect::<Vec<_>>())
        );
    }
    if let Some(first) = brief
        .as_deref()
        .or(j.description.as_deref())
        .and_then(|t| sentences(t).into_iter().next())
    {
        summary += &format!(" {first}");
    }
    // Duties: each area the skills lead to gives its lines, filled with its first skill.
    let bank_brief = Brief {
        role: &j.title,
        level: j.level,
        skills: &skills,
    };
    let mut responsibilities = bank().pick(&bank_brief, LineKind::Duty, 6);
    if j.level.is_some_and(is_senior) {
        responsibilities.push(
            "Mentor teammates, review their work and raise the standard of the team's practice."
                .into(),
        );
    }
    let mut requirements = Vec::new();
    match years_for(j.level) {
        Some(y) => requirements.push(format!(
            "{y}+ years of experience as a {core} or in a similar role."
        )),
        None => requirements.push(format!(
            "Some experience as a {core} (internships and projects count)."
        )),
    }
    for s in &required {
        requirements.push(format!("Hands-on experience with {s}."));
    }
    requirements.push("Clear written and spoken communication.".into());
    let nice_to_have: Vec<String> = j
        .nice_to_have_skills
        .iter()
        .map(|s| format!("Experience with {s}."))
        .collect();
    let mut description = format!(
        "{}\n\nAbout the role\n{summary}\n\nWhat you will do\n",
        j.title
    );
    for r in &responsibilities {
        description += &format!("- {r}\n");
    }
    description += "\nWhat you bring\n";
    for r in &requirements {
        description += &format!("- {r}\n");
    }
    if !nice_to_have.is_empty() {
        description += "\nNice to have\n";
        for r in &nice_to_have {
            description += &format!("- {r}\n");
        }
    }
    if let Some(pay) = range(j.salary_min, j.salary_max, j.currency.as_deref()) {
        description += &format!("\nCompensation\nThe salary range for this role is {pay}.\n");
    }
    description += &format!("\nAbout {company}\n");
    description += &tenant_rec
        .tagline
        .clone()
        .unwrap_or_else(|| format!("{company} builds its teams with care. Join us."));
    let facts = json!({"job": job_facts(&j), "company": company, "tagline": tenant_rec.tagline, "brief": brief, "skills": skills});
    Ok(Prepared {
        tool: Tool::JobDescription,
        facts,
        offline: JobDescription {
            title: j.title.clone(),
            summary,
            responsibilities,
            requirements,
            nice_to_have,
            description,
        },
        candidate_id: None,
        job_id,
    })
}

// --- salary benchmark ----------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
pub struct SalaryBenchmarkRequest {
    /// Benchmark this job's title, level and location (the fields below override them).
    pub job_id: Option<u64>,
    #[oai(validator(max_length = 200))]
    pub title: Option<String>,
    pub level: Option<Level>,
    #[oai(validator(max_length = 120))]
    pub location: Option<String>,
    /// Only data in this currency (default: the most common one in the sample).
    #[oai(validator(max_length = 3))]
    pub currency: Option<String>,
}

/// The filters a benchmark ran with.
#[derive(Debug, Clone, Object, Serialize)]
pub struct BenchmarkFilters {
    pub title: Option<String>,
    pub level: Option<Level>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct SalaryBenchmark {
    pub currency: Option<String>,
    /// Data points: each job's salary range (its middle) and each offer's base salary.
    pub sample_size: u32,
    pub from_jobs: u32,
    pub from_offers: u32,
    pub min: Option<u64>,
    pub p10: Option<u64>,
    pub p25: Option<u64>,
    pub p50: Option<u64>,
    pub p75: Option<u64>,
    pub p90: Option<u64>,
    pub max: Option<u64>,
    /// At least [`ENOUGH`] points: a benchmark rather than an indication.
    pub enough_data: bool,
    /// The filters used; `relaxed` names those dropped to find enough data.
    pub filters: BenchmarkFilters,
    pub relaxed: Vec<String>,
    /// What the numbers mean and how far to trust them.
    pub note: String,
}

/// Points from which a benchmark is more than an indication.
pub const ENOUGH: usize = 5;

impl Answer for SalaryBenchmark {
    const FIELDS: &'static str = "note (two or three sentences interpreting the given percentiles for a recruiter; do not invent numbers)";

    fn merge(mut self, reply: &Value) -> std::result::Result<SalaryBenchmark, String> {
        // The numbers are the organisation's own data; only the reading of them is the model's.
        self.note = text(reply, "note")?;
        Ok(self)
    }
}

/// The words of a title that say what the work is, lower case, plural `s` dropped.
fn title_words(title: &str) -> Vec<String> {
    title
        .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !LEVEL_WORDS.contains(&w.as_str()))
        .filter(|w| !matches!(w.as_str(), "of" | "the" | "and" | "for" | "a" | "an" | "in"))
        .map(|w| {
            w.strip_suffix('s')
                .filter(|s| s.len() > 2)
                .map(str::to_string)
                .unwrap_or(w)
        })
        .collect()
}

struct Point {
    amount: u64,
    currency: String,
    title: String,
    level: Option<Level>,
    location: Option<String>,
    from_offer: bool,
}

/// The value at quantile `q` (0–1) of sorted `values`, interpolated between neighbours.
pub fn percentile(sorted: &[u64], q: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let value = sorted[lo] as f64 + (sorted[hi] as f64 - sorted[lo] as f64) * (rank - lo as f64);
    Some(value.round() as u64)
}

pub fn salary_benchmark(
    rx: &impl Reader,
    tenant: u64,
    req: SalaryBenchmarkRequest,
) -> Result<Prepared<SalaryBenchmark>> {
    let mut filters = BenchmarkFilters {
        title: req
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
        level: req.level,
        location: req
            .location
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty()),
    };
    if let Some(id) = req.job_id {
        let j = crate::domain::jobs::load(rx, tenant, id)?;
        filters.title = filters.title.or(Some(j.title));
        filters.level = filters.level.or(j.level);
        filters.location = filters.location.or(j.location);
    }
    let currency = req
        .currency
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    if let Some(c) = &currency {
        let mut v = Validator::new();
        crate::domain::fields::check_currency(&mut v, "currency", Some(c));
        v.finish()?;
    }
    if filters.title.is_none() && filters.level.is_none() && filters.location.is_none() {
        return Err(Error::invalid(
            "title",
            "is required (or give a `job_id`, a `level` or a `location` to benchmark)",
        ));
    }
    // Every job with a salary and every offer (with its job's title, level and place).
    let jobs: Vec<Job> = rx.list(&JOBS, tenant, 0, usize::MAX)?;
    let by_id: HashMap<u64, &Job> = jobs.iter().map(|j| (j.id, j)).collect();
    let mut points = Vec::new();
    for j in &jobs {
        let amount = match (j.salary_min, j.salary_max) {
            (Some(a), Some(b)) => (a + b) / 2,
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => continue,
        };
        let Some(cur) = &j.currency else { continue };
        points.push(Point {
            amount,
            currency: cur.to_ascii_uppercase(),
            title: j.title.clone(),
            level: j.level,
            location: j.location.clone(),
            from_offer: false,
        });
    }
    let offers: Vec<Offer> = rx.list(&OFFERS, tenant, 0, usize::MAX)?;
    for o in offers {
        let Some(j) = by_id.get(&o.job_id) else {
            continue;
        };
        points.push(Point {
            amount: o.base_salary,
            currency: o.currency.to_ascii_uppercase(),
            title: j.title.clone(),
            level: j.level,
            location: j.location.clone(),
            from_offer: true,
        });
    }
    let wanted_words = filters
        .title
        .as_deref()
        .map(title_words)
        .unwrap_or_default();
    let fits = |p: &Point, use_level: bool, use_location: bool| {
        let words = title_words(&p.title);
        wanted_words.iter().all(|w| words.contains(w))
            && (!use_level || filters.level.is_none() || p.level == filters.level)
            && (!use_location
                || filters.location.as_deref().is_none_or(|want| {
                    p.location.as_deref().is_some_and(|have| {
                        let (a, b) = (have.to_lowercase(), want.to_lowercase());
                        a.contains(&b) || b.contains(&a)
                    })
                }))
            && currency.as_deref().is_none_or(|c| p.currency == c)
    };
    // Strictest first; drop the location, then the level, while too few points fit.
    let tries: [(bool, bool, &[&str]); 3] = [
        (true, true, &[]),
        (true, false, &["location"]),
        (false, false, &["location", "level"]),
    ];
    let mut best: Option<(Vec<&Point>, &[&str])> = None;
    for (use_level, use_location, relaxed) in tries {
        if relaxed.contains(&"location")
            && filters.location.is_none()
            && !relaxed.contains(&"level")
        {
            continue;
        }
        if relaxed.contains(&"level") && filters.level.is_none() {
            continue;
        }
        let sample: Vec<&Point> = points
            .iter()
            .filter(|p| fits(p, use_level, use_location))
            .collect();
        let better = best.as_ref().is_none_or(|(b, _)| sample.len() > b.len());
        if better {
            best = Some((sample, relaxed));
        }
        if best.as_ref().is_some_and(|(b, _)| b.len() >= ENOUGH) {
            break;
        }
    }
    let (sample, relaxed) = best.unwrap_or((Vec::new(), &[]));
    // One currency: the one asked for, else the most common (ties: alphabetical).
    let chosen = currency.clone().or_else(|| {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for p in &sample {
            *counts.entry(p.currency.as_str()).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.to_string())
    });
    let left_out = sample
        .iter()
        .filter(|p| chosen.as_deref().is_some_and(|c| p.currency != c))
        .count();
    let sample: Vec<&Point> = sample
        .into_iter()
        .filter(|p| chosen.as_deref().is_none_or(|c| p.currency == c))
        .collect();
    let mut values: Vec<u64> = sample.iter().map(|p| p.amount).collect();
    values.sort_unstable();
    let n = values.len();
    let from_offers = sample.iter().filter(|p| p.from_offer).count() as u32;
    let what = [
        filters.level.map(|l| l.to_string()),
        filters.title.clone(),
        filters.location.as_ref().map(|l| format!("in {l}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let cur = chosen.clone().unwrap_or_default();
    let mut note = match n {
        0 => format!(
            "No salary data in your jobs or offers matches {what}. Add salary ranges to jobs, or make offers, to build a benchmark."
        ),
        n if n < ENOUGH => format!(
            "Only {n} data point{} match {what}: too small a sample for a benchmark, so read these figures as an indication. The median is {} {cur}.",
            if n == 1 { "" } else { "s" },
            money(percentile(&values, 0.5).unwrap_or_default())
        ),
        n => format!(
            "From {n} data points for {what}, the median is {} {cur}; half fall between {} and {} {cur}.",
            money(percentile(&values, 0.5).unwrap_or_default()),
            money(percentile(&values, 0.25).unwrap_or_default()),
            money(percentile(&values, 0.75).unwrap_or_default())
        ),
    };
    if !relaxed.is_empty() && n > 0 {
        note += &format!(
            " Too few points matched every filter, so {} {} left out.",
            relaxed.join(" and "),
            if relaxed.len() == 1 { "was" } else { "were" }
        );
    }
    if left_out > 0 {
        note += &format!(" {left_out} point(s) in other currencies were left out.");
    }
    let offline = SalaryBenchmark {
        currency: chosen,
        sample_size: n as u32,
        from_jobs: n as u32 - from_offers,
        from_offers,
        min: values.first().copied(),
        p10: percentile(&values, 0.10),
        p25: percentile(&values, 0.25),
        p50: percentile(&values, 0.50),
        p75: percentile(&values, 0.75),
        p90: percentile(&values, 0.90),
        max: values.last().copied(),
        enough_data: n >= ENOUGH,
        filters,
        relaxed: relaxed.iter().map(|r| r.to_string()).collect(),
        note,
    };
    let facts = json!({"benchmark": offline});
    Ok(Prepared {
        tool: Tool::SalaryBenchmark,
        facts,
        offline,
        candidate_id: None,
        job_id: req.job_id,
    })
}

// --- transcript summary --------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
pub struct TranscriptSummaryRequest {
    /// The transcript (speaker labels such as `Interviewer:` are understood). Without it, the
    /// notes of the interview's scorecards are summarised.
    #[oai(validator(max_length = 200000))]
    pub transcript: Option<String>,
    /// The interview it belongs to: its candidate and job give context.
    pub interview_id: Option<u64>,
    /// The job the conversation was for (its skills are looked for).
    pub job_id: Option<u64>,
}

#[derive(Debug, Clone, Object, Serialize)]
pub struct TranscriptSummary {
    pub summary: String,
    /// What the conversation was about: skills named and recurring words.
    pub topics: Vec<String>,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
    /// The job's skills the conversation touched on, and those it did not.
    pub skills_covered: Vec<String>,
    pub skills_not_covered: Vec<String>,
}

impl Answer for TranscriptSummary {
    const FIELDS: &'static str = "summary (a paragraph), topics (array of short phrases), strengths (array of sentences, quoting the transcript where useful), concerns (array of sentences)";

    fn merge(self, reply: &Value) -> std::result::Result<TranscriptSummary, String> {
        Ok(TranscriptSummary {
            summary: text(reply, "summary")?,
            topics: list(reply, "topics").unwrap_or(self.topics),
            strengths: list(reply, "strengths")?,
            concerns: list(reply, "concerns")?,
            skills_covered: self.skills_covered,
            skills_not_covered: self.skills_not_covered,
        })
    }
}

/// Sentences of a text: split at `.`, `!`, `?` and line ends; speaker labels kept.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut current = String::new();
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            current.push(c);
            let end =
                matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
            if end {
                let s = current.trim().to_string();
                if s.split_whitespace().count() >= 3 {
                    out.push(s);
                }
                current.clear();
            }
        }
        let s = current.trim().to_string();
        if s.split_whitespace().count() >= 3 {
            out.push(s);
        }
    }
    out
}

/// Cues of strength in what a candidate says, with their weights.
const STRENGTH_CUES: &[(&str, i32)] = &[
    ("i led", 3),
    ("i built", 3),
    ("i designed", 3),
    ("i owned", 3),
    ("i shipped", 3),
    ("i launched", 3),
    ("i mentored", 3),
    ("i improved", 3),
    ("i reduced", 3),
    ("i increased", 3),
    ("i automated", 2),
    ("i migrated", 2),
    ("i introduced", 2),
    ("i delivered", 2),
    ("i wrote", 2),
    ("i solved", 2),
    ("i fixed", 1),
    ("we shipped", 1),
    ("we built", 1),
    ("successfully", 2),
    ("improved", 1),
    ("reduced", 1),
    ("increased", 1),
    ("saved", 1),
    ("years of experience", 2),
    ("experience with", 1),
    ("in production", 2),
    ("responsible for", 1),
    ("mentor", 1),
    ("strong", 1),
    ("excellent", 2),
    ("impressive", 2),
    ("clear", 1),
    ("well", 1),
    ("confident", 1),
];

/// Cues of a concern.
const CONCERN_CUES: &[(&str, i32)] = &[
    ("not sure", 2),
    ("i don't know", 3),
    ("i do not know", 3),
    ("never used", 3),
    ("never worked", 3),
    ("haven't used", 3),
    ("have not used", 3),
    ("haven't worked", 3),
    ("no experience", 3),
    ("not familiar", 3),
    ("unfamiliar", 2),
    ("struggled", 2),
    ("struggle", 1),
    ("difficult", 1),
    ("i guess", 1),
    ("maybe", 1),
    ("couldn't", 1),
    ("could not", 1),
    ("failed", 1),
    ("left after", 2),
    ("conflict", 1),
    ("blame", 2),
    ("their fault", 3),
    ("weak", 2),
    ("concern", 2),
    ("worried", 2),
    ("gap", 1),
    ("only a little", 2),
    ("just a bit", 2),
    ("not really", 2),
    ("vague", 2),
    ("hesitant", 2),
    ("red flag", 3),
    ("notice period", 1),
    ("salary expectation", 1),
];

fn cue_score(sentence: &str, cues: &[(&str, i32)]) -> i32 {
    let s = sentence.to_lowercase().replace('’', "'");
    cues.iter()
        .filter(|(c, _)| s.contains(c))
        .map(|(_, w)| w)
        .sum()
}

const STOPWORDS: &[&str] = &[
    "that",
    "this",
    "with",
    "have",
    "what",
    "when",
    "where",
    "which",
    "would",
    "could",
    "there",
    "their",
    "about",
    "your",
    "from",
    "they",
    "were",
    "been",
    "will",
    "just",
    "like",
    "then",
    "than",
    "also",
    "some",
    "into",
    "more",
    "very",
    "really",
    "think",
    "know",
    "yeah",
    "okay",
    "well",
    "thing",
    "things",
    "because",
    "them",
    "team",
    "work",
    "worked",
    "working",
    "time",
    "interviewer",
    "candidate",
    "tell",
    "said",
    "going",
    "want",
    "make",
    "made",
    "much",
    "good",
    "great",
    "sure",
    "right",
    "lot",
    "kind",
    "other",
    "over",
    "after",
    "before",
    "didn",
    "doesn",
    "don't",
    "it's",
    "i'm",
    "we're",
    "you're",
    "that's",
    "there's",
    "does",
    "being",
    "still",
];

pub fn transcript_summary(
    rx: &impl Reader,
    tenant: u64,
    req: TranscriptSummaryRequest,
) -> Result<Prepared<TranscriptSummary>> {
    let interview = match req.interview_id {
        Some(id) => Some(interviews::load(rx, tenant, id)?),
        None => None,
    };
    let job_id = req.job_id.or(interview.as_ref().map(|i| i.job_id));
    let job = match job_id {
        Some(id) => Some(crate::domain::jobs::load(rx, tenant, id)?),
        None => None,
    };
    let candidate = match &interview {
        Some(i) => Some(crate::domain::candidates::load(rx, tenant, i.candidate_id)?),
        None => None,
    };
    let text = match req
        .transcript
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        Some(t) => t,
        None => {
            let notes: Vec<String> = interview
                .iter()
                .flat_map(|i| &i.scorecards)
                .filter_map(|s| {
                    s.notes
                        .as_ref()
                        .map(|n| format!("{}: {}", s.interviewer, n.trim()))
                })
                .collect();
            if notes.is_empty() {
                return Err(Error::invalid(
                    "transcript",
                    "is required (the interview has no scorecard notes to summarise)",
                ));
            }
            notes.join("\n")
        }
    };
    let all = sentences(&text);
    if all.is_empty() {
        return Err(Error::invalid(
            "transcript",
            "has no sentences to summarise (at least three words each)",
        ));
    }
    // With speaker labels, strengths and concerns come from what the candidate said.
    let label = |s: &str| -> Option<String> {
        let (head, _) = s.split_once(':')?;
        (head.split_whitespace().count() <= 3 && !head.is_empty())
            .then(|| head.trim().to_lowercase())
    };
    let asks = ["interviewer", "recruiter", "hiring manager", "q"];
    let interviewer_names: Vec<String> = interview
        .iter()
        .flat_map(|i| &i.interviewers)
        .map(|p| p.name.to_lowercase())
        .collect();
    let theirs: Vec<&String> = all
        .iter()
        .filter(|s| match label(s) {
            Some(l) => {
                !asks.contains(&l.as_str()) && !interviewer_names.iter().any(|n| n.starts_with(&l))
            }
            None => true,
        })
        .collect();
    let strip = |s: &str| match label(s) {
        Some(_) => s
            .split_once(':')
            .map(|(_, r)| r.trim().to_string())
            .unwrap_or_default(),
        None => s.to_string(),
    };
    let top = |cues: &[(&str, i32)], other: &[(&str, i32)]| -> Vec<String> {
        let mut scored: Vec<(i32, usize, String)> = theirs
            .iter()
            .enumerate()
            .map(|(i, s)| (cue_score(s, cues) - cue_score(s, other) / 2, i, strip(s)))
            .filter(|(score, _, s)| *score > 0 && !s.is_empty())
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(5);
        scored.sort_by_key(|(_, i, _)| *i);
        scored.into_iter().map(|(_, _, s)| s).collect()
    };
    let strengths = top(STRENGTH_CUES, CONCERN_CUES);
    let concerns = top(CONCERN_CUES, STRENGTH_CUES);
    // Topics: the skills named, then words said often.
    let mut topics: Vec<String> = vocabulary()
        .extract(&text)
        .into_iter()
        .map(String::from)
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for w in text.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        let w = w.to_lowercase();
        if w.len() >= 5
            && !STOPWORDS.contains(&w.as_str())
            && !w.chars().all(|c| c.is_ascii_digit())
        {
            *counts.entry(w).or_default() += 1;
        }
    }
    let mut frequent: Vec<(String, usize)> = counts.into_iter().filter(|(_, n)| *n >= 2).collect();
    frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (w, _) in frequent {
        if topics.len() >= 8 {
            break;
        }
        if !topics
            .iter()
            .any(|t| t.to_lowercase().contains(&w) || w.contains(&t.to_lowercase()))
        {
            topics.push(w);
        }
    }
    topics.truncate(8);
    let (mut covered, mut not_covered) = (Vec::new(), Vec::new());
    if let Some(j) = &job {
        let named: Vec<&str> = vocabulary().extract(&text);
        let lower = text.to_lowercase();
        for s in job_skills(j) {
            let canon = vocabulary().canonical(&s).unwrap_or(&s).to_string();
            if named.iter().any(|n| n.eq_ignore_ascii_case(&canon))
                || lower.contains(&s.to_lowercase())
            {
                covered.push(canon);
            } else {
                not_covered.push(canon);
            }
        }
    }
    let words = text.split_whitespace().count();
    let who_name = candidate
        .as_ref()
        .map(|c| c.full_name.clone())
        .unwrap_or_else(|| "The candidate".into());
    let mut summary = format!(
        "{who_name}{} — a conversation of {words} words ({} sentences)",
        job.as_ref()
            .map(|j| format!(", for {}", j.title))
            .unwrap_or_default(),
        all.len()
    );
    if !topics.is_empty() {
        summary += &format!(
            " covering {}",
            and_list(&topics.iter().take(4).cloned().collect::<Vec<_>>())
        );
    }
    summary += &format!(
        ". {} sign{} of strength and {} concern{} stood out.",
        strengths.len(),
        if strengths.len() == 1 { "" } else { "s" },
        concerns.len(),
        if concerns.len() == 1 { "" } else { "s" }
    );
    if !not_covered.is_empty() {
        summary += &format!(" Not discussed: {}.", and_list(&not_covered));
    }
    if let Some(i) = &interview {
        let recs: Vec<&'static str> = i
            .scorecards
            .iter()
            .map(|s| recommendation_word(s.recommendation))
            .collect();
        if !recs.is_empty() {
            summary += &format!(" Scorecards so far: {}.", recs.join(", "));
        }
    }
    let facts = json!({
        "candidate": candidate.as_ref().map(|c| c.full_name.clone()),
        "job": job.as_ref().map(job_facts),
        "transcript": text.chars().take(12_000).collect::<String>(),
    });
    Ok(Prepared {
        tool: Tool::TranscriptSummary,
        facts,
        offline: TranscriptSummary {
            summary,
            topics,
            strengths,
            concerns,
            skills_covered: covered,
            skills_not_covered: not_covered,
        },
        candidate_id: candidate.as_ref().map(|c| c.id),
        job_id,
    })
}

fn recommendation_word(r: Recommendation) -> &'static str {
    r.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        let v = [100, 200, 300, 400, 500];
        assert_eq!(percentile(&v, 0.5), Some(300));
        assert_eq!(percentile(&v, 0.25), Some(200));
        assert_eq!(percentile(&v, 0.1), Some(140));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn titles_compare_by_what_the_work_is() {
        assert_eq!(
            title_words("Senior Backend Engineers"),
            vec!["backend", "engineer"]
        );
        assert_eq!(core_title("Senior Backend Engineer"), "Backend Engineer");
    }

    #[test]
    fn replies_are_read_leniently() {
        let r = json!({"match_score": "87%", "strengths": "- one\n- two", "concerns": [{"text": "x"}], "recommendation": ["a", "b"]});
        assert_eq!(score(&r, "match_score"), Ok(87));
        assert_eq!(score(&json!({"s": 0.42}), "s"), Ok(42));
        assert_eq!(score(&json!({"s": 1}), "s"), Ok(1));
        assert!(score(&json!({"s": 140}), "s").is_err());
        assert_eq!(list(&r, "strengths").unwrap(), vec!["one", "two"]);
        assert_eq!(list(&r, "concerns").unwrap(), vec!["x"]);
        assert_eq!(text(&r, "recommendation").unwrap(), "a\nb");
        assert!(list(&r, "absent").is_err());
    }

    #[test]
    fn transcripts_split_into_sentences() {
        let s = sentences(
            "Interviewer: Tell me about it. Candidate: I led the migration to Rust! It took 3.5 months.\nOk",
        );
        assert_eq!(
            s,
            vec![
                "Interviewer: Tell me about it.",
                "Candidate: I led the migration to Rust!",
                "It took 3.5 months."
            ]
        );
        assert!(cue_score("I led the team and I reduced costs", STRENGTH_CUES) >= 6);
        assert!(cue_score("I haven’t used Kafka, not sure", CONCERN_CUES) >= 5);
    }
}
