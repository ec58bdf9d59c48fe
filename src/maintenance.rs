//! `hirebase backup FILE`, `hirebase restore FILE` and `hirebase demo`: what the commands do,
//! apart from parsing their arguments.

use std::path::Path;

use anyhow::bail;

use crate::config::Config;
use crate::domain::indexing::Indexer;
use crate::search::Search;
use crate::store::backup::{self, Progress};
use crate::store::{DB_FILE, Store};
use crate::workers::admin_socket;

/// How a backup was taken.
pub enum Taken {
    /// By the running server, which also keeps a copy in its backups folder.
    ByServer { server_name: String },
    /// From the data dir of a stopped server.
    Offline,
}

pub struct BackupDone {
    pub taken: Taken,
    pub bytes: u64,
    pub sha256: String,
}

/// Writes a consistent backup of the configured data dir to `dest`: through the running
/// server's admin socket when one answers, else directly from the data dir.
pub fn backup(
    config: &Config,
    dest: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> anyhow::Result<BackupDone> {
    let data_dir = &config.data_dir;
    if let Some(fetched) = admin_socket::fetch_backup(data_dir, dest, progress)? {
        return Ok(BackupDone {
            taken: Taken::ByServer {
                server_name: fetched.server_name,
            },
            bytes: fetched.bytes,
            sha256: fetched.sha256,
        });
    }
    let copied = backup::backup_offline(data_dir, dest, progress).map_err(|e| {
        if e.to_string().contains("in use") {
            anyhow::anyhow!(
                "a hirebase server is running on {} but its admin socket ({}) does not answer; \
                 take the backup with `POST /api/v1/admin/backup` instead",
                data_dir.display(),
                data_dir.join(admin_socket::SOCKET).display()
            )
        } else {
            e
        }
    })?;
    Ok(BackupDone {
        taken: Taken::Offline,
        bytes: copied.bytes,
        sha256: copied.sha256,
    })
}

pub struct RestoreDone {
    pub schema_version: u64,
    /// Where the database it replaced was kept (with `--force`).
    pub replaced: Option<std::path::PathBuf>,
}

/// Fills the configured data dir from the backup `src`, then rebuilds the search index.
/// Refuses while a server runs on the data dir, when the data dir already holds data (unless
/// `force`), and when `src` is not a hirebase database or comes from a newer schema.
pub async fn restore(config: &Config, src: &Path, force: bool) -> anyhow::Result<RestoreDone> {
    let data_dir = &config.data_dir;
    if admin_socket::is_served(data_dir) {
        bail!(
            "a hirebase server is running on {}; stop it before restoring",
            data_dir.display()
        );
    }
    if !src.is_file() {
        bail!("{} is not a file", src.display());
    }
    let found = backup::inspect(src)?;
    let db_path = data_dir.join(DB_FILE);
    let mut replaced = None;
    if db_path.exists() {
        match backup::inspect(&db_path) {
            Err(e) if e.to_string().contains("in use") => bail!(
                "a hirebase server is running on {}; stop it before restoring",
                data_dir.display()
            ),
            Ok(current) if current.records > 0 && !force => bail!(
                "{} already holds data ({} organisations and accounts); pass --force to replace it",
                data_dir.display(),
                current.records
            ),
            Err(e) if !force => bail!(
                "{} holds a database that cannot be read ({e}); pass --force to replace it",
                data_dir.display()
            ),
            _ => {}
        }
        let keep = backup::with_suffix(&db_path, ".before-restore");
        std::fs::rename(&db_path, &keep)?;
        replaced = Some(keep);
    }
    std::fs::create_dir_all(data_dir)?;
    backup::copy_file_durably(src, &db_path)?;
    // The index is derived; an old one would describe other data.
    let index_dir = data_dir.join("index");
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir)?;
    }
    rebuild_index(config).await?;
    Ok(RestoreDone {
        schema_version: found.schema_version,
        replaced,
    })
}

/// Opens the store (running migrations a restored older file needs) and rebuilds the index,
/// without starting any worker that would act on the restored data.
async fn rebuild_index(config: &Config) -> anyhow::Result<()> {
    let data_dir = config.data_dir.clone();
    let cache = (config.storage.cache_mb as usize) << 20;
    let store = tokio::task::spawn_blocking(move || Store::open(&data_dir, cache)).await??;
    let index_dir = config.data_dir.join("index");
    let (search, _) = tokio::task::spawn_blocking(move || Search::open(&index_dir)).await??;
    let indexer = Indexer::start(store.clone(), search);
    let rebuilt = indexer.rebuild().await;
    indexer.stop().await;
    tokio::task::spawn_blocking(move || {
        indexer.search.stop();
        store.stop();
    })
    .await?;
    rebuilt.map_err(|e| anyhow::anyhow!("rebuilding the search index: {e}"))
}

/// `hirebase demo`: serves a generated demo organisation (see [`crate::domain::demo`]) from
/// `data_dir`, or from a temporary data dir removed at exit. A data dir that already holds the
/// demo is served as it is.
pub async fn demo(
    mut config: Config,
    data_dir: Option<std::path::PathBuf>,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    use crate::domain::demo;
    let started = std::time::Instant::now();
    let temporary = data_dir.is_none();
    config.data_dir = data_dir.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("hirebase-demo-{}", std::process::id()))
    });
    let dir = config.data_dir.clone();
    let listen = config.listen_addr();
    let public_url = config.effective_public_url();
    let result = async {
        let app = crate::App::build(config).await?;
        if !demo::exists(app.state()).map_err(|e| anyhow::anyhow!("{e}"))? {
            let made = demo::generate(app.state())
                .await
                .map_err(|e| anyhow::anyhow!("generating the demo: {e}"))?;
            tracing::info!(
                jobs = made.jobs,
                candidates = made.candidates,
                applications = made.applications,
                interviews = made.interviews,
                offers = made.offers,
                people = made.people,
                projects = made.projects,
                "generated the demo organisation"
            );
        }
        let (acceptor, _) = crate::App::bind(listen).await?;
        println!(
            "hirebase demo ready in {:.2} s: open {public_url}/ and sign in as {} with password {}",
            started.elapsed().as_secs_f64(),
            demo::EMAIL,
            demo::PASSWORD
        );
        println!(
            "data: {}{}",
            dir.display(),
            if temporary { " (removed at exit)" } else { "" }
        );
        app.run(acceptor, shutdown).await
    }
    .await;
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}
