//! Every table of the database, defined once. Names carry their layout version (`_v1`).
//!
//! Record tables are keyed `(scope, id)`: the scope is the owning tenant (0 for instance-wide
//! records such as tenants themselves), so a tenant's records are one contiguous key range and
//! a lookup with the wrong tenant simply finds nothing.

use super::{Index, Records, Unique};
use crate::domain::api_keys::{ApiKey, KeyUse};
use crate::domain::applications::{Application, StageChange};
use crate::domain::audit::{AuditEntry, ChainHead};
use crate::domain::candidates::Candidate;
use crate::domain::indexing::OutboxEntry;
use crate::domain::interviews::Interview;
use crate::domain::jobs::Job;
use crate::domain::offers::Offer;
use crate::domain::tenants::Tenant;
use crate::domain::users::{Session, User};
use crate::domain::webhooks::{Delivery, DeliveryAttempt, Webhook};

/// Instance-wide scope for records that belong to no tenant.
pub const INSTANCE: u64 = 0;

pub const TENANTS: Records<Tenant> = Records::new("tenants_v1");
pub const SLUG_TENANT: Unique = Unique::new("slug_tenant_v1");

pub const USERS: Records<User> = Records::new("users_v1");
pub const EMAIL_USER: Unique = Unique::new("email_user_v1");
pub const SESSIONS: Records<Session> = Records::new("sessions_v1");
/// (tenant, user) → that user's session ids, so a password change or removal ends them all.
pub const USER_SESSIONS: Index = Index::new("user_sessions_v1");

pub const API_KEYS: Records<ApiKey> = Records::new("api_keys_v1");
pub const KEY_HASH_API_KEY: Unique = Unique::new("key_hash_api_key_v1");
/// Keyed (api key id, use id): an append-only log per key.
pub const API_KEY_USES: Records<KeyUse> = Records::new("api_key_uses_v1");

pub const JOBS: Records<Job> = Records::new("jobs_v1");
/// (INSTANCE, job id) → tenant id: the open, public jobs the careers portal lists.
pub const PUBLIC_JOBS: Records<u64> = Records::new("public_jobs_v1");

pub const CANDIDATES: Records<Candidate> = Records::new("candidates_v1");
/// `"{tenant}:{email}"` → candidate: one candidate per email within a tenant.
pub const EMAIL_CANDIDATE: Unique = Unique::new("email_candidate_v1");

pub const APPLICATIONS: Records<Application> = Records::new("applications_v1");
/// `"{tenant}:{job}:{candidate}"` → application: one per (job, candidate).
pub const JOB_CANDIDATE_APPLICATION: Unique = Unique::new("job_candidate_application_v1");
pub const JOB_APPLICATIONS: Index = Index::new("job_applications_v1");
pub const CANDIDATE_APPLICATIONS: Index = Index::new("candidate_applications_v1");
/// Keyed (application id, change id): the stage history of each application.
pub const STAGE_CHANGES: Records<StageChange> = Records::new("stage_changes_v1");

/// Keyed (INSTANCE, sequence): search documents changed in redb and not yet known to be in
/// the search index. Written in the same transaction as the change; replayed at start-up.
pub const SEARCH_OUTBOX: Records<OutboxEntry> = Records::new("search_outbox_v1");

/// Keyed (tenant, sequence): the tenant's hash-chained audit trail.
pub const AUDIT: Records<AuditEntry> = Records::new("audit_v1");
/// (INSTANCE, tenant) → the last entry of the tenant's chain.
pub const AUDIT_HEADS: Records<ChainHead> = Records::new("audit_heads_v1");

// --- Hiring workflow
pub const INTERVIEWS: Records<Interview> = Records::new("interviews_v1");
pub const OFFERS: Records<Offer> = Records::new("offers_v1");

// --- Webhooks
pub const WEBHOOKS: Records<Webhook> = Records::new("webhooks_v1");
/// (INSTANCE, delivery id): deliveries not yet sent successfully, written with the change that caused them.
pub const WEBHOOK_QUEUE: Records<Delivery> = Records::new("webhook_queue_v1");
/// Keyed (webhook id, attempt id): every delivery attempt, for `/webhooks/{id}/deliveries`.
pub const WEBHOOK_ATTEMPTS: Records<DeliveryAttempt> = Records::new("webhook_attempts_v1");

pub(super) const RECORD_TABLES: &[&str] = &[
    INTERVIEWS.name,
    OFFERS.name,
    WEBHOOKS.name,
    WEBHOOK_QUEUE.name,
    WEBHOOK_ATTEMPTS.name,
    AUDIT.name,
    AUDIT_HEADS.name,
    TENANTS.name,
    USERS.name,
    SESSIONS.name,
    API_KEYS.name,
    API_KEY_USES.name,
    JOBS.name,
    PUBLIC_JOBS.name,
    CANDIDATES.name,
    APPLICATIONS.name,
    STAGE_CHANGES.name,
    SEARCH_OUTBOX.name,
];
pub(super) const UNIQUE_TABLES: &[&str] = &[
    SLUG_TENANT.name,
    EMAIL_USER.name,
    KEY_HASH_API_KEY.name,
    EMAIL_CANDIDATE.name,
    JOB_CANDIDATE_APPLICATION.name,
];
pub(super) const INDEX_TABLES: &[&str] = &[
    USER_SESSIONS.name,
    JOB_APPLICATIONS.name,
    CANDIDATE_APPLICATIONS.name,
];
