//! One integration-test binary (one link step): each module covers one area.

mod common;
#[path = "../../benches/harness/documents.rs"]
mod documents;
/// The benchmarks' data generator, tested with the suite (it is not part of the library).
#[path = "../../benches/harness/synth.rs"]
mod synth;

mod account;
mod accounts;
mod agency;
mod agent;
mod api_keys;
mod applications;
mod assistant;
mod audit;
mod auth;
mod backup;
mod browser;
mod candidates;
mod careers;
mod cli;
mod connections;
mod cron;
mod first_run;
mod flags;
mod import;
mod interviews;
mod jobs;
mod library;
mod marketplace;
mod matching;
mod matching_eval;
mod metrics;
mod openapi;
mod platform;
mod privacy;
mod rate_limits;
mod restart;
mod resumes;
mod search_index;
mod search_text;
mod semantic;
mod structure;
mod team;
mod tenancy;
mod ui;
mod upgrade;
mod uploads;
mod webhooks;
mod workflow;
