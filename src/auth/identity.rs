//! The request identity: who is calling (a user's session or an API key), for which tenant,
//! with which role and scopes. Resolved once per request; every endpoint then asks it
//! [`Identity::allow`] with the permission it declares.

use sha2::{Digest, Sha256};

use super::roles::{Permission, Role, Scope};
use super::token::TokenKeys;
use crate::error::{Code, Error, Result};
use crate::store::tables::{API_KEYS, KEY_HASH_API_KEY, SESSIONS, USERS};
use crate::store::{Reader, Store};
use crate::time::Timestamp;

pub const API_KEY_PREFIX: &str = "hb_";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    User { user_id: u64, session_id: u64 },
    ApiKey { key_id: u64 },
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub tenant_id: u64,
    pub role: Role,
    pub principal: Principal,
    /// `None` for sessions (everything the role allows); the minted scopes for API keys.
    pub scopes: Option<Vec<Scope>>,
    /// An email for users, `key:<prefix>` for keys: how audit trails name the actor.
    pub actor: String,
    /// The client address the request came from, for the audit trail.
    pub ip: Option<String>,
    /// The agency an `agency` user belongs to (`users.agency_id`); `None` for everyone else.
    pub agency_id: Option<u64>,
}

impl Identity {
    /// The one authorization check: role first (403 `forbidden`), then scope (403 `insufficient_scope`).
    pub fn allow(&self, permission: Permission) -> Result<&Identity> {
        if permission.session_only && matches!(self.principal, Principal::ApiKey { .. }) {
            return Err(Error::forbidden(format!(
                "API keys may not {}; sign in as a person",
                permission.action
            )));
        }
        if !permission.roles.contains(&self.role) {
            return Err(Error::forbidden(format!(
                "The {} role may not {}",
                self.role.as_str(),
                permission.action
            )));
        }
        if let (Some(scopes), Some(needed)) = (&self.scopes, permission.scope)
            && !scopes.contains(&needed)
        {
            return Err(Error::new(
                Code::InsufficientScope,
                format!(
                    "This API key lacks the {} scope needed to {}",
                    needed.as_str(),
                    permission.action
                ),
            ));
        }
        Ok(self)
    }

    pub fn user_id(&self) -> Option<u64> {
        match self.principal {
            Principal::User { user_id, .. } => Some(user_id),
            Principal::ApiKey { .. } => None,
        }
    }

    /// For the `agency` role, the agency whose submissions are all this caller may see of
    /// candidates and applications (0, matching nothing, for an agency key or account that
    /// belongs to no agency); `None` for every other role, which sees the whole organisation.
    pub fn submissions_of(&self) -> Option<u64> {
        (self.role == Role::Agency).then(|| self.agency_id.unwrap_or(0))
    }

    /// The agency that what this caller creates is submitted by: `Ok(None)` for the
    /// organisation's own people, 403 for an agency caller that belongs to no agency.
    pub fn submitting_agency(&self) -> Result<Option<u64>> {
        match self.submissions_of() {
            None => Ok(None),
            Some(0) => Err(Error::forbidden(
                "This agency account belongs to no agency, so it cannot submit candidates",
            )),
            Some(agency) => Ok(Some(agency)),
        }
    }

    pub fn key_id(&self) -> Option<u64> {
        match self.principal {
            Principal::ApiKey { key_id } => Some(key_id),
            Principal::User { .. } => None,
        }
    }
}

pub fn hash_api_key(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

/// Resolves a bearer token or session cookie value to an identity, or 401.
pub fn resolve(store: &Store, keys: &TokenKeys, token: &str) -> Result<Identity> {
    let rx = store.read()?;
    if token.starts_with(API_KEY_PREFIX) {
        let invalid = || Error::unauthenticated("The API key is not valid or has been revoked.");
        let (tenant_id, key_id) = rx
            .lookup(&KEY_HASH_API_KEY, &hash_api_key(token))?
            .ok_or_else(invalid)?;
        let key = rx.get(&API_KEYS, tenant_id, key_id)?.ok_or_else(invalid)?;
        if key.revoked {
            return Err(invalid());
        }
        crate::domain::tenants::check_active(&rx, tenant_id)?;
        return Ok(Identity {
            tenant_id,
            role: key.role,
            principal: Principal::ApiKey { key_id },
            scopes: Some(key.scopes),
            actor: format!("key:{}", key.prefix),
            ip: None,
            agency_id: None,
        });
    }
    let expired =
        || Error::unauthenticated("The access token is invalid or has expired; sign in again.");
    let claims = keys.verify(token).ok_or_else(expired)?;
    let session = rx
        .get(&SESSIONS, claims.tid, claims.sid)?
        .ok_or_else(expired)?;
    if session.user_id != claims.sub || session.expires_at <= Timestamp::now() {
        return Err(expired());
    }
    let user = rx
        .get(&USERS, claims.tid, claims.sub)?
        .ok_or_else(expired)?;
    crate::domain::tenants::check_active(&rx, user.tenant_id)?;
    Ok(Identity {
        tenant_id: user.tenant_id,
        role: user.role,
        principal: Principal::User {
            user_id: user.id,
            session_id: session.id,
        },
        scopes: None,
        actor: user.email,
        ip: None,
        agency_id: user.agency_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(role: Role, scopes: Option<Vec<Scope>>) -> Identity {
        let principal = if scopes.is_some() {
            Principal::ApiKey { key_id: 1 }
        } else {
            Principal::User {
                user_id: 1,
                session_id: 1,
            }
        };
        Identity {
            tenant_id: 1,
            role,
            principal,
            scopes,
            actor: "x".into(),
            ip: None,
            agency_id: None,
        }
    }

    #[test]
    fn role_is_checked_before_scope() {
        let recruiter_key = identity(Role::Recruiter, Some(vec![Scope::TeamRead]));
        assert_eq!(
            recruiter_key
                .allow(Permission::TEAM_WRITE)
                .unwrap_err()
                .code,
            Code::Forbidden
        );
        let admin_key = identity(Role::OrgAdmin, Some(vec![Scope::TeamRead]));
        assert_eq!(
            admin_key.allow(Permission::TEAM_WRITE).unwrap_err().code,
            Code::InsufficientScope
        );
        assert!(admin_key.allow(Permission::TEAM_READ).is_ok());
        assert!(
            identity(Role::OrgAdmin, None)
                .allow(Permission::TEAM_WRITE)
                .is_ok(),
            "sessions carry every scope"
        );
    }

    #[test]
    fn keys_never_manage_keys() {
        let admin_key = identity(Role::OrgAdmin, Some(vec![]));
        assert_eq!(
            admin_key.allow(Permission::API_KEYS).unwrap_err().code,
            Code::Forbidden
        );
        assert!(
            identity(Role::OrgAdmin, None)
                .allow(Permission::API_KEYS)
                .is_ok()
        );
    }
}
