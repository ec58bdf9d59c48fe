//! Writes the labelled matching set: for each job, a pool of candidates made as controlled
//! variants of the job's ideal candidate, each grade following from how it was made.
//!
//! - grade 3 — the ideal candidate: the job's skills as listed, or written other ways
//!   (`Postgres`, `k8s`, lower case), or some named only in the resume text; in budget, asked in
//!   another currency;
//! - grade 2 — one minor gap: a required skill missing, half the required skills swapped for
//!   related ones (Flask for Django), one level off, a 90-day notice, 12% over budget, living
//!   elsewhere but willing to relocate, engaged elsewhere;
//! - grade 1 — one major gap (two levels below, another country and not relocating for an
//!   on-site or hybrid job, 45% over budget, not looking, all but one required skill missing),
//!   or two minor gaps;
//! - grade 0 — a minor and a major gap, two major gaps, or another trade altogether.
//!
//! Like real records, some leave out their pay, availability, years or way of working (never
//! the field their gap is about) and list a few skills of no bearing on the job.
//!
//! The generator knows its own aliases, related skills and exchange rates: it does not read
//! the engine's vocabulary, so the set tests the engine rather than echoing it. Deterministic
//! (its own SplitMix64), so the committed file is exactly what it writes.

use hirebase::domain::jobs::Level;
use hirebase::domain::matching::{Availability, WorkMode};

use super::{EvalCandidate, EvalJob, EvalPay, EvalSet};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trade {
    Tech,
    Creative,
    Business,
    Care,
}

struct Role {
    title: &'static str,
    trade: Trade,
    /// Skills a job of this role asks for, most essential first.
    required: &'static [&'static str],
    nice: &'static [&'static str],
    /// Other ways people write some of them.
    aliases: &'static [(&'static str, &'static str)],
    /// A related skill for some of them (same family of tools).
    related: &'static [(&'static str, &'static str)],
    /// Yearly pay of the mid level, in US dollars, in the US.
    mid_pay_usd: u64,
    duties: &'static str,
}

const ROLES: &[Role] = &[
    Role {
        title: "Backend Engineer",
        trade: Trade::Tech,
        required: &["Rust", "PostgreSQL", "Kubernetes", "Kafka", "Docker"],
        nice: &["gRPC", "Terraform"],
        aliases: &[
            ("PostgreSQL", "Postgres"),
            ("Kubernetes", "k8s"),
            ("Kafka", "Apache Kafka"),
        ],
        related: &[
            ("Rust", "C++"),
            ("PostgreSQL", "MySQL"),
            ("Kafka", "RabbitMQ"),
            ("Kubernetes", "Nomad"),
            ("Docker", "Podman"),
        ],
        mid_pay_usd: 140_000,
        duties: "You will design and run the services behind our payments platform.",
    },
    Role {
        title: "Go Developer",
        trade: Trade::Tech,
        required: &["Go", "PostgreSQL", "Redis", "Microservices", "AWS"],
        nice: &["Kubernetes", "GraphQL"],
        aliases: &[
            ("Go", "Golang"),
            ("PostgreSQL", "psql"),
            ("AWS", "Amazon Web Services"),
        ],
        related: &[
            ("Go", "Rust"),
            ("PostgreSQL", "MariaDB"),
            ("AWS", "Azure"),
            ("Redis", "MongoDB"),
        ],
        mid_pay_usd: 135_000,
        duties: "You will build the APIs our logistics partners integrate with.",
    },
    Role {
        title: "Frontend Engineer",
        trade: Trade::Tech,
        required: &["React", "TypeScript", "CSS", "Redux", "Jest"],
        nice: &["Next.js", "GraphQL"],
        aliases: &[("React", "ReactJS"), ("TypeScript", "TS"), ("CSS", "CSS3")],
        related: &[
            ("React", "Vue.js"),
            ("Redux", "React"),
            ("Jest", "Mocha"),
            ("TypeScript", "JavaScript"),
        ],
        mid_pay_usd: 125_000,
        duties: "You will own the web app our customers use every day.",
    },
    Role {
        title: "Python Developer",
        trade: Trade::Tech,
        required: &["Python", "Django", "PostgreSQL", "REST APIs", "Celery"],
        nice: &["Docker", "Redis"],
        aliases: &[
            ("REST APIs", "RESTful"),
            ("PostgreSQL", "Postgres"),
            ("Python", "python3"),
        ],
        related: &[
            ("Django", "Flask"),
            ("PostgreSQL", "MySQL"),
            ("Python", "Ruby"),
        ],
        mid_pay_usd: 120_000,
        duties: "You will extend the platform that schedules our clinics' appointments.",
    },
    Role {
        title: "Data Engineer",
        trade: Trade::Tech,
        required: &["Python", "SQL", "Spark", "Airflow", "Snowflake"],
        nice: &["dbt", "Kafka"],
        aliases: &[
            ("Spark", "PySpark"),
            ("Airflow", "Apache Airflow"),
            ("dbt", "data build tool"),
        ],
        related: &[
            ("Spark", "Flink"),
            ("Snowflake", "BigQuery"),
            ("Airflow", "dbt"),
            ("Python", "Scala"),
        ],
        mid_pay_usd: 130_000,
        duties: "You will build the pipelines that feed our analytics and models.",
    },
    Role {
        title: "Machine Learning Engineer",
        trade: Trade::Tech,
        required: &["Python", "Machine Learning", "PyTorch", "MLOps", "SQL"],
        nice: &["Kubernetes", "NLP"],
        aliases: &[
            ("Machine Learning", "ML"),
            ("NLP", "natural language processing"),
            ("MLOps", "ML Ops"),
        ],
        related: &[
            ("PyTorch", "TensorFlow"),
            ("Machine Learning", "Deep Learning"),
            ("MLOps", "Airflow"),
        ],
        mid_pay_usd: 150_000,
        duties: "You will train and ship the models that rank our search results.",
    },
    Role {
        title: "DevOps Engineer",
        trade: Trade::Tech,
        required: &["Kubernetes", "Terraform", "AWS", "CI/CD", "Linux"],
        nice: &["Prometheus", "Ansible"],
        aliases: &[
            ("Kubernetes", "K8s"),
            ("CI/CD", "continuous integration"),
            ("AWS", "Amazon Web Services"),
        ],
        related: &[
            ("Terraform", "Pulumi"),
            ("Kubernetes", "OpenShift"),
            ("AWS", "Google Cloud"),
            ("Prometheus", "Grafana"),
        ],
        mid_pay_usd: 135_000,
        duties: "You will keep our clusters healthy and our deploys boring.",
    },
    Role {
        title: "iOS Developer",
        trade: Trade::Tech,
        required: &["Swift", "iOS", "SwiftUI", "UIKit", "REST APIs"],
        nice: &["Objective-C", "Firebase"],
        aliases: &[("REST APIs", "REST"), ("Objective-C", "ObjC")],
        related: &[
            ("Swift", "Flutter"),
            ("SwiftUI", "Jetpack Compose"),
            ("iOS", "Android"),
        ],
        mid_pay_usd: 130_000,
        duties: "You will build our iPhone app for millions of riders.",
    },
    Role {
        title: "Security Engineer",
        trade: Trade::Tech,
        required: &[
            "Penetration Testing",
            "Threat Modeling",
            "SIEM",
            "Incident Response",
            "AWS",
        ],
        nice: &["Cloud Security", "ISO 27001"],
        aliases: &[
            ("Penetration Testing", "pentesting"),
            ("Threat Modeling", "threat modelling"),
        ],
        related: &[
            ("SIEM", "Splunk"),
            ("Penetration Testing", "Vulnerability Management"),
            ("AWS", "Azure"),
        ],
        mid_pay_usd: 145_000,
        duties: "You will find our weaknesses before anyone else does.",
    },
    Role {
        title: "Product Designer",
        trade: Trade::Creative,
        required: &[
            "Figma",
            "UX Research",
            "Prototyping",
            "Design Systems",
            "Usability Testing",
        ],
        nice: &["UI Design", "Illustrator"],
        aliases: &[
            ("UX Research", "user research"),
            ("UI Design", "UI"),
            ("Usability Testing", "user testing"),
        ],
        related: &[
            ("Figma", "Sketch"),
            ("Usability Testing", "User Interviews"),
            ("Illustrator", "Photoshop"),
        ],
        mid_pay_usd: 115_000,
        duties: "You will shape how people find and book our services.",
    },
    Role {
        title: "Product Manager",
        trade: Trade::Creative,
        required: &[
            "Product Management",
            "Roadmapping",
            "A/B Testing",
            "Stakeholder Management",
            "SQL",
        ],
        nice: &["Jira", "Agile"],
        aliases: &[
            ("A/B Testing", "split testing"),
            ("Roadmapping", "product roadmap"),
        ],
        related: &[
            ("A/B Testing", "Experimentation"),
            ("Roadmapping", "Product Strategy"),
            ("Jira", "Asana"),
        ],
        mid_pay_usd: 140_000,
        duties: "You will decide what our marketplace team builds next.",
    },
    Role {
        title: "Account Executive",
        trade: Trade::Business,
        required: &[
            "B2B Sales",
            "Salesforce",
            "Negotiation",
            "Pipeline Management",
            "SaaS Sales",
        ],
        nice: &["Lead Generation", "MEDDIC"],
        aliases: &[
            ("Salesforce", "SFDC"),
            ("Lead Generation", "prospecting"),
            ("Pipeline Management", "sales pipeline"),
        ],
        related: &[
            ("Salesforce", "HubSpot"),
            ("SaaS Sales", "Enterprise Sales"),
            ("B2B Sales", "Inside Sales"),
        ],
        mid_pay_usd: 110_000,
        duties: "You will close deals with mid-market logistics companies.",
    },
    Role {
        title: "Marketing Manager",
        trade: Trade::Business,
        required: &[
            "SEO",
            "Google Analytics",
            "Content Marketing",
            "Google Ads",
            "Email Marketing",
        ],
        nice: &["HubSpot", "Copywriting"],
        aliases: &[
            ("SEO", "search engine optimization"),
            ("Google Ads", "AdWords"),
            ("Google Analytics", "GA4"),
        ],
        related: &[
            ("SEO", "SEM"),
            ("Google Ads", "Meta Ads"),
            ("Email Marketing", "Marketing Automation"),
        ],
        mid_pay_usd: 105_000,
        duties: "You will grow the audience of our learning platform.",
    },
    Role {
        title: "Financial Analyst",
        trade: Trade::Business,
        required: &["FP&A", "Financial Modeling", "Excel", "Forecasting", "SAP"],
        nice: &["Power BI", "Budgeting"],
        aliases: &[
            ("FP&A", "financial planning and analysis"),
            ("Financial Modeling", "financial modelling"),
            ("Excel", "MS Excel"),
        ],
        related: &[
            ("SAP", "NetSuite"),
            ("Power BI", "Tableau"),
            ("Financial Modeling", "Valuation"),
        ],
        mid_pay_usd: 95_000,
        duties: "You will build the forecasts our leadership plans with.",
    },
    Role {
        title: "Accountant",
        trade: Trade::Business,
        required: &[
            "Accounting",
            "GAAP",
            "Reconciliation",
            "Month-End Close",
            "QuickBooks",
        ],
        nice: &["Tax", "Audit"],
        aliases: &[
            ("GAAP", "US GAAP"),
            ("Month-End Close", "month end close"),
            ("Reconciliation", "bank reconciliation"),
        ],
        related: &[
            ("QuickBooks", "Xero"),
            ("GAAP", "IFRS"),
            ("Month-End Close", "Financial Reporting"),
        ],
        mid_pay_usd: 80_000,
        duties: "You will keep the books of our growing group of companies.",
    },
    Role {
        title: "Technical Recruiter",
        trade: Trade::Business,
        required: &[
            "Recruiting",
            "Sourcing",
            "Interviewing",
            "Applicant Tracking Systems",
            "Employer Branding",
        ],
        nice: &["Talent Acquisition", "Negotiation"],
        aliases: &[
            ("Applicant Tracking Systems", "ATS"),
            ("Recruiting", "recruitment"),
            ("Sourcing", "candidate sourcing"),
        ],
        related: &[
            ("Recruiting", "Human Resources"),
            ("Sourcing", "Talent Acquisition"),
            ("Applicant Tracking Systems", "HRIS"),
        ],
        mid_pay_usd: 90_000,
        duties: "You will hire the engineers who build our product.",
    },
    Role {
        title: "ICU Nurse",
        trade: Trade::Care,
        required: &[
            "Registered Nursing",
            "Critical Care",
            "ACLS",
            "BLS",
            "Patient Care",
        ],
        nice: &["Epic", "Wound Care"],
        aliases: &[
            ("Registered Nursing", "RN"),
            ("Critical Care", "ICU"),
            ("ACLS", "Advanced Cardiac Life Support"),
        ],
        related: &[
            ("Critical Care", "Emergency Medicine"),
            ("Epic", "Cerner"),
            ("ACLS", "PALS"),
        ],
        mid_pay_usd: 95_000,
        duties: "You will care for critically ill patients in a 24-bed unit.",
    },
];

/// Skills any profile may list besides its trade's.
const NOISE: &[&str] = &[
    "Public Speaking",
    "Mentoring",
    "Technical Writing",
    "Git",
    "Communication",
    "Leadership",
    "Scrum",
    "Documentation",
    "Coaching",
    "Spanish",
    "German",
    "French",
];

struct City {
    name: &'static str,
    country: &'static str,
    currency: &'static str,
    /// Pay here relative to the US.
    pay_factor: f64,
}

const CITIES: &[City] = &[
    City {
        name: "Berlin",
        country: "Germany",
        currency: "EUR",
        pay_factor: 0.7,
    },
    City {
        name: "Munich",
        country: "Germany",
        currency: "EUR",
        pay_factor: 0.75,
    },
    City {
        name: "Amsterdam",
        country: "Netherlands",
        currency: "EUR",
        pay_factor: 0.7,
    },
    City {
        name: "Paris",
        country: "France",
        currency: "EUR",
        pay_factor: 0.65,
    },
    City {
        name: "London",
        country: "UK",
        currency: "GBP",
        pay_factor: 0.8,
    },
    City {
        name: "Manchester",
        country: "UK",
        currency: "GBP",
        pay_factor: 0.65,
    },
    City {
        name: "New York",
        country: "USA",
        currency: "USD",
        pay_factor: 1.1,
    },
    City {
        name: "Austin",
        country: "USA",
        currency: "USD",
        pay_factor: 0.95,
    },
    City {
        name: "Toronto",
        country: "Canada",
        currency: "CAD",
        pay_factor: 0.8,
    },
    City {
        name: "Sydney",
        country: "Australia",
        currency: "AUD",
        pay_factor: 0.85,
    },
    City {
        name: "Bangalore",
        country: "India",
        currency: "INR",
        pay_factor: 0.3,
    },
    City {
        name: "Lagos",
        country: "Nigeria",
        currency: "NGN",
        pay_factor: 0.25,
    },
];

/// US dollars per unit: the generator's own approximate rates.
fn usd_per(currency: &str) -> f64 {
    match currency {
        "EUR" => 1.1,
        "GBP" => 1.27,
        "CAD" => 0.74,
        "AUD" => 0.65,
        "INR" => 0.012,
        "NGN" => 0.00065,
        _ => 1.0,
    }
}

/// A deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

const LEVELS: [Level; 6] = [
    Level::Intern,
    Level::Junior,
    Level::Mid,
    Level::Senior,
    Level::Lead,
    Level::Principal,
];

fn level_index(level: Level) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap()
}

fn titled(level: Level, title: &str) -> String {
    match level {
        Level::Intern => format!("{title} Intern"),
        Level::Junior => format!("Junior {title}"),
        Level::Mid => title.to_string(),
        Level::Senior => format!("Senior {title}"),
        Level::Lead => format!("Lead {title}"),
        _ => format!("Principal {title}"),
    }
}

/// Years someone of `level` typically has.
fn years_at(level: Level, rng: &mut Rng) -> u32 {
    let (low, high) = match level {
        Level::Intern => (0, 0),
        Level::Junior => (1, 2),
        Level::Mid => (3, 4),
        Level::Senior => (6, 8),
        Level::Lead => (9, 12),
        _ => (13, 16),
    };
    low + rng.below((high - low + 1) as usize) as u32
}

/// Years a job of `level` asks for.
fn years_asked(level: Level) -> u32 {
    match level {
        Level::Intern => 0,
        Level::Junior => 1,
        Level::Mid => 3,
        Level::Senior => 5,
        Level::Lead => 8,
        _ => 12,
    }
}

fn pay_factor(level: Level) -> f64 {
    match level {
        Level::Intern => 0.4,
        Level::Junior => 0.7,
        Level::Mid => 1.0,
        Level::Senior => 1.3,
        Level::Lead => 1.6,
        _ => 1.9,
    }
}

fn round_thousands(x: f64) -> u64 {
    ((x / 1000.0).round() as u64).max(1) * 1000
}

/// The gaps a candidate can be made with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gap {
    // minor
    OneMissing,
    Related,
    OneLevelOff,
    LongNotice,
    SlightlyOver,
    Relocating,
    Engaged,
    // major
    TwoLevelsOff,
    WrongCountry,
    FarOver,
    NotLooking,
    MostlyMissing,
}

const MINOR: [Gap; 7] = [
    Gap::OneMissing,
    Gap::Related,
    Gap::OneLevelOff,
    Gap::LongNotice,
    Gap::SlightlyOver,
    Gap::Relocating,
    Gap::Engaged,
];
const MAJOR: [Gap; 5] = [
    Gap::TwoLevelsOff,
    Gap::WrongCountry,
    Gap::FarOver,
    Gap::NotLooking,
    Gap::MostlyMissing,
];

impl Gap {
    fn name(self) -> &'static str {
        match self {
            Gap::OneMissing => "one_required_missing",
            Gap::Related => "related_skills",
            Gap::OneLevelOff => "one_level_off",
            Gap::LongNotice => "notice_90_days",
            Gap::SlightlyOver => "over_budget_12pct",
            Gap::Relocating => "elsewhere_relocating",
            Gap::Engaged => "engaged_elsewhere",
            Gap::TwoLevelsOff => "two_levels_off",
            Gap::WrongCountry => "elsewhere_not_relocating",
            Gap::FarOver => "over_budget_45pct",
            Gap::NotLooking => "not_looking",
            Gap::MostlyMissing => "most_required_missing",
        }
    }

    fn major(self) -> bool {
        MAJOR.contains(&self)
    }

    /// Where gaps of place mean nothing (remote work), they are not made.
    fn applies(self, job: &Job) -> bool {
        match self {
            Gap::Relocating | Gap::WrongCountry => job.mode != WorkMode::Remote,
            Gap::Related => job
                .role
                .related
                .iter()
                .any(|(s, _)| job.required.contains(s)),
            _ => true,
        }
    }
}

/// A job as the generator made it.
struct Job {
    role: &'static Role,
    level: Level,
    city: &'static City,
    mode: WorkMode,
    required: Vec<&'static str>,
    nice: Vec<&'static str>,
    pay_max: u64,
}

fn make_job(n: usize, rng: &mut Rng) -> (Job, EvalJob) {
    let role = &ROLES[n % ROLES.len()];
    let level = *rng.pick(&[
        Level::Junior,
        Level::Mid,
        Level::Senior,
        Level::Senior,
        Level::Lead,
    ]);
    let city = rng.pick(CITIES);
    let mode = *rng.pick(&[
        WorkMode::Onsite,
        WorkMode::Hybrid,
        WorkMode::Hybrid,
        WorkMode::Remote,
    ]);
    let count = 3 + rng.below(3);
    let required: Vec<&'static str> = role.required[..count].to_vec();
    let nice: Vec<&'static str> = role.nice[..1 + rng.below(2)].to_vec();
    let usd = role.mid_pay_usd as f64 * pay_factor(level) * city.pay_factor;
    let pay_max = round_thousands(usd / usd_per(city.currency));
    let pay_min = round_thousands(pay_max as f64 * 0.8);
    let years = years_asked(level);
    let asking = match (years, rng.below(3)) {
        (0, _) | (_, 2) => String::new(),
        (y, 0) => format!(" You bring {y}+ years of experience."),
        (y, _) => format!(" You have at least {y} years of professional experience."),
    };
    let place = match mode {
        WorkMode::Remote => "fully remote".to_string(),
        WorkMode::Hybrid => format!("hybrid, in {} two days a week", city.name),
        WorkMode::Onsite => format!("on site in {}", city.name),
    };
    let title = titled(level, role.title);
    let text = format!(
        "We are hiring a {title} ({place}). {}{asking} Our stack and tools: {}; nice to have: {}.",
        role.duties,
        required.join(", "),
        nice.join(", "),
    );
    let eval = EvalJob {
        id: format!("job-{:02}", n + 1),
        title,
        text,
        required_skills: required.iter().map(|s| s.to_string()).collect(),
        nice_skills: nice.iter().map(|s| s.to_string()).collect(),
        level: Some(level),
        location: Some(match mode {
            WorkMode::Remote => "Remote".to_string(),
            _ => format!("{}, {}", city.name, city.country),
        }),
        work_mode: Some(mode),
        pay: Some(EvalPay {
            min: Some(pay_min),
            max: Some(pay_max),
            currency: Some(city.currency.to_string()),
        }),
        pool: vec![],
    };
    let job = Job {
        role,
        level,
        city,
        mode,
        required,
        nice,
        pay_max,
    };
    (job, eval)
}

/// How an ideal candidate is varied while staying ideal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ideal {
    AsListed,
    OtherNames,
    InText,
    OtherCurrency,
}

/// The job's ideal candidate for `role` (the job's own, or another trade's), varied by
/// `ideal`, then given `gaps`.
fn candidate(job: &Job, role: &Role, ideal: Ideal, gaps: &[Gap], rng: &mut Rng) -> EvalCandidate {
    let own = std::ptr::eq(role, job.role);
    let mut level = job.level;
    // (the skill, as this candidate writes it)
    let mut skills: Vec<(&'static str, String)> = if own {
        job.required
            .iter()
            .chain(&job.nice)
            .map(|s| (*s, s.to_string()))
            .collect()
    } else {
        role.required[..4]
            .iter()
            .map(|s| (*s, s.to_string()))
            .collect()
    };
    let mut in_text: Vec<&'static str> = Vec::new();
    let mut city = job.city;
    let mut relocate = None;
    let mut mode = Some(job.mode);
    let mut expected = job.pay_max as f64 * (0.75 + 0.2 * rng.below(100) as f64 / 100.0);
    let mut currency = job.city.currency;
    let mut availability = Some(*rng.pick(&[Availability::Available, Availability::NoticePeriod]));
    let mut notice =
        (availability == Some(Availability::NoticePeriod)).then(|| *rng.pick(&[14, 30]));
    if job.mode == WorkMode::Remote {
        city = rng.pick(CITIES);
    }
    match ideal {
        Ideal::AsListed => {}
        Ideal::OtherNames => {
            for (skill, written) in &mut skills {
                if let Some((_, alias)) = role.aliases.iter().find(|(s, _)| *s == *skill) {
                    *written = alias.to_string();
                } else if rng.chance(50) {
                    *written = skill.to_lowercase();
                }
            }
        }
        Ideal::InText => {
            // The last two required skills only in the resume text.
            let n = job.required.len();
            for skill in &job.required[n - 2..] {
                skills.retain(|(s, _)| s != skill);
                in_text.push(*skill);
            }
        }
        Ideal::OtherCurrency => {
            let other = if currency == "USD" { "EUR" } else { "USD" };
            expected = job.pay_max as f64 * 0.85 * usd_per(currency) / usd_per(other);
            currency = other;
        }
    }
    for gap in gaps {
        match gap {
            Gap::OneMissing => {
                let skill = job.required[1 + rng.below(job.required.len() - 1)];
                skills.retain(|(s, _)| *s != skill);
                in_text.retain(|s| *s != skill);
            }
            Gap::MostlyMissing => {
                let keep = job.required[0];
                skills.retain(|(s, _)| *s == keep || !job.required.contains(s));
                in_text.clear();
            }
            Gap::Related => {
                let mut swapped = 0;
                for (skill, related) in role.related {
                    if swapped >= (job.required.len() / 2).max(1) {
                        break;
                    }
                    if !job.required.contains(skill) {
                        continue;
                    }
                    if let Some(entry) = skills.iter_mut().find(|(s, _)| s == skill) {
                        *entry = (*related, related.to_string());
                        swapped += 1;
                    }
                }
            }
            Gap::OneLevelOff => {
                let i = level_index(level);
                let up = i == 1 || (i < LEVELS.len() - 1 && rng.chance(50));
                level = LEVELS[if up { i + 1 } else { i - 1 }];
            }
            Gap::TwoLevelsOff => {
                let i = level_index(level);
                // Below when there is room; a junior or mid job's is over-qualified instead.
                level = LEVELS[if i >= 3 { i - 2 } else { i + 2 }];
            }
            Gap::LongNotice => {
                availability = Some(Availability::NoticePeriod);
                notice = Some(90);
            }
            Gap::Engaged => {
                availability = Some(Availability::Engaged);
                notice = None;
            }
            Gap::NotLooking => {
                availability = Some(Availability::NotLooking);
                notice = None;
            }
            Gap::SlightlyOver => expected = job.pay_max as f64 * 1.12,
            Gap::FarOver => expected = job.pay_max as f64 * 1.45,
            Gap::Relocating | Gap::WrongCountry => {
                let elsewhere: Vec<&City> = CITIES
                    .iter()
                    .filter(|c| c.country != job.city.country)
                    .collect();
                city = elsewhere[rng.below(elsewhere.len())];
                relocate = Some(*gap == Gap::Relocating);
                if *gap == Gap::WrongCountry {
                    mode = Some(WorkMode::Onsite);
                }
            }
        }
    }
    // Over budget is said in the job's currency, whatever the ideal variant chose.
    let pay_gap = gaps
        .iter()
        .any(|g| matches!(g, Gap::SlightlyOver | Gap::FarOver));
    if pay_gap {
        currency = job.city.currency;
    }
    // Real records leave fields out: some of these do too, never the one a gap is about.
    let mut pay = Some(EvalPay {
        min: Some(round_thousands(expected)),
        max: None,
        currency: Some(currency.to_string()),
    });
    if !pay_gap && ideal != Ideal::OtherCurrency && rng.chance(15) {
        pay = None;
    }
    let when_gap = gaps
        .iter()
        .any(|g| matches!(g, Gap::LongNotice | Gap::Engaged | Gap::NotLooking));
    if !when_gap && rng.chance(15) {
        availability = None;
        notice = None;
    }
    let level_gap = gaps
        .iter()
        .any(|g| matches!(g, Gap::OneLevelOff | Gap::TwoLevelsOff));
    let years_said = level_gap || rng.chance(85);
    let place_gap = gaps
        .iter()
        .any(|g| matches!(g, Gap::Relocating | Gap::WrongCountry));
    if !place_gap && rng.chance(10) {
        mode = None;
    }
    // Skills of no bearing on the job, as most profiles list a few.
    for _ in 0..rng.below(3) {
        let extra = *rng.pick(NOISE);
        let listed = |s: &str| skills.iter().any(|(k, _)| *k == s);
        if !job.required.contains(&extra) && !job.nice.contains(&extra) && !listed(extra) {
            skills.push((extra, extra.to_string()));
        }
    }
    let years = years_at(level, rng);
    let title = titled(level, role.title);
    let company = *rng.pick(&[
        "Northwind",
        "Globex",
        "Initech",
        "Umbrella Health",
        "Stark Retail",
        "Wayne Logistics",
    ]);
    let mut text = format!("{title} at {company}.");
    if !in_text.is_empty() {
        text += &format!(" Day to day I work with {}.", in_text.join(" and "));
    }
    text += " Mentored new joiners and wrote the team's runbooks.";
    let grade = if !own {
        0
    } else {
        let majors = gaps.iter().filter(|g| g.major()).count();
        let minors = gaps.len() - majors;
        3u8.saturating_sub((2 * majors + minors) as u8)
    };
    let variant = if !own {
        format!("other_trade:{}", role.title)
    } else if gaps.is_empty() {
        match ideal {
            Ideal::AsListed => "ideal".to_string(),
            Ideal::OtherNames => "ideal_other_names".to_string(),
            Ideal::InText => "ideal_skills_in_text".to_string(),
            Ideal::OtherCurrency => "ideal_other_currency".to_string(),
        }
    } else {
        gaps.iter().map(|g| g.name()).collect::<Vec<_>>().join("+")
    };
    EvalCandidate {
        id: String::new(),
        variant,
        grade,
        title: Some(title.clone()),
        headline: Some(if years_said {
            format!("{title} with {years} years of experience")
        } else {
            format!("{title} at {company}")
        }),
        text,
        skills: skills.into_iter().map(|(_, written)| written).collect(),
        experience_years: years_said.then_some(years),
        level: None,
        location: Some(if rng.chance(50) {
            city.name.to_string()
        } else {
            format!("{}, {}", city.name, city.country)
        }),
        work_mode: mode,
        willing_to_relocate: relocate,
        pay,
        availability,
        notice_period_days: notice,
    }
}

/// How many jobs the set has.
const JOBS: usize = 56;

/// The whole labelled set.
pub fn generate() -> EvalSet {
    let mut rng = Rng(0x6869_7265_6261_7365);
    let mut jobs = Vec::new();
    for n in 0..JOBS {
        let (job, mut eval) = make_job(n, &mut rng);
        let role = job.role;
        let mut pool = Vec::new();
        for ideal in [
            Ideal::AsListed,
            Ideal::OtherNames,
            Ideal::OtherNames,
            Ideal::InText,
            Ideal::OtherCurrency,
        ] {
            pool.push(candidate(&job, role, ideal, &[], &mut rng));
        }
        let minor: Vec<Gap> = MINOR.iter().copied().filter(|g| g.applies(&job)).collect();
        let major: Vec<Gap> = MAJOR.iter().copied().filter(|g| g.applies(&job)).collect();
        let mut gap_sets: Vec<Vec<Gap>> = Vec::new();
        // Six single minor gaps, four single major gaps.
        let mut shuffled = minor.clone();
        rng.shuffle(&mut shuffled);
        gap_sets.extend(shuffled.iter().take(6).map(|g| vec![*g]));
        let mut shuffled = major.clone();
        rng.shuffle(&mut shuffled);
        gap_sets.extend(shuffled.iter().take(4).map(|g| vec![*g]));
        // Two minor + minor, two minor + major, one major + major.
        for (a, b) in [
            (&minor, &minor),
            (&minor, &minor),
            (&minor, &major),
            (&minor, &major),
            (&major, &major),
        ] {
            let first = *rng.pick(a);
            let second = loop {
                let g = *rng.pick(b);
                if g != first && !conflict(first, g) {
                    break g;
                }
            };
            gap_sets.push(vec![first, second]);
        }
        for gaps in &gap_sets {
            let ideal = if rng.chance(30) {
                Ideal::OtherNames
            } else {
                Ideal::AsListed
            };
            pool.push(candidate(&job, role, ideal, gaps, &mut rng));
        }
        // Four from other trades.
        let others: Vec<&Role> = ROLES.iter().filter(|r| r.trade != role.trade).collect();
        for _ in 0..4 {
            let other = others[rng.below(others.len())];
            pool.push(candidate(&job, other, Ideal::AsListed, &[], &mut rng));
        }
        rng.shuffle(&mut pool);
        for (i, c) in pool.iter_mut().enumerate() {
            c.id = format!("{}/c{:02}", eval.id, i + 1);
        }
        eval.pool = pool;
        jobs.push(eval);
    }
    EvalSet {
        about: "Labelled matching set, generated by tests/it/matching_eval/generate.rs \
                (HIREBASE_WRITE_EVAL=1 cargo test --test it matching_eval:: rewrites it). \
                Each candidate is a variant of its job's ideal candidate; `variant` says how \
                it was made and `grade` (0-3) follows from that."
            .to_string(),
        jobs,
    }
}

/// Gaps that cannot be made together (both set the same field).
fn conflict(a: Gap, b: Gap) -> bool {
    let group = |g: Gap| match g {
        Gap::OneMissing | Gap::MostlyMissing | Gap::Related => 0,
        Gap::OneLevelOff | Gap::TwoLevelsOff => 1,
        Gap::LongNotice | Gap::Engaged | Gap::NotLooking => 2,
        Gap::SlightlyOver | Gap::FarOver => 3,
        Gap::Relocating | Gap::WrongCountry => 4,
    };
    group(a) == group(b)
}
