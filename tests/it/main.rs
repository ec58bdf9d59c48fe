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
mod import;
mod jobs;
mod openapi;
mod platform;
mod restart;
mod search_index;
mod search_text;
mod team;
mod tenancy;
mod webhooks;
mod workflow;
