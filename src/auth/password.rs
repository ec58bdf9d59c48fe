//! Password hashing: argon2id with the OWASP parameters, always off the async workers.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::Semaphore;

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
        return Err(Error::invalid(field, format!("must be at least {MIN_LEN} characters")));
    }
    if n > MAX_LEN {
        return Err(Error::invalid(field, format!("must be at most {MAX_LEN} characters")));
    }
    Ok(())
}

/// Hashes and verifies on the blocking pool, at most one per core at a time: a storm of
/// logins queues here instead of taking every thread (and 19 MiB each) at once.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when an email is unknown, so both answers take as long.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub fn new() -> Passwords {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let dummy_hash = hash_now("not a real password, only for timing").expect("hashing works");
        Passwords { permits: Arc::new(Semaphore::new(cores)), dummy_hash: dummy_hash.into() }
    }

    pub async fn hash(&self, password: String) -> Result<String> {
        let _permit = self.permits.acquire().await.map_err(Error::internal)?;
        tokio::task::spawn_blocking(move || hash_now(&password)).await.map_err(Error::internal)?
    }

    /// `hash` is `None` when the account does not exist; the work is done all the same.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool> {
        let _permit = self.permits.acquire().await.map_err(Error::internal)?;
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.to_string());
        let ok = tokio::task::spawn_blocking(move || hasher().verify_password(password.as_bytes(), hash.as_str()).is_ok())
            .await
            .map_err(Error::internal)?;
        Ok(ok && real)
    }
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
        assert!(p.verify("correct horse".into(), Some(h.clone())).await.unwrap());
        assert!(!p.verify("wrong horse".into(), Some(h)).await.unwrap());
        assert!(!p.verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn policy_is_8_to_128_characters() {
        assert!(check_policy("password", "1234567").is_err());
        assert!(check_policy("password", "12345678").is_ok());
        assert!(check_policy("password", &"x".repeat(128)).is_ok());
        assert_eq!(check_policy("password", &"x".repeat(129)).unwrap_err().errors[0].field, "password");
    }
}
