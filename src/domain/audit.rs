//! The audit trail: every state change, appended in the transaction that makes it, as a
//! hash chain per tenant — each entry stores the SHA-256 of the entry before it and of its own
//! content, so editing or removing any entry breaks the chain at that point.
//!
//! **Erasable payloads.** What an entry says about people — the client address, the summary
//! sentence and the details — is its *payload*. The chain does not hash the payload itself but
//! its digest (`payload_hash`), and each entry's `hash` covers that digest with the entry's
//! position, time, actor, action and entity. Erasing a person (the right to be forgotten)
//! therefore drops the payloads of the entries about them and keeps their digests: every
//! `hash` still matches and the chain still verifies. A redacted entry is marked `redacted`
//! and must be named by a later `candidate.erased` entry (itself in the chain) listing the
//! entries it redacted; [`verify`] checks the payload of every entry that is not redacted
//! and that every redacted entry was claimed, so marking an entry redacted by hand shows.
//! Entries written before schema 3 hashed their payload directly; migration 3 re-chains intact
//! trails in this form, and [`verify`] still reads an unconverted one.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Identity;
use crate::error::{Error, Result, Validator};
use crate::store::tables::{AUDIT, AUDIT_HEADS, ENTITY_AUDIT, INSTANCE};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

/// Who made a change, as the trail names them.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// An email, `key:<prefix>`, `careers` (the public portal) or `system`.
    pub label: String,
    pub ip: Option<String>,
    pub api_key_id: Option<u64>,
}

impl Actor {
    pub fn of(who: &Identity) -> Actor {
        Actor {
            label: who.actor.clone(),
            ip: who.ip.clone(),
            api_key_id: who.key_id(),
        }
    }

    /// Someone not signed in: a registering person, an applicant on the careers portal.
    pub fn public(label: &str, ip: Option<String>) -> Actor {
        Actor {
            label: label.to_string(),
            ip,
            api_key_id: None,
        }
    }

    pub fn system() -> Actor {
        Actor {
            label: "system".into(),
            ip: None,
            api_key_id: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct AuditEntry {
    /// Position in the tenant's chain, from 1: the cursor of `/audit`.
    pub id: u64,
    pub at: Timestamp,
    pub actor: String,
    pub ip: Option<String>,
    pub api_key_id: Option<u64>,
    /// What happened, `entity.verb`: `job.created`, `application.stage_changed`...
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<u64>,
    pub summary: String,
    /// JSON with the specifics (changed fields, from/to).
    pub details: String,
    /// Hex SHA-256 of the personal payload (`ip`, `summary`, `details`): what `hash` covers in
    /// its place, so the payload can be erased and the chain still verifies. Absent on entries
    /// of a trail never converted from the first form (their `hash` covers the payload).
    #[serde(default)]
    pub payload_hash: Option<String>,
    /// The payload was erased with the person it was about; `summary` says so.
    #[serde(default)]
    pub redacted: bool,
    /// Hex SHA-256 of the previous entry (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this entry's content and `prev_hash`.
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of an entry of the first form: its payload hashed in with the rest.
fn legacy_hash(e: &AuditEntry) -> String {
    let content = (
        e.id,
        e.at,
        &e.actor,
        &e.ip,
        e.api_key_id,
        &e.action,
        &e.entity_type,
        e.entity_id,
        &e.summary,
        &e.details,
        &e.prev_hash,
    );
    sha256_json(&content)
}

/// The digest of an entry's erasable payload.
fn payload_hash(e: &AuditEntry) -> String {
    sha256_json(&(&e.ip, &e.summary, &e.details))
}

/// The chain hash: everything but the payload, which counts through its digest.
fn chain_hash(e: &AuditEntry) -> String {
    let content = (
        e.id,
        e.at,
        &e.actor,
        e.api_key_id,
        &e.action,
        &e.entity_type,
        e.entity_id,
        &e.payload_hash,
        &e.prev_hash,
    );
    sha256_json(&content)
}

fn sha256_json(value: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(value).expect("audit content serializes");
    hex::encode(Sha256::digest(&bytes))
}

/// Seals a new entry (or one being converted): its payload digest, then its hash.
fn seal(e: &mut AuditEntry) {
    e.payload_hash = Some(payload_hash(e));
    e.hash = chain_hash(e);
}

/// Whether an entry's hash matches its content (of either form) and, unless it was redacted,
/// its payload matches its digest.
fn sealed(e: &AuditEntry) -> bool {
    match &e.payload_hash {
        None => e.hash == legacy_hash(e),
        Some(digest) => e.hash == chain_hash(e) && (e.redacted || *digest == payload_hash(e)),
    }
}

named_enum! {
    /// Everything the trail records, as `entity.verb`; the entity type is the part before the dot.
    pub enum Action {
        TenantCreated = "tenant.created",
        TenantUpdated = "tenant.updated",
        TenantSuspended = "tenant.suspended",
        TenantResumed = "tenant.resumed",
        UserCreated = "user.created",
        UserSignedIn = "user.signed_in",
        UserSignedOut = "user.signed_out",
        UserUpdated = "user.updated",
        UserPasswordChanged = "user.password_changed",
        UserRoleChanged = "user.role_changed",
        UserRemoved = "user.removed",
        UserInvited = "user.invited",
        UserEmailVerified = "user.email_verified",
        ApiKeyCreated = "api_key.created",
        ApiKeyRevoked = "api_key.revoked",
        JobCreated = "job.created",
        JobUpdated = "job.updated",
        JobDeleted = "job.deleted",
        CandidateCreated = "candidate.created",
        CandidateUpdated = "candidate.updated",
        CandidateDeleted = "candidate.deleted",
        CandidateImported = "candidate.imported",
        ApplicationCreated = "application.created",
        ApplicationStageChanged = "application.stage_changed",
        ApplicationUpdated = "application.updated",
        ApplicationDeleted = "application.deleted",
        InterviewScheduled = "interview.scheduled",
        InterviewRescheduled = "interview.rescheduled",
        InterviewUpdated = "interview.updated",
        InterviewCompleted = "interview.completed",
        InterviewCancelled = "interview.cancelled",
        InterviewScorecardAdded = "interview.scorecard_added",
        InterviewDeleted = "interview.deleted",
        OfferCreated = "offer.created",
        OfferUpdated = "offer.updated",
        OfferStatusChanged = "offer.status_changed",
        OfferDeleted = "offer.deleted",
        PersonCreated = "person.created",
        PersonUpdated = "person.updated",
        PersonDeleted = "person.deleted",
        ProjectCreated = "project.created",
        ProjectUpdated = "project.updated",
        ProjectDeleted = "project.deleted",
        SlotCreated = "slot.created",
        SlotUpdated = "slot.updated",
        SlotDeleted = "slot.deleted",
        EngagementCreated = "engagement.created",
        EngagementUpdated = "engagement.updated",
        EngagementEnded = "engagement.ended",
        EngagementCancelled = "engagement.cancelled",
        EngagementDeleted = "engagement.deleted",
        WebhookCreated = "webhook.created",
        WebhookUpdated = "webhook.updated",
        WebhookDeleted = "webhook.deleted",
        WebhookDisabled = "webhook.disabled",
        FlagsChanged = "flags.changed",
        CandidateErased = "candidate.erased",
        TenantDeleted = "tenant.deleted",
        TenantDeletionRequested = "tenant.deletion_requested",
        RetentionApplied = "retention.applied",
        UploadCreated = "upload.created",
        UploadDeleted = "upload.deleted",
        SubsidiaryCreated = "subsidiary.created",
        SubsidiaryUpdated = "subsidiary.updated",
        SubsidiaryDeleted = "subsidiary.deleted",
        AgencyCreated = "agency.created",
        AgencyUpdated = "agency.updated",
        AgencyDeleted = "agency.deleted",
        IntegrationCreated = "integration.created",
        IntegrationUpdated = "integration.updated",
        IntegrationDeleted = "integration.deleted",
        AssistantCalled = "assistant.called",
        LibraryItemCreated = "library_item.created",
        LibraryItemDeleted = "library_item.deleted",
        /// An event a client application reported (`POST /audit`); its own type is in the details.
        ClientEvent = "client.event",
    }
}

impl Action {
    /// The kind of record the action concerns: `job` for `job.created`.
    pub fn entity_type(self) -> &'static str {
        let name = self.as_str();
        name.split_once('.').map_or(name, |(entity, _)| entity)
    }
}

/// A change to record: what, to which entity, in a sentence, with details.
pub struct Change {
    pub action: Action,
    pub entity_id: Option<u64>,
    pub summary: String,
    pub details: serde_json::Value,
}

impl Change {
    pub fn new(action: Action, entity_id: u64, summary: impl Into<String>) -> Change {
        Change {
            action,
            entity_id: Some(entity_id),
            summary: summary.into(),
            details: serde_json::Value::Null,
        }
    }

    /// A change to several records at once (an import).
    pub fn bulk(action: Action, summary: impl Into<String>) -> Change {
        Change {
            action,
            entity_id: None,
            summary: summary.into(),
            details: serde_json::Value::Null,
        }
    }

    pub fn with(mut self, details: serde_json::Value) -> Change {
        self.details = details;
        self
    }
}

/// The top-level fields that differ between two versions of a record (timestamps aside).
pub fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return vec![];
    };
    const BOOKKEEPING: [&str; 3] = ["created_at", "updated_at", "stage_changed_at"];
    b.iter()
        .filter(|(k, v)| !BOOKKEEPING.contains(&k.as_str()) && a.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Records `action` (`job.updated`…) naming the fields that differ between `before` and
/// `after`, minus `ignore`; records nothing when none differ. Returns the changed fields.
#[allow(clippy::too_many_arguments)]
pub fn record_update<T: Serialize>(
    tx: &mut Tx,
    tenant: u64,
    actor: &Actor,
    action: Action,
    id: u64,
    label: &str,
    (before, after): (&T, &T),
    ignore: &[&str],
) -> Result<Vec<String>> {
    let changed: Vec<String> = changed_fields(before, after)
        .into_iter()
        .filter(|f| !ignore.contains(&f.as_str()))
        .collect();
    if !changed.is_empty() {
        let summary = format!("Updated {label} ({})", changed.join(", "));
        let change = Change::new(action, id, summary).with(serde_json::json!({"changed": changed}));
        record(tx, tenant, actor, change)?;
    }
    Ok(changed)
}

/// Appends an entry to the tenant's chain, inside the caller's transaction.
pub fn record(tx: &mut Tx, tenant: u64, actor: &Actor, change: Change) -> Result<()> {
    record_entry(tx, tenant, actor, change).map(|_| ())
}

/// [`record`], answering the entry as sealed.
pub fn record_entry(tx: &mut Tx, tenant: u64, actor: &Actor, change: Change) -> Result<AuditEntry> {
    let head = tx
        .get(&AUDIT_HEADS, INSTANCE, tenant)?
        .unwrap_or(ChainHead {
            seq: 0,
            hash: GENESIS.into(),
        });
    let mut entry = AuditEntry {
        id: head.seq + 1,
        at: Timestamp::now(),
        actor: actor.label.clone(),
        ip: actor.ip.clone(),
        api_key_id: actor.api_key_id,
        action: change.action.as_str().to_string(),
        entity_type: change.action.entity_type().to_string(),
        entity_id: change.entity_id,
        summary: change.summary,
        details: if change.details.is_null() {
            "{}".into()
        } else {
            change.details.to_string()
        },
        payload_hash: None,
        redacted: false,
        prev_hash: head.hash,
        hash: String::new(),
    };
    seal(&mut entry);
    tx.put(&AUDIT, tenant, entry.id, &entry)?;
    tx.put(
        &AUDIT_HEADS,
        INSTANCE,
        tenant,
        &ChainHead {
            seq: entry.id,
            hash: entry.hash.clone(),
        },
    )?;
    Ok(entry)
}

/// An event a client application records in the trail (`POST /audit`).
#[derive(Debug, Clone, Object)]
pub struct ClientEvent {
    /// What happened, in lower case: letters, digits and `.`, `_`, `-` (`ui.report_exported`).
    #[oai(rename = "type", validator(min_length = 1, max_length = 64))]
    pub kind: String,
    /// In a sentence: the entry's summary.
    #[oai(validator(min_length = 1, max_length = 500))]
    pub message: String,
    /// The record it concerns, if any.
    pub entity_id: Option<u64>,
    /// A JSON object of at most 4 KB.
    pub details: Option<serde_json::Value>,
}

/// The largest `details` a client event carries, serialised.
const CLIENT_DETAILS_MAX: usize = 4096;

/// Records a client's event in `who`'s chain, like any change of theirs: it is hashed with
/// the rest, so it can be verified and exported.
pub async fn record_client_event(
    store: &Store,
    who: &Identity,
    event: ClientEvent,
) -> Result<AuditEntry> {
    let kind = event.kind.trim().to_string();
    let mut v = Validator::new();
    let well_formed = kind
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    v.check(
        !kind.is_empty() && well_formed,
        "type",
        "must be lower-case letters, digits, `.`, `_` or `-` (like `ui.report_exported`)",
    );
    let message = event.message.trim().to_string();
    v.text("message", &message, true, 500);
    let details = event.details.unwrap_or(serde_json::Value::Null);
    if !(details.is_null() || details.is_object()) {
        v.add("details", "must be a JSON object");
    } else if details.to_string().len() > CLIENT_DETAILS_MAX {
        v.add(
            "details",
            format!("must be at most {CLIENT_DETAILS_MAX} bytes of JSON"),
        );
    }
    v.finish()?;
    let actor = Actor::of(who);
    let tenant = who.tenant_id;
    store
        .write(move |tx| {
            let change = Change {
                action: Action::ClientEvent,
                entity_id: event.entity_id,
                summary: message,
                details: serde_json::json!({"type": kind, "details": details}),
            };
            record_entry(tx, tenant, &actor, change)
        })
        .await
}

#[derive(Debug, Clone, Object)]
pub struct Verification {
    /// The whole chain is intact.
    pub ok: bool,
    /// How many entries were checked.
    pub checked: u64,
    /// The id of the first entry that does not match its hash or its predecessor.
    pub first_bad: Option<u64>,
}

/// Walks the tenant's chain from the start and names the first entry that was altered,
/// removed or inserted, or redacted without an erasure entry claiming it.
pub fn verify(store: &Store, tenant: u64) -> Result<Verification> {
    let rx = store.read()?;
    let mut expected_prev = GENESIS.to_string();
    let mut expected_id = 1u64;
    let mut checked = 0u64;
    let mut unclaimed = std::collections::BTreeSet::new();
    let mut after = Some((tenant, 0));
    let bad = |checked, id| Verification {
        ok: false,
        checked,
        first_bad: Some(id),
    };
    loop {
        let rows = rx.scan(&AUDIT, after, 2_000)?;
        let mut done = rows.is_empty();
        for ((scope, id), entry) in &rows {
            if *scope != tenant {
                done = true;
                break;
            }
            checked += 1;
            let intact = *id == expected_id
                && entry.id == *id
                && entry.prev_hash == expected_prev
                && sealed(entry);
            if !intact {
                return Ok(bad(checked, *id));
            }
            if entry.redacted {
                unclaimed.insert(*id);
            }
            for claimed in redactions_claimed(entry) {
                unclaimed.remove(&claimed);
            }
            expected_prev = entry.hash.clone();
            expected_id += 1;
        }
        if done {
            break;
        }
        after = rows.last().map(|r| r.0);
    }
    if let Some(first) = unclaimed.first() {
        return Ok(bad(checked, *first));
    }
    // A removed tail shows as a head the chain never reaches.
    let head = rx.get(&AUDIT_HEADS, INSTANCE, tenant)?;
    if let Some(head) = head
        && (head.seq != expected_id - 1 || head.hash != expected_prev)
    {
        return Ok(bad(checked, expected_id));
    }
    Ok(Verification {
        ok: true,
        checked,
        first_bad: None,
    })
}

/// The entries an erasure entry says it redacted (its details' `redacted_entries`).
fn redactions_claimed(e: &AuditEntry) -> Vec<u64> {
    if e.action != Action::CandidateErased.as_str() || e.redacted {
        return vec![];
    }
    serde_json::from_str::<serde_json::Value>(&e.details)
        .ok()
        .and_then(|d| serde_json::from_value(d["redacted_entries"].clone()).ok())
        .unwrap_or_default()
}

/// Erases the payload of every entry about the records `entities` (a person and what was
/// theirs), keeping its digest; returns the ids of the entries redacted, for the erasure
/// entry to name. Erasure entries themselves carry no personal data and stay whole.
pub fn redact(tx: &mut Tx, tenant: u64, entities: &[u64]) -> Result<Vec<u64>> {
    let mut ids = Vec::new();
    for entity in entities {
        ids.extend(tx.members(&ENTITY_AUDIT.index, tenant, *entity)?);
    }
    ids.sort_unstable();
    ids.dedup();
    let mut redacted = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(mut e) = tx.get(&AUDIT, tenant, id)? else {
            continue;
        };
        if e.redacted || e.action == Action::CandidateErased.as_str() {
            continue;
        }
        if e.payload_hash.is_none() {
            // An unconverted trail (its chain was already broken before migration 3): the
            // payload is erased all the same, and verification keeps pointing at the break.
            e.payload_hash = Some(payload_hash(&e));
        }
        e.ip = None;
        e.summary = format!("Personal data erased ({} {})", e.entity_type, id_label(&e));
        e.details = "{}".into();
        e.redacted = true;
        tx.put(&AUDIT, tenant, id, &e)?;
        redacted.push(id);
    }
    Ok(redacted)
}

fn id_label(e: &AuditEntry) -> String {
    e.entity_id.map(|id| id.to_string()).unwrap_or_default()
}

/// Migration 3: each tenant's trail, while intact in the first form, re-chained in the
/// erasable form (payload digests). From an entry that does not verify on, the trail is left
/// as it is, so verification still names the same first bad entry.
pub fn rechain_all(tx: &mut Tx) -> Result<()> {
    let mut after = None;
    // (tenant, the previous entry's hash as stored, as re-chained, the next id, still intact)
    let mut walk: Option<(u64, String, String, u64, bool)> = None;
    loop {
        let rows = tx.scan(&AUDIT, after, 2_000)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.0);
        for ((tenant, id), mut e) in rows {
            if walk.as_ref().is_none_or(|w| w.0 != tenant) {
                finish_rechain(tx, walk.take())?;
                walk = Some((tenant, GENESIS.into(), GENESIS.into(), 1, true));
            }
            let w = walk.as_mut().expect("set above");
            if !w.4 || e.payload_hash.is_some() {
                w.4 = false;
                continue;
            }
            if id != w.3 || e.id != id || e.prev_hash != w.1 || e.hash != legacy_hash(&e) {
                w.4 = false;
                continue;
            }
            w.1 = e.hash.clone();
            e.prev_hash = w.2.clone();
            seal(&mut e);
            w.2 = e.hash.clone();
            w.3 += 1;
            tx.put(&AUDIT, tenant, id, &e)?;
        }
    }
    finish_rechain(tx, walk)
}

/// Points a re-chained tenant's head at its new last hash.
fn finish_rechain(tx: &mut Tx, walk: Option<(u64, String, String, u64, bool)>) -> Result<()> {
    let Some((tenant, old_last, new_last, next, intact)) = walk else {
        return Ok(());
    };
    if !intact {
        return Ok(());
    }
    if let Some(head) = tx.get(&AUDIT_HEADS, INSTANCE, tenant)?
        && head.seq == next - 1
        && head.hash == old_last
    {
        tx.put(
            &AUDIT_HEADS,
            INSTANCE,
            tenant,
            &ChainHead {
                seq: head.seq,
                hash: new_last,
            },
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// An action (`job.created`) or an entity type (`job`).
    pub kind: Option<String>,
    pub since: Option<Timestamp>,
    /// Words to find in the actor, summary or details.
    pub q: Option<String>,
}

impl AuditFilter {
    fn matches(&self, e: &AuditEntry) -> bool {
        self.kind
            .as_deref()
            .is_none_or(|k| e.action == k || e.entity_type == k)
            && self.since.is_none_or(|s| e.at >= s)
            && self.q.as_deref().is_none_or(|q| {
                let q = q.to_lowercase();
                [&e.actor, &e.summary, &e.details]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&q))
            })
    }
}

/// Newest first, entries with ids below `before`; and whether older matching ones remain.
pub fn page(
    store: &Store,
    tenant: u64,
    filter: &AuditFilter,
    before: Option<u64>,
    limit: usize,
) -> Result<(Vec<AuditEntry>, bool)> {
    let rx = store.read()?;
    let mut items = Vec::with_capacity(limit);
    let mut cursor = before;
    loop {
        let (rows, more) = rx.page_before(&AUDIT, tenant, cursor, 1_000)?;
        for (id, entry) in rows {
            cursor = Some(id);
            if filter.since.is_some_and(|s| entry.at < s) {
                return Ok((items, false));
            }
            if filter.matches(&entry) {
                if items.len() == limit {
                    return Ok((items, true));
                }
                items.push(entry);
            }
        }
        if !more {
            return Ok((items, false));
        }
    }
}

/// The trail as CSV, oldest first, with every column needed to re-verify the chain.
pub fn export_csv(store: &Store, tenant: u64, filter: &AuditFilter) -> Result<Vec<u8>> {
    let rx = store.read()?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "at",
        "actor",
        "ip",
        "api_key_id",
        "action",
        "entity_type",
        "entity_id",
        "summary",
        "details",
        "payload_hash",
        "redacted",
        "prev_hash",
        "hash",
    ])
    .map_err(Error::internal)?;
    let mut after = Some((tenant, 0));
    'pages: loop {
        let rows = rx.scan(&AUDIT, after, 2_000)?;
        if rows.is_empty() {
            break;
        }
        for ((scope, _), e) in &rows {
            if *scope != tenant {
                break 'pages;
            }
            if !filter.matches(e) {
                continue;
            }
            let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
            out.write_record([
                e.id.to_string(),
                e.at.to_string(),
                e.actor.clone(),
                e.ip.clone().unwrap_or_default(),
                opt(e.api_key_id),
                e.action.clone(),
                e.entity_type.clone(),
                opt(e.entity_id),
                e.summary.clone(),
                e.details.clone(),
                e.payload_hash.clone().unwrap_or_default(),
                e.redacted.to_string(),
                e.prev_hash.clone(),
                e.hash.clone(),
            ])
            .map_err(Error::internal)?;
        }
        after = rows.last().map(|r| r.0);
    }
    out.into_inner()
        .map_err(|e| Error::internal(anyhow::anyhow!("{e}")))
}
