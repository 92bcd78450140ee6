//! `/healthz` (liveness, no credentials) and `/metrics` (Prometheus text,
//! for viewers and up).

use super::{ApiError, Authenticated};
use crate::engine::store::statement;
use crate::service::require;
use crate::web::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use sea_orm::ConnectionTrait;
use types::{Problem, Role};

/// 200 with `{"status": "ok"}` while the database answers; 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let db = state.service.engine().db();
    db.read
        .query_one_raw(statement(db.backend, "SELECT 1", Vec::new()))
        .await
        .map_err(|error| ApiError(Problem::new(503, format!("The database does not answer: {error}"))))?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

pub async fn metrics(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
) -> Result<impl IntoResponse, ApiError> {
    require(&principal, Role::Viewer)?;
    let db = state.service.engine().db();
    let row = db
        .read
        .query_one_raw(statement(db.backend, "SELECT COUNT(*) AS depth FROM runs WHERE state = 'pending'", Vec::new()))
        .await
        .map_err(crate::service::ServiceError::from)?;
    let depth = row.and_then(|row| row.try_get::<i64>("", "depth").ok()).unwrap_or(0);
    let text = state.metrics.render(u64::try_from(depth).unwrap_or(0));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text))
}
