//! One-time tokens mailed to people: verify an email, reset a password, accept an invite.
//! Only the SHA-256 of a token is stored; a token is used once, inside the transaction of
//! the change it allows, and expires.

use poem_openapi::Object;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Role;
use crate::error::{Error, Result};
use crate::store::tables::{INSTANCE, TOKEN_HASH_TOKEN, TOKENS};
use crate::store::{Reader, Tx};
use crate::time::Timestamp;

named_enum! {
    /// What a token allows.
    pub enum TokenKind {
        VerifyEmail = "verify_email",
        ResetPassword = "reset_password",
        Invite = "invite",
    }
}

impl TokenKind {
    /// How long a token of this kind stays valid.
    pub fn lifetime_secs(self) -> i64 {
        match self {
            TokenKind::VerifyEmail => 7 * 86_400,
            TokenKind::ResetPassword => 3_600,
            TokenKind::Invite => 7 * 86_400,
        }
    }

    /// The page of the UI the mailed link opens.
    pub fn page(self) -> &'static str {
        match self {
            TokenKind::VerifyEmail => "/verify-email",
            TokenKind::ResetPassword => "/reset-password",
            TokenKind::Invite => "/accept-invite",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OneTimeToken {
    pub id: u64,
    pub kind: TokenKind,
    pub tenant_id: u64,
    /// The account it concerns (none yet for an invite).
    pub user_id: Option<u64>,
    pub email: String,
    /// SHA-256 of the raw token (hex): what a link is looked up by.
    pub hash: String,
    /// For an invite: the role the new member gets, and who invited them.
    pub role: Option<Role>,
    pub invited_by: Option<String>,
    /// For an invite with the `agency` role: the agency the new member works for.
    #[serde(default)]
    pub agency_id: Option<u64>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

/// An invite as its inviter sees it.
#[derive(Debug, Clone, Object)]
pub struct Invite {
    pub id: u64,
    pub email: String,
    pub role: Role,
    /// The agency of an invite with the `agency` role.
    pub agency_id: Option<u64>,
    pub expires_at: Timestamp,
}

impl From<&OneTimeToken> for Invite {
    fn from(t: &OneTimeToken) -> Invite {
        Invite {
            id: t.id,
            email: t.email.clone(),
            role: t.role.unwrap_or(Role::Recruiter),
            agency_id: t.agency_id,
            expires_at: t.expires_at,
        }
    }
}

fn digest(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.trim().as_bytes()))
}

/// Stores a new token inside `tx`; returns it and its raw value (to mail, never stored).
pub fn issue(
    tx: &mut Tx,
    kind: TokenKind,
    tenant_id: u64,
    user_id: Option<u64>,
    email: &str,
) -> Result<(OneTimeToken, String)> {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let raw = hex::encode(secret);
    let now = Timestamp::now();
    let token = OneTimeToken {
        id: tx.next_id()?,
        kind,
        tenant_id,
        user_id,
        email: email.to_string(),
        hash: digest(&raw),
        role: None,
        invited_by: None,
        agency_id: None,
        created_at: now,
        expires_at: now.plus_secs(kind.lifetime_secs()),
        used_at: None,
    };
    tx.claim(&TOKEN_HASH_TOKEN, &token.hash, (INSTANCE, token.id))?;
    tx.put(&TOKENS, INSTANCE, token.id, &token)?;
    Ok((token, raw))
}

/// Saves changes to a token issued in the same transaction (an invite's role).
pub fn save(tx: &mut Tx, token: &OneTimeToken) -> Result<()> {
    tx.put(&TOKENS, INSTANCE, token.id, token)
}

/// The token `raw` stands for, if it is of `kind`, whether used or not.
pub fn find(rx: &impl Reader, kind: TokenKind, raw: &str) -> Result<Option<OneTimeToken>> {
    let Some((_, id)) = rx.lookup(&TOKEN_HASH_TOKEN, &digest(raw))? else {
        return Ok(None);
    };
    Ok(rx.get(&TOKENS, INSTANCE, id)?.filter(|t| t.kind == kind))
}

/// Uses the token: it must exist, be of `kind`, unused and unexpired (else 400).
pub fn consume(tx: &mut Tx, kind: TokenKind, raw: &str) -> Result<OneTimeToken> {
    let invalid = |why: &str| Error::invalid("token", why.to_string());
    let mut token = find(tx, kind, raw)?.ok_or_else(|| invalid("is not a valid link"))?;
    if token.used_at.is_some() {
        return Err(invalid("has already been used"));
    }
    if token.expires_at <= Timestamp::now() {
        return Err(invalid("has expired; ask for a new link"));
    }
    token.used_at = Some(Timestamp::now());
    tx.put(&TOKENS, INSTANCE, token.id, &token)?;
    Ok(token)
}

/// Removes every mail link of an organisation (its deletion); returns how many.
pub fn remove_for_tenant(tx: &mut Tx, tenant: u64) -> Result<u64> {
    let rows = tx.scan(&TOKENS, None, usize::MAX)?;
    let mut removed = 0;
    for ((_, id), token) in rows {
        if token.tenant_id == tenant {
            tx.remove(&TOKENS, INSTANCE, id)?;
            tx.release(&TOKEN_HASH_TOKEN, &token.hash)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Removes tokens that expired or were used over a day ago (the `expire-tokens` job).
pub fn expire(tx: &mut Tx, limit: usize) -> Result<u64> {
    let now = Timestamp::now();
    let day_ago = now.plus_secs(-86_400);
    let rows = tx.scan(&TOKENS, None, usize::MAX)?;
    let mut removed = 0;
    for ((_, id), token) in rows {
        if removed as usize == limit {
            break;
        }
        let done = token.expires_at <= now || token.used_at.is_some_and(|u| u <= day_ago);
        if done {
            tx.remove(&TOKENS, INSTANCE, id)?;
            tx.release(&TOKEN_HASH_TOKEN, &token.hash)?;
            removed += 1;
        }
    }
    Ok(removed)
}
