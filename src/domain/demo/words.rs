//! The word lists realistic generated data is made of (names of many cultures, cities, kinds
//! of work with their titles and skills, companies, note sentences): built into the binary for
//! `hirebase demo`, and shared with the benchmarks' generator (`benches/harness/synth.rs`).
//! Lines are items; blank lines and `#` comments are skipped; `== heading` starts a block of
//! `-- key` lists (see [`blocks`]).

pub const CITIES: &str = include_str!("words/cities.txt");
pub const COMPANIES: &str = include_str!("words/companies.txt");
pub const DEGREES: &str = include_str!("words/degrees.txt");
pub const EMAIL_DOMAINS: &str = include_str!("words/email-domains.txt");
pub const FAMILIES: &str = include_str!("words/families.txt");
pub const INDUSTRIES: &str = include_str!("words/industries.txt");
pub const NAMES: &str = include_str!("words/names.txt");
pub const SENIORITY: &str = include_str!("words/seniority.txt");
pub const SENTENCES: &str = include_str!("words/sentences.txt");
pub const SKILLS: &str = include_str!("words/skills.txt");
pub const SOURCES: &str = include_str!("words/sources.txt");
pub const SUBJECTS: &str = include_str!("words/subjects.txt");
pub const TAGS: &str = include_str!("words/tags.txt");
pub const THINGS: &str = include_str!("words/things.txt");
pub const UNIVERSITIES: &str = include_str!("words/universities.txt");
pub const VERBS: &str = include_str!("words/verbs.txt");

/// The lines of a word list that say something: not blank, not a `#` comment.
pub fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A list of items under a heading of a block.
pub type Lists = Vec<(&'static str, Vec<&'static str>)>;

/// `== heading` blocks of `-- key` lists, one item a line.
pub fn blocks(text: &'static str) -> Vec<(&'static str, Lists)> {
    let mut out: Vec<(&'static str, Lists)> = Vec::new();
    for line in lines(text) {
        if let Some(heading) = line.strip_prefix("== ") {
            out.push((heading, Vec::new()));
        } else if let Some(key) = line.strip_prefix("-- ") {
            let (_, lists) = out.last_mut().expect("a `-- list` inside an `== block`");
            lists.push((key, Vec::new()));
        } else {
            let (_, lists) = out.last_mut().expect("an item inside an `== block`");
            let (_, items) = lists.last_mut().expect("an item inside a `-- list`");
            items.push(line);
        }
    }
    out
}

pub fn list(lists: &Lists, key: &str) -> Vec<&'static str> {
    lists
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, items)| items.clone())
        .unwrap_or_else(|| panic!("a `-- {key}` list"))
}
