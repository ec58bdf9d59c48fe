//! The organisation's data, given back (`GET /account/export`): one JSON document written as
//! it is read, page by page from one read snapshot, so memory stays flat however large the
//! organisation is. Secrets are left out: password hashes, webhook secrets (API keys are
//! stored without their tokens).

use serde_json::Value;

use super::audit::{self, Action, Actor, Change};
use super::candidates::Candidate;
use super::indexing::Indexer;
use super::jobs::Job;
use super::{tenants, tokens};
use crate::auth::Identity;
use crate::error::{Error, Result};
use crate::store::tables::{
    API_KEYS, APPLICATIONS, ASSISTANT_CALLS, AUDIT, AUDIT_HEADS, CANDIDATES, ENGAGEMENTS, INSTANCE,
    INTERVIEWS, JOBS, LIBRARY, MAILS, OFFERS, PEOPLE, PROJECTS, PUBLIC_JOBS, SLOTS, SLUG_TENANT,
    STAGE_CHANGES, TENANT_MAILS, TENANTS, TOKENS, USERS, WEBHOOK_QUEUE, WEBHOOKS,
};
use crate::store::{Reader, Records, Store};
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

/// What deleting the organisation removed: rows by table (records, logs and queues).
#[derive(Debug, Clone, poem_openapi::Object)]
pub struct AccountDeleted {
    pub slug: String,
    /// Rows removed from each table, by table name.
    pub removed: std::collections::BTreeMap<String, u64>,
}

/// `POST /account/delete`: removes every record of the organisation — from every table keyed
/// by it (found by the store, not listed here), the instance-wide rows that belong to it (its
/// record and slug, public job listings, its audit chain's head, queued webhooks, mails, mail
/// links) and its search documents — in one transaction. API keys and sessions go with it, so
/// they stop working at once. `confirm` must be the organisation's slug (400 otherwise, and
/// nothing changes). The deletion is recorded in the instance's own trail.
pub async fn delete(indexer: &Indexer, who: &Identity, confirm: &str) -> Result<AccountDeleted> {
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    let confirm = confirm.trim().to_string();
    let deleted = indexer
        .write(move |tx, pending| {
            let tenant = tenants::load(tx, tenant_id)?;
            if confirm != tenant.slug {
                return Err(Error::invalid(
                    "confirm",
                    format!(
                        "must be the organisation's slug, {:?}, typed to confirm the deletion",
                        tenant.slug
                    ),
                ));
            }
            let removed = tx.purge_scope(tenant_id)?;
            for id in removed.get(JOBS.name).into_iter().flatten() {
                tx.remove(&PUBLIC_JOBS, INSTANCE, *id)?;
                pending.remove::<Job>(tx, tenant_id, *id)?;
            }
            for id in removed.get(CANDIDATES.name).into_iter().flatten() {
                pending.remove::<Candidate>(tx, tenant_id, *id)?;
            }
            let mut counts: std::collections::BTreeMap<String, u64> = removed
                .iter()
                .map(|(table, ids)| (table.clone(), ids.len() as u64))
                .collect();
            let mut instance_rows = |table: &str, n: u64| {
                if n > 0 {
                    *counts.entry(table.to_string()).or_default() += n;
                }
            };
            let deliveries: Vec<u64> = tx
                .scan(&WEBHOOK_QUEUE, None, usize::MAX)?
                .into_iter()
                .filter(|(_, d)| d.org_id == tenant_id)
                .map(|((_, id), _)| id)
                .collect();
            instance_rows(
                WEBHOOK_QUEUE.name,
                tx.remove_ids(&WEBHOOK_QUEUE, INSTANCE, &deliveries)?,
            );
            let mails = tx.members(&TENANT_MAILS.index, INSTANCE, tenant_id)?;
            for id in &mails {
                tx.remove(&MAILS, INSTANCE, *id)?;
            }
            instance_rows(MAILS.name, mails.len() as u64);
            instance_rows(TOKENS.name, tokens::remove_for_tenant(tx, tenant_id)?);
            tx.remove(&AUDIT_HEADS, INSTANCE, tenant_id)?;
            tx.release(&SLUG_TENANT, &tenant.slug)?;
            tx.remove(&TENANTS, INSTANCE, tenant_id)?;
            let summary = format!(
                "Deleted organisation {tenant_id} ({}) with all its data",
                tenant.slug
            );
            let change = Change::new(Action::TenantDeleted, tenant_id, summary)
                .with(serde_json::json!({"slug": tenant.slug, "removed": counts}));
            audit::record(tx, INSTANCE, &actor, change)?;
            Ok(AccountDeleted {
                slug: tenant.slug,
                removed: counts,
            })
        })
        .await?;
    // Its vectors left redb with it; the shelves of them held in memory go too.
    indexer.shelves.forget_tenant(tenant_id);
    Ok(deleted)
}
