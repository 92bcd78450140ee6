//! The JSON API under `/api/v1`, one resource a file, over the service
//! layer. Errors are `application/problem+json` (see `web::problem`).

mod audit;
mod extract;
mod health;
pub mod openapi;
mod presets;
mod responses;
mod runs;
mod schedules;
mod tasks;

pub use extract::{ApiJson, Authenticated};

use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Router;
use axum::routing::get;
use types::Problem;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(tasks::router())
        .merge(runs::router())
        .merge(schedules::router())
        .merge(presets::router())
        .merge(audit::router())
        .route("/openapi.json", get(openapi::document))
        .fallback(no_such_endpoint)
}

/// `/healthz` and `/metrics`, outside the versioned API.
pub fn operations_router() -> Router<AppState> {
    Router::new().route("/healthz", get(health::healthz)).route("/metrics", get(health::metrics))
}

/// Any path under `/api/v1` that is not an endpoint.
async fn no_such_endpoint() -> ApiError {
    ApiError(Problem::not_found("There is no such endpoint; see /api/v1/openapi.json."))
}
