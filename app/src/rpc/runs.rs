//! Runs: batch status for polling, every field of one, re-run, cancel, the
//! search across tasks, and bulk actions.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{BulkOutcome, BulkRequest, Problem, Run, RunDetail, RunFilter, RunId, RunList};

/// The current state of these runs, in one request.
#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn poll_runs(ids: Vec<RunId>) -> Result<Vec<Run>, Problem> {
    server::call(|port, who| async move { port.runs(&who, &ids).await }).await
}

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn get_run_detail(id: RunId) -> Result<RunDetail, Problem> {
    server::call(|port, who| async move { port.run_detail(&who, id).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn rerun_run(id: RunId) -> Result<Run, Problem> {
    server::call(|port, who| async move { port.rerun(&who, id).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn cancel_run(id: RunId) -> Result<Run, Problem> {
    server::call(|port, who| async move { port.cancel(&who, id).await }).await
}

/// A page of the search across tasks (JSON in: the filter has a list).
#[server(client = super::CsrfClient, input = Json)]
pub async fn list_runs(filter: RunFilter) -> Result<RunList, Problem> {
    server::call(|port, who| async move { port.list_runs(&who, &filter).await }).await
}

/// Cancels or re-runs the selected runs, or all a filter matches.
#[server(client = super::CsrfClient, input = Json)]
pub async fn bulk_runs(request: BulkRequest) -> Result<BulkOutcome, Problem> {
    server::call(|port, who| async move { port.bulk(&who, request).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
