//! The load generator of the HTTP benchmarks, and where their CPU goes. It speaks HTTP/1.1
//! itself over keep-alive connections: requests are prepared bytes, and a response is read by
//! its `Content-Length` with only its status parsed (the body stays in the connection's buffer
//! for whoever wants it). Run it on a runtime of its own whose threads are named
//! [`LOAD_THREAD`], so [`CpuUse`] reports its CPU apart from the server's.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::runtime::Handle;

use super::{Latency, cpu_seconds, latency, machine_busy_seconds, stat_ticks};

/// The name of the load generator's threads.
pub const LOAD_THREAD: &str = "bench-load";

/// A runtime of `threads` threads named [`LOAD_THREAD`] for the load generator.
pub fn runtime(threads: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name(LOAD_THREAD)
        .enable_all()
        .build()
        .expect("load runtime")
}

/// The CPU clocks of this process, the machine and each of this process's threads at one instant.
pub struct CpuSnapshot {
    at: Instant,
    process: f64,
    machine: f64,
    /// Thread id → (thread name, ticks).
    threads: HashMap<u32, (String, u64)>,
}

/// CPU used over a window, in cores (CPU seconds per second).
#[derive(Debug, Clone, Serialize)]
pub struct CpuUse {
    pub this_process: f64,
    pub other_processes: f64,
    /// By thread name; threads that ended during the window are `(ended threads)`.
    pub threads: BTreeMap<String, f64>,
}

impl CpuSnapshot {
    pub fn take() -> CpuSnapshot {
        let mut threads = HashMap::new();
        for entry in std::fs::read_dir("/proc/self/task").into_iter().flatten() {
            let Ok(entry) = entry else { continue };
            let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let name = stat
                .split_once('(')
                .and_then(|(_, r)| r.rsplit_once(')'))
                .map_or("?", |(name, _)| name)
                .to_string();
            threads.insert(tid, (name, stat_ticks(&stat)));
        }
        CpuSnapshot {
            at: Instant::now(),
            process: cpu_seconds("self"),
            machine: machine_busy_seconds(),
            threads,
        }
    }

    pub fn since(&self, before: &CpuSnapshot) -> CpuUse {
        let wall = self.at.duration_since(before.at).as_secs_f64();
        let process = self.process - before.process;
        let mut threads = BTreeMap::<String, f64>::new();
        for (tid, (name, ticks)) in &self.threads {
            let earlier = before.threads.get(tid).map_or(0, |(_, t)| *t);
            *threads.entry(name.clone()).or_default() +=
                ticks.saturating_sub(earlier) as f64 / 100.0;
        }
        let ended = process - threads.values().sum::<f64>();
        if ended >= 0.01 {
            threads.insert("(ended threads)".into(), ended);
        }
        threads.retain(|_, s| *s >= 0.01);
        CpuUse {
            this_process: process / wall,
            other_processes: ((self.machine - before.machine) - process).max(0.0) / wall,
            threads: threads.into_iter().map(|(n, s)| (n, s / wall)).collect(),
        }
    }
}

impl CpuUse {
    pub fn thread(&self, name: &str) -> f64 {
        self.threads.get(name).copied().unwrap_or(0.0)
    }

    pub fn describe(&self) -> String {
        let mut threads: Vec<_> = self.threads.iter().collect();
        threads.sort_by(|a, b| b.1.total_cmp(a.1));
        let threads: Vec<String> = threads.iter().map(|(n, c)| format!("{n} {c:.2}")).collect();
        format!(
            "this process {:.2} cores ({}), other processes {:.2}",
            self.this_process,
            threads.join(", "),
            self.other_processes
        )
    }
}

/// One keep-alive HTTP/1.1 connection. Requests are prepared bytes; a response is read up
/// to the end of its body, by its `Content-Length`, and only its status is parsed.
pub struct Conn {
    addr: SocketAddr,
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            addr,
            stream,
            buf: Vec::with_capacity(16 * 1024),
        })
    }

    /// Sends `request` and reads the whole response; returns its status code.
    pub async fn call(&mut self, request: &[u8]) -> std::io::Result<u16> {
        self.stream.write_all(request).await?;
        self.buf.clear();
        let head_end = loop {
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
        };
        let head = &self.buf[..head_end];
        let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what);
        let status = std::str::from_utf8(head.get(9..12).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| invalid("no status line"))?;
        let length = head.split(|&b| b == b'\n').find_map(|line| {
            let (name, value) = line.split_at(line.iter().position(|&b| b == b':')?);
            if !name.eq_ignore_ascii_case(b"content-length") {
                return None;
            }
            std::str::from_utf8(&value[1..]).ok()?.trim().parse().ok()
        });
        let length: usize = match (length, status) {
            (Some(n), _) => n,
            (None, 204 | 304) => 0,
            (None, _) => return Err(invalid("a response without Content-Length")),
        };
        while self.buf.len() < head_end + length {
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(status)
    }

    /// The body of the last response.
    #[allow(dead_code)]
    pub fn body(&self) -> &[u8] {
        let end = self.buf.windows(4).position(|w| w == b"\r\n\r\n");
        end.map_or(&[][..], |end| &self.buf[end + 4..])
    }

    /// The last response, for an error message.
    pub fn last_response(&self) -> String {
        String::from_utf8_lossy(&self.buf[..self.buf.len().min(400)]).replace("\r\n", " | ")
    }
}

/// Prepared request bytes, as a client sends them.
pub fn request(
    method: &str,
    path: &str,
    addr: SocketAddr,
    token: Option<&str>,
    json: Option<&str>,
) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    if let Some(token) = token {
        let _ = write!(r, "Authorization: Bearer {token}\r\n");
    }
    match json {
        Some(body) => {
            let _ = write!(
                r,
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
        None => r.push_str("\r\n"),
    }
    r.into_bytes()
}

/// One client of a load: its requests, sent in turn from `first` on, one at a time.
pub struct ClientSpec {
    pub requests: Arc<Vec<Vec<u8>>>,
    pub first: usize,
}

pub struct Load {
    pub name: &'static str,
    pub clients: Vec<ClientSpec>,
    pub expect: u16,
    /// `None`: a closed loop (the next request as soon as the answer is in); `Some(p)`: one
    /// request per period `p` per client.
    pub pace: Option<Duration>,
}

#[derive(Clone)]
struct Clock {
    measuring: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

#[derive(Default)]
struct Samples {
    micros: Vec<u64>,
    completed: usize,
    errors: usize,
}

async fn client(
    name: &'static str,
    addr: SocketAddr,
    spec: ClientSpec,
    expect: u16,
    pace: Option<(Duration, Duration)>,
    clock: Clock,
) -> Samples {
    let mut samples = Samples {
        micros: Vec::with_capacity(1 << 16),
        ..Samples::default()
    };
    let mut conn = match Conn::open(addr).await {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("{name}: cannot connect: {e}");
            samples.errors += 1;
            return samples;
        }
    };
    let mut ticks = match pace {
        Some((period, offset)) => {
            // Staggered, so that the paced clients do not send in bursts.
            tokio::time::sleep(offset).await;
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            Some(ticks)
        }
        None => None,
    };
    let mut shown = 0;
    let mut i = spec.first;
    while !clock.stop.load(Ordering::Relaxed) {
        if let Some(ticks) = ticks.as_mut() {
            ticks.tick().await;
        }
        let timed = clock.measuring.load(Ordering::Relaxed);
        let started = Instant::now();
        let outcome = conn.call(&spec.requests[i % spec.requests.len()]).await;
        let micros = started.elapsed().as_micros() as u64;
        i += 1;
        let in_window =
            clock.measuring.load(Ordering::Relaxed) && !clock.stop.load(Ordering::Relaxed);
        match outcome {
            Ok(status) if status == expect => {
                if timed {
                    samples.micros.push(micros);
                }
                if in_window {
                    samples.completed += 1;
                }
            }
            outcome => {
                if shown < 3 {
                    shown += 1;
                    match &outcome {
                        Ok(status) => eprintln!("{name}: {status}: {}", conn.last_response()),
                        Err(e) => eprintln!("{name}: {e}"),
                    }
                }
                if timed {
                    samples.errors += 1;
                }
                if outcome.is_err() {
                    match Conn::open(conn.addr).await {
                        Ok(fresh) => conn = fresh,
                        Err(_) => break,
                    }
                }
            }
        }
    }
    samples
}

/// Runs a load on the load runtime: `warmup` unmeasured, then `measure` measured. Returns
/// the latencies and the CPU this process used over the measured window.
pub async fn drive(
    load_rt: &Handle,
    addr: SocketAddr,
    load: Load,
    warmup: Duration,
    measure: Duration,
) -> (Latency, CpuUse) {
    let clock = Clock {
        measuring: Arc::new(AtomicBool::new(false)),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let count = load.clients.len() as u32;
    let mut tasks = Vec::new();
    for (n, spec) in load.clients.into_iter().enumerate() {
        let pace = load.pace.map(|p| (p, p * n as u32 / count));
        tasks.push(load_rt.spawn(client(
            load.name,
            addr,
            spec,
            load.expect,
            pace,
            clock.clone(),
        )));
    }
    tokio::time::sleep(warmup).await;
    let before = CpuSnapshot::take();
    clock.measuring.store(true, Ordering::Relaxed);
    tokio::time::sleep(measure).await;
    clock.stop.store(true, Ordering::Relaxed);
    let after = CpuSnapshot::take();
    let elapsed = after.at.duration_since(before.at);
    let (mut micros, mut completed, mut errors) = (Vec::new(), 0, 0);
    for task in tasks {
        let s = task.await.expect("load client");
        micros.extend(s.micros);
        completed += s.completed;
        errors += s.errors;
    }
    (
        latency(micros, completed, errors, elapsed),
        after.since(&before),
    )
}

/// `clients` clients over the same requests, each starting at a different one.
pub fn spread(requests: &Arc<Vec<Vec<u8>>>, clients: usize) -> Vec<ClientSpec> {
    (0..clients)
        .map(|n| ClientSpec {
            requests: requests.clone(),
            first: n * requests.len() / clients,
        })
        .collect()
}

/// One client per `per_client` applications, each moving only its own between `screening`
/// and `interview`, so every request is a real stage change and no two clients touch the
/// same record.
pub fn stage_changers(
    applications: &[u64],
    per_client: usize,
    addr: SocketAddr,
    token: &str,
) -> Vec<ClientSpec> {
    applications
        .chunks(per_client)
        .map(|own| {
            let requests = ["screening", "interview"]
                .iter()
                .flat_map(|stage| {
                    let body = format!("{{\"status\":\"{stage}\"}}");
                    own.iter()
                        .map(|id| {
                            request(
                                "PATCH",
                                &format!("/api/v1/applications/{id}"),
                                addr,
                                Some(token),
                                Some(&body),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            ClientSpec {
                requests: Arc::new(requests),
                first: 0,
            }
        })
        .collect()
}
