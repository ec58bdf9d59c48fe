//! The matching benchmark of issue 9 (DESIGN §6): candidates-for-job over N candidates (top 20
//! with per-axis scores, p99 ≤ 50 ms at 100,000; reported at 1,000,000) and jobs-for-candidate
//! over J jobs, 8 keep-alive clients through HTTP.
//!
//! 1. hirebase in-process on a temp data dir, one tenant populated through the API: J jobs
//!    (`POST /jobs`, from the synthetic generator, with salary ranges and remote options) and
//!    N candidates (`POST /candidates/import`, 500-row calls) carrying the fields the axes
//!    read (expected salary, availability, notice period, remote preference).
//! 2. `POST /matching/candidates_for_job` for random jobs, then
//!    `POST /matching/jobs_for_candidate` for random candidates: 8 clients, closed loop.
//! 3. The baseline, in-process on the same data: every candidate of the tenant scored for a
//!    job (no recall), against the recall path for the same jobs — the time of each, and how
//!    many of the full scan's top 20 the recall path also returns (recall agreement).
//! 4. A summary, also written to `target/bench-matching.json`.
//!
//! Environment: `HIREBASE_BENCH_CANDIDATES` (default 100000), `HIREBASE_BENCH_JOBS` (default
//! 10000), `HIREBASE_BENCH_SECONDS` per measured phase (default 10), `HIREBASE_BENCH_BASELINE`
//! (jobs scored by full scan, default 30).

mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hirebase::domain::candidates::Candidate;
use hirebase::domain::jobs::Job;
use hirebase::domain::matching::find::{self, CandidatesForJob};
use hirebase::domain::matching::{Matcher, Rated, Scored, profile};
use hirebase::search::{Kind, Recall};
use hirebase::store::Reader;
use hirebase::store::tables::{CANDIDATES, JOBS};
use poem_openapi::types::ToJSON;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{Value, json};

use harness::load::{Load, drive, request, runtime, spread};
use harness::synth::Synth;
use harness::{Latency, Running as Server, machine_busy_seconds, rss_mb, settle};

const SEED: u64 = 0x6d61_7463;
const CLIENTS: usize = 8;
const LIMIT: u32 = 20;

fn env(name: &str, default: usize) -> usize {
    harness::env_num(name, default as u64) as usize
}

/// The fields the axes read, which the generator does not write.
fn with_matching_fields(mut row: Value, rng: &mut StdRng) -> Value {
    let o = row.as_object_mut().expect("a candidate is an object");
    if rng.random_bool(0.7) {
        let base = rng.random_range(30..=180) * 1_000u64;
        o.insert("expected_salary_min".into(), json!(base));
        o.insert("expected_salary_max".into(), json!(base + base / 5));
        let currency = *["EUR", "USD", "GBP"].choose(rng).unwrap();
        o.insert("expected_salary_currency".into(), json!(currency));
    }
    match rng.random_range(0..10) {
        0..=4 => {
            o.insert("availability".into(), json!("available"));
        }
        5..=7 => {
            o.insert("availability".into(), json!("notice_period"));
            o.insert(
                "notice_period_days".into(),
                json!(*[14, 30, 60, 90].choose(rng).unwrap()),
            );
        }
        8 => {
            o.insert("availability".into(), json!("engaged"));
        }
        _ => {}
    }
    if rng.random_bool(0.8) {
        let mode = *["onsite", "hybrid", "remote"].choose(rng).unwrap();
        o.insert("remote_preference".into(), json!(mode));
        o.insert("willing_to_relocate".into(), json!(rng.random_bool(0.3)));
    }
    row
}

async fn post(http: &reqwest::Client, server: &Server, path: &str, body: &Value) -> Value {
    let r = http
        .post(format!("{}{path}", server.base))
        .bearer_auth(&server.token)
        .json(body)
        .send()
        .await
        .expect("call");
    let status = r.status();
    let answer: Value = r.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

/// `count` jobs through `POST /jobs`, 16 at a time; their ids.
async fn create_jobs(server: &Server, count: usize) -> Vec<u64> {
    let mut synth = Synth::new(SEED ^ 1);
    let mut rng = StdRng::seed_from_u64(SEED ^ 2);
    let bodies: Vec<Value> = (0..count)
        .map(|_| {
            let mut job = synth.job().to_json().expect("a job is JSON");
            let o = job.as_object_mut().unwrap();
            o.insert("status".into(), json!("open"));
            if !o.contains_key("salary_min") || o["salary_min"].is_null() {
                let base = rng.random_range(40..=160) * 1_000u64;
                o.insert("salary_min".into(), json!(base));
                o.insert("salary_max".into(), json!(base + base / 4));
                o.insert("currency".into(), json!("EUR"));
            }
            let mode = *["On-site", "Hybrid", "Remote"].choose(&mut rng).unwrap();
            o.insert("remote_option".into(), json!(mode));
            job
        })
        .collect();
    let bodies = Arc::new(bodies);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (bodies, next) = (bodies.clone(), next.clone());
        let (base, token) = (server.base.clone(), server.token.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let r = http
                    .post(format!("{base}/api/v1/jobs"))
                    .bearer_auth(&token)
                    .json(body)
                    .send()
                    .await
                    .expect("create job");
                let status = r.status();
                let job: Value = r.json().await.expect("job");
                assert_eq!(status, 201, "{job}");
                ids.push(job["id"].as_u64().unwrap());
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.expect("job client"));
    }
    ids.sort_unstable();
    ids
}

/// `count` candidates through the import, 4 calls at a time.
async fn import_candidates(server: &Server, count: usize) {
    let mut synth = Synth::new(SEED ^ 3);
    let mut rng = StdRng::seed_from_u64(SEED ^ 4);
    harness::import_candidates(server, count, move || {
        let row = synth.candidate().to_json().expect("a candidate is JSON");
        with_matching_fields(row, &mut rng)
    })
    .await;
}

#[derive(Serialize)]
struct Baseline {
    jobs: usize,
    full_scan_ms_per_job: f64,
    recall_path_ms_per_job: f64,
    speedup: f64,
    /// Of the full scan's top 20, the share the recall path also returns.
    recall_agreement: f64,
    /// The mean score of the recall path's top 20 over the full scan's.
    score_ratio: f64,
    /// The recall path's steps, ms per job: the index query, reading the recalled records,
    /// scoring them.
    phases: Phases,
}

#[derive(Serialize, Default)]
struct Phases {
    /// The index query alone (ids only).
    query_ms: f64,
    /// The index query, with each recalled candidate's profile.
    recall_ms: f64,
    /// Rating every recalled candidate from its profile.
    rate_ms: f64,
    /// Reading the shortlist's records and scoring them again.
    shortlist_ms: f64,
    recalled: f64,
}

/// The recall path's steps timed one by one (as `find::candidates_for_job` runs them).
fn phases(server: &Server, job: &Job, weights: &hirebase::domain::matching::Weights) -> Phases {
    let state = &server.app_state;
    let tenant = server.org_id;
    let matcher = Matcher::new(&find::demand(job), weights);
    let words = matcher.recall_terms();
    let asked = Recall {
        kind: Kind::Candidate,
        tenant,
        status: None,
        words: &words,
        limit: find::RECALL,
    };
    let query_started = Instant::now();
    let ids = state.indexer.search.recall(&asked).expect("recall");
    let query_ms = query_started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let recalled = state
        .indexer
        .search
        .recall_profiles(&asked, profile::read)
        .expect("recall");
    let after_recall = Instant::now();
    let rough: Vec<(Rated, u64, u64)> = recalled
        .iter()
        .map(|(id, p)| {
            let p = p.as_ref().expect("indexed with a profile");
            (matcher.rate(&p.supply), *id, p.fingerprint)
        })
        .collect();
    let shortlist: Vec<(Rated, u64, u64)> = find::top(rough, find::shortlist_size(LIMIT as usize));
    let after_rate = Instant::now();
    let rx = state.store.read().expect("read");
    let listed: Vec<u64> = shortlist.iter().map(|(_, id, _)| *id).collect();
    let found: Vec<Candidate> = rx.get_many(&CANDIDATES, tenant, &listed).expect("load");
    // As the answer does: a record its profile was made from keeps the profile's rating.
    let scored: Vec<Scored> = found
        .iter()
        .zip(shortlist)
        .map(|(c, (rated, id, fingerprint))| {
            assert_eq!(c.id, id);
            let supply = find::supply(c);
            if profile::fingerprint(&supply) == fingerprint {
                matcher.explain(rated)
            } else {
                matcher.score(&supply)
            }
        })
        .collect();
    let done = Instant::now();
    assert_eq!(scored.len(), listed.len());
    assert_eq!(ids.len(), recalled.len());
    Phases {
        query_ms,
        recall_ms: (after_recall - started).as_secs_f64() * 1e3,
        rate_ms: (after_rate - after_recall).as_secs_f64() * 1e3,
        shortlist_ms: (done - after_rate).as_secs_f64() * 1e3,
        recalled: recalled.len() as f64,
    }
}

/// Scores every candidate of the tenant for `jobs` in-process, against the recall path.
fn baseline(server: &Server, jobs: &[u64]) -> Baseline {
    let state = &server.app_state;
    let tenant = server.org_id;
    let rx = state.store.read().expect("read");
    let everyone: Vec<Candidate> = rx
        .list(&CANDIDATES, tenant, 0, usize::MAX)
        .expect("candidates");
    let weights = hirebase::domain::tenants::load(&rx, tenant)
        .expect("tenant")
        .match_weights;
    let (mut scan, mut recall) = (Duration::ZERO, Duration::ZERO);
    let (mut agree, mut scan_total, mut recall_total) = (0usize, 0u64, 0u64);
    let mut steps = Phases::default();
    for id in jobs {
        let job: Job = rx
            .get(&JOBS, tenant, *id)
            .expect("job")
            .expect("job exists");
        let p = phases(server, &job, &weights);
        steps.recall_ms += p.recall_ms;
        steps.query_ms += p.query_ms;
        steps.rate_ms += p.rate_ms;
        steps.shortlist_ms += p.shortlist_ms;
        steps.recalled += p.recalled;
        let started = Instant::now();
        let matcher = Matcher::new(&find::demand(&job), &weights);
        let mut all: Vec<(Scored, u64)> = everyone
            .iter()
            .map(|c| (matcher.score(&find::supply(c)), c.id))
            .collect();
        all.sort_by(|a, b| b.0.score.cmp(&a.0.score).then(a.1.cmp(&b.1)));
        all.truncate(LIMIT as usize);
        scan += started.elapsed();

        let started = Instant::now();
        let req = CandidatesForJob {
            job_id: *id,
            limit: Some(LIMIT),
            strategy: None,
        };
        let (found, _) = find::candidates_for_job(
            &state.store,
            &state.indexer.search,
            &state.matchers,
            tenant,
            &req,
        )
        .expect("match");
        recall += started.elapsed();
        agree += all
            .iter()
            .filter(|(_, id)| found.matches.iter().any(|m| m.candidate_id == *id))
            .count();
        scan_total += all.iter().map(|(s, _)| u64::from(s.score)).sum::<u64>();
        recall_total += found
            .matches
            .iter()
            .map(|m| u64::from(m.fit.score))
            .sum::<u64>();
    }
    let n = jobs.len().max(1) as f64;
    let (scan_ms, recall_ms) = (scan.as_secs_f64() * 1e3 / n, recall.as_secs_f64() * 1e3 / n);
    Baseline {
        jobs: jobs.len(),
        full_scan_ms_per_job: scan_ms,
        recall_path_ms_per_job: recall_ms,
        speedup: scan_ms / recall_ms,
        recall_agreement: agree as f64 / (n * f64::from(LIMIT)),
        score_ratio: recall_total as f64 / scan_total.max(1) as f64,
        phases: Phases {
            recall_ms: steps.recall_ms / n,
            query_ms: steps.query_ms / n,
            rate_ms: steps.rate_ms / n,
            shortlist_ms: steps.shortlist_ms / n,
            recalled: steps.recalled / n,
        },
    }
}

#[derive(Serialize)]
struct Summary {
    candidates: usize,
    jobs: usize,
    populate_seconds: f64,
    candidates_for_job: Latency,
    jobs_for_candidate: Latency,
    machine_busy_cores: [f64; 2],
    baseline: Baseline,
    rss_mb: f64,
}

fn main() {
    let runtime_main = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime_main.block_on(run());
}

async fn run() {
    let candidates = env("HIREBASE_BENCH_CANDIDATES", 100_000);
    let job_count = env("HIREBASE_BENCH_JOBS", 10_000);
    let seconds = Duration::from_secs(env("HIREBASE_BENCH_SECONDS", 10) as u64);
    let baseline_jobs = env("HIREBASE_BENCH_BASELINE", 30);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "hirebase matching benchmark: {candidates} candidates, {job_count} jobs in one tenant; {cores} cores"
    );

    let server = harness::serve_with_account(tempfile::tempdir().expect("temp dir")).await;
    let started = Instant::now();
    let jobs = create_jobs(&server, job_count).await;
    println!(
        "  {} jobs in {:.1} s",
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
    import_candidates(&server, candidates).await;
    let populate_seconds = started.elapsed().as_secs_f64();
    println!("  populated in {populate_seconds:.1} s");
    let waited = settle(Duration::from_secs(300)).await;
    println!("  index merges settled in {:.1} s", waited.as_secs_f64());
    let candidate_ids: Vec<u64> = {
        let rx = server.app_state.store.read().expect("read");
        let all: Vec<Candidate> = rx
            .list(&CANDIDATES, server.org_id, 0, 20_000)
            .expect("candidates");
        all.into_iter().map(|c| c.id).collect()
    };
    // One answer of each kind, shown.
    let http = reqwest::Client::new();
    let sample = post(
        &http,
        &server,
        "/api/v1/matching/candidates_for_job",
        &json!({"job_id": jobs[0], "limit": 3}),
    )
    .await;
    println!("  sample: {}", sample["matches"][0]);

    let load_rt = runtime(2);
    let mut rng = StdRng::seed_from_u64(SEED ^ 5);
    let for_jobs: Vec<Vec<u8>> = (0..4_000)
        .map(|_| {
            let body =
                json!({"job_id": jobs.choose(&mut rng).unwrap(), "limit": LIMIT}).to_string();
            let path = "/api/v1/matching/candidates_for_job";
            request("POST", path, server.addr, Some(&server.token), Some(&body))
        })
        .collect();
    let for_candidates: Vec<Vec<u8>> = (0..4_000)
        .map(|_| {
            let id = candidate_ids.choose(&mut rng).unwrap();
            let body = json!({"candidate_id": id, "limit": LIMIT}).to_string();
            let path = "/api/v1/matching/jobs_for_candidate";
            request("POST", path, server.addr, Some(&server.token), Some(&body))
        })
        .collect();
    let warmup = Duration::from_secs(2);
    let busy = machine_busy_seconds();
    let at = Instant::now();
    let (c4j, _) = drive(
        load_rt.handle(),
        server.addr,
        Load {
            name: "candidates_for_job",
            clients: spread(&Arc::new(for_jobs), CLIENTS),
            expect: 200,
            pace: None,
        },
        warmup,
        seconds,
    )
    .await;
    let busy_c4j = (machine_busy_seconds() - busy) / at.elapsed().as_secs_f64();
    let busy = machine_busy_seconds();
    let at = Instant::now();
    let (j4c, _) = drive(
        load_rt.handle(),
        server.addr,
        Load {
            name: "jobs_for_candidate",
            clients: spread(&Arc::new(for_candidates), CLIENTS),
            expect: 200,
            pace: None,
        },
        warmup,
        seconds,
    )
    .await;
    let busy_j4c = (machine_busy_seconds() - busy) / at.elapsed().as_secs_f64();

    let picked: Vec<u64> = jobs
        .choose_multiple(&mut rng, baseline_jobs)
        .copied()
        .collect();
    let base = {
        let server = &server;
        tokio::task::block_in_place(|| baseline(server, &picked))
    };
    let summary = Summary {
        candidates,
        jobs: jobs.len(),
        populate_seconds,
        candidates_for_job: c4j,
        jobs_for_candidate: j4c,
        machine_busy_cores: [busy_c4j, busy_j4c],
        baseline: base,
        rss_mb: rss_mb("self"),
    };
    let row = |name: &str, l: &Latency| {
        println!(
            "{name:<22} {:>8.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  errors {}",
            l.per_second, l.p50_ms, l.p99_ms, l.max_ms, l.errors
        )
    };
    println!("\n== matching, {CLIENTS} clients through HTTP, top {LIMIT} with breakdowns");
    row("candidates_for_job", &summary.candidates_for_job);
    row("jobs_for_candidate", &summary.jobs_for_candidate);
    let b = &summary.baseline;
    println!(
        "baseline (in-process, {} jobs): full scan {:.1} ms/job, recall path {:.2} ms/job ({:.1}x); \
         recall agreement with the full scan's top {LIMIT}: {:.1}%, score ratio {:.3}",
        b.jobs,
        b.full_scan_ms_per_job,
        b.recall_path_ms_per_job,
        b.speedup,
        b.recall_agreement * 100.0,
        b.score_ratio
    );
    println!(
        "  recall path steps, ms/job: the index query alone {:.2}; recall of {:.0} with profiles \
         {:.2}, rating them {:.2}, the shortlist of {} read and scored {:.2}",
        b.phases.query_ms,
        b.phases.recalled,
        b.phases.recall_ms,
        b.phases.rate_ms,
        find::shortlist_size(LIMIT as usize),
        b.phases.shortlist_ms
    );
    println!(
        "machine busy cores: {:.2} / {:.2}; RSS {:.0} MB",
        busy_c4j, busy_j4c, summary.rss_mb
    );
    std::fs::create_dir_all("target").ok();
    let path = std::path::Path::new("target").join("bench-matching.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&summary).unwrap()).expect("summary");
    println!("summary written to {}", path.display());
    server.shutdown().await;
    // A runtime may not be dropped inside another one.
    load_rt.shutdown_background();
}
