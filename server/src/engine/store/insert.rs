//! Inserting runs, many in one transaction when many are started at once.

use super::batch::{self, Column, Kind};
use super::notify_work;
use crate::db::Db;
use crate::db::entities::runs;
use sea_orm::{ConnectionTrait, DbErr, TransactionTrait, Value};

/// A run about to be inserted (also what it looks like once inserted).
pub type NewRun = runs::Model;

const COLUMNS: [Column; 24] = [
    ("id", Kind::Uuid),
    ("task", Kind::Text),
    ("arguments", Kind::Text),
    ("state", Kind::Text),
    ("result", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("started_by_kind", Kind::Text),
    ("started_by_name", Kind::Text),
    ("run_as", Kind::Text),
    ("origin", Kind::Text),
    ("rerun_of", Kind::Uuid),
    ("attempt", Kind::Int),
    ("max_attempts", Kind::Int),
    ("progress_fraction", Kind::Double),
    ("progress_message", Kind::Text),
    ("created_at", Kind::BigInt),
    ("started_at", Kind::BigInt),
    ("finished_at", Kind::BigInt),
    ("run_after", Kind::BigInt),
    ("lease_owner", Kind::Text),
    ("lease_expires_at", Kind::BigInt),
    ("cancel_requested", Kind::Bool),
    ("track_fingerprint", Kind::Text),
];

/// Inserts `rows` in one transaction and wakes the workers of every process.
pub async fn insert_runs(db: &Db, rows: &[NewRun]) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    insert_rows(db, &transaction, rows).await?;
    notify_work(db, &transaction).await?;
    transaction.commit().await
}

/// The INSERTs alone, inside the caller's transaction.
pub async fn insert_rows(db: &Db, connection: &impl ConnectionTrait, rows: &[NewRun]) -> Result<(), DbErr> {
    let values: Vec<Vec<Value>> = rows.iter().map(row_values).collect();
    let columns = batch::names(&COLUMNS);
    let statements = batch::statements(db.backend, &COLUMNS, &values, "", &[], |source, _| {
        format!("INSERT INTO runs ({columns}) {source}")
    })?;
    for statement in statements {
        connection.execute_raw(statement).await?;
    }
    Ok(())
}

/// A run's values in the order of `COLUMNS`.
fn row_values(run: &runs::Model) -> Vec<Value> {
    vec![
        run.id.into(),
        run.task.clone().into(),
        run.arguments.clone().into(),
        run.state.clone().into(),
        run.result.clone().into(),
        run.error_kind.clone().into(),
        run.error_message.clone().into(),
        run.started_by_kind.clone().into(),
        run.started_by_name.clone().into(),
        run.run_as.clone().into(),
        run.origin.clone().into(),
        run.rerun_of.into(),
        run.attempt.into(),
        run.max_attempts.into(),
        run.progress_fraction.into(),
        run.progress_message.clone().into(),
        run.created_at.into(),
        run.started_at.into(),
        run.finished_at.into(),
        run.run_after.into(),
        run.lease_owner.clone().into(),
        run.lease_expires_at.into(),
        run.cancel_requested.into(),
        run.track_fingerprint.clone().into(),
    ]
}
