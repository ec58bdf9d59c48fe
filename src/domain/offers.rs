//! Offers: draft → sent → accepted | declined | withdrawn. Sending moves the application to
//! `offer`; accepting moves it to `hired` and bumps the job's `hired` counter, in the same
//! transaction as the offer's change.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use serde::{Deserialize, Serialize};

use super::applications::{self, Stage};
use super::audit::{self, Action, Actor, Change};
use super::fields::{NotNull, apply, apply_nullable, blank_is_null, check_currency, check_text};
use super::webhooks::{self, Event};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{CANDIDATE_OFFERS, CANDIDATES, JOB_OFFERS, JOBS, OFFERS, STATUS_OFFERS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

named_enum! {
    pub enum OfferStatus {
        Draft = "draft",
        Sent = "sent",
        Accepted = "accepted",
        Declined = "declined",
        Withdrawn = "withdrawn",
    }
}

impl OfferStatus {
    /// The moves an offer may make.
    pub fn can_become(self, next: OfferStatus) -> bool {
        use OfferStatus::*;
        matches!(
            (self, next),
            (Draft, Sent)
                | (Draft, Withdrawn)
                | (Sent, Accepted)
                | (Sent, Declined)
                | (Sent, Withdrawn)
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct Offer {
    pub id: u64,
    pub org_id: u64,
    pub candidate_id: u64,
    pub job_id: u64,
    pub application_id: u64,
    pub base_salary: u64,
    pub currency: String,
    pub bonus: Option<u64>,
    pub sign_on_bonus: Option<u64>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    pub status: OfferStatus,
    pub sent_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    /// Why it was accepted, declined or withdrawn, as the recruiter noted.
    pub decision: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct NewOffer {
    pub candidate_id: u64,
    pub job_id: u64,
    #[oai(validator(minimum(value = "1"), maximum(value = "100000000000")))]
    pub base_salary: u64,
    /// ISO 4217, e.g. `USD`.
    pub currency: String,
    #[oai(validator(maximum(value = "100000000000")))]
    pub bonus: Option<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub sign_on_bonus: Option<u64>,
    pub start_date: Option<String>,
    /// `draft` (default) or `sent`.
    pub status: Option<OfferStatus>,
}

#[derive(Debug, Clone, Default, Object)]
pub struct OfferPatch {
    #[oai(validator(minimum(value = "1"), maximum(value = "100000000000")))]
    pub base_salary: MaybeUndefined<u64>,
    pub currency: MaybeUndefined<String>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub bonus: MaybeUndefined<u64>,
    #[oai(validator(maximum(value = "100000000000")))]
    pub sign_on_bonus: MaybeUndefined<u64>,
    pub start_date: MaybeUndefined<String>,
    /// Allowed moves: draft → sent | withdrawn; sent → accepted | declined | withdrawn. Others → 422.
    pub status: MaybeUndefined<OfferStatus>,
    #[oai(validator(max_length = 2000))]
    pub decision: MaybeUndefined<String>,
}

crate::not_null!(OfferPatch: base_salary, currency, status);

fn validate(o: &Offer) -> Result<()> {
    let mut v = Validator::new();
    v.check(
        o.base_salary > 0 && o.base_salary <= 100_000_000_000,
        "base_salary",
        "must be a positive amount",
    );
    check_currency(&mut v, "currency", Some(&o.currency));
    for (field, value) in [("bonus", o.bonus), ("sign_on_bonus", o.sign_on_bonus)] {
        v.check(
            value.is_none_or(|b| b <= 100_000_000_000),
            field,
            "is out of range",
        );
    }
    if let Some(d) = &o.start_date {
        v.check(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(),
            "start_date",
            "must be a date like 2026-06-01",
        );
    }
    check_text(&mut v, "decision", o.decision.as_deref(), 2_000);
    v.finish()
}

fn event_data(o: &Offer) -> serde_json::Value {
    serde_json::json!({
        "offer_id": o.id, "candidate_id": o.candidate_id, "job_id": o.job_id, "application_id": o.application_id,
        "status": o.status, "base_salary": o.base_salary, "currency": o.currency, "start_date": o.start_date,
    })
}

/// How the audit trail names an offer: its candidate and job.
fn label(rx: &impl Reader, o: &Offer) -> Result<String> {
    applications::pair_label(rx, o.org_id, o.candidate_id, o.job_id)
}

pub fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Offer> {
    rx.get(&OFFERS, tenant, id)?
        .ok_or_else(|| Error::not_found("Offer", id))
}

/// What a status change does beyond the offer itself: the pipeline, the job counter, the webhook.
fn on_status(tx: &mut Tx, o: &mut Offer, actor: &Actor) -> Result<()> {
    let now = Timestamp::now();
    let mut app = applications::load(tx, o.org_id, o.application_id)?;
    let event = match o.status {
        OfferStatus::Sent => {
            o.sent_at = Some(now);
            if app.status < Stage::Offer {
                applications::move_to(tx, &mut app, Stage::Offer, actor)?;
            }
            Some(Event::OfferSent)
        }
        OfferStatus::Accepted => {
            o.decided_at = Some(now);
            applications::move_to(tx, &mut app, Stage::Hired, actor)?;
            Some(Event::OfferAccepted)
        }
        OfferStatus::Declined => {
            o.decided_at = Some(now);
            Some(Event::OfferDeclined)
        }
        OfferStatus::Withdrawn => {
            o.decided_at = Some(now);
            None
        }
        OfferStatus::Draft => None,
    };
    if let Some(event) = event {
        webhooks::emit(tx, o.org_id, event, event_data(o))?;
    }
    Ok(())
}

pub async fn create(store: &Store, who: &Identity, input: NewOffer) -> Result<Offer> {
    let status = input.status.unwrap_or(OfferStatus::Draft);
    if !matches!(status, OfferStatus::Draft | OfferStatus::Sent) {
        return Err(Error::invalid("status", "a new offer is `draft` or `sent`"));
    }
    let now = Timestamp::now();
    let mut offer = Offer {
        id: 0,
        org_id: who.tenant_id,
        candidate_id: input.candidate_id,
        job_id: input.job_id,
        application_id: 0,
        base_salary: input.base_salary,
        currency: input.currency.trim().to_string(),
        bonus: input.bonus,
        sign_on_bonus: input.sign_on_bonus,
        start_date: input
            .start_date
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty()),
        status,
        sent_at: None,
        decided_at: None,
        decision: None,
        created_at: now,
        updated_at: now,
    };
    validate(&offer)?;
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            let tenant = offer.org_id;
            tx.get(&JOBS, tenant, offer.job_id)?
                .ok_or_else(|| Error::not_found("Job", offer.job_id))?;
            tx.get(&CANDIDATES, tenant, offer.candidate_id)?
                .ok_or_else(|| Error::not_found("Candidate", offer.candidate_id))?;
            offer.application_id =
                match applications::find(tx, tenant, offer.job_id, offer.candidate_id)? {
                    Some(app) => app.id,
                    None => {
                        applications::insert(
                            tx,
                            tenant,
                            offer.job_id,
                            offer.candidate_id,
                            Stage::Offer,
                            None,
                            None,
                            &actor,
                        )?
                        .id
                    }
                };
            offer.id = tx.next_id()?;
            if offer.status != OfferStatus::Draft {
                on_status(tx, &mut offer, &actor)?;
            }
            tx.put(&OFFERS, tenant, offer.id, &offer)?;
            let summary = format!(
                "Created a {} offer of {} {} to {}",
                offer.status,
                offer.base_salary,
                offer.currency,
                applications::pair_label(tx, tenant, offer.candidate_id, offer.job_id)?
            );
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::OfferCreated, offer.id, summary)
                    .with(serde_json::json!({"status": offer.status})),
            )?;
            Ok(offer)
        })
        .await
}

pub fn get(store: &Store, tenant: u64, id: u64) -> Result<Offer> {
    load(&store.read()?, tenant, id)
}

pub async fn update(store: &Store, who: &Identity, id: u64, patch: OfferPatch) -> Result<Offer> {
    patch.reject_nulls()?;
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut o = load(tx, tenant, id)?;
            let before = o.clone();
            let terms_changing = patch.base_salary.is_value()
                || patch.currency.is_value()
                || !patch.bonus.is_undefined()
                || !patch.sign_on_bonus.is_undefined()
                || !patch.start_date.is_undefined();
            if terms_changing && !matches!(o.status, OfferStatus::Draft | OfferStatus::Sent) {
                return Err(Error::business_rule(format!(
                    "Offer {id} is {}; its terms can no longer change",
                    o.status.as_str()
                )));
            }
            apply(&mut o.base_salary, patch.base_salary);
            apply(
                &mut o.currency,
                patch.currency.map_value(|c| c.trim().to_string()),
            );
            apply_nullable(&mut o.bonus, patch.bonus);
            apply_nullable(&mut o.sign_on_bonus, patch.sign_on_bonus);
            apply_nullable(&mut o.start_date, blank_is_null(patch.start_date));
            apply_nullable(&mut o.decision, blank_is_null(patch.decision));
            validate(&o)?;
            if let MaybeUndefined::Value(next) = patch.status
                && next != o.status
            {
                if !o.status.can_become(next) {
                    return Err(Error::business_rule(format!(
                        "An offer cannot go from {} to {}",
                        o.status.as_str(),
                        next.as_str()
                    )));
                }
                o.status = next;
                on_status(tx, &mut o, &actor)?;
                let summary = format!("Offer to {} {next} (was {})", label(tx, &o)?, before.status);
                let details =
                    serde_json::json!({"from": before.status, "to": next, "decision": o.decision});
                audit::record(
                    tx,
                    tenant,
                    &actor,
                    Change::new(Action::OfferStatusChanged, id, summary).with(details),
                )?;
            }
            o.updated_at = Timestamp::now();
            tx.put(&OFFERS, tenant, id, &o)?;
            if o.status == before.status {
                let name = format!("the offer to {}", label(tx, &o)?);
                audit::record_update(
                    tx,
                    tenant,
                    &actor,
                    Action::OfferUpdated,
                    id,
                    &name,
                    (&before, &o),
                    &["status"],
                )?;
            }
            Ok(o)
        })
        .await
}

pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let o = load(tx, tenant, id)?;
            if o.status == OfferStatus::Accepted {
                return Err(Error::business_rule(format!(
                    "Offer {id} was accepted; it stays on record"
                )));
            }
            tx.remove(&OFFERS, tenant, id)?;
            let summary = format!("Deleted the {} offer to {}", o.status, label(tx, &o)?);
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::OfferDeleted, id, summary),
            )
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    pub candidate_id: Option<u64>,
    pub job_id: Option<u64>,
    pub status: Option<OfferStatus>,
}

/// Offers newest first; each filter reads its own index.
pub fn list(
    store: &Store,
    tenant: u64,
    f: &OfferFilter,
    skip: usize,
    limit: usize,
) -> Result<(Vec<Offer>, u64)> {
    let filters = [
        (&CANDIDATE_OFFERS, f.candidate_id),
        (&JOB_OFFERS, f.job_id),
        (&STATUS_OFFERS, f.status.map(|s| s as u64)),
    ];
    store
        .read()?
        .page_matching(&OFFERS, tenant, &filters, None, skip, limit)
}

#[cfg(test)]
mod tests {
    use super::OfferStatus::*;

    #[test]
    fn only_forward_moves_are_allowed() {
        assert!(
            Draft.can_become(Sent)
                && Sent.can_become(Accepted)
                && Sent.can_become(Declined)
                && Draft.can_become(Withdrawn)
        );
        for (from, to) in [
            (Accepted, Draft),
            (Declined, Sent),
            (Draft, Accepted),
            (Withdrawn, Sent),
            (Accepted, Withdrawn),
        ] {
            assert!(!from.can_become(to), "{from:?} → {to:?}");
        }
    }
}
