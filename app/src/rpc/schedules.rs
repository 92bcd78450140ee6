//! Schedules: the list, pause and resume, run now.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{Problem, Run, Schedule};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_schedules() -> Result<Vec<Schedule>, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.schedules(&principal).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn set_schedule_paused(name: String, paused: bool) -> Result<Schedule, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.set_schedule_paused(&principal, &name, paused).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn run_schedule_now(name: String) -> Result<Run, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.run_schedule_now(&principal, &name).await)
}

#[cfg(feature = "ssr")]
use super::server;
