//! Full-text search on tantivy: a derived index of jobs and candidates, always rebuildable
//! from redb. One writer thread owns the `IndexWriter`: writers send their changes and wait;
//! the thread applies everything waiting, commits once, reloads the reader, then answers —
//! so a write's response arrives after search reflects it (read-your-writes), while
//! concurrent writers share commits.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query as TQuery, RangeQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};
use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// Bumped whenever the schema or analysis changes: an index of another version is rebuilt.
const SCHEMA_VERSION: u32 = 2;
const VERSION_FILE: &str = "hirebase-index.json";
const WRITER_MEMORY: usize = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Job,
    Candidate,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Job => "job",
            Kind::Candidate => "candidate",
        }
    }
    fn key(self, id: u64) -> String {
        format!("{}{id}", &self.tag()[..1])
    }
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

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    id: Field,
    tenant: Field,
    kind: Field,
    public: Field,
    status: Field,
    name: Field,
    headline: Field,
    title: Field,
    company: Field,
    skills: Field,
    body: Field,
    all: Field,
    location: Field,
    skill_exact: Field,
    tag_exact: Field,
    experience: Field,
}

/// Ranked fields and how much a match in each counts.
const RANKED: &[(fn(&Fields) -> Field, f32)] = &[
    (|f| f.name, 3.0),
    (|f| f.title, 2.5),
    (|f| f.skills, 2.0),
    (|f| f.headline, 1.5),
    (|f| f.company, 1.2),
    (|f| f.body, 1.0),
];

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("hb_stem")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let raw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("hb_raw")
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        id: b.add_u64_field("id", NumericOptions::default().set_fast()),
        tenant: b.add_u64_field("tenant", INDEXED | FAST),
        kind: b.add_text_field("kind", STRING),
        public: b.add_text_field("public", STRING),
        status: b.add_text_field("status", STRING),
        name: b.add_text_field("name", stemmed.clone()),
        headline: b.add_text_field("headline", stemmed.clone()),
        title: b.add_text_field("title", stemmed.clone()),
        company: b.add_text_field("company", stemmed.clone()),
        skills: b.add_text_field("skills", stemmed.clone()),
        body: b.add_text_field("body", stemmed),
        all: b.add_text_field("all", raw.clone()),
        location: b.add_text_field("location", raw),
        skill_exact: b.add_text_field("skill_exact", STRING),
        tag_exact: b.add_text_field("tag_exact", STRING),
        experience: b.add_u64_field("experience", INDEXED | FAST),
    };
    (b.build(), fields)
}

fn register_analyzers(index: &Index) {
    let raw = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let stem = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register("hb_raw", raw);
    index.tokenizers().register("hb_stem", stem);
}

enum Cmd {
    Apply(Vec<Op>, oneshot::Sender<Result<()>>),
    Clear(oneshot::Sender<Result<()>>),
    Stop(std_mpsc::Sender<()>),
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    commands: std_mpsc::SyncSender<Cmd>,
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
    /// Missing, unreadable or of another version: created empty, needs a full rebuild.
    Fresh,
}

impl Search {
    pub fn open(dir: &Path) -> anyhow::Result<(Search, Opened)> {
        let (schema, fields) = schema();
        let (index, opened) = match open_existing(dir, &schema) {
            Some(index) => (index, Opened::Existing),
            None => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "search index missing, outdated or unreadable: rebuilding");
                    std::fs::remove_dir_all(dir)?;
                }
                std::fs::create_dir_all(dir)?;
                let index = Index::create_in_dir(dir, schema)?;
                std::fs::write(
                    dir.join(VERSION_FILE),
                    serde_json::json!({"schema": SCHEMA_VERSION}).to_string(),
                )?;
                (index, Opened::Fresh)
            }
        };
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let (commands, inbox) = std_mpsc::sync_channel(1024);
        let inner = Arc::new(Inner {
            index,
            reader,
            fields,
            commands,
        });
        let thread_inner = inner.clone();
        std::thread::Builder::new()
            .name("hirebase-indexer".into())
            .spawn(move || writer_loop(&thread_inner, writer, inbox))?;
        Ok((Search { inner }, opened))
    }

    /// Applies the changes and returns once they are committed and visible to queries.
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

    /// Stops the writer thread after what is queued.
    pub fn stop(&self) {
        let (ack, done) = std_mpsc::channel();
        if self.inner.commands.send(Cmd::Stop(ack)).is_ok() {
            let _ = done.recv();
        }
    }

    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
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
        clauses.push((Occur::Must, term(f.kind, q.kind.tag())));
        if let Some(tenant) = q.tenant {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.tenant, tenant),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if q.public_only {
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
            for token in self.tokens("hb_raw", location) {
                clauses.push((Occur::Must, term(f.location, &token)));
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
        if let Some(text) = text {
            let words = self.tokens("hb_raw", text);
            let typing = !q
                .text
                .as_deref()
                .unwrap_or("")
                .ends_with(char::is_whitespace);
            for (i, word) in words.iter().enumerate() {
                let last = i + 1 == words.len();
                clauses.push((
                    Occur::Must,
                    Box::new(self.word_query(&searcher, word, last && typing)),
                ));
                ranked = true;
            }
        }
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        let limit = q.limit.max(1);
        let (addresses, total): (Vec<DocAddress>, usize) = if ranked {
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
        let mut ids = Vec::with_capacity(addresses.len());
        for address in addresses {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("id")
                .map_err(Error::internal)?;
            if let Some(id) = column.first(address.doc_id) {
                ids.push(id);
            }
        }
        Ok(Hits {
            ids,
            total: total as u64,
        })
    }

    /// One query word: its stem in each ranked field (BM25), or within one edit of a word of
    /// the record, or — while it is still being typed — the start of one.
    fn word_query(&self, searcher: &Searcher, word: &str, is_prefix: bool) -> BooleanQuery {
        let f = &self.inner.fields;
        let stem = self
            .tokens("hb_stem", word)
            .into_iter()
            .next()
            .unwrap_or_else(|| word.to_string());
        let mut shoulds: Vec<(Occur, Box<dyn TQuery>)> = RANKED
            .iter()
            .map(|(field, boost)| {
                let q = TermQuery::new(
                    Term::from_field_text(field(f), &stem),
                    IndexRecordOption::WithFreqs,
                );
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), *boost)) as Box<dyn TQuery>,
                )
            })
            .collect();
        // The exact word anywhere in the record (emails, locations), below the ranked fields.
        let exact = TermQuery::new(Term::from_field_text(f.all, word), IndexRecordOption::Basic);
        shoulds.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(exact), 0.5)),
        ));
        let chars = word.chars().count();
        // A typo is looked for only when the word, as typed, is in no record: expanding every
        // word to its one-edit neighbours was most of the cost of a query at 1M candidates.
        let known = searcher
            .doc_freq(&Term::from_field_text(f.all, word))
            .unwrap_or(0)
            > 0;
        if chars >= 4 && !known {
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.all, word), 1, true);
            shoulds.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(fuzzy), 0.3)),
            ));
        }
        if is_prefix && chars >= 2 {
            // The unfinished word stands for its most frequent completions, not all of them.
            for completion in completions(searcher, f.all, word, PREFIX_COMPLETIONS) {
                let q = TermQuery::new(
                    Term::from_field_text(f.all, &completion),
                    IndexRecordOption::Basic,
                );
                shoulds.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), 0.3))));
            }
        }
        BooleanQuery::new(shoulds)
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

/// How many completions an unfinished last word expands to.
const PREFIX_COMPLETIONS: usize = 16;
/// How many dictionary terms per segment are looked at to find them.
const PREFIX_SCAN: usize = 20_000;

/// The `n` terms of `field` starting with `prefix` that occur in the most records.
fn completions(searcher: &Searcher, field: Field, prefix: &str, n: usize) -> Vec<String> {
    let mut upper = prefix.as_bytes().to_vec();
    // Tokens are lower-case ASCII after folding, so the last byte can be incremented.
    match upper.last_mut() {
        Some(b) if *b < u8::MAX => *b += 1,
        _ => return vec![],
    }
    let mut freq: std::collections::HashMap<Vec<u8>, u64> = std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .lt(&upper)
            .into_stream()
        else {
            continue;
        };
        let mut scanned = 0;
        while scanned < PREFIX_SCAN && stream.advance() {
            *freq.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
            scanned += 1;
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

fn open_existing(dir: &Path, schema: &Schema) -> Option<Index> {
    let version: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(VERSION_FILE)).ok()?).ok()?;
    if version.get("schema")?.as_u64()? != u64::from(SCHEMA_VERSION) {
        return None;
    }
    let index = Index::open_in_dir(dir).ok()?;
    if index.schema() != *schema {
        return None;
    }
    // Opening every segment proves the files are readable.
    let reader: IndexReader = index.reader().ok()?;
    reader.searcher().segment_readers();
    Some(index)
}

fn to_document(f: &Fields, kind: Kind, d: &Doc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.key, kind.key(d.id));
    doc.add_u64(f.id, d.id);
    doc.add_u64(f.tenant, d.tenant);
    doc.add_text(f.kind, kind.tag());
    doc.add_text(f.public, if d.public { "yes" } else { "no" });
    if !d.status.is_empty() {
        doc.add_text(f.status, &d.status);
    }
    let texts = [
        (f.name, &d.name),
        (f.headline, &d.headline),
        (f.title, &d.title),
        (f.company, &d.company),
        (f.body, &d.body),
    ];
    for (field, text) in texts {
        if !text.is_empty() {
            doc.add_text(field, text);
            doc.add_text(f.all, text);
        }
    }
    for skill in &d.skills {
        doc.add_text(f.skills, skill);
        doc.add_text(f.all, skill);
        doc.add_text(f.skill_exact, skill.trim().to_lowercase());
    }
    for tag in &d.tags {
        doc.add_text(f.tag_exact, tag.trim().to_lowercase());
    }
    if !d.location.is_empty() {
        doc.add_text(f.location, &d.location);
        doc.add_text(f.all, &d.location);
    }
    if !d.email.is_empty() {
        doc.add_text(f.all, &d.email);
    }
    if let Some(years) = d.experience {
        doc.add_u64(f.experience, years);
    }
    doc
}

fn writer_loop(inner: &Inner, mut writer: IndexWriter, inbox: std_mpsc::Receiver<Cmd>) {
    let f = inner.fields;
    while let Ok(first) = inbox.recv() {
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
                            Op::Upsert(kind, d) => {
                                writer.delete_term(Term::from_field_text(f.key, &kind.key(d.id)));
                                writer.add_document(to_document(&f, kind, &d)).map(|_| ())
                            }
                            Op::Delete(kind, id) => {
                                writer.delete_term(Term::from_field_text(f.key, &kind.key(id)));
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
    }
}
