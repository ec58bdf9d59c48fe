//! The first-run setup link: while no platform admin exists, the server prints
//! `…/setup?token=…` and the page behind it creates the admin. The token lives only in this
//! process's memory (a restart prints a new one) and dies once it has been used.

use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::error::{Error, Result};

#[derive(Default)]
pub struct SetupGate {
    /// SHA-256 of the live token; the lock is held while the admin is being created, so two
    /// uses of one link cannot both succeed.
    token: Mutex<Option<[u8; 32]>>,
}

impl SetupGate {
    /// A new one-time token, replacing any earlier one.
    pub fn issue(&self) -> String {
        let token = hex::encode(rand::random::<[u8; 32]>());
        // The lock is only held briefly, by a redeeming request.
        loop {
            if let Ok(mut live) = self.token.try_lock() {
                *live = Some(digest(&token));
                return token;
            }
            std::thread::yield_now();
        }
    }

    /// Runs `create` when `token` is the live one, and retires the token when it succeeds
    /// (a refused password leaves the link usable).
    pub async fn redeem<T>(
        &self,
        token: &str,
        create: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let mut live = self.token.lock().await;
        let valid = live.is_some_and(|hash| constant_time_eq(&hash, &digest(token)));
        if !valid {
            return Err(Error::forbidden(
                "This setup link is not valid: it works once, and only until the server restarts. \
                 Restart the server for a new link, or run `hirebase init`.",
            ));
        }
        let value = create.await?;
        *live = None;
        Ok(value)
    }
}

fn digest(token: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Sha256::digest(token.as_bytes()));
    out
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_token_works_once_and_survives_a_refused_attempt() {
        let gate = SetupGate::default();
        assert!(
            gate.redeem("x", async { Ok(()) }).await.is_err(),
            "none issued"
        );
        let token = gate.issue();
        assert_eq!(token.len(), 64);
        assert!(gate.redeem("wrong", async { Ok(()) }).await.is_err());
        let refused = gate
            .redeem(&token, async { Err::<(), _>(Error::invalid("p", "short")) })
            .await;
        assert_eq!(refused.unwrap_err().errors[0].field, "p");
        assert_eq!(gate.redeem(&token, async { Ok(7) }).await.unwrap(), 7);
        assert!(gate.redeem(&token, async { Ok(7) }).await.is_err(), "used");
        let newer = gate.issue();
        assert_ne!(newer, token);
    }
}
