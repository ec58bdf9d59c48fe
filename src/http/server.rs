//! The HTTP server loop: poem's endpoint on hyper connections, with the limits poem's own
//! `Server` lacks (its only timeout is reset by every byte, so a client dribbling a request
//! head keeps a connection forever, and it has no connection cap):
//!
//! - header-read timeout: a request head must be complete this long after its first byte;
//! - idle timeout: a connection waiting for its first request, or for the next one after a
//!   response, is closed after this long;
//! - connection cap: once it is reached, the connection idle the longest is closed to make
//!   room, and accepting pauses while every connection is busy. Silent connections can then
//!   neither lock real clients out nor use up the open-file limit.
//!
//! A connection is busy from the moment its request head is parsed until hyper has taken the
//! last byte of the response body; only a connection with no request in flight is ever timed
//! out or closed to make room.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use poem::http::uri::Scheme;
use poem::listener::{Acceptor, TcpAcceptor};
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Endpoint, EndpointExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};

use crate::config::LimitsConfig;

/// How long a connection asked to close may take to hand over what hyper still holds.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// At most one "cap reached" warning per this long.
const CAP_WARNING_EVERY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
}

impl From<&LimitsConfig> for Limits {
    fn from(c: &LimitsConfig) -> Limits {
        Limits {
            max_connections: c.max_connections as usize,
            header_read_timeout: Duration::from_secs(c.header_read_timeout_secs),
            idle_timeout: Duration::from_secs(c.idle_timeout_secs),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Serving,
    /// Shutting down: requests in flight finish, then their connections close.
    Draining,
    /// The grace period is over: every connection closes now.
    Stopped,
}

/// Serves `endpoint` on `acceptor` until `shutdown` resolves, then lets requests in flight
/// finish for up to `grace`.
pub async fn serve(
    mut acceptor: TcpAcceptor,
    endpoint: impl Endpoint + 'static,
    mut limits: Limits,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> io::Result<()> {
    limits.max_connections = fit_open_file_limit(limits.max_connections);
    let endpoint = Arc::new(endpoint.map_to_response());
    let conns = Arc::new(Connections::new(limits));
    let (stage, stage_rx) = watch::channel(Stage::Serving);
    tokio::pin!(shutdown);
    let mut accept_failing = false;
    'serve: loop {
        // Over the cap (a connection was asked to make room, or all are busy): new clients
        // wait in the kernel's backlog until one closes.
        while conns.len() > conns.limits.max_connections {
            tokio::select! {
                _ = &mut shutdown => break 'serve,
                _ = conns.closed.notified() => {}
            }
        }
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = acceptor.accept() => accepted,
        };
        let accepted = match accepted {
            Ok(accepted) => {
                accept_failing = false;
                accepted
            }
            Err(e) => {
                // Out of file descriptors, say: back off rather than spin on the error.
                if !accept_failing {
                    tracing::warn!(error = %e, "accepting a connection failed");
                }
                accept_failing = true;
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Registered here, not in the task, so that the cap counts it before the next accept.
        let conn = conns.open();
        tokio::spawn(serve_connection(
            conns.clone(),
            conn,
            endpoint.clone(),
            accepted,
            stage_rx.clone(),
        ));
    }
    drop(acceptor);
    stage.send_replace(Stage::Draining);
    if tokio::time::timeout(grace, conns.wait_empty())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {grace:?}: closing their connections");
        stage.send_replace(Stage::Stopped);
        conns.wait_empty().await;
    }
    Ok(())
}

type Accepted = (TcpStream, LocalAddr, RemoteAddr, Scheme);

async fn serve_connection<E: Endpoint<Output = poem::Response> + 'static>(
    conns: Arc<Connections>,
    conn: Arc<Conn>,
    endpoint: Arc<E>,
    (io, local, remote, scheme): Accepted,
    stage: watch::Receiver<Stage>,
) {
    let _registered = Registered(&conns, &conn);
    let service = hyper::service::service_fn(|req: hyper::Request<Incoming>| {
        let busy = Busy::start(&conn);
        let endpoint = endpoint.clone();
        let req = poem::Request::from((req, local.clone(), remote.clone(), scheme.clone()));
        async move {
            let response: hyper::Response<_> = endpoint.get_response(req).await.into();
            Ok::<_, Infallible>(response.map(|body| BusyBody { body, _busy: busy }))
        }
    });
    let io = TokioIo::new(Watched {
        io,
        conn: conn.clone(),
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http2()
        .max_pending_accept_reset_streams(Some(20))
        .max_header_list_size(16 * 1024);
    let connection = builder.serve_connection_with_upgrades(io, service);
    conns
        .drive(&conn, connection, stage, |c| c.graceful_shutdown())
        .await;
}

/// Unregisters a connection when its task ends, however it ends.
struct Registered<'a>(&'a Connections, &'a Conn);

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.0.close(self.1);
    }
}

/// The open connections, for the cap and the choice of which one makes room.
struct Connections {
    limits: Limits,
    epoch: Instant,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    /// Signalled whenever a connection closes.
    closed: Notify,
    last_cap_warning: Mutex<Option<Instant>>,
}

struct Conn {
    id: u64,
    epoch: Instant,
    in_flight: AtomicU32,
    /// When the connection last became idle: accepted, or its last response handed over
    /// (milliseconds since `epoch`, plus one).
    idle_since: AtomicU64,
    /// When the first byte of the next request arrived (same clock; 0: none yet).
    head_since: AtomicU64,
    /// Asked to close to make room under the cap.
    evicted: AtomicBool,
    evict: Notify,
}

impl Conn {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64 + 1
    }

    fn at(&self, millis: u64, after: Duration) -> tokio::time::Instant {
        let at = self.epoch + Duration::from_millis(millis - 1) + after;
        tokio::time::Instant::from_std(at)
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) == 0
    }

    /// Part of a request head has arrived, and nothing is being served.
    fn partial_head(&self) -> bool {
        self.idle() && self.head_since.load(Ordering::Relaxed) != 0
    }

    /// When this connection must close if nothing changes, and when to look again.
    fn deadline(&self, limits: &Limits) -> (Option<tokio::time::Instant>, tokio::time::Instant) {
        let now = tokio::time::Instant::now();
        if !self.idle() {
            return (
                None,
                now + limits.header_read_timeout.min(limits.idle_timeout),
            );
        }
        let head = self.head_since.load(Ordering::Relaxed);
        if head != 0 {
            let deadline = self.at(head, limits.header_read_timeout);
            return (Some(deadline), deadline);
        }
        let deadline = self.at(self.idle_since.load(Ordering::Relaxed), limits.idle_timeout);
        // A request may start before then; its head deadline is at least this far away.
        (
            Some(deadline),
            deadline.min(now + limits.header_read_timeout),
        )
    }
}

impl Connections {
    fn new(limits: Limits) -> Connections {
        Connections {
            limits,
            epoch: Instant::now(),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            closed: Notify::new(),
            last_cap_warning: Mutex::new(None),
        }
    }

    fn len(&self) -> usize {
        self.open.lock().expect("connections").len()
    }

    /// Registers a new connection; past the cap, asks the longest-idle one to close.
    fn open(&self) -> Arc<Conn> {
        let conn = Arc::new(Conn {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            epoch: self.epoch,
            in_flight: AtomicU32::new(0),
            idle_since: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            evicted: AtomicBool::new(false),
            evict: Notify::new(),
        });
        conn.idle_since.store(conn.now(), Ordering::Relaxed);
        let mut open = self.open.lock().expect("connections");
        open.insert(conn.id, conn.clone());
        if open.len() > self.limits.max_connections {
            let victim = open
                .values()
                .filter(|c| c.id != conn.id && c.idle() && !c.evicted.load(Ordering::Relaxed))
                .min_by_key(|c| c.idle_since.load(Ordering::Relaxed));
            if let Some(victim) = victim {
                victim.evicted.store(true, Ordering::Relaxed);
                victim.evict.notify_one();
            }
            drop(open);
            self.warn_cap_reached();
        }
        conn
    }

    fn close(&self, conn: &Conn) {
        self.open.lock().expect("connections").remove(&conn.id);
        self.closed.notify_one();
    }

    async fn wait_empty(&self) {
        while self.len() > 0 {
            self.closed.notified().await;
        }
    }

    fn warn_cap_reached(&self) {
        let mut last = self.last_cap_warning.lock().expect("cap warning");
        if last.is_none_or(|at| at.elapsed() >= CAP_WARNING_EVERY) {
            *last = Some(Instant::now());
            tracing::warn!(
                max_connections = self.limits.max_connections,
                "connection cap reached: closing idle connections to make room \
                 (limits.max_connections)"
            );
        }
    }

    /// Runs one connection until it ends, times out, is asked to make room or the server
    /// stops.
    async fn drive<F: Future>(
        &self,
        conn: &Conn,
        connection: F,
        mut stage: watch::Receiver<Stage>,
        graceful_shutdown: impl Fn(Pin<&mut F>),
    ) {
        tokio::pin!(connection);
        let mut draining = false;
        loop {
            let (deadline, wake) = conn.deadline(&self.limits);
            if deadline.is_some_and(|d| d <= tokio::time::Instant::now()) {
                tracing::debug!(
                    id = conn.id,
                    "closing a connection that sent no request in time"
                );
                break;
            }
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = tokio::time::sleep_until(wake) => {}
                _ = conn.evict.notified() => break,
                changed = stage.changed() => match changed.map(|()| *stage.borrow()) {
                    Ok(Stage::Draining) if !draining => {
                        draining = true;
                        if conn.partial_head() {
                            return;
                        }
                        graceful_shutdown(connection.as_mut());
                    }
                    Ok(Stage::Serving | Stage::Draining) => {}
                    Ok(Stage::Stopped) | Err(_) => return,
                },
            }
        }
        // Nothing is in flight. A half-sent request head is dropped; otherwise hyper gets to
        // write out what it still holds, then closes.
        if conn.partial_head() {
            return;
        }
        graceful_shutdown(connection.as_mut());
        // hyper also finishes a request that slipped in meanwhile.
        while tokio::time::timeout(CLOSE_GRACE, connection.as_mut())
            .await
            .is_err()
        {
            if conn.idle() {
                return;
            }
        }
    }
}

/// Marks a connection busy while one of its requests is served.
struct Busy(Arc<Conn>);

impl Busy {
    fn start(conn: &Arc<Conn>) -> Busy {
        conn.in_flight.fetch_add(1, Ordering::Relaxed);
        conn.head_since.store(0, Ordering::Relaxed);
        Busy(conn.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.idle_since.store(self.0.now(), Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A response body that keeps its connection marked busy until hyper drops it, after the
/// last frame.
struct BusyBody<B> {
    body: B,
    _busy: Busy,
}

impl<B: Body + Unpin> Body for BusyBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting when the first byte of a request arrives on an idle connection.
struct Watched {
    io: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        let conn = &self.conn;
        if buf.filled().len() > before
            && conn.idle()
            && conn.head_since.load(Ordering::Relaxed) == 0
        {
            conn.head_since.store(conn.now(), Ordering::Relaxed);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Files the process keeps open besides connections: the database, the search index (a few
/// per segment, more while merging), outgoing webhook and mail connections.
fn reserved_files(limit: u64) -> u64 {
    (limit / 4).clamp(32, MAX_RESERVED_FILES)
}

const MAX_RESERVED_FILES: u64 = 256;

/// Raises the soft open-file limit as far as the hard one allows for `wanted` connections,
/// and lowers the cap when even that is not enough.
fn fit_open_file_limit(wanted: usize) -> usize {
    let Some(limit) = open_file_limit(wanted as u64 + MAX_RESERVED_FILES) else {
        return wanted;
    };
    let room = limit.saturating_sub(reserved_files(limit)).max(1) as usize;
    if room < wanted {
        tracing::warn!(
            "limits.max_connections lowered from {wanted} to {room}: the open-file limit is \
             {limit} (raise it with `ulimit -n` or systemd's LimitNOFILE=)"
        );
        return room;
    }
    wanted
}

/// The soft open-file limit after raising it toward `wanted` (within the hard limit).
#[cfg(unix)]
fn open_file_limit(wanted: u64) -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur != libc::RLIM_INFINITY && limit.rlim_cur < wanted {
        let raised = libc::rlimit {
            rlim_cur: if limit.rlim_max == libc::RLIM_INFINITY {
                wanted
            } else {
                wanted.min(limit.rlim_max)
            },
            rlim_max: limit.rlim_max,
        };
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit.rlim_cur = raised.rlim_cur;
        }
    }
    (limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn open_file_limit(_wanted: u64) -> Option<u64> {
    None
}
