//! Builds the application (store, workers, routes) the same way for `main` and for tests:
//! `App::build(config)`, then `app.run(acceptor, shutdown)`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::middleware::{CatchPanic, CookieJarManager};
use poem::web::Json;
use poem::{EndpointExt, Route, get, handler, post};

use crate::api;
use crate::auth::password::Passwords;
use crate::auth::token::TokenKeys;
use crate::config::Config;
use crate::domain::flags::Flags;
use crate::domain::indexing::Indexer;
use crate::domain::users;
use crate::error::{Code, Error};
use crate::http::assets::{self, Ui};
use crate::http::careers_page;
use crate::http::context::{self, RouteTable};
use crate::http::cron;
use crate::http::metrics::Sample;
use crate::http::problem;
use crate::http::server;
use crate::search::Search;
use crate::store::Store;
use crate::workers::admin_socket::AdminSocket;
use crate::workers::mail::MailWorker;
use crate::workers::scheduler::{Jobs, Scheduler};
use crate::workers::usage::UsageLog;
use crate::workers::webhooks::WebhookWorker;

/// Everything a request handler may need; handed to endpoints as `Data<&Arc<AppState>>`.
pub struct AppState {
    pub config: Config,
    pub store: Store,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    pub indexer: Indexer,
    pub usage: UsageLog,
    pub webhooks: WebhookWorker,
    pub ui: Ui,
    pub routes: RouteTable,
    /// Jobs' prepared matchers ([`crate::domain::matching::find::Prepared`]).
    pub matchers: crate::domain::matching::find::Prepared,
    /// Online backups (one at a time).
    pub backups: crate::domain::backups::Backups,
    /// The first-run setup link's token, while no platform admin exists.
    pub setup: crate::auth::setup::SetupGate,
    /// The feature flags in force (`/admin/flags`).
    pub flags: Flags,
    pub limiter: crate::http::rate_limit::Limiter,
    pub metrics: crate::http::metrics::Metrics,
    pub scheduler: Scheduler,
    pub mail: MailWorker,
    /// Reads documents' text in child processes, one per core at a time.
    pub extractor: crate::domain::documents::sandbox::Extractor,
    /// The assistant's tools: the offline engine, and the endpoint when one is configured.
    pub assistant: crate::domain::assistant::Assistant,
    /// Removes deleted organisations' data in the background.
    pub purge: crate::workers::purge::TenantPurge,
}

pub struct App {
    state: Arc<AppState>,
}

/// Routes outside the OpenAPI document, for `Allow` on 405.
const PLAIN_ROUTES: &[(&str, &str)] = &[
    ("/", "GET, HEAD"),
    ("/verify-email", "GET, HEAD"),
    ("/reset-password", "GET, HEAD"),
    ("/accept-invite", "GET, HEAD"),
    ("/healthz", "GET, HEAD"),
    ("/readyz", "GET, HEAD"),
    ("/setup", "GET, HEAD"),
    ("/metrics", "GET, HEAD"),
    ("/internal/cron/{job}", "POST"),
    ("/api/openapi.json", "GET, HEAD"),
    ("/assets/{name}", "GET, HEAD"),
    ("/careers/{slug}", "GET, HEAD"),
    ("/careers/{slug}/apply", "POST"),
];

impl App {
    pub async fn build(config: Config) -> anyhow::Result<App> {
        // TLS for outbound calls (webhooks) uses ring; the first App of the process installs it.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let data_dir = config.data_dir.clone();
        let cache = (config.storage.cache_mb as usize) << 20;
        let store = tokio::task::spawn_blocking(move || Store::open(&data_dir, cache)).await??;
        let tokens = TokenKeys::load_or_create(&config.data_dir)?;
        let flags = Flags::load(&store, &config.rate_limit)?;
        let passwords = tokio::task::spawn_blocking(Passwords::new).await?;
        let index_dir = config.data_dir.join("index");
        let (search, opened) =
            tokio::task::spawn_blocking(move || Search::open(&index_dir)).await??;
        search.use_synonyms(crate::domain::matching::vocabulary::search_synonyms);
        let indexer = Indexer::start(store.clone(), search);
        indexer
            .recover(opened)
            .await
            .map_err(|e| anyhow::anyhow!("bringing the search index up to date: {e}"))?;
        let usage = UsageLog::start(store.clone());
        let webhooks = WebhookWorker::start(store.clone(), &config.webhooks)?;
        let mail = MailWorker::start(store.clone(), &config.mail)?;
        let scheduler = Scheduler::start(Jobs {
            store: store.clone(),
            indexer: indexer.clone(),
            webhooks: webhooks.waker(),
            mail: mail.waker(),
            public_url: config.effective_public_url(),
        });
        let extractor = crate::domain::documents::sandbox::Extractor::new(
            match &config.extractor_program {
                Some(program) => program.clone(),
                None => std::env::current_exe()?,
            },
            crate::domain::documents::sandbox::Limits {
                memory_bytes: config.limits.extract_memory_mb << 20,
                cpu_secs: config.limits.extract_timeout_secs,
                timeout: Duration::from_secs(config.limits.extract_timeout_secs),
            },
        );
        let assistant = crate::domain::assistant::Assistant::new(&config.assistant)?;
        let purge = crate::workers::purge::TenantPurge::start(indexer.clone());
        let spec: serde_json::Value = serde_json::from_str(&api::spec_json())?;
        let routes = RouteTable::from_spec(&spec, api::BASE, PLAIN_ROUTES);
        let state = AppState {
            config,
            store,
            tokens,
            passwords,
            indexer,
            usage,
            webhooks,
            ui: Ui::load(),
            routes,
            matchers: Default::default(),
            backups: Default::default(),
            setup: Default::default(),
            flags,
            limiter: Default::default(),
            metrics: Default::default(),
            scheduler,
            mail,
            extractor,
            assistant,
            purge,
        };
        Ok(App {
            state: Arc::new(state),
        })
    }

    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Creates the platform admin on the first start of an empty instance
    /// (`HIREBASE_ADMIN_EMAIL` / `HIREBASE_ADMIN_PASSWORD`); does nothing once one exists.
    pub async fn bootstrap_admin(&self, email: &str, password: &str) -> Result<bool, Error> {
        if users::has_platform_admin(&self.state.store)? {
            return Ok(false);
        }
        users::create_platform_admin(&self.state.store, &self.state.passwords, email, password)
            .await?;
        Ok(true)
    }

    /// The one-time first-run link (`{public_url}/setup?token=…`) when no platform admin
    /// exists yet; it dies once used or when the process ends.
    pub fn setup_link(&self) -> Result<Option<String>, Error> {
        if users::has_platform_admin(&self.state.store)? {
            return Ok(None);
        }
        let token = self.state.setup.issue();
        Ok(Some(format!(
            "{}/setup?token={token}",
            self.state.config.effective_public_url()
        )))
    }

    pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpAcceptor, SocketAddr)> {
        let acceptor = TcpListener::bind(addr).into_acceptor().await?;
        let local = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .ok_or_else(|| std::io::Error::other("listener has no address"))?;
        Ok((acceptor, local))
    }

    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        let api = api::service();
        let docs = api.swagger_ui();
        let spec = api::spec_json();
        let state = self.state.clone();
        let around_state = state.clone();
        Route::new()
            .nest(api::BASE, api)
            .at("/api/openapi.json", get(spec_endpoint(spec)))
            .nest("/docs", docs)
            .at("/healthz", get(healthz))
            .at("/readyz", get(readyz))
            .at("/metrics", get(metrics))
            .at("/internal/cron/:job", post(cron::run))
            .at("/", get(assets::index))
            .at("/setup", get(setup_page))
            // The pages mailed links open: the UI, which routes them.
            .at("/verify-email", get(assets::index))
            .at("/reset-password", get(assets::index))
            .at("/accept-invite", get(assets::index))
            .at("/assets/:name", get(assets::asset))
            .at("/careers/:slug", get(careers_page::page))
            .at("/careers/:slug/apply", post(careers_page::apply))
            .with(CookieJarManager::new())
            .with(CatchPanic::new().with_handler(|_| {
                problem::render(
                    &Error::internal(anyhow::anyhow!("a handler panicked")),
                    None,
                )
            }))
            .around(move |ep, req| context::handle(around_state.clone(), ep, req))
            .data(state)
    }

    /// Serves until `shutdown` resolves, lets requests in flight finish, then flushes and
    /// stops the workers and the store.
    pub async fn run(
        self,
        acceptor: TcpAcceptor,
        shutdown: impl Future<Output = ()> + Send,
    ) -> anyhow::Result<()> {
        let limits = server::Limits::from(&self.state.config.limits);
        // `hirebase backup` reaches the running server through it; without it, through HTTP.
        let socket = AdminSocket::start(self.state.clone())
            .map_err(|e| tracing::warn!(error = %e, "no admin socket"))
            .ok();
        let served = server::serve(
            acceptor,
            self.endpoint(),
            limits,
            shutdown,
            Duration::from_secs(30),
        )
        .await;
        if let Some(socket) = socket {
            socket.stop();
        }
        served?;
        self.shutdown().await
    }

    /// Rebuilds the search index from the database (`hirebase reindex`).
    pub async fn reindex(&self) -> anyhow::Result<()> {
        self.state
            .indexer
            .rebuild()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Writes what the workers still hold, then stops the index writer and the store.
    pub async fn shutdown(&self) -> anyhow::Result<()> {
        // Deliveries not yet sent stay queued in the database for the next start.
        self.state.scheduler.stop().await;
        self.state.purge.stop().await;
        self.state.webhooks.stop().await;
        self.state.mail.stop().await;
        self.state.usage.stop().await;
        self.state.indexer.stop().await;
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            state.indexer.search.stop();
            state.store.stop();
        })
        .await?;
        Ok(())
    }
}

fn spec_endpoint(spec: String) -> impl poem::Endpoint {
    poem::endpoint::make_sync(move |_| {
        poem::Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(spec.clone())
    })
}

#[handler]
fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

#[handler]
fn readyz(req: &poem::Request) -> poem::Result<Json<serde_json::Value>> {
    let state = req.data::<Arc<AppState>>().expect("state");
    match state.store.schema_version() {
        Ok(version) => Ok(Json(
            serde_json::json!({"status": "ready", "storage": "ok", "schema_version": version}),
        )),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            Err(Error::new(Code::Unavailable, "Storage is not available.").into())
        }
    }
}

/// The first-run page (the UI's setup screen), only while no platform admin exists.
#[handler]
fn setup_page(req: &poem::Request) -> poem::Result<poem::Response> {
    let state = req.data::<Arc<AppState>>().expect("state");
    if !users::has_platform_admin(&state.store)? {
        return Ok(state.ui.respond_index(req));
    }
    Ok(poem::Response::builder()
        .status(poem::http::StatusCode::NOT_FOUND)
        .content_type("text/html; charset=utf-8")
        .body(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Setup is done</title></head>\
             <body><h1>Setup is done</h1><p>The platform admin exists. <a href=\"/#/login\">Sign in</a>.</p></body></html>",
        ))
}

#[handler]
fn metrics(req: &poem::Request) -> poem::Result<poem::Response> {
    let state = req.data::<Arc<AppState>>().expect("state");
    let sample = Sample {
        webhook_queue: crate::domain::webhooks::queue_depth(&state.store)?,
        mail_queue: Some(crate::domain::mail::queue_depth(&state.store)?),
        index_lag: crate::domain::indexing::lag(&state.store)?,
        db_bytes: std::fs::metadata(state.config.data_dir.join(crate::store::DB_FILE))
            .map(|m| m.len())
            .unwrap_or(0),
        resident_bytes: crate::http::metrics::resident_bytes(),
    };
    let text = state.metrics.render(&sample);
    Ok(poem::Response::builder()
        .content_type(crate::http::metrics::CONTENT_TYPE)
        .body(text))
}
