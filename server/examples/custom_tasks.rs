//! Task Starter with a team's own tasks: the built-in ones plus
//! `acme.customers.sync`, in a few lines of `main`.
//!
//! `cargo run -p task-starter --example custom_tasks -- serve`

use schemars::JsonSchema;
use serde::Deserialize;
use task_starter::{TaskContext, TaskDefinition, TaskError, TaskFailure, TaskRegistry};

#[derive(Deserialize, JsonSchema)]
struct SyncArguments {
    /// The customer to sync.
    customer: u64,
    /// Only report what would change.
    #[serde(default)]
    dry_run: bool,
}

async fn sync_customer(context: TaskContext, arguments: SyncArguments) -> Result<String, TaskError> {
    if arguments.customer == 0 {
        return Err(TaskFailure::new("customer 0 does not exist").into());
    }
    context.log(format!("syncing customer {} for {}", arguments.customer, context.run_as().unwrap_or("nobody"))).await;
    context.progress(Some(1.0), "done").await;
    let verb = if arguments.dry_run { "would sync" } else { "synced" };
    Ok(format!("{verb} customer {}", arguments.customer))
}

fn main() -> std::process::ExitCode {
    let ours = TaskRegistry::new().register(TaskDefinition::new(
        "acme.customers.sync",
        "Syncs one customer from the CRM.",
        sync_customer,
    ));
    task_starter::cli::main(task_starter::tasks::builtin().merge(ours))
}
