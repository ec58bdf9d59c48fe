//! People: registration, sign-in sessions, profiles and the team of a tenant.

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use super::audit::{self, Action, Actor, Change};
use super::structure;
use super::tenants::{self, Tenant};
use crate::auth::password::{self, Passwords};
use crate::auth::token::{Claims, TokenKeys};
use crate::auth::{Identity, Principal, Role};
use crate::config::AuthConfig;
use crate::error::{Error, Result, Validator, is_valid_email, normalize_email};
use crate::store::tables::{EMAIL_USER, INSTANCE, SESSIONS, TENANTS, USER_SESSIONS, USERS};
use crate::store::{Reader, Store, Tx};
use crate::time::Timestamp;

/// A stored account. The password hash never leaves the domain layer: see [`UserOut`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: u64,
    /// 0 for the platform admin, who belongs to no tenant.
    pub tenant_id: u64,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub password_hash: String,
    #[serde(default)]
    pub email_verified: bool,
    pub created_at: Timestamp,
    /// The agency an `agency` user works for; what they see is what it submitted.
    #[serde(default)]
    pub agency_id: Option<u64>,
}

/// A user as the API shows it (seed 004 shape: `org_id` is the tenant).
#[derive(Debug, Clone, Serialize, Deserialize, Object)]
pub struct UserOut {
    pub id: u64,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub org_id: u64,
    pub email_verified: bool,
    pub created_at: Timestamp,
    /// The agency of an `agency` user (`null` for every other role).
    pub agency_id: Option<u64>,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        UserOut {
            id: u.id,
            email: u.email.clone(),
            full_name: u.full_name.clone(),
            role: u.role,
            org_id: u.tenant_id,
            email_verified: u.email_verified,
            created_at: u.created_at,
            agency_id: u.agency_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub id: u64,
    pub user_id: u64,
    pub tenant_id: u64,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Object)]
pub struct RegisterInput {
    #[oai(validator(max_length = 254))]
    pub email: String,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
    /// Defaults to "My Organization".
    #[oai(validator(max_length = 120))]
    pub org_name: Option<String>,
    /// Defaults to the part of the email before `@`.
    #[oai(validator(max_length = 120))]
    pub full_name: Option<String>,
}

#[derive(Debug, Clone, Object)]
pub struct Registered {
    #[oai(flatten)]
    pub user: UserOut,
    pub org_name: String,
    pub org_slug: String,
}

pub const NAME_MAX: usize = 120;

fn validate_email(v: &mut Validator, field: &str, email: &str) {
    v.check(is_valid_email(email), field, "must be an email address");
}

fn default_name(email: &str) -> String {
    email.split('@').next().unwrap_or(email).to_string()
}

/// Creates a tenant and its first `org_admin`.
/// `ip` is the registering client's address, for the audit trail.
pub async fn register(
    store: &Store,
    passwords: &Passwords,
    input: RegisterInput,
    ip: Option<String>,
    public_url: &str,
) -> Result<(User, Tenant)> {
    let email = normalize_email(&input.email);
    let org_name = input
        .org_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("My Organization")
        .to_string();
    let full_name = input
        .full_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    let mut v = Validator::new();
    validate_email(&mut v, "email", &email);
    tenants::validate_name(&mut v, "org_name", &org_name);
    if let Some(n) = &full_name {
        v.text("full_name", n, true, NAME_MAX);
    }
    if let Err(e) = password::check_policy("password", &input.password) {
        v.add("password", e.errors[0].message.clone());
    }
    v.finish()?;
    // Refuse a taken email before spending a hash on it; the transaction checks again.
    if store.read()?.lookup(&EMAIL_USER, &email)?.is_some() {
        return Err(email_taken(&email));
    }
    let hash = passwords.hash(input.password).await?;
    let public_url = public_url.to_string();
    store
        .write(move |tx| {
            let tenant = tenants::create(tx, &org_name)?;
            let user = insert_user(tx, tenant.id, &email, full_name, Role::OrgAdmin, hash)?;
            let actor = Actor::public(&email, ip);
            let summary = format!(
                "Registered the organisation {} ({})",
                tenant.name, tenant.slug
            );
            audit::record(
                tx,
                tenant.id,
                &actor,
                Change::new(Action::TenantCreated, tenant.id, summary),
            )?;
            audit::record(tx, tenant.id, &actor, user_created(&user))?;
            super::accounts::send_verification(tx, &user, &public_url)?;
            Ok((user, tenant))
        })
        .await
}

fn user_created(user: &User) -> Change {
    let summary = format!(
        "Created the account {} ({})",
        user.email,
        user.role.as_str()
    );
    Change::new(Action::UserCreated, user.id, summary).with(serde_json::json!({"role": user.role}))
}

fn email_taken(email: &str) -> Error {
    Error::conflict(format!("An account with the email {email} already exists"))
}

pub(crate) fn insert_user(
    tx: &mut Tx,
    tenant_id: u64,
    email: &str,
    full_name: Option<String>,
    role: Role,
    password_hash: String,
) -> Result<User> {
    let id = tx.next_id()?;
    if !tx.claim(&EMAIL_USER, email, (tenant_id, id))? {
        return Err(email_taken(email));
    }
    let user = User {
        id,
        tenant_id,
        email: email.to_string(),
        full_name: full_name.unwrap_or_else(|| default_name(email)),
        role,
        password_hash,
        email_verified: false,
        created_at: Timestamp::now(),
        agency_id: None,
    };
    tx.put(&USERS, tenant_id, id, &user)?;
    Ok(user)
}

/// Creates the instance's platform admin (from `hirebase init` or the first-start variables).
pub async fn create_platform_admin(
    store: &Store,
    passwords: &Passwords,
    email: &str,
    password: &str,
) -> Result<User> {
    let email = normalize_email(email);
    let mut v = Validator::new();
    validate_email(&mut v, "admin_email", &email);
    if let Err(e) = password::check_policy("admin_password", password) {
        v.add("admin_password", e.errors[0].message.clone());
    }
    v.finish()?;
    let hash = passwords.hash(password.to_string()).await?;
    store
        .write(move |tx| {
            let user = insert_user(tx, INSTANCE, &email, None, Role::PlatformAdmin, hash)?;
            audit::record(tx, INSTANCE, &Actor::system(), user_created(&user))?;
            Ok(user)
        })
        .await
}

pub fn has_platform_admin(store: &Store) -> Result<bool> {
    Ok(store.read()?.count(&USERS, INSTANCE)? > 0)
}

/// What a successful sign-in hands out.
pub struct SignedIn {
    pub user: User,
    pub access_token: String,
    pub expires_in: u64,
    /// The browser's session cookie value, valid as long as the session.
    pub session_token: String,
    pub session_ttl: u64,
}

pub async fn login(
    store: &Store,
    passwords: &Passwords,
    keys: &TokenKeys,
    ttl: &AuthConfig,
    email: &str,
    password: &str,
    ip: Option<String>,
) -> Result<SignedIn> {
    let email = normalize_email(email);
    let refused = || Error::unauthenticated("The email or password is incorrect.");
    if email.is_empty() || password.is_empty() || password.len() > 4 * password::MAX_LEN {
        return Err(refused());
    }
    let user = by_email(&store.read()?, &email)?;
    let ok = passwords
        .verify(
            password.to_string(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let user = match user {
        Some(user) if ok => user,
        _ => return Err(refused()),
    };
    // The right password of a suspended organisation's member: told why, not signed in.
    super::tenants::check_active(&store.read()?, user.tenant_id)?;
    let session_ttl = ttl.session_ttl_secs;
    let (uid, tid) = (user.id, user.tenant_id);
    let session = store
        .write(move |tx| {
            prune_expired_sessions(tx, tid, uid)?;
            let now = Timestamp::now();
            let session = Session {
                id: tx.next_id()?,
                user_id: uid,
                tenant_id: tid,
                created_at: now,
                expires_at: now.plus_secs(session_ttl as i64),
            };
            tx.put(&SESSIONS, tid, session.id, &session)?;
            tx.link(&USER_SESSIONS, tid, uid, session.id)?;
            let actor = Actor::public(&email, ip);
            audit::record(
                tx,
                tid,
                &actor,
                Change::new(Action::UserSignedIn, uid, format!("{email} signed in")),
            )?;
            Ok(session)
        })
        .await?;
    let now = Timestamp::now().unix();
    let claims = |exp: i64| Claims {
        sub: uid,
        tid,
        sid: session.id,
        iat: now,
        exp,
    };
    let access_token = keys.sign(&claims(now + ttl.access_token_ttl_secs as i64))?;
    let session_token = keys.sign(&claims(session.expires_at.unix()))?;
    Ok(SignedIn {
        user,
        access_token,
        expires_in: ttl.access_token_ttl_secs,
        session_token,
        session_ttl,
    })
}

fn prune_expired_sessions(tx: &mut Tx, tenant_id: u64, user_id: u64) -> Result<()> {
    let now = Timestamp::now();
    for sid in tx.members(&USER_SESSIONS, tenant_id, user_id)? {
        let expired = tx
            .get(&SESSIONS, tenant_id, sid)?
            .is_none_or(|s| s.expires_at <= now);
        if expired {
            tx.remove(&SESSIONS, tenant_id, sid)?;
            tx.unlink(&USER_SESSIONS, tenant_id, user_id, sid)?;
        }
    }
    Ok(())
}

/// Removes every expired session of the instance (the `expire-tokens` job); how many.
pub async fn expire_sessions(store: &Store) -> Result<u64> {
    let now = Timestamp::now();
    let mut expired = Vec::new();
    let mut after = None;
    loop {
        let rows = store.read()?.scan(&SESSIONS, after, 2_000)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.0);
        expired.extend(
            rows.into_iter()
                .filter(|(_, s)| s.expires_at <= now)
                .map(|((tenant, id), s)| (tenant, s.user_id, id)),
        );
    }
    let mut removed = 0;
    for chunk in expired.chunks(1_000) {
        let chunk = chunk.to_vec();
        removed += store
            .write(move |tx| {
                let mut n = 0;
                for (tenant, user, id) in chunk {
                    // A sign-in may have pruned it meanwhile.
                    if tx.remove(&SESSIONS, tenant, id)?.is_some() {
                        n += 1;
                    }
                    tx.unlink(&USER_SESSIONS, tenant, user, id)?;
                }
                Ok(n)
            })
            .await?;
    }
    Ok(removed)
}

/// Ends every session of a user except `keep`.
pub(crate) fn end_sessions(
    tx: &mut Tx,
    tenant_id: u64,
    user_id: u64,
    keep: Option<u64>,
) -> Result<()> {
    for sid in tx.members(&USER_SESSIONS, tenant_id, user_id)? {
        if Some(sid) != keep {
            tx.remove(&SESSIONS, tenant_id, sid)?;
            tx.unlink(&USER_SESSIONS, tenant_id, user_id, sid)?;
        }
    }
    Ok(())
}

pub async fn logout(store: &Store, who: &Identity) -> Result<()> {
    let Principal::User {
        user_id,
        session_id,
    } = who.principal
    else {
        return Err(Error::forbidden(
            "API keys have no session to end; revoke the key instead",
        ));
    };
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            tx.remove(&SESSIONS, tenant_id, session_id)?;
            tx.unlink(&USER_SESSIONS, tenant_id, user_id, session_id)?;
            let summary = format!("{} signed out", actor.label);
            audit::record(
                tx,
                tenant_id,
                &actor,
                Change::new(Action::UserSignedOut, user_id, summary),
            )
        })
        .await
}

/// The account of a (normalized) email, in whichever tenant it is.
pub fn by_email(rx: &impl Reader, email: &str) -> Result<Option<User>> {
    match rx.lookup(&EMAIL_USER, email)? {
        Some((tenant, id)) => rx.get(&USERS, tenant, id),
        None => Ok(None),
    }
}

pub fn me(store: &Store, who: &Identity) -> Result<User> {
    let user_id = who
        .user_id()
        .ok_or_else(|| Error::forbidden("API keys have no user profile"))?;
    store
        .read()?
        .get(&USERS, who.tenant_id, user_id)?
        .ok_or_else(|| Error::not_found("User", user_id))
}

#[derive(Debug, Clone, Default, Object)]
pub struct ProfilePatch {
    #[oai(validator(min_length = 1, max_length = 120))]
    pub full_name: Option<String>,
    /// A new password; needs `current_password`. Other sessions of the user end.
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: Option<String>,
    pub current_password: Option<String>,
}

pub async fn update_me(
    store: &Store,
    passwords: &Passwords,
    who: &Identity,
    patch: ProfilePatch,
) -> Result<User> {
    let user = me(store, who)?;
    let mut v = Validator::new();
    if let Some(n) = &patch.full_name {
        v.text("full_name", n, true, NAME_MAX);
    }
    if let Some(p) = &patch.password {
        if let Err(e) = password::check_policy("password", p) {
            v.add("password", e.errors[0].message.clone());
        }
        v.check(
            patch.current_password.is_some(),
            "current_password",
            "is required to change the password",
        );
    }
    v.finish()?;
    let new_hash = match (patch.password, patch.current_password) {
        (Some(new), Some(current)) => {
            if !passwords
                .verify(current, Some(user.password_hash.clone()))
                .await?
            {
                return Err(Error::invalid(
                    "current_password",
                    "is not the current password",
                ));
            }
            Some(passwords.hash(new).await?)
        }
        _ => None,
    };
    let (tenant_id, user_id) = (user.tenant_id, user.id);
    let keep = match who.principal {
        Principal::User { session_id, .. } => Some(session_id),
        Principal::ApiKey { .. } => None,
    };
    let full_name = patch.full_name.map(|n| n.trim().to_string());
    let actor = Actor::of(who);
    store
        .write(move |tx| {
            let mut user = tx
                .get(&USERS, tenant_id, user_id)?
                .ok_or_else(|| Error::not_found("User", user_id))?;
            if let Some(n) = full_name
                && n != user.full_name
            {
                user.full_name = n;
                let summary = format!("{} changed their name", user.email);
                audit::record(
                    tx,
                    tenant_id,
                    &actor,
                    Change::new(Action::UserUpdated, user_id, summary),
                )?;
            }
            if let Some(h) = new_hash {
                user.password_hash = h;
                end_sessions(tx, tenant_id, user_id, keep)?;
                let summary = format!(
                    "{} changed their password; other sessions ended",
                    user.email
                );
                audit::record(
                    tx,
                    tenant_id,
                    &actor,
                    Change::new(Action::UserPasswordChanged, user_id, summary),
                )?;
            }
            tx.put(&USERS, tenant_id, user_id, &user)?;
            Ok(user)
        })
        .await
}

pub fn team(store: &Store, tenant_id: u64, skip: usize, limit: usize) -> Result<(Vec<User>, u64)> {
    let rx = store.read()?;
    Ok((
        rx.list(&USERS, tenant_id, skip, limit)?,
        rx.count(&USERS, tenant_id)?,
    ))
}

fn org_admins(tx: &Tx, tenant_id: u64) -> Result<usize> {
    Ok(tx
        .list(&USERS, tenant_id, 0, usize::MAX)?
        .iter()
        .filter(|u| u.role == Role::OrgAdmin)
        .count())
}

/// Gives a member `role`; an `agency` member names their agency (`agency_id`), which any
/// other role drops.
pub async fn change_role(
    store: &Store,
    who: &Identity,
    user_id: u64,
    role: Role,
    agency_id: Option<u64>,
) -> Result<User> {
    if !role.is_tenant_role() {
        return Err(Error::invalid(
            "role",
            "must be a role within the organisation",
        ));
    }
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let mut user = tx
                .get(&USERS, tenant_id, user_id)?
                .ok_or_else(|| Error::not_found("User", user_id))?;
            let agency_id = structure::agency_of_role(tx, tenant_id, role, agency_id)?;
            if user.role == Role::OrgAdmin
                && role != Role::OrgAdmin
                && org_admins(tx, tenant_id)? <= 1
            {
                return Err(Error::business_rule(
                    "The organisation must keep at least one org_admin",
                ));
            }
            if user.role != role || user.agency_id != agency_id {
                let summary = format!(
                    "Changed the role of {} from {} to {}",
                    user.email,
                    user.role.as_str(),
                    role.as_str()
                );
                let details =
                    serde_json::json!({"from": user.role, "to": role, "agency_id": agency_id});
                audit::record(
                    tx,
                    tenant_id,
                    &actor,
                    Change::new(Action::UserRoleChanged, user_id, summary).with(details),
                )?;
            }
            user.role = role;
            user.agency_id = agency_id;
            tx.put(&USERS, tenant_id, user_id, &user)?;
            Ok(user)
        })
        .await
}

pub async fn remove_member(store: &Store, who: &Identity, user_id: u64) -> Result<()> {
    if who.user_id() == Some(user_id) {
        return Err(Error::business_rule(
            "You cannot remove yourself; ask another org_admin",
        ));
    }
    let (tenant_id, actor) = (who.tenant_id, Actor::of(who));
    store
        .write(move |tx| {
            let user = tx
                .get(&USERS, tenant_id, user_id)?
                .ok_or_else(|| Error::not_found("User", user_id))?;
            let summary = format!(
                "Removed {} ({}) from the organisation",
                user.email,
                user.role.as_str()
            );
            audit::record(
                tx,
                tenant_id,
                &actor,
                Change::new(Action::UserRemoved, user_id, summary),
            )?;
            if user.role == Role::OrgAdmin && org_admins(tx, tenant_id)? <= 1 {
                return Err(Error::business_rule(
                    "The organisation must keep at least one org_admin",
                ));
            }
            end_sessions(tx, tenant_id, user_id, None)?;
            tx.remove(&USERS, tenant_id, user_id)?;
            tx.release(&EMAIL_USER, &user.email)?;
            Ok(())
        })
        .await
}

pub fn tenant_of(store: &Store, user: &User) -> Result<Option<Tenant>> {
    store.read()?.get(&TENANTS, INSTANCE, user.tenant_id)
}
