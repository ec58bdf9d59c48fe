//! Online backup under write load (DESIGN §6: writes keep ≥ 50% of their throughput while a
//! backup runs), in one run:
//!
//! 1. hirebase in-process on a temp data dir, filled with N synthetic candidates through
//!    `POST /api/v1/candidates/import` and applications for the writers to move;
//! 2. 16 clients changing stages (`PATCH /api/v1/applications/{id}`, each answered after its
//!    durable group commit) for S seconds: the baseline;
//! 3. the same load for S seconds while backups run back to back (the same call as
//!    `POST /api/v1/admin/backup`): the load's throughput during them, and each backup's
//!    duration and size.
//!
//! 4. the tenant export (`GET /api/v1/account/export`) of the same data: its time, its size
//!    and the process's memory (RSS, sampled every 10 ms) before and during it.
//!
//! Environment: `HIREBASE_BENCH_CANDIDATES` (default 100,000), `HIREBASE_BENCH_SECONDS` per
//! phase (default 10). The summary is printed and written to `target/bench-backup.json`.

mod harness;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use harness::load::{Load, drive, stage_changers};
use harness::synth::Synth;
use harness::{Latency, Running as Server};
use poem_openapi::types::ToJSON;
use serde_json::{Value, json};

const SEED: u64 = 0xba_c4_0b;
const WRITERS: usize = 16;
const APPS_PER_WRITER: usize = 6;
const IMPORT_BATCH: usize = 500;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let load_rt = harness::load::runtime(1);
    runtime.block_on(run(load_rt.handle().clone()));
}

async fn post(http: &reqwest::Client, server: &Server, path: &str, body: &Value) -> Value {
    let r = http
        .post(format!("{}{path}", server.base))
        .bearer_auth(&server.token)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status();
    let body: Value = r.json().await.expect("JSON body");
    assert!(status.is_success(), "POST {path}: {status} {body}");
    body
}

async fn run(load_rt: tokio::runtime::Handle) {
    let candidates = harness::env_num("HIREBASE_BENCH_CANDIDATES", 100_000) as usize;
    let seconds = harness::env_num("HIREBASE_BENCH_SECONDS", 10).max(2);
    let measure = Duration::from_secs(seconds);
    let warmup = Duration::from_secs(1);
    println!("hirebase backup benchmark: {candidates} candidates, {seconds} s per phase");
    let server = harness::serve_with_account(tempfile::tempdir().expect("tempdir")).await;
    let http = reqwest::Client::new();

    // The data: candidates by import, then applications for each writer to move.
    let started = Instant::now();
    let mut synth = Synth::new(SEED);
    let mut sent = 0;
    while sent < candidates {
        let n = IMPORT_BATCH.min(candidates - sent);
        let rows: Vec<Value> = (0..n)
            .map(|_| synth.candidate().to_json().expect("candidate as JSON"))
            .collect();
        post(
            &http,
            &server,
            "/api/v1/candidates/import",
            &json!({ "rows": rows }),
        )
        .await;
        sent += n;
    }
    let job = post(
        &http,
        &server,
        "/api/v1/jobs",
        &json!({"title": "Backup Engineer"}),
    )
    .await;
    let listed: Value = http
        .get(format!("{}/api/v1/candidates?limit=100", server.base))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("list body");
    let ids: Vec<u64> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_u64().expect("id"))
        .collect();
    let mut applications = Vec::new();
    for c in ids.iter().take(WRITERS * APPS_PER_WRITER) {
        let app = post(
            &http,
            &server,
            "/api/v1/applications",
            &json!({"job_id": job["id"], "candidate_id": c}),
        )
        .await;
        applications.push(app["id"].as_u64().expect("application id"));
    }
    assert_eq!(
        applications.len(),
        WRITERS * APPS_PER_WRITER,
        "enough candidates"
    );
    let db_bytes = std::fs::metadata(server.dir.path().join("hirebase.redb"))
        .expect("database file")
        .len();
    println!(
        "setup: {candidates} candidates and {} applications in {:.1} s; database {:.0} MB",
        applications.len(),
        started.elapsed().as_secs_f64(),
        db_bytes as f64 / 1e6
    );

    let writers = || stage_changers(&applications, APPS_PER_WRITER, server.addr, &server.token);
    let load = |name| Load {
        name,
        clients: writers(),
        expect: 200,
        pace: None,
    };

    // 1. The writes alone.
    let (alone, _) = drive(&load_rt, server.addr, load("alone"), warmup, measure).await;
    print_phase("stage changes alone", &alone);

    // 2. The same writes while backups run back to back.
    let stop = Arc::new(AtomicBool::new(false));
    let state = server.app_state.clone();
    let backups = tokio::spawn({
        let stop = stop.clone();
        async move {
            // Start when the load is warm, so the backups overlap the measured window.
            tokio::time::sleep(warmup).await;
            let mut taken = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let began = Instant::now();
                let backup = state
                    .backups
                    .run(&state.store, &state.config.data_dir, |_| {})
                    .await
                    .expect("backup");
                taken.push((began.elapsed(), backup.size_bytes));
                let _ =
                    std::fs::remove_file(state.config.data_dir.join("backups").join(&backup.name));
            }
            taken
        }
    });
    let (during, _) = drive(
        &load_rt,
        server.addr,
        load("during backup"),
        warmup,
        measure,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let taken = backups.await.expect("backups");
    print_phase("stage changes during backups", &during);
    let durations: Vec<f64> = taken.iter().map(|(d, _)| d.as_secs_f64()).collect();
    let mean = durations.iter().sum::<f64>() / durations.len().max(1) as f64;
    let size = taken.last().map_or(0, |(_, b)| *b);
    let ratio = during.per_second / alone.per_second;
    println!(
        "backups: {} taken back to back, {:.2} s each on average (min {:.2}, max {:.2}), {:.0} MB each",
        taken.len(),
        mean,
        durations.iter().cloned().fold(f64::INFINITY, f64::min),
        durations.iter().cloned().fold(0.0, f64::max),
        size as f64 / 1e6
    );
    println!(
        "writes during backups: {:.0}% of their throughput alone (target ≥ 50%)",
        ratio * 100.0
    );

    // 3. The export, streamed and counted, with the memory it takes.
    let idle_rss = harness::rss_mb("self");
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = std::thread::spawn({
        let sampling = sampling.clone();
        move || {
            let mut peak: f64 = 0.0;
            while sampling.load(Ordering::Relaxed) {
                peak = peak.max(harness::rss_mb("self"));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        }
    });
    let began = Instant::now();
    let mut response = http
        .get(format!("{}/api/v1/account/export", server.base))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    let mut exported = 0usize;
    while let Some(chunk) = response.chunk().await.expect("export body") {
        exported += chunk.len();
    }
    let export_seconds = began.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    let peak_rss = sampler.join().expect("sampler");
    println!(
        "export: {candidates} candidates in {export_seconds:.2} s ({:.0} candidates/s), {:.0} MB of JSON; RSS {idle_rss:.0} MB before, peak {peak_rss:.0} MB during (+{:.0} MB)",
        candidates as f64 / export_seconds,
        exported as f64 / 1e6,
        peak_rss - idle_rss
    );

    let report = json!({
        "export_seconds": export_seconds,
        "export_bytes": exported,
        "export_rss_before_mb": idle_rss,
        "export_rss_peak_mb": peak_rss,
        "candidates": candidates,
        "database_bytes": db_bytes,
        "writes_alone": alone,
        "writes_during_backup": during,
        "throughput_ratio": ratio,
        "backups": taken.len(),
        "backup_seconds_mean": mean,
        "backup_seconds": durations,
        "backup_bytes": size,
    });
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-backup.json");
    let _ = std::fs::write(&out, serde_json::to_string_pretty(&report).expect("JSON"));
    server.shutdown().await;
}

fn print_phase(name: &str, l: &Latency) {
    println!(
        "{name}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms ({} requests, {} errors)",
        l.per_second, l.p50_ms, l.p99_ms, l.max_ms, l.requests, l.errors
    );
}
