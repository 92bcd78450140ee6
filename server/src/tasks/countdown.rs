//! `examples.tasks.countdown(seconds = 10)`: counts down one second at a
//! time, reporting progress and log lines, and stops early when cancelled.

use crate::engine::{TaskContext, TaskDefinition, TaskError, TaskFailure};
use schemars::JsonSchema;
use serde::Deserialize;
use std::time::Duration;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Arguments {
    /// How many seconds to count down from.
    #[serde(default = "ten")]
    #[schemars(range(min = 0, max = 86_400))]
    seconds: u32,
}

fn ten() -> u32 {
    10
}

pub fn definition() -> TaskDefinition {
    TaskDefinition::new(
        "examples.tasks.countdown",
        "Counts down, reporting progress every second; cancel it to stop it early.",
        run,
    )
}

async fn run(context: TaskContext, arguments: Arguments) -> Result<String, TaskError> {
    let total = arguments.seconds;
    for left in (1..=total).rev() {
        let done = f64::from(total - left) / f64::from(total);
        context.progress(Some(done), format!("{left} s left")).await;
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            () = context.cancelled() => {
                context.log(format!("Cancelled with {left} s left")).await;
                return Err(TaskFailure::new(format!("Stopped with {left} of {total} s left.")).into());
            }
        }
        context.log(format!("{} s left", left - 1)).await;
    }
    context.progress(Some(1.0), "done").await;
    Ok(format!("Counted down from {total} s."))
}
