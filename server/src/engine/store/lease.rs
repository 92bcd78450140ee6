//! Leases: a worker renews its claims by heartbeat; a run whose lease ran out
//! (its worker died) is rescued by any worker: re-queued when it has attempts
//! left, otherwise ended as `failure` with error kind `worker_lost`.

use super::{insertable, notify_work, statement};
use crate::db::Db;
use crate::db::entities::run_attempts;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, FromQueryResult, TransactionTrait};
use uuid::Uuid;

/// Renews the lease of every run `owner` holds; returns them with whether
/// someone asked to cancel each one.
pub async fn heartbeat(db: &Db, owner: &str, lease_until: i64) -> Result<Vec<(Uuid, bool)>, DbErr> {
    let rows = db
        .write
        .query_all_raw(statement(
            db.backend,
            "UPDATE runs SET lease_expires_at = $1 WHERE state = 'running' AND lease_owner = $2 \
             RETURNING id, cancel_requested",
            vec![lease_until.into(), owner.into()],
        ))
        .await?;
    rows.iter().map(|row| Ok((row.try_get("", "id")?, row.try_get("", "cancel_requested")?))).collect()
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
    /// attempts left, failure otherwise.
    pub fn next_state(&self) -> &'static str {
        if self.cancel_requested {
            "cancelled"
        } else if self.attempt < self.max_attempts {
            "pending"
        } else {
            "failure"
        }
    }
}

/// Runs whose lease expired before `now` (at most 500 at a time).
pub async fn lost_runs(db: &Db, now: i64) -> Result<Vec<LostRun>, DbErr> {
    let rows = db
        .read
        .query_all_raw(statement(
            db.backend,
            "SELECT id, task, attempt, max_attempts, lease_owner, started_at, cancel_requested FROM runs \
             WHERE state = 'running' AND lease_expires_at < $1 ORDER BY lease_expires_at LIMIT 500",
            vec![now.into()],
        ))
        .await?;
    rows.iter().map(|row| LostRun::from_query_result(row, "")).collect()
}

/// Takes back `lost` runs. Each update checks that the run is still running
/// under the same expired lease, so among racing rescuers exactly one wins.
/// Returns the runs this call rescued, with their new state.
pub async fn rescue(db: &Db, lost: &[LostRun], now: i64) -> Result<Vec<(LostRun, &'static str)>, DbErr> {
    let transaction = db.write.begin().await?;
    let mut rescued = Vec::new();
    for run in lost {
        let owner = run.lease_owner.clone().unwrap_or_default();
        let state = run.next_state();
        let message = format!("The worker {owner} stopped renewing its lease (killed, or its machine was lost).");
        let finished_at = (state != "pending").then_some(now);
        let kind = if state == "cancelled" { "cancelled" } else { "worker_lost" };
        let changed = transaction
            .execute_raw(statement(
                db.backend,
                "UPDATE runs SET state = $1, run_after = $2, finished_at = $3, error_kind = $4, error_message = $5, \
                 lease_owner = NULL, lease_expires_at = NULL \
                 WHERE id = $6 AND state = 'running' AND lease_owner = $7 AND lease_expires_at < $2",
                vec![
                    state.into(),
                    now.into(),
                    finished_at.into(),
                    kind.into(),
                    message.clone().into(),
                    run.id.into(),
                    owner.clone().into(),
                ],
            ))
            .await?
            .rows_affected();
        if changed == 0 {
            continue;
        }
        if run.max_attempts > 1 {
            let attempt = run_attempts::Model {
                run_id: run.id,
                attempt: run.attempt,
                worker: owner,
                state: if state == "pending" { "failure".to_owned() } else { state.to_owned() },
                error_kind: Some(kind.to_owned()),
                error_message: Some(message),
                started_at: run.started_at.unwrap_or(now),
                finished_at: now,
            };
            run_attempts::Entity::insert(insertable::<run_attempts::ActiveModel, _>(attempt))
                .exec_without_returning(&transaction)
                .await?;
        }
        rescued.push((run.clone(), state));
    }
    if rescued.iter().any(|(_, state)| *state == "pending") {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(rescued)
}

/// On shutdown: puts the runs `owner` still holds back in the queue. The
/// interrupted attempt does not count against the run.
pub async fn requeue_owned(db: &Db, owner: &str, now: i64) -> Result<u64, DbErr> {
    let transaction = db.write.begin().await?;
    let requeued = transaction
        .execute_raw(statement(
            db.backend,
            "UPDATE runs SET state = 'pending', attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL, \
             run_after = $1 WHERE state = 'running' AND lease_owner = $2",
            vec![now.into(), owner.into()],
        ))
        .await?
        .rows_affected();
    if requeued > 0 {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(requeued)
}
