//! The integration harness: the real app (`App::build` + `App::run`, as `main` does) on an
//! ephemeral port with a temporary data dir, spoken to over HTTP.

#![allow(dead_code)]

pub mod smtp;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use hirebase::app::AppState;
use hirebase::{App, Config};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub dir: Arc<TempDir>,
    /// The running app's state, for the few tests that must arrange what no endpoint can yet.
    pub state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// A response: status, headers and the body parsed as JSON (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem document with this status and code, and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text
        );
        assert_eq!(self.body["status"], status, "{}", self.text);
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert!(
            self.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "problem without detail: {}",
            self.text
        );
        assert!(
            self.body["title"].is_string() && self.body["type"].is_string(),
            "{}",
            self.text
        );
        &self.body
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        &self.body
    }
}

pub fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        ..Config::default()
    };
    config.storage.cache_mb = 16;
    // Tests call far faster than people do; `rate_limits` turns the limits back on.
    config.rate_limit.enabled = false;
    // The test binary is not hirebase: documents are read by the built `hirebase`.
    config.extractor_program = Some(env!("CARGO_BIN_EXE_hirebase").into());
    config
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        TestServer::start_in(dir, |_| {}).await
    }

    /// Starts on `dir` (a fresh one, or the one a stopped server left), letting the test adjust the config.
    pub async fn start_in(dir: Arc<TempDir>, adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::launch(dir, adjust, None).await
    }

    /// Starts a fresh instance whose platform admin exists (as `hirebase init` leaves it).
    pub async fn start_with_admin(email: &str, password: &str) -> TestServer {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        TestServer::launch(dir, |_| {}, Some((email, password))).await
    }

    async fn launch(
        dir: Arc<TempDir>,
        adjust: impl FnOnce(&mut Config),
        admin: Option<(&str, &str)>,
    ) -> TestServer {
        let mut config = test_config(dir.path());
        adjust(&mut config);
        let app = build_when_free(config).await;
        if let Some((email, password)) = admin {
            assert!(
                app.bootstrap_admin(email, password)
                    .await
                    .expect("platform admin"),
                "a platform admin already existed"
            );
        }
        let state = app.state().clone();
        let (acceptor, addr) = App::bind("127.0.0.1:0".parse().unwrap())
            .await
            .expect("bind");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run(acceptor, async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        TestServer {
            addr,
            base: format!("http://{addr}"),
            client,
            dir,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Graceful shutdown; returns the data dir so a test can start again on it.
    pub async fn stop(mut self) -> Arc<TempDir> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server ran cleanly");
        }
        self.dir.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Any request: `path` is absolute (`/api/v1/...`), `token` a bearer token, `body` JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = reqwest::Client::new().request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        reply(req.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }
    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Registers an organisation and signs its org_admin in.
    /// The mails to `to` in the outbox as `token`'s holder reads it (the platform admin: every
    /// mail; an organisation admin: their organisation's), newest first, once the mail worker
    /// has taken `count` of them.
    pub async fn mails_to(&self, token: &str, to: &str, count: usize) -> Vec<Value> {
        let taken = || async {
            let r = self.get("/api/v1/admin/outbox?limit=100", token).await;
            r.ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["to"] == to && m["status"] == "outbox")
                .cloned()
                .collect::<Vec<Value>>()
        };
        eventually(
            &format!("{count} mails to {to} are in the outbox"),
            || async { taken().await.len() == count },
        )
        .await;
        taken().await
    }

    pub async fn register(&self, email: &str, org: &str) -> Member {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"email": email, "password": PASSWORD, "org_name": org})),
            )
            .await;
        assert_eq!(r.status, 201, "register: {}", r.text);
        self.login(email, PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Member {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(r.status, 200, "login: {}", r.text);
        Member {
            token: r.body["access_token"].as_str().unwrap().to_string(),
            user_id: r.body["user"]["id"].as_u64().unwrap(),
            org_id: r.body["user"]["org_id"].as_u64().unwrap(),
            email: email.to_string(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub const PASSWORD: &str = "correct horse battery";

#[derive(Debug, Clone)]
pub struct Member {
    pub token: String,
    pub user_id: u64,
    pub org_id: u64,
    pub email: String,
}

pub async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// Waits for a condition instead of sleeping a fixed time.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Waits until the purge worker has removed organisation `tenant` (`POST /account/delete`
/// answers once it is closed; its record goes last).
pub async fn wait_until_deleted(s: &TestServer, tenant: u64) {
    use hirebase::store::Reader;
    use hirebase::store::tables::{INSTANCE, TENANTS};
    eventually(&format!("organisation {tenant} is deleted"), || async {
        let rx = s.state.store.read().unwrap();
        rx.get(&TENANTS, INSTANCE, tenant).unwrap().is_none()
    })
    .await;
}

/// Builds the app, waiting while a server just stopped on the same data dir still lets go of
/// the database file (its last background task drops the store a moment after `stop`).
async fn build_when_free(config: Config) -> App {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match App::build(config.clone()).await {
            Ok(app) => return app,
            Err(e) if e.to_string().contains("in use") && std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => panic!("app builds: {e:#}"),
        }
    }
}

impl TestServer {
    /// Sends a prepared request (any client, any headers) and reads the reply.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        reply(req.send().await.expect("request sent")).await
    }

    /// `POST /auth/login` as the OAuth2 password form.
    pub async fn login_form(&self, fields: &[(&str, &str)]) -> Reply {
        self.send(
            reqwest::Client::new()
                .post(self.url("/api/v1/auth/login"))
                .form(fields),
        )
        .await
    }

    /// Mints an API key with the org_admin's session; returns the record and the raw token.
    pub async fn mint_key(
        &self,
        admin: &Member,
        name: &str,
        role: &str,
        scopes: &[&str],
    ) -> (Value, String) {
        let r = self
            .post(
                "/api/v1/api-keys",
                &admin.token,
                json!({"name": name, "role": role, "scopes": scopes}),
            )
            .await;
        assert_eq!(r.status, 201, "mint: {}", r.text);
        (
            r.body["api_key"].clone(),
            r.body["raw_token"].as_str().expect("raw_token").to_string(),
        )
    }

    /// Puts a member with `role` into organisation `org_id` and signs them in.
    ///
    /// Stop-gap: no endpoint adds a person to an existing organisation yet (`/auth/invite` is
    /// still to come), so this writes the account the way registration does. Replace it with
    /// invite + accept once they exist.
    pub async fn seed_member(
        &self,
        org_id: u64,
        email: &str,
        role: hirebase::auth::Role,
    ) -> Member {
        use hirebase::domain::users::User;
        use hirebase::store::tables::{EMAIL_USER, USERS};
        let hash = tokio::task::spawn_blocking(|| hirebase::auth::password::hash_now(PASSWORD))
            .await
            .unwrap()
            .unwrap();
        let address = email.trim().to_lowercase();
        self.state
            .store
            .write(move |tx| {
                let id = tx.next_id()?;
                assert!(
                    tx.claim(&EMAIL_USER, &address, (org_id, id))?,
                    "{address} is taken"
                );
                let user = User {
                    id,
                    tenant_id: org_id,
                    full_name: address.split('@').next().unwrap().to_string(),
                    email: address,
                    role,
                    password_hash: hash,
                    email_verified: false,
                    created_at: hirebase::time::Timestamp::now(),
                    agency_id: None,
                };
                tx.put(&USERS, org_id, id, &user)?;
                Ok(())
            })
            .await
            .expect("member written");
        self.login(email, PASSWORD).await
    }
}

/// The value of the `hb_session` cookie a login response sets.
pub fn session_cookie(r: &Reply) -> String {
    let set = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("hb_session="));
    let set = set.unwrap_or_else(|| panic!("no hb_session cookie in {:?}", r.headers));
    set["hb_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// A problem document's field errors, as `field` names.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Tests that load the CPU (headless Chromium sessions) or measure latency under load take
/// turns, so a timing assertion never measures another test's browser.
pub async fn heavy() -> tokio::sync::MutexGuard<'static, ()> {
    static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    HEAVY.lock().await
}
