//! Tasks that exist only in the tests, each showing one behaviour.

use schemars::JsonSchema;
use serde::Deserialize;
use std::time::Duration;
use task_starter::{TaskContext, TaskDefinition, TaskError, TaskFailure, TaskRegistry};

#[derive(Deserialize, JsonSchema)]
struct Sleep {
    ms: u64,
    /// Stop early (a handled failure) when cancelled.
    #[serde(default = "yes")]
    heed_cancel: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
struct Flaky {
    /// The attempt that finally works.
    succeed_on: u32,
}

#[derive(Deserialize, JsonSchema)]
struct Nothing {}

pub fn registry() -> TaskRegistry {
    TaskRegistry::new()
        .register(TaskDefinition::new("tests.sleep", "Sleeps.", sleep))
        .register(
            TaskDefinition::new("tests.flaky", "Crashes until an attempt.", flaky)
                .retries(3, Duration::from_millis(10)),
        )
        .register(TaskDefinition::new("tests.io_error", "Returns an io::Error.", io_error))
        .register(TaskDefinition::new("tests.progress", "Reports progress and logs.", progress))
        .register(
            TaskDefinition::new("tests.too_slow", "Sleeps past its timeout.", too_slow)
                .timeout(Duration::from_millis(200)),
        )
        .register(TaskDefinition::new("tests.short_history", "Keeps 3 runs.", nothing).history(3))
}

async fn sleep(context: TaskContext, arguments: Sleep) -> Result<String, TaskError> {
    let wait = tokio::time::sleep(Duration::from_millis(arguments.ms));
    if arguments.heed_cancel {
        tokio::select! {
            () = wait => {}
            () = context.cancelled() => return Err(TaskFailure::new("stopped early").into()),
        }
    } else {
        wait.await;
    }
    Ok(format!("slept {} ms", arguments.ms))
}

#[allow(clippy::unused_async)]
async fn flaky(context: TaskContext, arguments: Flaky) -> Result<String, TaskError> {
    if context.attempt() < arguments.succeed_on {
        return Err(TaskError::crash("flaky", format!("attempt {} crashed", context.attempt())));
    }
    Ok(format!("worked on attempt {}", context.attempt()))
}

#[allow(clippy::unused_async)]
async fn io_error(_context: TaskContext, _arguments: Nothing) -> Result<String, TaskError> {
    Err(std::io::Error::other("disk on fire").into())
}

async fn progress(context: TaskContext, _arguments: Nothing) -> Result<String, TaskError> {
    context.log("hello from the task").await;
    context.progress(Some(0.5), "half way").await;
    Ok("reported".to_owned())
}

async fn too_slow(_context: TaskContext, _arguments: Nothing) -> Result<String, TaskError> {
    tokio::time::sleep(Duration::from_secs(10)).await;
    Ok("never".to_owned())
}

#[allow(clippy::unused_async)]
async fn nothing(_context: TaskContext, _arguments: Nothing) -> Result<(), TaskError> {
    Ok(())
}
