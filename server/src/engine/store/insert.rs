//! Inserting runs, many in one transaction when many are started at once.
//! Columns a new run never sets (result, error, progress, lease, the
//! attempt counter) take their defaults.

use super::audit::{NewAuditEvent, append_rows};
use super::batch::{self, Column, Kind};
use super::error::StoreError;
use super::notify_work;
use crate::db::Db;
use crate::engine::run::NewRun;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};

const COLUMNS: [Column; 15] = [
    ("id", Kind::Uuid),
    ("task", Kind::Text),
    ("arguments", Kind::Text),
    ("state", Kind::Text),
    ("started_by_kind", Kind::Text),
    ("started_by_name", Kind::Text),
    ("run_as", Kind::Text),
    ("origin", Kind::Text),
    ("rerun_of", Kind::Uuid),
    ("max_attempts", Kind::Int),
    ("created_at", Kind::BigInt),
    ("started_at", Kind::BigInt),
    ("finished_at", Kind::BigInt),
    ("run_after", Kind::BigInt),
    ("track_fingerprint", Kind::Text),
];

/// Inserts `runs`, with the audit entries of their start, in one
/// transaction and wakes the workers of every process.
pub async fn insert_runs(db: &Db, runs: &[NewRun], audit: &[NewAuditEvent]) -> Result<(), StoreError> {
    if runs.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    insert_rows(db, &transaction, runs).await?;
    append_rows(db, &transaction, audit).await?;
    notify_work(db, &transaction).await?;
    transaction.commit().await?;
    Ok(())
}

/// Inserts a run that another system already executes (a Celery task that
/// other code sent), marked as handed off in the same transaction, so that
/// whoever claims it follows it and never sends it again.
pub async fn insert_handed_off(db: &Db, run: &NewRun) -> Result<(), StoreError> {
    let transaction = db.write.begin().await?;
    insert_rows(db, &transaction, std::slice::from_ref(run)).await?;
    let mark = "INSERT INTO run_handoffs (run_id, handed_at) VALUES ($1, $2)";
    transaction
        .execute_raw(crate::db::statement(db.backend, mark, vec![run.id.0.into(), run.created_at.into()]))
        .await?;
    notify_work(db, &transaction).await?;
    transaction.commit().await?;
    Ok(())
}

/// The INSERTs alone, inside the caller's transaction.
pub async fn insert_rows(db: &Db, connection: &impl ConnectionTrait, runs: &[NewRun]) -> Result<(), StoreError> {
    let values: Vec<Vec<Value>> = runs.iter().map(row_values).collect();
    batch::insert(db.backend, connection, "runs", &COLUMNS, &values).await?;
    Ok(())
}

/// A run's values in the order of `COLUMNS`.
fn row_values(run: &NewRun) -> Vec<Value> {
    vec![
        run.id.0.into(),
        run.task.clone().into(),
        run.arguments.to_string().into(),
        run.state.as_str().into(),
        run.started_by.kind.as_str().into(),
        run.started_by.name.clone().into(),
        run.run_as.clone().into(),
        run.origin.as_str().into(),
        run.rerun_of.map(|id| id.0).into(),
        i32::try_from(run.max_attempts).unwrap_or(i32::MAX).into(),
        run.created_at.into(),
        run.started_at.into(),
        run.finished_at.into(),
        run.created_at.into(),
        run.track_fingerprint.clone().into(),
    ]
}
