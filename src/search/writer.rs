//! The one `IndexWriter`, owned by a thread fed by a channel: it applies every change waiting,
//! commits once, reloads the reader, then answers the writers; when idle it merges segments.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tantivy::index::SegmentId;
use tantivy::indexer::LogMergePolicy;
use tantivy::{IndexWriter, Term};
use tokio::sync::oneshot;

use super::schema::{Doc, Kind, to_document};
use super::{Inner, Search};
use crate::error::{Error, Result};

pub const WRITER_MEMORY: usize = 64 << 20;

#[derive(Debug, Clone)]
pub enum Op {
    /// A record new to the index (nothing to replace).
    Add(Kind, Doc),
    /// A record that may be in the index already.
    Upsert(Kind, Doc),
    Delete(Kind, u64),
}

pub enum Cmd {
    Apply(Vec<Op>, oneshot::Sender<Result<()>>),
    Clear(oneshot::Sender<Result<()>>),
    Stop(std_mpsc::Sender<()>),
}

impl Search {
    /// Applies the changes and returns once they are committed and visible to queries (not
    /// yet durable: see [`Search::checkpoint`]).
    pub async fn apply(&self, ops: Vec<Op>) -> Result<()> {
        if ops.is_empty() {
            return Ok(());
        }
        let (reply, done) = oneshot::channel();
        self.send(Cmd::Apply(ops, reply)).await?;
        done.await
            .map_err(|_| Error::internal(anyhow::anyhow!("the indexer stopped")))?
    }

    /// Removes every document (the first step of a rebuild).
    pub async fn clear(&self) -> Result<()> {
        let (reply, done) = oneshot::channel();
        self.send(Cmd::Clear(reply)).await?;
        done.await
            .map_err(|_| Error::internal(anyhow::anyhow!("the indexer stopped")))?
    }

    async fn send(&self, cmd: Cmd) -> Result<()> {
        let commands = self.inner.commands.clone();
        tokio::task::spawn_blocking(move || commands.send(cmd))
            .await
            .map_err(Error::internal)?
            .map_err(|_| Error::internal(anyhow::anyhow!("the indexer stopped")))
    }

    /// Stops the writer thread after what is queued, and makes the index durable.
    pub fn stop(&self) {
        let (ack, done) = std_mpsc::channel();
        if self.inner.commands.send(Cmd::Stop(ack)).is_ok() {
            let _ = done.recv();
        }
        if let Err(e) = self.checkpoint() {
            tracing::warn!(error = %e, "the search index could not be synced; it is rebuilt after a crash");
        }
    }
}

/// Merging during writes follows tantivy's log policy, up to segments of 250k documents:
/// a bulk load does not pay for rewriting its largest segments again and again. When the
/// writer is idle, [`idle_merge`] brings the index down to one or two segments.
pub fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(250_000);
    policy.set_del_docs_ratio_before_merge(0.3);
    policy
}

/// How long the writer waits without work before merging what the log policy left.
const IDLE_MERGE_AFTER: Duration = Duration::from_secs(2);

/// When writes pause, brings the index down to few segments: all of them into one while the
/// largest holds less than twice the rest (after a bulk load), else the smaller ones into
/// one (after a few edits), so each document is rewritten a logarithmic number of times.
fn idle_merge(inner: &Arc<Inner>, writer: &mut IndexWriter) {
    if inner.merging.load(Ordering::Acquire) {
        return;
    }
    let Ok(mut segments) = inner.index.searchable_segment_metas() else {
        return;
    };
    segments.sort_by_key(|s| std::cmp::Reverse(s.num_docs()));
    let Some(largest) = segments.first().map(|s| s.num_docs()) else {
        return;
    };
    let rest: u32 = segments[1..].iter().map(|s| s.num_docs()).sum();
    let chosen: Vec<SegmentId> = if largest < rest.saturating_mul(2) {
        segments.iter().map(|s| s.id()).collect()
    } else {
        segments[1..].iter().map(|s| s.id()).collect()
    };
    if chosen.len() < 2 {
        return;
    }
    inner.merging.store(true, Ordering::Release);
    let merge = writer.merge(&chosen);
    let shared = inner.clone();
    let spawned = std::thread::Builder::new()
        .name("hirebase-merge".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            match merge.wait() {
                Ok(merged) => {
                    let _ = shared.reader.reload();
                    tracing::debug!(
                        segments = chosen.len(),
                        documents = merged.map(|m| m.num_docs()),
                        millis = started.elapsed().as_millis() as u64,
                        "search index segments merged"
                    );
                }
                Err(e) => tracing::debug!(error = %e, "search index merge skipped"),
            }
            shared.merging.store(false, Ordering::Release);
        });
    if spawned.is_err() {
        inner.merging.store(false, Ordering::Release);
    }
}

pub fn writer_loop(inner: &Arc<Inner>, mut writer: IndexWriter, inbox: std_mpsc::Receiver<Cmd>) {
    let f = inner.fields;
    loop {
        let first = match inbox.recv_timeout(IDLE_MERGE_AFTER) {
            Ok(cmd) => cmd,
            Err(std_mpsc::RecvTimeoutError::Timeout) => {
                // Again at every idle interval: a segment held by a running merge can join
                // the next one.
                idle_merge(inner, &mut writer);
                continue;
            }
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut replies = Vec::new();
        let mut stop = None;
        let mut failed: Option<String> = None;
        let mut next = Some(first);
        let mut pending = 0usize;
        while let Some(cmd) = next.take() {
            match cmd {
                Cmd::Apply(ops, reply) => {
                    for op in ops {
                        let result = match op {
                            Op::Add(kind, d) => {
                                writer.add_document(to_document(&f, kind, &d)).map(|_| ())
                            }
                            Op::Upsert(kind, d) => {
                                writer.delete_term(Term::from_field_u64(f.id, d.id));
                                writer.add_document(to_document(&f, kind, &d)).map(|_| ())
                            }
                            Op::Delete(_, id) => {
                                writer.delete_term(Term::from_field_u64(f.id, id));
                                Ok(())
                            }
                        };
                        if let Err(e) = result {
                            failed = Some(e.to_string());
                        }
                        pending += 1;
                    }
                    replies.push(reply);
                }
                Cmd::Clear(reply) => {
                    if let Err(e) = writer.delete_all_documents() {
                        failed = Some(e.to_string());
                    }
                    replies.push(reply);
                }
                Cmd::Stop(ack) => {
                    stop = Some(ack);
                    break;
                }
            }
            // Keep gathering while more is waiting, up to a bounded batch.
            if pending < 50_000 {
                next = inbox.try_recv().ok();
            }
        }
        if !replies.is_empty() {
            let committed = writer
                .commit()
                .map_err(|e| e.to_string())
                .and_then(|_| inner.reader.reload().map_err(|e| e.to_string()));
            let outcome = match (failed, committed) {
                (None, Ok(())) => None,
                (Some(e), _) | (None, Err(e)) => Some(e),
            };
            if let Some(e) = &outcome {
                tracing::error!(error = %e, "search index commit failed");
            }
            for reply in replies {
                let _ = reply.send(match &outcome {
                    None => Ok(()),
                    Some(e) => Err(Error::internal(anyhow::anyhow!("search index: {e}"))),
                });
            }
        }
        if let Some(ack) = stop {
            let _ = writer.wait_merging_threads();
            let _ = ack.send(());
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::search::Query;
    use crate::search::tests::{candidate, fixture, text};

    #[tokio::test]
    async fn idle_writers_merge_segments() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Search::open(&dir.path().join("index")).unwrap();
        for id in 1..=4 {
            s.apply(vec![candidate(id, 1, "Ada Lovelace", "", &[], "")])
                .await
                .unwrap();
        }
        assert_eq!(s.segments(), 4, "one segment per commit");
        let started = std::time::Instant::now();
        while s.segments() > 1 || s.merging() {
            assert!(started.elapsed() < IDLE_MERGE_AFTER * 5, "merged once idle");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(s.query(&text(1, "lovelace ")).unwrap().total, 4);
        s.stop();
    }

    #[tokio::test]
    async fn deletes_and_updates_are_visible_when_apply_returns() {
        let (_dir, s) = fixture().await;
        s.apply(vec![
            Op::Delete(Kind::Candidate, 1),
            candidate(2, 1, "John Smith", "Rust Developer", &["Rust"], ""),
        ])
        .await
        .unwrap();
        let mut q = Query::new(Kind::Candidate, Some(1));
        q.skills = vec!["Rust".into()];
        assert_eq!(s.query(&q).unwrap().ids, vec![2]);
        assert_eq!(s.num_docs(), 3);
    }
}
