//! Every job and candidate has a vector of what it is about (`semantic::text_of`), kept in
//! redb beside the record: written in the same transaction as the record and its search
//! outbox row ([`super::indexing::Pending`]), so the two never disagree, even after a crash.
//! The vectors in memory (`semantic::Shelves`) are derived: a tenant's are read from redb on
//! its first query by meaning and then kept in step after each commit. When the compiled-in
//! model changes, every vector is recomputed at start-up (and by `hirebase reindex`).

use std::sync::{Arc, RwLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde::{Deserialize, Serialize};

use super::indexing::Indexed;
use crate::error::{Error, Result};
use crate::search::Doc;
use crate::semantic::{self, Change, Quantized, Shelf, Shelves};
use crate::store::{Reader, Store, Tx};

/// The stored vector of one record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meaning {
    /// The outbox sequence number of the write that made it (0: recomputed in bulk).
    pub seq: u64,
    pub scale: f32,
    /// The int8 components, base64.
    pub v: String,
}

impl Meaning {
    fn of(q: &Quantized, seq: u64) -> Meaning {
        let bytes: Vec<u8> = q.v.iter().map(|&x| x as u8).collect();
        Meaning {
            seq,
            scale: q.scale,
            v: STANDARD_NO_PAD.encode(bytes),
        }
    }

    fn quantized(&self) -> Option<Quantized> {
        let bytes = STANDARD_NO_PAD.decode(&self.v).ok()?;
        Some(Quantized {
            scale: self.scale,
            v: bytes.into_iter().map(|b| b as i8).collect(),
        })
    }
}

/// The meta key holding the id of the model the stored vectors were made with.
const MODEL_META: &str = "meaning_model";

/// Stores the vector of `doc` (or removes a stale one when it has no text the model knows), in
/// the write's transaction; returns the change to apply in memory after the commit.
pub fn keep<T: Indexed>(tx: &mut Tx, doc: &Doc, seq: u64) -> Result<Change> {
    let vector = semantic::embed(&semantic::text_of(T::KIND, doc));
    match &vector {
        Some(q) => tx.put(&T::VECTORS, doc.tenant, doc.id, &Meaning::of(q, seq))?,
        None => {
            tx.remove(&T::VECTORS, doc.tenant, doc.id)?;
        }
    }
    Ok(Change {
        kind: T::KIND,
        tenant: doc.tenant,
        id: doc.id,
        seq,
        vector,
    })
}

/// Removes the vector of a deleted record.
pub fn forget<T: Indexed>(tx: &mut Tx, tenant: u64, id: u64, seq: u64) -> Result<Change> {
    tx.remove(&T::VECTORS, tenant, id)?;
    Ok(Change {
        kind: T::KIND,
        tenant,
        id,
        seq,
        vector: None,
    })
}

/// Whether the stored vectors were made by the compiled-in model.
pub fn current(store: &Store) -> Result<bool> {
    Ok(store.read()?.meta(MODEL_META)? == Some(semantic::model_id()))
}

/// Recomputes the vector of every record of type `T` from the record, in transactions of a
/// few thousand rows. Returns how many records have one.
pub async fn recompute<T: Indexed + Send>(store: &Store) -> Result<usize> {
    let mut after = None;
    let mut total = 0usize;
    loop {
        let rows = store.read()?.scan(&T::TABLE, after, 4_000)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.0);
        total += store
            .write(move |tx| {
                let mut n = 0;
                for (_, record) in &rows {
                    let doc = record.doc();
                    n += usize::from(keep::<T>(tx, &doc, 0)?.vector.is_some());
                }
                Ok(n)
            })
            .await?;
    }
    Ok(total)
}

/// Notes that the stored vectors are the compiled-in model's.
pub async fn mark_current(store: &Store) -> Result<()> {
    store
        .write(|tx| tx.set_meta(MODEL_META, semantic::model_id()))
        .await
}

/// The tenant's vectors of `T` in memory, read from redb the first time.
pub fn shelf<T: Indexed>(
    store: &Store,
    shelves: &Shelves,
    tenant: u64,
) -> Result<Arc<RwLock<Shelf>>> {
    shelves.get(
        T::KIND,
        tenant,
        |shelf| {
            let rx = store.read()?;
            let mut after = Some((tenant, 0));
            loop {
                let rows = rx.scan(&T::VECTORS, after, 10_000)?;
                let mut more = false;
                for ((scope, id), m) in &rows {
                    if *scope != tenant {
                        break;
                    }
                    more = true;
                    after = Some((*scope, *id));
                    shelf.apply(*id, m.seq, m.quantized().as_ref());
                }
                if !more || rows.len() < 10_000 {
                    return Ok(());
                }
            }
        },
        semantic::model().dims(),
    )
}

/// The `k` records of `T` in the tenant nearest in meaning to `text`, best first, with their
/// cosine; `keep` may refuse ids. Empty when the text has no word the model knows.
pub fn nearest<T: Indexed>(
    store: &Store,
    shelves: &Shelves,
    tenant: u64,
    text: &str,
    k: usize,
    keep: impl Fn(u64) -> bool,
) -> Result<Vec<(u64, f32)>> {
    let Some(query) = semantic::embed(text) else {
        return Ok(Vec::new());
    };
    let shelf = shelf::<T>(store, shelves, tenant)?;
    let guard = shelf
        .read()
        .map_err(|_| Error::internal(anyhow::anyhow!("vectors poisoned")))?;
    Ok(guard.top(&query, k, keep))
}
