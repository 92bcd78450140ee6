//! Recording how attempts ended, many runs in one statement: each run either
//! ends (success, failure, cancelled) or goes back to pending for a retry.
//! Only a run still held by this worker's lease is changed, so a run that
//! was rescued elsewhere is never recorded twice.

use super::{history, insertable, notify_work, statement};
use app::types::RunState;
use crate::db::entities::run_attempts;
use crate::db::{Backend, Db};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, TransactionTrait, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What an attempt's end does to its run.
#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    pub run_id: Uuid,
    pub task: String,
    /// `pending` for a retry, or the final state.
    pub state: &'static str,
    pub result: Option<String>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    /// `None` when the run goes back to pending.
    pub finished_at: Option<i64>,
    /// When a retry may be claimed.
    pub run_after: i64,
    pub progress_fraction: Option<f64>,
    pub progress_message: Option<String>,
    /// The attempt row to keep, for tasks that retry.
    pub attempt: Option<run_attempts::Model>,
}

/// The runs that `finish` changed: `(id, task, state)`.
pub type Finished = Vec<(Uuid, String, String)>;

/// Records `settlements` for runs held by `owner`, in one transaction, and
/// trims the history of the tasks whose runs ended.
pub async fn finish(
    db: &Db,
    owner: &str,
    settlements: &[Settlement],
    history_limit: impl Fn(&str) -> u32,
) -> Result<Finished, DbErr> {
    if settlements.is_empty() {
        return Ok(Vec::new());
    }
    let transaction = db.write.begin().await?;
    let mut finished = Vec::with_capacity(settlements.len());
    // SQLite allows 32766 bound values; a settlement has 9.
    for chunk in settlements.chunks(1000) {
        finished.extend(update_chunk(db.backend, &transaction, owner, chunk).await?);
    }
    let attempts: Vec<_> = settlements
        .iter()
        .filter(|settlement| finished.iter().any(|(id, _, _)| *id == settlement.run_id))
        .filter_map(|settlement| settlement.attempt.clone())
        .map(insertable)
        .collect();
    if !attempts.is_empty() {
        run_attempts::Entity::insert_many(attempts).exec_without_returning(&transaction).await?;
    }
    if finished.iter().any(|(_, _, state)| state == "pending") {
        notify_work(db, &transaction).await?;
    }
    let ended: BTreeMap<&str, u32> = finished
        .iter()
        .filter(|(_, _, state)| RunState::parse(state).is_some_and(RunState::is_finished))
        .map(|(_, task, _)| (task.as_str(), history_limit(task)))
        .collect();
    if db.backend == Backend::Sqlite {
        for (task, limit) in &ended {
            history::trim_in(db.backend, &transaction, task, *limit).await?;
        }
    }
    transaction.commit().await?;
    if db.backend == Backend::Postgres {
        for (task, limit) in &ended {
            history::trim_history(db, task, *limit).await?;
        }
    }
    Ok(finished)
}

async fn update_chunk(
    backend: Backend,
    connection: &impl ConnectionTrait,
    owner: &str,
    chunk: &[Settlement],
) -> Result<Finished, DbErr> {
    const COLUMNS: usize = 9;
    let mut values: Vec<Value> = Vec::with_capacity(1 + chunk.len() * COLUMNS);
    values.push(owner.into());
    let rows: Vec<String> = chunk
        .iter()
        .enumerate()
        .map(|(index, settlement)| {
            values.extend([
                settlement.run_id.into(),
                settlement.state.into(),
                settlement.result.clone().into(),
                settlement.error_kind.clone().into(),
                settlement.error_message.clone().into(),
                settlement.finished_at.into(),
                settlement.run_after.into(),
                settlement.progress_fraction.into(),
                settlement.progress_message.clone().into(),
            ]);
            format!("({})", super::placeholders(2 + index * COLUMNS, COLUMNS))
        })
        .collect();
    let sql = format!(
        "WITH done (d_id, d_state, d_result, d_error_kind, d_error_message, d_finished_at, d_run_after, \
         d_fraction, d_message) AS (VALUES {rows}) \
         UPDATE runs SET state = d_state, result = d_result, error_kind = d_error_kind, \
         error_message = d_error_message, finished_at = d_finished_at, run_after = d_run_after, \
         lease_owner = NULL, lease_expires_at = NULL, \
         progress_fraction = COALESCE(d_fraction, progress_fraction), \
         progress_message = COALESCE(d_message, progress_message) \
         FROM done WHERE id = d_id AND lease_owner = $1 AND state = 'running' \
         RETURNING id, task, state",
        rows = rows.join(", "),
    );
    let returned = connection.query_all_raw(statement(backend, &sql, values)).await?;
    returned
        .iter()
        .map(|row| Ok((row.try_get("", "id")?, row.try_get("", "task")?, row.try_get("", "state")?)))
        .collect()
}
