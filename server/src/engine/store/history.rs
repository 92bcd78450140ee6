//! The history cap: keep the newest N runs of a task, never deleting a run
//! that has not finished (and keeping the arguments of those it deletes
//! among the task's recent arguments).
//!
//! A run that a bulk action holds (`held_until` still ahead) is kept until
//! the action has re-run it; the trim after the action's end takes it.
//!
//! A trim runs in its own transaction after the change it follows has
//! committed, behind a per-task advisory lock on PostgreSQL: trims of one
//! task then run one at a time and each sees every committed run, so the cap
//! holds however many starts and finishes race. (SQLite's single writer
//! serialises them by itself.)

use super::error::StoreError;
use super::finished_states_sql;
use super::recent::keep_arguments;
use crate::db::{Backend, Db, statement};
use sea_orm::{ConnectionTrait, TransactionTrait};

/// Trims `task` to `limit` runs in a transaction of its own (PostgreSQL) or
/// directly (SQLite).
pub async fn trim_history(db: &Db, task: &str, limit: u32) -> Result<u64, StoreError> {
    let transaction = db.write.begin().await?;
    if db.backend == Backend::Postgres {
        transaction
            .execute_raw(statement(
                db.backend,
                "SELECT pg_advisory_xact_lock(hashtext('task_starter.history:' || $1))",
                vec![task.into()],
            ))
            .await?;
    }
    let deleted = trim_in(db.backend, &transaction, task, limit).await?;
    transaction.commit().await?;
    Ok(deleted)
}

/// The DELETE itself, inside the trim's transaction. The arguments of the
/// runs it deletes are kept among the task's recent arguments.
async fn trim_in(
    backend: Backend,
    connection: &impl ConnectionTrait,
    task: &str,
    limit: u32,
) -> Result<u64, StoreError> {
    let sql = format!(
        "DELETE FROM runs WHERE task = $1 AND state IN {finished} AND (created_at, id) < \
         (SELECT created_at, id FROM runs WHERE task = $1 ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $2) \
         AND (held_until IS NULL OR held_until < $3) RETURNING arguments, created_at",
        finished = finished_states_sql()
    );
    let offset = i64::from(limit.max(1) - 1);
    let rows = connection
        .query_all_raw(statement(backend, &sql, vec![task.into(), offset.into(), crate::clock::now_micros().into()]))
        .await?;
    let leaving = rows
        .iter()
        .map(|row| Ok((row.try_get::<String>("", "arguments")?, row.try_get::<i64>("", "created_at")?)))
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    keep_arguments(backend, connection, task, &leaving).await?;
    Ok(u64::try_from(leaving.len()).unwrap_or(u64::MAX))
}
