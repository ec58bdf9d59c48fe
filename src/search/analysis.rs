//! Text analysis: how record text and queries become index terms.
//!
//! Words are runs of letters and digits ([`WordTokenizer`]), except that Chinese, Japanese and
//! Korean text, written without spaces between words, becomes overlapping character pairs
//! (`高级工程师` → `高级 级工 工程 程师`) plus, in records, each character alone: any run of two
//! or more characters typed in a query is then found inside a longer one by its pairs, and
//! a single character by itself.
//!
//! `hb_stem` (ranked text) drops words of [`MAX_WORD_BYTES`] or more, lower-cases, folds
//! accents to ASCII and stems (English). `hb_raw` stops before stemming (locations).
//! `hb_query` splits a query into words as typed: pairs only, and no word dropped — a word
//! too long for the index must make the query match nothing ([`query_words`]), not vanish
//! from it (which made it match everything).
//!
//! Stemming was the largest single cost of indexing (16% of an import's CPU). Record text
//! repeats a small vocabulary, so [`CachedStemmer`] remembers the stems it has computed: each
//! analyzer clone (tantivy takes one per field per segment) keeps its own bounded map.

use std::collections::HashMap;
use std::iter::Peekable;
use std::str::CharIndices;

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

pub const RAW: &str = "hb_raw";
pub const STEM: &str = "hb_stem";
pub const QUERY: &str = "hb_query";
/// Stems one query word (already split, lower-cased and folded).
pub const STEM_WORD: &str = "hb_stem_word";

/// Words this long (in bytes, as written) are not indexed: base64, URLs, glued-together text.
pub const MAX_WORD_BYTES: usize = 40;

/// Distinct words a cache holds before it starts over.
const CACHE_WORDS: usize = 50_000;

pub fn register(index: &Index) {
    let raw = TextAnalyzer::builder(WordTokenizer::record())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let stem = TextAnalyzer::builder(WordTokenizer::record())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build();
    let query = TextAnalyzer::builder(WordTokenizer::query())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let stem_word = TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(RAW, raw);
    index.tokenizers().register(STEM, stem);
    index.tokenizers().register(QUERY, query);
    index.tokenizers().register(STEM_WORD, stem_word);
}

/// The words of `text` as the `hb_query` analyzer splits them, or `None` when one of them is
/// too long to be in the index: no record can match it.
pub fn query_words(query: &mut TextAnalyzer, text: &str) -> Option<Vec<String>> {
    let mut stream = query.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        // The span as written, which is what the record analyzers measure.
        if token.offset_to - token.offset_from >= MAX_WORD_BYTES {
            return None;
        }
        words.push(token.text.clone());
    }
    Some(words)
}

/// Whether `c` belongs to a script written without spaces between words (Han, Hiragana,
/// Katakana) or usually searched by syllable pairs (Hangul), as Lucene's CJK analyzer does.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'     // Hangul Jamo
        | '\u{3005}'..='\u{3007}'   // 々 〆 〇
        | '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'   // Hangul compatibility Jamo
        | '\u{31F0}'..='\u{31FF}'   // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{A960}'..='\u{A97F}'   // Hangul Jamo extended A
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'   // half-width Katakana
        | '\u{20000}'..='\u{3134F}' // CJK extensions B to G
    )
}

/// Splits on everything but letters and digits; CJK runs become character pairs.
#[derive(Clone, Debug)]
pub struct WordTokenizer {
    /// Also each CJK character alone (records), besides the pairs.
    singles: bool,
    token: Token,
}

impl WordTokenizer {
    /// For record text: a CJK run gives its pairs and its characters.
    pub fn record() -> WordTokenizer {
        WordTokenizer {
            singles: true,
            token: Token::default(),
        }
    }

    /// For queries: a CJK run gives its pairs (all of them must match), or its one character.
    pub fn query() -> WordTokenizer {
        WordTokenizer {
            singles: false,
            token: Token::default(),
        }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            chars: text.char_indices().peekable(),
            token: &mut self.token,
            singles: self.singles,
            cjk: None,
        }
    }
}

/// Where a [`WordStream`] is inside a CJK run.
#[derive(Clone, Copy)]
struct CjkRun {
    /// The run's last character read, and its offset.
    at: usize,
    last: char,
    /// `last` was emitted alone already.
    single_done: bool,
    /// Characters of the run read so far.
    len: usize,
}

pub struct WordStream<'a> {
    text: &'a str,
    chars: Peekable<CharIndices<'a>>,
    token: &'a mut Token,
    singles: bool,
    cjk: Option<CjkRun>,
}

impl WordStream<'_> {
    fn emit(&mut self, from: usize, to: usize) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
        true
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        loop {
            if let Some(run) = self.cjk {
                let single = (run.at, run.at + run.last.len_utf8());
                match self.chars.peek() {
                    Some(&(at, next)) if is_cjk(next) => {
                        if self.singles && !run.single_done {
                            self.cjk = Some(CjkRun {
                                single_done: true,
                                ..run
                            });
                            return self.emit(single.0, single.1);
                        }
                        self.chars.next();
                        self.cjk = Some(CjkRun {
                            at,
                            last: next,
                            single_done: false,
                            len: run.len + 1,
                        });
                        return self.emit(run.at, at + next.len_utf8());
                    }
                    _ => {
                        self.cjk = None;
                        if !run.single_done && (self.singles || run.len == 1) {
                            return self.emit(single.0, single.1);
                        }
                    }
                }
            }
            let Some((from, c)) = self.chars.next() else {
                return false;
            };
            if is_cjk(c) {
                self.cjk = Some(CjkRun {
                    at: from,
                    last: c,
                    single_done: false,
                    len: 1,
                });
            } else if c.is_alphanumeric() {
                let mut to = from + c.len_utf8();
                while let Some(&(at, next)) = self.chars.peek() {
                    if !next.is_alphanumeric() || is_cjk(next) {
                        break;
                    }
                    to = at + next.len_utf8();
                    self.chars.next();
                }
                return self.emit(from, to);
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
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
    use tantivy::tokenizer::SimpleTokenizer;

    use super::*;

    fn analyzers() -> Index {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        register(&index);
        index
    }

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = vec![];
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    fn analyze(name: &str, text: &str) -> Vec<String> {
        terms(&mut analyzers().tokenizers().get(name).unwrap(), text)
    }

    fn query(text: &str) -> Option<Vec<String>> {
        query_words(&mut analyzers().tokenizers().get(QUERY).unwrap(), text)
    }

    #[test]
    fn cached_stems_equal_the_stemmer_and_repeat_exactly() {
        let index = analyzers();
        let mut cached = index.tokenizers().get(STEM).unwrap();
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
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

    #[test]
    fn words_without_cjk_split_as_the_simple_tokenizer_does() {
        let mut simple = TextAnalyzer::from(SimpleTokenizer::default());
        let mut words = TextAnalyzer::from(WordTokenizer::record());
        for text in [
            "",
            "  C++/Rust, node.js & Go-lang 2024!",
            "Zoë O'Brien — Ærø, İstanbul; Ελληνικά Кирилица ٣٤",
            "trailing word",
        ] {
            assert_eq!(terms(&mut words, text), terms(&mut simple, text), "{text}");
        }
    }

    #[test]
    fn cjk_runs_become_pairs_and_characters_in_records_and_pairs_in_queries() {
        assert_eq!(
            analyze(RAW, "高级工程师"),
            ["高", "高级", "级", "级工", "工", "工程", "程", "程师", "师"]
        );
        assert_eq!(
            query("高级工程师").unwrap(),
            ["高级", "级工", "工程", "程师"]
        );
        assert_eq!(query("软").unwrap(), ["软"], "one character stands alone");
        assert_eq!(analyze(RAW, "京"), ["京"]);
        // Runs end at other letters and at punctuation; Latin words around them stay whole.
        assert_eq!(
            query("Rust工程师, 東京 Senior").unwrap(),
            ["rust", "工程", "程师", "東京", "senior"]
        );
        assert_eq!(
            query("ソフトウェア").unwrap(),
            ["ソフ", "フト", "トウ", "ウェ", "ェア"]
        );
        assert_eq!(query("개발자").unwrap(), ["개발", "발자"]);
        assert_eq!(
            analyze(STEM, "Java开发 engineering"),
            ["java", "开", "开发", "发", "engin"],
            "pairs pass the stemmer unchanged"
        );
    }

    #[test]
    fn a_substring_of_a_cjk_record_finds_all_its_query_pairs_there() {
        let record = analyze(STEM, "高级软件工程师负责分布式系统");
        for q in [
            "软件工程师",
            "分布式",
            "系统",
            "工",
            "高级软件工程师负责分布式系统",
        ] {
            let words = query(q).unwrap();
            assert!(!words.is_empty());
            for w in &words {
                assert!(record.contains(w), "{q}: {w} is indexed");
            }
        }
        assert!(
            !record.contains(&"软工".to_string()),
            "no pair across characters"
        );
    }

    #[test]
    fn words_too_long_for_the_index_are_dropped_from_records_and_void_a_query() {
        let long = "x".repeat(MAX_WORD_BYTES);
        let under = "y".repeat(MAX_WORD_BYTES - 1);
        assert_eq!(
            analyze(STEM, &format!("{long} {under} rust")),
            [under.clone(), "rust".into()]
        );
        assert_eq!(query(&format!("rust {long}")), None, "no record holds it");
        assert_eq!(query(&under).unwrap(), [under]);
        // Measured as written: 14 CJK characters are 42 bytes, but their pairs are 6.
        assert_eq!(query("高级软件工程师负责分布式系统").unwrap().len(), 13);
        assert_eq!(query("  ,;  ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_query_word_stems_as_in_the_record() {
        for word in ["engineering", "companies", "sao", "rust"] {
            assert_eq!(analyze(STEM_WORD, word), analyze(STEM, word), "{word}");
        }
        assert_eq!(
            analyze(STEM_WORD, "软件"),
            ["软件"],
            "a pair is its own stem"
        );
    }
}
