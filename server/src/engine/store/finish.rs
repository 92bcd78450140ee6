//! Recording how attempts ended, many runs in one statement: each run either
//! ends (success, failure, cancelled) or goes back to pending for a retry.
//! Only a run still running under this worker's lease and the settled
//! attempt is changed, so an execution whose run was taken back (rescued and
//! claimed again, here or elsewhere) records nothing.

use super::attempts::{AttemptRecord, record_attempts};
use super::batch::{self, Column, Kind};
use super::convert;
use super::error::StoreError;
use super::notify_work;
use crate::db::{Backend, Db};
use crate::engine::run::{Claim, Ended};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use std::collections::HashSet;
use types::{RunId, RunState};

/// What an attempt's end does to its run.
#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    pub claim: Claim,
    pub task: String,
    /// `Pending` for a retry, or the final state.
    pub state: RunState,
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
    pub attempt: Option<AttemptRecord>,
}

const SETTLEMENT: [Column; 10] = [
    ("id", Kind::Uuid),
    ("attempt", Kind::Int),
    ("state", Kind::Text),
    ("result", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("finished_at", Kind::BigInt),
    ("run_after", Kind::BigInt),
    ("progress_fraction", Kind::Double),
    ("progress_message", Kind::Text),
];

/// Records `settlements` of runs held by `owner`, in one transaction; returns
/// the runs it changed (a settlement whose claim was lost changes nothing).
pub async fn finish(db: &Db, owner: &str, settlements: &[Settlement]) -> Result<Vec<Ended>, StoreError> {
    if settlements.is_empty() {
        return Ok(Vec::new());
    }
    let transaction = db.write.begin().await?;
    let ended = update_runs(db.backend, &transaction, owner, settlements).await?;
    let changed: HashSet<RunId> = ended.iter().map(|ended| ended.id).collect();
    let attempts: Vec<&AttemptRecord> = settlements
        .iter()
        .filter(|settlement| changed.contains(&settlement.claim.run))
        .filter_map(|settlement| settlement.attempt.as_ref())
        .collect();
    record_attempts(db.backend, &transaction, &attempts).await?;
    if ended.iter().any(|ended| ended.state == RunState::Pending) {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(ended)
}

async fn update_runs(
    backend: Backend,
    connection: &impl ConnectionTrait,
    owner: &str,
    settlements: &[Settlement],
) -> Result<Vec<Ended>, StoreError> {
    let rows: Vec<Vec<Value>> = settlements
        .iter()
        .map(|settlement| {
            vec![
                settlement.claim.run.0.into(),
                i32::try_from(settlement.claim.attempt).unwrap_or(i32::MAX).into(),
                settlement.state.as_str().into(),
                settlement.result.clone().into(),
                settlement.error_kind.clone().into(),
                settlement.error_message.clone().into(),
                settlement.finished_at.into(),
                settlement.run_after.into(),
                settlement.progress_fraction.into(),
                settlement.progress_message.clone().into(),
            ]
        })
        .collect();
    let assignments = "state = d_state, result = d_result, error_kind = d_error_kind, \
        error_message = d_error_message, finished_at = d_finished_at, run_after = d_run_after, \
        lease_owner = NULL, lease_expires_at = NULL, \
        progress_fraction = COALESCE(d_progress_fraction, progress_fraction), \
        progress_message = COALESCE(d_progress_message, progress_message)";
    let running = RunState::Running.as_str();
    let statements = batch::statements(backend, &SETTLEMENT, &rows, "d_", &[owner.into()], |source, owner| {
        let condition = format!(
            "id = d_id AND attempt = d_attempt AND lease_owner = ${owner} AND state = '{running}' \
             RETURNING id, task, state, run_after"
        );
        match backend {
            // PostgreSQL joins the batch to the table with a hash join.
            Backend::Postgres => format!("UPDATE runs SET {assignments} FROM ({source}) AS done WHERE {condition}"),
            // SQLite must see the batch as a table of its own, or it scans
            // `runs` for every row of the batch instead of looking ids up.
            Backend::Sqlite => {
                format!(
                    "WITH done AS MATERIALIZED ({source}) UPDATE runs SET {assignments} FROM done WHERE {condition}"
                )
            }
        }
    })?;
    let mut ended = Vec::with_capacity(settlements.len());
    for update in statements {
        for row in connection.query_all_raw(update).await? {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let state: String = row.try_get("", "state")?;
            ended.push(Ended {
                id: RunId(id),
                task: row.try_get("", "task")?,
                state: convert::state("runs", id, &state)?,
                run_after: row.try_get("", "run_after")?,
            });
        }
    }
    Ok(ended)
}
