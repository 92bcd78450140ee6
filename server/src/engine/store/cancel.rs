//! Cancelling: a pending run ends at once; a running one is flagged, and its
//! worker tells the task (at once in-process or by notification, else at
//! its next heartbeat).

use super::statement;
use crate::db::Db;
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// Ends a pending run as cancelled; false when it was not pending.
pub async fn cancel_pending(db: &Db, id: Uuid, now: i64, message: &str) -> Result<bool, DbErr> {
    let changed = db
        .write
        .execute_raw(statement(
            db.backend,
            "UPDATE runs SET state = 'cancelled', finished_at = $1, error_kind = 'cancelled', error_message = $2, \
             cancel_requested = TRUE WHERE id = $3 AND state = 'pending'",
            vec![now.into(), message.into(), id.into()],
        ))
        .await?;
    Ok(changed.rows_affected() == 1)
}

/// Asks a running run to stop; false when it was not running.
pub async fn flag_cancel(db: &Db, id: Uuid) -> Result<bool, DbErr> {
    let changed = db
        .write
        .execute_raw(statement(
            db.backend,
            "UPDATE runs SET cancel_requested = TRUE WHERE id = $1 AND state = 'running'",
            vec![id.into()],
        ))
        .await?;
    Ok(changed.rows_affected() == 1)
}

/// Tells every process that `id` should stop (PostgreSQL only).
pub async fn notify_cancel(db: &Db, id: Uuid) -> Result<(), DbErr> {
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
