//! The static embedding model (`models/meaning.bin`, made by `scripts/make-model`): a vector
//! per WordPiece token of all-MiniLM-L6-v2's vocabulary, distilled by model2vec. A text's
//! vector is the mean of its tokens' vectors, normalised — table lookups, no network.
//!
//! The file, little-endian: `HBMEAN01`, u64 an id of the model (the first bytes of the SHA-256
//! of what follows it), u32 dimensions, u32 tokens, u32 the unknown token's id, then each
//! token as u16 length + UTF-8 bytes, then one f32 scale per token, then the int8 rows (tokens
//! × dimensions): a token's vector is its row times its scale. The rows are read in place.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

const MAGIC: &[u8; 8] = b"HBMEAN01";
/// Longer words are one unknown token, as in BERT's WordPiece.
const MAX_WORD_CHARS: usize = 100;

pub struct Model {
    dims: usize,
    vocab: HashMap<Box<str>, u32>,
    /// Continuation pieces (`##ing`) by their text without the `##`.
    suffixes: HashMap<Box<str>, u32>,
    unk: u32,
    scales: Vec<f32>,
    rows: &'static [u8],
}

/// Which model made a vector (the file's id): vectors made by another one are recomputed.
pub fn id_of(bytes: &[u8]) -> u64 {
    bytes
        .get(8..16)
        .map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap()))
}

impl Model {
    pub fn parse(bytes: &'static [u8]) -> anyhow::Result<Model> {
        let mut cur = Cursor { bytes, at: 0 };
        anyhow::ensure!(cur.take(8)? == MAGIC, "not a hirebase meaning model");
        cur.take(8)?;
        let dims = cur.u32()? as usize;
        let tokens = cur.u32()? as usize;
        let unk = cur.u32()?;
        anyhow::ensure!(dims > 0 && (unk as usize) < tokens, "model header is wrong");
        let mut vocab = HashMap::with_capacity(tokens);
        let mut suffixes = HashMap::new();
        for id in 0..tokens as u32 {
            let len = u16::from_le_bytes(cur.take(2)?.try_into()?) as usize;
            let token = std::str::from_utf8(cur.take(len)?)?;
            match token.strip_prefix("##") {
                Some(rest) if !rest.is_empty() => {
                    suffixes.insert(rest.into(), id);
                }
                _ => {
                    vocab.insert(token.into(), id);
                }
            }
        }
        let scales = cur
            .take(4 * tokens)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let rows = cur.take(tokens * dims)?;
        anyhow::ensure!(cur.at == bytes.len(), "model file has trailing bytes");
        Ok(Model {
            dims,
            vocab,
            suffixes,
            unk,
            scales,
            rows,
        })
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The WordPiece ids of `text` (BERT uncased: lower-cased, accents stripped, split at
    /// spaces and punctuation, each word cut into the longest pieces the vocabulary has);
    /// unknown words are left out, as model2vec does.
    pub fn tokens(&self, text: &str, out: &mut Vec<u32>) {
        let mut word = String::new();
        for ch in text.chars() {
            if ch.is_whitespace() || ch.is_control() {
                self.word(&mut word, out);
            } else if is_punctuation(ch) || is_cjk(ch) {
                self.word(&mut word, out);
                word.push(ch);
                self.word(&mut word, out);
            } else if ch.is_ascii() {
                word.push(ch.to_ascii_lowercase());
            } else {
                for c in ch.to_lowercase().nfd() {
                    if !unicode_normalization::char::is_combining_mark(c) {
                        word.push(c);
                    }
                }
            }
        }
        self.word(&mut word, out);
    }

    /// Greedy longest-match WordPiece of one word (then cleared).
    fn word(&self, word: &mut String, out: &mut Vec<u32>) {
        if word.is_empty() {
            return;
        }
        let before = out.len();
        let mut rest: &str = word;
        let mut first = true;
        let whole = word.chars().count() <= MAX_WORD_CHARS;
        while whole && !rest.is_empty() {
            let table = if first { &self.vocab } else { &self.suffixes };
            let mut end = rest.len();
            let found = loop {
                if let Some(&id) = table.get(&rest[..end]) {
                    break Some(id);
                }
                match rest[..end].char_indices().next_back() {
                    Some((i, _)) if i > 0 => end = i,
                    _ => break None,
                }
            };
            match found {
                Some(id) => {
                    out.push(id);
                    rest = &rest[end..];
                    first = false;
                }
                None => {
                    // A word with a piece the vocabulary lacks is one unknown token: dropped.
                    out.truncate(before);
                    break;
                }
            }
        }
        word.clear();
    }

    /// The unit vector of `text`, or `None` when it has no known token.
    pub fn embed(&self, text: &str) -> Option<Vec<f32>> {
        let mut ids = Vec::with_capacity(text.len() / 4 + 8);
        self.tokens(text, &mut ids);
        self.pool(&ids)
    }

    /// The mean of the tokens' vectors, normalised.
    pub fn pool(&self, ids: &[u32]) -> Option<Vec<f32>> {
        let mut sum = vec![0f32; self.dims];
        let mut n = 0usize;
        for &id in ids {
            if id == self.unk {
                continue;
            }
            let i = id as usize;
            let scale = self.scales[i];
            let row = &self.rows[i * self.dims..(i + 1) * self.dims];
            for (s, &q) in sum.iter_mut().zip(row) {
                *s += scale * f32::from(q as i8);
            }
            n += 1;
        }
        // The mean's direction is the sum's: normalising makes dividing by n unnecessary.
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n == 0 || norm == 0.0 {
            return None;
        }
        sum.iter_mut().for_each(|x| *x /= norm);
        Some(sum)
    }
}

/// BERT's punctuation: ASCII symbols and Unicode punctuation.
fn is_punctuation(ch: char) -> bool {
    ch.is_ascii_punctuation()
        || (!ch.is_ascii() && !ch.is_alphanumeric() && !ch.is_whitespace() && !is_mark(ch))
}

fn is_mark(ch: char) -> bool {
    unicode_normalization::char::is_combining_mark(ch)
}

/// CJK ideographs are tokens of their own (BERT's `tokenize_chinese_chars`).
fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

struct Cursor {
    bytes: &'static [u8],
    at: usize,
}

impl Cursor {
    fn take(&mut self, n: usize) -> anyhow::Result<&'static [u8]> {
        let s = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or_else(|| anyhow::anyhow!("model file truncated"))?;
        self.at += n;
        Ok(s)
    }

    fn u32(&mut self) -> anyhow::Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into()?))
    }
}
