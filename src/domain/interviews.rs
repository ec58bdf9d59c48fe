//! Interviews: scheduled for a candidate and a job, rescheduled, cancelled, completed, with
//! scorecards recorded on the interview, and an iCalendar export.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::applications::{self, Stage};
use super::audit::{self, Action, Actor, Change};
use super::fields::{NotNull, apply, apply_nullable, blank_is_null, check_text, tidy};
use super::mail::{self, MailAttachment, MailKind};
use super::tenants;
use super::users::{self, User};
use super::webhooks::{self, Event};
use crate::auth::{Identity, Permission, Role};
use crate::error::{Error, Result, Validator, is_valid_email, normalize_email};
use crate::store::tables::{
    CANDIDATE_INTERVIEWS, CANDIDATES, INTERVIEWS, INTERVIEWS_BY_STATUS_TIME, INTERVIEWS_BY_TIME,
    JOB_INTERVIEWS, JOBS, PANELIST_INTERVIEWS, USERS, status_time_key, time_key,
};
use crate::store::{Reader, Store, Tx, page_of};
use crate::time::Timestamp;

/// The latest time the time index orders (2^40 seconds: year 36812).
const MAX_TIME_KEY: u64 = (1 << 40) - 1;

named_enum! {
    pub enum InterviewKind {
        Phone = "phone",
        Video = "video",
        Onsite = "onsite",
        Technical = "technical",
        Panel = "panel",
    }
}

named_enum! {
    pub enum InterviewStatus {
        Scheduled = "scheduled",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

named_enum! {
    pub enum Recommendation {
        StrongNo = "strong_no",
        No = "no",
        Mixed = "mixed",
        Hire = "hire",
        StrongHire = "strong_hire",
    }
}

/// Someone on an interview panel: a teammate (with their user id) or a person without an
/// account (by name, and email when known).
#[derive(Debug, Clone, PartialEq, Serialize, Object)]
pub struct Panelist {
    /// The teammate's user id; `null` for someone without an account.
    pub user_id: Option<u64>,
    pub name: String,
    pub email: Option<String>,
}

/// Panels stored before panelists had ids were plain names or emails; they read as outside
/// people until migration 2 links the ones that name a teammate.
impl<'de> Deserialize<'de> for Panelist {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Legacy(String),
            Now {
                user_id: Option<u64>,
                name: String,
                email: Option<String>,
            },
        }
        Ok(match Stored::deserialize(d)? {
            Stored::Legacy(name) => Panelist {
                user_id: None,
                email: name.contains('@').then(|| normalize_email(&name)),
                name,
            },
            Stored::Now {
                user_id,
                name,
                email,
            } => Panelist {
                user_id,
                name,
                email,
            },
        })
    }
}

/// A panel member to add: a teammate by `user_id` or `email`, or someone outside by `name`
/// (and `email`, when they have no account).
#[derive(Debug, Clone, Default, Object)]
pub struct PanelistInput {
    pub user_id: Option<u64>,
    #[oai(validator(max_length = 254))]
    pub email: Option<String>,
    #[oai(validator(max_length = 120))]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Scorecard {
    pub interviewer: String,
    /// The interviewer's user id, when they are a teammate.
    #[serde(default)]
    pub interviewer_user_id: Option<u64>,
    /// 0–100.
    pub score: u32,
    pub recommendation: Recommendation,
    pub notes: Option<String>,
    pub submitted_by: String,
    pub submitted_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Interview {
    pub id: u64,
    pub org_id: u64,
    pub candidate_id: u64,
    pub job_id: u64,
    pub application_id: u64,
    pub scheduled_at: Timestamp,
    pub duration_min: u32,
    pub kind: InterviewKind,
    pub location_or_url: Option<String>,
    pub interviewers: Vec<Panelist>,
    pub status: InterviewStatus,
    pub scorecards: Vec<Scorecard>,
    /// The candidate was mailed the invitation (with its calendar event), so changes of time,
    /// place or a cancellation are mailed to them too.
    #[serde(default)]
    pub candidate_notified: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Interview {
    /// The teammates on the panel (the keys of the panelist index).
    pub fn panel_user_ids(&self) -> Vec<u64> {
        self.interviewers.iter().filter_map(|p| p.user_id).collect()
    }
}

#[derive(Debug, Clone, Object)]
pub struct NewInterview {
    pub candidate_id: u64,
    pub job_id: u64,
    pub scheduled_at: Timestamp,
    /// 5–480 minutes; defaults to 45.
    #[oai(validator(minimum(value = "5"), maximum(value = "480")))]
    pub duration_min: Option<u32>,
    pub kind: InterviewKind,
    #[oai(validator(max_length = 500))]
    pub location_or_url: Option<String>,
    /// The panel: teammates by `user_id` or `email`, others by `name`.
    #[oai(validator(max_items = 20))]
    pub interviewers: Option<Vec<PanelistInput>>,
    /// Mail the candidate an invitation with the calendar event attached (default true; a
    /// candidate without an email is not mailed). Later changes of time or place and a
    /// cancellation are mailed to them as well.
    pub notify_candidate: Option<bool>,
}

#[derive(Debug, Clone, Object)]
pub struct NewScorecard {
    /// Whose scorecard: a panelist's name or email, or anyone's name. Left out, it is the
    /// signed-in person's own; an interviewer's scorecard is always their own.
    #[oai(validator(max_length = 120))]
    pub interviewer: Option<String>,
    #[oai(validator(maximum(value = "100")))]
    pub score: u32,
    pub recommendation: Recommendation,
    #[oai(validator(max_length = 10000))]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct InterviewPatch {
    /// Reschedule.
    pub scheduled_at: MaybeUndefined<Timestamp>,
    #[oai(validator(minimum(value = "5"), maximum(value = "480")))]
    pub duration_min: MaybeUndefined<u32>,
    pub kind: MaybeUndefined<InterviewKind>,
    #[oai(validator(max_length = 500))]
    pub location_or_url: MaybeUndefined<String>,
    #[oai(validator(max_items = 20))]
    pub interviewers: MaybeUndefined<Vec<PanelistInput>>,
    /// `completed` or `cancelled`; a completed or cancelled interview cannot be reopened (422).
    pub status: MaybeUndefined<InterviewStatus>,
    /// Records (or replaces, for the same interviewer) a scorecard.
    pub add_scorecard: MaybeUndefined<NewScorecard>,
}

crate::not_null!(InterviewPatch: scheduled_at, duration_min, kind, interviewers, status, add_scorecard);

impl InterviewPatch {
    /// Only a scorecard: what an interviewer may send.
    fn only_scorecard(&self) -> bool {
        self.scheduled_at.is_undefined()
            && self.duration_min.is_undefined()
            && self.kind.is_undefined()
            && self.location_or_url.is_undefined()
            && self.interviewers.is_undefined()
            && self.status.is_undefined()
    }
}

/// Interviewers see only the interviews they sit on; everyone else who reads interviews sees all.
fn panel_only(who: &Identity) -> bool {
    who.role == Role::Interviewer
}

/// The interview, if `who` may see it: another tenant's, or one an interviewer is not on, is 404.
fn visible(rx: &impl Reader, who: &Identity, id: u64) -> Result<Interview> {
    let i = load(rx, who.tenant_id, id)?;
    let sits_on = || {
        who.user_id()
            .is_some_and(|me| i.panel_user_ids().contains(&me))
    };
    if panel_only(who) && !sits_on() {
        return Err(Error::not_found("Interview", id));
    }
    Ok(i)
}

/// Resolves panel input inside the transaction: user ids and emails of teammates become
/// linked panelists; anything else is an outside person.
fn resolve_panel(
    rx: &impl Reader,
    tenant: u64,
    input: Vec<PanelistInput>,
) -> Result<Vec<Panelist>> {
    let mut v = Validator::new();
    if input.len() > 20 {
        v.add("interviewers", "must list at most 20 people");
    }
    let mut panel: Vec<Panelist> = Vec::with_capacity(input.len());
    for (n, p) in input.into_iter().enumerate() {
        let field = format!("interviewers[{n}]");
        let email = tidy(p.email).map(|e| normalize_email(&e));
        let name = tidy(p.name);
        let teammate = match (p.user_id, &email) {
            (Some(id), _) => match rx.get(&USERS, tenant, id)? {
                Some(u) => Some(u),
                None => {
                    v.add(
                        &format!("{field}.user_id"),
                        format!("no teammate has the id {id}"),
                    );
                    continue;
                }
            },
            (None, Some(email)) => users::by_email(rx, email)?.filter(|u| u.tenant_id == tenant),
            (None, None) => None,
        };
        let member = match teammate {
            Some(u) => Panelist {
                user_id: Some(u.id),
                name: u.full_name,
                email: Some(u.email),
            },
            None => {
                if let Some(e) = &email {
                    v.check(
                        is_valid_email(e),
                        &format!("{field}.email"),
                        "must be an email address",
                    );
                }
                let Some(name) = name.or_else(|| email.clone()) else {
                    v.add(&field, "needs a user_id, an email or a name");
                    continue;
                };
                v.check(
                    name.chars().count() <= 120,
                    &format!("{field}.name"),
                    "must be at most 120 characters",
                );
                Panelist {
                    user_id: None,
                    name,
                    email,
                }
            }
        };
        let repeat = panel.iter().any(|q| {
            (q.user_id.is_some() && q.user_id == member.user_id)
                || (q.user_id.is_none()
                    && member.user_id.is_none()
                    && q.name.eq_ignore_ascii_case(&member.name))
        });
        if !repeat {
            panel.push(member);
        }
    }
    v.finish()?;
    Ok(panel)
}

/// The scorecard `card` as `who` submits it: an interviewer's is their own; others name the
/// interviewer (a panelist's name or email links to them) or, leaving it out, submit their own.
fn scorecard_of(
    rx: &impl Reader,
    who: &Identity,
    i: &Interview,
    card: NewScorecard,
    actor: &Actor,
) -> Result<Scorecard> {
    let me = || -> Result<Option<User>> {
        match who.user_id() {
            Some(id) => rx.get(&USERS, who.tenant_id, id),
            None => Ok(None),
        }
    };
    let named = tidy(card.interviewer).filter(|_| !panel_only(who));
    let (interviewer, interviewer_user_id) = match named {
        Some(name) => match i.interviewers.iter().find(|p| {
            p.name.eq_ignore_ascii_case(&name)
                || p.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&name))
        }) {
            Some(p) => (p.name.clone(), p.user_id),
            None => (name, None),
        },
        None => match me()? {
            Some(u) => (u.full_name, Some(u.id)),
            None => {
                return Err(Error::invalid(
                    "add_scorecard.interviewer",
                    "is required for an API key",
                ));
            }
        },
    };
    Ok(Scorecard {
        interviewer,
        interviewer_user_id,
        score: card.score,
        recommendation: card.recommendation,
        notes: tidy(card.notes),
        submitted_by: actor.label.clone(),
        submitted_at: Timestamp::now(),
    })
}

fn validate(i: &Interview) -> Result<()> {
    let mut v = Validator::new();
    v.check(
        (5..=480).contains(&i.duration_min),
        "duration_min",
        "must be between 5 and 480 minutes",
    );
    check_text(&mut v, "location_or_url", i.location_or_url.as_deref(), 500);
    v.finish()
}

fn validate_scorecard(s: &NewScorecard) -> Result<()> {
    let mut v = Validator::new();
    check_text(
        &mut v,
        "add_scorecard.interviewer",
        s.interviewer.as_deref(),
        120,
    );
    v.check(
        s.score <= 100,
        "add_scorecard.score",
        "must be between 0 and 100",
    );
    check_text(&mut v, "add_scorecard.notes", s.notes.as_deref(), 10_000);
    v.finish()
}

fn event_data(i: &Interview) -> serde_json::Value {
    serde_json::json!({
        "interview_id": i.id, "candidate_id": i.candidate_id, "job_id": i.job_id,
        "application_id": i.application_id, "scheduled_at": i.scheduled_at, "kind": i.kind, "status": i.status,
    })
}

/// How the audit trail names an interview: its kind, candidate and job.
fn label(rx: &impl Reader, i: &Interview) -> Result<String> {
    let pair = applications::pair_label(rx, i.org_id, i.candidate_id, i.job_id)?;
    Ok(format!("the {} interview of {pair}", i.kind))
}

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Interview> {
    rx.get(&INTERVIEWS, tenant, id)?
        .ok_or_else(|| Error::not_found("Interview", id))
}

/// Stages an interview moves an application out of.
const BEFORE_INTERVIEW: [Stage; 3] = [Stage::Sourced, Stage::Applied, Stage::Screening];

/// Schedules an interview; `public_url` makes the links of the candidate's invitation mail.
pub async fn schedule(
    store: &Store,
    who: &Identity,
    input: NewInterview,
    public_url: &str,
) -> Result<Interview> {
    let now = Timestamp::now();
    let mut interview = Interview {
        id: 0,
        org_id: who.tenant_id,
        candidate_id: input.candidate_id,
        job_id: input.job_id,
        application_id: 0,
        scheduled_at: input.scheduled_at,
        duration_min: input.duration_min.unwrap_or(45),
        kind: input.kind,
        location_or_url: tidy(input.location_or_url),
        interviewers: vec![],
        status: InterviewStatus::Scheduled,
        scorecards: vec![],
        candidate_notified: false,
        created_at: now,
        updated_at: now,
    };
    validate(&interview)?;
    let panel = input.interviewers.unwrap_or_default();
    let notify = input.notify_candidate.unwrap_or(true);
    let public_url = public_url.to_string();
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            let tenant = interview.org_id;
            tx.get(&JOBS, tenant, interview.job_id)?
                .ok_or_else(|| Error::not_found("Job", interview.job_id))?;
            tx.get(&CANDIDATES, tenant, interview.candidate_id)?
                .ok_or_else(|| Error::not_found("Candidate", interview.candidate_id))?;
            interview.interviewers = resolve_panel(tx, tenant, panel)?;
            interview.application_id = pipeline_at_interview(
                tx,
                tenant,
                interview.job_id,
                interview.candidate_id,
                &actor,
            )?;
            interview.id = tx.next_id()?;
            if notify {
                interview.candidate_notified =
                    mail_candidate(tx, &interview, &public_url, Invitation::New)?;
            }
            tx.put(&INTERVIEWS, tenant, interview.id, &interview)?;
            let summary = format!(
                "Scheduled {} at {}",
                label(tx, &interview)?,
                interview.scheduled_at
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::InterviewScheduled, interview.id, summary),
            )?;
            webhooks::emit(
                tx,
                tenant,
                Event::InterviewScheduled,
                event_data(&interview),
            )?;
            Ok(interview)
        })
        .await
}

/// The candidate's application to the job, moved to `interview` if it was earlier in the
/// pipeline, or created there if the candidate was not in the pipeline yet.
fn pipeline_at_interview(
    tx: &mut Tx,
    tenant: u64,
    job: u64,
    candidate: u64,
    actor: &Actor,
) -> Result<u64> {
    match applications::find(tx, tenant, job, candidate)? {
        Some(mut app) => {
            if BEFORE_INTERVIEW.contains(&app.status) {
                applications::move_to(tx, &mut app, Stage::Interview, actor)?;
            }
            Ok(app.id)
        }
        None => Ok(applications::insert(
            tx,
            tenant,
            job,
            candidate,
            Stage::Interview,
            None,
            None,
            actor,
        )?
        .id),
    }
}

/// An interview `who` may see.
pub fn get(store: &Store, who: &Identity, id: u64) -> Result<Interview> {
    visible(&store.read()?, who, id)
}

/// Reschedules, changes, completes or cancels an interview, or records a scorecard. A
/// scorecard alone needs `SCORECARDS_WRITE` (interviewers: only on their own panels, only
/// their own card); anything else needs `INTERVIEWS_WRITE`.
pub async fn update(
    store: &Store,
    who: &Identity,
    id: u64,
    patch: InterviewPatch,
    public_url: &str,
) -> Result<Interview> {
    if patch.only_scorecard() && patch.add_scorecard.is_value() {
        who.allow(Permission::SCORECARDS_WRITE)?;
    } else if panel_only(who) {
        return Err(Error::forbidden(
            "Interviewers may only add their own scorecard",
        ));
    } else {
        who.allow(Permission::INTERVIEWS_WRITE)?;
    }
    patch.reject_nulls()?;
    if let Some(s) = patch.add_scorecard.value() {
        validate_scorecard(s)?;
    }
    let (who, actor) = (who.clone(), Actor::of(who));
    let public_url = public_url.to_string();
    store
        .write(move |tx| {
            let tenant = who.tenant_id;
            let mut i = visible(tx, &who, id)?;
            let before = i.clone();
            let rescheduling = patch.scheduled_at.is_value() || patch.duration_min.is_value();
            if i.status != InterviewStatus::Scheduled
                && (rescheduling || patch.status.value().is_some_and(|s| *s != i.status))
            {
                return Err(Error::business_rule(format!(
                    "Interview {id} is {} and cannot change its time or status",
                    i.status
                )));
            }
            apply(&mut i.scheduled_at, patch.scheduled_at);
            apply(&mut i.duration_min, patch.duration_min);
            apply(&mut i.kind, patch.kind);
            apply_nullable(&mut i.location_or_url, blank_is_null(patch.location_or_url));
            if let MaybeUndefined::Value(panel) = patch.interviewers {
                i.interviewers = resolve_panel(tx, tenant, panel)?;
            }
            apply(&mut i.status, patch.status);
            if let MaybeUndefined::Value(card) = patch.add_scorecard {
                if i.status == InterviewStatus::Cancelled {
                    return Err(Error::business_rule(format!(
                        "Interview {id} was cancelled; it takes no scorecards"
                    )));
                }
                let card = scorecard_of(tx, &who, &i, card, &actor)?;
                let summary = format!(
                    "{} scored {}: {} ({})",
                    card.interviewer,
                    label(tx, &i)?,
                    card.score,
                    card.recommendation
                );
                audit::record(
                    tx,
                    tenant,
                    &actor,
                    Change::new(Action::InterviewScorecardAdded, id, summary),
                )?;
                i.scorecards.retain(
                    |s| match (s.interviewer_user_id, card.interviewer_user_id) {
                        (Some(a), Some(b)) => a != b,
                        _ => !s.interviewer.eq_ignore_ascii_case(&card.interviewer),
                    },
                );
                i.scorecards.push(card);
            }
            validate(&i)?;
            i.updated_at = Timestamp::now();
            tx.put(&INTERVIEWS, tenant, id, &i)?;
            let changed: Vec<String> = audit::changed_fields(&before, &i)
                .into_iter()
                .filter(|f| f != "scorecards")
                .collect();
            if !changed.is_empty() {
                let action = match (before.status, i.status) {
                    (InterviewStatus::Scheduled, InterviewStatus::Completed) => {
                        Action::InterviewCompleted
                    }
                    (InterviewStatus::Scheduled, InterviewStatus::Cancelled) => {
                        Action::InterviewCancelled
                    }
                    _ if changed.iter().any(|f| f == "scheduled_at") => {
                        Action::InterviewRescheduled
                    }
                    _ => Action::InterviewUpdated,
                };
                let verb = action.as_str().trim_start_matches("interview.");
                let summary = format!(
                    "{} {verb} ({})",
                    capitalized(&label(tx, &i)?),
                    changed.join(", ")
                );
                audit::record(
                    tx,
                    tenant,
                    &actor,
                    Change::new(action, id, summary).with(serde_json::json!({"changed": changed})),
                )?;
            }
            if i.candidate_notified {
                let moved = before.scheduled_at != i.scheduled_at
                    || before.duration_min != i.duration_min
                    || before.location_or_url != i.location_or_url;
                if before.status == InterviewStatus::Scheduled
                    && i.status == InterviewStatus::Cancelled
                {
                    mail_candidate(tx, &i, &public_url, Invitation::Cancelled)?;
                } else if i.status == InterviewStatus::Scheduled && moved {
                    mail_candidate(tx, &i, &public_url, Invitation::Changed)?;
                }
            }
            if before.status != InterviewStatus::Completed && i.status == InterviewStatus::Completed
            {
                webhooks::emit(tx, tenant, Event::InterviewCompleted, event_data(&i))?;
            }
            Ok(i)
        })
        .await
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let i = load(tx, tenant, id)?;
            let summary = format!("Deleted {}", label(tx, &i)?);
            tx.remove(&INTERVIEWS, tenant, id)?;
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::InterviewDeleted, id, summary),
            )
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct InterviewFilter {
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    pub status: Option<InterviewStatus>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

/// Interviews in time order (soonest first) matching the filter; an interviewer's are only
/// those they sit on. A candidate, job or panelist filter reads that record's interviews;
/// otherwise the time index (per status when one is asked for) is walked from `from` on.
pub fn list(
    store: &Store,
    who: &Identity,
    f: &InterviewFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Interview>, u64)> {
    let rx = store.read()?;
    let tenant = who.tenant_id;
    let filters = [
        (&CANDIDATE_INTERVIEWS, f.candidate_id),
        (&JOB_INTERVIEWS, f.job_id),
        // Without a user account (an API key) nobody is on a panel: key 0 files nothing.
        (
            &PANELIST_INTERVIEWS,
            panel_only(who).then(|| who.user_id().unwrap_or(0)),
        ),
    ];
    let in_window = |i: &Interview| {
        f.from.is_none_or(|t| i.scheduled_at >= t) && f.to.is_none_or(|t| i.scheduled_at <= t)
    };
    if filters.iter().any(|(_, key)| key.is_some()) {
        let keep = |i: &Interview| f.status.is_none_or(|s| i.status == s) && in_window(i);
        let (mut all, _) =
            rx.page_matching(&INTERVIEWS, tenant, &filters, Some(&keep), 0, usize::MAX)?;
        all.sort_by_key(|i| (i.scheduled_at, i.id));
        return page_of(all.into_iter(), skip, limit);
    }
    // Stored times are whole seconds, as are the index keys: a window's start rounds up.
    let from = f
        .from
        .map(|t| time_key(t) + u64::from(t.0.timestamp_subsec_nanos() > 0))
        .unwrap_or(0);
    let to = f.to.map(time_key).unwrap_or(MAX_TIME_KEY);
    if from > to {
        return Ok((vec![], 0));
    }
    let (filing, keys) = match f.status {
        None => (&INTERVIEWS_BY_TIME, from..=to),
        Some(s) => {
            let key = |t: u64| status_time_key(s as u64, Timestamp::from_unix(t as i64));
            (&INTERVIEWS_BY_STATUS_TIME, key(from)..=key(to))
        }
    };
    let ids = rx.filed_in(filing, tenant, keys.clone(), skip.saturating_add(limit))?;
    let total = rx.filed_count_in(filing, tenant, keys)?;
    let page = rx.get_many(&INTERVIEWS, tenant, ids.get(skip..).unwrap_or_default())?;
    Ok((page, total))
}

/// RFC 5545 text: backslash, semicolon, comma and newline escaped.
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

/// The interview as an iCalendar (RFC 5545) event.
pub fn ics(store: &Store, who: &Identity, id: u64, host: &str) -> Result<String> {
    let rx = store.read()?;
    let i = visible(&rx, who, id)?;
    let (candidate, job) = names(&rx, &i)?;
    Ok(calendar(&i, &candidate, &job, host))
}

/// The candidate's name and the job's title (or their ids, for records gone since).
fn names(rx: &impl Reader, i: &Interview) -> Result<(String, String)> {
    let candidate = rx
        .get(&CANDIDATES, i.org_id, i.candidate_id)?
        .map(|c| c.full_name)
        .unwrap_or_else(|| format!("candidate {}", i.candidate_id));
    let job = rx
        .get(&JOBS, i.org_id, i.job_id)?
        .map(|j| j.title)
        .unwrap_or_else(|| format!("job {}", i.job_id));
    Ok((candidate, job))
}

/// The host name of a public URL (`https://jobs.example.com:8443/x` → `jobs.example.com`),
/// which makes event UIDs unique to this install.
pub fn host_of(public_url: &str) -> String {
    public_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|h| !h.is_empty())
        .unwrap_or("hirebase")
        .to_string()
}

fn calendar(i: &Interview, candidate: &str, job: &str, host: &str) -> String {
    let stamp = |t: Timestamp| t.0.format("%Y%m%dT%H%M%SZ").to_string();
    let status = match i.status {
        InterviewStatus::Cancelled => "CANCELLED",
        _ => "CONFIRMED",
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//hirebase//interviews//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:interview-{}@{}", i.id, host),
        format!("DTSTAMP:{}", stamp(i.updated_at)),
        // Each change stamps the interview anew: a later copy of the event replaces an
        // earlier one in the calendar it was added to.
        format!(
            "SEQUENCE:{}",
            i.updated_at.0.timestamp() - i.created_at.0.timestamp()
        ),
        format!("DTSTART:{}", stamp(i.scheduled_at)),
        format!("DTEND:{}", stamp(end_of(i))),
        format!(
            "SUMMARY:{}",
            ics_text(&format!("Interview: {candidate} — {job}"))
        ),
        format!(
            "DESCRIPTION:{}",
            ics_text(&format!(
                "{} interview for {job}. Interviewers: {}",
                capitalized(i.kind.as_str()),
                i.interviewers
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        ),
        format!("STATUS:{status}"),
    ];
    if let Some(place) = &i.location_or_url {
        lines.push(format!("LOCATION:{}", ics_text(place)));
    }
    lines.extend(["END:VEVENT".to_string(), "END:VCALENDAR".to_string()]);
    lines.iter().map(|l| fold(l)).collect()
}

fn end_of(i: &Interview) -> Timestamp {
    i.scheduled_at.plus_secs(i64::from(i.duration_min) * 60)
}

/// Which mail about their interview a candidate gets.
#[derive(Clone, Copy, PartialEq)]
enum Invitation {
    New,
    Changed,
    Cancelled,
}

/// Queues the candidate's mail about `i` (with the event attached) in the transaction that
/// changes it. Answers whether a mail was queued: a candidate without an email gets none.
fn mail_candidate(tx: &mut Tx, i: &Interview, public_url: &str, which: Invitation) -> Result<bool> {
    let Some(email) = tx
        .get(&CANDIDATES, i.org_id, i.candidate_id)?
        .and_then(|c| c.email)
    else {
        return Ok(false);
    };
    let tenant = tenants::load(tx, i.org_id)?;
    let (candidate, job) = names(tx, i)?;
    let when = format!(
        "{} to {} UTC ({} minutes)",
        i.scheduled_at.0.format("%A %-d %B %Y, %H:%M"),
        end_of(i).0.format("%H:%M"),
        i.duration_min
    );
    let place = i.location_or_url.as_deref().unwrap_or("to be confirmed");
    let details = format!("{} interview for {job}, {when}, at {place}", i.kind);
    // A video link is the place to go; otherwise the careers page says who they are.
    let link = match &i.location_or_url {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => url.clone(),
        _ => format!(
            "{}/careers/{}",
            public_url.trim_end_matches('/'),
            tenant.slug
        ),
    };
    let kind = match which {
        Invitation::New => MailKind::InterviewInvitation,
        Invitation::Changed => MailKind::InterviewChanged,
        Invitation::Cancelled => MailKind::InterviewCancelled,
    };
    let mut outgoing = mail::compose(kind, &email, Some(&tenant), &link, &details);
    outgoing.attachments.push(MailAttachment {
        filename: "interview.ics".into(),
        content_type: "text/calendar; method=PUBLISH; charset=UTF-8".into(),
        content: calendar(i, &candidate, &job, &host_of(public_url)),
    });
    mail::enqueue(tx, i.org_id, outgoing)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_text_is_escaped_and_folded() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let folded = fold(&format!("SUMMARY:{}", "é".repeat(60)));
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded:?}");
        assert!(folded.contains("\r\n "));
    }

    #[test]
    fn hosts_of_public_urls() {
        assert_eq!(
            host_of("https://jobs.example.com:8443/x"),
            "jobs.example.com"
        );
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("nonsense"), "hirebase");
    }
}
