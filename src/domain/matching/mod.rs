//! Matching: how well a candidate (or a talent profile) fits a job (or a project slot), on six
//! axes each scored 0–100 — skills, experience, seniority, location / remote, compensation,
//! availability — and their weighted sum. Deterministic and offline.
//!
//! The engine knows neither records nor storage: callers describe the two sides as a
//! [`Demand`] (a job, a slot) and a [`Supply`] (a candidate, a person), prepare a [`Matcher`]
//! once per demand and score as many supplies as they like with it.

pub mod answer;
mod axes;
pub mod find;
pub mod log;
pub mod profile;
mod score;
pub mod semantic;
pub mod vocabulary;

pub use axes::level_in_title;
pub use score::{Matcher, Rated};

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use crate::domain::jobs::Level;

named_enum! {
    /// How someone works or a job is done: at the office, partly remote, fully remote.
    pub enum WorkMode {
        Onsite = "onsite",
        Hybrid = "hybrid",
        Remote = "remote",
    }
}

named_enum! {
    /// When someone can start.
    pub enum Availability {
        /// Free to start now.
        Available = "available",
        /// Serving a notice period (`notice_period_days` says how long).
        NoticePeriod = "notice_period",
        /// Engaged elsewhere (on a contract or a project).
        Engaged = "engaged",
        /// Not looking for a move.
        NotLooking = "not_looking",
    }
}

/// An amount range in one currency, per year for salaries (jobs, candidates) and per day for
/// rates (slots, people): the two sides of one match are always in the same unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pay {
    pub min: Option<u64>,
    pub max: Option<u64>,
    /// ISO 4217 code, upper case (`EUR`).
    pub currency: Option<String>,
}

/// What a job or a slot asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Demand {
    pub title: String,
    /// The description: words that recall finds candidates by, years asked for ("5+ years").
    pub text: String,
    pub required_skills: Vec<String>,
    pub nice_skills: Vec<String>,
    pub level: Option<Level>,
    pub location: Option<String>,
    /// `None`: not said.
    pub work_mode: Option<WorkMode>,
    pub pay: Option<Pay>,
}

/// What a candidate or a person offers.
#[derive(Debug, Clone, Default)]
pub struct Supply {
    pub title: Option<String>,
    pub headline: Option<String>,
    /// Free text besides the fields: notes, resume text.
    pub text: String,
    pub skills: Vec<String>,
    pub experience_years: Option<u32>,
    /// Stated seniority (a person's); otherwise read from the title.
    pub level: Option<Level>,
    pub location: Option<String>,
    /// How they want to work; `None`: not said.
    pub work_mode: Option<WorkMode>,
    pub willing_to_relocate: Option<bool>,
    /// Expected salary (candidates) or rate (people).
    pub pay: Option<Pay>,
    pub availability: Option<Availability>,
    pub notice_period_days: Option<u32>,
    /// The vocabulary's skills named in the title, headline and text, when they were found
    /// once already (a [`profile`] read back): scoring then reads these instead of the text.
    pub mentions: Option<Vec<u16>>,
    /// Listed skills already resolved to the vocabulary (a [`profile`] read back); `skills`
    /// then holds only the others.
    pub known_skills: Vec<u16>,
}

/// The weight of each axis in the total score; a tenant setting (`match_weights` on
/// `/tenants/me`). Weights are relative: the score divides by their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct Weights {
    #[oai(validator(maximum(value = "100")))]
    pub skills: u32,
    #[oai(validator(maximum(value = "100")))]
    pub experience: u32,
    #[oai(validator(maximum(value = "100")))]
    pub seniority: u32,
    #[oai(validator(maximum(value = "100")))]
    pub location: u32,
    #[oai(validator(maximum(value = "100")))]
    pub compensation: u32,
    #[oai(validator(maximum(value = "100")))]
    pub availability: u32,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            skills: 40,
            experience: 15,
            seniority: 15,
            location: 10,
            compensation: 10,
            availability: 10,
        }
    }
}

impl Weights {
    /// The sum of the weights: what a weighted sum divides by.
    pub fn total(&self) -> u32 {
        self.skills
            + self.experience
            + self.seniority
            + self.location
            + self.compensation
            + self.availability
    }
}

/// Each axis's score, 0–100: the six points of the "spider" chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Object)]
pub struct Breakdown {
    pub skills: u8,
    pub experience: u8,
    pub seniority: u8,
    pub location: u8,
    pub compensation: u8,
    pub availability: u8,
}

/// One supply scored against one demand: what every match shows of its score (flattened into
/// candidate, job and slot matches).
#[derive(Debug, Clone, PartialEq, Object)]
pub struct Scored {
    /// 0–100: the weighted sum of `breakdown`.
    pub score: u8,
    /// Matched and missing skills, the strongest and the weakest axis, in a sentence.
    pub reason: String,
    /// The scorer that ran: `hybrid` (index recall, then six weighted axes) or `semantic`
    /// (the same, widened and blended by similarity of meaning).
    pub strategy: String,
    pub breakdown: Breakdown,
    /// The demand's skills the supply has (canonical names, required first).
    pub matched_skills: Vec<String>,
    /// The demand's required skills the supply lacks (canonical names).
    pub missing_skills: Vec<String>,
}

/// The scorer's name in answers (`strategy`).
pub const STRATEGY: &str = "hybrid";
