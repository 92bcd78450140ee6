//! Cancelling: a pending run ends at once; a running one is flagged, and its
//! worker tells the task (at once in-process or by notification, else at
//! its next heartbeat).

use super::error::StoreError;
use crate::db::{Db, statement};
use crate::engine::run::Ended;
use sea_orm::ConnectionTrait;
use types::{RunId, RunState};

/// Ends a pending run as cancelled; `None` when it was not pending.
pub async fn cancel_pending(db: &Db, id: RunId, now: i64, message: &str) -> Result<Option<Ended>, StoreError> {
    let sql = format!(
        "UPDATE runs SET state = '{cancelled}', finished_at = $1, error_kind = 'cancelled', error_message = $2, \
         cancel_requested = TRUE WHERE id = $3 AND state = '{pending}' RETURNING task, run_after",
        cancelled = RunState::Cancelled.as_str(),
        pending = RunState::Pending.as_str(),
    );
    let row =
        db.write.query_one_raw(statement(db.backend, &sql, vec![now.into(), message.into(), id.0.into()])).await?;
    Ok(match row {
        Some(row) => Some(Ended {
            id,
            task: row.try_get("", "task")?,
            state: RunState::Cancelled,
            run_after: row.try_get("", "run_after")?,
        }),
        None => None,
    })
}

/// Asks a running run to stop; false when it was not running.
pub async fn flag_cancel(db: &Db, id: RunId) -> Result<bool, StoreError> {
    let sql = format!(
        "UPDATE runs SET cancel_requested = TRUE WHERE id = $1 AND state = '{running}'",
        running = RunState::Running.as_str()
    );
    let changed = db.write.execute_raw(statement(db.backend, &sql, vec![id.0.into()])).await?;
    Ok(changed.rows_affected() == 1)
}

/// Tells every process that `id` should stop (PostgreSQL only).
pub async fn notify_cancel(db: &Db, id: RunId) -> Result<(), StoreError> {
    if db.postgres_pool().is_some() {
        db.write
            .execute_raw(statement(
                db.backend,
                "SELECT pg_notify($1, $2)",
                vec![super::CANCEL_CHANNEL.into(), id.to_string().into()],
            ))
            .await?;
    }
    Ok(())
}
