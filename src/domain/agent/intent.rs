//! What a chat message asks for, read by hand-written rules: the seed-004 commands ("list
//! jobs", "show open jobs", "list candidates", "summarize candidate 3", "match candidates for
//! job 5", "match jobs for candidate 7", "pipeline for job 5", "create a new job for …") in
//! the many ways people type them, with records named by number, by name ("Jane Doe", "the
//! Rust engineer job"), by pronoun ("it", "them", "that job") or by place in the last list
//! ("the first one").

use std::sync::OnceLock;

use regex::Regex;

/// What a message names a record by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Id(u64),
    Name(String),
    /// "it", "them", "her", "that job": the record the conversation is about.
    Pronoun,
    /// "the first one", "the 2nd candidate": a place (0-based) in the last list shown.
    Ordinal(usize),
}

/// Which kind of record a message names, when it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Job,
    Candidate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Help,
    /// A job from the message itself ("create a new job for a senior backend engineer in NYC").
    CreateJob,
    ListJobs {
        open_only: bool,
    },
    /// Candidates, optionally those a search finds ("candidates with Rust").
    ListCandidates {
        q: Option<String>,
    },
    SummarizeCandidate(Target),
    ShowJob(Target),
    CandidatesForJob(Target),
    JobsForCandidate(Target),
    /// "match Jane Doe": a record whose kind the conversation decides.
    Match(Target),
    /// "tell me about Jane Doe", "show the first one": a job or a candidate, as for `Match`.
    Show(Target),
    Pipeline(Target),
}

struct Patterns {
    job_id: Regex,
    candidate_id: Regex,
    bare_id: Regex,
    ordinal: Regex,
    pronoun: Regex,
    create: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        job_id: Regex::new(r"\b(?:job|jobs|req|requisition|role|position|opening|vacancy)\s*(?:#|no\.?|number|id)?\s*(\d{1,19})\b").unwrap(),
        candidate_id: Regex::new(r"\b(?:candidate|candidates|applicant|person|profile|cand)\s*(?:#|no\.?|number|id)?\s*(\d{1,19})\b").unwrap(),
        bare_id: Regex::new(r"(?:^|\s)(?:#|no\.?\s*|number\s+|id\s+)?(\d{1,19})\b").unwrap(),
        ordinal: Regex::new(r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|6th|7th|8th|9th|10th|last|top)\s*(?:one|candidate|job|person|match|result|role|opening)?\b|\b(?:number|no\.?|#)\s*(\d{1,2})\s+(?:in|on|from)\s+(?:the|that|this)\s+list\b").unwrap(),
        pronoun: Regex::new(r"^(?:it|them|him|her|they|this|that|these|those|this one|that one|the same|same|the one|this (?:job|role|position|opening|req|candidate|person|applicant|profile)|that (?:job|role|position|opening|req|candidate|person|applicant|profile)|the (?:job|role|position|opening|req|candidate|person|applicant|profile)|his|hers|their|its)$").unwrap(),
        create: Regex::new(r"^(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?(?:create|make|add|open|post|draft|set up|start)\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?(?:job|role|position|opening|req|requisition|vacancy|posting)\b|^(?:new\s+(?:job|role|position|opening|req|requisition))\b|^(?:we|i)\s+(?:need|want|are hiring|'re hiring|are looking for|am looking for|have an opening for)\b|^(?:hire|hiring|we're hiring)\s+(?:a|an)\b").unwrap(),
    })
}

/// The message folded for matching: lower case, quotes and trailing punctuation dropped,
/// one space between words.
fn fold(message: &str) -> String {
    let lower = message
        .to_lowercase()
        .replace(['“', '”', '"', '‘', '’', '`'], " ");
    let trimmed = lower
        .trim()
        .trim_end_matches(['?', '!', '.', ' '])
        .replace("'s ", " ");
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of politeness and filler at the start of a message.
const OPENERS: &[&str] = &[
    "please ",
    "pls ",
    "hey ",
    "hi ",
    "ok ",
    "okay ",
    "now ",
    "then ",
    "and ",
    "also ",
    "could you ",
    "can you ",
    "would you ",
    "will you ",
    "i want to ",
    "i'd like to ",
    "i would like to ",
    "let's ",
    "lets ",
    "go ahead and ",
    "help me ",
    "quickly ",
];

fn strip_openers(mut s: &str) -> &str {
    loop {
        let before = s;
        for o in OPENERS {
            if let Some(rest) = s.strip_prefix(o) {
                s = rest;
            }
        }
        if s == before {
            return s;
        }
    }
}

/// Reads a message; `None` when it asks for nothing the agent knows.
pub fn read(message: &str) -> Option<Intent> {
    let text = fold(message);
    let t = strip_openers(&text);
    if t.is_empty() {
        return None;
    }
    if matches!(
        t,
        "help"
            | "?"
            | "commands"
            | "what can you do"
            | "what can i say"
            | "what can i ask"
            | "how does this work"
            | "hello"
            | "hi"
            | "hey"
            | "menu"
            | "options"
    ) || t.starts_with("help ")
        || t.starts_with("what can you")
    {
        return Some(Intent::Help);
    }
    if patterns().create.is_match(t) {
        return Some(Intent::CreateJob);
    }
    let has = |words: &[&str]| words.iter().any(|w| contains_word(t, w));

    if has(&[
        "pipeline",
        "applications",
        "applicants",
        "application",
        "funnel",
        "who applied",
        "stages",
        "applied",
    ]) {
        let rest = after_any(t, &[" for ", " of ", " on ", " to ", " in "]).unwrap_or("");
        let rest = if rest.is_empty() { t } else { rest };
        return Some(Intent::Pipeline(target(rest, Some(Kind::Job))));
    }

    let matching = has(&[
        "match",
        "matches",
        "matching",
        "fit",
        "fits",
        "fitting",
        "suit",
        "suits",
        "suitable",
        "best",
        "top",
        "recommend",
        "recommended",
        "shortlist",
        "good for",
        "right for",
        "qualified",
    ]) || (t.starts_with("who ")
        && !starts_with_any(t, &["who is", "who are", "who's"]))
        || t.starts_with("find ")
        || [
            "candidates for ",
            "people for ",
            "jobs for ",
            "roles for ",
            "openings for ",
            "positions for ",
        ]
        .iter()
        .any(|p| t.contains(p));
    let names_candidates = has(&[
        "candidates",
        "candidate",
        "people",
        "talent",
        "applicants",
        "someone",
        "anyone",
        "who",
    ]);
    let names_jobs = has(&[
        "jobs",
        "job",
        "roles",
        "role",
        "openings",
        "opening",
        "positions",
        "position",
        "reqs",
        "vacancies",
    ]);

    if matching {
        let toward = after_any(
            t,
            &[
                " for ",
                " to ",
                " with ",
                " against ",
                " fits ",
                " fit ",
                " matches ",
                " match ",
                " suit ",
                " suits ",
            ],
        );
        // "candidates for job 5", "who fits the Rust engineer job"
        if starts_with_any(
            t,
            &[
                "match candidates",
                "find candidates",
                "candidates",
                "who",
                "best candidates",
                "top candidates",
                "suitable candidates",
                "recommend candidates",
                "shortlist",
                "find people",
                "find someone",
                "anyone",
            ],
        ) || mentions_before(
            t,
            &["candidates", "candidate", "people", "someone", "anyone"],
            &[" for ", " to "],
        ) {
            let rest = toward.unwrap_or(t);
            return Some(Intent::CandidatesForJob(target(rest, Some(Kind::Job))));
        }
        // "jobs for candidate 7", "which jobs fit Jane", "match Jane Doe to a job"
        if starts_with_any(
            t,
            &[
                "match jobs",
                "find jobs",
                "jobs",
                "which jobs",
                "what jobs",
                "best jobs",
                "top jobs",
                "suitable jobs",
                "recommend jobs",
                "roles",
                "which roles",
                "openings",
                "find a job",
                "find a role",
            ],
        ) || mentions_before(
            t,
            &["jobs", "job", "roles", "role", "openings", "positions"],
            &[" for ", " fit ", " fits ", " suit ", " match "],
        ) {
            let rest = after_any(
                t,
                &[
                    " for ",
                    " fit ",
                    " fits ",
                    " suit ",
                    " suits ",
                    " match ",
                    " matches ",
                ],
            )
            .unwrap_or(t);
            return Some(Intent::JobsForCandidate(target(
                rest,
                Some(Kind::Candidate),
            )));
        }
        if let Some(subject) = subject_before(
            t,
            &[
                " to a job",
                " to jobs",
                " to the jobs",
                " to open jobs",
                " to a role",
                " to roles",
                " with a job",
                " with jobs",
                " to an opening",
                " to openings",
            ],
        ) {
            return Some(Intent::JobsForCandidate(target(
                subject,
                Some(Kind::Candidate),
            )));
        }
        if let Some(subject) = subject_before(
            t,
            &[
                " to candidates",
                " to a candidate",
                " with candidates",
                " to people",
                " to someone",
            ],
        ) {
            return Some(Intent::CandidatesForJob(target(subject, Some(Kind::Job))));
        }
        if let Some(rest) = verb_object(
            t,
            &[
                "match",
                "find matches for",
                "matches for",
                "shortlist for",
                "recommend for",
            ],
        ) {
            let kind = explicit_kind(rest);
            let tgt = target(rest, kind);
            return Some(match kind {
                Some(Kind::Job) => Intent::CandidatesForJob(tgt),
                Some(Kind::Candidate) => Intent::JobsForCandidate(tgt),
                None => Intent::Match(tgt),
            });
        }
        if names_candidates && !names_jobs {
            return Some(Intent::CandidatesForJob(target(
                toward.unwrap_or(""),
                Some(Kind::Job),
            )));
        }
        if names_jobs && !names_candidates {
            return Some(Intent::JobsForCandidate(target(
                toward.unwrap_or(""),
                Some(Kind::Candidate),
            )));
        }
    }

    // "summarize …" and "who is …" are about people; "show …" and "tell me about …" about
    // either, as the words or the conversation say.
    let about_people = [
        "summarize",
        "summarise",
        "summary of",
        "summary for",
        "give me a summary of",
        "who is",
        "who's",
    ];
    let about_either = [
        "tell me about",
        "tell me more about",
        "what about",
        "describe",
        "profile of",
        "details of",
        "details on",
        "details for",
        "details about",
        "info on",
        "info about",
        "information on",
        "information about",
        "look up",
        "lookup",
        "show me",
        "show",
        "open",
        "view",
        "get",
        "display",
        "about",
    ];
    let person = verb_object(t, &about_people).map(|rest| (rest, true));
    if let Some((rest, is_person)) =
        person.or_else(|| verb_object(t, &about_either).map(|r| (r, false)))
        && !is_list_request(rest)
    {
        let kind = explicit_kind(rest).or(is_person.then_some(Kind::Candidate));
        let tgt = target(rest, kind);
        return Some(match kind {
            Some(Kind::Job) => Intent::ShowJob(tgt),
            Some(Kind::Candidate) => Intent::SummarizeCandidate(tgt),
            None => Intent::Show(tgt),
        });
    }

    if names_jobs && !has(&["candidates", "candidate"]) && is_list_phrase(t) {
        let open_only = has(&["open", "active", "current", "live", "published"]);
        return Some(Intent::ListJobs { open_only });
    }
    if names_candidates && is_list_phrase(t) {
        let q = after_any(
            t,
            &[
                " with ",
                " who know ",
                " who knows ",
                " knowing ",
                " skilled in ",
                " named ",
                " called ",
                " matching ",
                " in ",
            ],
        )
        .map(str::to_string)
        .filter(|q| !q.is_empty());
        return Some(Intent::ListCandidates { q });
    }
    // "job 5", "candidate 12" alone: show it.
    if let Some(c) = patterns().job_id.captures(t)
        && t.split_whitespace().count() <= 3
    {
        return Some(Intent::ShowJob(Target::Id(c[1].parse().ok()?)));
    }
    if let Some(c) = patterns().candidate_id.captures(t)
        && t.split_whitespace().count() <= 3
    {
        return Some(Intent::SummarizeCandidate(Target::Id(c[1].parse().ok()?)));
    }
    None
}

/// A list request: "list …", "show (me) (all|the|my) …", "what jobs do we have", "jobs".
fn is_list_phrase(t: &str) -> bool {
    starts_with_any(
        t,
        &[
            "list",
            "show",
            "display",
            "see",
            "view",
            "get",
            "give me",
            "what",
            "which",
            "all ",
            "my ",
            "our ",
            "any ",
            "how many",
            "open jobs",
            "open roles",
            "jobs",
            "roles",
            "openings",
            "positions",
            "candidates",
            "people",
            "talent",
            "who are",
            "browse",
            "find",
            "search",
        ],
    )
}

/// "show all candidates", "show the jobs": a list, not one record.
fn is_list_request(rest: &str) -> bool {
    let r = rest
        .trim_start_matches("me ")
        .trim_start_matches("all ")
        .trim_start_matches("the ")
        .trim_start_matches("my ")
        .trim_start_matches("our ")
        .trim_start_matches("open ")
        .trim_start_matches("active ")
        .trim();
    starts_with_any(
        r,
        &[
            "jobs",
            "roles",
            "openings",
            "positions",
            "candidates",
            "people",
            "talent",
            "reqs",
            "list",
        ],
    ) || r.is_empty()
}

fn contains_word(t: &str, w: &str) -> bool {
    let padded = format!(" {t} ");
    padded.contains(&format!(" {w} "))
}

fn starts_with_any(t: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| t.starts_with(p))
}

/// Whether one of `nouns` comes before one of `links` ("the best candidates for …").
fn mentions_before(t: &str, nouns: &[&str], links: &[&str]) -> bool {
    let link = links.iter().filter_map(|l| t.find(l)).min();
    let Some(link) = link else { return false };
    nouns.iter().any(|n| contains_word(&t[..link], n))
}

/// What follows the first of `links`.
fn after_any<'a>(t: &'a str, links: &[&str]) -> Option<&'a str> {
    links
        .iter()
        .filter_map(|l| t.find(l).map(|i| (i, l.len())))
        .min()
        .map(|(i, n)| t[i + n..].trim())
}

/// What stands between a leading verb and one of `ends` ("match jane doe to a job" → "jane doe").
fn subject_before<'a>(t: &'a str, ends: &[&str]) -> Option<&'a str> {
    let end = ends.iter().filter_map(|e| t.find(e)).min()?;
    let head = &t[..end];
    let head = ["match ", "find ", "fit ", "place ", "pair ", "suggest "]
        .iter()
        .find_map(|v| head.strip_prefix(v))
        .unwrap_or(head);
    Some(head.trim())
}

/// The object of a leading verb: "summarize jane doe" → "jane doe".
fn verb_object<'a>(t: &'a str, verbs: &[&str]) -> Option<&'a str> {
    let mut verbs: Vec<&&str> = verbs.iter().collect();
    verbs.sort_by_key(|v| std::cmp::Reverse(v.len()));
    verbs.iter().find_map(|v| {
        t.strip_prefix(**v)
            .filter(|rest| rest.is_empty() || rest.starts_with(' '))
            .map(str::trim)
    })
}

/// The kind of record a phrase says it names: "job 5", "the rust engineer job", "candidate 3".
fn explicit_kind(rest: &str) -> Option<Kind> {
    let p = patterns();
    if p.job_id.is_match(rest) {
        return Some(Kind::Job);
    }
    if p.candidate_id.is_match(rest) {
        return Some(Kind::Candidate);
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    let job_words = [
        "job",
        "role",
        "position",
        "opening",
        "req",
        "requisition",
        "vacancy",
    ];
    let person_words = [
        "candidate",
        "applicant",
        "person",
        "profile",
        "him",
        "her",
        "them",
    ];
    if words.iter().any(|w| job_words.contains(w)) {
        Some(Kind::Job)
    } else if words.iter().any(|w| person_words.contains(w)) {
        Some(Kind::Candidate)
    } else {
        None
    }
}

/// The record a phrase names: an id (of `kind` when it says "job 5" / "candidate 3", else any
/// number), a place in the last list, a pronoun, or a name.
pub fn target(phrase: &str, kind: Option<Kind>) -> Target {
    let p = patterns();
    let phrase = phrase.trim();
    let by_kind = match kind {
        Some(Kind::Job) => p.job_id.captures(phrase),
        Some(Kind::Candidate) => p.candidate_id.captures(phrase),
        None => None,
    };
    if let Some(id) = by_kind
        .or_else(|| p.job_id.captures(phrase))
        .or_else(|| p.candidate_id.captures(phrase))
        .or_else(|| p.bare_id.captures(phrase))
        .and_then(|c| c[1].parse().ok())
    {
        return Target::Id(id);
    }
    if let Some(c) = p.ordinal.captures(phrase) {
        let n = match c.get(1).map(|m| m.as_str()) {
            Some("first" | "1st" | "top") => 0,
            Some("second" | "2nd") => 1,
            Some("third" | "3rd") => 2,
            Some("fourth" | "4th") => 3,
            Some("fifth" | "5th") => 4,
            Some("sixth" | "6th") => 5,
            Some("seventh" | "7th") => 6,
            Some("eighth" | "8th") => 7,
            Some("ninth" | "9th") => 8,
            Some("tenth" | "10th") => 9,
            Some("last") => usize::MAX,
            _ => c
                .get(2)
                .and_then(|m| m.as_str().parse::<usize>().ok())
                .map_or(0, |n| n.saturating_sub(1)),
        };
        return Target::Ordinal(n);
    }
    let name = clean_name(phrase);
    if name.is_empty() || p.pronoun.is_match(&name) {
        return Target::Pronoun;
    }
    Target::Name(name)
}

/// A name as typed, without the words around it: "the rust engineer job" → "rust engineer".
fn clean_name(phrase: &str) -> String {
    let mut words: Vec<&str> = phrase
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                !c.is_alphanumeric() && c != '+' && c != '#' && c != '.' && c != '-' && c != '\''
            })
        })
        .filter(|w| !w.is_empty())
        .collect();
    let lead = [
        "the",
        "a",
        "an",
        "our",
        "my",
        "candidate",
        "job",
        "role",
        "position",
        "opening",
        "req",
        "for",
        "to",
        "named",
        "called",
        "about",
        "on",
        "me",
    ];
    while words.first().is_some_and(|w| lead.contains(w)) {
        words.remove(0);
    }
    let tail = [
        "job",
        "role",
        "position",
        "opening",
        "req",
        "candidate",
        "profile",
        "please",
        "now",
        "again",
        "too",
        "as",
        "well",
        "a",
        "one",
        "the",
        "jobs",
        "roles",
        "openings",
        "positions",
        "candidates",
    ];
    while words.last().is_some_and(|w| tail.contains(w)) {
        words.pop();
    }
    // "jane doe to a job" has already been cut; "for it" is a pronoun.
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::Intent::*;
    use super::Target::*;
    use super::*;

    fn name(s: &str) -> Target {
        Name(s.to_string())
    }

    #[test]
    fn the_seed_commands_and_their_phrasings() {
        let cases: Vec<(&str, Intent)> = vec![
            ("list jobs", ListJobs { open_only: false }),
            ("List all jobs", ListJobs { open_only: false }),
            ("show me our roles", ListJobs { open_only: false }),
            ("what jobs do we have?", ListJobs { open_only: false }),
            ("jobs", ListJobs { open_only: false }),
            ("show open jobs", ListJobs { open_only: true }),
            ("Which positions are open?", ListJobs { open_only: true }),
            ("please list the open roles", ListJobs { open_only: true }),
            ("list candidates", ListCandidates { q: None }),
            ("show all candidates", ListCandidates { q: None }),
            ("who are my candidates", ListCandidates { q: None }),
            (
                "candidates with rust",
                ListCandidates {
                    q: Some("rust".into()),
                },
            ),
            ("summarize candidate 3", SummarizeCandidate(Id(3))),
            ("Summarise candidate #3.", SummarizeCandidate(Id(3))),
            ("tell me about candidate 3", SummarizeCandidate(Id(3))),
            ("tell me about Jane Doe", Show(name("jane doe"))),
            ("summarize Jane Doe", SummarizeCandidate(name("jane doe"))),
            ("who is Jane Doe?", SummarizeCandidate(name("jane doe"))),
            ("candidate 12", SummarizeCandidate(Id(12))),
            ("summarize her", SummarizeCandidate(Pronoun)),
            ("tell me more about the second one", Show(Ordinal(1))),
            ("show the first one", Show(Ordinal(0))),
            ("summarize the first one", SummarizeCandidate(Ordinal(0))),
            ("show job 5", ShowJob(Id(5))),
            (
                "tell me about the rust engineer job",
                ShowJob(name("rust engineer")),
            ),
            ("match candidates for job 5", CandidatesForJob(Id(5))),
            ("Match candidates to job #5", CandidatesForJob(Id(5))),
            ("find candidates for job 5", CandidatesForJob(Id(5))),
            ("who fits job 5?", CandidatesForJob(Id(5))),
            (
                "best candidates for the Rust engineer job",
                CandidatesForJob(name("rust engineer")),
            ),
            (
                "match candidates for the rust engineer job",
                CandidatesForJob(name("rust engineer")),
            ),
            ("candidates for it", CandidatesForJob(Pronoun)),
            (
                "who would be a good fit for that job",
                CandidatesForJob(Pronoun),
            ),
            ("match jobs for candidate 7", JobsForCandidate(Id(7))),
            ("jobs for candidate 7", JobsForCandidate(Id(7))),
            (
                "which jobs fit Jane Doe",
                JobsForCandidate(name("jane doe")),
            ),
            ("find jobs for her", JobsForCandidate(Pronoun)),
            (
                "match Jane Doe to a job",
                JobsForCandidate(name("jane doe")),
            ),
            ("match it to a job", JobsForCandidate(Pronoun)),
            ("match them to jobs", JobsForCandidate(Pronoun)),
            ("match job 5", CandidatesForJob(Id(5))),
            ("match candidate 7", JobsForCandidate(Id(7))),
            ("match Jane Doe", Match(name("jane doe"))),
            ("applications for job 5", Pipeline(Id(5))),
            ("pipeline for job 5", Pipeline(Id(5))),
            ("show the pipeline for it", Pipeline(Pronoun)),
            (
                "who applied to the rust engineer job?",
                Pipeline(name("rust engineer")),
            ),
            ("show applications for job 5", Pipeline(Id(5))),
            (
                "create a new job for a senior backend engineer in NYC",
                CreateJob,
            ),
            (
                "Please create a job: Rust developer, remote, 90k-120k EUR",
                CreateJob,
            ),
            ("new role: product designer in Berlin", CreateJob),
            ("we need a QA engineer in Lisbon", CreateJob),
            ("help", Help),
            ("what can you do?", Help),
        ];
        let mut wrong = Vec::new();
        for (message, want) in cases {
            let got = read(message);
            if got.as_ref() != Some(&want) {
                wrong.push(format!("{message:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn what_it_does_not_understand() {
        for message in [
            "",
            "   ",
            "what's the weather",
            "sing me a song",
            "asdf qwerty",
        ] {
            assert_eq!(read(message), None, "{message:?}");
        }
    }
}
