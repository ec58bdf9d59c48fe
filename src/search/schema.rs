//! What the index holds: its fields, and a job or a candidate as a document of them.

use std::path::Path;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexReader, TantivyDocument};

use super::analysis;
use super::directory::{Durability, LazySyncDirectory};

/// Bumped whenever the schema or analysis changes: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 7;
pub const VERSION_FILE: &str = "hirebase-index.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Job,
    Candidate,
}

impl Kind {
    /// The kind that shares the index with this one.
    pub fn other(self) -> Kind {
        match self {
            Kind::Job => Kind::Candidate,
            Kind::Candidate => Kind::Job,
        }
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
    /// A candidate's matching profile (`matching::profile`): what the axes read, kept in a
    /// fast column so matching scores what recall finds without reading the records.
    pub profile: Vec<u8>,
}

/// The fast column of [`Doc::profile`].
pub const PROFILE: &str = "profile";
/// The fast column of [`scope_value`].
pub const SCOPE: &str = "scope";

#[derive(Clone, Copy)]
pub struct Fields {
    /// The record id: ids are unique across every kind of record, so it alone identifies a
    /// document (updates and deletes go by it) and orders results newest first.
    pub id: Field,
    pub public: Field,
    pub status: Field,
    /// Every searchable word of the record, stemmed: what BM25 ranks on. The words that say
    /// most about a record (name, title, skills, headline) are indexed [`HEAD_WEIGHT`] times,
    /// so a match there scores higher (BM25 term frequency) while each query word remains a
    /// single term: intersecting plain term lists is the fastest query tantivy runs, where a
    /// union per word (one term per field) cost most of a query at 1M candidates.
    pub text: Field,
    pub location: Field,
    pub skill_exact: Field,
    pub tag_exact: Field,
    pub experience: Field,
    pub profile: Field,
    /// [`scope_value`]: which tenant's records of which kind, read for each recalled record.
    pub scope: Field,
}

/// How many times the head fields' words are indexed.
const HEAD_WEIGHT: usize = 3;

/// The term of `text` that every record of a tenant and kind carries: the filter of every
/// tenant query. Analysis never produces `#`, so no word of a record can collide with it.
pub fn scope_token(kind: Kind, tenant: u64) -> String {
    match kind {
        Kind::Job => format!("#{tenant}j"),
        Kind::Candidate => format!("#{tenant}c"),
    }
}

/// The value of a record's `scope` column: its tenant and kind, as [`scope_token`] says them.
pub fn scope_value(kind: Kind, tenant: u64) -> u64 {
    match kind {
        Kind::Job => tenant << 1,
        Kind::Candidate => (tenant << 1) | 1,
    }
}

pub fn schema() -> (Schema, Fields) {
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
        profile: b.add_bytes_field(PROFILE, FAST),
        scope: b.add_u64_field(SCOPE, FAST),
    };
    (b.build(), fields)
}

/// The index in `dir` when it is there, of this version and schema, and readable.
pub fn open_existing(dir: &Path, schema: &Schema) -> Option<(Index, LazySyncDirectory)> {
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

pub fn to_document(f: &Fields, kind: Kind, d: &Doc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, d.id);
    doc.add_u64(f.scope, scope_value(kind, d.tenant));
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
    if !d.profile.is_empty() {
        doc.add_bytes(f.profile, &d.profile);
    }
    doc
}
