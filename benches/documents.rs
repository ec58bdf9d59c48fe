//! Documents: text extraction throughput (resumes per second, PDF and DOCX, each read in its
//! own child process, at most one per core) and a bulk upload of 1,000 resumes through
//! `POST /api/v1/agent/candidates/from_resume` (extraction, parsing, the candidate, the
//! stored file and its search text, durable when answered), 4 clients.
//!
//! Environment: `HIREBASE_BENCH_RESUMES` (default 1000) for the bulk upload,
//! `HIREBASE_BENCH_EXTRACT` (default 200) documents of each kind for the throughput.

mod harness;

use std::sync::Arc;
use std::time::{Duration, Instant};

use harness::documents;
use hirebase::domain::documents::DocKind;
use hirebase::domain::documents::sandbox::{Extractor, Limits};
use serde_json::json;

const CLIENTS: usize = 4;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let num = |key: &str, default: u64| harness::env_num(key, default) as usize;
    runtime.block_on(async {
        extraction(num("HIREBASE_BENCH_EXTRACT", 200)).await;
        bulk_upload(num("HIREBASE_BENCH_RESUMES", 1000)).await;
    });
}

async fn extraction(n: usize) {
    let extractor = Extractor::new(env!("CARGO_BIN_EXE_hirebase").into(), Limits::default());
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!(
        "text extraction: {n} resumes of each kind, {cores} cores, one child process per document"
    );
    for (kind, render) in [
        (DocKind::Pdf, documents::pdf as fn(&str) -> Vec<u8>),
        (DocKind::Docx, documents::docx),
    ] {
        let docs: Vec<Arc<Vec<u8>>> = (0..n)
            .map(|i| Arc::new(render(&documents::resume_text(i))))
            .collect();
        let bytes: usize = docs.iter().map(|d| d.len()).sum();
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for doc in docs {
            let extractor = extractor.clone();
            tasks.spawn(async move {
                let t = Instant::now();
                let text = extractor.text(kind, doc, "resume").await.expect("read");
                assert!(text.contains("Experience"), "{text}");
                t.elapsed()
            });
        }
        let mut micros: Vec<u64> = Vec::with_capacity(n);
        while let Some(took) = tasks.join_next().await {
            micros.push(took.expect("task").as_micros() as u64);
        }
        let elapsed = started.elapsed();
        let lat = harness::latency_all(micros, 0, elapsed);
        println!(
            "  {kind:<4}  {:>7.1} resumes/s   (avg {:.1} KB; wall {:.2} s; per document incl. queueing p50 {:.1} ms, p99 {:.1} ms)",
            n as f64 / elapsed.as_secs_f64(),
            bytes as f64 / n as f64 / 1024.0,
            elapsed.as_secs_f64(),
            lat.p50_ms,
            lat.p99_ms,
        );
    }
}

async fn bulk_upload(n: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = harness::serve_with_account(dir).await;
    let files: Arc<Vec<(String, Vec<u8>)>> = Arc::new(
        (0..n)
            .map(|i| {
                let text = documents::resume_text(i);
                if i % 2 == 0 {
                    (format!("resume-{i}.pdf"), documents::pdf(&text))
                } else {
                    (format!("resume-{i}.docx"), documents::docx(&text))
                }
            })
            .collect(),
    );
    let http = reqwest::Client::new();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (files, next, http) = (files.clone(), next.clone(), http.clone());
        let (base, token) = (server.base.clone(), server.token.clone());
        clients.spawn(async move {
            let mut micros = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((name, bytes)) = files.get(i) else {
                    return (micros, errors);
                };
                let form = reqwest::multipart::Form::new().part(
                    "resume",
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone()),
                );
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/v1/agent/candidates/from_resume"))
                    .bearer_auth(&token)
                    .multipart(form)
                    .send()
                    .await
                    .expect("sent");
                let status = r.status();
                let body = r.bytes().await.unwrap_or_default();
                micros.push(t.elapsed().as_micros() as u64);
                if status != 200 {
                    if errors < 3 {
                        eprintln!(
                            "  {name}: {status} {}",
                            String::from_utf8_lossy(&body[..body.len().min(300)])
                        );
                    }
                    errors += 1;
                }
            }
        });
    }
    let mut micros = Vec::with_capacity(n);
    let mut errors = 0;
    while let Some(done) = clients.join_next().await {
        let (m, e) = done.expect("client");
        micros.extend(m);
        errors += e;
    }
    let elapsed = started.elapsed();
    let lat = harness::latency_all(micros, errors, elapsed);
    // Every resume made its candidate, searchable by a word of its text.
    let total = candidates_total(&http, &server, "").await;
    let found = candidates_total(&http, &server, "&q=thousands").await;
    println!(
        "bulk upload: {n} resumes (half PDF, half DOCX) through from_resume, {CLIENTS} clients: {:.1} resumes/s, wall {:.1} s, p50 {:.1} ms, p99 {:.1} ms, errors {errors}; candidates {total}, found by a resume-only word {found}",
        n as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        lat.p50_ms,
        lat.p99_ms,
    );
    println!(
        "{}",
        json!({"resumes": n, "clients": CLIENTS, "latency": lat})
    );
    let _ = server.shutdown().await;
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// `total` of `GET /candidates?limit=1{filter}`.
async fn candidates_total(http: &reqwest::Client, server: &harness::Running, filter: &str) -> u64 {
    http.get(format!("{}/api/v1/candidates?limit=1{filter}", server.base))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("list")
        .json::<serde_json::Value>()
        .await
        .expect("json")["total"]
        .as_u64()
        .unwrap_or(0)
}
