//! [`Matcher`]: a demand read once, then any number of supplies scored against it — the six
//! axes ([`super::axes`]), their weighted sum and a sentence saying why.

use super::axes::{self, Axis, Budget, Place, SkillsAsk, YearsAsked};
use super::vocabulary::vocabulary;
use super::{Breakdown, Demand, Scored, Supply, Weights};
use crate::domain::jobs::Level;

/// The axes in the order of [`Breakdown`] and [`Weights`], by the names answers use.
const AXES: [&str; 6] = [
    "skills",
    "experience",
    "seniority",
    "location",
    "compensation",
    "availability",
];

/// How many skill names a reason lists before "and N more".
const NAMES_IN_REASON: usize = 5;

/// A credit from which a skill counts as matched (listed, or named in the free text).
const MATCHED: u8 = 80;

/// A supply's score and axes, before [`Matcher::explain`] names its skills and says why.
#[derive(Debug, Clone)]
pub struct Rated {
    pub score: u8,
    axes: [Axis; 6],
    /// Each slot's skill credit, in slot order.
    credits: Vec<u8>,
}

/// One demand, prepared for scoring supplies against it: skills canonicalised, years and
/// level read, place and budget parsed.
pub struct Matcher {
    /// The weights, in [`AXES`] order; all zero is taken as all equal.
    weights: [u32; 6],
    skills: SkillsAsk,
    years: Option<YearsAsked>,
    level: Option<Level>,
    place: Place,
    budget: Option<Budget>,
    title: String,
}

impl Matcher {
    pub fn new(demand: &Demand, weights: &Weights) -> Matcher {
        let w = [
            weights.skills,
            weights.experience,
            weights.seniority,
            weights.location,
            weights.compensation,
            weights.availability,
        ];
        let level = demand.level.or_else(|| axes::level_in_title(&demand.title));
        Matcher {
            weights: if w.iter().all(|&x| x == 0) { [1; 6] } else { w },
            skills: SkillsAsk::new(
                &demand.required_skills,
                &demand.nice_skills,
                &demand.title,
                &demand.text,
            ),
            years: YearsAsked::of_demand(&demand.text, level),
            level,
            place: Place::of_demand(demand.location.as_deref(), demand.work_mode),
            budget: Budget::of_demand(demand.pay.as_ref()),
            title: demand.title.clone(),
        }
    }

    /// Scores one supply: each axis, their weighted sum (rounded), the demand's skills it has
    /// and the required ones it lacks, and a sentence saying so.
    pub fn score(&self, supply: &Supply) -> Scored {
        self.explain(self.rate(supply))
    }

    /// The axes and their weighted sum: what ranking needs, without the names and the
    /// sentence ([`Matcher::explain`] adds them to the few that are shown).
    pub fn rate(&self, supply: &Supply) -> Rated {
        let skills = self.skills.fit(supply);
        let axes = [
            skills.axis,
            axes::experience(self.years, supply),
            axes::seniority(self.level, supply),
            axes::location(&self.place, supply),
            axes::compensation(self.budget.as_ref(), supply),
            axes::availability(supply),
        ];
        let total: u32 = self.weights.iter().sum();
        let earned: u32 = axes
            .iter()
            .zip(self.weights)
            .map(|(axis, w)| u32::from(axis.score) * w)
            .sum();
        Rated {
            score: ((earned + total / 2) / total) as u8,
            axes,
            credits: skills.credits,
        }
    }

    /// A rated supply's skills named (matched, and the required ones missing) and its reason.
    pub fn explain(&self, rated: Rated) -> Scored {
        let Rated {
            score,
            axes,
            credits,
        } = rated;
        let mut matched = Vec::new();
        let mut missing = Vec::new();
        let slots = self.skills.slots();
        // Required first: the slots list them first except those a title adds after the lists.
        for required in [true, false] {
            for (slot, &credit) in slots.iter().zip(&credits) {
                if slot.required != required {
                    continue;
                }
                if credit >= MATCHED {
                    matched.push(slot.name.clone());
                } else if required {
                    missing.push(slot.name.clone());
                }
            }
        }
        let partly = slots
            .iter()
            .zip(&credits)
            .any(|(s, &c)| s.required && c > 0 && c < MATCHED);
        let reason = self.reason(&axes, &matched, &missing, partly);
        Scored {
            score,
            breakdown: Breakdown {
                skills: axes[0].score,
                experience: axes[1].score,
                seniority: axes[2].score,
                location: axes[3].score,
                compensation: axes[4].score,
                availability: axes[5].score,
            },
            matched_skills: matched,
            missing_skills: missing,
            reason,
            strategy: super::STRATEGY.to_string(),
        }
    }

    /// "Matches Rust, PostgreSQL and Kubernetes; missing Kafka. Strongest: skills (92);
    /// weakest: compensation (40). Unknown: availability." Axes of weight 0 are left out.
    fn reason(
        &self,
        axes: &[Axis; 6],
        matched: &[String],
        missing: &[String],
        partly: bool,
    ) -> String {
        let mut out = String::new();
        let skills_known = axes[0].known;
        match (matched.is_empty(), missing.is_empty()) {
            _ if !skills_known => {}
            (false, false) => {
                out += &format!("Matches {}; missing {}.", names(matched), names(missing));
            }
            (false, true) => out += &format!("Matches {}.", names(matched)),
            (true, false) if partly => {
                out += &format!("Related skills only; missing {}.", names(missing));
            }
            (true, false) => out += &format!("Missing {}.", names(missing)),
            (true, true) => out += "None of the nice-to-have skills.",
        }
        let weighed = || (0..6).filter(|&i| self.weights[i] > 0);
        let known = || weighed().filter(|&i| axes[i].known);
        let strongest = known().max_by_key(|&i| (axes[i].score, std::cmp::Reverse(i)));
        let weakest = known().min_by_key(|&i| (axes[i].score, i));
        let axis = |i: usize| format!("{} ({})", AXES[i], axes[i].score);
        match (strongest, weakest, known().count()) {
            (Some(s), _, 1) => out += &format!(" Only known axis: {}.", axis(s)),
            (Some(s), Some(w), _) if axes[s].score == axes[w].score => {
                out += &format!(" Every known axis: {}.", axes[s].score);
            }
            (Some(s), Some(w), _) => {
                out += &format!(" Strongest: {}; weakest: {}.", axis(s), axis(w));
            }
            _ => {}
        }
        let unknown: Vec<&str> = weighed()
            .filter(|&i| !axes[i].known)
            .map(|i| AXES[i])
            .collect();
        if !unknown.is_empty() {
            out += &format!(" Unknown: {}.", join(&unknown));
        }
        out.trim_start().to_string()
    }

    /// The words a full-text recall should look for, lower case, each once: the demand's
    /// skills by every one-word name (`postgresql`, `postgres`, `psql`), the words of the
    /// others' names, then the title's words that say what the work is (not its level).
    /// Words are runs of letters and digits, as the search index splits text (`node.js` gives
    /// `node` and `js`); one-letter words are left out.
    pub fn recall_terms(&self) -> Vec<String> {
        let v = vocabulary();
        let mut terms: Vec<String> = Vec::new();
        let mut add = |text: &str| {
            for word in text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() > 1)
            {
                let word = word.to_lowercase();
                if !STOP_WORDS.contains(&word.as_str()) && !terms.contains(&word) {
                    terms.push(word);
                }
            }
        };
        for slot in self.skills.slots() {
            let names =
                std::iter::once(slot.name.as_str()).chain(v.aliases(&slot.name).iter().copied());
            let mut one_word = names
                .filter(|n| !n.contains(char::is_whitespace))
                .peekable();
            if one_word.peek().is_some() {
                one_word.for_each(&mut add);
            } else {
                add(&slot.name);
            }
        }
        add(&self.title);
        terms
    }
}

/// Words that say nothing about the work: grammar, levels, kinds of contract.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "of",
    "the",
    "for",
    "with",
    "in",
    "at",
    "to",
    "on",
    "senior",
    "sr",
    "junior",
    "jr",
    "staff",
    "lead",
    "principal",
    "intern",
    "mid",
    "level",
    "head",
    "remote",
    "hybrid",
    "onsite",
    "full",
    "part",
    "time",
    "contract",
    "freelance",
    "temporary",
    "m",
    "f",
    "d",
    "w",
    "x",
    "ii",
    "iii",
    "iv",
];

/// "A, B and C", or "A, B, C, D, E and 3 more".
fn names<S: AsRef<str>>(list: &[S]) -> String {
    if list.len() > NAMES_IN_REASON {
        let shown = join_with(&list[..NAMES_IN_REASON], ", ");
        return format!("{shown} and {} more", list.len() - NAMES_IN_REASON);
    }
    join(list)
}

/// "A", "A and B", "A, B and C".
fn join<S: AsRef<str>>(list: &[S]) -> String {
    match list {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!("{} and {}", join_with(rest, ", "), last.as_ref()),
    }
}

fn join_with<S: AsRef<str>>(list: &[S], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            out += separator;
        }
        out += item.as_ref();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::{Availability, Pay, WorkMode};

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn backend_job() -> Demand {
        Demand {
            title: "Senior Backend Engineer".into(),
            text: "5+ years building services in Rust.".into(),
            required_skills: strings(&["Rust", "Postgres", "k8s", "Kafka"]),
            nice_skills: strings(&["gRPC"]),
            level: Some(Level::Senior),
            location: Some("Berlin, Germany".into()),
            work_mode: Some(WorkMode::Hybrid),
            pay: Some(Pay {
                min: Some(80_000),
                max: Some(100_000),
                currency: Some("EUR".into()),
            }),
        }
    }

    fn strong_candidate() -> Supply {
        Supply {
            title: Some("Senior Software Engineer".into()),
            headline: None,
            text: String::new(),
            skills: strings(&["rust", "PostgreSQL", "Kubernetes", "gRPC"]),
            experience_years: Some(7),
            level: None,
            location: Some("Berlin".into()),
            work_mode: Some(WorkMode::Hybrid),
            willing_to_relocate: None,
            pay: Some(Pay {
                min: Some(95_000),
                max: None,
                currency: Some("EUR".into()),
            }),
            availability: Some(Availability::Available),
            notice_period_days: None,
            mentions: None,
            known_skills: Vec::new(),
        }
    }

    #[test]
    fn equal_known_axes_are_not_called_the_only_known_one() {
        let demand = Demand {
            title: "Engineer".into(),
            text: String::new(),
            required_skills: strings(&["Rust"]),
            nice_skills: vec![],
            level: None,
            location: None,
            work_mode: None,
            pay: None,
        };
        let supply = Supply {
            title: None,
            headline: None,
            text: String::new(),
            skills: strings(&["rust"]),
            experience_years: None,
            level: None,
            location: None,
            work_mode: None,
            willing_to_relocate: None,
            pay: None,
            availability: Some(Availability::Available),
            notice_period_days: None,
            mentions: None,
            known_skills: Vec::new(),
        };
        let s = Matcher::new(&demand, &Weights::default()).score(&supply);
        assert_eq!((s.breakdown.skills, s.breakdown.availability), (100, 100));
        assert_eq!(
            s.reason,
            "Matches Rust. Every known axis: 100. \
             Unknown: experience, seniority, location and compensation."
        );
    }

    #[test]
    fn rating_then_explaining_is_scoring() {
        let m = Matcher::new(&backend_job(), &Weights::default());
        let rated = m.rate(&strong_candidate());
        assert_eq!(rated.score, m.score(&strong_candidate()).score);
        assert_eq!(m.explain(rated), m.score(&strong_candidate()));
    }

    #[test]
    fn the_score_is_the_weighted_sum_of_the_axes() {
        let m = Matcher::new(&backend_job(), &Weights::default());
        let s = m.score(&strong_candidate());
        assert_eq!(
            s.breakdown,
            Breakdown {
                // Kafka only related (gRPC is `messaging` too): (2·350 + 100) / 900
                skills: 89,
                experience: 100,
                seniority: 100,
                location: 100,
                compensation: 100,
                availability: 100,
            }
        );
        // (40·89 + 60·100) / 100
        assert_eq!(s.score, 96);
        assert_eq!(
            s.matched_skills,
            ["Rust", "PostgreSQL", "Kubernetes", "gRPC"]
        );
        assert_eq!(s.missing_skills, ["Kafka"]);
        assert_eq!(
            s.reason,
            "Matches Rust, PostgreSQL, Kubernetes and gRPC; missing Kafka. \
             Strongest: experience (100); weakest: skills (89)."
        );
    }

    #[test]
    fn weights_decide_and_zero_weights_leave_an_axis_out() {
        let over_budget = Supply {
            pay: Some(Pay {
                min: Some(120_000),
                max: None,
                currency: Some("EUR".into()),
            }),
            ..strong_candidate()
        };
        let pay_only = Weights {
            skills: 0,
            experience: 0,
            seniority: 0,
            location: 0,
            compensation: 1,
            availability: 0,
        };
        let s = Matcher::new(&backend_job(), &pay_only).score(&over_budget);
        assert_eq!(s.score, 50);
        assert!(
            s.reason.ends_with("Only known axis: compensation (50)."),
            "{}",
            s.reason
        );
        let none = Weights {
            skills: 0,
            experience: 0,
            seniority: 0,
            location: 0,
            compensation: 0,
            availability: 0,
        };
        // All zero: all equal. (89 + 100·4 + 50) / 6
        assert_eq!(
            Matcher::new(&backend_job(), &none)
                .score(&over_budget)
                .score,
            90
        );
    }

    #[test]
    fn unknown_axes_score_neutral_and_are_named() {
        let m = Matcher::new(&backend_job(), &Weights::default());
        let s = m.score(&Supply {
            skills: strings(&["Rust"]),
            ..Supply::default()
        });
        assert_eq!(s.breakdown.experience, 50);
        assert_eq!(s.breakdown.availability, 50);
        assert!(
            s.reason.ends_with(
                "Unknown: experience, seniority, location, compensation and availability."
            ),
            "{}",
            s.reason
        );
        let empty = Matcher::new(&Demand::default(), &Weights::default());
        let s = empty.score(&Supply::default());
        assert_eq!(s.score, 50);
        assert_eq!(
            s.reason,
            "Unknown: skills, experience, seniority, location, compensation and availability."
        );
    }

    #[test]
    fn the_reason_names_related_only_and_long_lists() {
        let job = Demand {
            required_skills: strings(&["Django"]),
            ..Demand::default()
        };
        let s = Matcher::new(&job, &Weights::default()).score(&Supply {
            skills: strings(&["Flask"]),
            ..Supply::default()
        });
        assert!(
            s.reason.starts_with("Related skills only; missing Django."),
            "{}",
            s.reason
        );
        assert_eq!(
            names(&strings(&["A", "B", "C", "D", "E", "F", "G"])),
            "A, B, C, D, E and 2 more"
        );
        assert_eq!(join(&strings(&["A", "B"])), "A and B");
    }

    #[test]
    fn better_fits_score_higher_on_each_axis() {
        let m = Matcher::new(&backend_job(), &Weights::default());
        let base = m.score(&strong_candidate()).score;
        let worse = [
            Supply {
                skills: strings(&["Java", "MySQL"]),
                ..strong_candidate()
            },
            Supply {
                experience_years: Some(2),
                ..strong_candidate()
            },
            Supply {
                title: Some("Junior Software Engineer".into()),
                ..strong_candidate()
            },
            Supply {
                location: Some("Lagos, Nigeria".into()),
                ..strong_candidate()
            },
            Supply {
                availability: Some(Availability::NotLooking),
                ..strong_candidate()
            },
        ];
        for supply in worse {
            assert!(m.score(&supply).score < base, "{supply:?}");
        }
    }

    #[test]
    fn scoring_is_deterministic() {
        let m = Matcher::new(&backend_job(), &Weights::default());
        assert_eq!(m.score(&strong_candidate()), m.score(&strong_candidate()));
    }

    #[test]
    fn recall_terms_are_skill_names_and_title_words() {
        let m = Matcher::new(&backend_job(), &Weights::default());
        let terms = m.recall_terms();
        for t in [
            "rust",
            "postgresql",
            "postgres",
            "kubernetes",
            "k8s",
            "kafka",
            "grpc",
            "backend",
            "engineer",
        ] {
            assert!(terms.contains(&t.to_string()), "{t} in {terms:?}");
        }
        assert!(
            !terms.contains(&"senior".to_string()),
            "levels are not recall words"
        );
        let ml = Matcher::new(
            &Demand {
                title: "Machine Learning Engineer".into(),
                required_skills: strings(&["Node.js", "Product Discovery"]),
                ..Demand::default()
            },
            &Weights::default(),
        );
        let terms = ml.recall_terms();
        assert!(
            terms.contains(&"node".to_string()) && terms.contains(&"js".to_string()),
            "{terms:?}"
        );
        assert!(terms.contains(&"nodejs".to_string()));
        assert!(
            terms.contains(&"discovery".to_string()),
            "words of a multi-word name"
        );
        assert!(terms.contains(&"machine".to_string()));
        let mut unique = terms.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), terms.len());
    }
}
