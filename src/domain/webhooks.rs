//! Outbound webhooks. A change that fires an event enqueues one delivery per subscribed
//! webhook in the same transaction as the change ([`emit`]); the delivery worker
//! (`workers::webhooks`) sends them, signed, with retries.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use url::{Host, Url};

use super::audit::{self, Action, Actor, Change};
use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{INSTANCE, WEBHOOK_ATTEMPTS, WEBHOOK_QUEUE, WEBHOOKS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

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

/// The prefix of every signing secret (`whsec_` + 64 hex characters).
pub const SECRET_PREFIX: &str = "whsec_";
/// A tenant's webhooks are read inside every write that fires an event: keep them few.
const MAX_WEBHOOKS: u64 = 100;
const URL_MAX: usize = 2048;
const DESCRIPTION_MAX: usize = 500;
/// Each webhook keeps this many of its most recent delivery attempts.
const ATTEMPTS_KEPT: u64 = 1_000;

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
    pub url: String,
    /// At least one event.
    pub events: Vec<Event>,
    pub description: Option<String>,
    /// Defaults to `true`.
    pub enabled: Option<bool>,
}

/// Absent fields stay as they are.
#[derive(Debug, Clone, Default, Object)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub events: Option<Vec<Event>>,
    /// Turning a disabled webhook back on resets its failure count.
    pub enabled: Option<bool>,
    /// `null` clears it.
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

// --- Where deliveries may go

/// Whether `ip` is on the public internet: not loopback, private, link-local, shared (CGNAT),
/// unspecified, multicast, broadcast or reserved — also when wrapped in an IPv6 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || o[0] >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if s[0] == 0x64 && s[1] == 0xff9b {
        return is_public_v4(embedded(s[6], s[7])); // NAT64
    }
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2])); // 6to4
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || s[..6].iter().all(|&x| x == 0) // IPv4-compatible (deprecated)
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0)) // Teredo
}

/// Whether a delivery may connect to `ip`: `https` to public addresses always, to any address
/// when private targets are allowed; plain `http` only to non-public addresses, and only then.
pub fn address_allowed(ip: IpAddr, https: bool, allow_private: bool) -> bool {
    if https {
        allow_private || is_public(ip)
    } else {
        allow_private && !is_public(ip)
    }
}

/// Why a delivery may not connect to `ip`, as a phrase starting with the address.
fn refusal(ip: IpAddr, https: bool, allow_private: bool) -> Option<String> {
    if address_allowed(ip, https, allow_private) {
        return None;
    }
    if !https && is_public(ip) {
        return Some(format!(
            "{ip}, a public address, over plain http:// (only private targets may use http://)"
        ));
    }
    let canonical = ip.to_canonical();
    let kind = if canonical.is_loopback() {
        "loopback"
    } else if matches!(canonical, IpAddr::V4(v4) if v4.is_link_local())
        || matches!(canonical, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
    {
        "link-local"
    } else {
        "private or reserved"
    };
    Some(format!(
        "{ip}, a {kind} address (webhooks may only reach public addresses)"
    ))
}

/// A webhook host: an address given literally (or `localhost`), or a name to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Address(IpAddr),
    Name(String),
}

/// Checks what the URL alone tells: a valid `https://` (or permitted `http://`) URL with a
/// host and no credentials, whose literal address (or `localhost`) may be reached.
pub fn parse_target(raw: &str, allow_private: bool) -> std::result::Result<(Url, Target), String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("must not be empty".into());
    }
    if raw.len() > URL_MAX {
        return Err(format!("must be at most {URL_MAX} characters"));
    }
    let url = Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    let https = match url.scheme() {
        "https" => true,
        "http" if allow_private => false,
        "http" => return Err("must be an https:// URL".into()),
        other => return Err(format!("must be an https:// URL, not {other}://")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".into());
    }
    let target = match url.host() {
        None => return Err("must name a host".into()),
        Some(Host::Ipv4(ip)) => Target::Address(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Target::Address(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                Target::Address(IpAddr::V4(Ipv4Addr::LOCALHOST))
            } else {
                Target::Name(name)
            }
        }
    };
    if let Target::Address(ip) = target
        && let Some(why) = refusal(ip, https, allow_private)
    {
        return Err(format!("targets {why}"));
    }
    Ok((url, target))
}

/// Resolves a host name, within a few seconds.
pub async fn resolve(host: &str) -> std::result::Result<Vec<SocketAddr>, String> {
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host, 0u16)),
    )
    .await
    {
        Err(_) => Err(format!("{host} could not be resolved in time")),
        Ok(Err(e)) => Err(format!("{host} could not be resolved ({e})")),
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(format!("{host} resolves to no address"))
            } else {
                Ok(addrs)
            }
        }
    }
}

/// The resolved addresses of `host` a delivery may connect to; an error when there are none.
pub fn permitted(
    host: &str,
    addrs: Vec<SocketAddr>,
    https: bool,
    allow_private: bool,
) -> std::result::Result<Vec<SocketAddr>, String> {
    let (ok, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = addrs
        .into_iter()
        .partition(|a| address_allowed(a.ip(), https, allow_private));
    if ok.is_empty() {
        let why = refused
            .first()
            .and_then(|a| refusal(a.ip(), https, allow_private))
            .unwrap_or_default();
        return Err(format!("{host} resolves to {why}"));
    }
    Ok(ok)
}

/// The whole check of a webhook URL at create and update time: the URL, then every address
/// its host name resolves to.
pub async fn check_target(raw: &str, allow_private: bool) -> std::result::Result<Url, String> {
    let (url, target) = parse_target(raw, allow_private)?;
    if let Target::Name(host) = &target {
        let https = url.scheme() == "https";
        for addr in resolve(host).await? {
            if let Some(why) = refusal(addr.ip(), https, allow_private) {
                return Err(format!("names {host}, which resolves to {why}"));
            }
        }
    }
    Ok(url)
}

// --- Delivery: the worker reads due rows, sends them with no transaction open, then
// records every outcome in one write.

/// `X-Hirebase-Signature`: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>.<body>")>`, keyed
/// with the whole secret as shown (`whsec_…`).
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The current time in unix milliseconds: retry waits may be shorter than a second.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Waits before each retry and the failure count that disables a webhook (from config).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub schedule_secs: Vec<u64>,
    pub max_consecutive_failures: u32,
}

/// Queued deliveries with ids above `after`, each with when it is due: how the worker learns
/// of rows enqueued since it last looked (ids only grow).
pub fn queued_after(store: &Store, after: Option<u64>, limit: usize) -> Result<Vec<(u64, i64)>> {
    let rows = store
        .read()?
        .scan(&WEBHOOK_QUEUE, Some((INSTANCE, after.unwrap_or(0))), limit)?;
    Ok(rows
        .into_iter()
        .filter(|((scope, _), _)| *scope == INSTANCE)
        .map(|((_, id), d)| (id, d.due_ms()))
        .collect())
}

/// A delivery to send, with where to and how to sign it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// What to do with a due delivery.
#[derive(Debug, Clone)]
pub enum Due {
    Send(Outgoing),
    /// The webhook was deleted or disabled: the delivery leaves the queue unsent.
    Drop {
        delivery_id: u64,
        reason: String,
    },
}

/// Reads the queued deliveries `ids` and their webhooks in one snapshot.
pub fn load_due(store: &Store, ids: &[u64]) -> Result<Vec<Due>> {
    let rx = store.read()?;
    let mut due = Vec::with_capacity(ids.len());
    for &id in ids {
        let Some(delivery) = rx.get(&WEBHOOK_QUEUE, INSTANCE, id)? else {
            continue;
        };
        due.push(
            match rx.get(&WEBHOOKS, delivery.org_id, delivery.webhook_id)? {
                None => Due::Drop {
                    delivery_id: id,
                    reason: "the webhook was deleted".into(),
                },
                Some(h) if !h.enabled => Due::Drop {
                    delivery_id: id,
                    reason: "the webhook is disabled".into(),
                },
                Some(h) => Due::Send(Outgoing {
                    delivery,
                    url: h.url,
                    secret: h.secret,
                }),
            },
        );
    }
    Ok(due)
}

/// What became of one due delivery.
#[derive(Debug, Clone)]
pub enum Outcome {
    Dropped {
        delivery_id: u64,
        reason: String,
    },
    /// An attempt: the receiver's status if it answered, else the error.
    Attempted {
        delivery_id: u64,
        status: Option<u16>,
        error: Option<String>,
        duration_ms: u64,
        at: Timestamp,
    },
}

/// Records the outcomes of a round in one transaction: a log row per attempt, the webhook's
/// counters, retries rescheduled or the delivery removed, and auto-disable. Returns the
/// rescheduled deliveries with when they are due.
pub async fn record_outcomes(
    store: &Store,
    outcomes: Vec<Outcome>,
    policy: RetryPolicy,
) -> Result<Vec<(u64, i64)>> {
    store
        .write(move |tx| {
            let mut rescheduled = Vec::new();
            for outcome in outcomes {
                if let Some(next) = record_outcome(tx, outcome, &policy)? {
                    rescheduled.push(next);
                }
            }
            Ok(rescheduled)
        })
        .await
}

fn record_outcome(
    tx: &mut Tx,
    outcome: Outcome,
    policy: &RetryPolicy,
) -> Result<Option<(u64, i64)>> {
    let delivery_id = match &outcome {
        Outcome::Dropped { delivery_id, .. } | Outcome::Attempted { delivery_id, .. } => {
            *delivery_id
        }
    };
    let Some(mut d) = tx.get(&WEBHOOK_QUEUE, INSTANCE, delivery_id)? else {
        return Ok(None);
    };
    let Some(mut hook) = tx.get(&WEBHOOKS, d.org_id, d.webhook_id)? else {
        tx.remove(&WEBHOOK_QUEUE, INSTANCE, d.id)?;
        tracing::info!(
            delivery = d.id,
            webhook = d.webhook_id,
            event = d.event.as_str(),
            "dropped a delivery: the webhook was deleted"
        );
        return Ok(None);
    };
    let mut next = None;
    let attempt = match outcome {
        Outcome::Dropped { reason, .. } => {
            tx.remove(&WEBHOOK_QUEUE, INSTANCE, d.id)?;
            tracing::info!(
                delivery = d.id,
                webhook = d.webhook_id,
                "dropped a delivery: {reason}"
            );
            attempt_row(
                &d,
                d.attempts + 1,
                None,
                Some(reason),
                0,
                Timestamp::now(),
                "failed",
            )
        }
        Outcome::Attempted {
            status,
            error,
            duration_ms,
            at,
            ..
        } => {
            d.attempts += 1;
            hook.last_status = status;
            let delivered = status.is_some_and(|s| (200..300).contains(&s));
            let outcome = if delivered {
                hook.consecutive_failures = 0;
                hook.last_delivery_at = Some(at);
                tx.remove(&WEBHOOK_QUEUE, INSTANCE, d.id)?;
                "delivered"
            } else {
                hook.consecutive_failures = hook.consecutive_failures.saturating_add(1);
                if hook.enabled && hook.consecutive_failures >= policy.max_consecutive_failures {
                    auto_disable(tx, &mut hook, error.as_deref())?;
                }
                match policy.schedule_secs.get(d.attempts as usize - 1) {
                    Some(wait) if hook.enabled => {
                        let due = now_ms() + (*wait as i64) * 1000;
                        d.next_attempt_ms = due;
                        d.next_attempt_at = Timestamp::from_unix(due.div_euclid(1000));
                        tx.put(&WEBHOOK_QUEUE, INSTANCE, d.id, &d)?;
                        next = Some((d.id, due));
                        "retrying"
                    }
                    _ => {
                        tx.remove(&WEBHOOK_QUEUE, INSTANCE, d.id)?;
                        "failed"
                    }
                }
            };
            tx.put(&WEBHOOKS, hook.org_id, hook.id, &hook)?;
            attempt_row(&d, d.attempts, status, error, duration_ms, at, outcome)
        }
    };
    append_attempt(tx, hook.id, attempt)?;
    Ok(next)
}

fn auto_disable(tx: &mut Tx, hook: &mut Webhook, last_error: Option<&str>) -> Result<()> {
    let n = hook.consecutive_failures;
    hook.enabled = false;
    hook.disabled_reason = Some(format!(
        "Disabled automatically after {n} consecutive failed deliveries"
    ));
    hook.updated_at = Timestamp::now();
    let summary = format!(
        "Disabled webhook {} after {n} consecutive failed deliveries",
        hook.id
    );
    let details = serde_json::json!({"consecutive_failures": n, "last_status": hook.last_status, "last_error": last_error});
    tracing::warn!(
        webhook = hook.id,
        tenant = hook.org_id,
        "webhook disabled after {n} consecutive failures"
    );
    audit::record(
        tx,
        hook.org_id,
        &Actor::system(),
        Change::new(Action::WebhookDisabled, hook.id, summary).with(details),
    )
}

fn attempt_row(
    d: &Delivery,
    attempt: u32,
    status_code: Option<u16>,
    error: Option<String>,
    duration_ms: u64,
    at: Timestamp,
    outcome: &str,
) -> DeliveryAttempt {
    DeliveryAttempt {
        id: 0,
        delivery_id: d.id,
        event_id: d.event_id.clone(),
        event: d.event,
        attempt,
        status_code,
        error,
        duration_ms,
        at,
        outcome: outcome.to_string(),
    }
}

fn append_attempt(tx: &mut Tx, webhook_id: u64, mut row: DeliveryAttempt) -> Result<()> {
    row.id = tx.next_seq("seq_webhook_attempts")?;
    tx.put(&WEBHOOK_ATTEMPTS, webhook_id, row.id, &row)?;
    if tx.count(&WEBHOOK_ATTEMPTS, webhook_id)? > ATTEMPTS_KEPT + ATTEMPTS_KEPT / 10 {
        let (page, _) =
            tx.page_before(&WEBHOOK_ATTEMPTS, webhook_id, None, ATTEMPTS_KEPT as usize)?;
        if let Some((oldest_kept, _)) = page.last() {
            tx.remove_older(&WEBHOOK_ATTEMPTS, webhook_id, *oldest_kept)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Principal, Role};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:c0a8:0101::1",
        ] {
            assert!(!is_public(ip(a)), "{a}");
        }
        for a in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "172.32.0.1",
        ] {
            assert!(is_public(ip(a)), "{a}");
        }
    }

    #[test]
    fn urls_are_checked_before_any_lookup() {
        let ok = |u: &str, private: bool| parse_target(u, private).map(|(_, t)| t);
        assert_eq!(
            ok("https://93.184.215.14/hook", false),
            Ok(Target::Address(ip("93.184.215.14")))
        );
        assert_eq!(
            ok("https://Hooks.Example.com./x", false),
            Ok(Target::Name("hooks.example.com".into()))
        );
        assert!(ok("http://127.0.0.1:9000/h", true).is_ok());
        assert!(ok("https://127.0.0.1:9000/h", true).is_ok());
        for (u, private) in [
            ("ftp://example.com/x", true),
            ("http://example.com/x", false),
            ("http://93.184.215.14/x", true),
            ("https://127.0.0.1/x", false),
            ("https://2130706433/x", false),
            ("https://10.0.0.8/x", false),
            ("https://169.254.169.254/latest", false),
            ("https://localhost/x", false),
            ("https://api.localhost/x", false),
            ("https://[::1]/x", false),
            ("https://[::ffff:192.168.0.1]/x", false),
            ("https://user:pw@example.com/x", false),
            ("not a url", true),
            ("", true),
        ] {
            assert!(ok(u, private).is_err(), "{u} (private allowed: {private})");
        }
    }

    #[test]
    fn resolved_addresses_are_filtered() {
        let addrs = |list: &[&str]| {
            list.iter()
                .map(|a| SocketAddr::new(ip(a), 443))
                .collect::<Vec<_>>()
        };
        let got = permitted("h", addrs(&["10.0.0.1", "93.184.215.14"]), true, false).unwrap();
        assert_eq!(got, addrs(&["93.184.215.14"]));
        let err = permitted("rebind.example", addrs(&["127.0.0.1"]), true, false).unwrap_err();
        assert!(err.contains("loopback"), "{err}");
        assert!(permitted("h", addrs(&["127.0.0.1"]), true, true).is_ok());
        assert!(
            permitted("h", addrs(&["93.184.215.14"]), false, true).is_err(),
            "plain http to a public address"
        );
        assert!(permitted("h", addrs(&["127.0.0.1"]), false, false).is_err());
    }

    #[test]
    fn signature_is_hmac_of_timestamp_dot_body() {
        let s = signature("whsec_x", 1_700_000_000, r#"{"a":1}"#);
        assert!(s.starts_with("t=1700000000,v1="));
        assert_eq!(s.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(s, signature("whsec_y", 1_700_000_000, r#"{"a":1}"#));
        assert_ne!(s, signature("whsec_x", 1_700_000_001, r#"{"a":1}"#));
    }

    fn admin(tenant_id: u64) -> Identity {
        Identity {
            tenant_id,
            role: Role::OrgAdmin,
            principal: Principal::User {
                user_id: 1,
                session_id: 1,
            },
            scopes: None,
            actor: "admin@example.com".into(),
            ip: None,
        }
    }

    #[tokio::test]
    async fn twenty_failures_in_a_row_disable_the_webhook_with_the_default_policy() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let input = NewWebhook {
            url: "https://93.184.215.14/h".into(),
            events: vec![Event::JobPublished],
            description: None,
            enabled: None,
        };
        let (hook, secret) = create(&store, &admin(7), false, input).await.unwrap();
        assert!(secret.starts_with(SECRET_PREFIX) && secret.len() == 70);
        for i in 0..25 {
            store
                .write(move |tx| emit(tx, 7, Event::JobPublished, serde_json::json!({"job_id": i})))
                .await
                .unwrap();
        }
        let defaults = crate::config::WebhooksConfig::default();
        let policy = RetryPolicy {
            schedule_secs: defaults.retry_schedule_secs,
            max_consecutive_failures: defaults.max_consecutive_failures,
        };
        assert_eq!(policy.max_consecutive_failures, 20);
        let ids: Vec<u64> = queued_after(&store, None, 100)
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids.len(), 25);
        let fail = |id: u64| Outcome::Attempted {
            delivery_id: id,
            status: Some(500),
            error: Some("HTTP 500".into()),
            duration_ms: 3,
            at: Timestamp::now(),
        };
        let again = record_outcomes(
            &store,
            ids[..19].iter().map(|&id| fail(id)).collect(),
            policy.clone(),
        )
        .await
        .unwrap();
        assert_eq!(again.len(), 19, "each is retried later");
        assert!(
            get(&store, 7, hook.id).unwrap().enabled,
            "19 failures leave it on"
        );
        let again = record_outcomes(&store, vec![fail(ids[19])], policy.clone())
            .await
            .unwrap();
        assert!(again.is_empty(), "the failure that disables it is final");
        let now = get(&store, 7, hook.id).unwrap();
        assert!(!now.enabled);
        assert_eq!(now.consecutive_failures, 20);
        assert!(now.disabled_reason.unwrap().contains("20 consecutive"));
        // What is still queued for it is dropped, logged as failed.
        let due = load_due(&store, &ids[20..]).unwrap();
        assert!(due.iter().all(|d| matches!(d, Due::Drop { .. })));
        let outcomes = due.into_iter().map(|d| match d {
            Due::Drop {
                delivery_id,
                reason,
            } => Outcome::Dropped {
                delivery_id,
                reason,
            },
            Due::Send(_) => unreachable!(),
        });
        record_outcomes(&store, outcomes.collect(), policy)
            .await
            .unwrap();
        let (log, _) = deliveries(&store, 7, hook.id, None, 100).unwrap();
        assert_eq!(log.len(), 25);
        assert_eq!(log[0].error.as_deref(), Some("the webhook is disabled"));
        assert_eq!(log[5].outcome, "failed");
        assert_eq!(log[6].outcome, "retrying");
        let rx = store.read().unwrap();
        assert_eq!(
            rx.count(&WEBHOOK_QUEUE, INSTANCE).unwrap(),
            19,
            "only the scheduled retries remain"
        );
        let trail = audit::verify(&store, 7).unwrap();
        assert!(
            trail.ok && trail.checked == 2,
            "created + disabled by system: {trail:?}"
        );
        drop(rx);
        store.stop();
    }
}
