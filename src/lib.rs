//! hirebase: a self-hosted recruiting platform in one binary.

#[macro_use]
pub mod names;
pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod maintenance;
pub mod search;
pub mod semantic;
pub mod store;
pub mod time;
pub mod workers;

pub use app::App;

/// mimalloc serves the many short-lived allocations of indexing and JSON faster than glibc
/// (16% of an import's CPU was glibc malloc/free), and hands freed memory back to the system
/// on its own, including the 19 MiB buffers of each password hash.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
pub use config::Config;
