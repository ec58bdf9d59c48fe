//! `hirebase demo`: one realistic organisation, generated offline from the word lists in
//! [`words`] — jobs across departments, hundreds of candidates, applications in every stage
//! with their history, interviews with scorecards, offers, talent profiles and projects.
//! Everything goes through the same domain calls the API makes (so it is validated, indexed
//! and audited like real data), many at a time, so group commit keeps it to a second or two.

pub mod words;

use std::sync::Arc;

use poem_openapi::types::ParseFromJSON;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::candidates::Candidate;
use super::{applications, engagements, import, interviews, jobs, offers, people, projects, users};
use crate::app::AppState;
use crate::auth::{Identity, Principal, Role};
use crate::error::{Error, Result};
use crate::store::Reader;
use crate::store::tables::CANDIDATES;
use crate::time::Timestamp;

pub const ORGANISATION: &str = "Northwind Labs";
pub const EMAIL: &str = "demo@hirebase.demo";
pub const PASSWORD: &str = "hirebase-demo";
const SEED: u64 = 20_260_604;
/// The base of mail links for demo interviews (unused: demo candidates are never mailed).
const DEMO_URL: &str = "http://localhost";
const CANDIDATES_N: usize = 600;
const JOBS_N: usize = 24;

/// What was generated.
#[derive(Debug, Default, Clone, Copy)]
pub struct Generated {
    pub jobs: usize,
    pub candidates: usize,
    pub applications: usize,
    pub interviews: usize,
    pub offers: usize,
    pub people: usize,
    pub projects: usize,
}

/// A kind of work from `families.txt`.
struct Family {
    department: &'static str,
    titles: Vec<&'static str>,
    leads: Vec<&'static str>,
    skills: Vec<&'static str>,
}

struct Vocabulary {
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    cities: Vec<(&'static str, &'static str)>,
    families: Vec<Family>,
    companies: Vec<&'static str>,
    tags: Vec<&'static str>,
    sources: Vec<&'static str>,
    domains: Vec<&'static str>,
}

fn vocabulary() -> Vocabulary {
    let names = words::blocks(words::NAMES);
    Vocabulary {
        first: names
            .iter()
            .flat_map(|(_, l)| words::list(l, "first"))
            .collect(),
        last: names
            .iter()
            .flat_map(|(_, l)| words::list(l, "last"))
            .collect(),
        cities: words::lines(words::CITIES)
            .filter_map(|l| {
                let mut f = l.split(" | ");
                Some((f.next()?, f.next()?))
            })
            .take(40)
            .collect(),
        families: words::blocks(words::FAMILIES)
            .into_iter()
            .map(|(header, l)| Family {
                department: header.rsplit_once(' ').map_or(header, |(d, _)| d),
                titles: words::list(&l, "titles"),
                leads: words::list(&l, "leads"),
                skills: words::list(&l, "skills"),
            })
            .collect(),
        companies: words::lines(words::COMPANIES).collect(),
        tags: words::lines(words::TAGS).collect(),
        sources: words::lines(words::SOURCES)
            .map(|l| l.rsplit_once(' ').map_or(l, |(s, _)| s))
            .collect(),
        domains: words::lines(words::EMAIL_DOMAINS).collect(),
    }
}

/// Parses an input the way the API parses its JSON body (validators included).
fn input<T: ParseFromJSON>(value: Value) -> Result<T> {
    T::parse_from_json(Some(value))
        .map_err(|e| Error::internal(anyhow::anyhow!("demo input: {}", e.into_message())))
}

/// Whether the instance already holds the demo organisation (a kept `--data-dir`).
pub fn exists(state: &AppState) -> Result<bool> {
    let rx = state.store.read()?;
    Ok(users::by_email(&rx, EMAIL)?.is_some())
}

/// Creates the demo organisation, its admin (`EMAIL` / `PASSWORD`) and its data.
pub async fn generate(state: &Arc<AppState>) -> Result<Generated> {
    let v = Arc::new(vocabulary());
    let mut rng = StdRng::seed_from_u64(SEED);
    let (user, tenant) = users::register(
        &state.store,
        &state.passwords,
        input(json!({"email": EMAIL, "password": PASSWORD, "org_name": ORGANISATION, "full_name": "Dana Demo"}))?,
        None,
        &state.config.effective_public_url(),
    )
    .await?;
    let who = Arc::new(Identity {
        tenant_id: tenant.id,
        role: Role::OrgAdmin,
        principal: Principal::User {
            user_id: user.id,
            session_id: 0,
        },
        scopes: None,
        actor: user.email.clone(),
        ip: None,
        agency_id: None,
    });
    let mut made = Generated::default();

    // Jobs across departments: most open and on the careers page, a few drafts and closed.
    let mut job_inputs = Vec::new();
    for n in 0..JOBS_N {
        let family = &v.families[n % v.families.len()];
        let senior = rng.random_bool(0.4);
        let title = if rng.random_ratio(1, 6) {
            *family.leads.choose(&mut rng).unwrap()
        } else {
            *family.titles.choose(&mut rng).unwrap()
        };
        let title = if senior && !title.starts_with("Senior") {
            format!("Senior {title}")
        } else {
            title.to_string()
        };
        let (city, _) = *v.cities.choose(&mut rng).unwrap();
        let skills = pick_skills(&mut rng, family, 5);
        let base = rng.random_range(45..110) * 1_000;
        let status = match n % 8 {
            6 => "draft",
            7 => "closed",
            _ => "open",
        };
        job_inputs.push((
            n % v.families.len(),
            json!({
                "title": title, "department": family.department, "location": city,
                "employment_type": "full_time",
                "remote_option": (["onsite", "hybrid", "remote"][n % 3]),
                "salary_min": base, "salary_max": base + 25_000, "currency": "EUR",
                "description": format!("Join the {} team at {ORGANISATION} as a {title}. You will work with {} and ship to customers every week.", family.department, skills.join(", ")),
                "skills": skills, "level": if senior { "senior" } else { "mid" },
                "status": status, "is_public": status == "open",
            }),
        ));
    }
    let mut tasks = JoinSet::new();
    for (family, body) in job_inputs {
        let (state, who) = (state.clone(), who.clone());
        tasks.spawn(async move {
            let job = jobs::create(&state.indexer, &who, input(body)?).await?;
            Ok::<_, Error>((family, job))
        });
    }
    let mut jobs_made = Vec::new();
    while let Some(r) = tasks.join_next().await {
        jobs_made.push(r.map_err(Error::internal)??);
    }
    jobs_made.sort_by_key(|(_, j)| j.id);
    made.jobs = jobs_made.len();

    // Candidates, imported 300 rows at a time as a recruiter's spreadsheet would be.
    let mut rows = Vec::new();
    for n in 0..CANDIDATES_N {
        let family = &v.families[rng.random_range(0..v.families.len())];
        let first = *v.first.choose(&mut rng).unwrap();
        let last = *v.last.choose(&mut rng).unwrap();
        let years = rng.random_range(0..22u32);
        let title = match years {
            0..=2 => format!("Junior {}", family.titles.choose(&mut rng).unwrap()),
            3..=7 => family.titles.choose(&mut rng).unwrap().to_string(),
            8..=14 => format!("Senior {}", family.titles.choose(&mut rng).unwrap()),
            _ => family.leads.choose(&mut rng).unwrap().to_string(),
        };
        let (city, country) = *v.cities.choose(&mut rng).unwrap();
        let company = *v.companies.choose(&mut rng).unwrap();
        let skill_count = rng.random_range(3..8);
        let handle: String = format!("{first}.{last}{n}")
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        rows.push(json!({
            "full_name": format!("{first} {last}"),
            "email": format!("{handle}@{}", v.domains.choose(&mut rng).unwrap()),
            "headline": format!("{title} at {company}"),
            "location": format!("{city}, {country}"),
            "experience_years": years,
            "current_title": title,
            "current_company": company,
            "skills": pick_skills(&mut rng, family, skill_count),
            "tags": [*v.tags.choose(&mut rng).unwrap()],
            "source": *v.sources.choose(&mut rng).unwrap(),
        }));
    }
    for chunk in rows.chunks(300) {
        let request: import::ImportRequest = input(json!({ "rows": chunk }))?;
        import::import(&state.indexer, &who, request).await?;
    }
    let candidates: Vec<Candidate> =
        state
            .store
            .read()?
            .list(&CANDIDATES, tenant.id, 0, usize::MAX)?;
    made.candidates = candidates.len();

    // Applications in every stage, each walked through the stages before it (so its history
    // reads like a real one); interviews, scorecards and offers where the stage has them.
    let mut pipelines = Vec::new();
    for (_, job) in jobs_made
        .iter()
        .filter(|(_, j)| j.status.as_str() != "draft")
    {
        let n = rng.random_range(18..40).min(candidates.len());
        for c in candidates.choose_multiple(&mut rng, n) {
            let target = *[
                "sourced",
                "applied",
                "applied",
                "screening",
                "screening",
                "interview",
                "interview",
                "offer",
                "hired",
                "rejected",
                "rejected",
                "withdrawn",
            ]
            .choose(&mut rng)
            .unwrap();
            pipelines.push(Pipeline {
                job_id: job.id,
                candidate_id: c.id,
                target,
                salary: job.salary_min.unwrap_or(60_000),
                interviewers: [
                    *v.first.choose(&mut rng).unwrap(),
                    *v.last.choose(&mut rng).unwrap(),
                ]
                .join(" "),
                score: rng.random_range(40..98),
                day: rng.random_range(1..40),
            });
        }
    }
    made.applications = pipelines.len();
    let mut tasks = JoinSet::new();
    for p in pipelines {
        let (state, who) = (state.clone(), who.clone());
        tasks.spawn(async move { p.walk(&state, &who).await });
    }
    while let Some(r) = tasks.join_next().await {
        let (i, o) = r.map_err(Error::internal)??;
        made.interviews += i;
        made.offers += o;
    }

    // The talent marketplace: profiles and projects with seats, a few of them filled.
    let mut tasks = JoinSet::new();
    for n in 0..40 {
        let family = &v.families[n % v.families.len()];
        let rate = rng.random_range(40..90) * 10;
        let body = json!({
            "full_name": format!("{} {}", v.first.choose(&mut rng).unwrap(), v.last.choose(&mut rng).unwrap()),
            "headline": format!("Freelance {}", family.titles.choose(&mut rng).unwrap()),
            "skills": pick_skills(&mut rng, family, 5),
            "seniority": (["junior", "mid", "senior", "lead"][n % 4]),
            "availability": (["available", "available", "engaged", "notice_period"][n % 4]),
            "rate_min": rate, "rate_max": rate + 150, "currency": "EUR",
            "work_type": (["contract", "freelance", "part_time"][n % 3]),
            "location": v.cities.choose(&mut rng).unwrap().0,
        });
        let (state, who) = (state.clone(), who.clone());
        tasks.spawn(async move { people::create(&state.store, &who, input(body)?).await });
    }
    let mut persons = Vec::new();
    while let Some(r) = tasks.join_next().await {
        persons.push(r.map_err(Error::internal)??);
    }
    persons.sort_by_key(|p| p.id);
    made.people = persons.len();
    let clients = [
        "Contoso Bank",
        "Fabrikam Health",
        "Tailspin Air",
        "Wide World Importers",
    ];
    let mut engaged = 0;
    for n in 0..6 {
        let family = &v.families[(n * 3) % v.families.len()];
        let project = projects::create(
            &state.store,
            &who,
            input(json!({
                "name": format!("{} {}", family.department, ["platform", "migration", "launch", "audit", "redesign", "rollout"][n]),
                "client": clients[n % clients.len()],
                "start_date": "2026-01-12", "end_date": "2026-12-18",
                "status": if n == 5 { "planned" } else { "active" },
            }))?,
        )
        .await?;
        made.projects += 1;
        for s in 0..3 {
            let slot = projects::create_slot(
                &state.store,
                &who,
                project.id,
                input(json!({
                    "title": family.titles.choose(&mut rng).unwrap(),
                    "skills": pick_skills(&mut rng, family, 3),
                    "seniority": (["mid", "senior", "lead"][s]),
                    "rate_max": 900, "currency": "EUR", "work_type": "contract",
                    "start_date": "2026-02-02", "end_date": "2026-09-30",
                }))?,
            )
            .await?;
            if s == 0 && engaged < persons.len() {
                engagements::create(
                    &state.store,
                    &who,
                    input(json!({"slot_id": slot.id, "person_id": persons[engaged].id}))?,
                )
                .await?;
                engaged += 1;
            }
        }
    }
    Ok(made)
}

fn pick_skills(rng: &mut StdRng, family: &Family, n: usize) -> Vec<&'static str> {
    let top = &family.skills[..family.skills.len().min(14)];
    top.choose_multiple(rng, n.min(top.len()))
        .copied()
        .collect()
}

/// One application and where it should end up.
struct Pipeline {
    job_id: u64,
    candidate_id: u64,
    target: &'static str,
    salary: u64,
    interviewers: String,
    score: u32,
    /// Days from now (interviews ahead) or ago (interviews done).
    day: i64,
}

const ORDER: [&str; 6] = [
    "sourced",
    "applied",
    "screening",
    "interview",
    "offer",
    "hired",
];

impl Pipeline {
    /// Creates the application and walks it to its target stage; how many interviews and
    /// offers that took.
    async fn walk(self, state: &AppState, who: &Identity) -> Result<(usize, usize)> {
        let store = &state.store;
        let app = applications::create(
            store,
            who,
            input(json!({"job_id": self.job_id, "candidate_id": self.candidate_id, "status": "sourced", "source": "demo"}))?,
        )
        .await?;
        // Rejected and withdrawn applications got somewhere first.
        let reach = match self.target {
            "rejected" => ["applied", "screening", "interview"][self.day as usize % 3],
            "withdrawn" => "screening",
            t => t,
        };
        let last = ORDER.iter().position(|s| *s == reach).unwrap_or(0);
        let (mut interviews_made, mut offers_made) = (0, 0);
        for stage in &ORDER[1..=last.min(2)] {
            self.move_to(state, who, app.id, stage).await?;
        }
        if last >= 3 {
            let upcoming = self.target == "interview";
            let sign = if upcoming { 1 } else { -1 };
            let at = Timestamp::now().plus_secs(sign * self.day * 86_400);
            let interview = interviews::schedule(
                store,
                who,
                input(json!({
                    "candidate_id": self.candidate_id, "job_id": self.job_id,
                    "scheduled_at": at.to_string(), "duration_min": 60,
                    "kind": (["video", "technical", "onsite", "panel", "phone"][self.day as usize % 5]),
                    "location_or_url": "https://meet.example.com/northwind",
                    "interviewers": [{"name": self.interviewers}],
                    // Demo people have made-up addresses: nobody is mailed.
                    "notify_candidate": false,
                }))?,
                DEMO_URL,
            )
            .await?;
            interviews_made += 1;
            if !upcoming {
                let recommendation = match self.score {
                    85.. => "strong_hire",
                    70..=84 => "hire",
                    55..=69 => "mixed",
                    _ => "no",
                };
                let patches = [
                    json!({"add_scorecard": {"interviewer": self.interviewers, "score": self.score, "recommendation": recommendation,
                        "notes": "Clear communicator; went deep on the design questions."}}),
                    json!({"status": "completed"}),
                ];
                for patch in patches {
                    interviews::update(store, who, interview.id, input(patch)?, DEMO_URL).await?;
                }
            }
        }
        if last >= 4 {
            let offer = offers::create(
                store,
                who,
                input(json!({
                    "candidate_id": self.candidate_id, "job_id": self.job_id,
                    "base_salary": self.salary + 5_000, "currency": "EUR", "bonus": 5_000,
                    "start_date": "2026-09-01", "status": "sent",
                }))?,
            )
            .await?;
            offers_made += 1;
            if self.target == "offer" {
                self.move_to(state, who, app.id, "offer").await?;
            } else {
                // Accepting hires: the application moves to `hired` with it.
                offers::update(store, who, offer.id, input(json!({"status": "accepted"}))?).await?;
            }
        }
        if matches!(self.target, "rejected" | "withdrawn") {
            self.move_to(state, who, app.id, self.target).await?;
        }
        Ok((interviews_made, offers_made))
    }

    async fn move_to(&self, state: &AppState, who: &Identity, app: u64, stage: &str) -> Result<()> {
        applications::update(&state.store, who, app, input(json!({"status": stage}))?).await?;
        Ok(())
    }
}
