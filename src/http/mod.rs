//! HTTP plumbing shared by every endpoint: problem documents, the request context and
//! limits, pagination, the embedded UI, and the server loop with its connection limits.

pub mod assets;
pub mod careers_page;
pub mod context;
pub mod cron;
pub mod explain;
pub mod metrics;
pub mod problem;
pub mod rate_limit;
pub mod server;
