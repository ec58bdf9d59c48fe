//! hirebase: a self-hosted recruiting platform in one binary.

pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod search;
pub mod store;
pub mod synth;
pub mod time;
pub mod workers;

pub use app::App;
pub use config::Config;
