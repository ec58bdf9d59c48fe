//! Recall: the records of a tenant that share most words with a bag of words (a job's skills
//! and title, a candidate's), ranked by BM25 — any word may match, none is required. Matching
//! re-ranks what this finds; it never counts, so top-k pruning does the work.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

use tantivy::collector::TopDocs;
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, Occur, Query as TQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Searcher, Term};

use super::Search;
use super::schema::{Kind, scope_token};
use crate::error::{Error, Result};

/// Where a profile was read: its segment and document.
type ProfileKey = (SegmentId, DocId);

/// Profiles read by [`Search::recall_profiles`], as their reader made them.
pub(super) type Profiles = HashMap<ProfileKey, Arc<dyn Any + Send + Sync>>;

/// Profiles kept before the cache starts over (a few hundred bytes each).
const PROFILES_KEPT: usize = 250_000;

/// Which records a recall looks among.
#[derive(Debug, Clone)]
pub struct Recall<'a> {
    pub kind: Kind,
    pub tenant: u64,
    /// Only records with this status (jobs: `open`).
    pub status: Option<&'a str>,
    /// The words, in any form: they are analysed as query words are (stemmed, lower-cased).
    pub words: &'a [String],
    pub limit: usize,
}

impl Search {
    /// The ids of the records that best match any of `r.words`, best first (at most
    /// `r.limit`); none when no word can match.
    pub fn recall(&self, r: &Recall) -> Result<Vec<u64>> {
        let (_, top) = self.recall_docs(r)?;
        Ok(top.into_iter().map(|(id, _)| id).collect())
    }

    /// As [`Search::recall`], each id with the record's matching profile
    /// ([`super::Doc::profile`]) as `read` makes it of the bytes; `None` when the index holds
    /// none (a job). What `read` made is kept by segment and document — a segment never
    /// changes, so it stays right for as long as the segment lives — and reading the same
    /// record again costs a lookup.
    pub fn recall_profiles<T: Send + Sync + 'static>(
        &self,
        r: &Recall,
        read: impl Fn(&[u8]) -> Option<T>,
    ) -> Result<Vec<(u64, Option<Arc<T>>)>> {
        let (searcher, top) = self.recall_docs(r)?;
        let key = |a: &DocAddress| {
            (
                searcher.segment_reader(a.segment_ord).segment_id(),
                a.doc_id,
            )
        };
        let cached: Vec<Option<Arc<T>>> = {
            let profiles = self.profiles();
            top.iter()
                .map(|(_, a)| {
                    let hit = profiles.get(&key(a))?;
                    Arc::clone(hit).downcast::<T>().ok()
                })
                .collect()
        };
        let columns = self.columns(&searcher)?;
        let mut made: Vec<(ProfileKey, Arc<T>)> = Vec::new();
        let out = top
            .iter()
            .zip(cached)
            .map(|((id, a), hit)| {
                let profile = hit.or_else(|| {
                    let column = columns.profiles.get(a.segment_ord as usize)?.as_ref()?;
                    let ord = column.ords().first(a.doc_id)?;
                    let mut bytes = Vec::new();
                    column.ord_to_bytes(ord, &mut bytes).ok()?.then_some(())?;
                    let profile = Arc::new(read(&bytes)?);
                    made.push((key(a), Arc::clone(&profile)));
                    Some(profile)
                });
                (*id, profile)
            })
            .collect();
        if !made.is_empty() {
            let mut profiles = self.profiles();
            if profiles.len() + made.len() > PROFILES_KEPT {
                profiles.clear();
            }
            for (key, profile) in made {
                profiles.insert(key, profile);
            }
        }
        Ok(out)
    }

    fn profiles(&self) -> MutexGuard<'_, Profiles> {
        self.inner
            .profiles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// The searcher and the best documents, each with its record id.
    fn recall_docs(&self, r: &Recall) -> Result<(Searcher, Vec<(u64, DocAddress)>)> {
        let f = &self.inner.fields;
        let mut stems: Vec<String> = Vec::new();
        for word in r.words {
            for stem in self.query_words(word).unwrap_or_default() {
                if !stems.contains(&stem) {
                    stems.push(stem);
                }
            }
        }
        if stems.is_empty() || r.limit == 0 {
            return Ok((self.inner.reader.searcher(), vec![]));
        }
        let scored = |field, value: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::WithFreqs,
            ))
        };
        let any: Vec<(Occur, Box<dyn TQuery>)> = stems
            .iter()
            .map(|stem| (Occur::Should, scored(f.text, stem)))
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(any))),
            (Occur::Must, scored(f.text, &scope_token(r.kind, r.tenant))),
        ];
        if let Some(status) = r.status {
            let term = Term::from_field_text(f.status, status);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        let searcher = self.inner.reader.searcher();
        let top: Vec<(f32, DocAddress)> = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(r.limit).order_by_score(),
            )
            .map_err(Error::internal)?;
        let columns = self.columns(&searcher)?;
        let found = top
            .into_iter()
            .filter_map(|(_, a)| {
                Some((columns.ids.get(a.segment_ord as usize)?.first(a.doc_id)?, a))
            })
            .collect();
        Ok((searcher, found))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::fixture;
    use super::*;

    fn recall(s: &Search, tenant: u64, words: &[&str]) -> Vec<u64> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        s.recall(&Recall {
            kind: Kind::Candidate,
            tenant,
            status: None,
            words: &words,
            limit: 10,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn any_word_recalls_and_more_shared_words_rank_first() {
        let (_dir, s) = fixture().await;
        // Jane has Rust and PostgreSQL; Amara only "backend" in her notes; John neither.
        let found = recall(&s, 1, &["Rust", "PostgreSQL", "backend"]);
        assert_eq!(found.first(), Some(&1));
        assert!(found.contains(&3), "{found:?}");
        assert!(!found.contains(&2), "{found:?}");
        // Tenant 2's Jane Roe has Rust too, but only in her own tenant.
        assert_eq!(recall(&s, 2, &["rust"]), vec![4]);
        assert!(!recall(&s, 1, &["rust"]).contains(&4));
    }

    #[tokio::test]
    async fn no_usable_word_recalls_nothing() {
        let (_dir, s) = fixture().await;
        assert!(recall(&s, 1, &[]).is_empty());
        assert!(recall(&s, 1, &["...", &"x".repeat(60)]).is_empty());
    }
}
