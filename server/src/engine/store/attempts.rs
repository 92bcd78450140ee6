//! Attempt rows: one per attempt of a run that retries or was rescued.
//! Writing one is idempotent: an attempt already recorded (by a rescuer, or
//! by an execution that wrote it before) stays as it was.

use super::batch::{self, Column, Kind};
use super::error::StoreError;
use crate::db::Backend;
use crate::engine::run::Claim;
use sea_orm::{ConnectionTrait, Value};
use types::RunState;

/// How one attempt went.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptRecord {
    pub claim: Claim,
    pub worker: String,
    /// `Failure` for an attempt that will be retried, else the run's end.
    pub state: RunState,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
}

const COLUMNS: [Column; 8] = [
    ("run_id", Kind::Uuid),
    ("attempt", Kind::Int),
    ("worker", Kind::Text),
    ("state", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("started_at", Kind::BigInt),
    ("finished_at", Kind::BigInt),
];

/// Records `attempts` inside the caller's transaction, keeping rows that exist.
pub async fn record_attempts(
    backend: Backend,
    connection: &impl ConnectionTrait,
    attempts: &[&AttemptRecord],
) -> Result<(), StoreError> {
    if attempts.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<Value>> = attempts
        .iter()
        .map(|attempt| {
            vec![
                attempt.claim.run.0.into(),
                i32::try_from(attempt.claim.attempt).unwrap_or(i32::MAX).into(),
                attempt.worker.clone().into(),
                attempt.state.as_str().into(),
                attempt.error_kind.clone().into(),
                attempt.error_message.clone().into(),
                attempt.started_at.into(),
                attempt.finished_at.into(),
            ]
        })
        .collect();
    let columns = batch::names(&COLUMNS);
    // `WHERE TRUE` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    for insert in batch::statements(backend, &COLUMNS, &rows, "", &[], |source, _| {
        format!("INSERT INTO run_attempts ({columns}) {source} WHERE TRUE ON CONFLICT (run_id, attempt) DO NOTHING")
    })? {
        connection.execute_raw(insert).await?;
    }
    Ok(())
}
