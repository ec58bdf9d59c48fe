//! Every table of the database, defined once. Names carry their layout version (`_v1`).
//!
//! Record tables are keyed `(scope, id)`: the scope is the owning tenant (0 for instance-wide
//! records such as tenants themselves), so a tenant's records are one contiguous key range and
//! a lookup with the wrong tenant simply finds nothing.

use super::{Index, Records, Unique};
use crate::domain::api_keys::{ApiKey, KeyUse};
use crate::domain::tenants::Tenant;
use crate::domain::users::{Session, User};

/// Instance-wide scope for records that belong to no tenant.
pub const INSTANCE: u64 = 0;

pub const TENANTS: Records<Tenant> = Records::new("tenants_v1");
pub const SLUG_TENANT: Unique = Unique::new("slug_tenant_v1");

pub const USERS: Records<User> = Records::new("users_v1");
pub const EMAIL_USER: Unique = Unique::new("email_user_v1");
pub const SESSIONS: Records<Session> = Records::new("sessions_v1");
/// (tenant, user) → that user's session ids, so a password change or removal ends them all.
pub const USER_SESSIONS: Index = Index::new("user_sessions_v1");

pub const API_KEYS: Records<ApiKey> = Records::new("api_keys_v1");
pub const KEY_HASH_API_KEY: Unique = Unique::new("key_hash_api_key_v1");
/// Keyed (api key id, use id): an append-only log per key.
pub const API_KEY_USES: Records<KeyUse> = Records::new("api_key_uses_v1");

pub(super) const RECORD_TABLES: &[&str] =
    &[TENANTS.name, USERS.name, SESSIONS.name, API_KEYS.name, API_KEY_USES.name];
pub(super) const UNIQUE_TABLES: &[&str] = &[SLUG_TENANT.name, EMAIL_USER.name, KEY_HASH_API_KEY.name];
pub(super) const INDEX_TABLES: &[&str] = &[USER_SESSIONS.name];
