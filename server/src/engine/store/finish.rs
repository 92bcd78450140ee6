//! Recording how attempts ended, many runs in one statement: each run either
//! ends (success, failure, cancelled) or goes back to pending for a retry.
//! Only a run still held by this worker's lease is changed, so a run that
//! was rescued elsewhere is never recorded twice.

use super::batch::{self, Column, Kind};
use super::{notify_work, statement};
use crate::db::entities::run_attempts;
use crate::db::{Backend, Db};
use sea_orm::{ConnectionTrait, DbErr, TransactionTrait};
use serde::Serialize;
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

const SETTLEMENT: [Column; 9] = [
    ("id", Kind::Uuid),
    ("state", Kind::Text),
    ("result", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("finished_at", Kind::BigInt),
    ("run_after", Kind::BigInt),
    ("progress_fraction", Kind::Double),
    ("progress_message", Kind::Text),
];

const ATTEMPT: [Column; 8] = [
    ("run_id", Kind::Uuid),
    ("attempt", Kind::Int),
    ("worker", Kind::Text),
    ("state", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("started_at", Kind::BigInt),
    ("finished_at", Kind::BigInt),
];

#[derive(Serialize)]
struct SettlementRow<'a> {
    id: String,
    state: &'a str,
    result: Option<&'a str>,
    error_kind: Option<&'a str>,
    error_message: Option<&'a str>,
    finished_at: Option<i64>,
    run_after: i64,
    progress_fraction: Option<f64>,
    progress_message: Option<&'a str>,
}

#[derive(Serialize)]
struct AttemptRow<'a> {
    run_id: String,
    attempt: i32,
    worker: &'a str,
    state: &'a str,
    error_kind: Option<&'a str>,
    error_message: Option<&'a str>,
    started_at: i64,
    finished_at: i64,
}

/// Records `settlements` for runs held by `owner`, in one transaction.
pub async fn finish(db: &Db, owner: &str, settlements: &[Settlement]) -> Result<Finished, DbErr> {
    if settlements.is_empty() {
        return Ok(Vec::new());
    }
    let transaction = db.write.begin().await?;
    let finished = update_runs(db.backend, &transaction, owner, settlements).await?;
    let attempts: Vec<AttemptRow<'_>> = settlements
        .iter()
        .filter(|settlement| finished.iter().any(|(id, _, _)| *id == settlement.run_id))
        .filter_map(|settlement| settlement.attempt.as_ref())
        .map(|attempt| AttemptRow {
            run_id: batch::uuid(attempt.run_id),
            attempt: attempt.attempt,
            worker: &attempt.worker,
            state: &attempt.state,
            error_kind: attempt.error_kind.as_deref(),
            error_message: attempt.error_message.as_deref(),
            started_at: attempt.started_at,
            finished_at: attempt.finished_at,
        })
        .collect();
    if !attempts.is_empty() {
        let sql = format!(
            "INSERT INTO run_attempts ({}) {}",
            batch::names(&ATTEMPT),
            batch::select_rows(db.backend, &ATTEMPT, 1, "")
        );
        transaction.execute_raw(statement(db.backend, &sql, vec![json(&attempts)?.into()])).await?;
    }
    if finished.iter().any(|(_, _, state)| state == "pending") {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(finished)
}

async fn update_runs(
    backend: Backend,
    connection: &impl ConnectionTrait,
    owner: &str,
    settlements: &[Settlement],
) -> Result<Finished, DbErr> {
    let rows: Vec<SettlementRow<'_>> = settlements
        .iter()
        .map(|settlement| SettlementRow {
            id: batch::uuid(settlement.run_id),
            state: settlement.state,
            result: settlement.result.as_deref(),
            error_kind: settlement.error_kind.as_deref(),
            error_message: settlement.error_message.as_deref(),
            finished_at: settlement.finished_at,
            run_after: settlement.run_after,
            progress_fraction: settlement.progress_fraction,
            progress_message: settlement.progress_message.as_deref(),
        })
        .collect();
    let sql = format!(
        "UPDATE runs SET state = d_state, result = d_result, error_kind = d_error_kind, \
         error_message = d_error_message, finished_at = d_finished_at, run_after = d_run_after, \
         lease_owner = NULL, lease_expires_at = NULL, \
         progress_fraction = COALESCE(d_progress_fraction, progress_fraction), \
         progress_message = COALESCE(d_progress_message, progress_message) \
         FROM ({}) AS done WHERE id = d_id AND lease_owner = $2 AND state = 'running' \
         RETURNING id, task, state",
        batch::select_rows(backend, &SETTLEMENT, 1, "d_")
    );
    let returned = connection.query_all_raw(statement(backend, &sql, vec![json(&rows)?.into(), owner.into()])).await?;
    returned
        .iter()
        .map(|row| Ok((row.try_get("", "id")?, row.try_get("", "task")?, row.try_get("", "state")?)))
        .collect()
}

fn json<T: Serialize>(rows: &T) -> Result<String, DbErr> {
    serde_json::to_string(rows).map_err(|error| DbErr::Custom(error.to_string()))
}
