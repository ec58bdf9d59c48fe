//! The request-path benchmark of DESIGN.md §6, through HTTP, in one run:
//!
//! 1. hirebase in-process (`App::build` + `App::run` on 127.0.0.1:0, a temp data dir), with
//!    jobs, candidates and applications created through the API;
//! 2. authenticated `GET /api/v1/jobs/{id}` on 64 keep-alive connections: requests/s and
//!    latency;
//! 3. durable single-record writes: stage changes (`PATCH /api/v1/applications/{id}`) from 32
//!    clients, each answered only after its group commit: commits/s and latency;
//! 4. a login storm (`POST /api/v1/auth/login`, argon2id) beside a light, paced load of
//!    `GET /jobs/{id}`, whose p99 is compared with the same load measured alone just before;
//! 5. memory: the real binary (`hirebase serve`) on an empty data dir, RSS idle and after a
//!    short login storm;
//! 6. a summary table, also written to `target/bench-api.json`.
//!
//! The load generator shares the cores with the server. It runs on a runtime of its own
//! (threads named `bench-load`, so its CPU time is reported apart from the server's) and
//! speaks HTTP/1.1 itself over keep-alive connections: requests are prepared bytes, and a
//! response is read by its `Content-Length` with only its status parsed.
//!
//! CPU is reported per thread name: `tokio-rt-worker` is the server's runtime (its workers
//! and its blocking pool), `hirebase-writer` the redb group-commit thread, `hirebase-argon2`
//! the password pool, `bench-load` the load generator.
//!
//! Environment: `HIREBASE_BENCH_SECONDS` per measured phase (default 10),
//! `HIREBASE_BENCH_LOAD_THREADS` (threads of the load generator, default 1).

mod harness;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use harness::synth::Synth;
use poem_openapi::types::ToJSON;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::runtime::Handle;

use harness::load::{CpuUse, LOAD_THREAD, Load, drive, request, spread, stage_changers};
use harness::{Latency, PASSWORD, Running as Server, cpu_seconds, register, rss_mb, status_kb};

const DATA_SEED: u64 = 0x6170_6921;
const JOBS: usize = 200;
const READ_CONNECTIONS: usize = 64;
const WRITE_CLIENTS: usize = 32;
/// Each writer moves its own applications, so no two clients touch the same record.
const APPS_PER_WRITER: usize = 8;
/// Applications are spread over this many jobs (a job holds one per candidate).
const PIPELINE_JOBS: usize = 4;
const LOGIN_CLIENTS: usize = 8;
/// Storm logins are spread over this many accounts, as a real storm would be.
const LOGIN_USERS: usize = 8;
const BACKGROUND_CLIENTS: usize = 4;
/// Each background client sends one request per period: 4 × 250 = 1,000 requests/s.
const BACKGROUND_PERIOD: Duration = Duration::from_millis(4);

struct Settings {
    seconds: u64,
    warmup: u64,
    load_threads: usize,
}

fn settings() -> Settings {
    let num = harness::env_num;
    let seconds = num("HIREBASE_BENCH_SECONDS", 10).max(1);
    Settings {
        seconds,
        warmup: (seconds / 5).clamp(1, 3),
        load_threads: num("HIREBASE_BENCH_LOAD_THREADS", 1).max(1) as usize,
    }
}

// ---------------------------------------------------------------- measurement helpers
// ---------------------------------------------------------------- the server

async fn start_server() -> Server {
    harness::serve_with_account(tempfile::tempdir().expect("tempdir")).await
}

/// POSTs every body to `path` from `concurrency` clients at once; returns the new ids in order.
async fn create_all(
    server: &Server,
    path: &str,
    bodies: Vec<Value>,
    concurrency: usize,
) -> Vec<u64> {
    let bodies = Arc::new(bodies);
    let mut tasks = Vec::new();
    for first in 0..concurrency {
        let (bodies, url, token) = (
            bodies.clone(),
            format!("{}{path}", server.base),
            server.token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut ids = Vec::new();
            for i in (first..bodies.len()).step_by(concurrency) {
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&bodies[i])
                    .send()
                    .await
                    .expect("create");
                let status = r.status();
                let body: Value = r.json().await.expect("created body");
                assert_eq!(status, 201, "POST {url}: {body}");
                ids.push((i, body["id"].as_u64().expect("id")));
            }
            ids
        }));
    }
    let mut all = vec![0; bodies.len()];
    for task in tasks {
        for (i, id) in task.await.expect("create task") {
            all[i] = id;
        }
    }
    all
}

/// `GET /api/v1/jobs/{id}` over every job, one prepared request each.
fn job_reads(server: &Server, jobs: &[u64]) -> Arc<Vec<Vec<u8>>> {
    Arc::new(
        jobs.iter()
            .map(|id| {
                request(
                    "GET",
                    &format!("/api/v1/jobs/{id}"),
                    server.addr,
                    Some(&server.token),
                    None,
                )
            })
            .collect(),
    )
}

// ---------------------------------------------------------------- memory of the real binary

/// The spawned server, killed when dropped (also when the benchmark panics).
struct Spawned(std::process::Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Debug, Clone, Serialize)]
struct Memory {
    start_to_ready_ms: f64,
    idle_rss_mb: f64,
    storm: Latency,
    storm_server_cores: f64,
    after_storm_rss_mb: f64,
    after_storm_idle_rss_mb: f64,
    peak_rss_mb: f64,
}

/// `hirebase serve` on an empty data dir: RSS once ready and idle, then after a short login storm.
async fn memory(load_rt: &Handle, storm_seconds: u64) -> Memory {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let base = format!("http://{addr}");
    let started = Instant::now();
    let child = Spawned(
        std::process::Command::new(env!("CARGO_BIN_EXE_hirebase"))
            .arg("serve")
            .env_clear()
            .env("HIREBASE_DATA_DIR", dir.path())
            .env("HIREBASE_LISTEN", addr.to_string())
            .env("HIREBASE_LOG", "warn")
            .env("HIREBASE_RATE_LIMIT__ENABLED", "false")
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("hirebase starts"),
    );
    let pid = child.0.id().to_string();
    let http = reqwest::Client::new();
    loop {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "hirebase serve was not ready within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let start_to_ready = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = rss_mb(&pid);

    register(&http, &base, "storm@hirebase.test", "Storm").await;
    let body = json!({"email": "storm@hirebase.test", "password": PASSWORD}).to_string();
    let logins = Arc::new(vec![request(
        "POST",
        "/api/v1/auth/login",
        addr,
        None,
        Some(&body),
    )]);
    let cpu_before = (Instant::now(), cpu_seconds(&pid));
    let (storm, _) = drive(
        load_rt,
        addr,
        Load {
            name: "login (hirebase serve)",
            clients: spread(&logins, LOGIN_CLIENTS),
            expect: 200,
            pace: None,
        },
        Duration::from_secs(1),
        Duration::from_secs(storm_seconds),
    )
    .await;
    let storm_server_cores =
        (cpu_seconds(&pid) - cpu_before.1) / cpu_before.0.elapsed().as_secs_f64();
    let after_storm = rss_mb(&pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after_storm_idle = rss_mb(&pid);
    let peak = status_kb(&pid, "VmHWM:") as f64 / 1024.0;
    drop(child);
    Memory {
        start_to_ready_ms: start_to_ready.as_secs_f64() * 1e3,
        idle_rss_mb: idle,
        storm,
        storm_server_cores,
        after_storm_rss_mb: after_storm,
        after_storm_idle_rss_mb: after_storm_idle,
        peak_rss_mb: peak,
    }
}

// ---------------------------------------------------------------- the run

fn main() {
    // The server's runtime is built as `hirebase serve` builds it (one worker per core); the
    // load generator has its own, so it can be told apart in the CPU figures.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let s = settings();
    let load_rt = harness::load::runtime(s.load_threads);
    runtime.block_on(run(s, load_rt.handle().clone()));
}

fn print_phase(name: &str, l: &Latency, cpu: Option<&CpuUse>) {
    println!(
        "{name}: {:.0}/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.1} ms ({} requests, {} errors)",
        l.per_second, l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.requests, l.errors
    );
    if let Some(cpu) = cpu {
        println!("  CPU: {}", cpu.describe());
    }
}

/// The server's CPU time per request in microseconds: this process minus the load generator.
fn server_micros_per_request(l: &Latency, cpu: &CpuUse) -> f64 {
    (cpu.this_process - cpu.thread(LOAD_THREAD)) / l.per_second * 1e6
}

async fn run(s: Settings, load_rt: Handle) {
    let cores = std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(0);
    let warmup = Duration::from_secs(s.warmup);
    let measure = Duration::from_secs(s.seconds);
    let mut report = serde_json::Map::new();
    println!(
        "hirebase API benchmark: {} s per phase ({} s warm-up), {cores} cores, {} load-generator thread(s)",
        s.seconds, s.warmup, s.load_threads
    );

    // The data: jobs to read, and applications for every writer to move.
    let server = start_server().await;
    let setup = Instant::now();
    let mut synth = Synth::new(DATA_SEED);
    let jobs = (0..JOBS)
        .map(|_| synth.job().to_json().expect("job as JSON"))
        .collect();
    let jobs = create_all(&server, "/api/v1/jobs", jobs, 8).await;
    let candidates_needed = WRITE_CLIENTS * APPS_PER_WRITER / PIPELINE_JOBS;
    let candidates = (0..candidates_needed)
        .map(|_| synth.candidate().to_json().expect("candidate as JSON"))
        .collect();
    let candidates = create_all(&server, "/api/v1/candidates", candidates, 8).await;
    let pairs = jobs[..PIPELINE_JOBS]
        .iter()
        .flat_map(|job| {
            candidates
                .iter()
                .map(move |c| json!({"job_id": job, "candidate_id": c}))
        })
        .collect();
    let applications = create_all(&server, "/api/v1/applications", pairs, 8).await;
    let http = reqwest::Client::new();
    for i in 0..LOGIN_USERS {
        register(
            &http,
            &server.base,
            &format!("storm{i}@hirebase.test"),
            &format!("Storm {i}"),
        )
        .await;
    }
    let sample = http
        .get(format!("{}/api/v1/jobs/{}", server.base, jobs[0]))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("get job");
    assert_eq!(sample.status(), 200);
    let job_bytes = sample.bytes().await.expect("job body").len();
    println!(
        "setup: {JOBS} jobs, {} candidates, {} applications, {} more accounts in {:.1} s; a job answers {job_bytes} bytes of JSON",
        candidates.len(),
        applications.len(),
        LOGIN_USERS,
        setup.elapsed().as_secs_f64()
    );
    let reads = job_reads(&server, &jobs);

    // 1. Reads: GET /jobs/{id}, 64 connections, closed loop.
    let (read, read_cpu) = drive(
        &load_rt,
        server.addr,
        Load {
            name: "GET /jobs/{id}",
            clients: spread(&reads, READ_CONNECTIONS),
            expect: 200,
            pace: None,
        },
        warmup,
        measure,
    )
    .await;
    print_phase(
        &format!("GET /jobs/{{id}}, {READ_CONNECTIONS} connections"),
        &read,
        Some(&read_cpu),
    );
    println!(
        "  server CPU per request: {:.0} µs",
        server_micros_per_request(&read, &read_cpu)
    );
    report.insert(
        "get_job".into(),
        json!({"latency": read, "cpu_cores": read_cpu, "server_cpu_micros_per_request": server_micros_per_request(&read, &read_cpu), "response_bytes": job_bytes}),
    );

    // 2. Durable writes: each writer moves its own applications, every request a real stage
    // change (all of them to screening, then all to interview, and so on).
    let writers = stage_changers(&applications, APPS_PER_WRITER, server.addr, &server.token);
    assert_eq!(writers.len(), WRITE_CLIENTS);
    let (write, write_cpu) = drive(
        &load_rt,
        server.addr,
        Load {
            name: "PATCH /applications/{id}",
            clients: writers,
            expect: 200,
            pace: None,
        },
        warmup,
        measure,
    )
    .await;
    print_phase(
        &format!("stage changes (PATCH /applications/{{id}}), {WRITE_CLIENTS} clients"),
        &write,
        Some(&write_cpu),
    );
    println!(
        "  server CPU per commit: {:.0} µs",
        server_micros_per_request(&write, &write_cpu)
    );
    let history: Value = http
        .get(format!(
            "{}/api/v1/applications/{}/history",
            server.base, applications[0]
        ))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("history")
        .json()
        .await
        .expect("history body");
    let moves = history["items"].as_array().map_or(0, Vec::len);
    assert!(moves > 1, "the stage changes are recorded: {history}");
    report.insert(
        "stage_changes".into(),
        json!({"latency": write, "cpu_cores": write_cpu, "server_cpu_micros_per_commit": server_micros_per_request(&write, &write_cpu), "history_of_one_application": moves}),
    );

    // 3. Login storm: a light paced load alone, then the same load during the storm.
    let background = || Load {
        name: "background GET /jobs/{id}",
        clients: spread(&reads, BACKGROUND_CLIENTS),
        expect: 200,
        pace: Some(BACKGROUND_PERIOD),
    };
    let storm_warmup = Duration::from_secs(1);
    let (alone, alone_cpu) =
        drive(&load_rt, server.addr, background(), storm_warmup, measure).await;
    print_phase(
        &format!(
            "background load alone ({BACKGROUND_CLIENTS} clients, one request per {} ms each)",
            BACKGROUND_PERIOD.as_millis()
        ),
        &alone,
        Some(&alone_cpu),
    );
    let logins = Arc::new(
        (0..LOGIN_USERS)
            .map(|i| {
                let body =
                    json!({"email": format!("storm{i}@hirebase.test"), "password": PASSWORD})
                        .to_string();
                request("POST", "/api/v1/auth/login", server.addr, None, Some(&body))
            })
            .collect::<Vec<_>>(),
    );
    let ((during, _), (storm, storm_cpu)) = tokio::join!(
        drive(&load_rt, server.addr, background(), storm_warmup, measure),
        drive(
            &load_rt,
            server.addr,
            Load {
                name: "POST /auth/login",
                clients: spread(&logins, LOGIN_CLIENTS),
                expect: 200,
                pace: None,
            },
            storm_warmup,
            measure,
        ),
    );
    print_phase(
        &format!("login storm ({LOGIN_CLIENTS} clients)"),
        &storm,
        Some(&storm_cpu),
    );
    print_phase("background load during the storm", &during, None);
    let p99_ratio = during.p99_ms / alone.p99_ms;
    println!(
        "  background p99 during the storm / alone: {:.2} / {:.2} ms = {p99_ratio:.2}x",
        during.p99_ms, alone.p99_ms
    );
    report.insert(
        "login_storm".into(),
        json!({"logins": storm, "cpu_cores": storm_cpu, "background_alone": alone, "background_alone_cpu_cores": alone_cpu,
               "background_during": during, "background_p99_ratio": p99_ratio}),
    );
    server.shutdown().await;

    // 4. Memory of the real binary.
    let storm_seconds = s.seconds.clamp(1, 5);
    let mem = memory(&load_rt, storm_seconds).await;
    println!(
        "hirebase serve, empty data dir: ready in {:.0} ms, idle RSS {:.1} MB; after a {storm_seconds} s login storm ({:.0} logins/s, server {:.2} cores) RSS {:.1} MB, {:.1} MB 2 s later (peak {:.1} MB)",
        mem.start_to_ready_ms,
        mem.idle_rss_mb,
        mem.storm.per_second,
        mem.storm_server_cores,
        mem.after_storm_rss_mb,
        mem.after_storm_idle_rss_mb,
        mem.peak_rss_mb
    );
    report.insert(
        "memory".into(),
        serde_json::to_value(&mem).expect("memory as JSON"),
    );

    // The summary.
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    let rows = [
        (
            format!("GET /jobs/{{id}}, {READ_CONNECTIONS} conns (req/s)"),
            format!("{:.0}", read.per_second),
            ">= 15000",
            read.per_second >= 15_000.0,
        ),
        (
            "  p50 / p99 / max (ms)".into(),
            format!(
                "{:.2} / {:.2} / {:.1}",
                read.p50_ms, read.p99_ms, read.max_ms
            ),
            "p99 <= 10",
            read.p99_ms <= 10.0,
        ),
        (
            format!("stage changes, {WRITE_CLIENTS} clients (commits/s)"),
            format!("{:.0}", write.per_second),
            ">= 5000",
            write.per_second >= 5_000.0,
        ),
        (
            "  p50 / p99 / max (ms)".into(),
            format!(
                "{:.2} / {:.2} / {:.1}",
                write.p50_ms, write.p99_ms, write.max_ms
            ),
            "p99 <= 10",
            write.p99_ms <= 10.0,
        ),
        (
            format!("login storm, {LOGIN_CLIENTS} clients (logins/s)"),
            format!("{:.1}", storm.per_second),
            ">= 60",
            storm.per_second >= 60.0,
        ),
        (
            "  background p99 storm/alone (ms)".into(),
            format!(
                "{:.2} / {:.2} = {p99_ratio:.2}x",
                during.p99_ms, alone.p99_ms
            ),
            "< 2x",
            p99_ratio < 2.0,
        ),
        (
            "idle RSS, hirebase serve (MB)".into(),
            format!("{:.1}", mem.idle_rss_mb),
            "< 30",
            mem.idle_rss_mb < 30.0,
        ),
        (
            "  RSS after login storm / +2 s (MB)".into(),
            format!(
                "{:.1} / {:.1}",
                mem.after_storm_rss_mb, mem.after_storm_idle_rss_mb
            ),
            "< 30 idle",
            mem.after_storm_idle_rss_mb < 30.0,
        ),
    ];
    println!();
    println!(
        "== hirebase API benchmark: {} s per phase, {cores} cores ==",
        s.seconds
    );
    println!("{:<38} {:>24}  {:<10} verdict", "", "measured", "target");
    for (name, measured, target, ok) in &rows {
        println!("{name:<38} {measured:>24}  {target:<10} {}", verdict(*ok));
    }
    println!("CPU in cores (this process = server + load generator):");
    for (name, cpu) in [
        ("  GET /jobs/{id}", &read_cpu),
        ("  stage changes", &write_cpu),
        ("  login storm", &storm_cpu),
    ] {
        println!("{name:<18} {}", cpu.describe());
    }
    report.insert(
        "targets".into(),
        rows.iter()
            .map(|(name, measured, target, ok)| {
                json!({"what": name.trim(), "measured": measured, "target": target, "met": ok})
            })
            .collect(),
    );
    report.insert(
        "settings".into(),
        json!({"seconds": s.seconds, "warmup_seconds": s.warmup, "load_threads": s.load_threads, "cpus": cores,
               "read_connections": READ_CONNECTIONS, "write_clients": WRITE_CLIENTS, "login_clients": LOGIN_CLIENTS,
               "background_clients": BACKGROUND_CLIENTS, "background_period_ms": BACKGROUND_PERIOD.as_millis() as u64}),
    );
    std::fs::create_dir_all("target").ok();
    let out = Path::new("target").join("bench-api.json");
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&Value::Object(report)).unwrap(),
    )
    .expect("write the report");
    println!(
        "report written to {}",
        std::fs::canonicalize(&out).unwrap_or(out).display()
    );
}
