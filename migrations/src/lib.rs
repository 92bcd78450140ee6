//! The one schema history of Task Starter, for SQLite and PostgreSQL alike.
//!
//! Migrations are applied in order by [`Migrator`]; each file is named
//! `mYYYYMMDD_HHMMSS_what.rs` and never changes once released.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_runs;
mod m20261128_000002_create_schedules;
mod m20261128_000003_create_accounts;
mod m20261201_000004_create_presets;
mod m20261202_000005_create_audit;
mod m20261204_000006_bounded_search;
mod m20261204_000007_notification_outbox;
mod m20261205_000008_run_handoffs;
mod m20261205_000009_claim_by_task;

/// The statements that make PostgreSQL's text index when `pg_trgm` can be
/// made; they change nothing when it is there, or cannot be.
pub use m20261204_000006_bounded_search::POSTGRES_TEXT as POSTGRES_TEXT_INDEX;

/// Applies every migration of this crate, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_runs::Migration),
            Box::new(m20261128_000002_create_schedules::Migration),
            Box::new(m20261128_000003_create_accounts::Migration),
            Box::new(m20261201_000004_create_presets::Migration),
            Box::new(m20261202_000005_create_audit::Migration),
            Box::new(m20261204_000006_bounded_search::Migration),
            Box::new(m20261204_000007_notification_outbox::Migration),
            Box::new(m20261205_000008_run_handoffs::Migration),
            Box::new(m20261205_000009_claim_by_task::Migration),
        ]
    }
}
