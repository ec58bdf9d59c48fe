//! Signed access tokens (JWT, HS256) and the instance's signing secret.

use std::io::Write;
use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub const SECRET_FILE: &str = "signing.key";

/// What a token says: whose session it belongs to. The session itself is checked on every
/// request, so logging out or removing a member ends the token at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: u64,
    pub tid: u64,
    pub sid: u64,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Loads the secret from the data dir, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<TokenKeys> {
        let path = data_dir.join(SECRET_FILE);
        let secret = match std::fs::read_to_string(&path) {
            Ok(text) => hex::decode(text.trim())
                .map_err(|_| anyhow::anyhow!("{} is not a hex secret", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut secret = vec![0u8; 64];
                rand::rng().fill_bytes(&mut secret);
                write_private(&path, hex::encode(&secret).as_bytes())?;
                secret
            }
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("reading {}", path.display())));
            }
        };
        if secret.len() < 32 {
            anyhow::bail!("{} holds a secret shorter than 256 bits", path.display());
        }
        Ok(TokenKeys::from_secret(&secret))
    }

    pub fn from_secret(secret: &[u8]) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp"]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn sign(&self, claims: &Claims) -> Result<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(Error::internal)
    }

    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// Writes a file only its owner can read, failing if it already exists.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| anyhow::Error::new(e).context(format!("creating {}", path.display())))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = TokenKeys::load_or_create(dir.path()).unwrap();
        let claims = Claims {
            sub: 1,
            tid: 2,
            sid: 3,
            iat: 0,
            exp: chrono::Utc::now().timestamp() + 60,
        };
        let token = a.sign(&claims).unwrap();
        let b = TokenKeys::load_or_create(dir.path()).unwrap();
        assert_eq!(b.verify(&token).unwrap().sid, 3);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            TokenKeys::from_secret(&[7u8; 64]).verify(&token).is_none(),
            "another secret rejects it"
        );
    }

    #[test]
    fn expired_tokens_are_rejected() {
        let keys = TokenKeys::from_secret(&[1u8; 64]);
        let claims = Claims {
            sub: 1,
            tid: 2,
            sid: 3,
            iat: 0,
            exp: chrono::Utc::now().timestamp() - 60,
        };
        assert!(keys.verify(&keys.sign(&claims).unwrap()).is_none());
    }
}
