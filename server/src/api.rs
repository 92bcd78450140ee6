//! The JSON API under `/api/v1`, one resource a file, over the service
//! layer. Errors are `application/problem+json`, made in `problem`.

mod extract;
mod health;
pub mod openapi;
mod problem;
mod runs;
mod schedules;
mod tasks;

pub use extract::{ApiJson, Authenticated};
pub use problem::ApiError;

use crate::web::AppState;
use axum::Router;
use axum::routing::get;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(tasks::router())
        .merge(runs::router())
        .merge(schedules::router())
        .route("/openapi.json", get(openapi::document))
        .fallback(problem::no_such_endpoint)
}

/// `/healthz` and `/metrics`, outside the versioned API.
pub fn operations_router() -> Router<AppState> {
    Router::new().route("/healthz", get(health::healthz)).route("/metrics", get(health::metrics))
}
