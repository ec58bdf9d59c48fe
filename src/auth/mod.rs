//! Passwords, tokens, API keys, roles, scopes and the request identity.

pub mod identity;
pub mod password;
pub mod roles;
pub mod setup;
pub mod token;

pub use identity::{Identity, Principal};
pub use roles::{Permission, PermissionName, Role, Scope};
