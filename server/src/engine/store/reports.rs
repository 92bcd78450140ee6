//! What a running task reports: progress and log lines. Both are written
//! only while the run is still running under the execution's claim, so an
//! execution whose run was taken back cannot write over its successor.

use super::error::StoreError;
use crate::db::{Db, statement};
use crate::engine::run::Claim;
use sea_orm::ConnectionTrait;
use types::RunState;

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

fn attempt(claim: Claim) -> i32 {
    i32::try_from(claim.attempt).unwrap_or(i32::MAX)
}
