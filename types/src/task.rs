//! A task as the API and the console describe it.

use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// How a task runs.
    pub enum TaskKind {
        /// A Rust function registered in the server.
        Builtin = "builtin",
        /// A program declared in the config: arguments on stdin, result on stdout.
        Command = "command",
        /// Run by another system, which reports its runs here.
        External = "external",
        /// A Celery task: published to the team's broker, run by its Python workers.
        Celery = "celery",
    }
}

/// A task the console shows and the API can start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    /// The dotted path, e.g. `examples.tasks.example_task`.
    pub path: String,
    pub description: String,
    /// The JSON Schema of the arguments object.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments_schema: serde_json::Value,
    /// The arguments that the schema's defaults give.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub default_arguments: serde_json::Value,
    /// How many runs of this task are kept.
    pub history_limit: u32,
    pub kind: TaskKind,
    /// Runs that end in an error are tried again up to this many attempts in all.
    pub max_attempts: u32,
    /// A run is stopped after this long.
    pub timeout_ms: Option<u64>,
    /// A Celery task that none of the workers that answered has registered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_worker: bool,
}

/// `{"tasks": [...]}`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskList {
    pub tasks: Vec<Task>,
}
