//! Text extraction in a child process: `hirebase extract-text KIND` reads the document on its
//! stdin and writes its text on its stdout, under `setrlimit` caps on address space and CPU
//! time that it sets on itself before reading a byte, and a wall-clock timeout the parent
//! enforces by killing it. A panic, a stack overflow, a runaway allocation or an endless
//! loop in a parser ends the child, never the server. At most one child runs per core.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::Semaphore;

use super::DocKind;
use super::text;
use crate::error::{Code, Error, Result};

/// The hidden subcommand of the `hirebase` binary that runs in the child.
pub const SUBCOMMAND: &str = "extract-text";
/// The exit code of a child that read the file and found it unreadable (its reason on stderr).
const EXIT_UNREADABLE: u8 = 3;

/// What one extraction may use.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Address space of the child (`RLIMIT_AS`).
    pub memory_bytes: u64,
    /// CPU seconds of the child (`RLIMIT_CPU`).
    pub cpu_secs: u64,
    /// Wall-clock time before the child is killed.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: 512 << 20,
            cpu_secs: 10,
            timeout: Duration::from_secs(15),
        }
    }
}

/// Runs extractions in child processes of `program` (this executable, in production).
#[derive(Clone)]
pub struct Extractor {
    program: PathBuf,
    limits: Limits,
    permits: Arc<Semaphore>,
}

impl Extractor {
    pub fn new(program: PathBuf, limits: Limits) -> Extractor {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Extractor {
            program,
            limits,
            permits: Arc::new(Semaphore::new(cores)),
        }
    }

    /// The text of a document; a file whose text cannot be read is a validation error on
    /// `field` (a kind without text, 415).
    pub async fn text(&self, kind: DocKind, bytes: Arc<Vec<u8>>, field: &str) -> Result<String> {
        if !kind.has_text() {
            return Err(Error::new(
                Code::UnsupportedMediaType,
                format!(
                    "hirebase keeps {} files but cannot read their text; send a PDF, DOCX, ODT, RTF or TXT file.",
                    kind.label()
                ),
            ));
        }
        let _permit = self.permits.acquire().await.map_err(Error::internal)?;
        self.run(kind, bytes)
            .await
            .map_err(|why| Error::invalid(field, format!("could not be read: {why}")))
    }

    async fn run(&self, kind: DocKind, bytes: Arc<Vec<u8>>) -> Result<String, String> {
        let mut child = tokio::process::Command::new(&self.program)
            .arg(SUBCOMMAND)
            .arg(kind.as_str())
            .arg(self.limits.memory_bytes.to_string())
            .arg(self.limits.cpu_secs.to_string())
            .env_clear()
            // mimalloc reserves its arenas 1 GiB at a time; under the child's address-space
            // cap that reservation sometimes failed and a small allocation with it (zlib's
            // inflate state: 5 of 600 DOCX files refused). 64 MiB arenas fit.
            .env("MIMALLOC_ARENA_RESERVE", "64MiB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                tracing::error!(error = %e, program = %self.program.display(), "cannot start the text extractor");
                "the text extractor could not be started".to_string()
            })?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let feed = tokio::spawn(async move {
            // A child that stops reading (it failed early) closes the pipe: not an error here.
            let _ = stdin.write_all(&bytes).await;
        });
        let finished = tokio::time::timeout(self.limits.timeout, child.wait_with_output()).await;
        feed.abort();
        let output = match finished {
            // Dropping the child's future killed it (`kill_on_drop`).
            Err(_) => {
                return Err(format!(
                    "reading it took longer than {} seconds",
                    self.limits.timeout.as_secs()
                ));
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "waiting for the text extractor failed");
                return Err("the text extractor failed".into());
            }
            Ok(Ok(output)) => output,
        };
        match output.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&output.stdout).into_owned()),
            Some(c) if c == i32::from(EXIT_UNREADABLE) => {
                let why = String::from_utf8_lossy(&output.stderr);
                Err(why.trim().chars().take(300).collect())
            }
            _ => {
                use std::os::unix::process::ExitStatusExt;
                tracing::warn!(status = ?output.status, signal = ?output.status.signal(), kind = %kind, "the text extractor stopped on a document");
                Err(format!(
                    "the {} reader stopped on it (it ran out of memory or time, or the file is damaged)",
                    kind.label()
                ))
            }
        }
    }
}

/// Sets a resource limit of this process, soft and hard alike (a macro: the type of the
/// resource argument differs between C libraries).
macro_rules! limit {
    ($resource:expr, $value:expr) => {{
        let rlim = libc::rlimit {
            rlim_cur: $value as libc::rlim_t,
            rlim_max: $value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct passed and changes only this process's limits.
        if unsafe { libc::setrlimit($resource, &rlim) } != 0 {
            eprintln!(
                "could not set a resource limit: {}",
                std::io::Error::last_os_error()
            );
        }
    }};
}

/// The child's side: cap its own memory and CPU, read the document from stdin, write its
/// text to stdout. Exits 0 with the text, 3 with a reason on stderr.
pub fn child_main(kind: &str, memory_bytes: u64, cpu_secs: u64) -> ExitCode {
    limit!(libc::RLIMIT_AS, memory_bytes);
    limit!(libc::RLIMIT_CPU, cpu_secs);
    // The child never writes a core file of a hostile document.
    limit!(libc::RLIMIT_CORE, 0);
    let Some(kind) = DocKind::ALL.iter().find(|k| k.as_str() == kind).copied() else {
        eprintln!("unknown document kind {kind:?}");
        return ExitCode::from(2);
    };
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(256 << 20)
        .read_to_end(&mut bytes)
    {
        eprintln!("the document could not be read from stdin ({e})");
        return ExitCode::from(EXIT_UNREADABLE);
    }
    match text::extract(kind, &bytes) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}
