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

#[derive(Deserialize, JsonSchema)]
struct ByAttempt {
    /// How long each attempt sleeps, first to last.
    ms_by_attempt: Vec<u64>,
}

#[derive(Deserialize, JsonSchema)]
struct Nul {
    /// Crash instead of returning.
    #[serde(default)]
    crash: bool,
}

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
        .register(TaskDefinition::new("tests.nul", "Reports text with NUL characters.", nul))
        .register(
            TaskDefinition::new("tests.by_attempt", "Sleeps as long as its attempt says.", by_attempt)
                .retries(3, Duration::from_millis(10)),
        )
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

async fn nul(context: TaskContext, arguments: Nul) -> Result<String, TaskError> {
    context.log("a log line with a \0 in it").await;
    context.progress(Some(0.5), "progress with a \0 in it").await;
    if arguments.crash {
        return Err(TaskError::crash("nul\0kind", "a crash with a \0 in it"));
    }
    Ok("a result with a \0 in it".to_owned())
}

/// Logs and reports its attempt, sleeps, logs again, returns its attempt.
async fn by_attempt(context: TaskContext, arguments: ByAttempt) -> Result<String, TaskError> {
    let attempt = context.attempt();
    let index = usize::try_from(attempt).unwrap_or(1).saturating_sub(1);
    let ms = arguments.ms_by_attempt.get(index).copied().unwrap_or(0);
    context.log(format!("attempt {attempt} starting")).await;
    tokio::time::sleep(Duration::from_millis(ms)).await;
    context.progress(Some(1.0), format!("attempt {attempt}")).await;
    context.log(format!("attempt {attempt} finishing")).await;
    Ok(format!("attempt {attempt}"))
}
