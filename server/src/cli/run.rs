//! `tasks` and `run TASK --args JSON [--as USER] [--wait]`.

use super::progress::ProgressLine;
use super::{CliError, cli_principal};
use crate::runtime::Runtime;
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
    let run = runtime.service.start_as(&principal, task, arguments, run_as, Origin::Cli).await?;
    println!("Started run {} of {task}.", run.id);
    if !wait {
        return Ok(());
    }
    super::serve::spawn_celery(runtime);
    let workers = runtime.engine.spawn_workers();
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
