//! Background work that runs beside the HTTP server.

pub mod usage;
pub mod webhooks;
