//! `tasks` and `run TASK --args JSON [--as USER] [--wait]`.

use super::progress::ProgressLine;
use super::{CliError, cli_principal};
use crate::runtime::Runtime;
use std::time::Duration;
use types::{Origin, RunState};

pub fn list_tasks(runtime: &Runtime) -> Result<(), CliError> {
    for task in runtime.service.list_tasks(&cli_principal())? {
        println!("{:<40} {:<8} {}", task.path, task.kind.as_str(), task.description);
    }
    Ok(())
}

pub async fn run(
    runtime: &Runtime,
    task: &str,
    arguments: &str,
    run_as: Option<String>,
    wait: bool,
) -> Result<(), CliError> {
    let arguments: serde_json::Value =
        serde_json::from_str(arguments).map_err(|error| CliError::Usage(format!("--args is not JSON: {error}")))?;
    let principal = cli_principal();
    // With --wait the run runs here: the workers are up and have looked at
    // the queue before the start, so a free one takes it at once.
    let workers = if wait {
        super::serve::spawn_celery(runtime);
        let workers = runtime.engine.spawn_workers();
        workers.ready(Duration::from_secs(5)).await;
        Some(workers)
    } else {
        None
    };
    let run = match runtime.service.start_as(&principal, task, arguments, run_as, Origin::Cli).await {
        Ok(run) => run,
        Err(error) => {
            if let Some(workers) = workers {
                workers.shutdown().await;
            }
            return Err(error.into());
        }
    };
    println!("Started run {} of {task}.", run.id);
    let Some(workers) = workers else { return Ok(()) };
    let mut line = ProgressLine::new();
    let finished = runtime.service.wait(&principal, run.id, |run| line.show(run)).await;
    line.finish();
    workers.shutdown().await;
    let run = finished?;
    match run.state {
        RunState::Success => {
            println!("Success: {}", run.result.unwrap_or_default());
            Ok(())
        }
        state => {
            let detail = run.result.or_else(|| run.error.map(|error| format!("{}: {}", error.kind, error.message)));
            eprintln!("{}: {}", state.label(), detail.unwrap_or_default());
            Err(CliError::RunFailed)
        }
    }
}
