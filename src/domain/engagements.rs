//! Engagements: a person on a project slot from `start_date` to `end_date` (both days
//! included). Engaging fills the slot; ending, cancelling or deleting the engagement reopens it.
//! A filled slot, or a person already engaged on overlapping days, refuses a new engagement
//! (422). Each change is one write transaction, and the store runs write transactions one after
//! another, so two engagements racing for one slot cannot both succeed.

use chrono::NaiveDate;
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::fields::{NotNull, apply, check_span, tidy};
use super::people::{self, Person};
use super::projects::{self, Slot, SlotStatus};
use crate::auth::{Identity, Permission};
use crate::error::{Error, Result, Validator};
use crate::store::tables::{
    ENGAGEMENTS, PEOPLE, PERSON_ENGAGEMENTS, PROJECT_ENGAGEMENTS, SLOT_ENGAGEMENTS, SLOTS,
    STATUS_ENGAGEMENTS,
};
use crate::store::{Filing, Reader, Store, Tx};
use crate::time::Timestamp;

named_enum! {
    pub enum EngagementStatus {
        /// The person holds the slot.
        Active = "active",
        /// Over, as planned or early.
        Ended = "ended",
        /// Called off.
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Engagement {
    pub id: u64,
    pub org_id: u64,
    pub slot_id: u64,
    /// The slot's project.
    pub project_id: u64,
    pub person_id: u64,
    /// `YYYY-MM-DD`, the first day.
    pub start_date: String,
    /// `YYYY-MM-DD`, the last day (after `start_date`).
    pub end_date: String,
    pub status: EngagementStatus,
    /// When it was ended or cancelled.
    pub closed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Engagement {
    /// The days it covers, both included (stored dates are valid: they were checked).
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        (day(&self.start_date), day(&self.end_date))
    }
}

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// Whether two spans of days (both ends included) share a day.
pub fn overlap(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[derive(Debug, Clone, Object)]
pub struct NewEngagement {
    pub slot_id: u64,
    pub person_id: u64,
    /// `YYYY-MM-DD`; defaults to the slot's `start_date`.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, after `start_date`; defaults to the slot's `end_date`.
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct EngagementPatch {
    /// Dates change while the engagement is active.
    pub start_date: MaybeUndefined<String>,
    pub end_date: MaybeUndefined<String>,
    /// `ended` or `cancelled` closes an active engagement and reopens its slot; a closed
    /// engagement stays closed (422).
    pub status: MaybeUndefined<EngagementStatus>,
}

crate::not_null!(EngagementPatch: start_date, end_date, status);

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Engagement> {
    rx.get(&ENGAGEMENTS, tenant, id)?
        .ok_or_else(|| Error::not_found("Engagement", id))
}

/// Whose engagements a caller sees: `Some(person id)` for a talent account (0 when it has no
/// profile), `None` for everyone who reads engagements; 403 for the rest.
fn own_person(rx: &impl Reader, who: &Identity) -> Result<Option<u64>> {
    match people::own_only(who, Permission::ENGAGEMENTS_READ)? {
        Some(user) => Ok(Some(
            people::linked_to(rx, who.tenant_id, user)?.unwrap_or(0),
        )),
        None => Ok(None),
    }
}

/// The person's active engagement that shares a day with `days`, other than `except`.
fn clash(
    rx: &impl Reader,
    tenant: u64,
    person: u64,
    days: (NaiveDate, NaiveDate),
    except: u64,
) -> Result<Option<Engagement>> {
    let ids = rx.members(&PERSON_ENGAGEMENTS.index, tenant, person)?;
    Ok(rx
        .get_many(&ENGAGEMENTS, tenant, &ids)?
        .into_iter()
        .find(|e| {
            e.id != except && e.status == EngagementStatus::Active && overlap(e.days(), days)
        }))
}

fn refuse_clash(rx: &impl Reader, p: &Person, e: &Engagement) -> Result<()> {
    match clash(rx, p.org_id, p.id, e.days(), e.id)? {
        Some(other) => Err(Error::business_rule(format!(
            "{} is already engaged from {} to {} (engagement {}), which overlaps {} to {}",
            p.full_name, other.start_date, other.end_date, other.id, e.start_date, e.end_date
        ))),
        None => Ok(()),
    }
}

/// The dates of a new engagement: as given, else the slot's; both required.
fn dates(input: &NewEngagement, slot: &Slot) -> Result<(String, String)> {
    let start = tidy(input.start_date.clone()).or_else(|| slot.start_date.clone());
    let end = tidy(input.end_date.clone()).or_else(|| slot.end_date.clone());
    let mut v = Validator::new();
    for (field, value) in [("start_date", &start), ("end_date", &end)] {
        v.check(
            value.is_some(),
            field,
            "is required (the slot has no date to default to)",
        );
    }
    check_span(&mut v, start.as_deref(), end.as_deref());
    v.finish()?;
    Ok((start.unwrap_or_default(), end.unwrap_or_default()))
}

/// Frees the slot an active engagement held.
fn reopen(tx: &mut Tx, e: &Engagement) -> Result<()> {
    if let Some(mut slot) = tx.get(&SLOTS, e.org_id, e.slot_id)?
        && slot.engagement_id == Some(e.id)
    {
        slot.engagement_id = None;
        slot.status = SlotStatus::Open;
        slot.updated_at = Timestamp::now();
        tx.put(&SLOTS, e.org_id, slot.id, &slot)?;
    }
    Ok(())
}

pub async fn create(store: &Store, who: &Identity, input: NewEngagement) -> Result<Engagement> {
    // What can be judged without the slot is judged first: bad input changes nothing.
    let mut v = Validator::new();
    check_span(
        &mut v,
        input.start_date.as_deref(),
        input.end_date.as_deref(),
    );
    v.finish()?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut slot = projects::load_slot(tx, tenant, input.slot_id)?;
            let person = people::load(tx, tenant, input.person_id)?;
            let (start_date, end_date) = dates(&input, &slot)?;
            if slot.status == SlotStatus::Filled {
                return Err(Error::business_rule(format!(
                    "Slot {} \"{}\" is already filled",
                    slot.id, slot.title
                )));
            }
            let now = Timestamp::now();
            let mut e = Engagement {
                id: 0,
                org_id: tenant,
                slot_id: slot.id,
                project_id: slot.project_id,
                person_id: person.id,
                start_date,
                end_date,
                status: EngagementStatus::Active,
                closed_at: None,
                created_at: now,
                updated_at: now,
            };
            refuse_clash(tx, &person, &e)?;
            e.id = tx.next_id()?;
            tx.put(&ENGAGEMENTS, tenant, e.id, &e)?;
            slot.status = SlotStatus::Filled;
            slot.engagement_id = Some(e.id);
            slot.updated_at = now;
            tx.put(&SLOTS, tenant, slot.id, &slot)?;
            let summary = format!(
                "Engaged {} on slot {} \"{}\" from {} to {}",
                person.full_name, slot.id, slot.title, e.start_date, e.end_date
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::EngagementCreated, e.id, summary)
                    .with(serde_json::json!({"slot_id": slot.id, "person_id": person.id})),
            )?;
            Ok(e)
        })
        .await
}

/// An engagement `who` may see: a talent account only its own; others' are 404.
pub fn get(store: &Store, who: &Identity, id: u64) -> Result<Engagement> {
    let rx = store.read()?;
    let own = own_person(&rx, who)?;
    let e = load(&rx, who.tenant_id, id)?;
    if own.is_some_and(|person| person != e.person_id) {
        return Err(Error::not_found("Engagement", id));
    }
    Ok(e)
}

/// How the audit trail names an engagement: its person and slot.
fn label(rx: &impl Reader, e: &Engagement) -> Result<String> {
    let person = rx.get(&PEOPLE, e.org_id, e.person_id)?;
    let name = person.map_or_else(|| format!("person {}", e.person_id), |p| p.full_name);
    Ok(format!("the engagement of {name} on slot {}", e.slot_id))
}

/// Moves the dates of an active engagement, or ends or cancels it (reopening its slot).
pub async fn update(
    store: &Store,
    who: &Identity,
    id: u64,
    patch: EngagementPatch,
) -> Result<Engagement> {
    patch.reject_nulls()?;
    let mut v = Validator::new();
    check_span(
        &mut v,
        patch.start_date.value().map(String::as_str),
        patch.end_date.value().map(String::as_str),
    );
    v.finish()?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut e = load(tx, tenant, id)?;
            let before = e.clone();
            let moving = patch.start_date.is_value() || patch.end_date.is_value();
            let next = patch.status.value().copied().filter(|s| *s != e.status);
            if e.status != EngagementStatus::Active && (moving || next.is_some()) {
                return Err(Error::business_rule(format!(
                    "Engagement {id} is {}; it can no longer change",
                    e.status
                )));
            }
            apply(
                &mut e.start_date,
                patch.start_date.map_value(|d| d.trim().to_string()),
            );
            apply(
                &mut e.end_date,
                patch.end_date.map_value(|d| d.trim().to_string()),
            );
            if moving {
                let mut v = Validator::new();
                check_span(&mut v, Some(&e.start_date), Some(&e.end_date));
                v.finish()?;
                refuse_clash(tx, &people::load(tx, tenant, e.person_id)?, &e)?;
            }
            let now = Timestamp::now();
            e.updated_at = now;
            if let Some(next) = next {
                e.status = next;
                e.closed_at = Some(now);
                reopen(tx, &e)?;
            }
            tx.put(&ENGAGEMENTS, tenant, id, &e)?;
            let name = label(tx, &e)?;
            if let Some(next) = next {
                let (action, verb) = match next {
                    EngagementStatus::Cancelled => (Action::EngagementCancelled, "Cancelled"),
                    _ => (Action::EngagementEnded, "Ended"),
                };
                let summary = format!("{verb} {name}; its slot is open again");
                audit::record(
                    tx,
                    tenant,
                    &actor,
                    Change::new(action, id, summary)
                        .with(serde_json::json!({"from": before.status, "to": next})),
                )?;
            }
            audit::record_update(
                tx,
                tenant,
                &actor,
                Action::EngagementUpdated,
                id,
                &name,
                (&before, &e),
                &["status", "closed_at"],
            )?;
            Ok(e)
        })
        .await
}

/// Deletes an engagement; an active one's slot reopens.
pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let e = load(tx, tenant, id)?;
            let summary = format!("Deleted {} ({})", label(tx, &e)?, e.status);
            remove(tx, &e)?;
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::EngagementDeleted, id, summary),
            )
        })
        .await
}

fn remove(tx: &mut Tx, e: &Engagement) -> Result<()> {
    tx.remove(&ENGAGEMENTS, e.org_id, e.id)?;
    if e.status == EngagementStatus::Active {
        reopen(tx, e)?;
    }
    Ok(())
}

/// Removes the engagements filed under `key` (a deleted person's, slot's or project's),
/// reopening the slots that remain; how many there were.
fn remove_filed(tx: &mut Tx, tenant: u64, filing: &Filing<Engagement>, key: u64) -> Result<usize> {
    let ids = tx.members(&filing.index, tenant, key)?;
    for e in tx.get_many(&ENGAGEMENTS, tenant, &ids)? {
        remove(tx, &e)?;
    }
    Ok(ids.len())
}

pub(super) fn remove_person(tx: &mut Tx, tenant: u64, person: u64) -> Result<usize> {
    remove_filed(tx, tenant, &PERSON_ENGAGEMENTS, person)
}

pub(super) fn remove_slot(tx: &mut Tx, tenant: u64, slot: u64) -> Result<usize> {
    remove_filed(tx, tenant, &SLOT_ENGAGEMENTS, slot)
}

pub(super) fn remove_project(tx: &mut Tx, tenant: u64, project: u64) -> Result<usize> {
    remove_filed(tx, tenant, &PROJECT_ENGAGEMENTS, project)
}

/// The people with an active engagement sharing a day with `days`, other than on `slot`.
pub(super) fn engaged_during(
    rx: &impl Reader,
    tenant: u64,
    days: (NaiveDate, NaiveDate),
    slot: u64,
) -> Result<std::collections::HashSet<u64>> {
    let active = rx.members(
        &STATUS_ENGAGEMENTS.index,
        tenant,
        EngagementStatus::Active as u64,
    )?;
    Ok(rx
        .get_many(&ENGAGEMENTS, tenant, &active)?
        .into_iter()
        .filter(|e| e.slot_id != slot && overlap(e.days(), days))
        .map(|e| e.person_id)
        .collect())
}

#[derive(Debug, Clone, Default)]
pub struct EngagementFilter {
    pub slot_id: Option<u64>,
    pub person_id: Option<u64>,
    pub project_id: Option<u64>,
    pub status: Option<EngagementStatus>,
}

/// Engagements newest first; a talent account's are only its own.
pub fn list(
    store: &Store,
    who: &Identity,
    f: &EngagementFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Engagement>, u64)> {
    let rx = store.read()?;
    let own = own_person(&rx, who)?;
    let filters = [
        (&SLOT_ENGAGEMENTS, f.slot_id),
        (&PERSON_ENGAGEMENTS, f.person_id),
        (&PERSON_ENGAGEMENTS, own),
        (&PROJECT_ENGAGEMENTS, f.project_id),
        (&STATUS_ENGAGEMENTS, f.status.map(|s| s as u64)),
    ];
    rx.page_matching(&ENGAGEMENTS, who.tenant_id, &filters, None, skip, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_sharing_a_day_overlap() {
        let d = |s: &str| day(s);
        let q1 = (d("2026-01-01"), d("2026-03-31"));
        assert!(
            overlap(q1, (d("2026-03-31"), d("2026-06-30"))),
            "a shared last day"
        );
        assert!(overlap(q1, (d("2025-12-01"), d("2026-01-01"))));
        assert!(overlap(q1, (d("2026-02-01"), d("2026-02-02"))), "inside");
        assert!(overlap((d("2026-02-01"), d("2026-02-02")), q1), "around");
        assert!(!overlap(q1, (d("2026-04-01"), d("2026-06-30"))));
        assert!(!overlap(q1, (d("2025-01-01"), d("2025-12-31"))));
    }
}
