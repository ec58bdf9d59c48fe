//! The `hirebase` binary itself: commands, configuration checks, `init`, `serve` and signals.
//! Each test runs the real binary in a temporary working directory with no `HIREBASE_*`
//! variables but the ones it sets.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::process::{Child, Command};

use crate::common::{PASSWORD, Reply, reply};

const BIN: &str = env!("CARGO_BIN_EXE_hirebase");

fn hirebase(cwd: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(cwd).stdin(Stdio::null()).kill_on_drop(true);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HIREBASE_") {
            c.env_remove(name);
        }
    }
    c
}

pub(crate) async fn run(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = hirebase(cwd);
    c.args(args).envs(env.iter().copied());
    tokio::time::timeout(Duration::from_secs(60), c.output())
        .await
        .expect("the command finished")
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `hirebase serve` process, its output in a log file.
pub(crate) struct Served {
    child: Child,
    pub(crate) base: String,
    port: u16,
    log: PathBuf,
}

impl Served {
    pub(crate) async fn start(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
        Served::start_with(cwd, args, env, |_| {}).await
    }

    /// As `start`, letting the test adjust the command first.
    pub(crate) async fn start_with(
        cwd: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        adjust: impl FnOnce(&mut Command),
    ) -> Served {
        // These tests speak to a separate process, so no in-process App installs the TLS
        // provider reqwest's clients need; install it here (once per process).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port();
        let log = cwd.join(format!("serve-{port}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let listen = format!("127.0.0.1:{port}");
        let mut c = hirebase(cwd);
        c.args(args)
            .env("HIREBASE_LISTEN", &listen)
            .envs(env.iter().copied());
        c.stdout(Stdio::from(file.try_clone().unwrap()))
            .stderr(Stdio::from(file));
        adjust(&mut c);
        let child = c.spawn().expect("serve starts");
        let mut served = Served {
            child,
            base: format!("http://{listen}"),
            port,
            log,
        };
        served.wait_ready().await;
        served
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_ready(&mut self) {
        // Generous: `--demo` builds its organisation before it is ready, and a debug build on
        // a busy 2-core machine takes a while.
        let deadline = Instant::now() + Duration::from_secs(90);
        let client = reqwest::Client::new();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "serve exited with {status} before it was ready:\n{}",
                    self.log()
                );
            }
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "serve was not ready in time:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub(crate) async fn login(&self, email: &str, password: &str) -> Reply {
        let body = json!({"email": email, "password": password});
        reply(
            reqwest::Client::new()
                .post(format!("{}/api/v1/auth/login", self.base))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    fn terminate(&self) {
        let pid = self.child.id().expect("still running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// SIGTERM, then the exit code (which must come within a few seconds).
    pub(crate) async fn stop(mut self) -> i32 {
        self.terminate();
        self.wait_exit().await
    }

    async fn wait_exit(&mut self) -> i32 {
        let status = tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!("serve did not exit within 15 s of SIGTERM:\n{}", self.log())
            })
            .unwrap();
        status
            .code()
            .unwrap_or_else(|| panic!("serve died by a signal: {status}\n{}", self.log()))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn version_prints_the_package_version() {
    let dir = TempDir::new().unwrap();
    for args in [&["version"][..], &["--version"][..]] {
        let out = run(dir.path(), args, &[]).await;
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout).trim(),
            format!("hirebase {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_prints_the_spec_as_json() {
    let dir = TempDir::new().unwrap();
    let out = run(dir.path(), &["openapi"], &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{}",
        doc["openapi"]
    );
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(doc.clone()).expect("an OpenAPI 3 document");
    assert!(spec.paths.paths.contains_key("/auth/login"));
    let served: Value = serde_json::from_str(&hirebase::api::spec_json()).unwrap();
    assert_eq!(doc, served, "the printed spec is the served one");
    assert!(
        !dir.path().join("data").exists(),
        "printing the spec touches no data dir"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_config_rejects_bad_values_with_exit_2_naming_the_key() {
    let dir = TempDir::new().unwrap();
    let file_cases = [
        ("listen = \"nope\"", "listen"),
        (
            "[auth]\naccess_token_ttl_secs = \"x\"",
            "auth.access_token_ttl_secs",
        ),
        (
            "[auth]\naccess_token_ttl_secs = 30",
            "auth.access_token_ttl_secs",
        ),
        (
            "[auth]\naccess_token_ttl_secs = 7200\nsession_ttl_secs = 3600",
            "auth.session_ttl_secs",
        ),
        ("[limits]\nbody_max_bytes = 10", "limits.body_max_bytes"),
        ("public_url = \"ftp://example.com\"", "public_url"),
        ("[storage]\ncache_mb = 1", "storage.cache_mb"),
        ("[mail]\nfrom = \"nobody\"", "mail.from"),
        ("[rate_limit]\nperson_rpm = 0", "rate_limit.person_rpm"),
        (
            "[webhooks]\nallow_private_targets = \"maybe\"",
            "webhooks.allow_private_targets",
        ),
        ("data_dir = \"\"", "data_dir"),
    ];
    for (toml, key) in file_cases {
        std::fs::write(dir.path().join("config.toml"), toml).unwrap();
        let out = run(dir.path(), &["check-config"], &[]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{toml:?}: {stderr}");
        assert!(
            stderr.contains(key),
            "{toml:?}: stderr does not name `{key}`: {stderr}"
        );
    }
    std::fs::remove_file(dir.path().join("config.toml")).unwrap();

    let env_cases = [
        ("HIREBASE_LISTEN", "bad", "listen"),
        (
            "HIREBASE_AUTH__ACCESS_TOKEN_TTL_SECS",
            "abc",
            "access_token_ttl_secs",
        ),
        (
            "HIREBASE_LIMITS__BODY_MAX_BYTES",
            "12",
            "limits.body_max_bytes",
        ),
    ];
    for (var, value, key) in env_cases {
        let out = run(dir.path(), &["check-config"], &[(var, value)]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {stderr}");
        assert!(
            stderr.contains(key),
            "{var}={value}: stderr does not name `{key}`: {stderr}"
        );
    }

    let out = run(
        dir.path(),
        &["--config", "missing.toml", "check-config"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("missing.toml"),
        "{}",
        text(&out.stderr)
    );

    std::fs::write(dir.path().join("config.toml"), "listen = ").unwrap();
    let out = run(dir.path(), &["check-config"], &[]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "broken TOML: {}",
        text(&out.stderr)
    );

    // A bad configuration also stops `serve` before it binds anything.
    let out = run(dir.path(), &["serve"], &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(!dir.path().join("data").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn check_config_accepts_the_example_and_env_overrides_the_file() {
    let dir = TempDir::new().unwrap();
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml.example"))
            .unwrap();
    std::fs::write(dir.path().join("config.toml"), &example).unwrap();
    let out = run(dir.path(), &["check-config"], &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("127.0.0.1:8080"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).is_empty(),
        "the example has no unknown keys: {}",
        text(&out.stderr)
    );

    std::fs::write(
        dir.path().join("other.toml"),
        "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/hb\"\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["--config", "other.toml", "check-config"],
        &[("HIREBASE_LISTEN", "127.0.0.1:9100")],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("127.0.0.1:9100") && stdout.contains("/srv/hb"),
        "env wins over the file: {stdout}"
    );
    let out = run(
        dir.path(),
        &["check-config"],
        &[("HIREBASE_CONFIG", "other.toml")],
    )
    .await;
    assert!(
        text(&out.stdout).contains("127.0.0.1:9000"),
        "HIREBASE_CONFIG picks the file: {}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_keys_warn_on_stderr_and_still_pass() {
    let dir = TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "lisen = \"127.0.0.1:1\"\n[auth]\nttl = 3\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["check-config"],
        &[
            ("HIREBASE_COLOUR", "blue"),
            ("HIREBASE_ADMIN_EMAIL", "a@b.example"),
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for key in ["lisen", "auth.ttl", "colour"] {
        assert!(
            stderr.contains(&format!("`{key}`")),
            "no warning about {key}: {stderr}"
        );
    }
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(
        !stderr.contains("admin_email"),
        "the admin variables are not configuration keys: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn init_writes_the_example_config_and_creates_the_platform_admin_once() {
    let dir = TempDir::new().unwrap();
    let out = run(
        dir.path(),
        &[
            "init",
            "--admin-email",
            "Root@Init.example",
            "--admin-password",
            PASSWORD,
        ],
        &[],
    )
    .await;
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let config = dir.path().join("config.toml");
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml.example"))
            .unwrap();
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        example,
        "init writes the commented example"
    );
    assert!(
        dir.path().join("data").join("signing.key").is_file(),
        "the data dir follows the config: ./data"
    );
    assert!(
        text(&out.stdout).contains("created the platform admin"),
        "{}",
        text(&out.stdout)
    );

    // A second init keeps the (edited) config and the first admin.
    let edited = format!("{example}\n# edited by the operator\n");
    std::fs::write(&config, &edited).unwrap();
    let out = run(
        dir.path(),
        &[
            "init",
            "--admin-email",
            "second@init.example",
            "--admin-password",
            "another password",
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("keeping the existing") && stdout.contains("already exists"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        edited,
        "init must not overwrite the config"
    );

    let served = Served::start(dir.path(), &["serve"], &[]).await;
    let r = served.login("root@init.example", PASSWORD).await;
    assert_eq!(r.ok(200)["user"]["role"], "platform_admin");
    let token = r.body["access_token"].as_str().unwrap().to_string();
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/admin/tenants", served.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let r = reply(r).await;
    assert_eq!(r.ok(200)["total"], 0);
    served
        .login("second@init.example", "another password")
        .await
        .problem(401, "unauthenticated");
    assert_eq!(served.stop().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn init_with_a_bad_password_creates_no_admin() {
    let dir = TempDir::new().unwrap();
    let out = run(
        dir.path(),
        &[
            "init",
            "--admin-email",
            "root@bad.example",
            "--admin-password",
            "short",
        ],
        &[],
    )
    .await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("admin_password"),
        "{}",
        text(&out.stderr)
    );
    // The next attempt still creates the admin: nothing was half-made.
    let out = run(
        dir.path(),
        &["init"],
        &[
            ("HIREBASE_ADMIN_EMAIL", "root@bad.example"),
            ("HIREBASE_ADMIN_PASSWORD", PASSWORD),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("created the platform admin"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_creates_the_admin_from_the_environment_on_first_start_only() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("state");
    let state_str = state.to_str().unwrap();
    let env = [
        ("HIREBASE_DATA_DIR", state_str),
        ("HIREBASE_ADMIN_EMAIL", "ops@env.example"),
        ("HIREBASE_ADMIN_PASSWORD", PASSWORD),
    ];
    let served = Served::start(dir.path(), &["serve"], &env).await;
    assert!(
        state.join("hirebase.redb").is_file(),
        "HIREBASE_DATA_DIR is used"
    );
    assert_eq!(
        served.login("ops@env.example", PASSWORD).await.ok(200)["user"]["role"],
        "platform_admin"
    );
    assert_eq!(served.stop().await, 0);

    let env = [
        ("HIREBASE_DATA_DIR", state_str),
        ("HIREBASE_ADMIN_EMAIL", "late@env.example"),
        ("HIREBASE_ADMIN_PASSWORD", PASSWORD),
    ];
    let served = Served::start(dir.path(), &[], &env).await;
    served
        .login("late@env.example", PASSWORD)
        .await
        .problem(401, "unauthenticated");
    // With the admin in place, the log says where the UI is, where organisations sign up
    // and where their careers pages live.
    let log = served.log();
    let base = &served.base;
    for line in [
        format!("web UI: {base}/"),
        format!("organisations sign up at {base}/#/register"),
        "the first user of each organisation is its org_admin".to_string(),
        format!("careers pages: {base}/careers/{{org-slug}}"),
    ] {
        assert!(log.contains(&line), "the start-up log says {line:?}: {log}");
    }
    assert!(!log.contains("no platform admin yet"), "{log}");
    served.login("ops@env.example", PASSWORD).await.ok(200);
    assert_eq!(served.stop().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_without_a_config_file_uses_the_defaults() {
    let dir = TempDir::new().unwrap();
    // No subcommand: serve is the default. Only the port is moved off 8080.
    let served = Served::start(dir.path(), &[], &[]).await;
    let data = dir.path().join("data");
    assert!(
        data.join("hirebase.redb").is_file() && data.join("signing.key").is_file(),
        "./data holds the database and the secret"
    );
    let log = served.log();
    assert!(
        log.contains(&format!("listening on http://127.0.0.1:{}", served.port)),
        "{log}"
    );
    assert!(
        log.contains("no platform admin yet"),
        "first start says how to create the admin: {log}"
    );
    assert!(
        !log.contains('\x1b'),
        "no terminal colour codes in a log file: {log:?}"
    );

    let out = run(dir.path(), &["healthcheck", "--url", &served.base], &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "ready");
    let base = served.base.clone();
    assert_eq!(served.stop().await, 0);
    let out = run(dir.path(), &["healthcheck", "--url", &base], &[]).await;
    assert!(!out.status.success(), "a stopped server is not ready");
}

/// The defect of issue 8: 250 connections that never send a request used to exhaust a small
/// open-file limit, after which `/healthz` no longer answered.
#[tokio::test(flavor = "multi_thread")]
async fn silent_connections_cannot_exhaust_a_small_open_file_limit() {
    let dir = TempDir::new().unwrap();
    let served = Served::start_with(dir.path(), &[], &[], |c| {
        // SAFETY: only setrlimit runs between fork and exec.
        unsafe {
            c.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 128,
                    rlim_max: 128,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    })
    .await;
    let log = served.log();
    assert!(
        log.contains("limits.max_connections lowered from 1024 to 96")
            && log.contains("open-file limit is 128"),
        "the cap is fitted to the open-file limit, and the log says so: {log}"
    );

    let silent: Vec<TcpStream> = (0..250)
        .map(|_| TcpStream::connect(("127.0.0.1", served.port)).expect("connects"))
        .collect();
    let started = Instant::now();
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        reqwest::Client::new()
            .get(format!("{}/healthz", served.base))
            .send(),
    )
    .await
    .expect("/healthz answers within 5 s")
    .expect("/healthz answers");
    let r = reply(r).await;
    assert_eq!(r.ok(200), &json!({"status": "ok"}));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let log = served.log();
    assert!(
        log.contains("connection cap reached") && !log.contains("accepting a connection failed"),
        "the cap, not the file limit, turned connections away: {log}"
    );
    drop(silent);
    assert_eq!(served.stop().await, 0);
}

/// SIGTERM while a sign-in is in flight: the listener closes, the request still gets its
/// answer, the process exits 0, and the data dir serves again.
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_the_request_in_flight_and_exits_0() {
    let dir = TempDir::new().unwrap();
    let env = [
        ("HIREBASE_ADMIN_EMAIL", "term@signal.example"),
        ("HIREBASE_ADMIN_PASSWORD", PASSWORD),
    ];
    let mut served = Served::start(dir.path(), &[], &env).await;
    let port = served.port;

    // `Expect: 100-continue` makes the server say when it has taken the request and waits for
    // the body: from then on the request is in flight.
    let body =
        serde_json::to_vec(&json!({"email": "term@signal.example", "password": PASSWORD})).unwrap();
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        conn,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let interim = read_head(&mut conn);
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");

    served.terminate();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the listener stayed open after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    conn.write_all(&body).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    if !response.starts_with("HTTP/1.1 200") {
        let code = served.wait_exit().await;
        panic!(
            "the request in flight was cut off: {response:?}; exit {code}\n{}",
            served.log()
        );
    }
    assert!(response.contains("\"access_token\""), "{response}");
    assert_eq!(served.wait_exit().await, 0, "{}", served.log());
    assert!(served.log().contains("stopped cleanly"), "{}", served.log());

    let served = Served::start(dir.path(), &[], &[]).await;
    served.login("term@signal.example", PASSWORD).await.ok(200);
    assert_eq!(served.stop().await, 0);
}

/// Reads one response head (up to the blank line) byte by byte, leaving the rest unread.
fn read_head(conn: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = conn.read(&mut byte).expect("the server answers");
        assert_eq!(n, 1, "connection closed after {:?}", text(&head));
        head.push(byte[0]);
    }
    text(&head)
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_carry_the_request_id_of_the_request_they_come_from() {
    let dir = TempDir::new().unwrap();
    let env = [
        ("HIREBASE_LOG_FORMAT", "json"),
        (
            "HIREBASE_INTERNAL__CRON_SECRET",
            "cron-secret-for-the-log-test",
        ),
    ];
    let served = Served::start(dir.path(), &["serve"], &env).await;
    let r = reqwest::Client::new()
        .post(format!("{}/internal/cron/expire-tokens", served.base))
        .bearer_auth("cron-secret-for-the-log-test")
        .header("x-request-id", "log-test-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let log = served.log();
    assert_eq!(served.stop().await, 0);
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening on"))),
        "{log}"
    );
    let job = lines
        .iter()
        .find(|l| l["job"] == "expire-tokens")
        .unwrap_or_else(|| panic!("no line about the job: {log}"));
    assert_eq!(job["span"]["request_id"], "log-test-42", "{job}");
}
