//! A run as the engine handles it, at each step of its life: a new run on
//! its way into the queue, a claimed run on its way to its task, the claim
//! that fences what one execution may write, and how a run ended.

use crate::clock::{now_micros, to_rfc3339};
use serde_json::Value;
use types::{Actor, Origin, Run, RunId, RunState};

/// A run about to be inserted: started here, fired by a schedule, or
/// registered by the system that runs it elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRun {
    pub id: RunId,
    pub task: String,
    pub arguments: Value,
    pub state: RunState,
    pub started_by: Actor,
    pub run_as: Option<String>,
    pub origin: Origin,
    pub rerun_of: Option<RunId>,
    pub max_attempts: u32,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// For runs started elsewhere: a hash of the request that registered it.
    pub track_fingerprint: Option<String>,
}

impl NewRun {
    /// A pending run of `task`, created now.
    pub fn pending(task: &str, arguments: Value, started_by: Actor, origin: Origin, max_attempts: u32) -> NewRun {
        NewRun {
            id: RunId(uuid::Uuid::now_v7()),
            task: task.to_owned(),
            arguments,
            state: RunState::Pending,
            started_by,
            run_as: None,
            origin,
            rerun_of: None,
            max_attempts: max_attempts.max(1),
            created_at: now_micros(),
            started_at: None,
            finished_at: None,
            track_fingerprint: None,
        }
    }

    /// The run as the API shows it right after it was inserted.
    pub fn to_run(&self) -> Run {
        Run {
            id: self.id,
            task: self.task.clone(),
            arguments: self.arguments.clone(),
            state: self.state,
            result: None,
            error: None,
            started_by: self.started_by.clone(),
            run_as: self.run_as.clone(),
            origin: self.origin,
            rerun_of: self.rerun_of,
            attempt: 0,
            max_attempts: self.max_attempts,
            progress: None,
            created_at: to_rfc3339(self.created_at),
            started_at: self.started_at.map(to_rfc3339),
            finished_at: self.finished_at.map(to_rfc3339),
            duration_ms: match (self.started_at, self.finished_at) {
                (Some(started), Some(finished)) => u64::try_from((finished - started) / 1000).ok(),
                _ => None,
            },
        }
    }
}

/// One execution's hold on a run: the run and the attempt it was claimed
/// for. Every write of that execution (heartbeat, progress, log, outcome)
/// is made only while the run is still running under this attempt and this
/// worker, so an execution whose run was taken back can change nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Claim {
    pub run: RunId,
    pub attempt: u32,
}

/// A run claimed by this worker, as its task receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedRun {
    pub claim: Claim,
    pub task: String,
    /// The stored arguments; an error when the column cannot be read as JSON.
    pub arguments: Result<Value, String>,
    pub started_by: Actor,
    pub run_as: Option<String>,
    pub max_attempts: u32,
    pub run_after: i64,
    pub started_at: Option<i64>,
    pub cancel_requested: bool,
}

/// A run that reached a state by an execution's end, a rescue, a cancel or
/// a report: `Pending` when it goes back to the queue (to be claimed from
/// `run_after`), else the state it ended in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ended {
    pub id: RunId,
    pub task: String,
    pub state: RunState,
    pub run_after: i64,
}
