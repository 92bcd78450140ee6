//! What a running task reports: progress, log lines, and that it handed
//! the run to another system. Both are written
//! only while the run is still running under the execution's claim, so an
//! execution whose run was taken back cannot write over its successor.

use super::error::StoreError;
use crate::db::{Db, statement};
use crate::engine::run::Claim;
use sea_orm::ConnectionTrait;
use types::{RunId, RunState};

/// The fence every report passes: the run, its attempt, its lease holder.
fn held(first: usize) -> String {
    format!(
        "id = ${first} AND attempt = ${} AND lease_owner = ${} AND state = '{}'",
        first + 1,
        first + 2,
        RunState::Running.as_str()
    )
}

/// Saves the run's progress; false when the claim was lost.
pub async fn progress(
    db: &Db,
    owner: &str,
    claim: Claim,
    fraction: Option<f64>,
    message: Option<String>,
) -> Result<bool, StoreError> {
    let sql = format!("UPDATE runs SET progress_fraction = $1, progress_message = $2 WHERE {}", held(3));
    let values = vec![fraction.into(), message.into(), claim.run.0.into(), attempt(claim).into(), owner.into()];
    Ok(db.write.execute_raw(statement(db.backend, &sql, values)).await?.rows_affected() == 1)
}

/// Adds a line to the run's log; false when the claim was lost.
pub async fn log(
    db: &Db,
    owner: &str,
    claim: Claim,
    at: i64,
    level: &str,
    message: String,
) -> Result<bool, StoreError> {
    let sql = format!(
        "INSERT INTO run_logs (run_id, at, level, message) SELECT $1, $4, $5, $6 \
         WHERE EXISTS (SELECT 1 FROM runs WHERE {})",
        held(1)
    );
    let values = vec![claim.run.0.into(), attempt(claim).into(), owner.into(), at.into(), level.into(), message.into()];
    Ok(db.write.execute_raw(statement(db.backend, &sql, values)).await?.rows_affected() == 1)
}

/// Marks the run as handed to another system (its message is on a
/// broker), while the claim holds. Marking twice changes nothing.
pub async fn hand_off(db: &Db, owner: &str, claim: Claim, at: i64) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO run_handoffs (run_id, handed_at) SELECT $1, $4 \
         WHERE EXISTS (SELECT 1 FROM runs WHERE {}) ON CONFLICT (run_id) DO NOTHING",
        held(1)
    );
    let values = vec![claim.run.0.into(), attempt(claim).into(), owner.into(), at.into()];
    db.write.execute_raw(statement(db.backend, &sql, values)).await?;
    Ok(())
}

/// Whether the run was handed to another system already.
pub async fn handed_off(db: &Db, run: RunId) -> Result<bool, StoreError> {
    let sql = "SELECT 1 AS one FROM run_handoffs WHERE run_id = $1";
    Ok(db.read.query_one_raw(statement(db.backend, sql, vec![run.0.into()])).await?.is_some())
}

fn attempt(claim: Claim) -> i32 {
    i32::try_from(claim.attempt).unwrap_or(i32::MAX)
}
