//! Projects of the marketplace (seed 000) and their slots: the seats a project needs filled,
//! each asking for skills, a seniority, a day rate and terms of work over some dates. A slot is
//! `open` until an engagement fills it (see `engagements`); its matches rank the
//! organisation's people with the matching engine.

use chrono::NaiveDate;
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::engagements;
use super::fields::{
    NotNull, apply, apply_nullable, blank_is_null, check_labels, check_span, check_text,
    clean_labels, tidy,
};
use super::jobs::Level;
use super::matching::{Availability, Demand, Matcher, Pay, Rated, Scored, Supply, find};
use super::people::{self, Person, PersonFilter, View, WorkType, check_rates};
use super::tenants;
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{PROJECT_SLOTS, PROJECTS, SLOTS, STATUS_PROJECTS, STATUS_SLOTS};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

named_enum! {
    pub enum ProjectStatus {
        Planned = "planned",
        Active = "active",
        OnHold = "on_hold",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

named_enum! {
    pub enum SlotStatus {
        Open = "open",
        Filled = "filled",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Project {
    pub id: u64,
    pub org_id: u64,
    pub name: String,
    /// Who the work is for.
    pub client: Option<String>,
    pub description: Option<String>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, after `start_date`.
    pub end_date: Option<String>,
    pub status: ProjectStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewProject {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub name: String,
    #[oai(validator(max_length = 200))]
    pub client: Option<String>,
    #[oai(validator(max_length = 10000))]
    pub description: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// Defaults to `active`.
    pub status: Option<ProjectStatus>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct ProjectPatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub name: MaybeUndefined<String>,
    #[oai(validator(max_length = 200))]
    pub client: MaybeUndefined<String>,
    #[oai(validator(max_length = 10000))]
    pub description: MaybeUndefined<String>,
    pub start_date: MaybeUndefined<String>,
    pub end_date: MaybeUndefined<String>,
    pub status: MaybeUndefined<ProjectStatus>,
}

crate::not_null!(ProjectPatch: name, status);

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Slot {
    pub id: u64,
    pub org_id: u64,
    pub project_id: u64,
    pub title: String,
    /// The skills the seat needs.
    pub skills: Vec<String>,
    pub seniority: Option<Level>,
    /// The highest day rate, in `currency`.
    pub rate_max: Option<u64>,
    pub currency: Option<String>,
    pub work_type: Option<WorkType>,
    pub location: Option<String>,
    /// `YYYY-MM-DD`; engagements default to the slot's dates.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `filled` while an engagement holds it (or when set so by hand).
    pub status: SlotStatus,
    /// The active engagement that fills the slot.
    pub engagement_id: Option<u64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewSlot {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: Option<Vec<String>>,
    pub seniority: Option<Level>,
    /// Day rate, in `currency` (required with a rate).
    #[oai(validator(maximum(value = "100000000000")))]
    pub rate_max: Option<u64>,
    /// ISO 4217, e.g. `EUR`.
    pub currency: Option<String>,
    pub work_type: Option<WorkType>,
    #[oai(validator(max_length = 120))]
    pub location: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// Defaults to `open`; `filled` marks a seat filled outside hirebase.
    pub status: Option<SlotStatus>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct SlotPatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: MaybeUndefined<String>,
    #[oai(validator(max_items = 100, min_length = 1, max_length = 50))]
    pub skills: MaybeUndefined<Vec<String>>,
    pub seniority: MaybeUndefined<Level>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub rate_max: MaybeUndefined<u64>,
    pub currency: MaybeUndefined<String>,
    pub work_type: MaybeUndefined<WorkType>,
    #[oai(validator(max_length = 120))]
    pub location: MaybeUndefined<String>,
    pub start_date: MaybeUndefined<String>,
    pub end_date: MaybeUndefined<String>,
    /// `open` or `filled`; a slot an engagement holds reopens only when the engagement ends (422).
    pub status: MaybeUndefined<SlotStatus>,
}

crate::not_null!(SlotPatch: title, skills, status);

fn validate_project(p: &Project) -> Result<()> {
    let mut v = Validator::new();
    v.text("name", &p.name, true, 200);
    check_text(&mut v, "client", p.client.as_deref(), 200);
    check_text(&mut v, "description", p.description.as_deref(), 10_000);
    check_span(&mut v, p.start_date.as_deref(), p.end_date.as_deref());
    v.finish()
}

fn validate_slot(s: &Slot) -> Result<()> {
    let mut v = Validator::new();
    v.text("title", &s.title, true, 200);
    check_labels(&mut v, "skills", Some(&s.skills), 100);
    check_text(&mut v, "location", s.location.as_deref(), 120);
    check_rates(&mut v, (None, s.rate_max), s.currency.as_deref());
    check_span(&mut v, s.start_date.as_deref(), s.end_date.as_deref());
    v.finish()
}

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Project> {
    rx.get(&PROJECTS, tenant, id)?
        .ok_or_else(|| Error::not_found("Project", id))
}

pub fn load_slot(rx: &impl Reader, tenant: u64, id: u64) -> Result<Slot> {
    rx.get(&SLOTS, tenant, id)?
        .ok_or_else(|| Error::not_found("Slot", id))
}

pub async fn create(store: &Store, who: &Identity, input: NewProject) -> Result<Project> {
    let now = Timestamp::now();
    let mut project = Project {
        id: 0,
        org_id: who.tenant_id,
        name: input.name.trim().to_string(),
        client: tidy(input.client),
        description: tidy(input.description),
        start_date: tidy(input.start_date),
        end_date: tidy(input.end_date),
        status: input.status.unwrap_or(ProjectStatus::Active),
        created_at: now,
        updated_at: now,
    };
    validate_project(&project)?;
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            project.id = tx.next_id()?;
            tx.put(&PROJECTS, project.org_id, project.id, &project)?;
            let summary = format!("Created project {} \"{}\"", project.id, project.name);
            audit::record(
                tx,
                project.org_id,
                &actor,
                Change::new(Action::ProjectCreated, project.id, summary),
            )?;
            Ok(project)
        })
        .await
}

pub fn get(store: &Store, tenant: u64, id: u64) -> Result<Project> {
    load(&store.read()?, tenant, id)
}

pub async fn update(
    store: &Store,
    who: &Identity,
    id: u64,
    patch: ProjectPatch,
) -> Result<Project> {
    patch.reject_nulls()?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut p = load(tx, tenant, id)?;
            let before = p.clone();
            apply(&mut p.name, patch.name.map_value(|n| n.trim().to_string()));
            apply_nullable(&mut p.client, blank_is_null(patch.client));
            apply_nullable(&mut p.description, blank_is_null(patch.description));
            apply_nullable(&mut p.start_date, blank_is_null(patch.start_date));
            apply_nullable(&mut p.end_date, blank_is_null(patch.end_date));
            apply(&mut p.status, patch.status);
            validate_project(&p)?;
            p.updated_at = Timestamp::now();
            tx.put(&PROJECTS, tenant, id, &p)?;
            let label = format!("project {id} \"{}\"", p.name);
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::ProjectUpdated,
                id,
                &label,
                (&before, &p),
                &[],
            )?;
            Ok(p)
        })
        .await
}

/// Deletes a project with its slots and their engagements.
pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let p = load(tx, tenant, id)?;
            let engagements = engagements::remove_project(tx, tenant, id)?;
            let slots = tx.members(&PROJECT_SLOTS.index, tenant, id)?;
            for slot in &slots {
                tx.remove(&SLOTS, tenant, *slot)?;
            }
            tx.remove(&PROJECTS, tenant, id)?;
            let summary = format!(
                "Deleted project {id} \"{}\", its {} slot(s) and {engagements} engagement(s)",
                p.name,
                slots.len()
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::ProjectDeleted, id, summary),
            )
        })
        .await
}

/// Projects newest first.
pub fn list(
    store: &Store,
    tenant: u64,
    status: Option<ProjectStatus>,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Project>, u64)> {
    let filters = [(&STATUS_PROJECTS, status.map(|s| s as u64))];
    store
        .read()?
        .page_matching(&PROJECTS, tenant, &filters, None, skip, limit)
}

pub async fn create_slot(
    store: &Store,
    who: &Identity,
    project_id: u64,
    input: NewSlot,
) -> Result<Slot> {
    let now = Timestamp::now();
    let mut slot = Slot {
        id: 0,
        org_id: who.tenant_id,
        project_id,
        title: input.title.trim().to_string(),
        skills: clean_labels(input.skills.unwrap_or_default()),
        seniority: input.seniority,
        rate_max: input.rate_max,
        currency: tidy(input.currency),
        work_type: input.work_type,
        location: tidy(input.location),
        start_date: tidy(input.start_date),
        end_date: tidy(input.end_date),
        status: input.status.unwrap_or(SlotStatus::Open),
        engagement_id: None,
        created_at: now,
        updated_at: now,
    };
    validate_slot(&slot)?;
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            let tenant = slot.org_id;
            let project = load(tx, tenant, project_id)?;
            slot.id = tx.next_id()?;
            tx.put(&SLOTS, tenant, slot.id, &slot)?;
            let summary = format!(
                "Added slot {} \"{}\" to project {} \"{}\"",
                slot.id, slot.title, project.id, project.name
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::SlotCreated, slot.id, summary),
            )?;
            Ok(slot)
        })
        .await
}

pub fn get_slot(store: &Store, tenant: u64, id: u64) -> Result<Slot> {
    load_slot(&store.read()?, tenant, id)
}

pub async fn update_slot(store: &Store, who: &Identity, id: u64, patch: SlotPatch) -> Result<Slot> {
    patch.reject_nulls()?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut s = load_slot(tx, tenant, id)?;
            let before = s.clone();
            if let (Some(SlotStatus::Open), Some(engagement)) =
                (patch.status.value(), s.engagement_id)
            {
                return Err(Error::business_rule(format!(
                    "Slot {id} is filled by engagement {engagement}; end or cancel it to reopen the slot"
                )));
            }
            apply(&mut s.title, patch.title.map_value(|t| t.trim().to_string()));
            apply(&mut s.skills, patch.skills.map_value(clean_labels));
            apply_nullable(&mut s.seniority, patch.seniority);
            apply_nullable(&mut s.rate_max, patch.rate_max);
            apply_nullable(&mut s.currency, blank_is_null(patch.currency));
            apply_nullable(&mut s.work_type, patch.work_type);
            apply_nullable(&mut s.location, blank_is_null(patch.location));
            apply_nullable(&mut s.start_date, blank_is_null(patch.start_date));
            apply_nullable(&mut s.end_date, blank_is_null(patch.end_date));
            apply(&mut s.status, patch.status);
            validate_slot(&s)?;
            s.updated_at = Timestamp::now();
            tx.put(&SLOTS, tenant, id, &s)?;
            let label = format!("slot {id} \"{}\"", s.title);
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::SlotUpdated,
                id,
                &label,
                (&before, &s),
                &[],
            )?;
            Ok(s)
        })
        .await
}

/// Deletes a slot with its engagements.
pub async fn delete_slot(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let s = load_slot(tx, tenant, id)?;
            let engagements = engagements::remove_slot(tx, tenant, id)?;
            tx.remove(&SLOTS, tenant, id)?;
            let summary = format!(
                "Deleted slot {id} \"{}\" of project {} and its {engagements} engagement(s)",
                s.title, s.project_id
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::SlotDeleted, id, summary),
            )
        })
        .await
}

/// A project's slots, newest first (404 for an unknown project).
pub fn list_slots(
    store: &Store,
    tenant: u64,
    project_id: u64,
    status: Option<SlotStatus>,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Slot>, u64)> {
    let rx = store.read()?;
    load(&rx, tenant, project_id)?;
    let filters = [
        (&PROJECT_SLOTS, Some(project_id)),
        (&STATUS_SLOTS, status.map(|s| s as u64)),
    ];
    rx.page_matching(&SLOTS, tenant, &filters, None, skip, limit)
}

/// One person ranked for a slot.
#[derive(Debug, Clone, Object)]
pub struct SlotMatch {
    pub person_id: u64,
    pub full_name: String,
    pub headline: Option<String>,
    /// The availability scored: `engaged` when another active engagement shares a day with
    /// the slot's dates, else the profile's.
    pub availability: Availability,
    #[oai(flatten)]
    pub fit: Scored,
}

#[derive(Debug, Clone, Object)]
pub struct SlotMatches {
    pub slot_id: u64,
    /// Best first.
    pub matches: Vec<SlotMatch>,
}

/// What a slot asks for, in the engine's terms; the project's name, client and description
/// are its text.
pub fn demand(slot: &Slot, project: &Project) -> Demand {
    let text = [
        Some(project.name.as_str()),
        project.client.as_deref(),
        project.description.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    Demand {
        title: slot.title.clone(),
        text,
        required_skills: slot.skills.clone(),
        nice_skills: vec![],
        level: slot.seniority,
        location: slot.location.clone(),
        work_mode: None,
        pay: slot.rate_max.map(|max| Pay {
            min: None,
            max: Some(max),
            currency: slot.currency.clone(),
        }),
    }
}

/// What a person offers, in the engine's terms, with the availability to score.
pub fn supply(p: &Person, availability: Availability) -> Supply {
    let priced = p.rate_min.is_some() || p.rate_max.is_some();
    Supply {
        title: None,
        headline: p.headline.clone(),
        text: String::new(),
        skills: p.skills.clone(),
        experience_years: None,
        level: p.seniority,
        location: p.location.clone(),
        work_mode: None,
        willing_to_relocate: None,
        pay: priced.then(|| Pay {
            min: p.rate_min,
            max: p.rate_max,
            currency: p.currency.clone(),
        }),
        availability: Some(availability),
        notice_period_days: None,
        mentions: None,
        known_skills: Vec::new(),
    }
}

/// The days a slot covers, for telling who is engaged elsewhere: its dates, else its
/// project's; from today when no start is known, open-ended when no end is.
fn slot_days(slot: &Slot, project: &Project) -> (NaiveDate, NaiveDate) {
    let parse = |d: Option<&String>| d.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let start = parse(slot.start_date.as_ref().or(project.start_date.as_ref()))
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let end = parse(slot.end_date.as_ref().or(project.end_date.as_ref())).unwrap_or(NaiveDate::MAX);
    (start, end.max(start))
}

/// The people `view` sees, ranked for a slot by the matching engine with the organisation's
/// `match_weights` (best first, then by id), at most `limit` of them.
pub fn matches(
    store: &Store,
    view: View,
    tenant: u64,
    slot_id: u64,
    limit: usize,
) -> Result<SlotMatches> {
    let rx = store.read()?;
    let slot = load_slot(&rx, tenant, slot_id)?;
    let project = load(&rx, tenant, slot.project_id)?;
    let engaged = engagements::engaged_during(&rx, tenant, slot_days(&slot, &project), slot.id)?;
    let (pool, _) = people::list(&rx, view, tenant, &PersonFilter::default(), 0, usize::MAX)?;
    let weights = tenants::load(&rx, tenant)?.match_weights;
    let matcher = Matcher::new(&demand(&slot, &project), &weights);
    let rated: Vec<(Rated, u64, (Person, Availability))> = pool
        .into_iter()
        .map(|p| {
            let availability = if engaged.contains(&p.id) {
                Availability::Engaged
            } else {
                p.availability
            };
            (
                matcher.rate(&supply(&p, availability)),
                p.id,
                (p, availability),
            )
        })
        .collect();
    let matches = find::top(rated, limit)
        .into_iter()
        .map(|(rated, _, (p, availability))| {
            let s = matcher.explain(rated);
            SlotMatch {
                person_id: p.id,
                full_name: p.full_name,
                headline: p.headline,
                availability,
                fit: s,
            }
        })
        .collect();
    Ok(SlotMatches { slot_id, matches })
}
