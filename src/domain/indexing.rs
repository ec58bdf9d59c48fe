//! Keeps the search index in step with redb. Every write that changes a searchable record
//! adds an outbox row in its own transaction; after the commit the change is applied to the
//! index (the response waits for it), and the outbox row is pruned later. At start-up the
//! rows still there are replayed, and a missing or damaged index is rebuilt from redb.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use super::{candidates, jobs};
use crate::error::Result;
use crate::search::{Kind, Op, Opened, Search};
use crate::store::tables::{CANDIDATES, INSTANCE, JOBS, SEARCH_OUTBOX};
use crate::store::{Reader, Store, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Job,
    Candidate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub entity: Entity,
    pub tenant: u64,
    pub id: u64,
}

/// Records, inside the write transaction, that a searchable record changed; returns the row's sequence.
pub fn enqueue(tx: &mut Tx, entity: Entity, tenant: u64, id: u64) -> Result<u64> {
    let seq = tx.next_seq("seq_search_outbox")?;
    tx.put(
        &SEARCH_OUTBOX,
        INSTANCE,
        seq,
        &OutboxEntry { entity, tenant, id },
    )?;
    Ok(seq)
}

/// What a write hands the indexer after its commit: the outbox rows and the index changes.
#[derive(Debug, Default)]
pub struct Pending {
    pub seqs: Vec<u64>,
    pub ops: Vec<Op>,
}

impl Pending {
    pub fn add(&mut self, tx: &mut Tx, entity: Entity, tenant: u64, id: u64, op: Op) -> Result<()> {
        self.seqs.push(enqueue(tx, entity, tenant, id)?);
        self.ops.push(op);
        Ok(())
    }
}

enum PruneMsg {
    Seqs(Vec<u64>),
    Flush(oneshot::Sender<()>),
    /// Prune what is queued, then end the task (releasing its handle on the store).
    Stop(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct Indexer {
    pub search: Search,
    store: Store,
    prune: mpsc::UnboundedSender<PruneMsg>,
}

impl Indexer {
    pub fn start(store: Store, search: Search) -> Indexer {
        let (prune, inbox) = mpsc::unbounded_channel();
        tokio::spawn(prune_loop(store.clone(), inbox));
        Indexer {
            search,
            store,
            prune,
        }
    }

    /// Applies committed changes to the index; the caller's response waits for this. A failure
    /// is logged, not returned: the record is safely in redb and the outbox replays it.
    pub async fn sync(&self, pending: Pending) {
        if pending.ops.is_empty() {
            return;
        }
        match self.search.apply(pending.ops).await {
            Ok(()) => {
                let _ = self.prune.send(PruneMsg::Seqs(pending.seqs));
            }
            Err(e) => {
                tracing::error!(error = %e, "search index update failed; it is replayed at the next start")
            }
        }
    }

    /// Writes the outbox pruning still queued.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.prune.send(PruneMsg::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Prunes what is queued and ends the pruning task.
    pub async fn stop(&self) {
        let (done, wait) = oneshot::channel();
        if self.prune.send(PruneMsg::Stop(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Brings the index up to date at start-up.
    pub async fn recover(&self, opened: Opened) -> Result<()> {
        match opened {
            Opened::Fresh => self.rebuild().await,
            Opened::Existing => self.replay().await,
        }
    }

    async fn replay(&self) -> Result<()> {
        let mut after = None;
        let mut replayed = 0usize;
        loop {
            let rows = self.store.read()?.scan(&SEARCH_OUTBOX, after, 5_000)?;
            let Some(last) = rows.last() else { break };
            after = Some(last.0);
            let rx = self.store.read()?;
            let mut pending = Pending::default();
            for ((_, seq), entry) in rows {
                pending.seqs.push(seq);
                pending.ops.push(current_op(&rx, &entry)?);
            }
            replayed += pending.ops.len();
            self.search.apply(pending.ops).await?;
            let _ = self.prune.send(PruneMsg::Seqs(pending.seqs));
        }
        if replayed > 0 {
            tracing::info!(replayed, "search index caught up with the database");
        }
        Ok(())
    }

    /// Re-creates every document from redb (`hirebase reindex`, or an index found missing).
    pub async fn rebuild(&self) -> Result<()> {
        let started = std::time::Instant::now();
        self.search.clear().await?;
        let mut total = 0usize;
        for_each_page(&self.store, &JOBS, |rows| {
            total += rows.len();
            self.search.apply(
                rows.iter()
                    .map(|(_, job)| Op::Upsert(Kind::Job, jobs::doc(job)))
                    .collect(),
            )
        })
        .await?;
        for_each_page(&self.store, &CANDIDATES, |rows| {
            total += rows.len();
            self.search.apply(
                rows.iter()
                    .map(|(_, c)| Op::Upsert(Kind::Candidate, candidates::doc(c)))
                    .collect(),
            )
        })
        .await?;
        // Everything is in the index now: the outbox has nothing left to replay.
        for_each_page(&self.store, &SEARCH_OUTBOX, |rows| {
            let _ = self.prune.send(PruneMsg::Seqs(
                rows.iter().map(|((_, seq), _)| *seq).collect(),
            ));
            std::future::ready(Ok(()))
        })
        .await?;
        tracing::info!(
            documents = total,
            millis = started.elapsed().as_millis() as u64,
            "search index rebuilt"
        );
        Ok(())
    }
}

/// Walks a whole table in pages of 10,000 rows, each read from a fresh snapshot.
async fn for_each_page<T, F, Fut>(
    store: &Store,
    records: &crate::store::Records<T>,
    mut f: F,
) -> Result<()>
where
    T: serde::de::DeserializeOwned,
    F: FnMut(&[((u64, u64), T)]) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut after = None;
    loop {
        let rows = store.read()?.scan(records, after, 10_000)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some(last.0);
        f(&rows).await?;
    }
}

fn current_op(rx: &impl Reader, entry: &OutboxEntry) -> Result<Op> {
    Ok(match entry.entity {
        Entity::Job => match rx.get(&JOBS, entry.tenant, entry.id)? {
            Some(job) => Op::Upsert(Kind::Job, jobs::doc(&job)),
            None => Op::Delete(Kind::Job, entry.id),
        },
        Entity::Candidate => match rx.get(&CANDIDATES, entry.tenant, entry.id)? {
            Some(c) => Op::Upsert(Kind::Candidate, candidates::doc(&c)),
            None => Op::Delete(Kind::Candidate, entry.id),
        },
    })
}

async fn prune_loop(store: Store, mut inbox: mpsc::UnboundedReceiver<PruneMsg>) {
    let mut stop = None;
    while stop.is_none() {
        let Some(first) = inbox.recv().await else {
            return;
        };
        // Let pruning gather for a moment: it is never urgent.
        if matches!(first, PruneMsg::Seqs(_)) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let mut seqs = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                PruneMsg::Seqs(s) => seqs.extend(s),
                PruneMsg::Flush(done) => flushes.push(done),
                PruneMsg::Stop(done) => {
                    stop = Some(done);
                    break;
                }
            }
            next = inbox.try_recv().ok();
        }
        if !seqs.is_empty() {
            let result = store
                .write(move |tx| {
                    for seq in seqs {
                        tx.remove(&SEARCH_OUTBOX, INSTANCE, seq)?;
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not prune the search outbox; it is replayed at the next start");
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
    drop(store);
    if let Some(done) = stop {
        let _ = done.send(());
    }
}
