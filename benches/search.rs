//! The search benchmark of DESIGN.md §6, in one process and one run:
//!
//! 1. hirebase in-process (`App::build` + `App::run` on 127.0.0.1:0, a temp data dir);
//! 2. bulk import of N synthetic candidates through `POST /api/v1/candidates/import`
//!    (500-row calls, several concurrent clients), timed end to end;
//! 3. full-text search latency through HTTP: 8 clients looping over 2–3 word queries (the
//!    load generator of `harness::load`, on a thread of its own whose CPU is reported apart);
//! 4. the same data and workload on PostgreSQL full-text search (tsvector + GIN, ranked,
//!    with the total count), as the baseline;
//! 5. a summary table, also written to `target/bench-search.json`.
//!
//! Environment: `HIREBASE_BENCH_CANDIDATES` (default 1000000), `HIREBASE_BENCH_SECONDS` per
//! search phase (default 30), `HIREBASE_BENCH_IMPORT_CLIENTS` (skip the concurrency probe and
//! use this many), `HIREBASE_BENCH_PG` (a tokio-postgres connection string; required unless
//! `HIREBASE_BENCH_SKIP_PG=1`), `HIREBASE_BENCH_REUSE=DIR` (import into DIR once and search
//! it again on later runs: for profiling, not for reported numbers). `scripts/bench` sets all
//! of it up.

mod harness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use harness::synth::{self, SearchQuery, Synth};
use hirebase::domain::candidates::NewCandidate;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::runtime::Handle;
use tokio::sync::mpsc;

use harness::load::{Conn, CpuUse, LOAD_THREAD, Load, drive, request, spread};
use harness::{
    DataDir, Latency, Running as Server, cpu_seconds, latency_all, machine_busy_seconds, status_kb,
};

const DATA_SEED: u64 = 0x6869_7265;
const QUERY_SEED: u64 = 0x7365_6172;
const BATCH: usize = 500;
const SEARCH_CLIENTS: usize = 8;
const QUERY_POOL: usize = 20_000;

struct Settings {
    candidates: usize,
    seconds: u64,
    warmup: u64,
    import_clients: Option<usize>,
    pg: Option<String>,
    reuse: Option<PathBuf>,
}

fn settings() -> Settings {
    let num = harness::env_num;
    let seconds = num("HIREBASE_BENCH_SECONDS", 30).max(1);
    let pg = std::env::var("HIREBASE_BENCH_PG")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let skip_pg = std::env::var("HIREBASE_BENCH_SKIP_PG").is_ok_and(|v| v == "1");
    if pg.is_none() && !skip_pg {
        eprintln!(
            "error: HIREBASE_BENCH_PG is not set. The benchmark compares against PostgreSQL and needs a \
             connection string (run scripts/bench, which starts a throwaway cluster), or set \
             HIREBASE_BENCH_SKIP_PG=1 to run without the baseline."
        );
        std::process::exit(2);
    }
    Settings {
        candidates: num("HIREBASE_BENCH_CANDIDATES", 1_000_000).max(BATCH as u64) as usize,
        seconds,
        warmup: (seconds / 6).clamp(1, 5),
        import_clients: std::env::var("HIREBASE_BENCH_IMPORT_CLIENTS")
            .ok()
            .map(|v| v.parse().expect("HIREBASE_BENCH_IMPORT_CLIENTS")),
        pg: if skip_pg { None } else { pg },
        reuse: std::env::var_os("HIREBASE_BENCH_REUSE").map(PathBuf::from),
    }
}

// ---------------------------------------------------------------- measurement helpers

/// Bytes on disk under `dir` (allocated blocks, so sparse files count what they use).
fn disk_usage(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() {
            total += disk_usage(&entry.path());
        } else {
            total += meta.blocks() * 512;
        }
    }
    total
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

// ---------------------------------------------------------------- the server

// ---------------------------------------------------------------- import

#[derive(Serialize)]
struct Row<'a> {
    full_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    experience_years: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_company: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linkedin_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    github_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    skills: &'a [String],
    tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

impl<'a> Row<'a> {
    fn of(c: &'a NewCandidate) -> Row<'a> {
        Row {
            full_name: &c.full_name,
            email: c.email.as_deref(),
            phone: c.phone.as_deref(),
            headline: c.headline.as_deref(),
            location: c.location.as_deref(),
            experience_years: c.experience_years,
            current_title: c.current_title.as_deref(),
            current_company: c.current_company.as_deref(),
            linkedin_url: c.linkedin_url.as_deref(),
            github_url: c.github_url.as_deref(),
            website_url: c.website_url.as_deref(),
            notes: c.notes.as_deref(),
            skills: c.skills.as_deref().unwrap_or(&[]),
            tags: c.tags.as_deref().unwrap_or(&[]),
            source: c.source.as_deref(),
        }
    }
}

fn import_body(batch: &[NewCandidate]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Body<'a> {
        rows: Vec<Row<'a>>,
    }
    serde_json::to_vec(&Body {
        rows: batch.iter().map(Row::of).collect(),
    })
    .expect("serializes")
}

/// Generates `count` candidates (seeded) on a thread of its own, as 500-row request bodies,
/// a few batches ahead of the clients. Returns the receiver and a handle reporting the
/// generator's busy time.
fn body_stream(
    seed: u64,
    counter_start: u64,
    count: usize,
) -> (
    mpsc::Receiver<(usize, Vec<u8>)>,
    std::thread::JoinHandle<Duration>,
) {
    let (tx, rx) = mpsc::channel(8);
    let handle = std::thread::spawn(move || {
        let mut synth = Synth::new(seed).with_counter(counter_start);
        let mut busy = Duration::ZERO;
        let mut left = count;
        while left > 0 {
            let started = Instant::now();
            let n = left.min(BATCH);
            let batch: Vec<NewCandidate> = (0..n).map(|_| synth.candidate()).collect();
            let body = import_body(&batch);
            busy += started.elapsed();
            left -= n;
            if tx.blocking_send((n, body)).is_err() {
                break;
            }
        }
        busy
    });
    (rx, handle)
}

#[derive(Debug, Clone, Serialize)]
struct ImportRun {
    candidates: usize,
    clients: usize,
    seconds: f64,
    per_second: f64,
    call_p50_ms: f64,
    call_p99_ms: f64,
    call_max_ms: f64,
    generator_busy_seconds: f64,
    process_cpu_seconds: f64,
}

async fn import(
    server: &Server,
    seed: u64,
    counter_start: u64,
    count: usize,
    clients: usize,
) -> ImportRun {
    let (rx, generator) = body_stream(seed, counter_start, count);
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let cpu_before = cpu_seconds("self");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let rx = rx.clone();
        let url = format!("{}/api/v1/candidates/import", server.base);
        let token = server.token.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut calls = Vec::new();
            let mut created = 0usize;
            loop {
                let Some((n, body)) = rx.lock().await.recv().await else {
                    break;
                };
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("import call");
                let status = r.status();
                let report: Value = r.json().await.expect("import report");
                calls.push(t.elapsed().as_micros() as u64);
                assert_eq!(status, 200, "import failed: {report}");
                assert_eq!(
                    report["created"].as_u64(),
                    Some(n as u64),
                    "not every row was created: {report}"
                );
                created += n;
            }
            (calls, created)
        }));
    }
    let mut calls = Vec::new();
    let mut created = 0;
    for t in tasks {
        let (c, n) = t.await.expect("import client");
        calls.extend(c);
        created += n;
    }
    let elapsed = started.elapsed();
    let busy = generator.join().expect("generator");
    assert_eq!(created, count);
    let calls = latency_all(calls, 0, elapsed);
    ImportRun {
        candidates: count,
        clients,
        seconds: elapsed.as_secs_f64(),
        per_second: count as f64 / elapsed.as_secs_f64(),
        call_p50_ms: calls.p50_ms,
        call_p99_ms: calls.p99_ms,
        call_max_ms: calls.max_ms,
        generator_busy_seconds: busy.as_secs_f64(),
        process_cpu_seconds: cpu_seconds("self") - cpu_before,
    }
}

// ---------------------------------------------------------------- search through HTTP

/// `GET /api/v1/candidates?q=…&limit=20` for each query, as prepared requests.
fn search_requests(server: &Server, queries: &[SearchQuery]) -> Arc<Vec<Vec<u8>>> {
    Arc::new(
        queries
            .iter()
            .map(|q| {
                let text: String =
                    url::form_urlencoded::byte_serialize(q.text.as_bytes()).collect();
                request(
                    "GET",
                    &format!("/api/v1/candidates?q={text}&limit=20"),
                    server.addr,
                    Some(&server.token),
                    None,
                )
            })
            .collect(),
    )
}

/// The `total` of the first `count` searches, one at a time and unmeasured: their median
/// shows that the exact total is computed.
async fn search_totals(server: &Server, requests: &[Vec<u8>], count: usize) -> Vec<u64> {
    let mut conn = Conn::open(server.addr).await.expect("connect");
    let mut totals = Vec::with_capacity(count);
    for r in requests.iter().take(count) {
        let status = conn.call(r).await.expect("search");
        assert_eq!(status, 200, "search: {}", conn.last_response());
        let v: Value = serde_json::from_slice(conn.body()).expect("search body");
        totals.push(v["total"].as_u64().expect("total"));
    }
    totals
}

/// `SEARCH_CLIENTS` closed loops over the searches for `warmup`, then `measure` measured.
async fn hirebase_search(
    load_rt: &Handle,
    server: &Server,
    requests: &Arc<Vec<Vec<u8>>>,
    warmup: Duration,
    measure: Duration,
) -> (Latency, CpuUse) {
    let load = Load {
        name: "search",
        clients: spread(requests, SEARCH_CLIENTS),
        expect: 200,
        pace: None,
    };
    drive(load_rt, server.addr, load, warmup, measure).await
}

/// The search engine alone (no HTTP, no JSON, no record reads), one query at a time: where
/// the time of a request goes. Also the mean time of each kind of query (plain, with a typo,
/// unfinished), in milliseconds.
fn engine_only(
    server: &Server,
    queries: &[SearchQuery],
    seconds: f64,
    with_records: bool,
) -> (Latency, BTreeMap<&'static str, f64>) {
    use hirebase::domain::candidates::{self, CandidateFilter};
    use hirebase::search::{Kind, Query};
    let state = &server.app_state;
    let tenant = server.org_id;
    let who = hirebase::auth::Identity {
        tenant_id: tenant,
        role: hirebase::auth::Role::OrgAdmin,
        principal: hirebase::auth::Principal::User {
            user_id: 0,
            session_id: 0,
        },
        scopes: None,
        actor: "bench".into(),
        ip: None,
        agency_id: None,
    };
    let mut micros = Vec::new();
    let mut kinds = BTreeMap::<&'static str, (u64, u64)>::new();
    let started = Instant::now();
    let mut i = 0;
    while started.elapsed().as_secs_f64() < seconds && i < 1_000_000 {
        let q = &queries[i % queries.len()];
        i += 1;
        let t = Instant::now();
        if with_records {
            let f = CandidateFilter {
                q: Some(q.text.clone()),
                ..CandidateFilter::default()
            };
            candidates::list(&state.store, &state.indexer.search, &who, &f, 0, 20).expect("list");
        } else {
            let mut query = Query::new(Kind::Candidate, Some(tenant));
            query.text = Some(q.text.clone());
            query.limit = 20;
            state.indexer.search.query(&query).expect("query");
        }
        let took = t.elapsed().as_micros() as u64;
        micros.push(took);
        let kind = match (q.typo, q.unfinished) {
            (true, _) => "typo",
            (_, true) => "unfinished",
            _ => "plain",
        };
        let entry = kinds.entry(kind).or_default();
        entry.0 += 1;
        entry.1 += took;
    }
    let means = kinds
        .into_iter()
        .map(|(kind, (n, total))| (kind, total as f64 / n as f64 / 1e3))
        .collect();
    (latency_all(micros, 0, started.elapsed()), means)
}

// ---------------------------------------------------------------- PostgreSQL

const PG_SCHEMA: &str = "
DROP TABLE IF EXISTS bench_candidates;
CREATE TABLE bench_candidates (
    id bigint PRIMARY KEY,
    full_name text NOT NULL,
    email text,
    phone text,
    headline text,
    location text,
    experience_years int,
    current_title text,
    current_company text,
    skills text[] NOT NULL,
    skills_text text NOT NULL,
    tags text[] NOT NULL,
    source text,
    notes text,
    doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', full_name), 'A') ||
        setweight(to_tsvector('english', coalesce(current_title, '') || ' ' || skills_text), 'B') ||
        setweight(to_tsvector('english', coalesce(headline, '') || ' ' || coalesce(current_company, '') || ' ' || coalesce(location, '')), 'C') ||
        setweight(to_tsvector('english', coalesce(notes, '')), 'D')
    ) STORED
);";

const PG_QUERY: &str = "SELECT id, ts_rank(doc, q) AS r, count(*) OVER () AS total \
     FROM bench_candidates, plainto_tsquery('english', $1) q \
     WHERE doc @@ q ORDER BY r DESC LIMIT 20";

async fn pg_connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL ({url}): {e}"));
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("postgres connection: {e}");
        }
    });
    client
}

#[derive(Debug, Clone, Serialize)]
struct PgLoad {
    copy_seconds: f64,
    index_seconds: f64,
    analyze_seconds: f64,
    rows_per_second_copy: f64,
    table_mb: f64,
    index_mb: f64,
    server_version: String,
    settings: BTreeMap<String, String>,
}

/// Loads the same candidates (same seed) with two COPY streams, then builds the GIN index.
async fn pg_load(url: &str, count: usize) -> PgLoad {
    use tokio_postgres::binary_copy::BinaryCopyInWriter;
    use tokio_postgres::types::Type;

    let admin = pg_connect(url).await;
    admin.batch_execute(PG_SCHEMA).await.expect("create table");
    let streams = 2;
    let mut senders = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..streams {
        let (tx, mut rx) = mpsc::channel::<Vec<(i64, NewCandidate)>>(4);
        senders.push(tx);
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let client = pg_connect(&url).await;
            let sink = client
                .copy_in(
                    "COPY bench_candidates (id, full_name, email, phone, headline, location, experience_years, \
                     current_title, current_company, skills, skills_text, tags, source, notes) FROM STDIN BINARY",
                )
                .await
                .expect("copy in");
            let types = [
                Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::INT4,
                Type::TEXT, Type::TEXT, Type::TEXT_ARRAY, Type::TEXT, Type::TEXT_ARRAY, Type::TEXT, Type::TEXT,
            ];
            let writer = BinaryCopyInWriter::new(sink, &types);
            tokio::pin!(writer);
            while let Some(batch) = rx.recv().await {
                for (id, c) in batch {
                    let skills = c.skills.unwrap_or_default();
                    let skills_text = skills.join(" ");
                    let tags = c.tags.unwrap_or_default();
                    let years = c.experience_years.map(|y| y as i32);
                    writer
                        .as_mut()
                        .write(&[
                            &id, &c.full_name, &c.email, &c.phone, &c.headline, &c.location, &years,
                            &c.current_title, &c.current_company, &skills, &skills_text, &tags, &c.source, &c.notes,
                        ])
                        .await
                        .expect("copy row");
                }
            }
            writer.finish().await.expect("copy finish")
        }));
    }
    let started = Instant::now();
    let generator = std::thread::spawn(move || {
        let mut synth = Synth::new(DATA_SEED);
        let mut id = 0i64;
        let mut left = count;
        let mut turn = 0;
        while left > 0 {
            let n = left.min(BATCH);
            let batch: Vec<(i64, NewCandidate)> = (0..n)
                .map(|_| {
                    id += 1;
                    (id, synth.candidate())
                })
                .collect();
            left -= n;
            if senders[turn % senders.len()].blocking_send(batch).is_err() {
                break;
            }
            turn += 1;
        }
    });
    let mut copied = 0;
    for t in tasks {
        copied += t.await.expect("copy task");
    }
    generator.join().expect("generator");
    assert_eq!(copied as usize, count);
    let copy_seconds = started.elapsed().as_secs_f64();
    println!("  postgres: copied {count} rows in {copy_seconds:.1} s");

    let started = Instant::now();
    admin
        .batch_execute("CREATE INDEX bench_candidates_doc ON bench_candidates USING gin (doc)")
        .await
        .expect("gin index");
    let index_seconds = started.elapsed().as_secs_f64();
    println!("  postgres: GIN index built in {index_seconds:.1} s");
    let started = Instant::now();
    admin
        .batch_execute("VACUUM ANALYZE bench_candidates")
        .await
        .expect("analyze");
    let analyze_seconds = started.elapsed().as_secs_f64();

    let size = |sql: &'static str| {
        let admin = &admin;
        async move {
            admin
                .query_one(sql, &[])
                .await
                .expect("size")
                .get::<_, i64>(0) as u64
        }
    };
    let table = size("SELECT pg_table_size('bench_candidates')").await;
    let index = size("SELECT pg_relation_size('bench_candidates_doc')").await;
    let version: String = admin
        .query_one("SHOW server_version", &[])
        .await
        .expect("version")
        .get(0);
    let mut settings = BTreeMap::new();
    for name in [
        "shared_buffers",
        "work_mem",
        "maintenance_work_mem",
        "effective_cache_size",
        "fsync",
        "synchronous_commit",
        "jit",
        "max_parallel_workers_per_gather",
        "random_page_cost",
    ] {
        let row = admin
            .query_one(&format!("SHOW {name}"), &[])
            .await
            .expect("show");
        settings.insert(name.to_string(), row.get::<_, String>(0));
    }
    PgLoad {
        copy_seconds,
        index_seconds,
        analyze_seconds,
        rows_per_second_copy: count as f64 / copy_seconds,
        table_mb: mb(table),
        index_mb: mb(index),
        server_version: version,
        settings,
    }
}

async fn pg_search(
    url: &str,
    queries: Arc<Vec<SearchQuery>>,
    warmup: Duration,
    measure: Duration,
) -> (Latency, Vec<u64>) {
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for client in 0..SEARCH_CLIENTS {
        let (url, queries, measuring, stop) = (
            url.to_string(),
            queries.clone(),
            measuring.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let pg = pg_connect(&url).await;
            pg.batch_execute("SET statement_timeout = '120s'")
                .await
                .expect("timeout");
            let statement = pg.prepare(PG_QUERY).await.expect("prepare");
            let mut micros = Vec::new();
            let mut totals = Vec::new();
            let mut errors = 0;
            let first = client * queries.len() / SEARCH_CLIENTS;
            for i in (first..).take(1_000_000) {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let q = &queries[i % queries.len()];
                let timed = measuring.load(Ordering::Relaxed);
                let t = Instant::now();
                let result = pg.query(&statement, &[&q.exact]).await;
                let took = t.elapsed().as_micros() as u64;
                match result {
                    Ok(rows) => {
                        if timed {
                            micros.push(took);
                        } else {
                            totals.push(rows.first().map_or(0, |r| r.get::<_, i64>(2) as u64));
                        }
                    }
                    Err(e) => {
                        if errors < 3 {
                            eprintln!("postgres query {:?}: {e}", q.exact);
                        }
                        if timed {
                            errors += 1;
                        }
                    }
                }
            }
            (micros, errors, totals)
        }));
    }
    tokio::time::sleep(warmup).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(measure).await;
    stop.store(true, Ordering::Relaxed);
    // A query started before the deadline still counts in the latencies, not in the throughput window.
    let elapsed = started.elapsed();
    let (mut all, mut errors, mut totals) = (Vec::new(), 0, Vec::new());
    for t in tasks {
        let (m, e, tt) = t.await.expect("pg client");
        all.extend(m);
        errors += e;
        totals.extend(tt);
    }
    (latency_all(all, errors, elapsed), totals)
}

/// Waits (at most two minutes) until the index's segment list has not changed for 3 s.
/// Waits until the index has stopped changing: no merge running and the same segments for 5 s
/// (the server merges when writes pause for 2 s).
async fn settle_segments(server: &Server) -> (Duration, usize) {
    let search = &server.app_state.indexer.search;
    let segments = || -> String {
        let meta = std::fs::read_to_string(server.dir.path().join("index").join("meta.json"))
            .unwrap_or_default();
        let v: Value = serde_json::from_str(&meta).unwrap_or(Value::Null);
        v["segments"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|s| s["segment_id"].to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    };
    let started = Instant::now();
    let mut last = segments();
    let mut stable_since = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = segments();
        if now != last || search.merging() {
            last = now;
            stable_since = Instant::now();
        } else if stable_since.elapsed() >= Duration::from_secs(5) {
            break;
        }
    }
    (started.elapsed(), search.segments())
}

fn median(mut v: Vec<u64>) -> u64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[v.len() / 2]
}

// ---------------------------------------------------------------- the run

/// Runs one import probe in this (child) process and prints its result as one JSON line.
async fn probe_child(spec: &str) {
    let (clients, count) = spec.split_once(',').expect("clients,count");
    let (clients, count): (usize, usize) = (
        clients.parse().expect("clients"),
        count.parse().expect("count"),
    );
    let server = harness::serve_with_account(tempfile::tempdir().expect("tempdir")).await;
    let run = import(&server, DATA_SEED ^ 2, 0, count, clients).await;
    drop(server.shutdown().await);
    println!("PROBE {}", serde_json::to_string(&run).unwrap());
}

/// An import probe on a fresh server in a child process, so that its memory never counts in
/// the RSS measured for the main load.
fn probe(clients: usize, count: usize) -> ImportRun {
    let exe = std::env::current_exe().expect("current exe");
    let out = std::process::Command::new(exe)
        .env("HIREBASE_BENCH_PROBE", format!("{clients},{count}"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run the probe");
    assert!(
        out.status.success(),
        "import probe failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PROBE "))
        .expect("probe result");
    let v: Value = serde_json::from_str(line).expect("probe json");
    let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    ImportRun {
        candidates: count,
        clients,
        seconds: f("seconds"),
        per_second: f("per_second"),
        call_p50_ms: f("call_p50_ms"),
        call_p99_ms: f("call_p99_ms"),
        call_max_ms: f("call_max_ms"),
        generator_busy_seconds: f("generator_busy_seconds"),
        process_cpu_seconds: f("process_cpu_seconds"),
    }
}

fn main() {
    // The allocator is the library's (mimalloc, `#[global_allocator]` in src/lib.rs), as in
    // `hirebase serve`, so RSS compares with production.
    // As `hirebase serve` builds it (one worker per core), unless HIREBASE_BENCH_WORKERS says otherwise.
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = std::env::var("HIREBASE_BENCH_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
    {
        builder.worker_threads(workers);
    }
    let runtime = builder.enable_all().build().expect("tokio runtime");
    // The load generator has a runtime (one thread) of its own, so its CPU is told apart.
    let load_rt = harness::load::runtime(1);
    runtime.block_on(async {
        if let Ok(spec) = std::env::var("HIREBASE_BENCH_PROBE") {
            probe_child(&spec).await
        } else {
            run(load_rt.handle().clone()).await
        }
    });
}

async fn run(load_rt: Handle) {
    let s = settings();
    let diagnose = std::env::var("HIREBASE_BENCH_DIAG").is_ok_and(|v| v == "1");
    let n = s.candidates;
    let mut report = serde_json::Map::new();
    println!(
        "hirebase search benchmark: {n} candidates, {} s per search phase ({} s warm-up), {} search clients",
        s.seconds, s.warmup, SEARCH_CLIENTS
    );
    if let Some(url) = &s.pg {
        // Fail before the long import when the baseline is unreachable.
        let pg = pg_connect(url).await;
        let v: String = pg
            .query_one("SHOW server_version", &[])
            .await
            .expect("postgres answers")
            .get(0);
        println!("PostgreSQL {v} reachable");
    } else {
        println!("PostgreSQL baseline SKIPPED (HIREBASE_BENCH_SKIP_PG=1)");
    }

    // The generator alone, so its share of the load phase is known (batch by batch, so that
    // nothing of it stays resident).
    let mut synth = Synth::new(DATA_SEED ^ 1);
    let (mut generating, mut serializing) = (Duration::ZERO, Duration::ZERO);
    let (mut bytes, mut notes) = (0usize, 0usize);
    let sample = 100_000;
    for _ in 0..sample / BATCH {
        let started = Instant::now();
        let batch: Vec<NewCandidate> = (0..BATCH).map(|_| synth.candidate()).collect();
        generating += started.elapsed();
        let started = Instant::now();
        bytes += import_body(&batch).len();
        serializing += started.elapsed();
        notes += batch
            .iter()
            .map(|c| c.notes.as_ref().map_or(0, String::len))
            .sum::<usize>();
    }
    let generate_rate = sample as f64 / generating.as_secs_f64();
    let serialize_rate = sample as f64 / serializing.as_secs_f64();
    let avg_row = bytes as f64 / sample as f64;
    let avg_notes = notes as f64 / sample as f64;
    println!(
        "generator: {generate_rate:.0} candidates/s, JSON: {serialize_rate:.0} rows/s, {avg_row:.0} bytes/row (notes {avg_notes:.0} bytes avg)"
    );
    report.insert(
        "generator".into(),
        json!({"candidates_per_second": generate_rate, "json_rows_per_second": serialize_rate, "bytes_per_row": avg_row, "notes_bytes_avg": avg_notes}),
    );

    // Which import concurrency: a probe on fresh servers, unless one was given.
    let reused = s
        .reuse
        .as_ref()
        .is_some_and(|dir| dir.join("hirebase.redb").exists());
    let clients = match s.import_clients {
        Some(c) => c,
        None if reused => 0,
        None => {
            let probe_size = (n / 10).clamp(BATCH, 100_000) / BATCH * BATCH;
            let mut results = Vec::new();
            for c in [2, 4, 8] {
                let run = tokio::task::spawn_blocking(move || probe(c, probe_size))
                    .await
                    .expect("probe");
                println!(
                    "import probe: {c} clients -> {:.0} candidates/s ({probe_size} candidates, fresh server in a child process)",
                    run.per_second
                );
                results.push(run);
            }
            let best = results
                .iter()
                .max_by(|a, b| a.per_second.total_cmp(&b.per_second))
                .unwrap()
                .clients;
            report.insert(
                "import_probe".into(),
                serde_json::to_value(&results).unwrap(),
            );
            best
        }
    };

    let rss_start = status_kb("self", "VmRSS:");
    let dir: DataDir = match &s.reuse {
        Some(dir) => {
            std::fs::create_dir_all(dir).expect("the HIREBASE_BENCH_REUSE dir");
            DataDir::Kept(dir.clone())
        }
        None => tempfile::tempdir().expect("tempdir").into(),
    };
    let (server, run) = if reused {
        println!("reusing the candidates in {}", dir.path().display());
        (harness::serve_signed_in(dir).await, None)
    } else {
        let server = harness::serve_with_account(dir).await;
        println!("importing {n} candidates with {clients} clients...");
        let machine_before = machine_busy_seconds();
        let run = import(&server, DATA_SEED, 0, n, clients).await;
        let import_others =
            ((machine_busy_seconds() - machine_before) - run.process_cpu_seconds) / run.seconds;
        println!(
            "  during the import this process used {:.2} CPU cores on average, other processes {import_others:.2}",
            run.process_cpu_seconds / run.seconds
        );
        report.insert("import_cpu_cores".into(), json!({"this_process": run.process_cpu_seconds / run.seconds, "other_processes": import_others}));
        println!(
            "import: {n} in {:.1} s = {:.0} candidates/s ({clients} clients; call p50 {:.0} ms, p99 {:.0} ms)",
            run.seconds, run.per_second, run.call_p50_ms, run.call_p99_ms
        );
        (server, Some(run))
    };
    let listing: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/candidates?limit=1", server.base))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("list body");
    assert_eq!(
        listing["total"].as_u64(),
        Some(n as u64),
        "every imported candidate is listed"
    );
    // Let the merges the load started finish, so the search phase measures a settled index.
    let settle = settle_segments(&server).await;
    println!(
        "index settled {:.1} s after the load ({} segments)",
        settle.0.as_secs_f64(),
        settle.1
    );
    report.insert(
        "settle".into(),
        json!({"seconds": settle.0.as_secs_f64(), "segments": settle.1}),
    );
    let rss_after_import = status_kb("self", "VmRSS:");
    let data_dir = disk_usage(server.dir.path());
    let redb = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(server.dir.path().join("hirebase.redb")).map_or(0, |m| m.blocks() * 512)
    };
    let index = disk_usage(&server.dir.path().join("index"));
    let segments = std::fs::read_dir(server.dir.path().join("index"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
                .count()
        })
        .unwrap_or(0);
    println!(
        "after import: RSS {:.0} MB (peak {:.0} MB, {:.0} MB before the server started), data dir {:.0} MB (redb {:.0} MB, index {:.0} MB, {segments} segments)",
        rss_after_import as f64 / 1024.0,
        status_kb("self", "VmHWM:") as f64 / 1024.0,
        rss_start as f64 / 1024.0,
        mb(data_dir),
        mb(redb),
        mb(index)
    );
    if let Some(run) = &run {
        report.insert("import".into(), serde_json::to_value(run).unwrap());
    }
    report.insert(
        "after_import".into(),
        json!({
            "rss_mb": rss_after_import as f64 / 1024.0,
            "peak_rss_mb": status_kb("self", "VmHWM:") as f64 / 1024.0,
            "rss_before_server_mb": rss_start as f64 / 1024.0,
            "data_dir_mb": mb(data_dir), "redb_mb": mb(redb), "index_mb": mb(index), "index_segments": segments,
        }),
    );

    let queries = Arc::new(synth::queries(QUERY_SEED, QUERY_POOL));
    let typos = queries.iter().filter(|q| q.typo).count();
    let unfinished = queries.iter().filter(|q| q.unfinished).count();
    println!(
        "queries: {QUERY_POOL} generated ({typos} with a typo, {unfinished} unfinished); e.g. {:?}",
        queries
            .iter()
            .take(6)
            .map(|q| q.text.as_str())
            .collect::<Vec<_>>()
    );

    let warmup = Duration::from_secs(s.warmup);
    let measure = Duration::from_secs(s.seconds);
    let requests = search_requests(&server, &queries);
    let hb_totals = search_totals(&server, &requests, 2_000).await;
    let (hb, hb_cpu) = hirebase_search(&load_rt, &server, &requests, warmup, measure).await;
    println!(
        "hirebase search: {:.0} q/s, p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms ({} requests, {} errors; median total {})",
        hb.per_second,
        hb.p50_ms,
        hb.p99_ms,
        hb.max_ms,
        hb.requests,
        hb.errors,
        median(hb_totals.clone())
    );
    let load_cores = hb_cpu.thread(LOAD_THREAD);
    let server_micros = (hb_cpu.this_process - load_cores) / hb.per_second * 1e6;
    let load_micros = load_cores / hb.per_second * 1e6;
    println!(
        "  CPU per search: server {server_micros:.0} µs, load generator {load_micros:.0} µs ({:.0}% of this process); {}",
        100.0 * load_cores / hb_cpu.this_process,
        hb_cpu.describe()
    );
    let rss_after_search = status_kb("self", "VmRSS:");
    report.insert("hirebase_search".into(), json!({"latency": hb, "median_total": median(hb_totals), "rss_mb_after": rss_after_search as f64 / 1024.0,
        "cpu": hb_cpu, "server_cpu_micros_per_search": server_micros, "load_generator_cpu_micros_per_search": load_micros}));

    // Where a request's time goes: the index alone, then the index plus reading 20 records.
    let (engine, kinds) = engine_only(&server, &queries, 5.0, false);
    let (engine_records, _) = engine_only(&server, &queries, 5.0, true);
    println!(
        "  breakdown, one query at a time: tantivy p50 {:.2} / p99 {:.2} / mean {:.2} ms; + redb records p50 {:.2} / p99 {:.2} / mean {:.2} ms",
        engine.p50_ms,
        engine.p99_ms,
        engine.mean_ms,
        engine_records.p50_ms,
        engine_records.p99_ms,
        engine_records.mean_ms
    );
    println!("  tantivy mean by kind of query (ms): {kinds:?}");
    report.insert(
        "hirebase_breakdown".into(),
        json!({"index_only": engine, "index_and_records": engine_records, "index_mean_ms_by_kind": kinds}),
    );
    let (dir, shutdown) = server.shutdown().await;
    // Cold start on the same data: App::build to the first /readyz 200.
    let started = Instant::now();
    let server = harness::serve(dir).await;
    let cold_start = started.elapsed();
    let (dir, _) = server.shutdown().await;
    if let DataDir::Kept(path) = &dir {
        println!(
            "the data stays in {} (HIREBASE_BENCH_REUSE)",
            path.display()
        );
    }
    println!(
        "shutdown {:.0} ms; cold start with {n} candidates to /readyz 200: {:.0} ms",
        shutdown.as_secs_f64() * 1e3,
        cold_start.as_secs_f64() * 1e3
    );
    report.insert("restart".into(), json!({"shutdown_ms": shutdown.as_secs_f64() * 1e3, "cold_start_to_ready_ms": cold_start.as_secs_f64() * 1e3}));
    drop(dir);
    if diagnose {
        report.insert("diag_import_stages".into(), import_stages(&queries).await);
    }

    let mut pg_result = None;
    if let Some(url) = &s.pg {
        println!("loading the same {n} candidates into PostgreSQL...");
        let load = pg_load(url, n).await;
        println!(
            "  postgres: copy {:.1} s ({:.0} rows/s), GIN index {:.1} s, analyze {:.1} s; table {:.0} MB, GIN {:.0} MB",
            load.copy_seconds,
            load.rows_per_second_copy,
            load.index_seconds,
            load.analyze_seconds,
            load.table_mb,
            load.index_mb
        );
        let machine_before = machine_busy_seconds();
        let (pg, pg_totals) = pg_search(url, queries.clone(), warmup, measure).await;
        let machine = (machine_busy_seconds() - machine_before) / (pg.seconds + s.warmup as f64);
        println!(
            "  the machine was busy {machine:.2} CPU cores on average during the PostgreSQL search phase (PostgreSQL, this client and anything else)"
        );
        report.insert("postgres_search_machine_cores".into(), json!(machine));
        println!(
            "postgres search: {:.1} q/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} requests, {} errors; median total {})",
            pg.per_second,
            pg.p50_ms,
            pg.p99_ms,
            pg.max_ms,
            pg.requests,
            pg.errors,
            median(pg_totals.clone())
        );
        report.insert("postgres_load".into(), serde_json::to_value(&load).unwrap());
        report.insert(
            "postgres_search".into(),
            json!({"latency": pg, "median_total": median(pg_totals)}),
        );
        pg_result = Some(pg);
    }

    // The summary.
    println!();
    println!(
        "== hirebase search benchmark: {n} candidates, 2-3 term queries, top 20 + total, {SEARCH_CLIENTS} clients =="
    );
    println!(
        "{:<34} {:>12} {:>12} {:>12}",
        "", "hirebase", "PostgreSQL", "ratio"
    );
    let row = |name: &str, h: f64, p: Option<f64>, higher_better: bool| {
        let (ps, rs) = match p {
            Some(p) => (
                format!("{p:.2}"),
                format!("{:.1}x", if higher_better { h / p } else { p / h }),
            ),
            None => ("-".into(), "-".into()),
        };
        println!("{name:<34} {h:>12.2} {ps:>12} {rs:>12}");
    };
    row(
        "search throughput (queries/s)",
        hb.per_second,
        pg_result.as_ref().map(|p| p.per_second),
        true,
    );
    row(
        "search p50 (ms)",
        hb.p50_ms,
        pg_result.as_ref().map(|p| p.p50_ms),
        false,
    );
    row(
        "search p99 (ms)",
        hb.p99_ms,
        pg_result.as_ref().map(|p| p.p99_ms),
        false,
    );
    row(
        "search max (ms)",
        hb.max_ms,
        pg_result.as_ref().map(|p| p.max_ms),
        false,
    );
    if let Some(run) = &run {
        println!(
            "{:<34} {:>12.0}   ({clients} clients, 500-row calls)",
            "import (candidates/s)", run.per_second
        );
    }
    println!(
        "{:<34} {:>12.0}",
        "RSS after import (MB)",
        rss_after_import as f64 / 1024.0
    );
    println!("{:<34} {:>12.0}", "data dir (MB)", mb(data_dir));
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!();
    println!(
        "targets: import >= 20000/s: {}; p50 <= 5 ms: {}; p99 <= 20 ms: {}{}",
        run.as_ref()
            .map_or("not measured (reused data)", |r| verdict(
                r.per_second >= 20_000.0
            )),
        verdict(hb.p50_ms <= 5.0),
        verdict(hb.p99_ms <= 20.0),
        pg_result.as_ref().map_or(String::new(), |p| format!(
            "; >= 50x PostgreSQL throughput: {}",
            verdict(hb.per_second >= 50.0 * p.per_second)
        )),
    );
    if let Some(p) = &pg_result {
        report.insert(
            "ratios".into(),
            json!({"throughput": hb.per_second / p.per_second, "p50": p.p50_ms / hb.p50_ms, "p99": p.p99_ms / hb.p99_ms}),
        );
    }
    report.insert(
        "settings".into(),
        json!({"candidates": n, "seconds": s.seconds, "warmup_seconds": s.warmup, "search_clients": SEARCH_CLIENTS, "import_clients": clients,
               "cache_mb": 256, "cpus": std::thread::available_parallelism().map(|p| p.get()).unwrap_or(0),
               "postgres": s.pg.is_some()}),
    );
    std::fs::create_dir_all("target").ok();
    let out = Path::new("target").join("bench-search.json");
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

// ---------------------------------------------------------------- diagnostics (HIREBASE_BENCH_DIAG=1)

/// Import without HTTP (the domain function, 4 concurrent callers) and the search index alone
/// (500-document and 4000-document commits): which stage bounds the import rate.
async fn import_stages(_queries: &[SearchQuery]) -> Value {
    use hirebase::domain::candidates;
    use hirebase::domain::import::{self, ImportRequest, ImportRow};
    use hirebase::search::{Kind, Op, Search};

    let count = 100_000;
    let mut out = serde_json::Map::new();

    // 1. The search index alone.
    for batch in [500usize, 4_000] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (search, _) = Search::open(&dir.path().join("index")).expect("index");
        let mut synth = Synth::new(DATA_SEED);
        let mut id = 0;
        let started = Instant::now();
        let mut left = count;
        while left > 0 {
            let n = left.min(batch);
            let ops = (0..n)
                .map(|_| {
                    id += 1;
                    let mut c = synth.candidate().into_candidate(1, "import");
                    c.id = id;
                    Op::Add(Kind::Candidate, candidates::doc(&c))
                })
                .collect();
            search.apply(ops).await.expect("apply");
            left -= n;
        }
        let rate = count as f64 / started.elapsed().as_secs_f64();
        println!(
            "  diag: search index alone, {batch}-document commits: {rate:.0} documents/s (incl. generating them)"
        );
        out.insert(format!("index_only_batch_{batch}_per_second"), json!(rate));
        tokio::task::spawn_blocking(move || search.stop())
            .await
            .ok();
    }

    // 2. The import domain function, no HTTP.
    let server = harness::serve_with_account(tempfile::tempdir().expect("tempdir")).await;
    let who = hirebase::auth::identity::resolve(
        &server.app_state.store,
        &server.app_state.tokens,
        &server.token,
    )
    .expect("identity");
    let (rx, _generator) = {
        let (tx, rx) = mpsc::channel::<Vec<NewCandidate>>(8);
        let handle = std::thread::spawn(move || {
            let mut synth = Synth::new(DATA_SEED);
            for _ in 0..count / BATCH {
                if tx
                    .blocking_send((0..BATCH).map(|_| synth.candidate()).collect())
                    .is_err()
                {
                    break;
                }
            }
        });
        (Arc::new(tokio::sync::Mutex::new(rx)), handle)
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (rx, state, who) = (rx.clone(), server.app_state.clone(), who.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let Some(batch) = rx.lock().await.recv().await else {
                    break;
                };
                let request = ImportRequest {
                    rows: batch
                        .into_iter()
                        .map(|candidate| ImportRow {
                            candidate,
                            job_id: None,
                        })
                        .collect(),
                };
                import::import(&state.indexer, &who, request)
                    .await
                    .expect("import");
            }
        }));
    }
    for t in tasks {
        t.await.expect("import task");
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    println!(
        "  diag: import domain function (no HTTP, no JSON), 4 callers: {rate:.0} candidates/s"
    );
    out.insert("domain_import_per_second".into(), json!(rate));
    drop(server.shutdown().await);
    Value::Object(out)
}
