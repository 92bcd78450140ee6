//! `examples.tasks.failing_task(message, panic = false)`: ends in a handled
//! failure with the message as its result, or panics (a failure with no
//! result, the panic kept for View info).

use crate::engine::{TaskContext, TaskDefinition, TaskError, TaskFailure};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Arguments {
    /// The failure's message.
    message: String,
    /// Panic instead of failing cleanly.
    #[serde(default)]
    panic: bool,
}

pub fn definition() -> TaskDefinition {
    TaskDefinition::new(
        "examples.tasks.failing_task",
        "Fails with your message as its result, or panics when `panic` is true.",
        run,
    )
}

#[allow(clippy::unused_async)]
async fn run(_context: TaskContext, arguments: Arguments) -> Result<String, TaskError> {
    assert!(!arguments.panic, "{}", arguments.message);
    Err(TaskFailure::new(arguments.message).into())
}
