//! Full-text search on tantivy: a derived index of jobs and candidates, always rebuildable
//! from redb. One writer thread owns the `IndexWriter`: writers send their changes and wait;
//! the thread applies everything waiting, commits once, reloads the reader, then answers —
//! so a write's response arrives after search reflects it (read-your-writes), while
//! concurrent writers share commits.

mod analysis;
mod directory;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tantivy::collector::{Count, TopDocs};
use tantivy::index::SegmentId;
use tantivy::indexer::LogMergePolicy;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query as TQuery, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{
    DocAddress, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Searcher,
    TantivyDocument, Term,
};
use tokio::sync::oneshot;

use self::directory::{Durability, LazySyncDirectory};
use crate::error::{Error, Result};

/// Bumped whenever the schema or analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: u32 = 6;
const VERSION_FILE: &str = "hirebase-index.json";
const WRITER_MEMORY: usize = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Job,
    Candidate,
}

/// What the index knows of a job or a candidate.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub id: u64,
    pub tenant: u64,
    /// A candidate's full name; a job's title.
    pub name: String,
    pub headline: String,
    /// Job titles (a candidate's current title).
    pub title: String,
    pub company: String,
    pub skills: Vec<String>,
    pub tags: Vec<String>,
    /// Notes, descriptions, resume text.
    pub body: String,
    pub location: String,
    /// Matched word by word (`jane`, `example`), never shown.
    pub email: String,
    pub experience: Option<u64>,
    pub status: String,
    /// Listed on the public careers portal.
    pub public: bool,
}

#[derive(Debug, Clone)]
pub enum Op {
    /// A record new to the index (nothing to replace).
    Add(Kind, Doc),
    /// A record that may be in the index already.
    Upsert(Kind, Doc),
    Delete(Kind, u64),
}

/// A search: free text `text` (ranked by BM25, tolerant of one typo and of an unfinished last
/// word) and filters that all must hold. Without text, newest (highest id) first.
#[derive(Debug, Clone)]
pub struct Query {
    pub kind: Kind,
    /// `None` only for the public careers portal, which spans tenants (and then `public_only`).
    pub tenant: Option<u64>,
    pub public_only: bool,
    pub text: Option<String>,
    pub skills: Vec<String>,
    pub tag: Option<String>,
    pub location: Option<String>,
    pub min_experience: Option<u64>,
    pub max_experience: Option<u64>,
    pub status: Option<String>,
    pub offset: usize,
    pub limit: usize,
}

impl Query {
    pub fn new(kind: Kind, tenant: Option<u64>) -> Query {
        Query {
            kind,
            tenant,
            public_only: false,
            text: None,
            skills: vec![],
            tag: None,
            location: None,
            min_experience: None,
            max_experience: None,
            status: None,
            offset: 0,
            limit: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    pub ids: Vec<u64>,
    pub total: u64,
}

impl Hits {
    fn none() -> Hits {
        Hits {
            ids: vec![],
            total: 0,
        }
    }
}

#[derive(Clone, Copy)]
struct Fields {
    /// The record id: ids are unique across every kind of record, so it alone identifies a
    /// document (updates and deletes go by it) and orders results newest first.
    id: Field,
    public: Field,
    status: Field,
    /// Every searchable word of the record, stemmed: what BM25 ranks on. The words that say
    /// most about a record (name, title, skills, headline) are indexed [`HEAD_WEIGHT`] times,
    /// so a match there scores higher (BM25 term frequency) while each query word remains a
    /// single term: intersecting plain term lists is the fastest query tantivy runs, where a
    /// union per word (one term per field) cost most of a query at 1M candidates.
    text: Field,
    location: Field,
    skill_exact: Field,
    tag_exact: Field,
    experience: Field,
}

/// How many times the head fields' words are indexed.
const HEAD_WEIGHT: usize = 3;
/// The weight of a word within one edit of the typed one, and of a completion of the
/// unfinished last word.
const NEAR_BOOST: f32 = 0.3;

/// The term of `text` that every record of a tenant and kind carries: the filter of every
/// tenant query. Analysis never produces `#`, so no word of a record can collide with it.
fn scope_token(kind: Kind, tenant: u64) -> String {
    match kind {
        Kind::Job => format!("#{tenant}j"),
        Kind::Candidate => format!("#{tenant}c"),
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::STEM)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let raw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::RAW)
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | FAST),
        public: b.add_text_field("public", STRING),
        status: b.add_text_field("status", STRING),
        text: b.add_text_field("text", stemmed),
        location: b.add_text_field("location", raw),
        skill_exact: b.add_text_field("skill_exact", STRING),
        tag_exact: b.add_text_field("tag_exact", STRING),
        experience: b.add_u64_field("experience", INDEXED | FAST),
    };
    (b.build(), fields)
}

enum Cmd {
    Apply(Vec<Op>, oneshot::Sender<Result<()>>),
    Clear(oneshot::Sender<Result<()>>),
    Stop(std_mpsc::Sender<()>),
}

struct Inner {
    index: Index,
    directory: LazySyncDirectory,
    reader: IndexReader,
    fields: Fields,
    commands: std_mpsc::SyncSender<Cmd>,
    /// A background merge of the segments is running.
    merging: AtomicBool,
    /// Completions of unfinished words, for the searcher generation they were found in:
    /// people type the same beginnings, and a scan of the term dictionary was most of the
    /// cost of a query that ends in an unfinished word.
    completed: Mutex<Completed>,
    /// [`PRUNE_FROM_MATCHES`]; lowered by tests, whose indexes are small.
    prune_from: AtomicU64,
}

#[derive(Default)]
struct Completed {
    generation: u64,
    words: HashMap<String, Arc<Vec<String>>>,
}

/// Unfinished words whose completions are remembered per searcher generation.
const COMPLETED_WORDS: usize = 10_000;

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

impl Search {
    pub fn open(dir: &Path) -> anyhow::Result<(Search, Opened)> {
        let (schema, fields) = schema();
        let (index, directory, opened) = match open_existing(dir, &schema) {
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
        writer.set_merge_policy(Box::new(merge_policy()));
        let (commands, inbox) = std_mpsc::sync_channel(1024);
        let inner = Arc::new(Inner {
            index,
            directory,
            reader,
            fields,
            commands,
            merging: AtomicBool::new(false),
            completed: Mutex::new(Completed::default()),
            prune_from: AtomicU64::new(PRUNE_FROM_MATCHES),
        });
        let thread_inner = inner.clone();
        std::thread::Builder::new()
            .name("hirebase-indexer".into())
            .spawn(move || writer_loop(&thread_inner, writer, inbox))?;
        Ok((Search { inner }, opened))
    }

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

    /// Makes every change applied before this call durable (fsync). Blocking.
    pub fn checkpoint(&self) -> Result<()> {
        self.inner
            .directory
            .checkpoint()
            .map_err(|e| Error::internal(anyhow::Error::new(e).context("syncing the search index")))
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

    pub fn query(&self, q: &Query) -> Result<Hits> {
        let f = &self.inner.fields;
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let term = |field: Field, value: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        match q.tenant {
            // A scored term like the query words, so that text queries stay plain intersections
            // of scored terms (which tantivy prunes); in every record of the tenant, its weight
            // is close to nothing.
            Some(tenant) => clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.text, &scope_token(q.kind, tenant)),
                    IndexRecordOption::WithFreqs,
                )),
            )),
            // Across tenants only what is public: jobs listed on the careers portal.
            None => debug_assert!(q.public_only && q.kind == Kind::Job),
        }
        if q.public_only || q.tenant.is_none() {
            clauses.push((Occur::Must, term(f.public, "yes")));
        }
        if let Some(status) = &q.status {
            clauses.push((Occur::Must, term(f.status, status)));
        }
        for skill in &q.skills {
            clauses.push((
                Occur::Must,
                term(f.skill_exact, &skill.trim().to_lowercase()),
            ));
        }
        if let Some(tag) = &q.tag {
            clauses.push((Occur::Must, term(f.tag_exact, &tag.trim().to_lowercase())));
        }
        if let Some(location) = &q.location {
            let Some(words) = self.query_words(location) else {
                return Ok(Hits::none());
            };
            for word in words {
                clauses.push((Occur::Must, term(f.location, &word)));
            }
        }
        if q.min_experience.is_some() || q.max_experience.is_some() {
            use std::ops::Bound::*;
            let lower = q.min_experience.map_or(Unbounded, |v| {
                Included(Term::from_field_u64(f.experience, v))
            });
            let upper = q.max_experience.map_or(Unbounded, |v| {
                Included(Term::from_field_u64(f.experience, v))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        let searcher = self.inner.reader.searcher();
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let mut ranked = false;
        // Only the tenant's scope term so far: no filter.
        let unfiltered = q.tenant.is_some() && clauses.len() == 1;
        // The fewest records any word matches, while every word is a single term.
        let mut rarest: Option<u64> = Some(u64::MAX);
        if let Some(text) = text {
            // Text with no word an index can hold (punctuation, or a word too long) matches
            // nothing: leaving it out would match every record.
            let words = match self.query_words(text) {
                Some(words) if !words.is_empty() => words,
                _ => return Ok(Hits::none()),
            };
            let typing = !q
                .text
                .as_deref()
                .unwrap_or("")
                .ends_with(char::is_whitespace);
            for (i, word) in words.iter().enumerate() {
                let last = i + 1 == words.len();
                let (query, single) = self.word_query(&searcher, word, last && typing);
                clauses.push((Occur::Must, query));
                rarest = rarest.zip(single).map(|(a, b)| a.min(b));
                ranked = true;
            }
        }
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        let limit = q.limit.max(1);
        let prune_from = self.inner.prune_from.load(Ordering::Relaxed);
        let prunable = unfiltered && rarest.is_some_and(|df| df >= prune_from);
        let (addresses, total): (Vec<DocAddress>, usize) = if ranked && prunable {
            // Top-k alone lets tantivy prune with block-max WAND: the query is a plain
            // intersection of scored terms. Counting in a second pass, without scoring, made
            // queries with 100k+ matches 4x faster than one pass that scores every match.
            let top = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(limit)
                        .and_offset(q.offset)
                        .order_by_score(),
                )
                .map_err(Error::internal)?;
            let total = searcher.search(&query, &Count).map_err(Error::internal)?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        } else if ranked {
            let (top, total) = searcher
                .search(
                    &query,
                    &(
                        TopDocs::with_limit(limit)
                            .and_offset(q.offset)
                            .order_by_score(),
                        Count,
                    ),
                )
                .map_err(Error::internal)?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        } else {
            let collector = TopDocs::with_limit(limit)
                .and_offset(q.offset)
                .order_by_fast_field::<u64>("id", Order::Desc);
            let (top, total) = searcher
                .search(&query, &(collector, Count))
                .map_err(Error::internal)?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        };
        // One id column per segment: opening a column reads its block index.
        let mut columns = HashMap::new();
        let mut ids = Vec::with_capacity(addresses.len());
        for address in addresses {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64("id")
                        .map_err(Error::internal)?,
                ),
            };
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id);
            }
        }
        Ok(Hits {
            ids,
            total: total as u64,
        })
    }

    /// One query word: its stem among the record's words (BM25); or, when no record has it,
    /// the words within one edit of it; or — while it is still being typed — the stem or the
    /// most frequent words it starts. With the query, the number of records its term is in
    /// when it is a single term.
    fn word_query(
        &self,
        searcher: &Searcher,
        word: &str,
        is_prefix: bool,
    ) -> (Box<dyn TQuery>, Option<u64>) {
        let f = &self.inner.fields;
        let stem = self
            .tokens(analysis::STEM_WORD, word)
            .into_iter()
            .next()
            .unwrap_or_else(|| word.to_string());
        let scored = |term: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.text, term),
                IndexRecordOption::WithFreqs,
            ))
        };
        let matches = searcher
            .doc_freq(&Term::from_field_text(f.text, &stem))
            .unwrap_or(0);
        let known = matches > 0;
        let mut shoulds: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        // A CJK pair is a whole term already (its run was split into pairs).
        if is_prefix && word.chars().count() >= 2 && !word.chars().any(analysis::is_cjk) {
            // The unfinished word stands for its most frequent completions, not all of them.
            for completion in self.completions(searcher, word, &stem).iter() {
                if *completion != stem {
                    shoulds.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(scored(completion), NEAR_BOOST)),
                    ));
                }
            }
        }
        // A typo is looked for only when the word is in no record: expanding every word to its
        // one-edit neighbours was most of the cost of a query at 1M candidates.
        if !known && word.chars().count() >= 4 {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.text, &stem), 1, true);
            shoulds.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(fuzzy), NEAR_BOOST)),
            ));
        }
        if shoulds.is_empty() {
            return (scored(&stem), Some(matches));
        }
        if known {
            shoulds.push((Occur::Should, scored(&stem)));
        }
        (Box::new(BooleanQuery::new(shoulds)), None)
    }

    /// [`completions`] of `word`, remembered until the index changes.
    fn completions(&self, searcher: &Searcher, word: &str, stem: &str) -> Arc<Vec<String>> {
        let generation = searcher.generation().generation_id();
        let lock = || {
            self.inner
                .completed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        {
            let cache = lock();
            if cache.generation == generation {
                if let Some(found) = cache.words.get(word) {
                    return found.clone();
                }
            }
        }
        let found = Arc::new(completions(
            searcher,
            self.inner.fields.text,
            word,
            stem,
            PREFIX_COMPLETIONS,
        ));
        let mut cache = lock();
        if cache.generation != generation || cache.words.len() >= COMPLETED_WORDS {
            cache.generation = generation;
            cache.words.clear();
        }
        cache.words.insert(word.to_string(), found.clone());
        found
    }

    /// [`analysis::query_words`]: `None` when a word is too long for any record to hold.
    fn query_words(&self, text: &str) -> Option<Vec<String>> {
        let mut analyzer = self.inner.index.tokenizers().get(analysis::QUERY)?;
        analysis::query_words(&mut analyzer, text)
    }

    fn tokens(&self, analyzer: &str, text: &str) -> Vec<String> {
        let Some(mut analyzer) = self.inner.index.tokenizers().get(analyzer) else {
            return vec![];
        };
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }
}

/// From how many matches of its rarest word a plain text query is ranked and counted in two
/// passes (pruned top-k, then an unscored count) rather than one that scores every match.
const PRUNE_FROM_MATCHES: u64 = 20_000;

/// The shortest stem an unfinished word may stand for when it runs past it.
const MIN_STEM_PREFIX: usize = 4;

/// How many completions an unfinished last word expands to.
const PREFIX_COMPLETIONS: usize = 16;
/// How many dictionary terms per segment are looked at to find them.
const PREFIX_SCAN: usize = 20_000;

/// The `n` stemmed terms of `field` that the unfinished `word` may become, by the number of
/// records they occur in. The dictionary holds stems, so a completion is a term that starts
/// with the word or with its stem (`compan` → `compani`), or a stem the word already runs past
/// (`developm` → `develop`).
fn completions(searcher: &Searcher, field: Field, word: &str, stem: &str, n: usize) -> Vec<String> {
    let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
    let mut prefixes = vec![word];
    if stem != word && !word.starts_with(stem) {
        prefixes.push(stem);
    }
    // Stems the typed word runs past (`developm` → `develop`, `engineerin` → `engin`): at
    // least half of it and four letters long, so that `andela` does not stand for `and`.
    let shortest = MIN_STEM_PREFIX.max(word.len().div_ceil(2));
    let shorter: Vec<&str> = (shortest..word.len())
        .filter(|&end| word.is_char_boundary(end))
        .map(|end| &word[..end])
        .collect();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let terms = inverted.terms();
        for prefix in &prefixes {
            let mut upper = prefix.as_bytes().to_vec();
            // The last byte of UTF-8 text is never 0xFF, so it can be incremented.
            match upper.last_mut() {
                Some(b) if *b < u8::MAX => *b += 1,
                _ => continue,
            }
            let Ok(mut stream) = terms.range().ge(prefix.as_bytes()).lt(&upper).into_stream()
            else {
                continue;
            };
            let mut scanned = 0;
            while scanned < PREFIX_SCAN && stream.advance() {
                *freq.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
                scanned += 1;
            }
        }
        for prefix in &shorter {
            if let Ok(Some(info)) = terms.get(prefix.as_bytes()) {
                *freq.entry(prefix.as_bytes().to_vec()).or_default() += u64::from(info.doc_freq);
            }
        }
    }
    let mut terms: Vec<(Vec<u8>, u64)> = freq.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms
        .into_iter()
        .take(n)
        .filter_map(|(t, _)| String::from_utf8(t).ok())
        .collect()
}

/// Merging during writes follows tantivy's log policy, up to segments of 250k documents:
/// a bulk load does not pay for rewriting its largest segments again and again. When the
/// writer is idle, [`idle_merge`] brings the index down to one or two segments.
fn merge_policy() -> LogMergePolicy {
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

fn open_existing(dir: &Path, schema: &Schema) -> Option<(Index, LazySyncDirectory)> {
    let version: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(VERSION_FILE)).ok()?).ok()?;
    if version.get("schema")?.as_u64()? != u64::from(SCHEMA_VERSION) {
        return None;
    }
    if LazySyncDirectory::durability(dir) == Durability::Suspect {
        return None;
    }
    let directory = LazySyncDirectory::open(dir).ok()?;
    let index = Index::open(directory.clone()).ok()?;
    if index.schema() != *schema {
        return None;
    }
    // Opening every segment proves the files are readable.
    let reader: IndexReader = index.reader().ok()?;
    reader.searcher().segment_readers();
    Some((index, directory))
}

fn to_document(f: &Fields, kind: Kind, d: &Doc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, d.id);
    doc.add_pre_tokenized_text(
        f.text,
        PreTokenizedString {
            text: String::new(),
            tokens: vec![Token {
                text: scope_token(kind, d.tenant),
                position: 0,
                position_length: 1,
                ..Token::default()
            }],
        },
    );
    if d.public {
        doc.add_text(f.public, "yes");
    }
    if !d.status.is_empty() {
        doc.add_text(f.status, &d.status);
    }
    for text in [&d.name, &d.title, &d.headline] {
        if !text.is_empty() {
            for _ in 0..HEAD_WEIGHT {
                doc.add_text(f.text, text);
            }
        }
    }
    for text in [&d.company, &d.body, &d.location, &d.email] {
        if !text.is_empty() {
            doc.add_text(f.text, text);
        }
    }
    for skill in &d.skills {
        for _ in 0..HEAD_WEIGHT {
            doc.add_text(f.text, skill);
        }
        doc.add_text(f.skill_exact, skill.trim().to_lowercase());
    }
    for tag in &d.tags {
        doc.add_text(f.tag_exact, tag.trim().to_lowercase());
    }
    if !d.location.is_empty() {
        doc.add_text(f.location, &d.location);
    }
    if let Some(years) = d.experience {
        doc.add_u64(f.experience, years);
    }
    doc
}

fn writer_loop(inner: &Arc<Inner>, mut writer: IndexWriter, inbox: std_mpsc::Receiver<Cmd>) {
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
    use super::*;

    fn candidate(
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

    async fn fixture() -> (tempfile::TempDir, Search) {
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

    fn text(tenant: u64, t: &str) -> Query {
        Query {
            text: Some(t.into()),
            ..Query::new(Kind::Candidate, Some(tenant))
        }
    }

    #[tokio::test]
    async fn ranks_by_field_and_stays_in_the_tenant() {
        let (_dir, s) = fixture().await;
        let hits = s.query(&text(1, "backend engineer ")).unwrap();
        assert_eq!(hits.ids.first(), Some(&1), "the title match ranks first");
        assert!(
            !hits.ids.contains(&4),
            "another tenant's record never appears"
        );
        assert_eq!(s.query(&text(2, "jane")).unwrap().ids, vec![4]);
    }

    #[tokio::test]
    async fn tolerates_a_typo_and_an_unfinished_word() {
        let (_dir, s) = fixture().await;
        assert_eq!(
            s.query(&text(1, "okafro ")).unwrap().ids,
            vec![3],
            "one transposition"
        );
        assert_eq!(
            s.query(&text(1, "postgr")).unwrap().ids,
            vec![1],
            "prefix of the word being typed"
        );
        assert!(
            s.query(&text(1, "postgr ")).unwrap().ids.is_empty(),
            "a finished word is not a prefix"
        );
        let mut ids = s.query(&text(1, "engineerin")).unwrap().ids;
        ids.sort();
        assert_eq!(
            ids,
            vec![1, 2, 3],
            "the stem `engin` the typed word runs past"
        );
        assert_eq!(
            s.query(&text(1, "distribute")).unwrap().ids,
            vec![1],
            "`distribut`, the stem of the word being typed"
        );
        assert!(
            s.query(&text(1, "managerially")).unwrap().ids.is_empty(),
            "no stem under half of the typed word (`manag`)"
        );
    }

    #[tokio::test]
    async fn pruned_two_pass_queries_rank_and_count_as_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Search::open(&dir.path().join("index")).unwrap();
        let titles = [
            "Backend Engineer",
            "Data Engineer",
            "Engineering Manager",
            "Designer",
        ];
        let ops = (1..=400)
            .map(|id| {
                let title = titles[id as usize % titles.len()];
                let notes = if id % 3 == 0 {
                    "rust rust systems"
                } else {
                    "python"
                };
                candidate(id, 1 + id % 2, "Sam Lee", title, &["Rust"], notes)
            })
            .collect();
        s.apply(ops).await.unwrap();
        let queries = [
            "engineer rust ",
            "rust ",
            "backend engineer ",
            "manager python ",
        ];
        let one_pass: Vec<Hits> = queries
            .iter()
            .map(|q| {
                s.query(&Query {
                    limit: 500,
                    ..text(1, q)
                })
                .unwrap()
            })
            .collect();
        s.inner.prune_from.store(1, Ordering::Relaxed);
        for (q, expected) in queries.iter().zip(&one_pass) {
            let pruned = s
                .query(&Query {
                    limit: 500,
                    ..text(1, q)
                })
                .unwrap();
            assert!(expected.total > 0, "{q} matches");
            assert_eq!(pruned.total, expected.total, "{q}: the exact total");
            let mut a = pruned.ids.clone();
            let mut b = expected.ids.clone();
            // Equal scores may come in another order; the set of hits is the same.
            a.sort();
            b.sort();
            assert_eq!(a, b, "{q}: the same top hits");
            assert!(
                pruned.ids.iter().all(|id| id % 2 == 0),
                "{q}: tenant 1 only"
            );
        }
        let top = s
            .query(&Query {
                limit: 5,
                ..text(1, "backend engineer ")
            })
            .unwrap();
        assert_eq!(top.ids.len(), 5);
        assert!(
            top.ids.iter().all(|id| id % 4 == 0),
            "pruned top hits are the backend engineers: {:?}",
            top.ids
        );
        s.stop();
    }

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
    async fn filters_combine_with_text_and_without() {
        let (_dir, s) = fixture().await;
        let mut q = Query::new(Kind::Candidate, Some(1));
        q.skills = vec!["rust".into()];
        assert_eq!(
            s.query(&q).unwrap(),
            Hits {
                ids: vec![1],
                total: 1
            }
        );
        let mut q = Query::new(Kind::Candidate, Some(1));
        q.min_experience = Some(2);
        q.location = Some("lagos".into());
        assert_eq!(
            s.query(&q).unwrap().ids,
            vec![3, 2],
            "newest first without text"
        );
        q.text = Some("engineering".into());
        assert_eq!(s.query(&q).unwrap().total, 2);
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

    #[tokio::test]
    async fn text_without_an_indexable_word_matches_nothing() {
        let (_dir, s) = fixture().await;
        for t in [
            "x".repeat(40),
            "高级软件工程师负责分布式系统".into(),
            "!!! ---".into(),
        ] {
            assert_eq!(s.query(&text(1, &t)).unwrap(), Hits::none(), "{t}");
        }
        let long = format!("rust {} ", "x".repeat(40));
        assert_eq!(s.query(&text(1, &long)).unwrap(), Hits::none());
        let mut q = Query::new(Kind::Candidate, Some(1));
        q.location = Some("z".repeat(41));
        assert_eq!(s.query(&q).unwrap(), Hits::none(), "a location filter too");
        assert_eq!(
            s.query(&text(1, "   ")).unwrap().total,
            3,
            "blank text is no text"
        );
    }

    #[tokio::test]
    async fn cjk_text_is_found_by_any_run_inside_it() {
        let (_dir, s) = fixture().await;
        s.apply(vec![
            candidate(5, 1, "王伟", "高级软件工程师", &["Go"], "负责分布式系统"),
            candidate(6, 1, "佐藤", "ソフトウェアエンジニア", &[], "東京"),
        ])
        .await
        .unwrap();
        for (q, ids) in [
            ("软件工程师", vec![5]),
            ("软件工程师 ", vec![5]),
            ("工程", vec![5]),
            ("分布式 go", vec![5]),
            ("王", vec![5]),
            ("高级软件工程师负责分布式系统", vec![]),
            ("エンジニア", vec![6]),
            ("東京 ", vec![6]),
            ("件工程师负", vec![]),
        ] {
            assert_eq!(s.query(&text(1, q)).unwrap().ids, ids, "{q}");
        }
        assert!(
            s.query(&text(2, "工程")).unwrap().ids.is_empty(),
            "tenant 2"
        );
    }
}
