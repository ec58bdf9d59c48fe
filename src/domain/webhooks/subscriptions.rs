//! The webhooks a tenant subscribes: created with a secret shown once, listed without it,
//! changed, deleted, and their delivery logs.

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use rand::RngCore;

use super::targets::check_target;
use super::{DeliveryAttempt, Event, Webhook};
use crate::auth::Identity;
use crate::domain::audit::{self, Action, Actor, Change};
use crate::error::{Error, Result, Validator};
use crate::store::tables::{WEBHOOK_ATTEMPTS, WEBHOOKS};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

/// The prefix of every signing secret (`whsec_` + 64 hex characters).
pub const SECRET_PREFIX: &str = "whsec_";
/// A tenant's webhooks are read inside every write that fires an event: keep them few.
const MAX_WEBHOOKS: u64 = 100;
const DESCRIPTION_MAX: usize = 500;

/// A webhook as the API shows it: everything but its secret.
#[derive(Debug, Clone, Object)]
#[oai(rename = "Webhook")]
pub struct WebhookView {
    pub id: u64,
    pub url: String,
    pub events: Vec<Event>,
    pub enabled: bool,
    pub description: Option<String>,
    /// Failed attempts in a row; at the configured limit (20 by default) the webhook is disabled.
    pub consecutive_failures: u32,
    /// Why the webhook is disabled, when it is.
    pub disabled_reason: Option<String>,
    /// When a delivery last succeeded.
    pub last_delivery_at: Option<Timestamp>,
    /// The HTTP status of the latest attempt (null when it got no answer).
    pub last_status: Option<u16>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<&Webhook> for WebhookView {
    fn from(w: &Webhook) -> Self {
        WebhookView {
            id: w.id,
            url: w.url.clone(),
            events: w.events.clone(),
            enabled: w.enabled,
            description: w.description.clone(),
            consecutive_failures: w.consecutive_failures,
            disabled_reason: w.disabled_reason.clone(),
            last_delivery_at: w.last_delivery_at,
            last_status: w.last_status,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

#[derive(Debug, Clone, Object)]
pub struct NewWebhook {
    /// An `https://` URL of a public host. Private, loopback and link-local targets (and plain
    /// `http://` to them) only when the instance sets `webhooks.allow_private_targets`.
    #[oai(validator(max_length = 2048))]
    pub url: String,
    /// At least one event.
    #[oai(validator(min_items = 1))]
    pub events: Vec<Event>,
    #[oai(validator(max_length = 500))]
    pub description: Option<String>,
    /// Defaults to `true`.
    pub enabled: Option<bool>,
}

/// Absent fields stay as they are.
#[derive(Debug, Clone, Default, Object)]
pub struct WebhookPatch {
    #[oai(validator(max_length = 2048))]
    pub url: Option<String>,
    #[oai(validator(min_items = 1))]
    pub events: Option<Vec<Event>>,
    /// Turning a disabled webhook back on resets its failure count.
    pub enabled: Option<bool>,
    /// `null` clears it.
    #[oai(validator(max_length = 500))]
    pub description: MaybeUndefined<String>,
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", hex::encode(bytes))
}

/// Sorted, without duplicates, at least one.
fn clean_events(v: &mut Validator, mut events: Vec<Event>) -> Vec<Event> {
    events.sort();
    events.dedup();
    v.check(!events.is_empty(), "events", "must name at least one event");
    events
}

fn clean_description(v: &mut Validator, description: Option<String>) -> Option<String> {
    let d = description
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())?;
    v.text("description", &d, false, DESCRIPTION_MAX);
    Some(d)
}

async fn checked_url(v: &mut Validator, raw: &str, allow_private: bool) -> String {
    match check_target(raw, allow_private).await {
        Ok(url) => url.to_string(),
        Err(why) => {
            v.add("url", why);
            String::new()
        }
    }
}

fn load(rx: &impl Reader, tenant: u64, id: u64) -> Result<Webhook> {
    rx.get(&WEBHOOKS, tenant, id)?
        .ok_or_else(|| Error::not_found("Webhook", id))
}

/// Subscribes a URL to events. The secret is returned here only.
pub async fn create(
    store: &Store,
    who: &Identity,
    allow_private: bool,
    input: NewWebhook,
) -> Result<(WebhookView, String)> {
    let mut v = Validator::new();
    let url = checked_url(&mut v, &input.url, allow_private).await;
    let events = clean_events(&mut v, input.events);
    let description = clean_description(&mut v, input.description);
    v.finish()?;
    let secret = new_secret();
    let now = Timestamp::now();
    let hook = Webhook {
        id: 0,
        org_id: who.tenant_id,
        url,
        events,
        enabled: input.enabled.unwrap_or(true),
        secret: secret.clone(),
        description,
        consecutive_failures: 0,
        disabled_reason: None,
        last_delivery_at: None,
        last_status: None,
        created_at: now,
        updated_at: now,
    };
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    let hook = store
        .write(move |tx| {
            if tx.count(&WEBHOOKS, tenant)? >= MAX_WEBHOOKS {
                return Err(Error::business_rule(format!("An organisation may have at most {MAX_WEBHOOKS} webhooks.")));
            }
            let mut hook = hook;
            hook.id = tx.next_id()?;
            tx.put(&WEBHOOKS, tenant, hook.id, &hook)?;
            let summary = format!("Created webhook {} to {}", hook.id, hook.url);
            let details = serde_json::json!({"url": hook.url, "events": hook.events, "enabled": hook.enabled});
            audit::record(tx, tenant, &actor, Change::new(Action::WebhookCreated, hook.id, summary).with(details))?;
            Ok(hook)
        })
        .await?;
    Ok((WebhookView::from(&hook), secret))
}

pub fn list(
    store: &Store,
    tenant: u64,
    skip: usize,
    limit: usize,
) -> Result<(Vec<WebhookView>, u64)> {
    let rx = store.read()?;
    let items = rx.list(&WEBHOOKS, tenant, skip, limit)?;
    Ok((
        items.iter().map(WebhookView::from).collect(),
        rx.count(&WEBHOOKS, tenant)?,
    ))
}

pub fn get(store: &Store, tenant: u64, id: u64) -> Result<WebhookView> {
    Ok(WebhookView::from(&load(&store.read()?, tenant, id)?))
}

pub async fn update(
    store: &Store,
    who: &Identity,
    allow_private: bool,
    id: u64,
    patch: WebhookPatch,
) -> Result<WebhookView> {
    load(&store.read()?, who.tenant_id, id)?;
    let mut v = Validator::new();
    let url = match &patch.url {
        Some(raw) => Some(checked_url(&mut v, raw, allow_private).await),
        None => None,
    };
    let events = patch.events.map(|e| clean_events(&mut v, e));
    let description = match patch.description {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(d) => Some(clean_description(&mut v, Some(d))),
    };
    v.finish()?;
    let (tenant, actor, enabled) = (who.tenant_id, Actor::of(who), patch.enabled);
    store
        .write(move |tx| {
            let before = load(tx, tenant, id)?;
            let mut hook = before.clone();
            if let Some(url) = url {
                hook.url = url;
            }
            if let Some(events) = events {
                hook.events = events;
            }
            if let Some(description) = description {
                hook.description = description;
            }
            match enabled {
                Some(true) if !hook.enabled => {
                    hook.enabled = true;
                    hook.consecutive_failures = 0;
                    hook.disabled_reason = None;
                }
                Some(false) if hook.enabled => {
                    hook.enabled = false;
                    hook.disabled_reason = Some(format!("Disabled by {}", actor.label));
                }
                _ => {}
            }
            let changed = audit::changed_fields(&before, &hook);
            if changed.is_empty() {
                return Ok(WebhookView::from(&hook));
            }
            hook.updated_at = Timestamp::now();
            tx.put(&WEBHOOKS, tenant, id, &hook)?;
            let summary = format!("Updated webhook {id} ({})", changed.join(", "));
            let details = serde_json::json!({"changed": changed, "url": hook.url, "events": hook.events, "enabled": hook.enabled});
            audit::record(tx, tenant, &actor, Change::new(Action::WebhookUpdated, id, summary).with(details))?;
            Ok(WebhookView::from(&hook))
        })
        .await
}

/// Removes the webhook and its delivery log; its queued deliveries are dropped by the worker.
pub async fn delete(store: &Store, who: &Identity, id: u64) -> Result<()> {
    let (tenant, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let hook = tx
                .remove(&WEBHOOKS, tenant, id)?
                .ok_or_else(|| Error::not_found("Webhook", id))?;
            tx.remove_older(&WEBHOOK_ATTEMPTS, id, u64::MAX)?;
            let summary = format!("Deleted webhook {id} to {}", hook.url);
            audit::record(
                tx,
                tenant,
                &actor,
                Change::new(Action::WebhookDeleted, id, summary),
            )
        })
        .await
}

/// The webhook's delivery attempts, newest first, below the cursor `before`.
pub fn deliveries(
    store: &Store,
    tenant: u64,
    id: u64,
    before: Option<u64>,
    limit: usize,
) -> Result<(Vec<DeliveryAttempt>, bool)> {
    let rx = store.read()?;
    load(&rx, tenant, id)?;
    let (items, more) = rx.page_before(&WEBHOOK_ATTEMPTS, id, before, limit)?;
    Ok((items.into_iter().map(|(_, a)| a).collect(), more))
}
