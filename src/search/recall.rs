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
use super::schema::{Kind, scope_token, scope_value};
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
        let searcher = self.inner.reader.searcher();
        let columns = self.columns(&searcher)?;
        let scope = scope_token(r.kind, r.tenant);
        let scope_value = scope_value(r.kind, r.tenant);
        let in_scope = |a: &DocAddress| {
            let segment = a.segment_ord as usize;
            let id = columns.ids.get(segment)?.first(a.doc_id)?;
            let ours = columns.scopes.get(segment)?.first(a.doc_id)? == scope_value;
            ours.then_some((id, *a))
        };
        // When the scope is most of the index, the words alone are asked for more than
        // `limit` and others' records dropped: a query of nothing but alternative words is
        // one tantivy prunes by block maxima (WAND), where intersecting it with the scope
        // visits every record that has any of the words. Exact when enough remain.
        let everyone = searcher.num_docs().max(1);
        let ours = searcher
            .doc_freq(&Term::from_field_text(f.text, &scope))
            .map_err(Error::internal)?;
        if r.status.is_none() && ours * 10 >= everyone * 8 {
            let asked = (r.limit as u64 * everyone).div_ceil(ours.max(1)) as usize + 16;
            let top: Vec<(f32, DocAddress)> = searcher
                .search(
                    &BooleanQuery::new(any.iter().map(|(o, q)| (*o, q.box_clone())).collect()),
                    &TopDocs::with_limit(asked).order_by_score(),
                )
                .map_err(Error::internal)?;
            let exhausted = top.len() < asked;
            let found: Vec<(u64, DocAddress)> = top
                .iter()
                .filter_map(|(_, a)| in_scope(a))
                .take(r.limit)
                .collect();
            if found.len() == r.limit || exhausted {
                return Ok((searcher, found));
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(any))),
            (Occur::Must, scored(f.text, &scope)),
        ];
        if let Some(status) = r.status {
            let term = Term::from_field_text(f.status, status);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        let top: Vec<(f32, DocAddress)> = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(r.limit).order_by_score(),
            )
            .map_err(Error::internal)?;
        let found = top.iter().filter_map(|(_, a)| in_scope(a)).collect();
        Ok((searcher, found))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{candidate, fixture};
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
    async fn a_tenant_that_is_most_of_the_index_gets_only_its_own_best() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Search::open(&dir.path().join("index")).unwrap();
        // Tenant 1: twenty candidates, the more Rust in their notes the higher their id;
        // tenant 2: one, with the most Rust of all.
        let mut ops: Vec<_> = (1..=20)
            .map(|id| {
                let notes = "rust ".repeat(id as usize);
                candidate(id, 1, "Someone", "Engineer", &[], &notes)
            })
            .collect();
        ops.push(candidate(
            99,
            2,
            "Other",
            "Engineer",
            &[],
            &"rust ".repeat(40),
        ));
        s.apply(ops).await.unwrap();
        assert_eq!(recall(&s, 2, &["rust"]), vec![99]);
        let words = vec!["rust".to_string()];
        let best = s
            .recall(&Recall {
                kind: Kind::Candidate,
                tenant: 1,
                status: None,
                words: &words,
                limit: 3,
            })
            .unwrap();
        assert_eq!(best, vec![20, 19, 18]);
        // Asked for more than there are: every one of tenant 1's, none of tenant 2's.
        let all = s
            .recall(&Recall {
                kind: Kind::Candidate,
                tenant: 1,
                status: None,
                words: &words,
                limit: 50,
            })
            .unwrap();
        assert_eq!(all.len(), 20);
        assert!(!all.contains(&99));
    }

    #[tokio::test]
    async fn no_usable_word_recalls_nothing() {
        let (_dir, s) = fixture().await;
        assert!(recall(&s, 1, &[]).is_empty());
        assert!(recall(&s, 1, &["...", &"x".repeat(60)]).is_empty());
    }
}
