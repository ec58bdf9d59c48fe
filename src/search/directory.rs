//! The index directory: tantivy's `MmapDirectory`, without an fsync per commit.
//!
//! The index is derived from redb, so a commit only has to be visible, not durable: durability
//! comes from [`LazySyncDirectory::checkpoint`], which fsyncs everything written since the last
//! one (the indexer runs it every few seconds and at shutdown; only then are the redb outbox
//! rows it covers pruned). A process crash loses nothing (the page cache survives it and the
//! outbox is replayed), but an operating-system crash can leave files that were never synced.
//! So before the first unsynced write after a checkpoint, a marker holding the kernel's boot id
//! is written durably, and the checkpoint removes it. An index that still has a marker from
//! another boot may have lost writes and is rebuilt from redb at start-up.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::Directory;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite, WatchCallback,
    WatchHandle, WritePtr,
};

/// The marker of unsynced writes; its content is the boot id of the kernel that wrote them.
pub const UNSYNCED_MARKER: &str = "hirebase-unsynced";

#[derive(Debug, Default)]
struct State {
    /// The marker is on disk.
    marked: bool,
    /// Files written since the last checkpoint.
    written: Vec<PathBuf>,
    /// Bumped by every change, so a checkpoint knows whether it covered everything.
    generation: u64,
}

#[derive(Debug, Clone)]
pub struct LazySyncDirectory {
    mmap: MmapDirectory,
    root: PathBuf,
    state: Arc<Mutex<State>>,
}

/// What the marker says about the index found at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every write was synced, or the writes that were not survived (same boot).
    Intact,
    /// Writes were pending when the machine went down: the files may be incomplete.
    Suspect,
}

impl LazySyncDirectory {
    pub fn open(root: &Path) -> tantivy::Result<LazySyncDirectory> {
        let marked = root.join(UNSYNCED_MARKER).exists();
        Ok(LazySyncDirectory {
            mmap: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            state: Arc::new(Mutex::new(State {
                marked,
                ..State::default()
            })),
        })
    }

    /// Whether the files of `root` can be trusted after the last run.
    pub fn durability(root: &Path) -> Durability {
        match std::fs::read_to_string(root.join(UNSYNCED_MARKER)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Durability::Intact,
            Ok(boot) if Some(boot.trim()) == boot_id().as_deref() => Durability::Intact,
            _ => Durability::Suspect,
        }
    }

    /// Makes everything written so far durable; clears the marker unless writes raced in.
    pub fn checkpoint(&self) -> io::Result<()> {
        let (files, generation) = {
            let mut state = self.lock();
            if !state.marked {
                return Ok(());
            }
            (std::mem::take(&mut state.written), state.generation)
        };
        for file in &files {
            match File::open(file) {
                Ok(f) => f.sync_data()?,
                // Merged away and deleted since: nothing to keep.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        sync_dir(&self.root)?;
        let mut state = self.lock();
        if state.generation == generation {
            std::fs::remove_file(self.root.join(UNSYNCED_MARKER))?;
            sync_dir(&self.root)?;
            state.marked = false;
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a change about to happen, writing the marker first when there is none.
    fn changing(&self, file: Option<&Path>) -> io::Result<()> {
        let mut state = self.lock();
        if !state.marked {
            let marker = self.root.join(UNSYNCED_MARKER);
            let mut f = File::create(&marker)?;
            f.write_all(boot_id().unwrap_or_default().as_bytes())?;
            f.sync_data()?;
            sync_dir(&self.root)?;
            state.marked = true;
        }
        state.generation += 1;
        if let Some(file) = file {
            state.written.push(self.root.join(file));
        }
        Ok(())
    }
}

fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_string())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_data()
}

/// A file written by tantivy; terminating it flushes, without fsync.
struct UnsyncedFile(File);

impl Write for UnsyncedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for UnsyncedFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()
    }
}

impl Directory for LazySyncDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.mmap.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.changing(None).map_err(|e| DeleteError::IoError {
            io_error: Arc::new(e),
            filepath: path.to_path_buf(),
        })?;
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.changing(Some(path))
            .map_err(|e| OpenWriteError::wrap_io_error(e, path.to_path_buf()))?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_path_buf())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_path_buf())
                }
            })?;
        Ok(BufWriter::new(Box::new(UnsyncedFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    /// Write to a temporary file, then rename: readers see the old or the new content, never a
    /// mix. Not synced here; the checkpoint syncs the file and the directory.
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.changing(Some(path))?;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let target = self.root.join(path);
        let temp = self.root.join(format!(
            ".atomic-{}-{}.tmp",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let written = File::create(&temp)
            .and_then(|mut f| f.write_all(data))
            .and_then(|()| std::fs::rename(&temp, &target));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// Left to [`LazySyncDirectory::checkpoint`].
    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_lives_from_the_first_unsynced_write_to_the_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let d = LazySyncDirectory::open(dir.path()).unwrap();
        let marker = dir.path().join(UNSYNCED_MARKER);
        assert!(!marker.exists());
        let mut w = d.open_write(Path::new("a.bin")).unwrap();
        w.write_all(b"hello").unwrap();
        w.terminate().unwrap();
        d.atomic_write(Path::new("meta.json"), b"{}").unwrap();
        assert!(marker.exists(), "written before the first unsynced change");
        assert_eq!(
            LazySyncDirectory::durability(dir.path()),
            Durability::Intact,
            "the same boot: the page cache still holds every write"
        );
        std::fs::write(&marker, "another-boot").unwrap();
        assert_eq!(
            LazySyncDirectory::durability(dir.path()),
            Durability::Suspect
        );
        d.checkpoint().unwrap();
        assert!(!marker.exists(), "removed once everything is synced");
        assert_eq!(std::fs::read(dir.path().join("a.bin")).unwrap(), b"hello");
        assert_eq!(d.atomic_read(Path::new("meta.json")).unwrap(), b"{}");
        assert_eq!(
            LazySyncDirectory::durability(dir.path()),
            Durability::Intact
        );
    }
}
