//! Full-text search on tantivy: a derived index of jobs and candidates, always rebuildable
//! from redb. One writer thread owns the `IndexWriter` ([`writer`]): writers send their
//! changes and wait; the thread applies everything waiting, commits once, reloads the reader,
//! then answers — so a write's response arrives after search reflects it (read-your-writes),
//! while concurrent writers share commits. [`schema`] says what a document is, [`query`] how
//! a search runs, [`analysis`] how text becomes terms.

mod analysis;
mod directory;
mod query;
mod recall;
mod schema;
mod writer;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy};

use self::directory::LazySyncDirectory;
use self::query::{Expanded, IdColumns, PRUNE_FROM_MATCHES};
use self::schema::{Fields, SCHEMA_VERSION, VERSION_FILE};
use self::writer::{Cmd, WRITER_MEMORY};
use crate::error::{Error, Result};

pub use self::query::{Hits, Query, Synonyms};
pub use self::recall::Recall;
pub use self::schema::{Doc, Kind};
pub use self::writer::Op;

struct Inner {
    index: Index,
    directory: LazySyncDirectory,
    reader: IndexReader,
    fields: Fields,
    commands: std_mpsc::SyncSender<Cmd>,
    /// A background merge of the segments is running.
    merging: AtomicBool,
    /// Completions of unfinished words and corrections of typos, for the searcher generation
    /// they were found in: people type the same beginnings and the same slips, and a scan of
    /// the term dictionary was most of the cost of a query that has one.
    expanded: Mutex<Expanded>,
    /// [`Search::columns`].
    id_columns: Mutex<IdColumns>,
    /// [`Search::recall_profiles`].
    profiles: Mutex<recall::Profiles>,
    /// [`PRUNE_FROM_MATCHES`]; lowered by tests, whose indexes are small.
    prune_from: AtomicU64,
    /// [`Search::use_synonyms`].
    synonyms: OnceLock<Synonyms>,
}

#[derive(Clone)]
pub struct Search {
    inner: Arc<Inner>,
}

/// How [`Search::open`] found the index directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// The index was there, of this schema version.
    Existing,
    /// Missing, unreadable, of another version, or possibly incomplete after the machine went
    /// down: created empty, needs a full rebuild.
    Fresh,
}

/// Runs `work` — a search and the record reads around it — on the blocking pool. A query
/// takes from microseconds to tens of milliseconds of CPU: run on the async workers, a long
/// one held up every request queued behind it; as threads, the system shares the cores among
/// them, so a short query answers in about its own time.
pub async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(Error::internal)?
}

/// As [`off_the_workers`], for work that costs milliseconds of CPU every time (matching, search
/// by meaning): at most one per core runs at once, the others wait their turn. Run together,
/// the system shares the cores among all of them and each takes as long as the slowest; in
/// turn, each answers in its own time after those before it (candidates for a job, 8 clients
/// on 2 cores: p99 71 → 48 ms).
pub async fn in_turn<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    static TURNS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    let _turn = TURNS.acquire().await.map_err(Error::internal)?;
    off_the_workers(work).await
}

impl Search {
    pub fn open(dir: &Path) -> anyhow::Result<(Search, Opened)> {
        let (schema, fields) = schema::schema();
        let (index, directory, opened) = match schema::open_existing(dir, &schema) {
            Some((index, directory)) => (index, directory, Opened::Existing),
            None => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "search index missing, outdated, unreadable or not synced before the machine went down: rebuilding");
                    std::fs::remove_dir_all(dir)?;
                }
                std::fs::create_dir_all(dir)?;
                std::fs::write(
                    dir.join(VERSION_FILE),
                    serde_json::json!({"schema": SCHEMA_VERSION}).to_string(),
                )?;
                let directory = LazySyncDirectory::open(dir)?;
                let index = Index::create(directory.clone(), schema, IndexSettings::default())?;
                directory.checkpoint()?;
                (index, directory, Opened::Fresh)
            }
        };
        analysis::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        writer.set_merge_policy(Box::new(writer::merge_policy()));
        let (commands, inbox) = std_mpsc::sync_channel(1024);
        let inner = Arc::new(Inner {
            index,
            directory,
            reader,
            fields,
            commands,
            merging: AtomicBool::new(false),
            expanded: Mutex::new(Expanded::default()),
            id_columns: Mutex::new((0, Arc::default())),
            profiles: Mutex::default(),
            prune_from: AtomicU64::new(PRUNE_FROM_MATCHES),
            synonyms: OnceLock::new(),
        });
        let thread_inner = inner.clone();
        std::thread::Builder::new()
            .name("hirebase-indexer".into())
            .spawn(move || writer::writer_loop(&thread_inner, writer, inbox))?;
        Ok((Search { inner }, opened))
    }

    /// From now on a query word also matches the other names `synonyms` gives it (a skill's
    /// aliases). Set once; later calls change nothing.
    pub fn use_synonyms(&self, synonyms: Synonyms) {
        let _ = self.inner.synonyms.set(synonyms);
    }

    /// Makes every change applied before this call durable (fsync). Blocking.
    pub fn checkpoint(&self) -> Result<()> {
        self.inner
            .directory
            .checkpoint()
            .map_err(|e| Error::internal(anyhow::Error::new(e).context("syncing the search index")))
    }

    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Whether an idle-time merge is running.
    pub fn merging(&self) -> bool {
        self.inner.merging.load(Ordering::Acquire)
    }

    /// How many segments queries currently go through.
    pub fn segments(&self) -> usize {
        self.inner.reader.searcher().segment_readers().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn candidate(
        id: u64,
        tenant: u64,
        name: &str,
        title: &str,
        skills: &[&str],
        notes: &str,
    ) -> Op {
        Op::Upsert(
            Kind::Candidate,
            Doc {
                id,
                tenant,
                name: name.into(),
                title: title.into(),
                skills: skills.iter().map(|s| s.to_string()).collect(),
                body: notes.into(),
                location: "Lagos, Nigeria".into(),
                experience: Some(id),
                ..Doc::default()
            },
        )
    }

    pub(super) async fn fixture() -> (tempfile::TempDir, Search) {
        let dir = tempfile::tempdir().unwrap();
        let (search, opened) = Search::open(&dir.path().join("index")).unwrap();
        assert_eq!(opened, Opened::Fresh);
        search
            .apply(vec![
                candidate(
                    1,
                    1,
                    "Jane Doe",
                    "Backend Engineer",
                    &["Rust", "PostgreSQL"],
                    "distributed systems",
                ),
                candidate(
                    2,
                    1,
                    "John Smith",
                    "Data Scientist",
                    &["Python"],
                    "machine learning engineering",
                ),
                candidate(
                    3,
                    1,
                    "Amara Okafor",
                    "Engineering Manager",
                    &["Go"],
                    "managed backend teams",
                ),
                candidate(
                    4,
                    2,
                    "Jane Roe",
                    "Backend Engineer",
                    &["Rust"],
                    "other tenant",
                ),
            ])
            .await
            .unwrap();
        (dir, search)
    }

    pub(super) fn text(tenant: u64, t: &str) -> Query {
        Query {
            text: Some(t.into()),
            ..Query::new(Kind::Candidate, Some(tenant))
        }
    }

    #[tokio::test]
    async fn reopening_keeps_the_index_and_a_damaged_one_is_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        {
            let (s, _) = Search::open(&path).unwrap();
            s.apply(vec![candidate(1, 1, "Jane", "", &[], "")])
                .await
                .unwrap();
            s.stop();
        }
        let (s, opened) = Search::open(&path).unwrap();
        assert_eq!(opened, Opened::Existing);
        assert_eq!(s.num_docs(), 1);
        s.stop();
        std::fs::write(path.join("meta.json"), "garbage").unwrap();
        let (s, opened) = Search::open(&path).unwrap();
        assert_eq!(opened, Opened::Fresh);
        assert_eq!(s.num_docs(), 0);
        s.apply(vec![candidate(1, 1, "Jane", "", &[], "")])
            .await
            .unwrap();
        s.stop();
        // An index analysed by an older build (before CJK pairs, say) is rebuilt, not reused.
        std::fs::write(
            path.join(VERSION_FILE),
            serde_json::json!({"schema": SCHEMA_VERSION - 1}).to_string(),
        )
        .unwrap();
        let (s, opened) = Search::open(&path).unwrap();
        assert_eq!(opened, Opened::Fresh);
        assert_eq!(s.num_docs(), 0);
    }
}
