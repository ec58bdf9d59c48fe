//! How a search runs: the tenant scope and filters as terms, each query word as a scored term
//! (or its near neighbours), ranked by BM25 or newest first, with the exact total.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::{BytesColumn, Column};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query as TQuery, QueryClone,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Order, Searcher, Term};

use super::Search;
use super::analysis;
use super::schema::{Kind, PROFILE, SCOPE, scope_token, scope_value};
use crate::error::{Error, Result};

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
    /// Only these records (an agency's submissions): `None` for no such bound.
    pub only: Option<Vec<u64>>,
    pub offset: usize,
    pub limit: usize,
    /// Whether [`Hits::total`] counts every match (the default) or only the hits returned:
    /// a caller that fuses rankings needs no count, and top-k alone is pruned.
    pub counted: bool,
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
            only: None,
            offset: 0,
            limit: 20,
            counted: true,
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

/// The weight of a word within one edit of the typed one, and of a completion of the
/// unfinished last word.
const NEAR_BOOST: f32 = 0.3;

/// The other names of the thing a query word names (lower case, one word each): given by the
/// domain's skill vocabulary, since search itself knows no skills. See [`Search::use_synonyms`].
pub type Synonyms = fn(&str) -> &'static [String];

/// What a query word stands for besides itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expansion {
    /// The last word, still being typed: the words it may become.
    Completions,
    /// A word in no record: the words within one edit of it.
    Corrections,
}

/// Expansions found for the searcher generation they were found in.
#[derive(Default)]
pub struct Expanded {
    generation: u64,
    words: HashMap<(Expansion, String), Arc<Vec<String>>>,
}

/// The fast columns of each segment of one searcher generation, by segment ordinal.
#[derive(Default)]
pub struct Columns {
    pub ids: Vec<Column<u64>>,
    pub scopes: Vec<Column<u64>>,
    /// Candidates' matching profiles (`None` in a segment without any).
    pub profiles: Vec<Option<BytesColumn>>,
}

/// [`Columns`] and the searcher generation they were opened for.
pub type IdColumns = (u64, Arc<Columns>);

/// Words whose expansions are remembered per searcher generation.
const EXPANDED_WORDS: usize = 10_000;

impl Search {
    pub fn query(&self, q: &Query) -> Result<Hits> {
        let searcher = self.inner.reader.searcher();
        let sole = match (q.tenant, &q.text) {
            (Some(tenant), Some(_)) => {
                sole_tenant(&searcher, self.inner.fields.text, q.kind, tenant)
            }
            _ => None,
        };
        match sole {
            Some(others) => match self.run(q, &searcher, Some(others))? {
                Some(hits) => Ok(hits),
                // Too many of the other kind match: the scope term is cheaper.
                None => Ok(self.run(q, &searcher, None)?.unwrap_or_else(Hits::none)),
            },
            None => Ok(self.run(q, &searcher, None)?.unwrap_or_else(Hits::none)),
        }
    }

    /// [`Search::query`] on `searcher`. With `sole` (the tenant holds every record of the
    /// index, `sole` of them of the other kind) the tenant's scope term is left out — it
    /// would match every record but those, and intersecting with it was a sixth of a query's
    /// time at 1M candidates — and the other kind's matches are counted and taken out instead.
    /// `None` when more than [`SUBTRACTED_AT_MOST`] of those match.
    fn run(&self, q: &Query, searcher: &Searcher, sole: Option<u64>) -> Result<Option<Hits>> {
        let f = &self.inner.fields;
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let term = |field: Field, value: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        match q.tenant {
            Some(_) if sole.is_some() => {}
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
        if let Some(only) = &q.only {
            if only.is_empty() {
                return Ok(Some(Hits::none()));
            }
            let ids = only.iter().map(|id| Term::from_field_u64(f.id, *id));
            clauses.push((Occur::Must, Box::new(TermSetQuery::new(ids))));
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
                return Ok(Some(Hits::none()));
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
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let mut ranked = false;
        // Only the tenant's scope term so far: no filter.
        let unfiltered = q.tenant.is_some() && clauses.len() == usize::from(sole.is_none());
        // The fewest records any word matches, while every word is a single term.
        let mut rarest: Option<u64> = Some(u64::MAX);
        if let Some(text) = text {
            // Text with no word an index can hold (punctuation, or a word too long) matches
            // nothing: leaving it out would match every record.
            let words = match self.query_words(text) {
                Some(words) if !words.is_empty() => words,
                _ => return Ok(Some(Hits::none())),
            };
            let typing = !q
                .text
                .as_deref()
                .unwrap_or("")
                .ends_with(char::is_whitespace);
            for (i, word) in words.iter().enumerate() {
                let last = i + 1 == words.len();
                let (query, single) = self.word_query(searcher, word, last && typing);
                clauses.push((Occur::Must, query));
                rarest = rarest.zip(single).map(|(a, b)| a.min(b));
                ranked = true;
            }
        }
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        // The other kind's records that match, when the scope term was left out.
        let others = match (sole, q.tenant) {
            (Some(n), Some(tenant)) if n > 0 => {
                let theirs = Term::from_field_text(f.text, &scope_token(q.kind.other(), tenant));
                let theirs: Vec<(Occur, Box<dyn TQuery>)> = vec![
                    (Occur::Must, query.box_clone()),
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(theirs, IndexRecordOption::Basic)),
                    ),
                ];
                let matching = searcher
                    .search(&BooleanQuery::new(theirs), &Count)
                    .map_err(Error::internal)?;
                if matching > SUBTRACTED_AT_MOST {
                    return Ok(None);
                }
                matching
            }
            _ => 0,
        };
        // Fetched from the top, so that the other kind's records can be taken out first.
        let (limit, offset) = if others > 0 {
            (q.offset + q.limit.max(1) + others, 0)
        } else {
            (q.limit.max(1), q.offset)
        };
        let prune_from = self.inner.prune_from.load(Ordering::Relaxed);
        let prunable = unfiltered && rarest.is_some_and(|df| df >= prune_from);
        let (addresses, total): (Vec<DocAddress>, usize) = if ranked && (prunable || !q.counted) {
            // Top-k alone lets tantivy prune with block-max WAND: the query is a plain
            // intersection of scored terms. Counting in a second pass, without scoring, made
            // queries with 100k+ matches 4x faster than one pass that scores every match.
            let top = searcher
                .search(
                    &query,
                    &TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_score(),
                )
                .map_err(Error::internal)?;
            let total = if q.counted {
                searcher.search(&query, &Count).map_err(Error::internal)?
            } else {
                top.len()
            };
            (top.into_iter().map(|(_, a)| a).collect(), total)
        } else if ranked {
            let (top, total) = searcher
                .search(
                    &query,
                    &(
                        TopDocs::with_limit(limit)
                            .and_offset(offset)
                            .order_by_score(),
                        Count,
                    ),
                )
                .map_err(Error::internal)?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        } else {
            let collector = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_fast_field::<u64>("id", Order::Desc);
            let (top, total) = searcher
                .search(&query, &(collector, Count))
                .map_err(Error::internal)?;
            (top.into_iter().map(|(_, a)| a).collect(), total)
        };
        let columns = self.columns(searcher)?;
        let mut addresses = addresses;
        let mut total = total;
        if others > 0 {
            let ours = q.tenant.map(|t| scope_value(q.kind, t));
            addresses.retain(|a| {
                let scope = columns.scopes.get(a.segment_ord as usize);
                scope.and_then(|c| c.first(a.doc_id)) == ours
            });
            addresses = addresses
                .into_iter()
                .skip(q.offset)
                .take(q.limit.max(1))
                .collect();
            total = if q.counted {
                total - others
            } else {
                addresses.len()
            };
        }
        let ids = addresses
            .into_iter()
            .filter_map(|a| columns.ids.get(a.segment_ord as usize)?.first(a.doc_id))
            .collect();
        Ok(Some(Hits {
            ids,
            total: total as u64,
        }))
    }

    /// One query word: the word as typed ([`Search::typed_word_query`]) or, when it names a
    /// skill, any other one-word name of that skill (`k8s` finds `kubernetes`, `postgres`
    /// finds `postgresql`) — looked up at query time, so the index needs no rebuild for it.
    /// With the query, the number of records its term is in when it is a single term.
    fn word_query(
        &self,
        searcher: &Searcher,
        word: &str,
        is_prefix: bool,
    ) -> (Box<dyn TQuery>, Option<u64>) {
        let typed = self.typed_word_query(searcher, word, is_prefix);
        let synonyms: &[String] = match self.inner.synonyms.get() {
            Some(names) => names(word),
            None => &[],
        };
        if synonyms.is_empty() {
            return typed;
        }
        let text = self.inner.fields.text;
        let mut stems = vec![self.stem(word)];
        let mut shoulds: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for synonym in synonyms {
            let stem = self.stem(synonym);
            // A name no record holds adds nothing but the cost of a union: most aliases.
            let held = || {
                searcher
                    .doc_freq(&Term::from_field_text(text, &stem))
                    .unwrap_or(0)
                    > 0
            };
            if !stems.contains(&stem) && held() {
                shoulds.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(text, &stem),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
                stems.push(stem);
            }
        }
        if shoulds.is_empty() {
            return typed;
        }
        shoulds.push((Occur::Should, typed.0));
        (Box::new(BooleanQuery::new(shoulds)), None)
    }

    /// One query word as typed: its stem among the record's words (BM25); or, when no record
    /// has it, the words within one edit of it; or — while it is still being typed — the stem
    /// or the most frequent words it starts. With the query, the number of records its term
    /// is in when it is a single term.
    fn typed_word_query(
        &self,
        searcher: &Searcher,
        word: &str,
        is_prefix: bool,
    ) -> (Box<dyn TQuery>, Option<u64>) {
        let f = &self.inner.fields;
        let stem = self.stem(word);
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
        let mut near: Vec<String> = Vec::new();
        // A CJK pair is a whole term already (its run was split into pairs).
        if is_prefix && word.chars().count() >= 2 && !word.chars().any(analysis::is_cjk) {
            // The unfinished word stands for its most frequent completions, not all of them.
            let completions = self.expand(searcher, Expansion::Completions, word, &stem);
            near.extend(completions.iter().filter(|c| **c != stem).cloned());
        }
        // A typo is looked for only when the word is in no record: expanding every word to its
        // one-edit neighbours was most of the cost of a query at 1M candidates.
        if !known && word.chars().count() >= 4 {
            let corrections = self.expand(searcher, Expansion::Corrections, word, &stem);
            for correction in corrections.iter() {
                if !near.contains(correction) {
                    near.push(correction.clone());
                }
            }
        }
        let near_scored =
            |term: &str| -> Box<dyn TQuery> { Box::new(BoostQuery::new(scored(term), NEAR_BOOST)) };
        match (known, near.as_slice()) {
            (_, []) => (scored(&stem), Some(matches)),
            // One correction: still a single term, so the query stays prunable.
            (false, [only]) => {
                let matches = searcher
                    .doc_freq(&Term::from_field_text(f.text, only))
                    .unwrap_or(0);
                (near_scored(only), Some(matches))
            }
            _ => {
                let mut shoulds: Vec<(Occur, Box<dyn TQuery>)> = near
                    .iter()
                    .map(|term| (Occur::Should, near_scored(term)))
                    .collect();
                if known {
                    shoulds.push((Occur::Should, scored(&stem)));
                }
                (Box::new(BooleanQuery::new(shoulds)), None)
            }
        }
    }

    /// The id and profile columns of each segment of `searcher`, opened once per searcher
    /// generation: opening a column reads its index, a noticeable share of a query's time.
    pub(super) fn columns(&self, searcher: &Searcher) -> Result<Arc<Columns>> {
        let generation = searcher.generation().generation_id();
        let mut cache = self
            .inner
            .id_columns
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cache.0 != generation || cache.1.ids.is_empty() {
            let mut columns = Columns::default();
            for segment in searcher.segment_readers() {
                let fast = segment.fast_fields();
                columns.ids.push(fast.u64("id").map_err(Error::internal)?);
                columns
                    .scopes
                    .push(fast.u64(SCOPE).map_err(Error::internal)?);
                columns
                    .profiles
                    .push(fast.bytes(PROFILE).map_err(Error::internal)?);
            }
            *cache = (generation, Arc::new(columns));
        }
        Ok(cache.1.clone())
    }

    /// The [`completions`] or [`corrections`] of `word`, remembered until the index changes.
    fn expand(
        &self,
        searcher: &Searcher,
        kind: Expansion,
        word: &str,
        stem: &str,
    ) -> Arc<Vec<String>> {
        let generation = searcher.generation().generation_id();
        let lock = || {
            self.inner
                .expanded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        let key = (kind, word.to_string());
        {
            let cache = lock();
            if cache.generation == generation
                && let Some(found) = cache.words.get(&key)
            {
                return found.clone();
            }
        }
        let field = self.inner.fields.text;
        let found = Arc::new(match kind {
            Expansion::Completions => completions(searcher, field, word, stem, PREFIX_COMPLETIONS),
            Expansion::Corrections => corrections(searcher, field, stem, TYPO_CORRECTIONS),
        });
        let mut cache = lock();
        if cache.generation != generation || cache.words.len() >= EXPANDED_WORDS {
            cache.generation = generation;
            cache.words.clear();
        }
        cache.words.insert(key, found.clone());
        found
    }

    /// [`analysis::query_words`]: `None` when a word is too long for any record to hold.
    pub(super) fn query_words(&self, text: &str) -> Option<Vec<String>> {
        let mut analyzer = self.inner.index.tokenizers().get(analysis::QUERY)?;
        analysis::query_words(&mut analyzer, text)
    }

    /// The stem of one query word, as the index holds it.
    fn stem(&self, word: &str) -> String {
        self.tokens(analysis::STEM_WORD, word)
            .into_iter()
            .next()
            .unwrap_or_else(|| word.to_string())
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

/// Whether the tenant's records of `kind` and of the other kind are every record of the index
/// (a single organisation's install): then how many of the other kind there are.
fn sole_tenant(searcher: &Searcher, text: Field, kind: Kind, tenant: u64) -> Option<u64> {
    let freq = |kind: Kind| {
        searcher
            .doc_freq(&Term::from_field_text(text, &scope_token(kind, tenant)))
            .ok()
    };
    let (ours, theirs) = (freq(kind)?, freq(kind.other())?);
    let records: u64 = searcher
        .segment_readers()
        .iter()
        .map(|r| u64::from(r.max_doc()))
        .sum();
    (ours > 0 && ours + theirs == records).then_some(theirs)
}

/// How many records of the other kind may match a query of a sole tenant before its scope term
/// is used after all (each is fetched, then taken out).
pub const SUBTRACTED_AT_MOST: usize = 1_000;

/// From how many matches of its rarest word a plain text query is ranked and counted in two
/// passes (pruned top-k, then an unscored count) rather than one that scores every match.
pub const PRUNE_FROM_MATCHES: u64 = 20_000;

/// The shortest stem an unfinished word may stand for when it runs past it.
const MIN_STEM_PREFIX: usize = 4;

/// How many completions an unfinished last word expands to.
const PREFIX_COMPLETIONS: usize = 16;
/// How many corrections a word in no record expands to.
const TYPO_CORRECTIONS: usize = 3;
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
    most_frequent(freq, n)
}

/// The `n` terms of `field` within one edit of `stem` (a word in no record), by the number of
/// records they occur in: the likeliest corrections of a typo. (Matching every neighbour, as
/// a fuzzy query does, gathered all their records into a set for each query: most of the
/// cost of a query with a typo.)
fn corrections(searcher: &Searcher, field: Field, stem: &str, n: usize) -> Vec<String> {
    let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, stem), 1, true);
    let mut freq: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let (Ok(inverted), Ok(automaton)) = (segment.inverted_index(field), fuzzy.automaton())
        else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(automaton).into_stream() else {
            continue;
        };
        while stream.advance() {
            // Not the scope terms (`#7c`), which a four-letter typo can be one edit from.
            if !stream.key().starts_with(b"#") {
                *freq.entry(stream.key().to_vec()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
    }
    most_frequent(freq, n)
}

/// The `n` terms occurring in most records, most first (ties in term order).
fn most_frequent(freq: HashMap<Vec<u8>, u64>, n: usize) -> Vec<String> {
    let mut terms: Vec<(Vec<u8>, u64)> = freq.into_iter().collect();
    terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    terms
        .into_iter()
        .take(n)
        .filter_map(|(t, _)| String::from_utf8(t).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::{candidate, fixture, text};

    #[tokio::test]
    async fn a_sole_tenant_is_searched_without_its_scope_and_its_jobs_never_show() {
        use crate::search::{Doc, Op};
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Search::open(&dir.path().join("index")).unwrap();
        let title = |id: u64| {
            if id.is_multiple_of(3) {
                "Rust Engineer"
            } else {
                "Nurse"
            }
        };
        let mut ops: Vec<Op> = (1..=30)
            .map(|id| candidate(id, 7, &format!("Person {id}"), title(id), &[], ""))
            .collect();
        let job = |id: u64| {
            Op::Upsert(
                Kind::Job,
                Doc {
                    id,
                    tenant: 7,
                    name: "Rust Engineer".into(),
                    title: "Rust Engineer".into(),
                    ..Doc::default()
                },
            )
        };
        // The tenant's jobs hold the same words, and rank above every candidate.
        ops.extend((100..105).map(job));
        s.apply(ops).await.unwrap();
        let query = |offset: usize, limit: usize| Query {
            offset,
            limit,
            ..text(7, "rust engineer ")
        };
        let all = s.query(&query(0, 20)).unwrap();
        assert_eq!(all.total, 10);
        assert_eq!(all.ids.len(), 10);
        assert!(
            all.ids.iter().all(|id| id.is_multiple_of(3) && *id <= 30),
            "{all:?}"
        );
        let pages: Vec<u64> = [query(0, 4), query(4, 4), query(8, 4)]
            .iter()
            .flat_map(|q| s.query(q).unwrap().ids)
            .collect();
        assert_eq!(pages, all.ids, "pages follow each other");
        let uncounted = s
            .query(&Query {
                counted: false,
                ..query(0, 3)
            })
            .unwrap();
        assert_eq!(
            (uncounted.ids.as_slice(), uncounted.total),
            (&all.ids[..3], 3)
        );

        // More of the jobs match than are worth taking out: the scope term again.
        s.apply(
            (1_000..1_000 + SUBTRACTED_AT_MOST as u64 + 1)
                .map(job)
                .collect(),
        )
        .await
        .unwrap();
        assert_eq!(s.query(&query(0, 20)).unwrap(), all);
        // Another tenant's record: no longer the sole tenant, the same answer.
        s.apply(vec![candidate(5_000, 8, "Ada", "Chef", &[], "")])
            .await
            .unwrap();
        assert_eq!(s.query(&query(0, 20)).unwrap(), all);
        assert_eq!(s.query(&text(8, "chef")).unwrap().ids, vec![5_000]);
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
    async fn a_typo_never_stands_for_the_tenant_scope() {
        let (_dir, s) = fixture().await;
        s.apply(vec![candidate(20, 12, "Ada Obi", "Nurse", &[], "")])
            .await
            .unwrap();
        // `q12c` is one edit from `#12c`, the term every record of tenant 12 carries.
        assert_eq!(s.query(&text(12, "q12c ")).unwrap(), Hits::none());
        assert_eq!(s.query(&text(12, "nurze ")).unwrap().ids, vec![20]);
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
    async fn a_skill_alias_finds_the_skill_by_its_other_names() {
        let (_dir, s) = fixture().await;
        s.apply(vec![
            candidate(5, 1, "Kim Lee", "SRE", &["Kubernetes"], ""),
            candidate(6, 1, "Ola Ade", "DBA", &[], "postgres tuning"),
            candidate(7, 2, "Max Roe", "SRE", &["k8s"], ""),
        ])
        .await
        .unwrap();
        assert!(
            s.query(&text(1, "k8s ")).unwrap().ids.is_empty(),
            "no synonyms until they are in use"
        );
        s.use_synonyms(crate::domain::matching::vocabulary::search_synonyms);
        let sorted = |q: &str| {
            let mut ids = s.query(&text(1, q)).unwrap().ids;
            ids.sort();
            ids
        };
        assert_eq!(sorted("k8s "), vec![5]);
        assert_eq!(sorted("k8s"), vec![5], "while being typed too");
        assert_eq!(sorted("kubernetes "), vec![5], "not tenant 2's `k8s`");
        assert_eq!(sorted("postgres "), vec![1, 6], "PostgreSQL and postgres");
        assert_eq!(sorted("postgresql "), vec![1, 6]);
        assert_eq!(
            sorted("postgres tuning "),
            vec![6],
            "every word still must match"
        );
        assert_eq!(sorted("k8s jane"), Vec::<u64>::new());
        assert_eq!(s.query(&text(2, "kubernetes ")).unwrap().ids, vec![7]);
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
    async fn an_uncounted_query_returns_the_same_top_hits_and_counts_only_them() {
        let (_dir, s) = fixture().await;
        let mut counted = text(1, "engineering");
        counted.limit = 1;
        let all = s.query(&counted).unwrap();
        assert_eq!(all.total, 3, "every match counted");
        let top = s
            .query(&Query {
                counted: false,
                ..counted
            })
            .unwrap();
        assert_eq!(top.ids, all.ids, "the same best hit");
        assert_eq!(top.total, 1, "only the hits returned");
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
