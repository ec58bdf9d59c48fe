//! The embedded database (redb): the single source of truth.
//!
//! Reads open a read transaction where they run (point reads take microseconds). Writes are
//! closures sent to one writer thread, which takes every closure waiting, runs each in its
//! own transaction committed without fsync (a failing closure is aborted and changes
//! nothing), then makes the batch durable with one fsync'd commit, and only then answers
//! the callers: group commit.

pub mod backup;
pub mod codec;
pub mod tables;

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use redb::{
    Database, MultimapTableDefinition, MultimapTableHandle, ReadTransaction, ReadableDatabase,
    ReadableMultimapTable, ReadableTable, TableDefinition, TableHandle, WriteTransaction,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::error::{Error, Result};

pub const DB_FILE: &str = "hirebase.redb";
/// The largest number of closures one commit carries.
const MAX_BATCH: usize = 256;

type RecordDef = TableDefinition<'static, (u64, u64), &'static [u8]>;
type UniqueDef = TableDefinition<'static, &'static str, (u64, u64)>;
type IndexDef = MultimapTableDefinition<'static, (u64, u64), u64>;
const META: TableDefinition<'static, &'static str, u64> = TableDefinition::new("meta_v1");
const COUNTS: TableDefinition<'static, (u64, &'static str), u64> =
    TableDefinition::new("counts_v1");

/// A table of records of type `T`, keyed `(scope, id)`, with the secondary indexes it keeps.
pub struct Records<T: 'static> {
    pub name: &'static str,
    /// Kept by every `put` and `remove` of the table, in the same transaction.
    pub filings: &'static [Filing<T>],
    _record: PhantomData<fn() -> T>,
}

impl<T> Records<T> {
    pub const fn new(name: &'static str) -> Self {
        Records::filed(name, &[])
    }

    /// A table whose records are also filed in `filings`.
    pub const fn filed(name: &'static str, filings: &'static [Filing<T>]) -> Self {
        Records {
            name,
            filings,
            _record: PhantomData,
        }
    }

    fn def(&self) -> RecordDef {
        TableDefinition::new(self.name)
    }
}

/// A secondary index of a record table, kept by the table itself: each record is filed under
/// the keys `keys` gives it (a job id, a status, a time), so a filtered list reads the ids
/// filed under its key — what it returns — instead of the whole tenant.
pub struct Filing<T> {
    pub index: Index,
    keys: Keys<T>,
}

enum Keys<T> {
    One(fn(&T) -> u64),
    Many(fn(&T) -> Vec<u64>),
}

impl<T> Clone for Keys<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Keys<T> {}

impl<T> Filing<T> {
    /// Files each record under one key.
    pub const fn one(name: &'static str, key: fn(&T) -> u64) -> Self {
        Filing {
            index: Index::new(name),
            keys: Keys::One(key),
        }
    }

    /// Files each record under any number of keys (the people on an interview panel).
    pub const fn many(name: &'static str, keys: fn(&T) -> Vec<u64>) -> Self {
        Filing {
            index: Index::new(name),
            keys: Keys::Many(keys),
        }
    }

    pub fn keys_of(&self, record: &T) -> Vec<u64> {
        match self.keys {
            Keys::One(key) => vec![key(record)],
            Keys::Many(keys) => {
                let mut keys = keys(record);
                keys.sort_unstable();
                keys.dedup();
                keys
            }
        }
    }

    pub fn files(&self, record: &T, key: u64) -> bool {
        match self.keys {
            Keys::One(k) => k(record) == key,
            Keys::Many(keys) => keys(record).contains(&key),
        }
    }
}

/// A unique key (an email, a slug, a token hash) → the `(scope, id)` of its record.
pub struct Unique {
    pub name: &'static str,
}

impl Unique {
    pub const fn new(name: &'static str) -> Self {
        Unique { name }
    }
    fn def(&self) -> UniqueDef {
        TableDefinition::new(self.name)
    }
}

/// A secondary index: `(scope, owner)` → the ids that belong to it.
pub struct Index {
    pub name: &'static str,
}

impl Index {
    pub const fn new(name: &'static str) -> Self {
        Index { name }
    }
    fn def(&self) -> IndexDef {
        MultimapTableDefinition::new(self.name)
    }
}

/// Raw bytes (file contents) keyed `(owner, part)`, stored as they are, without the record
/// codec: an owner's bytes are its parts in order, each at most [`BLOB_PART`] long.
pub struct Blobs {
    pub name: &'static str,
}

/// The size of one stored part of a blob: a few parts per document, no page-sized overhead.
pub const BLOB_PART: usize = 256 << 10;

impl Blobs {
    pub const fn new(name: &'static str) -> Self {
        Blobs { name }
    }
    fn def(&self) -> RecordDef {
        TableDefinition::new(self.name)
    }
}

fn storage(e: impl Into<redb::Error>) -> Error {
    Error::internal(anyhow::Error::new(e.into()).context("storage"))
}

/// Read operations, shared by read and write transactions.
pub trait Reader {
    #[doc(hidden)]
    fn record_table(
        &self,
        def: RecordDef,
    ) -> Result<impl ReadableTable<(u64, u64), &'static [u8]> + '_>;
    #[doc(hidden)]
    fn unique_table(
        &self,
        def: UniqueDef,
    ) -> Result<impl ReadableTable<&'static str, (u64, u64)> + '_>;
    #[doc(hidden)]
    fn index_table(
        &self,
        def: IndexDef,
    ) -> Result<impl ReadableMultimapTable<(u64, u64), u64> + '_>;
    #[doc(hidden)]
    fn counts_table(&self) -> Result<impl ReadableTable<(u64, &'static str), u64> + '_>;
    #[doc(hidden)]
    fn meta_table(&self) -> Result<impl ReadableTable<&'static str, u64> + '_>;

    fn get<T: DeserializeOwned>(
        &self,
        records: &Records<T>,
        scope: u64,
        id: u64,
    ) -> Result<Option<T>> {
        let table = self.record_table(records.def())?;
        let row = table.get((scope, id)).map_err(storage)?;
        row.map(|v| codec::decode(v.value())).transpose()
    }

    /// The records of `ids` that exist, in the order given, reading the table once.
    fn get_many<T: DeserializeOwned>(
        &self,
        records: &Records<T>,
        scope: u64,
        ids: &[u64],
    ) -> Result<Vec<T>> {
        let table = self.record_table(records.def())?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = table.get((scope, *id)).map_err(storage)? {
                out.push(codec::decode(v.value())?);
            }
        }
        Ok(out)
    }

    /// A page of a scope's records, newest (highest id) first.
    fn list<T: DeserializeOwned>(
        &self,
        records: &Records<T>,
        scope: u64,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<T>> {
        let table = self.record_table(records.def())?;
        let range = table
            .range((scope, 0)..=(scope, u64::MAX))
            .map_err(storage)?;
        range
            .rev()
            .skip(skip)
            .take(limit)
            .map(|row| {
                let (_, v) = row.map_err(storage)?;
                codec::decode(v.value())
            })
            .collect()
    }

    /// Records of a scope with ids below `before` (all when `None`), newest first, and
    /// whether older ones remain: the cursor pagination of append-only logs.
    fn page_before<T: DeserializeOwned>(
        &self,
        records: &Records<T>,
        scope: u64,
        before: Option<u64>,
        limit: usize,
    ) -> Result<(Vec<(u64, T)>, bool)> {
        let table = self.record_table(records.def())?;
        let end = before.unwrap_or(u64::MAX);
        let mut range = table
            .range((scope, 0)..(scope, end))
            .map_err(storage)?
            .rev();
        let mut items = Vec::with_capacity(limit.min(128));
        for row in range.by_ref().take(limit) {
            let (k, v) = row.map_err(storage)?;
            items.push((k.value().1, codec::decode(v.value())?));
        }
        let has_more = range.next().is_some();
        Ok((items, has_more))
    }

    /// Records of every scope in key order, starting after `after`: for walking a whole
    /// table in pages (rebuilding the search index).
    fn scan<T: DeserializeOwned>(
        &self,
        records: &Records<T>,
        after: Option<(u64, u64)>,
        limit: usize,
    ) -> Result<Vec<((u64, u64), T)>> {
        use std::ops::Bound;
        let table = self.record_table(records.def())?;
        let start = match after {
            Some(k) => Bound::Excluded(k),
            None => Bound::Unbounded,
        };
        let range = table
            .range::<(u64, u64)>((start, Bound::Unbounded))
            .map_err(storage)?;
        range
            .take(limit)
            .map(|row| {
                let (k, v) = row.map_err(storage)?;
                Ok((k.value(), codec::decode(v.value())?))
            })
            .collect()
    }

    /// How many records a scope holds, kept exact by every insert and remove.
    fn count<T>(&self, records: &Records<T>, scope: u64) -> Result<u64> {
        stored_count(&self.counts_table()?, scope, records.name)
    }

    /// The bytes stored for `owner` (empty when there are none).
    fn blob(&self, blobs: &Blobs, owner: u64) -> Result<Vec<u8>> {
        let table = self.record_table(blobs.def())?;
        let mut out = Vec::new();
        for row in table
            .range((owner, 0)..=(owner, u64::MAX))
            .map_err(storage)?
        {
            out.extend_from_slice(row.map_err(storage)?.1.value());
        }
        Ok(out)
    }

    fn lookup(&self, unique: &Unique, key: &str) -> Result<Option<(u64, u64)>> {
        let table = self.unique_table(unique.def())?;
        Ok(table.get(key).map_err(storage)?.map(|v| v.value()))
    }

    fn members(&self, index: &Index, scope: u64, owner: u64) -> Result<Vec<u64>> {
        let table = self.index_table(index.def())?;
        let values = table.get((scope, owner)).map_err(storage)?;
        values
            .map(|v| v.map(|v| v.value()).map_err(storage))
            .collect()
    }

    fn meta(&self, key: &str) -> Result<Option<u64>> {
        let table = self.meta_table()?;
        Ok(table.get(key).map_err(storage)?.map(|v| v.value()))
    }

    /// How many records are filed under `key`: O(1).
    fn filed_count<T>(&self, filing: &Filing<T>, scope: u64, key: u64) -> Result<u64> {
        let table = self.index_table(filing.index.def())?;
        Ok(table.get((scope, key)).map_err(storage)?.len())
    }

    /// The first `max` ids of the records filed under keys in `keys`, in key order, then id
    /// order (a time index gives the agenda).
    fn filed_in<T>(
        &self,
        filing: &Filing<T>,
        scope: u64,
        keys: std::ops::RangeInclusive<u64>,
        max: usize,
    ) -> Result<Vec<u64>> {
        let table = self.index_table(filing.index.def())?;
        let range = table
            .range((scope, *keys.start())..=(scope, *keys.end()))
            .map_err(storage)?;
        let mut ids = Vec::new();
        for entry in range {
            let (_, values) = entry.map_err(storage)?;
            for v in values {
                if ids.len() == max {
                    return Ok(ids);
                }
                ids.push(v.map_err(storage)?.value());
            }
        }
        Ok(ids)
    }

    /// How many records are filed under keys in `keys`: one step per key, no record read.
    fn filed_count_in<T>(
        &self,
        filing: &Filing<T>,
        scope: u64,
        keys: std::ops::RangeInclusive<u64>,
    ) -> Result<u64> {
        let table = self.index_table(filing.index.def())?;
        let range = table
            .range((scope, *keys.start())..=(scope, *keys.end()))
            .map_err(storage)?;
        let mut n = 0;
        for entry in range {
            n += entry.map_err(storage)?.1.len();
        }
        Ok(n)
    }

    /// A page of the records matching every `(filing, key)` filter that is set and `keep`,
    /// newest (highest id) first, with how many match. It walks only the smallest filter's
    /// ids: a single filter without `keep` reads just the page; more narrow that walk by the
    /// record's keys. Without filters, `keep` is checked on every record of the scope.
    #[allow(clippy::type_complexity)]
    fn page_matching<T: DeserializeOwned + 'static>(
        &self,
        records: &Records<T>,
        scope: u64,
        filters: &[(&Filing<T>, Option<u64>)],
        keep: Option<&dyn Fn(&T) -> bool>,
        skip: usize,
        limit: usize,
    ) -> Result<(Vec<T>, u64)> {
        let filters: Vec<(&Filing<T>, u64)> = filters
            .iter()
            .filter_map(|(f, key)| key.map(|k| (*f, k)))
            .collect();
        let mut smallest: Option<(u64, usize)> = None;
        for (i, (filing, key)) in filters.iter().enumerate() {
            let n = self.filed_count(filing, scope, *key)?;
            if smallest.is_none_or(|(m, _)| n < m) {
                smallest = Some((n, i));
            }
        }
        let Some((filed, walk)) = smallest else {
            return match keep {
                None => Ok((
                    self.list(records, scope, skip, limit)?,
                    self.count(records, scope)?,
                )),
                Some(keep) => {
                    let all = self.list(records, scope, 0, usize::MAX)?;
                    page_of(all.into_iter().filter(|r| keep(r)), skip, limit)
                }
            };
        };
        let (filing, key) = filters[walk];
        let ids = {
            let table = self.index_table(filing.index.def())?;
            let values = table.get((scope, key)).map_err(storage)?;
            let rest_matter = filters.len() > 1 || keep.is_some();
            let take = if rest_matter { usize::MAX } else { limit };
            let skip_ids = if rest_matter { 0 } else { skip };
            values
                .rev()
                .skip(skip_ids)
                .take(take)
                .map(|v| v.map(|v| v.value()).map_err(storage))
                .collect::<Result<Vec<u64>>>()?
        };
        if filters.len() == 1 && keep.is_none() {
            return Ok((self.get_many(records, scope, &ids)?, filed));
        }
        let table = self.record_table(records.def())?;
        let matching = ids.into_iter().filter_map(|id| {
            let record = match table.get((scope, id)) {
                Ok(Some(v)) => codec::decode::<T>(v.value()),
                Ok(None) => return None,
                Err(e) => Err(storage(e)),
            };
            Some(record)
        });
        let mut total = 0u64;
        let mut page = Vec::with_capacity(limit.min(128));
        for record in matching {
            let record = record?;
            let fits = filters
                .iter()
                .enumerate()
                .all(|(i, (f, k))| i == walk || f.files(&record, *k))
                && keep.is_none_or(|keep| keep(&record));
            if fits {
                if total as usize >= skip && page.len() < limit {
                    page.push(record);
                }
                total += 1;
            }
        }
        Ok((page, total))
    }
}

/// What one [`Tx::purge_scope_step`] removed.
#[derive(Debug, Default)]
pub struct PurgeStep {
    /// The ids of the scope's records that went, by table.
    pub removed: BTreeMap<String, Vec<u64>>,
    /// Rows removed: records, their child rows, index entries.
    pub rows: u64,
    /// Nothing of the scope is left in record and index tables.
    pub done: bool,
}

/// `skip`/`limit` of an iterator, with how many it held.
pub fn page_of<T>(
    items: impl Iterator<Item = T>,
    skip: usize,
    limit: usize,
) -> Result<(Vec<T>, u64)> {
    let mut total = 0u64;
    let mut page = Vec::with_capacity(limit.min(128));
    for item in items {
        if total as usize >= skip && page.len() < limit {
            page.push(item);
        }
        total += 1;
    }
    Ok((page, total))
}

/// A read snapshot.
pub struct Rx {
    txn: ReadTransaction,
}

impl Reader for Rx {
    fn record_table(
        &self,
        def: RecordDef,
    ) -> Result<impl ReadableTable<(u64, u64), &'static [u8]> + '_> {
        self.txn.open_table(def).map_err(storage)
    }
    fn unique_table(
        &self,
        def: UniqueDef,
    ) -> Result<impl ReadableTable<&'static str, (u64, u64)> + '_> {
        self.txn.open_table(def).map_err(storage)
    }
    fn index_table(
        &self,
        def: IndexDef,
    ) -> Result<impl ReadableMultimapTable<(u64, u64), u64> + '_> {
        self.txn.open_multimap_table(def).map_err(storage)
    }
    fn counts_table(&self) -> Result<impl ReadableTable<(u64, &'static str), u64> + '_> {
        self.txn.open_table(COUNTS).map_err(storage)
    }
    fn meta_table(&self) -> Result<impl ReadableTable<&'static str, u64> + '_> {
        self.txn.open_table(META).map_err(storage)
    }
}

impl Rx {
    /// Every unique key held by a record of `scope`, by table: a walk over every unique
    /// table of the database (their keys are not grouped by scope), from this snapshot, so
    /// deleting a tenant finds them without holding the writer.
    pub fn unique_keys_of(&self, scope: u64) -> Result<Vec<(String, Vec<String>)>> {
        let mut found = Vec::new();
        for table in self.txn.list_tables().map_err(storage)? {
            let name = table.name().to_string();
            let table = match self
                .txn
                .open_table(TableDefinition::<&str, (u64, u64)>::new(&name))
            {
                Ok(table) => table,
                Err(redb::TableError::TableTypeMismatch { .. }) => continue,
                Err(e) => return Err(storage(e)),
            };
            let mut keys = Vec::new();
            for row in table.iter().map_err(storage)? {
                let (key, held) = row.map_err(storage)?;
                if held.value().0 == scope {
                    keys.push(key.value().to_string());
                }
            }
            if !keys.is_empty() {
                found.push((name, keys));
            }
        }
        Ok(found)
    }
}

/// The write transaction a write closure runs in. Counter changes and sequence values are
/// kept in memory and written once, when the transaction commits: a 500-row import then
/// touches the counters and the sequences once, not once per row.
pub struct Tx {
    txn: WriteTransaction,
    counts: HashMap<(u64, &'static str), i64>,
    sequences: HashMap<&'static str, u64>,
}

impl Reader for Tx {
    fn record_table(
        &self,
        def: RecordDef,
    ) -> Result<impl ReadableTable<(u64, u64), &'static [u8]> + '_> {
        self.txn.open_table(def).map_err(storage)
    }
    fn unique_table(
        &self,
        def: UniqueDef,
    ) -> Result<impl ReadableTable<&'static str, (u64, u64)> + '_> {
        self.txn.open_table(def).map_err(storage)
    }
    fn index_table(
        &self,
        def: IndexDef,
    ) -> Result<impl ReadableMultimapTable<(u64, u64), u64> + '_> {
        self.txn.open_multimap_table(def).map_err(storage)
    }
    fn counts_table(&self) -> Result<impl ReadableTable<(u64, &'static str), u64> + '_> {
        self.txn.open_table(COUNTS).map_err(storage)
    }
    fn meta_table(&self) -> Result<impl ReadableTable<&'static str, u64> + '_> {
        self.txn.open_table(META).map_err(storage)
    }
    fn count<T>(&self, records: &Records<T>, scope: u64) -> Result<u64> {
        let stored = stored_count(&self.counts_table()?, scope, records.name)?;
        let delta = self
            .counts
            .get(&(scope, records.name))
            .copied()
            .unwrap_or(0);
        Ok(stored.saturating_add_signed(delta))
    }
    fn meta(&self, key: &str) -> Result<Option<u64>> {
        match self.sequences.get(key) {
            Some(next) => Ok(Some(*next)),
            None => Ok(self
                .meta_table()?
                .get(key)
                .map_err(storage)?
                .map(|v| v.value())),
        }
    }
}

fn stored_count(
    table: &impl ReadableTable<(u64, &'static str), u64>,
    scope: u64,
    name: &str,
) -> Result<u64> {
    Ok(table
        .get((scope, name))
        .map_err(storage)?
        .map(|v| v.value())
        .unwrap_or(0))
}

impl Tx {
    fn new(txn: WriteTransaction) -> Tx {
        Tx {
            txn,
            counts: HashMap::new(),
            sequences: HashMap::new(),
        }
    }

    /// Writes the counters and sequences this transaction changed, then commits it.
    fn commit(mut self) -> Result<()> {
        {
            let mut counts = self.txn.open_table(COUNTS).map_err(storage)?;
            for ((scope, name), delta) in self.counts.drain() {
                if delta != 0 {
                    let now = stored_count(&counts, scope, name)?;
                    counts
                        .insert((scope, name), now.saturating_add_signed(delta))
                        .map_err(storage)?;
                }
            }
            let mut meta = self.txn.open_table(META).map_err(storage)?;
            for (key, next) in self.sequences.drain() {
                meta.insert(key, next).map_err(storage)?;
            }
        }
        self.txn.commit().map_err(storage)
    }

    /// The next id from the instance-wide allocator: ids are unique across all tenants.
    pub fn next_id(&mut self) -> Result<u64> {
        self.next_seq("next_id")
    }

    /// The next number of a named sequence, for append-only logs whose rows need order, not
    /// instance-wide ids.
    pub fn next_seq(&mut self, sequence: &'static str) -> Result<u64> {
        let next = match self.sequences.get(sequence) {
            Some(next) => *next,
            None => self
                .meta_table()?
                .get(sequence)
                .map_err(storage)?
                .map(|v| v.value())
                .unwrap_or(1),
        };
        self.sequences.insert(sequence, next + 1);
        Ok(next)
    }

    /// Creates or replaces a record, refiling it where its keys changed.
    pub fn put<T: Serialize + DeserializeOwned>(
        &mut self,
        records: &Records<T>,
        scope: u64,
        id: u64,
        value: &T,
    ) -> Result<()> {
        let bytes = codec::encode(value);
        let old: Option<Option<T>> = {
            let mut table = self.txn.open_table(records.def()).map_err(storage)?;
            let old = table
                .insert((scope, id), bytes.as_slice())
                .map_err(storage)?;
            match old {
                None => None,
                Some(_) if records.filings.is_empty() => Some(None),
                Some(old) => Some(Some(codec::decode(old.value())?)),
            }
        };
        if old.is_none() {
            self.add_count(records.name, scope, 1)?;
        }
        self.refile(records, scope, id, old.flatten().as_ref(), Some(value))
    }

    /// Moves a record's index entries from the keys of `old` to those of `new`.
    fn refile<T>(
        &mut self,
        records: &Records<T>,
        scope: u64,
        id: u64,
        old: Option<&T>,
        new: Option<&T>,
    ) -> Result<()> {
        for filing in records.filings {
            let before = old.map(|r| filing.keys_of(r)).unwrap_or_default();
            let after = new.map(|r| filing.keys_of(r)).unwrap_or_default();
            if before == after {
                continue;
            }
            let mut table = self
                .txn
                .open_multimap_table(filing.index.def())
                .map_err(storage)?;
            for key in before.iter().filter(|k| !after.contains(k)) {
                table.remove((scope, *key), id).map_err(storage)?;
            }
            for key in after.iter().filter(|k| !before.contains(k)) {
                table.insert((scope, *key), id).map_err(storage)?;
            }
        }
        Ok(())
    }

    /// Files every record of `records` under all its keys (a migration adding a filing).
    pub fn refile_all<T: DeserializeOwned>(&mut self, records: &Records<T>) -> Result<u64> {
        let mut after = None;
        let mut n = 0u64;
        loop {
            let rows = self.scan(records, after, 5_000)?;
            let Some(last) = rows.last() else {
                return Ok(n);
            };
            after = Some(last.0);
            for ((scope, id), record) in &rows {
                for filing in records.filings {
                    let mut table = self
                        .txn
                        .open_multimap_table(filing.index.def())
                        .map_err(storage)?;
                    for key in filing.keys_of(record) {
                        table.insert((*scope, key), *id).map_err(storage)?;
                    }
                }
                n += 1;
            }
        }
    }

    /// Removes a record, returning it if it was there.
    pub fn remove<T: DeserializeOwned>(
        &mut self,
        records: &Records<T>,
        scope: u64,
        id: u64,
    ) -> Result<Option<T>> {
        let old = {
            let mut table = self.txn.open_table(records.def()).map_err(storage)?;
            let old = table.remove((scope, id)).map_err(storage)?;
            old.map(|v| codec::decode::<T>(v.value())).transpose()?
        };
        if old.is_some() {
            self.add_count(records.name, scope, -1)?;
            self.refile(records, scope, id, old.as_ref(), None)?;
        }
        Ok(old)
    }

    /// Removes the records of `ids` in one pass over their range; returns how many were there.
    /// For tables without filings (logs and queues).
    pub fn remove_ids<T>(&mut self, records: &Records<T>, scope: u64, ids: &[u64]) -> Result<u64> {
        debug_assert!(records.filings.is_empty(), "{} keeps filings", records.name);
        let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else {
            return Ok(0);
        };
        let doomed: std::collections::HashSet<u64> = ids.iter().copied().collect();
        let mut removed = 0u64;
        {
            let mut table = self.txn.open_table(records.def()).map_err(storage)?;
            table
                .retain_in((scope, *low)..=(scope, *high), |(_, id), _| {
                    let keep = !doomed.contains(&id);
                    removed += u64::from(!keep);
                    keep
                })
                .map_err(storage)?;
        }
        self.add_count(records.name, scope, -(removed as i64))?;
        Ok(removed)
    }

    /// Removes every record of a scope with an id below `below`: trimming an append-only log
    /// (a table without filings).
    pub fn remove_older<T>(&mut self, records: &Records<T>, scope: u64, below: u64) -> Result<u64> {
        debug_assert!(records.filings.is_empty(), "{} keeps filings", records.name);
        let mut removed = 0u64;
        {
            let mut table = self.txn.open_table(records.def()).map_err(storage)?;
            table
                .retain_in((scope, 0)..(scope, below), |_, _| {
                    removed += 1;
                    false
                })
                .map_err(storage)?;
        }
        self.add_count(records.name, scope, -(removed as i64))?;
        Ok(removed)
    }

    /// One bounded step of removing everything filed under `scope` (a tenant) from every
    /// table of the database, whoever defined it, so a table added later is covered without
    /// being named here: record tables keyed `(scope, id)` with the rows of the tables keyed by
    /// a removed record's id ([`tables::CHILD_TABLES`]: histories, usage logs, file parts),
    /// then index tables keyed `(scope, key)`, then the scope's counters. At most `budget` rows
    /// go per step, so the transaction stays short; a record goes only after all its child
    /// rows, so steps can stop anywhere (a crash included) and the next one carries on. Unique
    /// keys are not touched: find them with [`Reader::unique_keys_of`] and release them with
    /// [`Tx::release_held`]. Tables of other shapes are left alone.
    pub fn purge_scope_step(&mut self, scope: u64, budget: usize) -> Result<PurgeStep> {
        self.purge_step_with(scope, budget, tables::CHILD_TABLES)
    }

    /// [`Tx::purge_scope_step`] with the child tables given.
    fn purge_step_with(
        &mut self,
        scope: u64,
        budget: usize,
        child_tables: &[(&str, &str)],
    ) -> Result<PurgeStep> {
        debug_assert_ne!(scope, tables::INSTANCE, "the instance scope is not purged");
        let mut step = PurgeStep::default();
        let mut left = budget.max(1);
        let names: Vec<String> = self
            .txn
            .list_tables()
            .map_err(storage)?
            .map(|t| t.name().to_string())
            .collect();
        for name in &names {
            let children: Vec<&str> = child_tables
                .iter()
                .filter(|(_, parent)| parent == name)
                .map(|(child, _)| *child)
                .collect();
            loop {
                if left == 0 {
                    return Ok(step);
                }
                let Some(ids) = self.first_ids(name, scope, left.min(1_024))? else {
                    break;
                };
                if ids.is_empty() {
                    break;
                }
                let mut gone = Vec::with_capacity(ids.len());
                for id in &ids {
                    let mut clear = true;
                    for child in &children {
                        let (removed, rest) = self.remove_first(child, *id, left)?;
                        step.rows += removed;
                        left -= removed as usize;
                        clear &= !rest;
                    }
                    if !clear || left == 0 {
                        break;
                    }
                    if !children.is_empty() {
                        let mut counts = self.txn.open_table(COUNTS).map_err(storage)?;
                        counts
                            .retain_in((*id, "")..(*id + 1, ""), |_, _| false)
                            .map_err(storage)?;
                    }
                    gone.push(*id);
                    left -= 1;
                }
                let (Some(&first), Some(&last)) = (gone.first(), gone.last()) else {
                    return Ok(step);
                };
                {
                    let def = TableDefinition::<(u64, u64), &[u8]>::new(name);
                    let mut table = self.txn.open_table(def).map_err(storage)?;
                    table
                        .retain_in((scope, first)..=(scope, last), |_, _| false)
                        .map_err(storage)?;
                    drop(table);
                    let mut counts = self.txn.open_table(COUNTS).map_err(storage)?;
                    let now = stored_count(&counts, scope, name)?;
                    counts
                        .insert(
                            (scope, name.as_str()),
                            now.saturating_sub(gone.len() as u64),
                        )
                        .map_err(storage)?;
                    step.rows += gone.len() as u64;
                    step.removed.entry(name.clone()).or_default().extend(gone);
                }
            }
        }
        let multimaps: Vec<String> = self
            .txn
            .list_multimap_tables()
            .map_err(storage)?
            .map(|t| t.name().to_string())
            .collect();
        for name in &multimaps {
            let def = MultimapTableDefinition::<(u64, u64), u64>::new(name);
            let mut table = match self.txn.open_multimap_table(def) {
                Ok(table) => table,
                Err(redb::TableError::TableTypeMismatch { .. }) => continue,
                Err(e) => return Err(storage(e)),
            };
            let mut keys = Vec::new();
            let mut entries = 0usize;
            for row in table
                .range((scope, 0)..=(scope, u64::MAX))
                .map_err(storage)?
            {
                if entries >= left {
                    break;
                }
                let (key, values) = row.map_err(storage)?;
                entries += (values.len() as usize).max(1);
                keys.push(key.value());
            }
            for key in keys {
                table.remove_all(key).map_err(storage)?;
            }
            step.rows += entries as u64;
            left = left.saturating_sub(entries);
            if left == 0 {
                return Ok(step);
            }
        }
        let mut counts = self.txn.open_table(COUNTS).map_err(storage)?;
        counts
            .retain_in((scope, "")..(scope + 1, ""), |_, _| false)
            .map_err(storage)?;
        self.counts.retain(|(s, _), _| *s != scope);
        step.done = true;
        Ok(step)
    }

    /// The first `n` ids of `scope` in the table `name` when it is a record table (keys
    /// `(scope, id)`, values bytes); `None` when it has another shape.
    fn first_ids(&self, name: &str, scope: u64, n: usize) -> Result<Option<Vec<u64>>> {
        let def = TableDefinition::<(u64, u64), &[u8]>::new(name);
        let table = match self.txn.open_table(def) {
            Ok(table) => table,
            Err(redb::TableError::TableTypeMismatch { .. }) => return Ok(None),
            Err(e) => return Err(storage(e)),
        };
        let ids = table
            .range((scope, 0)..=(scope, u64::MAX))
            .map_err(storage)?
            .take(n)
            .map(|row| row.map(|(k, _)| k.value().1).map_err(storage))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(ids))
    }

    /// Removes at most `max` rows of `owner` from the record table `name`; answers how many
    /// went and whether any are left.
    fn remove_first(&mut self, name: &str, owner: u64, max: usize) -> Result<(u64, bool)> {
        let Some(ids) = self.first_ids(name, owner, max + 1)? else {
            return Ok((0, false));
        };
        let rest = ids.len() > max;
        let take = &ids[..ids.len().min(max)];
        let (Some(first), Some(last)) = (take.first(), take.last()) else {
            return Ok((0, rest));
        };
        let def = TableDefinition::<(u64, u64), &[u8]>::new(name);
        let mut table = self.txn.open_table(def).map_err(storage)?;
        let mut removed = 0u64;
        table
            .retain_in((owner, *first)..=(owner, *last), |_, _| {
                removed += 1;
                false
            })
            .map_err(storage)?;
        Ok((removed, rest))
    }

    /// Releases the unique keys `keys` of the table `name` that a record of `scope` still
    /// holds (deleting a tenant); returns how many.
    pub fn release_held(&mut self, name: &str, keys: &[String], scope: u64) -> Result<u64> {
        let def = TableDefinition::<&str, (u64, u64)>::new(name);
        let mut table = self.txn.open_table(def).map_err(storage)?;
        let mut released = 0;
        for key in keys {
            let held = table.get(key.as_str()).map_err(storage)?.map(|v| v.value());
            if held.is_some_and(|(s, _)| s == scope) {
                table.remove(key.as_str()).map_err(storage)?;
                released += 1;
            }
        }
        Ok(released)
    }

    /// Stores `bytes` as the blob of `owner`, in parts (replacing what it held).
    pub fn put_blob(&mut self, blobs: &Blobs, owner: u64, bytes: &[u8]) -> Result<()> {
        self.remove_blob(blobs, owner)?;
        let mut table = self.txn.open_table(blobs.def()).map_err(storage)?;
        for (part, chunk) in bytes.chunks(BLOB_PART).enumerate() {
            table.insert((owner, part as u64), chunk).map_err(storage)?;
        }
        Ok(())
    }

    /// Removes the blob of `owner`; returns how many parts it had.
    pub fn remove_blob(&mut self, blobs: &Blobs, owner: u64) -> Result<u64> {
        let mut removed = 0u64;
        let mut table = self.txn.open_table(blobs.def()).map_err(storage)?;
        table
            .retain_in((owner, 0)..=(owner, u64::MAX), |_, _| {
                removed += 1;
                false
            })
            .map_err(storage)?;
        Ok(removed)
    }

    fn add_count(&mut self, name: &'static str, scope: u64, delta: i64) -> Result<()> {
        *self.counts.entry((scope, name)).or_default() += delta;
        Ok(())
    }

    /// Claims a unique key for `(scope, id)`; `false` when another record holds it.
    pub fn claim(&mut self, unique: &Unique, key: &str, owner: (u64, u64)) -> Result<bool> {
        let mut table = self.txn.open_table(unique.def()).map_err(storage)?;
        if let Some(held) = table.get(key).map_err(storage)? {
            return Ok(held.value() == owner);
        }
        table.insert(key, owner).map_err(storage)?;
        Ok(true)
    }

    pub fn release(&mut self, unique: &Unique, key: &str) -> Result<()> {
        let mut table = self.txn.open_table(unique.def()).map_err(storage)?;
        table.remove(key).map_err(storage)?;
        Ok(())
    }

    pub fn link(&mut self, index: &Index, scope: u64, owner: u64, id: u64) -> Result<()> {
        let mut table = self.txn.open_multimap_table(index.def()).map_err(storage)?;
        table.insert((scope, owner), id).map_err(storage)?;
        Ok(())
    }

    pub fn unlink(&mut self, index: &Index, scope: u64, owner: u64, id: u64) -> Result<()> {
        let mut table = self.txn.open_multimap_table(index.def()).map_err(storage)?;
        table.remove((scope, owner), id).map_err(storage)?;
        Ok(())
    }

    pub fn unlink_all(&mut self, index: &Index, scope: u64, owner: u64) -> Result<Vec<u64>> {
        let mut table = self.txn.open_multimap_table(index.def()).map_err(storage)?;
        let values = table.remove_all((scope, owner)).map_err(storage)?;
        values
            .map(|v| v.map(|v| v.value()).map_err(storage))
            .collect()
    }

    pub fn set_meta(&mut self, key: &str, value: u64) -> Result<()> {
        self.sequences.remove(key);
        let mut table = self.txn.open_table(META).map_err(storage)?;
        table.insert(key, value).map_err(storage)?;
        Ok(())
    }
}

/// What a batched closure left behind: whether it succeeded, and how to answer its caller
/// once the batch's commit is known.
struct Done {
    ok: bool,
    answer: Answer,
}

type Answer = Box<dyn FnOnce(Option<&Error>) + Send>;

type Job = Box<dyn FnOnce(&mut Tx) -> Done + Send>;

enum Msg {
    Job(Job),
    /// Finish what is queued, release the database file, then acknowledge.
    Stop(std_mpsc::Sender<()>),
}

#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
    jobs: std_mpsc::SyncSender<Msg>,
}

impl Store {
    /// Opens (creating if needed) the database in `dir`, runs pending migrations and starts
    /// the writer thread.
    pub fn open(dir: &Path, cache_bytes: usize) -> anyhow::Result<Store> {
        Store::open_with(dir, cache_bytes, MIGRATIONS)
    }

    /// [`Store::open`] with the given migrations (tests add steps of their own).
    #[doc(hidden)]
    pub fn open_with(
        dir: &Path,
        cache_bytes: usize,
        migrations: &[(u64, Migration)],
    ) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(DB_FILE);
        if path.exists() {
            migrate_a_copy(&path, cache_bytes, migrations)?;
        }
        let db = open_file(&path, cache_bytes)?;
        let db = Arc::new(db);
        migrate(&db, migrations)?;
        let (jobs, inbox) = std_mpsc::sync_channel::<Msg>(4096);
        let writer_db = db.clone();
        std::thread::Builder::new()
            .name("hirebase-writer".into())
            .spawn(move || writer_loop(writer_db, inbox))?;
        Ok(Store { db, jobs })
    }

    pub fn read(&self) -> Result<Rx> {
        Ok(Rx {
            txn: self.db.begin_read().map_err(storage)?,
        })
    }

    /// Runs `f` in a write transaction and answers once its commit is durable. When `f` fails
    /// its changes are rolled back and its error returned.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Tx) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |tx: &mut Tx| {
            let result = f(tx);
            Done {
                ok: result.is_ok(),
                answer: Box::new(move |commit_error: Option<&Error>| {
                    let result = match (commit_error, result) {
                        (Some(e), Ok(_)) => {
                            Err(Error::internal(anyhow::anyhow!("commit failed: {e}")))
                        }
                        (_, result) => result,
                    };
                    let _ = reply.send(result);
                }),
            }
        });
        let jobs = self.jobs.clone();
        // The channel is bounded: a full queue waits here, off the async workers.
        tokio::task::spawn_blocking(move || jobs.send(Msg::Job(job)))
            .await
            .map_err(Error::internal)?
            .map_err(|_| Error::internal(anyhow::anyhow!("the writer has stopped")))?;
        answer
            .await
            .map_err(|_| Error::internal(anyhow::anyhow!("the writer dropped a request")))?
    }

    /// Queues `f` for the writer and returns at once: for records the caller did not ask to
    /// keep (the match log), whose write must not add a commit's fsync to an answer. It lands
    /// with the writer's next batch and becomes durable with that batch's commit; a failure
    /// is logged (under `what`), never reported.
    pub fn write_later<F>(&self, what: &'static str, f: F)
    where
        F: FnOnce(&mut Tx) -> Result<()> + Send + 'static,
    {
        let job: Job = Box::new(move |tx: &mut Tx| {
            let result = f(tx);
            if let Err(e) = &result {
                tracing::warn!(error = %e, what, "a background write failed");
            }
            Done {
                ok: result.is_ok(),
                answer: Box::new(move |commit_error: Option<&Error>| {
                    if let Some(e) = commit_error {
                        tracing::warn!(error = %e, what, "a background write was not committed");
                    }
                }),
            }
        });
        match self.jobs.try_send(Msg::Job(job)) {
            Ok(()) => {}
            // A full queue: wait for room off the async workers, without holding the caller.
            Err(std_mpsc::TrySendError::Full(msg)) => {
                let jobs = self.jobs.clone();
                tokio::task::spawn_blocking(move || jobs.send(msg));
            }
            Err(std_mpsc::TrySendError::Disconnected(_)) => {
                tracing::warn!(
                    what,
                    "the writer has stopped: a background write was dropped"
                );
            }
        }
    }

    /// Blocking variant of [`Store::write`] for start-up and command-line code.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Tx) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let mut tx = Tx::new(self.db.begin_write().map_err(storage)?);
        let value = f(&mut tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Stops the writer after the writes already queued; later writes fail. The database file
    /// is released once every clone of this store is dropped too.
    pub fn stop(&self) {
        let (ack, done) = std_mpsc::channel();
        if self.jobs.send(Msg::Stop(ack)).is_ok() {
            let _ = done.recv();
        }
    }

    pub fn schema_version(&self) -> Result<u64> {
        Ok(self.read()?.meta("schema_version")?.unwrap_or(0))
    }
}

fn writer_loop(db: Arc<Database>, inbox: std_mpsc::Receiver<Msg>) {
    let mut stop = None;
    while let Ok(first) = inbox.recv() {
        let mut batch = Vec::new();
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Job(job) => batch.push(job),
                Msg::Stop(ack) => {
                    stop = Some(ack);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = inbox.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            run_batch(&db, batch);
        }
        if stop.is_some() {
            break;
        }
    }
    drop(db);
    if let Some(ack) = stop {
        let _ = ack.send(());
    }
}

/// Group commit: every closure runs in its own transaction, committed without fsync, so a
/// failing closure is simply aborted; then one durable commit makes the whole batch
/// persistent, and only then is anyone answered.
fn run_batch(db: &Database, batch: Vec<Job>) {
    let mut done = Vec::with_capacity(batch.len());
    let mut failure: Option<Error> = None;
    for job in batch {
        let mut txn = match db.begin_write() {
            Ok(txn) => txn,
            Err(e) => {
                failure = Some(storage(e));
                // Dropping the job drops its reply channel: the caller sees an internal error.
                drop(job);
                continue;
            }
        };
        if let Err(e) = txn.set_durability(redb::Durability::None) {
            failure = Some(Error::internal(e));
            drop(job);
            continue;
        }
        let mut tx = Tx::new(txn);
        let outcome = job(&mut tx);
        if outcome.ok {
            if let Err(e) = tx.commit() {
                tracing::error!(error = %e, "commit failed");
                (outcome.answer)(Some(&e));
                continue;
            }
        } else {
            let _ = tx.txn.abort();
        }
        done.push(outcome);
    }
    let flush_error = if done.iter().any(|d| d.ok) {
        flush(db).err()
    } else {
        None
    };
    if let Some(e) = flush_error.as_ref().or(failure.as_ref()) {
        tracing::error!(error = %e, "write batch failed");
    }
    for d in done {
        (d.answer)(if d.ok { flush_error.as_ref() } else { None });
    }
}

/// A durable commit, which persists every non-durable commit before it.
fn flush(db: &Database) -> Result<()> {
    let txn = db.begin_write().map_err(storage)?;
    txn.commit().map_err(storage)
}

/// Numbered schema migrations; each runs once, in order, in its own transaction. Tables
/// themselves are created by [`ensure_tables`] at every start; migrations change data.
pub const MIGRATIONS: &[(u64, Migration)] = &[
    (1, |_| Ok(())),
    (
        2,
        crate::domain::migrations::v2_filings_panels_and_job_stats,
    ),
    (3, crate::domain::migrations::v3_erasable_audit_trail),
    (4, crate::domain::migrations::v4_conversations_by_owner),
    (5, crate::domain::migrations::v5_withdrawn_sent_offers),
];

pub type Migration = fn(&mut Tx) -> Result<()>;

/// Creates every table that does not exist yet, so readers never meet a missing table.
fn ensure_tables(tx: &mut Tx) -> Result<()> {
    tx.txn.open_table(META).map_err(storage)?;
    tx.txn.open_table(COUNTS).map_err(storage)?;
    for name in tables::RECORD_TABLES {
        tx.txn.open_table(RecordDef::new(name)).map_err(storage)?;
    }
    for name in tables::UNIQUE_TABLES {
        tx.txn.open_table(UniqueDef::new(name)).map_err(storage)?;
    }
    for name in tables::INDEX_TABLES
        .iter()
        .copied()
        .chain(tables::filing_tables())
    {
        tx.txn
            .open_multimap_table(IndexDef::new(name))
            .map_err(storage)?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: u64 = 5;

fn open_file(path: &Path, cache_bytes: usize) -> anyhow::Result<Database> {
    Database::builder()
        .set_cache_size(cache_bytes)
        .create(path)
        .map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => anyhow::anyhow!(
                "{} is in use by another hirebase process; stop it first or use its admin API",
                path.display()
            ),
            other => anyhow::Error::new(other).context(format!("opening {}", path.display())),
        })
}

fn latest(migrations: &[(u64, Migration)]) -> u64 {
    migrations.last().map_or(0, |(v, _)| *v)
}

fn stored_schema_version(txn: &ReadTransaction) -> anyhow::Result<u64> {
    match txn.open_table(META) {
        Ok(t) => Ok(t.get("schema_version")?.map(|v| v.value()).unwrap_or(0)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// The schema version of an existing file, read without changing it (a file a crash left
/// needing repair is repaired by a normal open first).
fn schema_version_of(path: &Path, cache_bytes: usize) -> anyhow::Result<u64> {
    match redb::ReadOnlyDatabase::open(path) {
        Ok(db) => stored_schema_version(&db.begin_read()?),
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => anyhow::bail!(
            "{} is in use by another hirebase process; stop it first or use its admin API",
            path.display()
        ),
        Err(_) => {
            let db = open_file(path, cache_bytes)?;
            stored_schema_version(&db.begin_read()?)
        }
    }
}

/// Runs pending migrations of an existing database on a copy of it, which replaces the file
/// only once every step has committed: a failing migration leaves the file untouched.
fn migrate_a_copy(
    path: &Path,
    cache_bytes: usize,
    migrations: &[(u64, Migration)],
) -> anyhow::Result<()> {
    let current = schema_version_of(path, cache_bytes)?;
    let target = latest(migrations);
    if current > target {
        anyhow::bail!(
            "the database has schema version {current}, newer than this build ({target}); upgrade hirebase"
        );
    }
    if current == target {
        return Ok(());
    }
    tracing::info!(
        from = current,
        to = target,
        "migrating a copy of the database"
    );
    let work = backup::with_suffix(path, ".migrating");
    let result = (|| {
        std::fs::copy(path, &work)?;
        let db = open_file(&work, cache_bytes)?;
        migrate(&db, migrations)?;
        drop(db);
        std::fs::File::open(&work)?.sync_all()?;
        std::fs::rename(&work, path)?;
        backup::sync_dir(path)?;
        Ok::<_, anyhow::Error>(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&work);
        return Err(e.context(format!(
            "upgrading {} failed; the file was left unchanged",
            path.display()
        )));
    }
    Ok(())
}

fn migrate(db: &Database, migrations: &[(u64, Migration)]) -> anyhow::Result<()> {
    let current = stored_schema_version(&db.begin_read()?)?;
    let target = latest(migrations);
    if current > target {
        anyhow::bail!(
            "the database has schema version {current}, newer than this build ({target}); upgrade hirebase"
        );
    }
    let mut tx = Tx::new(db.begin_write()?);
    ensure_tables(&mut tx).map_err(|e| anyhow::anyhow!("creating tables: {e}"))?;
    tx.commit().map_err(|e| anyhow::anyhow!("{e}"))?;
    for (version, step) in migrations.iter().filter(|(v, _)| *v > current) {
        let mut tx = Tx::new(db.begin_write()?);
        step(&mut tx).map_err(|e| anyhow::anyhow!("migration {version}: {e}"))?;
        tx.set_meta("schema_version", *version)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const THINGS: Records<String> = Records::new("things_test_v1");
    const NAMES: Unique = Unique::new("names_test_v1");

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 4 << 20).unwrap();
        store
            .write_blocking(|tx| {
                tx.txn.open_table(THINGS.def()).map_err(storage)?;
                tx.txn.open_table(NAMES.def()).map_err(storage)?;
                Ok(())
            })
            .unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn ids_are_unique_and_counts_exact() {
        let (_dir, store) = open();
        let ids = store
            .write(|tx| {
                let a = tx.next_id()?;
                let b = tx.next_id()?;
                tx.put(&THINGS, 7, a, &"a".to_string())?;
                tx.put(&THINGS, 7, b, &"b".to_string())?;
                tx.put(&THINGS, 7, b, &"b2".to_string())?;
                tx.put(&THINGS, 8, tx_id(a, b), &"other tenant".to_string())?;
                Ok((a, b))
            })
            .await
            .unwrap();
        assert!(ids.1 > ids.0);
        let rx = store.read().unwrap();
        assert_eq!(rx.count(&THINGS, 7).unwrap(), 2);
        assert_eq!(
            rx.list(&THINGS, 7, 0, 10).unwrap(),
            vec!["b2".to_string(), "a".to_string()]
        );
        assert_eq!(
            rx.get(&THINGS, 8, ids.0).unwrap(),
            None,
            "another scope sees nothing"
        );
    }

    #[tokio::test]
    async fn counters_and_sequences_live_in_the_transaction_until_it_commits() {
        let (_dir, store) = open();
        let first = store
            .write(|tx| {
                let a = tx.next_id()?;
                tx.put(&THINGS, 7, a, &"a".to_string())?;
                // Read back inside the same transaction, before anything is written to disk.
                assert_eq!(tx.count(&THINGS, 7)?, 1);
                assert_eq!(tx.meta("next_id")?, Some(a + 1));
                let b = tx.next_id()?;
                tx.put(&THINGS, 7, b, &"b".to_string())?;
                assert_eq!(tx.count(&THINGS, 7)?, 2);
                Ok(a)
            })
            .await
            .unwrap();
        let failed = store
            .write(|tx| {
                let c = tx.next_id()?;
                tx.put(&THINGS, 7, c, &"c".to_string())?;
                Err::<(), _>(Error::invalid("thing", "refused"))
            })
            .await;
        assert!(failed.is_err());
        let rx = store.read().unwrap();
        assert_eq!(
            rx.count(&THINGS, 7).unwrap(),
            2,
            "the failed write counts nothing"
        );
        assert_eq!(
            rx.meta("next_id").unwrap(),
            Some(first + 2),
            "nor takes an id"
        );
        let next = store.write(|tx| tx.next_id()).await.unwrap();
        assert_eq!(next, first + 2, "ids continue across transactions");
    }

    #[tokio::test]
    async fn remove_ids_removes_exactly_those_and_keeps_counts_exact() {
        let (_dir, store) = open();
        store
            .write(|tx| {
                for id in 1..=6 {
                    tx.put(&THINGS, 7, id, &format!("t{id}"))?;
                }
                tx.put(&THINGS, 8, 3, &"other scope".to_string())?;
                Ok(())
            })
            .await
            .unwrap();
        let removed = store
            .write(|tx| tx.remove_ids(&THINGS, 7, &[5, 2, 3, 99]))
            .await
            .unwrap();
        assert_eq!(removed, 3, "99 was never there");
        let rx = store.read().unwrap();
        assert_eq!(
            rx.list(&THINGS, 7, 0, 10).unwrap(),
            vec!["t6".to_string(), "t4".to_string(), "t1".to_string()]
        );
        assert_eq!(rx.count(&THINGS, 7).unwrap(), 3);
        assert_eq!(
            rx.count(&THINGS, 8).unwrap(),
            1,
            "another scope is untouched"
        );
    }

    fn tx_id(a: u64, b: u64) -> u64 {
        a + b + 100
    }

    #[tokio::test]
    async fn a_failed_write_changes_nothing_while_its_batch_neighbours_land() {
        let (_dir, store) = open();
        let mut handles = Vec::new();
        for i in 0..40u64 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                store
                    .write(move |tx| {
                        tx.put(&THINGS, 1, i, &format!("v{i}"))?;
                        if i % 2 == 1 {
                            return Err(Error::conflict("odd ones fail after writing"));
                        }
                        Ok(())
                    })
                    .await
            }));
        }
        for (i, h) in handles.into_iter().enumerate() {
            let r = h.await.unwrap();
            assert_eq!(r.is_ok(), i % 2 == 0, "{i}: {r:?}");
        }
        let rx = store.read().unwrap();
        assert_eq!(rx.count(&THINGS, 1).unwrap(), 20);
        assert!(rx.get(&THINGS, 1, 3).unwrap().is_none());
        assert!(rx.get(&THINGS, 1, 4).unwrap().is_some());
    }

    #[tokio::test]
    async fn unique_keys_and_cursor_pages() {
        let (_dir, store) = open();
        store
            .write(|tx| {
                assert!(tx.claim(&NAMES, "x", (1, 1))?);
                assert!(tx.claim(&NAMES, "x", (1, 1))?, "the holder may claim again");
                assert!(!tx.claim(&NAMES, "x", (1, 2))?);
                for i in 1..=5 {
                    tx.put(&THINGS, 3, i, &i.to_string())?;
                }
                Ok(())
            })
            .await
            .unwrap();
        let rx = store.read().unwrap();
        assert_eq!(rx.lookup(&NAMES, "x").unwrap(), Some((1, 1)));
        let (page, more) = rx.page_before(&THINGS, 3, None, 2).unwrap();
        assert_eq!(page.iter().map(|p| p.0).collect::<Vec<_>>(), vec![5, 4]);
        assert!(more);
        let (page, more) = rx.page_before(&THINGS, 3, Some(2), 2).unwrap();
        assert_eq!(page.iter().map(|p| p.0).collect::<Vec<_>>(), vec![1]);
        assert!(!more);
    }

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Task {
        owner: u64,
        color: u64,
        tags: Vec<u64>,
    }
    const BY_OWNER: Filing<Task> = Filing::one("tasks_by_owner_test_v1", |t| t.owner);
    const BY_COLOR: Filing<Task> = Filing::one("tasks_by_color_test_v1", |t| t.color);
    const BY_TAG: Filing<Task> = Filing::many("tasks_by_tag_test_v1", |t| t.tags.clone());
    const TASKS: Records<Task> = Records::filed("tasks_test_v1", &[BY_OWNER, BY_COLOR, BY_TAG]);

    fn task(owner: u64, color: u64, tags: &[u64]) -> Task {
        Task {
            owner,
            color,
            tags: tags.to_vec(),
        }
    }

    #[tokio::test]
    async fn filings_follow_puts_and_removes_and_pages_read_the_smallest() {
        let (_dir, store) = open();
        store
            .write(|tx| {
                tx.put(&TASKS, 1, 10, &task(5, 1, &[7, 7, 8]))?;
                tx.put(&TASKS, 1, 11, &task(5, 2, &[8]))?;
                tx.put(&TASKS, 1, 12, &task(6, 1, &[]))?;
                tx.put(&TASKS, 1, 13, &task(5, 1, &[9]))?;
                tx.put(&TASKS, 2, 14, &task(5, 1, &[7]))?;
                // Moves: 12 changes owner, 13 changes tags, 11 goes.
                tx.put(&TASKS, 1, 12, &task(5, 1, &[7]))?;
                tx.put(&TASKS, 1, 13, &task(5, 1, &[]))?;
                tx.remove(&TASKS, 1, 11)?;
                Ok(())
            })
            .await
            .unwrap();
        let rx = store.read().unwrap();
        let page = |filters: &[(&Filing<Task>, Option<u64>)],
                    keep: Option<&dyn Fn(&Task) -> bool>,
                    skip,
                    limit| {
            let (items, total) = rx
                .page_matching(&TASKS, 1, filters, keep, skip, limit)
                .unwrap();
            (
                items
                    .into_iter()
                    .map(|t| (t.owner, t.color, t.tags))
                    .collect::<Vec<_>>(),
                total,
            )
        };
        assert_eq!(rx.filed_count(&BY_OWNER, 1, 5).unwrap(), 3);
        assert_eq!(rx.filed_count(&BY_OWNER, 1, 6).unwrap(), 0, "12 moved away");
        assert_eq!(rx.filed_count(&BY_COLOR, 1, 2).unwrap(), 0, "11 is gone");
        assert_eq!(rx.members(&BY_TAG.index, 1, 7).unwrap(), vec![10, 12]);
        assert_eq!(rx.members(&BY_TAG.index, 1, 9).unwrap(), Vec::<u64>::new());
        assert_eq!(
            rx.members(&BY_TAG.index, 2, 7).unwrap(),
            vec![14],
            "scopes apart"
        );
        // One filter: newest first, paged, with the filing's count.
        assert_eq!(
            page(&[(&BY_OWNER, Some(5))], None, 1, 1),
            (vec![(5, 1, vec![7])], 3)
        );
        // Two filters and a predicate: every condition holds, the total counts them all.
        assert_eq!(
            page(&[(&BY_OWNER, Some(5)), (&BY_TAG, Some(7))], None, 0, 10),
            (vec![(5, 1, vec![7]), (5, 1, vec![7, 7, 8])], 2)
        );
        let untagged = |t: &Task| t.tags.is_empty();
        assert_eq!(
            page(&[(&BY_COLOR, Some(1))], Some(&untagged), 0, 10),
            (vec![(5, 1, vec![])], 1)
        );
        assert_eq!(page(&[], Some(&untagged), 0, 10).1, 1, "no filing: a scan");
        assert_eq!(page(&[], None, 0, 2).1, 3, "no filter: the table's count");
        assert_eq!(page(&[(&BY_COLOR, Some(9))], None, 0, 10), (vec![], 0));
        assert_eq!(
            page(&[(&BY_COLOR, None)], None, 0, 2).1,
            3,
            "an unset filter is no filter"
        );
    }

    #[tokio::test]
    async fn purging_a_scope_finds_every_table_keyed_by_it_and_leaves_the_rest() {
        let (_dir, store) = open();
        // Tables no list names: found by their shape alone.
        const NOTES: Records<String> = Records::new("notes_purge_test_v1");
        const BY_COLOR_NOTE: Filing<Task> = Filing::one("purge_by_color_test_v1", |t| t.color);
        const PAINTS: Records<Task> = Records::filed("paints_purge_test_v1", &[BY_COLOR_NOTE]);
        store
            .write(|tx| {
                for scope in [7, 8] {
                    for id in 1..=3 {
                        let id = scope * 100 + id;
                        tx.put(&NOTES, scope, id, &format!("note {id}"))?;
                        tx.put(&PAINTS, scope, id, &task(1, 2, &[]))?;
                        tx.claim(&NAMES, &format!("name-{id}"), (scope, id))?;
                    }
                }
                // Logs keyed by a record of scope 7 (as stage changes are by application).
                tx.put(&THINGS, 701, 1, &"child of 701".to_string())?;
                tx.put(&THINGS, 701, 2, &"another child of 701".to_string())?;
                tx.put(&THINGS, 801, 1, &"child of 801".to_string())?;
                Ok(())
            })
            .await
            .unwrap();
        // Tiny steps, as a crash could leave them: each stops where its budget ends.
        let mut removed: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut steps = 0;
        loop {
            steps += 1;
            // The test's child table, as `tables::CHILD_TABLES` declares the real ones.
            let step = store
                .write(|tx| tx.purge_step_with(7, 2, &[(THINGS.name, NOTES.name)]))
                .await
                .unwrap();
            // The budget, give or take the entries of one index key (three here).
            assert!(step.rows <= 3, "{step:?}");
            for (table, ids) in step.removed {
                removed.entry(table).or_default().extend(ids);
            }
            if step.done {
                break;
            }
            assert!(steps < 100, "the purge makes progress");
        }
        assert!(steps > 3, "{steps} steps");
        let held = store.read().unwrap().unique_keys_of(7).unwrap();
        assert_eq!(held.len(), 1, "{held:?}");
        let (table, keys) = held[0].clone();
        assert_eq!(keys.len(), 3);
        let released = store
            .write(move |tx| tx.release_held(&table, &keys, 7))
            .await
            .unwrap();
        assert_eq!(released, 3);
        assert_eq!(removed[NOTES.name], vec![701, 702, 703]);
        assert_eq!(removed[PAINTS.name], vec![701, 702, 703]);
        let rx = store.read().unwrap();
        assert_eq!(rx.count(&NOTES, 7).unwrap(), 0, "counters go too");
        assert!(rx.list(&PAINTS, 7, 0, 10).unwrap().is_empty());
        assert!(rx.members(&BY_COLOR_NOTE.index, 7, 2).unwrap().is_empty());
        assert_eq!(rx.lookup(&NAMES, "name-701").unwrap(), None);
        assert_eq!(rx.get(&THINGS, 701, 1).unwrap(), None);
        // The other scope keeps everything.
        assert_eq!(rx.count(&NOTES, 8).unwrap(), 3);
        assert_eq!(rx.members(&BY_COLOR_NOTE.index, 8, 2).unwrap().len(), 3);
        assert_eq!(rx.lookup(&NAMES, "name-801").unwrap(), Some((8, 801)));
        assert!(rx.get(&THINGS, 801, 1).unwrap().is_some());
    }

    #[test]
    fn reopening_keeps_the_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), 4 << 20).unwrap();
            assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
            store.stop();
        }
        let store = Store::open(dir.path(), 4 << 20).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }
}
