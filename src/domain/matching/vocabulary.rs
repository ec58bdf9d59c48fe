//! The skill vocabulary: canonical skills, the other ways people write them (Postgres =
//! PostgreSQL, k8s = Kubernetes) and the families that relate them (React and Vue.js are both
//! `frontend`). The data is `skills.txt`, compiled in; it is parsed once per process.
//!
//! Free text is searched for skills on word boundaries — "Java" is not found in "JavaScript",
//! nor "C" in "C-suite" — and where two names overlap the longer wins ("React Native" is not
//! "React"). Names that are also ordinary words ("Go", "Swift", "Sales") are marked in the
//! data and found in free text only as written; looking a name up ([`Vocabulary::canonical`])
//! ignores case always.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

const DATA: &str = include_str!("skills.txt");

/// A skill's index in the vocabulary.
pub(crate) type SkillId = u16;

/// A set of families, one bit each: related skills share a bit.
pub(crate) type Families = u128;

struct Skill {
    name: &'static str,
    aliases: Vec<&'static str>,
    families: Vec<&'static str>,
    family_set: Families,
    /// The first family, the closest one.
    primary: Families,
    /// Forms (indexes into `Vocabulary::forms`) of other skills that contain one of this
    /// skill's forms ("React Native" contains "React"): a text search for this skill alone
    /// must know them, or it would find "React" inside "React Native".
    shadowed_by: Vec<usize>,
}

/// One way a skill is written: its name or an alias.
struct Form {
    skill: SkillId,
    text: &'static str,
    /// Found in free text only as written.
    exact_case: bool,
}

/// The skills of `skills.txt`; see the module documentation. Get it with [`vocabulary`].
pub struct Vocabulary {
    skills: Vec<Skill>,
    forms: Vec<Form>,
    /// Every form, folded ([`fold`]) → its skill.
    by_form: HashMap<String, SkillId>,
    /// Every form, for [`Vocabulary::extract`].
    finder: Finder,
    /// A one-word form, lower case → the skill's other one-word forms, lower case.
    synonyms: HashMap<String, Vec<String>>,
}

/// The vocabulary of `skills.txt`, parsed on first use.
pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        Vocabulary::parse(DATA).expect("skills.txt is well-formed (the vocabulary tests parse it)")
    })
}

/// The other one-word names of the skill `word` names (lower case: `k8s` → `kubernetes`,
/// `kube`, …), for search queries; empty when `word` names no skill.
pub fn search_synonyms(word: &str) -> &'static [String] {
    vocabulary()
        .synonyms
        .get(word)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

impl Vocabulary {
    fn parse(data: &'static str) -> Result<Vocabulary, String> {
        let mut skills: Vec<Skill> = Vec::new();
        let mut forms: Vec<Form> = Vec::new();
        let mut by_form: HashMap<String, SkillId> = HashMap::new();
        let mut family_bits: HashMap<&'static str, Families> = HashMap::new();
        for (n, line) in data.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = |what: &str| format!("skills.txt line {}: {what}", n + 1);
            let parts: Vec<&'static str> = line.split('|').map(str::trim).collect();
            let [name, aliases, families] = parts[..] else {
                return Err(at("expected `name | aliases | families`"));
            };
            let list = |s: &'static str| -> Vec<&'static str> {
                s.split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect()
            };
            let id = SkillId::try_from(skills.len()).map_err(|_| at("too many skills"))?;
            let mut skill = Skill {
                name: name.trim_start_matches('='),
                aliases: vec![],
                families: list(families),
                family_set: 0,
                primary: 0,
                shadowed_by: vec![],
            };
            if skill.name.is_empty() {
                return Err(at("no name"));
            }
            if skill.families.is_empty() {
                return Err(at("no family"));
            }
            for (i, family) in skill.families.iter().enumerate() {
                let next = family_bits.len();
                if next >= Families::BITS as usize && !family_bits.contains_key(family) {
                    return Err(at("more than 128 families"));
                }
                let bit = *family_bits.entry(*family).or_insert(1 << next);
                skill.family_set |= bit;
                if i == 0 {
                    skill.primary = bit;
                }
            }
            for written in std::iter::once(name).chain(list(aliases)) {
                let text = written.trim_start_matches('=');
                let key = fold(text);
                if key.is_empty() || !text.is_ascii() {
                    return Err(at(&format!("`{written}`: names are non-empty ASCII")));
                }
                if let Some(other) = by_form.insert(key, id) {
                    let other = skills.get(usize::from(other)).map_or(name, |s| s.name);
                    return Err(at(&format!("`{text}` already names {other}")));
                }
                forms.push(Form {
                    skill: id,
                    text,
                    exact_case: written.starts_with('='),
                });
                if written != name {
                    skill.aliases.push(text);
                }
            }
            skills.push(skill);
        }
        let finder = Finder::new(forms.iter().map(|f| (f.text, f.pattern())), false);
        for (form, inner) in containing_forms(&forms) {
            let shadowed = &mut skills[usize::from(inner)].shadowed_by;
            if !shadowed.contains(&form) {
                shadowed.push(form);
            }
        }
        let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
        for skill in 0..skills.len() {
            let words: Vec<String> = forms
                .iter()
                .filter(|f| usize::from(f.skill) == skill)
                .map(|f| f.text.to_ascii_lowercase())
                .filter(|t| t.chars().all(|c| c.is_ascii_alphanumeric()))
                .collect();
            for word in &words {
                let others: Vec<String> = words.iter().filter(|w| *w != word).cloned().collect();
                if !others.is_empty() {
                    synonyms.insert(word.clone(), others);
                }
            }
        }
        Ok(Vocabulary {
            skills,
            forms,
            by_form,
            finder,
            synonyms,
        })
    }

    /// How many canonical skills there are.
    pub fn len(&self) -> usize {
        self.skills.len()
    }

    pub fn is_empty(&self) -> bool {
        self.skills.is_empty()
    }

    /// Every canonical skill name, in the order of the data file.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.skills.iter().map(|s| s.name)
    }

    /// The canonical name of the skill `name` names (its canonical name or an alias, in any
    /// case, spaces as typed): `canonical("postgres") == Some("PostgreSQL")`.
    pub fn canonical(&self, name: &str) -> Option<&'static str> {
        self.id(name).map(|id| self.skill(id).name)
    }

    /// The other names of the skill `name` names (canonical or alias); empty when unknown.
    pub fn aliases(&self, name: &str) -> &[&'static str] {
        match self.id(name) {
            Some(id) => &self.skill(id).aliases,
            None => &[],
        }
    }

    /// The families of the skill `name` names, closest first; empty when unknown.
    pub fn families(&self, name: &str) -> &[&'static str] {
        match self.id(name) {
            Some(id) => &self.skill(id).families,
            None => &[],
        }
    }

    /// The skills named in `text` (canonical names, in the order they first appear, each
    /// once), matched on word boundaries.
    pub fn extract(&self, text: &str) -> Vec<&'static str> {
        let mut found: Vec<&'static str> = Vec::new();
        self.finder.find_skills(text, |skill| {
            let name = self.skill(skill).name;
            if !found.contains(&name) {
                found.push(name);
            }
        });
        found
    }

    /// Calls `found` with each skill named in `text`, in order ([`Vocabulary::extract`]
    /// without collecting).
    pub(crate) fn find_in(&self, text: &str, found: impl FnMut(SkillId)) {
        self.finder.find_skills(text, found);
    }

    pub(crate) fn id(&self, name: &str) -> Option<SkillId> {
        with_folded(name, |key| self.by_form.get(key).copied())
    }

    pub(crate) fn name(&self, id: SkillId) -> &'static str {
        self.skill(id).name
    }

    fn skill(&self, id: SkillId) -> &Skill {
        &self.skills[usize::from(id)]
    }

    /// How closely skill `have` stands in for skill `want`: [`Relation::Close`] when the closest
    /// family of either is a family of the other (Django for Python, MySQL for PostgreSQL),
    /// [`Relation::Far`] when they only share a family (MongoDB for PostgreSQL).
    pub(crate) fn relation(&self, want: SkillId, have: SkillId) -> Relation {
        let (a, b) = (self.skill(want), self.skill(have));
        if want == have {
            Relation::Same
        } else if a.primary & b.family_set != 0 || b.primary & a.family_set != 0 {
            Relation::Close
        } else if a.family_set & b.family_set != 0 {
            Relation::Far
        } else {
            Relation::None
        }
    }

    /// A finder for `skills` alone, for searching many texts for a few skills: much faster
    /// than the finder of the whole vocabulary. Skills named by a longer name of another skill
    /// ("React" in "React Native") are not found there, as [`Vocabulary::extract`] would not.
    /// `others`, names the vocabulary does not know, are found as written (any case) and
    /// reported as [`Vocabulary::other_id`]`(i)`.
    pub(crate) fn finder_for(&self, skills: &[SkillId], others: &[&str]) -> Finder {
        let mut chosen: Vec<usize> = Vec::new();
        for &id in skills {
            let own = (0..self.forms.len()).filter(|&i| self.forms[i].skill == id);
            for i in own.chain(self.skill(id).shadowed_by.iter().copied()) {
                if !chosen.contains(&i) {
                    chosen.push(i);
                }
            }
        }
        let known = chosen
            .into_iter()
            .map(|i| (self.forms[i].text, self.forms[i].pattern()));
        let others = others.iter().enumerate().map(|(i, name)| {
            let pattern = Pattern {
                skill: self.other_id(i),
                exact: None,
            };
            (*name, pattern)
        });
        Finder::new(known.chain(others), true)
    }

    /// The id a [`Finder`] reports for the `i`-th name the vocabulary does not know.
    pub(crate) fn other_id(&self, i: usize) -> SkillId {
        SkillId::try_from(self.skills.len() + i).unwrap_or(SkillId::MAX)
    }
}

/// How one skill stands in for another ([`Vocabulary::relation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Relation {
    None,
    Far,
    Close,
    Same,
}

impl Form {
    fn pattern(&self) -> Pattern {
        Pattern {
            skill: self.skill,
            exact: self.exact_case.then_some(self.text),
        }
    }
}

/// What a [`Finder`] reports for one of its names.
#[derive(Clone, Copy)]
struct Pattern {
    skill: SkillId,
    /// Found only written exactly so.
    exact: Option<&'static str>,
}

/// Finds skill names in free text on word boundaries; where names overlap, the one that
/// starts first wins, then the longer.
pub(crate) struct Finder {
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

impl Finder {
    /// `small`: a few names, searched in many texts: a DFA, several times faster to search
    /// with and small for a few dozen names.
    fn new<'a>(names: impl Iterator<Item = (&'a str, Pattern)>, small: bool) -> Finder {
        let (texts, patterns): (Vec<&str>, Vec<Pattern>) = names.unzip();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .kind(small.then_some(AhoCorasickKind::DFA))
            .build(&texts)
            // Only too many patterns for the automaton's ids could fail: not a few thousand.
            .ok()
            .filter(|_| !texts.is_empty());
        Finder {
            automaton,
            patterns,
        }
    }

    /// Calls `found` with the skill of each name found in `text`, in order.
    pub(crate) fn find_skills(&self, text: &str, mut found: impl FnMut(SkillId)) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let mut from = 0;
        while let Some(m) = automaton.find(Input::new(text).range(from..)) {
            let (start, end) = (m.start(), m.end());
            let pattern = self.patterns[m.pattern().as_usize()];
            let as_written = pattern.exact.is_none_or(|exact| &text[start..end] == exact);
            if as_written && on_word_boundaries(text, start, end) {
                found(pattern.skill);
                from = end;
            } else {
                // Inside a word ("java" in "javascript"): a name may still start after its
                // first letter (names are ASCII, so that is a character boundary).
                from = start + 1;
            }
        }
    }
}

/// Every form in `forms`'s own text that contains another skill's form on word boundaries:
/// (the containing form, the skill contained).
fn containing_forms(forms: &[Form]) -> Vec<(usize, SkillId)> {
    let Ok(all) = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(forms.iter().map(|f| f.text))
    else {
        return vec![];
    };
    let mut found = Vec::new();
    for (i, form) in forms.iter().enumerate() {
        for m in all.find_overlapping_iter(form.text) {
            let inner = forms[m.pattern().as_usize()].skill;
            if inner != form.skill && on_word_boundaries(form.text, m.start(), m.end()) {
                found.push((i, inner));
            }
        }
    }
    found
}

/// Whether `text[start..end]` stands as a word of its own: not inside a word ("Java" in
/// "JavaScript"), a file name ("app.js") or a symbol ("C" in "C++", "C#"). A one-letter name
/// (C, R) must stand between spaces or list punctuation ("C" is not in "C-suite" or "R&D").
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    let (b1, b2) = (before.next(), before.next());
    let (a1, a2) = (after.next(), after.next());
    if end - start == 1 {
        let apart = |c: Option<char>| {
            c.is_none_or(|c| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '/' | '(' | ')'))
        };
        let sentence_end = a1 == Some('.') && a2.is_none_or(char::is_whitespace);
        return apart(b1) && (apart(a1) || sentence_end);
    }
    let joined_before = match b1 {
        None => false,
        Some(c) if word(c) || matches!(c, '@' | '&' | '+') => true,
        // A file name or a version: `app.js`.
        Some('.') => b2.is_some_and(word),
        Some(_) => false,
    };
    let joined_after = match a1 {
        None => false,
        Some(c) if word(c) || matches!(c, '+' | '#' | '&' | '@') => true,
        Some('.') => a2.is_some_and(word),
        Some(_) => false,
    };
    !joined_before && !joined_after
}

/// `name` as the vocabulary keys it: trimmed, runs of white space made one space, lower case.
pub(crate) fn fold(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Calls `f` with `name` folded as [`fold`] does, without allocating for short ASCII names
/// (a skill looked up per candidate must stay cheap).
pub(crate) fn with_folded<R>(name: &str, f: impl FnOnce(&str) -> R) -> R {
    const SHORT: usize = 64;
    let name = name.trim();
    if name.len() > SHORT || !name.is_ascii() {
        return f(&fold(name));
    }
    let mut buf = [0u8; SHORT];
    let mut len = 0;
    let mut space = false;
    for b in name.bytes() {
        if b.is_ascii_whitespace() {
            space = true;
            continue;
        }
        if space {
            buf[len] = b' ';
            len += 1;
            space = false;
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    // ASCII in, ASCII out: always UTF-8.
    f(std::str::from_utf8(&buf[..len]).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> &'static Vocabulary {
        vocabulary()
    }

    #[test]
    fn the_data_file_parses_with_at_least_300_skills() {
        let parsed = Vocabulary::parse(DATA).unwrap();
        assert!(parsed.len() >= 300, "{} skills", parsed.len());
        assert_eq!(v().len(), parsed.len());
    }

    #[test]
    fn a_name_written_twice_or_a_skill_without_family_is_refused() {
        let twice = Vocabulary::parse("PostgreSQL | Postgres | sql\nPostgres DB | postgres | sql")
            .err()
            .unwrap();
        assert!(
            twice.contains("line 2") && twice.contains("already names PostgreSQL"),
            "{twice}"
        );
        let orphan = Vocabulary::parse("Rust | |").err().unwrap();
        assert!(orphan.contains("no family"), "{orphan}");
        assert!(Vocabulary::parse("Rust | rustlang").is_err(), "two fields");
    }

    #[test]
    fn canonical_accepts_aliases_in_any_case_and_spacing() {
        for (typed, canonical) in [
            ("Postgres", "PostgreSQL"),
            ("postgresql", "PostgreSQL"),
            ("k8s", "Kubernetes"),
            ("K8S", "Kubernetes"),
            ("JS", "JavaScript"),
            ("golang", "Go"),
            ("go", "Go"),
            ("TS", "TypeScript"),
            ("ML", "Machine Learning"),
            ("ml", "Machine Learning"),
            ("  machine   learning ", "Machine Learning"),
            ("c++", "C++"),
            ("c#", "C#"),
            (".net", ".NET"),
            ("nodejs", "Node.js"),
            ("ReactJS", "React"),
            ("sklearn", "scikit-learn"),
            ("compensation", "Compensation and Benefits"),
        ] {
            assert_eq!(v().canonical(typed), Some(canonical), "{typed}");
        }
        assert_eq!(v().canonical("Underwater basket weaving"), None);
        assert_eq!(v().canonical(""), None);
        assert_eq!(
            v().canonical("Kubérnetes"),
            None,
            "non-ASCII is looked up too"
        );
    }

    #[test]
    fn aliases_and_families_are_listed_for_any_name_of_a_skill() {
        assert!(v().aliases("PostgreSQL").contains(&"Postgres"));
        assert_eq!(v().aliases("k8s"), v().aliases("Kubernetes"));
        assert!(v().aliases("Kubernetes").contains(&"k8s"));
        assert!(
            !v().aliases("Go").contains(&"Go"),
            "the canonical name is not an alias"
        );
        assert!(v().aliases("nothing such").is_empty());
        assert_eq!(v().families("React")[0], "frontend");
        assert!(v().families("Django").contains(&"python"));
        assert!(v().families("Django").contains(&"backend"));
        assert!(v().families("nothing such").is_empty());
    }

    #[test]
    fn every_skill_the_benchmark_generator_uses_is_known() {
        use crate::domain::demo::words;
        let unknown: Vec<&str> = words::lines(words::SKILLS)
            .filter(|l| v().canonical(l).is_none())
            .collect();
        assert!(unknown.is_empty(), "unknown: {unknown:?}");
    }

    #[test]
    fn extract_matches_on_word_boundaries_only() {
        assert_eq!(
            v().extract("JavaScript and TypeScript"),
            ["JavaScript", "TypeScript"]
        );
        assert_eq!(v().extract("Java, not JavaScript"), ["Java", "JavaScript"]);
        assert!(v().extract("Javanese cuisine").is_empty());
        assert!(v().extract("Rustacean").is_empty());
        assert!(
            v().extract("see app.js and main.Rust").is_empty(),
            "file names"
        );
        assert_eq!(v().extract("Python-based services"), ["Python"]);
        assert_eq!(v().extract("(Rust/Go)"), ["Rust", "Go"]);
        assert_eq!(v().extract("Kubernetes's API"), ["Kubernetes"]);
    }

    #[test]
    fn extract_finds_multi_word_skills_and_symbols() {
        assert_eq!(
            v().extract("Built machine learning pipelines on Apache Spark"),
            ["Machine Learning", "Spark"]
        );
        assert_eq!(
            v().extract("C++, C#, .NET, Node.js and C"),
            ["C++", "C#", ".NET", "Node.js", "C"]
        );
        assert_eq!(
            v().extract("CI/CD with GitHub Actions"),
            ["CI/CD", "GitHub Actions"]
        );
        assert_eq!(
            v().extract("FP&A, P&L ownership"),
            ["FP&A", "Budget Ownership"]
        );
    }

    #[test]
    fn extract_prefers_the_longest_of_overlapping_names() {
        assert_eq!(v().extract("React Native apps"), ["React Native"]);
        assert_eq!(v().extract("Spring Boot services"), ["Spring Boot"]);
        assert_eq!(v().extract("go-to-market plans"), ["Go-to-Market Strategy"]);
        assert_eq!(
            v().extract("Google Cloud Platform"),
            ["Google Cloud"],
            "not Google Cloud + Platform"
        );
    }

    #[test]
    fn extract_maps_aliases_and_dedupes_in_order_of_appearance() {
        assert_eq!(
            v().extract("Postgres on k8s; PostgreSQL again, then golang and kube"),
            ["PostgreSQL", "Kubernetes", "Go"]
        );
    }

    #[test]
    fn one_letter_and_everyday_words_need_their_written_form() {
        assert_eq!(v().extract("R, Python"), ["R", "Python"]);
        assert!(v().extract("R&D budget").is_empty());
        assert!(v().extract("C-suite and C-level").is_empty());
        assert_eq!(v().extract("Write C."), ["C"]);
        assert!(
            v().extract("ready to go, swift delivery, sales of 10 ml")
                .is_empty(),
            "ordinary words in lower case"
        );
        assert_eq!(v().extract("Go, Swift, Sales"), ["Go", "Swift", "Sales"]);
    }

    #[test]
    fn related_skills_are_close_or_far_by_family() {
        let id = |n: &str| v().id(n).unwrap();
        assert_eq!(v().relation(id("Django"), id("Django")), Relation::Same);
        assert_eq!(v().relation(id("Django"), id("Python")), Relation::Close);
        assert_eq!(v().relation(id("React"), id("Vue.js")), Relation::Close);
        assert_eq!(v().relation(id("PostgreSQL"), id("MySQL")), Relation::Close);
        assert_eq!(v().relation(id("PostgreSQL"), id("MongoDB")), Relation::Far);
        assert_eq!(
            v().relation(id("Kubernetes"), id("Terraform")),
            Relation::Far
        );
        assert_eq!(
            v().relation(id("Rust"), id("Registered Nursing")),
            Relation::None
        );
    }

    #[test]
    fn a_finder_for_a_few_skills_still_respects_longer_names() {
        let id = |n: &str| v().id(n).unwrap();
        let finder = v().finder_for(&[id("React"), id("Go")], &["Celery"]);
        let found = |text: &str| {
            let mut out = vec![];
            finder.find_skills(text, |s| out.push(v().name(s)));
            out
        };
        assert_eq!(found("React and Golang"), ["React", "Go"]);
        let mut others = vec![];
        finder.find_skills("celery workers, not Celeryd", |s| others.push(s));
        assert_eq!(
            others,
            [v().other_id(0)],
            "a name the vocabulary does not know"
        );
        // The longer names are found (and are other skills), never the short one inside.
        assert_eq!(
            found("React Native, go-to-market"),
            ["React Native", "Go-to-Market Strategy"]
        );
        assert!(found("Rust").is_empty());
    }

    #[test]
    fn search_synonyms_are_the_other_one_word_names() {
        let k8s = search_synonyms("k8s");
        assert!(k8s.contains(&"kubernetes".to_string()), "{k8s:?}");
        assert!(!k8s.contains(&"k8s".to_string()));
        assert!(search_synonyms("postgres").contains(&"postgresql".to_string()));
        assert!(search_synonyms("postgresql").contains(&"postgres".to_string()));
        assert!(search_synonyms("golang").contains(&"go".to_string()));
        assert!(search_synonyms("weaving").is_empty());
        assert!(
            !search_synonyms("ml").iter().any(|w| w.contains(' ')),
            "multi-word names are not one-word synonyms"
        );
    }

    #[test]
    fn folding_without_allocation_agrees_with_fold() {
        for name in [
            "  Machine\tLearning ",
            "K8S",
            "Ünïcode  Skill",
            &"x".repeat(80),
        ] {
            assert_eq!(with_folded(name, str::to_string), fold(name), "{name}");
        }
    }
}
