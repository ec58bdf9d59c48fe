//! One integration-test binary (one link step): each module covers one area.

mod common;

mod api_keys;
mod applications;
mod audit;
mod auth;
mod browser;
mod candidates;
mod careers;
mod cli;
mod connections;
mod import;
mod interviews;
mod jobs;
mod openapi;
mod platform;
mod restart;
mod search_index;
mod team;
mod tenancy;
mod ui;
mod webhooks;
mod workflow;
