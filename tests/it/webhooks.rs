//! `/webhooks`: subscriptions (secret shown once, targets checked), and delivery through the
//! real worker to a receiver on 127.0.0.1 — signed envelopes, retries with backoff, the
//! delivery log, a queue that survives a restart, and auto-disable.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hirebase::Config;
use hirebase::auth::Role;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::common::{Member, PASSWORD, TestServer, eventually, fields};

const HOOKS: &str = "/api/v1/webhooks";

/// A request the receiver got, and what it answered.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: String,
    answered: u16,
    at: Instant,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

#[derive(Default)]
struct Inbox {
    got: Mutex<Vec<Received>>,
    /// How many of the next requests are answered 500.
    failures_left: AtomicUsize,
}

/// A tiny HTTP/1.1 server on 127.0.0.1 that records every request.
struct Receiver {
    addr: SocketAddr,
    inbox: Arc<Inbox>,
    task: JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Receiver {
        Receiver::on(0).await
    }

    async fn on(port: u16) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("receiver binds");
        let addr = listener.local_addr().unwrap();
        let inbox = Arc::new(Inbox::default());
        let shared = inbox.clone();
        let task = tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve(conn, shared.clone()));
            }
        });
        Receiver { addr, inbox, task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn fail_next(&self, n: usize) {
        self.inbox.failures_left.store(n, Ordering::SeqCst);
    }

    fn received(&self, path: &str) -> Vec<Received> {
        self.inbox
            .got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn serve(mut conn: TcpStream, inbox: Arc<Inbox>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        match conn.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            break end;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .unwrap_or_default()
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + 4 + length {
        match conn.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buf[head_end + 4..head_end + 4 + length]).to_string();
    let fail = inbox
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if fail { 500 } else { 200 };
    inbox.got.lock().unwrap().push(Received {
        path,
        headers,
        body,
        answered,
        at: Instant::now(),
    });
    let reason = if fail { "Internal Server Error" } else { "OK" };
    let reply =
        format!("HTTP/1.1 {answered} {reason}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let _ = conn.write_all(reply.as_bytes()).await;
    let _ = conn.shutdown().await;
}

/// Checks `X-Hirebase-Signature: t=<unix>,v1=<hex>` against the secret, as a receiver would.
#[track_caller]
fn assert_signed(secret: &str, r: &Received) {
    let header = r.header("x-hirebase-signature");
    let (t, v1) = header.split_once(',').expect("t=…,v1=…");
    let t: i64 = t
        .strip_prefix("t=")
        .expect("t=")
        .parse()
        .expect("unix time");
    let v1 = v1.strip_prefix("v1=").expect("v1=");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - t).abs() <= 300,
        "the signature time {t} is not recent (now {now})"
    );
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", r.body).as_bytes());
    assert_eq!(
        v1,
        hex::encode(mac.finalize().into_bytes()),
        "the signature does not match the body"
    );
}

/// A server that may deliver to loopback, retrying every second, polling often.
async fn start(adjust: impl FnOnce(&mut Config)) -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    TestServer::start_in(dir, |cfg| {
        cfg.webhooks.allow_private_targets = true;
        cfg.webhooks.retry_schedule_secs = vec![1, 1, 1, 1, 1];
        cfg.webhooks.poll_millis = 100;
        adjust(cfg);
    })
    .await
}

/// Subscribes `url` to `events`; returns the webhook and its secret.
async fn subscribe(s: &TestServer, m: &Member, url: &str, events: &[&str]) -> (Value, String) {
    let r = s
        .post(HOOKS, &m.token, json!({"url": url, "events": events}))
        .await;
    let b = r.ok(201);
    (
        b["webhook"].clone(),
        b["secret"].as_str().expect("secret").to_string(),
    )
}

async fn public_job(s: &TestServer, m: &Member, title: &str) -> u64 {
    let r = s
        .post(
            "/api/v1/jobs",
            &m.token,
            json!({"title": title, "is_public": true, "status": "open"}),
        )
        .await;
    r.ok(201)["id"].as_u64().unwrap()
}

fn deliveries_path(hook: &Value, query: &str) -> String {
    format!("{HOOKS}/{}/deliveries{query}", hook["id"])
}

async fn deliveries(s: &TestServer, m: &Member, hook: &Value) -> Vec<Value> {
    s.get(&deliveries_path(hook, "?limit=100"), &m.token)
        .await
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn webhook(s: &TestServer, m: &Member, hook: &Value) -> Value {
    s.get(&format!("{HOOKS}/{}", hook["id"]), &m.token)
        .await
        .ok(200)
        .clone()
}

fn queued(s: &TestServer) -> u64 {
    use hirebase::store::Reader;
    use hirebase::store::tables::{INSTANCE, WEBHOOK_QUEUE};
    s.state
        .store
        .read()
        .unwrap()
        .count(&WEBHOOK_QUEUE, INSTANCE)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_returns_the_secret_once_and_lists_never_show_it() {
    let s = start(|_| {}).await;
    let m = s.register("admin@hooks.example", "Hooks").await;
    let r = s
        .post(HOOKS, &m.token, json!({"url": "http://127.0.0.1:9/hook", "events": ["job.published", "candidate.applied", "job.published"], "description": "  ATS sync "}))
        .await;
    let b = r.ok(201);
    let keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["webhook", "secret"]);
    let secret = b["secret"].as_str().unwrap().to_string();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    assert!(
        secret[6..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{secret}"
    );
    let hook = &b["webhook"];
    let keys: Vec<&str> = hook
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "url",
            "events",
            "enabled",
            "description",
            "consecutive_failures",
            "disabled_reason",
            "last_delivery_at",
            "last_status",
            "created_at",
            "updated_at"
        ]
    );
    assert_eq!(hook["url"], "http://127.0.0.1:9/hook");
    assert_eq!(
        hook["events"],
        json!(["candidate.applied", "job.published"]),
        "sorted, without duplicates"
    );
    assert_eq!(hook["enabled"], true);
    assert_eq!(hook["description"], "ATS sync");
    assert_eq!(hook["consecutive_failures"], 0);
    assert!(
        hook["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );

    let (_, second_secret) = subscribe(&s, &m, "https://127.0.0.1:9/other", &["offer.sent"]).await;
    assert_ne!(second_secret, secret);
    let list = s.get(HOOKS, &m.token).await;
    assert_eq!(list.ok(200)["total"], 2);
    assert_eq!(list.body["items"][1]["id"], hook["id"], "newest first");
    let one = s.get(&format!("{HOOKS}/{}", hook["id"]), &m.token).await;
    assert_eq!(one.ok(200)["url"], "http://127.0.0.1:9/hook");
    for text in [&list.text, &one.text] {
        assert!(
            !text.contains(&secret[6..]) && !text.contains(&second_secret[6..]),
            "a secret leaked: {text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }
    let page = s.get(&format!("{HOOKS}?limit=1&skip=1"), &m.token).await;
    assert_eq!(page.ok(200)["items"][0]["id"], hook["id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_targets_and_events_are_400_and_create_nothing() {
    let s = start(|_| {}).await;
    let m = s.register("admin@bad.example", "Bad").await;
    let cases: &[(&str, Value, Option<&str>)] = &[
        (
            "ftp",
            json!({"url": "ftp://127.0.0.1/x", "events": ["job.published"]}),
            Some("url"),
        ),
        (
            "not a URL",
            json!({"url": "hooks here", "events": ["job.published"]}),
            Some("url"),
        ),
        (
            "empty URL",
            json!({"url": "", "events": ["job.published"]}),
            Some("url"),
        ),
        (
            "http to a public host",
            json!({"url": "http://93.184.215.14/hook", "events": ["job.published"]}),
            Some("url"),
        ),
        (
            "credentials",
            json!({"url": "https://u:p@127.0.0.1/x", "events": ["job.published"]}),
            Some("url"),
        ),
        (
            "no events",
            json!({"url": "http://127.0.0.1:9/x", "events": []}),
            Some("events"),
        ),
        (
            "unknown event",
            json!({"url": "http://127.0.0.1:9/x", "events": ["job.published", "job.exploded"]}),
            None,
        ),
        (
            "events not a list",
            json!({"url": "http://127.0.0.1:9/x", "events": "job.published"}),
            None,
        ),
        ("missing url", json!({"events": ["job.published"]}), None),
    ];
    for (what, body, field) in cases {
        let r = s.post(HOOKS, &m.token, body.clone()).await;
        let p = r.problem(400, "validation");
        if let Some(field) = field {
            assert_eq!(fields(p), vec![*field], "{what}: {}", r.text);
        }
    }
    assert_eq!(
        s.get(HOOKS, &m.token).await.ok(200).clone(),
        json!({"items": [], "total": 0})
    );

    // Without allow_private_targets: https only, and only to public addresses.
    let strict = TestServer::start().await;
    assert!(
        !strict.state.config.webhooks.allow_private_targets,
        "off by default"
    );
    let m = strict.register("admin@strict.example", "Strict").await;
    for url in [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://172.20.0.5/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/hook",
        "https://localhost:8443/hook",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://2130706433/hook",
        "http://127.0.0.1:9/hook",
        "http://93.184.215.14/hook",
    ] {
        let r = strict
            .post(
                HOOKS,
                &m.token,
                json!({"url": url, "events": ["job.published"]}),
            )
            .await;
        assert_eq!(
            fields(r.problem(400, "validation")),
            vec!["url"],
            "{url}: {}",
            r.text
        );
    }
    for (url, kind) in [
        ("https://127.0.0.1/h", "loopback"),
        ("https://169.254.169.254/h", "link-local"),
        ("https://10.0.0.1/h", "private"),
    ] {
        let r = strict
            .post(
                HOOKS,
                &m.token,
                json!({"url": url, "events": ["job.published"]}),
            )
            .await;
        let message = r.problem(400, "validation")["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains(kind), "{url}: {message}");
    }
    assert_eq!(
        strict.get(HOOKS, &m.token).await.ok(200)["total"],
        0,
        "nothing was created"
    );
    // A public address is fine (a literal one: no DNS needed here).
    let (hook, _) = subscribe(
        &strict,
        &m,
        "https://93.184.215.14/hook",
        &["job.published"],
    )
    .await;
    let r = strict
        .patch(
            &format!("{HOOKS}/{}", hook["id"]),
            &m.token,
            json!({"url": "https://10.0.0.1/x"}),
        )
        .await;
    assert_eq!(fields(r.problem(400, "validation")), vec!["url"]);
    assert_eq!(
        webhook(&strict, &m, &hook).await["url"],
        "https://93.184.215.14/hook",
        "the update changed nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribed_events_arrive_signed_in_the_envelope_and_others_do_not() {
    let s = start(|_| {}).await;
    let m = s.register("admin@deliver.example", "Deliver").await;
    let rx = Receiver::start().await;
    let (jobs_hook, jobs_secret) = subscribe(&s, &m, &rx.url("/jobs"), &["job.published"]).await;
    let (apps_hook, apps_secret) =
        subscribe(&s, &m, &rx.url("/apps"), &["candidate.applied"]).await;

    // candidate.applied first (only /apps subscribes), then job.published (only /jobs).
    let draft = s
        .post("/api/v1/jobs", &m.token, json!({"title": "Internal role"}))
        .await
        .ok(201)["id"]
        .as_u64()
        .unwrap();
    let c = s
        .post(
            "/api/v1/candidates",
            &m.token,
            json!({"full_name": "Ada Lovelace", "email": "ada@example.com"}),
        )
        .await;
    let candidate = c.ok(201)["id"].as_u64().unwrap();
    let app = s
        .post(
            "/api/v1/applications",
            &m.token,
            json!({"job_id": draft, "candidate_id": candidate, "status": "applied"}),
        )
        .await;
    let application = app.ok(201)["id"].as_u64().unwrap();
    let job = public_job(&s, &m, "Staff Engineer").await;

    eventually("both events arrive", || async {
        rx.received("/jobs").len() == 1 && rx.received("/apps").len() == 1
    })
    .await;

    let got = &rx.received("/jobs")[0];
    assert_signed(&jobs_secret, got);
    assert_eq!(got.header("content-type"), "application/json");
    assert_eq!(
        got.header("user-agent"),
        format!("hirebase-webhooks/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(got.header("x-hirebase-event"), "job.published");
    let envelope = got.json();
    let keys: Vec<&str> = envelope
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["id", "type", "ts", "tenant_id", "data"],
        "{envelope}"
    );
    assert!(envelope["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(envelope["type"], "job.published");
    assert!(
        envelope["ts"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.len() == 20),
        "{envelope}"
    );
    assert_eq!(envelope["tenant_id"].as_u64(), Some(m.org_id));
    assert_eq!(envelope["data"]["job_id"].as_u64(), Some(job));
    assert_eq!(envelope["data"]["title"], "Staff Engineer");

    let got = &rx.received("/apps")[0];
    assert_signed(&apps_secret, got);
    assert_eq!(got.header("x-hirebase-event"), "candidate.applied");
    let envelope = got.json();
    assert_eq!(envelope["type"], "candidate.applied");
    assert_eq!(
        envelope["data"]["application_id"].as_u64(),
        Some(application)
    );
    assert_eq!(envelope["data"]["candidate_id"].as_u64(), Some(candidate));

    // The log of each webhook shows its one delivery, matching the delivery header.
    for (hook, path) in [(&jobs_hook, "/jobs"), (&apps_hook, "/apps")] {
        let log = deliveries(&s, &m, hook).await;
        assert_eq!(log.len(), 1, "{path}: {log:?}");
        let row = &log[0];
        assert_eq!(row["outcome"], "delivered");
        assert_eq!(row["attempt"], 1);
        assert_eq!(row["status_code"], 200);
        assert_eq!(row["error"], Value::Null);
        assert!(row["duration_ms"].is_u64());
        let got = &rx.received(path)[0];
        assert_eq!(
            got.header("x-hirebase-delivery"),
            row["delivery_id"].to_string()
        );
        assert_eq!(row["event_id"], got.json()["id"]);
        let now = webhook(&s, &m, hook).await;
        assert_eq!(now["last_status"], 200);
        assert!(now["last_delivery_at"].is_string());
    }
    assert_eq!(queued(&s), 0, "nothing else was queued for either webhook");
    assert_eq!(rx.inbox.got.lock().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_attempts_are_retried_with_backoff_and_logged() {
    let s = start(|_| {}).await;
    let m = s.register("admin@retry.example", "Retry").await;
    let rx = Receiver::start().await;
    rx.fail_next(2);
    let (hook, secret) = subscribe(&s, &m, &rx.url("/hook"), &["job.published"]).await;
    public_job(&s, &m, "Retried").await;

    eventually("the third attempt arrives", || async {
        rx.received("/hook").len() == 3
    })
    .await;
    let got = rx.received("/hook");
    assert_eq!(
        got.iter().map(|r| r.answered).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    for pair in got.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= Duration::from_millis(900) && gap < Duration::from_secs(4),
            "retry after {gap:?}"
        );
        assert_eq!(
            pair[0].body, pair[1].body,
            "every attempt sends the same envelope"
        );
        assert_eq!(
            pair[0].header("x-hirebase-delivery"),
            pair[1].header("x-hirebase-delivery")
        );
    }
    for r in &got {
        assert_signed(&secret, r);
    }

    eventually("the delivery is logged", || async {
        deliveries(&s, &m, &hook).await.len() == 3
    })
    .await;
    let log = deliveries(&s, &m, &hook).await;
    let summary: Vec<(u64, Value, &str)> = log
        .iter()
        .map(|a| {
            (
                a["attempt"].as_u64().unwrap(),
                a["status_code"].clone(),
                a["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, json!(200), "delivered"),
            (2, json!(500), "retrying"),
            (1, json!(500), "retrying")
        ]
    );
    assert!(
        log[1]["error"].as_str().unwrap().contains("500"),
        "{:?}",
        log[1]
    );
    assert_eq!(log[0]["error"], Value::Null);
    assert!(
        log.iter()
            .all(|a| a["delivery_id"] == log[0]["delivery_id"] && a["event"] == "job.published")
    );
    let now = webhook(&s, &m, &hook).await;
    assert_eq!(now["consecutive_failures"], 0, "a success resets the count");
    assert_eq!(now["last_status"], 200);
    assert_eq!(queued(&s), 0);

    // The log pages with a cursor.
    let first = s.get(&deliveries_path(&hook, "?limit=2"), &m.token).await;
    assert_eq!(first.ok(200)["items"].as_array().unwrap().len(), 2);
    assert_eq!(first.body["has_more"], true);
    let next = first.body["next_before"].as_str().unwrap();
    let rest = s
        .get(
            &deliveries_path(&hook, &format!("?limit=2&before={next}")),
            &m.token,
        )
        .await;
    assert_eq!(rest.ok(200)["items"][0]["attempt"], 1);
    assert_eq!(rest.body["has_more"], false);
    assert_eq!(rest.body["next_before"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_deliveries_survive_a_restart() {
    // A port where nothing listens yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The first run never polls after its start, so the event is still unsent when it stops.
    let s = start(|cfg| cfg.webhooks.poll_millis = 60_000).await;
    let m = s.register("admin@restart.example", "Restart").await;
    let (hook, secret) = subscribe(
        &s,
        &m,
        &format!("http://127.0.0.1:{port}/hook"),
        &["job.published"],
    )
    .await;
    let job = public_job(&s, &m, "Durable").await;
    assert_eq!(queued(&s), 1);
    let dir = s.stop().await;

    let rx = Receiver::on(port).await;
    let s = TestServer::start_in(dir, |cfg| {
        cfg.webhooks.allow_private_targets = true;
        cfg.webhooks.poll_millis = 100;
    })
    .await;
    eventually("the queued delivery arrives after the restart", || async {
        rx.received("/hook").len() == 1
    })
    .await;
    let got = &rx.received("/hook")[0];
    assert_signed(&secret, got);
    assert_eq!(got.json()["data"]["job_id"].as_u64(), Some(job));
    let m = s.login("admin@restart.example", PASSWORD).await;
    eventually("the delivery is logged", || async {
        !deliveries(&s, &m, &hook).await.is_empty()
    })
    .await;
    let log = deliveries(&s, &m, &hook).await;
    assert_eq!(log.len(), 1, "it was first sent after the restart: {log:?}");
    assert_eq!(
        (log[0]["attempt"].as_u64(), log[0]["outcome"].as_str()),
        (Some(1), Some("delivered"))
    );
    assert_eq!(queued(&s), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_consecutive_failures_disable_the_webhook() {
    assert_eq!(
        Config::default().webhooks.max_consecutive_failures,
        20,
        "the default limit"
    );
    assert_eq!(
        Config::default().webhooks.retry_schedule_secs,
        vec![30, 120, 600, 3600, 21600],
        "the default backoff"
    );
    let s = start(|_| {}).await;
    let m = s.register("admin@down.example", "Down").await;
    let rx = Receiver::start().await;
    rx.fail_next(usize::MAX);
    let (hook, _) = subscribe(&s, &m, &rx.url("/hook"), &["job.published"]).await;
    // Twenty events at once, so the twenty first attempts fail together.
    let mut creating = tokio::task::JoinSet::new();
    for i in 0..20 {
        let req = reqwest::Client::new()
            .post(s.url("/api/v1/jobs"))
            .bearer_auth(&m.token);
        creating.spawn(
            req.json(&json!({"title": format!("Job {i}"), "is_public": true}))
                .send(),
        );
    }
    while let Some(r) = creating.join_next().await {
        assert_eq!(r.unwrap().unwrap().status(), 201);
    }
    eventually("the webhook is disabled", || async {
        webhook(&s, &m, &hook).await["enabled"] == false
    })
    .await;
    let now = webhook(&s, &m, &hook).await;
    assert!(now["consecutive_failures"].as_u64().unwrap() >= 20, "{now}");
    assert!(
        now["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("20 consecutive"),
        "{now}"
    );
    assert_eq!(now["last_status"], 500);

    // Every delivery ends failed once (what was still queued is dropped); nothing stays queued.
    eventually("every delivery is final", || async { queued(&s) == 0 }).await;
    let log = deliveries(&s, &m, &hook).await;
    let mut finals: HashMap<u64, usize> = HashMap::new();
    for a in &log {
        let n = finals
            .entry(a["delivery_id"].as_u64().unwrap())
            .or_default();
        *n += usize::from(a["outcome"] == "failed");
    }
    assert!(
        finals.values().all(|n| *n == 1),
        "each delivery fails exactly once: {finals:?}"
    );
    let sent = log.iter().filter(|a| a["status_code"] == 500).count();
    assert_eq!(
        rx.received("/hook").len(),
        sent,
        "one request per logged attempt"
    );
    let audit = s.get("/api/v1/audit?type=webhook.disabled", &m.token).await;
    let entry = &audit.ok(200)["items"][0];
    assert_eq!(entry["actor"], "system");
    assert_eq!(entry["entity_id"], hook["id"]);
    // A new event is not even queued for a disabled webhook.
    public_job(&s, &m, "After").await;
    assert_eq!(queued(&s), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_failure_limit_counts_retries_and_re_enabling_resets_it() {
    let s = start(|cfg| cfg.webhooks.max_consecutive_failures = 3).await;
    let m = s.register("admin@limit.example", "Limit").await;
    let rx = Receiver::start().await;
    rx.fail_next(usize::MAX);
    let (hook, _) = subscribe(&s, &m, &rx.url("/hook"), &["job.published"]).await;
    public_job(&s, &m, "Flaky").await;
    eventually("the webhook is disabled", || async {
        webhook(&s, &m, &hook).await["enabled"] == false
    })
    .await;
    let log = deliveries(&s, &m, &hook).await;
    let outcomes: Vec<(u64, &str)> = log
        .iter()
        .map(|a| {
            (
                a["attempt"].as_u64().unwrap(),
                a["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![(3, "failed"), (2, "retrying"), (1, "retrying")],
        "no attempt after the third"
    );
    assert_eq!(rx.received("/hook").len(), 3);
    assert_eq!(webhook(&s, &m, &hook).await["consecutive_failures"], 3);
    assert_eq!(queued(&s), 0);

    rx.fail_next(0);
    let r = s
        .patch(
            &format!("{HOOKS}/{}", hook["id"]),
            &m.token,
            json!({"enabled": true}),
        )
        .await;
    let b = r.ok(200);
    assert_eq!(
        (b["enabled"].as_bool(), b["consecutive_failures"].as_u64()),
        (Some(true), Some(0))
    );
    assert_eq!(b["disabled_reason"], Value::Null);
    public_job(&s, &m, "Healthy again").await;
    eventually("the next event is delivered", || async {
        rx.received("/hook").iter().any(|r| r.answered == 200)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deliveries_of_a_disabled_or_deleted_webhook_are_dropped() {
    let s = start(|_| {}).await;
    let m = s.register("admin@drop.example", "Drop").await;
    let rx = Receiver::start().await;
    rx.fail_next(usize::MAX);
    let (hook, _) = subscribe(&s, &m, &rx.url("/hook"), &["job.published"]).await;
    public_job(&s, &m, "Pending").await;
    eventually("the first attempt fails", || async {
        !deliveries(&s, &m, &hook).await.is_empty()
    })
    .await;
    let r = s
        .patch(
            &format!("{HOOKS}/{}", hook["id"]),
            &m.token,
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(
        r.ok(200)["disabled_reason"],
        "Disabled by admin@drop.example"
    );
    eventually("the retry is dropped", || async {
        deliveries(&s, &m, &hook).await[0]["outcome"] == "failed"
    })
    .await;
    let log = deliveries(&s, &m, &hook).await;
    assert_eq!(log[0]["error"], "the webhook is disabled");
    assert_eq!(log[0]["status_code"], Value::Null);
    assert_eq!(
        rx.received("/hook").len(),
        1,
        "nothing was sent after it was disabled"
    );
    assert_eq!(queued(&s), 0);

    // A deleted webhook's queued retry is dropped too.
    let (other, _) = subscribe(&s, &m, &rx.url("/other"), &["job.published"]).await;
    public_job(&s, &m, "Pending again").await;
    eventually("the first attempt fails", || async {
        !deliveries(&s, &m, &other).await.is_empty()
    })
    .await;
    s.delete(&format!("{HOOKS}/{}", other["id"]), &m.token)
        .await
        .ok(204);
    eventually("the queue empties", || async { queued(&s) == 0 }).await;
    assert_eq!(rx.received("/other").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn updates_and_deletes_are_audited() {
    let s = start(|_| {}).await;
    let m = s.register("admin@audit.example", "Audited").await;
    let (hook, _) = subscribe(&s, &m, "http://127.0.0.1:9/a", &["job.published"]).await;
    let path = format!("{HOOKS}/{}", hook["id"]);
    let r = s
        .patch(&path, &m.token, json!({"url": "http://127.0.0.1:9/b", "events": ["offer.sent", "offer.accepted"], "description": "CRM"}))
        .await;
    let b = r.ok(200);
    assert_eq!(b["url"], "http://127.0.0.1:9/b");
    assert_eq!(b["events"], json!(["offer.sent", "offer.accepted"]));
    assert_eq!(b["description"], "CRM");
    assert_eq!(
        s.patch(&path, &m.token, json!({"description": null}))
            .await
            .ok(200)["description"],
        Value::Null
    );
    s.patch(&path, &m.token, json!({"events": []}))
        .await
        .problem(400, "validation");
    s.patch(&path, &m.token, json!({"events": ["nope"]}))
        .await
        .problem(400, "validation");
    s.delete(&path, &m.token).await.ok(204);
    s.get(&path, &m.token).await.problem(404, "not_found");
    s.get(&format!("{path}/deliveries"), &m.token)
        .await
        .problem(404, "not_found");
    s.delete(&path, &m.token).await.problem(404, "not_found");

    let audit = s.get("/api/v1/audit?type=webhook", &m.token).await;
    let actions: Vec<&str> = audit.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "webhook.deleted",
            "webhook.updated",
            "webhook.updated",
            "webhook.created"
        ]
    );
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "admin@audit.example")
    );
    assert!(
        !audit.text.contains("whsec_"),
        "the secret is not in the trail"
    );
    assert!(
        s.get("/api/v1/audit/verify", &m.token).await.ok(200)["ok"]
            .as_bool()
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn other_tenants_get_404_and_only_org_admins_manage_webhooks() {
    let s = start(|_| {}).await;
    let a = s.register("admin@a.example", "Tenant A").await;
    let b = s.register("admin@b.example", "Tenant B").await;
    let (hook, _) = subscribe(&s, &a, "http://127.0.0.1:9/a", &["job.published"]).await;
    let path = format!("{HOOKS}/{}", hook["id"]);
    s.get(&path, &b.token).await.problem(404, "not_found");
    s.patch(&path, &b.token, json!({"enabled": false}))
        .await
        .problem(404, "not_found");
    s.get(&format!("{path}/deliveries"), &b.token)
        .await
        .problem(404, "not_found");
    s.delete(&path, &b.token).await.problem(404, "not_found");
    assert_eq!(s.get(HOOKS, &b.token).await.ok(200)["total"], 0);
    assert_eq!(
        webhook(&s, &a, &hook).await["enabled"],
        true,
        "tenant B changed nothing"
    );

    let recruiter = s
        .seed_member(a.org_id, "rec@a.example", Role::Recruiter)
        .await;
    s.get(HOOKS, &recruiter.token)
        .await
        .problem(403, "forbidden");
    s.post(
        HOOKS,
        &recruiter.token,
        json!({"url": "http://127.0.0.1:9/r", "events": ["job.published"]}),
    )
    .await
    .problem(403, "forbidden");
    let (_, recruiter_key) = s
        .mint_key(
            &a,
            "recruiter",
            "recruiter",
            &["webhooks:read", "webhooks:write"],
        )
        .await;
    s.get(HOOKS, &recruiter_key).await.problem(403, "forbidden");
    s.delete(&path, &recruiter_key)
        .await
        .problem(403, "forbidden");

    let (_, reader) = s
        .mint_key(&a, "reader", "org_admin", &["webhooks:read"])
        .await;
    assert_eq!(s.get(HOOKS, &reader).await.ok(200)["total"], 1);
    let r = s
        .post(
            HOOKS,
            &reader,
            json!({"url": "http://127.0.0.1:9/k", "events": ["job.published"]}),
        )
        .await;
    assert!(
        r.problem(403, "insufficient_scope")["detail"]
            .as_str()
            .unwrap()
            .contains("webhooks:write")
    );
    let (_, writer) = s
        .mint_key(
            &a,
            "writer",
            "org_admin",
            &["webhooks:read", "webhooks:write"],
        )
        .await;
    let r = s
        .post(
            HOOKS,
            &writer,
            json!({"url": "http://127.0.0.1:9/k", "events": ["job.published"]}),
        )
        .await;
    assert!(r.ok(201)["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(s.get(HOOKS, &a.token).await.ok(200)["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn https_targets_are_reached_over_tls() {
    // A listener that records the first bytes of each connection and hangs up: a TLS
    // ClientHello starts with a handshake record (0x16, then version 3.x).
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_bytes = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let seen = first_bytes.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let mut buf = [0u8; 16];
            let n = conn.read(&mut buf).await.unwrap_or(0);
            seen.lock().unwrap().push(buf[..n].to_vec());
        }
    });
    let s = start(|_| {}).await;
    let m = s.register("admin@tls.example", "Tls").await;
    let (hook, _) = subscribe(
        &s,
        &m,
        &format!("https://127.0.0.1:{port}/hook"),
        &["job.published"],
    )
    .await;
    public_job(&s, &m, "Secure").await;
    eventually("the attempt is logged", || async {
        !deliveries(&s, &m, &hook).await.is_empty()
    })
    .await;
    let hello = first_bytes.lock().unwrap()[0].clone();
    assert!(
        hello.len() >= 2 && hello[0] == 0x16 && hello[1] == 0x03,
        "not a TLS handshake: {hello:?}"
    );
    let log = deliveries(&s, &m, &hook).await;
    assert_eq!(log[0]["outcome"], "retrying");
    assert_eq!(log[0]["status_code"], Value::Null);
    assert!(
        log[0]["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{:?}",
        log[0]
    );
    task.abort();
}

/// The real binary is killed (SIGKILL: no shutdown, no flush) while a delivery waits in the
/// queue; started again on the same data dir, it sends it.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_server_sends_its_queued_deliveries_after_restart() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (api_port, hook_port) = (free(), free());
    let base = format!("http://127.0.0.1:{api_port}");
    let spawn = |poll_millis: &str| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_hirebase"))
            .arg("serve")
            .env_clear()
            .env("HIREBASE_DATA_DIR", dir.path())
            .env("HIREBASE_LISTEN", format!("127.0.0.1:{api_port}"))
            .env("HIREBASE_WEBHOOKS__ALLOW_PRIVATE_TARGETS", "true")
            .env("HIREBASE_WEBHOOKS__POLL_MILLIS", poll_millis)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("hirebase starts")
    };
    let client = reqwest::Client::new();
    let ready = || async {
        eventually("the server is ready", || async {
            client
                .get(format!("{base}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200)
        })
        .await
    };

    // First life: nothing listens on the hook's port and the worker does not poll again.
    let mut first = spawn("60000");
    ready().await;
    let register = json!({"email": "kill@example.com", "password": PASSWORD, "org_name": "Killed"});
    assert_eq!(
        client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&register)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "kill@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();
    let hook =
        json!({"url": format!("http://127.0.0.1:{hook_port}/hook"), "events": ["job.published"]});
    let created: Value = client
        .post(format!("{base}{HOOKS}"))
        .bearer_auth(&token)
        .json(&hook)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();
    let job: Value = client
        .post(format!("{base}/api/v1/jobs"))
        .bearer_auth(&token)
        .json(&json!({"title": "Survives a kill", "is_public": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    first.kill().await.expect("SIGKILL");

    // Second life: the receiver is up, and the worker polls.
    let rx = Receiver::on(hook_port).await;
    let _second = spawn("100");
    ready().await;
    eventually(
        "the queued delivery arrives after the kill and restart",
        || async { rx.received("/hook").len() == 1 },
    )
    .await;
    let got = &rx.received("/hook")[0];
    assert_signed(&secret, got);
    assert_eq!(got.json()["type"], "job.published");
    assert_eq!(got.json()["data"]["job_id"], job["id"]);
}
