//! Recall: the records of a tenant that share most words with a bag of words (a job's skills
//! and title, a candidate's), ranked by BM25 — any word may match, none is required. Matching
//! re-ranks what this finds; it never counts, so top-k pruning does the work.

use tantivy::collector::TopDocs;
use tantivy::columnar::BytesColumn;
use tantivy::query::{BooleanQuery, Occur, Query as TQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::Search;
use super::schema::{Kind, scope_token};
use crate::error::{Error, Result};

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
        Ok(self
            .recall_with(r, |_, _| None::<()>)?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    }

    /// As [`Search::recall`], each id with the record's matching profile ([`super::Doc::profile`];
    /// `None` when the index holds none, e.g. a job).
    pub fn recall_profiles(&self, r: &Recall) -> Result<Vec<(u64, Option<Vec<u8>>)>> {
        self.recall_with(r, |column, doc| {
            let column = column?;
            let ord = column.ords().first(doc)?;
            let mut bytes = Vec::new();
            column.ord_to_bytes(ord, &mut bytes).ok()?.then_some(bytes)
        })
    }

    fn recall_with<T>(
        &self,
        r: &Recall,
        profile: impl Fn(Option<&BytesColumn>, u32) -> Option<T>,
    ) -> Result<Vec<(u64, Option<T>)>> {
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
            return Ok(vec![]);
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
        Ok(top
            .into_iter()
            .filter_map(|(_, a)| {
                let segment = a.segment_ord as usize;
                let id = columns.ids.get(segment)?.first(a.doc_id)?;
                let column = columns.profiles.get(segment).and_then(Option::as_ref);
                Some((id, profile(column, a.doc_id)))
            })
            .collect())
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
