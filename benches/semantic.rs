//! The semantic benchmark of issue 13 (DESIGN §6):
//!
//! 1. Embedding throughput in-process: synthetic candidates' texts (title, headline, skills,
//!    notes) tokenised, looked up, mean-pooled and normalised, on 1 thread and on every core.
//! 2. hirebase in-process on a temp data dir, one tenant of N candidates imported through the
//!    API (500-row calls, vectors computed in the import's transactions).
//! 3. `GET /candidates?q=…&mode=semantic&limit=20` (BM25 + exact top-k by cosine, fused) at
//!    8 keep-alive clients, closed loop, against `mode=keyword` on the same queries, same run.
//! 4. The vectors' memory (bytes per candidate, measured; 1,000,000 extrapolated unless N is
//!    that large) and the process's RSS. A summary goes to `target/bench-semantic.json`.
//!
//! Environment: `HIREBASE_BENCH_CANDIDATES` (default 100000), `HIREBASE_BENCH_SECONDS` per
//! measured phase (default 10).

mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use hirebase::domain::candidates;
use hirebase::search::Kind;
use poem_openapi::types::ToJSON;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde::Serialize;
use serde_json::Value;

use harness::load::{Load, drive, request, runtime, spread};
use harness::synth::{Synth, queries};
use harness::{Latency, machine_busy_seconds, rss_mb, settle};

const SEED: u64 = 0x6d65_616e;
const CLIENTS: usize = 8;

fn env(name: &str, default: usize) -> usize {
    harness::env_num(name, default as u64) as usize
}

#[derive(Serialize)]
struct Embedding {
    texts: usize,
    mean_chars: f64,
    one_thread_per_second: f64,
    all_cores_per_second: f64,
    cores: usize,
}

/// Embeds `count` synthetic candidates' texts on 1 thread, then split over every core.
fn embedding(count: usize, cores: usize) -> Embedding {
    let mut synth = Synth::new(SEED);
    let texts: Vec<String> = (0..count)
        .map(|i| {
            let mut c = synth.candidate().into_candidate(1, "bench");
            c.id = i as u64 + 1;
            hirebase::semantic::text_of(Kind::Candidate, &candidates::doc(&c))
        })
        .collect();
    hirebase::semantic::model();
    let run = |texts: &[String]| {
        texts
            .iter()
            .filter(|t| hirebase::semantic::embed(t).is_some())
            .count()
    };
    let started = Instant::now();
    let embedded = run(&texts);
    let one = count as f64 / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let chunk = count.div_ceil(cores);
    let all: usize = std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || run(part)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    let many = count as f64 / started.elapsed().as_secs_f64();
    assert_eq!(embedded, all);
    Embedding {
        texts: count,
        mean_chars: texts.iter().map(String::len).sum::<usize>() as f64 / count as f64,
        one_thread_per_second: one,
        all_cores_per_second: many,
        cores,
    }
}

#[derive(Serialize)]
struct Summary {
    candidates: usize,
    embedding: Embedding,
    import_per_second: f64,
    semantic: Latency,
    keyword: Latency,
    machine_busy_cores: [f64; 2],
    /// Loading the tenant's vectors from redb on its first semantic query.
    first_query_ms: f64,
    scan: Scan,
    vectors_in_memory: usize,
    vector_bytes_per_candidate: f64,
    vectors_mb_at_1m: f64,
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
    let count = env("HIREBASE_BENCH_CANDIDATES", 100_000);
    let seconds = Duration::from_secs(env("HIREBASE_BENCH_SECONDS", 10) as u64);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("hirebase semantic benchmark: {count} candidates in one tenant; {cores} cores");

    let embedding = tokio::task::block_in_place(|| embedding(20_000, cores));
    println!(
        "  embedding: {:.0}/s on 1 thread, {:.0}/s on {cores} ({} texts of {:.0} chars on average)",
        embedding.one_thread_per_second,
        embedding.all_cores_per_second,
        embedding.texts,
        embedding.mean_chars
    );

    let server = harness::serve_with_account(tempfile::tempdir().expect("temp dir")).await;
    let started = Instant::now();
    let mut synth = Synth::new(SEED ^ 1);
    harness::import_candidates(&server, count, move || {
        synth.candidate().to_json().expect("a candidate is JSON")
    })
    .await;
    let import_per_second = count as f64 / started.elapsed().as_secs_f64();
    println!("  imported at {import_per_second:.0}/s");
    let waited = settle(Duration::from_secs(300)).await;
    println!("  index merges settled in {:.1} s", waited.as_secs_f64());

    let http = reqwest::Client::new();
    let started = Instant::now();
    let first = http
        .get(format!(
            "{}/api/v1/candidates?q=backend%20engineer&mode=semantic&limit=3",
            server.base
        ))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("first query");
    let first_query_ms = started.elapsed().as_secs_f64() * 1e3;
    let sample: Value = first.json().await.expect("json");
    println!(
        "  first semantic query (loads the tenant's vectors) {first_query_ms:.0} ms: {} of {}",
        sample["items"][0]["headline"], sample["total"]
    );
    let (vectors, bytes) = server.app_state.indexer.shelves.usage();
    assert_eq!(vectors, count, "every candidate has a vector");

    let mut rng = StdRng::seed_from_u64(SEED ^ 2);
    let texts: Vec<String> = queries(SEED ^ 3, 2_000)
        .into_iter()
        .map(|q| q.exact)
        .collect();
    let requests = |mode: &str, rng: &mut StdRng| -> Arc<Vec<Vec<u8>>> {
        Arc::new(
            (0..4_000)
                .map(|_| {
                    let q: String =
                        url::form_urlencoded::byte_serialize(texts.choose(rng).unwrap().as_bytes())
                            .collect();
                    let path = format!("/api/v1/candidates?q={q}&mode={mode}&limit=20");
                    request("GET", &path, server.addr, Some(&server.token), None)
                })
                .collect(),
        )
    };
    let scan = tokio::task::block_in_place(|| scan(&server, &texts));
    println!(
        "  the exact top 100 by meaning in-process, every row scored: {:.3} ms on 1 thread, {:.3} ms each on {cores} at once",
        scan.one_thread_ms, scan.all_cores_ms
    );
    let load_rt = runtime(2);
    let mut measured = Vec::new();
    let mut busy_cores = [0.0; 2];
    for (i, mode) in ["semantic", "keyword"].into_iter().enumerate() {
        let busy = machine_busy_seconds();
        let at = Instant::now();
        let (latency, _) = drive(
            load_rt.handle(),
            server.addr,
            Load {
                name: mode,
                clients: spread(&requests(mode, &mut rng), CLIENTS),
                expect: 200,
                pace: None,
            },
            Duration::from_secs(2),
            seconds,
        )
        .await;
        busy_cores[i] = (machine_busy_seconds() - busy) / at.elapsed().as_secs_f64();
        measured.push(latency);
    }
    let keyword = measured.pop().unwrap();
    let semantic = measured.pop().unwrap();
    let per = bytes as f64 / vectors as f64;
    let summary = Summary {
        candidates: count,
        embedding,
        import_per_second,
        semantic,
        keyword,
        machine_busy_cores: busy_cores,
        first_query_ms,
        scan,
        vectors_in_memory: vectors,
        vector_bytes_per_candidate: per,
        vectors_mb_at_1m: per * 1e6 / (1 << 20) as f64,
        rss_mb: rss_mb("self"),
    };
    let row = |name: &str, l: &Latency| {
        println!(
            "{name:<10} {:>8.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  errors {}",
            l.per_second, l.p50_ms, l.p99_ms, l.max_ms, l.errors
        )
    };
    println!("\n== candidate search, top 20, {CLIENTS} clients through HTTP, {count} candidates");
    row("semantic", &summary.semantic);
    row("keyword", &summary.keyword);
    println!(
        "machine busy: {:.2} / {:.2} cores; vectors in memory: {} ({:.0} bytes each, {:.0} MB at 1,000,000); RSS {:.0} MB",
        summary.machine_busy_cores[0],
        summary.machine_busy_cores[1],
        summary.vectors_in_memory,
        summary.vector_bytes_per_candidate,
        summary.vectors_mb_at_1m,
        summary.rss_mb
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-semantic.json");
    let _ = std::fs::create_dir_all(out.parent().unwrap());
    std::fs::write(&out, serde_json::to_string_pretty(&summary).unwrap()).expect("summary");
    println!("summary: {}", out.display());
    server.shutdown().await;
    load_rt.shutdown_background();
}

/// The nearest 100 of the tenant's candidates for each of 200 queries, in-process (what a
/// query by meaning does, without the keyword side and the HTTP): on 1 thread, then on every
/// core at once (the rows are read from memory by every query: its bandwidth is shared).
fn scan(server: &harness::Running, texts: &[String]) -> Scan {
    let shelves = &server.app_state.indexer.shelves;
    let shelf = shelves
        .loaded(Kind::Candidate, server.org_id)
        .expect("the tenant's vectors are loaded");
    let shelf = shelf.read().unwrap();
    let queries: Vec<_> = texts
        .iter()
        .filter_map(|t| hirebase::semantic::embed(t))
        .take(200)
        .collect();
    let run = |queries: &[hirebase::semantic::Quantized]| {
        let at = Instant::now();
        for q in queries {
            assert_eq!(shelf.top(q, 100, |_| true).len(), 100);
        }
        at.elapsed().as_secs_f64() * 1e3 / queries.len() as f64
    };
    let one_thread_ms = run(&queries);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let all_cores_ms = std::thread::scope(|s| {
        let handles: Vec<_> = (0..cores).map(|_| s.spawn(|| run(&queries))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum::<f64>() / cores as f64
    });
    Scan {
        one_thread_ms,
        all_cores_ms,
    }
}

#[derive(Serialize)]
struct Scan {
    one_thread_ms: f64,
    /// Each query's time when every core runs them at once.
    all_cores_ms: f64,
}
