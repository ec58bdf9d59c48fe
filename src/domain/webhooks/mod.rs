//! Outbound webhooks. A change that fires an event enqueues one delivery per subscribed
//! webhook in the same transaction as the change ([`emit`]); the delivery worker
//! (`workers::webhooks`) sends them, signed, with retries.
//!
//! - [`subscriptions`]: the webhooks a tenant manages (secret shown once) and their logs;
//! - [`targets`]: where a delivery may go (no private or loopback addresses unless allowed);
//! - [`delivery`]: signing, the durable queue, outcomes, retries and auto-disable.

pub mod delivery;
pub mod subscriptions;
pub mod targets;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::tables::{INSTANCE, WEBHOOK_QUEUE, WEBHOOKS};
use crate::store::{Reader, Tx};
use crate::time::Timestamp;

pub use delivery::*;
pub use subscriptions::*;
pub use targets::*;

named_enum! {
    /// The events a webhook can subscribe to.
    pub enum Event {
        CandidateApplied = "candidate.applied",
        CandidateStageChanged = "candidate.stage_changed",
        JobPublished = "job.published",
        OfferSent = "offer.sent",
        OfferAccepted = "offer.accepted",
        OfferDeclined = "offer.declined",
        InterviewScheduled = "interview.scheduled",
        InterviewCompleted = "interview.completed",
    }
}

/// A subscription. The signing secret is stored but never shown after creation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Webhook {
    pub id: u64,
    pub org_id: u64,
    pub url: String,
    pub events: Vec<Event>,
    pub enabled: bool,
    pub secret: String,
    pub description: Option<String>,
    pub consecutive_failures: u32,
    pub disabled_reason: Option<String>,
    pub last_delivery_at: Option<Timestamp>,
    pub last_status: Option<u16>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A delivery waiting to be sent (or re-sent), keyed (INSTANCE, delivery id) in the queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub id: u64,
    pub org_id: u64,
    pub webhook_id: u64,
    /// The event id in the envelope (`evt_…`), the same on every attempt.
    pub event_id: String,
    pub event: Event,
    /// The exact JSON envelope `{id, type, ts, tenant_id, data}` that is signed and sent.
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub created_at: Timestamp,
    /// `next_attempt_at` in unix milliseconds, for retry waits shorter than a second; 0 when
    /// only `next_attempt_at` is set (as [`emit`] leaves it).
    #[serde(default)]
    pub next_attempt_ms: i64,
}

impl Delivery {
    /// When the delivery is due, in unix milliseconds.
    pub fn due_ms(&self) -> i64 {
        if self.next_attempt_ms > 0 {
            self.next_attempt_ms
        } else {
            self.next_attempt_at.unix() * 1000
        }
    }
}

/// Enqueues `event` for every enabled webhook of the tenant that subscribes to it, inside
/// the caller's transaction: the change and its deliveries commit together or not at all.
pub fn emit(tx: &mut Tx, tenant: u64, event: Event, data: serde_json::Value) -> Result<()> {
    let n = tx.count(&WEBHOOKS, tenant)? as usize;
    if n == 0 {
        return Ok(());
    }
    let hooks: Vec<Webhook> = tx
        .list(&WEBHOOKS, tenant, 0, n)?
        .into_iter()
        .filter(|w| w.enabled && w.events.contains(&event))
        .collect();
    if hooks.is_empty() {
        return Ok(());
    }
    let now = Timestamp::now();
    let event_id = format!("evt_{}", tx.next_seq("seq_webhook_events")?);
    let body = serde_json::json!({
        "id": event_id,
        "type": event.as_str(),
        "ts": now,
        "tenant_id": tenant,
        "data": data,
    })
    .to_string();
    for hook in hooks {
        let id = tx.next_seq("seq_webhook_deliveries")?;
        let delivery = Delivery {
            id,
            org_id: tenant,
            webhook_id: hook.id,
            event_id: event_id.clone(),
            event,
            body: body.clone(),
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            next_attempt_ms: 0,
        };
        tx.put(&WEBHOOK_QUEUE, INSTANCE, id, &delivery)?;
    }
    Ok(())
}

/// One try at delivering an event, as `/webhooks/{id}/deliveries` lists it.
#[derive(Debug, Clone, Serialize, Deserialize, poem_openapi::Object)]
pub struct DeliveryAttempt {
    pub id: u64,
    pub delivery_id: u64,
    pub event_id: String,
    pub event: Event,
    /// 1 for the first try.
    pub attempt: u32,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
    pub at: Timestamp,
    /// `delivered`, `retrying` (a next attempt is scheduled) or `failed` (no more attempts).
    pub outcome: String,
}
