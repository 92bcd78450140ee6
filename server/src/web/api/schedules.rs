//! `/schedules`: the cron schedules; pause, resume, run now.

use super::Authenticated;
use super::responses::{NoSuchSchedule, created};
use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use types::{Run, Schedule, ScheduleList};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/schedules", get(list))
        .route("/schedules/{name}/pause", post(pause))
        .route("/schedules/{name}/resume", post(resume))
        .route("/schedules/{name}/run", post(run_now))
}

/// Every schedule, with its next tick and last run.
#[utoipa::path(get, path = "/api/v1/schedules", tag = "schedules",
    responses((status = 200, description = "The schedules.", body = ScheduleList)))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<Json<ScheduleList>, ApiError> {
    Ok(Json(ScheduleList { schedules: state.service.schedules(&principal).await? }))
}

/// Stops a schedule firing until it is resumed.
#[utoipa::path(post, path = "/api/v1/schedules/{name}/pause", tag = "schedules",
    params(("name" = String, Path, description = "The schedule's name.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 200, description = "The schedule, paused.", body = Schedule),
        NoSuchSchedule))]
pub async fn pause(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(name): Path<String>,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.service.set_schedule_paused(&principal, &name, true).await?))
}

/// Lets a schedule fire again, from its next tick.
#[utoipa::path(post, path = "/api/v1/schedules/{name}/resume", tag = "schedules",
    params(("name" = String, Path, description = "The schedule's name.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 200, description = "The schedule, running.", body = Schedule),
        NoSuchSchedule))]
pub async fn resume(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(name): Path<String>,
) -> Result<Json<Schedule>, ApiError> {
    Ok(Json(state.service.set_schedule_paused(&principal, &name, false).await?))
}

/// Starts the schedule's task now, with its arguments.
#[utoipa::path(post, path = "/api/v1/schedules/{name}/run", tag = "schedules",
    params(("name" = String, Path, description = "The schedule's name.", pattern = "^[^\\u0000]*$")),
    responses(
        (status = 201, description = "The run.", body = Run),
        NoSuchSchedule))]
pub async fn run_now(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(name): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(created(state.service.run_schedule_now(&principal, &name).await?))
}
