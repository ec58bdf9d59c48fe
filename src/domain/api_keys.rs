//! API keys: minted by an org_admin with a role and scopes, shown once, stored as SHA-256,
//! revocable at once, with a usage log.

use poem_openapi::Object;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use crate::auth::identity::{API_KEY_PREFIX, hash_api_key};
use crate::auth::{Identity, Role, Scope};
use crate::error::{Error, Result, Validator};
use crate::store::tables::{API_KEY_USES, API_KEYS, KEY_HASH_API_KEY};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct ApiKey {
    pub id: u64,
    pub name: String,
    /// The first characters of the token, enough to recognise it in a list.
    pub prefix: String,
    pub role: Role,
    pub scopes: Vec<Scope>,
    /// Email of the person who minted it.
    pub created_by: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked: bool,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Object)]
pub struct NewApiKey {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: String,
    /// Defaults to `recruiter`. Any role of the organisation except `talent`.
    pub role: Option<Role>,
    /// At least one; see the `Scope` enum for the names.
    #[oai(validator(min_items = 1))]
    pub scopes: Vec<Scope>,
}

/// One request made with a key.
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct KeyUse {
    pub id: u64,
    pub at: Timestamp,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub ip: Option<String>,
}

/// Each key keeps this many of its most recent uses.
const USES_KEPT: u64 = 10_000;

pub async fn mint(store: &Store, who: &Identity, input: NewApiKey) -> Result<(ApiKey, String)> {
    let role = input.role.unwrap_or(Role::Recruiter);
    let mut v = Validator::new();
    v.text("name", &input.name, true, 120);
    v.check(
        role.is_tenant_role() && role != Role::Talent,
        "role",
        "must be a staff role of the organisation",
    );
    // An agency's access is its people's: a key belongs to no agency, so would see nothing.
    v.check(
        role != Role::Agency,
        "role",
        "cannot be agency: agencies' people sign in, each with their agency",
    );
    v.check(
        !input.scopes.is_empty(),
        "scopes",
        "must name at least one scope",
    );
    v.finish()?;
    let mut scopes = input.scopes;
    scopes.sort();
    scopes.dedup();
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let raw = format!("{API_KEY_PREFIX}{}", hex::encode(secret));
    let hash = hash_api_key(&raw);
    let key = ApiKey {
        id: 0,
        name: input.name.trim().to_string(),
        prefix: raw[..API_KEY_PREFIX.len() + 8].to_string(),
        role,
        scopes,
        created_by: who.actor.clone(),
        created_at: Timestamp::now(),
        last_used_at: None,
        revoked: false,
        revoked_at: None,
    };
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    let key = store
        .write(move |tx| {
            let mut key = key;
            key.id = tx.next_id()?;
            if !tx.claim(&KEY_HASH_API_KEY, &hash, (tenant_id, key.id))? {
                return Err(Error::internal(anyhow::anyhow!("API key hash collision")));
            }
            tx.put(&API_KEYS, tenant_id, key.id, &key)?;
            let summary = format!(
                "Minted API key {} \"{}\" ({})",
                key.prefix,
                key.name,
                key.role.as_str()
            );
            let details = serde_json::json!({"role": key.role, "scopes": key.scopes});
            audit::record(
                tx,
                tenant_id,
                &actor,
                Change::new(Action::ApiKeyCreated, key.id, summary).with(details),
            )?;
            Ok(key)
        })
        .await?;
    Ok((key, raw))
}

pub fn list(
    store: &Store,
    tenant_id: u64,
    skip: usize,
    limit: usize,
) -> Result<(Vec<ApiKey>, u64)> {
    let rx = store.read()?;
    Ok((
        rx.list(&API_KEYS, tenant_id, skip, limit)?,
        rx.count(&API_KEYS, tenant_id)?,
    ))
}

pub fn get(store: &Store, tenant_id: u64, id: u64) -> Result<ApiKey> {
    store
        .read()?
        .get(&API_KEYS, tenant_id, id)?
        .ok_or_else(|| Error::not_found("API key", id))
}

/// Revocation is immediate: the next request with the key is refused. The record stays for the audit trail.
pub async fn revoke(store: &Store, who: &Identity, id: u64) -> Result<ApiKey> {
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut key = tx
                .get(&API_KEYS, tenant_id, id)?
                .ok_or_else(|| Error::not_found("API key", id))?;
            if !key.revoked {
                key.revoked = true;
                key.revoked_at = Some(Timestamp::now());
                tx.put(&API_KEYS, tenant_id, id, &key)?;
                let summary = format!("Revoked API key {} \"{}\"", key.prefix, key.name);
                audit::record(
                    tx,
                    tenant_id,
                    &actor,
                    Change::new(Action::ApiKeyRevoked, id, summary),
                )?;
            }
            Ok(key)
        })
        .await
}

pub fn uses(
    store: &Store,
    tenant_id: u64,
    key_id: u64,
    before: Option<u64>,
    limit: usize,
) -> Result<(Vec<KeyUse>, bool)> {
    get(store, tenant_id, key_id)?;
    let (items, more) = store
        .read()?
        .page_before(&API_KEY_USES, key_id, before, limit)?;
    Ok((items.into_iter().map(|(_, u)| u).collect(), more))
}

/// A use waiting to be written: (tenant, key) and what happened.
#[derive(Debug, Clone)]
pub struct PendingUse {
    pub tenant_id: u64,
    pub key_id: u64,
    pub at: Timestamp,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub ip: Option<String>,
}

/// Writes a batch of uses in one transaction and stamps each key's `last_used_at`.
pub async fn record_uses(store: &Store, uses: Vec<PendingUse>) -> Result<()> {
    store
        .write(move |tx| {
            let mut touched: Vec<(u64, u64, Timestamp)> = Vec::new();
            let mut gone: Vec<u64> = Vec::new();
            for u in uses {
                // A key deleted with its organisation since the call keeps no log.
                if gone.contains(&u.key_id) {
                    continue;
                }
                if !touched.iter().any(|t| t.1 == u.key_id)
                    && tx.get(&API_KEYS, u.tenant_id, u.key_id)?.is_none()
                {
                    gone.push(u.key_id);
                    continue;
                }
                let id = tx.next_seq("seq_api_key_uses")?;
                let record = KeyUse {
                    id,
                    at: u.at,
                    method: u.method,
                    path: u.path,
                    status: u.status,
                    ip: u.ip,
                };
                tx.put(&API_KEY_USES, u.key_id, id, &record)?;
                match touched
                    .iter_mut()
                    .find(|t| t.0 == u.tenant_id && t.1 == u.key_id)
                {
                    Some(t) => t.2 = t.2.max(u.at),
                    None => touched.push((u.tenant_id, u.key_id, u.at)),
                }
            }
            for (tenant_id, key_id, at) in touched {
                if let Some(mut key) = tx.get(&API_KEYS, tenant_id, key_id)? {
                    key.last_used_at = Some(at);
                    tx.put(&API_KEYS, tenant_id, key_id, &key)?;
                }
                let total = tx.count(&API_KEY_USES, key_id)?;
                if total > USES_KEPT + USES_KEPT / 10 {
                    let (page, _) =
                        tx.page_before(&API_KEY_USES, key_id, None, USES_KEPT as usize)?;
                    if let Some((oldest_kept, _)) = page.last() {
                        tx.remove_older(&API_KEY_USES, key_id, *oldest_kept)?;
                    }
                }
            }
            Ok(())
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Principal;

    fn admin(tenant_id: u64) -> Identity {
        Identity {
            tenant_id,
            role: Role::OrgAdmin,
            principal: Principal::User {
                user_id: 1,
                session_id: 1,
            },
            scopes: None,
            actor: "admin@example.com".into(),
            ip: None,
            agency_id: None,
        }
    }

    fn pending(tenant_id: u64, key_id: u64, n: usize) -> Vec<PendingUse> {
        (0..n)
            .map(|i| PendingUse {
                tenant_id,
                key_id,
                at: Timestamp::now(),
                method: "GET".into(),
                path: format!("/api/v1/n/{i}"),
                status: 200,
                ip: None,
            })
            .collect()
    }

    #[tokio::test]
    async fn usage_log_keeps_the_newest_uses_of_each_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let input = |name: &str| NewApiKey {
            name: name.into(),
            role: None,
            scopes: vec![Scope::TeamRead],
        };
        let (busy, _) = mint(&store, &admin(7), input("busy")).await.unwrap();
        let (quiet, _) = mint(&store, &admin(7), input("quiet")).await.unwrap();
        let over = (USES_KEPT + USES_KEPT / 10 + 1) as usize;
        record_uses(&store, pending(7, busy.id, over))
            .await
            .unwrap();
        record_uses(&store, pending(7, quiet.id, 3)).await.unwrap();

        let rx = store.read().unwrap();
        assert_eq!(
            rx.count(&API_KEY_USES, busy.id).unwrap(),
            USES_KEPT,
            "trimmed to the newest {USES_KEPT}"
        );
        assert_eq!(
            rx.count(&API_KEY_USES, quiet.id).unwrap(),
            3,
            "another key's log is untouched"
        );
        let (newest, _) = uses(&store, 7, busy.id, None, 1).unwrap();
        assert_eq!(newest[0].path, format!("/api/v1/n/{}", over - 1));
        let (all, more) = uses(&store, 7, busy.id, None, USES_KEPT as usize).unwrap();
        assert!(!more);
        assert_eq!(
            all.last().unwrap().path,
            format!("/api/v1/n/{}", over - USES_KEPT as usize),
            "the oldest went first"
        );
        assert!(get(&store, 7, busy.id).unwrap().last_used_at.is_some());
        assert!(
            uses(&store, 8, busy.id, None, 1).is_err(),
            "another tenant cannot read the log"
        );
        store.stop();
    }
}
