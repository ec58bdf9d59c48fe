//! Interviews: scheduled for a candidate and a job, rescheduled, cancelled, completed, with
//! scorecards recorded on the interview, and an iCalendar export.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::applications::{self, Stage};
use super::audit::{self, Action, Actor, Change};
use super::fields::{apply_nullable, blank_is_null, check_text};
use super::webhooks::{self, Event};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{CANDIDATES, INTERVIEWS, JOBS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

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

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Scorecard {
    pub interviewer: String,
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
    pub interviewers: Vec<String>,
    pub status: InterviewStatus,
    pub scorecards: Vec<Scorecard>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewInterview {
    pub candidate_id: u64,
    pub job_id: u64,
    pub scheduled_at: Timestamp,
    /// 5–480 minutes; defaults to 45.
    pub duration_min: Option<u32>,
    pub kind: InterviewKind,
    pub location_or_url: Option<String>,
    pub interviewers: Option<Vec<String>>,
}

#[derive(Debug, Clone, Object)]
pub struct NewScorecard {
    pub interviewer: String,
    pub score: u32,
    pub recommendation: Recommendation,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct InterviewPatch {
    /// Reschedule.
    pub scheduled_at: MaybeUndefined<Timestamp>,
    pub duration_min: MaybeUndefined<u32>,
    pub kind: MaybeUndefined<InterviewKind>,
    pub location_or_url: MaybeUndefined<String>,
    pub interviewers: MaybeUndefined<Vec<String>>,
    /// `completed` or `cancelled`; a completed or cancelled interview cannot be reopened (422).
    pub status: MaybeUndefined<InterviewStatus>,
    /// Records (or replaces, for the same interviewer) a scorecard.
    pub add_scorecard: MaybeUndefined<NewScorecard>,
}

fn validate(i: &Interview) -> Result<()> {
    let mut v = Validator::new();
    v.check(
        (5..=480).contains(&i.duration_min),
        "duration_min",
        "must be between 5 and 480 minutes",
    );
    check_text(&mut v, "location_or_url", i.location_or_url.as_deref(), 500);
    v.check(
        i.interviewers.len() <= 20,
        "interviewers",
        "must list at most 20 people",
    );
    v.check(
        i.interviewers
            .iter()
            .all(|n| !n.trim().is_empty() && n.chars().count() <= 120),
        "interviewers",
        "entries must be 1 to 120 characters",
    );
    v.finish()
}

fn validate_scorecard(s: &NewScorecard) -> Result<()> {
    let mut v = Validator::new();
    v.text("add_scorecard.interviewer", &s.interviewer, true, 120);
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

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Interview> {
    rx.get(&INTERVIEWS, tenant, id)?
        .ok_or_else(|| Error::not_found("Interview", id))
}

/// Stages an interview moves an application out of.
const BEFORE_INTERVIEW: [Stage; 3] = [Stage::Sourced, Stage::Applied, Stage::Screening];

pub async fn schedule(store: &Store, who: &Identity, input: NewInterview) -> Result<Interview> {
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
        location_or_url: input
            .location_or_url
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        interviewers: input
            .interviewers
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.trim().to_string())
            .collect(),
        status: InterviewStatus::Scheduled,
        scorecards: vec![],
        created_at: now,
        updated_at: now,
    };
    validate(&interview)?;
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            let tenant = interview.org_id;
            tx.get(&JOBS, tenant, interview.job_id)?
                .ok_or_else(|| Error::not_found("Job", interview.job_id))?;
            tx.get(&CANDIDATES, tenant, interview.candidate_id)?
                .ok_or_else(|| Error::not_found("Candidate", interview.candidate_id))?;
            interview.application_id = pipeline_at_interview(
                tx,
                tenant,
                interview.job_id,
                interview.candidate_id,
                &actor,
            )?;
            interview.id = tx.next_id()?;
            tx.put(&INTERVIEWS, tenant, interview.id, &interview)?;
            let summary = format!(
                "Scheduled a {:?} interview with candidate {} for job {} at {}",
                interview.kind, interview.candidate_id, interview.job_id, interview.scheduled_at
            )
            .to_lowercase();
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
            Some("interview".into()),
            None,
            actor,
        )?
        .id),
    }
}

pub fn get(store: &Store, tenant: u64, id: u64) -> Result<Interview> {
    load(&store.read()?, tenant, id)
}

pub async fn update(
    store: &Store,
    who: &Identity,
    id: u64,
    patch: InterviewPatch,
) -> Result<Interview> {
    for (field, null) in [
        ("scheduled_at", patch.scheduled_at.is_null()),
        ("duration_min", patch.duration_min.is_null()),
        ("kind", patch.kind.is_null()),
        ("interviewers", patch.interviewers.is_null()),
        ("status", patch.status.is_null()),
        ("add_scorecard", patch.add_scorecard.is_null()),
    ] {
        if null {
            return Err(Error::invalid(field, "must not be null"));
        }
    }
    if let Some(s) = patch.add_scorecard.value() {
        validate_scorecard(s)?;
    }
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut i = load(tx, tenant, id)?;
            let before = i.clone();
            let rescheduling = patch.scheduled_at.is_value() || patch.duration_min.is_value();
            if i.status != InterviewStatus::Scheduled
                && (rescheduling || patch.status.value().is_some_and(|s| *s != i.status))
            {
                return Err(Error::business_rule(format!(
                    "Interview {id} is {} and cannot change its time or status",
                    i.status.as_str()
                )));
            }
            if let MaybeUndefined::Value(t) = patch.scheduled_at {
                i.scheduled_at = t;
            }
            if let MaybeUndefined::Value(d) = patch.duration_min {
                i.duration_min = d;
            }
            if let MaybeUndefined::Value(k) = patch.kind {
                i.kind = k;
            }
            apply_nullable(&mut i.location_or_url, blank_is_null(patch.location_or_url));
            if let MaybeUndefined::Value(people) = patch.interviewers {
                i.interviewers = people.into_iter().map(|s| s.trim().to_string()).collect();
            }
            if let MaybeUndefined::Value(s) = patch.status {
                i.status = s;
            }
            if let MaybeUndefined::Value(card) = patch.add_scorecard {
                if i.status == InterviewStatus::Cancelled {
                    return Err(Error::business_rule(format!(
                        "Interview {id} was cancelled; it takes no scorecards"
                    )));
                }
                let card = Scorecard {
                    interviewer: card.interviewer.trim().to_string(),
                    score: card.score,
                    recommendation: card.recommendation,
                    notes: card
                        .notes
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty()),
                    submitted_by: actor.label.clone(),
                    submitted_at: Timestamp::now(),
                };
                let summary = format!(
                    "{} scored interview {id}: {} ({:?})",
                    card.interviewer, card.score, card.recommendation
                );
                audit::record(
                    tx,
                    tenant,
                    &actor,
                    Change::new(Action::InterviewScorecardAdded, id, summary),
                )?;
                i.scorecards
                    .retain(|s| !s.interviewer.eq_ignore_ascii_case(&card.interviewer));
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
                let summary = format!(
                    "Interview {id}: {} ({})",
                    action.as_str().trim_start_matches("interview."),
                    changed.join(", ")
                );
                audit::record(
                    tx,
                    tenant,
                    &actor,
                    Change::new(action, id, summary).with(serde_json::json!({"changed": changed})),
                )?;
            }
            if before.status != InterviewStatus::Completed && i.status == InterviewStatus::Completed
            {
                webhooks::emit(tx, tenant, Event::InterviewCompleted, event_data(&i))?;
            }
            Ok(i)
        })
        .await
}

pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            load(tx, tenant, id)?;
            tx.remove(&INTERVIEWS, tenant, id)?;
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(
                    Action::InterviewDeleted,
                    id,
                    format!("Deleted interview {id}"),
                ),
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

/// Interviews in time order (soonest first) matching the filter.
pub fn list(
    store: &Store,
    tenant: u64,
    f: &InterviewFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Interview>, u64)> {
    let rx = store.read()?;
    let all = all_of(&rx, tenant)?;
    let mut matching: Vec<Interview> = all
        .into_iter()
        .filter(|i| {
            f.candidate_id.is_none_or(|c| i.candidate_id == c)
                && f.job_id.is_none_or(|j| i.job_id == j)
                && f.status.is_none_or(|s| i.status == s)
                && f.from.is_none_or(|t| i.scheduled_at >= t)
                && f.to.is_none_or(|t| i.scheduled_at <= t)
        })
        .collect();
    matching.sort_by_key(|i| (i.scheduled_at, i.id));
    let total = matching.len() as u64;
    Ok((matching.into_iter().skip(skip).take(limit).collect(), total))
}

pub fn all_of(rx: &impl Reader, tenant: u64) -> Result<Vec<Interview>> {
    let n = rx.count(&INTERVIEWS, tenant)? as usize;
    rx.list(&INTERVIEWS, tenant, 0, n.max(1))
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
pub fn ics(store: &Store, tenant: u64, id: u64, host: &str) -> Result<String> {
    let rx = store.read()?;
    let i = load(&rx, tenant, id)?;
    let candidate = rx
        .get(&CANDIDATES, tenant, i.candidate_id)?
        .map(|c| c.full_name)
        .unwrap_or_else(|| format!("candidate {}", i.candidate_id));
    let job = rx
        .get(&JOBS, tenant, i.job_id)?
        .map(|j| j.title)
        .unwrap_or_else(|| format!("job {}", i.job_id));
    let stamp = |t: Timestamp| t.0.format("%Y%m%dT%H%M%SZ").to_string();
    let end = i.scheduled_at.plus_secs(i64::from(i.duration_min) * 60);
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
        format!("DTSTART:{}", stamp(i.scheduled_at)),
        format!("DTEND:{}", stamp(end)),
        format!(
            "SUMMARY:{}",
            ics_text(&format!("Interview: {candidate} — {job}"))
        ),
        format!(
            "DESCRIPTION:{}",
            ics_text(&format!(
                "{:?} interview for {job}. Interviewers: {}",
                i.kind,
                i.interviewers.join(", ")
            ))
        ),
        format!("STATUS:{status}"),
    ];
    if let Some(place) = &i.location_or_url {
        lines.push(format!("LOCATION:{}", ics_text(place)));
    }
    lines.extend(["END:VEVENT".to_string(), "END:VCALENDAR".to_string()]);
    Ok(lines.iter().map(|l| fold(l)).collect())
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
}
