//! Tasks: the list, starting a run, and a task's history.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{Problem, Run, Task};
#[cfg(feature = "ssr")]
use types::{RunAs, StartRequest};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_tasks() -> Result<Vec<Task>, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.tasks(&principal).await)
}

/// Starts `task` with `arguments` (JSON text), as the caller or the impersonation user.
#[server(client = super::CsrfClient, input = Json)]
pub async fn start_run(task: String, arguments: String, impersonate: bool) -> Result<Run, Problem> {
    let (console, principal) = server::authenticated()?;
    let arguments = match serde_json::from_str(&arguments) {
        Ok(arguments) => arguments,
        Err(error) => {
            return server::respond(Err(Problem::bad_request(format!("The arguments are not JSON: {error}"))));
        }
    };
    let run_as = if impersonate { RunAs::Impersonated } else { RunAs::Me };
    server::respond(console.start(&principal, &task, StartRequest { arguments, run_as }).await)
}

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn task_history(task: String) -> Result<Vec<Run>, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.history(&principal, &task).await)
}

#[cfg(feature = "ssr")]
use super::server;
