//! Connection limits: silent connections past the cap, idle timeouts, and request heads sent
//! too slowly. Raw TCP, since an HTTP client would never misbehave like this.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{TestServer, eventually};

async fn server(max_connections: u32, header_secs: u64, idle_secs: u64) -> TestServer {
    let dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    TestServer::start_in(dir, |c| {
        c.limits.max_connections = max_connections;
        c.limits.header_read_timeout_secs = header_secs;
        c.limits.idle_timeout_secs = idle_secs;
    })
    .await
}

fn connect(addr: SocketAddr) -> TcpStream {
    let conn = TcpStream::connect(addr).expect("connects");
    conn.set_nonblocking(true).unwrap();
    conn
}

/// Whether the server has closed the connection (reads nothing more than end-of-file; data
/// would be a response the test did not expect).
fn closed(mut conn: &TcpStream) -> bool {
    let mut buf = [0u8; 256];
    match conn.read(&mut buf) {
        Ok(0) => true,
        Ok(n) => panic!(
            "unexpected bytes from the server: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(e) if e.kind() == ErrorKind::ConnectionReset => true,
        Err(e) => panic!("reading failed: {e}"),
    }
}

/// One HTTP/1.1 request on `conn` (keep-alive); returns the response head and body.
fn exchange(conn: &mut TcpStream, path: &str) -> String {
    conn.set_nonblocking(false).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(conn, "GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
    let response = read_response(conn);
    conn.set_nonblocking(true).unwrap();
    response
}

/// Reads one response with a `content-length` body.
fn read_response(conn: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut byte = [0u8; 1];
    while !data.ends_with(b"\r\n\r\n") {
        assert_eq!(
            conn.read(&mut byte).expect("a response"),
            1,
            "closed mid-head"
        );
        data.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&data).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .expect("content-length")
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).unwrap();
    data.extend_from_slice(&body);
    String::from_utf8(data).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn silent_connections_past_the_cap_make_room_for_real_clients() {
    // Timeouts far beyond the test: only the cap can close these connections.
    let s = server(8, 300, 300).await;
    let mut silent: Vec<TcpStream> = (0..40).map(|_| connect(s.addr)).collect();

    let started = Instant::now();
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        s.call(reqwest::Method::GET, "/healthz", None, None),
    )
    .await
    .expect("/healthz answers while 40 silent connections are open");
    assert_eq!(r.ok(200), &json!({"status": "ok"}));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "/healthz took {:?}",
        started.elapsed()
    );

    // The longest-idle connections went to make room: at most the cap is left open.
    eventually("all but 8 silent connections are closed", || {
        let open = silent.iter().filter(|c| !closed(c)).count();
        async move { open <= 8 }
    })
    .await;
    // The newest survive, and a busy client keeps its connection: a request on one answers.
    // (Among the newest: connections accepted in the same instant are equally idle, and the
    // test's own client takes a place too.)
    let survivor = silent
        .iter_mut()
        .rev()
        .take(9)
        .find(|c| !closed(c))
        .expect("one of the newest connections was kept");
    let response = exchange(survivor, "/healthz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"status":"ok"}"#), "{response}");
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_connections_close_after_the_idle_timeout() {
    let s = server(64, 300, 1).await;
    let never_spoke: Vec<TcpStream> = (0..3).map(|_| connect(s.addr)).collect();
    let mut kept_alive = connect(s.addr);
    let response = exchange(&mut kept_alive, "/readyz");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""status":"ready""#), "{response}");
    assert!(
        never_spoke.iter().all(|c| !closed(c)) && !closed(&kept_alive),
        "connections are not refused, only timed out"
    );

    let started = Instant::now();
    eventually("idle connections are closed", || {
        let all = never_spoke.iter().all(closed) && closed(&kept_alive);
        async move { all }
    })
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "closed after the timeout, not at once ({:?})",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_head_sent_byte_by_byte_is_cut_off() {
    let s = server(64, 1, 300).await;
    let mut slow = connect(s.addr);
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
        .unwrap();
    let started = Instant::now();
    let mut cut_off = None;
    // Another header, one byte every 100 ms: 50 bytes would take 5 s.
    for byte in b"X-Dribble: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".iter() {
        if closed(&slow) || slow.write_all(&[*byte]).is_err() {
            cut_off = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cut_off = cut_off.expect("the server closed the connection before the head was complete");
    assert!(
        cut_off >= Duration::from_millis(800) && cut_off < Duration::from_secs(3),
        "closed {cut_off:?} after the first byte (timeout 1 s)"
    );

    // The timeout counts from the first byte of a request, not from when the connection went
    // idle: a connection silent for longer than it still gets its answer, as does a head
    // that arrives in pieces within the timeout.
    let mut patient = connect(s.addr);
    // Nothing to wait for but time: longer than the header timeout.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !closed(&patient),
        "a silent connection is left to the idle timeout"
    );
    patient.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    patient.write_all(b"Host: test\r\n\r\n").unwrap();
    patient.set_nonblocking(false).unwrap();
    patient
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let response = read_response(&mut patient);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"status":"ok"}"#), "{response}");
}
