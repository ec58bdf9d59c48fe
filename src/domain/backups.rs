//! Backups of the whole instance (platform admin): taken while the server runs, kept in
//! `data_dir/backups/` with their SHA-256 beside them, listed and downloaded by name.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::backup::{self, Copied, Progress};
use crate::time::Timestamp;

/// The folder of the data dir that holds backups.
pub const DIR: &str = "backups";
/// The extension of a backup file (a redb database).
const EXT: &str = ".redb";

#[derive(Debug, Clone, poem_openapi::Object)]
pub struct Backup {
    /// The file name in `data_dir/backups/`, e.g. `hirebase-20260604-153045.redb`.
    pub name: String,
    pub size_bytes: u64,
    /// SHA-256 of the file, lower-case hex (also in `<name>.sha256`, as `sha256sum` writes it).
    pub sha256: String,
    pub created_at: Timestamp,
}

/// Takes one backup at a time: a second request while one runs is refused, not queued.
#[derive(Clone, Default)]
pub struct Backups {
    running: Arc<AtomicBool>,
}

/// Releases the backup slot when the backup ends, however it ends.
struct Slot(Arc<AtomicBool>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Backups {
    /// Writes a new backup of the live database into `data_dir/backups/`, reporting progress
    /// as it goes; writes continue meanwhile.
    pub async fn run(
        &self,
        store: &Store,
        data_dir: &Path,
        mut progress: impl FnMut(&Progress) + Send + 'static,
    ) -> Result<Backup> {
        if self.running.swap(true, Ordering::AcqRel) {
            return Err(Error::conflict(
                "A backup is already running; try again when it has finished.",
            ));
        }
        let slot = Slot(self.running.clone());
        let dir = data_dir.join(DIR);
        let store = store.clone();
        let (reply, answer) = tokio::sync::oneshot::channel();
        // A thread of its own: the copy is long and must not hold a runtime thread.
        std::thread::Builder::new()
            .name("hirebase-backup".into())
            .spawn(move || {
                // Behind the requests: writes kept 50% of their throughput beside a backup at
                // normal priority (benches/backup.rs); the copy takes what they leave.
                crate::workers::lower_priority();
                let result = (|| {
                    std::fs::create_dir_all(&dir)?;
                    let dest = fresh_name(&dir);
                    store.backup_to(&dest, &mut progress)
                })();
                // Free before answering: whoever reads the answer may start the next one.
                drop(slot);
                let _ = reply.send(result);
            })
            .map_err(Error::internal)?;
        let copied = answer
            .await
            .map_err(|_| Error::internal(anyhow::anyhow!("the backup thread stopped")))?
            .map_err(|e| Error::internal(e.context("backup")))?;
        tracing::info!(
            file = %copied.path.display(),
            bytes = copied.bytes,
            rows = copied.rows,
            ms = copied.elapsed.as_millis() as u64,
            "backup written"
        );
        Ok(describe(&copied))
    }
}

fn describe(copied: &Copied) -> Backup {
    Backup {
        name: file_name(&copied.path),
        size_bytes: copied.bytes,
        sha256: copied.sha256.clone(),
        created_at: Timestamp::now(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `hirebase-YYYYMMDD-HHMMSS.redb`, with `-2`, `-3`… when that second already has one.
fn fresh_name(dir: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let mut n = 1;
    loop {
        let name = match n {
            1 => format!("hirebase-{stamp}{EXT}"),
            n => format!("hirebase-{stamp}-{n}{EXT}"),
        };
        let path = dir.join(name);
        if !path.exists() && !backup::with_suffix(&path, ".partial").exists() {
            return path;
        }
        n += 1;
    }
}

/// The backups in `data_dir/backups/`, newest first.
pub fn list(data_dir: &Path) -> Result<Vec<Backup>> {
    let dir = data_dir.join(DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::internal(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(Error::internal)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !valid_name(&name) {
            continue;
        }
        let meta = entry.metadata().map_err(Error::internal)?;
        if !meta.is_file() {
            continue;
        }
        let path = entry.path();
        let sha256 = match backup::recorded_checksum(&path) {
            Some(sum) => sum,
            // A file put there by hand: checksum it once and record it.
            None => {
                let (_, sum) = backup::checksum(&path).map_err(Error::internal)?;
                let _ = backup::write_checksum_file(&path, &sum);
                sum
            }
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs() as i64);
        out.push(Backup {
            name,
            size_bytes: meta.len(),
            sha256,
            created_at: Timestamp::from_unix(modified),
        });
    }
    out.sort_by(|a, b| {
        b.created_at
            .unix()
            .cmp(&a.created_at.unix())
            .then_with(|| b.name.cmp(&a.name))
    });
    Ok(out)
}

/// The file of the backup `name`: a plain file name (no path), ending in `.redb`.
pub fn path_of(data_dir: &Path, name: &str) -> Result<(PathBuf, Backup)> {
    if !valid_name(name) {
        return Err(Error::invalid(
            "name",
            "must be a backup file name (letters, digits, `.`, `-`, `_`, ending in .redb)",
        ));
    }
    let found = list(data_dir)?
        .into_iter()
        .find(|b| b.name == name)
        .ok_or_else(|| Error::not_found("Backup", name))?;
    Ok((data_dir.join(DIR).join(name), found))
}

/// A name that can only mean a file directly inside the backups folder.
fn valid_name(name: &str) -> bool {
    name.len() <= 128
        && name.ends_with(EXT)
        && name.len() > EXT.len()
        && !name.starts_with('.')
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_backups_folder() {
        assert!(valid_name("hirebase-20260604-153045.redb"));
        assert!(valid_name("nightly_1.redb"));
        for bad in [
            "../hirebase.redb",
            "..redb",
            ".redb",
            "a/b.redb",
            "a\\b.redb",
            "/etc/passwd",
            "x.redb.sha256",
            "x.redb.partial",
            "hirebase.redb\0",
            ".hidden.redb",
            "",
        ] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }
}
