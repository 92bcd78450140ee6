//! Claiming pending runs: one statement marks up to N of them running under
//! this worker's lease and returns them. PostgreSQL skips rows other workers
//! hold (`FOR UPDATE SKIP LOCKED`); SQLite's single writer makes the
//! statement atomic by itself.

use super::{placeholders, statement};
use crate::db::entities::runs;
use crate::db::{Backend, Db};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

/// Claims up to `limit` claimable runs of `tasks` for `owner` until `lease_until`.
pub async fn claim(
    db: &Db,
    owner: &str,
    tasks: &[String],
    limit: usize,
    now: i64,
    lease_until: i64,
) -> Result<Vec<runs::Model>, DbErr> {
    if tasks.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE runs SET state = 'running', attempt = attempt + 1, lease_owner = $1, lease_expires_at = $2, \
         started_at = COALESCE(started_at, $3) \
         WHERE id IN (SELECT id FROM runs WHERE state = 'pending' AND run_after <= $3 AND task IN ({tasks}) \
         ORDER BY run_after, created_at LIMIT $4{lock}) \
         RETURNING *",
        tasks = placeholders(5, tasks.len()),
    );
    let mut values =
        vec![owner.into(), lease_until.into(), now.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
    values.extend(tasks.iter().map(|task| task.as_str().into()));
    let rows = db.write.query_all_raw(statement(db.backend, &sql, values)).await?;
    rows.iter().map(|row| runs::Model::from_query_result(row, "")).collect()
}
