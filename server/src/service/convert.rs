//! From database rows to API types.

use crate::clock::to_rfc3339;
use crate::db::entities::{api_tokens, run_attempts, run_logs, runs, schedules, users};
use types::{
    Actor, ActorKind, ApiToken, Attempt, LogLine, Origin, Progress, Role, Run, RunError, RunId, RunState, Schedule,
    User,
};

pub fn run(row: runs::Model) -> Run {
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
    Run {
        id: RunId(row.id),
        task: row.task,
        arguments: serde_json::from_str(&row.arguments).unwrap_or(serde_json::Value::Null),
        state: RunState::parse(&row.state).unwrap_or(RunState::Failure),
        result: row.result,
        error,
        started_by: Actor {
            kind: ActorKind::parse(&row.started_by_kind).unwrap_or(ActorKind::External),
            name: row.started_by_name,
        },
        run_as: row.run_as,
        origin: Origin::parse(&row.origin).unwrap_or(Origin::External),
        rerun_of: row.rerun_of.map(RunId),
        attempt: u32::try_from(row.attempt).unwrap_or(0),
        max_attempts: u32::try_from(row.max_attempts).unwrap_or(1),
        progress,
        created_at: to_rfc3339(row.created_at),
        started_at: row.started_at.map(to_rfc3339),
        finished_at: row.finished_at.map(to_rfc3339),
        duration_ms,
    }
}

pub fn attempt(row: run_attempts::Model) -> Attempt {
    let error = row.error_kind.map(|kind| RunError { kind, message: row.error_message.unwrap_or_default() });
    Attempt {
        attempt: u32::try_from(row.attempt).unwrap_or(0),
        worker: row.worker,
        state: RunState::parse(&row.state).unwrap_or(RunState::Failure),
        error,
        started_at: to_rfc3339(row.started_at),
        finished_at: to_rfc3339(row.finished_at),
    }
}

pub fn log_line(row: run_logs::Model) -> LogLine {
    LogLine { at: to_rfc3339(row.at), level: row.level, message: row.message }
}

pub fn schedule(row: schedules::Model) -> Schedule {
    Schedule {
        name: row.name,
        task: row.task,
        cron: row.cron,
        arguments: serde_json::from_str(&row.arguments).unwrap_or(serde_json::Value::Null),
        paused: row.paused,
        next_fire_at: if row.paused { None } else { row.next_fire_at.map(to_rfc3339) },
        last_fired_at: row.last_fired_at.map(to_rfc3339),
        last_run: row.last_run_id.map(RunId),
    }
}

pub fn user(row: users::Model) -> User {
    User {
        name: row.name,
        role: Role::parse(&row.role).unwrap_or(Role::Viewer),
        created_at: to_rfc3339(row.created_at),
    }
}

pub fn api_token(row: api_tokens::Model) -> ApiToken {
    ApiToken {
        id: row.id.to_string(),
        name: row.name,
        role: Role::parse(&row.role).unwrap_or(Role::Viewer),
        created_by: row.created_by,
        created_at: to_rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(to_rfc3339),
        revoked_at: row.revoked_at.map(to_rfc3339),
    }
}
