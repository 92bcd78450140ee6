//! The task registry: the Rust functions a server can run, each under a
//! dotted path with its typed arguments. The built-in ones are listed in
//! `tasks.rs`; a team's own crate passes its own registry to `cli::main`.

use super::context::TaskContext;
use super::task::{TaskError, TaskResult, result_text};
use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// A registered function, taking its arguments as JSON.
pub type TaskFn = Arc<dyn Fn(TaskContext, serde_json::Value) -> BoxFuture<'static, TaskResult> + Send + Sync>;

/// A Rust task: its path, description, argument schema, function and defaults.
#[derive(Clone)]
pub struct TaskDefinition {
    pub path: String,
    pub description: String,
    /// The JSON Schema of the argument type.
    pub arguments_schema: serde_json::Value,
    pub function: TaskFn,
    pub settings: TaskSettings,
}

/// Settings a task brings with it; the config can override each one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskSettings {
    pub history: Option<u32>,
    pub timeout: Option<Duration>,
    pub max_attempts: Option<u32>,
    pub retry_backoff: Option<Duration>,
}

impl TaskDefinition {
    /// Registers `function` under `path`. Its argument type `A` gives the JSON
    /// Schema (and the defaults) that the console and the API check against.
    pub fn new<A, R, F, Fut>(path: &str, description: &str, function: F) -> TaskDefinition
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: Serialize + 'static,
        F: Fn(TaskContext, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, TaskError>> + Send + 'static,
    {
        let function = Arc::new(function);
        let call: TaskFn = Arc::new(move |context, arguments| {
            let function = Arc::clone(&function);
            Box::pin(async move {
                let arguments: A = serde_json::from_value(arguments)
                    .map_err(|error| TaskError::crash("arguments", error.to_string()))?;
                let value = function(context, arguments).await?;
                result_text(&value)
            })
        });
        TaskDefinition {
            path: path.to_owned(),
            description: description.to_owned(),
            arguments_schema: schema_of::<A>(),
            function: call,
            settings: TaskSettings::default(),
        }
    }

    /// Stops runs that take longer than `timeout` (failure, kind `timeout`).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> TaskDefinition {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Tries runs that crash again, up to `max_attempts` in all, waiting
    /// `backoff`, then twice that, and so on. A [`TaskFailure`](super::TaskFailure)
    /// is an answer, not a crash, and is never retried.
    #[must_use]
    pub fn retries(mut self, max_attempts: u32, backoff: Duration) -> TaskDefinition {
        self.settings.max_attempts = Some(max_attempts.max(1));
        self.settings.retry_backoff = Some(backoff);
        self
    }

    /// Keeps this many runs of the task instead of the global `task_history`.
    #[must_use]
    pub fn history(mut self, runs: u32) -> TaskDefinition {
        self.settings.history = Some(runs.max(1));
        self
    }
}

/// The JSON Schema of `A`, without the noise of a title.
fn schema_of<A: JsonSchema>() -> serde_json::Value {
    let mut schema = schemars::schema_for!(A).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.remove("title");
    }
    schema
}

/// Every Rust task a server knows, in the order they were registered.
#[derive(Clone, Default)]
pub struct TaskRegistry {
    definitions: Vec<TaskDefinition>,
}

impl TaskRegistry {
    pub fn new() -> TaskRegistry {
        TaskRegistry::default()
    }

    /// Adds a task; a later one under the same path replaces the earlier one,
    /// so a team can override a built-in task.
    #[must_use]
    pub fn register(mut self, definition: TaskDefinition) -> TaskRegistry {
        self.definitions.retain(|known| known.path != definition.path);
        self.definitions.push(definition);
        self
    }

    /// Adds every task of `other`.
    #[must_use]
    pub fn merge(self, other: TaskRegistry) -> TaskRegistry {
        other.definitions.into_iter().fold(self, TaskRegistry::register)
    }

    pub fn definitions(&self) -> &[TaskDefinition] {
        &self.definitions
    }
}
