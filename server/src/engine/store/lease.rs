//! Leases: a worker renews the claims it still executes by heartbeat; a run
//! whose lease ran out (its worker died or stalled) is rescued by any
//! worker: re-queued when it has attempts left, otherwise ended as
//! `failure` with error kind `worker_lost`. Expiry is measured on the
//! database's clock.

use super::attempts::{AttemptRecord, record_attempts};
use super::batch::{self, Column, Kind};
use super::error::StoreError;
use super::notify_work;
use crate::clock::micros;
use crate::db::{Backend, Db, now_micros_sql, statement};
use crate::engine::run::{Claim, Ended};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value};
use std::time::Duration;
use types::{RunId, RunState};
use uuid::Uuid;

const HELD: [Column; 2] = [("id", Kind::Uuid), ("attempt", Kind::Int)];

/// A claim the heartbeat renewed, and whether someone asked to cancel its run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Renewed {
    pub claim: Claim,
    pub cancel_requested: bool,
}

/// Renews, for `lease` from now, each of `held` that is still running under
/// `owner` and that attempt; a claim missing from the answer was taken back.
pub async fn heartbeat(db: &Db, owner: &str, held: &[Claim], lease: Duration) -> Result<Vec<Renewed>, StoreError> {
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Vec<Value>> = held
        .iter()
        .map(|claim| vec![claim.run.0.into(), i32::try_from(claim.attempt).unwrap_or(i32::MAX).into()])
        .collect();
    let db_now = now_micros_sql(db.backend);
    let running = RunState::Running.as_str();
    let extras = [owner.into(), micros(lease).into()];
    let statements = batch::statements(db.backend, &HELD, &rows, "h_", &extras, |source, first| {
        let (owner, lease) = (first, first + 1);
        let update = format!(
            "UPDATE runs SET lease_expires_at = {db_now} + ${lease} FROM held \
             WHERE id = h_id AND attempt = h_attempt AND lease_owner = ${owner} AND state = '{running}' \
             RETURNING id, attempt, cancel_requested"
        );
        match db.backend {
            Backend::Postgres => format!("WITH held AS ({source}) {update}"),
            Backend::Sqlite => format!("WITH held AS MATERIALIZED ({source}) {update}"),
        }
    })?;
    let mut renewed = Vec::with_capacity(held.len());
    for update in statements {
        for row in db.write.query_all_raw(update).await? {
            let attempt: i32 = row.try_get("", "attempt")?;
            renewed.push(Renewed {
                claim: Claim { run: RunId(row.try_get("", "id")?), attempt: u32::try_from(attempt).unwrap_or(0) },
                cancel_requested: row.try_get("", "cancel_requested")?,
            });
        }
    }
    Ok(renewed)
}

/// A running run whose lease has expired.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct LostRun {
    pub id: Uuid,
    pub task: String,
    pub attempt: i32,
    pub max_attempts: i32,
    pub lease_owner: Option<String>,
    pub started_at: Option<i64>,
    pub cancel_requested: bool,
}

impl LostRun {
    /// Where the run goes now: cancelled if that was asked, pending if it has
    /// attempts left or executes elsewhere (a Celery run, which the next
    /// claim sends or follows), failure otherwise.
    pub fn next_state(&self, executes_elsewhere: bool) -> RunState {
        if self.cancel_requested {
            RunState::Cancelled
        } else if self.attempt < self.max_attempts || executes_elsewhere {
            RunState::Pending
        } else {
            RunState::Failure
        }
    }
}

/// Runs whose lease has expired (at most 500 at a time).
pub async fn lost_runs(db: &Db) -> Result<Vec<LostRun>, StoreError> {
    let sql = format!(
        "SELECT id, task, attempt, max_attempts, lease_owner, started_at, cancel_requested FROM runs \
         WHERE state = '{running}' AND lease_expires_at < {db_now} ORDER BY lease_expires_at LIMIT 500",
        running = RunState::Running.as_str(),
        db_now = now_micros_sql(db.backend),
    );
    let rows = db.read.query_all_raw(statement(db.backend, &sql, Vec::new())).await?;
    Ok(rows.iter().map(|row| LostRun::from_query_result(row, "")).collect::<Result<_, _>>()?)
}

/// Takes back `lost` runs. Each update checks that the run is still running
/// under the same attempt and the same expired lease, so among racing
/// rescuers exactly one wins. `elsewhere` says which tasks' runs execute on
/// another system (they go back to the queue to be followed again).
/// Returns the runs this call rescued; `now` (this host's clock) is when
/// those that end, ended.
pub async fn rescue(
    db: &Db,
    lost: &[LostRun],
    elsewhere: impl Fn(&str) -> bool,
    now: i64,
) -> Result<Vec<Ended>, StoreError> {
    let transaction = db.write.begin().await?;
    let sql = format!(
        "UPDATE runs SET state = $1, run_after = $2, finished_at = $3, error_kind = $4, error_message = $5, \
         lease_owner = NULL, lease_expires_at = NULL \
         WHERE id = $6 AND state = '{running}' AND attempt = $7 AND lease_owner = $8 AND lease_expires_at < {db_now}",
        running = RunState::Running.as_str(),
        db_now = now_micros_sql(db.backend),
    );
    let mut rescued = Vec::new();
    let mut attempts = Vec::new();
    for run in lost {
        let owner = run.lease_owner.clone().unwrap_or_default();
        let state = run.next_state(elsewhere(&run.task));
        let message =
            format!("The worker {owner} stopped renewing its lease (killed, stalled, or its machine was lost).");
        let kind = if state == RunState::Cancelled { "cancelled" } else { "worker_lost" };
        let values = vec![
            state.as_str().into(),
            now.into(),
            (state != RunState::Pending).then_some(now).into(),
            kind.into(),
            message.clone().into(),
            run.id.into(),
            run.attempt.into(),
            owner.clone().into(),
        ];
        if transaction.execute_raw(statement(db.backend, &sql, values)).await?.rows_affected() == 0 {
            continue;
        }
        if run.max_attempts > 1 {
            attempts.push(AttemptRecord {
                claim: Claim { run: RunId(run.id), attempt: u32::try_from(run.attempt).unwrap_or(0) },
                worker: owner,
                state: if state == RunState::Pending { RunState::Failure } else { state },
                error_kind: Some(kind.to_owned()),
                error_message: Some(message),
                started_at: run.started_at.unwrap_or(now),
                finished_at: now,
            });
        }
        rescued.push(Ended { id: RunId(run.id), task: run.task.clone(), state, run_after: now });
    }
    record_attempts(db.backend, &transaction, &attempts.iter().collect::<Vec<_>>()).await?;
    if rescued.iter().any(|ended| ended.state == RunState::Pending) {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(rescued)
}

/// On shutdown: puts the runs `owner` still holds back in the queue. The
/// interrupted attempt does not count against the run.
pub async fn requeue_owned(db: &Db, owner: &str, now: i64) -> Result<u64, StoreError> {
    let transaction = db.write.begin().await?;
    let sql = format!(
        "UPDATE runs SET state = '{pending}', attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL, \
         run_after = $1 WHERE state = '{running}' AND lease_owner = $2",
        pending = RunState::Pending.as_str(),
        running = RunState::Running.as_str(),
    );
    let requeued =
        transaction.execute_raw(statement(db.backend, &sql, vec![now.into(), owner.into()])).await?.rows_affected();
    if requeued > 0 {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(requeued)
}
