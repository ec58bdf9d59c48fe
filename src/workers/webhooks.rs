//! Delivers webhook events from the durable queue (`webhook_queue_v1`): reads what is due,
//! sends it signed, a few at a time and with no transaction open, then records every outcome
//! in one write. The queue lives in redb, so a restart resumes where the last run stopped.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::task::JoinSet;

use super::Background;

use crate::config::WebhooksConfig;
use crate::domain::webhooks::{self as hooks, Due, Outcome, Outgoing, RetryPolicy};
use crate::store::Store;
use crate::time::Timestamp;

/// Deliveries taken per round; their outcomes are written in one transaction.
const ROUND: usize = 64;
/// Requests in flight at once.
const CONCURRENT: usize = 8;
const SCAN_PAGE: usize = 1_000;
/// How much of a receiver's answer is read (then dropped), so the connection can be reused.
const ANSWER_READ_MAX: usize = 64 * 1024;
pub const USER_AGENT: &str = concat!("hirebase-webhooks/", env!("CARGO_PKG_VERSION"));

/// The delivery task (see [`super::Background`] for poke, waker and stop: a stop abandons
/// requests in flight, whose deliveries stay queued and go out after the next start).
pub struct WebhookWorker(Background);

impl std::ops::Deref for WebhookWorker {
    type Target = Background;
    fn deref(&self) -> &Background {
        &self.0
    }
}

impl WebhookWorker {
    pub fn start(store: Store, config: &WebhooksConfig) -> anyhow::Result<WebhookWorker> {
        let sender = Sender::new(config)?;
        let policy = RetryPolicy {
            schedule_secs: config.retry_schedule_secs.clone(),
            max_consecutive_failures: config.max_consecutive_failures,
        };
        let poll = Duration::from_millis(config.poll_millis);
        Ok(WebhookWorker(Background::spawn(|poke, stopped| {
            run(store, sender, policy, poll, poke, stopped)
        })))
    }
}

/// The queued deliveries the worker knows of, by when they are due.
#[derive(Default)]
struct Schedule {
    due: BTreeSet<(i64, u64)>,
    /// The highest delivery id read from the queue: newer rows have higher ids.
    seen_up_to: Option<u64>,
}

impl Schedule {
    /// Adds the rows enqueued since the last look.
    fn ingest(&mut self, store: &Store) -> crate::error::Result<()> {
        loop {
            let rows = hooks::queued_after(store, self.seen_up_to, SCAN_PAGE)?;
            let n = rows.len();
            for (id, due) in rows {
                self.due.insert((due, id));
                self.seen_up_to = Some(id);
            }
            if n < SCAN_PAGE {
                return Ok(());
            }
        }
    }

    fn take_due(&mut self, now_ms: i64, max: usize) -> Vec<u64> {
        let mut ids = Vec::new();
        while ids.len() < max {
            match self.due.first() {
                Some(&(due, id)) if due <= now_ms => {
                    self.due.pop_first();
                    ids.push(id);
                }
                _ => break,
            }
        }
        ids
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn run(
    store: Store,
    sender: Sender,
    policy: RetryPolicy,
    poll: Duration,
    poke: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let mut schedule = Schedule::default();
    loop {
        if *stop.borrow() {
            break;
        }
        let mut busy = false;
        if let Err(e) = schedule.ingest(&store) {
            tracing::error!(error = %e, "could not read the webhook queue");
        }
        let ids = schedule.take_due(hooks::now_ms(), ROUND);
        if !ids.is_empty() {
            match hooks::load_due(&store, &ids) {
                Ok(due) => {
                    let outcomes = tokio::select! {
                        outcomes = sender.send_all(due) => outcomes,
                        _ = stopped(&mut stop) => break,
                    };
                    match hooks::record_outcomes(&store, outcomes, policy.clone()).await {
                        Ok(next) => {
                            schedule
                                .due
                                .extend(next.into_iter().map(|(id, due)| (due, id)));
                            busy = ids.len() == ROUND;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "could not record webhook deliveries; they stay queued");
                            schedule = Schedule::default();
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not read due webhook deliveries");
                    schedule = Schedule::default();
                }
            }
        }
        if busy {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = poke.notified() => {}
            _ = stopped(&mut stop) => break,
        }
    }
    drop(store);
}

/// Which certificates a delivery client trusts.
#[derive(Clone, Copy)]
enum Roots {
    /// The system's (through rustls-platform-verifier).
    System,
    /// None: every https connection fails verification.
    None,
}

/// Sends deliveries: one client for `https` and one for plain `http`, each connecting only to
/// addresses its resolver has checked, so a name that re-resolves to a private address
/// (DNS rebinding) is refused at every delivery, not only when the webhook was saved.
#[derive(Clone)]
struct Sender {
    https: reqwest::Client,
    http: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    fn new(config: &WebhooksConfig) -> anyhow::Result<Sender> {
        // reqwest is built without a crypto provider of its own: rustls uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let timeout = Duration::from_secs(config.timeout_secs);
        let allow_private = config.allow_private_targets;
        let client = |https: bool, roots: Roots| {
            let builder = reqwest::Client::builder();
            let builder = match roots {
                Roots::System => builder,
                Roots::None => builder.tls_certs_only([]),
            };
            builder
                .user_agent(USER_AGENT)
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(5)))
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .pool_idle_timeout(Duration::from_secs(30))
                .dns_resolver(Arc::new(CheckedResolver {
                    https,
                    allow_private,
                }))
                .build()
        };
        // A minimal or air-gapped system may have no CA certificates at all (no
        // ca-certificates package): the server still starts, and https deliveries fail with
        // a TLS error recorded on each delivery until certificates are installed.
        let https = client(true, Roots::System).or_else(|e| {
            tracing::warn!(
                error = %e,
                "no CA certificates on this system: https webhook deliveries will fail \
                 until they are installed (the ca-certificates package)"
            );
            client(true, Roots::None)
        })?;
        Ok(Sender {
            https,
            // Plain http only (redirects are not followed): it never verifies a certificate.
            http: client(false, Roots::None)?,
            allow_private,
        })
    }

    async fn send_all(&self, due: Vec<Due>) -> Vec<Outcome> {
        let limit = Arc::new(Semaphore::new(CONCURRENT));
        let mut outcomes = Vec::with_capacity(due.len());
        let mut sending = JoinSet::new();
        for d in due {
            match d {
                Due::Drop {
                    delivery_id,
                    reason,
                } => outcomes.push(Outcome::Dropped {
                    delivery_id,
                    reason,
                }),
                Due::Send(out) => {
                    let (this, limit) = (self.clone(), limit.clone());
                    sending.spawn(async move {
                        let _permit = limit.acquire_owned().await;
                        this.send(out).await
                    });
                }
            }
        }
        while let Some(done) = sending.join_next().await {
            match done {
                Ok(outcome) => outcomes.push(outcome),
                Err(e) => tracing::error!(error = %e, "a webhook delivery task failed"),
            }
        }
        outcomes
    }

    async fn send(&self, out: Outgoing) -> Outcome {
        let (started, at) = (Instant::now(), Timestamp::now());
        let (status, error) = match self.post(&out).await {
            Ok(status) if (200..300).contains(&status) => (Some(status), None),
            Ok(status) => (
                Some(status),
                Some(format!("the receiver answered HTTP {status}")),
            ),
            Err(e) => (None, Some(e)),
        };
        let duration_ms = started.elapsed().as_millis() as u64;
        if let Some(e) = &error {
            tracing::debug!(
                delivery = out.delivery.id,
                webhook = out.delivery.webhook_id,
                "webhook delivery failed: {e}"
            );
        }
        Outcome::Attempted {
            delivery_id: out.delivery.id,
            status,
            error,
            duration_ms,
            at,
        }
    }

    async fn post(&self, out: &Outgoing) -> Result<u16, String> {
        // Literal addresses are checked here; names by the resolver, as they are connected to.
        let (url, _) = hooks::parse_target(&out.url, self.allow_private)
            .map_err(|e| format!("the webhook URL {e}"))?;
        let client = if url.scheme() == "https" {
            &self.https
        } else {
            &self.http
        };
        let signature = hooks::signature(
            &out.secret,
            chrono::Utc::now().timestamp(),
            &out.delivery.body,
        );
        let mut answer = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Hirebase-Signature", signature)
            .header("X-Hirebase-Event", out.delivery.event.as_str())
            .header("X-Hirebase-Delivery", out.delivery.id.to_string())
            .body(out.delivery.body.clone())
            .send()
            .await
            .map_err(describe)?;
        let status = answer.status().as_u16();
        let mut read = 0;
        while read < ANSWER_READ_MAX {
            match answer.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                _ => break,
            }
        }
        Ok(status)
    }
}

/// A reqwest error with its causes, in one line, without the URL (the log shows it beside).
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        return "the request timed out".into();
    }
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let part = c.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = c.source();
    }
    text
}

/// Resolves a webhook's host and hands the connector only the addresses it may reach.
struct CheckedResolver {
    https: bool,
    allow_private: bool,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let (https, allow_private) = (self.https, self.allow_private);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = hooks::resolve(&host).await?;
            let permitted = hooks::permitted(&host, addrs, https, allow_private)?;
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn resolve(
        resolver: CheckedResolver,
        host: &str,
    ) -> Result<Vec<std::net::SocketAddr>, String> {
        let name: Name = host.parse().map_err(|_| "bad name".to_string())?;
        resolver
            .resolve(name)
            .await
            .map(|addrs| addrs.collect())
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn the_resolver_hands_over_only_permitted_addresses() {
        let strict = CheckedResolver {
            https: true,
            allow_private: false,
        };
        let err = resolve(strict, "localhost").await.unwrap_err();
        assert!(
            err.contains("loopback"),
            "a name resolving to loopback is refused after the lookup: {err}"
        );
        let relaxed = CheckedResolver {
            https: true,
            allow_private: true,
        };
        let addrs = resolve(relaxed, "localhost").await.unwrap();
        assert!(
            !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback()),
            "{addrs:?}"
        );
        let plain = CheckedResolver {
            https: false,
            allow_private: true,
        };
        assert!(
            resolve(plain, "localhost").await.is_ok(),
            "plain http to a private target, when allowed"
        );
    }
}
