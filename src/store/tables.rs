//! Every table of the database, defined once. Names carry their layout version (`_v1`).
//!
//! Record tables are keyed `(scope, id)`: the scope is the owning tenant (0 for instance-wide
//! records such as tenants themselves), so a tenant's records are one contiguous key range and
//! a lookup with the wrong tenant simply finds nothing.

use super::{Blobs, Filing, Index, Records, Unique};
use crate::domain::agent::conversations::Conversation;
use crate::domain::api_keys::{ApiKey, KeyUse};
use crate::domain::applications::{Application, StageChange};
use crate::domain::assistant::{AssistantCall, MonthSpend};
use crate::domain::audit::{AuditEntry, ChainHead};
use crate::domain::candidates::Candidate;
use crate::domain::digest::DigestMark;
use crate::domain::engagements::Engagement;
use crate::domain::flags::Overrides;
use crate::domain::indexing::OutboxEntry;
use crate::domain::insights::JobStats;
use crate::domain::interviews::Interview;
use crate::domain::jobs::Job;
use crate::domain::library::LibraryItem;
use crate::domain::mail::Mail;
use crate::domain::matching::log::MatchLogEntry;
use crate::domain::meaning::Meaning;
use crate::domain::offers::{Offer, OfferStatus};
use crate::domain::people::{self, Person};
use crate::domain::projects::{Project, Slot};
use crate::domain::structure::{Agency, Integration, Subsidiary};
use crate::domain::tenants::Tenant;
use crate::domain::tokens::OneTimeToken;
use crate::domain::uploads::Upload;
use crate::domain::users::{Session, User};
use crate::domain::webhooks::{Delivery, DeliveryAttempt, Webhook};
use crate::time::Timestamp;

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

pub const JOBS: Records<Job> = Records::filed("jobs_v1", &[SUBSIDIARY_JOBS]);
/// (tenant, subsidiary id) → the jobs that belong to that subsidiary.
pub const SUBSIDIARY_JOBS: Filing<Job> = Filing::many("subsidiary_jobs_v1", |j| {
    j.subsidiary_id.into_iter().collect()
});
/// (INSTANCE, job id) → tenant id: the open, public jobs the careers portal lists.
pub const PUBLIC_JOBS: Records<u64> = Records::new("public_jobs_v1");

pub const CANDIDATES: Records<Candidate> = Records::filed("candidates_v1", &[AGENCY_CANDIDATES]);
/// (tenant, agency id) → the candidates that agency submitted: all its people see of them.
pub const AGENCY_CANDIDATES: Filing<Candidate> = Filing::many("agency_candidates_v1", |c| {
    c.agency_id.into_iter().collect()
});
/// `"{tenant}:{email}"` → candidate: one candidate per email within a tenant.
pub const EMAIL_CANDIDATE: Unique = Unique::new("email_candidate_v1");

pub const APPLICATIONS: Records<Application> = Records::filed(
    "applications_v1",
    &[
        JOB_APPLICATIONS,
        CANDIDATE_APPLICATIONS,
        STAGE_APPLICATIONS,
        AGENCY_APPLICATIONS,
    ],
);
/// `"{tenant}:{job}:{candidate}"` → application: one per (job, candidate).
pub const JOB_CANDIDATE_APPLICATION: Unique = Unique::new("job_candidate_application_v1");
pub const JOB_APPLICATIONS: Filing<Application> = Filing::one("job_applications_v1", |a| a.job_id);
pub const CANDIDATE_APPLICATIONS: Filing<Application> =
    Filing::one("candidate_applications_v1", |a| a.candidate_id);
pub const STAGE_APPLICATIONS: Filing<Application> =
    Filing::one("stage_applications_v1", |a| a.status as u64);
/// (tenant, agency id) → the applications that agency submitted.
pub const AGENCY_APPLICATIONS: Filing<Application> = Filing::many("agency_applications_v1", |a| {
    a.agency_id.into_iter().collect()
});
/// Keyed (tenant, job id): the job's pipeline numbers, kept with every application change.
pub const JOB_STATS: Records<JobStats> = Records::new("job_stats_v1");
/// Keyed (application id, change id): the stage history of each application.
pub const STAGE_CHANGES: Records<StageChange> = Records::new("stage_changes_v1");

/// Keyed (INSTANCE, sequence): search documents changed in redb and not yet known to be in
/// the search index. Written in the same transaction as the change; replayed at start-up.
pub const SEARCH_OUTBOX: Records<OutboxEntry> = Records::new("search_outbox_v1");
/// Keyed (tenant, candidate id): each candidate's vector of meaning (`domain::meaning`).
pub const CANDIDATE_VECTORS: Records<Meaning> = Records::new("candidate_vectors_v1");
/// Keyed (tenant, job id): each job's vector of meaning.
pub const JOB_VECTORS: Records<Meaning> = Records::new("job_vectors_v1");

/// Keyed (tenant, id): the organisation's structure (`domain::structure`).
pub const SUBSIDIARIES: Records<Subsidiary> = Records::new("subsidiaries_v1");
pub const AGENCIES: Records<Agency> = Records::new("agencies_v1");
pub const INTEGRATIONS: Records<Integration> = Records::new("integrations_v1");

/// Keyed (tenant, 0): where the organisation's daily digest of new applicants stands.
pub const DIGEST_MARKS: Records<DigestMark> = Records::new("digest_marks_v1");

/// Keyed (tenant, sequence): the tenant's hash-chained audit trail.
pub const AUDIT: Records<AuditEntry> = Records::filed("audit_v1", &[ENTITY_AUDIT]);
/// (tenant, entity id) → the entries about that record (ids are unique across the instance),
/// so erasing a person finds the entries to redact without reading the whole trail.
pub const ENTITY_AUDIT: Filing<AuditEntry> =
    Filing::many("entity_audit_v1", |e| e.entity_id.into_iter().collect());
/// (INSTANCE, tenant) → the last entry of the tenant's chain.
pub const AUDIT_HEADS: Records<ChainHead> = Records::new("audit_heads_v1");

// --- Hiring workflow
pub const INTERVIEWS: Records<Interview> = Records::filed(
    "interviews_v1",
    &[
        JOB_INTERVIEWS,
        CANDIDATE_INTERVIEWS,
        PANELIST_INTERVIEWS,
        INTERVIEWS_BY_TIME,
        INTERVIEWS_BY_STATUS_TIME,
    ],
);
pub const JOB_INTERVIEWS: Filing<Interview> = Filing::one("job_interviews_v1", |i| i.job_id);
pub const CANDIDATE_INTERVIEWS: Filing<Interview> =
    Filing::one("candidate_interviews_v1", |i| i.candidate_id);
/// (tenant, user id) → the interviews that teammate sits on.
pub const PANELIST_INTERVIEWS: Filing<Interview> =
    Filing::many("panelist_interviews_v1", Interview::panel_user_ids);
/// (tenant, start in unix seconds) → interviews: the agenda in time order.
pub const INTERVIEWS_BY_TIME: Filing<Interview> =
    Filing::one("interviews_by_time_v1", |i| time_key(i.scheduled_at));
/// (tenant, status << 40 | start): each status's interviews in time order.
pub const INTERVIEWS_BY_STATUS_TIME: Filing<Interview> =
    Filing::one("interviews_by_status_time_v1", |i| {
        status_time_key(i.status as u64, i.scheduled_at)
    });

pub const OFFERS: Records<Offer> = Records::filed(
    "offers_v1",
    &[
        JOB_OFFERS,
        CANDIDATE_OFFERS,
        STATUS_OFFERS,
        WITHDRAWN_SENT_OFFERS,
    ],
);
pub const JOB_OFFERS: Filing<Offer> = Filing::one("job_offers_v1", |o| o.job_id);
pub const CANDIDATE_OFFERS: Filing<Offer> = Filing::one("candidate_offers_v1", |o| o.candidate_id);
pub const STATUS_OFFERS: Filing<Offer> = Filing::one("status_offers_v1", |o| o.status as u64);
/// Offers withdrawn after they were sent, by job: insights count them ("sent") without
/// reading a withdrawn offer.
pub const WITHDRAWN_SENT_OFFERS: Filing<Offer> = Filing::many("withdrawn_sent_offers_v1", |o| {
    if o.status == OfferStatus::Withdrawn && o.sent_at.is_some() {
        vec![o.job_id]
    } else {
        Vec::new()
    }
});

// --- Talent marketplace
pub const PEOPLE: Records<Person> = Records::filed(
    "people_v1",
    &[
        SKILL_PEOPLE,
        AVAILABILITY_PEOPLE,
        SENIORITY_PEOPLE,
        WORK_TYPE_PEOPLE,
        VISIBILITY_PEOPLE,
        SHARED_PEOPLE,
        USER_PEOPLE,
    ],
);
/// (tenant, skill key) → the people listing that skill (`people::skill_key`).
pub const SKILL_PEOPLE: Filing<Person> = Filing::many("skill_people_v1", Person::skill_keys);
pub const AVAILABILITY_PEOPLE: Filing<Person> =
    Filing::one("availability_people_v1", |p| p.availability as u64);
pub const SENIORITY_PEOPLE: Filing<Person> = Filing::many("seniority_people_v1", |p| {
    p.seniority.map(|l| l as u64).into_iter().collect()
});
pub const WORK_TYPE_PEOPLE: Filing<Person> =
    Filing::one("work_type_people_v1", |p| p.work_type as u64);
pub const VISIBILITY_PEOPLE: Filing<Person> =
    Filing::one("visibility_people_v1", |p| p.visibility as u64);
/// (tenant, 1) → the profiles every reader of people sees: all but the private ones.
pub const SHARED_PEOPLE: Filing<Person> = Filing::many("shared_people_v1", people::shared_keys);
/// (tenant, user id) → the profile linked to that talent account.
pub const USER_PEOPLE: Filing<Person> =
    Filing::many("user_people_v1", |p| p.user_id.into_iter().collect());

pub const PROJECTS: Records<Project> = Records::filed("projects_v1", &[STATUS_PROJECTS]);
pub const STATUS_PROJECTS: Filing<Project> = Filing::one("status_projects_v1", |p| p.status as u64);
pub const SLOTS: Records<Slot> = Records::filed("slots_v1", &[PROJECT_SLOTS, STATUS_SLOTS]);
pub const PROJECT_SLOTS: Filing<Slot> = Filing::one("project_slots_v1", |s| s.project_id);
pub const STATUS_SLOTS: Filing<Slot> = Filing::one("status_slots_v1", |s| s.status as u64);

pub const ENGAGEMENTS: Records<Engagement> = Records::filed(
    "engagements_v1",
    &[
        SLOT_ENGAGEMENTS,
        PERSON_ENGAGEMENTS,
        PROJECT_ENGAGEMENTS,
        STATUS_ENGAGEMENTS,
    ],
);
pub const SLOT_ENGAGEMENTS: Filing<Engagement> = Filing::one("slot_engagements_v1", |e| e.slot_id);
pub const PERSON_ENGAGEMENTS: Filing<Engagement> =
    Filing::one("person_engagements_v1", |e| e.person_id);
pub const PROJECT_ENGAGEMENTS: Filing<Engagement> =
    Filing::one("project_engagements_v1", |e| e.project_id);
pub const STATUS_ENGAGEMENTS: Filing<Engagement> =
    Filing::one("status_engagements_v1", |e| e.status as u64);

/// A time as an index key: unix seconds (times before 1970 file at 0).
pub fn time_key(t: Timestamp) -> u64 {
    t.unix().max(0) as u64
}

/// A status and a time as one index key: the status in the high bits, seconds in the low 40.
pub fn status_time_key(status: u64, t: Timestamp) -> u64 {
    (status << 40) | time_key(t).min((1 << 40) - 1)
}

// --- Uploads
/// Keyed (tenant, upload id): every uploaded file's record; a tenant's are one key range.
pub const UPLOADS: Records<Upload> =
    Records::filed("uploads_v1", &[CANDIDATE_UPLOADS, JOB_UPLOADS]);
/// (tenant, candidate id) → the files that belong to that candidate (resumes).
pub const CANDIDATE_UPLOADS: Filing<Upload> = Filing::many("candidate_uploads_v1", |u| {
    u.candidate_id.into_iter().collect()
});
/// (tenant, job id) → the documents of that job (the req it was made from).
pub const JOB_UPLOADS: Filing<Upload> =
    Filing::many("job_uploads_v1", |u| u.job_id.into_iter().collect());
/// Keyed (upload id, part): the bytes of each upload, in parts.
pub const UPLOAD_PARTS: Blobs = Blobs::new("upload_parts_v1");

// --- Matching
/// Keyed (tenant, entry id): every matching answer, newest last.
pub const MATCH_LOGS: Records<MatchLogEntry> = Records::new("match_logs_v1");

// --- Agent
/// Keyed (tenant, conversation id): the agent's conversations (`domain::agent::conversations`).
pub const CONVERSATIONS: Records<Conversation> = Records::filed(
    "agent_conversations_v1",
    &[CANDIDATE_CONVERSATIONS, OWNER_CONVERSATIONS],
);
/// (tenant, user or API key id) → the conversations that person or key holds.
pub const OWNER_CONVERSATIONS: Filing<Conversation> =
    Filing::one("owner_conversations_v1", Conversation::owner_key);
/// (tenant, candidate id) → the conversations that name that candidate, for erasure.
pub const CANDIDATE_CONVERSATIONS: Filing<Conversation> =
    Filing::many("candidate_conversations_v1", |c| c.candidates.clone());
// --- Assistant and library
/// Keyed (tenant, call id): every assistant call with its tokens and cost, oldest first.
pub const ASSISTANT_CALLS: Records<AssistantCall> = Records::new("assistant_calls_v1");
/// Keyed (tenant, year * 100 + month): the month's calls added up, for budgets and reports.
pub const ASSISTANT_MONTHS: Records<MonthSpend> = Records::new("assistant_months_v1");
/// Keyed (tenant, item id): saved artifacts.
pub const LIBRARY: Records<LibraryItem> =
    Records::filed("library_v1", &[KIND_LIBRARY, CANDIDATE_LIBRARY]);
pub const KIND_LIBRARY: Filing<LibraryItem> = Filing::one("kind_library_v1", |i| i.kind as u64);
/// (tenant, candidate id) → the items about that candidate, which go when they are erased.
pub const CANDIDATE_LIBRARY: Filing<LibraryItem> = Filing::many("candidate_library_v1", |i| {
    i.candidate_id.into_iter().collect()
});

// --- Webhooks

pub const WEBHOOKS: Records<Webhook> = Records::new("webhooks_v1");
/// (INSTANCE, delivery id): deliveries not yet sent successfully, written with the change that caused them.
pub const WEBHOOK_QUEUE: Records<Delivery> = Records::new("webhook_queue_v1");
/// Keyed (webhook id, attempt id): every delivery attempt, for `/webhooks/{id}/deliveries`.
pub const WEBHOOK_ATTEMPTS: Records<DeliveryAttempt> = Records::new("webhook_attempts_v1");

// --- Platform
/// (INSTANCE, 1): the feature flags the platform admin has set.
pub const FLAGS: Records<Overrides> = Records::new("flags_v1");

// --- Mail and one-time tokens
/// (INSTANCE, id): every mail, queued until delivered (or kept as the outbox).
pub const MAILS: Records<Mail> = Records::filed("mails_v1", &[TENANT_MAILS, STATUS_MAILS]);
/// (INSTANCE, organisation) → its mails, for an org admin's outbox.
pub const TENANT_MAILS: Filing<Mail> = Filing::one("tenant_mails_v1", |m| m.org_id);
pub const STATUS_MAILS: Filing<Mail> = Filing::one("status_mails_v1", |m| m.status as u64);
/// (INSTANCE, id): verification, password-reset and invite tokens (stored by hash only).
pub const TOKENS: Records<OneTimeToken> = Records::new("tokens_v1");
pub const TOKEN_HASH_TOKEN: Unique = Unique::new("token_hash_token_v1");

pub(super) const RECORD_TABLES: &[&str] = &[
    INTERVIEWS.name,
    OFFERS.name,
    PEOPLE.name,
    PROJECTS.name,
    SLOTS.name,
    ENGAGEMENTS.name,
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
    JOB_STATS.name,
    SEARCH_OUTBOX.name,
    CANDIDATE_VECTORS.name,
    JOB_VECTORS.name,
    MATCH_LOGS.name,
    FLAGS.name,
    MAILS.name,
    TOKENS.name,
    UPLOADS.name,
    UPLOAD_PARTS.name,
    CONVERSATIONS.name,
    ASSISTANT_CALLS.name,
    ASSISTANT_MONTHS.name,
    LIBRARY.name,
    DIGEST_MARKS.name,
    SUBSIDIARIES.name,
    AGENCIES.name,
    INTEGRATIONS.name,
];
pub(super) const UNIQUE_TABLES: &[&str] = &[
    SLUG_TENANT.name,
    EMAIL_USER.name,
    KEY_HASH_API_KEY.name,
    EMAIL_CANDIDATE.name,
    JOB_CANDIDATE_APPLICATION.name,
    TOKEN_HASH_TOKEN.name,
];
pub(super) const INDEX_TABLES: &[&str] = &[USER_SESSIONS.name];

/// Tables keyed by another record's id instead of a tenant, each with the table of that
/// record: deleting a tenant ([`super::Tx::purge_scope_step`]) removes their rows with their owner.
/// Every other table keyed `(tenant, …)` is found without being listed.
pub(super) const CHILD_TABLES: &[(&str, &str)] = &[
    (STAGE_CHANGES.name, APPLICATIONS.name),
    (API_KEY_USES.name, API_KEYS.name),
    (WEBHOOK_ATTEMPTS.name, WEBHOOKS.name),
    (UPLOAD_PARTS.name, UPLOADS.name),
];

/// The filings of every filed table, so each index table exists from the first start.
pub(super) fn filing_tables() -> Vec<&'static str> {
    fn names<T>(records: Records<T>) -> impl Iterator<Item = &'static str> {
        records.filings.iter().map(|f| f.index.name)
    }
    names(APPLICATIONS)
        .chain(names(JOBS))
        .chain(names(CANDIDATES))
        .chain(names(AUDIT))
        .chain(names(INTERVIEWS))
        .chain(names(OFFERS))
        .chain(names(PEOPLE))
        .chain(names(PROJECTS))
        .chain(names(SLOTS))
        .chain(names(ENGAGEMENTS))
        .chain(names(MAILS))
        .chain(names(UPLOADS))
        .chain(names(CONVERSATIONS))
        .chain(names(LIBRARY))
        .collect()
}
