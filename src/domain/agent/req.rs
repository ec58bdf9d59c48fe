//! Reading a job out of a sentence ("We need a Senior Backend Engineer in NYC with Python…") or
//! a job description (a req: a title line, labelled lines, sections): title, level,
//! department, location, remote option, employment type, salary range and currency, required
//! and nice-to-have skills (from the matching vocabulary), description. Plain rules, offline;
//! a field the text does not state stays empty.

use std::sync::OnceLock;

use regex::{Captures, Regex};

use crate::domain::jobs::{Level, NewJob};
use crate::domain::matching::find::work_mode;
use crate::domain::matching::vocabulary::vocabulary;
use crate::domain::matching::{WorkMode, level_in_title};
use crate::domain::resumes::{TITLE_WORDS, is_title};
use crate::error::{Error, Result};

/// What a job text says; `None` (or empty) where it says nothing recognisable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Req {
    pub title: Option<String>,
    pub level: Option<Level>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub remote_option: Option<String>,
    pub employment_type: Option<String>,
    pub salary_min: Option<u64>,
    pub salary_max: Option<u64>,
    pub currency: Option<String>,
    pub required_skills: Vec<String>,
    pub nice_to_have_skills: Vec<String>,
}

impl Req {
    /// Fills what this text left empty from `other` (the recruiter's notes).
    fn or(mut self, other: Req) -> Req {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f; } )* };
        }
        fill!(
            title,
            level,
            department,
            location,
            remote_option,
            employment_type,
            currency
        );
        if self.salary_min.is_none() && self.salary_max.is_none() {
            self.salary_min = other.salary_min;
            self.salary_max = other.salary_max;
        }
        for s in other.required_skills {
            if !self.has_skill(&s) {
                self.required_skills.push(s);
            }
        }
        for s in other.nice_to_have_skills {
            if !self.has_skill(&s) {
                self.nice_to_have_skills.push(s);
            }
        }
        self
    }

    fn has_skill(&self, s: &str) -> bool {
        self.required_skills
            .iter()
            .chain(&self.nice_to_have_skills)
            .any(|k| k == s)
    }
}

/// The job a text (and the recruiter's notes) describes, ready for `jobs::create`; 400 on
/// `field` when the text names no job title.
pub fn new_job(text: &str, notes: Option<&str>, field: &str) -> Result<NewJob> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, "is empty; describe the job"));
    }
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    let mut req = parse(text);
    if let Some(n) = notes {
        req = req.or(parse(n));
    }
    let title = req.title.clone().ok_or_else(|| {
        Error::invalid(
            field,
            "names no job title hirebase could find; say what the role is, e.g. \
             \"a Senior Backend Engineer in Berlin\"",
        )
    })?;
    let mut description = text.to_string();
    if let Some(n) = notes {
        description.push_str("\n\nRecruiter notes: ");
        description.push_str(n);
    }
    let description: String = description.chars().take(50_000).collect();
    Ok(NewJob {
        title: cut(&title, 200),
        department: req.department.map(|d| cut(&d, 120)),
        location: req.location.map(|l| cut(&l, 120)),
        employment_type: req.employment_type,
        remote_option: req.remote_option,
        salary_min: req.salary_min,
        salary_max: req.salary_max,
        currency: req.currency,
        description: Some(description),
        required_skills: Some(req.required_skills),
        nice_to_have_skills: Some(req.nice_to_have_skills),
        skills: None,
        level: req.level,
        status: None,
        is_public: None,
        subsidiary_id: None,
    })
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect::<String>().trim().to_string()
}

struct Patterns {
    label: Regex,
    intro: Regex,
    place: Regex,
    office: Regex,
    money: Regex,
    range: Regex,
    per_time: Regex,
    per_month: Regex,
    employment: Regex,
    remote: Regex,
    not_remote: Regex,
    onsite: Regex,
}

/// One amount of money: a currency before or after, thousands separators, `k` / `m`.
const AMOUNT: &str = r"(?P<{p}pre>US\$|CA\$|C\$|AU\$|A\$|\$|€|£|¥|₹|\b(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR|JPY|SGD|NZD|CZK|BRL|MXN|ZAR|AED)\b)?\s?(?P<{p}num>\d{1,3}(?:[,.'’ ]\d{3})+|\d+(?:[.,]\d{1,2})?)(?:\s?(?P<{p}k>[kK]|[mM]|mio|mn)\b)?(?P<{p}post>\s?(?:€|\$|£|\b(?:USD|EUR|GBP|CAD|AUD|CHF|SEK|NOK|DKK|PLN|INR|JPY|SGD|NZD|CZK|BRL|MXN|ZAR|AED|euros?|dollars|pounds)\b))?";

fn amount(prefix: &str) -> String {
    AMOUNT.replace("{p}", prefix)
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        label: Regex::new(r"(?i)^\s*[-*•]?\s*(job title|title|position|role|department|dept|team|location|locations|based in|office|work location|employment type|employment|job type|type|contract type|contract|remote|remote option|work model|workplace|workplace type|work arrangement|working model|salary|salary range|compensation|pay|pay range|base salary|level|seniority|experience level)\s*[:：]\s*(.+)$").unwrap(),
        intro: Regex::new(r"(?i)\b(?:need|needs|hiring|hire|looking for|seeking|searching for|recruiting|recruit|want|wants|add|open|create|post|opening for|position for|role for|job for|vacancy for|req for|requisition for|job:|role:|position:)\s+(?:(?:an?|one|two|three|some|new|the|another)\s+)*(?:(?:job|role|position|opening|req|requisition|vacancy)\s+(?:for|as)\s+(?:(?:an?|one|the)\s+)?)?(?P<t>[^.,;:()\n!?]+)").unwrap(),
        place: Regex::new(r"\b(?:[Bb]ased in|[Ll]ocated in|[Oo]ffices? in|[Ii]n|[Ff]rom)\s+(?:the\s+)?(?P<p>\p{Lu}[\p{L}.'\-]*(?:\s+\p{Lu}[\p{L}.'\-]*){0,3}(?:,\s*\p{Lu}[\p{L}.'\-]*(?:\s+\p{Lu}[\p{L}.'\-]*){0,2})?)").unwrap(),
        office: Regex::new(r"\b(?:our|the|an?)\s+(?P<p>\p{Lu}[\p{L}.'\-]*(?:\s+\p{Lu}[\p{L}.'\-]*){0,2})\s+(?:office|hub|headquarters|HQ)\b").unwrap(),
        money: Regex::new(&amount("a_")).unwrap(),
        range: Regex::new(&format!(r"{}\s*(?:-|–|—|to|and|bis)\s*{}", amount("a_"), amount("b_"))).unwrap(),
        per_time: Regex::new(r"(?i)^\s*(?:/\s*|per\s+|an?\s+)?(?:h|hr|hrs|hour|hours|hourly|day|days|daily|d)\b|^\s*(?:years?|yrs?|\+\s*years?|%|employees|people|users|customers|countries|offices)").unwrap(),
        per_month: Regex::new(r"(?i)^\s*(?:(?:/\s*|per\s+|a\s+)(?:month|mo|mth)\b|monthly)").unwrap(),
        employment: Regex::new(r"(?i)\b(full[- ]time|permanent|part[- ]time|contract(?:or)?|freelance|fixed[- ]term|temporary|internship)\b").unwrap(),
        remote: Regex::new(r"(?i)\b(?:fully[- ]remote|remote[- ]first|100\s?% remote|remote)\b").unwrap(),
        not_remote: Regex::new(r"(?i)\b(?:no|not|non)[- ]remote\b").unwrap(),
        onsite: Regex::new(r"(?i)\b(?:on[- ]?site|in[- ]office|office[- ]based|in[- ]person)\b").unwrap(),
    })
}

/// Reads what it can from a job text.
pub fn parse(text: &str) -> Req {
    let p = patterns();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut r = Req::default();
    let mut salary_line: Option<&str> = None;

    for line in &lines {
        let Some(c) = p.label.captures(line) else {
            continue;
        };
        let value = c[2].trim().trim_end_matches('.').to_string();
        match c[1].to_lowercase().as_str() {
            "job title" | "title" | "position" | "role" if r.title.is_none() => {
                r.title = title_in(&value).or(Some(value));
            }
            "department" | "dept" | "team" if r.department.is_none() => r.department = Some(value),
            "location" | "locations" | "based in" | "office" | "work location"
                if r.location.is_none() =>
            {
                // "New York, NY (Hybrid)": the mode is read below, from the whole text.
                let place = value.split(['(', ';']).next().unwrap_or("").trim();
                if !place.is_empty() {
                    r.location = Some(place_name(place));
                }
            }
            "employment type" | "employment" | "job type" | "type" | "contract type"
            | "contract"
                if r.employment_type.is_none() =>
            {
                r.employment_type = employment_type(&value);
            }
            "remote" | "remote option" | "work model" | "workplace" | "workplace type"
            | "work arrangement" | "working model"
                if r.remote_option.is_none() =>
            {
                r.remote_option = remote_option(&value);
            }
            "salary" | "salary range" | "compensation" | "pay" | "pay range" | "base salary"
                if salary_line.is_none() =>
            {
                salary_line = Some(line);
            }
            "level" | "seniority" | "experience level" if r.level.is_none() => {
                r.level = level_in_title(&value).or_else(|| level_word(&value));
            }
            _ => {}
        }
    }

    if r.title.is_none() {
        r.title = title_line(&lines).or_else(|| title_in(text));
    }
    if let Some(title) = &r.title {
        r.level = r.level.or_else(|| level_in_title(title));
        r.department = r.department.clone().or_else(|| department_of(title));
    }
    if r.location.is_none() {
        r.location = lines
            .first()
            .and_then(|first| {
                segments(first)
                    .skip(1)
                    .find(|s| looks_like_place(s))
                    .map(place_name)
            })
            .or_else(|| place_in(text));
    }
    if r.remote_option.is_none() {
        r.remote_option = remote_in(text);
    }
    if r.location.is_none() && r.remote_option.as_deref() == Some("Remote") {
        r.location = Some("Remote".into());
    }
    if r.employment_type.is_none() {
        r.employment_type = p
            .employment
            .find(text)
            .and_then(|m| employment_type(m.as_str()));
    }
    if r.employment_type.is_none() && r.level == Some(Level::Intern) {
        r.employment_type = Some("Internship".into());
    }
    let (min, max, currency) = salary_line
        .and_then(|l| salary(l, true))
        .or_else(|| salary(text, false))
        .unwrap_or_default();
    (r.salary_min, r.salary_max, r.currency) = (min, max, currency);
    (r.required_skills, r.nice_to_have_skills) = skills(&lines, r.title.as_deref());
    r
}

// --- title, level, department -----------------------------------------------------------------

/// The parts of a title line: "Senior Backend Engineer – Berlin (Hybrid)".
fn segments(line: &str) -> impl Iterator<Item = &str> {
    line.split(['|', '•', '·', '–', '—', '(', ')', '\t'])
        .flat_map(|s| s.split(" - "))
        .flat_map(|s| s.split(" @ "))
        .map(|s| s.trim().trim_matches(','))
        .filter(|s| !s.is_empty())
}

/// A document's first line when it names a title ("Senior Backend Engineer – Berlin",
/// "# Product Designer", "Opening: iOS Developer").
fn title_line(lines: &[&str]) -> Option<String> {
    let first = lines
        .first()?
        .trim_start_matches(['#', '*', '=', ' '])
        .trim_end_matches(['*', '=', ' ']);
    let first = strip_intro(first);
    if first.chars().count() > 100 || first.ends_with('.') || first.split_whitespace().count() > 12
    {
        return None;
    }
    segments(first)
        .filter(|s| is_title(s) && !s.contains(':') && s.split_whitespace().count() <= 8)
        .find_map(title_phrase)
}

/// "Job description: …", "We're hiring – …": what comes before a title on its line.
fn strip_intro(line: &str) -> &str {
    let lower = line.to_lowercase();
    for intro in [
        "job description",
        "job posting",
        "job req",
        "job opening",
        "vacancy",
        "opening",
        "we're hiring",
        "we are hiring",
        "now hiring",
        "hiring",
    ] {
        if lower.starts_with(intro) {
            let rest = &line[intro.len()..];
            let rest = rest.trim_start_matches([':', '-', '–', '—', ' ', '!']);
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    line
}

/// Words that end a title inside a sentence ("… engineer in NYC with Python").
const TITLE_STOPS: &[&str] = &[
    "in",
    "at",
    "with",
    "who",
    "that",
    "to",
    "for",
    "based",
    "on",
    "from",
    "remote",
    "hybrid",
    "onsite",
    "on-site",
    "full-time",
    "part-time",
    "fulltime",
    "contract",
    "paying",
    "salary",
    "and",
    "or",
    "located",
    "starting",
    "ideally",
    "able",
    "which",
    "having",
    "knowing",
    "-",
    "–",
    "—",
    "asap",
    "immediately",
    "urgently",
];

/// Words before a title that are not part of it.
const TITLE_FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "new",
    "experienced",
    "talented",
    "strong",
    "great",
    "skilled",
    "seasoned",
    "motivated",
    "passionate",
    "good",
    "solid",
    "someone",
    "person",
    "job",
    "role",
];

/// The title a sentence names: after "need / hiring / looking for / create a job for …", or
/// at its start, cut at the first word that is not part of a title and ending on a title
/// word ("engineer", "designer", "manager", …).
fn title_in(text: &str) -> Option<String> {
    let p = patterns();
    // Each intro tried in turn ("we want to hire a …": "want" names nothing, "hire" does).
    let mut at = 0;
    while let Some(c) = p.intro.captures_at(text, at) {
        if let Some(title) = c.name("t").and_then(|m| title_phrase(m.as_str())) {
            return Some(title);
        }
        let start = c.get(0).map_or(text.len(), |m| m.start());
        at = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    text.lines().next().and_then(title_phrase)
}

fn title_phrase(phrase: &str) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for raw in phrase.split_whitespace() {
        let ends = raw.ends_with([',', ';', '.', ':', '!', '?']);
        let w = raw.trim_end_matches([',', ';', '.', ':', '!', '?']);
        let lw = w.to_lowercase();
        if TITLE_STOPS.contains(&lw.as_str()) {
            if words.is_empty() {
                return None;
            }
            break;
        }
        if !(w.is_empty() || words.is_empty() && TITLE_FILLER.contains(&lw.as_str())) {
            words.push(w);
        }
        if ends || words.len() > 10 {
            break;
        }
    }
    // End on the last title word: "Senior Backend Engineer asap" → "Senior Backend Engineer",
    // keeping "of People" after "Head" and a grade after the title ("Engineer II").
    let mut last = words.iter().rposition(|w| is_head_word(w))?;
    if words
        .get(last + 1)
        .is_some_and(|w| w.eq_ignore_ascii_case("of"))
        && last + 2 < words.len()
    {
        last += 2;
    }
    if words
        .get(last + 1)
        .is_some_and(|w| matches!(*w, "I" | "II" | "III" | "IV" | "1" | "2" | "3"))
    {
        last += 1;
    }
    let title = &words[..=last];
    if title.len() > 8 {
        return None;
    }
    Some(title_case(&title.join(" ")))
}

fn is_head_word(word: &str) -> bool {
    let w = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    // "staff", "principal", "senior" … qualify a title but do not end one.
    !matches!(w.as_str(), "staff" | "principal" | "senior" | "associate")
        && (TITLE_WORDS.contains(&w.as_str())
            || matches!(
                w.as_str(),
                "engineers" | "developers" | "sdet" | "swe" | "pm" | "counsel" | "nurse"
            ))
}

/// Words a title keeps in capitals, or in their own spelling.
const SPELLINGS: &[&str] = &[
    "QA", "SRE", "UI", "UX", "HR", "IT", "ML", "AI", "VP", "CTO", "CEO", "CFO", "COO", "CMO",
    "CPO", "CISO", "iOS", "DevOps", "SDET", "SWE", "PM", "SEO", "BI", "GTM", "EMEA", "APAC", "US",
    "EU", "UK", "DevRel", "FinOps", "MLOps", "SecOps", "II", "III", "IV",
];

/// "senior backend engineer" → "Senior Backend Engineer", "rust dev" → "Rust Dev"; words
/// written with a capital are kept as written ("iOS", "QA").
fn title_case(title: &str) -> String {
    title
        .trim()
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            if w.chars().any(char::is_uppercase) {
                return w.to_string();
            }
            if let Some(s) = SPELLINGS.iter().find(|s| s.eq_ignore_ascii_case(w)) {
                return s.to_string();
            }
            if let Some(skill) = vocabulary().canonical(w) {
                return skill.to_string();
            }
            if i > 0 && matches!(w, "of" | "and" | "for" | "the" | "to" | "in") {
                return w.to_string();
            }
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Senior", "mid-level", "entry level": a level word alone.
fn level_word(text: &str) -> Option<Level> {
    let t = text.to_lowercase();
    Level::ALL
        .iter()
        .copied()
        .find(|l| t.contains(l.as_str()))
        .or_else(|| t.contains("entry").then_some(Level::Junior))
}

/// The department a title belongs to, when its words say it.
fn department_of(title: &str) -> Option<String> {
    let t = format!(" {} ", title.to_lowercase().replace(['-', '/', ','], " "));
    let has = |words: &[&str]| words.iter().any(|w| t.contains(&format!(" {w} ")));
    let dept = if has(&[
        "recruiter",
        "recruiting",
        "talent",
        "people",
        "hr",
        "sourcer",
    ]) {
        "People"
    } else if has(&["designer", "design", "ux", "ui"]) {
        "Design"
    } else if has(&["product"]) && !has(&["engineer", "developer"]) {
        "Product"
    } else if has(&["data", "analyst", "scientist", "analytics", "bi"])
        && !has(&["engineer", "developer", "architect"])
    {
        "Data"
    } else if has(&[
        "engineer",
        "engineering",
        "developer",
        "programmer",
        "sre",
        "devops",
        "architect",
        "qa",
        "sdet",
        "tester",
        "cto",
        "swe",
    ]) {
        "Engineering"
    } else if has(&["sales", "account", "bdr", "sdr", "business development"]) {
        "Sales"
    } else if has(&["marketing", "marketer", "seo", "content", "brand", "growth"]) {
        "Marketing"
    } else if has(&[
        "accountant",
        "finance",
        "controller",
        "cfo",
        "payroll",
        "auditor",
    ]) {
        "Finance"
    } else if has(&["support", "customer", "success"]) {
        "Customer Success"
    } else if has(&["lawyer", "attorney", "counsel", "legal", "paralegal"]) {
        "Legal"
    } else if has(&["operations", "ops", "office"]) {
        "Operations"
    } else {
        return None;
    };
    Some(dept.to_string())
}

// --- location and remote ----------------------------------------------------------------------

/// Places written short, as people write them in a sentence.
const PLACES: &[(&str, &str)] = &[
    ("nyc", "New York, NY"),
    ("new york city", "New York, NY"),
    ("new york", "New York, NY"),
    ("ny", "New York, NY"),
    ("sf", "San Francisco, CA"),
    ("san francisco", "San Francisco, CA"),
    ("bay area", "San Francisco Bay Area, CA"),
    ("la", "Los Angeles, CA"),
    ("los angeles", "Los Angeles, CA"),
    ("dc", "Washington, DC"),
];

fn place_name(place: &str) -> String {
    let p = place.trim().trim_end_matches(['.', ',']);
    PLACES
        .iter()
        .find(|(short, _)| p.eq_ignore_ascii_case(short))
        .map(|(_, full)| full.to_string())
        .unwrap_or_else(|| p.to_string())
}

fn looks_like_place(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.len() > 60 || is_title(s) || s.contains(['@', ':']) {
        return false;
    }
    let first = s.split([' ', ',']).next().unwrap_or("");
    PLACES
        .iter()
        .any(|(short, _)| s.eq_ignore_ascii_case(short))
        || (first.chars().next().is_some_and(char::is_uppercase)
            && vocabulary().canonical(first).is_none()
            && work_mode(s).is_none()
            && employment_type(s).is_none()
            && !s.chars().any(|c| c.is_ascii_digit()))
}

/// "… in Berlin, Germany", "based in NYC": the first place a sentence names.
fn place_in(text: &str) -> Option<String> {
    let p = patterns();
    let mut named = p
        .place
        .captures_iter(text)
        .chain(p.office.captures_iter(text));
    named.find_map(|c| {
        // "in London Or Remote": capitalised link words end the place.
        // A word ending a sentence ends the place too ("in London. No remote").
        let mut words = Vec::new();
        for w in c["p"].split_whitespace() {
            if matches!(w, "Or" | "And" | "With" | "For") {
                break;
            }
            words.push(w.trim_end_matches('.'));
            if w.ends_with('.') {
                break;
            }
        }
        let place = words.join(" ");
        let not_a_place = place
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .any(|w| {
                MONTHS.contains(&w.to_lowercase().as_str())
                    || department_of(w).is_some() && w.len() > 3
                    || vocabulary().canonical(w).is_some()
            });
        (!not_a_place && looks_like_place(&place)).then(|| place_name(&place))
    })
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "q1",
    "q2",
    "q3",
    "q4",
    "english",
    "german",
    "french",
    "spanish",
];

fn remote_option(value: &str) -> Option<String> {
    work_mode(value).map(mode_name)
}

fn mode_name(mode: WorkMode) -> String {
    match mode {
        WorkMode::Hybrid => "Hybrid",
        WorkMode::Remote => "Remote",
        WorkMode::Onsite => "On-site",
    }
    .to_string()
}

/// How the job is done, from the words of the whole text.
fn remote_in(text: &str) -> Option<String> {
    let p = patterns();
    let lower = text.to_lowercase();
    let mode = if lower.contains("hybrid") {
        WorkMode::Hybrid
    } else if p.remote.is_match(text) && !p.not_remote.is_match(text) {
        WorkMode::Remote
    } else if p.onsite.is_match(text) || p.not_remote.is_match(text) {
        WorkMode::Onsite
    } else {
        return None;
    };
    Some(mode_name(mode))
}

fn employment_type(value: &str) -> Option<String> {
    let v = value.to_lowercase().replace([' ', '_'], "-");
    let t = if v.contains("full-time") || v.contains("fulltime") || v.contains("permanent") {
        "Full-time"
    } else if v.contains("part-time") || v.contains("parttime") {
        "Part-time"
    } else if v.contains("intern") {
        "Internship"
    } else if v.contains("contract") || v.contains("freelance") || v.contains("fixed-term") {
        "Contract"
    } else if v.contains("temporary") || v.contains("temp") {
        "Temporary"
    } else {
        return None;
    };
    Some(t.to_string())
}

// --- salary -----------------------------------------------------------------------------------

type Salary = (Option<u64>, Option<u64>, Option<String>);

/// The first salary (a range or one amount) in `text`: "90k-120k EUR", "$150,000–$190,000",
/// "£60k", "up to €85.000". Amounts need a currency or a `k` unless `labelled` (a "Salary:"
/// line); hourly and daily rates, years and head counts are not salaries.
fn salary(text: &str, labelled: bool) -> Option<Salary> {
    let p = patterns();
    for c in p.range.captures_iter(text) {
        let whole = c.get(0).unwrap();
        if p.per_time.is_match(&text[whole.end()..]) {
            continue;
        }
        let (Some(a), Some(b)) = (money(&c, "a_"), money(&c, "b_")) else {
            continue;
        };
        let k_both = a.k.is_none() && b.k.is_some();
        let lo = if k_both && a.number < 1000.0 {
            scale(a.number, b.k)
        } else {
            a.value()
        };
        let hi = b.value();
        let marked = a.currency.is_some() || b.currency.is_some() || b.k.is_some() || labelled;
        if !marked || lo < 1000 || !(1000..=100_000_000_000).contains(&hi) {
            continue;
        }
        let months = yearly(&text[whole.end()..]);
        let (lo, hi) = (lo.min(hi) * months, lo.max(hi) * months);
        return Some((Some(lo), Some(hi), a.currency.or(b.currency)));
    }
    for c in p.money.captures_iter(text) {
        let whole = c.get(0).unwrap();
        if p.per_time.is_match(&text[whole.end()..]) {
            continue;
        }
        let Some(a) = money(&c, "a_") else { continue };
        let v = a.value() * yearly(&text[whole.end()..]);
        if !(a.currency.is_some() || a.k.is_some() || labelled)
            || !(1000..=100_000_000_000).contains(&v)
        {
            continue;
        }
        let before = text[..whole.start()].to_lowercase();
        let before = before.trim_end();
        let after = text[whole.end()..].trim_start();
        let bound_above = [
            "up to",
            "max",
            "maximum",
            "at most",
            "no more than",
            "under",
        ]
        .iter()
        .any(|w| before.ends_with(w));
        let bound_below = ["from", "starting at", "at least", "minimum", "min", "over"]
            .iter()
            .any(|w| before.ends_with(w))
            || after.starts_with('+');
        let (min, max) = match (bound_below, bound_above) {
            (true, false) => (Some(v), None),
            (false, true) => (None, Some(v)),
            _ => (Some(v), Some(v)),
        };
        return Some((min, max, a.currency));
    }
    None
}

/// 12 when the amount before `after` is a month's ("15,000 PLN per month"), else 1.
fn yearly(after: &str) -> u64 {
    if patterns().per_month.is_match(after) {
        12
    } else {
        1
    }
}

struct Money {
    number: f64,
    k: Option<char>,
    currency: Option<String>,
}

impl Money {
    fn value(&self) -> u64 {
        scale(self.number, self.k)
    }
}

fn scale(n: f64, k: Option<char>) -> u64 {
    let factor = match k {
        Some('k') => 1_000.0,
        Some('m') => 1_000_000.0,
        _ => 1.0,
    };
    (n * factor).round() as u64
}

fn money(c: &Captures, prefix: &str) -> Option<Money> {
    let group = |name: &str| {
        c.name(&format!("{prefix}{name}"))
            .map(|m| m.as_str().trim())
    };
    let raw = group("num")?;
    let grouped = raw.len() > 4
        && raw
            .rsplit([',', '.', '\'', '’', ' '])
            .next()
            .is_some_and(|last| last.len() == 3)
        && raw.contains([',', '.', '\'', '’', ' ']);
    let number: f64 = if grouped {
        raw.chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()?
    } else {
        raw.replace(',', ".").parse().ok()?
    };
    let k = group("k").map(|k| match k.to_lowercase().as_str() {
        "k" => 'k',
        _ => 'm',
    });
    let currency = group("pre")
        .or_else(|| group("post"))
        .and_then(currency_code);
    Some(Money {
        number,
        k,
        currency,
    })
}

fn currency_code(mark: &str) -> Option<String> {
    let code = match mark.trim().to_lowercase().as_str() {
        "$" | "us$" | "dollars" => "USD",
        "ca$" | "c$" => "CAD",
        "a$" | "au$" => "AUD",
        "€" | "euro" | "euros" => "EUR",
        "£" | "pounds" => "GBP",
        "¥" => "JPY",
        "₹" => "INR",
        other if other.len() == 3 && other.chars().all(|c| c.is_ascii_alphabetic()) => {
            return Some(other.to_uppercase());
        }
        _ => return None,
    };
    Some(code.to_string())
}

// --- skills -----------------------------------------------------------------------------------

/// What a section of a job description is about, for the skills named in it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// Requirements, the role, the stack, or no heading yet.
    Required,
    /// Nice to have, bonus, preferred.
    Nice,
    /// About the company, benefits: skills named there are not asked of the candidate.
    Ignored,
}

const NICE_HEADINGS: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "nice to haves",
    "nice-to-haves",
    "bonus",
    "bonus points",
    "preferred",
    "preferred qualifications",
    "preferred skills",
    "pluses",
    "desirable",
    "desired",
    "good to have",
    "extra credit",
    "would be great",
    "it would be great if you have",
    "optional",
];
const REQUIRED_HEADINGS: &[&str] = &[
    "requirements",
    "required",
    "required skills",
    "must have",
    "must-have",
    "must haves",
    "must-haves",
    "qualifications",
    "minimum qualifications",
    "basic qualifications",
    "what you bring",
    "what you'll bring",
    "what we're looking for",
    "what we are looking for",
    "who you are",
    "you have",
    "skills",
    "key skills",
    "tech stack",
    "our stack",
    "stack",
    "about you",
    "your profile",
    "responsibilities",
    "what you'll do",
    "what you will do",
    "the role",
    "about the role",
    "role",
    "your role",
    "the job",
];
const IGNORED_HEADINGS: &[&str] = &[
    "about us",
    "about the company",
    "who we are",
    "benefits",
    "perks",
    "what we offer",
    "why join us",
    "why us",
    "our values",
    "how to apply",
    "compensation",
    "salary",
    "equal opportunity",
];

/// Words that make what follows them, up to the end of the sentence, nice to have.
const NICE_BEFORE: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "bonus points for",
    "bonus if",
    "bonus:",
    "ideally",
    "preferably",
    "plus:",
    "extra points",
    "good to have",
    "would be great",
    "would be nice",
    "desirable:",
    "optional:",
    "preferred:",
];
/// Words that make the clause before them nice to have ("Kubernetes is a plus").
const NICE_AFTER: &[&str] = &[
    "is a plus",
    "are a plus",
    "a plus",
    "is a bonus",
    "are a bonus",
    "a bonus",
    "is preferred",
    "are preferred",
    "preferred",
    "is nice to have",
    "are nice to have",
    "nice to have",
    "is desirable",
    "are desirable",
    "would be a plus",
    "is an advantage",
    "an advantage",
    "optional",
];

/// Vocabulary skills that job texts name while introducing the job, not asking for it.
const INTRO_SKILLS: &[&str] = &["Hiring"];

/// Which part a heading line starts, if it is one.
fn heading_part(line: &str) -> Option<Part> {
    let l = line
        .trim()
        .trim_start_matches(['#', '*', '-', '•', ' '])
        .trim_end_matches([':', '*', ' '])
        .to_lowercase();
    if l.is_empty() || l.len() > 60 {
        return None;
    }
    let is = |list: &[&str]| list.iter().any(|h| *h == l);
    if is(NICE_HEADINGS) {
        Some(Part::Nice)
    } else if is(REQUIRED_HEADINGS) {
        Some(Part::Required)
    } else if is(IGNORED_HEADINGS) || l.starts_with("about ") {
        Some(Part::Ignored)
    } else {
        None
    }
}

/// The required and the nice-to-have skills of a job text (canonical names, each once;
/// a skill named as both is required). The title's skills are required.
fn skills(lines: &[&str], title: Option<&str>) -> (Vec<String>, Vec<String>) {
    let vocab = vocabulary();
    let mut required: Vec<&'static str> = title.map(|t| vocab.extract(t)).unwrap_or_default();
    let mut nice: Vec<&'static str> = Vec::new();
    let mut part = Part::Required;
    for line in lines {
        if let Some(p) = heading_part(line) {
            part = p;
            continue;
        }
        // "Nice to have: Kubernetes, AWS" — a heading with its list on the same line.
        let line_part = line
            .split_once(':')
            .and_then(|(head, _)| heading_part(head))
            .unwrap_or(part);
        // Labelled lines (location, salary) name no skills asked for.
        if line_part == Part::Ignored || patterns().label.is_match(line) {
            continue;
        }
        for sentence in sentences(line) {
            for (skill, is_nice) in sentence_skills(sentence) {
                if is_nice || line_part == Part::Nice {
                    nice.push(skill);
                } else {
                    required.push(skill);
                }
            }
        }
    }
    // "Hiring a Data Engineer": the words that introduce a job are no skill it asks for.
    required.retain(|s| !INTRO_SKILLS.contains(s));
    nice.retain(|s| !INTRO_SKILLS.contains(s));
    let mut req: Vec<String> = Vec::new();
    for s in required {
        if !req.iter().any(|r| r == s) {
            req.push(s.to_string());
        }
    }
    let mut plus: Vec<String> = Vec::new();
    for s in nice {
        if !req.iter().any(|r| r == s) && !plus.iter().any(|r| r == s) {
            plus.push(s.to_string());
        }
    }
    (req, plus)
}

/// A line's sentences: cut at ". ", "; ", "! ", "? " (not inside "Node.js").
fn sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b';' | b'!' | b'?') && bytes.get(i + 1).is_none_or(|n| *n == b' ') {
            out.push(&line[start..i]);
            start = i + 1;
        }
    }
    out.push(&line[start..]);
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// The skills of one sentence, each with whether the sentence makes it nice to have.
fn sentence_skills(sentence: &str) -> Vec<(&'static str, bool)> {
    let vocab = vocabulary();
    // ASCII case only: byte offsets in `lower` must be offsets in `sentence`.
    let lower = sentence.to_ascii_lowercase();
    // Leading markers: what follows is nice, up to "but" / "required" / "must".
    let leading = NICE_BEFORE
        .iter()
        .filter_map(|m| find_words(&lower, m).map(|at| (at, at + m.len())))
        .filter(|(_, end)| !vocab.extract(&sentence[*end..]).is_empty())
        .min();
    if let Some((at, _)) = leading {
        let rest = &sentence[at..];
        let rest_lower = &lower[at..];
        let end = [" but ", " required", " must "]
            .iter()
            .filter_map(|w| rest_lower.find(w))
            .min()
            .unwrap_or(rest.len());
        let mut out: Vec<(&str, bool)> = vocab
            .extract(&sentence[..at])
            .into_iter()
            .map(|s| (s, false))
            .collect();
        out.extend(vocab.extract(&rest[..end]).into_iter().map(|s| (s, true)));
        out.extend(vocab.extract(&rest[end..]).into_iter().map(|s| (s, false)));
        return out;
    }
    // Trailing markers: the clause before is nice, with the bare list items before it
    // ("Kubernetes, Terraform and AWS are a plus").
    let clauses: Vec<&str> = sentence.split([',', '(', ')']).collect();
    let mut nice = vec![false; clauses.len()];
    for (i, clause) in clauses.iter().enumerate() {
        let l = clause.to_lowercase();
        if NICE_AFTER.iter().any(|m| find_words(&l, m).is_some()) {
            nice[i] = true;
            let mut j = i;
            while j > 0 && is_bare_list_item(clauses[j - 1]) {
                j -= 1;
                nice[j] = true;
            }
        }
    }
    clauses
        .iter()
        .zip(nice)
        .flat_map(|(clause, is_nice)| vocab.extract(clause).into_iter().map(move |s| (s, is_nice)))
        .collect()
}

/// "Kubernetes", "and Terraform": a list item that is a skill and little else.
fn is_bare_list_item(clause: &str) -> bool {
    let words: Vec<String> = clause.split_whitespace().map(str::to_lowercase).collect();
    let asks = |w: &String| {
        matches!(
            w.as_str(),
            "must"
                | "know"
                | "knows"
                | "need"
                | "needs"
                | "required"
                | "requires"
                | "essential"
                | "experience"
                | "with"
                | "have"
                | "has"
                | "strong"
                | "solid"
                | "mandatory"
        )
    };
    (1..=3).contains(&words.len())
        && !words.iter().any(asks)
        && !vocabulary().extract(clause).is_empty()
}

/// Where `phrase` starts in `text` on word boundaries.
fn find_words(text: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let at = from + i;
        let before_ok = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let end = at + phrase.len();
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(at);
        }
        from = end;
    }
    None
}

/// Seed 004's summary of a job made by the agent: what was made, its facts, what to say next.
pub fn summary(job: &crate::domain::jobs::Job, source: &str) -> String {
    let mut out = format!(
        "I've created a new job from {source}:\n\n- Job #{}: {}",
        job.id, job.title
    );
    facts(job, &mut out);
    out.push_str(&format!(
        "\n\nYou can now say things like:\n- 'match candidates for job {}'\n- 'list jobs' to see it among your openings.",
        job.id
    ));
    out
}

/// A job's facts as lines ("- Location: …"), those it has.
pub fn facts(job: &crate::domain::jobs::Job, out: &mut String) {
    let line = |out: &mut String, label: &str, v: Option<&str>| {
        if let Some(v) = v {
            out.push_str(&format!("\n- {label}: {v}"));
        }
    };
    line(out, "Level", job.level.map(|l| l.as_str()));
    line(out, "Department", job.department.as_deref());
    line(out, "Location", job.location.as_deref());
    line(out, "Employment type", job.employment_type.as_deref());
    line(out, "Remote option", job.remote_option.as_deref());
    if job.salary_min.is_some() || job.salary_max.is_some() {
        let range = match (job.salary_min, job.salary_max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("from {a}"),
            (None, Some(b)) => format!("up to {b}"),
            (None, None) => String::new(),
        };
        let currency = job
            .currency
            .as_deref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        out.push_str(&format!("\n- Salary range: {range}{currency}"));
    }
    if !job.required_skills.is_empty() {
        line(
            out,
            "Required skills",
            Some(&job.required_skills.join(", ")),
        );
    }
    if !job.nice_to_have_skills.is_empty() {
        line(
            out,
            "Nice to have",
            Some(&job.nice_to_have_skills.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_prompt_in_one_sentence() {
        let r = parse(
            "We need a Senior Backend Engineer in NYC with Python, FastAPI, and PostgreSQL \
             experience. Hybrid, full-time, $160k-$200k. Kubernetes and AWS are a plus.",
        );
        assert_eq!(r.title.as_deref(), Some("Senior Backend Engineer"));
        assert_eq!(r.level, Some(Level::Senior));
        assert_eq!(r.department.as_deref(), Some("Engineering"));
        assert_eq!(r.location.as_deref(), Some("New York, NY"));
        assert_eq!(r.remote_option.as_deref(), Some("Hybrid"));
        assert_eq!(r.employment_type.as_deref(), Some("Full-time"));
        assert_eq!((r.salary_min, r.salary_max), (Some(160_000), Some(200_000)));
        assert_eq!(r.currency.as_deref(), Some("USD"));
        assert_eq!(r.required_skills, s(&["Python", "FastAPI", "PostgreSQL"]));
        assert_eq!(r.nice_to_have_skills, s(&["Kubernetes", "AWS"]));
    }

    #[test]
    fn lower_case_commands_name_titles_too() {
        for (text, title) in [
            (
                "create a new job for a senior backend engineer in NYC",
                "Senior Backend Engineer",
            ),
            ("hiring a rust developer, remote", "Rust Developer"),
            (
                "looking for an experienced QA engineer to join us",
                "QA Engineer",
            ),
            (
                "Open a role for a Product Designer based in Berlin, Germany",
                "Product Designer",
            ),
            (
                "Staff Data Engineer – Berlin (Hybrid)",
                "Staff Data Engineer",
            ),
            ("job: head of people", "Head of People"),
        ] {
            assert_eq!(parse(text).title.as_deref(), Some(title), "{text}");
        }
        assert_eq!(parse("we should talk about lunch").title, None);
    }

    #[test]
    fn salaries_in_the_ways_people_write_them() {
        for (text, want) in [
            ("90k-120k EUR", (Some(90_000), Some(120_000), Some("EUR"))),
            (
                "$150,000–$190,000",
                (Some(150_000), Some(190_000), Some("USD")),
            ),
            ("£60k", (Some(60_000), Some(60_000), Some("GBP"))),
            (
                "paying €70.000 - €85.000 a year",
                (Some(70_000), Some(85_000), Some("EUR")),
            ),
            (
                "USD 120,000 to 150,000",
                (Some(120_000), Some(150_000), Some("USD")),
            ),
            (
                "between 100 and 130k CHF",
                (Some(100_000), Some(130_000), Some("CHF")),
            ),
            ("up to £90k", (None, Some(90_000), Some("GBP"))),
            ("from $80k", (Some(80_000), None, Some("USD"))),
        ] {
            let got = salary(text, false).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((got.0, got.1, got.2.as_deref()), want, "{text}");
        }
        for not_pay in [
            "5+ years of Python",
            "$80/hour contract",
            "a team of 2000 people",
            "since 2019",
        ] {
            assert_eq!(salary(not_pay, false), None, "{not_pay}");
        }
        assert_eq!(
            salary("Salary: 150000 - 190000", true),
            Some((Some(150_000), Some(190_000), None))
        );
    }

    #[test]
    fn a_job_description_with_labels_and_sections() {
        let r = parse(
            "Platform Engineer\n\nDepartment: Infrastructure\nLocation: Berlin, Germany (Hybrid)\n\
             Employment type: Full-time\nSalary: €75,000 – €95,000\n\n\
             About us\nWe are a fintech using Slack and Java everywhere.\n\n\
             Requirements\n- 4+ years with Go or Rust\n- Kubernetes and Terraform\n\n\
             Nice to have\n- AWS\n- Kafka\n\nBenefits\n- Python lessons\n",
        );
        assert_eq!(r.title.as_deref(), Some("Platform Engineer"));
        assert_eq!(r.department.as_deref(), Some("Infrastructure"));
        assert_eq!(r.location.as_deref(), Some("Berlin, Germany"));
        assert_eq!(r.remote_option.as_deref(), Some("Hybrid"));
        assert_eq!(r.employment_type.as_deref(), Some("Full-time"));
        assert_eq!((r.salary_min, r.salary_max), (Some(75_000), Some(95_000)));
        assert_eq!(r.currency.as_deref(), Some("EUR"));
        assert_eq!(
            r.required_skills,
            s(&["Go", "Rust", "Kubernetes", "Terraform"])
        );
        assert_eq!(r.nice_to_have_skills, s(&["AWS", "Kafka"]));
    }

    #[test]
    fn nice_to_have_in_the_middle_of_a_sentence() {
        let r = parse(
            "Hiring a Data Engineer. Must know SQL, Spark is a plus; nice to have: Airflow, dbt.",
        );
        assert_eq!(r.required_skills, s(&["Data Engineering", "SQL"]));
        assert_eq!(r.nice_to_have_skills, s(&["Spark", "Airflow", "dbt"]));
    }

    #[test]
    fn remote_jobs_and_places_not_to_confuse_with_skills() {
        let r =
            parse("Looking for a Go Developer with experience in Python. Fully remote, contract.");
        assert_eq!(r.location.as_deref(), Some("Remote"));
        assert_eq!(r.remote_option.as_deref(), Some("Remote"));
        assert_eq!(r.employment_type.as_deref(), Some("Contract"));
        let r = parse("We need a Designer in London. No remote.");
        assert_eq!(r.location.as_deref(), Some("London"));
        assert_eq!(r.remote_option.as_deref(), Some("On-site"));
    }

    #[test]
    fn says_nothing_it_did_not_find() {
        let r = parse("We need a Backend Engineer.");
        assert_eq!(r.location, None);
        assert_eq!(r.remote_option, None);
        assert_eq!(r.employment_type, None);
        assert_eq!((r.salary_min, r.salary_max, r.currency), (None, None, None));
        assert!(r.required_skills.is_empty() && r.nice_to_have_skills.is_empty());
    }

    #[test]
    fn notes_fill_what_the_text_leaves_out() {
        let job = new_job(
            "Senior Backend Engineer\nPython, FastAPI",
            Some("This is for our New York office."),
            "job_req",
        )
        .unwrap();
        assert_eq!(job.location.as_deref(), Some("New York, NY"));
        assert!(
            job.description
                .unwrap()
                .ends_with("Recruiter notes: This is for our New York office.")
        );
        let err = new_job("   ", None, "prompt").unwrap_err();
        assert!(format!("{err:?}").contains("prompt"));
        assert!(new_job("hello there, how are you", None, "prompt").is_err());
    }
}
