//! Meaning: a static embedding model compiled into the binary ([`model`]), the tenants'
//! vectors in memory for exact top-k ([`vectors`]), and reciprocal rank fusion, which blends a
//! ranking by meaning with BM25's. Knows neither redb nor tantivy: `domain::meaning` stores the
//! vectors with the records and feeds them in.

pub mod model;
pub mod vectors;

use std::sync::OnceLock;

pub use model::Model;
pub use vectors::{Change, Quantized, Shelf, Shelves};

use crate::search::{Doc, Kind};

/// `models/meaning.bin` (see `models/README.md` and `scripts/make-model`).
pub const MODEL_FILE: &[u8] = include_bytes!("../../models/meaning.bin");

/// The model, parsed on first use: it is constant data (like a compiled-in table), so one
/// copy serves every app in the process; parsing it lazily keeps an idle server small.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(MODEL_FILE).expect("the compiled-in model parses"))
}

/// Which model made the stored vectors: when it changes, they are recomputed.
pub fn model_id() -> u64 {
    model::id_of(MODEL_FILE)
}

/// The words a record's vector is made of: titles, headline, skills, notes, descriptions and
/// resume text — what the record is about, not names, emails or places.
pub fn text_of(kind: Kind, doc: &Doc) -> String {
    let mut text = String::with_capacity(doc.body.len() + 200);
    let parts: [&str; 3] = match kind {
        Kind::Job => [&doc.name, &doc.headline, ""],
        Kind::Candidate => [&doc.title, &doc.headline, ""],
    };
    for part in parts.iter().filter(|p| !p.is_empty()) {
        text.push_str(part);
        text.push_str(". ");
    }
    for skill in &doc.skills {
        text.push_str(skill);
        text.push_str(", ");
    }
    text.push_str(&doc.body);
    text
}

/// The quantised unit vector of `text`, `None` when no word of it is known to the model.
pub fn embed(text: &str) -> Option<Quantized> {
    model().embed(text).map(|v| Quantized::of(&v))
}

/// The constant of reciprocal rank fusion: ranks past the first few dozen count little.
pub const RRF_K: f64 = 60.0;

/// Reciprocal rank fusion of rankings (best first): each id scores Σ 1 / (k + rank), rank
/// from 1; best first, ties by id.
pub fn fuse(rankings: &[&[u64]]) -> Vec<(u64, f64)> {
    let mut score: std::collections::HashMap<u64, f64> = std::collections::HashMap::new();
    for ranking in rankings {
        for (i, id) in ranking.iter().enumerate() {
            *score.entry(*id).or_default() += 1.0 / (RRF_K + i as f64 + 1.0);
        }
    }
    let mut out: Vec<(u64, f64)> = score.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cos(a: &str, b: &str) -> f32 {
        let (a, b) = (model().embed(a).unwrap(), model().embed(b).unwrap());
        a.iter().zip(&b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn the_model_parses_and_embeds_by_meaning() {
        let m = model();
        assert_eq!(m.dims(), 256);
        let mut ids = Vec::new();
        m.tokens("Kubernetes, PostgreSQL; naïve café!", &mut ids);
        assert!(ids.len() >= 6, "{ids:?}");
        let v = m.embed("backend engineer").unwrap();
        let norm: f32 = v.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-4);
        assert!(m.embed("   ").is_none());
        assert!(
            cos(
                "built payment systems",
                "fintech engineer, card processing and billing"
            ) > cos("built payment systems", "pastry chef, bakery and desserts"),
        );
        assert!(
            cos(
                "kubernetes and containers",
                "platform engineer, docker, cloud infrastructure"
            ) > cos(
                "kubernetes and containers",
                "registered nurse, intensive care"
            ),
        );
    }

    #[test]
    fn fusion_rewards_agreement() {
        let fused = fuse(&[&[1, 2, 3], &[3, 1, 4]]);
        let order: Vec<u64> = fused.iter().map(|f| f.0).collect();
        assert_eq!(order, vec![1, 3, 2, 4]);
    }
}
