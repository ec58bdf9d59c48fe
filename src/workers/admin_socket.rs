//! The local admin socket: `data_dir/admin.sock`, a Unix socket only the server's own user may
//! open (mode 0600). redb locks its file while the server runs, so commands that need the live
//! database (`hirebase backup`) ask the server through it, as kanidm's admin socket does.
//!
//! The protocol is lines of JSON. The client sends `{"command": "backup"}`; the server answers
//! `{"progress": {…}}` lines while it copies, then `{"backup": {name, size_bytes, sha256, …}}`
//! followed by exactly `size_bytes` bytes of the file — or `{"error": "…"}`.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use crate::app::AppState;
use crate::domain::backups::{self, Backup};
use crate::store::backup::{self as copy, Progress};

pub const SOCKET: &str = "admin.sock";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Request {
    Backup,
}

#[derive(Debug, Serialize, Deserialize)]
struct Command {
    command: Request,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    Progress(Progress),
    Backup(Finished),
    Error(String),
}

#[derive(Debug, Serialize, Deserialize)]
struct Finished {
    name: String,
    size_bytes: u64,
    sha256: String,
}

/// The socket while the server runs; [`AdminSocket::stop`] removes it.
pub struct AdminSocket {
    path: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl AdminSocket {
    /// Listens on `data_dir/admin.sock`. The caller holds the database, so a socket file left
    /// there belongs to a server that is gone and is replaced. The socket is made under a
    /// temporary name, restricted to 0600, then renamed into place: no moment exists when
    /// another user could connect.
    pub fn start(state: Arc<AppState>) -> anyhow::Result<AdminSocket> {
        let dir = &state.config.data_dir;
        let path = dir.join(SOCKET);
        let staging = dir.join(format!(".{SOCKET}.{}", std::process::id()));
        let _ = std::fs::remove_file(&staging);
        let listener = UnixListener::bind(&staging)
            .with_context(|| format!("binding {}", staging.display()))?;
        std::fs::set_permissions(&staging, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&staging, &path)?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = serve(state, stream).await {
                        tracing::warn!(error = %e, "admin socket connection failed");
                    }
                });
            }
        });
        Ok(AdminSocket { path, task })
    }

    pub fn stop(self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

async fn serve(state: Arc<AppState>, stream: UnixStream) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(read).read_line(&mut line).await?;
    let command: Command = match serde_json::from_str(&line) {
        Ok(c) => c,
        Err(e) => return send(&mut write, &Answer::Error(format!("bad command: {e}"))).await,
    };
    match command.command {
        Request::Backup => {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Progress>();
            let run =
                state
                    .backups
                    .run(&state.store, &state.config.data_dir, move |p: &Progress| {
                        let _ = tx.send(*p);
                    });
            tokio::pin!(run);
            let result = loop {
                tokio::select! {
                    Some(step) = rx.recv() => send(&mut write, &Answer::Progress(step)).await?,
                    result = &mut run => break result,
                }
            };
            // The last steps may still be queued when the copy ends.
            while let Ok(step) = rx.try_recv() {
                send(&mut write, &Answer::Progress(step)).await?;
            }
            match result {
                Ok(backup) => send_backup(&state, &mut write, backup).await,
                Err(e) => send(&mut write, &Answer::Error(e.detail)).await,
            }
        }
    }
}

async fn send_backup(
    state: &AppState,
    write: &mut tokio::net::unix::OwnedWriteHalf,
    backup: Backup,
) -> anyhow::Result<()> {
    let path = state.config.data_dir.join(backups::DIR).join(&backup.name);
    let mut file = tokio::fs::File::open(&path).await?;
    send(
        write,
        &Answer::Backup(Finished {
            name: backup.name,
            size_bytes: backup.size_bytes,
            sha256: backup.sha256,
        }),
    )
    .await?;
    tokio::io::copy(&mut file, write).await?;
    write.shutdown().await?;
    Ok(())
}

async fn send(write: &mut tokio::net::unix::OwnedWriteHalf, answer: &Answer) -> anyhow::Result<()> {
    let mut line = serde_json::to_vec(answer)?;
    line.push(b'\n');
    write.write_all(&line).await?;
    Ok(())
}

/// Whether a server answers on the data dir's admin socket.
pub fn is_served(data_dir: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET)).is_ok()
}

/// What the client of a backup got: the file it wrote and the server's name for the copy it
/// keeps in its backups folder.
pub struct Fetched {
    pub server_name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Asks the server on `data_dir` for a backup and writes it to `dest` (through
/// `<dest>.partial`, checked against the server's SHA-256, fsynced, renamed). `None` when no
/// server answers on the socket.
pub fn fetch_backup(
    data_dir: &Path,
    dest: &Path,
    progress: &mut dyn FnMut(&Progress),
) -> anyhow::Result<Option<Fetched>> {
    let Ok(mut stream) = std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET)) else {
        return Ok(None);
    };
    let mut request = serde_json::to_vec(&Command {
        command: Request::Backup,
    })?;
    request.push(b'\n');
    stream.write_all(&request)?;
    let mut reader = BufReader::new(stream);
    let finished = loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            bail!("the server closed the admin socket before the backup finished");
        }
        match serde_json::from_str::<Answer>(&line)? {
            Answer::Progress(p) => progress(&p),
            Answer::Backup(f) => break f,
            Answer::Error(e) => bail!("the server could not take the backup: {e}"),
        }
    };
    let partial = copy::with_suffix(dest, ".partial");
    let result = (|| {
        let mut out = std::fs::File::create(&partial)
            .with_context(|| format!("creating {}", partial.display()))?;
        let mut hasher = Sha256::new();
        let mut body = reader.take(finished.size_bytes);
        let mut buf = vec![0u8; 1 << 20];
        let mut got = 0u64;
        loop {
            let n = body.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            got += n as u64;
        }
        if got != finished.size_bytes {
            bail!(
                "the backup arrived incomplete ({got} of {} bytes)",
                finished.size_bytes
            );
        }
        let sum = hex::encode(hasher.finalize());
        if sum != finished.sha256 {
            bail!(
                "the backup arrived damaged (SHA-256 {sum}, expected {})",
                finished.sha256
            );
        }
        out.sync_all()?;
        std::fs::rename(&partial, dest)?;
        copy::sync_dir(dest)?;
        copy::write_checksum_file(dest, &sum)?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    Ok(Some(Fetched {
        server_name: finished.name,
        bytes: finished.size_bytes,
        sha256: finished.sha256,
    }))
}
