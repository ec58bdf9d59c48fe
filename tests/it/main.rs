//! One integration-test binary (one link step): each module covers one area.

mod common;

mod api_keys;
mod auth;
mod browser;
mod cli;
mod openapi;
mod platform;
mod restart;
mod team;
mod tenancy;
