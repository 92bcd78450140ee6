//! `examples.tasks.example_task(text)`: the original's example, returning a
//! string that says what it did.

use crate::engine::{TaskContext, TaskDefinition, TaskError};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Arguments {
    /// Any text; it comes back in the result.
    text: String,
}

pub fn definition() -> TaskDefinition {
    TaskDefinition::new(
        "examples.tasks.example_task",
        "Returns \"Done with the task: \" followed by the text you give it.",
        run,
    )
}

async fn run(context: TaskContext, arguments: Arguments) -> Result<String, TaskError> {
    context.log(format!("Running as {}", context.run_as().unwrap_or("nobody"))).await;
    Ok(format!("Done with the task: {}", arguments.text))
}
