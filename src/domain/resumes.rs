//! Reading a candidate out of a resume's text: name, contact details, links, skills (from the
//! matching vocabulary), current title and company, years of experience, location. Plain
//! rules over the layout resumes share — a header of name and contacts, then sections — so
//! it works offline and says nothing it did not find.

use std::sync::OnceLock;

use chrono::Datelike;
use poem_openapi::Object;
use regex::Regex;

use super::audit::{self, Action, Actor};
use super::candidates::{self, Candidate, NewCandidate};
use super::documents::sandbox::Extractor;
use super::fields::clean_labels;
use super::indexing::Indexer;
use super::matching::vocabulary::vocabulary;
use super::uploads::{self, Accepted, Upload};
use crate::auth::{Identity, Permission};
use crate::error::{Error, Result};
use crate::time::Timestamp;

/// A candidate made (or brought up to date) from a resume: seed 004's `{candidate, summary}`,
/// with the stored file and whether the candidate is new.
#[derive(Debug, Clone, Object)]
pub struct FromResume {
    pub candidate: Candidate,
    /// What was done, in sentences.
    pub summary: String,
    /// The resume as stored, linked to the candidate (none for a preview).
    pub upload: Option<Upload>,
    /// `false` when a candidate with the resume's email existed and was updated.
    pub created: bool,
}

/// Reads a resume, then creates its candidate — or updates the tenant's candidate with the
/// same email — and keeps the file, linked to the candidate, with its text searchable.
pub async fn create_candidate(
    indexer: &Indexer,
    extractor: &Extractor,
    who: &Identity,
    file: Accepted,
    notes: Option<String>,
    preview: bool,
) -> Result<FromResume> {
    who.allow(Permission::CANDIDATES_WRITE)?;
    let text = extractor
        .text(file.kind, file.bytes.clone(), "resume")
        .await?;
    let parsed = parse(&text);
    let full_name = parsed
        .full_name
        .clone()
        .or_else(|| parsed.email.as_deref().and_then(name_from_email))
        .ok_or_else(|| {
            Error::invalid(
                "resume",
                "has no name hirebase could find; add the candidate by hand",
            )
        })?;
    let notes = notes
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let extracted = format!(
        "From the resume {}:{}",
        file.filename,
        parsed
            .summary
            .as_deref()
            .map(|s| format!("\n{s}"))
            .unwrap_or_else(|| " no summary section.".into())
    );
    let note = match &notes {
        Some(n) => format!("{extracted}\n\nAdditional recruiter notes: {n}"),
        None => extracted,
    };
    let fresh = NewCandidate {
        full_name,
        email: parsed.email.clone(),
        phone: parsed.phone.clone(),
        headline: parsed.headline.clone(),
        location: parsed.location.clone(),
        experience_years: parsed.experience_years,
        current_title: parsed.current_title.clone(),
        current_company: parsed.current_company.clone(),
        linkedin_url: parsed.linkedin_url.clone(),
        github_url: parsed.github_url.clone(),
        website_url: parsed.website_url.clone(),
        notes: Some(note.clone()),
        skills: Some(parsed.skills.clone()),
        source: Some("resume".into()),
        ..NewCandidate::default()
    }
    .into_candidate(who.tenant_id, "resume");
    let mut fresh = fit(fresh);
    fresh.agency_id = who.submitting_agency()?;
    if preview {
        // What would be made, for a person to review first: nothing is stored.
        let summary = format!(
            "Read {} ({}); nothing was saved yet.",
            file.filename,
            file.kind.label()
        );
        return Ok(FromResume {
            candidate: fresh,
            summary,
            upload: None,
            created: false,
        });
    }
    candidates::validate(&fresh)?;
    let (tenant, actor, agency) = (who.tenant_id, Actor::of(who), who.submissions_of());
    let mut upload = uploads::record(tenant, Some(who), &file, None);
    upload.text = Some(text);
    indexer
        .write(move |tx, pending| {
            let existing = match &fresh.email {
                Some(email) => candidates::by_email(tx, tenant, email)?,
                None => None,
            };
            // An agency updates only a candidate it submitted; anyone else's email is taken.
            if let (Some(agency), Some(c)) = (agency, &existing)
                && c.agency_id != Some(agency)
            {
                return Err(Error::conflict(format!(
                    "A candidate with the email {} already exists",
                    c.email.as_deref().unwrap_or_default()
                )));
            }
            let candidate_id = match &existing {
                Some(c) => c.id,
                None => tx.next_id()?,
            };
            upload.candidate_id = Some(candidate_id);
            let upload = uploads::insert(tx, upload, &file.bytes, &actor)?;
            let (candidate, created) = match existing {
                None => {
                    fresh.id = candidate_id;
                    let c = candidates::insert(tx, fresh, pending)?;
                    audit::record(tx, tenant, &actor, candidates::created(&c))?;
                    (c, true)
                }
                Some(before) => {
                    let after = fit(merge(before.clone(), fresh, &note));
                    candidates::validate(&after)?;
                    candidates::save(tx, &after, before.email.as_deref(), pending)?;
                    let label = format!("candidate {} {} from a resume", after.id, after.full_name);
                    audit::record_update(
                        tx,
                        tenant,
                        &actor,
                        Action::CandidateUpdated,
                        after.id,
                        &label,
                        (&before, &after),
                        &[],
                    )?;
                    (after, false)
                }
            };
            let summary = summarize(&candidate, created, &upload);
            Ok(FromResume {
                candidate,
                summary,
                upload: Some(upload),
                created,
            })
        })
        .await
}

/// What the resume says replaces what the record said; skills are joined, notes appended.
fn merge(mut c: Candidate, new: Candidate, note: &str) -> Candidate {
    macro_rules! take {
        ($($field:ident),*) => { $( if new.$field.is_some() { c.$field = new.$field; } )* };
    }
    take!(
        phone,
        headline,
        location,
        experience_years,
        current_title,
        current_company,
        linkedin_url,
        github_url,
        website_url
    );
    let mut skills = c.skills.clone();
    skills.extend(new.skills);
    c.skills = clean_labels(skills);
    c.notes = Some(match c.notes.take() {
        Some(old) if !old.trim().is_empty() => format!("{old}\n\n{note}"),
        _ => note.to_string(),
    });
    c.updated_at = Timestamp::now();
    c
}

/// Cuts what a resume gave to the lengths a candidate record holds.
fn fit(mut c: Candidate) -> Candidate {
    fn cut(v: &mut Option<String>, max: usize) {
        if let Some(s) = v
            && s.chars().count() > max
        {
            *s = s
                .chars()
                .take(max)
                .collect::<String>()
                .trim_end()
                .to_string();
        }
    }
    c.full_name = c.full_name.chars().take(200).collect();
    cut(&mut c.headline, 200);
    cut(&mut c.location, 120);
    cut(&mut c.current_title, 120);
    cut(&mut c.current_company, 120);
    cut(&mut c.notes, 20_000);
    if c.phone.as_ref().is_some_and(|p| p.len() > 40) {
        c.phone = None;
    }
    for url in [&mut c.linkedin_url, &mut c.github_url, &mut c.website_url] {
        if url.as_ref().is_some_and(|u| u.len() > 500) {
            *url = None;
        }
    }
    c.skills.truncate(100);
    c.experience_years = c
        .experience_years
        .filter(|y| *y <= candidates::MAX_EXPERIENCE);
    c
}

/// "jane.doe@x.io" → "Jane Doe", when the address is made of a name.
fn name_from_email(email: &str) -> Option<String> {
    let local = email.split('@').next()?;
    let words: Vec<String> = local
        .split(['.', '_', '-'])
        .filter(|w| w.len() > 1 && w.chars().all(char::is_alphabetic))
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect();
    (words.len() >= 2).then(|| words.join(" "))
}

/// Seed 004's sentence: what was made and what it says.
fn summarize(c: &Candidate, created: bool, upload: &Upload) -> String {
    let mut out = if created {
        format!("Created candidate #{}: {}.", c.id, c.full_name)
    } else {
        format!(
            "Updated candidate #{}: {} (a candidate with this email already existed).",
            c.id, c.full_name
        )
    };
    let facts = [
        ("Current title", c.current_title.as_deref()),
        ("Current company", c.current_company.as_deref()),
        ("Location", c.location.as_deref()),
        ("Headline", c.headline.as_deref()),
    ];
    for (label, value) in facts {
        if let Some(v) = value {
            out.push_str(&format!(" {label}: {v}."));
        }
    }
    if let Some(y) = c.experience_years {
        out.push_str(&format!(" Experience: {y} years."));
    }
    if !c.skills.is_empty() {
        out.push_str(&format!(" Skills: {}.", c.skills.join(", ")));
    }
    out.push_str(&format!(
        " The resume is kept as upload #{} ({}).",
        upload.id, upload.filename
    ));
    out
}

/// What a resume says about its candidate; `None` where it says nothing recognisable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resume {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub linkedin_url: Option<String>,
    pub github_url: Option<String>,
    pub website_url: Option<String>,
    pub headline: Option<String>,
    pub current_title: Option<String>,
    pub current_company: Option<String>,
    pub experience_years: Option<u32>,
    pub location: Option<String>,
    pub skills: Vec<String>,
    /// The resume's own summary (its Summary / Profile / About section), if it has one.
    pub summary: Option<String>,
}

struct Patterns {
    email: Regex,
    phone: Regex,
    linkedin: Regex,
    github: Regex,
    url: Regex,
    years: Regex,
    range: Regex,
    year: Regex,
    place: Regex,
    label: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        email: Regex::new(r"(?i)\b[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
            .unwrap(),
        phone: Regex::new(r"\+?\(?\d[\d\s().\-/]{6,}\d").unwrap(),
        linkedin: Regex::new(r"(?i)\b(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/[a-z0-9_%\-]+/?")
            .unwrap(),
        github: Regex::new(r"(?i)\b(?:https?://)?(?:www\.)?github\.com/[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?/?")
            .unwrap(),
        url: Regex::new(r"(?i)\b(?:https?://[^\s<>()|,;]+|www\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+(?:/[^\s<>()|,;]*)?|[a-z0-9\-]+\.(?:dev|io|me|com|net|org|co|tech|site|page|app)\b(?:/[^\s<>()|,;]*)?)")
            .unwrap(),
        years: Regex::new(r"(?i)\b(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b(?:\s+of)?(?:\s+(?:professional|industry|hands-on|relevant|work|working|commercial))?\s+(?:experience|exp\b)").unwrap(),
        range: Regex::new(r"(?i)\b((?:19|20)\d{2})\s*(?:-|–|—|to)\s*((?:19|20)\d{2}|present|current|now|today)\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+((?:19|20)\d{2})\s*(?:-|–|—|to)\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?((?:19|20)\d{2}|present|current|now|today)\b|\b\d{1,2}/((?:19|20)\d{2})\s*(?:-|–|—|to)\s*(?:\d{1,2}/)?((?:19|20)\d{2}|present|current|now|today)\b").unwrap(),
        year: Regex::new(r"\b(?:19|20)\d{2}\b").unwrap(),
        place: Regex::new(r"^[\p{Lu}][\p{L}.'\- ]{1,40},\s*[\p{Lu}][\p{L}.'\- ]{1,40}$").unwrap(),
        label: Regex::new(r"(?i)^\s*(name|email|e-mail|phone|tel|telephone|mobile|cell|location|address|based in|linkedin|github|website|web|portfolio|title|current title|position|company|employer)\s*[:：]\s*(.+)$").unwrap(),
    })
}

/// Words that make a phrase a job title.
pub(crate) const TITLE_WORDS: &[&str] = &[
    "engineer",
    "developer",
    "programmer",
    "manager",
    "designer",
    "analyst",
    "scientist",
    "architect",
    "consultant",
    "lead",
    "director",
    "head",
    "officer",
    "administrator",
    "specialist",
    "recruiter",
    "coordinator",
    "intern",
    "associate",
    "accountant",
    "researcher",
    "technician",
    "writer",
    "editor",
    "marketer",
    "vp",
    "president",
    "cto",
    "ceo",
    "cfo",
    "founder",
    "co-founder",
    "owner",
    "sre",
    "devops",
    "nurse",
    "teacher",
    "lecturer",
    "professor",
    "strategist",
    "producer",
    "representative",
    "executive",
    "advisor",
    "partner",
    "principal",
    "staff",
    "administrator",
    "tester",
    "qa",
    "support",
    "operator",
    "assistant",
    "buyer",
    "planner",
    "controller",
    "auditor",
    "chemist",
    "physician",
    "pharmacist",
    "therapist",
    "attorney",
    "lawyer",
    "paralegal",
    "mechanic",
    "electrician",
    "driver",
    "chef",
    "sales",
    "account",
    "product",
    "owner",
];

/// Section headings resumes use, lower case.
const EXPERIENCE_HEADINGS: &[&str] = &[
    "experience",
    "work experience",
    "professional experience",
    "employment",
    "employment history",
    "work history",
    "career history",
    "relevant experience",
    "experience & projects",
];
const SUMMARY_HEADINGS: &[&str] = &[
    "summary",
    "profile",
    "professional summary",
    "about",
    "about me",
    "objective",
    "career objective",
    "overview",
];
const OTHER_HEADINGS: &[&str] = &[
    "education",
    "skills",
    "technical skills",
    "core skills",
    "key skills",
    "projects",
    "certifications",
    "certificates",
    "languages",
    "interests",
    "publications",
    "awards",
    "references",
    "volunteering",
    "contact",
    "links",
    "competencies",
    "tools",
    "technologies",
];

/// The section a line heads, if it is a heading: "Experience", "WORK HISTORY:", and
/// bilingual ones ("Expérience / Experience").
fn heading_of(line: &str) -> Option<String> {
    if line.len() <= 60 && line.contains(['/', '|']) {
        return line.split(['/', '|']).find_map(known_heading);
    }
    known_heading(line)
}

fn known_heading(line: &str) -> Option<String> {
    let l = line
        .trim()
        .trim_end_matches(':')
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '&')
        .to_lowercase();
    if l.is_empty() || l.len() > 40 {
        return None;
    }
    let known = EXPERIENCE_HEADINGS
        .iter()
        .chain(SUMMARY_HEADINGS)
        .chain(OTHER_HEADINGS)
        .any(|h| *h == l);
    known.then_some(l)
}

pub(crate) fn is_title(phrase: &str) -> bool {
    phrase
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| TITLE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Reads what it can from a resume's text.
pub fn parse(text: &str) -> Resume {
    let p = patterns();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut r = Resume::default();

    // Labelled lines ("Email: …", "Location: …") say it plainly.
    for line in &lines {
        if let Some(c) = p.label.captures(line) {
            let value = c[2].trim().to_string();
            match c[1].to_lowercase().as_str() {
                "name" if r.full_name.is_none() && looks_like_name(&value) => {
                    r.full_name = Some(name_case(&value))
                }
                "location" | "address" | "based in" if r.location.is_none() => {
                    r.location = Some(value.trim_end_matches('.').to_string())
                }
                "title" | "current title" | "position" if r.current_title.is_none() => {
                    r.current_title = Some(value)
                }
                "company" | "employer" if r.current_company.is_none() => {
                    r.current_company = Some(value)
                }
                _ => {}
            }
        }
    }

    r.email = p.email.find(text).map(|m| m.as_str().to_lowercase());
    r.linkedin_url = p.linkedin.find(text).map(|m| with_scheme(m.as_str()));
    r.github_url = p.github.find(text).map(|m| with_scheme(m.as_str()));
    r.phone = find_phone(&lines);
    r.website_url = find_website(text, r.email.as_deref());

    // The header: the lines before the first section heading.
    let header_end = lines
        .iter()
        .position(|l| heading_of(l).is_some())
        .unwrap_or(lines.len().min(8));
    let header = &lines[..header_end.min(10)];
    if r.full_name.is_none() {
        r.full_name = header
            .iter()
            .take(4)
            .flat_map(|l| segments(l))
            .find(|s| looks_like_name(s))
            .map(name_case);
    }
    for line in header {
        for seg in segments(line) {
            if Some(seg) == r.full_name.as_deref() || seg.contains('@') {
                continue;
            }
            if r.location.is_none() && looks_like_place(seg) {
                r.location = Some(seg.to_string());
            } else if r.headline.is_none()
                && is_title(seg)
                && !seg.chars().any(|c| c.is_ascii_digit())
                && seg.len() <= 120
            {
                r.headline = Some(seg.to_string());
            }
        }
    }

    let sections = sections(&lines);
    if let Some(summary) = sections
        .iter()
        .find(|(h, _)| SUMMARY_HEADINGS.contains(&h.as_str()))
    {
        let text = summary.1.join(" ");
        if !text.is_empty() {
            r.summary = Some(text.chars().take(1_500).collect());
        }
    }
    let experience = sections
        .iter()
        .find(|(h, _)| EXPERIENCE_HEADINGS.contains(&h.as_str()))
        .map(|(_, body)| body.as_slice())
        .unwrap_or(&[]);
    if r.current_title.is_none() || r.current_company.is_none() {
        let (title, company) = current_role(experience);
        r.current_title = r.current_title.or(title);
        r.current_company = r.current_company.or(company);
    }
    if (r.current_title.is_none() || r.current_company.is_none())
        && let Some(headline) = &r.headline
        && let Some((t, c)) = split_role(headline)
    {
        r.current_title = r.current_title.or(Some(t));
        r.current_company = r.current_company.or(Some(c));
    }
    if r.current_title.is_none() {
        r.current_title = r.headline.clone();
    }

    r.experience_years = stated_years(text).or_else(|| years_from_ranges(experience));
    r.skills = vocabulary()
        .extract(text)
        .into_iter()
        .take(100)
        .map(String::from)
        .collect();
    r
}

fn with_scheme(url: &str) -> String {
    let url = url.trim_end_matches('/');
    if url.to_lowercase().starts_with("http") {
        url.to_string()
    } else {
        format!("https://{url}")
    }
}

/// The parts of a header line: "Jane Doe | Berlin, Germany | jane@x.io".
fn segments(line: &str) -> impl Iterator<Item = &str> {
    line.split(['|', '•', '·', '–', '—', '\t'])
        .flat_map(|s| s.split(" - "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn looks_like_name(s: &str) -> bool {
    let s = s.trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=4).contains(&words.len()) || s.len() > 60 {
        return false;
    }
    if heading_of(s).is_some()
        || ["resume", "curriculum", "vitae", "cv"]
            .iter()
            .any(|w| s.to_lowercase().split_whitespace().any(|x| x == *w))
        || is_title(s)
    {
        return false;
    }
    words.iter().all(|w| {
        let mut chars = w.chars();
        chars.next().is_some_and(|c| c.is_uppercase())
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.' | '’'))
    })
}

/// A name written in capitals ("LUKAS SCHMIDT") as people write it ("Lukas Schmidt").
fn name_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_string();
    }
    name.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn looks_like_place(s: &str) -> bool {
    let p = patterns();
    let s = s.trim();
    s.eq_ignore_ascii_case("remote")
        || (p.place.is_match(s) && !is_title(s) && !s.contains('@') && s.len() <= 80)
}

fn find_phone(lines: &[&str]) -> Option<String> {
    let p = patterns();
    let mut candidates = lines.iter().flat_map(|line| {
        let labelled = {
            let l = line.to_lowercase();
            ["phone", "tel", "mobile", "cell"]
                .iter()
                .any(|w| l.contains(w))
        };
        p.phone
            .find_iter(line)
            .map(move |m| (labelled, m.as_str().trim()))
    });
    let ok = |s: &str| {
        let digits = s.chars().filter(char::is_ascii_digit).count();
        // Dates ("2019 - 2023") and years are not phone numbers.
        (8..=15).contains(&digits) && !patterns().range.is_match(s)
    };
    let all: Vec<(bool, &str)> = candidates.by_ref().filter(|(_, s)| ok(s)).collect();
    all.iter()
        .find(|(labelled, _)| *labelled)
        .or(all.first())
        .map(|(_, s)| s.to_string())
}

fn find_website(text: &str, email: Option<&str>) -> Option<String> {
    let p = patterns();
    let email_domain = email.and_then(|e| e.split('@').nth(1)).unwrap_or("");
    p.url
        .find_iter(text)
        .map(|m| m.as_str().trim_end_matches(['.', '/']))
        .find(|u| {
            let l = u.to_lowercase();
            !l.contains("linkedin.com")
                && !l.contains("github.com")
                && !l.contains('@')
                && (email_domain.is_empty() || !l.ends_with(email_domain) || l.contains('/'))
                // "Node.js" and "Vue.js" are skills, not sites.
                && vocabulary().canonical(u).is_none()
        })
        .filter(|u| {
            // The address of an email is not a site: "jane@doe.dev" has "doe.dev".
            !text.contains(&format!("@{u}"))
        })
        .map(with_scheme)
}

/// Each section heading (lower case) with the lines under it.
fn sections<'a>(lines: &[&'a str]) -> Vec<(String, Vec<&'a str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for line in lines {
        match heading_of(line) {
            Some(h) => out.push((h, Vec::new())),
            None => {
                if let Some((_, body)) = out.last_mut() {
                    body.push(line);
                }
            }
        }
    }
    out
}

/// A line of a role with its dates taken out: "Staff Engineer, TechCorp (2019 – present)".
fn without_dates(line: &str) -> String {
    let p = patterns();
    let cut = p.range.replace_all(line, "");
    let cut = p.year.replace_all(&cut, "");
    cut.trim()
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '(' | ')' | ',' | '|' | '-' | '–' | '—' | ':')
        })
        .to_string()
}

/// "Title at Company", "Title @ Company", "Title, Company", "Company | Title", …
fn split_role(line: &str) -> Option<(String, String)> {
    let line = without_dates(line);
    for sep in [" at ", " @ ", " | ", " — ", " – ", " - ", ", ", " · "] {
        if let Some((a, b)) = line.split_once(sep) {
            let (a, b) = (a.trim(), b.trim().trim_end_matches(['.', ',']));
            if a.is_empty() || b.is_empty() {
                continue;
            }
            if is_title(a) && !is_title(b) || sep == " at " || sep == " @ " {
                return Some((a.to_string(), b.to_string()));
            }
            if is_title(b) && !is_title(a) {
                return Some((b.to_string(), a.to_string()));
            }
        }
    }
    None
}

/// The first role of the experience section: its title and company.
fn current_role(experience: &[&str]) -> (Option<String>, Option<String>) {
    let entries: Vec<&str> = experience
        .iter()
        .copied()
        .filter(|l| !l.starts_with(['-', '*', '•', '–']))
        .take(3)
        .collect();
    let Some(first) = entries.first() else {
        return (None, None);
    };
    if let Some((t, c)) = split_role(first) {
        return (Some(t), Some(c));
    }
    // Title on one line, company on the next (or the other way round).
    let first = without_dates(first);
    let second = entries
        .get(1)
        .map(|l| without_dates(l))
        .filter(|s| !s.is_empty());
    match second {
        Some(second) if is_title(&first) && !is_title(&second) => (Some(first), Some(second)),
        Some(second) if is_title(&second) && !is_title(&first) => (Some(second), Some(first)),
        _ if is_title(&first) => (Some(first), None),
        _ => (None, None),
    }
}

/// "8 years of experience", "10+ yrs experience": the largest such number.
fn stated_years(text: &str) -> Option<u32> {
    patterns()
        .years
        .captures_iter(text)
        .filter_map(|c| c[1].parse::<u32>().ok())
        .filter(|y| *y <= 60)
        .max()
}

/// From the date ranges of the experience section: the years since the earliest start.
fn years_from_ranges(experience: &[&str]) -> Option<u32> {
    let now = chrono::Utc::now().year();
    let mut earliest: Option<i32> = None;
    for line in experience {
        for c in patterns().range.captures_iter(line) {
            let start = c
                .get(1)
                .or(c.get(3))
                .or(c.get(5))
                .and_then(|m| m.as_str().parse::<i32>().ok());
            if let Some(start) = start.filter(|y| *y <= now && *y > now - 60) {
                earliest = Some(earliest.map_or(start, |e: i32| e.min(start)));
            }
        }
    }
    earliest.map(|e| (now - e) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_resume() {
        let r = parse(
            "Jane Doe\nSenior Backend Engineer\nSan Francisco, CA | jane.doe@example.com | +1 (415) 555-0134\n\
             linkedin.com/in/janedoe · github.com/janedoe · https://janedoe.dev\n\n\
             Summary\nBackend engineer with 8 years of experience in Python and distributed systems.\n\n\
             Experience\nStaff Engineer at TechCorp (2019 – present)\n- Led the move to Kubernetes\n\
             Software Engineer, Initech (2016 – 2019)\n\nSkills\nPython, PostgreSQL, Kubernetes, Go\n",
        );
        assert_eq!(r.full_name.as_deref(), Some("Jane Doe"));
        assert_eq!(r.email.as_deref(), Some("jane.doe@example.com"));
        assert_eq!(r.phone.as_deref(), Some("+1 (415) 555-0134"));
        assert_eq!(r.location.as_deref(), Some("San Francisco, CA"));
        assert_eq!(
            r.linkedin_url.as_deref(),
            Some("https://linkedin.com/in/janedoe")
        );
        assert_eq!(r.github_url.as_deref(), Some("https://github.com/janedoe"));
        assert_eq!(r.website_url.as_deref(), Some("https://janedoe.dev"));
        assert_eq!(r.headline.as_deref(), Some("Senior Backend Engineer"));
        assert_eq!(r.current_title.as_deref(), Some("Staff Engineer"));
        assert_eq!(r.current_company.as_deref(), Some("TechCorp"));
        assert_eq!(r.experience_years, Some(8));
        for skill in ["Python", "PostgreSQL", "Kubernetes", "Go"] {
            assert!(
                r.skills.iter().any(|s| s == skill),
                "{skill} in {:?}",
                r.skills
            );
        }
    }

    #[test]
    fn says_nothing_it_did_not_find() {
        let r = parse("just some words\nnothing else here");
        assert_eq!(r.full_name, None);
        assert_eq!(r.email, None);
        assert_eq!(r.phone, None);
        assert_eq!(r.experience_years, None);
    }
}
