//! Background work that runs beside the HTTP server.

pub mod mail;
pub mod scheduler;
pub mod usage;
pub mod webhooks;
