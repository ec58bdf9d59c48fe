//! Delivery: the worker reads due rows, sends them with no transaction open, then records
//! every outcome in one write.

use super::{Delivery, DeliveryAttempt, Webhook};
use crate::domain::audit::{self, Action, Actor, Change};
use crate::error::Result;
use crate::store::tables::{INSTANCE, WEBHOOK_ATTEMPTS, WEBHOOK_QUEUE, WEBHOOKS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

/// Each webhook keeps this many of its most recent delivery attempts.
const ATTEMPTS_KEPT: u64 = 1_000;

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

/// Deliveries waiting in the queue (for `/metrics`).
pub fn queue_depth(store: &Store) -> Result<u64> {
    store.read()?.count(&WEBHOOK_QUEUE, INSTANCE)
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
    use crate::auth::{Identity, Principal, Role};
    use crate::domain::webhooks::{
        Event, NewWebhook, SECRET_PREFIX, create, deliveries, emit, get,
    };

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
            agency_id: None,
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
