//! Realistic synthetic recruiting data for the benchmarks: candidates, jobs and the searches
//! a recruiter would type. Seeded and deterministic (same seed, same data) and fast enough to
//! feed a million-candidate benchmark without becoming its bottleneck. The vocabularies (names,
//! cities, skills, kinds of work, companies, note sentences) are the text files in
//! `src/domain/demo/words/`, which `hirebase demo` builds its demo tenant from too.
// Each benchmark uses part of the generator.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::sync::LazyLock;

use hirebase::domain::candidates::NewCandidate;
use hirebase::domain::demo::words::{self, blocks, lines, list};
use hirebase::domain::jobs::{JobStatus, Level, NewJob};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A city: (name, country, phone country code, currency).
type City = (&'static str, &'static str, &'static str, &'static str);

/// A kind of work: its department, titles (individual contributor and leadership), the role
/// nouns people search by, and its skills in order of how common they are within it.
struct Family {
    department: &'static str,
    weight: u32,
    titles: Vec<&'static str>,
    leads: Vec<&'static str>,
    roles: Vec<&'static str>,
    skills: Vec<&'static str>,
    achievements: Vec<&'static str>,
}

/// The word lists of `src/domain/demo/words/`, read once: constant tables, like the code's own.
struct Vocabulary {
    /// (first names, family names) by naming tradition.
    cultures: Vec<(Vec<&'static str>, Vec<&'static str>)>,
    /// More popular first.
    cities: Vec<City>,
    /// Most popular first: the order is the Zipf rank.
    skills: Vec<&'static str>,
    families: Vec<Family>,
    seniority: Vec<&'static str>,
    companies: Vec<&'static str>,
    universities: Vec<&'static str>,
    degrees: Vec<&'static str>,
    subjects: Vec<&'static str>,
    industries: Vec<&'static str>,
    tags: Vec<&'static str>,
    sources: Vec<(&'static str, u32)>,
    email_domains: Vec<&'static str>,
    verbs: Vec<&'static str>,
    things: Vec<&'static str>,
    /// One sentence of recruiter notes with `{x}` slots (see `Synth::fill`).
    sentences: Vec<&'static str>,
}

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| Vocabulary {
    cultures: blocks(words::NAMES)
        .into_iter()
        .map(|(_, lists)| (list(&lists, "first"), list(&lists, "last")))
        .collect(),
    cities: lines(words::CITIES)
        .map(|line| {
            let fields: Vec<&str> = line.split(" | ").collect();
            match fields[..] {
                [city, country, code, currency] => (city, country, code, currency),
                _ => panic!("cities.txt: `city | country | code | currency`, not {line:?}"),
            }
        })
        .collect(),
    skills: lines(words::SKILLS).collect(),
    families: blocks(words::FAMILIES)
        .into_iter()
        .map(|(header, lists)| {
            let (department, weight) = header
                .rsplit_once(' ')
                .and_then(|(d, w)| Some((d, w.parse().ok()?)))
                .unwrap_or_else(|| panic!("families.txt: `== department weight`, not {header:?}"));
            Family {
                department,
                weight,
                titles: list(&lists, "titles"),
                leads: list(&lists, "leads"),
                roles: list(&lists, "roles"),
                skills: list(&lists, "skills"),
                achievements: list(&lists, "achievements"),
            }
        })
        .collect(),
    seniority: lines(words::SENIORITY).collect(),
    companies: lines(words::COMPANIES).collect(),
    universities: lines(words::UNIVERSITIES).collect(),
    degrees: lines(words::DEGREES).collect(),
    subjects: lines(words::SUBJECTS).collect(),
    industries: lines(words::INDUSTRIES).collect(),
    tags: lines(words::TAGS).collect(),
    sources: lines(words::SOURCES)
        .map(|line| {
            line.rsplit_once(' ')
                .and_then(|(s, w)| Some((s, w.parse().ok()?)))
                .unwrap_or_else(|| panic!("sources.txt: `source weight`, not {line:?}"))
        })
        .collect(),
    email_domains: lines(words::EMAIL_DOMAINS).collect(),
    verbs: lines(words::VERBS).collect(),
    things: lines(words::THINGS).collect(),
    sentences: lines(words::SENTENCES).collect(),
});

/// Zipf-like sampling over ranks 0..n: rank r is drawn with weight 1 / (r + 1)^s.
#[derive(Debug, Clone)]
struct Zipf {
    cumulative: Vec<u64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let weights: Vec<f64> = (0..n).map(|r| 1.0 / ((r + 1) as f64).powf(s)).collect();
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                (acc * (1u64 << 32) as f64) as u64
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let r = u64::from(rng.random::<u32>());
        self.cumulative
            .partition_point(|&c| c <= r)
            .min(self.cumulative.len() - 1)
    }
}

/// Weighted choice among a fixed table (small tables: linear walk).
fn weighted<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for (item, w) in table {
        if r < *w {
            return *item;
        }
        r -= w;
    }
    table[table.len() - 1].0
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// A search as a recruiter types it, and the same search spelled out in full and without typos
/// (for engines without typo tolerance or prefix matching).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub exact: String,
    pub typo: bool,
    pub unfinished: bool,
}

/// The generator: everything it produces follows from the seed and the order of the calls.
pub struct Synth {
    rng: StdRng,
    counter: u64,
    skill_zipf: Zipf,
    city_zipf: Zipf,
    company_zipf: Zipf,
    family_zipfs: Vec<Zipf>,
    family_weights: Vec<(usize, u32)>,
}

impl Synth {
    pub fn new(seed: u64) -> Synth {
        Synth {
            rng: StdRng::seed_from_u64(seed),
            counter: 0,
            skill_zipf: Zipf::new(VOCABULARY.skills.len(), 0.9),
            city_zipf: Zipf::new(VOCABULARY.cities.len(), 0.6),
            company_zipf: Zipf::new(VOCABULARY.companies.len(), 0.7),
            family_zipfs: VOCABULARY
                .families
                .iter()
                .map(|f| Zipf::new(f.skills.len(), 0.8))
                .collect(),
            family_weights: VOCABULARY
                .families
                .iter()
                .enumerate()
                .map(|(i, f)| (i, f.weight))
                .collect(),
        }
    }

    /// The same generator, with its email counter starting at `start`: lets several
    /// generators with different seeds produce candidates whose emails never collide.
    pub fn with_counter(mut self, start: u64) -> Synth {
        self.counter = start;
        self
    }

    fn family(&mut self) -> usize {
        let weights = std::mem::take(&mut self.family_weights);
        let f = weighted(&mut self.rng, &weights);
        self.family_weights = weights;
        f
    }

    fn skill_of(&mut self, family: usize) -> &'static str {
        if self.rng.random_bool(0.65) {
            VOCABULARY.families[family].skills[self.family_zipfs[family].sample(&mut self.rng)]
        } else {
            VOCABULARY.skills[self.skill_zipf.sample(&mut self.rng)]
        }
    }

    fn skills(&mut self, family: usize, count: usize) -> Vec<String> {
        let mut chosen: Vec<&'static str> = Vec::with_capacity(count);
        let mut attempts = 0;
        while chosen.len() < count && attempts < count * 8 {
            attempts += 1;
            let s = self.skill_of(family);
            if !chosen.contains(&s) {
                chosen.push(s);
            }
        }
        for s in &VOCABULARY.families[family].skills {
            if chosen.len() >= count {
                break;
            }
            if !chosen.contains(s) {
                chosen.push(s);
            }
        }
        chosen.into_iter().map(String::from).collect()
    }

    fn city(&mut self) -> City {
        VOCABULARY.cities[self.city_zipf.sample(&mut self.rng)]
    }

    fn company(&mut self) -> &'static str {
        VOCABULARY.companies[self.company_zipf.sample(&mut self.rng)]
    }

    fn name(&mut self) -> (&'static str, &'static str) {
        let cultures = &VOCABULARY.cultures;
        let culture = self.rng.random_range(0..cultures.len());
        let first = pick(&mut self.rng, &cultures[culture].0);
        // One in six people carries a family name from another tradition.
        let family_culture = if self.rng.random_ratio(1, 6) {
            self.rng.random_range(0..cultures.len())
        } else {
            culture
        };
        let last = pick(&mut self.rng, &cultures[family_culture].1);
        (first, last)
    }

    /// Years of experience: mostly 2–10, a long tail to 45, a few fresh graduates.
    fn experience(&mut self) -> u32 {
        let u1: f64 = self.rng.random::<f64>().max(1e-12);
        let u2: f64 = self.rng.random::<f64>().max(1e-12);
        // Gamma(2, 3.8): mode ≈ 4 years, mean ≈ 7.6.
        let years = -3.8 * (u1.ln() + u2.ln());
        (years as u32).min(45)
    }

    fn title(&mut self, family: usize, years: u32) -> String {
        let f = &VOCABULARY.families[family];
        if years >= 9 && self.rng.random_ratio(1, 4) {
            return pick(&mut self.rng, &f.leads).to_string();
        }
        let base = pick(&mut self.rng, &f.titles);
        let prefix = match years {
            0..=1 if self.rng.random_bool(0.6) => "Junior ",
            0..=4 => "",
            5..=8 => {
                if self.rng.random_bool(0.7) {
                    "Senior "
                } else {
                    ""
                }
            }
            _ => weighted(
                &mut self.rng,
                &[
                    ("Senior ", 6),
                    ("Staff ", 2),
                    ("Principal ", 1),
                    ("Lead ", 2),
                    ("", 2),
                ],
            ),
        };
        if prefix.is_empty() || base.starts_with(prefix.trim_end()) {
            base.to_string()
        } else {
            let mut t = String::with_capacity(prefix.len() + base.len());
            t.push_str(prefix);
            t.push_str(base);
            t
        }
    }

    fn phone(&mut self, country_code: &str) -> String {
        let mut p = String::with_capacity(20);
        p.push('+');
        p.push_str(country_code);
        for group in [3, 3, 4] {
            p.push(' ');
            for _ in 0..group {
                p.push(char::from(b'0' + self.rng.random_range(0..10u8)));
            }
        }
        p
    }

    /// The next candidate.
    pub fn candidate(&mut self) -> NewCandidate {
        self.counter += 1;
        let n = self.counter;
        let family = self.family();
        let (first, last) = self.name();
        let years = self.experience();
        let title = self.title(family, years);
        let company = self.company();
        let (city, country, code, _) = self.city();
        let count = 3 + (0..9).filter(|_| self.rng.random_bool(0.4)).count();
        let skills = self.skills(family, count);
        let handle = handle(first, last);

        let mut email = String::with_capacity(handle.len() + 24);
        match self.rng.random_range(0..4) {
            0 => email.push_str(&handle),
            1 => {
                email.push_str(&handle[..handle.find('.').map_or(1, |i| i.min(1))]);
                email.push_str(handle.rsplit('.').next().unwrap_or(&handle));
            }
            2 => email.push_str(&handle.replace('.', "_")),
            _ => email.push_str(&handle.replace('.', "")),
        }
        let _ = write!(
            email,
            "{n}@{}",
            pick(&mut self.rng, &VOCABULARY.email_domains)
        );

        let headline = self.headline(&title, company, &skills, years);
        let notes = self.notes(family, &skills, first);
        let tag_count = [0, 0, 0, 1, 1, 2, 3][self.rng.random_range(0..7)];
        let mut tags: Vec<String> = Vec::with_capacity(tag_count);
        for _ in 0..tag_count {
            let t = pick(&mut self.rng, &VOCABULARY.tags);
            if !tags.iter().any(|x| x == t) {
                tags.push(t.to_string());
            }
        }
        let department = VOCABULARY.families[family].department;
        let engineering = department == "Engineering" || department == "Infrastructure";
        let slug = handle.replace('.', "-");
        NewCandidate {
            full_name: format!("{first} {last}"),
            email: Some(email),
            phone: self.rng.random_bool(0.8).then(|| self.phone(code)),
            headline: Some(headline),
            location: Some(format!("{city}, {country}")),
            experience_years: Some(years),
            current_title: Some(title),
            current_company: self.rng.random_bool(0.92).then(|| company.to_string()),
            linkedin_url: self
                .rng
                .random_bool(0.7)
                .then(|| format!("https://www.linkedin.com/in/{slug}-{n}")),
            github_url: (engineering && self.rng.random_bool(0.45))
                .then(|| format!("https://github.com/{}{n}", slug.replace('-', ""))),
            website_url: self
                .rng
                .random_bool(0.08)
                .then(|| format!("https://{slug}.dev")),
            notes,
            skills: Some(skills),
            tags: Some(tags),
            source: Some(weighted(&mut self.rng, &VOCABULARY.sources).to_string()),
            ..NewCandidate::default()
        }
    }

    fn headline(&mut self, title: &str, company: &str, skills: &[String], years: u32) -> String {
        let mut h = String::with_capacity(80);
        match self.rng.random_range(0..5) {
            0 => {
                let _ = write!(h, "{title} at {company}");
            }
            1 => {
                let _ = write!(
                    h,
                    "{title} · {}",
                    skills
                        .iter()
                        .take(3)
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            2 => {
                let _ = write!(
                    h,
                    "{title} with {years} years in {}",
                    pick(&mut self.rng, &VOCABULARY.industries)
                );
            }
            3 => {
                let _ = write!(
                    h,
                    "{} {title} | {}",
                    if years >= 8 { "Seasoned" } else { "Curious" },
                    skills[0]
                );
            }
            _ => {
                let _ = write!(
                    h,
                    "{title}, ex-{company}, {} enthusiast",
                    skills[skills.len() - 1]
                );
            }
        }
        h
    }

    /// Recruiter notes: none for some, a line for many, long write-ups (to ~1500 chars) for a few.
    fn notes(&mut self, family: usize, skills: &[String], first: &str) -> Option<String> {
        let target = match self.rng.random_range(0..100) {
            0..=14 => return None,
            15..=49 => self.rng.random_range(40..200),
            50..=84 => self.rng.random_range(200..700),
            _ => self.rng.random_range(700..1450),
        };
        let mut out = String::with_capacity(target + 200);
        while out.len() < target {
            if !out.is_empty() {
                out.push(' ');
            }
            let template = pick(&mut self.rng, &VOCABULARY.sentences);
            self.fill(&mut out, template, family, skills, first);
        }
        Some(out)
    }

    fn fill(
        &mut self,
        out: &mut String,
        template: &str,
        family: usize,
        skills: &[String],
        first: &str,
    ) {
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let key = rest.as_bytes()[i + 1];
            rest = &rest[i + 3..];
            match key {
                b's' => {
                    // Mostly the candidate's own skills, sometimes another of the trade.
                    if self.rng.random_bool(0.75) {
                        out.push_str(&skills[self.rng.random_range(0..skills.len())]);
                    } else {
                        out.push_str(self.skill_of(family));
                    }
                }
                b'c' => out.push_str(self.company()),
                b'a' => {
                    let a = pick(&mut self.rng, &VOCABULARY.families[family].achievements);
                    match a.split_once("{n}") {
                        Some((before, after)) => {
                            let _ = write!(out, "{before}{}{after}", self.rng.random_range(2..90));
                        }
                        None => out.push_str(a),
                    }
                }
                b'n' => {
                    let _ = write!(out, "{}", self.rng.random_range(2..40));
                }
                b'y' => {
                    let _ = write!(out, "{}", self.rng.random_range(2..9));
                }
                b't' => out.push_str(pick(&mut self.rng, &VOCABULARY.things)),
                b'v' => out.push_str(pick(&mut self.rng, &VOCABULARY.verbs)),
                b'i' => out.push_str(pick(&mut self.rng, &VOCABULARY.industries)),
                b'u' => out.push_str(pick(&mut self.rng, &VOCABULARY.universities)),
                b'd' => out.push_str(pick(&mut self.rng, &VOCABULARY.degrees)),
                b'f' => out.push_str(pick(&mut self.rng, &VOCABULARY.subjects)),
                b'p' => {
                    let (p, _) = self.name();
                    out.push_str(if p == first { "a former colleague" } else { p });
                }
                b'w' => out.push_str(self.city().0),
                _ => {}
            }
        }
        out.push_str(rest);
    }

    /// The next job (a requisition as a hiring team writes it).
    pub fn job(&mut self) -> NewJob {
        let family = self.family();
        let f = &VOCABULARY.families[family];
        let (level, prefix) = weighted(
            &mut self.rng,
            &[
                ((Level::Junior, "Junior "), 3),
                ((Level::Mid, ""), 6),
                ((Level::Senior, "Senior "), 7),
                ((Level::Lead, "Lead "), 2),
                ((Level::Principal, "Principal "), 1),
            ],
        );
        let lead_role = self.rng.random_ratio(1, 8);
        let title = if lead_role {
            pick(&mut self.rng, &f.leads).to_string()
        } else {
            format!("{prefix}{}", pick(&mut self.rng, &f.titles))
        };
        let level = if lead_role { Level::Director } else { level };
        let (city, country, _, currency) = self.city();
        let remote = weighted(
            &mut self.rng,
            &[("remote", 3), ("hybrid", 5), ("onsite", 2)],
        );
        let location = if remote == "remote" && self.rng.random_bool(0.5) {
            format!("Remote ({country})")
        } else {
            format!("{city}, {country}")
        };
        let base: u64 = match level {
            Level::Intern | Level::Junior => 45_000,
            Level::Mid => 70_000,
            Level::Senior => 100_000,
            Level::Lead | Level::Principal => 130_000,
            Level::Director | Level::Executive => 160_000,
        };
        let (min, max) = (
            base + self.rng.random_range(0..20) * 1_000,
            base + 30_000 + self.rng.random_range(0..40) * 1_000,
        );
        let (required_count, nice_count) =
            (self.rng.random_range(3..=6), self.rng.random_range(2..=4));
        let required = self.skills(family, required_count);
        let nice: Vec<String> = self
            .skills(family, nice_count)
            .into_iter()
            .filter(|s| !required.contains(s))
            .collect();
        let company = self.company();
        let mut description = String::with_capacity(1500);
        let _ = write!(
            description,
            "We are looking for a {title} to join our {} team in {city}. You will work with {} and {} on {}, alongside a team of {} people. ",
            f.department,
            required[0],
            required[required.len() - 1],
            pick(&mut self.rng, &VOCABULARY.things),
            self.rng.random_range(4..30),
        );
        for _ in 0..self.rng.random_range(2..6) {
            let template = pick(&mut self.rng, &VOCABULARY.sentences);
            self.fill(&mut description, template, family, &required, "");
            description.push(' ');
        }
        let _ = write!(
            description,
            "Our team includes people from {company} and the wider {} community.",
            pick(&mut self.rng, &VOCABULARY.industries)
        );
        NewJob {
            title,
            department: Some(f.department.to_string()),
            location: Some(location),
            employment_type: Some(
                weighted(
                    &mut self.rng,
                    &[
                        ("full_time", 12),
                        ("contract", 3),
                        ("part_time", 1),
                        ("internship", 1),
                    ],
                )
                .to_string(),
            ),
            remote_option: Some(remote.to_string()),
            salary_min: Some(min),
            salary_max: Some(max),
            currency: Some(currency.to_string()),
            description: Some(description),
            required_skills: Some(required),
            nice_to_have_skills: Some(nice),
            skills: None,
            level: Some(level),
            status: Some(weighted(
                &mut self.rng,
                &[
                    (JobStatus::Open, 14),
                    (JobStatus::Draft, 2),
                    (JobStatus::OnHold, 1),
                    (JobStatus::Closed, 3),
                ],
            )),
            is_public: Some(self.rng.random_bool(0.7)),
            subsidiary_id: None,
        }
    }

    /// The next search a recruiter might type: 2–3 words from the same vocabulary as the
    /// candidates, about one in ten with a typo and about one in seven still being typed.
    pub fn query(&mut self) -> SearchQuery {
        let family = self.family();
        let f = &VOCABULARY.families[family];
        let mut words: Vec<String> = Vec::with_capacity(3);
        loop {
            words.clear();
            match self.rng.random_range(0..100) {
                // "senior rust engineer"
                0..=17 => {
                    words.push(pick(&mut self.rng, &VOCABULARY.seniority).to_string());
                    words.extend(query_words(self.skill_of(family)));
                    words.push(pick(&mut self.rng, &f.roles).to_string());
                }
                // "python pandas"
                18..=42 => {
                    let a = self.skill_of(family);
                    let mut b = self.skill_of(family);
                    for _ in 0..4 {
                        if b != a {
                            break;
                        }
                        b = self.skill_of(family);
                    }
                    words.extend(query_words(a));
                    words.extend(query_words(b));
                }
                // "kubernetes lagos"
                43..=59 => {
                    words.extend(query_words(self.skill_of(family)));
                    words.extend(query_words(self.city().0));
                }
                // "site reliability engineer"
                60..=74 => words.extend(query_words(pick(&mut self.rng, &f.titles))),
                // "data engineer berlin"
                75..=84 => {
                    words.extend(query_words(pick(&mut self.rng, &f.titles)));
                    words.extend(query_words(self.city().0));
                }
                // "react shopify"
                85..=92 => {
                    words.extend(query_words(self.skill_of(family)));
                    words.extend(query_words(self.company()));
                }
                // "amara okafor"
                _ => {
                    let (first, last) = self.name();
                    words.extend(query_words(first));
                    words.extend(query_words(last));
                }
            }
            if (2..=3).contains(&words.len()) {
                break;
            }
        }
        let exact = words.join(" ");
        let mut typo = false;
        let mut unfinished = false;
        let roll = self.rng.random_range(0..100);
        if roll < 10 {
            let candidates: Vec<usize> = (0..words.len())
                .filter(|&i| words[i].chars().count() >= 5 && words[i].is_ascii())
                .collect();
            if !candidates.is_empty() {
                let i = candidates[self.rng.random_range(0..candidates.len())];
                // Swapping two equal letters changes nothing: try again.
                for _ in 0..8 {
                    let misspelt = self.misspell(&words[i]);
                    if misspelt != words[i] {
                        words[i] = misspelt;
                        typo = true;
                        break;
                    }
                }
            }
        } else if roll < 25 {
            let last = words.len() - 1;
            let n = words[last].chars().count();
            if n >= 5 && words[last].is_ascii() {
                let keep = self.rng.random_range(3..n);
                words[last].truncate(keep);
                unfinished = true;
            }
        }
        SearchQuery {
            text: words.join(" "),
            exact,
            typo,
            unfinished,
        }
    }

    /// One edit (transposition, substitution, deletion or doubled letter) inside an ASCII word.
    fn misspell(&mut self, word: &str) -> String {
        let mut b = word.as_bytes().to_vec();
        let i = self.rng.random_range(1..b.len() - 1);
        match self.rng.random_range(0..4) {
            0 => b.swap(i, i + 1),
            1 => {
                let letters = b"aeiourstnl";
                let mut c = letters[self.rng.random_range(0..letters.len())];
                if c == b[i] {
                    c = if c == b'e' { b'a' } else { b'e' };
                }
                b[i] = c;
            }
            2 => {
                b.remove(i);
            }
            _ => b.insert(i, b[i]),
        }
        String::from_utf8(b).expect("ASCII stays ASCII")
    }
}

/// Searches from their own seed, for workloads that need a fixed list.
pub fn queries(seed: u64, count: usize) -> Vec<SearchQuery> {
    let mut synth = Synth::new(seed);
    (0..count).map(|_| synth.query()).collect()
}

/// How a term is typed into a search box: lower case, split on spaces.
fn query_words(term: &str) -> impl Iterator<Item = String> + '_ {
    term.split_whitespace().map(str::to_lowercase)
}

/// `first.last` in lower-case ASCII letters: accents folded, other characters dropped.
fn handle(first: &str, last: &str) -> String {
    let mut out = String::with_capacity(first.len() + last.len() + 1);
    fold_into(&mut out, first);
    out.push('.');
    fold_into(&mut out, last);
    out
}

fn fold_into(out: &mut String, name: &str) {
    for c in name.chars() {
        let c = c.to_lowercase().next().unwrap_or(c);
        let folded = match c {
            'a'..='z' | '0'..='9' => c,
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ễ' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' | 'č' => 'c',
            'ñ' => 'n',
            'ł' => 'l',
            'ś' | 'ş' | 'š' => 's',
            'ř' => 'r',
            'ğ' => 'g',
            'ý' => 'y',
            'ž' | 'ź' | 'ż' => 'z',
            _ => continue,
        };
        out.push(folded);
    }
}

// The benchmarks (harness = false) compile this module without its tests; tests/it runs them.
#[cfg(test)]
#[allow(unused_imports)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use hirebase::domain::candidates::validate;

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let (mut a, mut b, mut c) = (Synth::new(7), Synth::new(7), Synth::new(8));
        for _ in 0..500 {
            let (x, y, z) = (a.candidate(), b.candidate(), c.candidate());
            assert_eq!(format!("{x:?}"), format!("{y:?}"));
            assert_ne!(format!("{x:?}"), format!("{z:?}"));
        }
        assert_eq!(format!("{:?}", a.job()), format!("{:?}", b.job()));
        assert_eq!(queries(3, 200), queries(3, 200));
        assert_ne!(queries(3, 200), queries(4, 200));
    }

    #[test]
    fn emails_are_unique_and_candidates_valid() {
        let mut synth = Synth::new(42);
        let mut emails = HashSet::new();
        let mut skill_counts = std::collections::HashMap::<String, usize>::new();
        let mut with_notes = 0;
        for _ in 0..20_000 {
            let row = synth.candidate();
            let email = row.email.clone().unwrap();
            assert!(email.is_ascii(), "{email}");
            assert!(emails.insert(email.clone()), "duplicate email {email}");
            let skills = row.skills.clone().unwrap();
            assert!((3..=12).contains(&skills.len()), "{skills:?}");
            for s in &skills {
                *skill_counts.entry(s.clone()).or_default() += 1;
            }
            let notes_len = row.notes.as_ref().map_or(0, |n| n.chars().count());
            assert!(notes_len <= 1_700, "notes of {notes_len} chars");
            with_notes += usize::from(notes_len > 0);
            let c = row.into_candidate(1, "import");
            validate(&c).unwrap_or_else(|e| panic!("{c:?}: {e:?}"));
            assert!(c.experience_years.unwrap() <= 45);
        }
        assert!(
            (15_000..19_000).contains(&with_notes),
            "{with_notes} of 20000 have notes"
        );
        // Zipf-like: the most common skill is far more common than the median one.
        let mut counts: Vec<usize> = skill_counts.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        assert!(counts.len() > 200, "only {} distinct skills", counts.len());
        assert!(
            counts[0] > 20 * counts[counts.len() / 2],
            "{} vs {}",
            counts[0],
            counts[counts.len() / 2]
        );
    }

    #[test]
    fn vocabularies_are_consistent() {
        let v = &*VOCABULARY;
        let all: HashSet<&str> = v.skills.iter().copied().collect();
        assert_eq!(all.len(), v.skills.len(), "a skill is listed twice");
        assert!((280..=320).contains(&v.skills.len()));
        assert!((190..=210).contains(&v.companies.len()));
        assert!((95..=130).contains(&v.cities.len()));
        let titles: usize = v
            .families
            .iter()
            .map(|f| f.titles.len() + f.leads.len())
            .sum();
        assert!((140..=220).contains(&titles), "{titles} titles");
        let firsts: usize = v.cultures.iter().map(|c| c.0.len()).sum();
        assert!(firsts >= 250, "{firsts} first names");
        for f in &v.families {
            for s in &f.skills {
                // Family skills outside the global list are allowed but rare.
                if !all.contains(s) {
                    assert_eq!(*s, "Firebase");
                }
            }
        }
    }

    #[test]
    fn jobs_are_plausible() {
        let mut synth = Synth::new(1);
        for _ in 0..1_000 {
            let job = synth.job();
            assert!(!job.title.is_empty());
            assert!(job.salary_min.unwrap() <= job.salary_max.unwrap());
            let currency = job.currency.unwrap();
            assert!(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase()));
            assert!((3..=6).contains(&job.required_skills.unwrap().len()));
            assert!(job.description.unwrap().len() > 100);
        }
    }

    #[test]
    fn queries_have_two_or_three_words_some_misspelt_some_unfinished() {
        let qs = queries(9, 2_000);
        for q in &qs {
            let n = q.text.split_whitespace().count();
            assert!((2..=3).contains(&n), "{q:?}");
            assert_eq!(n, q.exact.split_whitespace().count(), "{q:?}");
            assert_eq!(q.text == q.exact, !q.typo && !q.unfinished, "{q:?}");
            if q.unfinished {
                let (typed, full) = (
                    q.text.rsplit(' ').next().unwrap(),
                    q.exact.rsplit(' ').next().unwrap(),
                );
                assert!(
                    full.starts_with(typed) && typed.len() >= 3 && typed.len() < full.len(),
                    "{q:?}"
                );
            }
        }
        let typos = qs.iter().filter(|q| q.typo).count();
        let unfinished = qs.iter().filter(|q| q.unfinished).count();
        assert!((100..=300).contains(&typos), "{typos} typos");
        assert!((150..=450).contains(&unfinished), "{unfinished} unfinished");
        let distinct: HashSet<&str> = qs.iter().map(|q| q.text.as_str()).collect();
        assert!(
            distinct.len() > 1_500,
            "{} distinct of 2000",
            distinct.len()
        );
    }
}
