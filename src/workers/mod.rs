//! Background work that runs beside the HTTP server.

pub mod admin_socket;
pub mod mail;
pub mod scheduler;
pub mod usage;
pub mod webhooks;
