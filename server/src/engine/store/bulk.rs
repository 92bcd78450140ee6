//! The statements of a bulk action: holding the runs it selected (so that
//! the history cap keeps them until their turn), and acting on one batch of
//! them in one transaction together with the audit entries that describe
//! the batch, so that what a bulk action did is always on record, however
//! far it got.

use super::audit::{NewAuditEvent, append_rows};
use super::error::StoreError;
use super::insert::insert_rows;
use super::notify_work;
use crate::db::{Backend, Db, placeholders, statement};
use crate::engine::run::{Ended, NewRun};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use types::{Origin, RunId, RunState};

/// Runs a hold names in one statement.
const HOLD_CHUNK: usize = 500;

/// Holds `ids` until `until` (µs): the history cap leaves them alone until
/// they are released, or the hold runs out.
pub async fn hold(db: &Db, ids: &[RunId], until: i64) -> Result<(), StoreError> {
    for chunk in ids.chunks(HOLD_CHUNK) {
        let sql = format!("UPDATE runs SET held_until = $1 WHERE id IN ({})", placeholders(2, chunk.len()));
        let mut values = vec![Value::from(until)];
        values.extend(chunk.iter().map(|id| Value::from(id.0)));
        db.write.execute_raw(statement(db.backend, &sql, values)).await?;
    }
    Ok(())
}

/// Releases the holds on `ids` (what is left of them after a bulk action).
pub async fn release(db: &Db, ids: &[RunId]) -> Result<(), StoreError> {
    for chunk in ids.chunks(HOLD_CHUNK) {
        release_in(db.backend, &db.write, chunk).await?;
    }
    Ok(())
}

async fn release_in(backend: Backend, connection: &impl ConnectionTrait, ids: &[RunId]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!("UPDATE runs SET held_until = NULL WHERE id IN ({})", placeholders(1, ids.len()));
    connection.execute_raw(statement(backend, &sql, ids.iter().map(|id| Value::from(id.0)).collect())).await?;
    Ok(())
}

/// Inserts a batch of re-runs with their audit entries and releases the
/// holds on the runs they re-run, in one transaction.
pub async fn rerun_batch(
    db: &Db,
    runs: &[NewRun],
    audit: &[NewAuditEvent],
    originals: &[RunId],
) -> Result<(), StoreError> {
    let transaction = db.write.begin().await?;
    insert_rows(db, &transaction, runs).await?;
    append_rows(db, &transaction, audit).await?;
    release_in(db.backend, &transaction, originals).await?;
    if !runs.is_empty() {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// What a batch of cancels changed.
#[derive(Debug, Default)]
pub struct Cancelled {
    /// Runs that ended as cancelled now (pending runs, and external runs).
    pub ended: Vec<Ended>,
    /// Running runs asked to stop; they end once their task stops.
    pub flagged: Vec<RunId>,
}

/// Cancels the pending and running runs among `ids`, and appends the audit
/// entries `audit_for` makes of what changed, in one transaction. Pending
/// runs (and runs another system runs and reports) end now; running ones
/// are asked to stop. Runs that ended already are left alone.
pub async fn cancel_batch(
    db: &Db,
    ids: &[RunId],
    now: i64,
    message: &str,
    audit_for: impl FnOnce(&Cancelled) -> Vec<NewAuditEvent>,
) -> Result<Cancelled, StoreError> {
    let mut cancelled = Cancelled::default();
    if ids.is_empty() {
        return Ok(cancelled);
    }
    let transaction = db.write.begin().await?;
    let listed = placeholders(4, ids.len());
    let end = format!(
        "UPDATE runs SET state = '{cancelled}', finished_at = $1, error_kind = 'cancelled', error_message = $2, \
         cancel_requested = TRUE WHERE id IN ({listed}) AND (state = '{pending}' OR (state = '{running}' AND origin = $3)) \
         RETURNING id, task, run_after",
        cancelled = RunState::Cancelled.as_str(),
        pending = RunState::Pending.as_str(),
        running = RunState::Running.as_str(),
    );
    let mut values = vec![Value::from(now), Value::from(message), Value::from(Origin::External.as_str())];
    values.extend(ids.iter().map(|id| Value::from(id.0)));
    for row in transaction.query_all_raw(statement(db.backend, &end, values)).await? {
        cancelled.ended.push(Ended {
            id: RunId(row.try_get("", "id")?),
            task: row.try_get("", "task")?,
            state: RunState::Cancelled,
            run_after: row.try_get("", "run_after")?,
        });
    }
    let flag = format!(
        "UPDATE runs SET cancel_requested = TRUE WHERE id IN ({}) AND state = '{running}' AND origin <> $1 \
         RETURNING id",
        placeholders(2, ids.len()),
        running = RunState::Running.as_str(),
    );
    let mut values = vec![Value::from(Origin::External.as_str())];
    values.extend(ids.iter().map(|id| Value::from(id.0)));
    for row in transaction.query_all_raw(statement(db.backend, &flag, values)).await? {
        cancelled.flagged.push(RunId(row.try_get("", "id")?));
    }
    append_rows(db, &transaction, &audit_for(&cancelled)).await?;
    transaction.commit().await?;
    Ok(cancelled)
}
