//! Keeps the search index in step with redb. Every write that changes a searchable record
//! adds an outbox row in its own transaction; after the commit the change is applied to the
//! index (the response waits for it: read-your-writes). Index commits are not fsynced one by
//! one: every few seconds a checkpoint makes what was applied durable, and only then are the
//! outbox rows it covers pruned. At start-up the rows still there are replayed, and a
//! missing, damaged or possibly incomplete index is rebuilt from redb.

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

/// How often changes applied to the index are made durable and their outbox rows pruned.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);

enum PruneMsg {
    /// Outbox rows whose changes the index has applied (not yet durably).
    Seqs(Vec<u64>),
    /// Checkpoint and prune now.
    Flush(oneshot::Sender<()>),
    /// Checkpoint and prune, then end the task (releasing its handle on the store).
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
        tokio::spawn(prune_loop(store.clone(), search.clone(), inbox));
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

    /// Makes the applied changes durable and prunes their outbox rows.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.prune.send(PruneMsg::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Checkpoints, prunes what is queued and ends the pruning task.
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
                    .map(|(_, job)| Op::Add(Kind::Job, jobs::doc(job)))
                    .collect(),
            )
        })
        .await?;
        for_each_page(&self.store, &CANDIDATES, |rows| {
            total += rows.len();
            self.search.apply(
                rows.iter()
                    .map(|(_, c)| Op::Add(Kind::Candidate, candidates::doc(c)))
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

async fn prune_loop(store: Store, search: Search, mut inbox: mpsc::UnboundedReceiver<PruneMsg>) {
    let mut applied: Vec<u64> = Vec::new();
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let (flush, stop) = tokio::select! {
            msg = inbox.recv() => match msg {
                Some(PruneMsg::Seqs(seqs)) => {
                    applied.extend(seqs);
                    continue;
                }
                Some(PruneMsg::Flush(done)) => (Some(done), None),
                Some(PruneMsg::Stop(done)) => (None, Some(done)),
                None => return,
            },
            _ = tick.tick() => (None, None),
        };
        // Everything reported so far was applied before this checkpoint starts.
        while let Ok(msg) = inbox.try_recv() {
            if let PruneMsg::Seqs(seqs) = msg {
                applied.extend(seqs);
            }
        }
        let seqs = std::mem::take(&mut applied);
        checkpoint_and_prune(&store, &search, seqs).await;
        if let Some(done) = flush {
            let _ = done.send(());
        }
        if let Some(done) = stop {
            drop(store);
            let _ = done.send(());
            return;
        }
    }
}

/// Syncs the index, then deletes the outbox rows whose changes it now holds durably.
async fn checkpoint_and_prune(store: &Store, search: &Search, seqs: Vec<u64>) {
    let synced = {
        let search = search.clone();
        tokio::task::spawn_blocking(move || search.checkpoint()).await
    };
    match synced {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "could not sync the search index; its outbox is kept for replay");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "search index checkpoint failed");
            return;
        }
    }
    if seqs.is_empty() {
        return;
    }
    let result = store
        .write(move |tx| tx.remove_ids(&SEARCH_OUTBOX, INSTANCE, &seqs).map(|_| ()))
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not prune the search outbox; it is replayed at the next start");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Doc, Query};

    #[tokio::test]
    async fn outbox_rows_stay_until_a_checkpoint_has_synced_their_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), 4 << 20).unwrap();
        let (search, _) = Search::open(&dir.path().join("index")).unwrap();
        let indexer = Indexer::start(store.clone(), search.clone());
        let pending = store
            .write(|tx| {
                let mut pending = Pending::default();
                let doc = Doc {
                    id: 42,
                    tenant: 1,
                    name: "Chiamaka Obi".into(),
                    ..Doc::default()
                };
                pending.add(tx, Entity::Candidate, 1, 42, Op::Add(Kind::Candidate, doc))?;
                Ok(pending)
            })
            .await
            .unwrap();
        indexer.sync(pending).await;
        let query = Query {
            text: Some("chiamaka ".into()),
            ..Query::new(Kind::Candidate, Some(1))
        };
        assert_eq!(
            search.query(&query).unwrap().ids,
            vec![42],
            "visible at once"
        );
        let outbox = || {
            store
                .read()
                .unwrap()
                .count(&SEARCH_OUTBOX, INSTANCE)
                .unwrap()
        };
        let marker = dir.path().join("index").join("hirebase-unsynced");
        assert_eq!(outbox(), 1, "kept while the index change is not durable");
        assert!(marker.exists());
        indexer.flush().await;
        assert_eq!(outbox(), 0, "pruned once synced");
        assert!(!marker.exists());
        indexer.stop().await;
        search.stop();
    }
}
