//! The rate limiter's overhead on authenticated `GET /api/v1/jobs/{id}` (64 keep-alive
//! connections, closed loop), in one run: two servers built alike but for
//! `[rate_limit] enabled`, measured in turn — off, on, off, on — so drift hits both. The
//! bench account is an org_admin (the company tier), whose limit is raised so that nothing
//! is refused: what is measured is the cost of resolving the tier and counting.
//!
//! Environment: `HIREBASE_BENCH_SECONDS` per measured phase (default 5),
//! `HIREBASE_BENCH_LOAD_THREADS` (default 1).

mod harness;

use std::sync::Arc;
use std::time::Duration;

use harness::load::{CpuUse, LOAD_THREAD, Load, drive, request, spread};
use harness::{Latency, Running as Server};
use serde_json::json;

const JOBS: usize = 100;
const CONNECTIONS: usize = 64;
const ROUNDS: usize = 2;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let num = harness::env_num;
    let seconds = num("HIREBASE_BENCH_SECONDS", 5).max(1);
    let load_rt = harness::load::runtime(num("HIREBASE_BENCH_LOAD_THREADS", 1).max(1) as usize);
    runtime.block_on(run(seconds, load_rt.handle().clone()));
}

async fn with_jobs(server: &Server) -> Arc<Vec<Vec<u8>>> {
    let http = reqwest::Client::new();
    let mut reads = Vec::with_capacity(JOBS);
    for i in 0..JOBS {
        let r = http
            .post(format!("{}/api/v1/jobs", server.base))
            .bearer_auth(&server.token)
            .json(&json!({"title": format!("Job {i}"), "description": "Reads for the rate-limit bench.", "skills": ["rust", "sql"]}))
            .send()
            .await
            .expect("create job");
        assert_eq!(r.status(), 201);
        let id = r.json::<serde_json::Value>().await.expect("job")["id"]
            .as_u64()
            .expect("id");
        reads.push(request(
            "GET",
            &format!("/api/v1/jobs/{id}"),
            server.addr,
            Some(&server.token),
            None,
        ));
    }
    Arc::new(reads)
}

fn micros_per_request(l: &Latency, cpu: &CpuUse) -> f64 {
    (cpu.this_process - cpu.thread(LOAD_THREAD)) / l.per_second * 1e6
}

async fn run(seconds: u64, load_rt: tokio::runtime::Handle) {
    let off = harness::serve_with_account(tempfile::tempdir().expect("tempdir")).await;
    let on = harness::serve_with_account_configured(tempfile::tempdir().expect("tempdir"), |c| {
        c.rate_limit.enabled = true;
        c.rate_limit.company_rpm = 1_000_000_000;
    })
    .await;
    let reads = [("off", with_jobs(&off).await), ("on", with_jobs(&on).await)];
    // The limiter is really at work on the second server.
    let probe = reqwest::Client::new()
        .get(format!("{}/api/v1/jobs", on.base))
        .bearer_auth(&on.token)
        .send()
        .await
        .expect("probe");
    assert_eq!(
        probe
            .headers()
            .get("x-ratelimit-limit")
            .and_then(|v| v.to_str().ok()),
        Some("1000000000"),
        "the limited server counts requests"
    );
    println!(
        "rate limiter overhead: GET /jobs/{{id}}, {CONNECTIONS} connections, {seconds} s per phase, {ROUNDS} rounds"
    );
    let servers = [&off, &on];
    let mut results: Vec<(&str, Latency, f64)> = Vec::new();
    for round in 0..ROUNDS {
        for (i, (name, reads)) in reads.iter().enumerate() {
            let (latency, cpu) = drive(
                &load_rt,
                servers[i].addr,
                Load {
                    name: "GET /jobs/{id}",
                    clients: spread(reads, CONNECTIONS),
                    expect: 200,
                    pace: None,
                },
                Duration::from_secs(1),
                Duration::from_secs(seconds),
            )
            .await;
            let micros = micros_per_request(&latency, &cpu);
            println!(
                "  round {} limiter {name:>3}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, server CPU {:.0} µs/request ({} errors)",
                round + 1,
                latency.per_second,
                latency.p50_ms,
                latency.p99_ms,
                micros,
                latency.errors
            );
            results.push((name, latency, micros));
        }
    }
    let mean = |which: &str, f: &dyn Fn(&Latency, f64) -> f64| {
        let v: Vec<f64> = results
            .iter()
            .filter(|(n, _, _)| *n == which)
            .map(|(_, l, m)| f(l, *m))
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let rps = |w| mean(w, &|l, _| l.per_second);
    let p99 = |w| mean(w, &|l, _| l.p99_ms);
    let cpu = |w| mean(w, &|_, m| m);
    println!(
        "mean: off {:.0} req/s (p99 {:.2} ms, {:.0} µs CPU), on {:.0} req/s (p99 {:.2} ms, {:.0} µs CPU): throughput {:+.1}%, CPU per request {:+.1}%",
        rps("off"),
        p99("off"),
        cpu("off"),
        rps("on"),
        p99("on"),
        cpu("on"),
        (rps("on") / rps("off") - 1.0) * 100.0,
        (cpu("on") / cpu("off") - 1.0) * 100.0,
    );
    let _ = off.shutdown().await;
    let _ = on.shutdown().await;
}
