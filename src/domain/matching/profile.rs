//! A supply's profile: what the axes read of it, with the skills its free text names found
//! once. The search index keeps each candidate's profile in a fast column, so matching rates
//! what recall finds without reading the records or searching their text again; the few it
//! shows are then scored from the records themselves ([`super::find`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::axes::{free_texts, supply_level};
use super::vocabulary::vocabulary;
use super::{Availability, Pay, Supply, WorkMode};
use crate::domain::jobs::Level;

/// Short keys: a profile is stored for every candidate.
#[derive(Serialize, Deserialize)]
struct Profile {
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    headline: Option<String>,
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    skills: Vec<String>,
    #[serde(rename = "y", default, skip_serializing_if = "Option::is_none")]
    experience_years: Option<u32>,
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    level: Option<Level>,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    #[serde(rename = "w", default, skip_serializing_if = "Option::is_none")]
    work_mode: Option<WorkMode>,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    willing_to_relocate: Option<bool>,
    /// min, max, currency.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pay: Option<(Option<u64>, Option<u64>, Option<String>)>,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    availability: Option<Availability>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    notice_period_days: Option<u32>,
    /// The vocabulary's skills the free texts name; `None` when they have no words.
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    mentions: Option<Vec<u16>>,
    /// The listed skills the vocabulary knows (`skills` holds the others).
    #[serde(rename = "k", default, skip_serializing_if = "Vec::is_empty")]
    known_skills: Vec<u16>,
    /// The [`fingerprint`] of the supply the profile was made from.
    #[serde(rename = "f", default)]
    fingerprint: u64,
}

/// A profile read back: the supply it describes and the [`fingerprint`] of the supply it was
/// made from.
pub struct Profiled {
    pub supply: Supply,
    pub fingerprint: u64,
}

/// A digest of everything the axes read of `supply` (as [`super::find::supply`] makes it of a
/// record): equal fingerprints rate alike, so a record whose fingerprint is its profile's
/// need not be rated again. A profile stored before fingerprints existed has 0, which no
/// supply digests to in practice; it is then rated from the record, as it always was.
pub fn fingerprint(supply: &Supply) -> u64 {
    let fields = serde_json::to_vec(&(
        &supply.title,
        &supply.headline,
        &supply.skills,
        supply.experience_years,
        supply.level,
        &supply.location,
        supply.work_mode,
        supply.willing_to_relocate,
        supply
            .pay
            .as_ref()
            .map(|p| (p.min, p.max, p.currency.as_deref())),
        supply.availability,
        supply.notice_period_days,
        &supply.mentions,
        &supply.known_skills,
    ))
    .expect("a supply serializes");
    let digest = Sha256::new()
        .chain_update((fields.len() as u64).to_le_bytes())
        .chain_update(&fields)
        .chain_update(supply.text.as_bytes())
        .finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// `supply`'s profile, its free texts searched for skills.
pub fn of(supply: &Supply) -> Vec<u8> {
    let mut mentions: Option<Vec<u16>> = None;
    for text in free_texts(supply) {
        let found = mentions.get_or_insert_with(Vec::new);
        vocabulary().find_in(text, |skill| {
            if !found.contains(&skill) {
                found.push(skill);
            }
        });
    }
    let mut known_skills = supply.known_skills.clone();
    let mut skills = Vec::new();
    for entry in &supply.skills {
        match vocabulary().id(entry) {
            Some(id) => known_skills.push(id),
            None => skills.push(entry.clone()),
        }
    }
    let profile = Profile {
        title: supply.title.clone(),
        headline: supply.headline.clone(),
        skills,
        experience_years: supply.experience_years,
        // As the axes would read it from the title, the headline or the years.
        level: supply_level(supply),
        location: supply.location.clone(),
        work_mode: supply.work_mode,
        willing_to_relocate: supply.willing_to_relocate,
        pay: supply
            .pay
            .as_ref()
            .map(|p| (p.min, p.max, p.currency.clone())),
        availability: supply.availability,
        notice_period_days: supply.notice_period_days,
        mentions,
        known_skills,
        fingerprint: fingerprint(supply),
    };
    serde_json::to_vec(&profile).expect("a profile serializes")
}

/// The supply a profile describes, without its free text (its skills are in `mentions`);
/// `None` when the bytes are not a profile.
pub fn read(bytes: &[u8]) -> Option<Profiled> {
    let p: Profile = serde_json::from_slice(bytes).ok()?;
    let supply = Supply {
        title: p.title,
        headline: p.headline,
        text: String::new(),
        skills: p.skills,
        experience_years: p.experience_years,
        level: p.level,
        location: p.location,
        work_mode: p.work_mode,
        willing_to_relocate: p.willing_to_relocate,
        pay: p.pay.map(|(min, max, currency)| Pay { min, max, currency }),
        availability: p.availability,
        notice_period_days: p.notice_period_days,
        mentions: p.mentions,
        known_skills: p.known_skills,
    };
    Some(Profiled {
        supply,
        fingerprint: p.fingerprint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::{Demand, Matcher, Weights};

    fn supply(text: &str, skills: &[&str]) -> Supply {
        Supply {
            title: Some("Senior Backend Engineer".into()),
            headline: Some("Payments, Go and Postgres".into()),
            text: text.into(),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            experience_years: Some(6),
            level: None,
            location: Some("Berlin".into()),
            work_mode: Some(WorkMode::Hybrid),
            willing_to_relocate: Some(true),
            pay: Some(Pay {
                min: Some(90_000),
                max: None,
                currency: Some("EUR".into()),
            }),
            availability: Some(Availability::NoticePeriod),
            notice_period_days: Some(30),
            mentions: None,
            known_skills: Vec::new(),
        }
    }

    fn demand(required: &[&str], nice: &[&str]) -> Demand {
        Demand {
            title: "Backend Engineer".into(),
            text: "At least 5 years of backend work.".into(),
            required_skills: required.iter().map(|s| s.to_string()).collect(),
            nice_skills: nice.iter().map(|s| s.to_string()).collect(),
            level: Some(Level::Senior),
            location: Some("Berlin, Germany".into()),
            work_mode: Some(WorkMode::Remote),
            pay: Some(Pay {
                min: Some(80_000),
                max: Some(100_000),
                currency: Some("EUR".into()),
            }),
        }
    }

    #[test]
    fn a_profile_rates_as_the_supply_it_was_made_from() {
        let supplies = [
            supply(
                "Built Kafka pipelines and ran Kubernetes clusters.",
                &["Rust"],
            ),
            supply("", &[]),
            supply("Nothing technical here.", &["python/django", "AWS"]),
            Supply {
                title: None,
                headline: None,
                ..supply("", &["Java"])
            },
        ];
        let demands = [
            demand(&["Rust", "Kafka"], &["k8s"]),
            demand(&["PostgreSQL"], &["Go"]),
            demand(&[], &[]),
            demand(&["Django", "JavaScript"], &[]),
        ];
        for d in &demands {
            let m = Matcher::new(d, &Weights::default());
            for s in &supplies {
                let read = read(&of(s)).expect("a profile reads back");
                assert_eq!(read.fingerprint, fingerprint(s));
                assert_eq!(
                    m.score(&read.supply),
                    m.score(s),
                    "{:?} for {:?}",
                    s.text,
                    d.required_skills
                );
            }
        }
    }

    #[test]
    fn a_fingerprint_changes_with_anything_the_axes_read() {
        let base = supply("Built Kafka pipelines.", &["Rust"]);
        let f = fingerprint(&base);
        assert_eq!(f, fingerprint(&supply("Built Kafka pipelines.", &["Rust"])));
        let changed = [
            supply("Built Kafka pipelines!", &["Rust"]),
            supply("Built Kafka pipelines.", &["Rust", "Go"]),
            Supply {
                experience_years: Some(7),
                ..supply("Built Kafka pipelines.", &["Rust"])
            },
            Supply {
                notice_period_days: None,
                ..supply("Built Kafka pipelines.", &["Rust"])
            },
            Supply {
                pay: None,
                ..supply("Built Kafka pipelines.", &["Rust"])
            },
            Supply {
                location: Some("Munich".into()),
                ..supply("Built Kafka pipelines.", &["Rust"])
            },
        ];
        for c in &changed {
            assert_ne!(fingerprint(c), f, "{:?}", c.text);
        }
    }

    #[test]
    fn other_bytes_are_not_a_profile() {
        assert!(read(b"").is_none());
        assert!(read(b"[1,2]").is_none());
    }
}
