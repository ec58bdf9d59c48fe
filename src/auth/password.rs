//! Password hashing: argon2id with the OWASP parameters, always off the async workers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::error::{Error, Result};

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// OWASP: m = 19 MiB, t = 2, p = 1.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The password policy of DESIGN §3, as a field error.
pub fn check_policy(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(Error::invalid(
            field,
            format!("must be at least {MIN_LEN} characters"),
        ));
    }
    if n > MAX_LEN {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_LEN} characters"),
        ));
    }
    Ok(())
}

/// Hashes and verifies on a pool of its own: one thread per core, each at the lowest scheduling
/// priority (idle), so a storm of logins uses the CPU the server leaves idle but never
/// takes it from request handling; a burst queues here instead of taking every thread (and
/// 19 MiB each) at once.
#[derive(Clone)]
pub struct Passwords {
    jobs: std::sync::mpsc::SyncSender<Job>,
    /// Jobs sent and not yet finished: the thread that finishes the last one gives the
    /// memory of the hashes back, so a storm reuses it and an idle server does not keep it.
    outstanding: Arc<AtomicUsize>,
    /// Verified against when an email is unknown, so both answers take as long.
    dummy_hash: Arc<str>,
}

type Job = Box<dyn FnOnce() + Send>;

impl Passwords {
    pub fn new() -> Passwords {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<Job>(1024);
        let inbox = Arc::new(Mutex::new(inbox));
        let outstanding = Arc::new(AtomicUsize::new(0));
        for n in 0..cores {
            let (inbox, outstanding) = (inbox.clone(), outstanding.clone());
            std::thread::Builder::new()
                .name(format!("hirebase-argon2-{n}"))
                .spawn(move || {
                    crate::workers::lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match inbox.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => {
                                job();
                                if outstanding.fetch_sub(1, Ordering::AcqRel) == 1 {
                                    return_memory();
                                }
                            }
                            Err(_) => return,
                        }
                    }
                })
                .expect("spawn password hashing thread");
        }
        let dummy_hash = hash_now("not a real password, only for timing").expect("hashing works");
        return_memory();
        Passwords {
            jobs,
            outstanding,
            dummy_hash: dummy_hash.into(),
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        let jobs = self.jobs.clone();
        self.outstanding.fetch_add(1, Ordering::AcqRel);
        let not_sent = || {
            self.outstanding.fetch_sub(1, Ordering::AcqRel);
            Err(Error::internal(anyhow::anyhow!("password hashing stopped")))
        };
        // A full queue blocks; wait for room off the async workers.
        match jobs.try_send(job) {
            Ok(()) => {}
            Err(std::sync::mpsc::TrySendError::Full(job)) => {
                let sent = tokio::task::spawn_blocking(move || jobs.send(job).is_ok()).await;
                if !matches!(sent, Ok(true)) {
                    return not_sent();
                }
            }
            Err(_) => return not_sent(),
        }
        result.await.map_err(Error::internal)
    }

    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move || hash_now(&password)).await?
    }

    /// `hash` is `None` when the account does not exist; the work is done all the same.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool> {
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = self
            .run(move || {
                hasher()
                    .verify_password(password.as_bytes(), hash.as_str())
                    .is_ok()
            })
            .await?;
        Ok(ok && real)
    }
}

/// Gives the 19 MiB of the hashes back to the system at once: mimalloc would keep them for
/// reuse, and an idle server would hold them for good.
fn return_memory() {
    // SAFETY: mi_collect only frees memory the calling thread's heap no longer uses.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords::new()
    }
}

pub fn hash_now(password: &str) -> Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(anyhow::anyhow!("argon2: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_argon2id() {
        let p = Passwords::new();
        let h = p.hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            p.verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!p.verify("wrong horse".into(), Some(h)).await.unwrap());
        assert!(!p.verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn policy_is_8_to_128_characters() {
        assert!(check_policy("password", "1234567").is_err());
        assert!(check_policy("password", "12345678").is_ok());
        assert!(check_policy("password", &"x".repeat(128)).is_ok());
        assert_eq!(
            check_policy("password", &"x".repeat(129))
                .unwrap_err()
                .errors[0]
                .field,
            "password"
        );
    }
}
