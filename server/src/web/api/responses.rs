//! Answers several resources share: a created run with its URL, and the
//! documented refusals that name what was not found (types that exist only
//! for the OpenAPI document; the refusals themselves are `ServiceError`s).

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use types::{Problem, Run};

/// 201 with the run and its URL.
pub fn created(run: Run) -> impl IntoResponse {
    let location = format!("/api/v1/runs/{}", run.id);
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(run))
}

/// 404 for an unknown run, as the OpenAPI document describes it.
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "it only documents the answer")]
pub enum NoSuchRun {
    #[response(status = 404, description = "No such run.", content_type = "application/problem+json")]
    NotFound(Problem),
}

/// 404 for an unknown task.
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "it only documents the answer")]
pub enum NoSuchTask {
    #[response(status = 404, description = "No such task.", content_type = "application/problem+json")]
    NotFound(Problem),
}

/// 404 for an unknown schedule.
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "it only documents the answer")]
pub enum NoSuchSchedule {
    #[response(status = 404, description = "No such schedule.", content_type = "application/problem+json")]
    NotFound(Problem),
}

/// 404 for an unknown preset (or task).
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "it only documents the answer")]
pub enum NoSuchPreset {
    #[response(status = 404, description = "No such task or preset.", content_type = "application/problem+json")]
    NotFound(Problem),
}

/// 429 when the caller has started more runs than its budget allows.
#[derive(utoipa::IntoResponses)]
#[expect(dead_code, reason = "it only documents the answer")]
pub enum OverBudget {
    #[response(
        status = 429,
        description = "More starts than `api.starts_per_minute` allow; try again after `Retry-After` seconds.",
        content_type = "application/problem+json",
        headers(("retry-after" = u64, description = "Seconds to wait."))
    )]
    TooMany(Problem),
}
