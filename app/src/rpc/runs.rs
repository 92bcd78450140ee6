//! Runs: batch status for polling, every field of one, re-run, cancel, the list.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{Problem, Run, RunDetail, RunFilter, RunId, RunList};

/// The current state of these runs, in one request.
#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn poll_runs(ids: Vec<RunId>) -> Result<Vec<Run>, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.runs(&principal, &ids).await)
}

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn get_run_detail(id: RunId) -> Result<RunDetail, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.run_detail(&principal, id).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn rerun_run(id: RunId) -> Result<Run, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.rerun(&principal, id).await)
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn cancel_run(id: RunId) -> Result<Run, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.cancel(&principal, id).await)
}

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_runs(filter: RunFilter) -> Result<RunList, Problem> {
    let (console, principal) = server::authenticated()?;
    server::respond(console.list_runs(&principal, &filter).await)
}

#[cfg(feature = "ssr")]
use super::server;
