//! Stored rows as the values the rest of the server works with. A column
//! that cannot be read is a [`StoreError::Unreadable`], never a silent default.

use super::error::{StoreError, unreadable};
use crate::clock::to_rfc3339;
use crate::db::entities::{run_attempts, runs};
use serde_json::Value;
use types::{Actor, ActorKind, Attempt, Origin, Progress, Run, RunError, RunId, RunState};

/// A stored run as the API shows it.
pub fn run(row: runs::Model) -> Result<Run, StoreError> {
    let id = row.id;
    let error = match (row.error_kind, row.error_message) {
        (Some(kind), message) => Some(RunError { kind, message: message.unwrap_or_default() }),
        (None, Some(message)) => Some(RunError { kind: "error".to_owned(), message }),
        (None, None) => None,
    };
    let progress = (row.progress_fraction.is_some() || row.progress_message.is_some())
        .then_some(Progress { fraction: row.progress_fraction, message: row.progress_message });
    let duration_ms = match (row.started_at, row.finished_at) {
        (Some(started), Some(finished)) => u64::try_from((finished - started) / 1000).ok(),
        _ => None,
    };
    Ok(Run {
        id: RunId(id),
        task: row.task,
        arguments: arguments(id, &row.arguments)?,
        state: state("runs", id, &row.state)?,
        result: row.result,
        error,
        started_by: Actor { kind: actor_kind(id, &row.started_by_kind)?, name: row.started_by_name },
        run_as: row.run_as,
        origin: Origin::parse(&row.origin).ok_or_else(|| unreadable("runs", id, "origin", &row.origin))?,
        rerun_of: row.rerun_of.map(RunId),
        attempt: count(id, "attempt", row.attempt)?,
        max_attempts: count(id, "max_attempts", row.max_attempts)?,
        progress,
        created_at: to_rfc3339(row.created_at),
        started_at: row.started_at.map(to_rfc3339),
        finished_at: row.finished_at.map(to_rfc3339),
        duration_ms,
    })
}

/// The stored arguments of run `id`.
pub fn arguments(id: uuid::Uuid, text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|error| unreadable("runs", id, "arguments", error))
}

/// A stored state.
pub fn state(table: &'static str, key: impl ToString, text: &str) -> Result<RunState, StoreError> {
    RunState::parse(text).ok_or_else(|| unreadable(table, key, "state", text))
}

pub fn actor_kind(id: uuid::Uuid, text: &str) -> Result<ActorKind, StoreError> {
    ActorKind::parse(text).ok_or_else(|| unreadable("runs", id, "started_by_kind", text))
}

/// A stored attempt number or count (never negative).
pub fn count(id: uuid::Uuid, column: &'static str, value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| unreadable("runs", id, column, value))
}

pub fn attempt(row: run_attempts::Model) -> Result<Attempt, StoreError> {
    let key = format!("{}/{}", row.run_id, row.attempt);
    let error = row.error_kind.map(|kind| RunError { kind, message: row.error_message.unwrap_or_default() });
    Ok(Attempt {
        attempt: u32::try_from(row.attempt).map_err(|_| unreadable("run_attempts", &key, "attempt", row.attempt))?,
        worker: row.worker,
        state: state("run_attempts", &key, &row.state)?,
        error,
        started_at: to_rfc3339(row.started_at),
        finished_at: to_rfc3339(row.finished_at),
    })
}
