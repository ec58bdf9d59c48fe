//! The mail queue's throughput (issue 11), on one in-process app.
//!
//! 1. Setup: the bench account's tenant gets jobs and candidates with an email
//!    (`POST /candidates/import`), and one interview per candidate without a mail, so every
//!    (candidate, job) pair already has its application at the interview stage.
//! 2. Enqueue: the app's own mail worker is stopped, so the queue only grows. `POST /interviews`
//!    by concurrent keep-alive clients, a fixed count per phase: with `notify_candidate: false`
//!    (the baseline: the same write, no mail) and `true` (the invitation, `.ics` attached, queued
//!    in the same transaction); then `POST /auth/invite` (an invite mail each). Every mailing
//!    request must add exactly one mail to the queue.
//! 3. Drain: a mail worker (the app's code, `MailWorker::start` on the app's store) delivers
//!    the backlog to an SMTP sink (the test harness's, `tests/it/common/smtp.rs`), then — after
//!    a second enqueue round of the same size — to the outbox (no `smtp_url`). Timed until the
//!    queue is empty, its depth sampled on the way.
//! 4. Both at once: a third with-mail phase while a worker delivers to the SMTP sink beside
//!    it; the queue's depth is sampled throughout.
//!
//! The clients share the process and the cores with the server. The summary is printed and
//! written to `target/bench-mail.json`.
//!
//! Environment: `HIREBASE_BENCH_MAILS` (requests per enqueue phase, default 5000),
//! `HIREBASE_BENCH_INVITES` (invites per round, default 1000), `HIREBASE_BENCH_CLIENTS`
//! (default 8), `HIREBASE_BENCH_CANDIDATES` (default 1000), `HIREBASE_BENCH_JOBS` (default 20).

mod harness;
// The tests' SMTP sink, shared rather than copied; the bench uses only part of it.
#[allow(dead_code)]
#[path = "../tests/it/common/smtp.rs"]
mod smtp;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hirebase::config::MailConfig;
use hirebase::domain::mail::{self, MailStatus};
use hirebase::store::tables::{CANDIDATES, STATUS_MAILS};
use hirebase::store::{Reader, Store};
use hirebase::workers::mail::MailWorker;
use serde::Serialize;
use serde_json::{Value, json};

use harness::load::{Conn, request};
use harness::{Latency, Running as Server, latency_all};
use smtp::SmtpSink;

/// How often the queue's depth is read while a worker drains it.
const SAMPLE: Duration = Duration::from_millis(100);

struct Settings {
    mails: usize,
    invites: usize,
    clients: usize,
    candidates: usize,
    jobs: usize,
}

fn settings() -> Settings {
    let num = harness::env_num;
    Settings {
        mails: num("HIREBASE_BENCH_MAILS", 5_000).max(100) as usize,
        invites: num("HIREBASE_BENCH_INVITES", 1_000) as usize,
        clients: num("HIREBASE_BENCH_CLIENTS", 8).max(1) as usize,
        candidates: num("HIREBASE_BENCH_CANDIDATES", 1_000).max(10) as usize,
        jobs: num("HIREBASE_BENCH_JOBS", 20).max(1) as usize,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run(settings()));
}

/// One enqueue phase: how fast its requests were answered, and what they queued.
#[derive(Debug, Clone, Serialize)]
struct Phase {
    phase: String,
    requests: usize,
    mails_queued: u64,
    latency: Latency,
}

/// One drain: a backlog delivered by a worker, with the queue's depth on the way.
#[derive(Debug, Clone, Serialize)]
struct Drain {
    to: &'static str,
    mails: u64,
    seconds: f64,
    mails_per_second: f64,
    /// (seconds since the worker started, mails still queued).
    depth: Vec<(f64, u64)>,
    smtp_connections: Option<usize>,
}

fn depth(store: &Store) -> u64 {
    mail::queue_depth(store).expect("queue depth")
}

fn with_status(store: &Store, status: MailStatus) -> u64 {
    store
        .read()
        .expect("read")
        .filed_count(
            &STATUS_MAILS,
            hirebase::store::tables::INSTANCE,
            status as u64,
        )
        .expect("filed count")
}

/// Sends every request once from `clients` keep-alive connections, in any order; each must
/// answer `expect`.
async fn send_all(server: &Server, requests: Vec<Vec<u8>>, clients: usize, expect: u16) -> Latency {
    let n = requests.len();
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients.min(n) {
        let (requests, next, addr) = (requests.clone(), next.clone(), server.addr);
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await.expect("connect");
            let mut micros = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(r) = requests.get(i) else { break };
                let t = Instant::now();
                let status = conn.call(r).await.expect("request");
                assert_eq!(status, expect, "{}", conn.last_response());
                micros.push(t.elapsed().as_micros() as u64);
            }
            micros
        }));
    }
    let mut micros = Vec::with_capacity(n);
    for t in tasks {
        micros.extend(t.await.expect("client"));
    }
    latency_all(micros, 0, started.elapsed())
}

/// The interviews to schedule: one per candidate in turn, each with its candidate's job.
struct Schedule {
    pairs: Vec<(u64, u64)>,
    /// How many interviews were asked for so far (each gets its own slot).
    made: usize,
}

impl Schedule {
    fn requests(&mut self, server: &Server, count: usize, notify: bool) -> Vec<Vec<u8>> {
        let start = chrono::Utc::now().timestamp() / 86_400 * 86_400 + 7 * 86_400;
        (0..count)
            .map(|_| {
                let k = self.made;
                self.made += 1;
                let (candidate, job) = self.pairs[k % self.pairs.len()];
                let at = chrono::DateTime::from_timestamp(start + (k as i64 % 4_000) * 900, 0)
                    .expect("a time")
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let body = json!({
                    "candidate_id": candidate,
                    "job_id": job,
                    "scheduled_at": at,
                    "duration_min": 45,
                    "kind": "video",
                    "location_or_url": format!("https://meet.example.test/r/{k}"),
                    "notify_candidate": notify,
                });
                request(
                    "POST",
                    "/api/v1/interviews",
                    server.addr,
                    Some(&server.token),
                    Some(&body.to_string()),
                )
            })
            .collect()
    }
}

async fn interviews(
    server: &Server,
    schedule: &mut Schedule,
    s: &Settings,
    notify: bool,
    name: &str,
) -> Phase {
    let requests = schedule.requests(server, s.mails, notify);
    let before = depth(&server.app_state.store);
    let latency = send_all(server, requests, s.clients, 201).await;
    let queued = depth(&server.app_state.store) - before;
    let phase = Phase {
        phase: name.into(),
        requests: s.mails,
        mails_queued: queued,
        latency,
    };
    show(&phase);
    phase
}

async fn invites(server: &Server, s: &Settings, round: usize) -> Option<Phase> {
    if s.invites == 0 {
        return None;
    }
    let requests = (0..s.invites)
        .map(|i| {
            let body =
                json!({"email": format!("invitee{round}-{i}@bench.test"), "role": "recruiter"});
            request(
                "POST",
                "/api/v1/auth/invite",
                server.addr,
                Some(&server.token),
                Some(&body.to_string()),
            )
        })
        .collect();
    let before = depth(&server.app_state.store);
    let latency = send_all(server, requests, s.clients, 201).await;
    let queued = depth(&server.app_state.store) - before;
    assert_eq!(queued, s.invites as u64, "every invite queues its mail");
    let phase = Phase {
        phase: format!("round {round}: POST /auth/invite"),
        requests: s.invites,
        mails_queued: queued,
        latency,
    };
    show(&phase);
    Some(phase)
}

fn show(p: &Phase) {
    println!(
        "  {:<52} {:>6} requests, {:>6.0}/s, p50 {:>5.2} / p99 {:>6.2} ms, {:>6} mails queued",
        p.phase,
        p.requests,
        p.latency.per_second,
        p.latency.p50_ms,
        p.latency.p99_ms,
        p.mails_queued
    );
}

/// Samples the queue's depth until it is empty (or `stop` is set and it is empty).
async fn watch_depth(
    store: &Store,
    started: Instant,
    until_empty: bool,
    stop: &AtomicBool,
) -> Vec<(f64, u64)> {
    let mut samples = Vec::new();
    loop {
        let d = depth(store);
        samples.push((started.elapsed().as_secs_f64(), d));
        if d == 0 && (until_empty || stop.load(Ordering::Relaxed)) {
            return samples;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the queue did not drain in 10 minutes: {d} left"
        );
        tokio::time::sleep(SAMPLE).await;
    }
}

async fn drain(server: &Server, to: &'static str, sink: Option<&SmtpSink>) -> Drain {
    let store = &server.app_state.store;
    let backlog = depth(store);
    let delivered_before =
        with_status(store, MailStatus::Sent) + with_status(store, MailStatus::Outbox);
    let received_before = sink.map_or(0, |k| k.received.lock().unwrap().len());
    let sessions_before = sink.map_or(0, |k| k.sessions.load(Ordering::Relaxed));
    let config = MailConfig {
        smtp_url: sink.map_or(String::new(), SmtpSink::url),
        from: "jobs@hirebase.test".into(),
    };
    let started = Instant::now();
    let worker = MailWorker::start(store.clone(), &config).expect("mail worker");
    let depth_samples = watch_depth(store, started, true, &AtomicBool::new(true)).await;
    let seconds = started.elapsed().as_secs_f64();
    worker.stop().await;
    let delivered = with_status(store, MailStatus::Sent) + with_status(store, MailStatus::Outbox)
        - delivered_before;
    assert_eq!(delivered, backlog, "every queued mail was delivered");
    assert_eq!(with_status(store, MailStatus::Failed), 0, "no mail failed");
    if let Some(sink) = sink {
        let received = sink.received.lock().unwrap().len() - received_before;
        assert_eq!(received as u64, backlog, "the SMTP server got every mail");
    }
    let d = Drain {
        to,
        mails: backlog,
        seconds,
        mails_per_second: backlog as f64 / seconds,
        depth: thin(depth_samples, 10),
        smtp_connections: sink.map(|k| k.sessions.load(Ordering::Relaxed) - sessions_before),
    };
    println!(
        "  drain to {:<8} {:>6} mails in {:>6.2} s: {:>7.0} mails/s{}",
        d.to,
        d.mails,
        d.seconds,
        d.mails_per_second,
        d.smtp_connections
            .map_or(String::new(), |c| format!(" over {c} SMTP connection(s)"))
    );
    println!("    depth: {}", describe(&d.depth));
    d
}

/// About `n` of the samples, evenly spaced, with the last one kept.
fn thin(samples: Vec<(f64, u64)>, n: usize) -> Vec<(f64, u64)> {
    let step = samples.len().div_ceil(n).max(1);
    let last = samples.last().copied();
    let mut out: Vec<_> = samples.into_iter().step_by(step).collect();
    if out.last().copied() != last
        && let Some(last) = last
    {
        out.push(last);
    }
    out
}

fn describe(depth: &[(f64, u64)]) -> String {
    depth
        .iter()
        .map(|(t, d)| format!("{t:.1}s {d}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn setup(server: &Server, s: &Settings) -> Vec<(u64, u64)> {
    let http = reqwest::Client::new();
    let mut jobs = Vec::new();
    for i in 0..s.jobs {
        let r = http
            .post(format!("{}/api/v1/jobs", server.base))
            .bearer_auth(&server.token)
            .json(&json!({"title": format!("Engineer {i}"), "status": "open"}))
            .send()
            .await
            .expect("create a job");
        assert_eq!(r.status(), 201);
        jobs.push(
            r.json::<Value>().await.expect("job")["id"]
                .as_u64()
                .expect("id"),
        );
    }
    let mut k = 0;
    harness::import_candidates(server, s.candidates, move || {
        k += 1;
        json!({"full_name": format!("Candidate {k}"), "email": format!("cand{k}@bench.test")})
    })
    .await;
    let candidates: Vec<u64> = {
        let rx = server.app_state.store.read().expect("read");
        rx.list(&CANDIDATES, server.org_id, 0, usize::MAX)
            .expect("candidates")
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(candidates.len(), s.candidates);
    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, jobs[i % jobs.len()]))
        .collect()
}

async fn run(s: Settings) {
    let server = harness::serve_with_account(tempfile::tempdir().expect("tempdir")).await;
    let store = server.app_state.store.clone();
    // The registration's verification mail is delivered, then the app's worker stops: from
    // here on only the bench's workers deliver, when it says so.
    server.app_state.mail.poke();
    while depth(&store) > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.app_state.mail.stop().await;

    println!(
        "mail queue: {} candidates, {} jobs, {} clients, {} interviews per phase, {} invites per round",
        s.candidates, s.jobs, s.clients, s.mails, s.invites
    );
    let pairs = setup(&server, &s).await;
    let mut schedule = Schedule {
        pairs: pairs.clone(),
        made: 0,
    };
    // Every pair's application reaches the interview stage before anything is measured.
    let warm = schedule.requests(&server, pairs.len(), false);
    send_all(&server, warm, s.clients, 201).await;
    assert_eq!(depth(&store), 0, "interviews without notice queue nothing");

    let sink = SmtpSink::start().await;
    let mut phases = Vec::new();
    let mut drains = Vec::new();
    for (round, to) in [(1, "SMTP"), (2, "outbox")] {
        let without = interviews(
            &server,
            &mut schedule,
            &s,
            false,
            &format!("round {round}: POST /interviews, no mail (baseline)"),
        )
        .await;
        assert_eq!(without.mails_queued, 0);
        let with = interviews(
            &server,
            &mut schedule,
            &s,
            true,
            &format!("round {round}: POST /interviews, invitation queued"),
        )
        .await;
        assert_eq!(
            with.mails_queued, s.mails as u64,
            "every interview queues its invitation"
        );
        phases.push(without);
        phases.push(with);
        phases.extend(invites(&server, &s, round).await);
        let sink = (to == "SMTP").then_some(&sink);
        drains.push(drain(&server, to, sink).await);
    }

    // Both at once: interviews queueing invitations while a worker sends them.
    let config = MailConfig {
        smtp_url: sink.url(),
        from: "jobs@hirebase.test".into(),
    };
    let started = Instant::now();
    let worker = MailWorker::start(store.clone(), &config).expect("mail worker");
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (store, done) = (store.clone(), done.clone());
        tokio::spawn(async move { watch_depth(&store, started, false, &done).await })
    };
    let beside = interviews(
        &server,
        &mut schedule,
        &s,
        true,
        "round 3: POST /interviews, invitation, SMTP worker on",
    )
    .await;
    let enqueued_for = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let samples = watcher.await.expect("depth watcher");
    let drained_after = started.elapsed().as_secs_f64();
    worker.stop().await;
    let peak = samples.iter().map(|(_, d)| *d).max().unwrap_or(0);
    println!(
        "    all queued after {enqueued_for:.2} s, all sent after {drained_after:.2} s; queue depth at most {peak}: {}",
        describe(&thin(samples.clone(), 12))
    );

    // Each round's with-mail phase against the baseline just before it, so drift between
    // rounds (other work on the machine) does not enter the ratio.
    let per_second = |which: &str| -> Vec<f64> {
        phases
            .iter()
            .filter(|p| p.phase.contains(which))
            .map(|p| p.latency.per_second)
            .collect()
    };
    let (baseline, mailing) = (per_second("no mail"), per_second("invitation queued"));
    let ratios: Vec<f64> = mailing.iter().zip(&baseline).map(|(m, b)| m / b).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "\nsummary: POST /interviews {:.0}/s without a mail, {:.0}/s queueing one: {:.2}× the baseline (rounds {}); drain to SMTP {:.0} mails/s, to the outbox {:.0} mails/s; with the SMTP worker beside, {:.0} interviews/s",
        mean(&baseline),
        mean(&mailing),
        mean(&ratios),
        ratios
            .iter()
            .map(|r| format!("{r:.2}×"))
            .collect::<Vec<_>>()
            .join(", "),
        drains[0].mails_per_second,
        drains[1].mails_per_second,
        beside.latency.per_second,
    );

    let report = json!({
        "settings": {"mails": s.mails, "invites": s.invites, "clients": s.clients, "candidates": s.candidates, "jobs": s.jobs},
        "enqueue": phases,
        "drain": drains,
        "beside": {"phase": beside, "all_queued_s": enqueued_for, "all_sent_s": drained_after, "peak_depth": peak, "depth": thin(samples, 20)},
        "ratio_enqueue_to_baseline": ratios,
    });
    std::fs::create_dir_all("target").ok();
    let out = Path::new("target").join("bench-mail.json");
    std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap()).expect("write the report");
    println!("written to {}", out.display());
    let _ = server.shutdown().await;
}
