//! `/healthz` (liveness, no credentials) and `/metrics` (Prometheus text,
//! for viewers and up).

use super::Authenticated;
use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use types::Problem;

/// 200 with `{"status": "ok"}` while the database answers; 503 otherwise
/// (without the database's own words: anyone may ask).
pub async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    if state.service.database_answers().await {
        Ok(Json(serde_json::json!({"status": "ok"})))
    } else {
        Err(ApiError(Problem::new(503, "The database does not answer.")))
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<impl IntoResponse, ApiError> {
    let depth = state.service.queue_depth(&principal).await?;
    let text = state.metrics.render(depth);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}
