//! The six axes, each scored 0–100 for one supply against one demand. What a demand asks is
//! read once ([`SkillsAsk`], [`YearsAsked`], [`Place`], [`Budget`]); each supply is then
//! scored against it without parsing the demand again. An axis without data on one side or
//! the other scores [`NEUTRAL`] and says it is unknown.

use std::sync::OnceLock;

use regex::Regex;

use super::vocabulary::{Finder, Relation, SkillId, fold, vocabulary};
use super::{Availability, Pay, Supply, WorkMode};
use crate::domain::jobs::Level;

/// The score of an axis nothing is known about.
pub const NEUTRAL: u8 = 50;

/// One axis's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    /// 0–100.
    pub score: u8,
    /// Whether there was data to compare; [`NEUTRAL`] when not.
    pub known: bool,
}

impl Axis {
    pub const UNKNOWN: Axis = Axis {
        score: NEUTRAL,
        known: false,
    };

    fn known(score: f64) -> Axis {
        Axis {
            score: score.round().clamp(0.0, 100.0) as u8,
            known: true,
        }
    }
}

// --- skills ----------------------------------------------------------------------------------

/// Credit for a skill the supply lists.
const HAS: u8 = 100;
/// Credit for a skill named only in the supply's title, headline or text.
const MENTIONS: u8 = 80;
/// Credit for a skill of the closest family (Flask for Django).
const CLOSE: u8 = 50;
/// Credit for a skill of another shared family (MongoDB for PostgreSQL).
const FAR: u8 = 25;
/// A required skill counts this many times a nice-to-have one.
const REQUIRED_WEIGHT: u32 = 2;
/// How much of a supply's free text is searched for skills: scoring one supply stays cheap
/// however long its resume (the search is most of the cost of scoring), and a resume names
/// its skills in its first pages.
const TEXT_SCANNED: usize = 4 * 1024;

/// The first `max` bytes of `text` at most, cut before a word.
fn beginning(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    if text[end..].starts_with(char::is_whitespace) {
        return cut;
    }
    cut.rfind(char::is_whitespace)
        .map_or("", |space| &cut[..space])
}

/// The supply's texts that name skills in passing, those with any words: the title, the
/// headline, the beginning of the free text.
pub(super) fn free_texts(supply: &Supply) -> impl Iterator<Item = &str> {
    [
        supply.title.as_deref().unwrap_or(""),
        supply.headline.as_deref().unwrap_or(""),
        beginning(&supply.text, TEXT_SCANNED),
    ]
    .into_iter()
    .filter(|t| !t.trim().is_empty())
}

/// One skill a demand asks for.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The canonical name, or the name as given when the vocabulary does not know it.
    pub name: String,
    pub required: bool,
    skill: Option<SkillId>,
    /// The id the free-text finder reports for it.
    found_as: SkillId,
}

/// The skills a demand asks for, canonicalised, each once.
pub struct SkillsAsk {
    slots: Vec<Slot>,
    /// Finds the slots' skills in a supply's free text: made on first use, as many
    /// demands (a candidate's jobs, each prepared once) never need it.
    finder: OnceLock<Finder>,
}

/// How a supply's skills fit a [`SkillsAsk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillsFit {
    pub axis: Axis,
    /// The credit (0–100) of each slot, in slot order: 100 listed, 80 named in the free text,
    /// 50 or 25 for a related skill.
    pub credits: Vec<u8>,
}

impl SkillsAsk {
    /// The listed skills, required first, plus those the title names ("Rust Engineer"); when
    /// nothing is listed, the skills the title and the text name are the required ones.
    pub fn new(required: &[String], nice: &[String], title: &str, text: &str) -> SkillsAsk {
        let v = vocabulary();
        let mut ask = SkillsAsk {
            slots: Vec::new(),
            finder: OnceLock::new(),
        };
        for name in required {
            ask.add(name, true);
        }
        for name in v.extract(title) {
            ask.add(name, true);
        }
        for name in nice {
            ask.add(name, false);
        }
        if required.is_empty() && nice.is_empty() {
            for name in v.extract(text) {
                ask.add(name, true);
            }
        }
        // What the finder reports for each slot.
        let mut other = 0;
        for slot in &mut ask.slots {
            slot.found_as = slot.skill.unwrap_or_else(|| {
                other += 1;
                v.other_id(other - 1)
            });
        }
        ask
    }

    fn finder(&self) -> &Finder {
        self.finder.get_or_init(|| {
            let known: Vec<SkillId> = self.slots.iter().filter_map(|s| s.skill).collect();
            let others: Vec<&str> = self
                .slots
                .iter()
                .filter(|s| s.skill.is_none())
                .map(|s| s.name.as_str())
                .collect();
            vocabulary().finder_for(&known, &others)
        })
    }

    fn add(&mut self, name: &str, required: bool) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let skill = vocabulary().id(name);
        let same = |s: &Slot| match skill {
            Some(id) => s.skill == Some(id),
            None => s.skill.is_none() && s.name.eq_ignore_ascii_case(name),
        };
        if self.slots.iter().any(same) {
            return;
        }
        self.slots.push(Slot {
            name: skill.map_or_else(|| name.to_string(), |id| vocabulary().name(id).to_string()),
            required,
            skill,
            found_as: SkillId::MAX,
        });
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// Scores `supply`'s skills: each slot earns the best credit any of the supply's skills
    /// gives it, weighted (required twice); unknown when the demand asks no skill or the
    /// supply names none anywhere.
    pub fn fit(&self, supply: &Supply) -> SkillsFit {
        let v = vocabulary();
        let mut credits = vec![0u8; self.slots.len()];
        let mut anything = !supply.known_skills.is_empty();
        for &have in &supply.known_skills {
            self.credit_skill(have, &mut credits);
        }
        for entry in &supply.skills {
            anything |= !entry.trim().is_empty();
            if let Some(have) = v.id(entry) {
                self.credit_skill(have, &mut credits);
                continue;
            }
            let mut named = false;
            for (slot, credit) in self.slots.iter().zip(credits.iter_mut()) {
                if slot.skill.is_none() && slot.name.eq_ignore_ascii_case(entry.trim()) {
                    *credit = HAS;
                    named = true;
                }
            }
            if !named {
                // An entry naming several skills ("Python/Django"), or with words around one.
                v.find_in(entry, |have| self.credit_skill(have, &mut credits));
            }
        }
        if let (false, Some(mentions)) = (self.slots.is_empty(), &supply.mentions) {
            anything = true;
            for &found in mentions {
                self.credit_mention(found, &mut credits);
            }
        } else if !self.slots.is_empty() {
            for text in free_texts(supply) {
                anything = true;
                if credits.iter().all(|&c| c >= MENTIONS) {
                    break;
                }
                self.finder()
                    .find_skills(text, |found| self.credit_mention(found, &mut credits));
            }
        }
        if self.slots.is_empty() || !anything {
            return SkillsFit {
                axis: Axis::UNKNOWN,
                credits,
            };
        }
        let (mut earned, mut total) = (0u32, 0u32);
        for (slot, &credit) in self.slots.iter().zip(&credits) {
            let weight = if slot.required { REQUIRED_WEIGHT } else { 1 };
            earned += weight * u32::from(credit);
            total += weight * u32::from(HAS);
        }
        SkillsFit {
            axis: Axis::known(100.0 * f64::from(earned) / f64::from(total)),
            credits,
        }
    }

    /// Credits the slot the free text names as `found`.
    fn credit_mention(&self, found: SkillId, credits: &mut [u8]) {
        for (slot, credit) in self.slots.iter().zip(credits.iter_mut()) {
            if slot.found_as == found {
                *credit = (*credit).max(MENTIONS);
            }
        }
    }

    fn credit_skill(&self, have: SkillId, credits: &mut [u8]) {
        let v = vocabulary();
        for (slot, credit) in self.slots.iter().zip(credits.iter_mut()) {
            let Some(want) = slot.skill else { continue };
            let earned = match v.relation(want, have) {
                Relation::Same => HAS,
                Relation::Close => CLOSE,
                Relation::Far => FAR,
                Relation::None => 0,
            };
            *credit = (*credit).max(earned);
        }
    }
}

// --- experience --------------------------------------------------------------------------------

/// The years of experience a demand asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearsAsked {
    pub min: u32,
    /// Said by a range ("3–5 years") or implied by a junior level.
    pub max: Option<u32>,
}

impl YearsAsked {
    /// What the text says ("5+ years", "at least 5 years", "3-5 years of experience"; the
    /// largest when it says several), else what the level implies.
    pub fn of_demand(text: &str, level: Option<Level>) -> Option<YearsAsked> {
        years_in(text, true)
            .map(|(min, max)| YearsAsked { min, max })
            .or_else(|| level.map(YearsAsked::of_level))
    }

    fn of_level(level: Level) -> YearsAsked {
        let (min, max) = match level {
            Level::Intern => (0, Some(1)),
            Level::Junior => (0, Some(3)),
            Level::Mid => (2, Some(6)),
            Level::Senior => (5, None),
            Level::Lead => (7, None),
            Level::Principal | Level::Director => (10, None),
            Level::Executive => (12, None),
        };
        YearsAsked { min, max }
    }
}

/// The supply's years: stated, or read from its headline ("8 years in fintech").
fn supply_years(supply: &Supply) -> Option<u32> {
    supply
        .experience_years
        .or_else(|| years_in(supply.headline.as_deref()?, false).map(|(min, _)| min))
}

/// Scores years against what the demand asks: full marks from the minimum on, less the
/// further below it; mildly less well past the top of a range (overqualified).
pub fn experience(asked: Option<YearsAsked>, supply: &Supply) -> Axis {
    let (Some(asked), Some(years)) = (asked, supply_years(supply)) else {
        return Axis::UNKNOWN;
    };
    if years < asked.min {
        let ratio = f64::from(years) / f64::from(asked.min);
        return Axis::known(100.0 * ratio.powf(1.5));
    }
    match asked.max {
        Some(max) if years > max + 2 => {
            Axis::known((100.0 - 8.0 * f64::from(years - max - 2)).max(50.0))
        }
        _ => Axis::known(100.0),
    }
}

fn years_regex() -> &'static Regex {
    static YEARS: OnceLock<Regex> = OnceLock::new();
    YEARS.get_or_init(|| {
        Regex::new(
            r"(?ix)
            (?P<pre>\b(?:at\s+least|minimum(?:\s+of)?|min\.?|over|more\s+than)\s+)?
            \b(?P<a>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)
            (?:\s*(?P<plus>\+)|\s*(?:-|–|to)\s*(?P<b>\d{1,2}))?
            \s*\+?\s*(?:years?|yrs?)\b
            (?P<tail>[^.;\n]{0,40}?\bexperience)?",
        )
        .expect("the years pattern is valid")
    })
}

/// The largest number of years `text` mentions, with the top of its range. `asked`: only
/// mentions that read as a requirement ("5+ years", "at least", "of experience"), not any
/// number of years ("founded 10 years ago").
fn years_in(text: &str, asked: bool) -> Option<(u32, Option<u32>)> {
    let number = |s: &str| -> Option<u32> {
        let words = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ];
        s.parse().ok().or_else(|| {
            let lower = s.to_ascii_lowercase();
            words
                .iter()
                .position(|w| *w == lower)
                .map(|n| n as u32)
                .or(match lower.as_str() {
                    "twelve" => Some(12),
                    "fifteen" => Some(15),
                    "twenty" => Some(20),
                    _ => None,
                })
        })
    };
    let mut best: Option<(u32, Option<u32>)> = None;
    for c in years_regex().captures_iter(text) {
        let stated = ["pre", "plus", "b", "tail"]
            .iter()
            .any(|g| c.name(g).is_some());
        if asked && !stated {
            continue;
        }
        let Some(min) = c.name("a").and_then(|m| number(m.as_str())) else {
            continue;
        };
        let max = c
            .name("b")
            .and_then(|m| number(m.as_str()))
            .filter(|&b| b >= min);
        if min <= 50 && best.is_none_or(|(m, _)| min > m) {
            best = Some((min, max));
        }
    }
    best
}

// --- seniority ---------------------------------------------------------------------------------

/// The level a job title says ("Senior", "Staff", "Head of", "VP"…): the highest when it says
/// several ("Senior Director"); `None` when it says none.
pub fn level_in_title(title: &str) -> Option<Level> {
    let mut words = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    let is = |w: &str, options: &[&str]| options.iter().any(|o| w.eq_ignore_ascii_case(o));
    let mut best: Option<Level> = None;
    while let Some(word) = words.next() {
        let next = words.peek().copied().unwrap_or("");
        let level = if is(word, &["intern", "internship", "trainee", "apprentice"]) {
            Level::Intern
        } else if is(word, &["junior", "jr", "graduate", "entry"]) {
            Level::Junior
        } else if is(word, &["mid", "intermediate"]) {
            Level::Mid
        } else if is(word, &["senior", "sr"]) {
            Level::Senior
        } else if (is(word, &["staff"]) && !is(next, &["nurse", "accountant", "member"]))
            || (is(word, &["lead"]) && !is(next, &["generation", "gen"]))
        {
            Level::Lead
        } else if is(word, &["principal", "distinguished"]) {
            Level::Principal
        } else if is(word, &["director"]) || is(word, &["head"]) && is(next, &["of"]) {
            Level::Director
        } else if is(
            word,
            &[
                "vp", "svp", "evp", "vice", "chief", "cto", "ceo", "cfo", "coo", "cmo", "cpo",
                "ciso", "cio",
            ],
        ) {
            Level::Executive
        } else {
            continue;
        };
        best = best.max(Some(level));
    }
    best
}

/// The supply's level: stated; else said by its title or headline; else estimated from its
/// years (up to senior: years alone do not make a lead); else mid when it has a title at all.
pub(super) fn supply_level(supply: &Supply) -> Option<Level> {
    let title = supply.title.as_deref().unwrap_or("");
    let headline = supply.headline.as_deref().unwrap_or("");
    supply
        .level
        .or_else(|| level_in_title(title))
        .or_else(|| level_in_title(headline))
        .or_else(|| {
            supply.experience_years.map(|y| match y {
                0..=1 => Level::Junior,
                2..=4 => Level::Mid,
                _ => Level::Senior,
            })
        })
        .or_else(|| (!title.trim().is_empty()).then_some(Level::Mid))
}

/// Scores the supply's level against the demand's: full marks at the same level, less a step
/// above (overqualified) and more a step below.
pub fn seniority(asked: Option<Level>, supply: &Supply) -> Axis {
    let (Some(asked), Some(level)) = (asked, supply_level(supply)) else {
        return Axis::UNKNOWN;
    };
    let steps = level as i32 - asked as i32;
    let score = match steps {
        0 => 100.0,
        1 => 75.0,
        2 => 45.0,
        3.. => 25.0,
        -1 => 60.0,
        -2 => 25.0,
        -3 => 5.0,
        _ => 0.0,
    };
    Axis::known(score)
}

// --- location / remote -------------------------------------------------------------------------

/// Where and how a demand's work is done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    mode: Option<WorkMode>,
    /// Folded, with the usual other names mapped ("NYC" → "new york").
    city: Option<String>,
    /// The last part of the location (country or state), folded and mapped; for a location of
    /// one part ("Germany"), that part.
    region: Option<String>,
    /// The location is one part, which may be a whole country or state: anyone there fits.
    one_part: bool,
}

impl Place {
    /// A location that says "remote" makes the work remote when the mode is not given; a
    /// location without a mode is taken as on site.
    pub fn of_demand(location: Option<&str>, mode: Option<WorkMode>) -> Place {
        let spot = location.map(Spot::of).unwrap_or_default();
        let mode = mode.or(if spot.remote {
            Some(WorkMode::Remote)
        } else if spot.city.is_some() {
            Some(WorkMode::Onsite)
        } else {
            None
        });
        let one_part = spot.city.is_some() && spot.region.is_none();
        Place {
            mode,
            city: spot.city.map(|c| fold(city_name(c))),
            region: spot
                .region
                .or(spot.city.filter(|_| one_part))
                .map(|r| fold(region_name(r))),
            one_part,
        }
    }
}

/// A location as written: "San Francisco, CA", "Berlin (remote)", "Remote - EU".
#[derive(Debug, Clone, Copy, Default)]
struct Spot<'a> {
    remote: bool,
    city: Option<&'a str>,
    region: Option<&'a str>,
}

impl<'a> Spot<'a> {
    fn of(location: &'a str) -> Spot<'a> {
        let remote_word = |w: &str| {
            ["remote", "anywhere", "worldwide"]
                .iter()
                .any(|r| w.eq_ignore_ascii_case(r))
        };
        let remote = location
            .split(|c: char| !c.is_alphanumeric())
            .any(remote_word);
        let mut parts = location
            .split([',', '(', ')', ';', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.split_whitespace().next().is_some_and(remote_word));
        let city = parts.next();
        let region = parts.next_back();
        Spot {
            remote,
            city,
            region,
        }
    }
}

/// Scores where the supply is and how it wants to work against the demand's place: a remote
/// demand fits anyone (less someone who wants an office); on site or hybrid, the same city
/// fits, the same country or state half, elsewhere only with relocation.
pub fn location(place: &Place, supply: &Supply) -> Axis {
    let spot = supply.location.as_deref().map(Spot::of).unwrap_or_default();
    let wants = supply.work_mode.or(spot.remote.then_some(WorkMode::Remote));
    let relocates = supply.willing_to_relocate == Some(true);
    let Some(mode) = place.mode else {
        return Axis::UNKNOWN;
    };
    let hybrid = mode == WorkMode::Hybrid;
    if mode == WorkMode::Remote {
        return Axis::known(if wants == Some(WorkMode::Onsite) {
            70.0
        } else {
            100.0
        });
    }
    // On site or hybrid: how well the supply's wish fits, whatever the city.
    let cap = match wants {
        Some(WorkMode::Remote) => {
            if hybrid {
                60.0
            } else {
                40.0
            }
        }
        Some(WorkMode::Hybrid) if !hybrid => 85.0,
        _ => 100.0,
    };
    let same =
        |ours: &Option<String>, theirs: Option<&str>, names: fn(&str) -> &str| match (ours, theirs)
        {
            (Some(ours), Some(theirs)) => with_folded_eq(ours, names(theirs)),
            _ => false,
        };
    let (city, region) = (spot.city, spot.region);
    let score = if city.is_none() {
        if relocates {
            75.0
        } else if wants == Some(WorkMode::Remote) {
            cap
        } else {
            return Axis::UNKNOWN;
        }
    } else if place.city.is_none() {
        if wants == Some(WorkMode::Remote) {
            cap
        } else {
            return Axis::UNKNOWN;
        }
    } else if same(&place.city, city, city_name)
        // A demand placed in a whole country or state takes anyone there.
        || place.one_part && same(&place.region, region, region_name)
    {
        100.0
    } else if same(&place.region, region.or(city), region_name) {
        if relocates {
            85.0
        } else if hybrid {
            50.0
        } else {
            40.0
        }
    } else if relocates {
        75.0
    } else if hybrid {
        15.0
    } else {
        10.0
    };
    Axis::known(f64::min(score, cap))
}

/// `folded` (already folded) equals `name` folded.
fn with_folded_eq(folded: &str, name: &str) -> bool {
    super::vocabulary::with_folded(name, |n| n == folded)
}

/// The usual name of a city written another way.
fn city_name(city: &str) -> &str {
    const OTHER_NAMES: &[(&str, &[&str])] = &[
        ("New York", &["NYC", "New York City", "NY"]),
        (
            "San Francisco",
            &["SF", "San Francisco Bay Area", "Bay Area"],
        ),
        ("Los Angeles", &["LA"]),
        ("Washington", &["Washington DC", "Washington D.C.", "DC"]),
        ("Bangalore", &["Bengaluru"]),
        ("Mumbai", &["Bombay"]),
        ("Munich", &["München", "Muenchen"]),
        ("Cologne", &["Köln", "Koeln"]),
        ("Vienna", &["Wien"]),
        ("Prague", &["Praha"]),
        ("Lisbon", &["Lisboa"]),
        ("Zurich", &["Zürich", "Zuerich"]),
        ("Copenhagen", &["København"]),
        ("Warsaw", &["Warszawa"]),
        ("Rome", &["Roma"]),
        ("Milan", &["Milano"]),
        ("The Hague", &["Den Haag"]),
        ("Ho Chi Minh City", &["Saigon", "HCMC"]),
    ];
    canonical_place(city, OTHER_NAMES)
}

/// The usual name of a country or state written another way.
fn region_name(region: &str) -> &str {
    const OTHER_NAMES: &[(&str, &[&str])] = &[
        (
            "UK",
            &[
                "United Kingdom",
                "England",
                "Great Britain",
                "GB",
                "Scotland",
                "Wales",
            ],
        ),
        (
            "US",
            &[
                "USA",
                "United States",
                "United States of America",
                "U.S.",
                "U.S.A.",
            ],
        ),
        ("Germany", &["Deutschland", "DE"]),
        ("Netherlands", &["The Netherlands", "Holland", "NL"]),
        ("Switzerland", &["Schweiz", "Suisse", "CH"]),
        ("Spain", &["España", "ES"]),
        ("France", &["FR"]),
        ("UAE", &["United Arab Emirates"]),
        ("India", &["IN"]),
        ("Nigeria", &["NG"]),
        ("Canada", &["CA-ON", "CAN"]),
    ];
    canonical_place(region, OTHER_NAMES)
}

fn canonical_place<'a>(name: &'a str, table: &[(&'static str, &[&str])]) -> &'a str {
    let name = name.trim();
    for (canonical, others) in table {
        let named = |o: &&str| {
            o.eq_ignore_ascii_case(name)
                || !name.is_ascii() && o.to_lowercase() == name.to_lowercase()
        };
        if others.iter().any(named) {
            return canonical;
        }
    }
    name
}

// --- compensation -----------------------------------------------------------------------------

/// What one unit of a currency is worth in US dollars, approximately (late 2025). Good enough
/// to compare an expectation with a budget in another currency; a currency not listed makes
/// such a comparison unknown rather than wrong.
const USD_PER_UNIT: &[(&str, f64)] = &[
    ("USD", 1.0),
    ("EUR", 1.16),
    ("GBP", 1.33),
    ("CHF", 1.25),
    ("CAD", 0.72),
    ("AUD", 0.66),
    ("NZD", 0.58),
    ("JPY", 0.0066),
    ("CNY", 0.14),
    ("INR", 0.0113),
    ("SGD", 0.77),
    ("HKD", 0.128),
    ("SEK", 0.105),
    ("NOK", 0.099),
    ("DKK", 0.155),
    ("PLN", 0.27),
    ("CZK", 0.048),
    ("HUF", 0.003),
    ("RON", 0.23),
    ("BRL", 0.185),
    ("MXN", 0.054),
    ("ZAR", 0.057),
    ("NGN", 0.00068),
    ("KES", 0.0077),
    ("EGP", 0.021),
    ("AED", 0.272),
    ("SAR", 0.267),
    ("ILS", 0.30),
    ("TRY", 0.024),
    ("KRW", 0.0007),
    ("TWD", 0.032),
    ("THB", 0.030),
    ("MYR", 0.24),
    ("PHP", 0.017),
];

fn usd_per_unit(currency: &str) -> Option<f64> {
    USD_PER_UNIT
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(currency.trim()))
        .map(|&(_, rate)| rate)
}

/// The most a demand pays: its maximum, or 20% above its minimum when it states only that.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    top: f64,
    currency: Option<String>,
}

impl Budget {
    pub fn of_demand(pay: Option<&Pay>) -> Option<Budget> {
        let pay = pay?;
        let top = match (pay.min, pay.max) {
            (_, Some(max)) => max as f64,
            (Some(min), None) => min as f64 * 1.2,
            (None, None) => return None,
        };
        Some(Budget {
            top,
            currency: pay
                .currency
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase()),
        })
    }
}

/// Scores the supply's expectation (the bottom of its range) against the budget: full marks
/// within it, a quarter of the score lost per 10% above it. A currency on one side only is
/// taken as the other side's; two currencies are converted ([`USD_PER_UNIT`]).
pub fn compensation(budget: Option<&Budget>, supply: &Supply) -> Axis {
    let (Some(budget), Some(pay)) = (budget, supply.pay.as_ref()) else {
        return Axis::UNKNOWN;
    };
    let Some(expected) = pay.min.or(pay.max) else {
        return Axis::UNKNOWN;
    };
    let mut expected = expected as f64;
    if let (Some(ours), Some(theirs)) = (&budget.currency, pay.currency.as_deref())
        && !ours.eq_ignore_ascii_case(theirs.trim())
    {
        let (Some(ours), Some(theirs)) = (usd_per_unit(ours), usd_per_unit(theirs)) else {
            return Axis::UNKNOWN;
        };
        expected = expected * theirs / ours;
    }
    if expected <= budget.top || budget.top <= 0.0 {
        return Axis::known(100.0);
    }
    let over = (expected - budget.top) / budget.top;
    Axis::known(100.0 - 250.0 * over)
}

// --- availability -----------------------------------------------------------------------------

/// Scores when the supply can start: now is best, then by notice period; engaged elsewhere
/// or not looking score low. Demands say nothing about start dates yet, so only the supply's
/// side counts.
pub fn availability(supply: &Supply) -> Axis {
    let notice = |days: Option<u32>| match days {
        None => 70.0,
        Some(0) => 100.0,
        Some(1..=14) => 95.0,
        Some(15..=30) => 85.0,
        Some(31..=60) => 70.0,
        Some(61..=90) => 55.0,
        Some(_) => 40.0,
    };
    match supply.availability {
        Some(Availability::Available) => Axis::known(100.0),
        Some(Availability::NoticePeriod) => Axis::known(notice(supply.notice_period_days)),
        Some(Availability::Engaged) => Axis::known(30.0),
        Some(Availability::NotLooking) => Axis::known(10.0),
        None => match supply.notice_period_days {
            Some(days) => Axis::known(notice(Some(days))),
            None => Axis::UNKNOWN,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn with_skills(skills: &[&str]) -> Supply {
        Supply {
            skills: strings(skills),
            ..Supply::default()
        }
    }

    fn ask(required: &[&str], nice: &[&str]) -> SkillsAsk {
        SkillsAsk::new(&strings(required), &strings(nice), "", "")
    }

    #[test]
    fn skills_are_canonicalised_on_both_sides() {
        let ask = ask(&["Postgres", "k8s", "golang"], &[]);
        let names: Vec<&str> = ask.slots().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["PostgreSQL", "Kubernetes", "Go"]);
        let fit = ask.fit(&with_skills(&["postgresql", "Kubernetes", "Go"]));
        assert_eq!(fit.axis, Axis::known(100.0));
        assert_eq!(fit.credits, [100, 100, 100]);
    }

    #[test]
    fn required_skills_weigh_twice_the_nice_ones() {
        let ask = ask(&["Rust"], &["Kafka"]);
        assert_eq!(ask.fit(&with_skills(&["Rust"])).axis.score, 67);
        assert_eq!(ask.fit(&with_skills(&["Kafka"])).axis.score, 33);
    }

    #[test]
    fn a_related_skill_earns_partial_credit() {
        let ask = ask(&["Django"], &[]);
        assert_eq!(
            ask.fit(&with_skills(&["Flask"])).axis.score,
            50,
            "close family"
        );
        assert_eq!(
            ask.fit(&with_skills(&["Rails"])).axis.score,
            25,
            "shares `backend`"
        );
        assert_eq!(ask.fit(&with_skills(&["Photoshop"])).axis.score, 0);
        assert_eq!(
            ask.fit(&with_skills(&["Flask", "Django"])).axis.score,
            100,
            "the best credit counts"
        );
    }

    #[test]
    fn a_skill_named_only_in_free_text_earns_most_of_the_credit() {
        let ask = ask(&["Kafka", "Rust"], &[]);
        let supply = Supply {
            skills: strings(&["Rust"]),
            text: "Ran Apache Kafka clusters; some JavaScript".into(),
            ..Supply::default()
        };
        assert_eq!(ask.fit(&supply).credits, [80, 100]);
        let headline = Supply {
            headline: Some("Kafka and Rust engineer".into()),
            ..Supply::default()
        };
        assert_eq!(ask.fit(&headline).credits, [80, 80]);
    }

    #[test]
    fn only_the_beginning_of_a_long_text_is_searched() {
        let ask = ask(&["Kafka"], &[]);
        let late = Supply {
            text: format!("{} Kafka", "word ".repeat(TEXT_SCANNED / 5)),
            ..Supply::default()
        };
        assert_eq!(ask.fit(&late).credits, [0]);
        assert_eq!(beginning("Reactive systems", 5), "", "never half a word");
        assert_eq!(beginning("ab cd ef", 7), "ab cd");
        assert_eq!(beginning("ab cd ef", 5), "ab cd");
        assert_eq!(beginning("é", 1), "");
    }

    #[test]
    fn java_is_not_found_in_javascript() {
        let ask = ask(&["Java"], &[]);
        let supply = Supply {
            text: "JavaScript everywhere".into(),
            ..Supply::default()
        };
        assert_eq!(ask.fit(&supply).credits, [0]);
        assert_eq!(ask.fit(&with_skills(&["JavaScript"])).credits, [0]);
    }

    #[test]
    fn skills_unknown_to_the_vocabulary_match_by_name_and_lists_are_split() {
        let ask = ask(&["Zephyrology", "Django"], &[]);
        assert_eq!(ask.fit(&with_skills(&["zephyrology"])).credits, [100, 0]);
        let in_text = Supply {
            text: "Some zephyrology on the side".into(),
            ..Supply::default()
        };
        assert_eq!(ask.fit(&in_text).credits, [80, 0]);
        assert_eq!(ask.fit(&with_skills(&["Python/Django"])).credits, [0, 100]);
    }

    #[test]
    fn skills_without_data_on_a_side_are_unknown() {
        assert_eq!(
            ask(&[], &[]).fit(&with_skills(&["Rust"])).axis,
            Axis::UNKNOWN
        );
        assert_eq!(
            ask(&["Rust"], &[]).fit(&Supply::default()).axis,
            Axis::UNKNOWN
        );
    }

    #[test]
    fn a_demand_without_lists_asks_what_its_text_names_and_its_title_always_counts() {
        let from_text = SkillsAsk::new(&[], &[], "Backend Engineer", "We use Go and Postgres.");
        let names: Vec<&str> = from_text.slots().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Go", "PostgreSQL"]);
        let titled = SkillsAsk::new(&strings(&["Kafka"]), &[], "Rust Engineer", "Some Python.");
        let names: Vec<&str> = titled.slots().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Kafka", "Rust"],
            "the text is not read when lists are given"
        );
        assert!(titled.slots().iter().all(|s| s.required));
    }

    fn with_years(years: u32) -> Supply {
        Supply {
            experience_years: Some(years),
            ..Supply::default()
        }
    }

    #[test]
    fn years_asked_are_read_from_the_text_before_the_level() {
        let of = |t: &str| YearsAsked::of_demand(t, Some(Level::Junior));
        assert_eq!(
            of("5+ years of Rust"),
            Some(YearsAsked { min: 5, max: None })
        );
        assert_eq!(
            of("at least 7 years"),
            Some(YearsAsked { min: 7, max: None })
        );
        assert_eq!(
            of("3-5 years of experience"),
            Some(YearsAsked {
                min: 3,
                max: Some(5)
            })
        );
        assert_eq!(
            of("three years of professional experience").map(|y| y.min),
            Some(3)
        );
        assert_eq!(of("2+ years Python, 4+ years SQL").map(|y| y.min), Some(4));
        assert_eq!(
            of("Founded 10 years ago."),
            Some(YearsAsked {
                min: 0,
                max: Some(3)
            }),
            "not a requirement: the level's"
        );
        assert_eq!(YearsAsked::of_demand("", None), None);
    }

    #[test]
    fn experience_is_full_from_the_minimum_and_drops_below_it() {
        let five = Some(YearsAsked { min: 5, max: None });
        assert_eq!(experience(five, &with_years(5)).score, 100);
        assert_eq!(experience(five, &with_years(20)).score, 100);
        assert_eq!(experience(five, &with_years(4)).score, 72);
        assert_eq!(experience(five, &with_years(1)).score, 9);
        let junior = Some(YearsAsked {
            min: 0,
            max: Some(3),
        });
        assert_eq!(experience(junior, &with_years(0)).score, 100);
        assert_eq!(
            experience(junior, &with_years(8)).score,
            76,
            "overqualified"
        );
        assert_eq!(experience(five, &Supply::default()), Axis::UNKNOWN);
        assert_eq!(experience(None, &with_years(5)), Axis::UNKNOWN);
        let headline = Supply {
            headline: Some("Data engineer, 6 years in fintech".into()),
            ..Supply::default()
        };
        assert_eq!(experience(five, &headline).score, 100);
    }

    #[test]
    fn levels_are_read_from_titles() {
        for (title, level) in [
            ("Senior Backend Engineer", Some(Level::Senior)),
            ("Sr. Data Analyst", Some(Level::Senior)),
            ("Staff Engineer", Some(Level::Lead)),
            ("Tech Lead", Some(Level::Lead)),
            ("Principal Designer", Some(Level::Principal)),
            ("Junior Developer", Some(Level::Junior)),
            ("Software Engineering Intern", Some(Level::Intern)),
            ("Head of People", Some(Level::Director)),
            ("Senior Director of Sales", Some(Level::Director)),
            ("VP Engineering", Some(Level::Executive)),
            ("CTO", Some(Level::Executive)),
            ("Staff Nurse", None),
            ("Lead Generation Specialist", None),
            ("Software Engineer", None),
            ("Seniority Analyst", None),
        ] {
            assert_eq!(level_in_title(title), level, "{title}");
        }
    }

    #[test]
    fn seniority_prefers_the_same_level_and_penalises_below_more_than_above() {
        let titled = |t: &str| Supply {
            title: Some(t.into()),
            ..Supply::default()
        };
        let senior = Some(Level::Senior);
        assert_eq!(seniority(senior, &titled("Senior Engineer")).score, 100);
        assert_eq!(seniority(senior, &titled("Staff Engineer")).score, 75);
        assert_eq!(
            seniority(senior, &titled("Engineer")).score,
            60,
            "no marker: mid"
        );
        assert_eq!(seniority(senior, &titled("Junior Engineer")).score, 25);
        assert_eq!(seniority(senior, &titled("Engineering Intern")).score, 5);
        let stated = Supply {
            level: Some(Level::Senior),
            title: Some("Junior Engineer".into()),
            ..Supply::default()
        };
        assert_eq!(seniority(senior, &stated).score, 100, "a stated level wins");
        assert_eq!(seniority(senior, &with_years(6)).score, 100, "from years");
        assert_eq!(seniority(None, &titled("Senior Engineer")), Axis::UNKNOWN);
        assert_eq!(seniority(senior, &Supply::default()), Axis::UNKNOWN);
    }

    fn at(location: &str, mode: Option<WorkMode>, relocate: Option<bool>) -> Supply {
        Supply {
            location: Some(location.into()).filter(|l: &String| !l.is_empty()),
            work_mode: mode,
            willing_to_relocate: relocate,
            ..Supply::default()
        }
    }

    #[test]
    fn location_same_city_remote_hybrid_and_relocation() {
        let berlin = Place::of_demand(Some("Berlin, Germany"), Some(WorkMode::Onsite));
        assert_eq!(location(&berlin, &at("berlin", None, None)).score, 100);
        assert_eq!(
            location(&berlin, &at("Munich, Germany", None, None)).score,
            40
        );
        assert_eq!(
            location(&berlin, &at("Lagos, Nigeria", None, None)).score,
            10
        );
        assert_eq!(
            location(&berlin, &at("Lagos, Nigeria", None, Some(true))).score,
            75
        );
        assert_eq!(
            location(&berlin, &at("Berlin", Some(WorkMode::Remote), None)).score,
            40,
            "wants remote only"
        );
        assert_eq!(location(&berlin, &at("", None, Some(true))).score, 75);
        assert_eq!(location(&berlin, &at("", None, None)), Axis::UNKNOWN);

        let hybrid = Place::of_demand(Some("New York, NY"), Some(WorkMode::Hybrid));
        assert_eq!(
            location(&hybrid, &at("NYC", None, None)).score,
            100,
            "other name"
        );
        assert_eq!(location(&hybrid, &at("Boston, MA", None, None)).score, 15);

        let remote = Place::of_demand(Some("Remote"), None);
        assert_eq!(location(&remote, &at("Lagos", None, None)).score, 100);
        assert_eq!(
            location(&remote, &at("Lagos", Some(WorkMode::Onsite), None)).score,
            70
        );
        assert_eq!(location(&remote, &Supply::default()).score, 100);

        let country = Place::of_demand(Some("Germany"), None);
        assert_eq!(
            location(&country, &at("Munich, Germany", None, None)).score,
            100
        );
        assert_eq!(
            location(&Place::default(), &at("Berlin", None, None)),
            Axis::UNKNOWN
        );
    }

    fn expecting(min: u64, currency: &str) -> Supply {
        Supply {
            pay: Some(Pay {
                min: Some(min),
                max: None,
                currency: Some(currency.into()),
            }),
            ..Supply::default()
        }
    }

    #[test]
    fn compensation_within_budget_over_it_and_in_other_currencies() {
        let budget = Budget::of_demand(Some(&Pay {
            min: Some(80_000),
            max: Some(100_000),
            currency: Some("EUR".into()),
        }));
        let b = budget.as_ref();
        assert_eq!(compensation(b, &expecting(90_000, "EUR")).score, 100);
        assert_eq!(compensation(b, &expecting(110_000, "EUR")).score, 75);
        assert_eq!(compensation(b, &expecting(150_000, "EUR")).score, 0);
        // 100,000 USD is about 86,000 EUR.
        assert_eq!(compensation(b, &expecting(100_000, "usd")).score, 100);
        assert_eq!(compensation(b, &expecting(100_000, "GBP")).score, 63);
        assert_eq!(compensation(b, &expecting(90_000, "XYZ")), Axis::UNKNOWN);
        let no_currency = Supply {
            pay: Some(Pay {
                min: Some(90_000),
                ..Pay::default()
            }),
            ..Supply::default()
        };
        assert_eq!(compensation(b, &no_currency).score, 100, "taken as EUR");
        assert_eq!(compensation(None, &expecting(1, "EUR")), Axis::UNKNOWN);
        assert_eq!(compensation(b, &Supply::default()), Axis::UNKNOWN);
        let floor_only = Budget::of_demand(Some(&Pay {
            min: Some(100),
            max: None,
            currency: None,
        }));
        assert_eq!(
            compensation(floor_only.as_ref(), &expecting(120, "EUR")).score,
            100
        );
    }

    #[test]
    fn availability_now_notice_engaged_and_not_looking() {
        let when = |a: Option<Availability>, days: Option<u32>| Supply {
            availability: a,
            notice_period_days: days,
            ..Supply::default()
        };
        assert_eq!(
            availability(&when(Some(Availability::Available), None)).score,
            100
        );
        assert_eq!(
            availability(&when(Some(Availability::NoticePeriod), Some(30))).score,
            85
        );
        assert_eq!(
            availability(&when(Some(Availability::NoticePeriod), Some(90))).score,
            55
        );
        assert_eq!(
            availability(&when(Some(Availability::NoticePeriod), None)).score,
            70
        );
        assert_eq!(
            availability(&when(Some(Availability::Engaged), None)).score,
            30
        );
        assert_eq!(
            availability(&when(Some(Availability::NotLooking), None)).score,
            10
        );
        assert_eq!(availability(&when(None, Some(14))).score, 95);
        assert_eq!(availability(&when(None, None)), Axis::UNKNOWN);
    }
}
