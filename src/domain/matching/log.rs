//! The match log (seed 004 `match_logs`): each matching answer — who asked, when, which way,
//! for which record, how many were recalled and the top results — kept per tenant and read
//! newest first with a cursor (`GET /matching/logs`).

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::error::Result;
use crate::store::tables::MATCH_LOGS;
use crate::store::{Reader, Store};
use crate::time::Timestamp;

named_enum! {
    /// Which question was asked.
    pub enum Direction {
        CandidatesForJob = "candidates_for_job",
        JobsForCandidate = "jobs_for_candidate",
        SlotMatches = "slot_matches",
    }
}

/// How many results an entry keeps.
pub const LOGGED_RESULTS: usize = 10;

/// One result as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Object)]
pub struct LoggedMatch {
    /// The candidate (for `candidates_for_job`), job (`jobs_for_candidate`) or person.
    pub id: u64,
    pub score: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct MatchLogEntry {
    pub id: u64,
    pub at: Timestamp,
    /// Who asked: an email, or `key:<prefix>` for an API key.
    pub actor: String,
    pub direction: Direction,
    /// The job, candidate or slot the question was about.
    pub subject_id: u64,
    /// How many records recall handed to the axes.
    pub recalled: u32,
    /// The best results, best first (at most 10).
    pub top: Vec<LoggedMatch>,
}

impl MatchLogEntry {
    pub fn new(
        direction: Direction,
        subject_id: u64,
        recalled: usize,
        top: Vec<(u64, u8)>,
    ) -> MatchLogEntry {
        MatchLogEntry {
            id: 0,
            at: Timestamp::now(),
            actor: String::new(),
            direction,
            subject_id,
            recalled: recalled.min(u32::MAX as usize) as u32,
            top: top
                .into_iter()
                .take(LOGGED_RESULTS)
                .map(|(id, score)| LoggedMatch { id, score })
                .collect(),
        }
    }
}

/// Appends `entry` to the tenant's log. The answer does not wait for it: the entry is queued
/// for the writer and lands with its next batch (a crash in the few milliseconds between may
/// lose the last entries, never a record anyone wrote).
pub fn record(store: &Store, who: &Identity, mut entry: MatchLogEntry) {
    let tenant = who.tenant_id;
    entry.actor = who.actor.clone();
    store.write_later("match log", move |tx| {
        entry.id = tx.next_id()?;
        tx.put(&MATCH_LOGS, tenant, entry.id, &entry)
    });
}

/// Newest first, entries with ids below `before`; and whether older ones remain.
pub fn page(
    store: &Store,
    tenant: u64,
    before: Option<u64>,
    limit: usize,
) -> Result<(Vec<MatchLogEntry>, bool)> {
    let (rows, more) = store
        .read()?
        .page_before(&MATCH_LOGS, tenant, before, limit)?;
    Ok((rows.into_iter().map(|(_, e)| e).collect(), more))
}
