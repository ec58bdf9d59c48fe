//! Keeps the search index in step with redb. Every write that changes a searchable record
//! adds an outbox row in its own transaction; after the commit the change is applied to the
//! index (the response waits for it: read-your-writes). Index commits are not fsynced one by
//! one: every few seconds a checkpoint makes what was applied durable, and only then are the
//! outbox rows it covers pruned. At start-up the rows still there are replayed, and a
//! missing, damaged or possibly incomplete index is rebuilt from redb.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use super::candidates::Candidate;
use super::jobs::Job;
use super::meaning::{self, Meaning};
use crate::error::Result;
use crate::search::{Doc, Kind, Op, Opened, Search};
use crate::semantic::{Change, Shelves};
use crate::store::tables::{INSTANCE, SEARCH_OUTBOX};
use crate::store::{Reader, Records, Store, Tx};

/// A record kept in the search index: its kind, the table it lives in, its document.
pub trait Indexed: DeserializeOwned + 'static {
    const KIND: Kind;
    const TABLE: Records<Self>;
    /// Where the records' vectors of meaning are kept (`domain::meaning`).
    const VECTORS: Records<Meaning>;
    fn doc(&self) -> Doc;
    /// The document as the index keeps it, with what other tables add to it (the text of a
    /// candidate's resumes), read through `rx`.
    fn doc_in(&self, _rx: &impl Reader) -> Result<Doc> {
        Ok(self.doc())
    }
}

impl Indexed for Job {
    const KIND: Kind = Kind::Job;
    const TABLE: Records<Job> = crate::store::tables::JOBS;
    const VECTORS: Records<Meaning> = crate::store::tables::JOB_VECTORS;
    fn doc(&self) -> Doc {
        super::jobs::doc(self)
    }
}

impl Indexed for Candidate {
    const KIND: Kind = Kind::Candidate;
    const TABLE: Records<Candidate> = crate::store::tables::CANDIDATES;
    const VECTORS: Records<Meaning> = crate::store::tables::CANDIDATE_VECTORS;
    fn doc(&self) -> Doc {
        super::candidates::doc(self)
    }
    fn doc_in(&self, rx: &impl Reader) -> Result<Doc> {
        let mut doc = self.doc();
        doc.body
            .push_str(&super::uploads::candidate_text(rx, self.org_id, self.id)?);
        Ok(doc)
    }
}

/// A searchable record that changed: replayed from redb at start-up until the index holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxEntry {
    #[serde(rename = "entity")]
    pub kind: Kind,
    pub tenant: u64,
    pub id: u64,
}

/// The index changes of one write: each has its outbox row, added in the write's transaction.
#[derive(Debug, Default)]
pub struct Pending {
    pub seqs: Vec<u64>,
    pub ops: Vec<Op>,
    /// The vectors of meaning written with the records, for the ones in memory.
    pub meanings: Vec<Change>,
}

impl Pending {
    /// `record` was created or changed.
    pub fn upsert<T: Indexed>(&mut self, tx: &mut Tx, record: &T) -> Result<()> {
        let doc = record.doc_in(tx)?;
        let seq = self.push(tx, T::KIND, doc.tenant, doc.id)?;
        self.meanings.push(meaning::keep::<T>(tx, &doc, seq)?);
        self.ops.push(Op::Upsert(T::KIND, doc));
        Ok(())
    }

    /// `record` has a fresh id: the index holds no older version to replace.
    pub fn insert<T: Indexed>(&mut self, tx: &mut Tx, record: &T) -> Result<()> {
        let doc = record.doc_in(tx)?;
        let seq = self.push(tx, T::KIND, doc.tenant, doc.id)?;
        self.meanings.push(meaning::keep::<T>(tx, &doc, seq)?);
        self.ops.push(Op::Add(T::KIND, doc));
        Ok(())
    }

    /// The record `id` of type `T` was deleted.
    pub fn remove<T: Indexed>(&mut self, tx: &mut Tx, tenant: u64, id: u64) -> Result<()> {
        let seq = self.push(tx, T::KIND, tenant, id)?;
        self.meanings
            .push(meaning::forget::<T>(tx, tenant, id, seq)?);
        self.ops.push(Op::Delete(T::KIND, id));
        Ok(())
    }

    fn push(&mut self, tx: &mut Tx, kind: Kind, tenant: u64, id: u64) -> Result<u64> {
        let seq = tx.next_seq("seq_search_outbox")?;
        tx.put(
            &SEARCH_OUTBOX,
            INSTANCE,
            seq,
            &OutboxEntry { kind, tenant, id },
        )?;
        self.seqs.push(seq);
        Ok(seq)
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

/// Changes committed to the database and not yet durable in the search index (for `/metrics`).
pub fn lag(store: &Store) -> Result<u64> {
    store.read()?.count(&SEARCH_OUTBOX, INSTANCE)
}

#[derive(Clone)]
pub struct Indexer {
    pub search: Search,
    /// The tenants' vectors of meaning loaded in memory.
    pub shelves: Arc<Shelves>,
    store: Store,
    prune: mpsc::UnboundedSender<PruneMsg>,
}

impl Indexer {
    pub fn start(store: Store, search: Search) -> Indexer {
        let (prune, inbox) = mpsc::unbounded_channel();
        tokio::spawn(prune_loop(store.clone(), search.clone(), inbox));
        Indexer {
            search,
            shelves: Arc::default(),
            store,
            prune,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A write that changes searchable records: `f` runs in one write transaction and notes
    /// its index changes in `Pending`; once the commit is durable they are applied to the index
    /// before this returns, so the caller reads its own writes.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Tx, &mut Pending) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let (value, pending) = self
            .store
            .write(move |tx| {
                let mut pending = Pending::default();
                let value = f(tx, &mut pending)?;
                Ok((value, pending))
            })
            .await?;
        self.sync(pending).await;
        Ok(value)
    }

    /// Applies committed changes to the index. A failure is logged, not returned: the record
    /// is safely in redb and the outbox replays it.
    async fn sync(&self, pending: Pending) {
        // The vectors are committed with the records: memory follows whatever the index does.
        self.shelves.apply(&pending.meanings);
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
            Opened::Existing => {
                self.replay().await?;
                if !meaning::current(&self.store)? {
                    self.recompute_meanings().await?;
                }
                Ok(())
            }
        }
    }

    /// Recomputes every stored vector of meaning with the compiled-in model.
    async fn recompute_meanings(&self) -> Result<()> {
        let started = std::time::Instant::now();
        let total = meaning::recompute::<Job>(&self.store).await?
            + meaning::recompute::<Candidate>(&self.store).await?;
        meaning::mark_current(&self.store).await?;
        self.shelves.clear();
        tracing::info!(
            vectors = total,
            millis = started.elapsed().as_millis() as u64,
            "vectors of meaning recomputed"
        );
        Ok(())
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
        let total = self.add_all::<Job>().await? + self.add_all::<Candidate>().await?;
        self.recompute_meanings().await?;
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

    /// Adds every record of type `T` to the (cleared) index; returns how many.
    async fn add_all<T: Indexed>(&self) -> Result<usize> {
        let mut total = 0usize;
        for_each_page(&self.store, &T::TABLE, |rows| {
            total += rows.len();
            let ops = self.store.read().and_then(|rx| {
                rows.iter()
                    .map(|(_, record)| Ok(Op::Add(T::KIND, record.doc_in(&rx)?)))
                    .collect::<Result<Vec<Op>>>()
            });
            let search = self.search.clone();
            async move { search.apply(ops?).await }
        })
        .await?;
        Ok(total)
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

/// What the index must do for an outbox row: hold the record as it is now, or forget it.
fn current_op(rx: &impl Reader, entry: &OutboxEntry) -> Result<Op> {
    fn op<T: Indexed>(rx: &impl Reader, entry: &OutboxEntry) -> Result<Op> {
        Ok(match rx.get(&T::TABLE, entry.tenant, entry.id)? {
            Some(record) => Op::Upsert(T::KIND, record.doc_in(rx)?),
            None => Op::Delete(T::KIND, entry.id),
        })
    }
    match entry.kind {
        Kind::Job => op::<Job>(rx, entry),
        Kind::Candidate => op::<Candidate>(rx, entry),
    }
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
    use crate::domain::candidates::NewCandidate;
    use crate::search::Query;

    #[tokio::test]
    async fn outbox_rows_stay_until_a_checkpoint_has_synced_their_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db"), 4 << 20).unwrap();
        let (search, _) = Search::open(&dir.path().join("index")).unwrap();
        let indexer = Indexer::start(store.clone(), search.clone());
        indexer
            .write(|tx, pending| {
                let mut c = NewCandidate {
                    full_name: "Chiamaka Obi".into(),
                    ..NewCandidate::default()
                }
                .into_candidate(1, "manual");
                c.id = 42;
                tx.put(&Candidate::TABLE, 1, 42, &c)?;
                pending.insert(tx, &c)
            })
            .await
            .unwrap();
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
