//! The rules of each domain, one module per domain. Handlers in `api/` stay thin and call here.

pub mod api_keys;
pub mod tenants;
pub mod users;
