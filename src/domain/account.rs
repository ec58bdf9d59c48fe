//! The organisation's data, given back (`GET /account/export`): one JSON document written as
//! it is read, page by page from one read snapshot, so memory stays flat however large the
//! organisation is. Secrets are left out: password hashes, webhook secrets (API keys are
//! stored without their tokens). And taken away (`POST /account/delete`): the organisation
//! is closed at once and its data removed in short steps in the background ([`purge`]).

use std::collections::BTreeMap;

use serde_json::Value;

use super::api_keys::ApiKey;
use super::audit::{self, Action, Actor, Change};
use super::candidates::Candidate;
use super::indexing::{Indexer, Pending};
use super::jobs::Job;
use super::mail::MailStatus;
use super::tenants::{Deletion, Tenant};
use super::{tenants, tokens};
use crate::auth::Identity;
use crate::error::{Error, Result};
use crate::search::off_the_workers;
use crate::store::tables::{
    API_KEYS, APPLICATIONS, ASSISTANT_CALLS, AUDIT, AUDIT_HEADS, CANDIDATES, ENGAGEMENTS, INSTANCE,
    INTERVIEWS, JOBS, LIBRARY, MAILS, OFFERS, PEOPLE, PROJECTS, PUBLIC_JOBS, SESSIONS, SLOTS,
    SLUG_TENANT, STAGE_CHANGES, STATUS_MAILS, TENANT_MAILS, TENANTS, TOKENS, USERS, WEBHOOK_QUEUE,
    WEBHOOKS,
};
use crate::store::{Reader, Records, Store, Tx};
use crate::time::Timestamp;

/// The export's format, named in the document.
pub const FORMAT: &str = "hirebase-export";
pub const VERSION: u64 = 1;

/// Records read per page.
const PAGE: usize = 500;
/// Bytes gathered before they are handed on.
const CHUNK: usize = 64 * 1024;

/// A section of the export: its key, the table, the fields left out of each record.
struct Section {
    key: &'static str,
    table: &'static str,
    scrub: &'static [&'static str],
}

const SECTIONS: &[Section] = &[
    Section {
        key: "users",
        table: USERS.name,
        scrub: &["password_hash"],
    },
    Section {
        key: "api_keys",
        table: API_KEYS.name,
        scrub: &[],
    },
    Section {
        key: "jobs",
        table: JOBS.name,
        scrub: &[],
    },
    Section {
        key: "candidates",
        table: CANDIDATES.name,
        scrub: &[],
    },
    Section {
        key: "applications",
        table: APPLICATIONS.name,
        scrub: &[],
    },
    Section {
        key: "interviews",
        table: INTERVIEWS.name,
        scrub: &[],
    },
    Section {
        key: "offers",
        table: OFFERS.name,
        scrub: &[],
    },
    Section {
        key: "people",
        table: PEOPLE.name,
        scrub: &[],
    },
    Section {
        key: "projects",
        table: PROJECTS.name,
        scrub: &[],
    },
    Section {
        key: "slots",
        table: SLOTS.name,
        scrub: &[],
    },
    Section {
        key: "engagements",
        table: ENGAGEMENTS.name,
        scrub: &[],
    },
    Section {
        key: "webhooks",
        table: WEBHOOKS.name,
        scrub: &["secret"],
    },
    Section {
        key: "library",
        table: LIBRARY.name,
        scrub: &[],
    },
    Section {
        key: "assistant_calls",
        table: ASSISTANT_CALLS.name,
        scrub: &[],
    },
    Section {
        key: "audit",
        table: AUDIT.name,
        scrub: &[],
    },
];

/// Writes the export of `tenant_id` in chunks to `out`, which answers `false` when nobody
/// reads any more (the download was cancelled): then the export stops.
pub fn export(store: &Store, tenant_id: u64, out: &mut dyn FnMut(Vec<u8>) -> bool) -> Result<()> {
    let rx = store.read()?;
    let tenant: Value = rx
        .get(&Records::<Value>::new(TENANTS.name), INSTANCE, tenant_id)?
        .ok_or_else(|| Error::not_found("Organisation", tenant_id))?;
    let mut w = Writer {
        buf: Vec::with_capacity(CHUNK * 2),
        out,
        open: true,
    };
    w.raw(b"{\"format\":");
    w.json(&Value::from(FORMAT))?;
    w.raw(
        format!(
            ",\"version\":{VERSION},\"exported_at\":\"{}\",\"tenant\":",
            Timestamp::now()
        )
        .as_bytes(),
    );
    w.json(&tenant)?;
    let history = Records::<Value>::new(STAGE_CHANGES.name);
    for section in SECTIONS {
        w.raw(format!(",\"{}\":[", section.key).as_bytes());
        let table = Records::<Value>::new(section.table);
        let mut before = None;
        let mut first = true;
        loop {
            let (rows, more) = rx.page_before(&table, tenant_id, before, PAGE)?;
            for (id, mut record) in rows {
                before = Some(id);
                if let Value::Object(fields) = &mut record {
                    for field in section.scrub {
                        fields.remove(*field);
                    }
                    if section.table == APPLICATIONS.name {
                        let (mut changes, _) = rx.page_before(&history, id, None, usize::MAX)?;
                        changes.reverse();
                        let changes = changes.into_iter().map(|(_, c)| c).collect();
                        fields.insert("history".into(), Value::Array(changes));
                    }
                }
                if !first {
                    w.raw(b",");
                }
                first = false;
                w.json(&record)?;
                if !w.open {
                    return Ok(());
                }
            }
            if !more {
                break;
            }
        }
        w.raw(b"]");
    }
    w.raw(b"}\n");
    w.flush();
    Ok(())
}

struct Writer<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn FnMut(Vec<u8>) -> bool,
    /// Whether anyone still reads.
    open: bool,
}

impl Writer<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.maybe_flush();
    }

    fn json(&mut self, value: &Value) -> Result<()> {
        serde_json::to_writer(&mut self.buf, value).map_err(Error::internal)?;
        self.maybe_flush();
        Ok(())
    }

    fn maybe_flush(&mut self) {
        if self.buf.len() >= CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.open && !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK * 2));
            self.open = (self.out)(chunk);
        }
    }
}

// --- Deletion

/// What `POST /account/delete` answers: the deletion has begun.
#[derive(Debug, Clone, poem_openapi::Object)]
pub struct AccountDeletion {
    pub slug: String,
    /// `deleting`: the organisation is closed and everyone signed out; its data is being
    /// removed in the background (the platform admin sees the progress).
    pub status: String,
    pub requested_at: Timestamp,
}

/// Rows removed per transaction while deleting an organisation: each step holds the writer
/// for milliseconds, so other organisations' writes go on meanwhile.
pub const PURGE_STEP_ROWS: usize = 2_000;

/// `POST /account/delete`: checks the confirmation (`confirm` must be the organisation's slug;
/// 400 otherwise, and nothing changes), then, in one short transaction, closes the
/// organisation — suspended, its sessions ended, its API keys revoked, its mail links,
/// queued webhook deliveries and unsent mail dropped, its jobs off the careers pages — and
/// marks it for deletion. The data itself is removed afterwards in short steps by
/// [`purge`] (the purge worker, which resumes at the next start if the process stops).
pub async fn delete(indexer: &Indexer, who: &Identity, confirm: &str) -> Result<AccountDeletion> {
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    let confirm = confirm.trim().to_string();
    let marked = indexer
        .store()
        .write(move |tx| {
            let mut tenant = tenants::load(tx, tenant_id)?;
            if confirm != tenant.slug {
                return Err(Error::invalid(
                    "confirm",
                    format!(
                        "must be the organisation's slug, {:?}, typed to confirm the deletion",
                        tenant.slug
                    ),
                ));
            }
            if let Some(deletion) = &tenant.deletion {
                return Ok(AccountDeletion {
                    slug: tenant.slug,
                    status: "deleting".into(),
                    requested_at: deletion.requested_at,
                });
            }
            let now = Timestamp::now();
            let mut removed = BTreeMap::new();
            let mut note = |table: &str, n: u64| {
                if n > 0 {
                    *removed.entry(table.to_string()).or_default() += n;
                }
            };
            note(
                SESSIONS.name,
                tx.remove_older(&SESSIONS, tenant_id, u64::MAX)?,
            );
            let keys: Vec<ApiKey> = tx.list(&API_KEYS, tenant_id, 0, usize::MAX)?;
            for mut key in keys.into_iter().filter(|k| !k.revoked) {
                key.revoked = true;
                key.revoked_at = Some(now);
                tx.put(&API_KEYS, tenant_id, key.id, &key)?;
            }
            let jobs: Vec<Job> = tx.list(&JOBS, tenant_id, 0, usize::MAX)?;
            for job in &jobs {
                tx.remove(&PUBLIC_JOBS, INSTANCE, job.id)?;
            }
            note(TOKENS.name, tokens::remove_for_tenant(tx, tenant_id)?);
            let deliveries: Vec<u64> = tx
                .scan(&WEBHOOK_QUEUE, None, usize::MAX)?
                .into_iter()
                .filter(|(_, d)| d.org_id == tenant_id)
                .map(|((_, id), _)| id)
                .collect();
            note(
                WEBHOOK_QUEUE.name,
                tx.remove_ids(&WEBHOOK_QUEUE, INSTANCE, &deliveries)?,
            );
            note(MAILS.name, drop_unsent_mail(tx, tenant_id)?);
            tenant.suspended_at.get_or_insert(now);
            tenant.deletion = Some(Deletion {
                requested_at: now,
                removed,
            });
            tx.put(&TENANTS, INSTANCE, tenant_id, &tenant)?;
            let summary = format!(
                "Began deleting organisation {tenant_id} ({}) with all its data",
                tenant.slug
            );
            let change = Change::new(Action::TenantDeletionRequested, tenant_id, summary)
                .with(serde_json::json!({"slug": tenant.slug}));
            audit::record(tx, INSTANCE, &actor, change)?;
            Ok(AccountDeletion {
                slug: tenant.slug,
                status: "deleting".into(),
                requested_at: now,
            })
        })
        .await?;
    // Its vectors go with it; the shelves of them held in memory go now.
    indexer.shelves.forget_tenant(tenant_id);
    Ok(marked)
}

/// Removes the organisation's mails not yet sent (queued or failed), so none goes out.
fn drop_unsent_mail(tx: &mut Tx, tenant_id: u64) -> Result<u64> {
    let mut n = 0;
    for status in [MailStatus::Queued, MailStatus::Failed] {
        let ids = tx.members(&STATUS_MAILS.index, INSTANCE, status as u64)?;
        for mail in tx.get_many(&MAILS, INSTANCE, &ids)? {
            if mail.org_id == tenant_id {
                tx.remove(&MAILS, INSTANCE, mail.id)?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// The organisations whose deletion has begun and not finished, oldest request first.
pub fn being_deleted(store: &Store) -> Result<Vec<u64>> {
    let tenants: Vec<Tenant> = store.read()?.list(&TENANTS, INSTANCE, 0, usize::MAX)?;
    let mut due: Vec<(Timestamp, u64)> = tenants
        .into_iter()
        .filter_map(|t| t.deletion.map(|d| (d.requested_at, t.id)))
        .collect();
    due.sort();
    Ok(due.into_iter().map(|(_, id)| id).collect())
}

/// Removes an organisation marked for deletion, step by step: every record of it (from every
/// table keyed by it, found by the store, not listed here) with the rows keyed by those
/// records, its search documents and vectors, its index entries and its mails; then the unique
/// keys its records held (emails, key hashes); then its record, slug and audit chain head,
/// recording the deletion in the instance's own trail. Each step is one short transaction,
/// so a crash loses nothing: the next start carries on from what is left. Answers `true`
/// once the organisation is gone, `false` when `stop()` asked to stop first.
pub async fn purge(
    indexer: &Indexer,
    tenant_id: u64,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<bool> {
    purge_in_steps(indexer, tenant_id, PURGE_STEP_ROWS, stop).await
}

/// [`purge`] with `rows` per step (`usize::MAX`: all in one transaction, as a measurement's
/// baseline).
pub async fn purge_in_steps(
    indexer: &Indexer,
    tenant_id: u64,
    rows: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<bool> {
    loop {
        loop {
            if stop() {
                return Ok(false);
            }
            let done = indexer
                .write(move |tx, pending| purge_step(tx, pending, tenant_id, rows))
                .await?;
            if done {
                break;
            }
        }
        let store = indexer.store().clone();
        let held = off_the_workers(move || store.read()?.unique_keys_of(tenant_id)).await?;
        for (table, keys) in held {
            for chunk in keys.chunks(PURGE_STEP_ROWS) {
                if stop() {
                    return Ok(false);
                }
                let (table, chunk) = (table.clone(), chunk.to_vec());
                indexer
                    .store()
                    .write(move |tx| tx.release_held(&table, &chunk, tenant_id))
                    .await?;
            }
        }
        // A write that was under way when the deletion began may have landed since: then
        // another round.
        if indexer
            .write(move |tx, pending| finish(tx, pending, tenant_id))
            .await?
        {
            indexer.shelves.forget_tenant(tenant_id);
            return Ok(true);
        }
    }
}

/// One step of [`purge`]: up to `budget` rows; `true` when nothing of the organisation is
/// left but its record and unique keys.
fn purge_step(tx: &mut Tx, pending: &mut Pending, tenant_id: u64, budget: usize) -> Result<bool> {
    let Some(mut tenant) = tx.get(&TENANTS, INSTANCE, tenant_id)? else {
        return Ok(true);
    };
    let Some(deletion) = tenant.deletion.as_mut() else {
        return Err(Error::internal(anyhow::anyhow!(
            "organisation {tenant_id} is not being deleted"
        )));
    };
    let mails: Vec<u64> = tx
        .members(&TENANT_MAILS.index, INSTANCE, tenant_id)?
        .into_iter()
        .take(budget)
        .collect();
    for id in &mails {
        tx.remove(&MAILS, INSTANCE, *id)?;
    }
    let mut removed = vec![(MAILS.name.to_string(), mails.len() as u64)];
    let left = budget - mails.len();
    let mut done = false;
    if left > 0 {
        let step = tx.purge_scope_step(tenant_id, left)?;
        for id in step.removed.get(JOBS.name).into_iter().flatten() {
            tx.remove(&PUBLIC_JOBS, INSTANCE, *id)?;
            pending.remove::<Job>(tx, tenant_id, *id)?;
        }
        for id in step.removed.get(CANDIDATES.name).into_iter().flatten() {
            pending.remove::<Candidate>(tx, tenant_id, *id)?;
        }
        removed.extend(
            step.removed
                .into_iter()
                .map(|(table, ids)| (table, ids.len() as u64)),
        );
        done = step.done;
    }
    for (table, n) in removed.into_iter().filter(|(_, n)| *n > 0) {
        *deletion.removed.entry(table).or_default() += n;
    }
    tx.put(&TENANTS, INSTANCE, tenant_id, &tenant)?;
    Ok(done)
}

/// The last step of [`purge`]: once nothing else is left, the organisation's record, slug and
/// chain head go, and the deletion is recorded in the instance's trail. `false` when
/// something of it turned up again.
fn finish(tx: &mut Tx, pending: &mut Pending, tenant_id: u64) -> Result<bool> {
    if !purge_step(tx, pending, tenant_id, PURGE_STEP_ROWS)? {
        return Ok(false);
    }
    let Some(tenant) = tx.remove(&TENANTS, INSTANCE, tenant_id)? else {
        return Ok(true);
    };
    tx.remove(&AUDIT_HEADS, INSTANCE, tenant_id)?;
    tx.release(&SLUG_TENANT, &tenant.slug)?;
    let deletion = tenant.deletion.unwrap_or_else(|| Deletion {
        requested_at: Timestamp::now(),
        removed: BTreeMap::new(),
    });
    let summary = format!(
        "Deleted organisation {tenant_id} ({}) with all its data",
        tenant.slug
    );
    let change = Change::new(Action::TenantDeleted, tenant_id, summary).with(serde_json::json!({
        "slug": tenant.slug,
        "requested_at": deletion.requested_at,
        "removed": deletion.removed,
    }));
    audit::record(tx, INSTANCE, &Actor::system(), change)?;
    Ok(true)
}
