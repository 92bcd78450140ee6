//! `/audit`: the audit log, newest first, for admins.

use super::Authenticated;
use crate::web::problem::ApiError;
use crate::web::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::routing::get;
use types::{AuditFilter, AuditList, Problem};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/audit", get(list))
}

/// Who did what, as whom, when and from where: a page of the audit log.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditFilter),
    responses(
        (status = 200, description = "A page of entries, newest first.", body = AuditList),
        (status = 400, description = "A bad action, time, limit or cursor.", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(principal): Authenticated,
    query: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditList>, ApiError> {
    let Query(filter) = query.map_err(|rejection| ApiError(Problem::bad_request(rejection.body_text())))?;
    Ok(Json(state.service.audit_log(&principal, &filter).await?))
}
