//! Inserting runs, many in one transaction when many are started at once.
//! Columns a new run never sets (result, error, progress) take their
//! defaults. A run taken at once by this worker (see `engine::intake`) is
//! inserted running, at attempt 1, under this worker's lease on the
//! database's clock; any other run has no lease and attempt 0.

use super::audit::{NewAuditEvent, append_rows};
use super::batch::{self, Column, Kind};
use super::error::StoreError;
use super::notify_work;
use crate::clock::micros;
use crate::db::{Db, now_micros_sql};
use crate::engine::run::NewRun;
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use std::time::Duration;
use types::RunState;

const COLUMNS: [Column; 17] = [
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
    ("attempt", Kind::Int),
    ("lease_owner", Kind::Text),
];

/// The worker that holds the runs inserted running, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Taker<'a> {
    pub owner: &'a str,
    pub lease: Duration,
}

/// Inserts `runs`, with the audit entries of their start, in one
/// transaction and wakes the workers of every process.
pub async fn insert_runs(db: &Db, runs: &[NewRun], audit: &[NewAuditEvent]) -> Result<(), StoreError> {
    insert_taken(db, &runs.iter().collect::<Vec<_>>(), audit, None).await
}

/// [`insert_runs`], where the runs in state running are taken by `taker`
/// (claimed at once). The workers of every process are woken when a run
/// is left pending.
pub async fn insert_taken(
    db: &Db,
    runs: &[&NewRun],
    audit: &[NewAuditEvent],
    taker: Option<Taker<'_>>,
) -> Result<(), StoreError> {
    if runs.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    write_rows(db, &transaction, runs, taker).await?;
    append_rows(db, &transaction, audit).await?;
    if runs.iter().any(|run| run.state == RunState::Pending) {
        notify_work(db, &transaction).await?;
    }
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
    write_rows(db, connection, &runs.iter().collect::<Vec<_>>(), None).await
}

/// The INSERTs of `runs`, those in state running under `taker`'s lease.
async fn write_rows(
    db: &Db,
    connection: &impl ConnectionTrait,
    runs: &[&NewRun],
    taker: Option<Taker<'_>>,
) -> Result<(), StoreError> {
    let values: Vec<Vec<Value>> = runs.iter().map(|run| row_values(run, taker)).collect();
    let names = batch::names(&COLUMNS);
    let lease = taker.map_or(0, |taker| micros(taker.lease));
    let statements = batch::statements(db.backend, &COLUMNS, &values, "", &[lease.into()], |source, lease| {
        format!(
            "INSERT INTO runs ({names}, lease_expires_at) SELECT s.*, \
             CASE WHEN s.lease_owner IS NULL THEN NULL ELSE {db_now} + ${lease} END FROM ({source}) AS s",
            db_now = now_micros_sql(db.backend)
        )
    })?;
    for statement in statements {
        connection.execute_raw(statement).await?;
    }
    Ok(())
}

/// A run's values in the order of `COLUMNS`.
fn row_values(run: &NewRun, taker: Option<Taker<'_>>) -> Vec<Value> {
    let owner = taker.filter(|_| run.state == RunState::Running).map(|taker| taker.owner.to_owned());
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
        i32::from(owner.is_some()).into(),
        owner.into(),
    ]
}
