//! `/tasks/{path}/presets`: named sets of a task's arguments; and
//! `/tasks/{path}/recent-arguments`: the sets it was started with lately.

use super::responses::{NoSuchPreset, NoSuchTask};
use super::{ApiJson, Authenticated};
use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use types::{NewPreset, Preset, PresetChange, PresetList, Problem, RecentList};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/tasks/{path}/presets", get(list).post(create))
        .route("/tasks/{path}/presets/{id}", axum::routing::patch(change).delete(remove))
        .route("/tasks/{path}/recent-arguments", get(recent))
}

/// The task's presets, by name.
#[utoipa::path(get, path = "/api/v1/tasks/{path}/presets", tag = "presets",
    params(("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$")),
    responses((status = 200, description = "The presets.", body = PresetList), NoSuchTask))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(path): Path<String>,
) -> Result<Json<PresetList>, ApiError> {
    Ok(Json(PresetList { presets: state.service.presets(&principal, &path).await? }))
}

/// Saves a named set of arguments for the task (operators and admins).
#[utoipa::path(post, path = "/api/v1/tasks/{path}/presets", tag = "presets",
    params(("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$")),
    request_body = NewPreset,
    responses(
        (status = 201, description = "The preset.", body = Preset),
        NoSuchTask,
        (status = 409, description = "The task has a preset of that name.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The name or the arguments do not fit.", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(path): Path<String>,
    ApiJson(preset): ApiJson<NewPreset>,
) -> Result<impl IntoResponse, ApiError> {
    let preset = state.service.create_preset(&principal, &path, preset).await?;
    Ok((StatusCode::CREATED, Json(preset)))
}

/// Renames a preset, gives it new arguments, or both (operators and admins).
#[utoipa::path(patch, path = "/api/v1/tasks/{path}/presets/{id}", tag = "presets",
    params(
        ("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$"),
        ("id" = String, Path, description = "The preset's id.", pattern = "^[^\\u0000]*$")),
    request_body = PresetChange,
    responses(
        (status = 200, description = "The preset, changed.", body = Preset),
        NoSuchPreset,
        (status = 409, description = "The task has another preset of that name.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The name or the arguments do not fit.", body = Problem, content_type = "application/problem+json")))]
pub async fn change(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path((path, id)): Path<(String, String)>,
    ApiJson(change): ApiJson<PresetChange>,
) -> Result<Json<Preset>, ApiError> {
    Ok(Json(state.service.change_preset(&principal, &path, &id, change).await?))
}

/// Deletes a preset (operators and admins).
#[utoipa::path(delete, path = "/api/v1/tasks/{path}/presets/{id}", tag = "presets",
    params(
        ("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$"),
        ("id" = String, Path, description = "The preset's id.", pattern = "^[^\\u0000]*$")),
    responses((status = 204, description = "Deleted."), NoSuchPreset))]
pub async fn remove(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path((path, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.service.delete_preset(&principal, &path, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The task's last distinct argument sets, newest first, including those of
/// runs already trimmed from its history.
#[utoipa::path(get, path = "/api/v1/tasks/{path}/recent-arguments", tag = "presets",
    params(("path" = String, Path, description = "The task's dotted path.", pattern = "^[^\\u0000]*$")),
    responses((status = 200, description = "The recent argument sets.", body = RecentList), NoSuchTask))]
pub async fn recent(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    Path(path): Path<String>,
) -> Result<Json<RecentList>, ApiError> {
    Ok(Json(RecentList { recent: state.service.recent_arguments(&principal, &path).await? }))
}
