//! `POST /agent/chat` (seed 004 §6): a message in, a reply out, built from the tenant's own
//! records with the same domain calls (and the same permission checks) as the REST paths.
//! What the caller's role may not do is answered in the reply (`refused`), and nothing is
//! changed; a record that is missing or another tenant's is "not found" alike.

use std::sync::Arc;

use poem_openapi::Object;

use super::conversations::{Conversation, Ref, Turn};
use super::intent::{self, Intent, Kind, Target};
use super::req;
use crate::app::AppState;
use crate::auth::{Identity, Permission};
use crate::domain::applications::{self, ApplicationFilter, Stage};
use crate::domain::candidates::{self, Candidate, CandidateFilter};
use crate::domain::jobs::{self, Job, JobFilter, JobStatus};
use crate::domain::matching::answer;
use crate::domain::matching::find::{CandidatesForJob, JobsForCandidate};
use crate::error::{Code, Error, Result};
use crate::store::Reader;
use crate::store::tables::CANDIDATES;

named_enum! {
    /// The one mode of the agent (seed 004: reserved, default `recruiter_assistant`).
    pub enum ChatMode {
        RecruiterAssistant = "recruiter_assistant",
    }
}

#[derive(Debug, Clone, Object)]
pub struct ChatRequest {
    /// The conversation to continue (from an earlier reply); absent or `null` starts one.
    pub conversation_id: Option<u64>,
    /// Free-form text: "match candidates for job 5", "summarize Jane Doe", "help".
    #[oai(validator(max_length = 4000))]
    pub message: String,
    pub mode: Option<ChatMode>,
}

named_enum! {
    /// What the agent understood the message to ask.
    pub enum ChatIntent {
        Help = "help",
        CreateJob = "create_job",
        ListJobs = "list_jobs",
        ListCandidates = "list_candidates",
        SummarizeCandidate = "summarize_candidate",
        ShowJob = "show_job",
        MatchCandidatesForJob = "match_candidates_for_job",
        MatchJobsForCandidate = "match_jobs_for_candidate",
        Pipeline = "pipeline",
        Unknown = "unknown",
    }
}

named_enum! {
    pub enum ItemKind {
        Job = "job",
        Candidate = "candidate",
    }
}

/// A record the reply names, in the order it names them (for links).
#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize)]
pub struct ChatItem {
    pub kind: ItemKind,
    pub id: u64,
    /// The job's title or the candidate's name.
    pub label: String,
    /// A few words more: title and company, location and status, pipeline stage.
    pub detail: Option<String>,
    /// The match score, 0–100, in match answers.
    pub score: Option<u8>,
}

/// Seed 004's `{reply}`, with the conversation to continue and what the reply is about.
#[derive(Debug, Clone, Object)]
pub struct ChatReply {
    pub reply: String,
    pub conversation_id: u64,
    pub intent: ChatIntent,
    pub items: Vec<ChatItem>,
    /// The job made, when the message created one.
    pub job: Option<Job>,
    /// `forbidden` or `insufficient_scope` when the caller may not do what was asked (the
    /// reply says why; nothing was changed).
    pub refused: Option<String>,
}

/// One answer before it is stored with the conversation.
struct Answer {
    reply: String,
    intent: ChatIntent,
    items: Vec<ChatItem>,
    job: Option<Job>,
    refused: Option<String>,
}

impl Answer {
    fn new(intent: ChatIntent, reply: impl Into<String>) -> Answer {
        Answer {
            reply: reply.into(),
            intent,
            items: Vec::new(),
            job: None,
            refused: None,
        }
    }
}

/// Answers one message in its conversation (a new one when none is given).
pub async fn chat(state: &Arc<AppState>, who: &Identity, req: ChatRequest) -> Result<ChatReply> {
    who.allow(Permission::JOBS_READ)?;
    let message = req.message.trim().to_string();
    if message.is_empty() {
        return Err(Error::invalid("message", "must not be empty"));
    }
    let mut conv = match req.conversation_id {
        Some(id) => Conversation::load(&state.store, who, id)?,
        None => Conversation::start(who),
    };
    let answer = {
        let mut agent = Agent {
            state,
            who,
            conv: &mut conv,
        };
        agent.answer(&message).await?
    };
    let turn = Turn {
        at: crate::time::Timestamp::now(),
        message,
        reply: answer.reply.clone(),
        items: answer.items.clone(),
        refused: answer.refused.clone(),
    };
    let conversation_id = conv.save(&state.store, turn).await?;
    Ok(ChatReply {
        reply: answer.reply,
        conversation_id,
        intent: answer.intent,
        items: answer.items,
        job: answer.job,
        refused: answer.refused,
    })
}

pub const HELP: &str = "I can help with your jobs and candidates. Try:\n\
- 'list jobs' or 'show open jobs'\n\
- 'list candidates' (or 'candidates with Rust')\n\
- 'summarize candidate 3' or 'summarize Jane Doe'\n\
- 'show job 5'\n\
- 'match candidates for job 5' or 'match candidates for the Rust engineer job'\n\
- 'match jobs for candidate 7' or 'match Jane Doe to a job'\n\
- 'pipeline for job 5' (or 'applications for job 5')\n\
- 'create a new job for a senior backend engineer in NYC, Python and PostgreSQL, $150k-$190k'\n\
Afterwards 'it', 'them', 'that job' and 'the first one' mean what we just talked about.";

/// How many records a list or a match answer shows.
const SHOWN: usize = 10;

struct Agent<'a> {
    state: &'a Arc<AppState>,
    who: &'a Identity,
    conv: &'a mut Conversation,
}

/// Either the record asked for, or the answer that says why there is none.
type Found<T> = std::result::Result<T, Box<Answer>>;

impl Agent<'_> {
    async fn answer(&mut self, message: &str) -> Result<Answer> {
        let Some(intent) = intent::read(message) else {
            return Ok(Answer::new(
                ChatIntent::Unknown,
                format!(
                    "Sorry, I didn't understand \"{}\".\n\n{HELP}",
                    short(message, 120)
                ),
            ));
        };
        match intent {
            Intent::Help => Ok(Answer::new(ChatIntent::Help, HELP)),
            Intent::CreateJob => self.create_job(message).await,
            Intent::ListJobs { open_only } => self.list_jobs(open_only),
            Intent::ListCandidates { q } => self.list_candidates(q),
            Intent::SummarizeCandidate(t) => self.summarize(t),
            Intent::ShowJob(t) => self.show_job(t),
            Intent::CandidatesForJob(t) => self.candidates_for_job(t).await,
            Intent::JobsForCandidate(t) => self.jobs_for_candidate(t).await,
            Intent::Match(t) => match self.kind_of(&t) {
                Some(Kind::Job) => self.candidates_for_job(t).await,
                _ => self.jobs_for_candidate(t).await,
            },
            Intent::Show(t) => match self.kind_of(&t) {
                Some(Kind::Job) => self.show_job(t),
                _ => self.summarize(t),
            },
            Intent::Pipeline(t) => self.pipeline(t),
        }
    }

    /// The permission check of the REST path, as an answer: `Err` is the refusal to send.
    fn may(&self, permission: Permission, intent: ChatIntent) -> Found<()> {
        match self.who.allow(permission) {
            Ok(_) => Ok(()),
            Err(e) => Err(Box::new(Answer {
                refused: Some(e.code.as_str().to_string()),
                ..Answer::new(intent, format!("I can't do that for you: {}.", e.detail))
            })),
        }
    }

    async fn create_job(&mut self, message: &str) -> Result<Answer> {
        let intent = ChatIntent::CreateJob;
        if let Err(refusal) = self.may(Permission::JOBS_WRITE, intent) {
            return Ok(*refusal);
        }
        let made = super::job_from_text(
            &self.state.indexer,
            self.who,
            message,
            None,
            "message",
            false,
        )
        .await;
        let job = match made {
            Ok(job) => job,
            Err(e) if e.code == Code::Validation => {
                let why = e
                    .errors
                    .first()
                    .map(|f| f.message.clone())
                    .unwrap_or(e.detail);
                return Ok(Answer::new(
                    intent,
                    format!("I couldn't create that job: the message {why}."),
                ));
            }
            Err(e) => return Err(e),
        };
        self.conv.refer(Ref::Job(job.id));
        let mut a = Answer::new(intent, req::summary(&job, "your message"));
        a.items.push(job_item(&job));
        a.job = Some(job);
        Ok(a)
    }

    fn list_jobs(&mut self, open_only: bool) -> Result<Answer> {
        let intent = ChatIntent::ListJobs;
        if let Err(refusal) = self.may(Permission::JOBS_READ, intent) {
            return Ok(*refusal);
        }
        let filter = JobFilter {
            q: None,
            status: open_only.then_some(JobStatus::Open),
            ..JobFilter::default()
        };
        let s = self.state;
        let (jobs, total) = jobs::list(
            &s.store,
            &s.indexer.search,
            self.who.tenant_id,
            &filter,
            0,
            SHOWN,
        )?;
        let what = if open_only { "open jobs" } else { "jobs" };
        if jobs.is_empty() {
            return Ok(Answer::new(
                intent,
                format!("You have no {what} yet. Say 'create a new job for …' to add one."),
            ));
        }
        let header = format!("You have {total} {what}{}:\n", shown_of(jobs.len(), total));
        let rows = jobs
            .iter()
            .map(|job| {
                let line = format!("Job #{}: {}{}", job.id, job.title, paren(&job_detail(job)));
                (line, job_item(job))
            })
            .collect();
        let next = "You can now say 'match candidates for job N' or 'pipeline for the first one'.";
        Ok(self.listing(intent, header, rows, next))
    }

    fn list_candidates(&mut self, q: Option<String>) -> Result<Answer> {
        let intent = ChatIntent::ListCandidates;
        if let Err(refusal) = self.may(Permission::CANDIDATES_READ, intent) {
            return Ok(*refusal);
        }
        let filter = CandidateFilter {
            q: q.clone(),
            ..CandidateFilter::default()
        };
        let s = self.state;
        let (people, total) =
            candidates::list(&s.store, &s.indexer.search, self.who, &filter, 0, SHOWN)?;
        let what = match &q {
            Some(q) => format!("candidates matching \"{q}\""),
            None => "candidates".to_string(),
        };
        if people.is_empty() {
            return Ok(Answer::new(intent, format!("You have no {what}.")));
        }
        let header = format!(
            "You have {total} {what}{}:\n",
            shown_of(people.len(), total)
        );
        let rows = people
            .iter()
            .map(|c| {
                let line = format!(
                    "Candidate #{}: {}{}",
                    c.id,
                    c.full_name,
                    paren(&candidate_detail(c))
                );
                (line, candidate_item(c))
            })
            .collect();
        let next = "You can now say 'summarize the first one' or 'match jobs for candidate N'.";
        Ok(self.listing(intent, header, rows, next))
    }

    fn summarize(&mut self, t: Target) -> Result<Answer> {
        let intent = ChatIntent::SummarizeCandidate;
        let c = match self.allowed_candidate(Permission::CANDIDATES_READ, intent, &t)? {
            Ok(c) => c,
            Err(a) => return Ok(*a),
        };
        self.conv.refer(Ref::Candidate(c.id));
        let mut reply = format!("Candidate #{}: {}", c.id, c.full_name);
        let role = candidate_detail(&c);
        if !role.is_empty() {
            reply.push_str(&format!(" — {role}"));
        }
        reply.push('.');
        if let Some(h) = &c.headline {
            reply.push_str(&format!("\nHeadline: {h}."));
        }
        if let Some(y) = c.experience_years {
            reply.push_str(&format!("\nExperience: {y} years."));
        }
        if !c.skills.is_empty() {
            reply.push_str(&format!("\nSkills: {}.", c.skills.join(", ")));
        }
        if let Some(src) = &c.source {
            reply.push_str(&format!("\nSource: {src}."));
        }
        let contacts: Vec<&str> = [
            &c.email,
            &c.phone,
            &c.linkedin_url,
            &c.github_url,
            &c.website_url,
        ]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .collect();
        if !contacts.is_empty() {
            reply.push_str(&format!("\nContact: {}.", contacts.join(", ")));
        }
        let mut a = Answer::new(intent, "");
        a.items.push(candidate_item(&c));
        if self.who.allow(Permission::APPLICATIONS_READ).is_ok() {
            let filter = ApplicationFilter {
                candidate_id: Some(c.id),
                ..ApplicationFilter::default()
            };
            let (apps, total) = applications::list(&self.state.store, self.who, &filter, 0, SHOWN)?;
            if total == 0 {
                reply.push_str("\nApplications: none yet.");
            } else {
                reply.push_str(&format!("\nApplications ({total}):"));
                let rx = self.state.store.read()?;
                for app in &apps {
                    if let Ok(job) = jobs::load(&rx, self.who.tenant_id, app.job_id) {
                        reply.push_str(&format!(
                            "\n- Job #{}: {} — {}",
                            job.id,
                            job.title,
                            app.status.as_str()
                        ));
                        a.items.push(ChatItem {
                            detail: Some(app.status.as_str().to_string()),
                            ..job_item(&job)
                        });
                    }
                }
            }
        }
        if let Some(notes) = c.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            reply.push_str(&format!("\nNotes: {}", short(notes, 300)));
        }
        reply.push_str(&format!(
            "\n\nYou can now say 'match jobs for {}' or 'match them to a job'.",
            c.full_name
        ));
        a.reply = reply;
        Ok(a)
    }

    fn show_job(&mut self, t: Target) -> Result<Answer> {
        let intent = ChatIntent::ShowJob;
        let job = match self.allowed_job(Permission::JOBS_READ, intent, &t)? {
            Ok(j) => j,
            Err(a) => return Ok(*a),
        };
        self.conv.refer(Ref::Job(job.id));
        let mut reply = format!("Job #{}: {} ({}).", job.id, job.title, job.status.as_str());
        req::facts(&job, &mut reply);
        reply.push_str(&format!(
            "\n- Applicants: {}, hired: {}",
            job.applicants, job.hired
        ));
        reply.push_str(&format!(
            "\n\nYou can now say 'match candidates for job {}' or 'pipeline for it'.",
            job.id
        ));
        let mut a = Answer::new(intent, reply);
        a.items.push(job_item(&job));
        Ok(a)
    }

    async fn candidates_for_job(&mut self, t: Target) -> Result<Answer> {
        let intent = ChatIntent::MatchCandidatesForJob;
        let job = match self.allowed_job(Permission::MATCHING, intent, &t)? {
            Ok(j) => j,
            Err(a) => return Ok(*a),
        };
        let req = CandidatesForJob {
            job_id: job.id,
            limit: Some(SHOWN as u32),
            strategy: None,
        };
        let found = answer::candidates_for_job(self.state, self.who, req).await?;
        self.conv.refer(Ref::Job(job.id));
        if found.matches.is_empty() {
            let mut a = Answer::new(
                intent,
                format!(
                    "I found no candidates for job #{} ({}) yet. Add candidates, or give the job skills to match on.",
                    job.id, job.title
                ),
            );
            a.items.push(job_item(&job));
            return Ok(a);
        }
        let header = format!(
            "Here are the top candidate matches for job #{} ({}):\n",
            job.id, job.title
        );
        let rows = found
            .matches
            .into_iter()
            .map(|m| {
                let role = role_at(m.current_title.as_deref(), m.current_company.as_deref());
                let line = format!(
                    "Candidate #{}: {}{}, score={}, strategy={}. Why: {}",
                    m.candidate_id,
                    m.full_name,
                    paren(&role),
                    m.fit.score,
                    m.fit.strategy,
                    m.fit.reason
                );
                let item = ChatItem {
                    kind: ItemKind::Candidate,
                    id: m.candidate_id,
                    label: m.full_name,
                    detail: (!role.is_empty()).then_some(role),
                    score: Some(m.fit.score),
                };
                (line, item)
            })
            .collect();
        let next = format!(
            "You can now say things like:\n- 'show applications for job {}'\n- 'summarize the first one'\n- 'list candidates' to see everyone.",
            job.id
        );
        Ok(self.listing(intent, header, rows, &next))
    }

    async fn jobs_for_candidate(&mut self, t: Target) -> Result<Answer> {
        let intent = ChatIntent::MatchJobsForCandidate;
        let c = match self.allowed_candidate(Permission::MATCHING, intent, &t)? {
            Ok(c) => c,
            Err(a) => return Ok(*a),
        };
        let req = JobsForCandidate {
            candidate_id: c.id,
            limit: Some(SHOWN as u32),
            strategy: None,
        };
        let found = answer::jobs_for_candidate(self.state, self.who, req).await?;
        self.conv.refer(Ref::Candidate(c.id));
        if found.matches.is_empty() {
            let mut a = Answer::new(
                intent,
                format!(
                    "I found no open jobs for candidate #{} ({}). Open a job, or add skills to the candidate.",
                    c.id, c.full_name
                ),
            );
            a.items.push(candidate_item(&c));
            return Ok(a);
        }
        let header = format!(
            "Here are the best open jobs for candidate #{} ({}):\n",
            c.id, c.full_name
        );
        let rows = found
            .matches
            .into_iter()
            .map(|m| {
                let place = m
                    .location
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                let line = format!(
                    "Job #{}: {}{place}, score={}, strategy={}. Why: {}",
                    m.job_id, m.title, m.fit.score, m.fit.strategy, m.fit.reason
                );
                let item = ChatItem {
                    kind: ItemKind::Job,
                    id: m.job_id,
                    label: m.title,
                    detail: m.location,
                    score: Some(m.fit.score),
                };
                (line, item)
            })
            .collect();
        let next = "You can now say 'pipeline for the first one' or 'match candidates for it'.";
        Ok(self.listing(intent, header, rows, next))
    }

    fn pipeline(&mut self, t: Target) -> Result<Answer> {
        let intent = ChatIntent::Pipeline;
        let job = match self.allowed_job(Permission::APPLICATIONS_READ, intent, &t)? {
            Ok(j) => j,
            Err(a) => return Ok(*a),
        };
        self.conv.refer(Ref::Job(job.id));
        let tenant = self.who.tenant_id;
        let filter = ApplicationFilter {
            job_id: Some(job.id),
            ..ApplicationFilter::default()
        };
        let (apps, total) = applications::list(&self.state.store, self.who, &filter, 0, 100)?;
        let mut a = Answer::new(intent, "");
        if total == 0 {
            a.reply = format!(
                "Job #{} ({}) has no applications yet. Say 'match candidates for job {}' to find some.",
                job.id, job.title, job.id
            );
            a.items.push(job_item(&job));
            return Ok(a);
        }
        let rx = self.state.store.read()?;
        let ids: Vec<u64> = apps.iter().map(|app| app.candidate_id).collect();
        let people = rx.get_many(&CANDIDATES, tenant, &ids)?;
        let name_of = |id: u64| {
            people
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.full_name.clone())
        };
        let mut reply = format!(
            "Pipeline for job #{} ({}): {total} application{}{}.\n",
            job.id,
            job.title,
            if total == 1 { "" } else { "s" },
            if total as usize > apps.len() {
                format!(", the newest {} shown", apps.len())
            } else {
                String::new()
            }
        );
        let mut listed = Vec::new();
        for stage in Stage::ALL {
            let here: Vec<_> = apps.iter().filter(|app| app.status == *stage).collect();
            if here.is_empty() {
                continue;
            }
            let names: Vec<String> = here
                .iter()
                .filter_map(|app| {
                    name_of(app.candidate_id).map(|n| format!("{n} (#{})", app.candidate_id))
                })
                .collect();
            reply.push_str(&format!(
                "\n- {} ({}): {}",
                stage.as_str(),
                here.len(),
                names.join(", ")
            ));
            for app in here {
                if let Some(name) = name_of(app.candidate_id) {
                    a.items.push(ChatItem {
                        kind: ItemKind::Candidate,
                        id: app.candidate_id,
                        label: name,
                        detail: Some(stage.as_str().to_string()),
                        score: None,
                    });
                    listed.push(Ref::Candidate(app.candidate_id));
                }
            }
        }
        reply.push_str(
            "\n\nYou can now say 'summarize the first one' or 'match candidates for it'.",
        );
        self.conv.show(listed);
        a.reply = reply;
        Ok(a)
    }

    /// A list answer: `header`, a line per record (its item beside it), then what to say
    /// `next`; its records become the list "the first one" picks from.
    fn listing(
        &mut self,
        intent: ChatIntent,
        header: String,
        rows: Vec<(String, ChatItem)>,
        next: &str,
    ) -> Answer {
        let mut a = Answer::new(intent, header);
        let mut shown = Vec::with_capacity(rows.len());
        for (line, item) in rows {
            a.reply.push_str("\n- ");
            a.reply.push_str(&line);
            shown.push(match item.kind {
                ItemKind::Job => Ref::Job(item.id),
                ItemKind::Candidate => Ref::Candidate(item.id),
            });
            a.items.push(item);
        }
        a.reply.push_str("\n\n");
        a.reply.push_str(next);
        self.conv.show(shown);
        a
    }

    /// The kind of record `t` names, for "match X": the conversation's last one for a
    /// pronoun, the last list's for a place in it, a candidate's name before a job's title.
    fn kind_of(&self, t: &Target) -> Option<Kind> {
        let of = |r: &Ref| match r {
            Ref::Job(_) => Kind::Job,
            Ref::Candidate(_) => Kind::Candidate,
        };
        match t {
            Target::Pronoun => self.conv.last.as_ref().map(of),
            Target::Ordinal(i) => pick(&self.conv.list, *i).as_ref().map(of),
            Target::Name(name) => match self.find_candidate(name) {
                Ok(Some(_)) => Some(Kind::Candidate),
                _ => Some(Kind::Job),
            },
            Target::Id(id) => {
                let rx = self.state.store.read().ok()?;
                match rx.get(&CANDIDATES, self.who.tenant_id, *id) {
                    Ok(Some(_)) => Some(Kind::Candidate),
                    _ => Some(Kind::Job),
                }
            }
        }
    }

    /// The job `t` names when the caller may do `permission` with it; else the answer why not.
    fn allowed_job(
        &self,
        permission: Permission,
        intent: ChatIntent,
        t: &Target,
    ) -> Result<Found<Job>> {
        match self.may(permission, intent) {
            Ok(()) => self.job(t, intent),
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// The candidate `t` names when the caller may do `permission`; else the answer why not.
    fn allowed_candidate(
        &self,
        permission: Permission,
        intent: ChatIntent,
        t: &Target,
    ) -> Result<Found<Candidate>> {
        match self.may(permission, intent) {
            Ok(()) => self.candidate(t, intent),
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// The job `t` names, or the answer that says there is none.
    fn job(&self, t: &Target, intent: ChatIntent) -> Result<Found<Job>> {
        let tenant = self.who.tenant_id;
        let not_found = |what: String| Ok(Err(Box::new(Answer::new(intent, what))));
        let id = match t {
            Target::Id(id) => *id,
            Target::Pronoun => match self.conv.job {
                Some(id) => id,
                None => return not_found("Which job do you mean? Say 'job 5', or name it: 'the Rust engineer job'.".into()),
            },
            Target::Ordinal(i) => match pick(&self.conv.list, *i) {
                Some(Ref::Job(id)) => id,
                _ => return not_found("The last list I showed has no such job. Say 'list jobs' first, or name the job.".into()),
            },
            Target::Name(name) => {
                let filter = JobFilter {
                    q: Some(name.clone()),
                    ..JobFilter::default()
                };
                let s = self.state;
                let (found, _) = jobs::list(&s.store, &s.indexer.search, tenant, &filter, 0, 5)?;
                match best_job(&found, name) {
                    Some(job) => return Ok(Ok(job.clone())),
                    None => return not_found(format!("I can't find a job called \"{name}\". Say 'list jobs' to see them.")),
                }
            }
        };
        match jobs::get(&self.state.store, tenant, id) {
            Ok(job) => Ok(Ok(job)),
            Err(e) if e.code == Code::NotFound => not_found(format!("I can't find job #{id}.")),
            Err(e) => Err(e),
        }
    }

    /// The candidate `t` names, or the answer that says there is none (or asks which one).
    fn candidate(&self, t: &Target, intent: ChatIntent) -> Result<Found<Candidate>> {
        let not_found = |what: String| Ok(Err(Box::new(Answer::new(intent, what))));
        let id = match t {
            Target::Id(id) => *id,
            Target::Pronoun => match self.conv.candidate {
                Some(id) => id,
                None => return not_found("Which candidate do you mean? Say 'candidate 3', or their name.".into()),
            },
            Target::Ordinal(i) => match pick(&self.conv.list, *i) {
                Some(Ref::Candidate(id)) => id,
                _ => return not_found("The last list I showed has no such candidate. Say 'list candidates' first, or name them.".into()),
            },
            Target::Name(name) => {
                return match self.find_candidate(name)? {
                    Some(Ok(c)) => Ok(Ok(c)),
                    Some(Err(several)) => {
                        let mut a = Answer::new(intent, format!("Several candidates are called \"{name}\"; which one do you mean?\n"));
                        for c in &several {
                            a.reply.push_str(&format!("\n- Candidate #{}: {}{}", c.id, c.full_name, paren(&candidate_detail(c))));
                            a.items.push(candidate_item(c));
                        }
                        a.reply.push_str("\n\nSay 'the first one', or the candidate's number.");
                        Ok(Err(Box::new(a)))
                    }
                    None => not_found(format!("I can't find a candidate called \"{name}\". Say 'list candidates' to see them.")),
                };
            }
        };
        match candidates::get(&self.state.store, self.who, id) {
            Ok(c) => Ok(Ok(c)),
            Err(e) if e.code == Code::NotFound => {
                not_found(format!("I can't find candidate #{id}."))
            }
            Err(e) => Err(e),
        }
    }

    /// The tenant's candidate whose name is `name` (as typed, any case, a small typo allowed):
    /// `Some(Err(list))` when several fit equally.
    fn find_candidate(
        &self,
        name: &str,
    ) -> Result<Option<std::result::Result<Candidate, Vec<Candidate>>>> {
        let s = self.state;
        let search = |q: &str| {
            let filter = CandidateFilter {
                q: Some(q.to_string()),
                ..CandidateFilter::default()
            };
            candidates::list(&s.store, &s.indexer.search, self.who, &filter, 0, 20)
                .map(|(found, _)| found)
        };
        // The whole name (every word must match), then each word alone, for a typo.
        let mut found = search(name)?;
        if found.is_empty() {
            for word in name.split_whitespace().filter(|w| w.chars().count() >= 3) {
                for c in search(word)? {
                    if !found.iter().any(|f| f.id == c.id) {
                        found.push(c);
                    }
                }
            }
        }
        let typed = name.to_lowercase();
        let mut scored: Vec<(f64, Candidate)> = found
            .into_iter()
            .map(|c| (name_likeness(&typed, &c.full_name.to_lowercase()), c))
            .filter(|(score, _)| *score >= 0.88)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let Some(best) = scored.first().map(|(s, _)| *s) else {
            return Ok(None);
        };
        let mut tied: Vec<Candidate> = scored
            .into_iter()
            .filter(|(s, _)| best - s < 0.01)
            .map(|(_, c)| c)
            .collect();
        Ok(Some(if tied.len() == 1 {
            Ok(tied.remove(0))
        } else {
            Err(tied)
        }))
    }
}

/// How much a typed name is a candidate's name, 0–1: every typed word matching a word of
/// the name counts fully ("jane" for "Jane Doe" needs the other words to be absent), else
/// Jaro–Winkler over the whole.
fn name_likeness(typed: &str, full: &str) -> f64 {
    let words: Vec<&str> = full.split_whitespace().collect();
    let typed_words: Vec<&str> = typed.split_whitespace().collect();
    let all_words = !typed_words.is_empty()
        && typed_words
            .iter()
            .all(|t| words.iter().any(|w| strsim::jaro_winkler(t, w) >= 0.92));
    if all_words {
        // The more of the name typed, the surer: "jane doe" beats "jane" for "Jane Doe".
        0.95 + 0.05 * (typed_words.len() as f64 / words.len().max(1) as f64).min(1.0)
    } else {
        strsim::jaro_winkler(typed, full) * 0.95
    }
}

/// The job whose title best fits a typed name among those search found (best first).
fn best_job<'a>(found: &'a [Job], name: &str) -> Option<&'a Job> {
    let typed = name.to_lowercase();
    found
        .iter()
        .enumerate()
        .map(|(rank, j)| {
            let title = j.title.to_lowercase();
            let words = typed
                .split_whitespace()
                .filter(|w| title.contains(w))
                .count();
            (words, std::cmp::Reverse(rank), j)
        })
        .max_by_key(|(words, rank, _)| (*words, *rank))
        .map(|(_, _, j)| j)
}

fn pick(list: &[Ref], i: usize) -> Option<Ref> {
    if i == usize::MAX {
        list.last().copied()
    } else {
        list.get(i).copied()
    }
}

fn job_item(job: &Job) -> ChatItem {
    let detail = job_detail(job);
    ChatItem {
        kind: ItemKind::Job,
        id: job.id,
        label: job.title.clone(),
        detail: (!detail.is_empty()).then_some(detail),
        score: None,
    }
}

fn candidate_item(c: &Candidate) -> ChatItem {
    let detail = candidate_detail(c);
    ChatItem {
        kind: ItemKind::Candidate,
        id: c.id,
        label: c.full_name.clone(),
        detail: (!detail.is_empty()).then_some(detail),
        score: None,
    }
}

/// "New York, NY, open".
fn job_detail(job: &Job) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(l) = &job.location {
        parts.push(l);
    }
    parts.push(job.status.as_str());
    parts.join(", ")
}

/// "Staff Engineer @ TechCorp, San Francisco, CA".
fn candidate_detail(c: &Candidate) -> String {
    let role = role_at(c.current_title.as_deref(), c.current_company.as_deref());
    [Some(role).filter(|r| !r.is_empty()), c.location.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

fn role_at(title: Option<&str>, company: Option<&str>) -> String {
    match (title, company) {
        (Some(t), Some(c)) => format!("{t} @ {c}"),
        (Some(t), None) => t.to_string(),
        (None, Some(c)) => format!("@ {c}"),
        (None, None) => String::new(),
    }
}

fn paren(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" ({s})")
    }
}

fn shown_of(shown: usize, total: u64) -> String {
    if (shown as u64) < total {
        format!(" (the newest {shown} shown)")
    } else {
        String::new()
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>().trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_typed_find_their_candidate() {
        assert!(name_likeness("jane doe", "jane doe") > name_likeness("jane", "jane doe"));
        assert!(name_likeness("jane doe", "jane doe") >= 0.99);
        assert!(name_likeness("jane doe", "jane dooe") >= 0.88, "a typo");
        assert!(name_likeness("jane doe", "john smith") < 0.88);
        assert!(name_likeness("doe", "jane doe") >= 0.88);
    }
}
