//! Tasks: the list, starting a run, and a task's history.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{Problem, Run, StartRequest, Task};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_tasks() -> Result<Vec<Task>, Problem> {
    server::call(|port, who| async move { port.tasks(&who).await }).await
}

/// Starts a run of `task`: the same request as `POST /api/v1/tasks/{path}/runs`.
#[server(client = super::CsrfClient, input = Json)]
pub async fn start_run(task: String, request: StartRequest) -> Result<Run, Problem> {
    server::call(|port, who| async move { port.start(&who, &task, request).await }).await
}

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn task_history(task: String) -> Result<Vec<Run>, Problem> {
    server::call(|port, who| async move { port.history(&who, &task).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
