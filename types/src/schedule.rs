//! A cron schedule as the console shows it.

use super::RunId;
use serde::{Deserialize, Serialize};

/// A schedule from the config, with its shared state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub name: String,
    pub task: String,
    /// A cron expression (five fields, or six with seconds first).
    pub cron: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
    pub paused: bool,
    pub next_fire_at: Option<String>,
    pub last_fired_at: Option<String>,
    pub last_run: Option<RunId>,
}

/// `{"schedules": [...]}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleList {
    pub schedules: Vec<Schedule>,
}
