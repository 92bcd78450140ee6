//! `/runs`: batch status and the search across tasks, bulk actions, one
//! run, re-run, cancel, and runs started elsewhere (register, report).

use super::responses::{NoSuchRun, NoSuchTask, OverBudget, created};
use super::{ApiJson, Authenticated};
use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;
use types::{
    BulkOutcome, BulkRequest, Origin, Problem, ReportRequest, Run, RunDetail, RunFilter, RunId, RunList, RunState,
    TrackRequest,
};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/runs", get(list).post(track))
        // Room for the 10,000 ids a bulk action may name, whatever `api.max_body_bytes` says.
        .route("/runs/bulk", post(bulk).layer(axum::extract::DefaultBodyLimit::max(types::MAX_BULK_BODY_BYTES)))
        .route("/runs/{id}", get(one).patch(report))
        .route("/runs/{id}/rerun", post(rerun))
        .route("/runs/{id}/cancel", post(cancel))
}

/// `GET /runs`: either `ids` (batch status), or the filters of the search.
/// (The handler reads the query itself, for the `arguments.*` keys; this
/// documents it.)
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RunsQuery {
    /// Comma-separated run ids, at most 200: return just these (for polling).
    #[param(value_type = Option<Vec<uuid::Uuid>>, style = Form, explode = false, max_items = 200)]
    ids: Option<String>,
    /// pending, running, success, failure or cancelled.
    #[param(value_type = Option<RunState>)]
    state: Option<String>,
    /// A task's dotted path.
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    task: Option<String>,
    /// Runs started by, or run as, this user.
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    user: Option<String>,
    /// Runs started by this user or token.
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    started_by: Option<String>,
    /// Runs run as this user.
    #[serde(rename = "as")]
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    run_as: Option<String>,
    /// ui, api, schedule, cli, external, rerun or bulk (a bulk re-run).
    #[param(value_type = Option<Origin>)]
    origin: Option<String>,
    /// Created at or after this time: RFC 3339, or without an offset as UTC
    /// (`2026-12-01`, `2026-12-01T09:30`).
    #[param(
        max_length = 40,
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?$"
    )]
    since: Option<String>,
    /// Created before this time.
    #[param(
        max_length = 40,
        pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?$"
    )]
    until: Option<String>,
    /// Text in the result or the error message, in any case.
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    text: Option<String>,
    /// Runs per page (1 to 200, default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    /// The `next_before` of the previous page.
    #[param(pattern = "^[0-9]+_[0-9a-f]{32}$")]
    before: Option<String>,
}

/// Batch status (`ids=`), or a search across tasks, newest first, a page at
/// a time. Besides the parameters listed, `arguments.KEY=VALUE` (repeatable,
/// nested keys joined by dots, at most 8) matches runs whose argument at
/// that path is VALUE: read as JSON when it is a JSON scalar (`42`, `true`,
/// `null`, `"42"` for the text), else as text.
#[utoipa::path(get, path = "/api/v1/runs", tag = "runs", params(RunsQuery),
    responses(
        (status = 200, description = "The runs asked for, or a page of the search.", body = RunList),
        (status = 400, description = "A bad id, filter, time, limit or cursor.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "More than 200 ids, or a search that did not finish within `search.timeout` (narrow it by task or time).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Every search connection stayed busy; try again after `Retry-After` seconds.", body = Problem, content_type = "application/problem+json",
            headers(("retry-after" = u64, description = "Seconds to wait.")))))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RunList>, ApiError> {
    let Query(pairs) = query.map_err(|rejection| ApiError(Problem::bad_request(rejection.body_text())))?;
    if let Some((_, ids)) = pairs.iter().find(|(key, _)| key == "ids") {
        let ids = ids
            .split(',')
            .filter(|id| !id.trim().is_empty())
            .map(|id| {
                id.parse::<RunId>().map_err(|_| ApiError(Problem::bad_request(format!("{id:?} is not a run id."))))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Json(RunList { runs: state.service.runs_by_ids(&principal, &ids).await?, next_before: None }));
    }
    let filter = RunFilter::from_query(pairs).map_err(|detail| ApiError(Problem::bad_request(detail)))?;
    Ok(Json(state.service.list_runs(&principal, &filter).await?))
}

/// Cancels or re-runs a list of runs, or every run a filter matches (at
/// most 10,000), in batches; `dry_run` only counts, and `expect` refuses
/// (409) when the count has changed since the caller confirmed it.
#[utoipa::path(post, path = "/api/v1/runs/bulk", tag = "runs", request_body = BulkRequest,
    responses(
        (status = 200, description = "What was matched, changed and left alone.", body = BulkOutcome),
        (status = 400, description = "A bad filter, time or cursor.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The selection's count differs from `expect`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of ids and filter, no ids, more than 10,000 runs, a re-run of more runs than `api.starts_per_minute`, or a search that did not finish within `search.timeout`.", body = Problem, content_type = "application/problem+json"),
        OverBudget))]
pub async fn bulk(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    ApiJson(request): ApiJson<BulkRequest>,
) -> Result<Json<BulkOutcome>, ApiError> {
    Ok(Json(state.service.bulk(&principal, request).await?))
}

/// Every field of one run, with its attempts and log.
#[utoipa::path(get, path = "/api/v1/runs/{id}", tag = "runs",
    params(("id" = String, Path, description = "The run's id.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 200, description = "The run.", body = RunDetail),
        NoSuchRun))]
pub async fn one(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<RunDetail>, ApiError> {
    Ok(Json(state.service.run_detail(&principal, run_id(&id)?).await?))
}

/// Starts a new run with the same arguments, linked by `rerun_of`.
#[utoipa::path(post, path = "/api/v1/runs/{id}/rerun", tag = "runs",
    params(("id" = String, Path, description = "The run's id.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 201, description = "The new run.", body = Run),
        NoSuchRun,
        (status = 409, description = "The task can no longer be started here.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The arguments no longer fit the task's schema.", body = Problem, content_type = "application/problem+json"),
        OverBudget))]
pub async fn rerun(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(created(state.service.rerun(&principal, run_id(&id)?).await?))
}

/// Cancels a pending run, or asks a running one to stop.
#[utoipa::path(post, path = "/api/v1/runs/{id}/cancel", tag = "runs",
    params(("id" = String, Path, description = "The run's id.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 200, description = "The run, cancelled or asked to stop.", body = Run),
        NoSuchRun,
        (status = 409, description = "The run has already ended.", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Run>, ApiError> {
    Ok(Json(state.service.cancel(&principal, run_id(&id)?).await?))
}

/// Registers a run that another system started (the original's `save_task_id`).
/// The same request again is accepted; a different one under a used id is 409.
#[utoipa::path(post, path = "/api/v1/runs", tag = "external runs", request_body = TrackRequest,
    responses(
        (status = 201, description = "The run as registered.", body = Run),
        NoSuchTask,
        (status = 409, description = "Not an external task, or the id is used by a different run.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The arguments do not fit the task's schema.", body = Problem, content_type = "application/problem+json"),
        OverBudget))]
pub async fn track(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    ApiJson(request): ApiJson<TrackRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(created(state.service.track(&principal, request).await?))
}

/// An external run reports its state, result and error.
#[utoipa::path(patch, path = "/api/v1/runs/{id}", tag = "external runs",
    params(("id" = String, Path, description = "The run's id.", pattern = "^[^\\u0000]*$")),
    request_body = ReportRequest,
    responses(
        (status = 200, description = "The run as updated.", body = Run),
        NoSuchRun,
        (status = 409, description = "The run was started here, or has already ended.", body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ReportRequest>,
) -> Result<Json<Run>, ApiError> {
    Ok(Json(state.service.report(&principal, run_id(&id)?, request).await?))
}

/// A run id from the path; anything else names no run (404).
fn run_id(text: &str) -> Result<RunId, ApiError> {
    text.parse().map_err(|_| ApiError(Problem::not_found(format!("No run {text:?}: run ids are UUIDs."))))
}
