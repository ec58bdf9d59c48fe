//! The organisation's data, given back (`GET /account/export`): one JSON document written as
//! it is read, page by page from one read snapshot, so memory stays flat however large the
//! organisation is. Secrets are left out: password hashes, webhook secrets (API keys are
//! stored without their tokens).

use serde_json::Value;

use crate::error::{Error, Result};
use crate::store::tables::{
    API_KEYS, APPLICATIONS, AUDIT, CANDIDATES, ENGAGEMENTS, INSTANCE, INTERVIEWS, JOBS, OFFERS,
    PEOPLE, PROJECTS, SLOTS, STAGE_CHANGES, TENANTS, USERS, WEBHOOKS,
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
