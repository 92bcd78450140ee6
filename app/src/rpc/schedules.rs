//! Schedules: the list, pause and resume, run now.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{Problem, Run, Schedule};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_schedules() -> Result<Vec<Schedule>, Problem> {
    server::call(|port, who| async move { port.schedules(&who).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn set_schedule_paused(name: String, paused: bool) -> Result<Schedule, Problem> {
    server::call(|port, who| async move { port.set_schedule_paused(&who, &name, paused).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn run_schedule_now(name: String) -> Result<Run, Problem> {
    server::call(|port, who| async move { port.run_schedule_now(&who, &name).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
