//! A run: one execution of a task, as the API and the console show it.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The id of a run: a UUID, chosen by the server or, for a run started
/// elsewhere, by the system that started it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
#[serde(transparent)]
pub struct RunId(pub Uuid);

impl RunId {
    /// The first eight hex digits, how the console names a run in a row.
    pub fn short(&self) -> String {
        self.0.simple().to_string().chars().take(8).collect()
    }
}

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for RunId {
    type Err = uuid::Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(text.trim()).map(RunId)
    }
}

crate::named_enum! {
    /// Where a run is in its life.
    pub enum RunState {
        /// Accepted, not yet started.
        Pending = "pending",
        Running = "running",
        Success = "success",
        Failure = "failure",
        Cancelled = "cancelled",
    }
}

impl RunState {
    /// The states in which a run has ended.
    pub const FINISHED: [RunState; 3] = [RunState::Success, RunState::Failure, RunState::Cancelled];

    /// The word the console shows on the badge.
    pub fn label(self) -> &'static str {
        match self {
            RunState::Pending => "Pending",
            RunState::Running => "Running",
            RunState::Success => "Success",
            RunState::Failure => "Failure",
            RunState::Cancelled => "Cancelled",
        }
    }

    /// Whether the run has ended and will not change any more.
    pub fn is_finished(self) -> bool {
        RunState::FINISHED.contains(&self)
    }
}

crate::named_enum! {
    /// How a run came to exist.
    pub enum Origin {
        Ui = "ui",
        Api = "api",
        Schedule = "schedule",
        Cli = "cli",
        External = "external",
        Rerun = "rerun",
        /// A re-run made by a bulk action.
        Bulk = "bulk",
    }
}

/// Who started a run: a user, an API token, the scheduler, the CLI or an
/// external system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub kind: super::ActorKind,
    pub name: String,
}

/// Why a run failed without a result: kept for "View info" only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunError {
    /// `panic`, `error`, `timeout`, `worker_lost`, `cancelled`, `exit_status`, ...
    #[cfg_attr(feature = "openapi", schema(pattern = "^[^\\u0000]*$"))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[^\\u0000]*$"))]
    pub message: String,
}

/// What a running task last reported about its progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    /// From 0.0 to 1.0, when the task knows how far it is.
    pub fraction: Option<f64>,
    pub message: Option<String>,
}

/// A run as the history and the batch status show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Run {
    pub id: RunId,
    /// The dotted path of the task.
    pub task: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
    pub state: RunState,
    /// What the task returned, or a handled failure's message.
    pub result: Option<String>,
    pub error: Option<RunError>,
    pub started_by: Actor,
    /// The user the task ran as.
    pub run_as: Option<String>,
    pub origin: Origin,
    pub rerun_of: Option<RunId>,
    /// The attempt under way or last made (0 before the first).
    pub attempt: u32,
    pub max_attempts: u32,
    pub progress: Option<Progress>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_ms: Option<u64>,
}

/// One attempt of a run; a run that is retried has several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub attempt: u32,
    pub worker: String,
    pub state: RunState,
    pub error: Option<RunError>,
    pub started_at: String,
    pub finished_at: String,
}

/// A line the task wrote to its log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogLine {
    pub at: String,
    pub level: String,
    pub message: String,
}

/// Every field of one run: the run, its attempts and its log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: Run,
    pub attempts: Vec<Attempt>,
    pub log: Vec<LogLine>,
}

/// `{"runs": [...]}`, with the cursor of the next page when there is one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunList {
    pub runs: Vec<Run>,
    /// Pass as `before` to get the next (older) page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<String>,
}
