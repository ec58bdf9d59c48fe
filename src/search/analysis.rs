//! Text analysis: how record text and queries become index terms.
//!
//! `hb_stem` (ranked text) splits on non-alphanumerics, drops tokens over 40 bytes, lower-cases,
//! folds accents to ASCII and stems (English). `hb_raw` stops before stemming (locations,
//! query words as typed).
//!
//! Stemming was the largest single cost of indexing (16% of an import's CPU). Record text
//! repeats a small vocabulary, so [`CachedStemmer`] remembers the stems it has computed: each
//! analyzer clone (tantivy takes one per field per segment) keeps its own bounded map.

use std::collections::HashMap;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

pub const RAW: &str = "hb_raw";
pub const STEM: &str = "hb_stem";

/// Distinct words a cache holds before it starts over.
const CACHE_WORDS: usize = 50_000;

pub fn register(index: &Index) {
    let raw = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let stem = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build();
    index.tokenizers().register(RAW, raw);
    index.tokenizers().register(STEM, stem);
}

/// English stemming with a cache of the words already seen.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            cache: HashMap::new(),
        }
    }
}

pub struct CachedStemmerFilter<T> {
    inner: T,
    /// Stems one word (the whole input is one token).
    stemmer: TextAnalyzer,
    cache: HashMap<String, String>,
}

/// A clone starts with an empty cache: clones are taken per segment and per query.
impl<T: Clone> Clone for CachedStemmerFilter<T> {
    fn clone(&self) -> Self {
        CachedStemmerFilter {
            inner: self.inner.clone(),
            stemmer: self.stemmer.clone(),
            cache: HashMap::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.cache.len() >= CACHE_WORDS {
            self.cache.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
            cache: &mut self.cache,
        }
    }
}

pub struct CachedStemmerStream<'a, S> {
    tail: S,
    stemmer: &'a mut TextAnalyzer,
    cache: &'a mut HashMap<String, String>,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(&token.text) {
            if *stem != token.text {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&token.text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        let word = std::mem::replace(&mut token.text, stem.clone());
        self.cache.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = vec![];
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn cached_stems_equal_the_stemmer_and_repeat_exactly() {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        register(&index);
        let mut cached = index.tokenizers().get(STEM).unwrap();
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "Engineering managers managed Engineers; São Paulo companies' running runs";
        let expected = terms(&mut plain, text);
        assert_eq!(terms(&mut cached, text), expected);
        assert_eq!(terms(&mut cached, text), expected, "served from the cache");
        assert!(expected.contains(&"engin".to_string()) && expected.contains(&"sao".to_string()));
    }
}
