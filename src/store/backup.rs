//! Online backup and restore of the database file.
//!
//! redb has no backup call, and a raw copy of a live file is not safe (a commit may land while
//! the copy reads). So a backup copies every table from one read transaction — a consistent
//! snapshot that writers never block — into a new database file, commits it durably, fsyncs,
//! renames it into place and records its SHA-256. The search index is not backed up: it is
//! derived, and a restored data dir rebuilds it at start-up.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use redb::{
    Database, Durability, Key, MultimapTableDefinition, MultimapTableHandle, ReadOnlyDatabase,
    ReadTransaction, ReadableDatabase, ReadableTableMetadata, TableDefinition, TableError,
    TableHandle, Value,
};
use sha2::{Digest, Sha256};

use super::{DB_FILE, META, SCHEMA_VERSION};

/// Rows per commit of the copy: large enough to be cheap, small enough to bound its memory.
const CHUNK: u64 = 20_000;
/// Page cache of the file being written (it is written once, front to back).
const COPY_CACHE: usize = 32 << 20;
/// A table every hirebase database has; a redb file without it is someone else's.
const MARKER_TABLE: &str = "tenants_v1";

/// How far a copy is.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    pub tables_done: usize,
    pub tables_total: usize,
    pub rows_done: u64,
    pub rows_total: u64,
}

/// A finished copy.
#[derive(Debug, Clone)]
pub struct Copied {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    pub tables: usize,
    pub rows: u64,
    pub elapsed: Duration,
}

impl super::Store {
    /// Writes a consistent copy of the live database to `dest` while writes continue.
    pub fn backup_to(
        &self,
        dest: &Path,
        progress: &mut dyn FnMut(&Progress),
    ) -> anyhow::Result<Copied> {
        let rx = self.db.begin_read()?;
        copy_snapshot(&rx, dest, progress)
    }
}

/// Backs up the database of a data dir whose server is stopped, without changing it.
pub fn backup_offline(
    data_dir: &Path,
    dest: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> anyhow::Result<Copied> {
    let source = data_dir.join(DB_FILE);
    if !source.exists() {
        bail!("{} holds no database ({DB_FILE})", data_dir.display());
    }
    let db = open_read_only(&source)?;
    let rx = db.begin_read()?;
    copy_snapshot(&rx, dest, progress)
}

/// Opens a database file for reading only (it is never modified); a file in use by a
/// running server is refused.
pub fn open_read_only(path: &Path) -> anyhow::Result<ReadOnlyDatabase> {
    ReadOnlyDatabase::open(path).map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => {
            anyhow::anyhow!("{} is in use by a running hirebase server", path.display())
        }
        other => anyhow::anyhow!("{} is not a hirebase database ({other})", path.display()),
    })
}

/// What a database file says about itself.
#[derive(Debug, Clone, Copy)]
pub struct Inspection {
    pub schema_version: u64,
    /// Records in the instance (tenants and accounts).
    pub records: u64,
}

/// Checks that `path` is a hirebase database this build can open: a redb file with hirebase's
/// tables and a schema version no newer than this build's.
pub fn inspect(path: &Path) -> anyhow::Result<Inspection> {
    let db = open_read_only(path)?;
    let rx = db.begin_read()?;
    let not_ours = || anyhow::anyhow!("{} is not a hirebase database", path.display());
    let schema_version = match rx.open_table(META) {
        Ok(meta) => meta
            .get("schema_version")?
            .map(|v| v.value())
            .ok_or_else(not_ours)?,
        Err(_) => return Err(not_ours()),
    };
    let records = match rx.open_table(TableDefinition::<(u64, u64), &'static [u8]>::new(
        MARKER_TABLE,
    )) {
        Ok(t) => t.len()?,
        Err(_) => return Err(not_ours()),
    };
    let users = rx
        .open_table(TableDefinition::<(u64, u64), &'static [u8]>::new(
            "users_v1",
        ))
        .map(|t| t.len())
        .unwrap_or(Ok(0))?;
    if schema_version > SCHEMA_VERSION {
        bail!(
            "{} comes from a newer hirebase (schema version {schema_version}; this build knows up to {SCHEMA_VERSION}): upgrade hirebase first",
            path.display()
        );
    }
    Ok(Inspection {
        schema_version,
        records: records + users,
    })
}

/// Copies every table of the snapshot `rx` into a new database at `dest`: written beside it as
/// `<dest>.partial`, committed durably, fsynced, then renamed; the SHA-256 of the result is
/// returned (and written to `<dest>.sha256`).
pub fn copy_snapshot(
    rx: &ReadTransaction,
    dest: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> anyhow::Result<Copied> {
    let started = Instant::now();
    let partial = with_suffix(dest, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let tables: Vec<String> = rx.list_tables()?.map(|t| t.name().to_string()).collect();
        let multimaps: Vec<String> = rx
            .list_multimap_tables()?
            .map(|t| t.name().to_string())
            .collect();
        let mut state = Progress {
            tables_total: tables.len() + multimaps.len(),
            ..Progress::default()
        };
        for name in &tables {
            state.rows_total += table_len(rx, name)?;
        }
        for name in &multimaps {
            state.rows_total += multimap_len(rx, name)?;
        }
        progress(&state);
        let dst = Database::builder()
            .set_cache_size(COPY_CACHE)
            .create(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        for name in &tables {
            copy_table(rx, &dst, name, &mut state, progress)?;
            state.tables_done += 1;
            progress(&state);
        }
        for name in &multimaps {
            copy_multimap(rx, &dst, name, &mut state, progress)?;
            state.tables_done += 1;
            progress(&state);
        }
        // One durable commit persists every chunk before it.
        dst.begin_write()?.commit()?;
        drop(dst);
        File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, dest)
            .with_context(|| format!("renaming into {}", dest.display()))?;
        sync_dir(dest)?;
        Ok::<_, anyhow::Error>(state)
    })();
    let state = match result {
        Ok(state) => state,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let (bytes, sha256) = checksum(dest)?;
    write_checksum_file(dest, &sha256)?;
    Ok(Copied {
        path: dest.to_path_buf(),
        bytes,
        sha256,
        tables: state.tables_total,
        rows: state.rows_done,
        elapsed: started.elapsed(),
    })
}

/// Runs `$f::<K, V>(table, $arg)` on the table `$name` opened with its layout, trying the
/// layouts hirebase uses; a table of another layout stops the backup with its name (a unit test
/// backs up every table the store creates, so a new layout is noticed there).
macro_rules! with_table {
    ($open:ident, $def:ident, $rx:expr, $name:expr, $f:ident, $arg:expr, [$($k:ty => $v:ty),* $(,)?]) => {{
        $(
            match $rx.$open($def::<$k, $v>::new($name)) {
                Ok(table) => return $f(table, $arg),
                Err(TableError::TableTypeMismatch { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        )*
        bail!("table {} has a layout the backup does not know", $name)
    }};
}

/// The layouts of plain tables: records, unique keys, meta, counts (and a few spare shapes).
macro_rules! plain {
    ($rx:expr, $name:expr, $f:ident, $arg:expr) => {
        with_table!(open_table, TableDefinition, $rx, $name, $f, $arg, [
            (u64, u64) => &'static [u8],
            &'static str => (u64, u64),
            &'static str => u64,
            (u64, &'static str) => u64,
            u64 => &'static [u8],
            u64 => u64,
            &'static str => &'static [u8],
            &'static str => &'static str,
        ])
    };
}

/// The layouts of multimap tables: secondary indexes.
macro_rules! multi {
    ($rx:expr, $name:expr, $f:ident, $arg:expr) => {
        with_table!(open_multimap_table, MultimapTableDefinition, $rx, $name, $f, $arg, [
            (u64, u64) => u64,
            u64 => u64,
            &'static str => u64,
        ])
    };
}

fn table_len(rx: &ReadTransaction, name: &str) -> anyhow::Result<u64> {
    plain!(rx, name, len_of, ())
}

fn multimap_len(rx: &ReadTransaction, name: &str) -> anyhow::Result<u64> {
    multi!(rx, name, len_of, ())
}

fn len_of(table: impl ReadableTableMetadata, _: ()) -> anyhow::Result<u64> {
    Ok(table.len()?)
}

/// One table's copy: where it goes and how far the whole copy is.
struct Job<'a> {
    dst: &'a Database,
    name: &'a str,
    state: &'a mut Progress,
    progress: &'a mut dyn FnMut(&Progress),
}

impl Job<'_> {
    /// A write transaction of the copy: not durable by itself (the last commit is).
    fn begin(&self) -> anyhow::Result<redb::WriteTransaction> {
        let mut txn = self.dst.begin_write()?;
        txn.set_durability(Durability::None)?;
        Ok(txn)
    }

    fn copied(&mut self, rows: u64) {
        self.state.rows_done += rows;
        (self.progress)(&*self.state);
    }
}

fn copy_table(
    rx: &ReadTransaction,
    dst: &Database,
    name: &str,
    state: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
) -> anyhow::Result<()> {
    let mut job = Job {
        dst,
        name,
        state,
        progress,
    };
    plain!(rx, name, copy_rows, &mut job)
}

fn copy_multimap(
    rx: &ReadTransaction,
    dst: &Database,
    name: &str,
    state: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
) -> anyhow::Result<()> {
    let mut job = Job {
        dst,
        name,
        state,
        progress,
    };
    multi!(rx, name, copy_multimap_rows, &mut job)
}

fn copy_rows<K: Key + 'static, V: Value + 'static>(
    src: redb::ReadOnlyTable<K, V>,
    job: &mut Job,
) -> anyhow::Result<()> {
    use redb::ReadableTable;
    let def = TableDefinition::<K, V>::new(job.name);
    let mut rows = src.iter()?;
    in_chunks(job, |txn| {
        let mut table = txn.open_table(def)?;
        let mut n = 0;
        for row in rows.by_ref() {
            let (k, v) = row?;
            table.insert(k.value(), v.value())?;
            n += 1;
            if n == CHUNK {
                break;
            }
        }
        Ok(n)
    })
}

fn copy_multimap_rows<K: Key + 'static, V: Key + 'static>(
    src: redb::ReadOnlyMultimapTable<K, V>,
    job: &mut Job,
) -> anyhow::Result<()> {
    use redb::ReadableMultimapTable;
    let def = MultimapTableDefinition::<K, V>::new(job.name);
    let mut keys = src.iter()?;
    in_chunks(job, |txn| {
        let mut table = txn.open_multimap_table(def)?;
        let mut n = 0;
        for entry in keys.by_ref() {
            let (k, values) = entry?;
            for v in values {
                table.insert(k.value(), v?.value())?;
                n += 1;
            }
            if n >= CHUNK {
                break;
            }
        }
        Ok(n)
    })
}

/// Copies in transactions of about [`CHUNK`] rows each: `fill` writes the next rows into the
/// transaction and answers how many; fewer than a chunk means the table is done.
fn in_chunks(
    job: &mut Job,
    mut fill: impl FnMut(&redb::WriteTransaction) -> anyhow::Result<u64>,
) -> anyhow::Result<()> {
    loop {
        let txn = job.begin()?;
        let n = fill(&txn)?;
        txn.commit()?;
        job.copied(n);
        if n < CHUNK {
            return Ok(());
        }
    }
}

/// The size and SHA-256 (hex) of a file.
pub fn checksum(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// `<file>.sha256` in the format of `sha256sum`, so `sha256sum -c` checks a copied backup.
pub fn write_checksum_file(path: &Path, sha256: &str) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let sidecar = with_suffix(path, ".sha256");
    let mut f = File::create(&sidecar)?;
    writeln!(f, "{sha256}  {name}")?;
    f.sync_all()?;
    Ok(())
}

/// The checksum recorded beside a backup, if any.
pub fn recorded_checksum(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(with_suffix(path, ".sha256")).ok()?;
    let hex = text.split_whitespace().next()?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hex.to_string())
}

pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Makes a rename in `path`'s directory durable.
pub fn sync_dir(path: &Path) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

/// Copies a file durably: to `<dest>.partial`, fsync, rename, fsync the directory.
pub fn copy_file_durably(src: &Path, dest: &Path) -> anyhow::Result<()> {
    let partial = with_suffix(dest, ".partial");
    let result = (|| {
        std::fs::copy(src, &partial)
            .with_context(|| format!("copying {} to {}", src.display(), partial.display()))?;
        File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, dest)?;
        sync_dir(dest)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tables::USER_SESSIONS;
    use crate::store::{Records, Store, Unique};

    const THINGS: Records<String> = Records::new("things_backup_test_v1");
    const NAMES: Unique = Unique::new("names_backup_test_v1");

    fn lengths(rx: &ReadTransaction) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        for t in rx.list_tables().unwrap() {
            let name = t.name().to_string();
            out.push((name.clone(), table_len(rx, &name).unwrap()));
        }
        for t in rx.list_multimap_tables().unwrap() {
            let name = t.name().to_string();
            out.push((name.clone(), multimap_len(rx, &name).unwrap()));
        }
        out.sort();
        out
    }

    #[test]
    fn a_backup_copies_every_table_of_every_layout_row_for_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 4 << 20).unwrap();
        store
            .write_blocking(|tx| {
                for i in 0..(CHUNK + 7) {
                    let id = tx.next_id()?;
                    tx.put(&THINGS, 1 + i % 3, id, &format!("thing {i}"))?;
                }
                tx.claim(&NAMES, "ada", (1, 2))?;
                for i in 0..5 {
                    tx.link(&USER_SESSIONS, 1, 9, i)?;
                }
                Ok(())
            })
            .unwrap();
        let dest = dir.path().join("copy.redb");
        let mut last = Progress::default();
        let copied = store.backup_to(&dest, &mut |p| last = *p).unwrap();
        assert_eq!(last.tables_done, last.tables_total);
        assert_eq!(last.rows_done, last.rows_total);
        assert_eq!(copied.rows, last.rows_total);
        assert!(copied.rows > CHUNK, "{copied:?}");

        let source = lengths(&store.db.begin_read().unwrap());
        let backup = open_read_only(&dest).unwrap();
        assert_eq!(lengths(&backup.begin_read().unwrap()), source);
        let rx = backup.begin_read().unwrap();
        let things = rx
            .open_table(TableDefinition::<(u64, u64), &[u8]>::new(THINGS.name))
            .unwrap();
        assert_eq!(things.len().unwrap(), CHUNK + 7);
        drop((things, rx, backup));

        let found = inspect(&dest).unwrap();
        assert_eq!(found.schema_version, SCHEMA_VERSION);
        assert_eq!(
            checksum(&dest).unwrap(),
            (copied.bytes, copied.sha256.clone())
        );
        assert_eq!(recorded_checksum(&dest), Some(copied.sha256));
        assert!(!with_suffix(&dest, ".partial").exists());
    }
}
