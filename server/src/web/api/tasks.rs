//! `/tasks`: the configured tasks, starting runs, and a task's history.

use super::responses::{NoSuchTask, OverBudget, created};
use super::{ApiJson, Authenticated};
use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use types::{Origin, Problem, Run, RunList, StartRequest, Task, TaskList};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/tasks", get(list))
        .route("/tasks/{path}", get(one))
        .route("/tasks/{path}/runs", get(history).post(start))
}

/// The tasks the console shows and the API can start.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    responses((status = 200, description = "The configured tasks.", body = TaskList)))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<TaskList>, ApiError> {
    Ok(Json(TaskList { tasks: state.service.list_tasks(&principal)? }))
}

/// One task, with its arguments' JSON Schema and defaults.
#[utoipa::path(get, path = "/api/v1/tasks/{path}", tag = "tasks",
    params(("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 200, description = "The task.", body = Task),
        NoSuchTask))]
pub async fn one(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(path): Path<String>,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(state.service.task(&principal, &path)?))
}

/// Starts a run of the task, as the caller or as the impersonation user.
#[utoipa::path(post, path = "/api/v1/tasks/{path}/runs", tag = "tasks",
    params(("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$")),
    request_body = StartRequest,
    responses(
        (status = 201, description = "The run, pending.", body = Run,
            headers(("location" = String, description = "The run's URL."))),
        NoSuchTask,
        (status = 409, description = "An external task, or no impersonation user configured.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The arguments do not fit the task's schema.", body = Problem, content_type = "application/problem+json"),
        OverBudget))]
pub async fn start(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(path): Path<String>,
    ApiJson(request): ApiJson<StartRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let run = state.service.start(&principal, &path, request, Origin::Api).await?;
    Ok(created(run))
}

/// The task's history, newest first.
#[utoipa::path(get, path = "/api/v1/tasks/{path}/runs", tag = "tasks",
    params(("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 200, description = "At most the task's history limit of runs.", body = RunList),
        NoSuchTask))]
pub async fn history(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(path): Path<String>,
) -> Result<Json<RunList>, ApiError> {
    Ok(Json(RunList { runs: state.service.history(&principal, &path).await?, next_before: None }))
}
