//! The rules of each domain, one module per domain. Handlers in `api/` stay thin and call here.

pub mod accounts;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod candidates;
pub mod careers;
pub mod engagements;
pub mod fields;
pub mod flags;
pub mod import;
pub mod indexing;
pub mod insights;
pub mod interviews;
pub mod jobs;
pub mod mail;
pub mod matching;
pub mod migrations;
pub mod offers;
pub mod people;
pub mod projects;
pub mod tenants;
pub mod tokens;
pub mod users;
pub mod webhooks;
