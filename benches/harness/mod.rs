//! What both benchmarks share: the app started in-process on a temp data dir with the bench
//! account signed in, latency percentiles, and the CPU and memory of processes read from
//! /proc (Linux). Included by each benchmark as `mod harness;`; [`synth`] makes their data.

pub mod documents;
// Each benchmark uses a part of the load tools.
#[allow(dead_code)]
pub mod load;
pub mod synth;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hirebase::{App, Config};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";
const EMAIL: &str = "bench@hirebase.test";

/// The app, as `hirebase serve` builds it, on a temp data dir and a free port.
pub struct Running {
    #[allow(dead_code)]
    pub addr: SocketAddr,
    pub base: String,
    /// The bench account's bearer token and tenant (empty and 0 without an account).
    pub token: String,
    pub org_id: u64,
    pub dir: DataDir,
    #[allow(dead_code)]
    pub app_state: Arc<hirebase::app::AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Where a benchmark's server keeps its data: a temp dir, or one kept between runs.
pub enum DataDir {
    Temp(tempfile::TempDir),
    #[allow(dead_code)]
    Kept(PathBuf),
}

impl DataDir {
    pub fn path(&self) -> &Path {
        match self {
            DataDir::Temp(dir) => dir.path(),
            DataDir::Kept(dir) => dir,
        }
    }
}

impl From<tempfile::TempDir> for DataDir {
    fn from(dir: tempfile::TempDir) -> DataDir {
        DataDir::Temp(dir)
    }
}

/// A number from the environment (`_` allowed as a separator, `10_000`), or `default` when
/// unset; anything else stops the run.
pub fn env_num(key: &str, default: u64) -> u64 {
    match std::env::var(key) {
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{key} must be a number, got {v:?}")),
        Err(_) => default,
    }
}

pub fn bench_config(dir: &Path) -> Config {
    let mut config = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        log: "warn".into(),
        ..Config::default()
    };
    // The loads run far past per-person request limits and a one-hour token.
    config.rate_limit.enabled = false;
    config.auth.access_token_ttl_secs = 7 * 86_400;
    config.auth.session_ttl_secs = 7 * 86_400;
    // Documents are read by the built `hirebase`, as `serve` reads them with itself.
    config.extractor_program = Some(env!("CARGO_BIN_EXE_hirebase").into());
    config
}

/// Starts the app on `dir` (existing data or none) and waits until `/readyz` answers 200.
pub async fn serve(dir: impl Into<DataDir>) -> Running {
    serve_configured(dir, |_| {}).await
}

/// [`serve`] with the bench configuration adjusted first.
pub async fn serve_configured(
    dir: impl Into<DataDir>,
    adjust: impl FnOnce(&mut Config),
) -> Running {
    let dir = dir.into();
    let mut config = bench_config(dir.path());
    adjust(&mut config);
    let app = App::build(config).await.expect("app builds");
    let app_state = app.state().clone();
    let (acceptor, addr) = App::bind("127.0.0.1:0".parse().unwrap())
        .await
        .expect("bind");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run(acceptor, async move {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();
    for _ in 0..1000 {
        if http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Running {
        addr,
        base,
        token: String::new(),
        org_id: 0,
        dir,
        app_state,
        stop: Some(stop),
        task,
    }
}

/// [`serve`] on a fresh data dir, then registers the bench account and signs it in.
pub async fn serve_with_account(dir: impl Into<DataDir>) -> Running {
    serve_with_account_configured(dir, |_| {}).await
}

/// [`serve_with_account`] with the bench configuration adjusted first.
#[allow(dead_code)]
pub async fn serve_with_account_configured(
    dir: impl Into<DataDir>,
    adjust: impl FnOnce(&mut Config),
) -> Running {
    let running = serve_configured(dir, adjust).await;
    register(
        &reqwest::Client::new(),
        &running.base,
        EMAIL,
        "Bench Recruiting",
    )
    .await;
    signed_in(running).await
}

/// [`serve`] on a data dir that has the bench account already, signed in.
#[allow(dead_code)]
pub async fn serve_signed_in(dir: impl Into<DataDir>) -> Running {
    signed_in(serve(dir).await).await
}

async fn signed_in(mut running: Running) -> Running {
    let session = login(&reqwest::Client::new(), &running.base, EMAIL).await;
    running.token = session["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    running.org_id = session["user"]["org_id"].as_u64().expect("org_id");
    running
}

impl Running {
    /// Stops the server; returns its data dir and how long stopping took.
    pub async fn shutdown(mut self) -> (DataDir, Duration) {
        let started = Instant::now();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task
            .await
            .expect("server task")
            .expect("server stopped cleanly");
        (self.dir, started.elapsed())
    }
}

pub async fn register(http: &reqwest::Client, base: &str, email: &str, org: &str) {
    let r = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": PASSWORD, "org_name": org}))
        .send()
        .await
        .expect("register");
    assert_eq!(
        r.status(),
        201,
        "register: {}",
        r.text().await.unwrap_or_default()
    );
}

/// Signs in; returns the login response (`access_token`, `user`).
pub async fn login(http: &reqwest::Client, base: &str, email: &str) -> Value {
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 200, "login");
    r.json().await.expect("login body")
}

/// Latency and throughput of one phase.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub requests: usize,
    pub errors: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

/// `micros`: the latencies of the requests started in the window; `completed`: the responses
/// that arrived in it (the throughput).
pub fn latency(
    mut micros: Vec<u64>,
    completed: usize,
    errors: usize,
    elapsed: Duration,
) -> Latency {
    micros.sort_unstable();
    let at = |p: f64| -> f64 {
        if micros.is_empty() {
            return f64::NAN;
        }
        let i = ((micros.len() as f64 * p).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    let seconds = elapsed.as_secs_f64();
    Latency {
        requests: micros.len(),
        errors,
        seconds,
        per_second: completed as f64 / seconds,
        p50_ms: at(0.50),
        p90_ms: at(0.90),
        p99_ms: at(0.99),
        max_ms: micros.last().map_or(f64::NAN, |m| *m as f64 / 1000.0),
        mean_ms: if micros.is_empty() {
            f64::NAN
        } else {
            micros.iter().sum::<u64>() as f64 / micros.len() as f64 / 1000.0
        },
    }
}

/// [`latency`] of a closed loop: every timed request completed in the window.
#[allow(dead_code)]
pub fn latency_all(micros: Vec<u64>, errors: usize, elapsed: Duration) -> Latency {
    let completed = micros.len();
    latency(micros, completed, errors, elapsed)
}

/// A field of `/proc/<pid>/status` in kB (`VmRSS:`, `VmHWM:`); `pid` may be `self`.
pub fn status_kb(pid: &str, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)
                .and_then(|r| r.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[allow(dead_code)]
pub fn rss_mb(pid: &str) -> f64 {
    status_kb(pid, "VmRSS:") as f64 / 1024.0
}

/// utime + stime of a `/proc/.../stat` line, in clock ticks (1/100 s).
pub fn stat_ticks(stat: &str) -> u64 {
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Fields after the command name start at 3 (state); utime is 14, stime 15.
    ticks(14 - 3) + ticks(15 - 3)
}

/// CPU time a process has used (user + system), from /proc/<pid>/stat; `pid` may be `self`.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat_ticks(&stat) as f64 / 100.0
}

/// Waits (at most `max`) until this process is idle — the index's background merges after a
/// bulk load done — so a measurement sees the steady state, not the tail of populating.
/// Returns how long it waited.
#[allow(dead_code)] // not every benchmark loads in bulk
pub async fn settle(max: Duration) -> Duration {
    let started = Instant::now();
    while started.elapsed() < max {
        let before = cpu_seconds("self");
        tokio::time::sleep(Duration::from_secs(1)).await;
        if cpu_seconds("self") - before < 0.05 {
            break;
        }
    }
    started.elapsed()
}

/// CPU time the whole machine has spent busy (all processes), from /proc/stat.
pub fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(cpu) = stat.lines().next() else {
        return 0.0;
    };
    let v: Vec<f64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let busy: f64 = [0, 1, 2, 5, 6, 7].iter().filter_map(|&i| v.get(i)).sum();
    busy / 100.0
}

/// Imports `count` candidates through `POST /candidates/import` (500-row calls, 4 at a time),
/// each row made by `row` on a generator thread; asserts every row was created.
#[allow(dead_code)]
pub async fn import_candidates(
    server: &Running,
    count: usize,
    mut row: impl FnMut() -> Value + Send + 'static,
) {
    const BATCH: usize = 500;
    let (tx, rx) = tokio::sync::mpsc::channel::<Value>(8);
    let generator = std::thread::spawn(move || {
        let mut left = count;
        while left > 0 {
            let n = left.min(BATCH);
            let rows: Vec<Value> = (0..n).map(|_| row()).collect();
            left -= n;
            if tx.blocking_send(json!({ "rows": rows })).is_err() {
                break;
            }
        }
    });
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let rx = rx.clone();
        let (base, token) = (server.base.clone(), server.token.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut created = 0;
            while let Some(body) = { rx.lock().await.recv().await } {
                let r = http
                    .post(format!("{base}/api/v1/candidates/import"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .expect("import");
                let report: Value = r.json().await.expect("report");
                created += report["created"].as_u64().unwrap_or(0);
            }
            created
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += t.await.expect("import client");
    }
    generator.join().expect("generator");
    assert_eq!(created as usize, count, "every row is created");
}
