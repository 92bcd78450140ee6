//! Integration tests: the real engine, service, API and command line, on a
//! fresh SQLite file and a fresh PostgreSQL database per test, both built by
//! the real migrations. One binary, so the build links once.

// A failed unwrap in a test is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod api_access;
mod api_audit;
mod api_bulk;
mod api_bulk_exact;
mod api_hostile;
mod api_input;
mod api_openapi;
mod api_presets;
mod api_search;
mod api_search_bounded;
mod api_security;
mod api_sign_in;
mod cli;
mod db_checkpoints;
mod db_memory;

mod celery_broker;
mod celery_reconnect;
mod celery_runs;

mod engine_cancel;
mod engine_fencing;
mod engine_history;
mod engine_intake;
mod engine_leases;
mod engine_limits;
mod engine_notification_outbox;
mod engine_notifications;
mod engine_outcomes;
mod engine_poison;
mod engine_retries;
mod engine_schedules;
mod service_external;
mod service_runs;
mod web_limits;
