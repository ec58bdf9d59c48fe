//! The JSON API under `/api/v1`: one poem-openapi `OpenApi` impl per domain, composed here.
//! Handlers are thin: check the caller's permission, call `domain/`, shape the answer.

pub mod account;
pub mod admin;
pub mod agent;
pub mod api_keys;
pub mod applications;
pub mod assistant;
pub mod audit;
pub mod auth;
pub mod candidates;
pub mod careers;
pub mod engagements;
pub mod health;
pub mod insights;
pub mod interviews;
pub mod jobs;
pub mod library;
pub mod matching;
pub mod offers;
pub mod payload;
pub mod people;
pub mod projects;
pub mod spec;
pub mod structure;
pub mod team;
pub mod tenants;
pub mod uploads;
pub mod users;
pub mod webhooks;

use std::sync::Arc;

use poem::Request;
use poem_openapi::auth::{ApiKey, Bearer};
use poem_openapi::{ApiResponse, OpenApiService, SecurityScheme, Tags};

use crate::app::AppState;
use crate::auth::Identity;
use crate::auth::identity::resolve;
use crate::error::Error;
use crate::http::context::RequestCtx;

pub const BASE: &str = "/api/v1";
pub const SESSION_COOKIE: &str = "hb_session";

#[derive(Tags)]
pub enum Tag {
    /// Registration, sign-in and sign-out
    Auth,
    /// The signed-in person
    Users,
    /// The caller's organisation
    Tenants,
    /// Members of the organisation and their roles
    Team,
    /// Keys for programs, with roles and scopes
    ApiKeys,
    /// Instance administration (platform_admin)
    Admin,
    /// Requisitions
    Jobs,
    /// The talent pool
    Candidates,
    /// Candidates in job pipelines
    Applications,
    /// The public careers portal (no authentication)
    Careers,
    /// The hash-chained audit trail
    Audit,
    /// Interviews and scorecards
    Interviews,
    /// Offers and their lifecycle
    Offers,
    /// Hiring numbers
    Insights,
    /// Signed event deliveries to other systems
    Webhooks,
    /// Talent profiles of the marketplace
    People,
    /// Projects and the slots they need filled
    Projects,
    /// People engaged on project slots
    Engagements,
    /// Candidates for a job, jobs for a candidate, scored on six axes
    Matching,
    /// Files: resumes, job requisitions, attachments
    Uploads,
    /// The recruiter's agent: records from documents and sentences
    Agent,
    /// Assistant tools (screen, drafts, questions, benchmarks, summaries) and their spend
    Assistant,
    /// Saved artifacts
    Library,
}

/// A bearer token: an access token from `/auth/login`, or an API key (`hb_…`).
#[derive(SecurityScheme)]
#[oai(
    ty = "bearer",
    bearer_format = "JWT or hb_ API key",
    checker = "check_bearer"
)]
pub struct BearerAuth(Identity);

/// The browser session cookie set by `/auth/login`.
#[derive(SecurityScheme)]
#[oai(
    ty = "api_key",
    key_name = "hb_session",
    key_in = "cookie",
    checker = "check_cookie"
)]
pub struct CookieAuth(Identity);

/// Either credential; the bearer token is tried last, so its error is the one reported.
#[derive(SecurityScheme)]
pub enum Auth {
    Cookie(CookieAuth),
    Bearer(BearerAuth),
}

impl Auth {
    pub fn identity(&self) -> &Identity {
        match self {
            Auth::Cookie(c) => &c.0,
            Auth::Bearer(b) => &b.0,
        }
    }
}

fn state(req: &Request) -> &Arc<AppState> {
    req.data::<Arc<AppState>>()
        .expect("the app state is attached to every request")
}

/// The client address of the request (for the audit trail of unauthenticated changes).
pub fn client_ip(req: &Request) -> Option<String> {
    req.extensions()
        .get::<Arc<RequestCtx>>()
        .and_then(|c| c.ip.clone())
}

fn check(req: &Request, token: &str) -> poem::Result<Identity> {
    let state = state(req);
    let ctx = req.extensions().get::<Arc<RequestCtx>>();
    let mut identity = match ctx.and_then(|ctx| ctx.resolved(token)) {
        Some(identity) => identity.clone(),
        None => resolve(&state.store, &state.tokens, token)?,
    };
    if let Some(ctx) = ctx {
        identity.ip = ctx.ip.clone();
        if let Some(key_id) = identity.key_id() {
            ctx.used_api_key(identity.tenant_id, key_id);
        }
    }
    Ok(identity)
}

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Identity> {
    check(req, &bearer.token)
}

async fn check_cookie(req: &Request, cookie: ApiKey) -> poem::Result<Identity> {
    if cookie
        .key
        .starts_with(crate::auth::identity::API_KEY_PREFIX)
    {
        return Err(
            Error::unauthenticated("API keys are sent as bearer tokens, not cookies.").into(),
        );
    }
    check(req, &cookie.key)
}

/// Declares the composed API type and its value from one list. poem-openapi composes tuples of
/// up to 16 APIs, so the list is written in groups (`[A, B], [C]`), each a tuple of its own.
macro_rules! apis {
    ($([$($api:path),* $(,)?]),* $(,)?) => {
        pub type Apis = ($(($($api,)*),)*);
        fn apis() -> Apis {
            ($(($($api,)*),)*)
        }
    };
}

apis!(
    [
        auth::AuthApi,
        users::UsersApi,
        tenants::TenantsApi,
        team::TeamApi,
        api_keys::ApiKeysApi,
        admin::AdminApi,
        health::HealthApi,
        structure::SubsidiariesApi,
        structure::AgenciesApi,
        structure::IntegrationsApi,
    ],
    [
        jobs::JobsApi,
        candidates::CandidatesApi,
        applications::ApplicationsApi,
        careers::CareersApi,
        audit::AuditApi,
        interviews::InterviewsApi,
        offers::OffersApi,
        insights::InsightsApi,
        webhooks::WebhooksApi,
        matching::MatchingApi,
    ],
    [
        people::PeopleApi,
        projects::ProjectsApi,
        projects::SlotsApi,
        engagements::EngagementsApi,
        account::AccountApi,
        uploads::UploadsApi,
        agent::AgentApi,
    ],
    [assistant::AssistantApi, library::LibraryApi],
);

pub fn service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(apis(), "hirebase", env!("CARGO_PKG_VERSION"))
        .description(
            "Self-hosted recruiting platform. Errors are RFC 9457 problem documents \
         (application/problem+json) with a human `detail` and a machine `code`. \
         Lists take `skip` and `limit` (default 50, at most 100) and answer `{items, total}`.",
        )
        .server(BASE)
}

/// The OpenAPI document, as served at `/api/openapi.json` and printed by `hirebase openapi`.
pub fn spec_json() -> String {
    let doc = spec::document(&service().spec());
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}

/// Query parameters of every offset-paginated list.
pub mod page {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 100;
}

/// `skip` and `limit` as given (the parameter validators bound `limit` to 1–100).
pub struct Paging {
    pub skip: usize,
    pub limit: usize,
}

impl Paging {
    pub fn new(skip: Option<u32>, limit: Option<u32>) -> Paging {
        Paging {
            skip: skip.unwrap_or(0) as usize,
            limit: limit.unwrap_or(page::DEFAULT_LIMIT) as usize,
        }
    }
}

/// A comma-separated query parameter (`skills=rust,go`) as its trimmed, non-blank entries.
pub fn comma_list(value: Option<String>) -> Vec<String> {
    value
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The answer of every delete: 204 and no body.
#[derive(ApiResponse)]
pub enum Deleted {
    /// Done.
    #[oai(status = 204)]
    Done,
}

/// `{items, total}` for each listed type; more derives may follow the item type
/// (`serde::Serialize` for a page answered as [`payload::JsonBody`]).
#[macro_export]
macro_rules! page_of {
    ($name:ident, $item:ty $(, $derive:path)*) => {
        #[derive(Debug, poem_openapi::Object $(, $derive)*)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
        }
    };
}

/// `{items, has_more, next_before}` for each append-only log.
#[macro_export]
macro_rules! cursor_page_of {
    ($name:ident, $item:ty) => {
        #[derive(Debug, poem_openapi::Object)]
        pub struct $name {
            pub items: Vec<$item>,
            pub has_more: bool,
            /// Pass as `before` to get the next (older) page.
            pub next_before: Option<String>,
        }

        impl $name {
            /// A page of `items` (newest first); `id` names the cursor of the last one.
            pub fn of(items: Vec<$item>, has_more: bool, id: impl Fn(&$item) -> u64) -> $name {
                let next_before = if has_more {
                    items.last().map(|item| id(item).to_string())
                } else {
                    None
                };
                $name {
                    items,
                    has_more,
                    next_before,
                }
            }
        }
    };
}
